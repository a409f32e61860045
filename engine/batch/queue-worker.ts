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
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Queue, UnrecoverableError, WaitingChildrenError, Worker, type Job } from 'bullmq';
import { jobFingerprint, markStarted, stageComplete } from './jobs.js';
import { WorkerPool } from './pool.js';
import { checkQueue, connectQueue, maskSecrets, QUEUE_PREFIX, type newRedis, type QueueTarget } from './queue-connection.js';
import {
  areaViews, batchManifest, completionsKey, jobOptions, tileId,
  type JobData, type ScanJobData, type ScanJobResult, type StageJobData, type StageJobResult, type SummaryJobData, type SummaryJobResult, type TileJobData, type TileJobResult,
} from './queue-flow.js';
import { writeAtomic, writeSummary } from './summary.js';
import { ensureDir, planTiles, removeTiles, tileFolder, type ScanResult, type TileResult } from './tiles.js';
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
  const ctx: Ctx = { pool, queue, redis, log, target: t };
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
  return { completed, failed };
}

interface Ctx {
  pool: WorkerPool;
  queue: Queue;
  redis: ReturnType<typeof newRedis>;
  log: (line: string) => void;
  target: QueueTarget;
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
      r = d.tiled ? await tiledDemand(c, job, d, token) : await stage(c, d);
      break;
    case 'scan': {
      const o = await c.pool.run<ScanResult>({ kind: 'scan', file: d.file, demand: d.demand });
      if (!o.ok) throw fail(o.error, o.crashed);
      r = { kind: 'scan', fileIndex: d.fileIndex, result: o.result } satisfies ScanJobResult;
      break;
    }
    case 'tile': {
      const o = await c.pool.run<TileResult>({ kind: 'tile', tile: d.tile });
      if (!o.ok) throw fail(o.error, o.crashed);
      r = { kind: 'tile', i: o.result.i, j: o.result.j, buildings: o.result.buildings, seconds: o.result.seconds } satisfies TileJobResult;
      break;
    }
    case 'summary':
      r = await summary(c, d);
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
  if (stageComplete(d.out, d.area, d.job, fp)) return { kind: 'stage', stage: d.job.stage, status: 'reused', seconds: 0 };
  await markStarted(d.out, d.area, d.job.stage, fp);
  const o = await c.pool.run<StagesResult>({ kind: 'stages', area: d.def, dir: d.job.runDir, stages: [d.job.stage] });
  if (!o.ok) throw fail(o.error, true);
  if (o.result.failed) throw fail(o.result.failed.message, false);
  await countCompletion(c, d);
  return { kind: 'stage', stage: d.job.stage, status: 'ran', seconds: (performance.now() - t0) / 1000 };
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
  if (stageComplete(d.out, d.area, d.job, fp)) return { kind: 'stage', stage: 'demand', status: 'reused', seconds: 0 };
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
    const folder = tileFolder(d.out, d.area, plan.key);
    const prefixes = plan.tiles.map((tile) => join(folder, `tile-${tile.i}-${tile.j}`));
    const done = new Set(values.filter((v): v is TileJobResult => v?.kind === 'tile').map((v) => `${v.i}.${v.j}`));
    const missing = plan.tiles.map((tile, k) => ({ tile, k })).filter(({ tile }) => !done.has(`${tile.i}.${tile.j}`));
    if (missing.length) {
      await ensureDir(folder);
      const ids = plan.tiles.map((tile) => tileId(d.run, d.index, tile.i, tile.j));
      if (!d.tileIds) await job.updateData({ ...d, tileIds: ids });
      await c.queue.addBulk(
        missing.map(({ tile, k }) => ({
          name: `${d.area}:tile`,
          data: { run: d.run, out: d.out, area: d.area, index: d.index, retries: d.retries, kind: 'tile', tile: { plan, tile, demand: tiled.demand, prefix: prefixes[k]! } } satisfies TileJobData,
          opts: jobOptions(ids[k]!, d.retries, { parent: { id: job.id!, queue: job.queueQualifiedName }, failParentOnFailure: true }),
        })),
      );
      c.log(`heatplan worker: job ${job.id} (${job.name}): ${plan.tiles.length} tiles planned, ${missing.length} to run; waiting for them`);
      if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
      continue; // every tile finished meanwhile
    }
    await markStarted(d.out, d.area, 'demand', fp);
    const o = await c.pool.run<StagesResult>({ kind: 'stages', area: d.def, dir: d.job.runDir, stages: ['demand'], merge: { dir: d.job.runDir, plan, scans, prefixes } });
    if (!o.ok) throw fail(o.error, true);
    if (o.result.failed) throw fail(o.result.failed.message, false);
    await removeTiles(d.out, d.area);
    await countCompletion(c, d);
    return { kind: 'stage', stage: 'demand', status: 'ran', seconds: (performance.now() - t0) / 1000, tiles: plan.tiles.length };
  }
}

/** The flow's parent: every area has finished or failed; write summary.csv, summary.geojson and batch.json. */
async function summary(c: Ctx, d: SummaryJobData): Promise<SummaryJobResult> {
  const views = await areaViews(c.queue, d);
  const records = views.map((v) => v.record);
  await writeSummary(d.out, records);
  const done = records.filter((r) => r.status === 'done').length;
  const failed = records.filter((r) => r.status === 'failed').length;
  await writeAtomic(join(d.out, 'batch.json'), JSON.stringify(batchManifest(d, records, new Date().toISOString()), null, 2) + '\n');
  return { kind: 'summary', areas: records, done, failed };
}
