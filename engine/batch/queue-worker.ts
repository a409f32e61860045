/**
 * `heatplan worker`: runs batch jobs from the BullMQ queue on this machine, any number of machines at once.
 *
 * Each job runs on a worker thread of the local pool (engine/batch/pool.ts, the same worker engine/batch/worker.ts as a
 * local batch), so the process's main thread stays free to renew the jobs' locks however long a stage computes.
 * - Stalled jobs (at-least-once): a worker that dies (SIGKILL, power cut) stops renewing its jobs' locks; after
 *   `lockDuration` (default 30 s) the lock expires, and the stalled-job check that every live worker runs each
 *   `stalledInterval` (default 30 s) moves the job back to the wait list for another worker: a killed worker's job runs
 *   again within lockDuration + stalledInterval. A job may stall `maxStalledCount` times (default 2) before it fails.
 *   A shorter lockDuration finds dead workers sooner but costs more Redis traffic and, on an overloaded machine whose
 *   main thread stalls longer than the lock, a needless second delivery (harmless: jobs are idempotent).
 * - Idempotent jobs: a stage job delivered again after its stage was committed is a no-op reported as "reused"
 *   (engine/batch/jobs.ts: start marker + manifest); tiles are kept by their files; a stage interrupted before its
 *   commit left nothing in the run folder (the run-folder transaction) and runs again.
 * - Failures: a stage's typed error (bad input) fails the job at once (no retry: it would fail the same way) and, by the
 *   flow, the rest of its area; a crashed thread or a busy run folder is retried (attempts 1 + retries, backoff).
 * - Completions are counted in Redis per area and stage (a stage actually run to its commit).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Queue, UnrecoverableError, WaitingChildrenError, Worker, type Job } from 'bullmq';
import { lockRun, pidAlive, replaceRun, rewritePaths } from '../io/run-folder.js';
import { jobFingerprint, markStarted, stageComplete } from './jobs.js';
import { WorkerPool } from './pool.js';
import { checkQueue, connectQueue, maskSecrets, QUEUE_PREFIX, type newRedis, type QueueTarget } from './queue-connection.js';
import {
  areaViews, batchManifest, BUILD_DIR, claimsKey, completionsKey, jobOptions, tileId,
  type JobData, type ScanJobData, type ScanJobResult, type StageJobData, type StageJobResult, type SummaryJobData, type SummaryJobResult, type TileJobData, type TileJobResult,
} from './queue-flow.js';
import { S3Store, type CommitRecord } from './store-s3.js';
import type { StoreCredentials, StoreRef } from './store-target.js';
import { writeAtomic, writeSummary } from './summary.js';
import { ensureDir, planTiles, removeTiles, tileFolder, type MergeTask, type ScanResult, type TileResult } from './tiles.js';
import { STAGE_ORDER, type StageName } from './stages.js';
import type { StagesResult } from './worker.js';

export interface QueueWorkerOptions {
  target: QueueTarget;
  /** Jobs at once (= worker threads), default 1. */
  concurrency?: number;
  /** Job lock, ms (default 30,000). */
  lockDurationMs?: number;
  /** Stalled-job check interval, ms (default 30,000). */
  stalledIntervalMs?: number;
  /** Stalls before a job fails (default 2). */
  maxStalledCount?: number;
  /** V8 heap limit per worker thread, MB. */
  workerMemoryMb?: number;
  /** One line per event (job started, done, failed). */
  log?: (line: string) => void;
  /** Resolves when the worker should stop (after its running jobs). */
  until?: Promise<unknown>;
  /** Credentials of the object store the jobs name (default: the AWS SDK's chain: environment, ~/.aws). */
  storeCredentials?: StoreCredentials;
  /** Local scratch folder for store jobs (default: the system's temporary folder). */
  scratch?: string;
}

export const DEFAULT_LOCK_MS = 30_000;
export const DEFAULT_STALLED_MS = 30_000;
export const DEFAULT_MAX_STALLED = 2;

const PREFIX = QUEUE_PREFIX;

/** Run jobs until `until` resolves; returns counts. */
export async function runQueueWorker(o: QueueWorkerOptions): Promise<{ completed: number; failed: number }> {
  const t = o.target;
  const log = o.log ?? ((l: string) => void process.stderr.write(`${l}\n`));
  await checkQueue(t);
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const pool = new WorkerPool({ workers: concurrency, retries: 0, maxOldGenerationMb: o.workerMemoryMb });
  const conn = connectQueue(t, (line) => log(`heatplan worker: ${line}`));
  const { queue, redis, client } = conn;
  const scratchRoot = o.scratch ?? tmpdir();
  cleanScratch(scratchRoot, log);
  const stores = new Map<string, S3Store>();
  const ctx: Ctx = {
    pool, queue, redis, log, target: t,
    scratch: join(scratchRoot, `heatplan-worker-${process.pid}`),
    store: (ref) => {
      const k = JSON.stringify(ref);
      let s = stores.get(k);
      if (!s) stores.set(k, (s = new S3Store(ref, o.storeCredentials)));
      return s;
    },
  };
  const workerName = `${hostname()}:${process.pid}`;
  const worker = new Worker(t.name, (job: Job, token?: string) => processJob(ctx, job, token), {
    connection: client(true),
    prefix: PREFIX,
    name: workerName,
    concurrency,
    lockDuration: o.lockDurationMs ?? DEFAULT_LOCK_MS,
    stalledInterval: o.stalledIntervalMs ?? DEFAULT_STALLED_MS,
    maxStalledCount: o.maxStalledCount ?? DEFAULT_MAX_STALLED,
    autorun: false,
  });
  let completed = 0, failed = 0;
  worker.on('completed', () => void completed++);
  worker.on('failed', (job, err) => {
    failed++;
    if (job && !(err instanceof WaitingChildrenError)) log(`heatplan worker: job ${job.id} (${job.name}) failed: ${maskSecrets(err.message, t)}`);
  });
  worker.on('stalled', (id) => log(`heatplan worker: job ${id} stalled (its worker stopped renewing the lock); it goes back to the queue`));
  worker.on('error', (e) => log(`heatplan worker: ${maskSecrets(e.message, t)}`));
  log(`heatplan worker: ${workerName} on ${t.masked} queue ${t.name}, concurrency ${concurrency}, lock ${(o.lockDurationMs ?? DEFAULT_LOCK_MS) / 1000} s, stalled check every ${(o.stalledIntervalMs ?? DEFAULT_STALLED_MS) / 1000} s`);
  const running = worker.run();
  await (o.until ?? new Promise(() => {}));
  log('heatplan worker: stopping after the running jobs');
  await worker.close();
  await running.catch(() => undefined);
  await pool.close();
  await conn.close();
  for (const s of stores.values()) s.close();
  await rm(ctx.scratch, { recursive: true, force: true });
  return { completed, failed };
}

interface Ctx {
  pool: WorkerPool;
  queue: Queue;
  redis: ReturnType<typeof newRedis>;
  log: (line: string) => void;
  target: QueueTarget;
  /** This process's scratch folder (store jobs' local copies). */
  scratch: string;
  store: (ref: StoreRef) => S3Store;
}

/** Scratch folders of worker processes that died (a SIGKILL leaves its local copies behind). */
function cleanScratch(root: string, log: (l: string) => void): void {
  let names: string[] = [];
  try {
    names = readdirSync(root).filter((n) => /^heatplan-worker-\d+$/.test(n));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(n.slice('heatplan-worker-'.length));
    if (pid === process.pid || pidAlive(pid)) continue;
    void rm(join(root, n), { recursive: true, force: true }).then(
      () => log(`heatplan worker: removed ${join(root, n)}, the scratch folder of a worker that died`),
      (e: Error) => log(`heatplan worker: cannot remove ${join(root, n)}, the scratch folder of a worker that died: ${e.message}`),
    );
  }
}

/** A fresh local folder for one delivery of a job. */
async function scratchFor(c: Ctx, job: Job): Promise<string> {
  const d = join(c.scratch, `${String(job.id).replace(/[^A-Za-z0-9._-]/g, '_')}-${randomBytes(4).toString('hex')}`);
  await mkdir(d, { recursive: true });
  return d;
}

async function processJob(c: Ctx, job: Job, token: string | undefined): Promise<unknown> {
  const d = job.data as JobData;
  const t0 = performance.now();
  const label = `job ${job.id} (${job.name})`;
  const again = job.attemptsMade + (job.stalledCounter ?? 0);
  c.log(`heatplan worker: ${label} started${again ? ` (delivery ${again + 1}: ${job.stalledCounter ? `stalled ${job.stalledCounter}x` : ''}${job.stalledCounter && job.attemptsMade ? ', ' : ''}${job.attemptsMade ? `failed ${job.attemptsMade}x` : ''})` : ''}`);
  let r: unknown;
  switch (d.kind) {
    case 'stage':
      r = d.tiled ? await tiledDemand(c, job, d, token) : d.store ? await storeStage(c, job, d) : await stage(c, d);
      break;
    case 'scan': {
      const o = await c.pool.run<ScanResult>({ kind: 'scan', file: d.file, demand: d.demand });
      if (!o.ok) throw fail(o.error, o.crashed);
      r = { kind: 'scan', fileIndex: d.fileIndex, result: o.result } satisfies ScanJobResult;
      break;
    }
    case 'tile': {
      const res = d.store ? await storeTile(c, job, d) : await c.pool.run<TileResult>({ kind: 'tile', tile: d.tile });
      if (!res.ok) throw fail(res.error, res.crashed);
      r = { kind: 'tile', i: res.result.i, j: res.result.j, buildings: res.result.buildings, seconds: res.result.seconds, ...('key' in res ? { key: res.key } : {}) } satisfies TileJobResult;
      break;
    }
    case 'summary':
      r = await summary(c, d, job);
      break;
  }
  const what = (r as StageJobResult).status === 'reused' ? 'complete already: reused' : 'done';
  c.log(`heatplan worker: ${label} ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

/**
 * The error a failed pool task becomes: a crashed thread and a run folder busy with another command are retried
 * (attempts); a stage's own error is final.
 */
function fail(message: string, crashed: boolean): Error {
  if (crashed || /run folder is in use by another heatplan command/.test(message)) return new Error(message);
  return new UnrecoverableError(message);
}

async function stage(c: Ctx, d: StageJobData): Promise<StageJobResult> {
  const t0 = performance.now();
  const fp = jobFingerprint(d.job);
  const swapLast = d.mode === 'swap' && d.last;
  // a swap build's last stage delivered again after the swap: the area's folder holds the committed stage
  if (swapLast && !existsSync(d.job.runDir) && stageComplete(d.out, d.area, { ...d.job, runDir: d.final }, fp)) return { kind: 'stage', stage: d.job.stage, status: 'reused', seconds: 0 };
  if (stageComplete(d.out, d.area, d.job, fp)) {
    if (swapLast) await swapIn(d); // committed in the build, killed before the swap
    return { kind: 'stage', stage: d.job.stage, status: 'reused', seconds: 0 };
  }
  await markStarted(d.out, d.area, d.job.stage, fp);
  if (d.mode === 'swap') await mkdir(dirname(d.job.runDir), { recursive: true });
  const o = await c.pool.run<StagesResult>({ kind: 'stages', area: d.def, dir: d.job.runDir, stages: [d.job.stage] });
  if (!o.ok) throw fail(o.error, true);
  if (o.result.failed) throw fail(o.result.failed.message, false);
  if (swapLast) await swapIn(d);
  await countCompletion(c, d);
  return { kind: 'stage', stage: d.job.stage, status: 'ran', seconds: (performance.now() - t0) / 1000 };
}

/**
 * A remade area's build (DIR/.heatplan-build/<run>/<area>) put in place of its previous run, as the local worker and
 * `heatplan run` do: under the area's lock, paths in text files rewritten to the area's folder, two renames.
 */
async function swapIn(d: StageJobData): Promise<void> {
  const build = d.job.runDir;
  if (!existsSync(build)) return;
  const lock = await lockRun(d.final, { note: () => {} });
  try {
    await rewritePaths(build, build, d.final);
    await replaceRun(build, d.final);
  } finally {
    lock.release();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// stage jobs on an object store (engine/batch/store-s3.ts): local copy, upload as a new commit, claim, refs

/** The base a store stage job starts from: the run's previous stage, or (first job, not demand: a resume) HEAD. */
async function storeBase(s: S3Store, d: StageJobData): Promise<CommitRecord | undefined> {
  if (!d.first) {
    const ref = await s.runRef(d.run, d.area);
    if (!ref) throw new Error(`internal error: the commit of ${d.area}'s previous stage is missing from the store (${s.runRefKey(d.run, d.area)})`);
    return ref;
  }
  return d.job.stage === 'demand' ? undefined : await s.head(d.area);
}

/**
 * Write the refs of a claimed commit (idempotent: the same record again). Refs only move forward: a late duplicate of
 * stage k, delivered again after stage k+1 of the run committed, leaves the refs at k+1.
 */
async function publish(s: S3Store, d: StageJobData, rec: CommitRecord): Promise<void> {
  const ahead = (cur: CommitRecord | undefined) => cur !== undefined && cur.run === rec.run && STAGE_ORDER.indexOf(cur.stage as StageName) > STAGE_ORDER.indexOf(rec.stage as StageName);
  if (!ahead(await s.runRef(d.run, d.area))) await s.writeRef(s.runRefKey(d.run, d.area), rec);
  if ((rec.mode === 'direct' || d.last) && !ahead(await s.head(d.area))) await s.writeRef(s.headKey(d.area), rec);
}

const claimField = (d: StageJobData) => `${d.area}.${d.job.stage}`;

/**
 * One stage on the store: a delivery whose stage was claimed already (by itself before a crash, or by another) only
 * writes the refs again; otherwise base -> local copy -> stage -> upload as commit <run>.<stage>.<random> -> claim.
 * `merge` fills the local folder instead of running the stage on the base (tiled demand's merge).
 */
async function storeStage(c: Ctx, job: Job, d: StageJobData, merge?: (dir: string, scratch: string) => Promise<Omit<MergeTask, 'dir'>>): Promise<StageJobResult> {
  const t0 = performance.now();
  const s = c.store(d.store!);
  const key = claimsKey(PREFIX, c.target.name, d.run);
  // claims are per batch run: a claimed stage was run by this run (an earlier delivery that died after its claim, or
  // another delivery), so the area's record says "ran", as the local pool's would
  const prior = await c.redis.hget(key, claimField(d));
  if (prior) {
    await publish(s, d, JSON.parse(prior) as CommitRecord);
    c.log(`heatplan worker: job ${job.id}: ${d.area}'s ${d.job.stage} was committed by an earlier delivery; its refs written again`);
    return { kind: 'stage', stage: d.job.stage, status: 'ran', seconds: 0 };
  }
  const scratch = await scratchFor(c, job);
  try {
    const dir = join(scratch, d.area);
    const base = merge ? undefined : await storeBase(s, d);
    const tDown = performance.now();
    if (base) await s.checkout(base, dir);
    const m = merge ? await merge(dir, scratch) : undefined;
    const downS = (performance.now() - tDown) / 1000;
    const o = await c.pool.run<StagesResult>({ kind: 'stages', area: d.def, dir, stages: [d.job.stage], ...(m ? { merge: { ...m, dir } } : {}) });
    if (!o.ok) throw fail(o.error, true);
    if (o.result.failed) throw fail(o.result.failed.message, false);
    const commit = `${d.run}.${d.job.stage}.${randomBytes(6).toString('hex')}`;
    const tUp = performance.now();
    const rec = await s.upload({ area: d.area, run: d.run, stage: d.job.stage, commit, dir, base, mode: d.mode });
    const changed = rec.files.filter((f) => !base?.files.some((b) => b.name === f.name && b.sha256 === f.sha256));
    const mb = (n: number) => (n / 1e6).toFixed(2);
    c.log(`heatplan worker: job ${job.id}: store: ${merge ? 'tiles' : 'base'} down ${downS.toFixed(2)} s (${mb(merge ? 0 : base?.files.reduce((t, f) => t + f.bytes, 0) ?? 0)} MB), commit up ${((performance.now() - tUp) / 1000).toFixed(2)} s (${changed.length} of ${rec.files.length} files, ${mb(changed.reduce((t, f) => t + f.bytes, 0))} MB; the rest copied on the server)`);
    if (!(await c.redis.hsetnx(key, claimField(d), JSON.stringify(rec)))) {
      // another delivery of this job committed first: ours goes, theirs stands
      await s.discard(d.area, commit);
      await publish(s, d, JSON.parse((await c.redis.hget(key, claimField(d)))!) as CommitRecord);
      c.log(`heatplan worker: job ${job.id}: another delivery committed ${d.area}'s ${d.job.stage} first; this one's upload was removed`);
      return { kind: 'stage', stage: d.job.stage, status: 'ran', seconds: (performance.now() - t0) / 1000 };
    }
    await publish(s, d, rec);
    await countCompletion(c, d);
    return { kind: 'stage', stage: d.job.stage, status: 'ran', seconds: (performance.now() - t0) / 1000 };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const TILE_PARTS = ['ndjson', 'bin', 'json'] as const; // json last: its presence says the tile is complete

/**
 * A tile on the store: computed in a local folder, its files uploaded under a key of this delivery's own (the run's
 * tile prefix + a random suffix, json last), which the job's result names; the merge reads the keys of the deliveries
 * BullMQ took as the tiles' results, so a second delivery of a tile overwrites nothing (its upload goes with the run's
 * tile prefix at the end of the run).
 */
async function storeTile(c: Ctx, job: Job, d: TileJobData): Promise<{ ok: true; result: TileResult; key: string } | { ok: false; error: string; crashed: boolean }> {
  const s = c.store(d.store!);
  const key = `${d.tile.prefix}-${randomBytes(4).toString('hex')}`;
  const scratch = await scratchFor(c, job);
  try {
    const local = join(scratch, 'tile');
    const o = await c.pool.run<TileResult>({ kind: 'tile', tile: { ...d.tile, prefix: local } });
    if (!o.ok) return { ok: false, error: o.error, crashed: o.crashed };
    for (const part of TILE_PARTS) await s.putFile(`${key}.${part}`, `${local}.${part}`);
    return { ok: true, result: o.result, key };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function countCompletion(c: Ctx, d: StageJobData): Promise<void> {
  await c.redis.hincrby(completionsKey(PREFIX, c.target.name, d.run), `${d.area}.${d.job.stage}`, 1);
}

/**
 * A tiled area's demand stage, in steps: (1) its children, the scans, are done: plan the tiles and add them as more
 * children, then wait for them (BullMQ's waiting-children); (2) every tile is done: merge them into the run folder.
 * The plan is a pure function of the scans, so a step repeated after a stall plans the same tiles (same job ids).
 */
async function tiledDemand(c: Ctx, job: Job, d: StageJobData, token: string | undefined): Promise<StageJobResult> {
  const t0 = performance.now();
  const tiled = d.tiled!;
  const fp = jobFingerprint(d.job);
  const store = d.store ? c.store(d.store) : undefined;
  if (!store && stageComplete(d.out, d.area, d.job, fp)) {
    if (d.mode === 'swap' && d.last) await swapIn(d);
    return { kind: 'stage', stage: 'demand', status: 'reused', seconds: 0 };
  }
  if (!store && d.mode === 'swap' && d.last && !existsSync(d.job.runDir) && stageComplete(d.out, d.area, { ...d.job, runDir: d.final }, fp)) return { kind: 'stage', stage: 'demand', status: 'reused', seconds: 0 };
  for (;;) {
    const values = Object.values(await job.getChildrenValues()) as (ScanJobResult | TileJobResult | StageJobResult)[];
    const scans: ScanResult[] = [];
    for (const v of values) if (v?.kind === 'scan') scans[v.fileIndex] = v.result;
    if (scans.filter(Boolean).length !== tiled.files.length) throw new Error(`internal error: ${tiled.files.length - scans.filter(Boolean).length} scan result(s) missing`);
    let plan;
    try {
      plan = planTiles(scans, tiled.demand, tiled.spec);
    } catch (e) {
      throw new UnrecoverableError((e as Error).message);
    }
    // on the store the tiles' files live under the run's tile prefix (keys), else in DIR/.tiles (paths)
    const folder = store ? store.tilePrefix(d.run, d.area, plan.key) : tileFolder(d.out, d.area, plan.key);
    const prefixes = plan.tiles.map((tile) => (store ? `${folder}tile-${tile.i}-${tile.j}` : join(folder, `tile-${tile.i}-${tile.j}`)));
    const done = new Set(values.filter((v): v is TileJobResult => v?.kind === 'tile').map((v) => `${v.i}.${v.j}`));
    const missing = plan.tiles.map((tile, k) => ({ tile, k })).filter(({ tile }) => !done.has(`${tile.i}.${tile.j}`));
    if (missing.length) {
      if (!store) await ensureDir(folder);
      const ids = plan.tiles.map((tile) => tileId(d.run, d.index, tile.i, tile.j));
      if (!d.tileIds) await job.updateData({ ...d, tileIds: ids });
      await c.queue.addBulk(
        missing.map(({ tile, k }) => ({
          name: `${d.area}:tile`,
          data: { run: d.run, out: d.out, area: d.area, index: d.index, retries: d.retries, ...(d.store ? { store: d.store } : {}), kind: 'tile', tile: { plan, tile, demand: tiled.demand, prefix: prefixes[k]! } } satisfies TileJobData,
          opts: jobOptions(ids[k]!, d.retries, { parent: { id: job.id!, queue: job.queueQualifiedName }, failParentOnFailure: true }),
        })),
      );
      c.log(`heatplan worker: job ${job.id} (${job.name}): ${plan.tiles.length} tiles planned, ${missing.length} to run; waiting for them`);
      if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
      continue; // every tile finished meanwhile
    }
    if (store) {
      // the tiles' files (at the keys their jobs' results name) brought to a local folder, merged there, committed as
      // the demand stage
      const keyOf = new Map(values.filter((v): v is TileJobResult => v?.kind === 'tile').map((v) => [`${v.i}.${v.j}`, v.key]));
      const keys = plan.tiles.map((tile) => keyOf.get(`${tile.i}.${tile.j}`));
      if (keys.some((k) => !k)) throw new Error(`internal error: a tile of ${d.area} has no store key in its job's result`);
      const r = await storeStage(c, job, d, async (_dir, scratch) => {
        const local = keys.map((_, k) => join(scratch, 'tiles', `tile-${k}`));
        await mkdir(join(scratch, 'tiles'), { recursive: true });
        for (let k = 0; k < keys.length; k++) for (const part of TILE_PARTS) await store.getFile(`${keys[k]}.${part}`, `${local[k]}.${part}`);
        return { plan, scans, prefixes: local };
      });
      return { ...r, seconds: (performance.now() - t0) / 1000, tiles: plan.tiles.length };
    }
    await markStarted(d.out, d.area, 'demand', fp);
    if (d.mode === 'swap') await mkdir(dirname(d.job.runDir), { recursive: true });
    const o = await c.pool.run<StagesResult>({ kind: 'stages', area: d.def, dir: d.job.runDir, stages: ['demand'], merge: { dir: d.job.runDir, plan, scans, prefixes } });
    if (!o.ok) throw fail(o.error, true);
    if (o.result.failed) throw fail(o.result.failed.message, false);
    if (d.mode === 'swap' && d.last) await swapIn(d);
    await removeTiles(d.out, d.area);
    await countCompletion(c, d);
    return { kind: 'stage', stage: 'demand', status: 'ran', seconds: (performance.now() - t0) / 1000, tiles: plan.tiles.length };
  }
}

/**
 * The flow's parent: every area has finished or failed; write summary.csv, summary.geojson and batch.json (into DIR, or
 * onto the store), clear what the run left (file-system builds of failed remakes; the store's run refs, tiles and
 * commits no HEAD names), and, with a retention, remove the run's other jobs from Redis (their records are in the
 * summary's result and batch.json).
 */
async function summary(c: Ctx, d: SummaryJobData, job: Job): Promise<SummaryJobResult> {
  // the records are kept in the job's data before any job is removed: a delivery of the summary again (its worker
  // died after the removal) writes the same tables instead of reading the removed jobs as never run
  let final = d.final;
  if (!final) {
    const views = await areaViews(c.queue, d);
    const jobs = { done: 0, running: 0, failed: 0, waiting: 0 };
    for (const v of views) for (const k of Object.keys(jobs) as (keyof typeof jobs)[]) jobs[k] += v.jobs[k];
    final = { records: views.map((v) => v.record), jobs, ids: views.flatMap((v) => v.ids) };
    await job.updateData({ ...d, final } satisfies SummaryJobData);
  }
  const { records, jobs } = final;
  const done = records.filter((r) => r.status === 'done').length;
  const failed = records.filter((r) => r.status === 'failed').length;
  const manifestText = JSON.stringify(batchManifest(d, records, new Date().toISOString()), null, 2) + '\n';
  if (d.store) {
    const s = c.store(d.store);
    const scratch = await scratchFor(c, job);
    try {
      // the tables read each area's current run (HEAD): its manifest and demand grid
      for (const a of d.areas) {
        const head = await s.head(a.name);
        if (head) await s.checkout(head, join(scratch, a.name), (n) => n === 'manifest.json' || n === 'demand.tif');
      }
      await writeSummary(scratch, records);
      await s.putText(s.key('summary.csv'), await readFile(join(scratch, 'summary.csv'), 'utf8'), 'text/csv');
      await s.putText(s.key('summary.geojson'), await readFile(join(scratch, 'summary.geojson'), 'utf8'), 'application/geo+json');
      await s.putText(s.key('batch.json'), manifestText);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    await s.deletePrefix(s.key('.heatplan', 'runs', d.run) + '/');
    await s.deletePrefix(s.key('.heatplan', 'tiles', d.run) + '/');
    for (const a of d.areas) if (a.jobs.length) await s.pruneCommits(a.name);
  } else {
    await writeSummary(d.out, records);
    await writeAtomic(join(d.out, 'batch.json'), manifestText);
    await rm(join(d.out, BUILD_DIR, d.run), { recursive: true, force: true });
    if (existsSync(join(d.out, BUILD_DIR)) && readdirSync(join(d.out, BUILD_DIR)).length === 0) await rm(join(d.out, BUILD_DIR), { recursive: true, force: true });
  }
  let removedJobs = 0;
  if (d.retention_s !== null) {
    const kept: string[] = [];
    for (const id of final.ids) {
      try {
        removedJobs += await c.queue.remove(id);
      } catch {
        kept.push(id); // locked by a late duplicate delivery still running
      }
    }
    if (kept.length) c.log(`heatplan worker: job ${job.id}: ${kept.length} job(s) of the run still locked, left in Redis: ${kept.slice(0, 5).join(', ')}${kept.length > 5 ? ', ...' : ''}`);
    for (const k of [completionsKey(PREFIX, c.target.name, d.run), claimsKey(PREFIX, c.target.name, d.run)]) await c.redis.expire(k, Math.max(1, Math.round(d.retention_s)));
  }
  return { kind: 'summary', areas: records, done, failed, jobs, removedJobs };
}
