/**
 * roads.geojson written in a worker thread (roads-worker.ts) while the route stage writes network.fgb: a city's road
 * graph is a million and a half edges, 300 MB of text and about 4 s of one core, which the second core can take. The
 * worker writes the same bytes through the same function (geojson.ts writeRoadsGeojson) to the same path in the
 * stage's staging folder; a worker that fails is not trusted with the error: `finish` writes the file again in this
 * thread, which reports it (a full disk, say) as before, and counts `roads-thread-failed` when that write succeeds.
 */
import { transformer, WGS84, type Crs } from '../crs/index.js';
import { runInThread, spareCore, type ThreadMode } from '../util/thread.js';
import type { Warnings } from '../util/warnings.js';
import type { CsrGraph } from './csr.js';
import { writeRoadsGeojson } from './geojson.js';

/**
 * Graphs of at least this many edges have their roads.geojson written in a worker thread (`thread: 'auto'`, two cores
 * or more). heatplan's own threshold: 250,000 edges take about 0.4 s to write (the 1M-building city's 569,010-edge
 * street graph: 0.83-1.25 s compiled, and in a worker 0.82-0.92 s from the call to the file, the worker's start-up
 * and the copy of the arrays it is given included: 16 bytes an edge and 16 a node).
 */
export const ROADS_THREAD_MIN_EDGES = 250_000;

export interface RoadsWrite {
  /** Wait for the file; written here if the worker failed (then its errors are thrown here). */
  finish(): Promise<void>;
  /** Stop the worker (the stage failed meanwhile; the staging folder, and what the worker wrote in it, goes). */
  cancel(): Promise<void>;
}

/** The arrays writeRoadsGeojson reads, copied for the thread (the stage still uses the graph). */
function roadsArrays(g: CsrGraph): Pick<CsrGraph, 'nodeCount' | 'edgeCount' | 'x' | 'y' | 'edgeFrom' | 'edgeTo' | 'edgeLengthM'> {
  return { nodeCount: g.nodeCount, edgeCount: g.edgeCount, x: g.x, y: g.y, edgeFrom: g.edgeFrom, edgeTo: g.edgeTo, edgeLengthM: g.edgeLengthM };
}

/**
 * Begin writing roads.geojson of graph `g` (coordinates in `crs`) to `path`: in a worker thread when `thread` says so
 * ('auto': ROADS_THREAD_MIN_EDGES edges or more on two cores or more, from the main thread: not in a batch worker),
 * else in `finish`, in this thread.
 */
export function startRoadsGeojson(path: string, g: CsrGraph, crs: Crs, o: { warnings: Warnings; thread?: ThreadMode }): RoadsWrite {
  const mode = o.thread ?? 'auto';
  const threaded = mode === 'always' || (mode === 'auto' && g.edgeCount >= ROADS_THREAD_MIN_EDGES && spareCore());
  const here = () => writeRoadsGeojson(path, g, transformer(crs, WGS84));
  if (!threaded) return { finish: here, cancel: async () => {} };
  // structured clone copies the typed arrays: the stage keeps its graph
  const run = runInThread<null>(import.meta.url, './roads-worker', { path, crs, graph: roadsArrays(g) });
  return {
    async finish() {
      const r = await run.result;
      if ('value' in r) return;
      await here();
      o.warnings.add('roads-thread-failed', 'roads.geojson could not be written in a worker thread and was written again in the main thread', { file: path, message: r.failed });
    },
    cancel: run.cancel,
  };
}
