/**
 * Pipe sizing and heat loss (METHODS.md 5).
 * - Design flow from the design load: mass flow = P / (cp x (T_supply - T_return)).
 * - DN: the smallest catalogue pipe whose velocity stays within the THERMOS design velocity
 *   v_max = 4.7617 d^0.3701 - 0.4834 m/s (d = inner diameter, m) and whose pressure drop stays within maxPaPerM
 *   (VICUS 100-200 Pa/m; default 200 Pa/m). Pressure drop: Darcy-Weisbach with the Swamee-Jain friction factor.
 * - Heat loss per metre of trench (supply + return pair), THERMOS fit to EN 253 series 2:
 *   W/m = dT x (0.16807 ln d + 0.85684), d = nominal diameter in m, dT = mean of supply and return - ground.
 */

export interface PipeType {
  /** nominal diameter, mm */
  dn: number;
  /** inner diameter of the steel service pipe, m */
  innerDiameterM: number;
}

/**
 * Default catalogue: steel service pipes of pre-insulated bonded pipe (EN 253), outer diameter x wall thickness as in
 * EN 10217/10220 and manufacturers' tables (DN20 26.9 x 2.6 ... DN600 610 x 7.1). ASSUMPTION: these dimensions are
 * not in METHODS.md; a manufacturer's catalogue goes in `SizingOptions.pipes` (the API's plan options: no CLI flag yet).
 */
export const DEFAULT_PIPES: readonly PipeType[] = [
  [20, 26.9, 2.6],
  [25, 33.7, 3.2],
  [32, 42.4, 3.2],
  [40, 48.3, 3.2],
  [50, 60.3, 3.2],
  [65, 76.1, 3.2],
  [80, 88.9, 3.2],
  [100, 114.3, 3.6],
  [125, 139.7, 3.6],
  [150, 168.3, 4.0],
  [200, 219.1, 4.5],
  [250, 273.0, 5.0],
  [300, 323.9, 5.6],
  [350, 355.6, 5.6],
  [400, 406.4, 6.3],
  [450, 457.0, 6.3],
  [500, 508.0, 6.3],
  [600, 610.0, 7.1],
].map(([dn, od, wall]) => ({ dn: dn!, innerDiameterM: (od! - 2 * wall!) / 1000 }));

export interface SizingOptions {
  /** supply temperature, °C (default 80; ASSUMPTION, typical 3rd-generation network) */
  supplyC: number;
  /** return temperature, °C (default 50; ASSUMPTION) */
  returnC: number;
  /** ground temperature, °C (default 10, METHODS.md 5; use the local value in Hokkaido) */
  groundC: number;
  /** maximum pressure drop, Pa per metre of pipe (default 200, upper end of VICUS 100-200 Pa/m) */
  maxPaPerM: number;
  /** pipe roughness, m (default 0.0001; ASSUMPTION, commercial steel as commonly used for DH) */
  roughnessM: number;
  /** water density, kg/m3 (default 977; ASSUMPTION, water at about 70 °C) */
  densityKgM3: number;
  /** dynamic viscosity, Pa·s (default 0.000404; ASSUMPTION, water at about 70 °C) */
  viscosityPaS: number;
  /** specific heat, kJ/(kg·K) (default 4.19) */
  cpKjKgK: number;
  pipes: readonly PipeType[];
}

export const DEFAULT_SIZING: SizingOptions = {
  supplyC: 80,
  returnC: 50,
  groundC: 10,
  maxPaPerM: 200,
  roughnessM: 0.0001,
  densityKgM3: 977,
  viscosityPaS: 0.000404,
  cpKjKgK: 4.19,
  pipes: DEFAULT_PIPES,
};

/** THERMOS design velocity limit for inner diameter d (m), m/s. */
export function maxVelocityMS(dM: number): number {
  return 4.7617 * Math.pow(dM, 0.3701) - 0.4834;
}

/** Pressure drop per metre, Pa/m, for velocity v (m/s) in a pipe of inner diameter d (m). */
export function pressureDropPaPerM(vMS: number, dM: number, o: Pick<SizingOptions, 'roughnessM' | 'densityKgM3' | 'viscosityPaS'>): number {
  if (vMS <= 0) return 0;
  const re = (o.densityKgM3 * vMS * dM) / o.viscosityPaS;
  let f: number;
  if (re < 2300) f = 64 / re;
  else f = 0.25 / Math.pow(Math.log10(o.roughnessM / (3.7 * dM) + 5.74 / Math.pow(re, 0.9)), 2);
  return (f * o.densityKgM3 * vMS * vMS) / (2 * dM);
}

/** Heat loss per metre of trench (supply + return), W/m, THERMOS EN 253 fit; dn in mm. */
export function heatLossWPerM(dnMm: number, o: Pick<SizingOptions, 'supplyC' | 'returnC' | 'groundC'>): number {
  const dT = (o.supplyC + o.returnC) / 2 - o.groundC;
  return Math.max(0, dT * (0.16807 * Math.log(dnMm / 1000) + 0.85684));
}

export interface SizedPipe {
  dn: number;
  innerDiameterM: number;
  velocityMS: number;
  paPerM: number;
  /** flow, kg/s */
  massFlowKgS: number;
  /** true when even the largest catalogue pipe breaks a limit */
  overCapacity: boolean;
}

/** maxVelocityMS of each catalogue entry, computed once per catalogue (sizePipe runs for every pipe after every cut). */
const limitsOf = new WeakMap<readonly PipeType[], Float64Array>();
function velocityLimits(pipes: readonly PipeType[]): Float64Array {
  let l = limitsOf.get(pipes);
  if (!l || l.length !== pipes.length) limitsOf.set(pipes, (l = Float64Array.from(pipes, (p) => maxVelocityMS(p.innerDiameterM))));
  return l;
}

/** Smallest catalogue pipe for a design load (kW) within the velocity and pressure-drop limits (hot or chilled water: |supply - return|). */
export function sizePipe(designKw: number, o: SizingOptions): SizedPipe {
  const dT = Math.abs(o.supplyC - o.returnC);
  const massFlowKgS = designKw > 0 ? designKw / (o.cpKjKgK * dT) : 0;
  const q = massFlowKgS / o.densityKgM3;
  // no object per catalogue entry tried: the pruning sizes pipes after every cut
  let v = 0, pa = 0, k = 0;
  const vMax = velocityLimits(o.pipes);
  for (; k < o.pipes.length; k++) {
    const d = o.pipes[k]!.innerDiameterM;
    v = q / ((Math.PI * d * d) / 4);
    if (v > vMax[k]!) continue;
    pa = pressureDropPaPerM(v, d, o);
    if (pa <= o.maxPaPerM) break;
  }
  const over = k === o.pipes.length;
  const p = o.pipes[over ? k - 1 : k]!;
  if (over) pa = pressureDropPaPerM(v, p.innerDiameterM, o);
  return { dn: p.dn, innerDiameterM: p.innerDiameterM, velocityMS: v, paPerM: pa, massFlowKgS, overCapacity: over };
}

/**
 * Chilled water (METHODS.md 5 for the pipe rules): supply/return 7/14 °C (ASSUMPTION: the common Japanese DHC design
 * pair, about 7 K; no source in METHODS.md), water properties at about 10 °C from standard water tables (density
 * 999.7 kg/m3, dynamic viscosity 0.001306 Pa·s, cp 4.192 kJ/(kg·K)); the velocity and pressure-drop limits are the
 * heat network's (THERMOS, VICUS): no source for Japanese chilled-water practice velocities was found (ASSUMPTION).
 */
export const DEFAULT_COLD_SIZING: SizingOptions = {
  ...DEFAULT_SIZING,
  supplyC: 7,
  returnC: 14,
  densityKgM3: 999.7,
  viscosityPaS: 0.001306,
  cpKjKgK: 4.192,
};

/**
 * Twin pipes: symmetric resistance Rs (K·m/W) by DN from the energyville/modesto catalogue (IsoPlus double pipe;
 * METHODS.md 5): DN20 12.26, DN50 8.62, DN100 6.20, DN200 4.88. Heat loss of the pair per trench metre
 * (T_supply + T_return - 2 T_ground) / Rs (modesto pipe.py). Between catalogue sizes Rs is interpolated linearly in
 * ln DN (ASSUMPTION); below DN20 the DN20 value is used; above DN200 there is no twin pipe in the catalogue and the
 * pipe is laid as two single pipes (the caller counts it).
 */
export const TWIN_RS: readonly [number, number][] = [
  [20, 12.26],
  [50, 8.62],
  [100, 6.2],
  [200, 4.88],
];

export interface InsulationOptions {
  /** EN 253 insulation series 1, 2 or 3 of single pipes (default 2: the series the THERMOS loss fit is for) */
  series: 1 | 2 | 3;
  /**
   * Ratio of the series' heat loss to series 2. Series 2 is 1 by definition; no source for series 1 and 3 factors
   * was found (METHODS.md 5 has the series-2 fit only), so they must be given (ASSUMPTION of the user).
   */
  seriesLossFactor?: number;
  /** twin pipes (supply and return in one casing) where the catalogue has them (DN <= 200) */
  twin: boolean;
  twinRs: readonly [number, number][];
}

export const DEFAULT_INSULATION: InsulationOptions = { series: 2, twin: false, twinRs: TWIN_RS };

/** Twin-pipe Rs at dn (mm), K·m/W; undefined above the catalogue. */
export function twinRsAt(dnMm: number, table: readonly [number, number][] = TWIN_RS): number | undefined {
  if (dnMm > table[table.length - 1]![0]) return undefined;
  if (dnMm <= table[0]![0]) return table[0]![1];
  for (let k = 1; k < table.length; k++) {
    const [d1, r1] = table[k]!;
    if (dnMm <= d1) {
      const [d0, r0] = table[k - 1]!;
      const t = (Math.log(dnMm) - Math.log(d0)) / (Math.log(d1) - Math.log(d0));
      return r0 + t * (r1 - r0);
    }
  }
  return undefined;
}

/**
 * Heat flow of a supply + return pair per trench metre and per kelvin of (mean water temperature - ground), W/(m·K):
 * single pipes 0.16807 ln d + 0.85684 (THERMOS EN 253 series-2 fit) x the series factor; twin pipes 2 / Rs.
 * `twin` in the result says whether the twin value was used.
 */
export function lossCoefficient(dnMm: number, ins: InsulationOptions = DEFAULT_INSULATION): { wPerMK: number; twin: boolean } {
  if (ins.twin) {
    const rs = twinRsAt(dnMm, ins.twinRs);
    if (rs !== undefined) return { wPerMK: 2 / rs, twin: true };
  }
  const f = ins.series === 2 ? (ins.seriesLossFactor ?? 1) : ins.seriesLossFactor;
  if (f === undefined || !(f > 0)) throw new Error(`insulation series ${ins.series} needs a seriesLossFactor`);
  return { wPerMK: Math.max(0, 0.16807 * Math.log(dnMm / 1000) + 0.85684) * f, twin: false };
}

/**
 * The pipe-size class of a design load (the catalogue DN sizePipe picks), for the pruning's lazy re-sizing
 * (criteria.ts): a pipe's loss depends on its DN only, so a pipe whose design load is known to lie within one class
 * keeps its loss without a new peak search. The class boundaries are found once per sizing by bisection on sizePipe
 * itself (its DN never decreases as the load grows: velocity and pressure drop grow with the flow in every pipe), to
 * 1e-13 relative; a load within 1e-9 (relative) of a boundary has no class (NaN: the caller sizes it exactly).
 * Class -1: no load (no pipe, no loss).
 */
/**
 * Design loads at or below this are no load (no pipe, no loss), kW: what is left of a pipe's load once every consumer
 * below it is cut is a floating-point residue of the order of 1e-12 of the loads summed (1e-6 kW = 1 mW is far above
 * it and far below any consumer's load); without it such a pipe would be sized as the smallest catalogue pipe.
 */
export const ZERO_LOAD_KW = 1e-6;

export function sizeClasses(o: SizingOptions): SizeClassFn {
  const dnAt = (kw: number): number => sizePipe(kw, o).dn;
  const bounds: number[] = [];
  const find = (lo: number, dLo: number, hi: number, dHi: number): void => {
    if (dLo === dHi) return;
    if (hi - lo <= hi * 1e-13) {
      bounds.push(hi);
      return;
    }
    const mid = (lo + hi) / 2;
    const dMid = dnAt(mid);
    find(lo, dLo, mid, dMid);
    find(mid, dMid, hi, dHi);
  };
  // from no load to far beyond the largest catalogue pipe (over capacity: the largest DN throughout)
  const lo = ZERO_LOAD_KW, hi = 1e9;
  find(lo, dnAt(lo), hi, dnAt(hi));
  const classOf = (kw: number): number => {
    if (!(kw > lo)) return Number.isNaN(kw) ? NaN : kw >= lo * (1 - 1e-9) ? NaN : -1;
    let k = 0;
    for (; k < bounds.length; k++) {
      const b = bounds[k]!;
      if (Math.abs(kw - b) <= b * 1e-9) return NaN;
      if (kw < b) break;
    }
    if (kw < lo * (1 + 1e-9) || kw > hi) return NaN;
    return k;
  };
  const floor = (kw: number): number => {
    const k = classOf(kw);
    if (k === -1) return -Infinity;
    if (Number.isNaN(k)) return Infinity;
    return k === 0 ? lo * (1 + 1e-9) : bounds[k - 1]! * (1 + 1e-9);
  };
  return Object.assign(classOf, { floor });
}

/**
 * A load's pipe-size class (NaN: too near a boundary to tell; -1: no load), and `floor`: the load below which the
 * class may change (-Infinity for no load, Infinity when the class is undecided).
 */
export type SizeClassFn = ((designKw: number) => number) & { floor: (designKw: number) => number };
