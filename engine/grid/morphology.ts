/**
 * Binary morphology on row-major masks (1 = set, 0 = clear) with the 3x3 square structuring element, matching
 * scipy.ndimage.binary_dilation / binary_erosion with `structure=np.ones((3, 3))` and the default border_value=0:
 * cells outside the raster count as clear. For dilation that changes nothing; for erosion it means every cell on the
 * raster's edge is cleared (an outside neighbour is clear), which is what Hotmaps' dh_potential inherits.
 * The 3x3 box is separable, so each operation is a row pass and a column pass: O(cells), two scratch buffers.
 */

/** Dilation with the 3x3 square (8-neighbourhood + centre). Out-of-raster cells count as clear. */
export function dilate3x3(mask: Uint8Array, width: number, height: number, out = new Uint8Array(mask.length)): Uint8Array {
  checkSize(mask, width, height);
  const tmp = new Uint8Array(mask.length);
  // row pass: max over (col-1, col, col+1)
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      const i = o + c;
      tmp[i] = mask[i]! | (c > 0 ? mask[i - 1]! : 0) | (c + 1 < width ? mask[i + 1]! : 0) ? 1 : 0;
    }
  }
  // column pass: max over (row-1, row, row+1)
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      const i = o + c;
      out[i] = tmp[i]! | (r > 0 ? tmp[i - width]! : 0) | (r + 1 < height ? tmp[i + width]! : 0) ? 1 : 0;
    }
  }
  return out;
}

/**
 * Erosion with the 3x3 square. `borderValue` is the value assumed outside the raster: 0 (scipy's default, used by
 * Hotmaps) clears every edge cell; 1 treats the outside as set so edge cells survive when their inside neighbours do.
 */
export function erode3x3(
  mask: Uint8Array,
  width: number,
  height: number,
  opts: { borderValue?: 0 | 1 } = {},
  out = new Uint8Array(mask.length),
): Uint8Array {
  checkSize(mask, width, height);
  const b = opts.borderValue ?? 0;
  const tmp = new Uint8Array(mask.length);
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      const i = o + c;
      tmp[i] = mask[i]! & (c > 0 ? mask[i - 1]! : b) & (c + 1 < width ? mask[i + 1]! : b) ? 1 : 0;
    }
  }
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      const i = o + c;
      out[i] = tmp[i]! & (r > 0 ? tmp[i - width]! : b) & (r + 1 < height ? tmp[i + width]! : b) ? 1 : 0;
    }
  }
  return out;
}

/**
 * Closing = dilation then erosion, both with the 3x3 square; bridges gaps of up to two clear cells between set cells
 * (200 m on a 100 m grid, Hotmaps' comment). With borderValue 0 this is scipy.ndimage.binary_closing(mask, np.ones((3,3))) and Hotmaps' sequence.
 */
export function close3x3(mask: Uint8Array, width: number, height: number, opts: { borderValue?: 0 | 1 } = {}): Uint8Array {
  return erode3x3(dilate3x3(mask, width, height), width, height, opts);
}

function checkSize(mask: Uint8Array, width: number, height: number): void {
  if (mask.length !== width * height) throw new RangeError(`mask has ${mask.length} cells, expected ${width} x ${height}`);
}
