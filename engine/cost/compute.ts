/**
 * The cost of one network in one simulation case: capital by part, annual costs and revenues, annuity, levelised
 * cost of heat (and of cold where cold is delivered), NPV and payback, and the sensitivities the report shows.
 * Plain data in, plain data out (engine/cost/run.ts reads the run folder and writes the results).
 *
 * Definitions (each figure is named for what it is):
 * - capital: pipes (trench m x cost per m of the pipe's DN: Persson & Werner C1 + C2 x d with d the nominal
 *   diameter in m, or a per-DN table), service pipes (m x cost per m), substations (per consumer + per kW of design
 *   peak), plants and storage (kW x cost per kW of the plant type).
 * - annuity: each part's capital x a(r, its lifetime) (engine/cost/finance.ts), summed: currency/a.
 * - lcohNetwork: (annuity + network and plant O&M + plant fuel + electricity bought - electricity sold) / heat the
 *   network delivers, currency/kWh. Without `backupSold`, heat from backup heaters (seed 003's kerosene heaters in the
 *   buildings, METHODS.md 7) is neither the network's heat nor its cost; with it, the backup is a network plant
 *   (its heat sold, its fuel in the network's cost) and lcohNetwork = lcohSystem.
 * - lcohSystem: the same plus the backup fuel, over all heat delivered (network + backup): what the heat costs the
 *   town, backup heaters' own capital not counted (they exist).
 * - NPV over the evaluation period at the discount rate (replacements at each part's lifetime, straight-line residual
 *   value), payback (simple and discounted) on the operator's cash flow: heat (and cold) sales - running costs.
 */
import { annuityFactor, discountedPaybackA, netPresentValue, simplePaybackA, type Investment } from './finance.js';
import type { MarginalRates } from './marginal.js';
import type { CostRates } from './table.js';

export interface CostPipeInput {
  id: number;
  from: number;
  to: number;
  length_m: number;
  DN: number;
  branch: number;
  plant?: string;
}
export interface CostConsumerInput {
  id: string;
  branch: number;
  heat_MWh: number;
  peak_kW: number;
  cool_MWh: number;
  service_m: number;
  plant?: string;
}
/** One plant's year as the simulation gives it (sim.json PlantResult). */
export interface CostPlantInput {
  id: string;
  type: string;
  fuel: string;
  capacity_kW: number;
  heat_MWh: number;
  fuel_MJ: number;
  electricity_kWh: number;
  electricityOut_kWh: number;
  /** which side the plant supplies (sim.json since cold is simulated; absent: heat) */
  side?: 'heat' | 'cold' | 'both';
  /** cold produced, MWh/a */
  cold_MWh?: number;
  /** auxiliary electricity (pumps, cooling towers), kWh/a, in the network's electricity_kWh */
  auxiliary_kWh?: number;
}
/** One case's year of one network (sim.json). */
export interface CostCaseInput {
  caseId: string;
  caseName?: string;
  network: string;
  consumers: number;
  heatDelivered_MWh: number;
  backup_MWh: number;
  backupFuel_MJ: number;
  backupFuel: string;
  /** all electricity bought: plants + pumping, kWh/a */
  electricity_kWh: number;
  /** cold sold at the meters, MWh/a, where the simulation gives it (absent: no cold simulated) */
  coolDelivered_MWh?: number;
  /** heat sold by the network at the meters (individual heaters excluded), MWh/a, where the simulation gives it */
  heatSold_MWh?: number;
  /** the year's electricity bought priced hour by hour with a tariff (engine/cost/tariff.ts), currency/a; else electricity_price */
  electricityTariffCost?: number;
  plants: CostPlantInput[];
}

export interface CostSettings {
  /** discount rate as a fraction (0.04) */
  rate: number;
  /** evaluation period for NPV and payback, years */
  periodA: number;
  pipeCost: 'persson-werner' | 'dn-table';
  /** pipe_c1/pipe_c2 key */
  surface: string;
  /** backup heat is the network's (a central backup boiler): sold, and its fuel the operator's */
  backupSold: boolean;
  /** MJ per unit of fuels the simulation counts in units (L, Nm3) */
  fuelUnits: Record<string, { mjPerUnit: number; unit: string }>;
}

export interface CapitalPart {
  part: 'pipes' | 'services' | 'substations' | 'plants' | 'storage';
  capital: number;
  lifetime_a: number;
  annuityFactor: number;
  annuity: number;
}
export interface PipeCostByDn {
  DN: number;
  trench_m: number;
  costPerM: number;
  capital: number;
}
export interface PlantCost {
  id: string;
  type: string;
  capacity_kW: number;
  capexPerKw: number;
  capital: number;
  lifetime_a: number;
  fixedOm: number;
  variableOm: number;
  fuel: string;
  fuelCost: number;
  electricityCost: number;
  electricitySales: number;
}

/** The network part (pipes, services, substations) of one network: the same in every case. */
export interface NetworkCapital {
  pipesByDn: PipeCostByDn[];
  trench_m: number;
  service_m: number;
  consumers: number;
  consumerPeak_kW: number;
  pipes: number;
  services: number;
  substations: number;
  /** pipes + services + substations */
  total: number;
  /** Persson & Werner's area form on the same network: trench x (C1 + C2 x d_a), d_a = 0.0486 ln(Q/L) + 0.0007 m */
  pipesPerssonWernerAreaForm?: { averageDiameter_m: number; linearHeat_GJ_per_m: number; capital: number };
}

/** Trench cost per metre of a DN, currency/m, per the settings (records each figure used in `rates`). */
export function pipeCostPerM(rates: CostRates, s: Pick<CostSettings, 'pipeCost' | 'surface'>, dn: number, neededFor: string): number {
  if (s.pipeCost === 'dn-table') return rates.get('pipe_dn', String(dn), neededFor);
  return rates.get('pipe_c1', s.surface, neededFor) + rates.get('pipe_c2', s.surface, neededFor) * (dn / 1000);
}

export function networkCapital(pipes: readonly CostPipeInput[], consumers: readonly CostConsumerInput[], rates: CostRates, s: CostSettings): NetworkCapital {
  const byDn = new Map<number, PipeCostByDn>();
  for (const p of pipes) {
    let e = byDn.get(p.DN);
    if (!e) byDn.set(p.DN, (e = { DN: p.DN, trench_m: 0, costPerM: pipeCostPerM(rates, s, p.DN, `pipe ${p.id} (DN${p.DN})`), capital: 0 }));
    e.trench_m += p.length_m;
  }
  const pipesByDn = [...byDn.values()].sort((a, b) => a.DN - b.DN);
  for (const e of pipesByDn) e.capital = e.trench_m * e.costPerM;
  const trench = pipesByDn.reduce((a, e) => a + e.trench_m, 0);
  const pipeCap = pipesByDn.reduce((a, e) => a + e.capital, 0);
  const serviceM = consumers.reduce((a, c) => a + c.service_m, 0);
  const peak = consumers.reduce((a, c) => a + c.peak_kW, 0);
  const n = consumers.length;
  const services = n ? serviceM * rates.get('service_pipe', '*', `${n} service pipes, ${Math.round(serviceM)} m`) : 0;
  const substations = n ? n * rates.get('substation_fixed', '*', `${n} substations`) + peak * rates.get('substation_kW', '*', `${n} substations, ${Math.round(peak)} kW`) : 0;
  const out: NetworkCapital = { pipesByDn, trench_m: trench, service_m: serviceM, consumers: n, consumerPeak_kW: peak, pipes: pipeCap, services, substations, total: pipeCap + services + substations };
  if (s.pipeCost === 'persson-werner' && trench > 0) {
    const q = consumers.reduce((a, c) => a + c.heat_MWh, 0) * 3.6; // GJ/a
    const lhd = q / trench;
    // METHODS.md 4: d = 0.0486 ln(Q/L) + 0.0007 m, 0.02 m below 1.5 GJ/m
    const d = lhd < 1.5 ? 0.02 : 0.0486 * Math.log(lhd) + 0.0007;
    const c1 = rates.row('pipe_c1', s.surface) ? rates.get('pipe_c1', s.surface, 'pipes') : NaN;
    const c2 = rates.row('pipe_c2', s.surface) ? rates.get('pipe_c2', s.surface, 'pipes') : NaN;
    out.pipesPerssonWernerAreaForm = { averageDiameter_m: d, linearHeat_GJ_per_m: lhd, capital: trench * (c1 + c2 * d) };
  }
  return out;
}

/** Fuel cost of `mj` MJ of `fuel`, currency (price per GJ, MJ, kWh, MWh or per the simulation's fuel unit). */
export function fuelCost(rates: CostRates, s: Pick<CostSettings, 'fuelUnits'>, fuel: string, mj: number, neededFor: string): number {
  if (mj === 0 || fuel === 'none') return 0;
  const price = rates.get('fuel_price', fuel, neededFor);
  const row = rates.row('fuel_price', fuel);
  if (!row || !Number.isFinite(price)) return NaN;
  const per = row.unit.slice(row.unit.indexOf('/') + 1);
  if (per === 'GJ') return (mj / 1000) * price;
  if (per === 'MJ') return mj * price;
  if (per === 'kWh') return (mj / 3.6) * price;
  if (per === 'MWh') return (mj / 3600) * price;
  const fu = s.fuelUnits[fuel];
  if (!fu || fu.unit !== per) return NaN; // checked by the caller with the row (cost-bad-unit)
  return (mj / fu.mjPerUnit) * price;
}

export interface CaseCost {
  caseId: string;
  caseName?: string;
  network: string;
  capital: { parts: CapitalPart[]; total: number; network: NetworkCapital; plants: PlantCost[] };
  /** currency/a */
  annual: {
    annuity: number;
    networkOm: number;
    plantFixedOm: number;
    plantVariableOm: number;
    fuel: Record<string, number>;
    plantFuel: number;
    backupFuel: number;
    electricity: number;
    electricitySales: number;
    /** O&M + plant fuel + electricity - electricity sales (+ backup fuel when sold): the operator's running cost */
    running: number;
    /** the part of annuity + running that is cold's (0 without cold sold) */
    coldCost: number;
  };
  revenue: { heat: number | null; cold: number | null; total: number | null };
  heat: { delivered_MWh: number; network_MWh: number; backup_MWh: number; sold_MWh: number };
  cold: { delivered_MWh: number | null; demandAtConsumers_MWh: number };
  /** currency/kWh */
  lcohNetwork: number | null;
  lcohSystem: number | null;
  lcoc: number | null;
  /** all network costs / (heat + cold sold), currency/kWh, where cold is sold */
  lcoHeatAndCold: number | null;
  lcocNote: string;
  npv: number | null;
  paybackSimple_a: number | null;
  paybackDiscounted_a: number | null;
}

/** Capital, annual cost and revenue of one case of one network. */
export function caseCost(net: NetworkCapital, consumers: readonly CostConsumerInput[], c: CostCaseInput, rates: CostRates, s: CostSettings): CaseCost {
  const life = (k: string, what: string) => rates.get('lifetime', k, what);
  const plants: PlantCost[] = c.plants.map((p) => {
    const what = `plant ${p.id} (${p.type}, ${p.capacity_kW} kW)`;
    const capex = rates.get('plant_capex', p.type, what);
    return {
      id: p.id, type: p.type, capacity_kW: p.capacity_kW, capexPerKw: capex, capital: capex * p.capacity_kW, lifetime_a: life(p.type, what),
      // per kW and year, or % of the plant's capital a year (the Danish Energy Agency's form)
      fixedOm: rates.row('plant_fixed_om', p.type)?.unit === '%/a' ? (capex * p.capacity_kW * rates.get('plant_fixed_om', p.type, what)) / 100 : p.capacity_kW * rates.get('plant_fixed_om', p.type, what),
      variableOm: (p.heat_MWh + (p.cold_MWh ?? 0)) * rates.get('plant_variable_om', p.type, what),
      fuel: p.fuel,
      fuelCost: p.fuel === 'electricity' ? 0 : fuelCost(rates, s, p.fuel, p.fuel_MJ, what),
      electricityCost: 0,
      electricitySales: p.electricityOut_kWh > 0 ? p.electricityOut_kWh * rates.get('electricity_sale_price', '*', `${what}: ${Math.round(p.electricityOut_kWh)} kWh/a sold`) : 0,
    };
  });
  const partOf = (p: PlantCost): 'plants' | 'storage' => (p.type === 'storage' || p.type === 'cold_storage' ? 'storage' : 'plants');
  const parts: CapitalPart[] = [];
  const add = (part: CapitalPart['part'], capital: number, lifetime: number) => {
    const a = capital === 0 ? 0 : annuityFactor(s.rate, lifetime);
    parts.push({ part, capital, lifetime_a: lifetime, annuityFactor: a, annuity: capital * a });
  };
  if (net.pipes) add('pipes', net.pipes, life('pipes', `${Math.round(net.trench_m)} m of pipe`));
  if (net.services) add('services', net.services, life('services', 'service pipes'));
  if (net.substations) add('substations', net.substations, life('substations', 'substations'));
  // plants each with their own lifetime: one part per plant type group, annuity summed plant by plant
  for (const part of ['plants', 'storage'] as const) {
    const ps = plants.filter((p) => partOf(p) === part && p.capital > 0);
    if (!ps.length) continue;
    const capital = ps.reduce((a, p) => a + p.capital, 0);
    const annuity = ps.reduce((a, p) => a + p.capital * annuityFactor(s.rate, p.lifetime_a), 0);
    const lifetimes = [...new Set(ps.map((p) => p.lifetime_a))];
    parts.push({ part, capital, lifetime_a: lifetimes.length === 1 ? lifetimes[0]! : NaN, annuityFactor: capital ? annuity / capital : 0, annuity });
  }
  const capitalTotal = parts.reduce((a, p) => a + p.capital, 0);
  const annuity = parts.reduce((a, p) => a + p.annuity, 0);
  const omShare = net.total > 0 ? rates.get('network_om', '*', 'network O&M') / 100 : 0;
  const networkOm = net.total * omShare;
  const plantFixedOm = plants.reduce((a, p) => a + p.fixedOm, 0);
  const plantVariableOm = plants.reduce((a, p) => a + p.variableOm, 0);
  const fuel: Record<string, number> = {};
  for (const p of plants) if (p.fuel !== 'electricity' && p.fuel !== 'none') fuel[p.fuel] = (fuel[p.fuel] ?? 0) + p.fuelCost;
  const plantFuel = plants.reduce((a, p) => a + p.fuelCost, 0);
  const backupFuel = c.backupFuel_MJ > 0 ? fuelCost(rates, s, c.backupFuel, c.backupFuel_MJ, `backup heaters (${c.backupFuel}, ${Math.round(c.backupFuel_MJ / 1000)} GJ/a)`) : 0;
  if (c.backupFuel_MJ > 0) fuel[`${c.backupFuel} (backup)`] = backupFuel;
  const electricity = c.electricityTariffCost ?? (c.electricity_kWh > 0 ? c.electricity_kWh * rates.get('electricity_price', '*', `${Math.round(c.electricity_kWh)} kWh/a of electricity (plants and pumping)`) : 0);
  const electricitySales = plants.reduce((a, p) => a + p.electricitySales, 0);
  const backupInOperator = s.backupSold ? backupFuel : 0;
  const running = networkOm + plantFixedOm + plantVariableOm + plantFuel + electricity - electricitySales + backupInOperator;

  // with backupSold the backup is one of the network's plants: its heat is the network's, its fuel the operator's
  const networkHeat = s.backupSold ? c.heatDelivered_MWh : c.heatSold_MWh ?? c.heatDelivered_MWh - c.backup_MWh;
  const sold = networkHeat;
  const heatPrice = rates.row('heat_price') ? rates.get('heat_price', '*', 'heat sales') : null;
  const coolDelivered = c.coolDelivered_MWh ?? null;
  const coolDemand = consumers.reduce((a, x) => a + x.cool_MWh, 0);
  const coldPrice = coolDelivered !== null && coolDelivered > 0 ? rates.get('cold_price', '*', `${Math.round(coolDelivered)} MWh/a of cold sold`) : null;
  const revHeat = heatPrice === null ? null : sold * 1000 * heatPrice;
  const revCold = coldPrice === null ? null : coolDelivered! * 1000 * coldPrice;
  const revenueTotal = revHeat === null ? null : revHeat + (revCold ?? 0);

  const networkCost = annuity + running;
  // cold: the cold plants' own costs (heat-recovery machines by their cold share of output) plus the network's shared
  // costs (pipes, connections, network O&M, pumping) by cold's share of the energy sold: heatplan's allocation, no cited rule
  let coldCost = 0;
  if (coolDelivered !== null && coolDelivered > 0) {
    // with an hourly tariff: its mean over the year's electricity
    const ePrice = c.electricity_kWh > 0 ? (c.electricityTariffCost !== undefined ? c.electricityTariffCost / c.electricity_kWh : rates.get('electricity_price', '*', 'electricity')) : 0;
    let plantElec = 0;
    c.plants.forEach((p, i) => {
      const pc = plants[i]!;
      const e = p.electricity_kWh + (p.auxiliary_kWh ?? 0);
      plantElec += e;
      const coldShare = p.side === 'cold' ? 1 : p.side === 'both' ? (p.cold_MWh ?? 0) / Math.max(1e-12, (p.cold_MWh ?? 0) + p.heat_MWh) : 0;
      if (!coldShare) return;
      const own = (pc.capital > 0 ? pc.capital * annuityFactor(s.rate, pc.lifetime_a) : 0) + pc.fixedOm + pc.variableOm + pc.fuelCost + e * ePrice - pc.electricitySales;
      coldCost += coldShare * own;
    });
    const shared = parts.filter((p) => p.part === 'pipes' || p.part === 'services' || p.part === 'substations').reduce((a, p) => a + p.annuity, 0) + networkOm + Math.max(0, c.electricity_kWh - plantElec) * ePrice;
    coldCost += (shared * coolDelivered) / (coolDelivered + networkHeat);
  }
  const lcohNetwork = networkHeat > 0 ? (networkCost - coldCost) / (networkHeat * 1000) : null;
  const lcohSystem = c.heatDelivered_MWh > 0 ? (networkCost - coldCost + backupFuel - backupInOperator) / (c.heatDelivered_MWh * 1000) : null;
  const lcoc = coolDelivered !== null && coolDelivered > 0 ? coldCost / (coolDelivered * 1000) : null;

  const investments: Investment[] = [];
  if (net.pipes) investments.push({ amount: net.pipes, lifetimeA: parts.find((p) => p.part === 'pipes')!.lifetime_a });
  if (net.services) investments.push({ amount: net.services, lifetimeA: parts.find((p) => p.part === 'services')!.lifetime_a });
  if (net.substations) investments.push({ amount: net.substations, lifetimeA: parts.find((p) => p.part === 'substations')!.lifetime_a });
  for (const p of plants) if (p.capital > 0) investments.push({ amount: p.capital, lifetimeA: p.lifetime_a });
  const net0 = revenueTotal === null ? null : revenueTotal - running;
  return {
    caseId: c.caseId, ...(c.caseName !== undefined ? { caseName: c.caseName } : {}), network: c.network,
    capital: { parts, total: capitalTotal, network: net, plants },
    annual: { annuity, networkOm, plantFixedOm, plantVariableOm, fuel, plantFuel, backupFuel, electricity, electricitySales, running, coldCost },
    revenue: { heat: revHeat, cold: revCold, total: revenueTotal },
    heat: { delivered_MWh: c.heatDelivered_MWh, network_MWh: networkHeat, backup_MWh: c.backup_MWh, sold_MWh: sold },
    cold: { delivered_MWh: coolDelivered, demandAtConsumers_MWh: coolDemand },
    lcohNetwork, lcohSystem,
    lcoc,
    lcoHeatAndCold: coolDelivered !== null && coolDelivered > 0 && networkHeat + coolDelivered > 0 ? networkCost / ((networkHeat + coolDelivered) * 1000) : null,
    lcocNote: coolDelivered === null || coolDelivered === 0
      ? `the simulation delivers no cold (cooling demand at the consumers: ${coolDemand.toFixed(1)} MWh/a): no levelised cost of cold`
      : "lcoc and lcohNetwork split the network's costs: cold plants' own costs (heat-recovery machines by their cold share of output) + pipes, connections, network O&M and pumping by cold's share of the energy sold (heatplan's allocation, no cited rule); lcoHeatAndCold is all costs over heat + cold sold",
    npv: net0 === null ? null : netPresentValue(investments, net0, s.rate, s.periodA),
    paybackSimple_a: net0 === null ? null : simplePaybackA(capitalTotal, net0),
    paybackDiscounted_a: net0 === null ? null : discountedPaybackA(investments, net0, s.rate, s.periodA),
  };
}

/** One sensitivity of the network LCOH: pipe capital scaled, or the discount rate shifted. */
export interface Sensitivity {
  what: string;
  pipeFactor: number;
  rate: number;
  lcohNetwork: number | null;
  lcohSystem: number | null;
}

/**
 * LCOH with the pipes' capital x `pipeFactor` (their O&M share with it) and discount rate `rate` (fraction), the
 * rest of the case as computed.
 */
export function lcohWith(c: CaseCost, omShare: number, pipeFactor: number, rate: number, backupSold: boolean): { lcohNetwork: number | null; lcohSystem: number | null } {
  let annuity = 0;
  for (const p of c.capital.parts) {
    if (p.part === 'plants' || p.part === 'storage') continue;
    const cap = p.part === 'pipes' ? p.capital * pipeFactor : p.capital;
    annuity += cap === 0 ? 0 : cap * annuityFactor(rate, p.lifetime_a);
  }
  for (const p of c.capital.plants) if (p.capital > 0) annuity += p.capital * annuityFactor(rate, p.lifetime_a);
  const all = annuity + c.annual.running + c.capital.network.pipes * (pipeFactor - 1) * omShare;
  // with cold sold, cold's share of the cost is held at its computed share
  const base = c.annual.annuity + c.annual.running;
  const cost = base > 0 ? all * (1 - c.annual.coldCost / base) : all;
  return {
    lcohNetwork: c.heat.network_MWh > 0 ? cost / (c.heat.network_MWh * 1000) : null,
    lcohSystem: c.heat.delivered_MWh > 0 ? (cost + (backupSold ? 0 : c.annual.backupFuel)) / (c.heat.delivered_MWh * 1000) : null,
  };
}

/** The report's sensitivities: pipe cost ±30 %, discount rate ±1 percentage point. */
export function sensitivities(c: CaseCost, omShare: number, rate: number, backupSold: boolean): Sensitivity[] {
  const cases: [string, number, number][] = [
    ['as computed', 1, rate],
    ['pipe cost -30 %', 0.7, rate],
    ['pipe cost +30 %', 1.3, rate],
    ['discount rate -1 point', 1, Math.max(0, rate - 0.01)],
    ['discount rate +1 point', 1, rate + 0.01],
  ];
  return cases.map(([what, f, r]) => ({ what, pipeFactor: f, rate: r, ...lcohWith(c, omShare, f, r, backupSold) }));
}

/**
 * The rates branchMarginalCosts (engine/cost/marginal.ts) takes, from a cost table: pipe cost per metre of each DN,
 * service pipe and substation costs, their annuity factors at the settings' discount rate, and the network O&M share.
 * What the route stage's cost-based pruning calls with the run's cost tables.
 */
export function marginalRates(rates: CostRates, s: Pick<CostSettings, 'rate' | 'pipeCost' | 'surface'>, withConnections = true): MarginalRates {
  return {
    pipeCostPerM: (dn) => pipeCostPerM(rates, s, dn, `pipe DN${dn}`),
    servicePerM: withConnections ? rates.get('service_pipe', '*', 'service pipes') : 0,
    substationFixed: withConnections ? rates.get('substation_fixed', '*', 'substations') : 0,
    substationPerKw: withConnections ? rates.get('substation_kW', '*', 'substations') : 0,
    pipeAnnuity: annuityFactor(s.rate, rates.get('lifetime', 'pipes', 'the pipes')),
    serviceAnnuity: withConnections ? annuityFactor(s.rate, rates.get('lifetime', 'services', 'service pipes')) : 0,
    substationAnnuity: withConnections ? annuityFactor(s.rate, rates.get('lifetime', 'substations', 'substations')) : 0,
    omShare: rates.get('network_om', '*', 'network O&M') / 100,
  };
}
