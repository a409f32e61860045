/**
 * Sea-water heat: Q = rho · cp · V · dT at an intake on the coast. The coast is a layer of the user's (coastline lines
 * or sea polygons: OSM natural=coastline, a national coastline file, PLATEAU wtr features of the sea); each feature is
 * one intake whose flow V (m³/s) comes from an attribute or the `seaIntake_m3_s` option: there is no citable default
 * for an intake, the planner states it. dT follows PlanHeat's river rule dT = min(T_sea - 2, 6) K (METHODS.md §6)
 * applied to sea water (ASSUMPTION: no sea-specific rule was found), with the sea temperature by month (°C, January
 * first: the planner's values, e.g. JMA's monthly coastal sea-surface temperatures; no default). Design kW uses the
 * coldest month's dT, MWh/a sums the months. Sea water is a heat-pump source like river water.
 */
import { InputError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';
import { riverDeltaT } from './river.js';
import { waterHeatKw } from './sewage.js';
import { numberProp, type SourceFeature } from './vector-input.js';
import { SEA_WATER_DEFAULTS } from './other-defaults.js';

export { SEA_WATER_DEFAULTS };

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface SeaWaterOptions {
  /** °C: one value or 12 monthly means (January first). */
  seaTempC?: number[];
  /** m³/s for intakes without an attribute. */
  intakeM3s?: number;
  maxDTK?: number;
  file?: string;
}

export interface SeaWaterSource {
  id: string;
  lines: Float64Array[];
  polygons: Float64Array[][];
  intakeM3s: number;
  flowSource: 'attribute' | 'option';
  /** dT at design (coldest month), K. */
  dTK: number;
  kw: number;
  mwhA: number;
}

/** Sea-water intakes from coastline/sea features: kW at the coldest month's dT and MWh/a over the months. */
export function seaWaterSources(features: SourceFeature[], warnings: Warnings, opts: SeaWaterOptions = {}): SeaWaterSource[] {
  const d = SEA_WATER_DEFAULTS;
  const temps = opts.seaTempC;
  if (temps && temps.length !== 1 && temps.length !== 12) throw new InputError('sea-bad-temperature', 'sea temperature needs 1 or 12 values (°C, January first)', { value: temps });
  const cap = opts.maxDTK ?? d.maxDTK;
  if (!temps) warnings.add('sea-no-temperature', `no sea temperature given (seaTemp_C): dT = ${cap} K (the PlanHeat cap) assumed`);
  const dTs = temps ? temps.map((t) => riverDeltaT(t, cap)) : [cap];
  const dDesign = Math.min(...dTs);
  const out: SeaWaterSource[] = [];
  for (const f of features) {
    let flow = numberProp(f.props, d.flowFields);
    let src: SeaWaterSource['flowSource'] = 'attribute';
    if (flow !== undefined && !(flow >= 0)) throw new InputError('sea-bad-flow', 'sea-water intake flow must be a number >= 0 m³/s', { file: opts.file, record: f.id, value: flow });
    if (flow === undefined && opts.intakeM3s !== undefined) {
      flow = opts.intakeM3s;
      src = 'option';
    }
    if (flow === undefined) {
      warnings.add('sea-no-flow', 'coast feature without an intake flow attribute (intake_m3s) or seaIntake_m3_s: left out', { file: opts.file, record: f.id });
      continue;
    }
    if (f.lines.length === 0 && f.polygons.length === 0) {
      warnings.add('sea-no-geometry', 'sea feature without line or polygon geometry left out', { file: opts.file, record: f.id });
      continue;
    }
    const kwAt = (dT: number) => waterHeatKw(flow!, dT, d.rhoKgM3, d.cpKJPerKgK);
    const kw = kwAt(dDesign);
    let mwhA = 0;
    if (dTs.length === 12) dTs.forEach((dT, m) => (mwhA += (kwAt(dT) * DAYS[m]! * 24) / 1000));
    else mwhA = (kw * 8760) / 1000;
    out.push({ id: f.id, lines: f.lines, polygons: f.polygons, intakeM3s: flow, flowSource: src, dTK: dDesign, kw, mwhA });
  }
  if (features.length > 0 && out.length === 0) {
    throw new InputError('sea-no-flow', 'no coast feature has an intake flow', { file: opts.file, hint: 'give an intake_m3s attribute (m³/s) or seaIntake_m3_s (--sea-intake M3S)' });
  }
  return out;
}
