/**
 * Regenerates the calibration table in README.md (between its two marker comments) from the shipped intensity table
 * and the references in engine/demand/calibration.ts.   npx tsx scripts/calibration.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALIBRATION_END, CALIBRATION_START, calibrationTable } from '../engine/demand/calibration.js';
import { projectRoot } from '../engine/util/data-dir.js';

const file = join(projectRoot(), 'README.md');
const text = readFileSync(file, 'utf8');
const a = text.indexOf(CALIBRATION_START), b = text.indexOf(CALIBRATION_END);
if (a < 0 || b < a) {
  console.error(`${file}: the calibration markers are missing`);
  process.exit(1);
}
const next = text.slice(0, a + CALIBRATION_START.length) + '\n' + calibrationTable() + '\n' + text.slice(b);
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('README.md calibration table is stale: run npx tsx scripts/calibration.ts');
    process.exit(1);
  }
} else writeFileSync(file, next);
