/** The cost stage: capital, annual costs, LCOH, NPV, payback and marginal costs of the run's networks (costs.json, costs.csv). */
import { UsageError } from '../errors.js';
import type { CostSummary } from '../run/contract.js';
import { bool, num, oneOf, path, str } from './fields.js';
import { defineStage } from './types.js';

const money = (v: number | null | undefined, cur: string, d = 0) => (typeof v === 'number' ? `${v.toLocaleString('en-US', { maximumFractionDigits: d })} ${cur}` : 'n/a');
/** A price per kWh to 4 significant digits (JPY 17.84, EUR 0.06683). */
const perKwh = (v: number | null | undefined, cur: string) => (typeof v === 'number' ? `${Number(v.toPrecision(4))} ${cur}/kWh` : 'n/a');

export const costFields = {
  costs: path('--costs', 'in', 'cost table CSV (item,key,value,unit,currency,priceYear,source)', {
    list: true,
    repeat: true,
    help: 'cost table(s) read after the bundled datasets/costs/defaults.csv; a row replaces the default of the same item and key (README "Costs")',
  }),
  currency: str('--currency', 'a three-letter currency code such as "JPY"', { placeholder: 'ISO', help: 'currency of the results (default: that of the first --costs table, else EUR); rows in other currencies need an fx row' }),
  discountRate_pct: num('--discount-rate', '%', { min: 0, max: 100 }, 'discount rate a year', {
    default: 4,
    help: 'discount rate, % a year (4: the social discount rate of MLIT\'s technical guideline for cost-benefit analysis of public works, 公共事業評価の費用便益分析に関する技術指針)',
  }),
  period_a: num('--period', 'years', { positive: true }, 'evaluation period', { help: "evaluation period for NPV and payback, years (default: the pipes' lifetime, 30 a in the bundled table)" }),
  pipeCost: oneOf('--pipe-cost', ['persson-werner', 'dn-table'] as const, { default: 'persson-werner', help: 'pipe cost per trench metre: Persson & Werner C1 + C2 x DN/1000 (pipe_c1, pipe_c2 rows of --surface) or a row per DN (pipe_dn)' }),
  surface: str('--surface', 'a surface type key of the pipe_c1/pipe_c2 rows', { placeholder: 'key', default: 'pw2011', help: 'key of the pipe_c1/pipe_c2 rows: pw2011 (METHODS.md 4), hre2019_inner_city, hre2019_outer_city, hre2019_park, or your own' }),
  backupSold: bool('--backup-sold', false, { help: "the backup is the network's own plant (its heat sold, its fuel the operator's); default: the buildings' own heaters (seed 003)" }),
  maxMarginal_per_MWh: num('--max-marginal', 'currency/MWh', { min: 0 }, 'marginal cost limit per MWh', { help: 'list the branches whose marginal cost per connected MWh is above this limit and estimate LCOH without them' }),
  electricityTariff: path('--electricity-tariff', 'in', 'hourly electricity prices CSV (hour,value,unit,currency,priceYear,source)', {
    help: 'hourly electricity prices, one row per simulated hour, instead of the electricity_price row (README "Costs")',
  }),
  defaults: bool('--defaults', true, { help: 'read the bundled datasets/costs/defaults.csv before --costs (--no-defaults: every figure from --costs)' }),
};

export const cost = defineStage({
  name: 'cost',
  command: 'cost',
  description: 'costs of the network and plants: capital, annual costs, LCOH, NPV, payback, marginal cost per MWh (writes costs.json, costs.csv)',
  runArg: 'run',
  manifestKey: 'cost',
  fields: costFields,
  check(o) {
    if (o.currency !== undefined && !/^[A-Z]{3}$/.test(o.currency)) throw new UsageError('cost-bad-currency', `--currency must be a three-letter ISO 4217 code such as JPY, got "${o.currency}"`, { value: o.currency });
  },
  async run(runDir, o) {
    const { runCostStage } = await import('../cost/run.js');
    return runCostStage({
      runDir,
      costs: o.costs,
      currency: o.currency,
      discountRatePct: o.discountRate_pct!,
      periodA: o.period_a,
      pipeCost: o.pipeCost!,
      surface: o.surface!,
      backupSold: o.backupSold!,
      maxMarginalPerMWh: o.maxMarginal_per_MWh,
      noDefaults: o.defaults === false,
      electricityTariff: o.electricityTariff,
    });
  },
  line: (s: CostSummary) =>
    `capital ${money(s.capital, s.currency)}, annual cost ${money(s.annualCost, s.currency)}/a; LCOH network ${perKwh(s.lcohNetwork_per_kWh, s.currency)}, ` +
    `system ${perKwh(s.lcohSystem_per_kWh, s.currency)} (${s.networkHeat_MWh.toLocaleString('en-US', { maximumFractionDigits: 0 })} of ${s.connectedHeat_MWh.toLocaleString('en-US', { maximumFractionDigits: 0 })} MWh/a from the network); ` +
    `NPV ${money(s.npv, s.currency)}; payback ${s.paybackSimple_a === null ? 'n/a' : s.paybackSimple_a.toFixed(1) + ' a'}; price year ${s.priceYears.join(', ') || 'n/a'}; ${s.assumptions} ASSUMPTION figure(s)`,
  details: (s: CostSummary) => [
    ...s.cases.slice(1).map((c) => `case ${c.id}${c.name ? ` (${c.name})` : ''}: LCOH network ${perKwh(c.lcohNetwork_per_kWh, s.currency)}, system ${perKwh(c.lcohSystem_per_kWh, s.currency)}, NPV ${money(c.npv, s.currency)}`),
    ...Object.entries(s.warnings).map(([k, n]) => `warning ${k}: ${n}`),
  ],
});
