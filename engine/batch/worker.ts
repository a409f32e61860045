/**
 * Worker side of the batch pool: runs one task at a time (scan a file, a demand tile, or an area's stages) and posts
 * the result back. A task is data ({ stage, runDir, options } per stage): each stage runs through `runStage`, the
 * same call the CLI and the scenario runner make, so a batch run folder is exactly what the single commands write.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { lockRun, replaceRun, rewritePaths, siblingPath, trackStaging } from '../io/run-folder.js';
import { FILES } from '../run/contract.js';
import { parentPort } from 'node:worker_threads';
import { HeatplanError, OutputError } from '../errors.js';
import { runStage } from '../stages/index.js';
import { areaStageOptions, type BatchArea } from './config.js';
import type { StageName } from './stages.js';
import { mergeTiles, runTile, scanFile, type DemandOpts, type MergeTask, type TileTask } from './tiles.js';

export type Task =
  | { kind: 'scan'; file: string; demand: DemandOpts }
  | { kind: 'tile'; tile: TileTask }
  | { kind: 'stages'; area: BatchArea; dir: string; stages: StageName[]; merge?: MergeTask };

export interface StagesResult {
  done: StageName[];
  failed?: { stage: StageName; message: string };
}

export type WorkerMessage =
  | { id: number; type: 'stage'; stage: StageName }
  | { id: number; type: 'done'; result: unknown }
  | { id: number; type: 'error'; message: string };

/**
 * Error text for the summary: typed heatplan errors carry file, record and value in their message; a file-system
 * error (a full disk, no permission) is said as the OutputError says it (path and cause), so the area fails with it.
 */
export function errorText(e: unknown): string {
  if (e instanceof HeatplanError) return e.message;
  const fs = OutputError.from(e);
  if (fs) return fs.message;
  const err = e as Error;
  return `internal error: ${err?.message ?? String(e)}`;
}

/**
 * Test hook (HEATPLAN_BATCH_CRASH=name[:marker]): the worker dies (process.exit in the thread) when it starts area
 * `name`; with a marker file only the first time (the marker is written before dying).
 */
function crashHook(area: string): void {
  const spec = process.env.HEATPLAN_BATCH_CRASH;
  if (!spec) return;
  const [name, marker] = spec.split(':');
  if (name !== area) return;
  if (marker) {
    if (existsSync(marker)) return;
    writeFileSync(marker, 'crashed\n');
  }
  process.exit(86);
}

async function runStages(t: Extract<Task, { kind: 'stages' }>, onStage: (s: StageName) => void): Promise<StagesResult> {
  crashHook(t.area.name);
  // an area remade from its demand stage over an existing run is built beside it and swapped in when every stage is
  // done (as `heatplan run` does), so a kill or a failed stage leaves the area's previous run as it was
  const remake = (t.merge !== undefined || t.stages[0] === 'demand') && existsSync(join(t.dir, FILES.manifest));
  // the area's run is locked while its new run is built (taking the lock also cleans what a killed worker left)
  const lock = remake ? await lockRun(t.dir, { note: () => {} }) : undefined;
  const build = remake ? await startAreaBuild(t.dir) : undefined;
  const dir = build?.run ?? t.dir;
  const done: StageName[] = [];
  const fail = async (stage: StageName, e: unknown): Promise<StagesResult> => {
    await build?.dispose();
    lock?.release();
    return { done, failed: { stage, message: errorText(e) } };
  };
  if (t.merge) {
    onStage('demand');
    try {
      await mergeTiles({ ...t.merge, dir });
    } catch (e) {
      return fail('demand', e);
    }
    done.push('demand');
  }
  for (const stage of t.stages) {
    if (stage === 'demand' && t.merge) continue;
    onStage(stage);
    try {
      await runStage(stage, dir, areaStageOptions(t.area, stage));
    } catch (e) {
      return fail(stage, e);
    }
    done.push(stage);
  }
  if (build) {
    try {
      await rewritePaths(build.run, build.run, t.dir);
      await replaceRun(build.run, t.dir);
    } catch (e) {
      return fail(done[done.length - 1] ?? 'demand', e);
    }
    await build.dispose();
    lock?.release();
  }
  return { done };
}

/** A staging folder beside the area's run (recovered like `heatplan run`'s if the worker dies). */
async function startAreaBuild(out: string): Promise<{ run: string; dispose: () => Promise<void> }> {
  const container = siblingPath(out, 'run');
  const untrack = trackStaging(container);
  await mkdir(container);
  return {
    run: join(container, basename(out)),
    dispose: async () => {
      await rm(container, { recursive: true, force: true });
      untrack();
    },
  };
}

export async function runTask(task: Task, onStage: (s: StageName) => void): Promise<unknown> {
  switch (task.kind) {
    case 'scan':
      return scanFile(task.file, task.demand);
    case 'tile':
      return runTile(task.tile);
    case 'stages':
      return runStages(task, onStage);
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', async (msg: { id: number; task: Task }) => {
    try {
      const result = await runTask(msg.task, (stage) => port.postMessage({ id: msg.id, type: 'stage', stage } satisfies WorkerMessage));
      port.postMessage({ id: msg.id, type: 'done', result } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({ id: msg.id, type: 'error', message: errorText(e) } satisfies WorkerMessage);
    }
  });
  port.postMessage({ id: -1, type: 'done', result: 'ready' } satisfies WorkerMessage);
}
