/**
 * Hourly energy simulation of one heat (and chilled-water) network (METHODS.md 2, 3, 5, 6, 7, 8): demand from
 * profiles and weather, pipe losses (heat) and gains (cold) from the sized pipes and the ground temperature, pumping
 * from pressure drop, dispatch of the plants, and the annual and monthly results: heat and cold sold at the meters,
 * losses, surplus, the individual heaters of seed 003 (reported as what they are), the plant's primary energy factor
 * as 告示 265 defines it for heat, for cold and combined, term by term (factor.ts), CO2.
 */
import { InputError } from '../errors.js';
import type { ProfileOptions, UseProfiles } from '../demand/profiles.js';
import { monthOfHour, type Weather } from '../io/weather.js';
import { Warnings } from '../util/warnings.js';
import { networkDemand } from './demand.js';
import { dispatch, type PlantSeries } from './dispatch.js';
import { ALLOCATIONS, factorResult, type Allocation, type FactorResult, type FactorTerm } from './factor.js';
import type { GreenhouseOptions } from './greenhouse.js';
import { designLossW, hourlyColdGainsKw, hourlyConduitLossesKw, hourlyRouteGainsKw, pumpingKw, serviceDesignLossW, type PumpOptions } from './losses.js';
import type { AuxiliaryDefaults } from './machines.js';
import type { SimNetwork } from './network-input.js';
import { DEFAULT_BACKUP, FUELS, meritOf, PLANT_SIDE, primaryPerMjOf, type BackupSpec, type NonFossilConvention, type PlantSpec } from './plants.js';
import type { AnnualResult, MonthlyResult, PlantResult } from '../run/summaries.js';

/** Primary energy factor for heat bought from others, kJ/kJ (告示 265, METHODS.md 7). */
export const DEFAULT_HEAT_PRIMARY_FACTOR = 1.36;
/** The named case with no network at all (issue 12): every building heats itself with the backup heaters. */
export const INDIVIDUAL_REFERENCE = 'individual-supply reference';

export interface SimOptions {
  profiles?: ProfileOptions;
  /** Precomputed use profiles (shared between scenario cases). */
  useProfiles?: Map<string, UseProfiles>;
  greenhouse?: GreenhouseOptions;
  /** Supply / return temperature, °C; default the network's, else 70 / 50 (an assumption giving METHODS.md 5's dT 50 K at 10 °C ground). */
  supplyC?: number;
  returnC?: number;
  /** Chilled-water supply / return temperature, °C; default 7 / 14 (an ASSUMPTION: no source found). */
  chilledSupplyC?: number;
  chilledReturnC?: number;
  /** Ground temperature the pipes' design loss refers to; default the network's, else 10 °C (METHODS.md 5). */
  designGroundC?: number;
  /**
   * Supply temperature as a curve of outdoor temperature for the hourly losses ([outdoor °C, supply °C], sorted);
   * default the route's (network.geojson supplyCurve) unless supplyC is given; null: constant supply.
   */
  supplyCurve?: [number, number][] | null;
  /** Electricity primary energy, MJ/kWh: 9.76 (default, building energy law) or 8.64 (Energy Conservation Act from FY2023). */
  electricityPrimaryMjPerKwh?: number;
  /** Electricity CO2, kg/kWh; default 0.434 (an assumption: not in METHODS.md, set it to the supplier's factor). */
  electricityCo2KgPerKwh?: number;
  /** Credit CHP electricity (power-bonus method); default true, at `chpCreditMjPerKwh`. */
  chpCredit?: boolean;
  /** CHP credit, MJ per kWh; default the electricity primary factor. The result also shows the range over 9.76, 8.64, none. */
  chpCreditMjPerKwh?: number;
  /** Non-fossil fuels and unused heat: 'law' (0, default) or 'counted' (1:1). */
  nonFossil?: NonFossilConvention;
  /** Split of the inputs of heat-recovery heat pumps between heat and cold (factor.ts). */
  allocation?: Allocation;
  /** builelib part-load and temperature curves on (default) or off (rated efficiency / COP at every load). */
  partLoadCurves?: boolean;
  /** Auxiliary defaults: 'builelib-sample' (datasets/plants/auxiliaries.csv, default) or 'none'. */
  auxiliaries?: AuxiliaryDefaults;
  /** 'individual': the individual-supply reference case (no network, losses, pumping or plant factor). */
  reference?: 'individual';
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
  /** Heat sold by the network at the customer meters, kW (delivered minus the individual heaters). */
  soldKw: Float64Array;
  surplusKw: Float64Array;
  backupKw: Float64Array;
  unmetKw: Float64Array;
  pumpKw: Float64Array;
  storageInKw: Float64Array;
  storageOutKw: Float64Array;
  /** Auxiliary electricity of all machines, kW. */
  auxKw: Float64Array;
  coldDemandKw: Float64Array;
  coldGainsKw: Float64Array;
  coldProducedKw: Float64Array;
  coldSoldKw: Float64Array;
  coldUnmetKw: Float64Array;
  coldStorageInKw: Float64Array;
  coldStorageOutKw: Float64Array;
  coldPumpKw: Float64Array;
  /** Service-pipe part of lossesKw and of coldGainsKw, kW. */
  serviceLossesKw: Float64Array;
  coldServiceGainsKw: Float64Array;
  /** Electricity bought (plants' input + auxiliaries + network pumps, heat and cold), kW = kWh in the hour; CHP electricity made, kW. */
  electricityKw: Float64Array;
  electricityOutKw: Float64Array;
  /** Output of each plant on its side (heat; cold for chillers, cold storage, heat-recovery heat pumps), kW. */
  plantKw: Record<string, Float64Array>;
  /** Heat of heat-recovery heat pumps, kW. */
  plantHeatKw: Record<string, Float64Array>;
}

export interface NetworkSimResult {
  network: string;
  consumers: number;
  /** 'network', or the individual-supply reference case. */
  case: 'network' | typeof INDIVIDUAL_REFERENCE;
  parameters: {
    supplyC: number; returnC: number; designGroundC: number; electricityPrimaryMjPerKwh: number; electricityCo2KgPerKwh: number;
    backup: BackupSpec; designPressurePa: number; designFlowM3s: number; constantKw: Record<string, number>;
    chilledSupplyC?: number; chilledReturnC?: number; nonFossil?: NonFossilConvention; allocation?: Allocation; partLoadCurves?: boolean;
    auxiliaries?: AuxiliaryDefaults; chpCreditMjPerKwh?: number | null;
    /** Conduit: trench length of the pipes, m; their design loss at the design temperatures, kW; cold-side pump design. */
    pipeLength_m?: number; designLoss_kW?: number; coldDesignPressurePa?: number; coldDesignFlowM3s?: number;
    /** Service pipes: length, m, and design loss, kW (inside designLoss_kW); the supply curve of the hourly losses. */
    serviceLength_m?: number; serviceDesignLoss_kW?: number; supplyCurve?: [number, number][] | null;
    /** Temperatures the pipes' W/m figures refer to (the route's design), °C. */
    designSupplyC?: number; designReturnC?: number;
  };
  annual: AnnualResult;
  monthly: MonthlyResult;
  plants: PlantResult[];
  byUse_MWh: Record<string, number>;
  /** The factor's numerator term by term and its denominators (factor.ts). */
  factor: FactorResult;
  /** Each machine's curve source and rules, for the calculation sheet. */
  machines: { id: string; type: string; side: string; builelib?: string; units: number; curveSource: string; auxiliaries: string[]; merit: number; mode: string }[];
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
  const reference = options.reference === 'individual';
  const plantList = reference ? [] : plants ?? network.plants;
  if (plantList.length === 0 && !reference) {
    throw new InputError('network-no-plants', `network "${network.id}" has no plants: heatplan does not invent one`, {
      file, record: network.id,
      hint: 'give plants: a plants file (--plants plants.yaml, a YAML list such as "- { id: boiler-1, type: gas_boiler, capacity_kW: 2000, efficiency: 0.86 }"), ' +
        'a scenario `plants:` list, or name the type of the route\'s suggested plant (route --plant "lon,lat,kW,type"); ' +
        'or ask for the individual-supply reference case (--reference individual)',
    });
  }
  const ids = new Set(plantList.map((p) => p.id));
  for (const p of plantList) for (const c of p.chargeBy ?? []) {
    if (!ids.has(c)) throw new InputError('plant-bad-storage', `storage ${p.id}: chargeBy names a plant that is not in the plant list`, { file, record: p.id, value: c, hint: `use ids of the plants: ${[...ids].join(', ')}` });
  }
  const n = weather.hours;
  const supplyC = options.supplyC ?? network.supplyC ?? 70;
  const returnC = options.returnC ?? network.returnC ?? 50;
  const chilledSupplyC = options.chilledSupplyC ?? network.coolSupplyC ?? 7;
  const chilledReturnC = options.chilledReturnC ?? network.coolReturnC ?? 14;
  const designGroundC = options.designGroundC ?? network.designGroundC ?? 10;
  if (!(supplyC > returnC)) throw new InputError('sim-bad-temperature', 'supply temperature must be above return temperature', { file, value: { supplyC, returnC } });
  if (!(chilledReturnC > chilledSupplyC)) throw new InputError('sim-bad-temperature', 'chilled-water return temperature must be above its supply temperature', { file, value: { chilledSupplyC, chilledReturnC } });
  const ePrimary = options.electricityPrimaryMjPerKwh ?? 9.76;
  const eCo2 = options.electricityCo2KgPerKwh ?? 0.434;
  const convention: NonFossilConvention = options.nonFossil ?? 'law';
  const allocation: Allocation = options.allocation ?? 'energy';
  if (!ALLOCATIONS.includes(allocation)) throw new InputError('sim-bad-allocation', 'unknown allocation', { value: allocation, hint: ALLOCATIONS.join(', ') });
  const chpCredit = options.chpCredit === false ? null : options.chpCreditMjPerKwh ?? ePrimary;
  const backup: BackupSpec = { ...DEFAULT_BACKUP, ...(options.backup ?? {}) };
  if (reference && !backup.enabled) throw new InputError('sim-bad-reference', 'the individual-supply reference case needs the backup heaters (drop --no-backup)', { file, record: network.id });

  const demand = networkDemand(network.consumers, weather, { profiles: options.profiles, greenhouse: options.greenhouse, useProfiles: options.useProfiles });
  if (demand.coolingWithoutProfileMWh > 0) warnings.add('cooling-without-profile', 'consumers with cool_MWh whose use has no cooling profile: their cooling is not simulated', { file, record: network.id, message: `${demand.coolingWithoutProfileMWh.toFixed(1)} MWh/a` });
  const coldPlants = plantList.filter((p) => PLANT_SIDE[p.type] !== 'heat');
  const heatPlants = plantList.filter((p) => PLANT_SIDE[p.type] !== 'cold');
  const coolingMWh = sum(demand.coolingKw) / 1000;
  const coldSimulated = coldPlants.length > 0 && !reference;
  // a network whose plants make cold only (or that the route sized for chilled water only) sells no heat: the
  // buildings' heat is not the network's, and is not put on individual heaters either
  const heatSimulated = reference || (heatPlants.length > 0 && network.carries !== 'cold');
  if (coolingMWh > 0 && !coldSimulated && !reference) warnings.add('cold-not-supplied', 'consumers have cooling demand but the network has no cold plants: cooling is not supplied by the network and not simulated', { file, record: network.id, message: `${coolingMWh.toFixed(1)} MWh/a of cooling` });
  if (!heatSimulated) {
    const heatMWh = sum(demand.totalKw) / 1000;
    if (heatMWh > 0) warnings.add('heat-not-supplied', `consumers have heat demand but the network ${network.carries === 'cold' ? 'carries chilled water only' : 'has no heat plants'}: heat is not supplied by the network and not simulated`, { file, record: network.id, message: `${heatMWh.toFixed(1)} MWh/a of heat` });
    demand.totalKw.fill(0);
    demand.spaceHeatKw.fill(0);
    demand.hotWaterKw.fill(0);
    demand.greenhouseKw.fill(0);
  }
  if (coldSimulated && network.carries === 'heat') warnings.add('cold-pipes-assumed', 'the route sized heat pipes only: chilled-water gains from an assumed pipe pair of the heat pipes\' DN (ASSUMPTION)', { file, record: network.id });
  // the route's supply curve for the hourly losses, unless a constant supply is asked for (METHODS.md 5, medium.ts)
  let supplyCurve = options.supplyCurve === null ? undefined : options.supplyCurve ?? (options.supplyC === undefined ? network.supplyCurve : undefined);
  if (supplyCurve) for (const [tout, ts] of supplyCurve) if (!(ts > returnC)) throw new InputError('sim-bad-supply-curve', `supply curve: supply ${ts} °C at outdoor ${tout} °C is not above the return temperature ${returnC} °C`, { file, record: network.id, value: supplyCurve });
  if (network.supplyCurve && options.supplyC !== undefined && options.supplyCurve === undefined) warnings.add('supply-curve-not-used', "the route's supply curve is not used for the hourly losses: a constant supply temperature was given (supplyC, --supply-c)", { file, record: network.id });
  if (reference || !heatSimulated) supplyCurve = undefined;
  // the pipes' W/m figures refer to the route's design temperatures where network.geojson gives them
  const lossOpts = { supplyC, returnC, designGroundC, designSupplyC: network.supplyC ?? supplyC, designReturnC: network.returnC ?? returnC, ...(supplyCurve ? { supplyCurve } : {}) };
  const conduit = reference || !heatSimulated ? { mainsKw: new Float64Array(n), serviceKw: new Float64Array(n) } : hourlyConduitLossesKw(network.pipes, network.services, weather.groundC, lossOpts, weather.airC);
  const losses = new Float64Array(n);
  for (let h = 0; h < n; h++) losses[h] = conduit.mainsKw[h] + conduit.serviceKw[h];
  const coldDemand = coldSimulated ? demand.coolingKw : new Float64Array(n);
  const routeColdPipes = network.pipes.some((p) => p.gainWPerM !== undefined);
  const coldConduit = !coldSimulated ? { mainsKw: new Float64Array(n), serviceKw: new Float64Array(n) }
    : routeColdPipes ? hourlyRouteGainsKw(network.pipes, weather.groundC, chilledSupplyC, chilledReturnC, designGroundC, network.routeWeather ?? false, network.services)
    : hourlyColdGainsKw(network.pipes, weather.groundC, lossOpts, chilledSupplyC, chilledReturnC, network.services);
  const coldGains = new Float64Array(n);
  for (let h = 0; h < n; h++) coldGains[h] = coldConduit.mainsKw[h] + coldConduit.serviceKw[h];
  const load = new Float64Array(n), coldLoad = new Float64Array(n);
  let peakLoad = 0, peakDemand = 0, peakCold = 0;
  for (let h = 0; h < n; h++) {
    load[h] = demand.totalKw[h] + losses[h];
    coldLoad[h] = coldDemand[h] + coldGains[h];
    peakLoad = Math.max(peakLoad, load[h]);
    peakDemand = Math.max(peakDemand, demand.totalKw[h]);
    peakCold = Math.max(peakCold, coldDemand[h]);
  }
  // seed 003: constant output not above the (case-0) peak load
  const constantKw = new Map<string, number>();
  for (const p of plantList) if (p.mode === 'constant') {
    const given = options.constantKw?.get(p.id) ?? p.constantKw;
    const v = given ?? Math.min(p.capacityKw, peakLoad);
    if (given !== undefined && given > p.capacityKw) warnings.add('constant-above-capacity', 'constant output above plant capacity: capped at capacity', { file, record: p.id });
    constantKw.set(p.id, Math.min(v, p.capacityKw));
  }
  const d = dispatch({
    loadKw: load, coldLoadKw: coldLoad, plants: plantList, backup, weather, supplyC, constantKw,
    machine: { partLoadCurves: options.partLoadCurves ?? true, auxiliaries: options.auxiliaries ?? 'builelib-sample', heatSupplyC: supplyC, coldSupplyC: chilledSupplyC, region: weather.climateRegion, warnings, file },
  });
  if (weather.climateRegion === undefined && d.plants.some((s) => s.plant.builelib)) {
    warnings.add('wet-bulb-region-unknown', "climate region unknown: builelib's wet-bulb coefficients of regions 3-7 used for the machines' source temperatures (give --climate-region)", { file, record: network.id });
  }
  const produced = new Float64Array(n), storageIn = new Float64Array(n), storageOut = new Float64Array(n);
  const coldProduced = new Float64Array(n), coldStorageIn = new Float64Array(n), coldStorageOut = new Float64Array(n), aux = new Float64Array(n);
  let storageLoss = 0, coldStorageLoss = 0;
  for (const s of d.plants) {
    const t = s.plant.type;
    for (let h = 0; h < n; h++) aux[h] += s.auxKw[h];
    if (t === 'storage' || t === 'cold_storage') {
      const inA = t === 'storage' ? storageIn : coldStorageIn, outA = t === 'storage' ? storageOut : coldStorageOut;
      for (let h = 0; h < n; h++) {
        inA[h] += s.inKw![h];
        outA[h] += s.outKw[h];
      }
      if (t === 'storage') storageLoss += sum(s.lossKw!);
      else coldStorageLoss += sum(s.lossKw!);
    } else if (t === 'heat_recovery_hp') {
      for (let h = 0; h < n; h++) {
        coldProduced[h] += s.outKw[h];
        produced[h] += s.heatKw![h];
      }
    } else if (PLANT_SIDE[t] === 'cold') for (let h = 0; h < n; h++) coldProduced[h] += s.outKw[h];
    else for (let h = 0; h < n; h++) produced[h] += s.outKw[h];
  }
  // produced (as before) includes the individual heaters; sold = delivered by the network only
  const plantProduced = Float64Array.from(produced);
  for (let h = 0; h < n; h++) produced[h] += d.backupKw[h];
  const delivered = new Float64Array(n), sold = new Float64Array(n), coldSold = new Float64Array(n);
  for (let h = 0; h < n; h++) {
    delivered[h] = demand.totalKw[h] - d.unmetKw[h];
    sold[h] = delivered[h] - d.backupKw[h];
    coldSold[h] = coldDemand[h] - d.coldUnmetKw[h];
  }
  const flow = new Float64Array(n), coldFlow = new Float64Array(n);
  for (let h = 0; h < n; h++) {
    flow[h] = reference ? 0 : load[h] - d.unmetKw[h] - d.backupKw[h];
    coldFlow[h] = coldLoad[h] - d.coldUnmetKw[h];
  }
  // the route stage's pump head (path + substation + plant) where network.geojson gives it, else the gradient model
  const routePump = (m: 'heat' | 'cold') => {
    const r = network.pumping?.[m];
    return r && options.pump?.pressurePaPerM === undefined ? { designPressurePa: r.headPa, ...(r.efficiency ? { pumpEfficiency: r.efficiency } : {}) } : {};
  };
  const heatRoute = routePump('heat'), coldRoute = routePump('cold');
  const pump = pumpingKw(flow, reference ? [] : network.pipes, { supplyC, returnC, ...heatRoute, ...(options.pump ?? {}) });
  // chilled water: the route's cold pump design if it sized one, else the gradient model over the same pipes
  const coldPump = coldSimulated ? pumpingKw(coldFlow, network.pipes, { supplyC: chilledReturnC, returnC: chilledSupplyC, ...coldRoute, ...(options.pump ?? {}) }) : { kw: new Float64Array(n), designPressurePa: 0, designFlowM3s: 0 };
  // the route's head where it is the one used (no head given over it) and it runs through pipes the route loaded above
  // the largest catalogue pipe: their friction grows with the square of their velocity, so the pump figures are overstated
  const usedRouteHead = (r: { designPressurePa?: number }): number => (r.designPressurePa !== undefined && options.pump?.designPressurePa === undefined ? r.designPressurePa : 0);
  const overHeadPa = reference ? 0 : Math.max(heatSimulated ? usedRouteHead(heatRoute) : 0, coldSimulated ? usedRouteHead(coldRoute) : 0);
  if (network.overCapacityPipes && overHeadPa > 0) {
    warnings.add('pump-head-over-capacity', "the route's pump head comes through pipes loaded above the largest catalogue pipe: pump electricity, the primary energy factor and CO2 are overstated", {
      file, record: `network ${network.id}`,
      message: `${network.overCapacityPipes.toLocaleString('en-US')} of ${network.pipes.length.toLocaleString('en-US')} pipes over capacity, pump head ${Math.round(overHeadPa / 1000).toLocaleString('en-US')} kPa; split the supply among more plants (several --plant points, or a --plants file, in the route stage)`,
    });
  }

  // primary energy term by term (factor.ts), CO2, per plant and per month
  const month = monthOfHour(n);
  const plantResults: PlantResult[] = [];
  const fuelMj: Record<string, number> = {};
  const terms: FactorTerm[] = [];
  const eSource = `${ePrimary} MJ/kWh (electricity primary factor option; 9.76 building energy law, 8.64 Energy Conservation Act FY2023)`;
  let co2Kg = 0, elecKwh = 0, chpElecKwh = 0, auxKwh = 0;
  const elecHourKw = new Float64Array(n), elecOutHourKw = new Float64Array(n);
  const monthlyPe = new Array(12).fill(0), monthlyCo2 = new Array(12).fill(0);
  const fuelSource = (fuel: string) => {
    const f = FUELS[fuel];
    if (!f) return '';
    return f.fossil ? `${f.primaryPerMj} MJ/MJ HHV (${f.source})` : `${primaryPerMjOf(fuel, convention)} MJ/MJ: convention "${convention}" (${convention === 'law' ? 'the law counts fossil fuels only' : 'counted 1:1'}); ${f.source}`;
  };
  // heat-recovery heat pumps: hourly share of their input that goes to heat
  const heatShare = (s: PlantSeries, h: number): number => {
    if (allocation === 'heat') return 1;
    if (allocation === 'cold') return 0;
    const qh = s.heatKw![h], qc = s.outKw[h];
    if (qh + qc <= 0) return 0.5;
    if (allocation === 'energy') return qh / (qh + qc);
    const t0 = weather.airC[h] + 273.15, th = supplyC + 273.15, tc = chilledSupplyC + 273.15;
    const xh = qh * Math.max(0, 1 - t0 / th), xc = qc * Math.max(0, t0 / tc - 1);
    return xh + xc > 0 ? xh / (xh + xc) : qh / (qh + qc);
  };
  for (const s of d.plants) {
    const p = s.plant;
    const pSide = PLANT_SIDE[p.type] === 'heat' ? 'heat' : 'cold';
    const f = FUELS[p.fuel];
    const fuelPe = p.fuel === 'electricity' ? 0 : primaryPerMjOf(p.fuel, convention);
    const fuelCo2 = f?.co2KgPerMj ?? 0;
    let out = 0, heatOut = 0, fuel = 0, eIn = 0, eOut = 0, ax = 0, running = 0, pe = 0, co2 = 0, eToHeat = 0, axToHeat = 0, unitHours = 0;
    const mOut = new Array(12).fill(0);
    for (let h = 0; h < n; h++) {
      const q = s.outKw[h];
      out += q;
      if (s.heatKw) heatOut += s.heatKw[h];
      mOut[month[h]] += q / 1000;
      if (q > 0) running++;
      if (s.unitsOn) unitHours += s.unitsOn[h];
      const fuelMjH = s.fuelKw[h] * 3.6;
      fuel += fuelMjH;
      eIn += s.elecInKw[h];
      eOut += s.elecOutKw[h];
      ax += s.auxKw[h];
      elecHourKw[h] += s.elecInKw[h] + s.auxKw[h];
      elecOutHourKw[h] += s.elecOutKw[h];
      if (s.heatKw) {
        const sh = heatShare(s, h);
        eToHeat += s.elecInKw[h] * sh;
        axToHeat += s.auxKw[h] * sh;
      }
      const credit = chpCredit ?? 0;
      const peH = fuelMjH * fuelPe + (s.elecInKw[h] + s.auxKw[h]) * ePrimary - s.elecOutKw[h] * credit;
      const co2H = fuelMjH * fuelCo2 + (s.elecInKw[h] + s.auxKw[h]) * eCo2 - (chpCredit === null ? 0 : s.elecOutKw[h] * eCo2);
      pe += peH;
      co2 += co2H;
      monthlyPe[month[h]] += peH / 1000;
      monthlyCo2[month[h]] += co2H / 1000;
    }
    if (fuel > 0) fuelMj[p.fuel] = (fuelMj[p.fuel] ?? 0) + fuel;
    const fuelName = p.fuel === 'none' ? 'unused heat' : `fuel ${p.fuel} (HHV)`;
    if (s.heatKw) {
      for (const [sd, e, a] of [['heat', eToHeat, axToHeat], ['cold', eIn - eToHeat, ax - axToHeat]] as const) {
        if (e > 0) terms.push({ side: sd, item: `electricity (allocated: ${allocation})`, plant: p.id, quantity: e, unit: 'kWh', factor: ePrimary, factorSource: eSource, primary_GJ: (e * ePrimary) / 1000 });
        if (a > 0) terms.push({ side: sd, item: `auxiliaries (allocated: ${allocation})`, plant: p.id, quantity: a, unit: 'kWh', factor: ePrimary, factorSource: eSource, primary_GJ: (a * ePrimary) / 1000 });
      }
    } else {
      if (fuel > 0) terms.push({ side: pSide, item: fuelName, plant: p.id, quantity: fuel, unit: 'MJ', factor: fuelPe, factorSource: fuelSource(p.fuel), primary_GJ: (fuel * fuelPe) / 1000 });
      if (eIn > 0) terms.push({ side: pSide, item: 'electricity', plant: p.id, quantity: eIn, unit: 'kWh', factor: ePrimary, factorSource: eSource, primary_GJ: (eIn * ePrimary) / 1000 });
      if (ax > 0) terms.push({ side: pSide, item: 'auxiliaries (補機, primary pump, cooling tower)', plant: p.id, quantity: ax, unit: 'kWh', factor: ePrimary, factorSource: eSource, primary_GJ: (ax * ePrimary) / 1000 });
      if (eOut > 0 && chpCredit !== null) terms.push({ side: 'heat', item: 'CHP electricity credit', plant: p.id, quantity: -eOut, unit: 'kWh', factor: chpCredit, factorSource: `${chpCredit} MJ/kWh credit (power-bonus; range over 9.76, 8.64, none in chpCreditRange)`, primary_GJ: (-eOut * chpCredit) / 1000 });
    }
    co2Kg += co2;
    elecKwh += eIn + ax;
    auxKwh += ax;
    chpElecKwh += eOut;
    const m = s.machine;
    plantResults.push({
      id: p.id, type: p.type, fuel: p.fuel, capacity_kW: p.capacityKw, mode: p.mode ?? 'merit', constant_kW: constantKw.get(p.id),
      heat_MWh: (s.heatKw ? heatOut : pSide === 'heat' ? out : 0) / 1000, fuel_MJ: fuel,
      ...(f && f.unit && f.mjPerUnit ? { fuelUnits: fuel / f.mjPerUnit, fuelUnit: f.unit } : {}),
      electricity_kWh: eIn, electricityOut_kWh: eOut, primaryEnergy_GJ: pe / 1000, co2_t: co2 / 1000,
      fullLoadHours: p.capacityKw > 0 ? out / p.capacityKw : 0, runningHours: running,
      ...(p.type === 'heat_pump' ? { meanCop: eIn > 0 ? out / eIn : 0 } : {}), monthlyHeat_MWh: pSide === 'heat' && !s.heatKw ? mOut : new Array(12).fill(0),
      side: PLANT_SIDE[p.type], cold_MWh: pSide === 'cold' ? out / 1000 : 0, auxiliary_kWh: ax, units: m?.units ?? 1, unitHours,
      ...(m && p.type !== 'heat_pump' && (eIn > 0 || fuel > 0) && p.fuel !== 'none' ? { meanCop: (s.heatKw ? out : out) / (eIn + fuel / 3.6) } : {}),
      ...(p.builelib ? { builelib: p.builelib } : {}),
      ...((p.type === 'storage' || p.type === 'cold_storage') && p.capacityKwh !== undefined ? { capacity_kWh: p.capacityKwh } : {}),
    } as PlantResult);
  }
  // network pumping: heat side and cold side
  const pumpKwh = sum(pump.kw), coldPumpKwh = sum(coldPump.kw);
  if (pumpKwh > 0) terms.push({ side: 'heat', item: 'network pumping (heat)', quantity: pumpKwh, unit: 'kWh', factor: ePrimary, factorSource: eSource, primary_GJ: (pumpKwh * ePrimary) / 1000 });
  if (coldPumpKwh > 0) terms.push({ side: 'cold', item: 'network pumping (chilled water)', quantity: coldPumpKwh, unit: 'kWh', factor: ePrimary, factorSource: eSource, primary_GJ: (coldPumpKwh * ePrimary) / 1000 });
  co2Kg += (pumpKwh + coldPumpKwh) * eCo2;
  elecKwh += pumpKwh + coldPumpKwh;
  for (let h = 0; h < n; h++) {
    elecHourKw[h] += pump.kw[h] + coldPump.kw[h];
    monthlyPe[month[h]] += ((pump.kw[h] + coldPump.kw[h]) * ePrimary) / 1000;
    monthlyCo2[month[h]] += ((pump.kw[h] + coldPump.kw[h]) * eCo2) / 1000;
  }
  const soldMWh = sum(sold) / 1000, coldSoldMWh = sum(coldSold) / 1000;
  const chpKwhForRange = chpElecKwh;
  const factor = factorResult(terms, soldMWh * 3.6, coldSoldMWh * 3.6, { convention, allocation, electricityPrimary: ePrimary, chpCredit, chpElectricityKwh: chpKwhForRange, default: DEFAULT_HEAT_PRIMARY_FACTOR });
  // the individual heaters (seed 003's backup): what they are, outside the plant's factor
  const bf = FUELS[backup.fuel];
  const backupFuelMj = sum(d.backupFuelKw) * 3.6;
  const individualPeMj = backupFuelMj * primaryPerMjOf(backup.fuel, convention);
  const individualCo2 = backupFuelMj * (bf?.co2KgPerMj ?? 0);
  if (backupFuelMj > 0) fuelMj[backup.fuel] = (fuelMj[backup.fuel] ?? 0) + backupFuelMj;
  co2Kg += individualCo2;

  const monthly: MonthlyResult = {
    demand_MWh: new Array(12).fill(0), heatDelivered_MWh: new Array(12).fill(0), produced_MWh: new Array(12).fill(0),
    losses_MWh: new Array(12).fill(0), surplus_MWh: new Array(12).fill(0), backup_MWh: new Array(12).fill(0),
    backupFuel_MJ: new Array(12).fill(0), primaryEnergy_GJ: monthlyPe, co2_t: monthlyCo2, unmetHours: new Array(12).fill(0), backupHours: new Array(12).fill(0),
    ...({ heatSold_MWh: new Array(12).fill(0), coldDemand_MWh: new Array(12).fill(0), coldSold_MWh: new Array(12).fill(0) } as object),
  } as MonthlyResult;
  const mx = monthly as MonthlyResult & Record<'heatSold_MWh' | 'coldDemand_MWh' | 'coldSold_MWh', number[]>;
  let unmetHours = 0, backupHours = 0, coldUnmetHours = 0;
  for (let h = 0; h < n; h++) {
    const m = month[h];
    monthly.demand_MWh[m] += demand.totalKw[h] / 1000;
    monthly.heatDelivered_MWh[m] += delivered[h] / 1000;
    mx.heatSold_MWh[m] += sold[h] / 1000;
    mx.coldDemand_MWh[m] += coldDemand[h] / 1000;
    mx.coldSold_MWh[m] += coldSold[h] / 1000;
    monthly.produced_MWh[m] += produced[h] / 1000;
    monthly.losses_MWh[m] += losses[h] / 1000;
    monthly.surplus_MWh[m] += d.surplusKw[h] / 1000;
    monthly.backup_MWh[m] += d.backupKw[h] / 1000;
    monthly.backupFuel_MJ[m] += d.backupFuelKw[h] * 3.6;
    monthly.co2_t[m] += (d.backupFuelKw[h] * 3.6 * (bf?.co2KgPerMj ?? 0)) / 1000;
    if (d.unmetKw[h] > 0) {
      unmetHours++;
      monthly.unmetHours[m]++;
    }
    if (d.backupKw[h] > 0) {
      backupHours++;
      monthly.backupHours[m]++;
    }
    if (d.coldUnmetKw[h] > 0) coldUnmetHours++;
  }
  const deliveredMWh = sum(delivered) / 1000;
  const days = n / 24;
  const keroseneMj = backup.fuel === 'kerosene' ? backupFuelMj : 0;
  const plantPeGj = factor.combined.primary_GJ;
  const annual: AnnualResult = {
    demand_MWh: sum(demand.totalKw) / 1000,
    heatDelivered_MWh: deliveredMWh,
    produced_MWh: sum(produced) / 1000,
    losses_MWh: sum(losses) / 1000,
    lossShare: sum(plantProduced) > 0 ? sum(losses) / sum(plantProduced) : 0,
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
    primaryEnergy_GJ: plantPeGj,
    primaryEnergyFactor: reference ? NaN : factor.heat.factor ?? NaN,
    defaultPrimaryEnergyFactor: DEFAULT_HEAT_PRIMARY_FACTOR,
    copPrimary: reference ? NaN : factor.heat.copPrimary ?? NaN,
    co2_t: co2Kg / 1000,
    peakDemand_kW: peakDemand,
    peakLoad_kW: peakLoad,
    surplus_MJ_per_day: (sum(d.surplusKw) * 3.6) / days,
    backupFuel_MJ_per_day: backupFuelMj / days,
    heatSold_MWh: soldMWh,
    plantProduced_MWh: sum(plantProduced) / 1000,
    auxiliary_kWh: auxKwh,
    primaryEnergyHeat_GJ: factor.heat.primary_GJ,
    primaryEnergyCold_GJ: factor.cold.primary_GJ,
    coldPrimaryEnergyFactor: factor.cold.factor,
    combinedPrimaryEnergyFactor: reference ? null : factor.combined.factor,
    chpCreditRange: factor.chpCreditRange,
    individual: {
      heat_MWh: sum(d.backupKw) / 1000, fuel: backup.fuel, fuel_MJ: backupFuelMj,
      ...(bf?.mjPerUnit ? { fuelUnits: backupFuelMj / bf.mjPerUnit, fuelUnit: bf.unit } : {}),
      efficiency: backup.efficiency, primaryEnergy_GJ: individualPeMj / 1000, co2_t: individualCo2 / 1000,
    },
    // heatplan's own variant, named for what it is: plant + individual heaters over all heat the buildings got
    areaPrimaryEnergyPerHeat: deliveredMWh > 0 ? (factor.heat.primary_GJ + individualPeMj / 1000) / (deliveredMWh * 3.6) : null,
    coolingDemand_MWh: coolingMWh,
    coldDemand_MWh: sum(coldDemand) / 1000,
    coldGains_MWh: sum(coldGains) / 1000,
    coldProduced_MWh: sum(coldProduced) / 1000,
    coldSold_MWh: coldSoldMWh,
    coldUnmet_MWh: sum(d.coldUnmetKw) / 1000,
    coldUnmetHours,
    coldStorageIn_MWh: sum(coldStorageIn) / 1000,
    coldStorageOut_MWh: sum(coldStorageOut) / 1000,
    coldStorageLoss_MWh: coldStorageLoss / 1000,
    coldPumping_kWh: coldPumpKwh,
    peakCold_kW: peakCold,
    mainsLosses_MWh: sum(conduit.mainsKw) / 1000,
    serviceLosses_MWh: sum(conduit.serviceKw) / 1000,
    mainsColdGains_MWh: sum(coldConduit.mainsKw) / 1000,
    serviceColdGains_MWh: sum(coldConduit.serviceKw) / 1000,
    case: reference ? INDIVIDUAL_REFERENCE : 'network',
  };
  if (d.shortHours === n && plantList.length > 0) {
    warnings.add('plants-too-small', 'plants could not cover the load in any hour of the year (backup or unmet every hour)', { file, record: network.id });
  } else if (d.shortHours > 0 && !reference) {
    warnings.addMany('plant-short-hours', 'hours in which plants and storage could not cover the load (backup used or unmet)', d.shortHours);
  }
  if (unmetHours > 0) warnings.addMany('unmet-hours', 'hours with heat demand left unmet (backup disabled or too small)', unmetHours);
  if (coldUnmetHours > 0) warnings.addMany('cold-unmet-hours', 'hours with cooling demand the cold plants and storage could not meet (no backup on the cold side)', coldUnmetHours);
  if (reference) warnings.add('individual-reference', `${INDIVIDUAL_REFERENCE}: no network, no losses, no pumping, no plant factor; all heat from the individual heaters`, { file, record: network.id });
  const plantKw: Record<string, Float64Array> = {}, plantHeatKw: Record<string, Float64Array> = {};
  for (const s of d.plants) {
    plantKw[s.plant.id] = s.outKw;
    if (s.heatKw) plantHeatKw[s.plant.id] = s.heatKw;
  }
  return {
    network: network.id,
    consumers: network.consumers.length,
    case: reference ? INDIVIDUAL_REFERENCE : 'network',
    parameters: {
      supplyC, returnC, designGroundC, electricityPrimaryMjPerKwh: ePrimary, electricityCo2KgPerKwh: eCo2, backup,
      designPressurePa: pump.designPressurePa, designFlowM3s: pump.designFlowM3s, constantKw: Object.fromEntries(constantKw),
      chilledSupplyC, chilledReturnC, nonFossil: convention, allocation, partLoadCurves: options.partLoadCurves ?? true,
      auxiliaries: options.auxiliaries ?? 'builelib-sample', chpCreditMjPerKwh: chpCredit,
      pipeLength_m: reference ? 0 : network.pipes.reduce((t, q) => t + q.lengthM, 0),
      designLoss_kW: reference ? 0 : (designLossW(network.pipes, lossOpts) + serviceDesignLossW(network.services)) / 1000,
      serviceLength_m: reference ? 0 : (network.services ?? []).reduce((t, q) => t + q.lengthM, 0),
      serviceDesignLoss_kW: reference ? 0 : serviceDesignLossW(network.services) / 1000,
      supplyCurve: supplyCurve ?? null, designSupplyC: lossOpts.designSupplyC, designReturnC: lossOpts.designReturnC,
      coldDesignPressurePa: coldPump.designPressurePa, coldDesignFlowM3s: coldPump.designFlowM3s,
    },
    annual, monthly, plants: plantResults, byUse_MWh: demand.byUseMWh, factor,
    machines: d.plants.map((s) => ({
      id: s.plant.id, type: s.plant.type, side: PLANT_SIDE[s.plant.type], builelib: s.plant.builelib, units: s.machine?.units ?? 1,
      curveSource: s.machine?.curveSource ?? `storage: ${s.plant.capacityKwh} kWh, ${s.plant.capacityKw} kW, charge ${s.plant.charge ?? (s.plant.type === 'cold_storage' ? 'night' : 'surplus')}${(s.plant.charge ?? (s.plant.type === 'cold_storage' ? 'night' : 'surplus')) === 'night' ? ` ${(s.plant.chargeHours ?? [22, 7]).join('-')} h (default 22-7 h: an ASSUMPTION)` : ''}, loss ${s.plant.lossPerHour ?? 0.001}/h`,
      auxiliaries: s.machine?.aux.sources ?? [], merit: meritOf(s.plant), mode: s.plant.mode ?? 'merit',
    })),
    hourly: {
      demandKw: demand.totalKw, lossesKw: losses, producedKw: produced, deliveredKw: delivered, soldKw: sold, surplusKw: d.surplusKw,
      backupKw: d.backupKw, unmetKw: d.unmetKw, pumpKw: pump.kw, storageInKw: storageIn, storageOutKw: storageOut, auxKw: aux,
      coldDemandKw: coldDemand, coldGainsKw: coldGains, coldProducedKw: coldProduced, coldSoldKw: coldSold, coldUnmetKw: d.coldUnmetKw,
      coldStorageInKw: coldStorageIn, coldStorageOutKw: coldStorageOut, coldPumpKw: coldPump.kw, plantKw, plantHeatKw,
      serviceLossesKw: conduit.serviceKw, coldServiceGainsKw: coldConduit.serviceKw, electricityKw: elecHourKw, electricityOutKw: elecOutHourKw,
    },
  };
}

/** Plant series by id (for tests and hourly output). */
export type { PlantSeries };
