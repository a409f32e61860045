/**
 * The worker thread of startRoadsGeojson (roads-write.ts): writes roads.geojson from the graph arrays it is given
 * while the route stage writes network.fgb in the main thread. Posts its end, or the error's message (the main thread
 * then writes the file itself and reports the error as it always has). Test hook HEATPLAN_ROADS_THREAD_CRASH=1: the
 * thread dies before it writes (engine/util/thread.ts threadTask).
 */
import { transformer, WGS84, type Crs } from '../crs/index.js';
import { threadTask } from '../util/thread.js';
import type { CsrGraph } from './csr.js';
import { writeRoadsGeojson } from './geojson.js';

await threadTask<{ path: string; crs: Crs; graph: CsrGraph }, null>('HEATPLAN_ROADS_THREAD_CRASH', async ({ path, crs, graph }) => {
  await writeRoadsGeojson(path, graph, transformer(crs, WGS84));
  return { value: null };
});
