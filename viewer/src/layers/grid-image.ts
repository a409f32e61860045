/**
 * A grid band as one RGBA image (row 0 = north) for a BitmapLayer stretched over the raster's four projected corners.
 * One texture and one quad per frame whatever the cell count: this is what keeps a 1,000,000-cell grid interactive
 * (an instanced cell per grid cell cost ~4 s a frame at 100,000 cells in SwiftShader). The quad maps the projected
 * raster affinely between its corners; over a city the plane-CRS-to-Web-Mercator distortion is far below a cell.
 */
import { BitmapLayer } from '@deck.gl/layers';
import { GRID_ARRAYS, type Unpacked } from '../../../engine/viewer/pack/format.js';
import type { GridMeta } from '../data.js';
import { gridColors, type CellPaint } from './grid-colors.js';
import { memo } from './memo.js';

/** Shipped index of each raster cell (row-major), -1 where the cell is empty. */
export function cellLookup(g: Unpacked<GridMeta>): Int32Array {
  return memo(g, 'lookup', () => {
    const out = new Int32Array(g.meta.width * g.meta.height).fill(-1);
    const cell = g.arrays[GRID_ARRAYS.cell] as Uint32Array;
    for (let k = 0; k < cell.length; k++) out[cell[k]!] = k;
    return out;
  });
}

export function gridImage(g: Unpacked<GridMeta>, band: number, paint: CellPaint, alpha: number): ImageData {
  return memo(g, `image-${band}-${paint.key}-${alpha}`, () => {
    const colors = gridColors(g, band, paint, alpha);
    const px = new Uint8ClampedArray(g.meta.width * g.meta.height * 4);
    const cell = g.arrays[GRID_ARRAYS.cell] as Uint32Array;
    for (let k = 0; k < cell.length; k++) px.set(colors.subarray(k * 4, k * 4 + 4), cell[k]! * 4);
    return new ImageData(px, g.meta.width, g.meta.height);
  });
}

export function gridBitmapLayer(id: string, g: Unpacked<GridMeta>, band: number, paint: CellPaint, alpha: number): BitmapLayer {
  return new BitmapLayer({
    id,
    image: gridImage(g, band, paint, alpha) as never,
    bounds: g.meta.corners as never,
    textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
    pickable: true,
  });
}

/** Shipped cell index under a BitmapLayer pick, or -1. */
export function pickedCell(g: Unpacked<GridMeta>, info: { bitmap?: { pixel: number[] } | null }): number {
  const p = info.bitmap?.pixel;
  if (!p) return -1;
  const [x, y] = p as [number, number];
  if (x < 0 || y < 0 || x >= g.meta.width || y >= g.meta.height) return -1;
  return cellLookup(g)[y * g.meta.width + x]!;
}
