/**
 * Runs a validated scenario: each stage through `runStage` with the section's options as data, one line per stage,
 * fail fast with the stage's own error. A scenario with a demand section builds a new run: an existing run in
 * the folder is moved aside and put back if a stage fails, so the folder holds either the previous run or the new
 * complete one (--keep-partial keeps the stages that finished instead). The finished run's manifest records the
 * scenario (path, sha256, name) and every stage's command line, appended to manifest.scenarios.
 */
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CrsError, HeatplanError, InputError, UsageError } from '../errors.js';
import { describeInputs, MANIFEST, RunTransaction, withRun, type Manifest } from '../io/run-folder.js';
import { displayPath, type ResolvedScenario } from './load.js';
import { runStage, stages } from '../stages/index.js';
import { planSteps, showArgv, type Step } from './plan.js';
import { STAGE_SPECS, type StageName } from './schema.js';

export interface RunOptions {
  /** Stages not to run, with the reason (one loud line each). */
  skip?: Partial<Record<StageName, string>>;
  /** Stages print their own messages too. */
  verbose?: boolean;
  /** Where the per-stage lines go (default stderr); null for none. */
  log?: ((line: string) => void) | null;
  /** Line prefix, e.g. "heatplan run". */
  prefix?: string;
  /** On failure keep the stages that finished (default: restore the folder as it was). */
  keepPartial?: boolean;
}

export interface StageResult {
  stage: StageName;
  label: string;
  status: 'ok' | 'skipped' | 'omitted';
  argv?: string[];
  seconds?: number;
  /** The one-line summary printed. */
  line?: string;
  reason?: string;
}

export interface RunResult {
  out: string;
  stages: StageResult[];
  seconds: number;
}

/** Run the scenario's stages in order into `s.out`. */
export async function runScenario(s: ResolvedScenario, o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const log = o.log === null ? () => {} : (o.log ?? ((l: string) => process.stderr.write(l + '\n')));
  const prefix = o.prefix ?? 'heatplan run';
  const steps = planSteps(s, { skip: o.skip, verbose: o.verbose });
  const running = steps.filter((st) => !st.skip);
  const width = Math.max(...steps.map((st) => st.label.length));
  const createsRun = running.some((st) => STAGE_SPECS[st.stage].runArg === 'out');
  for (const note of s.notes ?? []) log(`${prefix}: ${note}`);
  const previous = createsRun ? await moveAside(s.out) : undefined;
  const results: StageResult[] = [];
  let n = 0;
  try {
    for (const step of steps) {
      const pad = step.label.padEnd(width);
      if (step.skip) {
        results.push({ stage: step.stage, label: step.label, status: step.skip.loud ? 'skipped' : 'omitted', reason: step.skip.reason });
        log(step.skip.loud ? `${prefix}: ${pad}  *** SKIPPED: ${step.skip.reason} ***` : `${prefix}: ${pad}  - (${step.skip.reason})`);
        continue;
      }
      n++;
      const t = performance.now();
      let summary: unknown;
      try {
        summary = await runStage(step.stage, s.out, step.options, { note: o.verbose ? (l) => log(`${prefix}: ${pad}  ${l}`) : undefined });
      } catch (e) {
        log(`${prefix}: ${pad}  FAILED after ${((performance.now() - t) / 1000).toFixed(1)} s; the command was: ${showArgv(step.argv)}`);
        throw stageError(step, e);
      }
      const seconds = (performance.now() - t) / 1000;
      const line = `[${n}/${running.length}] ${seconds.toFixed(1)} s  ${(stages[step.stage].line as (x: unknown, dir: string) => string)(summary, s.out)}`;
      log(`${prefix}: ${pad}  ${line}`);
      results.push({ stage: step.stage, label: step.label, status: 'ok', argv: step.argv, seconds, line });
    }
    await recordRun(s, results);
  } catch (e) {
    await restore(s.out, createsRun, previous, o.keepPartial ?? false, log, prefix);
    throw e;
  }
  if (previous) await rm(previous, { recursive: true, force: true });
  const seconds = (performance.now() - t0) / 1000;
  log(`${prefix}: done in ${seconds.toFixed(1)} s; run folder ${displayPath(s.out)}`);
  return { out: s.out, stages: results, seconds };
}

/** An existing run at `out` moves to a sibling name until the new run is complete; a non-run folder is an error. */
async function moveAside(out: string): Promise<string | undefined> {
  if (!existsSync(out)) return undefined;
  if (!(await stat(out)).isDirectory()) throw new UsageError('run-not-folder', 'the run folder path is a file', { file: out, hint: 'choose another out' });
  if (!existsSync(join(out, MANIFEST))) {
    if ((await readdir(out)).length === 0) return undefined;
    throw new UsageError('run-not-empty', 'output folder exists, is not empty and is not a heatplan run; refusing to replace it', { file: out, hint: 'choose another out (or --out)' });
  }
  const prev = `${out}.heatplan-previous-${process.pid}-${Date.now()}`;
  await rename(out, prev);
  return prev;
}

async function restore(out: string, createsRun: boolean, previous: string | undefined, keepPartial: boolean, log: (l: string) => void, prefix: string): Promise<void> {
  // a scenario without demand only adds stages to an existing run: each one committed whole, nothing to undo
  if (!createsRun) return;
  if (keepPartial) {
    if (previous) await rm(previous, { recursive: true, force: true });
    if (existsSync(out)) log(`${prefix}: kept the stages that finished in ${displayPath(out)} (--keep-partial); its manifest lists them`);
    return;
  }
  await rm(out, { recursive: true, force: true });
  if (previous) {
    await rename(previous, out);
    log(`${prefix}: ${displayPath(out)} restored to the run that was there before`);
  } else log(`${prefix}: removed the unfinished run ${displayPath(out)} (--keep-partial keeps it)`);
}

/** A stage's error with the stage named; the class (and so the exit code) is kept. */
function stageError(step: Step, e: unknown): unknown {
  const where = `stage ${step.label} (heatplan ${step.argv[0]})`;
  if (e instanceof HeatplanError) {
    const C = e instanceof UsageError ? UsageError : e instanceof CrsError ? CrsError : InputError;
    const w = new C(e.code, `${where}: ${e.message}`);
    (w as { cause?: unknown }).cause = e;
    return w;
  }
  return e;
}

/** manifest.scenarios[]: the scenario and every stage's command line, written last (only a finished scenario run has it). */
async function recordRun(s: ResolvedScenario, results: StageResult[]): Promise<void> {
  if (!existsSync(join(s.out, MANIFEST))) return;
  const tx = await RunTransaction.open(s.out);
  await withRun(tx, async (tx) => {
    const [input] = await describeInputs([s.file], 'scenario');
    tx.addInputs([input!]);
    const m = tx.manifest as Manifest & { scenarios?: unknown[] };
    // appended: a scenario that only adds stages (no demand) to a run keeps the record of the one that made it
    m.scenarios = [...(Array.isArray(m.scenarios) ? m.scenarios : []), {
      scenario: s.file,
      sha256: input!.sha256,
      name: s.name ?? null,
      finished: new Date().toISOString(),
      stages: results.map((r) => ({ stage: r.label, status: r.status, ...(r.argv ? { command: showArgv(r.argv), seconds: Math.round(r.seconds! * 100) / 100 } : { reason: r.reason }) })),
    }];
  });
}
