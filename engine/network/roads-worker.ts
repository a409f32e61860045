/**
 * The worker thread of startRoadsGeojson (roads-write.ts): writes roads.geojson from the graph arrays it is given
 * while the route stage writes network.fgb in the main thread. Posts 'done', or the error's message (the main thread
 * then writes the file itself and reports the error as it always has).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transformer, WGS84, type Crs } from '../crs/index.js';
import type { CsrGraph } from './csr.js';
import { writeRoadsGeojson } from './geojson.js';

// test hook, as HEATPLAN_GRAPH_THREAD_CRASH in graph-worker.ts: the thread dies before it writes
if (process.env.HEATPLAN_ROADS_THREAD_CRASH === '1') process.exit(86);
const { path, crs, graph } = (workerData as { data: { path: string; crs: Crs; graph: CsrGraph } }).data;
try {
  await writeRoadsGeojson(path, graph, transformer(crs, WGS84));
  parentPort!.postMessage({ type: 'done' });
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: (e as Error)?.message ?? String(e) });
}
