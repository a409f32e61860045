/**
 * Regenerates the derived columns of engine/demand/intensity.csv from the bundled builelib tables and reference
 * weather (engine/demand/derive-intensity.ts): per use category with a room type, space heating and cooling in
 * kWh/(m²·a) and their design peaks in W/m² for climate regions 1-8. Every other column is kept as it is.
 *
 *   npx tsx scripts/derive-intensity.ts           # rewrite the table
 *   npx tsx scripts/derive-intensity.ts --check   # exit 1 when the table differs from a fresh derivation
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_INTENSITY } from '../engine/demand/tables.js';
import { derivedIntensityTable } from '../engine/demand/derive-table.js';

const check = process.argv.includes('--check');
const before = readFileSync(DEFAULT_INTENSITY, 'utf8');
const after = await derivedIntensityTable(before);
if (check) {
  if (after !== before) {
    console.error(`${DEFAULT_INTENSITY} is stale: run npx tsx scripts/derive-intensity.ts`);
    process.exit(1);
  }
  console.log(`${DEFAULT_INTENSITY}: up to date`);
} else {
  writeFileSync(DEFAULT_INTENSITY, after);
  console.log(`${DEFAULT_INTENSITY}: ${after === before ? 'unchanged' : 'rewritten'}`);
}
