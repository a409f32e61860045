/**
 * The worker thread of startRoadGraph (graph-cache.ts): reads the roads and builds the graph of its data (a
 * RoadGraphSource) while the route stage reads its buildings, and posts the graph back with the warnings of the
 * read and the build. The graph's typed arrays are moved to the main thread (transferred), never copied. An error is
 * posted as its message only: the main thread builds again and reports the error itself, as without a thread.
 * Test hook HEATPLAN_GRAPH_THREAD_CRASH=1: the thread dies before it starts (engine/util/thread.ts threadTask).
 */
import { arrayBuffersOf, threadTask } from '../util/thread.js';
import { Warnings } from '../util/warnings.js';
import { buildRoadGraphOf, type RoadGraphBuilt, type RoadGraphSource } from './graph-cache.js';

await threadTask<RoadGraphSource, RoadGraphBuilt>('HEATPLAN_GRAPH_THREAD_CRASH', async (src, onProgress) => {
  const warnings = new Warnings();
  const { roads, roadGraph } = await buildRoadGraphOf(src, warnings, onProgress);
  return { value: { roads, roadGraph, warnings: warnings.list() }, transfer: arrayBuffersOf(Object.values(roadGraph.csr)) };
});
