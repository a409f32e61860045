/**
 * The worker thread of readBuildingInputs (buildings-input.ts): reads the last of the CityGML tiles or of the
 * shapefile/GeoJSON inputs into a table of its own while the main thread reads the others, and posts the finished
 * table (its typed arrays moved, not copied) with the warnings the reads counted and, for CityGML, what the reader
 * recorded per file (municipality codes, detailed uses), which the main thread records as its own read would have.
 * An error is posted as its message only: the main thread then reads those files itself and reports the error as it
 * always has.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BuildingTableBuilder } from '../buildings/table.js';
import type { Crs } from '../crs/index.js';
import { Warnings } from '../util/warnings.js';
import { readCityGmlBuildings } from './citygml/buildings.js';
import { takeDetailedUsage, type DetailedUse } from './citygml/detailed-usage.js';
import { recordedMunicipalities } from './citygml/municipality.js';
import type { AttributeMapping } from './vector-buildings.js';
import { readVectorBuildings } from './vector-buildings.js';

export interface BuildingsWorkerData {
  /** CityGML files, read first (engine/io/citygml/buildings.ts) */
  gml: string[];
  /** shapefile/GeoJSON files, read after them */
  files: string[];
  crs: Crs;
  mapping: AttributeMapping;
  encoding?: string;
  scheme?: string;
  sourceCrs?: string;
}

/** What the CityGML reader recorded of one file in this thread's module state, for the main thread's. */
export interface CityGmlRecords {
  file: string;
  municipalities?: Map<string, number>;
  detailed?: Map<string, DetailedUse>;
}

export type BuildingsWorkerMessage =
  | { type: 'progress'; done: number; total: number; label?: string }
  | { type: 'done'; table: unknown; warnings: ReturnType<Warnings['list']>; records: CityGmlRecords[] }
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
  const records: CityGmlRecords[] = [];
  if (d.gml.length) {
    await readCityGmlBuildings(d.gml, builder, warnings, { onProgress });
    for (const file of d.gml) records.push({ file, municipalities: recordedMunicipalities(file), detailed: takeDetailedUsage(file) });
  }
  for (const f of d.files) await readVectorBuildings(f, builder, warnings, { mapping: d.mapping, encoding: d.encoding, scheme: d.scheme, crs: d.sourceCrs, onProgress });
  const table = builder.finish() as unknown as Record<string, unknown>;
  const buffers = new Set<ArrayBuffer>();
  for (const v of Object.values(table)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
  post({ type: 'done', table, warnings: warnings.list(), records }, [...buffers]);
} catch (e) {
  post({ type: 'error', message: (e as Error)?.message ?? String(e) });
}
