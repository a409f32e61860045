/**
 * Runs a validated scenario: each stage through `runStage` with the section's options as data, one line per stage,
 * fail fast with the stage's own error. The whole scenario holds the run folder's lock (engine/io/run-folder.ts: a
 * second command on the run fails at once naming this one; what interrupted runs left is recovered first).
 *
 * A scenario with a demand section builds a new run in a staging folder beside the run path,
 * `<out>.heatplan-run-<pid>-<ms>/<name of out>` (the run's own base name, so report and map titles are right): every
 * stage runs there, the scenario record is added, paths naming the staging folder in the run's text files (the
 * report's run folder, sim.json's warning examples) are rewritten to the run path, and the finished run is swapped in
 * with one rename (engine/io/run-folder.ts `replaceRun`). Until then an existing run at `out` is not touched: a
 * failing stage, a signal or a kill at any moment leaves either the previous run or the new complete one
 * (--keep-partial swaps in the stages that finished instead, the README's "keeps the finished stages"; with none
 * finished the previous run stays). The stages' lines and errors name `out`, never the staging folder. Replacing an
 * existing run is what a demand section asks for (the `demand` command refuses it without --force): the first line
 * says so, naming the stages and files of the run it replaces.
 *
 * A scenario without demand adds stages to the existing run in place, each committed whole (as the stage commands
 * do). The finished run's manifest records the scenario (path, sha256, name) and every stage's command line,
 * appended to manifest.scenarios.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { CrsError, HeatplanError, InputError, UsageError } from '../errors.js';
import {
  describeCommand,
  describeInputs,
  lockRun,
  MANIFEST,
  replaceRun,
  rewritePaths,
  RunTransaction,
  siblingPath,
  trackStaging,
  withRun,
  type Manifest,
} from '../io/run-folder.js';
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
  const out = resolve(s.out);
  await mkdir(dirname(out), { recursive: true });
  const cli = describeCommand();
  const command = cli.startsWith('heatplan ') ? cli : `${prefix} ${displayPath(s.file)} --out ${displayPath(out)}`;
  const lock = await lockRun(out, { command, note: (l) => log(`${prefix}: ${l}`) });
  let build: Build | undefined;
  try {
    if (createsRun) checkReplaceable(out);
    // a scenario with a demand section is explicit about making a new run: it replaces an existing one, and says so
    const was = createsRun ? await import('../demand/stage.js') : undefined;
    const old = was?.runContents(out);
    if (old) log(`${prefix}: replaces the run in ${displayPath(out)} once every stage has finished (until then it stays as it is): ${was!.describeContents(old)}`);
    build = createsRun ? await startBuild(out) : undefined;
    const runDir = build?.run ?? out;
    // the lines and errors name the run path, not the staging folder
    const shown = (text: string) => (build ? text.split(build.run).join(out) : text);
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
          summary = await runStage(step.stage, runDir, build ? intoBuild(step.options, out, build.run) : step.options, {
            note: o.verbose ? (l) => log(shown(`${prefix}: ${pad}  ${l}`)) : undefined,
          });
        } catch (e) {
          log(`${prefix}: ${pad}  FAILED after ${((performance.now() - t) / 1000).toFixed(1)} s; the command was: ${showArgv(step.argv)}`);
          throw stageError(step, e, shown);
        }
        const seconds = (performance.now() - t) / 1000;
        const line = shown(`[${n}/${running.length}] ${seconds.toFixed(1)} s  ${(stages[step.stage].line as (x: unknown, dir: string) => string)(summary, runDir)}`);
        log(`${prefix}: ${pad}  ${line}`);
        results.push({ stage: step.stage, label: step.label, status: 'ok', argv: step.argv, seconds, line });
      }
      await recordRun(s, runDir, results);
      if (build) await publish(build, out);
    } catch (e) {
      if (build) await unfinished(build, out, o.keepPartial ?? false, log, prefix);
      throw e;
    }
    const seconds = (performance.now() - t0) / 1000;
    log(`${prefix}: done in ${seconds.toFixed(1)} s; run folder ${displayPath(out)}`);
    return { out: s.out, stages: results.filter((r) => r.status !== 'omitted'), seconds };
  } finally {
    if (build) await build.dispose();
    lock.release();
  }
}

/** A new run being built beside the run path: the container folder and the run folder in it. */
interface Build {
  container: string;
  run: string;
  dispose(): Promise<void>;
}

/** The run path must be absent, an empty folder or a run: anything else is not replaced. */
function checkReplaceable(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UsageError('run-not-folder', 'the run folder path is a file', { file: out, hint: 'choose another out' });
  if (!existsSync(join(out, MANIFEST)) && readdirSync(out).length > 0) {
    throw new UsageError('run-not-empty', 'output folder exists, is not empty and is not a heatplan run; refusing to replace it', { file: out, hint: 'choose another out (or --out)' });
  }
}

async function startBuild(out: string): Promise<Build> {
  const container = siblingPath(out, 'run');
  const untrack = trackStaging(container);
  await mkdir(container);
  return {
    container,
    run: join(container, basename(out)),
    dispose: async () => {
      await rm(container, { recursive: true, force: true });
      untrack();
    },
  };
}

/** A step's options with an output file inside the run path (report.out, map.out) moved into the build. */
function intoBuild(options: Record<string, unknown>, out: string, run: string): Record<string, unknown> {
  const f = options.out;
  if (typeof f !== 'string') return options;
  const p = resolve(f);
  return p === out || p.startsWith(out + sep) ? { ...options, out: run + p.slice(out.length) } : options;
}

/** The finished build names the run path in its files, then takes the run path's place in one rename. */
async function publish(build: Build, out: string): Promise<void> {
  await rewritePaths(build.run, build.run, out);
  await replaceRun(build.run, out);
}

/** A failed build: removed (the run path as it was), or with --keep-partial swapped in if a stage finished. */
async function unfinished(build: Build, out: string, keepPartial: boolean, log: (l: string) => void, prefix: string): Promise<void> {
  const had = existsSync(join(out, MANIFEST));
  if (keepPartial && existsSync(join(build.run, MANIFEST))) {
    await publish(build, out);
    log(`${prefix}: kept the stages that finished in ${displayPath(out)} (--keep-partial); its manifest lists them`);
    return;
  }
  await build.dispose();
  if (keepPartial) log(`${prefix}: no stage finished: nothing to keep${had ? `; ${displayPath(out)} holds the run that was there before` : ''}`);
  else if (had) log(`${prefix}: ${displayPath(out)} left as it was: the run that was there before (the unfinished new run was removed; --keep-partial keeps it)`);
  else log(`${prefix}: removed the unfinished run ${displayPath(out)} (--keep-partial keeps it)`);
}

/** A stage's error with the stage named; the class (and so the exit code) is kept. */
function stageError(step: Step, e: unknown, shown: (text: string) => string): unknown {
  const where = `stage ${step.label} (heatplan ${step.argv[0]})`;
  if (e instanceof HeatplanError) {
    const C = e instanceof UsageError ? UsageError : e instanceof CrsError ? CrsError : InputError;
    const w = new C(e.code, shown(`${where}: ${e.message}`));
    (w as { cause?: unknown }).cause = e;
    return w;
  }
  return e;
}

/** manifest.scenarios[]: the scenario and every stage's command line, written last (only a finished scenario run has it). */
async function recordRun(s: ResolvedScenario, runDir: string, results: StageResult[]): Promise<void> {
  if (!existsSync(join(runDir, MANIFEST))) return;
  const tx = await RunTransaction.open(runDir);
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
      // the stages the scenario names (ok, skipped with the reason); stages it leaves out are not part of its record
      stages: results.filter((r) => r.status !== 'omitted').map((r) => ({ stage: r.label, status: r.status, ...(r.argv ? { command: showArgv(r.argv), seconds: Math.round(r.seconds! * 100) / 100 } : { reason: r.reason }) })),
    }];
  });
}
