/** Minimal RFC 4180 CSV parsing for heatplan's small data tables (quoted fields, commas, CRLF). */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

export function parseCsv(text: string, file = '<csv>'): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  if (q) throw new InputError('csv-unterminated', 'unterminated quoted field', { file });
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  if (rows.length === 0) throw new InputError('csv-empty', 'CSV file is empty', { file });
  const header = rows[0]!.map((h) => h.trim().replace(/^\uFEFF/, ''));
  return rows.slice(1).map((r, k) => {
    if (r.length !== header.length)
      throw new InputError('csv-columns', `expected ${header.length} columns (${header.join(',')}), found ${r.length}`, { file, record: k + 2 });
    const o: Record<string, string> = {};
    header.forEach((h, j) => (o[h] = r[j]!.trim()));
    return o;
  });
}

export function readCsv(path: string): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError('file-missing', `cannot read CSV: ${(e as Error).message}`, { file: path });
  }
  return parseCsv(text, path);
}

/** Check that every row has the given columns. */
export function requireColumns(rows: Record<string, string>[], cols: string[], file: string): void {
  if (rows.length === 0) throw new InputError('csv-empty', 'table has no rows', { file });
  const have = Object.keys(rows[0]!);
  for (const c of cols)
    if (!have.includes(c)) throw new InputError('csv-missing-column', `missing column "${c}"`, { file, value: have.join(','), hint: `expected columns ${cols.join(', ')}` });
}
