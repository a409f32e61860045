/**
 * Hourly network losses and pumping electricity (METHODS.md 5). Pipe heat loss scales with the difference between the
 * mean water temperature and the ground; pumping power follows the pressure drop at design flow and the affinity law.
 */
import type { SimPipe } from './network-input.js';

/** THERMOS fit to EN 253 Series 2: W/m = dT x (0.16807 ln d + 0.85684), d in m (METHODS.md 5). */
export function pipeLossWPerM(dn: number, dTK: number): number {
  return dTK * (0.16807 * Math.log(dn / 1000) + 0.85684);
}

export interface LossOptions {
  supplyC: number;
  returnC: number;
  /** Ground temperature the pipes' loss_W_per_m refers to, °C. */
  designGroundC: number;
}

/** Design loss of all pipes, W (Σ length x loss_W_per_m; DN-based where loss is missing). */
export function designLossW(pipes: SimPipe[], o: LossOptions): number {
  const dT = (o.supplyC + o.returnC) / 2 - o.designGroundC;
  let w = 0;
  for (const p of pipes) w += p.lengthM * (Number.isFinite(p.lossWPerM) ? p.lossWPerM : pipeLossWPerM(p.dn, dT));
  return w;
}

/** Hourly pipe losses, kW: design loss x (Tmean - Tground_h) / (Tmean - Tground_design), never below 0. */
export function hourlyLossesKw(pipes: SimPipe[], groundC: Float64Array, o: LossOptions): Float64Array {
  const tMean = (o.supplyC + o.returnC) / 2;
  const dDesign = tMean - o.designGroundC;
  const w = designLossW(pipes, o);
  const out = new Float64Array(groundC.length);
  if (dDesign <= 0 || w === 0) return out;
  for (let h = 0; h < groundC.length; h++) out[h] = Math.max(0, (w / 1000) * ((tMean - groundC[h]) / dDesign));
  return out;
}

/**
 * Hourly heat gains of the chilled-water pipes, kW: the network's design loss scaled to the chilled water's mean
 * temperature, design loss x (Tground_h - Tmean_cold) / (Tmean_heat - Tground_design), never below 0. It assumes a
 * chilled-water pipe pair of the same DN and insulation as the sized heat pipes beside them (an ASSUMPTION: the route
 * stage sizes heat pipes only).
 */
export function hourlyColdGainsKw(pipes: SimPipe[], groundC: Float64Array, heat: LossOptions, coldSupplyC: number, coldReturnC: number): Float64Array {
  const tMeanHeat = (heat.supplyC + heat.returnC) / 2;
  const dDesign = tMeanHeat - heat.designGroundC;
  const tCold = (coldSupplyC + coldReturnC) / 2;
  const w = designLossW(pipes, heat);
  const out = new Float64Array(groundC.length);
  if (dDesign <= 0 || w === 0) return out;
  for (let h = 0; h < groundC.length; h++) out[h] = Math.max(0, (w / 1000) * ((groundC[h] - tCold) / dDesign));
  return out;
}

/**
 * Hourly heat gains of the route's own chilled-water pipes, kW: Σ length x gain_W_per_m x max(0, Tground_h - Tmean) /
 * dT_design, with the route stage's design dT (engine/network/medium.ts): the largest Tground_h - Tmean of the year when
 * the route had weather, else ground_C - Tmean.
 */
export function hourlyRouteGainsKw(pipes: SimPipe[], groundC: Float64Array, coldSupplyC: number, coldReturnC: number, designGroundC: number, routeWeather: boolean): Float64Array {
  const tMean = (coldSupplyC + coldReturnC) / 2;
  let w = 0;
  for (const p of pipes) if (p.gainWPerM !== undefined) w += p.lengthM * p.gainWPerM;
  let d = designGroundC - tMean;
  if (routeWeather) {
    d = -Infinity;
    for (const g of groundC) d = Math.max(d, g - tMean);
  }
  const out = new Float64Array(groundC.length);
  if (!(d > 0) || w === 0) return out;
  for (let h = 0; h < groundC.length; h++) out[h] = Math.max(0, (w / 1000) * ((groundC[h] - tMean) / d));
  return out;
}

/** Longest pipe path from the network's root (the end of the pipe with the largest peak_kW), m. */
export function criticalPathM(pipes: SimPipe[]): number {
  if (pipes.length === 0) return 0;
  const adj = new Map<string, { to: string; len: number }[]>();
  const add = (a: string, b: string, len: number) => {
    let l = adj.get(a);
    if (!l) adj.set(a, (l = []));
    l.push({ to: b, len });
  };
  let root = pipes[0];
  for (const p of pipes) {
    add(p.from, p.to, p.lengthM);
    add(p.to, p.from, p.lengthM);
    if (p.peakKw > root.peakKw) root = p;
  }
  if (pipes.some((p) => p.from === '' || p.to === '')) {
    // no topology: half the total length as the path to the farthest consumer (an assumption)
    let s = 0;
    for (const p of pipes) s += p.lengthM;
    return s / 2;
  }
  const far = (start: string) => {
    const dist = new Map<string, number>([[start, 0]]);
    const stack = [start];
    let best = 0;
    while (stack.length) {
      const u = stack.pop()!;
      const du = dist.get(u)!;
      best = Math.max(best, du);
      for (const e of adj.get(u) ?? []) if (!dist.has(e.to)) {
        dist.set(e.to, du + e.len);
        stack.push(e.to);
      }
    }
    return best;
  };
  return Math.max(far(root.from), far(root.to));
}

export interface PumpOptions {
  supplyC: number;
  returnC: number;
  /** Design pressure gradient, Pa per metre of pipe; default 100 (METHODS.md 5: <= 100 Pa/m mains, 100-200 VICUS). */
  pressurePaPerM?: number;
  /** Pump + motor efficiency; default 0.6 (an assumption). */
  pumpEfficiency?: number;
  /** Extra pressure drop at the plant and the farthest substation, Pa; default 0 (an assumption). */
  extraPressurePa?: number;
  /** Design pump head, Pa, when the route stage computed it (network.geojson pumping: path + substation + plant); replaces the gradient model. */
  designPressurePa?: number;
}

/**
 * Hourly pumping electricity, kW. Design pressure = gradient x 2 x critical path (supply and return) + extra; flow
 * V = Q / (rho cp dT); power at flow V = V_design x dp_design / eta x (V / V_design)^3 (affinity law).
 */
export function pumpingKw(flowHeatKw: Float64Array, pipes: SimPipe[], o: PumpOptions): { kw: Float64Array; designPressurePa: number; designFlowM3s: number } {
  const dT = o.supplyC - o.returnC;
  const dp = o.designPressurePa ?? (o.pressurePaPerM ?? 100) * 2 * criticalPathM(pipes) + (o.extraPressurePa ?? 0);
  const eta = o.pumpEfficiency ?? 0.6;
  let peak = 0;
  for (const q of flowHeatKw) peak = Math.max(peak, q);
  const rhoCp = 4180 * 980; // J/(m³K) at about 70 °C
  const vDesign = dT > 0 ? (peak * 1000) / (rhoCp * dT) : 0;
  const pDesignKw = (vDesign * dp) / eta / 1000;
  const out = new Float64Array(flowHeatKw.length);
  if (peak > 0) for (let h = 0; h < out.length; h++) {
    const r = flowHeatKw[h] / peak;
    out[h] = pDesignKw * r * r * r;
  }
  return { kw: out, designPressurePa: dp, designFlowM3s: vDesign };
}
