/**
 * The cost table: one CSV whose every row is one price or cost figure with its unit, currency, price year and source
 * (columns `item,key,value,unit,currency,priceYear,source[,note]`). heatplan ships datasets/costs/defaults.csv with
 * the figures a source can be cited for (Persson & Werner's pipe cost constants, the network lifetime of the Hotmaps
 * cost model); everything else (plant capital cost, fuel and electricity prices, heat price, ...) is a required input:
 * a run that needs a figure the tables do not hold stops and lists every missing item with the unit it wants.
 * Tables given with --costs are read after the defaults, a row replacing the default row of the same item and key.
 *
 * Bad rows are InputErrors naming the file, the row (line number) and the value: no currency or price year on a
 * monetary row, a negative or non-numeric value, a unit that is not the item's, an unknown item.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseCsv } from '../export/csv.js';

/** What each item of the table is, its unit (with the row's currency as CUR) and the key it is looked up by. */
export const COST_ITEMS = {
  pipe_c1: { units: ['CUR/m'], key: 'surface type', what: 'construction cost constant C1 per metre of trench (Persson & Werner: cost = C1 + C2 x d)' },
  pipe_c2: { units: ['CUR/m2'], key: 'surface type', what: 'construction cost coefficient C2 per metre of trench and metre of pipe diameter' },
  pipe_dn: { units: ['CUR/m'], key: 'DN', what: 'pipe cost per metre of trench (supply + return, civil + mechanical) for one DN' },
  service_pipe: { units: ['CUR/m'], key: '*', what: 'service pipe cost per metre (building connection)' },
  substation_fixed: { units: ['CUR/consumer'], key: '*', what: 'substation (heat exchanger, meter) cost per connected consumer' },
  substation_kW: { units: ['CUR/kW'], key: '*', what: "substation cost per kW of the consumer's design peak" },
  plant_capex: { units: ['CUR/kW'], key: 'plant type', what: 'plant capital cost per kW of heat capacity' },
  plant_fixed_om: { units: ['CUR/kW/a', '%/a'], key: 'plant type', what: "plant fixed operation and maintenance per kW and year, or % of the plant's capital cost a year" },
  plant_variable_om: { units: ['CUR/MWh'], key: 'plant type', what: 'plant variable operation and maintenance per MWh of heat produced' },
  network_om: { units: ['%/a'], key: '*', what: 'network (pipes, services, substations) operation and maintenance per year, % of its capital cost' },
  lifetime: { units: ['a'], key: 'pipes, services, substations or a plant type', what: 'economic lifetime' },
  fuel_price: { units: ['CUR/GJ', 'CUR/MJ', 'CUR/kWh', 'CUR/MWh', 'CUR/L', 'CUR/Nm3'], key: 'fuel', what: 'fuel price (per GJ, MJ, kWh or MWh of fuel energy as the simulation counts it, or per L / Nm3 where the simulation gives the fuel in those units)' },
  electricity_price: { units: ['CUR/kWh'], key: '*', what: 'price of electricity bought (heat pumps, pumping)' },
  electricity_sale_price: { units: ['CUR/kWh'], key: '*', what: 'price of electricity sold (CHP)' },
  heat_price: { units: ['CUR/kWh'], key: '*', what: 'heat sales price at the consumer meter' },
  cold_price: { units: ['CUR/kWh'], key: '*', what: 'cold sales price at the consumer meter' },
  fx: { units: ['CUR/KEY'], key: 'currency converted from', what: 'exchange rate: units of the row currency per unit of the key currency' },
} as const;
export type CostItem = keyof typeof COST_ITEMS;

/** Items whose value is an amount of money: they need a currency and a price year. */
const NON_MONETARY: ReadonlySet<CostItem> = new Set(['lifetime', 'network_om']);

/** One row of a cost table as read. */
export interface CostRow {
  item: CostItem;
  key: string;
  value: number;
  /** As written, normalised (spaces removed, '·' and '(kW·a)' as '/kW/a'). */
  unit: string;
  currency: string | null;
  priceYear: number | null;
  source: string;
  note: string;
  /** The file and 1-based line the row came from. */
  file: string;
  line: number;
  /** The source or note says ASSUMPTION: shown as such in every output. */
  assumption: boolean;
}

const HEADER = ['item', 'key', 'value', 'unit', 'currency', 'priceYear', 'source'] as const;

const normUnit = (u: string) =>
  u
    .replace(/\s+/g, '')
    .replace(/\(kW[·*]a\)/g, 'kW/a')
    .replace(/kW[·*]a/g, 'kW/a')
    .replace('m²', 'm2')
    .replace('m³', 'm3');

/** Parse cost-table CSV text; `file` names the table in errors. */
export function parseCostTable(text: string, file: string): CostRow[] {
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim() !== '') && !r[0]!.trim().startsWith('#'));
  if (!rows.length) throw new InputError('cost-table-empty', 'the cost table has no header and no rows', { file, hint: `the first line is the header: ${HEADER.join(',')},note` });
  const header = rows[0]!.map((h) => h.trim());
  const col = Object.fromEntries([...HEADER, 'note'].map((h) => [h, header.indexOf(h)])) as Record<(typeof HEADER)[number] | 'note', number>;
  const missingCols = HEADER.filter((h) => col[h] < 0);
  if (missingCols.length) {
    throw new InputError('cost-table-columns', `the cost table has no column ${missingCols.map((c) => `"${c}"`).join(', ')}`, {
      file, line: 1, record: 'header', value: header.join(','), hint: `the header must name ${HEADER.join(', ')} (and optionally note); every row gives its currency, price year and source`,
    });
  }
  // line numbers: rows of parseCsv are lines (no multi-line cells in a cost table); comments and blank lines count
  const allLines = parseCsv(text);
  const out: CostRow[] = [];
  let dataIndex = 0;
  for (let li = 0; li < allLines.length; li++) {
    const r = allLines[li]!;
    if (!r.some((c) => c.trim() !== '') || r[0]!.trim().startsWith('#')) continue;
    if (dataIndex++ === 0) continue; // header
    const line = li + 1;
    const cell = (k: keyof typeof col) => (col[k] >= 0 ? (r[col[k]] ?? '').trim() : '');
    const fail = (code: string, message: string, value: unknown, hint?: string) => new InputError(code, message, { file, line, record: `row ${line}`, value, hint });
    const item = cell('item');
    if (!(item in COST_ITEMS)) throw fail('cost-bad-item', `unknown cost item "${item}"`, item, `items: ${Object.keys(COST_ITEMS).join(', ')}`);
    const spec = COST_ITEMS[item as CostItem];
    const key = cell('key') || '*';
    const raw = cell('value');
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw fail('cost-bad-value', `${item} ${key}: the value is not a number`, raw, `give ${spec.what} as a plain number in ${spec.units.join(' or ')}`);
    if (value < 0) throw fail('cost-negative', `${item} ${key}: a cost or price cannot be negative`, value);
    if (item === 'lifetime' && value <= 0) throw fail('cost-bad-value', `lifetime ${key}: must be > 0 years`, value);
    const currency = cell('currency') || null;
    const yearText = cell('priceYear');
    const priceYear = yearText === '' ? null : Number(yearText);
    // a monetary row (its unit names the currency) needs a currency and a price year; a share or a lifetime does not
    const monetary = !NON_MONETARY.has(item as CostItem) && !normUnit(cell('unit')).startsWith('%');
    if (monetary && !currency) throw fail('cost-no-currency', `${item} ${key}: the row gives no currency`, r.join(','), 'every price or cost row names its currency (JPY, EUR, ...) in the currency column');
    if (currency && !/^[A-Z]{3}$/.test(currency)) throw fail('cost-bad-currency', `${item} ${key}: the currency must be a three-letter ISO 4217 code`, currency);
    if (monetary && priceYear === null) throw fail('cost-no-year', `${item} ${key}: the row gives no price year`, r.join(','), 'every price or cost row names the year its prices are of (priceYear column, e.g. 2024)');
    if (priceYear !== null && !(Number.isInteger(priceYear) && priceYear >= 1900 && priceYear <= 2200)) throw fail('cost-bad-year', `${item} ${key}: the price year must be a year such as 2024`, yearText);
    const source = cell('source');
    if (!source) throw fail('cost-no-source', `${item} ${key}: the row gives no source`, r.join(','), 'name where the figure comes from, or write ASSUMPTION and why');
    const unit = normUnit(cell('unit'));
    const allowed = spec.units.map((u) => u.replace('CUR', currency ?? '').replace('KEY', key));
    if (!allowed.includes(unit)) throw fail('cost-bad-unit', `${item} ${key}: unit "${cell('unit')}", expected ${allowed.join(' or ')}`, cell('unit'));
    const note = cell('note');
    out.push({ item: item as CostItem, key, value, unit, currency, priceYear, source, note, file, line, assumption: /ASSUMPTION/i.test(source) || /ASSUMPTION/i.test(note) });
  }
  return out;
}

/** Read a cost table file. */
export async function readCostTable(file: string): Promise<CostRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError('cost-table-missing', `cannot read the cost table: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  return parseCostTable(text, file);
}

/** Rows of several tables merged: a later table's row replaces an earlier one of the same item and key. */
export function mergeCostTables(tables: readonly CostRow[][]): CostRow[] {
  const m = new Map<string, CostRow>();
  for (const t of tables) for (const r of t) m.set(`${r.item}\u0000${r.key}`, r);
  return [...m.values()];
}

/** One figure as the run used it: the row, and its value converted to the run currency. */
export interface UsedFigure {
  item: CostItem;
  key: string;
  /** Value in the run currency (monetary rows) or as written. */
  value: number;
  unit: string;
  /** The row as written. */
  row: { value: number; unit: string; currency: string | null; priceYear: number | null; source: string; note: string; file: string; line: number; assumption: boolean };
  /** The exchange rate applied (run currency per row currency), when the row is in another currency. */
  fx?: number;
}

/** A figure the run needed and no table gave. */
export interface MissingFigure {
  item: CostItem;
  key: string;
  unit: string;
  what: string;
  /** Why the run needs it: "plant biomass-1 (biomass, 700 kW)". */
  neededFor: string;
}

/**
 * Look-ups into the merged table in the run's currency. Every figure asked for is recorded (the cost table used, in
 * the output); a figure no table holds is recorded as missing and NaN is returned, so that a run lists every missing
 * figure at once (`assertComplete`).
 */
export class CostRates {
  private readonly rows = new Map<string, CostRow>();
  readonly used = new Map<string, UsedFigure>();
  readonly missing = new Map<string, MissingFigure>();

  constructor(rows: readonly CostRow[], readonly currency: string, private readonly files: readonly string[]) {
    for (const r of rows) this.rows.set(`${r.item}\u0000${r.key}`, r);
  }

  /** Whether the table has the item (for `key`, or the wildcard `*`). */
  has(item: CostItem, key = '*'): boolean {
    return this.rows.has(`${item}\u0000${key}`) || this.rows.has(`${item}\u0000*`);
  }

  /** The row for item and key (else the item's `*` row), or undefined. */
  row(item: CostItem, key = '*'): CostRow | undefined {
    return this.rows.get(`${item}\u0000${key}`) ?? this.rows.get(`${item}\u0000*`);
  }

  /** Value of item/key in the run currency; NaN (recorded as missing) when no table gives it. */
  get(item: CostItem, key: string, neededFor: string): number {
    const r = this.row(item, key);
    if (!r) {
      const id = `${item}\u0000${key}`;
      const m = this.missing.get(id);
      if (m) {
        if (!m.neededFor.includes(neededFor) && m.neededFor.length < 200) m.neededFor += `; ${neededFor}`;
      } else this.missing.set(id, { item, key, unit: COST_ITEMS[item].units.map((u) => u.replace('CUR', this.currency).replace('KEY', key)).join(' or '), what: COST_ITEMS[item].what, neededFor });
      return NaN;
    }
    // only an amount of money converts: a share (%/a) or a lifetime stays as written whatever its currency column says
    const convert = !!r.currency && r.currency !== this.currency && r.unit.includes(r.currency);
    const fx = convert ? this.fxRate(r) : undefined;
    const value = fx !== undefined ? r.value * fx : r.value;
    const unit = convert ? r.unit.replace(r.currency!, this.currency) : r.unit;
    this.used.set(`${r.item}\u0000${r.key}`, {
      item: r.item, key: r.key, value, unit,
      row: { value: r.value, unit: r.unit, currency: r.currency, priceYear: r.priceYear, source: r.source, note: r.note, file: r.file, line: r.line, assumption: r.assumption },
      ...(fx !== undefined ? { fx } : {}),
    });
    return value;
  }

  private fxRate(r: CostRow): number {
    const fx = this.rows.get(`fx\u0000${r.currency}`);
    if (!fx || fx.currency !== this.currency) {
      throw new InputError('cost-currency-mixed', `${r.item} ${r.key} is in ${r.currency}, the run computes in ${this.currency}, and no exchange rate is given`, {
        file: r.file, line: r.line, record: `row ${r.line}`, value: `${r.value} ${r.unit}`,
        hint: `add a row "fx,${r.currency},<${this.currency} per ${r.currency}>,${this.currency}/${r.currency},${this.currency},<year>,<source>" to your --costs table, or give the row in ${this.currency}`,
      });
    }
    this.used.set(`fx\u0000${r.currency}`, {
      item: 'fx', key: r.currency!, value: fx.value, unit: fx.unit,
      row: { value: fx.value, unit: fx.unit, currency: fx.currency, priceYear: fx.priceYear, source: fx.source, note: fx.note, file: fx.file, line: fx.line, assumption: fx.assumption },
    });
    return fx.value;
  }

  /** Throw one InputError listing every figure the run needed and no table gave. */
  assertComplete(): void {
    if (!this.missing.size) return;
    const list = [...this.missing.values()];
    const lines = list.map((m) => `  ${m.item},${m.key}: ${m.what} in ${m.unit} (for ${m.neededFor})`);
    throw new InputError('cost-missing', `the cost tables give no value for ${list.length} figure(s) the run needs (heatplan has no cited default for them):\n${lines.join('\n')}`, {
      file: this.files.join(', '),
      value: list.map((m) => `${m.item},${m.key}`),
      hint: `give them in a cost table (--costs FILE) with rows "item,key,value,unit,currency,priceYear,source", e.g. "${list[0]!.item},${list[0]!.key},<value>,${list[0]!.unit.split(' or ')[0]},${this.currency},<year>,<source>"`,
    });
  }
}
