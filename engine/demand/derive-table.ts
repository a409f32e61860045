/**
 * The CSV side of the intensity derivation: takes the text of intensity.csv and returns it with the derived columns
 * (roomLoadRoom, heat/heatPeak/cool/coolPeak by region, coolSource, coolYear, spaceHeatRef and the space-heat part of
 * the source text) recomputed; other columns and rows are kept. Used by scripts/derive-intensity.ts and its test.
 */
import { USE_CATEGORIES } from '../buildings/table.js';
import { COOLING_REGIONS, coolColumn, coolPeakColumn, heatColumn, heatPeakColumn } from './tables.js';
import { DERIVATION_SOURCE, ROOM_OF_USE, deriveRoom, round1 } from './derive-intensity.js';

function splitCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') (field += '"'), i++;
        else q = false;
      } else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') {
      row.push(field), rows.push(row), (row = []), (field = '');
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Year of the tables the derivation stands on (column coolYear). */
export const DERIVATION_YEAR = 'H28 (2016) standard calculation tables as ported by builelib (bundled datasets/builelib)';

const NOT_GIVEN =
  'NOT GIVEN: the national non-residential room-load model has no room type for this use (dwellings, factories, unknown use) and no other cited cooling intensity is bundled; give --intensity with cool_kWh_m2a_rN and coolPeak_W_m2_rN';

export async function derivedIntensityTable(text: string): Promise<string> {
  const rows = splitCsv(text).filter((r) => r.some((f) => f !== ''));
  const header = rows[0]!;
  const want = ['roomLoadRoom', ...COOLING_REGIONS.flatMap((g) => [heatColumn(g)]), ...COOLING_REGIONS.map(heatPeakColumn)];
  for (const c of [...want, ...COOLING_REGIONS.map(coolColumn), ...COOLING_REGIONS.map(coolPeakColumn), 'coolSource', 'coolYear'])
    if (!header.includes(c)) header.push(c);
  const col = (n: string) => header.indexOf(n);
  const out: string[][] = [header];
  for (const r0 of rows.slice(1)) {
    const r = [...r0];
    while (r.length < header.length) r.push('');
    const cat = r[col('category')]!;
    if (!(USE_CATEGORIES as readonly string[]).includes(cat)) {
      out.push(r);
      continue;
    }
    const room = ROOM_OF_USE[cat];
    if (room) {
      const d = await deriveRoom(room);
      r[col('roomLoadRoom')] = room.join('/');
      for (const x of d) {
        r[col(heatColumn(x.region))] = String(round1(x.heat_kWh_m2a));
        r[col(heatPeakColumn(x.region))] = String(round1(x.heatPeak_W_m2));
        r[col(coolColumn(x.region))] = String(round1(x.cool_kWh_m2a));
        r[col(coolPeakColumn(x.region))] = String(round1(x.coolPeak_W_m2));
      }
      r[col('spaceHeatRef_kWh_m2a')] = String(round1(d[5]!.heat_kWh_m2a));
      r[col('coolSource')] = DERIVATION_SOURCE(room);
      r[col('coolYear')] = DERIVATION_YEAR;
      const src = r[col('source')]!;
      const hw = src.indexOf('hot water:');
      r[col('source')] =
        `space heat: heat_kWh_m2a_rN by climate region from the room-load model (coolSource); spaceHeatRef = the region 6 value, scaled by HDD outside Japan; ` +
        (hw >= 0 ? src.slice(hw) : src);
    } else if (!['greenhouse', 'unheated'].includes(cat)) {
      r[col('roomLoadRoom')] = '';
      for (const g of COOLING_REGIONS) {
        r[col(heatColumn(g))] = '';
        r[col(heatPeakColumn(g))] = '';
        r[col(coolColumn(g))] = '';
        r[col(coolPeakColumn(g))] = '';
      }
      r[col('coolSource')] = NOT_GIVEN;
      r[col('coolYear')] = '';
    }
    out.push(r);
  }
  return out.map((r) => r.map(quote).join(',')).join('\n') + '\n';
}
