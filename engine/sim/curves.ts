/**
 * builelib's heat-source characteristics (datasets/builelib/ac_heat_source_performance.json, 94 types, MIT, © 2020
 * Masato Miyata), applied as builelib applies them (src/builelib/systems/airconditioning.py, 解説書 2.7.4-2.7.16):
 *
 * - capacity ratio xQ(T) and input ratio xP(T) against the source temperature T, each curve a 4th-order polynomial
 *   on its range, times its 基整促係数 (0.95 on capacity, 1.2 on input for most machines); T is clamped to the first
 *   curve's lower and the last curve's upper bound and the first curve whose upper bound is >= T is used;
 * - part-load ratio f(L) of the input at load ratio L (clamped to the curve's range; machines with several curves,
 *   e.g. inverter turbo chillers, pick the curve by cooling-water temperature: lower < T <= upper);
 * - supply-temperature ratio g(Tw) of the input (clamped to its range);
 * - input = rated input x xP(T) x f(L) x g(Tw), maximum output = rated capacity x xQ(T).
 *
 * The source temperature follows builelib 2.7.4: water-cooled in cooling: cooling water = outdoor wet bulb + 3 °C,
 * wet bulb = a1 x dry bulb + a0 (region coefficients, builelib common_area.json); water source in heating 15.5 °C
 * (builelib's provisional value); air source: dry bulb in cooling, wet bulb in heating; no source (不要): dry bulb.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { bundledPath } from '../util/data-dir.js';

export const BUILELIB_PERFORMANCE_FILE = 'ac_heat_source_performance.json';
export const CURVE_SOURCE = 'builelib ac_heat_source_performance.json (MasatoMiyata/builelib commit 545e30e, MIT), applied as airconditioning.py 2.7.8-2.7.16';

export interface CurveSegment {
  lower: number;
  upper: number;
  /** Cooling-water temperature range that selects this part-load curve, °C (null: any). */
  waterLower: number | null;
  waterUpper: number | null;
  /** 基整促係数: the standard's correction factor (0.95 on capacity, 1.2 on input for most types). */
  factor: number;
  /** a0..a4, value = factor x (a4 x^4 + a3 x^3 + a2 x^2 + a1 x + a0). */
  a: [number, number, number, number, number];
}

export interface ModeCurves {
  /** 熱源種類: 水 (water-cooled / water source), 空気 (air), 不要 (none), 地盤... (ground). */
  source: string;
  /** 燃料種類: 電力, ガス, 灯油, 重油, LPG, 蒸気, 温水, ... */
  fuel: string;
  capacity: CurveSegment[];
  input: CurveSegment[];
  partLoad: CurveSegment[];
  supplyTemp: CurveSegment[];
}

export interface MachineCurves {
  /** builelib's type name (Japanese) and ID. */
  name: string;
  id: string;
  cooling?: ModeCurves;
  heating?: ModeCurves;
}

interface RawSeg {
  上限: number;
  下限: number;
  係数: { a0: number; a1: number; a2: number; a3: number; a4: number };
  冷却水温度上限: number | null;
  冷却水温度下限: number | null;
  基整促係数: number;
}
interface RawMode { 熱源種類: string; 燃料種類: string; 能力比: RawSeg[]; 入力比: RawSeg[]; 部分負荷特性: RawSeg[]; 送水温度特性: RawSeg[] }

const seg = (s: RawSeg): CurveSegment => ({
  lower: s.下限, upper: s.上限, waterLower: s.冷却水温度下限, waterUpper: s.冷却水温度上限, factor: s.基整促係数,
  a: [s.係数.a0, s.係数.a1, s.係数.a2, s.係数.a3, s.係数.a4],
});
const mode = (m: RawMode | undefined): ModeCurves | undefined =>
  m && m.能力比?.length && m.入力比?.length
    ? { source: m.熱源種類, fuel: m.燃料種類, capacity: m.能力比.map(seg), input: m.入力比.map(seg), partLoad: m.部分負荷特性.map(seg), supplyTemp: m.送水温度特性.map(seg) }
    : undefined;

let table: Map<string, MachineCurves> | undefined;
let tableFile: string | undefined;

/** Parse builelib's performance JSON text into curves by name and by ID (lower case). */
export function parseBuilelibPerformance(text: string, file: string): Map<string, MachineCurves> {
  let raw: Record<string, { ID: string; 冷房時の特性?: RawMode; 暖房時の特性?: RawMode }>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError('curves-bad-json', `not valid JSON: ${(e as Error).message}`, { file });
  }
  const out = new Map<string, MachineCurves>();
  for (const [name, v] of Object.entries(raw)) {
    const m: MachineCurves = { name, id: v.ID, cooling: mode(v.冷房時の特性), heating: mode(v.暖房時の特性) };
    out.set(name, m);
    out.set(v.ID.toLowerCase(), m);
  }
  return out;
}

/** The bundled builelib table (read once). */
export function builelibTable(file = bundledPath('builelib', BUILELIB_PERFORMANCE_FILE)): Map<string, MachineCurves> {
  if (table && tableFile === file) return table;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('curves-missing', `cannot read builelib's heat-source table: ${(e as Error).message}`, { file, hint: 'the project ships it in datasets/builelib (datasets/README.md)' });
  }
  table = parseBuilelibPerformance(text, file);
  tableFile = file;
  return table;
}

/** A builelib type by its Japanese name or its ID (case-insensitive), or undefined. */
export function findBuilelibType(nameOrId: string): MachineCurves | undefined {
  const t = builelibTable();
  return t.get(nameOrId.trim()) ?? t.get(nameOrId.trim().toLowerCase());
}

const poly = (s: CurveSegment, x: number) => s.factor * ((((s.a[4] * x + s.a[3]) * x + s.a[2]) * x + s.a[1]) * x + s.a[0]);

/** Capacity or input ratio at source temperature t, °C (builelib 2.7.8 / 2.7.11: clamp, first curve with upper >= t). */
export function temperatureRatio(segs: CurveSegment[], t: number): number {
  if (segs.length === 0) return 1;
  let x = t;
  if (x < segs[0].lower) x = segs[0].lower;
  else if (x > segs[segs.length - 1].upper) x = segs[segs.length - 1].upper;
  for (const s of segs) if (x <= s.upper) return poly(s, x);
  return poly(segs[segs.length - 1], x);
}

/** Whether t lies outside the curves' temperature range (then temperatureRatio clamps it). */
export const outsideRange = (segs: CurveSegment[], t: number): boolean => segs.length > 0 && (t < segs[0].lower || t > segs[segs.length - 1].upper);

/** Part-load ratio of the input at load ratio l with source temperature t (builelib 2.7.13). */
export function partLoadRatio(segs: CurveSegment[], l: number, t: number): number {
  if (segs.length === 0) return l;
  let k = 0;
  if (segs.length > 1) for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.waterLower !== null && s.waterUpper !== null && t > s.waterLower && t <= s.waterUpper) k = i;
  }
  const s = segs[k];
  const x = l < s.lower ? s.lower : l > s.upper ? s.upper : l;
  return poly(s, x);
}

/** Supply-temperature ratio of the input at supply temperature tw, °C (builelib 2.7.14; 1 without a curve). */
export function supplyTempRatio(segs: CurveSegment[], tw: number): number {
  if (segs.length === 0) return 1;
  const s = segs[0];
  const x = tw < s.lower ? s.lower : tw > s.upper ? s.upper : tw;
  return poly(s, x);
}

/** Outdoor wet bulb from dry bulb, °C (builelib common_area.json 湿球温度係数: regions 1-2, 3-7, 8). */
export function wetBulbC(dryC: number, region: number | undefined): number {
  const [a1, a0] = region === 1 || region === 2 ? [0.8921, -1.0759] : region === 8 ? [1.0372, -3.9758] : [0.9034, -1.4545];
  return a1 * dryC + a0;
}

/** builelib 2.7.4: the temperature a machine's curves are read at, °C, for one hour's outdoor dry bulb. */
export function sourceTemperatureC(m: ModeCurves, side: 'heat' | 'cold', dryC: number, region: number | undefined): number {
  if (m.source === '水') return side === 'cold' ? wetBulbC(dryC, region) + 3 : 15.5;
  if (m.source === '空気') return side === 'cold' ? dryC : wetBulbC(dryC, region);
  return dryC;
}
