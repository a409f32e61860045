/**
 * Hourly network losses and pumping electricity (METHODS.md 5). Pipe heat loss scales with the difference between the
 * mean water temperature and the ground; pumping power follows the pressure drop at design flow and the affinity law.
 */
import { supplyAt, type SupplyCurve } from '../network/medium.js';
import type { SimPipe, SimService } from './network-input.js';

/** THERMOS fit to EN 253 Series 2: W/m = dT x (0.16807 ln d + 0.85684), d in m (METHODS.md 5). */
export function pipeLossWPerM(dn: number, dTK: number): number {
  return dTK * (0.16807 * Math.log(dn / 1000) + 0.85684);
}

export interface LossOptions {
  /** Supply / return temperature of the simulation, °C (supply: constant unless `supplyCurve` is given). */
  supplyC: number;
  returnC: number;
  /** Ground temperature the pipes' loss_W_per_m refers to, °C. */
  designGroundC: number;
  /** Supply / return temperature the pipes' loss_W_per_m refers to (the route's design), °C; default supplyC / returnC. */
  designSupplyC?: number;
  designReturnC?: number;
  /** Supply temperature as a curve of the outdoor temperature ([outdoor °C, supply °C], sorted), as the route's --supply-curve. */
  supplyCurve?: SupplyCurve;
}

/** Design mean water temperature minus design ground temperature, K: the dT the W/m figures are quoted at. */
export function designDeltaK(o: LossOptions): number {
  return ((o.designSupplyC ?? o.supplyC) + (o.designReturnC ?? o.returnC)) / 2 - o.designGroundC;
}

/** Design loss of the mains, W (Σ length x loss_W_per_m; DN-based where loss is missing). */
export function designLossW(pipes: SimPipe[], o: LossOptions): number {
  const dT = designDeltaK(o);
  let w = 0;
  for (const p of pipes) w += p.lengthM * (Number.isFinite(p.lossWPerM) ? p.lossWPerM : pipeLossWPerM(p.dn, dT));
  return w;
}

/** Design loss of the hot-water service pipes, W (Σ length x loss_W_per_m of network.geojson kind service). */
export function serviceDesignLossW(services: readonly SimService[] | undefined): number {
  let w = 0;
  for (const s of services ?? []) if (s.lossWPerM !== undefined) w += s.lengthM * s.lossWPerM;
  return w;
}

/**
 * Hourly share of the design loss, max(0, Tmean_h - Tground_h) / dT_design, Tmean_h = (T_supply(h) + T_return) / 2 with
 * T_supply(h) from the supply curve at the hour's outdoor temperature, else constant. With the ground at the design
 * ground temperature every hour this is the route stage's own annual model (engine/network/medium.ts): the annual sum
 * is its equivalent full hours.
 */
export function hourlyLossRatio(groundC: ArrayLike<number>, o: LossOptions, airC?: ArrayLike<number>): Float64Array {
  const dDesign = designDeltaK(o);
  const out = new Float64Array(groundC.length);
  if (!(dDesign > 0)) return out;
  if (o.supplyCurve && !airC) throw new Error('hourlyLossRatio: a supply curve needs the outdoor temperature');
  for (let h = 0; h < groundC.length; h++) {
    const ts = o.supplyCurve ? supplyAt(o.supplyCurve, airC![h]!) : o.supplyC;
    out[h] = Math.max(0, (ts + o.returnC) / 2 - groundC[h]!) / dDesign;
  }
  return out;
}

/** Hourly losses of the mains and of the service pipes, kW: design loss x hourlyLossRatio. */
export function hourlyConduitLossesKw(pipes: SimPipe[], services: readonly SimService[] | undefined, groundC: ArrayLike<number>, o: LossOptions, airC?: ArrayLike<number>): { mainsKw: Float64Array; serviceKw: Float64Array } {
  const ratio = hourlyLossRatio(groundC, o, airC);
  const wm = designLossW(pipes, o) / 1000, ws = serviceDesignLossW(services) / 1000;
  const mainsKw = new Float64Array(ratio.length), serviceKw = new Float64Array(ratio.length);
  for (let h = 0; h < ratio.length; h++) {
    mainsKw[h] = wm * ratio[h]!;
    serviceKw[h] = ws * ratio[h]!;
  }
  return { mainsKw, serviceKw };
}

/** Hourly pipe losses of the mains, kW (constant supply; hourlyConduitLossesKw for service pipes and curves). */
export function hourlyLossesKw(pipes: SimPipe[], groundC: Float64Array, o: LossOptions): Float64Array {
  return hourlyConduitLossesKw(pipes, undefined, groundC, o).mainsKw;
}

/**
 * Hourly heat gains of the chilled-water pipes, kW: the network's design loss (mains and hot-water service pipes)
 * scaled to the chilled water's mean temperature, design loss x (Tground_h - Tmean_cold) / (Tmean_heat -
 * Tground_design), never below 0. It assumes a chilled-water pipe pair of the same DN and insulation as the sized heat
 * pipes beside them (an ASSUMPTION: the route stage sized heat pipes only). Mains and service pipes apart.
 */
export function hourlyColdGainsKw(pipes: SimPipe[], groundC: Float64Array, heat: LossOptions, coldSupplyC: number, coldReturnC: number, services?: readonly SimService[]): { mainsKw: Float64Array; serviceKw: Float64Array } {
  const dDesign = designDeltaK(heat);
  const tCold = (coldSupplyC + coldReturnC) / 2;
  const wm = designLossW(pipes, heat) / 1000, ws = serviceDesignLossW(services) / 1000;
  const mainsKw = new Float64Array(groundC.length), serviceKw = new Float64Array(groundC.length);
  if (!(dDesign > 0)) return { mainsKw, serviceKw };
  for (let h = 0; h < groundC.length; h++) {
    const r = Math.max(0, (groundC[h] - tCold) / dDesign);
    mainsKw[h] = wm * r;
    serviceKw[h] = ws * r;
  }
  return { mainsKw, serviceKw };
}

/**
 * Hourly heat gains of the route's own chilled-water pipes, kW: Σ length x gain_W_per_m x max(0, Tground_h - Tmean) /
 * dT_design, with the route stage's design dT (engine/network/medium.ts): the largest Tground_h - Tmean of the year when
 * the route had weather, else ground_C - Tmean. Mains (kind pipe) and service pipes (kind service) apart.
 */
export function hourlyRouteGainsKw(pipes: SimPipe[], groundC: Float64Array, coldSupplyC: number, coldReturnC: number, designGroundC: number, routeWeather: boolean, services?: readonly SimService[]): { mainsKw: Float64Array; serviceKw: Float64Array } {
  const tMean = (coldSupplyC + coldReturnC) / 2;
  let wm = 0, ws = 0;
  for (const p of pipes) if (p.gainWPerM !== undefined) wm += p.lengthM * p.gainWPerM;
  for (const s of services ?? []) if (s.gainWPerM !== undefined) ws += s.lengthM * s.gainWPerM;
  let d = designGroundC - tMean;
  if (routeWeather) {
    d = -Infinity;
    for (const g of groundC) d = Math.max(d, g - tMean);
  }
  const mainsKw = new Float64Array(groundC.length), serviceKw = new Float64Array(groundC.length);
  if (!(d > 0)) return { mainsKw, serviceKw };
  for (let h = 0; h < groundC.length; h++) {
    const r = Math.max(0, (groundC[h] - tMean) / d);
    mainsKw[h] = (wm / 1000) * r;
    serviceKw[h] = (ws / 1000) * r;
  }
  return { mainsKw, serviceKw };
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
