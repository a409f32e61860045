/**
 * Per-cell colours of a binary grid band, cached per band and paint: a continuous ramp on a √ scale from 0 to the
 * band's maximum, or fixed classes (demand density in MWh/(ha·a), suitability classes). Zero and no-data cells stay
 * transparent.
 */
import { GRID_ARRAYS, type Unpacked } from '../../../engine/viewer/pack/format.js';
import type { GridMeta } from '../data.js';
import { ramp, rgbaClassIndex, type Rgba, type RgbaClass } from '../../../engine/style/palette.js';

/** How a cell value becomes a colour: writes RGB(A) at out[o..o+3] and returns false to leave the cell transparent. */
export interface CellPaint {
  /** Identifies the paint in caches (same key, same colours). */
  key: string;
  paint(v: number, out: Uint8Array, o: number): boolean;
}

/** Continuous ramp, t = √(v / max). */
export function sqrtPaint(stops: Rgba[], max: number): CellPaint {
  const m = max > 0 ? max : 1;
  return { key: `sqrt:${stops.map((s) => s.join(',')).join(';')}:${m}`, paint: (v, out, o) => (ramp(stops, Math.sqrt(v / m), out, o), true) };
}

/** Fixed classes of v x scale (e.g. MWh per cell x 1/ha = MWh/ha). */
export function classPaint(classes: readonly RgbaClass[], scale = 1): CellPaint {
  return {
    key: `classes:${classes.map((c) => `${c.max}=${c.color.join(',')}`).join(';')}:${scale}`,
    paint: (v, out, o) => {
      const c = classes[rgbaClassIndex(classes, v * scale)];
      if (!c) return false;
      out[o] = c.color[0];
      out[o + 1] = c.color[1];
      out[o + 2] = c.color[2];
      return true;
    },
  };
}

/** Categories by the rounded value (suitability class 0-4); values without a category or with alpha 0 stay transparent. */
export function categoryPaint(cats: readonly { value: number; color: Rgba }[]): CellPaint {
  return {
    key: `cats:${cats.map((c) => `${c.value}=${c.color.join(',')}`).join(';')}`,
    paint: (v, out, o) => {
      const c = cats.find((k) => k.value === Math.round(v));
      if (!c || c.color[3] === 0) return false;
      out[o] = c.color[0];
      out[o + 1] = c.color[1];
      out[o + 2] = c.color[2];
      return true;
    },
  };
}

const cache = new WeakMap<object, Map<string, Uint8Array>>();

export function gridColors(grid: Unpacked<GridMeta>, band: number, paint: CellPaint, alpha = 220): Uint8Array {
  const key = `${band}:${paint.key}:${alpha}`;
  let m = cache.get(grid);
  if (!m) cache.set(grid, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const v = grid.arrays[GRID_ARRAYS.band(band)] as Float32Array;
  const out = new Uint8Array(v.length * 4);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(x > 0)) continue; // transparent: zero or no data
    if (paint.paint(x, out, i * 4)) out[i * 4 + 3] = alpha;
    else out.fill(0, i * 4, i * 4 + 4);
  }
  m.set(key, out);
  return out;
}
