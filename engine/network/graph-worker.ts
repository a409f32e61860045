/**
 * The worker thread of startRoadGraph (graph-cache.ts): reads the roads and builds the graph of `workerData.data`
 * (a RoadGraphSource) while the route stage reads its buildings, and posts the graph back with the warnings of the
 * read and the build. The graph's typed arrays are moved to the main thread (transferred), never copied. An error is
 * posted as its message only: the main thread builds again and reports the error itself, as without a thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Warnings } from '../util/warnings.js';
import { buildRoadGraphOf, type RoadGraphSource, type RoadGraphWorkerMessage } from './graph-cache.js';

// test hook (as HEATPLAN_BATCH_CRASH in engine/batch/worker.ts): the thread dies before it starts its work
if (process.env.HEATPLAN_GRAPH_THREAD_CRASH === '1') process.exit(86);
const port = parentPort!;
const post = (m: RoadGraphWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const src = (workerData as { data: RoadGraphSource }).data;
const warnings = new Warnings();
// progress on a change of label, or every 0.2 s: a message per feature would flood the main thread
let lastLabel: string | undefined;
let lastAt = 0;
const onProgress = (done: number, total: number, label?: string): void => {
  const now = performance.now();
  if (label === lastLabel && now - lastAt < 200 && done < total) return;
  lastLabel = label;
  lastAt = now;
  post({ type: 'progress', done, total, label });
};
try {
  const { roads, roadGraph } = await buildRoadGraphOf(src, warnings, onProgress);
  const c = roadGraph.csr;
  const buffers = new Set<ArrayBuffer>();
  for (const a of [c.x, c.y, c.edgeFrom, c.edgeTo, c.edgeLengthM, c.offsets, c.adjNode, c.adjEdge, c.geomOffsets, c.geomXY]) {
    if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  }
  post({ type: 'done', roads, roadGraph, warnings: warnings.list() }, [...buffers]);
} catch (e) {
  post({ type: 'error', message: (e as Error)?.message ?? String(e) });
}
