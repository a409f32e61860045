/**
 * Runs the robustness corpus (test/robustness/corpus.ts): each case as a real `heatplan` process (bin/heatplan.mjs)
 * with a timeout, at most `concurrency` at a time; the SIGKILL fault sequences; snapshots of run folders (sha256 of
 * every file, hidden ones included) before and after; the "complete run" check (manifest lists the stages and every
 * file the manifest implies exists and parses, with a few cross-checks); one result per case with its problems.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readBlocks, readBuildings, readDemand, readHourly, readNetwork, readPotential, readAreas, readRoads, readRun, readSim } from '../../engine/run/read.js';
import { baseScenario, BIN, buildCorpus, buildFaults, ROOT, type CorpusCase, type CorpusContext, type FaultCase, type Trigger } from './corpus.js';

// ---------------------------------------------------------------------------------------------------------------
// processes

export interface Exec {
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  /** We killed it (a fault trigger fired). */
  killed: boolean;
  /** ms after the start at which it was killed. */
  killedAtMs?: number;
}

const childEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  env.NO_COLOR = '1';
  return env;
};

/** Run `heatplan argv...`; kill it with SIGKILL on `trigger`, or when `timeoutMs` passes (then `timedOut`). */
export function heatplan(argv: string[], o: { cwd: string; timeoutMs: number; trigger?: Trigger }): Promise<Exec> {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: o.cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let killed = false;
    let killedAtMs: number | undefined;
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null || killed) return;
      killed = true;
      killedAtMs = performance.now() - t0;
      child.kill('SIGKILL');
    };
    const t = o.trigger;
    const delay = t && 'afterMs' in t ? setTimeout(kill, t.afterMs) : undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (t && 'line' in t && t.line.test(stderr)) kill();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, o.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (delay) clearTimeout(delay);
      res({ argv, code, signal, stdout, stderr, ms: performance.now() - t0, timedOut, killed, killedAtMs });
    });
  });
}

/** Lines of a stack trace or of Node's internals on stderr. */
export const stackLines = (stderr: string): string[] => stderr.split('\n').filter((l) => /^\s+at\s/.test(l) || /node:internal/.test(l));

/** The first lines of stderr, for messages and the report. */
export const excerpt = (s: string, n = 6): string => {
  const lines = s.trim().split('\n');
  return lines.slice(0, n).join('\n') + (lines.length > n ? `\n... (${lines.length - n} more lines)` : '');
};

// ---------------------------------------------------------------------------------------------------------------
// folders: snapshots, leftovers, complete runs

export type Snapshot = { kind: 'absent' } | { kind: 'file'; hash: string } | { kind: 'dir'; files: Record<string, string> };

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** sha256 of every file below `p` (hidden ones too; symlinks by target), or the file's own hash. */
export function snapshot(p: string): Snapshot {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return { kind: 'absent' };
  }
  if (!st.isDirectory()) return { kind: 'file', hash: st.isSymbolicLink() ? `link:${readlinkSync(p)}` : sha(p) };
  const files: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = lstatSync(full);
      if (s.isSymbolicLink()) files[r] = `link:${readlinkSync(full)}`;
      else if (s.isDirectory()) {
        files[`${r}/`] = 'dir';
        walk(full, r);
      } else files[r] = sha(full);
    }
  };
  walk(p, '');
  return { kind: 'dir', files };
}

/** How two snapshots differ (for messages): added, removed, changed paths. */
export function diff(a: Snapshot, b: Snapshot): string {
  if (a.kind !== b.kind) return `${a.kind} -> ${b.kind}`;
  if (a.kind === 'file' && b.kind === 'file') return a.hash === b.hash ? '' : 'file changed';
  if (a.kind !== 'dir' || b.kind !== 'dir') return '';
  const out: string[] = [];
  for (const k of Object.keys(b.files)) if (!(k in a.files)) out.push(`+${k}`);
  for (const k of Object.keys(a.files)) if (!(k in b.files)) out.push(`-${k}`);
  for (const k of Object.keys(a.files)) if (k in b.files && a.files[k] !== b.files[k]) out.push(`~${k}`);
  return out.slice(0, 12).join(' ') + (out.length > 12 ? ` ... (${out.length} in all)` : '');
}

const same = (a: Snapshot, b: Snapshot) => (a.kind === 'absent' && b.kind === 'absent') || (a.kind !== 'absent' && diff(a, b) === '');

/** Staging, lock and moved-aside folders a writer left next to or inside `p` (`RUN.heatplan-*`, `RUN/.heatplan-*`). */
export function leftovers(p: string): string[] {
  const out: string[] = [];
  const parent = dirname(p);
  const name = basename(p);
  if (existsSync(parent)) for (const f of readdirSync(parent)) if (f.startsWith(`${name}.heatplan-`)) out.push(join(parent, f));
  try {
    if (lstatSync(p).isDirectory()) for (const f of readdirSync(p)) if (f.startsWith('.heatplan-')) out.push(join(p, f));
  } catch {
    /* absent */
  }
  return out;
}

/** Files each manifest stage implies, and how to parse them. */
const STAGE_FILES: Record<string, { file: string; read: (dir: string) => Promise<unknown> }[]> = {
  demand: [
    { file: 'demand.tif', read: readDemand },
    { file: 'blocks.geojson', read: readBlocks },
    { file: 'buildings.geojson', read: readBuildings },
  ],
  potential: [{ file: 'potential.tif', read: readPotential }],
  areas: [{ file: 'areas.geojson', read: readAreas }],
  route: [
    { file: 'network.geojson', read: readNetwork },
    { file: 'roads.geojson', read: readRoads },
  ],
  sim: [
    { file: 'sim.json', read: readSim },
    { file: 'hourly.csv', read: readHourly },
  ],
};

/**
 * Problems of a run folder that should be complete: manifest.json parses and is a manifest; every stage it lists has
 * its files, and they parse; `stages` (if given) are all listed; `files` exist and look whole; light cross-checks
 * (buildings and consumers counted in the manifest = features in the files, 8,760 or 8,784 hourly rows).
 */
export async function runProblems(dir: string, o: { stages?: string[]; files?: string[]; stagePrefixOf?: string[] } = {}): Promise<string[]> {
  const problems: string[] = [];
  let m;
  try {
    m = (await readRun(dir)).manifest as unknown as Record<string, unknown> & { stages: string[] };
  } catch (e) {
    return [`manifest: ${(e as Error).message}`];
  }
  for (const s of o.stages ?? []) if (!m.stages.includes(s)) problems.push(`manifest.stages ${JSON.stringify(m.stages)} lacks ${s}`);
  if (o.stagePrefixOf) {
    const want = o.stagePrefixOf.slice(0, m.stages.length);
    if (JSON.stringify(want) !== JSON.stringify(m.stages)) problems.push(`manifest.stages ${JSON.stringify(m.stages)} is not a prefix of ${JSON.stringify(o.stagePrefixOf)}`);
  }
  for (const s of m.stages) {
    if (m[s] === undefined) problems.push(`manifest lists stage ${s} without its summary`);
    for (const f of STAGE_FILES[s] ?? []) {
      try {
        const v = await f.read(dir);
        if (f.file === 'hourly.csv') {
          const h = (v as { hours: number }).hours;
          if (h !== 8760 && h !== 8784) problems.push(`hourly.csv has ${h} rows`);
        }
        if (f.file === 'buildings.geojson' && s === 'demand') {
          const n = (v as { features: unknown[] }).features.length;
          const want = (m.demand as { buildings?: number } | undefined)?.buildings;
          if (want !== undefined && n !== want) problems.push(`buildings.geojson has ${n} features, manifest.demand.buildings ${want}`);
        }
        if (f.file === 'network.geojson') {
          const n = (v as { features: { properties: { kind?: string } }[] }).features.filter((x) => x.properties.kind === 'consumer').length;
          const want = (m.route as { consumers?: number } | undefined)?.consumers;
          if (want !== undefined && n !== want) problems.push(`network.geojson has ${n} consumers, manifest.route.consumers ${want}`);
        }
      } catch (e) {
        problems.push(`stage ${s}: ${f.file}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  for (const f of o.files ?? []) {
    const p = join(dir, f);
    if (!existsSync(p)) {
      problems.push(`${f} missing`);
      continue;
    }
    const b = readFileSync(p);
    if (f.endsWith('.html') && !b.toString('utf8').trimEnd().endsWith('</html>')) problems.push(`${f} does not end with </html>`);
    if (f.endsWith('.png') && (b.readUInt32BE(0) !== 0x89504e47 || b.subarray(-8, -4).toString('latin1') !== 'IEND')) problems.push(`${f} is not a whole PNG`);
  }
  return problems;
}

export type FolderState = 'absent' | 'identical' | 'complete' | 'damaged';

/**
 * The state of a folder after a command: 'absent' (only when it was absent before), 'identical' (every file's hash as
 * before), 'complete' (a run folder that passes `runProblems` and, if it was a run before, still lists its stages), or
 * 'damaged' with the reasons.
 */
export async function folderState(p: string, before: Snapshot, o: { stages?: string[]; files?: string[]; stagePrefixOf?: string[] } = {}): Promise<{ state: FolderState; problems: string[] }> {
  const after = snapshot(p);
  if (before.kind === 'absent' && after.kind === 'absent') return { state: 'absent', problems: [] };
  if (same(before, after)) return { state: 'identical', problems: [] };
  if (after.kind !== 'dir') return { state: 'damaged', problems: [`${p}: ${before.kind} before, ${after.kind} after (${diff(before, after)})`] };
  // a folder that was a run before must still list the stages it had
  const had = before.kind === 'dir' ? (beforeStages.get(p) ?? []) : [];
  const stages = [...new Set([...(o.stages ?? []), ...had])];
  const problems = await runProblems(p, { ...o, stages });
  if (problems.length === 0) return { state: 'complete', problems: [] };
  return { state: 'damaged', problems: [`${p}: neither ${before.kind === 'absent' ? 'absent' : 'as before'} (${diff(before, after)}) nor a complete run: ${problems.join('; ')}`] };
}

/** Stages listed in each folder's manifest when its "before" snapshot was taken. */
const beforeStages = new Map<string, string[]>();
export function takeBefore(p: string): Snapshot {
  const s = snapshot(p);
  beforeStages.delete(p);
  if (s.kind === 'dir' && 'manifest.json' in s.files) {
    try {
      const m = JSON.parse(readFileSync(join(p, 'manifest.json'), 'utf8')) as { stages?: unknown };
      if (Array.isArray(m.stages)) beforeStages.set(p, m.stages as string[]);
    } catch {
      /* a damaged manifest: nothing to keep */
    }
  }
  return s;
}

/** The number at `path` in a manifest ('*' sums an object's numbers). */
export function manifestCount(run: string, path: string[]): number | undefined {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (k === '*') return Object.values(v as Record<string, unknown>).reduce<number>((s, x) => s + (typeof x === 'number' ? x : 0), 0);
    v = (v as Record<string, unknown>)[k];
  }
  return typeof v === 'number' ? v : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// cases

/** crash: exit 70, a signal or a stack trace; hang: killed at the case's timeout; failed: any other broken assertion. */
export type Outcome = 'clean-error' | 'ok-with-warning' | 'fault-ok' | 'crash' | 'hang' | 'failed';

export interface CaseResult {
  id: string;
  kind: string;
  what: string;
  expect: string;
  outcome: Outcome;
  problems: string[];
  exec?: Exec;
  /** Faults: one line per kill. */
  steps?: string[];
  ms: number;
}

const isCrash = (e: Exec) => (!e.timedOut && !e.killed && e.signal !== null) || e.code === 70 || stackLines(e.stderr).length > 0 || /internal error/.test(e.stderr);

function crashProblems(e: Exec): string[] {
  const p: string[] = [];
  if (e.timedOut) p.push(`timed out after ${(e.ms / 1000).toFixed(1)} s`);
  else if (!e.killed && e.signal) p.push(`died of ${e.signal}`);
  if (e.code === 70) p.push('exit code 70 (internal error)');
  const st = stackLines(e.stderr);
  if (st.length) p.push(`stack trace on stderr (${st.length} lines, first: ${st[0]!.trim()})`);
  return p;
}

export async function runCase(c: CorpusCase, cwd: string): Promise<CaseResult> {
  const t0 = performance.now();
  const problems: string[] = [];
  try {
    c.setup?.();
  } catch (e) {
    return { id: c.id, kind: c.kind, what: c.what, expect: c.expect, outcome: 'failed', problems: [`setup failed: ${(e as Error).message}`], ms: 0 };
  }
  const before = c.runDirs.map((d) => takeBefore(d));
  const e = await heatplan(c.argv, { cwd, timeoutMs: c.timeoutMs ?? 45_000 });
  const crash = isCrash(e);
  problems.push(...crashProblems(e));
  if (c.expect === 'error') {
    if (e.code === 0) problems.push('exit code 0: the bad input was accepted');
    else if (e.code !== null && e.code !== 70 && c.code !== undefined && e.code !== c.code) problems.push(`exit code ${e.code}, the README's ${c.code}`);
    for (const n of c.names) {
      const any = Array.isArray(n) ? n : [n];
      if (!any.some((x) => e.stderr.includes(x))) problems.push(`stderr does not name ${any.map((x) => JSON.stringify(x)).join(' or ')}`);
    }
    for (const d of c.detail ?? []) if (!d.test(e.stderr)) problems.push(`stderr does not give the record/value ${d}`);
    for (const [i, d] of c.runDirs.entries()) {
      const s = await folderState(d, before[i]!);
      problems.push(...s.problems);
      const left = leftovers(d);
      if (left.length) problems.push(`leftovers after the error: ${left.map((l) => basename(l)).join(', ')}`);
    }
  } else {
    if (e.code !== 0) problems.push(`exit code ${e.code}, expected 0 with a counted warning`);
    const w = c.warning!;
    const n = manifestCount(w.run, w.path);
    if (e.code === 0) {
      if (n === undefined) problems.push(`manifest has no count at ${w.path.join('.')}`);
      else if (n < w.min) problems.push(`manifest ${w.path.join('.')} = ${n}, expected >= ${w.min}`);
      const rp = await runProblems(w.run);
      if (rp.length) problems.push(`run folder not complete: ${rp.join('; ')}`);
    }
    for (const [i, d] of c.runDirs.entries()) if (e.code !== 0) problems.push(...(await folderState(d, before[i]!)).problems);
  }
  const outcome: Outcome = crash ? 'crash' : e.timedOut ? 'hang' : problems.length ? 'failed' : c.expect === 'error' ? 'clean-error' : 'ok-with-warning';
  return { id: c.id, kind: c.kind, what: c.what, expect: c.expect, outcome, problems, exec: e, ms: performance.now() - t0 };
}

const triggerLabel = (t: Trigger) => ('afterMs' in t ? `kill at ${(t.afterMs / 1000).toFixed(1)} s` : 'line' in t ? `kill ${t.label}` : 'run to the end');

/** Check a batch output folder after a kill: batch.json parses, each area folder absent, as before, or complete (prefix). */
async function batchProblems(f: FaultCase, before: Map<string, Snapshot>): Promise<string[]> {
  const p: string[] = [];
  const bj = join(f.runDir, 'batch.json');
  if (existsSync(bj)) {
    try {
      JSON.parse(readFileSync(bj, 'utf8'));
    } catch (e) {
      p.push(`batch.json does not parse: ${(e as Error).message}`);
    }
  }
  const csv = join(f.runDir, 'summary.csv');
  if (existsSync(csv) && !readFileSync(csv, 'utf8').startsWith('name,status,error')) p.push('summary.csv has no header');
  for (const a of f.areas ?? []) {
    const d = join(f.runDir, a.name);
    const s = await folderState(d, before.get(d)!, { stagePrefixOf: a.stages });
    p.push(...s.problems);
  }
  return p;
}

export async function runFault(f: FaultCase, cwd: string): Promise<CaseResult> {
  const t0 = performance.now();
  const problems: string[] = [];
  const steps: string[] = [];
  try {
    f.setup?.();
  } catch (e) {
    return { id: f.id, kind: 'fault', what: f.what, expect: 'fault', outcome: 'failed', problems: [`setup failed: ${(e as Error).message}`], ms: 0 };
  }
  let crashed = false;
  const dirs = f.layout === 'batch' ? (f.areas ?? []).map((a) => join(f.runDir, a.name)) : [f.runDir];
  const check = async (label: string, e: Exec, before: Map<string, Snapshot>, mustSucceed: boolean) => {
    const cp = crashProblems(e).filter((x) => !x.startsWith('stack') || !e.killed);
    if (!e.killed && (isCrash(e) || e.timedOut)) crashed = true;
    const ps: string[] = cp.map((x) => `${label}: ${x}`);
    if (!e.killed && e.code !== 0) ps.push(`${label}: ${mustSucceed ? 'failed' : 'finished before the kill'} with exit code ${e.code}: ${excerpt(e.stderr, 12)}`);
    if (mustSucceed && e.killed) ps.push(`${label}: was killed`);
    let states: string[] = [];
    if (f.layout === 'run') {
      const s = await folderState(f.runDir, before.get(f.runDir)!, { stages: f.stages, files: e.killed ? undefined : f.extraFiles });
      // a complete run after a kill must be a whole one: the command's stages and files
      if (s.state === 'complete' && e.killed && f.extraFiles) {
        const extra = await runProblems(f.runDir, { stages: f.stages, files: f.extraFiles });
        if (extra.length) ps.push(`${label}: the folder is a new run, but not the whole scenario: ${extra.join('; ')}`);
      }
      states = [s.state];
      ps.push(...s.problems.map((x) => `${label}: ${x}`));
      if (mustSucceed || !e.killed) {
        const rp = await runProblems(f.runDir, { stages: f.stages, files: f.extraFiles });
        ps.push(...rp.map((x) => `${label}: not complete: ${x}`));
      }
    } else {
      ps.push(...(await batchProblems(f, before)).map((x) => `${label}: ${x}`));
      states = dirs.map((d) => (existsSync(join(d, 'manifest.json')) ? basename(d) + ':' + JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).stages.length : basename(d) + ':-'));
      if (mustSucceed || !e.killed) {
        for (const a of f.areas ?? []) {
          const rp = await runProblems(join(f.runDir, a.name), { stages: a.stages });
          ps.push(...rp.map((x) => `${label}: area ${a.name} not complete: ${x}`));
        }
      }
    }
    const left = f.layout === 'run' ? leftovers(f.runDir) : dirs.flatMap((d) => leftovers(d));
    steps.push(`${label}: ${e.killed ? `killed at ${((e.killedAtMs ?? 0) / 1000).toFixed(2)} s` : `exit ${e.code} after ${(e.ms / 1000).toFixed(2)} s`}; folder ${states.join(' ')}${left.length ? `; leftovers ${left.map((l) => basename(l)).join(', ')}` : ''}${ps.length ? ' -- PROBLEM' : ''}`);
    // a successful run must have put right what the kills left: staging and moved-aside copies of runs (a stale lock
    // file is only reported: the next writer takes it over)
    const data = left.filter((l) => !/\.heatplan-lock/.test(basename(l)));
    if (mustSucceed && data.length) ps.push(`${label}: staging or moved-aside folders left after a successful run: ${data.map((l) => basename(l)).join(', ')}`);
    problems.push(...ps);
  };
  const snap = () => {
    const m = new Map<string, Snapshot>();
    for (const d of f.layout === 'batch' ? dirs : [f.runDir]) m.set(d, takeBefore(d));
    return m;
  };
  for (const t of f.kills) {
    const before = snap();
    const finish = 'finish' in t;
    const e = await heatplan(f.argv, { cwd, timeoutMs: 60_000, trigger: finish ? undefined : t });
    await check(triggerLabel(t), e, before, finish);
  }
  const before = snap();
  const e = await heatplan(f.again ?? f.argv, { cwd, timeoutMs: 90_000 });
  await check('second run', e, before, true);
  const outcome: Outcome = crashed ? 'crash' : problems.length ? 'failed' : 'fault-ok';
  return { id: f.id, kind: 'fault', what: f.what, expect: 'fault', outcome, problems, steps, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------------------------
// the whole corpus, 2 at a time

export interface CorpusRun {
  cases: CorpusCase[];
  faults: FaultCase[];
  results: Map<string, CaseResult>;
  seconds: number;
  base: Exec;
}

/** Build the corpus under `ctx.root` and run it: the base run first, the long fault sequences early, `concurrency` at a time. */
export async function runCorpus(
  ctx: CorpusContext,
  o: { concurrency?: number; only?: (id: string) => boolean; log?: (r: CaseResult) => void; cases?: CorpusCase[]; faults?: FaultCase[] } = {},
): Promise<CorpusRun> {
  const t0 = performance.now();
  await mkdir(ctx.root, { recursive: true });
  const keep = o.only ?? (() => true);
  // built for this ctx (their setups and paths point into ctx.root), unless the caller built them so
  const cases = (o.cases ?? buildCorpus(ctx)).filter((c) => keep(c.id));
  const faults = (o.faults ?? buildFaults(ctx)).filter((f) => keep(f.id));
  const results = new Map<string, CaseResult>();
  const scenario = baseScenario(ctx);
  let base!: Exec;
  let baseDone!: () => void;
  const baseReady = new Promise<void>((r) => (baseDone = r));
  const jobs: { needsBase: boolean; run: () => Promise<void> }[] = [];
  jobs.push({
    needsBase: false,
    run: async () => {
      base = await heatplan(['run', scenario, '--out', ctx.base, '--quiet'], { cwd: ctx.root, timeoutMs: 90_000 });
      baseDone();
    },
  });
  const baseFailed = () => (base.code !== 0 ? `the demo base run failed (exit ${base.code}): ${excerpt(base.stderr, 4)}` : undefined);
  const push = (id: string, needsBase: boolean, fn: () => Promise<CaseResult>, fail: () => CaseResult) =>
    jobs.push({
      needsBase,
      run: async () => {
        if (needsBase) await baseReady;
        const why = needsBase ? baseFailed() : undefined;
        const r = why ? { ...fail(), problems: [why] } : await fn();
        results.set(id, r);
        o.log?.(r);
      },
    });
  // longest first: the fault sequences, then the cases
  const failed = (id: string, kind: string, what: string, expect: string) => (): CaseResult => ({ id, kind, what, expect, outcome: 'failed', problems: [], ms: 0 });
  for (const f of faults) push(f.id, f.needsBase ?? false, () => runFault(f, ctx.root), failed(f.id, 'fault', f.what, 'fault'));
  for (const c of [...cases.filter((c) => !c.needsBase), ...cases.filter((c) => c.needsBase)])
    push(c.id, c.needsBase ?? false, () => runCase(c, join(ctx.root, 'cases', c.id)), failed(c.id, c.kind, c.what, c.expect));
  // the base run and the first job that does not need it start together; base-needing jobs wait for it
  const queue = [jobs[0]!, ...jobs.slice(1).filter((j) => !j.needsBase).slice(0, 1), ...jobs.slice(1).filter((j) => j.needsBase), ...jobs.slice(1).filter((j) => !j.needsBase).slice(1)];
  const n = Math.max(1, o.concurrency ?? 2);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < queue.length) await queue[next++]!.run();
    }),
  );
  return { cases, faults, results, seconds: (performance.now() - t0) / 1000, base };
}

/** The one-line tally. */
export function tally(r: CorpusRun): string {
  const all = [...r.results.values()];
  const count = (f: (x: CaseResult) => boolean) => all.filter(f).length;
  const errors = r.cases.filter((c) => c.expect === 'error').length;
  const warns = r.cases.filter((c) => c.expect === 'ok-with-warning').length;
  return (
    `robustness corpus: ${r.cases.length} cases (${errors} error, ${warns} ok-with-warning) + ${r.faults.length} fault sequences; ` +
    `clean errors ${count((x) => x.outcome === 'clean-error')}/${errors}, ok-with-warning ${count((x) => x.outcome === 'ok-with-warning')}/${warns}, ` +
    `faults ok ${count((x) => x.outcome === 'fault-ok')}/${r.faults.length}, crashes ${count((x) => x.outcome === 'crash')}, hangs ${count((x) => x.outcome === 'hang')}, ` +
    `other failures ${count((x) => x.outcome === 'failed')}; ${r.seconds.toFixed(0)} s`
  );
}

export { ROOT };
