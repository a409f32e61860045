/**
 * The jobs a batch consists of, built once from the batch file and run by either executor: the local worker-thread
 * pool (engine/batch/batch.ts, `runBatch`) or a BullMQ flow on Redis (engine/batch/queue*.ts, `heatplan batch
 * --queue` and `heatplan worker`).
 * - per area: its stages in order, each as data `{ stage, runDir, options }`, the call `runStage(stage, runDir,
 *   options)` a worker makes;
 * - a tiled area's demand stage: one scan job per input file, then one tile job per tile (planned from the scans), the
 *   children of the merge that commits the demand stage;
 * - the summary (summary.csv, summary.geojson, batch.json): the parent of every area's jobs.
 * With `resume`, stages already complete in an area's run folder are left out and reported as reused.
 *
 * Idempotency (the queue's at-least-once delivery): a stage job records a start marker with the fingerprint of its
 * inputs (stage, options, size and time of every input file) in DIR/.heatplan-jobs/ before it runs; a job delivered
 * again whose marker has the same fingerprint and whose stage the run folder's manifest records as committed after
 * that start is complete already: it is a no-op reported as "reused". A stage interrupted before its commit left no
 * trace in the run folder (the run-folder transaction) and runs again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILES } from '../run/contract.js';
import type { FieldSpec } from '../stages/fields.js';
import { stages as STAGE_DEFS } from '../stages/index.js';
import { areaStageOptions, type BatchArea, type BatchConfig, type TilesSpec } from './config.js';
import { MANIFEST_STAGE, stageDone, type StageName } from './stages.js';
import { expandInputs, type DemandOpts } from './tiles.js';

/** One stage of one area, as data: what `runStage(stage, runDir, options)` gets. */
export interface StageJob {
  stage: StageName;
  runDir: string;
  options: Record<string, unknown>;
}

/** A tiled area's demand: scan every file, plan the tiles from the scans, run the tiles, merge. */
export interface TiledDemand {
  files: string[];
  demand: DemandOpts;
  spec: TilesSpec;
}

export interface AreaJobs {
  area: BatchArea;
  /** The area's run folder, DIR/<name>. */
  dir: string;
  /** Stages complete in the run folder already (resume): not run again. */
  reused: StageName[];
  /** The stages to run, in order. */
  stages: StageJob[];
  /** Set when the area is tiled and its demand stage is to run. */
  tiled?: TiledDemand;
}

export interface BatchJobs {
  config: BatchConfig;
  out: string;
  areas: AreaJobs[];
}

/** Stages already complete in the area's run folder (only with resume). */
export function completedStages(area: BatchArea, dir: string, resume: boolean): StageName[] {
  if (!resume || !existsSync(join(dir, FILES.manifest))) return [];
  let stages: string[] = [];
  try {
    stages = JSON.parse(readFileSync(join(dir, FILES.manifest), 'utf8')).stages ?? [];
  } catch {
    return [];
  }
  const done = area.run.filter((s) => stageDone(s, dir, stages));
  // without the demand stage nothing else can be reused: demand recreates the folder
  return area.run.includes('demand') && !done.includes('demand') ? [] : done;
}

/** The jobs of one area of a batch writing to `out`. */
export function areaJobs(area: BatchArea, out: string, resume: boolean, o: JobsOptions = {}): AreaJobs {
  const dir = o.dirOf ? o.dirOf(area.name) : join(out, area.name);
  const reused = o.completed ? (resume ? o.completed(area) : []) : completedStages(area, dir, resume);
  const todo = area.run.filter((s) => !reused.includes(s));
  const stages = todo.map((stage): StageJob => ({ stage, runDir: dir, options: areaStageOptions(area, stage) }));
  const tiled = area.tiles && todo.includes('demand') ? { files: expandInputs(area.buildings), demand: (area.options.demand ?? {}) as DemandOpts, spec: area.tiles } : undefined;
  return { area, dir, reused, stages, tiled };
}

/** Every job of a batch: per area its stages (and tiles), in batch-file order. */
export function batchJobs(config: BatchConfig, out: string, resume: boolean, o: JobsOptions = {}): BatchJobs {
  return { config, out, areas: config.areas.map((a) => areaJobs(a, out, resume, o)) };
}

/** Run folders elsewhere than DIR/<name> on this file system (an object store). */
export interface JobsOptions {
  /** The area's run folder as jobs name it. */
  dirOf?: (name: string) => string;
  /** The stages complete in the area's run folder (resume), in place of reading DIR/<name>/manifest.json. */
  completed?: (area: BatchArea) => StageName[];
}

// ---------------------------------------------------------------------------------------------------------------
// idempotency

/** Size and modification time of a path (a folder: of each of its files), for the fingerprint. */
function pathStamp(p: string): unknown {
  const s = statSync(p, { throwIfNoEntry: false });
  if (!s) return [p, 'missing'];
  if (!s.isDirectory()) return [p, s.size, s.mtimeMs];
  return [p, readdirSync(p).sort().map((f) => pathStamp(join(p, f)))];
}

/**
 * Fingerprint of a stage job's inputs: the stage, its options (as data) and the size and modification time of every
 * file they name (the stage's path options; the buildings).
 */
export function jobFingerprint(job: StageJob): string {
  const fields = STAGE_DEFS[job.stage].fields as Record<string, FieldSpec>;
  const files: unknown[] = [];
  for (const [k, v] of Object.entries(job.options)) {
    if (v === undefined || !(k === 'buildings' || fields[k]?.path)) continue;
    for (const p of Array.isArray(v) ? v : [v]) files.push(pathStamp(String(p)));
  }
  const options = Object.fromEntries(Object.entries(job.options).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify({ stage: job.stage, runDir: job.runDir, options, files })).digest('hex');
}

/** The start marker of a stage job: DIR/.heatplan-jobs/<area>.<stage>.json. */
export const markerPath = (out: string, area: string, stage: StageName): string => join(out, '.heatplan-jobs', `${area}.${stage}.json`);

interface Marker {
  fingerprint: string;
  started: string;
}

/** Record that a stage job with fingerprint `fp` starts now (written atomically). */
export async function markStarted(out: string, area: string, stage: StageName, fp: string): Promise<void> {
  const p = markerPath(out, area, stage);
  await mkdir(join(out, '.heatplan-jobs'), { recursive: true });
  const tmp = `${p}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify({ fingerprint: fp, started: new Date().toISOString() } satisfies Marker) + '\n');
  await rename(tmp, p);
}

/**
 * Whether the stage job is complete already: its last start had fingerprint `fp` and the run folder records the stage
 * as committed (and not stale) after that start.
 */
export function stageComplete(out: string, area: string, job: StageJob, fp: string): boolean {
  let marker: Marker;
  try {
    marker = JSON.parse(readFileSync(markerPath(out, area, job.stage), 'utf8')) as Marker;
  } catch {
    return false;
  }
  if (marker.fingerprint !== fp) return false;
  const started = Date.parse(marker.started);
  const key = MANIFEST_STAGE[job.stage];
  if (key) {
    try {
      const m = JSON.parse(readFileSync(join(job.runDir, FILES.manifest), 'utf8')) as { stages?: string[]; updated?: string; stale?: Record<string, unknown> };
      return (m.stages ?? []).includes(key) && !m.stale?.[key] && Date.parse(m.updated ?? '') >= started;
    } catch {
      return false;
    }
  }
  // report and map write files outside a transaction: written after the start
  const names = job.stage === 'report' ? [FILES.report] : [FILES.mapPng, FILES.mapPdf, FILES.mapSvg];
  return names.some((n) => (statSync(join(job.runDir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0) >= started);
}
