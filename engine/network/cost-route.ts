/**
 * Routing and siting on cost (issue 14 item 3): the pieces of the route stage that use the cost stage's tables and
 * formulas. Plain functions, no I/O (engine/network/run.ts reads the tables with engine/cost/run.ts loadCostRates).
 *
 * - Marginal-cost pruning (`--prune-by marginal-cost`): the marginal cost of a branch is engine/cost/marginal.ts's
 *   `branchMarginalCosts` on the planned tree (its pipes sized at the design loads in force, its consumers' service
 *   pipes and substations): (annuity + network O&M of the downstream pipes, service pipes and substations) /
 *   downstream annual heat, currency/MWh. Branches above the limit are cut top-most first (a cut branch takes what it
 *   feeds, `marginalCutBranches`, = marginal.ts `branchesAboveLimit` when nothing is forced in); plan.ts then rebuilds
 *   the tree for the remaining consumers and checks again, as for the other criteria.
 * - Plant candidates on LCOH (`--plant-choice lcoh`): each candidate's planned network priced with the cost stage's
 *   capital formulas (engine/cost/compute.ts pipeCostPerM, service pipe and substation rows, plant capex) and annuity
 *   (engine/cost/finance.ts), with O&M as the cost stage computes it. The simulation has not run at route time, so the
 *   plant's fuel is the heat it must make (connected demand + pipe and service-pipe losses) / its efficiency, priced
 *   with the fuel_price row of its fuel (electricity_price for a heat pump, with the COP given as the efficiency);
 *   pumping is the route's own annual pump energy x electricity_price. No backup heaters: the plant makes all the heat.
 *   This is heatplan's route-time variant: the cost stage's lcohNetwork after simulate is the figure to quote.
 */
import { UsageError } from '../errors.js';
import { fuelCost, pipeCostPerM, type CostSettings } from '../cost/compute.js';
import { annuityFactor } from '../cost/finance.js';
import type { BranchMarginal, MarginalRates } from '../cost/marginal.js';
import type { CostRates } from '../cost/table.js';
import { DEFAULT_EFFICIENCY, fuelKey, PLANT_TYPES, type PlantType } from '../sim/plants.js';
import type { ConsumerInput, NetworkResult } from './plan.js';

/** The marginal-cost criterion as planNetwork takes it. */
export interface MarginalPruning {
  /** engine/cost/compute.ts marginalRates of the run's cost tables */
  rates: MarginalRates;
  /** branches above this marginal cost per connected MWh are cut (when `prune`), run currency/MWh */
  limitPerMWh: number;
  /** cut (pruneBy has marginal-cost) or report only */
  prune: boolean;
  currency: string;
  /** discount rate of the annuities, % a year (for the output) */
  discountRatePct: number;
}

export const MARGINAL_DEFINITION =
  "(downstream pipes, service pipes and substations x their annuity factors + network O&M share x that capital) / the downstream consumers' annual heat, currency/MWh (engine/cost/marginal.ts, the cost stage's marginal cost), pipes at the DN sized for the design loads in force";

/**
 * The branches to cut under the limit: above it, not holding a forced-in consumer, and with no upstream branch that
 * is cut (top-most first). Equal to marginal.ts branchesAboveLimit when `locked` is never true.
 */
export function marginalCutBranches(branches: readonly BranchMarginal[], limitPerMWh: number, locked: (branch: number) => boolean = () => false): BranchMarginal[] {
  const byId = new Map(branches.map((b) => [b.branch, b]));
  const cuttable = (b: BranchMarginal) => b.costPerMWh > limitPerMWh && !locked(b.branch);
  return branches.filter((b) => {
    if (!cuttable(b)) return false;
    const seen = new Set<number>();
    for (let p = b.parent; p >= 0 && byId.has(p) && !seen.has(p); p = byId.get(p)!.parent) {
      seen.add(p);
      if (cuttable(byId.get(p)!)) return false;
    }
    return true;
  });
}

/** What a route-time LCOH needs: the run's cost tables and settings, and the plant type and efficiency of candidates. */
export interface LcohPricing {
  rates: CostRates;
  settings: Pick<CostSettings, 'rate' | 'pipeCost' | 'surface' | 'fuelUnits'>;
  currency: string;
  /** plant type for candidates whose type is none of the simulation's plant types (the suggested 1-median and the clusters name none) */
  plantType?: string;
  /** heat out per unit of fuel (or electricity: the COP of a heat pump) in; default the simulation's default of the type */
  efficiency?: number;
}

/** The fuel a plant type burns when the candidate names none: the simulation's defaults (engine/sim/plants.ts DEFAULT_FUEL). */
const TYPE_FUEL: Partial<Record<PlantType, string>> = { biomass: 'wood_chip', gas_boiler: 'gas', kerosene_boiler: 'kerosene', heat_pump: 'electricity', waste_heat: 'none' };

export interface RouteLcoh {
  /** currency/kWh of heat delivered at the meters; null without heat */
  lcoh: number | null;
  capital: { pipes: number; services: number; substations: number; plants: number; total: number };
  /** currency/a */
  annual: { annuity: number; networkOm: number; plantOm: number; fuel: number; electricity: number; total: number };
  /** heat the plants make: connected demand + losses, MWh/a */
  heatProduced_MWh: number;
  delivered_MWh: number;
  plants: { id: string; type: string; fuel: string; efficiency: number; capacity_kW: number; capacityBasis: 'given' | 'design output' }[];
}

export const LCOH_DEFINITION =
  "route-time LCOH of each candidate network: (annuity of pipes, service pipes, substations and the plant at the cost stage's lifetimes and --discount-rate + network O&M + plant fixed and variable O&M + fuel + electricity for a heat pump and for pumping) / heat delivered at the meters, currency/kWh. The simulation's fuel is not available at route time: fuel = (connected demand + pipe and service-pipe losses) / the plant's efficiency (--lcoh-efficiency, default the simulation's default of the type), priced with the fuel_price row; pumping = the route's annual pump energy x electricity_price; the plant's capacity is its given capacity, else the candidate's design output; no backup heat. The cost stage's lcohNetwork after simulate is the figure to quote";

/** Price one planned network (one candidate); see the file header. Missing figures are recorded in `p.rates` (assertComplete). */
export function networkLcoh(r: NetworkResult, consumers: readonly ConsumerInput[], p: LcohPricing): RouteLcoh {
  const { rates, settings: s } = p;
  const life = (k: string, what: string) => rates.get('lifetime', k, what);
  let pipes = 0;
  for (const pipe of r.pipes) pipes += pipe.lengthM * pipeCostPerM(rates, s, pipe.dn, `pipe DN${pipe.dn} (route --plant-choice lcoh)`);
  let serviceM = 0, peak = 0, delivered = 0;
  for (const c of r.consumers) {
    serviceM += c.serviceM;
    peak += Math.max(0, consumers[c.index]!.peakKw);
    delivered += Math.max(0, consumers[c.index]!.heatMWh);
  }
  const n = r.consumers.length;
  const services = n ? serviceM * rates.get('service_pipe', '*', 'service pipes (route --plant-choice lcoh)') : 0;
  const substations = n ? n * rates.get('substation_fixed', '*', 'substations (route --plant-choice lcoh)') + peak * rates.get('substation_kW', '*', 'substations (route --plant-choice lcoh)') : 0;
  const network = pipes + services + substations;
  let annuity = 0;
  if (pipes) annuity += pipes * annuityFactor(s.rate, life('pipes', 'the pipes'));
  if (services) annuity += services * annuityFactor(s.rate, life('services', 'service pipes'));
  if (substations) annuity += substations * annuityFactor(s.rate, life('substations', 'substations'));
  const networkOm = network > 0 ? (network * rates.get('network_om', '*', 'network O&M')) / 100 : 0;
  const heatProduced = delivered + r.summary.loss_MWh_a;
  const elecPrice = () => rates.get('electricity_price', '*', 'electricity (route --plant-choice lcoh: heat pump, pumping)');
  let plantsCap = 0, plantOm = 0, fuel = 0, electricity = 0;
  const plants: RouteLcoh['plants'] = [];
  // the plants' heat in proportion to their design output (one plant per candidate in practice)
  const outTotal = r.plants.reduce((a, x) => a + x.outputKw, 0);
  for (const pl of r.plants) {
    const type = pl.type && (PLANT_TYPES as readonly string[]).includes(pl.type) ? (pl.type as PlantType) : p.plantType;
    if (!type || !(PLANT_TYPES as readonly string[]).includes(type)) {
      throw new UsageError('route-lcoh-plant-type', `plant candidate ${pl.id} has no plant type the cost table can price (${pl.type ?? 'none'}): give lcohPlantType (--lcoh-plant-type) as one of ${Object.keys(TYPE_FUEL).join(', ')}`, { record: pl.id, value: pl.type ?? null });
    }
    const fuelName = pl.fuel ? fuelKey(pl.fuel) : TYPE_FUEL[type as PlantType];
    if (!fuelName) throw new UsageError('route-lcoh-plant-type', `plant type ${type} is not priced at route time (only ${Object.keys(TYPE_FUEL).join(', ')}): compare such candidates with the cost stage after simulate`, { record: pl.id, value: type });
    const eff = p.efficiency ?? (type === 'heat_pump' ? NaN : DEFAULT_EFFICIENCY[type as PlantType]);
    if (!(eff > 0)) throw new UsageError('route-lcoh-efficiency', `plant ${pl.id} (${type}): give lcohEfficiency (--lcoh-efficiency), the heat pump's seasonal COP: the simulation computes it hour by hour, the route stage has no default`, { record: pl.id, value: type });
    const capGiven = pl.capacityKw !== undefined;
    const cap = pl.capacityKw ?? pl.outputKw;
    const what = `plant ${pl.id} (${type}, ${Math.round(cap)} kW, route --plant-choice lcoh)`;
    const capex = rates.get('plant_capex', type, what);
    const capital = capex * cap;
    plantsCap += capital;
    if (capital > 0) annuity += capital * annuityFactor(s.rate, life(type, what));
    const share = outTotal > 0 ? pl.outputKw / outTotal : 1 / r.plants.length;
    const heat = heatProduced * share;
    plantOm += rates.row('plant_fixed_om', type)?.unit === '%/a' ? (capital * rates.get('plant_fixed_om', type, what)) / 100 : cap * rates.get('plant_fixed_om', type, what);
    plantOm += heat * rates.get('plant_variable_om', type, what);
    if (fuelName === 'electricity') electricity += ((heat * 1000) / eff) * elecPrice();
    else fuel += fuelCost(rates, s, fuelName, (heat * 3600) / eff, what);
    plants.push({ id: pl.id, type, fuel: fuelName, efficiency: eff, capacity_kW: cap, capacityBasis: capGiven ? 'given' : 'design output' });
  }
  const pumpMWh = r.summary.media?.heat?.pumping.energy_MWh_a ?? 0;
  if (pumpMWh > 0) electricity += pumpMWh * 1000 * elecPrice();
  const total = annuity + networkOm + plantOm + fuel + electricity;
  return {
    lcoh: delivered > 0 ? total / (delivered * 1000) : null,
    capital: { pipes, services, substations, plants: plantsCap, total: network + plantsCap },
    annual: { annuity, networkOm, plantOm, fuel, electricity, total },
    heatProduced_MWh: heatProduced,
    delivered_MWh: delivered,
    plants,
  };
}
