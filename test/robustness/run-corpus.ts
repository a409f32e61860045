/**
 * Run the robustness corpus outside vitest and print every case with its stderr excerpt (for triage and the issue):
 *   npx tsx test/robustness/run-corpus.ts [ID-SUBSTRING...] [--keep] [--failed]
 * Without arguments every case and fault runs (2 at a time), as in test/robustness/corpus.test.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { excerpt, runCorpus, tally, ROOT, type CaseResult } from './harness.js';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const onlyFailed = args.includes('--failed');
const filters = args.filter((a) => !a.startsWith('--'));
const DATA_DIR = resolve(process.env.HEATPLAN_DATA ?? join(ROOT, '..', 'shared', 'datasets'));
const root = mkdtempSync(join(tmpdir(), 'heatplan-robustness-'));

const show = (r: CaseResult) => {
  if (onlyFailed && (r.outcome === 'clean-error' || r.outcome === 'ok-with-warning' || r.outcome === 'fault-ok')) return;
  const lines = [`[${r.outcome}] ${r.kind} ${r.id} (${(r.ms / 1000).toFixed(1)} s): ${r.what}`];
  if (r.exec) lines.push(`  exit ${r.exec.code}${r.exec.signal ? ` ${r.exec.signal}` : ''}; stderr: ${excerpt(r.exec.stderr, 4).replace(/\n/g, '\n    ')}`);
  for (const s of r.steps ?? []) lines.push(`  ${s}`);
  for (const p of r.problems) lines.push(`  PROBLEM: ${p.replace(/\n/g, '\n    ')}`);
  console.log(lines.join('\n'));
};

const run = await runCorpus(
  { root, base: join(root, 'base'), data: (rel) => join(DATA_DIR, rel), haveData: existsSync(DATA_DIR) },
  { only: filters.length ? (id) => filters.some((f) => id.includes(f)) : undefined, log: show },
);
console.log(tally(run));
if (keep) console.log(`kept ${root}`);
else rmSync(root, { recursive: true, force: true });
