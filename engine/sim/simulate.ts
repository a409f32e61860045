/**
 * Hourly energy simulation of one heat network (METHODS.md 2, 3, 5, 6, 7, 8): demand from profiles and weather, pipe
 * losses from the sized pipes and ground temperature, pumping from pressure drop, dispatch of the plants, and the
 * annual and monthly results (heat, losses, surplus, backup fuel, primary energy and its factor, CO2).
 */
import { InputError } from '../errors.js';
import type { ProfileOptions, UseProfiles } from '../demand/profiles.js';
import { monthOfHour, type Weather } from '../io/weather.js';
import { Warnings } from '../util/warnings.js';
import { networkDemand } from './demand.js';
import { dispatch, type PlantSeries } from './dispatch.js';
import type { GreenhouseOptions } from './greenhouse.js';
import { hourlyLossesKw, pumpingKw, type PumpOptions } from './losses.js';
import type { SimNetwork } from './network-input.js';
import { DEFAULT_BACKUP, FUELS, type BackupSpec, type PlantSpec } from './plants.js';
import type { AnnualResult, MonthlyResult, PlantResult } from '../run/summaries.js';

/** Primary energy factor for heat bought from others, kJ/kJ (告示 265, METHODS.md 7). */
export const DEFAULT_HEAT_PRIMARY_FACTOR = 1.36;

export interface SimOptions {
  profiles?: ProfileOptions;
  /** Precomputed use profiles (shared between scenario cases). */
  useProfiles?: Map<string, UseProfiles>;
  greenhouse?: GreenhouseOptions;
  /** Supply / return temperature, °C; default the network's, else 70 / 50 (an assumption giving METHODS.md 5's dT 50 K at 10 °C ground). */
  supplyC?: number;
  returnC?: number;
  /** Ground temperature the pipes' design loss refers to; default the network's, else 10 °C (METHODS.md 5). */
  designGroundC?: number;
  /** Electricity primary energy, MJ/kWh: 9.76 (default, building energy law) or 8.64 (Energy Conservation Act from FY2023). */
  electricityPrimaryMjPerKwh?: number;
  /** Electricity CO2, kg/kWh; default 0.434 (an assumption: not in METHODS.md, set it to the supplier's factor). */
  electricityCo2KgPerKwh?: number;
  /** Credit CHP electricity at the electricity primary factor (power-bonus method); default true. */
  chpCredit?: boolean;
  backup?: Partial<BackupSpec>;
  pump?: Omit<PumpOptions, 'supplyC' | 'returnC'>;
  /** Constant output per plant id, kW (seed 003: fixed at the case-0 value for every case). */
  constantKw?: Map<string, number>;
  warnings?: Warnings;
}

export type { AnnualResult, MonthlyResult, PlantResult } from '../run/summaries.js';

export interface HourlyResult {
  demandKw: Float64Array;
  lossesKw: Float64Array;
  producedKw: Float64Array;
  deliveredKw: Float64Array;
  surplusKw: Float64Array;
  backupKw: Float64Array;
  unmetKw: Float64Array;
  pumpKw: Float64Array;
  storageInKw: Float64Array;
  storageOutKw: Float64Array;
  plantKw: Record<string, Float64Array>;
}

export interface NetworkSimResult {
  network: string;
  consumers: number;
  parameters: {
    supplyC: number; returnC: number; designGroundC: number; electricityPrimaryMjPerKwh: number; electricityCo2KgPerKwh: number;
    backup: BackupSpec; designPressurePa: number; designFlowM3s: number; constantKw: Record<string, number>;
  };
  annual: AnnualResult;
  monthly: MonthlyResult;
  plants: PlantResult[];
  byUse_MWh: Record<string, number>;
  hourly: HourlyResult;
}

const sum = (a: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

/** Simulate one network for the weather's year. `plants` replaces the network's own plants when given. */
export function simulateNetwork(network: SimNetwork, weather: Weather, plants: PlantSpec[] | undefined, options: SimOptions = {}): NetworkSimResult {
  const warnings = options.warnings ?? new Warnings();
  const file = network.file;
  if (network.consumers.length === 0) {
    throw new InputError('network-no-consumers', `network ${network.id} has no consumers to simulate`, { file, record: network.id, hint: 'check the route stage output or the scenario (removeConsumers)' });
  }
  const plantList = plants ?? network.plants;
  if (plantList.length === 0 && !(options.backup?.enabled ?? true)) {
    throw new InputError('network-no-plants', `network ${network.id} has no plants and the backup is disabled`, { file, record: network.id, hint: 'give a plants file (simulate.plants, --plants)' });
  }
  if (plantList.length === 0) warnings.add('no-plants', 'network without plants: all heat comes from the backup', { file, record: network.id });
  const n = weather.hours;
  const supplyC = options.supplyC ?? network.supplyC ?? 70;
  const returnC = options.returnC ?? network.returnC ?? 50;
  const designGroundC = options.designGroundC ?? network.designGroundC ?? 10;
  if (!(supplyC > returnC)) throw new InputError('sim-bad-temperature', 'supply temperature must be above return temperature', { file, value: { supplyC, returnC } });
  const ePrimary = options.electricityPrimaryMjPerKwh ?? 9.76;
  const eCo2 = options.electricityCo2KgPerKwh ?? 0.434;
  const backup: BackupSpec = { ...DEFAULT_BACKUP, ...(options.backup ?? {}) };

  const demand = networkDemand(network.consumers, weather, { profiles: options.profiles, greenhouse: options.greenhouse, useProfiles: options.useProfiles });
  const losses = hourlyLossesKw(network.pipes, weather.groundC, { supplyC, returnC, designGroundC });
  const load = new Float64Array(n);
  let peakLoad = 0, peakDemand = 0;
  for (let h = 0; h < n; h++) {
    load[h] = demand.totalKw[h] + losses[h];
    peakLoad = Math.max(peakLoad, load[h]);
    peakDemand = Math.max(peakDemand, demand.totalKw[h]);
  }
  // seed 003: constant output not above the (case-0) peak load
  const constantKw = new Map<string, number>();
  for (const p of plantList) if (p.mode === 'constant') {
    const given = options.constantKw?.get(p.id) ?? p.constantKw;
    const v = given ?? Math.min(p.capacityKw, peakLoad);
    if (given !== undefined && given > p.capacityKw) warnings.add('constant-above-capacity', 'constant output above plant capacity: capped at capacity', { file, record: p.id });
    constantKw.set(p.id, Math.min(v, p.capacityKw));
  }
  const d = dispatch({ loadKw: load, plants: plantList, backup, weather, supplyC, constantKw });
  const produced = new Float64Array(n);
  const storageIn = new Float64Array(n), storageOut = new Float64Array(n);
  let storageLoss = 0;
  for (const s of d.plants) {
    if (s.plant.type === 'storage') {
      for (let h = 0; h < n; h++) {
        storageIn[h] += s.inKw![h];
        storageOut[h] += s.outKw[h];
      }
      storageLoss += sum(s.lossKw!);
    } else for (let h = 0; h < n; h++) produced[h] += s.outKw[h];
  }
  for (let h = 0; h < n; h++) produced[h] += d.backupKw[h];
  const delivered = new Float64Array(n);
  for (let h = 0; h < n; h++) delivered[h] = demand.totalKw[h] - d.unmetKw[h];
  const flow = new Float64Array(n);
  for (let h = 0; h < n; h++) flow[h] = load[h] - d.unmetKw[h];
  const pump = pumpingKw(flow, network.pipes, { supplyC, returnC, ...(options.pump ?? {}) });

  // fuels, electricity, primary energy and CO2
  const month = monthOfHour(n);
  const plantResults: PlantResult[] = [];
  const fuelMj: Record<string, number> = {};
  let primaryMj = 0, co2Kg = 0, elecKwh = 0, chpElecKwh = 0;
  const monthlyPe = new Array(12).fill(0), monthlyCo2 = new Array(12).fill(0);
  const fuelFactors = (fuel: string) => FUELS[fuel] ?? { co2KgPerMj: 0, primaryPerMj: 0 };
  for (const s of d.plants) {
    const p = s.plant;
    const f = fuelFactors(p.fuel);
    let heat = 0, fuel = 0, eIn = 0, eOut = 0, running = 0, pe = 0, co2 = 0, copW = 0;
    const mHeat = new Array(12).fill(0);
    for (let h = 0; h < n; h++) {
      const q = s.outKw[h];
      heat += q;
      mHeat[month[h]] += q / 1000;
      if (q > 0) running++;
      const fuelMjH = s.fuelKw[h] * 3.6;
      fuel += fuelMjH;
      eIn += s.elecInKw[h];
      eOut += s.elecOutKw[h];
      const peH = fuelMjH * f.primaryPerMj + s.elecInKw[h] * ePrimary - (options.chpCredit === false ? 0 : s.elecOutKw[h] * ePrimary);
      const co2H = fuelMjH * f.co2KgPerMj + s.elecInKw[h] * eCo2 - (options.chpCredit === false ? 0 : s.elecOutKw[h] * eCo2);
      pe += peH;
      co2 += co2H;
      monthlyPe[month[h]] += peH / 1000;
      monthlyCo2[month[h]] += co2H / 1000;
      if (p.type === 'heat_pump' && s.elecInKw[h] > 0) copW += s.elecInKw[h];
    }
    if (p.type !== 'storage' && fuel > 0) fuelMj[p.fuel] = (fuelMj[p.fuel] ?? 0) + fuel;
    primaryMj += pe;
    co2Kg += co2;
    elecKwh += eIn;
    chpElecKwh += eOut;
    plantResults.push({
      id: p.id, type: p.type, fuel: p.fuel, capacity_kW: p.capacityKw, mode: p.mode ?? 'merit', constant_kW: constantKw.get(p.id),
      heat_MWh: heat / 1000, fuel_MJ: fuel, ...(f && 'unit' in f && f.unit ? { fuelUnits: fuel / (f as { mjPerUnit: number }).mjPerUnit, fuelUnit: (f as { unit: string }).unit } : {}),
      electricity_kWh: eIn, electricityOut_kWh: eOut, primaryEnergy_GJ: pe / 1000, co2_t: co2 / 1000,
      fullLoadHours: p.capacityKw > 0 ? heat / p.capacityKw : 0, runningHours: running,
      ...(p.type === 'heat_pump' ? { meanCop: copW > 0 ? heat / copW : 0 } : {}), monthlyHeat_MWh: mHeat,
    });
  }
  // backup fuel
  const bf = fuelFactors(backup.fuel);
  const backupFuelMj = sum(d.backupFuelKw) * 3.6;
  if (backupFuelMj > 0) fuelMj[backup.fuel] = (fuelMj[backup.fuel] ?? 0) + backupFuelMj;
  primaryMj += backupFuelMj * bf.primaryPerMj;
  co2Kg += backupFuelMj * bf.co2KgPerMj;
  // pumping electricity
  const pumpKwh = sum(pump.kw);
  primaryMj += pumpKwh * ePrimary;
  co2Kg += pumpKwh * eCo2;
  elecKwh += pumpKwh;

  const monthly: MonthlyResult = {
    demand_MWh: new Array(12).fill(0), heatDelivered_MWh: new Array(12).fill(0), produced_MWh: new Array(12).fill(0),
    losses_MWh: new Array(12).fill(0), surplus_MWh: new Array(12).fill(0), backup_MWh: new Array(12).fill(0),
    backupFuel_MJ: new Array(12).fill(0), primaryEnergy_GJ: monthlyPe, co2_t: monthlyCo2, unmetHours: new Array(12).fill(0), backupHours: new Array(12).fill(0),
  };
  let unmetHours = 0, backupHours = 0;
  for (let h = 0; h < n; h++) {
    const m = month[h];
    monthly.demand_MWh[m] += demand.totalKw[h] / 1000;
    monthly.heatDelivered_MWh[m] += delivered[h] / 1000;
    monthly.produced_MWh[m] += produced[h] / 1000;
    monthly.losses_MWh[m] += losses[h] / 1000;
    monthly.surplus_MWh[m] += d.surplusKw[h] / 1000;
    monthly.backup_MWh[m] += d.backupKw[h] / 1000;
    monthly.backupFuel_MJ[m] += d.backupFuelKw[h] * 3.6;
    const bfm = (d.backupFuelKw[h] * 3.6 * bf.primaryPerMj) / 1000;
    monthly.primaryEnergy_GJ[m] += bfm + (pump.kw[h] * ePrimary) / 1000;
    monthly.co2_t[m] += (d.backupFuelKw[h] * 3.6 * bf.co2KgPerMj + pump.kw[h] * eCo2) / 1000;
    if (d.unmetKw[h] > 0) {
      unmetHours++;
      monthly.unmetHours[m]++;
    }
    if (d.backupKw[h] > 0) {
      backupHours++;
      monthly.backupHours[m]++;
    }
  }
  const deliveredMWh = sum(delivered) / 1000;
  const days = n / 24;
  const keroseneMj = backup.fuel === 'kerosene' ? backupFuelMj : 0;
  const annual: AnnualResult = {
    demand_MWh: sum(demand.totalKw) / 1000,
    heatDelivered_MWh: deliveredMWh,
    produced_MWh: sum(produced) / 1000,
    losses_MWh: sum(losses) / 1000,
    lossShare: sum(produced) > 0 ? sum(losses) / sum(produced) : 0,
    surplus_MWh: sum(d.surplusKw) / 1000,
    backup_MWh: sum(d.backupKw) / 1000,
    backupFuel_MJ: backupFuelMj,
    ...(backup.fuel === 'kerosene' ? { backupKerosene_L: keroseneMj / FUELS.kerosene.mjPerUnit! } : {}),
    backupHours,
    unmet_MWh: sum(d.unmetKw) / 1000,
    unmetHours,
    shortHours: d.shortHours,
    storageIn_MWh: sum(storageIn) / 1000,
    storageOut_MWh: sum(storageOut) / 1000,
    storageLoss_MWh: storageLoss / 1000,
    pumping_kWh: pumpKwh,
    electricity_kWh: elecKwh,
    chpElectricity_kWh: chpElecKwh,
    fuel_MJ: fuelMj,
    primaryEnergy_GJ: primaryMj / 1000,
    primaryEnergyFactor: deliveredMWh > 0 ? primaryMj / (deliveredMWh * 3600) : NaN,
    defaultPrimaryEnergyFactor: DEFAULT_HEAT_PRIMARY_FACTOR,
    copPrimary: primaryMj > 0 ? (deliveredMWh * 3600) / primaryMj : NaN,
    co2_t: co2Kg / 1000,
    peakDemand_kW: peakDemand,
    peakLoad_kW: peakLoad,
    surplus_MJ_per_day: (sum(d.surplusKw) * 3.6) / days,
    backupFuel_MJ_per_day: backupFuelMj / days,
  };
  if (d.shortHours === n && plantList.length > 0) {
    warnings.add('plants-too-small', 'plants could not cover the load in any hour of the year (backup or unmet every hour)', { file, record: network.id });
  } else if (d.shortHours > 0) {
    warnings.addMany('plant-short-hours', 'hours in which plants and storage could not cover the load (backup used or unmet)', d.shortHours);
  }
  if (unmetHours > 0) warnings.addMany('unmet-hours', 'hours with heat demand left unmet (backup disabled or too small)', unmetHours);
  const plantKw: Record<string, Float64Array> = {};
  for (const s of d.plants) plantKw[s.plant.id] = s.outKw;
  return {
    network: network.id,
    consumers: network.consumers.length,
    parameters: {
      supplyC, returnC, designGroundC, electricityPrimaryMjPerKwh: ePrimary, electricityCo2KgPerKwh: eCo2, backup,
      designPressurePa: pump.designPressurePa, designFlowM3s: pump.designFlowM3s, constantKw: Object.fromEntries(constantKw),
    },
    annual, monthly, plants: plantResults, byUse_MWh: demand.byUseMWh,
    hourly: {
      demandKw: demand.totalKw, lossesKw: losses, producedKw: produced, deliveredKw: delivered, surplusKw: d.surplusKw,
      backupKw: d.backupKw, unmetKw: d.unmetKw, pumpKw: pump.kw, storageInKw: storageIn, storageOutKw: storageOut, plantKw,
    },
  };
}

/** Plant series by id (for tests and hourly output). */
export type { PlantSeries };
