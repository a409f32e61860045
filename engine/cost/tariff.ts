/**
 * Electricity tariffs by hour: a CSV `hour,value,unit,currency,priceYear,source` with one row per hour of the
 * simulated year (hour 0 first; unit `CUR/kWh`; unit, currency, price year and source on the first row, later rows may
 * leave them blank), and the year's electricity priced hour by hour.
 *
 * The simulation writes the pumping power per hour (hourly.csv `pump_kW`) and each plant's output per hour, but a
 * plant's electricity only as a year's total: heatplan spreads a plant's electricity over the hours in proportion to
 * its output (its mean input per output, not the hour's COP), and electricity the series do not place (auxiliaries
 * of no plant) at the tariff's mean. Named for what it is in costs.json: `tariff-weighted, plant electricity by output`.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { parseCsv } from '../export/csv.js';

export interface Tariff {
  file: string;
  /** currency per kWh, one per hour */
  price: Float64Array;
  currency: string;
  priceYear: number;
  source: string;
  assumption: boolean;
}

/** Read and check a tariff file. */
export async function readTariff(file: string): Promise<Tariff> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError('tariff-missing', `cannot read the electricity tariff: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const col = (k: string) => header.indexOf(k);
  for (const k of ['hour', 'value', 'unit', 'currency', 'priceYear', 'source']) {
    if (col(k) < 0) throw new InputError('tariff-columns', `the tariff has no column "${k}"`, { file, line: 1, record: 'header', value: header.join(','), hint: 'columns hour,value,unit,currency,priceYear,source; one row per hour' });
  }
  const data = rows.slice(1).map((r, i) => ({ r, line: i + 2 })).filter((x) => x.r.some((c) => c.trim() !== ''));
  if (!data.length) throw new InputError('tariff-empty', 'the tariff has no rows', { file });
  const first = data[0]!;
  const cell = (x: { r: string[] }, k: string) => (x.r[col(k)] ?? '').trim();
  const currency = cell(first, 'currency');
  const year = Number(cell(first, 'priceYear'));
  const source = cell(first, 'source');
  if (!/^[A-Z]{3}$/.test(currency)) throw new InputError('cost-no-currency', 'the tariff\'s first row gives no currency (three-letter code)', { file, line: first.line, record: `row ${first.line}`, value: cell(first, 'currency') });
  if (!(Number.isInteger(year) && year >= 1900 && year <= 2200)) throw new InputError('cost-no-year', 'the tariff\'s first row gives no price year', { file, line: first.line, record: `row ${first.line}`, value: cell(first, 'priceYear') });
  if (!source) throw new InputError('cost-no-source', 'the tariff\'s first row gives no source', { file, line: first.line, record: `row ${first.line}` });
  const unit = cell(first, 'unit').replace(/\s+/g, '');
  if (unit !== `${currency}/kWh`) throw new InputError('cost-bad-unit', `tariff unit "${unit}", expected ${currency}/kWh`, { file, line: first.line, record: `row ${first.line}`, value: unit });
  const price = new Float64Array(data.length);
  data.forEach((x, i) => {
    const h = Number(cell(x, 'hour'));
    if (h !== i) throw new InputError('tariff-bad-hour', `hour ${i} expected (one row per hour, in order from 0)`, { file, line: x.line, record: `row ${x.line}`, value: cell(x, 'hour') });
    const v = Number(cell(x, 'value'));
    if (cell(x, 'value') === '' || !Number.isFinite(v)) throw new InputError('cost-bad-value', 'the tariff value is not a number', { file, line: x.line, record: `row ${x.line}`, value: cell(x, 'value') });
    if (v < 0) throw new InputError('cost-negative', 'a tariff cannot be negative', { file, line: x.line, record: `row ${x.line}`, value: v });
    for (const k of ['unit', 'currency', 'priceYear']) {
      const c = cell(x, k);
      if (c !== '' && c.replace(/\s+/g, '') !== cell(first, k).replace(/\s+/g, '')) throw new InputError('tariff-mixed', `${k} differs from the first row's`, { file, line: x.line, record: `row ${x.line}`, value: c });
    }
    price[i] = v;
  });
  return { file, price, currency, priceYear: year, source, assumption: /ASSUMPTION/i.test(source) };
}

/**
 * The year's electricity cost with hourly prices `price` (currency/kWh): pumping `pumpKw` per hour, each plant's
 * `electricityKwh` spread by its hourly `outputKw`, and `totalKwh` less those at the tariff's mean.
 */
export function tariffCost(price: Float64Array, pumpKw: Float64Array | undefined, plants: { electricityKwh: number; outputKw: Float64Array | undefined }[], totalKwh: number): { cost: number; placedKwh: number } {
  let cost = 0;
  let placed = 0;
  const n = price.length;
  if (pumpKw) for (let h = 0; h < n; h++) (cost += pumpKw[h]! * price[h]!), (placed += pumpKw[h]!);
  let mean = 0;
  for (let h = 0; h < n; h++) mean += price[h]!;
  mean /= n;
  for (const p of plants) {
    if (!(p.electricityKwh > 0)) continue;
    let out = 0;
    if (p.outputKw) for (let h = 0; h < n; h++) out += Math.max(0, p.outputKw[h]!);
    if (!(out > 0)) continue;
    for (let h = 0; h < n; h++) cost += (p.electricityKwh * Math.max(0, p.outputKw![h]!)) / out * price[h]!;
    placed += p.electricityKwh;
  }
  cost += Math.max(0, totalKwh - placed) * mean;
  return { cost, placedKwh: Math.min(placed, totalKwh) };
}
