/**
 * The batch as a BullMQ flow (engine/batch/jobs.ts's job model, put on the queue):
 *
 *   summary (the flow's parent: summary.csv, summary.geojson, batch.json)
 *   ├── area A: last stage ── ... ── first stage          (a chain: each stage job is the parent of the one before)
 *   └── area B (tiled): areas ── demand (merge) ┬── scan file 1 ... scan file n   (children known when enqueued)
 *                                               └── tile (i, j) ...              (added by the merge from the scans)
 *
 * A stage job fails its parent (failParentOnFailure), so a failed stage stops the rest of its area; an area's last job
 * is an ignored dependency of the summary (ignoreDependencyOnFailure), so the other areas go on and the summary runs
 * when every area has finished or failed. Job ids are fixed by the run, the area's index and the stage
 * (`<run>.<area>.<stage>`), so adding a job twice adds it once, and `--status` and the summary find every job.
 * Records for summary.csv come from the jobs' states, return values and failure reasons (`areaRecords`).
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { FlowJob, JobsOptions, Queue } from 'bullmq';
import type { BatchArea } from './config.js';
import type { AreaJobs, BatchJobs, StageJob, TiledDemand } from './jobs.js';
import type { StageName } from './stages.js';
import type { AreaRecord } from './summary.js';
import { VERSION } from '../version.js';
import type { StoreRef } from './store-target.js';
import type { DemandOpts, ScanResult, TileTask } from './tiles.js';

interface Common {
  run: string;
  /** The batch's output folder (shared by every worker). */
  out: string;
  /** Area name and index in the batch file. */
  area: string;
  index: number;
  /** Retries of a job whose worker crashed (the batch file's retries). */
  retries: number;
  /** The object store holding the run folders (absent: `out` is a shared file system path). */
  store?: StoreRef;
}

/**
 * Where a stage job's run folder is built: `direct` in the area's folder (a new area, or a resume that keeps its demand
 * stage); `swap`: an area remade over an existing run is built apart (file system: DIR/.heatplan-build/<run>/<area>;
 * store: the run's own ref) and its last stage swaps it in, so a kill or a failed stage leaves the previous run.
 */
export type AreaMode = 'direct' | 'swap';

/** Where file-system swap builds are made: DIR/.heatplan-build/<run>/<area>. */
export const BUILD_DIR = '.heatplan-build';

export type StageJobData = Common & {
  kind: 'stage'; job: StageJob; def: BatchArea; tiled?: TiledDemand; tileIds?: string[];
  /** The area's first and last stage job of this run. */
  first: boolean; last: boolean;
  mode: AreaMode;
  /** The area's folder (file system): where a `swap` build is swapped in. */
  final: string;
};
export type ScanJobData = Common & { kind: 'scan'; file: string; fileIndex: number; demand: DemandOpts };
export type TileJobData = Common & { kind: 'tile'; tile: TileTask };

export interface SummaryArea {
  name: string;
  skipped: { stage: StageName; reason: string }[];
  /** Stages complete in the run folder when the batch was enqueued (resume). */
  reused: StageName[];
  /** Ids of the area's stage jobs, in stage order (none: nothing to run). */
  jobs: { stage: StageName; id: string }[];
  /** Ids of the scan jobs of a tiled demand stage. */
  scans: string[];
}

export interface SummaryJobData {
  kind: 'summary';
  run: string;
  out: string;
  file: string;
  /** sha256 of the batch file when it was enqueued: `--resume` refuses a changed file. */
  batchFileSha256: string;
  /** The queue as it may be shown (no password). */
  queue: string;
  started: string;
  retries: number;
  resume: boolean;
  stages: StageName[];
  areas: SummaryArea[];
  store?: StoreRef;
  /** Seconds the finished run's summary job stays in Redis (its children are removed once the summary is written);
   * null: every job is kept. */
  retention_s: number | null;
  /** Set by the summary job before it removes the run's jobs: the records, job counts and the ids to remove. */
  final?: { records: AreaRecord[]; jobs: { done: number; running: number; failed: number; waiting: number }; ids: string[] };
}

export type JobData = StageJobData | ScanJobData | TileJobData | SummaryJobData;

/** What a stage job returns. */
export interface StageJobResult {
  kind: 'stage';
  stage: StageName;
  status: 'ran' | 'reused';
  seconds: number;
  tiles?: number;
  /** Crash retries inside the worker's thread pool. */
  attempts?: number;
}
export type ScanJobResult = { kind: 'scan'; fileIndex: number; result: ScanResult };
/** `key`: on an object store, the key prefix of this delivery's tile files. */
export type TileJobResult = { kind: 'tile'; i: number; j: number; buildings: number; seconds: number; key?: string };
export interface SummaryJobResult {
  kind: 'summary';
  areas: AreaRecord[];
  done: number;
  failed: number;
  /** Job counts when the summary ran (the run's other jobs may be removed since). */
  jobs?: { done: number; running: number; failed: number; waiting: number };
  /** Jobs removed from Redis by the retention policy. */
  removedJobs?: number;
}

/** A batch is known by its output folder (the same absolute path on every machine). */
export const batchKeyOf = (out: string): string => createHash('sha256').update(isStoreUrl(out) ? out : resolve(out)).digest('hex').slice(0, 16);
/** An object store's URL (s3://bucket/prefix) in place of an output folder. */
export const isStoreUrl = (out: string): boolean => out.startsWith('s3://');
/** Redis key of the batch's current run: a hash { run, file, batchFileSha256, out, enqueued, queue }. */
export const batchPointerKey = (prefix: string, queueName: string, out: string): string => `${prefix}:${queueName}:heatplan-batch:${batchKeyOf(out)}`;
/** Redis key counting the stage runs that completed (area.stage -> count): no area runs twice to completion. */
export const completionsKey = (prefix: string, queueName: string, run: string): string => `${prefix}:${queueName}:heatplan-completions:${run}`;
/** Redis key of the store commits claimed (area.stage -> CommitRecord JSON): the first delivery to claim wins. */
export const claimsKey = (prefix: string, queueName: string, run: string): string => `${prefix}:${queueName}:heatplan-claims:${run}`;

export const newRunId = (out: string): string => `${batchKeyOf(out).slice(0, 8)}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36).padStart(2, '0')}`;
export const summaryId = (run: string): string => `${run}.summary`;
export const stageId = (run: string, index: number, stage: StageName): string => `${run}.${index}.${stage}`;
export const scanId = (run: string, index: number, k: number): string => `${run}.${index}.scan.${k}`;
export const tileId = (run: string, index: number, i: number, j: number): string => `${run}.${index}.tile.${i}.${j}`;

/** Which area and job a job id names: { index, what: 'demand' | 'scan.3' | 'tile.0.1' | 'summary' }. */
export function parseJobId(run: string, id: string): { index: number; what: string } | undefined {
  if (!id.startsWith(`${run}.`)) return undefined;
  const rest = id.slice(run.length + 1);
  if (rest === 'summary') return { index: -1, what: 'summary' };
  const dot = rest.indexOf('.');
  const index = Number(rest.slice(0, dot));
  return Number.isInteger(index) ? { index, what: rest.slice(dot + 1) } : undefined;
}

/** Job options: crash retries with backoff; the failure of a child fails its parent unless told otherwise. */
export function jobOptions(id: string, retries: number, extra: JobsOptions = {}): JobsOptions {
  return { jobId: id, attempts: 1 + retries, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: false, removeOnFail: false, ...extra };
}

/** The flow of one batch run: the summary job with every area's chain of stage jobs below it. */
export function buildFlow(jobs: BatchJobs, o: {
  run: string; queueName: string; file: string; sha256: string; queue: string; retries: number; resume: boolean;
  store?: StoreRef; retentionS: number | null;
  /** Per area index: how its run folder is built (default direct). */
  modes?: Map<number, AreaMode>;
  /** File system swap builds: the area's build folder. */
  buildDir?: (run: string, area: string) => string;
}): { flow: FlowJob; data: SummaryJobData; count: number } {
  const { run, queueName, retries } = o;
  let count = 1;
  const areas: SummaryArea[] = [];
  const children: FlowJob[] = [];
  for (const a of jobs.areas) {
    const summaryArea: SummaryArea = { name: a.area.name, skipped: a.area.skipped, reused: a.reused, jobs: a.stages.map((s) => ({ stage: s.stage, id: stageId(run, a.area.index, s.stage) })), scans: [] };
    areas.push(summaryArea);
    if (!a.stages.length) continue;
    const mode = o.modes?.get(a.area.index) ?? 'direct';
    const chain = areaChain(a, { run, queueName, retries, out: jobs.out, store: o.store, mode, build: mode === 'swap' && !o.store && o.buildDir ? o.buildDir(run, a.area.name) : undefined }, summaryArea);
    count += a.stages.length + summaryArea.scans.length;
    children.push(chain);
  }
  const data: SummaryJobData = {
    kind: 'summary', run, out: jobs.out, file: o.file, batchFileSha256: o.sha256, queue: o.queue, started: new Date().toISOString(), retries, resume: o.resume, stages: jobs.config.stages, areas,
    ...(o.store ? { store: o.store } : {}), retention_s: o.retentionS,
  };
  // the summary job itself stays `retention_s` after it finished (BullMQ's removeOnComplete/removeOnFail by age)
  const keep = o.retentionS === null ? {} : { removeOnComplete: { age: o.retentionS }, removeOnFail: { age: o.retentionS } };
  return { flow: { name: 'summary', queueName, data, opts: jobOptions(summaryId(run), retries, keep), children }, data, count };
}

function areaChain(a: AreaJobs, c: { run: string; queueName: string; retries: number; out: string; store?: StoreRef; mode: AreaMode; build?: string }, sa: SummaryArea): FlowJob {
  const common = (): Common => ({ run: c.run, out: c.out, area: a.area.name, index: a.area.index, retries: c.retries, ...(c.store ? { store: c.store } : {}) });
  let node: FlowJob | undefined;
  a.stages.forEach((s, k) => {
    const tiled = s.stage === 'demand' ? a.tiled : undefined;
    const last = k === a.stages.length - 1;
    // a file-system swap build runs every stage of the area in its build folder
    const job: StageJob = c.build ? { ...s, runDir: c.build } : s;
    const data: StageJobData = { ...common(), kind: 'stage', job, def: a.area, first: k === 0, last, mode: c.mode, final: a.dir, ...(tiled ? { tiled } : {}) };
    const kids: FlowJob[] = [];
    if (node) kids.push(node);
    if (tiled) {
      tiled.files.forEach((file, fileIndex) => {
        const id = scanId(c.run, a.area.index, fileIndex);
        sa.scans.push(id);
        const sd: ScanJobData = { ...common(), kind: 'scan', file, fileIndex, demand: tiled.demand };
        kids.push({ name: `${a.area.name}:scan`, queueName: c.queueName, data: sd, opts: jobOptions(id, c.retries, { failParentOnFailure: true }) });
      });
    }
    node = {
      name: `${a.area.name}:${s.stage}`,
      queueName: c.queueName,
      data,
      // the area's last stage: its failure is recorded by the summary, which still runs; the others fail the next stage
      opts: jobOptions(stageId(c.run, a.area.index, s.stage), c.retries, last ? { ignoreDependencyOnFailure: true } : { failParentOnFailure: true }),
      ...(kids.length ? { children: kids } : {}),
    };
  });
  return node!;
}

// ---------------------------------------------------------------------------------------------------------------
// reading a run's jobs back

export interface JobView {
  id: string;
  state: string;
  returnvalue?: unknown;
  failedReason?: string;
  attemptsMade: number;
  stalledCounter: number;
  processedOn?: number;
  finishedOn?: number;
  data?: JobData;
}

/** A job's state and results (undefined: no such job). */
export async function viewJob(queue: Queue, id: string): Promise<JobView | undefined> {
  const job = await queue.getJob(id);
  if (!job) return undefined;
  const state = await job.getState();
  return {
    id,
    state,
    returnvalue: job.returnvalue,
    failedReason: job.failedReason,
    attemptsMade: job.attemptsMade ?? 0,
    stalledCounter: (job as unknown as { stalledCounter?: number }).stalledCounter ?? 0,
    processedOn: job.processedOn,
    finishedOn: job.finishedOn,
    data: job.data as JobData,
  };
}

/** The failure behind `v`: a parent failed by a child ("child bull:q:ID failed") is followed to that child. */
export async function rootCause(queue: Queue, v: JobView): Promise<JobView> {
  let cur = v;
  for (let depth = 0; depth < 64; depth++) {
    const m = /^child (\S+) failed$/.exec(cur.failedReason ?? '');
    if (!m) return cur;
    const id = m[1]!.slice(m[1]!.lastIndexOf(':') + 1);
    const next = await viewJob(queue, id);
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

/** Stage name of a job id of the run (tiles and scans belong to demand). */
export function stageOfJob(run: string, id: string): StageName | undefined {
  const p = parseJobId(run, id);
  if (!p || p.index < 0) return undefined;
  return (p.what.startsWith('scan.') || p.what.startsWith('tile.') ? 'demand' : p.what) as StageName;
}

export interface AreaView {
  record: AreaRecord;
  /** What runs now: "demand", "tiles 3/4". */
  current?: string;
  jobs: { done: number; running: number; failed: number; waiting: number };
  /** Ids of the area's jobs found in the queue (stages, scans, tiles). */
  ids: string[];
}

const JOB_STATE: Record<string, keyof AreaView['jobs']> = { completed: 'done', active: 'running', failed: 'failed' };

/** The record of each area of a run (summary.csv rows), from its jobs in the queue. */
export async function areaViews(queue: Queue, d: SummaryJobData): Promise<AreaView[]> {
  const out: AreaView[] = [];
  for (const a of d.areas) {
    const rec: AreaRecord = { name: a.name, status: 'pending', error: '', ran: [], reused: [...a.reused], skipped: a.skipped, retries: 0, seconds: 0 };
    const counts = { done: 0, running: 0, failed: 0, waiting: 0 };
    const view: AreaView = { record: rec, jobs: counts, ids: [] };
    out.push(view);
    if (!a.jobs.length) {
      rec.status = 'done';
      continue;
    }
    const stageViews = await Promise.all(a.jobs.map((j) => viewJob(queue, j.id)));
    const others: JobView[] = [];
    for (const id of a.scans) {
      const v = await viewJob(queue, id);
      if (v) others.push(v);
    }
    // tiles: the merge job names them in its data once it has planned them
    const merge = stageViews[a.jobs.findIndex((j) => j.stage === 'demand')];
    const tileIds = (merge?.data as StageJobData | undefined)?.tileIds ?? [];
    let tilesDone = 0;
    for (const id of tileIds) {
      const v = await viewJob(queue, id);
      if (v) others.push(v);
      if (v?.state === 'completed') tilesDone++;
    }
    let t0 = Infinity, t1 = -Infinity;
    for (const v of [...stageViews, ...others]) {
      if (!v) {
        counts.waiting++;
        continue;
      }
      view.ids.push(v.id);
      counts[JOB_STATE[v.state] ?? 'waiting']++;
      rec.retries += Math.max(0, v.attemptsMade - 1) + v.stalledCounter;
      if (v.processedOn) t0 = Math.min(t0, v.processedOn);
      if (v.finishedOn) t1 = Math.max(t1, v.finishedOn);
    }
    a.jobs.forEach((j, k) => {
      const r = stageViews[k]?.returnvalue as StageJobResult | undefined;
      if (stageViews[k]?.state !== 'completed' || !r) return;
      if (r.status === 'ran') rec.ran.push(j.stage);
      else rec.reused.push(j.stage);
      if (r.tiles !== undefined) rec.tiles = r.tiles;
      rec.retries += r.attempts ?? 0;
    });
    const failed = stageViews.find((v) => v?.state === 'failed') ?? others.find((v) => v.state === 'failed');
    const active = [...stageViews, ...others].find((v) => v?.state === 'active');
    if (failed) {
      const cause = await rootCause(queue, failed);
      rec.status = 'failed';
      rec.failedStage = stageOfJob(d.run, cause.id) ?? 'demand';
      rec.error = cause.failedReason ?? 'failed';
    } else if (stageViews.at(-1)?.state === 'completed') rec.status = 'done';
    else if (active || counts.done > 0) {
      rec.status = 'running';
      const s = active ? stageOfJob(d.run, active.id) : undefined;
      view.current = active && tileIds.includes(active.id) ? `demand tiles ${tilesDone}/${tileIds.length}` : active && a.scans.includes(active.id) ? 'demand scan' : s;
    }
    if (Number.isFinite(t0) && t1 > t0) rec.seconds = (t1 - t0) / 1000;
  }
  return out;
}

/** DIR/batch.json of a queued batch (the local batch's fields, plus the queue and the run). */
export function batchManifest(d: SummaryJobData, records: AreaRecord[], finished?: string): Record<string, unknown> {
  return {
    heatplan: { version: VERSION },
    batchFile: d.file,
    batchFileSha256: d.batchFileSha256,
    started: d.started,
    updated: new Date().toISOString(),
    ...(finished ? { finished } : {}),
    executor: 'queue',
    queue: d.queue,
    ...(d.store ? { store: d.store.url, storeEndpoint: d.store.endpoint ?? 'AWS S3' } : {}),
    run: d.run,
    jobRetention_s: d.retention_s,
    retries: d.retries,
    resume: d.resume,
    stages: d.stages,
    counts: { areas: records.length, done: records.filter((r) => r.status === 'done').length, failed: records.filter((r) => r.status === 'failed').length },
    areas: records,
  };
}
