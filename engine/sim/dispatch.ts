/**
 * Hourly dispatch: constant-output plants first (seed 003's mode), then plants and storage in merit order, then the
 * backup (seed 003: kerosene heaters) for what is left. Output above the load charges storage, the rest is surplus.
 * One pass over the hours on preallocated Float64Arrays.
 */
import type { Weather } from '../io/weather.js';
import { efficiencyOf, heatPumpCop, heatPumpSourceC, meritOf, minLoadOf, CARNOT_ETA, type BackupSpec, type PlantSpec } from './plants.js';

export interface DispatchInput {
  /** Heat the plants must supply each hour, kW (consumer demand + pipe losses). */
  loadKw: Float64Array;
  plants: PlantSpec[];
  backup: BackupSpec;
  weather: Weather;
  /** Supply temperature, °C: the heat pumps' sink. */
  supplyC: number;
  /** Constant output of each 'constant' plant, kW (already clamped where wanted). */
  constantKw: Map<string, number>;
}

export interface PlantSeries {
  plant: PlantSpec;
  /** Heat out (storage: discharge), kW. */
  outKw: Float64Array;
  /** Fuel in, kW (LHV); 0 for heat pumps and waste heat. */
  fuelKw: Float64Array;
  /** Electricity in (heat pumps), kW. */
  elecInKw: Float64Array;
  /** Electricity out (CHP), kW. */
  elecOutKw: Float64Array;
  /** Storage only: charge, kW, and content at the end of each hour, kWh. */
  inKw?: Float64Array;
  socKwh?: Float64Array;
  /** Storage standing loss, kW. */
  lossKw?: Float64Array;
}

export interface DispatchResult {
  plants: PlantSeries[];
  surplusKw: Float64Array;
  backupKw: Float64Array;
  backupFuelKw: Float64Array;
  /** Load left after plants, storage and backup, kW. */
  unmetKw: Float64Array;
  /** Hours in which the plants and storage alone could not cover the load (backup used or load unmet). */
  shortHours: number;
}

/** Dispatch every hour of the year. */
export function dispatch(inp: DispatchInput): DispatchResult {
  const n = inp.loadKw.length;
  const series: PlantSeries[] = inp.plants.map((p) => ({
    plant: p, outKw: new Float64Array(n), fuelKw: new Float64Array(n), elecInKw: new Float64Array(n), elecOutKw: new Float64Array(n),
    ...(p.type === 'storage' ? { inKw: new Float64Array(n), socKwh: new Float64Array(n), lossKw: new Float64Array(n) } : {}),
  }));
  const constant = series.filter((s) => s.plant.mode === 'constant' && s.plant.type !== 'storage').sort((a, b) => meritOf(a.plant) - meritOf(b.plant));
  const merit = series.filter((s) => s.plant.mode !== 'constant' || s.plant.type === 'storage').sort((a, b) => meritOf(a.plant) - meritOf(b.plant));
  const stores = series.filter((s) => s.plant.type === 'storage');
  const soc = stores.map((s) => (s.plant.initialFraction ?? 0.5) * (s.plant.capacityKwh ?? 0));
  // per-plant hourly conversion factors, computed once
  const cop = new Map<PlantSeries, Float64Array>();
  for (const s of series) if (s.plant.type === 'heat_pump') {
    const src = heatPumpSourceC(s.plant, inp.weather);
    const eta = s.plant.carnotEta ?? CARNOT_ETA[s.plant.source ?? 'air'];
    const c = new Float64Array(n);
    for (let h = 0; h < n; h++) c[h] = heatPumpCop(inp.supplyC, src[h], eta, s.plant.maxCop);
    cop.set(s, c);
  }
  const surplus = new Float64Array(n), backup = new Float64Array(n), backupFuel = new Float64Array(n), unmet = new Float64Array(n);
  let shortHours = 0;
  const produce = (s: PlantSeries, h: number, q: number) => {
    s.outKw[h] = q;
    const p = s.plant;
    if (p.type === 'heat_pump') s.elecInKw[h] = q / cop.get(s)![h];
    else if (p.type === 'waste_heat') return;
    else {
      const fuel = q / efficiencyOf(p);
      s.fuelKw[h] = fuel;
      if (p.type === 'chp') s.elecOutKw[h] = fuel * (p.electricEfficiency ?? 0.35);
    }
  };
  for (let h = 0; h < n; h++) {
    let residual = inp.loadKw[h];
    let excess = 0;
    for (const s of constant) {
      const q = Math.min(inp.constantKw.get(s.plant.id) ?? s.plant.capacityKw, s.plant.capacityKw);
      produce(s, h, q);
      residual -= q;
    }
    if (residual < 0) {
      excess = -residual;
      residual = 0;
    }
    for (const s of merit) {
      if (residual <= 0) break;
      const p = s.plant;
      if (p.type === 'storage') {
        const k = stores.indexOf(s);
        const d = Math.min(residual, p.capacityKw, soc[k]);
        soc[k] -= d;
        s.outKw[h] = d;
        residual -= d;
        continue;
      }
      let q = Math.min(p.capacityKw, residual);
      const minQ = minLoadOf(p) * p.capacityKw;
      if (q < minQ) {
        if ((p.belowMinLoad ?? 'surplus') === 'off') q = 0;
        else q = minQ;
      }
      if (q <= 0) continue;
      produce(s, h, q);
      if (q > residual) {
        excess += q - residual;
        residual = 0;
      } else residual -= q;
    }
    if (residual > 1e-9) shortHours++;
    else residual = Math.max(0, residual);
    // output above load charges storage, the rest is surplus heat
    for (let k = 0; k < stores.length && excess > 0; k++) {
      const s = stores[k];
      const c = Math.min(excess, s.plant.capacityKw - s.outKw[h], (s.plant.capacityKwh ?? 0) - soc[k]);
      if (c > 0) {
        s.inKw![h] = c;
        soc[k] += c;
        excess -= c;
      }
    }
    surplus[h] = excess;
    if (residual > 0 && inp.backup.enabled) {
      const b = Math.min(residual, inp.backup.capacityKw);
      backup[h] = b;
      backupFuel[h] = b / inp.backup.efficiency;
      residual -= b;
    }
    unmet[h] = residual > 1e-9 ? residual : 0;
    for (let k = 0; k < stores.length; k++) {
      const loss = soc[k] * (stores[k].plant.lossPerHour ?? 0.001);
      soc[k] -= loss;
      stores[k].lossKw![h] = loss;
      stores[k].socKwh![h] = soc[k];
    }
  }
  return { plants: series, surplusKw: surplus, backupKw: backup, backupFuelKw: backupFuel, unmetKw: unmet, shortHours };
}
