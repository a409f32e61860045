/**
 * `heatplan batch BATCH.yaml --out DIR --queue redis://HOST:PORT`: the batch's jobs (engine/batch/jobs.ts) enqueued as
 * one BullMQ flow (engine/batch/queue-flow.ts) for `heatplan worker` processes on any machine that reaches DIR (a
 * shared file system, the same path everywhere), then followed to the end with progress on stderr (or, `--detach`,
 * left to run). The batch is known by its output folder: Redis holds, per DIR, the current run (its id and the batch
 * file's sha256), so `--status` and `--resume` find it.
 * - `--resume`: a run still going is followed (nothing is enqueued twice); a finished run's areas that are not complete
 *   in their run folders are enqueued again as a new run (complete stages are reused, as a local --resume does). A
 *   batch file changed since it was enqueued is refused (sha256 of the file in the flow's data).
 * - Without `--resume`, a run still going for DIR is refused; a finished one is replaced by a fresh run.
 * - Nothing is enqueued when the queue cannot be reached (`checkQueue`: bounded time, the host named).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { FlowProducer, QueueEvents } from 'bullmq';
import { InputError, UsageError } from '../errors.js';
import { FILES } from '../run/contract.js';
import { loadBatchFile, type BatchConfig } from './config.js';
import { batchJobs, completedStages, type JobsOptions } from './jobs.js';
import type { StageName } from './stages.js';
import { S3Store } from './store-s3.js';
import { storeRef, type StoreTarget } from './store-target.js';
import { BatchProgress } from './progress.js';
import { checkQueue, connectQueue, maskSecrets, QUEUE_PREFIX, type QueueConnection, type QueueTarget } from './queue-connection.js';
import {
  areaViews, batchManifest, batchPointerKey, BUILD_DIR, buildFlow, completionsKey, newRunId, parseJobId, summaryId, viewJob,
  type AreaMode, type AreaView, type StageJobResult, type SummaryJobData, type SummaryJobResult,
} from './queue-flow.js';
import { writeAtomic, writeSummary, type AreaRecord } from './summary.js';

const PREFIX = QUEUE_PREFIX;

export interface QueueBatchOptions {
  file: string;
  /** The batch's output folder (a path every worker reaches); with `store`, ignored: the store holds everything. */
  out?: string;
  target: QueueTarget;
  /** An S3-compatible object store for the run folders and tables in place of `out`. */
  store?: StoreTarget;
  /** Seconds a finished run's summary job stays in Redis (its other jobs go once the summary is written); null: keep
   * every job (the default). */
  retentionS?: number | null;
  resume?: boolean;
  retries?: number;
  /** Return once enqueued. */
  detach?: boolean;
  quiet?: boolean;
}

export interface QueueBatchResult {
  out: string;
  run: string;
  /** Jobs enqueued by this call (0: a running batch was followed). */
  enqueued: number;
  detached: boolean;
  areas: AreaRecord[];
  done: number;
  failed: number;
  seconds: number;
}

interface Pointer {
  run: string;
  file: string;
  batchFileSha256: string;
  out: string;
  enqueued: string;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Default job retention: none, every job is kept (BullMQ's own default), so nothing of a run leaves Redis unless asked
 * and tools that read the jobs afterwards (scripts/bench/queue.ts) see them all; `--job-retention S` removes a finished
 * run's jobs once its summary is written and its summary job S seconds later.
 */
export const DEFAULT_RETENTION_S: number | null = null;

/** Where the batch's run folders live: a folder on a shared file system, or an object store. */
interface Place {
  /** The batch's key: the absolute folder, or the store URL. */
  out: string;
  store?: S3Store;
  dirOf(name: string): string;
}

function place(o: QueueBatchOptions): Place {
  if (o.store) {
    const s = new S3Store(storeRef(o.store), o.store.credentials);
    return { out: o.store.url, store: s, dirOf: (n) => `${o.store!.url}/${n}` };
  }
  if (!o.out) throw new UsageError('batch-out', 'heatplan batch needs --out DIR (or --store s3://BUCKET/PREFIX)');
  const out = resolve(o.out);
  return { out, dirOf: (n) => join(out, n) };
}

/**
 * Per area: the stages complete in its current run on the store (resume), read from HEAD's manifest the way a local
 * resume reads DIR/<name>/manifest.json (the other files of HEAD stand as empty placeholders for the file checks).
 */
async function storeCompleted(s: S3Store, config: BatchConfig): Promise<Map<string, StageName[]>> {
  const tmp = await mkdtemp(join(tmpdir(), 'heatplan-resume-'));
  const out = new Map<string, StageName[]>();
  try {
    for (const a of config.areas) {
      const head = await s.head(a.name);
      if (!head) {
        out.set(a.name, []);
        continue;
      }
      const dir = join(tmp, a.name);
      await mkdir(dir, { recursive: true });
      for (const f of head.files) {
        if (f.name === FILES.manifest) continue;
        await mkdir(dirname(join(dir, f.name)), { recursive: true });
        await writeFile(join(dir, f.name), '');
      }
      await s.checkout(head, dir, (n) => n === FILES.manifest);
      out.set(a.name, completedStages(a, dir, true));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return out;
}

/** Per area index: built apart and swapped in (its demand stage runs over an existing run) or directly. */
async function areaModes(p: Place, config: BatchConfig, reused: (name: string) => StageName[]): Promise<Map<number, AreaMode>> {
  const modes = new Map<number, AreaMode>();
  for (const a of config.areas) {
    if (!a.run.includes('demand') || reused(a.name).includes('demand')) continue;
    const exists = p.store ? (await p.store.head(a.name)) !== undefined : existsSync(join(p.dirOf(a.name), FILES.manifest));
    if (exists) modes.set(a.index, 'swap');
  }
  return modes;
}

/** The batch's tables where they are kept (the folder, or the store). */
async function writeTables(p: Place, records: AreaRecord[], manifestText: string): Promise<void> {
  if (!p.store) {
    await writeSummary(p.out, records);
    await writeAtomic(join(p.out, 'batch.json'), manifestText);
    return;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'heatplan-tables-'));
  try {
    await writeSummary(tmp, records);
    await p.store.putText(p.store.key('summary.csv'), await readFile(join(tmp, 'summary.csv'), 'utf8'), 'text/csv');
    await p.store.putText(p.store.key('summary.geojson'), await readFile(join(tmp, 'summary.geojson'), 'utf8'), 'application/geo+json');
    await p.store.putText(p.store.key('batch.json'), manifestText);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

type Conn = QueueConnection;

function connect(t: QueueTarget, log: (l: string) => void): Conn {
  return connectQueue(t, (line) => log(`heatplan batch: ${line}`));
}

async function readPointer(c: Conn, t: QueueTarget, out: string): Promise<Pointer | undefined> {
  const h = await c.redis.hgetall(batchPointerKey(PREFIX, t.name, out));
  return h && h.run ? (h as unknown as Pointer) : undefined;
}

const FINISHED = new Set(['completed', 'failed']);

/** Enqueue (or resume) the batch and follow it to the end (or return at once with `detach`). */
export async function runQueueBatch(o: QueueBatchOptions): Promise<QueueBatchResult> {
  const t0 = performance.now();
  const t = o.target;
  const log = (l: string) => {
    if (!o.quiet) process.stderr.write(`${maskSecrets(l, t)}\n`);
  };
  const config = loadBatchFile(o.file);
  for (const n of config.notes) log(`heatplan batch: ${n}`);
  const p = place(o);
  const out = p.out;
  const sha = sha256(config.file);
  await checkQueue(t);
  // nothing is enqueued when the store cannot be reached or refuses the credentials
  await p.store?.check();
  const c = connect(t, log);
  try {
    const prev = await readPointer(c, t, out);
    const prevRoot = prev ? await viewJob(c.queue, summaryId(prev.run)) : undefined;
    const prevRunning = prevRoot !== undefined && !FINISHED.has(prevRoot.state);
    if (o.resume) {
      const known = prev?.batchFileSha256 ?? (await batchJsonSha(p));
      if (known && known !== sha) {
        throw new InputError('batch-changed', `the batch file changed since the batch was enqueued (sha256 ${known.slice(0, 12)}... then, ${sha.slice(0, 12)}... now); --resume would mix two batches`, {
          file: config.file,
          hint: `restore the file, or run it as a new batch without --resume (or into another --out than ${out})`,
        });
      }
      if (prev && prevRunning) {
        log(`heatplan batch: run ${prev.run} of ${out} is still going on ${t.masked}; following it (nothing enqueued)`);
        if (o.detach) return { out, run: prev.run, enqueued: 0, detached: true, areas: [], done: 0, failed: 0, seconds: (performance.now() - t0) / 1000 };
        return await follow(c, t, prev.run, out, 0, o, t0, log);
      }
    } else if (prev && prevRunning) {
      throw new UsageError('batch-running', `a batch into ${out} is still going on the queue (run ${prev.run}, enqueued ${prev.enqueued})`, {
        hint: 'follow it with --resume, look with --status, or write to another --out',
      });
    }
    if (!p.store) await mkdir(out, { recursive: true });
    const retries = o.retries ?? config.retries;
    const resume = o.resume ?? false;
    const done = p.store && resume ? await storeCompleted(p.store, config) : undefined;
    const jo: JobsOptions = p.store ? { dirOf: p.dirOf, completed: (a) => done?.get(a.name) ?? [] } : {};
    const jobs = batchJobs(config, out, resume, jo);
    const modes = await areaModes(p, config, (n) => jobs.areas.find((a) => a.area.name === n)?.reused ?? []);
    const run = newRunId(out);
    const retentionS = o.retentionS === undefined ? DEFAULT_RETENTION_S : o.retentionS;
    const { flow, data, count } = buildFlow(jobs, {
      run, queueName: t.name, file: config.file, sha256: sha, queue: t.masked, retries, resume,
      store: o.store ? storeRef(o.store) : undefined, retentionS, modes, buildDir: (r, name) => join(out, BUILD_DIR, r, name),
    });
    // the records as they stand before anything runs: summary.csv and batch.json from the start, as a local batch
    const pending = await areaViewsPending(data);
    await writeTables(p, pending, JSON.stringify(batchManifest(data, pending), null, 2) + '\n');
    // listen before adding, so no event of the new run is missed
    const events = o.detach ? undefined : new QueueEvents(t.name, { connection: c.client(true), prefix: PREFIX });
    await events?.waitUntilReady();
    const flows = new FlowProducer({ connection: c.client(), prefix: PREFIX });
    try {
      await flows.add(flow);
    } finally {
      await flows.close();
    }
    const pointer: Pointer = { run, file: config.file, batchFileSha256: sha, out, enqueued: new Date().toISOString() };
    await c.redis.hset(batchPointerKey(PREFIX, t.name, out), pointer as unknown as Record<string, string>);
    const skippedAreas = data.areas.filter((a) => !a.jobs.length).length;
    log(`heatplan batch: enqueued run ${run}: ${count} jobs for ${data.areas.length - skippedAreas} area(s)${skippedAreas ? ` (${skippedAreas} complete already)` : ''}${modes.size ? ` (${modes.size} remade beside their previous run, swapped in when done)` : ''} on ${t.masked} queue ${t.name}${p.store ? `, run folders on ${p.store.shown}` : ''}`);
    if (o.detach) {
      log(`heatplan batch: detached; follow with: heatplan batch --status ${p.store ? `--store ${out}` : `--out ${out}`} --queue ${t.masked}${t.name !== 'heatplan' ? ` --queue-name ${t.name}` : ''}`);
      return { out, run, enqueued: count, detached: true, areas: pending, done: 0, failed: 0, seconds: (performance.now() - t0) / 1000 };
    }
    return await follow(c, t, run, out, count, o, t0, log, events);
  } finally {
    await c.close();
    p.store?.close();
  }
}

async function areaViewsPending(d: SummaryJobData): Promise<AreaRecord[]> {
  return d.areas.map((a) => ({ name: a.name, status: a.jobs.length ? 'pending' : 'done', error: '', ran: [], reused: [...a.reused], skipped: a.skipped, retries: 0, seconds: 0 }));
}

/** DIR/batch.json (or the store's) of a batch that ran before, locally or queued. */
async function readBatchJson(p: Place): Promise<Record<string, unknown> | undefined> {
  try {
    if (p.store) return await p.store.getJson<Record<string, unknown>>(p.store.key('batch.json'));
    const f = join(p.out, 'batch.json');
    return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** sha256 of the batch file recorded in batch.json. */
async function batchJsonSha(p: Place): Promise<string | undefined> {
  return (await readBatchJson(p))?.batchFileSha256 as string | undefined;
}

/** Follow run `run` to its end: progress from the queue's events, then the summary job's result. */
async function follow(c: Conn, t: QueueTarget, run: string, out: string, enqueued: number, o: QueueBatchOptions, t0: number, log: (l: string) => void, ev?: QueueEvents): Promise<QueueBatchResult> {
  const root = await c.queue.getJob(summaryId(run));
  if (!root) throw new UsageError('batch-gone', `run ${run} is no longer in the queue (removed from Redis?)`, { hint: 'enqueue it again with --resume' });
  const d = root.data as SummaryJobData;
  const events = ev ?? new QueueEvents(t.name, { connection: c.client(true), prefix: PREFIX });
  await events.waitUntilReady();
  const progress = new BatchProgress({ total: d.areas.length, quiet: o.quiet });
  const finished = new Set<number>();
  const lastJob = new Map<string, number>();
  d.areas.forEach((a, k) => {
    if (a.jobs.length) lastJob.set(a.jobs.at(-1)!.id, k);
  });
  const areaOf = (id: string) => parseJobId(run, id);
  const finish = (k: number, ok: boolean, message: string, reused = false) => {
    if (finished.has(k)) return;
    finished.add(k);
    progress.finish(d.areas[k]!.name, ok, message, reused);
  };
  const onActive = ({ jobId }: { jobId: string }) => {
    const p = areaOf(jobId);
    if (!p || p.index < 0 || finished.has(p.index)) return;
    const what = p.what.startsWith('tile.') ? 'demand tiles' : p.what.startsWith('scan.') ? 'demand scan' : p.what;
    progress.stage(d.areas[p.index]!.name, what);
  };
  const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    const k = lastJob.get(jobId);
    if (k === undefined) return;
    const r = (typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue) as StageJobResult | undefined;
    finish(k, true, `done${r?.status === 'reused' ? ' (complete already)' : ''}`);
  };
  const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
    const p = areaOf(jobId);
    if (!p || p.index < 0) return;
    const stage = p.what.startsWith('tile.') || p.what.startsWith('scan.') ? 'demand' : p.what;
    finish(p.index, false, `FAILED in ${stage}: ${maskSecrets(failedReason, t)}`);
  };
  events.on('active', onActive);
  events.on('completed', onCompleted);
  events.on('failed', onFailed);
  // the state so far (a run followed after it started; events from now on are heard already)
  const initial = await areaViews(c.queue, d);
  initial.forEach((v, k) => {
    if (!d.areas[k]!.jobs.length) finish(k, true, `complete, reused (${v.record.reused.join(', ') || 'no stages'})`, true);
    else if (v.record.status === 'done') finish(k, true, `done (${v.record.ran.join(', ')})`);
    else if (v.record.status === 'failed') finish(k, false, `FAILED in ${v.record.failedStage}: ${v.record.error}`);
    else if (v.current) progress.stage(v.record.name, v.current);
  });
  let result: SummaryJobResult | undefined;
  try {
    const state = await root.getState();
    if (state === 'completed') result = (await c.queue.getJob(root.id!))!.returnvalue as SummaryJobResult;
    else if (state === 'failed') throw new Error((await c.queue.getJob(root.id!))!.failedReason);
    else result = (await root.waitUntilFinished(events)) as SummaryJobResult;
  } catch (e) {
    throw new InputError('batch-summary-failed', `the batch summary job failed: ${maskSecrets((e as Error).message, t)}`, { file: join(out, 'summary.csv') });
  } finally {
    progress.stop();
    events.off('active', onActive);
    events.off('completed', onCompleted);
    events.off('failed', onFailed);
    await events.close();
  }
  return { out, run, enqueued, detached: false, areas: result.areas, done: result.done, failed: result.failed, seconds: (performance.now() - t0) / 1000 };
}

const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

export interface QueueStatus {
  out: string;
  run: string;
  file: string;
  queue: string;
  enqueued: string;
  /** The summary job's state: the run is over when it is completed or failed. */
  state: string;
  areas: { name: string; status: string; current?: string; failedStage?: string; error?: string; ran: string[]; reused: string[] }[];
  counts: { done: number; running: number; failed: number; waiting: number };
  jobs: AreaView['jobs'];
  /** Stage runs that reached their commit, per area.stage (each should be 1). */
  completions: Record<string, number>;
  /** Where the figures come from when not from the queue's jobs. */
  note?: string;
}

/**
 * `heatplan batch --status`: where the batch into `out` (or onto `store`) stands. A finished run is told from its
 * summary job's result (the run's other jobs are removed when the summary is written, `--job-retention`); a run whose
 * summary job is gone too is told from batch.json.
 */
export async function queueStatus(o: { out?: string; store?: StoreTarget; target: QueueTarget }): Promise<QueueStatus> {
  const t = o.target;
  const pl = place({ file: '', out: o.out, store: o.store, target: t });
  const out = pl.out;
  await checkQueue(t);
  await pl.store?.check();
  const c = connect(t, (l) => process.stderr.write(`${maskSecrets(l, t)}\n`));
  try {
    const p = await readPointer(c, t, out);
    if (!p) throw new UsageError('batch-unknown', `no batch into ${out} on ${t.masked} queue ${t.name}`, { hint: 'the same --out (absolute path) or --store and --queue-name as when it was enqueued' });
    const root = await viewJob(c.queue, summaryId(p.run));
    const completions = Object.fromEntries(Object.entries(await c.redis.hgetall(completionsKey(PREFIX, t.name, p.run))).map(([k, v]) => [k, Number(v)]));
    const counts = { done: 0, running: 0, failed: 0, waiting: 0 };
    const count = (st: string) => void counts[st === 'done' ? 'done' : st === 'failed' ? 'failed' : st === 'running' ? 'running' : 'waiting']++;
    const base = { out, run: p.run, file: p.file, queue: t.masked, enqueued: p.enqueued, completions };
    const finishedResult = root?.state === 'completed' ? (root.returnvalue as SummaryJobResult | undefined) : undefined;
    if (!root || finishedResult) {
      // finished: the summary's records (or batch.json's, once the summary job is gone as well)
      const bj = finishedResult ? undefined : await readBatchJson(pl);
      const records = (finishedResult?.areas ?? (bj?.run === p.run ? (bj.areas as AreaRecord[]) : undefined));
      if (!records) throw new UsageError('batch-gone', `run ${p.run} of ${out} is no longer in the queue and batch.json does not record it`, { hint: 'enqueue it again with --resume' });
      for (const r of records) count(r.status);
      return {
        ...base, state: 'completed',
        areas: records.map((r) => ({ name: r.name, status: r.status, failedStage: r.failedStage, error: r.error || undefined, ran: r.ran, reused: r.reused })),
        counts, jobs: finishedResult?.jobs ?? { done: 0, running: 0, failed: 0, waiting: 0 },
        ...(finishedResult ? {} : { note: `the run's jobs were removed from the queue (job retention); from ${pl.store ? `${out}/batch.json` : join(out, 'batch.json')}` }),
      };
    }
    const d = root.data as SummaryJobData;
    const views = await areaViews(c.queue, d);
    const jobs = { done: 0, running: 0, failed: 0, waiting: 0 };
    for (const v of views) {
      count(v.record.status);
      for (const k of Object.keys(jobs) as (keyof typeof jobs)[]) jobs[k] += v.jobs[k];
    }
    jobs[root.state === 'completed' ? 'done' : root.state === 'failed' ? 'failed' : root.state === 'active' ? 'running' : 'waiting']++;
    return {
      ...base, state: root.state,
      areas: views.map((v) => ({ name: v.record.name, status: v.record.status, current: v.current, failedStage: v.record.failedStage, error: v.record.error || undefined, ran: v.record.ran, reused: v.record.reused })),
      counts, jobs,
    };
  } finally {
    await c.close();
    pl.store?.close();
  }
}

/** The status as lines for a terminal. */
export function statusLines(s: QueueStatus): string[] {
  const over = s.state === 'completed' || s.state === 'failed';
  const lines = [
    `batch ${s.out}: run ${s.run} on ${s.queue}, enqueued ${s.enqueued}${over ? ', finished' : ''}`,
    `areas: ${s.counts.done} done, ${s.counts.running} running, ${s.counts.failed} failed, ${s.counts.waiting} waiting of ${s.areas.length}`,
    `jobs: ${s.jobs.done} done, ${s.jobs.running} running, ${s.jobs.failed} failed, ${s.jobs.waiting} waiting`,
    ...(s.note ? [s.note] : []),
  ];
  for (const a of s.areas) {
    const what = a.status === 'failed' ? `failed in ${a.failedStage}: ${a.error}` : a.status === 'running' ? `running${a.current ? ` ${a.current}` : ''}` : a.status === 'done' ? `done${a.ran.length ? ` (ran ${a.ran.join(', ')})` : ''}${a.reused.length ? ` (reused ${a.reused.join(', ')})` : ''}` : 'waiting';
    lines.push(`  ${a.name}: ${what}`);
  }
  return lines;
}
