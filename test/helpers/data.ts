/**
 * Access to the real datasets in ../shared/datasets (or $HEATPLAN_DATA). Where the folder is absent, real-data tests
 * are skipped with one loud line; under CI (CI=true) its absence is a failure.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'vitest';

export const DATA_DIR = resolve(process.env.HEATPLAN_DATA ?? join(__dirname, '..', '..', '..', 'shared', 'datasets'));
export const HAVE_DATA = existsSync(DATA_DIR);

if (!HAVE_DATA) {
  if (process.env.CI === 'true') throw new Error(`real datasets not found at ${DATA_DIR} (CI requires them; set HEATPLAN_DATA)`);
  console.warn(`\n*** SKIPPING real-data tests: ${DATA_DIR} not found (set HEATPLAN_DATA) ***\n`);
}

/** Absolute path of a dataset file, e.g. data('tamana/49303425_bldg_6697_op.gml'). */
export const data = (rel: string): string => join(DATA_DIR, rel);

/** describe() for tests that need the real datasets. */
export const describeData: typeof describe = (HAVE_DATA ? describe : describe.skip) as typeof describe;
