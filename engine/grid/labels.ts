/**
 * Connected-component labelling of a binary mask: two-pass union-find over a row-major raster.
 * Labels are 1..count in the order of each component's first cell in a row-major scan, which is the numbering
 * scipy.ndimage.label produces; 0 = background.
 */

export interface Labelling {
  /** Label per cell, 0 = not in any component. */
  labels: Int32Array;
  count: number;
}

/** Label the set cells of `mask` with 8-connectivity (default, scipy's np.ones((3,3))) or 4-connectivity. */
export function labelComponents(mask: Uint8Array, width: number, height: number, opts: { connectivity?: 4 | 8 } = {}): Labelling {
  if (mask.length !== width * height) throw new RangeError(`mask has ${mask.length} cells, expected ${width} x ${height}`);
  const eight = (opts.connectivity ?? 8) === 8;
  const n = mask.length;
  // parent links hold cell indices; roots point to themselves. -1 = background.
  const parent = new Int32Array(n).fill(-1);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    // path compression
    while (parent[i] !== r) {
      const next = parent[i]!;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    // the smaller index stays root, so a root is always its component's first cell in scan order
    if (ra < rb) parent[rb] = ra;
    else parent[ra] = rb;
  };
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      const i = o + c;
      if (!mask[i]) continue;
      parent[i] = i;
      if (c > 0 && mask[i - 1]) union(i, i - 1);
      if (r > 0) {
        const up = i - width;
        if (mask[up]) union(i, up);
        if (eight) {
          if (c > 0 && mask[up - 1]) union(i, up - 1);
          if (c + 1 < width && mask[up + 1]) union(i, up + 1);
        }
      }
    }
  }
  const labels = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (parent[i] === -1) continue;
    const root = find(i);
    // roots are their component's first cell, so they are met (and numbered) before any other member
    if (root === i) labels[i] = ++count;
    else labels[i] = labels[root]!;
  }
  return { labels, count };
}

/** Sum of `values` per label (index 0 = background); NaN values count as 0. */
export function sumByLabel(labels: Int32Array, count: number, values: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(count + 1);
  for (let i = 0; i < labels.length; i++) {
    const v = values[i]!;
    if (v === v) sums[labels[i]!] += v;
  }
  return sums;
}

/** Number of cells per label (index 0 = background). */
export function countByLabel(labels: Int32Array, count: number): Float64Array {
  const n = new Float64Array(count + 1);
  for (let i = 0; i < labels.length; i++) n[labels[i]!]++;
  return n;
}
