/** Per-cell colours of a binary grid band (sqrt scale from 0 to the band's maximum), cached per band. */
import { GRID_ARRAYS, type Unpacked } from '../../../engine/viewer/pack/format.js';
import type { GridMeta } from '../data.js';
import { ramp, type Rgba } from '../../../engine/style/palette.js';

const cache = new WeakMap<object, Map<string, Uint8Array>>();

export function gridColors(grid: Unpacked<GridMeta>, band: number, stops: Rgba[], alpha = 220): Uint8Array {
  const key = `${band}:${stops.length}:${alpha}`;
  let m = cache.get(grid);
  if (!m) cache.set(grid, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const v = grid.arrays[GRID_ARRAYS.band(band)] as Float32Array;
  const max = grid.meta.bands[band]?.max || 1;
  const out = new Uint8Array(v.length * 4);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(x > 0)) continue; // transparent: zero or no data
    ramp(stops, Math.sqrt(x / max), out, i * 4);
    out[i * 4 + 3] = alpha;
  }
  m.set(key, out);
  return out;
}
