/**
 * Hot-spring heat: points (wells, sources) with a flow and a temperature; the heat above a return temperature,
 * Q = rho · cp · V · (T_spring - T_return). Flow in L/min (as Japanese hot-spring registers give 湧出量) or m³/day;
 * a point without a temperature or a flow is an InputError naming the file and the record (a hot spring's heat
 * cannot be guessed). The return temperature (default 15 °C) is an ASSUMPTION: the temperature the water leaves the
 * heat exchanger or heat pump at; no source was found. Available all year (8,760 h, ASSUMPTION: a flowing spring).
 */
import { InputError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';
import { waterHeatKw } from './sewage.js';
import { numberProp, type SourceFeature } from './vector-input.js';
import { HOT_SPRING_DEFAULTS } from './other-defaults.js';

export { HOT_SPRING_DEFAULTS };

export interface HotSpringSource {
  id: string;
  x: number;
  y: number;
  flowLMin: number;
  tempC: number;
  dTK: number;
  kw: number;
  mwhA: number;
}

/** kW of a spring: flow L/min, temperature and return temperature °C (rho 1,000 kg/m³, cp 4.186 kJ/(kg·K)). */
export function hotSpringKw(flowLMin: number, tempC: number, returnC: number): number {
  return waterHeatKw(flowLMin / 60_000, Math.max(0, tempC - returnC));
}

export function hotSpringSources(features: SourceFeature[], warnings: Warnings, opts: { file?: string; returnC?: number } = {}): HotSpringSource[] {
  const d = HOT_SPRING_DEFAULTS;
  const ret = opts.returnC ?? d.returnC;
  const out: HotSpringSource[] = [];
  for (const f of features) {
    if (f.points.length < 2) {
      warnings.add('hot-spring-not-point', 'hot-spring feature without point geometry left out', { file: opts.file, record: f.id });
      continue;
    }
    const t = numberProp(f.props, d.tempFields);
    if (t === undefined || !Number.isFinite(t)) {
      throw new InputError('hot-spring-no-temperature', `hot-spring point without a temperature (°C; attribute ${d.tempFields.join(', ')})`, {
        file: opts.file,
        record: f.id,
        value: t === undefined ? 'missing' : f.props[d.tempFields.find((k) => f.props[k] !== undefined)!],
        hint: 'add the spring temperature in °C (temp_c) to every point',
      });
    }
    const lmin = numberProp(f.props, d.flowLMinFields);
    const m3d = numberProp(f.props, d.flowM3DayFields);
    const flow = lmin !== undefined ? lmin : m3d !== undefined ? (m3d * 1000) / 1440 : undefined;
    if (flow === undefined || !(flow >= 0)) {
      throw new InputError('hot-spring-no-flow', `hot-spring point without a flow >= 0 (L/min: ${d.flowLMinFields[0]}, or m³/day: ${d.flowM3DayFields[0]})`, {
        file: opts.file,
        record: f.id,
        value: flow ?? 'missing',
      });
    }
    if (t <= ret) warnings.add('hot-spring-below-return', `hot spring not warmer than the return temperature (${ret} °C): 0 kW`, { file: opts.file, record: f.id });
    const kw = hotSpringKw(flow, t, ret);
    out.push({ id: f.id, x: f.points[0]!, y: f.points[1]!, flowLMin: flow, tempC: t, dTK: Math.max(0, t - ret), kw, mwhA: (kw * d.hours) / 1000 });
  }
  return out;
}
