/**
 * Biomass fuel from forests: forest polygons (or points with an area) x sustainable yield (t of fuel per ha and year,
 * as felled or as the forest plan allows: no default, the planner gives it: `biomassYield_t_ha_a` or a `yield_t_ha_a`
 * attribute) x net calorific value, into heat by a boiler. Net calorific value as received (ISO 18125):
 * q_net,ar = q_net,d (1 - M) - 2.443 M MJ/kg, M the moisture share; dry value 19 MJ/kg and M = 0.35 are ASSUMPTIONS
 * (typical wood chips; give the fuel's own). Boiler efficiency 0.8 (ASSUMPTION within METHODS.md §7's 60-90 % for
 * wood-chip boilers). kW = heat MWh/a / full-load hours (default 1,800 h, the ground layer's ASSUMPTION).
 * A forest's fuel reaches every cell within the haul distance of its centroid (default 20 km, ASSUMPTION): the band
 * adds the forests within haul distance, as waste heat adds plants.
 */
import { InputError } from '../errors.js';
import { polygonsArea, ringCentroid } from '../geom/rings.js';
import type { Warnings } from '../util/warnings.js';
import { numberProp, type SourceFeature } from './vector-input.js';
import { BIOMASS_DEFAULTS } from './other-defaults.js';

export { BIOMASS_DEFAULTS };

/** Net calorific value as received, MJ/kg (ISO 18125), from the dry value and the moisture share. */
export const netCalorificMJPerKg = (dry: number, moisture: number): number => dry * (1 - moisture) - BIOMASS_DEFAULTS.evaporationMJPerKg * moisture;

export interface BiomassSource {
  id: string;
  x: number;
  y: number;
  areaHa: number;
  yieldTPerHaA: number;
  /** Fuel energy (net) a year, MWh. */
  fuelMWhA: number;
  /** Heat a year after the boiler, MWh. */
  mwhA: number;
  kw: number;
}

export interface BiomassOptions {
  file?: string;
  yieldTPerHaA?: number;
  dryNcvMJPerKg?: number;
  moisture?: number;
  efficiency?: number;
  fullLoadHours?: number;
}

export function biomassSources(features: SourceFeature[], warnings: Warnings, opts: BiomassOptions = {}): BiomassSource[] {
  const d = BIOMASS_DEFAULTS;
  const ncv = netCalorificMJPerKg(opts.dryNcvMJPerKg ?? d.dryNcvMJPerKg, opts.moisture ?? d.moisture);
  if (!(ncv > 0)) throw new InputError('biomass-bad-ncv', 'net calorific value is not positive: moisture too high for the dry value', { file: opts.file, value: ncv });
  const eff = opts.efficiency ?? d.efficiency;
  const hours = opts.fullLoadHours ?? d.fullLoadHours;
  const out: BiomassSource[] = [];
  for (const f of features) {
    const yieldT = numberProp(f.props, d.yieldFields) ?? opts.yieldTPerHaA;
    if (yieldT === undefined || !(yieldT >= 0)) {
      throw new InputError('biomass-no-yield', 'forest without a sustainable yield >= 0 t/(ha·a) (attribute yield_t_ha_a or biomassYield_t_ha_a)', { file: opts.file, record: f.id, value: yieldT ?? 'missing' });
    }
    let areaHa = numberProp(f.props, d.areaFields);
    let x: number, y: number;
    if (f.polygons.length) {
      const a = polygonsArea(f.polygons);
      areaHa ??= a / 10_000;
      [x, y] = ringCentroid(f.polygons[0]![0]!);
    } else if (f.points.length >= 2) [x, y] = [f.points[0]!, f.points[1]!];
    else {
      warnings.add('biomass-no-geometry', 'forest without polygon or point geometry left out', { file: opts.file, record: f.id });
      continue;
    }
    if (areaHa === undefined || !(areaHa >= 0)) throw new InputError('biomass-no-area', 'forest point without an area >= 0 ha (area_ha)', { file: opts.file, record: f.id, value: areaHa ?? 'missing' });
    // t/a x MJ/kg = GJ/a; / 3.6 = MWh/a
    const fuelMWhA = (areaHa * yieldT * ncv) / 3.6;
    const mwhA = fuelMWhA * eff;
    out.push({ id: f.id, x, y, areaHa, yieldTPerHaA: yieldT, fuelMWhA, mwhA, kw: hours > 0 ? (mwhA * 1000) / hours : 0 });
  }
  return out;
}
