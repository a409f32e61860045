/**
 * Ground-source heat per cell from a raster of extractable heat per metre of borehole (W/m; AIST/NEDO maps give it for
 * a 100 m exchanger) or of ground thermal conductivity (W/(m·K)).
 *   boreholes per cell = cell area / spacing²;  kW = W/m x depth x boreholes / 1000;  MWh/a = kW x full-load hours.
 * Conductivity is turned into W/m by spreading the 30-80 W/m range of geohpaj.org (METHODS.md §6) linearly over
 * 1-3 W/(m·K), clamped: an assumption (no conversion is given in METHODS.md), overridable.
 */
import type { GridSpec } from '../grid/grid.js';

export const GROUND_DEFAULTS = {
  /** m; AIST/NEDO potential maps assume a 100 m exchanger (METHODS.md §6). */
  depthM: 100,
  /** m between boreholes; assumption (no source in METHODS.md). */
  spacingM: 10,
  /** h/a at full extraction; assumption (no source in METHODS.md). */
  fullLoadHours: 1800,
  /** W/m range, geohpaj.org (METHODS.md §6), mapped onto conductivity range below (assumption). */
  wPerMRange: [30, 80] as [number, number],
  conductivityRange: [1, 3] as [number, number],
};

export interface GroundOptions {
  /** 'w_per_m' (default) or 'conductivity' (W/(m·K)). */
  kind?: 'w_per_m' | 'conductivity';
  depthM?: number;
  spacingM?: number;
  fullLoadHours?: number;
  wPerMRange?: [number, number];
  conductivityRange?: [number, number];
}

/** W per metre of borehole from conductivity (W/(m·K)), by the linear assumption above. */
export function conductivityToWPerM(lambda: number, opts: GroundOptions = {}): number {
  const [w0, w1] = opts.wPerMRange ?? GROUND_DEFAULTS.wPerMRange;
  const [l0, l1] = opts.conductivityRange ?? GROUND_DEFAULTS.conductivityRange;
  const t = Math.max(0, Math.min(1, (lambda - l0) / (l1 - l0)));
  return w0 + t * (w1 - w0);
}

/** kW per cell from a resampled W/m (or conductivity) band; NaN stays NaN (no data). */
export function groundKw(grid: GridSpec, values: ArrayLike<number>, opts: GroundOptions = {}): Float64Array {
  const depth = opts.depthM ?? GROUND_DEFAULTS.depthM;
  const spacing = opts.spacingM ?? GROUND_DEFAULTS.spacingM;
  if (!(depth > 0) || !(spacing > 0)) throw new RangeError(`borehole depth and spacing must be > 0 m (got ${depth}, ${spacing})`);
  const boreholes = (grid.cellSize * grid.cellSize) / (spacing * spacing);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) {
      out[i] = NaN;
      continue;
    }
    const wPerM = opts.kind === 'conductivity' ? conductivityToWPerM(v, opts) : v;
    out[i] = Math.max(0, (wPerM * depth * boreholes) / 1000);
  }
  return out;
}
