/**
 * Hourly dispatch of heat and cold. Per hour: heat-recovery heat pumps first (they make heat and cold at once, run
 * at what both sides can take); heat: constant-output plants (seed 003's mode), then plants and heat storage in merit
 * order, then the backup (seed 003: kerosene heaters in the buildings) for what is left; cold: cold storage and
 * chillers in merit order (operating priority), each machine up to its hourly maximum (builelib capacity ratio x
 * units). Storage charges from surplus (output above the load) or, with `charge: night`, in its charge hours from
 * the spare capacity of the machines of its side in merit order; night-charged storage discharges outside them.
 * Inputs follow from each machine's output at the end of the hour (machines.ts). One pass, preallocated arrays.
 */
import type { Weather } from '../io/weather.js';
import { buildMachine, type Machine, type MachineOptions, type MachineStep } from './machines.js';
import { meritOf, minLoadOf, PLANT_SIDE, type BackupSpec, type PlantSpec } from './plants.js';

export interface DispatchInput {
  /** Heat the plants must supply each hour, kW (consumer demand + pipe losses). */
  loadKw: Float64Array;
  /** Cold the plants must supply each hour, kW (consumer cooling + chilled-water pipe gains); zeros without cooling. */
  coldLoadKw?: Float64Array;
  plants: PlantSpec[];
  backup: BackupSpec;
  weather: Weather;
  /** Supply temperature, °C: the heat pumps' sink. */
  supplyC: number;
  /** Constant output of each 'constant' plant, kW (already clamped where wanted). */
  constantKw: Map<string, number>;
  machine?: Partial<MachineOptions>;
}

export interface PlantSeries {
  plant: PlantSpec;
  machine?: Machine;
  /** Output on the plant's side, kW: heat (storage: discharge), or cold for chillers, cold storage and heat-recovery heat pumps. */
  outKw: Float64Array;
  /** Heat-recovery heat pumps: the heat made together with the cold, kW (= cold + input). */
  heatKw?: Float64Array;
  /** Fuel in (HHV), kW; unused heat in for waste heat and heat-driven absorption chillers. */
  fuelKw: Float64Array;
  /** Electricity in (heat pumps, chillers), kW. */
  elecInKw: Float64Array;
  /** Auxiliary electricity (補機, primary pumps, cooling towers), kW. */
  auxKw: Float64Array;
  /** Electricity out (CHP), kW. */
  elecOutKw: Float64Array;
  /** Units running each hour. */
  unitsOn?: Uint16Array;
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
  /** Cold left unmet, kW (no backup on the cold side), and surplus cold (never, kept for the balance). */
  coldUnmetKw: Float64Array;
  coldSurplusKw: Float64Array;
  coldShortHours: number;
}

const inChargeWindow = (hourOfDay: number, w: [number, number]) => (w[0] <= w[1] ? hourOfDay >= w[0] && hourOfDay <= w[1] : hourOfDay >= w[0] || hourOfDay <= w[1]);
/** Default charge window: 22-07 h, a night-tariff window (an ASSUMPTION: tariffs differ by utility and contract). */
export const DEFAULT_CHARGE_HOURS: [number, number] = [22, 7];

/** Dispatch every hour of the year. */
export function dispatch(inp: DispatchInput): DispatchResult {
  const n = inp.loadKw.length;
  const cold = inp.coldLoadKw ?? new Float64Array(n);
  const mo: MachineOptions = {
    partLoadCurves: true, auxiliaries: 'builelib-sample', heatSupplyC: inp.supplyC, coldSupplyC: 7, region: inp.weather.climateRegion,
    warnings: undefined as never, file: '', ...inp.machine,
  } as MachineOptions;
  const isStore = (p: PlantSpec) => p.type === 'storage' || p.type === 'cold_storage';
  const series: PlantSeries[] = inp.plants.map((p) => ({
    plant: p,
    machine: isStore(p) ? undefined : buildMachine(p, inp.weather, mo),
    outKw: new Float64Array(n), fuelKw: new Float64Array(n), elecInKw: new Float64Array(n), auxKw: new Float64Array(n), elecOutKw: new Float64Array(n),
    ...(isStore(p) ? { inKw: new Float64Array(n), socKwh: new Float64Array(n), lossKw: new Float64Array(n) } : { unitsOn: new Uint16Array(n) }),
    ...(p.type === 'heat_recovery_hp' ? { heatKw: new Float64Array(n) } : {}),
  }));
  const byMerit = (a: PlantSeries, b: PlantSeries) => meritOf(a.plant) - meritOf(b.plant);
  const hr = series.filter((s) => s.plant.type === 'heat_recovery_hp').sort(byMerit);
  const heat = series.filter((s) => PLANT_SIDE[s.plant.type] === 'heat');
  const constant = heat.filter((s) => s.plant.mode === 'constant' && s.plant.type !== 'storage').sort(byMerit);
  const merit = heat.filter((s) => s.plant.mode !== 'constant' || s.plant.type === 'storage').sort(byMerit);
  const coldMerit = series.filter((s) => s.plant.type !== 'heat_recovery_hp' && PLANT_SIDE[s.plant.type] === 'cold').sort(byMerit);
  const stores = series.filter((s) => isStore(s.plant));
  const soc = new Map<PlantSeries, number>(stores.map((s) => [s, (s.plant.initialFraction ?? 0.5) * (s.plant.capacityKwh ?? 0)]));
  const chargeMode = (s: PlantSeries) => s.plant.charge ?? (s.plant.type === 'cold_storage' ? 'night' : 'surplus');
  const surplus = new Float64Array(n), backup = new Float64Array(n), backupFuel = new Float64Array(n), unmet = new Float64Array(n);
  const coldUnmet = new Float64Array(n), coldSurplus = new Float64Array(n);
  let shortHours = 0, coldShortHours = 0;
  const step: MachineStep = { inputKw: 0, auxKw: 0, unitsOn: 0, loadRatio: 0 };

  /** Storage discharge allowed at hour h: surplus-charged any time, night-charged outside its window. */
  const mayDischarge = (s: PlantSeries, hod: number) => chargeMode(s) !== 'night' || !inChargeWindow(hod, s.plant.chargeHours ?? DEFAULT_CHARGE_HOURS);
  const discharge = (s: PlantSeries, h: number, residual: number) => {
    const d = Math.min(residual, s.plant.capacityKw, soc.get(s)!);
    if (d <= 0) return 0;
    soc.set(s, soc.get(s)! - d);
    s.outKw[h] += d;
    return d;
  };
  /** Charge a store from machines' spare capacity (night mode), in merit order; returns nothing, updates outKw. */
  const chargeFromMachines = (s: PlantSeries, h: number, machines: PlantSeries[]) => {
    let room = Math.min(s.plant.capacityKw - s.outKw[h] - s.inKw![h], (s.plant.capacityKwh ?? 0) - soc.get(s)!);
    for (const m of machines) {
      if (room <= 1e-12) break;
      if (!m.machine || m.plant.mode === 'constant') continue;
      if (s.plant.chargeBy && !s.plant.chargeBy.includes(m.plant.id)) continue;
      const spare = m.machine.maxKw(h) - m.outKw[h];
      const c = Math.min(room, spare);
      if (c <= 0) continue;
      m.outKw[h] += c;
      s.inKw![h] += c;
      soc.set(s, soc.get(s)! + c);
      room -= c;
    }
  };

  for (let h = 0; h < n; h++) {
    const hod = h % 24;
    let residual = inp.loadKw[h];
    let coldResidual = cold[h];
    let excess = 0;
    // heat-recovery heat pumps: cold q and heat q + E(q), limited by both sides
    for (const s of hr) {
      const m = s.machine!;
      let q = Math.min(coldResidual, m.maxKw(h));
      for (let it = 0; it < 6 && q > 0; it++) {
        m.run(h, q, step);
        const heatOut = q + step.inputKw;
        if (heatOut <= residual + 1e-12) break;
        q *= residual / heatOut;
      }
      if (q <= 1e-12) continue;
      m.run(h, q, step);
      s.outKw[h] = q;
      s.heatKw![h] = q + step.inputKw;
      coldResidual -= q;
      const hh = s.heatKw![h];
      if (hh > residual) {
        excess += hh - residual;
        residual = 0;
      } else residual -= hh;
    }
    for (const s of constant) {
      const q = Math.min(inp.constantKw.get(s.plant.id) ?? s.plant.capacityKw, s.plant.capacityKw);
      s.outKw[h] = q;
      residual -= q;
    }
    if (residual < 0) {
      excess += -residual;
      residual = 0;
    }
    for (const s of merit) {
      if (residual <= 0) break;
      const p = s.plant;
      if (p.type === 'storage') {
        if (mayDischarge(s, hod)) residual -= discharge(s, h, residual);
        continue;
      }
      if (p.storageOnly) continue;
      const max = s.machine!.maxKw(h);
      let q = Math.min(max, residual);
      const minQ = minLoadOf(p) * max;
      if (q < minQ) q = (p.belowMinLoad ?? 'surplus') === 'off' ? 0 : minQ;
      if (q <= 0) continue;
      s.outKw[h] = q;
      if (q > residual) {
        excess += q - residual;
        residual = 0;
      } else residual -= q;
    }
    if (residual > 1e-9) shortHours++;
    else residual = Math.max(0, residual);
    // output above load charges surplus-mode heat storage, the rest is surplus heat
    for (const s of stores) {
      if (excess <= 0) break;
      if (s.plant.type !== 'storage' || chargeMode(s) !== 'surplus') continue;
      const c = Math.min(excess, s.plant.capacityKw - s.outKw[h], (s.plant.capacityKwh ?? 0) - soc.get(s)!);
      if (c > 0) {
        s.inKw![h] += c;
        soc.set(s, soc.get(s)! + c);
        excess -= c;
      }
    }
    for (const s of stores) if (chargeMode(s) === 'night' && inChargeWindow(hod, s.plant.chargeHours ?? DEFAULT_CHARGE_HOURS)) {
      if (s.plant.type === 'storage') chargeFromMachines(s, h, merit);
    }
    surplus[h] = excess;
    if (residual > 0 && inp.backup.enabled) {
      const b = Math.min(residual, inp.backup.capacityKw);
      backup[h] = b;
      backupFuel[h] = b / inp.backup.efficiency;
      residual -= b;
    }
    unmet[h] = residual > 1e-9 ? residual : 0;

    // cold: storage and chillers in merit order
    for (const s of coldMerit) {
      if (coldResidual <= 0) break;
      if (s.plant.type === 'cold_storage') {
        if (mayDischarge(s, hod)) coldResidual -= discharge(s, h, coldResidual);
        continue;
      }
      if (s.plant.storageOnly) continue;
      const q = Math.min(s.machine!.maxKw(h), coldResidual);
      if (q <= 0) continue;
      s.outKw[h] = q;
      coldResidual -= q;
    }
    if (coldResidual > 1e-9) {
      coldShortHours++;
      coldUnmet[h] = coldResidual;
    }
    for (const s of stores) if (s.plant.type === 'cold_storage') {
      if (inChargeWindow(hod, s.plant.chargeHours ?? DEFAULT_CHARGE_HOURS)) chargeFromMachines(s, h, coldMerit);
    }
    // inputs of every machine for its output of the hour
    for (const s of series) {
      const m = s.machine;
      if (!m || s.plant.type === 'heat_recovery_hp') {
        if (m) {
          m.run(h, s.outKw[h], step);
          s.elecInKw[h] = step.inputKw;
          s.auxKw[h] = step.auxKw;
          s.unitsOn![h] = step.unitsOn;
        }
        continue;
      }
      m.run(h, s.outKw[h], step);
      s.unitsOn![h] = step.unitsOn;
      s.auxKw[h] = step.auxKw;
      if (m.electric) s.elecInKw[h] = step.inputKw;
      else s.fuelKw[h] = step.inputKw;
      if (s.plant.type === 'chp') s.elecOutKw[h] = step.inputKw * (s.plant.electricEfficiency ?? 0.35);
    }
    for (const s of stores) {
      const v = soc.get(s)!;
      const loss = v * (s.plant.lossPerHour ?? 0.001);
      soc.set(s, v - loss);
      s.lossKw![h] = loss;
      s.socKwh![h] = v - loss;
    }
  }
  return { plants: series, surplusKw: surplus, backupKw: backup, backupFuelKw: backupFuel, unmetKw: unmet, shortHours, coldUnmetKw: coldUnmet, coldSurplusKw: coldSurplus, coldShortHours };
}
