/**
 * The cost stage on a run folder: reads the network (network.fgb, else network.geojson: only the priced figures of its
 * pipes and consumers, engine/cost/network-read.ts) and sim.json (engine/run/read.ts), the cost tables
 * (datasets/costs/defaults.csv, then each --costs table), computes per network and case the capital by part, annual
 * costs, revenues, LCOH, NPV and payback (engine/cost/compute.ts), the marginal cost of every branch and consumer
 * (engine/cost/marginal.ts), the candidate plant sites on LCOH where the run has several, and writes costs.json and
 * costs.csv. Nothing is written when a figure is missing or a table is bad: the error lists what to give.
 */
import { relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { csvText, type CsvValue } from '../export/csv.js';
import { describeInputs, RunTransaction, withRun } from '../io/run-folder.js';
import { writeOutput } from '../io/write.js';
import { FILES, type CostSummary, type SimFile } from '../run/contract.js';
import { readHourly, readSim, type HourlyTable } from '../run/read.js';
import { FUELS } from '../sim/plants.js';
import { bundledPath } from '../util/data-dir.js';
import { Warnings } from '../util/warnings.js';
import { caseCost, marginalRates, networkCapital, sensitivities, type CaseCost, type CostCaseInput, type CostSettings, type Sensitivity } from './compute.js';
import { annuityFactor } from './finance.js';
import { writeJsonStreamed } from './json-stream.js';
import { branchesAboveLimit, branchMarginalCosts, type BranchMarginal, type ConsumerMarginal, type MarginalRates } from './marginal.js';
import { readCostNetwork } from './network-read.js';
import { CostRates, mergeCostTables, readCostTable, type CostRow, type UsedFigure } from './table.js';
import { readTariff, tariffCost, type Tariff } from './tariff.js';

/** The bundled cost table: figures with a citable source only. */
export const DEFAULT_COST_TABLE = (): string => bundledPath('costs', 'defaults.csv');

export interface CostStageOptions {
  runDir: string;
  /** cost tables read after the defaults (a row replaces the default of the same item and key) */
  costs?: string[];
  /** the currency of the results (default: that of the first table given, else of the defaults) */
  currency?: string;
  /** discount rate, % a year */
  discountRatePct: number;
  /** evaluation period for NPV and payback, years (default: the pipes' lifetime) */
  periodA?: number;
  pipeCost: 'persson-werner' | 'dn-table';
  surface: string;
  backupSold: boolean;
  /** branches above this marginal cost, currency/MWh, are listed as cut and LCOH is estimated without them */
  maxMarginalPerMWh?: number;
  /** without the bundled defaults (every figure from --costs) */
  noDefaults?: boolean;
  /** hourly electricity prices (engine/cost/tariff.ts) instead of the electricity_price row */
  electricityTariff?: string;
}

export interface SiteCost {
  plant: string;
  type: string;
  capacity_kW: number;
  /** consumers its pipes feed */
  consumers: number;
  /** heat the plant produces, MWh/a (sim.json) */
  heat_MWh: number;
  /** the plant's and its sub-network's capital, currency */
  capital: number;
  /** currency/a */
  annual: number;
  /** currency/kWh: (annuity of the site's plant, pipes and connections + their O&M + the plant's fuel and electricity) / the plant's heat */
  lcoh: number | null;
}

export interface NetworkCost {
  network: string;
  cases: (CaseCost & { sensitivities: Sensitivity[] })[];
  marginal: { branches: BranchMarginal[]; consumers: ConsumerMarginal[] };
  sites?: { definition: string; ranked: SiteCost[] };
  costPruning?: {
    limit_per_MWh: number;
    cutBranches: number[];
    cutConsumers: number;
    cutHeat_MWh: number;
    keptHeat_MWh: number;
    /** case 0: lcohNetwork with the cut branches' capital removed and energy costs scaled by the kept share of demand (an estimate, not re-simulated) */
    lcohNetworkEstimate: number | null;
    method: string;
  };
}

export interface CostsFile {
  currency: string;
  priceYears: number[];
  settings: { discountRate_pct: number; period_a: number; pipeCost: string; surface: string; backupSold: boolean };
  definitions: Record<string, string>;
  table: (Omit<UsedFigure, 'row'> & UsedFigure['row'] & { valueAsWritten: number; unitAsWritten: string })[];
  networks: NetworkCost[];
  /** the hourly electricity tariff, where one was given */
  tariff?: { file: string; currency: string; priceYear: number; source: string; assumption: boolean; hours: number; meanPrice_per_kWh: number; method: string };
  warnings: ReturnType<Warnings['list']>;
}

/** The hourly.csv columns of one case and network: [case, network], [case], [network] or [] as the writer prefixes them. */
function hourlyScope(h: HourlyTable, caseId: string, network: string): { pump?: Float64Array; electricity?: Float64Array; plant: Map<string, Float64Array> } {
  const want = [[caseId, network], [caseId], [network], []].map((x) => x.join(':'));
  for (const w of want) {
    const cols = h.columns.filter((c) => 'scopes' in c && c.scopes.join(':') === w);
    if (!cols.length) continue;
    const pump = cols.find((c) => c.kind === 'series' && c.series === 'pump_kW')?.values;
    const plant = new Map(cols.filter((c) => c.kind === 'plant').map((c) => [(c as { plant: string }).plant, c.values]));
    // the simulation's hourly electricity bought (plants, auxiliaries, pumps; kW = kWh per hour), where hourly.csv has it
    const electricity = cols.find((c) => c.kind === 'series' && c.series === 'electricity_kW')?.values;
    return { ...(pump ? { pump } : {}), ...(electricity ? { electricity } : {}), plant };
  }
  return { plant: new Map() };
}

export const DEFINITIONS: Record<string, string> = {
  capital: 'investment at t = 0 by part: pipes (trench m x cost per m of the DN), service pipes, substations, plants and storage (kW x cost per kW of the type); currency',
  annuity: 'sum over parts of capital x r(1+r)^n / ((1+r)^n - 1), n the part lifetime, r the discount rate; currency/a',
  lcohNetwork: '(annuity + O&M + plant fuel + electricity bought - electricity sold) / heat the network delivers (backup heaters excluded unless backupSold); currency/kWh',
  lcohSystem: 'lcohNetwork costs + backup fuel, over all heat delivered (network + backup heaters; the heaters\' own capital not counted); currency/kWh',
  lcoc: "levelised cost of cold where the simulation sells cold: (the cold plants' own annuity, O&M and energy, heat-recovery machines by their cold share of output, + pipes, connections, network O&M and pumping by cold's share of the energy sold) / cold sold; currency/kWh. The split is heatplan's allocation (no cited rule): lcoHeatAndCold (all costs / heat + cold sold) is the unsplit figure",
  npv: 'net present value over the evaluation period: -(investments, replacements at each lifetime, minus straight-line residual value) + (sales - running cost) x sum 1/(1+r)^t; currency. null without a heat_price row',
  paybackSimple_a: 'capital / (sales - running cost), years; null when the net is not positive',
  paybackDiscounted_a: 'first year in which the discounted net cash flow (replacements included) has repaid the investment; null if not within the period',
  marginalBranch: "(downstream pipes, services and substations x their annuity factors + network O&M) / downstream consumers' annual heat; currency/MWh; plant and fuel excluded",
  marginalConsumer: 'own service pipe and substation + the pipes serving it alone, on the same annual basis, per MWh of its own heat; currency/MWh',
  pipesPerssonWernerAreaForm: "Persson & Werner's area form on the same trench length: L x (C1 + C2 x d_a), d_a = 0.0486 ln(Q/L [GJ/m]) + 0.0007 m (METHODS.md 4); beside heatplan's pipe-by-pipe C1 + C2 x DN/1000",
};

const round = (x: number | null, d = 6): number | null => (x === null || !Number.isFinite(x) ? x === null ? null : x : Math.round(x * 10 ** d) / 10 ** d);

/** The sim's networks and cases as cost inputs. */
function caseInputs(sim: SimFile): CostCaseInput[] {
  const out: CostCaseInput[] = [];
  for (const c of sim.cases) {
    for (const n of c.networks) {
      // a reference case without a network (the buildings' own heaters only) has nothing of the network to cost
      if ((n as { case?: unknown }).case !== undefined && (n as { case?: unknown }).case !== 'network') continue;
      const a = n.annual as typeof n.annual & { coldSold_MWh?: unknown; heatSold_MWh?: unknown };
      out.push({
        caseId: String(c.id), ...(c.name !== undefined ? { caseName: c.name } : {}), network: n.network, consumers: n.consumers,
        heatDelivered_MWh: a.heatDelivered_MWh, backup_MWh: a.backup_MWh, backupFuel_MJ: a.backupFuel_MJ, backupFuel: n.parameters?.backup?.fuel ?? 'kerosene',
        electricity_kWh: a.electricity_kWh,
        // fields of the simulation with cold (issue 12); absent in older runs
        ...(typeof a.coldSold_MWh === 'number' ? { coolDelivered_MWh: a.coldSold_MWh } : {}),
        ...(typeof a.heatSold_MWh === 'number' ? { heatSold_MWh: a.heatSold_MWh } : {}),
        plants: n.plants.map((p) => {
          const x = p as typeof p & { side?: unknown; cold_MWh?: unknown; auxiliary_kWh?: unknown };
          return {
            id: p.id, type: p.type, fuel: p.fuel, capacity_kW: p.capacity_kW, heat_MWh: p.heat_MWh, fuel_MJ: p.fuel_MJ, electricity_kWh: p.electricity_kWh, electricityOut_kWh: p.electricityOut_kWh,
            ...(x.side === 'heat' || x.side === 'cold' || x.side === 'both' ? { side: x.side } : {}),
            ...(typeof x.cold_MWh === 'number' ? { cold_MWh: x.cold_MWh } : {}),
            ...(typeof x.auxiliary_kWh === 'number' ? { auxiliary_kWh: x.auxiliary_kWh } : {}),
          };
        }),
      });
    }
  }
  return out;
}

/**
 * The cost tables of a run as the cost stage reads them: the bundled defaults (unless `noDefaults`), then each table
 * of `costs` (a later row replaces an earlier one of the same item and key); the run currency is `currency`, else
 * that of the first table given, else of the defaults. The route stage's cost-based pruning and plant choice read
 * their tables through this function too, so both stages price with the same figures.
 */
export async function loadCostRates(o: { costs?: string[]; currency?: string; noDefaults?: boolean }): Promise<{ rates: CostRates; currency: string; tableFiles: string[] }> {
  const tables: CostRow[][] = [];
  const tableFiles: string[] = [];
  if (!o.noDefaults) {
    tableFiles.push(DEFAULT_COST_TABLE());
    tables.push(await readCostTable(DEFAULT_COST_TABLE()));
  }
  for (const f of o.costs ?? []) {
    tableFiles.push(resolve(f));
    tables.push(await readCostTable(resolve(f)));
  }
  const rows = mergeCostTables(tables);
  const firstCurrency = (t: CostRow[] | undefined) => t?.find((r) => r.currency && r.item !== 'fx')?.currency ?? undefined;
  const userTables = o.noDefaults ? tables : tables.slice(1);
  const currency = o.currency ?? userTables.map(firstCurrency).find(Boolean) ?? firstCurrency(tables[0]) ?? 'EUR';
  return { rates: new CostRates(rows, currency, tableFiles), currency, tableFiles };
}

/** Run the cost stage; returns the manifest summary. */
export async function runCostStage(o: CostStageOptions): Promise<CostSummary> {
  const t0 = performance.now();
  const warnings = new Warnings();
  const { rates, currency, tableFiles } = await loadCostRates(o);
  const rate = o.discountRatePct / 100;
  const tx = await RunTransaction.open(o.runDir);
  return withRun(tx, async (tx) => {
    // only the pipes' and consumers' priced figures and the plant ids, feature by feature (engine/cost/network-read.ts)
    const { parts, plantIds: plantFeatureIds } = await readCostNetwork(tx.dir);
    const sim = await readSim(tx.dir);
    // named in the cost-network-not-simulated warning and the cost-nothing error, as before (costs.json unchanged); a
    // bad pipe or consumer names the file read (engine/cost/network-read.ts)
    const netFile = resolve(tx.dir, FILES.network);
    const pipesLife = rates.get('lifetime', 'pipes', 'the pipes (and the evaluation period)');
    const s: CostSettings = {
      rate, periodA: o.periodA ?? pipesLife, pipeCost: o.pipeCost, surface: o.surface, backupSold: o.backupSold,
      fuelUnits: Object.fromEntries(Object.entries(FUELS).filter(([, f]) => f.mjPerUnit && f.unit).map(([k, f]) => [k, { mjPerUnit: f.mjPerUnit!, unit: f.unit! }])),
    };
    // the simulation's pump electricity, from a pump head through pipes over the catalogue (its own warning), priced as given
    const overPump = Array.isArray(sim.warnings) ? sim.warnings.find((w) => w.code === 'pump-head-over-capacity') : undefined;
    if (overPump) {
      warnings.add('cost-pump-head-over-capacity', "the simulation's pump electricity comes from a pump head through pipes loaded above the largest catalogue pipe (its pump-head-over-capacity warning): the electricity cost, the LCOH and the NPV are overstated", {
        file: resolve(tx.dir, FILES.sim), record: 'warnings pump-head-over-capacity', message: overPump.examples?.[0]?.message ?? overPump.message,
      });
    }
    const inputs = caseInputs(sim);
    let tariff: Tariff | undefined;
    let tariffHourly = 0;
    if (o.electricityTariff) {
      tariff = await readTariff(resolve(o.electricityTariff));
      if (tariff.currency !== currency) throw new InputError('cost-currency-mixed', `the tariff is in ${tariff.currency}, the run computes in ${currency}`, { file: tariff.file, line: 2, record: 'row 2', value: tariff.currency, hint: `give the tariff in ${currency} or run with --currency ${tariff.currency}` });
      const hourly = await readHourly(tx.dir);
      if (hourly.hours !== tariff.price.length) throw new InputError('tariff-hours', `the tariff has ${tariff.price.length} hours, the simulation ${hourly.hours}`, { file: tariff.file, value: tariff.price.length, hint: 'one row per hour of the weather year the simulation ran' });
      for (const c of inputs) {
        const sc = hourlyScope(hourly, c.caseId, c.network);
        if (!sc.pump && !sc.plant.size) throw new InputError('tariff-no-series', `hourly.csv has no series of case ${c.caseId}, network ${c.network}`, { file: hourly.file, hint: 'rerun `heatplan simulate` on this run' });
        if (sc.electricity) {
          // priced hour by hour as simulated: the series sums to the network's electricity_kWh
          c.electricityTariffCost = tariffCost(tariff.price, sc.electricity, [], c.electricity_kWh).cost;
          tariffHourly++;
        } else c.electricityTariffCost = tariffCost(tariff.price, sc.pump, c.plants.map((p) => ({ electricityKwh: p.electricity_kWh + (p.auxiliary_kWh ?? 0), outputKw: sc.plant.get(p.id) })), c.electricity_kWh).cost;
      }
    }
    const networks: NetworkCost[] = [];
    for (const [id, part] of parts) {
      const cin = inputs.filter((c) => c.network === id);
      if (!cin.length) {
        warnings.add('cost-network-not-simulated', 'a network of network.geojson has no simulation result: not costed', { file: netFile, record: id });
        continue;
      }
      const net = networkCapital(part.pipes, part.consumers, rates, s);
      const omShare = net.total > 0 ? rates.get('network_om', '*', 'network O&M') / 100 : 0;
      const cases = cin.map((c) => {
        const cc = caseCost(net, part.consumers, c, rates, s);
        if (c.consumers !== part.consumers.length) {
          warnings.add('cost-case-connections-as-routed', 'a case connects other consumers than the routed network: its pipes, services and substations are priced as routed (the case\'s added pipe_m and connections are not)', { record: `case ${c.caseId}: ${c.consumers} consumers, routed ${part.consumers.length}` });
        }
        return { ...cc, sensitivities: sensitivities(cc, omShare, rate, o.backupSold) };
      });
      // marginal costs on the routed network
      const mr: MarginalRates = { ...marginalRates(rates, s, part.consumers.length > 0), omShare };
      const marginal = branchMarginalCosts(part.pipes, part.consumers, mr);
      const nc: NetworkCost = { network: id, cases, marginal };
      // candidate plant sites: one sub-network per plant
      const base = cases[0]!;
      // the network's plants (network.geojson plant features, and those its pipes name), each with the sub-network it feeds
      const plantIds = [...new Set([...plantFeatureIds, ...part.pipes.map((p) => p.plant).filter((x): x is string => !!x)])];
      if (plantIds.length > 1) {
        const ranked: SiteCost[] = plantIds.map((pid) => {
          const sub = networkCapital(part.pipes.filter((p) => p.plant === pid), part.consumers.filter((c) => c.plant === pid), rates, s);
          const pc = base.capital.plants.find((p) => p.id === pid);
          const plantAnnuity = pc && pc.capital > 0 ? pc.capital * annuityFactor(rate, pc.lifetime_a) : 0;
          const subAnnuity = (['pipes', 'services', 'substations'] as const).reduce((a, k) => {
            const cap = sub[k];
            const life = base.capital.parts.find((p) => p.part === k)?.lifetime_a ?? pipesLife;
            return a + (cap ? cap * annuityFactor(rate, life) : 0);
          }, 0);
          const simPlant = cin[0]!.plants.find((p) => p.id === pid);
          const elec = simPlant && simPlant.electricity_kWh > 0 ? simPlant.electricity_kWh * rates.get('electricity_price', '*', `plant ${pid}`) : 0;
          const annual = plantAnnuity + subAnnuity + sub.total * omShare + (pc ? pc.fixedOm + pc.variableOm + pc.fuelCost - pc.electricitySales : 0) + elec;
          const heat = simPlant?.heat_MWh ?? 0;
          return { plant: pid, type: pc?.type ?? 'unknown', capacity_kW: pc?.capacity_kW ?? 0, consumers: sub.consumers, heat_MWh: heat, capital: sub.total + (pc?.capital ?? 0), annual, lcoh: heat > 0 ? annual / (heat * 1000) : null };
        });
        ranked.sort((a, b) => (a.lcoh ?? Infinity) - (b.lcoh ?? Infinity));
        nc.sites = {
          definition: "per plant: (annuity of the plant and of the pipes and connections it serves + their O&M + the plant's fuel and electricity) / the heat the plant produces (sim.json), currency/kWh, case " + base.caseId + '; backup fuel and pumping not allocated',
          ranked,
        };
      }
      if (o.maxMarginalPerMWh !== undefined) {
        const cut = branchesAboveLimit(marginal.branches, o.maxMarginalPerMWh);
        const cutHeat = cut.reduce((a, b) => a + b.heat_MWh, 0);
        const cutCapital = cut.reduce((a, b) => a + b.capital, 0);
        const cutAnnual = cut.reduce((a, b) => a + b.annual, 0);
        const demand = part.consumers.reduce((a, c) => a + c.heat_MWh, 0);
        const kept = demand - cutHeat;
        const share = demand > 0 ? kept / demand : 0;
        const energy = base.annual.plantFuel + base.annual.electricity - base.annual.electricitySales + base.annual.plantVariableOm + (o.backupSold ? base.annual.backupFuel : 0);
        const fixed = base.annual.annuity + base.annual.networkOm + base.annual.plantFixedOm;
        const heatNet = base.heat.network_MWh * share;
        nc.costPruning = {
          limit_per_MWh: o.maxMarginalPerMWh,
          cutBranches: cut.map((b) => b.branch),
          cutConsumers: cut.reduce((a, b) => a + b.consumers, 0),
          cutHeat_MWh: cutHeat,
          keptHeat_MWh: kept,
          lcohNetworkEstimate: heatNet > 0 ? (fixed - cutAnnual + energy * share) / (heatNet * 1000) : null,
          method: `case ${base.caseId}: the cut branches' capital (${Math.round(cutCapital)} ${currency}) and its annuity and O&M removed; fuel, electricity and variable O&M scaled by the kept share of consumer demand (${(share * 100).toFixed(1)} %); not re-simulated: rerun route with the pruning for the real figure`,
        };
      }
      networks.push(nc);
    }
    if (!networks.length) throw new InputError('cost-nothing', 'no network of network.geojson has a simulation result in sim.json', { file: netFile, hint: 'rerun `heatplan simulate` on this run' });
    // every figure the run needs, before anything is written
    rates.assertComplete();
    for (const n of networks) for (const c of n.cases) {
      const bad = [c.lcohNetwork, c.lcohSystem, c.capital.total, c.annual.running].find((x) => x !== null && !Number.isFinite(x));
      if (bad !== undefined) {
        const fuelRow = rates.row('fuel_price', c.capital.plants.find((p) => !Number.isFinite(p.fuelCost))?.fuel ?? c.network);
        throw new InputError('cost-bad-unit', 'a fuel price is given per a unit the simulation does not count that fuel in', {
          file: fuelRow?.file, line: fuelRow?.line, record: fuelRow ? `row ${fuelRow.line}` : undefined, value: fuelRow ? `${fuelRow.item},${fuelRow.key}: ${fuelRow.unit}` : bad,
          hint: `give the price per GJ, MJ or kWh of fuel; per-unit prices only for ${Object.entries(s.fuelUnits).map(([k, f]) => `${k} (${f.unit})`).join(', ')}`,
        });
      }
    }
    const used = [...rates.used.values()];
    const years = [...new Set([...used.map((u) => u.row.priceYear), tariff?.priceYear ?? null].filter((y): y is number => y !== null))].sort();
    if (tariff?.assumption) warnings.add('cost-assumption', 'a figure used is labelled ASSUMPTION in its table (no source)', { file: tariff.file, record: 'row 2', message: `electricity tariff: ${tariff.source}` });
    if (years.length > 1) warnings.add('cost-price-years-mixed', `the figures used are of ${years.length} price years (${years.join(', ')}); heatplan does not escalate prices: give all in one year for a consistent result`);
    for (const u of used) if (u.row.assumption) warnings.add('cost-assumption', 'a figure used is labelled ASSUMPTION in its table (no source)', { file: u.row.file, record: `row ${u.row.line}`, message: `${u.item},${u.key} = ${u.row.value} ${u.row.unit}: ${u.row.source}` });
    if (!rates.row('heat_price')) warnings.add('cost-no-heat-price', 'no heat_price row: revenue, NPV and payback are not computed (LCOH is)');
    if (networks.some((n) => n.cases.some((c) => c.annual.backupFuel > 0)) && !o.backupSold) warnings.add('cost-backup-not-network', "backup heat is the buildings' own heaters (seed 003): its fuel is in lcohSystem only and its heaters' capital is not counted");

    const runRel = (f: string) => (f.startsWith(tx.dir) ? relative(tx.dir, f) : f);
    const file: CostsFile = {
      currency, priceYears: years,
      settings: { discountRate_pct: o.discountRatePct, period_a: s.periodA, pipeCost: o.pipeCost, surface: o.surface, backupSold: o.backupSold },
      definitions: DEFINITIONS,
      table: used.map((u) => ({ item: u.item, key: u.key, ...u.row, value: u.value, unit: u.unit, ...(u.fx !== undefined ? { fx: u.fx } : {}), file: runRel(u.row.file), valueAsWritten: u.row.value, unitAsWritten: u.row.unit })),
      networks,
      ...(tariff ? { tariff: {
        file: runRel(tariff.file), currency: tariff.currency, priceYear: tariff.priceYear, source: tariff.source, assumption: tariff.assumption, hours: tariff.price.length,
        meanPrice_per_kWh: tariff.price.reduce((a, x) => a + x, 0) / tariff.price.length,
        method: tariffHourly === inputs.length
          ? "hour by hour: the simulation's hourly electricity bought (hourly.csv electricity_kW: plants' input at the hour's COP, auxiliaries, network pumps) x the hour's price"
          : `${tariffHourly ? `${tariffHourly} of ${inputs.length} case-networks hour by hour from hourly.csv electricity_kW, the others ` : ''}tariff-weighted, plant electricity by output: pumping priced hour by hour (hourly.csv pump_kW); each plant's year of electricity spread over the hours in proportion to its output (its mean input per output, not the hour's COP); electricity no series places at the tariff's mean (an older hourly.csv without electricity_kW)`,
      } } : {}),
      warnings: warnings.list(),
    };
    // streamed: a city's marginal costs of every branch and consumer are hundreds of thousands of rows
    // (engine/cost/json-stream.ts); JSON writes a number that is not finite (a branch without demand) as null
    await writeJsonStreamed(tx.path(FILES.costs), file, { indent: 1 });
    await writeOutput(tx.path(FILES.costsCsv), costsCsv(file));
    tx.addInputs(await describeInputs([...tableFiles, ...(tariff ? [tariff.file] : [])], 'cost'));
    const first = networks[0]!.cases[0]!;
    const sumCase = (id: string, f: (c: CaseCost) => number | null) => {
      let t = 0;
      for (const n of networks) for (const c of n.cases) if (c.caseId === id) {
        const v = f(c);
        if (v === null) return null;
        t += v;
      }
      return t;
    };
    const caseIds = [...new Set(networks.flatMap((n) => n.cases.map((c) => c.caseId)))];
    const lcohOf = (id: string, which: 'network' | 'system') => {
      const cost = sumCase(id, (c) => (which === 'network' ? (c.lcohNetwork ?? 0) * c.heat.network_MWh : (c.lcohSystem ?? 0) * c.heat.delivered_MWh));
      const heat = sumCase(id, (c) => (which === 'network' ? c.heat.network_MWh : c.heat.delivered_MWh));
      return cost !== null && heat ? cost / heat : null;
    };
    const byPart: Record<string, number> = {};
    for (const n of networks) for (const p of n.cases[0]!.capital.parts) byPart[p.part] = (byPart[p.part] ?? 0) + p.capital;
    const summary: CostSummary = {
      currency, priceYears: years, discountRate_pct: o.discountRatePct, period_a: s.periodA, pipeCost: o.pipeCost, surface: o.surface, backupSold: o.backupSold,
      case: first.caseId, networks: networks.length,
      capital: round(sumCase(first.caseId, (c) => c.capital.total), 0)!,
      capitalByPart: Object.fromEntries(Object.entries(byPart).map(([k, v]) => [k, round(v, 0)!])),
      annualCost: round(sumCase(first.caseId, (c) => c.annual.annuity + c.annual.running), 0)!,
      revenue: round(sumCase(first.caseId, (c) => c.revenue.total), 0),
      connectedHeat_MWh: round(sumCase(first.caseId, (c) => c.heat.delivered_MWh), 3)!,
      networkHeat_MWh: round(sumCase(first.caseId, (c) => c.heat.network_MWh), 3)!,
      lcohNetwork_per_kWh: round(lcohOf(first.caseId, 'network')),
      lcohSystem_per_kWh: round(lcohOf(first.caseId, 'system')),
      lcoc_per_kWh: (() => {
        const cost = sumCase(first.caseId, (c) => (c.lcoc ?? 0) * (c.cold.delivered_MWh ?? 0));
        const cold = sumCase(first.caseId, (c) => c.cold.delivered_MWh ?? 0);
        return cost !== null && cold ? round(cost / cold) : null;
      })(),
      npv: round(sumCase(first.caseId, (c) => c.npv), 0),
      paybackSimple_a: networks.length === 1 ? round(first.paybackSimple_a, 2) : null,
      paybackDiscounted_a: networks.length === 1 ? first.paybackDiscounted_a : null,
      cases: caseIds.map((id) => ({
        id, ...(networks[0]!.cases.find((c) => c.caseId === id)?.caseName !== undefined ? { name: networks[0]!.cases.find((c) => c.caseId === id)!.caseName } : {}),
        lcohNetwork_per_kWh: round(lcohOf(id, 'network')), lcohSystem_per_kWh: round(lcohOf(id, 'system')), npv: round(sumCase(id, (c) => c.npv), 0), annualCost: round(sumCase(id, (c) => c.annual.annuity + c.annual.running), 0)!,
      })),
      sensitivity: first.sensitivities.map((x) => ({ what: x.what, lcohNetwork_per_kWh: round(x.lcohNetwork), lcohSystem_per_kWh: round(x.lcohSystem) })),
      ...(networks[0]!.costPruning ? { costPruning: { limit_per_MWh: networks[0]!.costPruning.limit_per_MWh, cutConsumers: networks[0]!.costPruning.cutConsumers, keptHeat_MWh: round(networks[0]!.costPruning.keptHeat_MWh, 3)!, lcohNetworkEstimate_per_kWh: round(networks[0]!.costPruning.lcohNetworkEstimate) } } : {}),
      ...(networks[0]!.sites ? { sites: networks[0]!.sites.ranked.map((x) => ({ plant: x.plant, lcoh_per_kWh: round(x.lcoh) })) } : {}),
      assumptions: used.filter((u) => u.row.assumption).length + (tariff?.assumption ? 1 : 0),
      tables: tableFiles.map(runRel),
      warnings: warnings.counts(),
      seconds: Math.round((performance.now() - t0) / 10) / 100,
    };
    tx.setStage('cost', summary);
    return summary;
  });
}

/** costs.csv: one row per case and network (UTF-8 with BOM, CRLF). */
export function costsCsv(f: CostsFile): string {
  const header = [
    'case', 'case_name', 'network', 'currency', 'price_years', 'capital_pipes', 'capital_services', 'capital_substations', 'capital_plants', 'capital_storage', 'capital_total',
    'annuity_per_a', 'om_per_a', 'fuel_plants_per_a', 'fuel_backup_per_a', 'electricity_per_a', 'electricity_sales_per_a', 'running_per_a', 'revenue_heat_per_a', 'revenue_cold_per_a',
    'heat_delivered_MWh', 'heat_network_MWh', 'heat_backup_MWh', 'cold_sold_MWh', 'lcoh_network_per_kWh', 'lcoh_system_per_kWh', 'lcoc_per_kWh', 'lco_heat_and_cold_per_kWh', 'npv', 'payback_simple_a', 'payback_discounted_a',
    'lcoh_network_pipes_minus30pct', 'lcoh_network_pipes_plus30pct', 'lcoh_network_rate_minus1pt', 'lcoh_network_rate_plus1pt',
  ];
  const rows: CsvValue[][] = [];
  for (const n of f.networks) for (const c of n.cases) {
    const part = (k: string) => c.capital.parts.find((p) => p.part === k)?.capital ?? 0;
    const sens = (w: string) => c.sensitivities.find((x) => x.what === w)?.lcohNetwork ?? null;
    rows.push([
      c.caseId, c.caseName ?? '', c.network, f.currency, f.priceYears.join(' '), part('pipes'), part('services'), part('substations'), part('plants'), part('storage'), c.capital.total,
      c.annual.annuity, c.annual.networkOm + c.annual.plantFixedOm + c.annual.plantVariableOm, c.annual.plantFuel, c.annual.backupFuel, c.annual.electricity, c.annual.electricitySales, c.annual.running,
      c.revenue.heat, c.revenue.cold, c.heat.delivered_MWh, c.heat.network_MWh, c.heat.backup_MWh, c.cold.delivered_MWh, c.lcohNetwork, c.lcohSystem, c.lcoc, c.lcoHeatAndCold, c.npv, c.paybackSimple_a, c.paybackDiscounted_a,
      sens('pipe cost -30 %'), sens('pipe cost +30 %'), sens('discount rate -1 point'), sens('discount rate +1 point'),
    ].map((v) => (typeof v === 'number' ? round(v) : v)));
  }
  return csvText(header, rows);
}
