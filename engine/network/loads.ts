/**
 * Design loads of a set of consumers, two ways (METHODS.md 2 and 3):
 *   - 'coincident' (default): the hourly profiles of the consumers' uses (engine/demand/profiles.ts buildUseProfiles,
 *     the simulation's own profiles) summed over the set, annual x profile per use and component, and the largest
 *     hour taken: the design load of a pipe is the peak of what flows through it in the simulated year;
 *   - 'diversity': the THERMOS fit, f(n) x sum of the consumers' own peaks, f = 0.62 + 0.38 / n.
 *
 * A set of consumers is carried as one flat aggregate vector (sums over its consumers; AGG_* offsets, then one
 * column per use and component in MWh/a), so a pipe's downstream is one row of a Float64Array and subsets add and
 * subtract. The peak of an aggregate is found exactly with bounds: the largest profile value per column in a block of
 * four weeks (a week, a day) bounds every hour of it; the columns' own peak hours give the first value, then only the
 * blocks, weeks and days whose bound can beat the best hour found are opened, over the columns that hold a value.
 */
import { diversity } from './prune.js';

/** Aggregate offsets: consumers, heat MWh/a, heat peaks kW (sum), cooling MWh/a, cooling peaks kW (sum). */
export const AGG_COUNT = 0, AGG_HEAT = 1, AGG_PEAK = 2, AGG_COOL = 3, AGG_COOL_PEAK = 4;
/** Service pipes: heat loss MWh/a and chilled-water gain MWh/a of the consumers' own service pipes. */
export const AGG_SVC_LOSS = 5, AGG_SVC_GAIN = 6;
/** Consumers with cooling whose use has no cooling profile: their count and cooling peaks (kW, sum). */
export const AGG_NOPROF_COUNT = 7, AGG_NOPROF_PEAK = 8;
export const AGG_FIXED = 9;

export type LoadMethod = 'coincident' | 'diversity';

/** A consumer's demand as the load model needs it. */
export interface LoadConsumer {
  /** annual space heat and hot water, MWh/a (heatMWh when the split is unknown: all space heat) */
  spaceHeatMWh: number;
  hotWaterMWh: number;
  heatMWh: number;
  /** undiversified heat peak, kW */
  peakKw: number;
  /** annual cooling MWh/a and cooling peak kW (0 where none) */
  coolMWh: number;
  coolPeakKw: number;
  /** use category: the profile it follows */
  use: string;
}

/**
 * Load figures of every consumer in columns, one light view object per consumer (a city has a million: objects with
 * six numbers each were six heap numbers each, marked by every full collection; consumer-table.ts says why that
 * matters).
 */
export class LoadColumns {
  readonly spaceHeatMWh: Float64Array;
  readonly hotWaterMWh: Float64Array;
  readonly heatMWh: Float64Array;
  readonly peakKw: Float64Array;
  readonly coolMWh: Float64Array;
  readonly coolPeakKw: Float64Array;
  readonly use: string[];
  constructor(readonly length: number) {
    this.spaceHeatMWh = new Float64Array(length);
    this.hotWaterMWh = new Float64Array(length);
    this.heatMWh = new Float64Array(length);
    this.peakKw = new Float64Array(length);
    this.coolMWh = new Float64Array(length);
    this.coolPeakKw = new Float64Array(length);
    this.use = new Array<string>(length);
  }
  /** the columns of consumer records (tests and small callers give records) */
  static of(consumers: LoadConsumer[] | LoadColumns): LoadColumns {
    if (consumers instanceof LoadColumns) return consumers;
    const t = new LoadColumns(consumers.length);
    consumers.forEach((c, i) => {
      t.spaceHeatMWh[i] = c.spaceHeatMWh;
      t.hotWaterMWh[i] = c.hotWaterMWh;
      t.heatMWh[i] = c.heatMWh;
      t.peakKw[i] = c.peakKw;
      t.coolMWh[i] = c.coolMWh;
      t.coolPeakKw[i] = c.coolPeakKw;
      t.use[i] = c.use;
    });
    return t;
  }
  rows(): LoadConsumer[] {
    const out = new Array<LoadConsumer>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = new LoadRow(this, i);
    return out;
  }
}

/** One consumer's load figures: a view of its LoadColumns row. */
class LoadRow implements LoadConsumer {
  constructor(
    private readonly t: LoadColumns,
    private readonly i: number,
  ) {}
  get spaceHeatMWh(): number {
    return this.t.spaceHeatMWh[this.i]!;
  }
  get hotWaterMWh(): number {
    return this.t.hotWaterMWh[this.i]!;
  }
  get heatMWh(): number {
    return this.t.heatMWh[this.i]!;
  }
  get peakKw(): number {
    return this.t.peakKw[this.i]!;
  }
  get coolMWh(): number {
    return this.t.coolMWh[this.i]!;
  }
  get coolPeakKw(): number {
    return this.t.coolPeakKw[this.i]!;
  }
  get use(): string {
    return this.t.use[this.i]!;
  }
}

/** Normalised hourly profiles of one use (sum 1 over the year each; cooling all zero where the use has none). */
export interface UseSeries {
  spaceHeat: Float64Array;
  hotWater: Float64Array;
  cooling?: Float64Array;
}

export interface LoadModel {
  method: LoadMethod;
  /**
   * Whether a design load can only fall when consumers leave the set (heat, cold): true for the coincident peak of
   * non-negative profiles, false for the THERMOS fit (its factor grows as the count falls) and for the diversified
   * cooling of uses without a profile. The pruning re-sizes lazily only where it holds (criteria.ts).
   */
  monotone: { heat: boolean; cold: boolean };
  /** aggregate width: AGG_FIXED + profile columns */
  width: number;
  /** hours of the profiles (0 for 'diversity') */
  hours: number;
  /** heat columns [AGG_FIXED, coolStart), cooling columns [coolStart, width) */
  coolStart: number;
  /** add consumer k (its index in the consumer list) times `sign` into agg at row offset off */
  add(agg: Float64Array, off: number, k: number, sign: number): void;
  /** design heat load of the aggregate at off, kW */
  heatKw(agg: Float64Array, off: number): number;
  /** design cooling load of the aggregate at off, kW */
  coolKw(agg: Float64Array, off: number): number;
  /** hourly heat (or cooling) load of an aggregate, kW (coincident only) */
  series(agg: Float64Array, off: number, medium: 'heat' | 'cold'): Float64Array | undefined;
  /** the consumer's own design heat / cooling load, kW (for its service pipe) */
  consumerHeatKw(k: number): number;
  consumerCoolKw(k: number): number;
}

interface Columns {
  /** hour-major profile values, kW per MWh/a: prof[h * nCols + c] */
  prof: Float64Array;
  /** per day and column the largest hour value: dayMax[d * nCols + c] */
  dayMax: Float64Array;
  /** per week (7 days) and column the largest hour value: weekMax[w * nCols + c] */
  weekMax: Float64Array;
  /** per block of BLOCK_WEEKS weeks and column the largest hour value: blockMax[b * nCols + c] */
  blockMax: Float64Array;
  /** per column its largest hour (the first in the year where it is reached more than once) */
  peakHour: Int32Array;
  nCols: number;
  hours: number;
}

/** The THERMOS diversity model: no profiles needed. */
export function diversityModel(consumers: LoadConsumer[] | LoadColumns): LoadModel {
  const t = LoadColumns.of(consumers);
  return {
    method: 'diversity',
    monotone: { heat: false, cold: false },
    width: AGG_FIXED,
    hours: 0,
    coolStart: AGG_FIXED,
    add(agg, off, k, sign) {
      agg[off + AGG_COUNT] += sign;
      agg[off + AGG_HEAT] += sign * t.heatMWh[k]!;
      agg[off + AGG_PEAK] += sign * t.peakKw[k]!;
      agg[off + AGG_COOL] += sign * t.coolMWh[k]!;
      agg[off + AGG_COOL_PEAK] += sign * t.coolPeakKw[k]!;
    },
    heatKw: (agg, off) => diversity(Math.round(agg[off + AGG_COUNT]!)) * Math.max(0, agg[off + AGG_PEAK]!),
    coolKw: (agg, off) => diversity(Math.round(agg[off + AGG_COUNT]!)) * Math.max(0, agg[off + AGG_COOL_PEAK]!),
    series: () => undefined,
    consumerHeatKw: (k) => t.peakKw[k]!,
    consumerCoolKw: (k) => t.coolPeakKw[k]!,
  };
}

/**
 * The coincident model from per-use profiles. Heat columns: (use, space heat) and (use, hot water); cooling columns:
 * (use, cooling). A use whose cooling profile is missing or all zero while its consumers have cooling demand is listed
 * in `missingCooling`; those consumers' cooling peaks are added on top of the coincident cooling peak of the others,
 * diversified with the THERMOS fit over their number (an upper-side estimate: their peaks are taken at the others'
 * peak hour; the caller warns).
 */
export function coincidentModel(consumers: LoadConsumer[] | LoadColumns, profiles: Map<string, UseSeries>, o: { cooling?: boolean } = {}): LoadModel & { missingCooling: string[] } {
  // without cooling (a hot-water network): no cooling columns, so every aggregate is that much narrower; the cooling
  // design loads are then not asked for
  const withCooling = o.cooling ?? true;
  const t = LoadColumns.of(consumers);
  const uses = [...new Set(t.use)];
  // the uses with a consumer that has cooling
  const cooled = new Set<string>();
  for (let k = 0; k < t.length; k++) if (t.coolMWh[k]! > 0) cooled.add(t.use[k]!);
  const heatCols: Float64Array[] = [];
  const coolCols: Float64Array[] = [];
  const colSh = new Map<string, number>(), colHw = new Map<string, number>(), colCool = new Map<string, number>();
  const missingCooling: string[] = [];
  for (const u of uses) {
    const p = profiles.get(u);
    if (!p) throw new Error(`coincidentModel: no profile for use ${u}`);
    colSh.set(u, heatCols.length);
    heatCols.push(p.spaceHeat);
    colHw.set(u, heatCols.length);
    heatCols.push(p.hotWater);
  }
  for (const u of uses) {
    const p = profiles.get(u)!;
    const needs = withCooling && cooled.has(u);
    if (!needs) continue;
    let sum = 0;
    if (p.cooling) for (let h = 0; h < p.cooling.length; h++) sum += p.cooling[h]!;
    if (!(sum > 0)) {
      missingCooling.push(u);
      continue;
    }
    colCool.set(u, heatCols.length + coolCols.length);
    coolCols.push(p.cooling!);
  }
  const all = [...heatCols, ...coolCols];
  const hours = all[0]?.length ?? 0;
  const cols = buildColumns(all, hours);
  const coolStart = AGG_FIXED + heatCols.length;
  const width = AGG_FIXED + all.length;
  // each consumer's columns, for add()
  const cSh = Int32Array.from(t.use, (u) => colSh.get(u)!);
  const cHw = Int32Array.from(t.use, (u) => colHw.get(u)!);
  const cCool = Int32Array.from(t.use, (u) => colCool.get(u) ?? -1);
  const one = new Float64Array(width);
  const model: LoadModel & { missingCooling: string[] } = {
    method: 'coincident',
    monotone: { heat: true, cold: withCooling && missingCooling.length === 0 },
    width,
    hours,
    coolStart,
    missingCooling,
    add(agg, off, k, sign) {
      const cool = t.coolMWh[k]!, coolPeak = t.coolPeakKw[k]!;
      agg[off + AGG_COUNT] += sign;
      agg[off + AGG_HEAT] += sign * t.heatMWh[k]!;
      agg[off + AGG_PEAK] += sign * t.peakKw[k]!;
      agg[off + AGG_COOL] += sign * cool;
      agg[off + AGG_COOL_PEAK] += sign * coolPeak;
      agg[off + AGG_FIXED + cSh[k]!] += sign * t.spaceHeatMWh[k]!;
      agg[off + AGG_FIXED + cHw[k]!] += sign * t.hotWaterMWh[k]!;
      if (cCool[k]! >= 0) agg[off + AGG_FIXED + cCool[k]!] += sign * cool;
      else if (cool > 0 || coolPeak > 0) {
        agg[off + AGG_NOPROF_COUNT] += sign;
        agg[off + AGG_NOPROF_PEAK] += sign * coolPeak;
      }
    },
    heatKw: (agg, off) => peakOf(cols, agg, off + AGG_FIXED, 0, heatCols.length),
    coolKw: (agg, off) =>
      peakOf(cols, agg, off + AGG_FIXED, heatCols.length, all.length) + diversity(Math.round(agg[off + AGG_NOPROF_COUNT]!)) * Math.max(0, agg[off + AGG_NOPROF_PEAK]!),
    series(agg, off, medium) {
      const [c0, c1] = medium === 'heat' ? [0, heatCols.length] : [heatCols.length, all.length];
      const out = new Float64Array(hours);
      for (let h = 0; h < hours; h++) {
        let s = 0;
        const row = h * cols.nCols;
        for (let c = c0; c < c1; c++) s += agg[off + AGG_FIXED + c]! * cols.prof[row + c]!;
        out[h] = s;
      }
      return out;
    },
    consumerHeatKw(k) {
      // (peakOf takes only the columns with a value: the consumer's two)
      one.fill(0);
      model.add(one, 0, k, 1);
      return model.heatKw(one, 0);
    },
    consumerCoolKw(k) {
      one.fill(0);
      model.add(one, 0, k, 1);
      return model.coolKw(one, 0);
    },
  };
  return model;
}

function buildColumns(series: Float64Array[], hours: number): Columns {
  const nCols = series.length;
  const prof = new Float64Array(hours * nCols);
  // profiles sum to 1 over the year: x 1000 turns MWh/a into kW at that hour
  series.forEach((s, c) => {
    for (let h = 0; h < hours; h++) prof[h * nCols + c] = 1000 * s[h]!;
  });
  const days = Math.ceil(hours / 24);
  const dayMax = new Float64Array(days * nCols);
  for (let h = 0; h < hours; h++) {
    const d = (h / 24) | 0;
    for (let c = 0; c < nCols; c++) {
      const v = prof[h * nCols + c]!;
      if (v > dayMax[d * nCols + c]!) dayMax[d * nCols + c] = v;
    }
  }
  const weeks = Math.ceil(days / 7);
  const weekMax = new Float64Array(weeks * nCols);
  for (let d = 0; d < days; d++) {
    const w = (d / 7) | 0;
    for (let c = 0; c < nCols; c++) {
      const v = dayMax[d * nCols + c]!;
      if (v > weekMax[w * nCols + c]!) weekMax[w * nCols + c] = v;
    }
  }
  const blocks = Math.ceil(weeks / BLOCK_WEEKS);
  const blockMax = new Float64Array(blocks * nCols);
  for (let w = 0; w < weeks; w++) {
    const b = (w / BLOCK_WEEKS) | 0;
    for (let c = 0; c < nCols; c++) {
      const v = weekMax[w * nCols + c]!;
      if (v > blockMax[b * nCols + c]!) blockMax[b * nCols + c] = v;
    }
  }
  const peakHour = new Int32Array(nCols);
  for (let h = 0; h < hours; h++) for (let c = 0; c < nCols; c++) if (prof[h * nCols + c]! > prof[peakHour[c]! * nCols + c]!) peakHour[c] = h;
  return { prof, dayMax, weekMax, blockMax, peakHour, nCols, hours };
}

/** Weeks per block of peakOf's first level of bounds (13 or 14 blocks a year). */
const BLOCK_WEEKS = 4;

let nz = new Int32Array(0);
let nzA = new Float64Array(0);

/**
 * Exact max over hours of sum_c a[c] x prof[h][c] for columns c0..c1 (annual values a >= 0). Only the columns with a
 * value take part (most pipes of a city carry a few uses): the same sums, without their zero terms, each hour summed in
 * the same column order, so the value is the one a scan of every hour gives, to the bit.
 */
function peakOf(cols: Columns, agg: Float64Array, aOff: number, c0: number, c1: number): number {
  const { prof, dayMax, weekMax, blockMax, peakHour, nCols, hours } = cols;
  if (c1 <= c0 || hours === 0) return 0;
  if (nz.length < nCols) nz = new Int32Array(nCols);
  if (nzA.length < nCols) nzA = new Float64Array(nCols);
  let m = 0;
  for (let c = c0; c < c1; c++) {
    const a = agg[aOff + c]!;
    if (a !== 0) {
      nzA[m] = a;
      nz[m++] = c;
    }
  }
  if (m === 0) return 0;
  // first the peak hours of the columns present (a high first value at m products each), then the blocks of four
  // weeks, the weeks and the days whose bound (the largest value of each column in it) can beat the best value so far:
  // the exact maximum, few hours summed. On the 105,156-building city's route (375,593 searches, 7 columns on
  // average) 20 M column values are summed or bounded, against 37.6 M with peak days first and no blocks. No
  // closures and no arrays per call: this runs for every node of a city's tree in every round.
  let best = 0;
  for (let j = 0; j < m; j++) {
    const row = peakHour[nz[j]!]! * nCols;
    let v = 0;
    for (let k = 0; k < m; k++) v += nzA[k]! * prof[row + nz[k]!]!;
    if (v > best) best = v;
  }
  const days = Math.ceil(hours / 24);
  const weeks = Math.ceil(days / 7);
  const blocks = Math.ceil(weeks / BLOCK_WEEKS);
  for (let b = 0; b < blocks; b++) {
    let bb = 0;
    for (let k = 0, row = b * nCols; k < m; k++) if (nzA[k]! > 0) bb += nzA[k]! * blockMax[row + nz[k]!]!;
    if (!(bb > best)) continue;
    for (let w = b * BLOCK_WEEKS, w1 = Math.min(weeks, w + BLOCK_WEEKS); w < w1; w++) {
      let bw = 0;
      for (let k = 0, row = w * nCols; k < m; k++) if (nzA[k]! > 0) bw += nzA[k]! * weekMax[row + nz[k]!]!;
      if (!(bw > best)) continue;
      for (let d = w * 7, d1 = Math.min(days, w * 7 + 7); d < d1; d++) {
        let bd = 0;
        for (let k = 0, row = d * nCols; k < m; k++) if (nzA[k]! > 0) bd += nzA[k]! * dayMax[row + nz[k]!]!;
        if (bd > best) best = dayPeak(prof, nCols, hours, d, m, best);
      }
    }
  }
  return best;
}

/** max(best, the day's hourly values of the m columns in nz/nzA) (peakOf's scan of one day). */
function dayPeak(prof: Float64Array, nCols: number, hours: number, d: number, m: number, best: number): number {
  const h1 = Math.min(hours, d * 24 + 24);
  for (let h = d * 24; h < h1; h++) {
    let s = 0;
    const row = h * nCols;
    for (let k = 0; k < m; k++) s += nzA[k]! * prof[row + nz[k]!]!;
    if (s > best) best = s;
  }
  return best;
}
