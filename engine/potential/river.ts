/**
 * River and water-body heat: Q = rho · cp · V · dT with dT limited as PlanHeat does: dT = min(T_water - 2, 6) K
 * (METHODS.md §6). Flow (m³/s) from an attribute, else a default by class (options: METHODS.md gives no class
 * defaults), else the one `defaultFlowM3s` given; a feature with none is counted and left out.
 * Water temperature: one value or 12 monthly values (°C). Design kW uses the coldest month's dT; MWh/a sums the months
 * (days x 24 h x kW). Without a temperature dT = the 6 K cap is assumed (counted warning 'river-no-temperature').
 */
import { InputError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';
import { waterHeatKw } from './sewage.js';
import { numberProp, type SourceFeature } from './vector-input.js';

export const RIVER_DEFAULTS = {
  /** K, PlanHeat cap on dT (METHODS.md §6). */
  maxDTK: 6,
  /** K kept above freezing, PlanHeat: dT = T - 2. */
  marginK: 2,
  /** m from the bank; no source found: Hotmaps' 150 m sewer band reused (assumption). */
  accessM: 150,
  flowFields: ['flow_m3s', 'flow', 'Q', 'discharge'],
  classFields: ['wtr:class', 'class', 'waterway', 'natural'],
};

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface RiverOptions {
  /** °C: one value, or 12 monthly means Jan..Dec. */
  waterTempC?: number | number[];
  /** m³/s by class value (e.g. { river: 20, stream: 1 }); no defaults (assumption-free). */
  flowByClass?: Record<string, number>;
  /** m³/s for features with neither a flow nor a known class. */
  defaultFlowM3s?: number;
  flowFields?: string[];
  classFields?: string[];
  maxDTK?: number;
  file?: string;
}

export interface RiverSource {
  id: string;
  lines: Float64Array[];
  polygons: Float64Array[][];
  flowM3s: number;
  flowSource: 'attribute' | 'class' | 'default';
  /** dT at design (coldest month), K. */
  dTK: number;
  kw: number;
  mwhA: number;
}

/** dT for a water temperature, K (PlanHeat): min(T - 2, cap), not below 0. */
export function riverDeltaT(tempC: number, maxDTK = RIVER_DEFAULTS.maxDTK): number {
  return Math.max(0, Math.min(tempC - RIVER_DEFAULTS.marginK, maxDTK));
}

export function riverSources(features: SourceFeature[], warnings: Warnings, opts: RiverOptions = {}): RiverSource[] {
  const o = { ...RIVER_DEFAULTS, ...definedOnly(opts) };
  const temps = opts.waterTempC === undefined ? undefined : Array.isArray(opts.waterTempC) ? opts.waterTempC : [opts.waterTempC];
  if (temps && temps.length !== 1 && temps.length !== 12) throw new InputError('river-bad-temperature', 'water temperature needs 1 or 12 values', { value: temps });
  if (!temps) warnings.add('river-no-temperature', `no water temperature given: dT = ${o.maxDTK} K (the PlanHeat cap) assumed`);
  const dTs = temps ? temps.map((t) => riverDeltaT(t, o.maxDTK)) : [o.maxDTK];
  const dDesign = Math.min(...dTs);
  const out: RiverSource[] = [];
  for (const f of features) {
    let flow = numberProp(f.props, o.flowFields);
    let src: RiverSource['flowSource'] = 'attribute';
    if (flow !== undefined && !(flow >= 0)) {
      throw new InputError('river-bad-flow', 'river flow must be a number >= 0 m³/s', { file: o.file, record: f.id, value: flow });
    }
    if (flow === undefined && opts.flowByClass) {
      for (const k of o.classFields) {
        const c = f.props[k];
        if (c !== undefined && opts.flowByClass[String(c)] !== undefined) {
          flow = opts.flowByClass[String(c)];
          src = 'class';
          break;
        }
      }
    }
    if (flow === undefined && opts.defaultFlowM3s !== undefined) {
      flow = opts.defaultFlowM3s;
      src = 'default';
    }
    if (flow === undefined) {
      warnings.add('river-no-flow', 'water body without flow, class default or --river-flow: left out', { file: o.file, record: f.id });
      continue;
    }
    if (f.lines.length === 0 && f.polygons.length === 0) {
      warnings.add('river-no-geometry', 'water feature without line or polygon geometry left out', { file: o.file, record: f.id });
      continue;
    }
    const kw = waterHeatKw(flow, dDesign);
    let mwhA = 0;
    if (dTs.length === 12) dTs.forEach((d, m) => (mwhA += (waterHeatKw(flow!, d) * DAYS[m]! * 24) / 1000));
    else mwhA = (kw * 8760) / 1000;
    out.push({ id: f.id, lines: f.lines, polygons: f.polygons, flowM3s: flow, flowSource: src, dTK: dDesign, kw, mwhA });
  }
  if (features.length > 0 && out.length === 0) {
    throw new InputError('river-no-flow', 'no water body has a flow', {
      file: o.file,
      hint: 'give a flow attribute (m³/s), --river-flow M3S, or flows by class',
    });
  }
  return out;
}

/** Options without undefined values, so spreading them keeps the defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
