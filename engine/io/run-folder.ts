/**
 * The run folder: the contract between stages, the viewer, exports and batch runs (DESIGN.md; file names, bands,
 * feature kinds and the manifest types in engine/run/contract.ts, typed readers in engine/run/read.ts).
 *
 * Transactions. A new run is built under a temporary name and renamed when complete; a stage added to an existing run
 * stages its files in a hidden folder and moves them in, manifest last. A crash never leaves a folder whose manifest
 * claims a stage that is not fully written. Names, all beside the run path RUN (`<pid>-<ms>` is the writer's process
 * id and a millisecond stamp):
 *   RUN.heatplan-tmp-<pid>-<ms>/        a new run being written (RunTransaction.create)
 *   RUN.heatplan-run-<pid>-<ms>/<name>  a scenario run being built (engine/pipeline/runner.ts): the stages run on
 *                                       `<name>`, the run's own base name, so titles and report headings are right
 *   RUN.heatplan-old-<pid>-<ms>/        the run being replaced, for the moment between the two renames of a swap
 *   RUN.heatplan-previous-<pid>-<ms>/   the same, as heatplan runs before this change named it (recovered only)
 *   RUN/.heatplan-tmp-<pid>-<ms>/       a stage being added to RUN (RunTransaction.open); `.heatplan-commit` in it
 *                                       marks the point after which the stage is moved in (the commit was decided)
 *   RUN.heatplan-lock                   the run's lock (below)
 *
 * Recovery (`recoverRun`, on every first lock of a run in a process, so on start-up of `heatplan run` and of every
 * stage transaction): leftovers of processes that are gone (pid not alive on this host; the own pid when the folder
 * is not this thread's) are put right, and one line says what was done:
 *   - RUN missing and an `-old-` (newest) or `-previous-` (oldest) folder there: it is renamed back to RUN;
 *   - RUN present and a `-previous-` folder (an old-style `heatplan run` killed mid-way, RUN holding its partial new
 *     run): RUN is kept if its manifest records a scenario finished after the folder was moved aside, else the
 *     previous run is put back in its place;
 *   - a stage staging folder in RUN with `.heatplan-commit`: the commit is finished (files, then manifest); without
 *     it the folder is removed, like every other leftover `-tmp-`, `-run-`, `-old-` and `-previous-` folder.
 * A process that gets SIGINT or SIGTERM undoes its own work in flight (staging folders removed, a run moved aside put
 * back) and releases its locks before it ends; SIGKILL leaves the leftovers above for the next start-up.
 *
 * Lock. Every transaction (and `heatplan run` for the whole scenario) holds RUN.heatplan-lock, created with O_EXCL,
 * holding one JSON line {pid, host, command, since, start, thread}. A second command on a locked run fails at once
 * with a UsageError ('run-locked') naming the holder; a lock whose pid is not alive on this host (or was reused: the
 * process start time in `start` differs) is taken over with a note. Within one thread the lock is re-entrant (the
 * scenario runner holds it while its stages open transactions); a lock of another thread of this process (a crashed
 * batch worker) is taken over. Released on commit, abort, process exit, SIGINT and SIGTERM.
 *
 * Stale stages. When a stage commits into an existing run, every stage that depends on it and has run is marked
 * stale in `manifest.stale` ({ sim: { since: 'route', at } }), transitively; the entry of the committing stage is
 * cleared. The dependents (STAGE_DEPENDENTS): demand -> potential, areas (when it read demand.tif), route; potential
 * -> areas (when its summary has potentials), route (when its plant came from the potential); route -> sim; every
 * stage -> report (report.html) and map (map.png/pdf/svg in the run). Stale stages keep their files and summary
 * (the viewer and comparisons still have them) and are listed as stale: the report prints "stale: rerun X" per stage
 * and the viewer's /api/status has the list (`staleList`). Report and plan sheet are files written outside a
 * transaction: their entry stops counting once the file is newer than the entry, and is dropped at the next commit.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { InputError, OutputError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { FILES, manifestEntry, STAGE_KEYS, type InputRecord, type Manifest, type StageKey, type StageSummaries } from '../run/contract.js';

export type { InputRecord, Manifest } from '../run/contract.js';

export const MANIFEST = FILES.manifest;
/** In a stage's staging folder: the list of files to move in; its presence means the commit was decided. */
const COMMIT_MARK = '.heatplan-commit';
/** The lock file's suffix: the lock of run RUN is RUN.heatplan-lock. */
export const LOCK_SUFFIX = '.heatplan-lock';

export async function readManifest(dir: string): Promise<Manifest> {
  const p = join(dir, MANIFEST);
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch {
    throw new InputError('run-missing', 'not a heatplan run folder (no manifest.json)', {
      file: dir,
      hint: 'run `heatplan demand ... --out DIR` first, or check the path',
    });
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (e) {
    throw new InputError('run-bad-manifest', `manifest.json is not valid JSON: ${(e as Error).message}`, { file: p });
  }
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function describeInputs(paths: string[], role: string): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const f of (await readdir(p)).sort()) {
        const fp = join(p, f);
        if ((await stat(fp)).isFile()) out.push({ path: resolve(fp), bytes: (await stat(fp)).size, sha256: await sha256File(fp), role });
      }
    } else out.push({ path: resolve(p), bytes: s.size, sha256: await sha256File(p), role });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// names, processes, work in flight

const LEFTOVER = /^\.heatplan-(tmp|run|old|previous)-(\d+)-(\d+)$/;
type LeftoverKind = 'tmp' | 'run' | 'old' | 'previous';

/** A fresh sibling name of run `abs`: RUN.heatplan-<kind>-<pid>-<ms>. */
export function siblingPath(abs: string, kind: 'tmp' | 'run' | 'old'): string {
  let ms = Date.now();
  while (existsSync(`${abs}.heatplan-${kind}-${process.pid}-${ms}`)) ms++;
  return `${abs}.heatplan-${kind}-${process.pid}-${ms}`;
}

/** The lock file of run folder `dir`. */
export const lockPath = (dir: string): string => `${resolve(dir)}${LOCK_SUFFIX}`;

/** Field 22 of /proc/PID/stat (start time since boot): tells a reused pid from its first owner. Undefined off Linux. */
function processStart(pid: number): string | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether process `pid` runs on this host (and, given its start time, is the same process). */
export function pidAlive(pid: number, start?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists, as another user's process
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start !== undefined) {
    const now = processStart(pid);
    if (now !== undefined && now !== start) return false;
  }
  return true;
}

/** Folders this thread is writing or has moved aside (never leftovers while it runs). */
const ownFolders = new Set<string>();
/** What a SIGINT/SIGTERM (or an exit mid-way) must undo, synchronously: remove a staging folder, put a run back. */
const inflight = new Set<() => void>();
/** Locks this thread holds, by lock path: count of acquisitions and the `since` that identifies our lock file. */
const held = new Map<string, { count: number; since: string }>();

/** Register a folder of work in flight: removed if the process is interrupted. Returns the function that forgets it. */
export function trackStaging(path: string, undo: () => void = () => rmSync(path, { recursive: true, force: true })): () => void {
  ownFolders.add(path);
  inflight.add(undo);
  ensureHandlers();
  return () => {
    ownFolders.delete(path);
    inflight.delete(undo);
    maybeRemoveHandlers();
  };
}

function undoInflight(): void {
  for (const undo of [...inflight].reverse()) {
    try {
      undo();
    } catch {
      // the next start-up's recovery finishes it
    }
  }
  inflight.clear();
}

let handlersOn = false;
const onExit = (): void => {
  undoInflight();
  releaseAllSync();
};
function onSignal(sig: NodeJS.Signals): void {
  onExit();
  removeHandlers();
  // the default action (end the process by the signal) unless someone else handles it
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}
const onSigint = (): void => onSignal('SIGINT');
const onSigterm = (): void => onSignal('SIGTERM');

function ensureHandlers(): void {
  if (handlersOn) return;
  handlersOn = true;
  process.on('exit', onExit);
  // signals reach the main thread only
  if (isMainThread) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
}
function removeHandlers(): void {
  if (!handlersOn) return;
  handlersOn = false;
  process.off('exit', onExit);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
}
function maybeRemoveHandlers(): void {
  if (held.size === 0 && inflight.size === 0) removeHandlers();
}

const defaultNote = (line: string): void => void process.stderr.write(`heatplan: note: ${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// the lock

/** What RUN.heatplan-lock holds. */
export interface RunLockInfo {
  pid: number;
  host: string;
  /** The command line of the holder. */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The holder's process start time (Linux), against pid reuse. */
  start?: string;
  /** The holder's worker thread (0: main thread). */
  thread?: number;
}

export interface LockOptions {
  /** The holder's command line as recorded (default: this process's, `heatplan route --run ...`). */
  command?: string;
  /** Where the one-line notes go (lock taken over, leftovers recovered); default stderr. */
  note?: (line: string) => void;
}

export interface RunLock {
  readonly path: string;
  /** Release this acquisition (the file goes with the last one of this thread). Idempotent. */
  release(): void;
}

/** This process's command line as people type it: `heatplan run demo.yaml --out x`. */
export function describeCommand(): string {
  const [, script, ...args] = process.argv;
  const b = script ? basename(script) : '';
  if (/^heatplan(\.m?js)?$/.test(b)) return ['heatplan', ...args].join(' ');
  return [basename(process.argv0 || 'node'), ...(script ? [script] : []), ...args].join(' ');
}

function readLock(path: string): RunLockInfo | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const o = JSON.parse(text) as RunLockInfo;
    return typeof o?.pid === 'number' ? o : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

function ago(since: string): string {
  const s = (Date.now() - Date.parse(since)) / 1000;
  if (!Number.isFinite(s)) return 'unknown time';
  return s < 90 ? `${Math.max(0, Math.round(s))} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${(s / 3600).toFixed(1)} h ago`;
}

function lockedError(abs: string, path: string, o: RunLockInfo | undefined): UsageError {
  const who = o
    ? `pid ${o.pid} on ${o.host} ("${o.command}"), since ${o.since} (${ago(o.since)})`
    : 'a process whose lock file cannot be read yet';
  return new UsageError('run-locked', `the run folder is in use by another heatplan command: locked by ${who}`, {
    file: abs,
    hint: `wait for that command to finish (one command at a time on a run folder); if no heatplan runs there any more, remove ${path}`,
  });
}

/** The holder of a lock file is alive (another host: assumed alive, it cannot be checked). */
function holderAlive(o: RunLockInfo): boolean {
  if (o.host !== hostname()) return true;
  // another thread of this process (this thread's own locks never get here): a crashed batch worker's
  if (o.pid === process.pid) return false;
  return pidAlive(o.pid, o.start);
}

/**
 * Lock run folder `dir` (which need not exist; its parent must): create RUN.heatplan-lock with O_EXCL, take over a
 * lock of a dead process with a note, fail with a UsageError naming the holder of a live one. The first lock of a run
 * in this thread also recovers what interrupted heatplan processes left (`recoverRun`).
 */
export async function lockRun(dir: string, o: LockOptions = {}): Promise<RunLock> {
  const abs = resolve(dir);
  const path = lockPath(abs);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return lockHandle(path);
  }
  const note = o.note ?? defaultNote;
  const info: RunLockInfo = { pid: process.pid, host: hostname(), command: o.command ?? describeCommand(), since: new Date().toISOString(), start: processStart(process.pid), thread: threadId };
  removeDeadLockDrafts(path);
  for (let attempt = 0; ; attempt++) {
    // the lock appears whole or not at all: written to a draft of this process, then hard-linked to its name (link
    // fails with EEXIST like O_EXCL, so exactly one process creates it); a kill can leave a draft, never an empty lock
    const draft = `${path}.${process.pid}-${threadId}.draft`;
    try {
      const fd = openSync(draft, 'w');
      try {
        writeSync(fd, JSON.stringify(info) + '\n');
      } finally {
        closeSync(fd);
      }
      try {
        linkSync(draft, path);
      } catch (le) {
        const lc = (le as NodeJS.ErrnoException).code;
        // a file system without hard links: create the lock itself with O_EXCL, as before
        if (lc !== 'EPERM' && lc !== 'ENOTSUP' && lc !== 'EOPNOTSUPP' && lc !== 'ENOSYS') throw le;
        const lf = openSync(path, 'wx');
        try {
          writeSync(lf, JSON.stringify(info) + '\n');
        } finally {
          closeSync(lf);
        }
      } finally {
        rmSync(draft, { force: true });
      }
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // a full disk, a read-only folder, no permission: said in plain words, naming the lock file
        const out = code === 'ENOENT' ? undefined : OutputError.from(e, path);
        if (out) throw out;
        throw new InputError('run-lock-failed', `cannot create the run folder's lock file (${code ?? (e as Error).message})`, {
          file: path,
          hint: 'the folder that holds the run folder must exist and be writable (staging folders and the lock are made beside the run)',
        });
      }
    }
    let other = readLock(path);
    // a lock file just created and not yet written: give its writer a moment
    for (let k = 0; other === 'unreadable' && k < 10; k++) {
      await sleep(30);
      other = readLock(path);
    }
    if (other === 'gone') continue;
    if (other === 'unreadable') {
      const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age < 10_000 || attempt >= 3) throw lockedError(abs, path, undefined);
      // empty or broken for 10 s: its writer died between creating and writing it
      takeOver(path, undefined, note, abs);
      continue;
    }
    if (holderAlive(other) || attempt >= 3) throw lockedError(abs, path, other);
    takeOver(path, other, note, abs);
    await sleep(20 * attempt);
  }
  held.set(path, { count: 1, since: info.since });
  ensureHandlers();
  try {
    recoverRun(abs, note);
  } catch (e) {
    releaseLock(path);
    throw e;
  }
  return lockHandle(path);
}

/** Drafts of lock files (`RUN.heatplan-lock.<pid>-<thread>.draft`) left by processes that are gone: removed. */
function removeDeadLockDrafts(path: string): void {
  const dir = dirname(path), base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = n.startsWith(base + '.') ? /^\.(\d+)-(\d+)\.draft$/.exec(n.slice(base.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    rmSync(join(dir, n), { force: true });
  }
}

/**
 * Remove a dead holder's lock file; a guard file (O_EXCL too, holding the taker's pid and start time) keeps two
 * processes from taking over at once. A guard whose process is dead (killed while taking over) is removed at once;
 * an empty guard is given a moment (its writer may be between creating and writing it) and then counts as dead.
 */
function takeOver(path: string, dead: RunLockInfo | undefined, note: (line: string) => void, abs: string, retry = true): void {
  const guard = `${path}.takeover`;
  try {
    const fd = openSync(guard, 'wx');
    try {
      writeSync(fd, `${process.pid} ${processStart(process.pid) ?? ''}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    if (retry && guardIsStale(guard)) {
      rmSync(guard, { force: true });
      takeOver(path, dead, note, abs, false);
    }
    return;
  }
  try {
    const now = readLock(path);
    const same = dead === undefined ? now === 'unreadable' : now !== 'gone' && now !== 'unreadable' && now.pid === dead.pid && now.since === dead.since;
    if (!same) return;
    rmSync(path, { force: true });
    note(
      dead
        ? `took over the lock of ${abs}: pid ${dead.pid} ("${dead.command}", since ${dead.since}) is no longer running on ${dead.host}`
        : `took over the unreadable lock file ${path} (untouched for 10 s)`,
    );
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Whether a takeover guard was left by a process that is gone. */
function guardIsStale(guard: string): boolean {
  const read = () => {
    try {
      return readFileSync(guard, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  let text = read();
  if (text === undefined) return false; // gone: the other taker finished
  if (text === '') {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    text = read();
    if (text === undefined) return false;
    if (text === '') return true;
  }
  const [pid, start] = text.split(' ');
  return !pidAlive(Number(pid), start || undefined);
}

function lockHandle(path: string): RunLock {
  let done = false;
  return {
    path,
    release: () => {
      if (done) return;
      done = true;
      releaseLock(path);
    },
  };
}

function unlinkIfOurs(path: string, since: string): void {
  const cur = readLock(path);
  if (cur !== 'gone' && cur !== 'unreadable' && cur.pid === process.pid && cur.since === since && (cur.thread ?? 0) === threadId) {
    try {
      unlinkSync(path);
    } catch {
      // gone already
    }
  }
}

function releaseLock(path: string): void {
  const h = held.get(path);
  if (!h) return;
  if (--h.count > 0) return;
  held.delete(path);
  unlinkIfOurs(path, h.since);
  maybeRemoveHandlers();
}

function releaseAllSync(): void {
  for (const [path, h] of held) unlinkIfOurs(path, h.since);
  held.clear();
}

// ---------------------------------------------------------------------------------------------------------------
// recovery

/** A leftover whose writer is gone: another process that is not alive, or this pid but not this thread's folder. */
function abandoned(pid: number, path: string): boolean {
  if (pid === process.pid) return !ownFolders.has(path);
  return !pidAlive(pid);
}

/** Whether the run in `dir` records a scenario that finished at or after `ms`. */
function finishedAfter(dir: string, ms: number): boolean {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
    const t = Date.parse(m.scenarios?.at(-1)?.finished ?? '');
    return Number.isFinite(t) && t >= ms;
  } catch {
    return false;
  }
}

/**
 * Put right what interrupted heatplan processes left at run path `dir` (rules in the module header); call it with the
 * run's lock held (`lockRun` does). Returns what was done; `note` gets it as one line.
 */
export function recoverRun(dir: string, note: (line: string) => void = defaultNote): string[] {
  const abs = resolve(dir);
  const parent = dirname(abs);
  const name = basename(abs);
  const actions: string[] = [];
  const pids = new Set<number>();
  let removed = 0;
  const left: { path: string; kind: LeftoverKind; pid: number; ms: number }[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(parent);
  } catch {
    return actions;
  }
  for (const f of entries) {
    if (!f.startsWith(name)) continue;
    const m = LEFTOVER.exec(f.slice(name.length));
    if (!m) continue;
    const path = join(parent, f);
    const pid = Number(m[2]);
    if (abandoned(pid, path)) left.push({ path, kind: m[1] as LeftoverKind, pid, ms: Number(m[3]) });
  }
  const asides = left.filter((l) => l.kind === 'old' || l.kind === 'previous');
  const newestOld = asides.filter((l) => l.kind === 'old').sort((a, b) => b.ms - a.ms)[0];
  const oldestPrevious = asides.filter((l) => l.kind === 'previous').sort((a, b) => a.ms - b.ms)[0];
  if (!existsSync(abs)) {
    const back = newestOld ?? oldestPrevious;
    if (back) {
      renameSync(back.path, abs);
      pids.add(back.pid);
      actions.push(`put back the run that was moved aside to ${basename(back.path)}`);
      left.splice(left.indexOf(back), 1);
    }
  } else if (oldestPrevious && !finishedAfter(abs, oldestPrevious.ms)) {
    // an old-style `heatplan run` killed mid-way: RUN holds its unfinished new run
    rmSync(abs, { recursive: true, force: true });
    renameSync(oldestPrevious.path, abs);
    pids.add(oldestPrevious.pid);
    actions.push(`replaced the unfinished run with the one that was moved aside to ${basename(oldestPrevious.path)}`);
    left.splice(left.indexOf(oldestPrevious), 1);
  }
  for (const l of left) {
    rmSync(l.path, { recursive: true, force: true });
    pids.add(l.pid);
    removed++;
  }
  // stage staging folders inside the run
  let inside: string[] = [];
  try {
    inside = statSync(abs, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(abs) : [];
  } catch {
    inside = [];
  }
  for (const f of inside) {
    const m = /^\.heatplan-tmp-(\d+)-(\d+)$/.exec(f);
    if (!m) continue;
    const st = join(abs, f);
    const pid = Number(m[1]);
    if (!abandoned(pid, st)) continue;
    pids.add(pid);
    if (existsSync(join(st, COMMIT_MARK))) {
      finishCommit(st, abs);
      actions.push(`finished the interrupted commit of a stage (${f})`);
    } else removed++;
    rmSync(st, { recursive: true, force: true });
  }
  if (removed) actions.push(`removed ${removed} unfinished staging folder${removed > 1 ? 's' : ''}`);
  if (actions.length) note(`${abs}: recovered what an interrupted heatplan (pid ${[...pids].join(', ')}) left: ${actions.join('; ')}`);
  return actions;
}

/** Move a decided stage commit's remaining files in, manifest last. */
function finishCommit(staging: string, dir: string): void {
  const { files, removed } = JSON.parse(readFileSync(join(staging, COMMIT_MARK), 'utf8')) as { files: string[]; removed?: string[] };
  for (const n of files) if (existsSync(join(staging, n))) renameSync(join(staging, n), join(dir, n));
  for (const n of removed ?? []) rmSync(join(dir, n), { force: true });
  if (existsSync(join(staging, MANIFEST))) renameSync(join(staging, MANIFEST), join(dir, MANIFEST));
}

// ---------------------------------------------------------------------------------------------------------------
// swapping a run in, paths in its files

/**
 * Put the complete run at `src` in place of `dest` (absent, or a run): `dest` is moved aside, `src` renamed to it, the
 * old run removed. An interruption between the two renames puts the old run back (signal: at once; kill: recovery).
 */
export async function replaceRun(src: string, dest: string): Promise<void> {
  if (!existsSync(dest)) {
    await rename(src, dest);
    return;
  }
  const old = siblingPath(dest, 'old');
  ownFolders.add(old);
  const undo = () => {
    if (!existsSync(dest) && existsSync(old)) renameSync(old, dest);
  };
  inflight.add(undo);
  ensureHandlers();
  try {
    await rename(dest, old);
    await rename(src, dest);
  } catch (e) {
    undo();
    throw e;
  } finally {
    inflight.delete(undo);
  }
  await rm(old, { recursive: true, force: true });
  ownFolders.delete(old);
  maybeRemoveHandlers();
}

/** Files that may name a path in their text. */
const TEXT_FILES = new Set(['.json', '.geojson', '.html', '.htm', '.svg', '.csv', '.txt', '.xml', '.md', '.yaml', '.yml', '.log']);

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * Replace path `from` by `to` in the text files of run folder `dir` (as written, JSON-escaped and HTML-escaped):
 * a run built at a staging path names its final path. Files are streamed; only those naming `from` are rewritten
 * (write then rename). Returns their names.
 */
export async function rewritePaths(dir: string, from: string, to: string): Promise<string[]> {
  const pairs: [Buffer, Buffer][] = [];
  const seen = new Set<string>();
  for (const [a, b] of [
    [from, to],
    [JSON.stringify(from).slice(1, -1), JSON.stringify(to).slice(1, -1)],
    [escapeHtml(from), escapeHtml(to)],
  ] as const) {
    if (seen.has(a)) continue;
    seen.add(a);
    pairs.push([Buffer.from(a), Buffer.from(b)]);
  }
  const out: string[] = [];
  for (const f of (await readdir(dir)).sort()) {
    const p = join(dir, f);
    if (!TEXT_FILES.has(extname(f).toLowerCase()) || !(await stat(p)).isFile()) continue;
    if (await replaceInFile(p, pairs)) out.push(f);
  }
  return out;
}

async function replaceInFile(file: string, pairs: [Buffer, Buffer][]): Promise<boolean> {
  const keep = Math.max(...pairs.map(([a]) => a.length)) - 1;
  let found = false;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = Buffer.concat([carry, chunk as Buffer]);
    if (pairs.some(([a]) => buf.includes(a))) {
      found = true;
      break;
    }
    carry = buf.subarray(Math.max(0, buf.length - keep));
  }
  if (!found) return false;
  const tmp = `${file}.heatplan-rw-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    carry = Buffer.alloc(0);
    const emit = async (buf: Buffer, final: boolean): Promise<Buffer> => {
      let i = 0;
      for (;;) {
        let best = -1;
        let pair: [Buffer, Buffer] | undefined;
        for (const pr of pairs) {
          const k = buf.indexOf(pr[0], i);
          if (k >= 0 && (best < 0 || k < best)) {
            best = k;
            pair = pr;
          }
        }
        if (best < 0) break;
        await fh.write(buf.subarray(i, best));
        await fh.write(pair![1]);
        i = best + pair![0].length;
      }
      const safe = final ? buf.length : Math.max(i, buf.length - keep);
      await fh.write(buf.subarray(i, safe));
      return buf.subarray(safe);
    };
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) carry = Buffer.from(await emit(Buffer.concat([carry, chunk as Buffer]), false));
    await emit(carry, true);
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// stale stages

/** The heatplan command that refreshes each manifest key (and the report / plan sheet). */
export const STAGE_COMMAND: Record<string, string> = {
  demand: 'demand',
  potential: 'potential',
  areas: 'areas',
  route: 'route',
  sim: 'simulate',
  cost: 'cost',
  report: 'report',
  map: 'export-map',
};

/**
 * Stages that use a stage's outputs, by manifest key, each with the condition under which it did (read from the
 * manifest). Every stage's report.html and plan sheets depend on it too (added by `dependentsOf`).
 */
export const STAGE_DEPENDENTS: Record<string, { stage: StageKey; when?: (m: Manifest) => boolean; why: string }[]> = {
  demand: [
    { stage: 'potential', why: 'the potentials are per demand cell' },
    { stage: 'areas', when: (m) => (m.areas?.demandSource ?? FILES.demand) === FILES.demand, why: 'areas read demand.tif (not a --demand-raster)' },
    { stage: 'route', why: 'consumers are the buildings or blocks' },
  ],
  potential: [
    { stage: 'areas', when: (m) => m.areas?.potentials === true, why: 'areas carry per-area potentials' },
    { stage: 'route', when: (m) => m.route?.plantSource === 'potential', why: 'the plant was placed by --plant-from-potential' },
  ],
  route: [
    { stage: 'sim', why: 'the simulation runs on network.geojson' },
    { stage: 'cost', why: 'the costs price the pipes, services and substations of network.geojson' },
  ],
  sim: [{ stage: 'cost', why: 'fuel, electricity and sales come from the simulation' }],
};

const MAP_FILES = [FILES.mapPng, FILES.mapPdf, FILES.mapSvg];

/** Whether the report / plan-sheet entry `e` still counts: the file in `dir` exists and is older than the entry. */
function fileStale(dir: string, key: string, at: string): boolean {
  const files = key === 'report' ? [FILES.report] : key === 'map' ? MAP_FILES : [];
  const t = Date.parse(at);
  return files.some((f) => {
    const s = statSync(join(dir, f), { throwIfNoEntry: false });
    return !!s && !(s.mtimeMs > t);
  });
}

/**
 * The stages that become stale when `stage` is re-run on a run with manifest `m` in folder `dir`: its dependents that
 * have run, transitively, then report and map if their files are in the run.
 */
export function dependentsOf(stage: string, m: Manifest, dir: string): string[] {
  const out: string[] = [];
  const visit = (k: string) => {
    for (const d of STAGE_DEPENDENTS[k] ?? []) {
      if (out.includes(d.stage) || d.stage === stage || manifestEntry(m, d.stage) === undefined || (d.when && !d.when(m))) continue;
      out.push(d.stage);
      visit(d.stage);
    }
  };
  visit(stage);
  if (existsSync(join(dir, FILES.report))) out.push('report');
  if (MAP_FILES.some((f) => existsSync(join(dir, f)))) out.push('map');
  return out;
}

/** One stale stage: manifest key, the stage whose re-run made it stale, when, and the command that refreshes it. */
export interface StaleStage {
  stage: string;
  since: string;
  at: string;
  /** `heatplan simulate` */
  rerun: string;
}

/**
 * The stale stages of a run, in pipeline order. With the run folder `dir`, report / map entries whose file has been
 * rewritten since (or is gone) are left out.
 */
export function staleList(m: Manifest | null | undefined, dir?: string): StaleStage[] {
  const st = m?.stale;
  if (!st || typeof st !== 'object') return [];
  const order = [...STAGE_KEYS, 'report', 'map'];
  const keys = [...order.filter((k) => k in st), ...Object.keys(st).filter((k) => !order.includes(k))];
  const out: StaleStage[] = [];
  for (const k of keys) {
    const e = st[k];
    if (!e || typeof e !== 'object') continue;
    if (dir !== undefined && (k === 'report' || k === 'map') && !fileStale(dir, k, e.at)) continue;
    out.push({ stage: k, since: String(e.since), at: String(e.at), rerun: `heatplan ${STAGE_COMMAND[k] ?? k}` });
  }
  return out;
}

/** manifest.stale after stages `set` committed into the run at `dir` (mutates `m`). */
function updateStale(m: Manifest, set: string[], dir: string, markDependents: boolean): void {
  const st: Record<string, { since: string; at: string }> = { ...(m.stale ?? {}) };
  for (const k of Object.keys(st)) if ((k === 'report' || k === 'map') && !fileStale(dir, k, st[k]!.at)) delete st[k];
  for (const k of set) delete st[k];
  if (markDependents) {
    const at = new Date().toISOString();
    for (const k of set) for (const d of dependentsOf(k, m, dir)) if (!set.includes(d)) st[d] = { since: k, at };
  }
  if (Object.keys(st).length) m.stale = st;
  else delete m.stale;
}

// ---------------------------------------------------------------------------------------------------------------
// transactions

export interface TransactionOptions extends LockOptions {}

/** A run being written. Write files to `path(name)`, set summaries, then `commit()`; `abort()` on failure. */
export class RunTransaction {
  private committed = false;
  private finished = false;
  private readonly written = new Set<string>();
  /** Files of the run this stage's commit removes (a GeoJSON twin the stage no longer writes). */
  private readonly removed = new Set<string>();
  /** Stage keys set in this transaction (their stale entries clear; their dependents go stale). */
  private readonly set: string[] = [];

  private constructor(
    /** Final folder of the run. */
    readonly dir: string,
    /** Where files are written until commit. */
    readonly stagingDir: string,
    readonly manifest: Manifest,
    private readonly isNew: boolean,
    private readonly lock: RunLock,
    private readonly untrack: () => void,
  ) {}

  /** Start a new run folder at `dir`. An existing run there is replaced on commit (never before). */
  static async create(dir: string, o: TransactionOptions = {}): Promise<RunTransaction> {
    const abs = resolve(dir);
    await mkdir(dirname(abs), { recursive: true });
    const lock = await lockRun(abs, o);
    try {
      if (existsSync(abs) && !existsSync(join(abs, MANIFEST)) && (await readdir(abs)).length > 0) {
        throw new UsageError('run-not-empty', 'output folder exists, is not empty and is not a heatplan run; refusing to replace it', {
          file: abs,
          hint: 'choose another --out',
        });
      }
      const staging = siblingPath(abs, 'tmp');
      const untrack = trackStaging(staging);
      await mkdir(staging, { recursive: true });
      const now = new Date().toISOString();
      return new RunTransaction(abs, staging, { heatplan: { version: VERSION }, created: now, updated: now, inputs: [], stages: [] }, true, lock, untrack);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Add a stage to an existing run folder. */
  static async open(dir: string, o: TransactionOptions = {}): Promise<RunTransaction> {
    const abs = resolve(dir);
    if (!existsSync(dirname(abs))) await readManifest(abs); // throws: no such run
    const lock = await lockRun(abs, o);
    try {
      const manifest = await readManifest(abs);
      // a stage adds itself to the manifest's lists: a manifest without them is not a run this version wrote
      for (const key of ['stages', 'inputs'] as const) {
        if (!Array.isArray((manifest as unknown as Record<string, unknown>)?.[key])) {
          throw new InputError('run-bad-manifest', `manifest.json is not a heatplan manifest: it has no ${key} list`, {
            file: join(abs, MANIFEST),
            value: (manifest as unknown as Record<string, unknown>)?.[key] ?? null,
            hint: 'the run folder is damaged or was not written by heatplan; make it again with `heatplan demand --out DIR` (or `heatplan run`)',
          });
        }
      }
      let ms = Date.now();
      while (existsSync(join(abs, `.heatplan-tmp-${process.pid}-${ms}`))) ms++;
      const staging = join(abs, `.heatplan-tmp-${process.pid}-${ms}`);
      // interrupted: before the commit point the staged stage is dropped, after it the commit is finished
      const untrack = trackStaging(staging, () => {
        if (existsSync(join(staging, COMMIT_MARK))) finishCommit(staging, abs);
        rmSync(staging, { recursive: true, force: true });
      });
      await mkdir(staging, { recursive: true });
      return new RunTransaction(abs, staging, manifest, false, lock, untrack);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Path to write output file `name` to (in the staging folder). */
  path(name: string): string {
    if (name.includes('/') || name.includes('\\') || name === MANIFEST || name === COMMIT_MARK) throw new Error(`invalid run file name ${name}`);
    this.written.add(name);
    return join(this.stagingDir, name);
  }

  /**
   * Remove run file `name` at commit, with the stage's other files (an earlier run's GeoJSON twin that this run does
   * not write: left there, it would hold another run's features). Nothing is removed when the stage fails.
   */
  remove(name: string): void {
    if (name.includes('/') || name.includes('\\') || name === MANIFEST || name === COMMIT_MARK) throw new Error(`invalid run file name ${name}`);
    this.written.delete(name);
    this.removed.add(name);
  }

  /** Record a completed stage's summary under manifest[stage] (types: engine/run/contract.ts StageSummaries). */
  setStage<K extends StageKey>(stage: K, summary: StageSummaries[K]): void;
  /**
   * An untyped summary: for tests and tools that write placeholder records (every stage writes through the typed
   * overload).
   */
  setStage(stage: string, summary: unknown): void;
  setStage(stage: string, summary: unknown): void {
    (this.manifest as unknown as Record<string, unknown>)[stage] = summary;
    if (!this.manifest.stages.includes(stage)) this.manifest.stages.push(stage);
    if (!this.set.includes(stage)) this.set.push(stage);
  }

  addInputs(records: InputRecord[]): void {
    const seen = new Set(this.manifest.inputs.map((r) => `${r.role}:${r.path}`));
    for (const r of records) if (!seen.has(`${r.role}:${r.path}`)) this.manifest.inputs.push(r);
  }

  async commit(): Promise<void> {
    if (this.committed) return;
    this.manifest.updated = new Date().toISOString();
    // a new run has nothing downstream to go stale; a stage added to a run marks its dependents
    updateStale(this.manifest, this.set, this.dir, !this.isNew);
    const part = join(this.stagingDir, `${MANIFEST}.part`);
    await writeFile(part, JSON.stringify(this.manifest, null, 2) + '\n');
    await rename(part, join(this.stagingDir, MANIFEST));
    if (this.isNew) {
      await replaceRun(this.stagingDir, this.dir);
    } else {
      const files = [...this.written].filter((name) => existsSync(join(this.stagingDir, name)));
      const removed = [...this.removed].filter((name) => !this.written.has(name) && existsSync(join(this.dir, name)));
      // the commit point: from here an interrupted commit is finished by the next start-up, not undone
      await writeFile(join(this.stagingDir, `${COMMIT_MARK}.part`), JSON.stringify(removed.length ? { files, removed } : { files }) + '\n');
      await rename(join(this.stagingDir, `${COMMIT_MARK}.part`), join(this.stagingDir, COMMIT_MARK));
      for (const name of files) await rename(join(this.stagingDir, name), join(this.dir, name));
      for (const name of removed) await rm(join(this.dir, name), { force: true });
      // the manifest last: until it is in place, the run does not claim the new stage
      await rename(join(this.stagingDir, MANIFEST), join(this.dir, MANIFEST));
      await rm(this.stagingDir, { recursive: true, force: true });
    }
    this.committed = true;
    this.finish();
  }

  async abort(): Promise<void> {
    if (this.committed || this.finished) return;
    try {
      await rm(this.stagingDir, { recursive: true, force: true });
    } finally {
      this.finish();
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.untrack();
    this.lock.release();
  }
}

/** Run `fn` in a transaction; abort (removing everything written) if it throws. */
export async function withRun<T>(tx: RunTransaction, fn: (tx: RunTransaction) => Promise<T>): Promise<T> {
  try {
    const r = await fn(tx);
    await tx.commit();
    return r;
  } catch (e) {
    await tx.abort();
    throw e;
  }
}

export const runName = (dir: string): string => basename(resolve(dir));
