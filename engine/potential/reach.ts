/**
 * Spreading source potentials to the cells within reach: the heat a consumer in a cell could draw from sources no
 * farther than the access distance from the cell's centre. Flowing water (sewage, river) has one best extraction
 * point, so cells take the maximum over reachable sources; discrete plants (waste heat) add up.
 */
import type { GridSpec } from '../grid/grid.js';

/** Points every <= stepM along polylines (vertices included), flat [x, y, ...]. */
export function samplePolylines(lines: Float64Array[], stepM: number): number[] {
  const out: number[] = [];
  for (const l of lines) {
    const n = l.length / 2;
    if (n === 0) continue;
    out.push(l[0]!, l[1]!);
    for (let i = 1; i < n; i++) {
      const ax = l[2 * i - 2]!, ay = l[2 * i - 1]!, bx = l[2 * i]!, by = l[2 * i + 1]!;
      const k = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / stepM));
      for (let j = 1; j <= k; j++) out.push(ax + ((bx - ax) * j) / k, ay + ((by - ay) * j) / k);
    }
  }
  return out;
}

/** Polygon rings as closed polylines (the banks of a water body). */
export function ringsAsLines(polygons: Float64Array[][]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const p of polygons)
    for (const r of p) {
      const c = new Float64Array(r.length + 2);
      c.set(r);
      c[r.length] = r[0]!;
      c[r.length + 1] = r[1]!;
      out.push(c);
    }
  return out;
}

/**
 * For every point (x = pts[2k], y = pts[2k+1]) with value vals[k] (or `value` for all), visit the cells whose centre
 * is within reachM, plus the cell holding the point, and combine: 'max' or 'sum'. Returns the number of visits.
 */
export function spreadWithinReach(
  grid: GridSpec,
  pts: ArrayLike<number>,
  vals: ArrayLike<number> | number,
  reachM: number,
  band: Float64Array,
  mode: 'max' | 'sum',
): number {
  const { x0, y0, cellSize: cs, width: w, height: h } = grid;
  const r2 = reachM * reachM;
  const k = Math.ceil(reachM / cs) + 1;
  let visits = 0;
  const n = pts.length / 2;
  for (let p = 0; p < n; p++) {
    const x = pts[2 * p]!, y = pts[2 * p + 1]!;
    const v = typeof vals === 'number' ? vals : vals[p]!;
    if (!(v > 0)) continue;
    const pc = Math.floor((x - x0) / cs);
    const pr = Math.floor((y0 - y) / cs);
    for (let r = Math.max(0, pr - k); r <= Math.min(h - 1, pr + k); r++) {
      const dy = y0 - (r + 0.5) * cs - y;
      for (let c = Math.max(0, pc - k); c <= Math.min(w - 1, pc + k); c++) {
        const dx = x0 + (c + 0.5) * cs - x;
        if (dx * dx + dy * dy > r2 && !(r === pr && c === pc)) continue;
        const i = r * w + c;
        if (mode === 'max') {
          if (v > band[i]!) band[i] = v;
        } else band[i] += v;
        visits++;
      }
    }
  }
  return visits;
}
