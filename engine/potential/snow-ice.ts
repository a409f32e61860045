/**
 * Snow and ice storage (雪氷熱): stored snow or ice melted in the warm season gives cold, not heat. The cold is the
 * latent heat of the stored mass: E = V · rho · L_f, L_f = 333.55 kJ/kg (latent heat of fusion of ice at 0 °C,
 * CRC Handbook of Chemistry and Physics), the meltwater's sensible heat left out (a lower bound). Sites are points or
 * polygons with a volume (m³) and optionally a density; stored-snow density (default 500 kg/m³) and the usable share
 * (default 1, melt losses not modelled: an upper bound) are ASSUMPTIONS. The energy is spread over the melt season
 * (months melt_start..melt_end, default June to September: ASSUMPTION) as a constant kW of cold.
 * The band is cold (kW of cooling), so it stays out of the heat coverage and the suitability classes.
 */
import { InputError } from '../errors.js';
import { ringCentroid, polygonsArea } from '../geom/rings.js';
import type { Warnings } from '../util/warnings.js';
import { numberProp, type SourceFeature } from './vector-input.js';
import { SNOW_ICE_DEFAULTS } from './other-defaults.js';

export { SNOW_ICE_DEFAULTS };

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Hours of the months start..end (1-12, wrapping over the new year when start > end). */
export function seasonHours(start: number, end: number): number {
  let h = 0;
  for (let m = start; ; m = (m % 12) + 1) {
    h += DAYS[m - 1]! * 24;
    if (m === end) break;
  }
  return h;
}

export interface SnowIceSource {
  id: string;
  x: number;
  y: number;
  volumeM3: number;
  /** Cold energy a year, MWh. */
  mwhA: number;
  /** Constant cold over the melt season, kW. */
  kw: number;
}

export interface SnowIceOptions {
  file?: string;
  densityKgM3?: number;
  usableShare?: number;
  meltStartMonth?: number;
  meltEndMonth?: number;
}

/** MWh of cold in `volumeM3` of snow/ice of `densityKgM3`. */
export const snowColdMWh = (volumeM3: number, densityKgM3: number, share = 1): number => (volumeM3 * densityKgM3 * SNOW_ICE_DEFAULTS.latentKJPerKg * share) / 3.6e6;

export function snowIceSources(features: SourceFeature[], warnings: Warnings, opts: SnowIceOptions = {}): SnowIceSource[] {
  const d = SNOW_ICE_DEFAULTS;
  const hours = seasonHours(opts.meltStartMonth ?? d.meltStartMonth, opts.meltEndMonth ?? d.meltEndMonth);
  const out: SnowIceSource[] = [];
  for (const f of features) {
    const v = numberProp(f.props, d.volumeFields);
    if (v === undefined || !(v >= 0)) {
      throw new InputError('snow-no-volume', `snow/ice site without a volume >= 0 m³ (${d.volumeFields[0]})`, { file: opts.file, record: f.id, value: v ?? 'missing' });
    }
    const rho = numberProp(f.props, d.densityFields) ?? opts.densityKgM3 ?? d.densityKgM3;
    if (!(rho > 0 && rho <= 1000)) throw new InputError('snow-bad-density', 'snow/ice density must be in 0..1000 kg/m³', { file: opts.file, record: f.id, value: rho });
    let x: number, y: number;
    if (f.points.length >= 2) [x, y] = [f.points[0]!, f.points[1]!];
    else if (f.polygons.length && polygonsArea(f.polygons) > 0) [x, y] = ringCentroid(f.polygons[0]![0]!);
    else {
      warnings.add('snow-no-geometry', 'snow/ice site without point or polygon geometry left out', { file: opts.file, record: f.id });
      continue;
    }
    const mwhA = snowColdMWh(v, rho, opts.usableShare ?? d.usableShare);
    out.push({ id: f.id, x, y, volumeM3: v, mwhA, kw: (mwhA * 1000) / hours });
  }
  return out;
}
