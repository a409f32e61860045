/**
 * The worker thread of readBuildingInputs (buildings-input.ts): reads the last of the shapefile/GeoJSON inputs into a
 * table of its own while the main thread reads the others, and posts the finished table (its typed arrays moved, not
 * copied) with the warnings the reads counted. An error is posted as its message only: the main thread then reads
 * those files itself and reports the error as it always has.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BuildingTableBuilder } from '../buildings/table.js';
import type { Crs } from '../crs/index.js';
import { Warnings } from '../util/warnings.js';
import type { AttributeMapping } from './vector-buildings.js';
import { readVectorBuildings } from './vector-buildings.js';

export interface BuildingsWorkerData {
  files: string[];
  crs: Crs;
  mapping: AttributeMapping;
  encoding?: string;
  scheme?: string;
  sourceCrs?: string;
}

export type BuildingsWorkerMessage =
  | { type: 'progress'; done: number; total: number; label?: string }
  | { type: 'done'; table: unknown; warnings: ReturnType<Warnings['list']> }
  | { type: 'error'; message: string };

// test hook, as HEATPLAN_GRAPH_THREAD_CRASH in engine/network/graph-worker.ts: the thread dies before it reads
if (process.env.HEATPLAN_BUILDINGS_THREAD_CRASH === '1') process.exit(86);
const port = parentPort!;
const post = (m: BuildingsWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const d = (workerData as { data: BuildingsWorkerData }).data;
const warnings = new Warnings();
let lastAt = 0;
let lastLabel: string | undefined;
const onProgress = (done: number, total: number, label?: string): void => {
  const now = performance.now();
  if (label === lastLabel && now - lastAt < 200 && done < total) return;
  lastAt = now;
  lastLabel = label;
  post({ type: 'progress', done, total, label });
};
try {
  const builder = new BuildingTableBuilder(d.crs);
  for (const f of d.files) await readVectorBuildings(f, builder, warnings, { mapping: d.mapping, encoding: d.encoding, scheme: d.scheme, crs: d.sourceCrs, onProgress });
  const table = builder.finish() as unknown as Record<string, unknown>;
  const buffers = new Set<ArrayBuffer>();
  for (const v of Object.values(table)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
  post({ type: 'done', table, warnings: warnings.list() }, [...buffers]);
} catch (e) {
  post({ type: 'error', message: (e as Error)?.message ?? String(e) });
}
