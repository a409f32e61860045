/**
 * Issue 17, "must show" 1: a corpus of bad inputs and faults (test/robustness/corpus.ts), each run as a real
 * `heatplan` process (test/robustness/harness.ts), two at a time, each with a timeout.
 *
 * Every 'error' case: exit code non-zero and not 70; stderr names the file (or the option/key) and, where there is
 * one, the record/value; no stack trace on stderr; the run folder absent (if it was), byte-identical to before, or
 * complete; no staging leftovers beside it. Every 'ok-with-warning' case: exit 0 and the warning counted in the
 * manifest. Every fault sequence (SIGKILL after a delay or when a line appears): after each kill the folder is absent
 * (if it was), byte-identical, or complete; then a second run succeeds.
 *
 * Real-data cases read ../shared/datasets (test/helpers/data.ts: skipped loudly without it, a failure under CI=true).
 * `npx tsx test/robustness/run-corpus.ts [ID...]` runs the same corpus outside vitest and prints every stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data, HAVE_DATA } from '../helpers/data.js';
import { buildCorpus, buildFaults, type CorpusContext } from './corpus.js';
import { excerpt, runCorpus, tally, type CaseResult, type CorpusRun } from './harness.js';

const root = mkdtempSync(join(tmpdir(), 'heatplan-robustness-'));
const ctx: CorpusContext = { root, base: join(root, 'base'), data, haveData: HAVE_DATA };
// the bad inputs are written now (one test per case); the base run and the cases run in beforeAll
const cases = buildCorpus(ctx);
const faults = buildFaults(ctx);

let run: CorpusRun | undefined;
let failure: unknown;

beforeAll(async () => {
  try {
    run = await runCorpus(ctx, { concurrency: 2, cases, faults });
  } catch (e) {
    failure = e;
  }
  // about 70 s on the quiet 2-core machine (about 120 s of CPU); the margin is for a machine shared with other runs
}, 480_000);

afterAll(() => {
  if (run) console.log(tally(run));
  rmSync(root, { recursive: true, force: true });
});

function result(id: string): CaseResult {
  if (failure) throw failure;
  const r = run?.results.get(id);
  if (!r) throw new Error(`case ${id} did not run`);
  return r;
}

const explain = (r: CaseResult) =>
  [
    `${r.id} (${r.outcome}): ${r.what}`,
    ...(r.exec ? [`heatplan ${r.exec.argv.join(' ')}`, `exit ${r.exec.code}${r.exec.signal ? ` (${r.exec.signal})` : ''}; stderr:\n${excerpt(r.exec.stderr, 8)}`] : []),
    ...(r.steps ?? []),
  ].join('\n');

describe('robustness corpus: bad inputs', () => {
  it('has cases of every kind', () => {
    const kinds = new Set(cases.map((c) => c.kind));
    for (const k of ['truncated', 'corrupted', 'wrong-crs', 'out-of-range', 'huge-values', 'empty-layer', 'missing-attribute', 'wrong-type', 'weather', 'scenario', 'batch', 'option', 'out-path', 'not-a-run'])
      expect(kinds, k).toContain(k);
    expect(cases.filter((c) => c.expect === 'ok-with-warning').length).toBeGreaterThan(0);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(`${c.kind}: ${c.id}: ${c.what} (${c.expect})`, () => {
      const r = result(c.id);
      expect(r.problems, explain(r)).toEqual([]);
      expect(r.outcome).toBe(c.expect === 'error' ? 'clean-error' : 'ok-with-warning');
    });
  }
});

describe('robustness corpus: SIGKILL faults', () => {
  for (const f of faults) {
    it(`${f.id}: ${f.what}`, () => {
      const r = result(f.id);
      expect(r.problems, explain(r)).toEqual([]);
      expect(r.outcome).toBe('fault-ok');
    });
  }
});
