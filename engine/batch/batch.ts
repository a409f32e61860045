/**
 * `runBatch`: every area of a batch file through its stages on a worker pool, with checkpoints.
 * - Each area's run folder DIR/<name>/ is written by the stages' own transactions (complete or absent, never half).
 * - DIR/batch.json (the batch manifest) and DIR/summary.csv/.geojson are rewritten atomically after every area, so
 *   killing the batch loses nothing already finished; `resume` reruns only stages not recorded in an area's manifest.
 * - An area that fails (typed error, bad file) is reported and the others go on; a crashed worker is replaced and its
 *   task retried `retries` times.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { StoreTarget } from './store-target.js';
import { VERSION } from '../version.js';
import { loadBatchFile, type BatchArea, type BatchConfig } from './config.js';
import { WorkerPool } from './pool.js';
import { BatchProgress } from './progress.js';
import { areaJobs } from './jobs.js';
import { lockRun } from '../io/run-folder.js';
import { UsageError } from '../errors.js';
import { writeAtomic, writeSummary, type AreaRecord } from './summary.js';
import { ensureDir, planTiles, removeTiles, tileFolder, type ScanResult, type TileResult } from './tiles.js';
import type { StagesResult } from './worker.js';

export interface BatchOptions {
  file: string;
  out: string;
  /** Worker threads (default: the number of cores). */
  workers?: number;
  resume?: boolean;
  /** Crash retries per task (default: the file's `retries`, else 2). */
  retries?: number;
  /** V8 heap limit per worker, MB (default: 80 % of RAM shared by the workers). */
  workerMemoryMb?: number;
  quiet?: boolean;
  /**
   * An S3-compatible object store for the run folders and tables instead of `out` (engine/batch/store-s3.ts): the
   * batch runs in a local scratch folder (with `resume`, each area's current run downloaded first) and each area that
   * finishes is uploaded as one commit and made its HEAD; an area that fails keeps its previous HEAD (an area without
   * one gets what it finished, as a local folder would). One batch at a time per store prefix.
   */
  store?: StoreTarget;
}

export interface BatchResult {
  out: string;
  areas: AreaRecord[];
  done: number;
  failed: number;
  crashes: number;
  seconds: number;
}

export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  const t0 = performance.now();
  const config = loadBatchFile(o.file);
  if (!o.quiet) for (const n of config.notes) process.stderr.write(`heatplan batch: ${n}\n`);
  const store = o.store ? await openStore(o.store, config, o.resume ?? false) : undefined;
  const out = store ? store.scratch : resolve(o.out);
  await mkdir(out, { recursive: true });
  const workers = Math.max(1, Math.min(o.workers ?? cpus().length, config.areas.length + 64));
  const retries = o.retries ?? config.retries;
  const memMb = o.workerMemoryMb ?? Math.floor((0.8 * totalmem()) / 2 ** 20 / workers);
  const records: AreaRecord[] = config.areas.map((a) => ({ name: a.name, status: 'pending', error: '', ran: [], reused: [], skipped: a.skipped, retries: 0, seconds: 0 }));
  const started = new Date().toISOString();
  const manifest = (finished?: string) => ({
    heatplan: { version: VERSION },
    batchFile: config.file,
    batchFileSha256: createHash('sha256').update(readFileSync(config.file)).digest('hex'),
    started,
    updated: new Date().toISOString(),
    ...(finished ? { finished } : {}),
    workers,
    retries,
    workerMemory_MB: memMb,
    resume: o.resume ?? false,
    stages: config.stages,
    counts: { areas: records.length, done: records.filter((r) => r.status === 'done').length, failed: records.filter((r) => r.status === 'failed').length },
    areas: records,
  });
  // checkpoint writes are serialised so two finishing areas never interleave their renames
  let chain = Promise.resolve();
  const checkpoint = (finished?: string) => {
    chain = chain.then(async () => {
      await writeAtomic(join(out, 'batch.json'), JSON.stringify({ ...manifest(finished), ...(store ? { store: store.s.ref.url, storeEndpoint: store.s.ref.endpoint ?? 'AWS S3' } : {}) }, null, 2) + '\n');
      await writeSummary(out, records);
      if (store) await store.tables(out);
    });
    return chain;
  };
  await checkpoint();

  const progress = new BatchProgress({ total: records.length, quiet: o.quiet });
  const pool = new WorkerPool({ workers, retries, maxOldGenerationMb: memMb });
  try {
    await Promise.all(config.areas.map((area, k) => runArea(area, records[k]!, { config, out, pool, progress, resume: o.resume ?? false }).then(async () => {
      if (store) await store.publish(area.name, records[k]!);
      await checkpoint();
    })));
  } finally {
    progress.stop();
    await pool.close();
  }
  try {
    await checkpoint(new Date().toISOString());
  } finally {
    await store?.close();
  }
  return {
    out: store ? store.s.ref.url : out,
    areas: records,
    done: records.filter((r) => r.status === 'done').length,
    failed: records.filter((r) => r.status === 'failed').length,
    crashes: pool.crashes,
    seconds: (performance.now() - t0) / 1000,
  };
}

interface Ctx {
  config: BatchConfig;
  out: string;
  pool: WorkerPool;
  progress: BatchProgress;
  resume: boolean;
}

async function runArea(area: BatchArea, rec: AreaRecord, c: Ctx): Promise<void> {
  const t0 = performance.now();
  // the area's jobs (engine/batch/jobs.ts): the same model the queue executor enqueues
  const jobs = areaJobs(area, c.out, c.resume);
  const { dir, reused } = jobs;
  const todo = jobs.stages.map((j) => j.stage);
  rec.reused = reused;
  if (todo.length === 0) {
    // complete, but a run killed after its last commit may have left its lock and staging folders beside it: the
    // first lock of a run recovers what dead processes left (engine/io/run-folder.ts recoverRun); a live holder keeps
    // its lock and its folders
    try {
      (await lockRun(dir, { command: 'heatplan batch --resume (clearing what a killed run left)' })).release();
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
    }
    rec.status = 'done';
    c.progress.finish(area.name, true, `complete, reused (${reused.join(', ') || 'no stages'})`, true);
    return;
  }
  rec.status = 'running';
  const fail = (stage: string, message: string, retries: number) => {
    rec.status = 'failed';
    rec.failedStage = stage;
    rec.error = message;
    rec.retries += retries;
    rec.seconds = (performance.now() - t0) / 1000;
    c.progress.finish(area.name, false, `FAILED in ${stage}: ${message}`);
  };
  let merge;
  if (jobs.tiled) {
    c.progress.stage(area.name, 'scan');
    const demandOpts = jobs.tiled.demand;
    const files = jobs.tiled.files;
    const scans = await Promise.all(files.map((file) => c.pool.run<ScanResult>({ kind: 'scan', file, demand: demandOpts })));
    const bad = scans.find((s) => !s.ok);
    if (bad && !bad.ok) return fail('demand', bad.error, bad.attempts);
    const scanResults = scans.map((s) => (s.ok ? s.result : (undefined as never)));
    let plan;
    try {
      plan = planTiles(scanResults, demandOpts, jobs.tiled.spec);
    } catch (e) {
      return fail('demand', (e as Error).message, 0);
    }
    const folder = tileFolder(c.out, area.name, plan.key);
    await ensureDir(folder);
    c.progress.stage(area.name, `tiles 0/${plan.tiles.length}`);
    let finished = 0;
    const prefixes = plan.tiles.map((t) => join(folder, `tile-${t.i}-${t.j}`));
    const tiles = await Promise.all(
      plan.tiles.map((tile, k) =>
        c.pool.run<TileResult>({ kind: 'tile', tile: { plan, tile, demand: demandOpts, prefix: prefixes[k]! } }).then((r) => {
          c.progress.stage(area.name, `tiles ${++finished}/${plan.tiles.length}`);
          return r;
        }),
      ),
    );
    rec.retries += tiles.reduce((s, t) => s + t.attempts, 0);
    const badTile = tiles.find((t) => !t.ok);
    if (badTile && !badTile.ok) return fail('demand', badTile.error, 0);
    rec.tiles = plan.tiles.length;
    merge = { dir, plan, scans: scanResults, prefixes };
  }
  let current: string = todo[0]!;
  const r = await c.pool.run<StagesResult>({ kind: 'stages', area, dir, stages: todo, merge }, (stage) => {
    current = stage;
    c.progress.stage(area.name, stage);
  });
  rec.retries += r.attempts;
  if (!r.ok) return fail(current, r.error, 0);
  rec.ran = r.result.done;
  if (r.result.failed) return fail(r.result.failed.stage, r.result.failed.message, 0);
  if (merge) await removeTiles(c.out, area.name);
  rec.status = 'done';
  rec.error = '';
  rec.seconds = (performance.now() - t0) / 1000;
  c.progress.finish(area.name, true, `done in ${rec.seconds.toFixed(1)} s (${rec.ran.join(', ')}${area.skipped.length ? `; skipped ${area.skipped.map((s) => s.stage).join(', ')}` : ''})`);
}

/** The local pool on an object store: a scratch folder standing for the store, areas published as they finish. */
async function openStore(t: StoreTarget, config: BatchConfig, resume: boolean) {
  const { S3Store } = await import('./store-s3.js');
  const { storeRef } = await import('./store-target.js');
  const s = new S3Store(storeRef(t), t.credentials);
  await s.check();
  const scratch = await mkdtemp(join(tmpdir(), 'heatplan-batch-store-'));
  const had = new Map<string, Awaited<ReturnType<typeof s.head>>>();
  try {
    for (const a of config.areas) {
      const head = await s.head(a.name);
      had.set(a.name, head);
      // resume: the area's current run is the base its missing stages run on
      if (head && resume) await s.checkout(head, join(scratch, a.name));
    }
  } catch (e) {
    await rm(scratch, { recursive: true, force: true });
    s.close();
    throw e;
  }
  const run = `local-${Date.now().toString(36)}${createHash('sha256').update(scratch).digest('hex').slice(0, 4)}`;
  return {
    s,
    scratch,
    /** Upload a finished area as one commit and make it HEAD (a failed area only where it had no HEAD). */
    async publish(name: string, rec: AreaRecord): Promise<void> {
      const dir = join(scratch, name);
      if (!rec.ran.length || !existsSync(join(dir, 'manifest.json'))) return;
      const head = had.get(name);
      if (rec.status !== 'done' && head) return;
      const commit = `${run}.${rec.ran.at(-1)}.${createHash('sha256').update(`${name}${Date.now()}${Math.random()}`).digest('hex').slice(0, 12)}`;
      const c = await s.upload({ area: name, run, stage: rec.ran.at(-1)!, commit, dir, base: head, mode: head ? 'swap' : 'direct' });
      await s.writeRef(s.headKey(name), c);
      await s.pruneCommits(name);
      // back to local paths: later checkpoints read the run here
      const { rewritePaths } = await import('../io/run-folder.js');
      await rewritePaths(dir, s.areaUrl(name), dir);
    },
    async tables(dir: string): Promise<void> {
      await s.putText(s.key('summary.csv'), await readFile(join(dir, 'summary.csv'), 'utf8'), 'text/csv');
      await s.putText(s.key('summary.geojson'), await readFile(join(dir, 'summary.geojson'), 'utf8'), 'application/geo+json');
      await s.putText(s.key('batch.json'), await readFile(join(dir, 'batch.json'), 'utf8'));
    },
    async close(): Promise<void> {
      s.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
