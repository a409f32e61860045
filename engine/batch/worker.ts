/**
 * Worker side of the batch pool: runs one task at a time (scan a file, a demand tile, or an area's stages) and posts
 * the result back. A task is data ({ stage, runDir, options } per stage): each stage runs through `runStage`, the
 * same call the CLI and the scenario runner make, so a batch run folder is exactly what the single commands write.
 */
import { existsSync, writeFileSync } from 'node:fs';
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
  const done: StageName[] = [];
  if (t.merge) {
    onStage('demand');
    try {
      await mergeTiles(t.merge);
    } catch (e) {
      return { done, failed: { stage: 'demand', message: errorText(e) } };
    }
    done.push('demand');
  }
  for (const stage of t.stages) {
    if (stage === 'demand' && t.merge) continue;
    onStage(stage);
    try {
      await runStage(stage, t.dir, areaStageOptions(t.area, stage));
    } catch (e) {
      return { done, failed: { stage, message: errorText(e) } };
    }
    done.push(stage);
  }
  return { done };
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
