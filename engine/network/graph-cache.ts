/**
 * The compiled road graph cached in the run folder (FILES.roadGraph, `road-graph.bin`), so that the route stage reads
 * and nodes the roads once per run instead of on every call (issue 18, part 2). The file holds the CSR arrays
 * (csr.ts), the edge polylines and way ids as buildRoadGraph returns them, the road file's facts the stage reports
 * (format, CRS, bbox, classes left out, graph stats) and the warnings the read and the build counted, which a reuse
 * counts again so that a reused graph gives the same manifest as a built one.
 *
 * It is keyed by the sha256 of the roads file (and of a shapefile's sidecar files), the working CRS and every option
 * that changes the graph (roads CRS, layer, road classes, snap distance, crossings) plus the cache format version and
 * the source of the builder functions: a key that differs rebuilds the graph and replaces the file. The file is
 * written atomically (a temporary name renamed into place) and its payload carries its own sha256: a file that does
 * not check out (truncated, damaged, another format) is never trusted; it is rebuilt with a counted warning
 * (`road-graph-cache-corrupt`).
 *
 * Layout (little-endian): 'HPRG', u32 format version, u32 header length, the header as UTF-8 JSON, then the arrays,
 * each starting at a multiple of 8 bytes so that they are read as typed-array views on the file's buffer, no copy.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Crs } from '../crs/index.js';
import { readRoads, type RoadsRead } from '../io/roads.js';
import { writeOutputAtomic } from '../io/write.js';
import { FILES } from '../run/contract.js';
import type { ProgressFn } from '../util/progress.js';
import { runInThread, spareCore, type ThreadMode, type ThreadOutcome, type ThreadRun } from '../util/thread.js';
import { Warnings, type WarningSummary } from '../util/warnings.js';
import { buildCsr, csrOf, type CsrGraph } from './csr.js';
import { buildRoadGraph, compileRoadGraph, type RoadGraph } from './road-graph.js';

/** Bump when the file layout or what the graph builder makes of the same input changes. */
export const ROAD_GRAPH_CACHE_VERSION = 1;
const MAGIC = 'HPRG';

/** The road graph without its graphology form (the stage computes on the CSR arrays only). */
export type CompiledRoadGraph = Omit<RoadGraph, 'graph'>;

/** What the route stage reports of the roads file, as readRoads gives it (the CRS by its code). */
export interface RoadsFacts {
  format: RoadsRead['format'];
  layer?: string;
  sourceCrs: { code: string };
  crsAssumed: boolean;
  bbox: [number, number, number, number];
  excludedByClass: Record<string, number>;
}

export interface RoadGraphSource {
  /** the roads file */
  roads: string;
  /** working CRS */
  crs: Crs;
  roadsCrs?: Crs;
  layer?: string;
  include?: string[];
  exclude?: string[];
  snapM?: number;
  crossings?: boolean;
}

/** How the graph came: built (no cache), reused from the cache, rebuilt (cache for other roads/options, or corrupt). */
export type RoadGraphOrigin = 'built' | 'reused' | 'rebuilt';

export interface CachedRoadGraph {
  roads: RoadsFacts;
  roadGraph: CompiledRoadGraph;
  origin: RoadGraphOrigin;
  /** the cache file */
  file: string;
  /** whether the graph was read and built in a worker thread (startRoadGraph) */
  thread: boolean;
}

interface Section {
  name: string;
  type: 'f64' | 'u32' | 'u8';
  length: number;
  offset: number;
}

interface Header {
  key: Record<string, unknown>;
  roads: RoadsFacts;
  stats: RoadGraph['stats'];
  warnings: WarningSummary[];
  nodeCount: number;
  edgeCount: number;
  /** way ids that are strings, in edge order (wayKind 1); numeric ones are in wayNum */
  wayStrings: string[];
  sections: Section[];
  payloadBytes: number;
  payloadSha256: string;
}

const BYTES = { f64: 8, u32: 4, u8: 1 } as const;

/** sha256 of the roads file and, for a shapefile, of its sidecars (.dbf, .prj, .cpg, .shx), by name. */
async function roadsDigest(path: string): Promise<Record<string, string>> {
  const files = [path];
  if (extname(path).toLowerCase() === '.shp') {
    const stem = join(dirname(path), basename(path, extname(path)));
    for (const ext of ['.dbf', '.prj', '.cpg', '.shx', '.DBF', '.PRJ', '.CPG', '.SHX']) if (existsSync(stem + ext)) files.push(stem + ext);
  }
  const out: Record<string, string> = {};
  for (const f of files) {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(f)) h.update(chunk as Buffer);
    out[basename(f)] = h.digest('hex');
  }
  return out;
}

/** The builder's own code, so that a changed builder does not reuse a graph the old one made. */
const builderDigest = (): string =>
  createHash('sha256').update([readRoads, buildRoadGraph, compileRoadGraph, buildCsr, csrOf].map((f) => f.toString()).join('\n')).digest('hex');

/** The cache key: everything the compiled graph depends on. */
async function cacheKey(s: RoadGraphSource): Promise<Record<string, unknown>> {
  return {
    version: ROAD_GRAPH_CACHE_VERSION,
    builder: builderDigest(),
    roads: await roadsDigest(s.roads),
    crs: s.crs.proj4,
    roadsCrs: s.roadsCrs?.proj4 ?? null,
    layer: s.layer ?? null,
    include: s.include ?? null,
    exclude: s.exclude ?? null,
    snapM: s.snapM ?? null,
    crossings: s.crossings ?? null,
  };
}

const sameKey = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The bytes of the cache file for a compiled graph. */
export function encodeRoadGraph(key: Record<string, unknown>, roads: RoadsFacts, g: CompiledRoadGraph, warnings: WarningSummary[]): Buffer {
  const c = g.csr;
  const m = c.edgeCount;
  const wayKind = new Uint8Array(m);
  const wayNum = new Float64Array(m);
  const wayStrings: string[] = [];
  for (let e = 0; e < m; e++) {
    const w = g.edgeWay[e]!;
    if (typeof w === 'number') wayNum[e] = w;
    else {
      wayKind[e] = 1;
      wayNum[e] = NaN;
      wayStrings.push(w);
    }
  }
  const arrays: [string, Section['type'], Float64Array | Uint32Array | Uint8Array][] = [
    ['x', 'f64', c.x], ['y', 'f64', c.y], ['edgeFrom', 'u32', c.edgeFrom], ['edgeTo', 'u32', c.edgeTo],
    ['edgeLengthM', 'f64', c.edgeLengthM], ['offsets', 'u32', c.offsets], ['adjNode', 'u32', c.adjNode], ['adjEdge', 'u32', c.adjEdge],
    ['geomOffsets', 'u32', c.geomOffsets], ['geomXY', 'f64', c.geomXY], ['wayNum', 'f64', wayNum], ['wayKind', 'u8', wayKind],
  ];
  const sections: Section[] = [];
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const [name, type, a] of arrays) {
    sections.push({ name, type, length: a.length, offset: at });
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    chunks.push(bytes);
    at += bytes.byteLength;
    const pad = (8 - (at % 8)) % 8;
    if (pad) chunks.push(new Uint8Array(pad));
    at += pad;
  }
  const h = createHash('sha256');
  for (const ch of chunks) h.update(ch);
  const header: Header = {
    key, roads, stats: g.stats, warnings, nodeCount: c.nodeCount, edgeCount: m, wayStrings, sections, payloadBytes: at, payloadSha256: h.digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lead = 12 + json.byteLength;
  const headPad = (8 - (lead % 8)) % 8;
  const head = Buffer.alloc(lead + headPad);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(ROAD_GRAPH_CACHE_VERSION, 4);
  head.writeUInt32LE(json.byteLength, 8);
  json.copy(head, 12);
  return Buffer.concat([head, ...chunks]);
}

/** Why a cache file cannot be used. */
class CacheUnusable extends Error {
  constructor(message: string, readonly corrupt: boolean) {
    super(message);
  }
}

/** The header of cache bytes (checked: magic, version, header JSON). */
function readHeader(buf: Buffer): { header: Header; payloadStart: number } {
  if (buf.byteLength < 12 || buf.toString('latin1', 0, 4) !== MAGIC) throw new CacheUnusable('not a heatplan road-graph cache (no HPRG signature)', true);
  const version = buf.readUInt32LE(4);
  if (version !== ROAD_GRAPH_CACHE_VERSION) throw new CacheUnusable(`cache format version ${version}, this heatplan writes ${ROAD_GRAPH_CACHE_VERSION}`, false);
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.byteLength) throw new CacheUnusable(`header of ${len} bytes runs past the end of the ${buf.byteLength}-byte file`, true);
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as Header;
  } catch (e) {
    throw new CacheUnusable(`header is not valid JSON: ${(e as Error).message}`, true);
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.sections)) throw new CacheUnusable('header without sections', true);
  return { header, payloadStart: 12 + len + ((8 - ((12 + len) % 8)) % 8) };
}

/** Decode cache bytes whose key has been checked: the payload's sha256 and every array's length are verified. */
export function decodeRoadGraph(buf: Buffer): { header: Header; roadGraph: CompiledRoadGraph } {
  const { header, payloadStart } = readHeader(buf);
  if (payloadStart + header.payloadBytes !== buf.byteLength) throw new CacheUnusable(`file is ${buf.byteLength} bytes, its header says ${payloadStart + header.payloadBytes}`, true);
  const digest = createHash('sha256').update(buf.subarray(payloadStart)).digest('hex');
  if (digest !== header.payloadSha256) throw new CacheUnusable('payload sha256 does not match the header (damaged file)', true);
  // typed-array views need their element alignment: the sections are 8-aligned from the file's start
  const b = (buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf)) as Buffer;
  const arr = new Map<string, Float64Array | Uint32Array | Uint8Array>();
  for (const s of header.sections) {
    const bpe = BYTES[s.type];
    if (!bpe || !(s.length >= 0) || s.offset + s.length * bpe > header.payloadBytes) throw new CacheUnusable(`section ${s.name} lies outside the payload`, true);
    const o = b.byteOffset + payloadStart + s.offset;
    arr.set(s.name, s.type === 'f64' ? new Float64Array(b.buffer, o, s.length) : s.type === 'u32' ? new Uint32Array(b.buffer, o, s.length) : new Uint8Array(b.buffer, o, s.length));
  }
  const n = header.nodeCount, m = header.edgeCount;
  const need = <T extends Float64Array | Uint32Array | Uint8Array>(name: string, length: number): T => {
    const a = arr.get(name);
    if (!a || a.length !== length) throw new CacheUnusable(`section ${name}: ${a ? a.length : 'missing'}, expected ${length} values`, true);
    return a as T;
  };
  const geomOffsets = need<Uint32Array>('geomOffsets', m + 1);
  const csr: CsrGraph = {
    nodeCount: n, edgeCount: m,
    x: need('x', n), y: need('y', n), edgeFrom: need('edgeFrom', m), edgeTo: need('edgeTo', m), edgeLengthM: need('edgeLengthM', m),
    offsets: need('offsets', n + 1), adjNode: need('adjNode', 2 * m), adjEdge: need('adjEdge', 2 * m),
    geomOffsets, geomXY: need('geomXY', 2 * (geomOffsets[m] ?? 0)),
  };
  const wayKind = need<Uint8Array>('wayKind', m), wayNum = need<Float64Array>('wayNum', m);
  const strings = header.wayStrings ?? [];
  const edgeWay: (string | number)[] = new Array(m);
  let k = 0;
  for (let e = 0; e < m; e++) {
    if (wayKind[e] === 1) {
      if (k >= strings.length) throw new CacheUnusable('fewer way ids than edges', true);
      edgeWay[e] = strings[k++]!;
    } else edgeWay[e] = wayNum[e]!;
  }
  return { header, roadGraph: { csr, edgeWay, stats: header.stats } };
}

/** What the route stage reports of the roads file, from what readRoads returns. */
export function roadsFacts(read: RoadsRead): RoadsFacts {
  return {
    format: read.format, ...(read.layer !== undefined ? { layer: read.layer } : {}), sourceCrs: { code: read.sourceCrs.code },
    crsAssumed: read.crsAssumed, bbox: read.bbox, excludedByClass: read.excludedByClass,
  };
}

/**
 * Read the roads and build the graph (no cache), the warnings of both into `warnings`; `check` is called on the
 * roads' facts between the read and the (longer) build. The one build the stage and the worker thread both run.
 */
export async function buildRoadGraphOf(src: RoadGraphSource, warnings: Warnings, onProgress?: ProgressFn, check?: (roads: RoadsFacts) => void): Promise<{ roads: RoadsFacts; roadGraph: CompiledRoadGraph }> {
  const read = await readRoads(src.roads, { crs: src.crs, roadsCrs: src.roadsCrs, layer: src.layer, include: src.include, exclude: src.exclude, warnings, onProgress });
  const roads = roadsFacts(read);
  check?.(roads);
  const { graph: _graph, ...roadGraph } = buildRoadGraph(read.lines, { snapM: src.snapM, crossings: src.crossings, warnings, file: src.roads });
  return { roads, roadGraph };
}

/**
 * Roads files at least this large are read and built in a worker thread while the route stage reads the buildings
 * (startRoadGraph, `thread: 'auto'`), on a machine with two cores or more, from the main thread only (a batch
 * worker, already one of several threads, builds it itself). heatplan's own threshold, not a figure of any method:
 * a worker costs about 0.2 s to start compiled (0.4 s from the sources; measured on the demo's roads) and a copy of
 * the graph's arrays is never made (they are moved), while 8 MiB of GeoJSON roads take about 1 s to read and build
 * (the 1M-building city's 90 MB: 11.2 s).
 */
export const ROAD_GRAPH_THREAD_MIN_BYTES = 8 << 20;

/** Whether the road graph is built in a worker thread: when large enough on a multi-core machine, always, never. */
export type RoadGraphThread = ThreadMode;

/** A road graph under way (startRoadGraph): `finish` gives it, `cancel` stops a worker building it. */
export interface RoadGraphStart {
  /** The graph; `check` runs on the roads' facts before anything is cached (throws to stop: no cache file then). */
  finish(check?: (roads: RoadsFacts) => void): Promise<CachedRoadGraph>;
  /** Stop the worker thread, if one runs (the stage failed before it needed the graph). */
  cancel(): Promise<void>;
}

/** What the worker thread builds (engine/network/graph-worker.ts): the roads' facts, the graph, the warnings. */
export interface RoadGraphBuilt {
  roads: RoadsFacts;
  roadGraph: CompiledRoadGraph;
  warnings: WarningSummary[];
}

/**
 * The compiled road graph of `src` for the run folder `run`: from its cache file when that was made from the same
 * roads file and options, else read and built (readRoads + buildRoadGraph) and cached. The warnings of the read and
 * the build go to `o.warnings` both times; a corrupt cache adds `road-graph-cache-corrupt`, a cache that cannot be
 * written `road-graph-cache-not-written` (the route itself goes on).
 */
export async function cachedRoadGraph(
  run: string,
  src: RoadGraphSource,
  o: { warnings: Warnings; onProgress?: ProgressFn; /** checks the roads before the graph is built or reused (throws to stop) */ check?: (roads: RoadsFacts) => void },
): Promise<CachedRoadGraph> {
  return startRoadGraph(run, src, { ...o, thread: 'never' }).finish(o.check);
}

/**
 * cachedRoadGraph begun now and finished later, so that the stage can read its buildings meanwhile: the cache key is
 * hashed and the cache file read at once (asynchronous I/O), and where the graph must be built and `thread` allows,
 * it is read and built in a worker thread (engine/network/graph-worker.ts; its arrays are moved back, not copied).
 * The result is the same graph, warnings and cache file as cachedRoadGraph's, counted in the same order when
 * `finish` is called; a worker that fails (bad roads, out of memory) is not trusted with the error: the build then
 * runs again in this thread, which reports it as cachedRoadGraph does. Without a worker the read and the build run
 * in `finish`, `check` between them, as before.
 */
export function startRoadGraph(run: string, src: RoadGraphSource, o: { warnings: Warnings; onProgress?: ProgressFn; thread?: RoadGraphThread }): RoadGraphStart {
  const file = join(run, FILES.roadGraph);
  let building: ThreadRun<RoadGraphBuilt> | undefined;
  let cancelled = false;
  /** what the cache lookup found, said (warning, progress) only in `finish`, in the order cachedRoadGraph said it */
  const said: ((w: Warnings) => void)[] = [];
  type Built = ThreadOutcome<RoadGraphBuilt>;
  // whether a worker may build it: decided at once (a stat), so that with no cache file the worker starts before
  // the cache key is hashed (a stream over the roads file that the buildings' read in this thread slows down)
  const mode = o.thread ?? 'auto';
  const threaded = mode === 'always' || (mode === 'auto' && spareCore() && (statSync(src.roads, { throwIfNoEntry: false })?.size ?? 0) >= ROAD_GRAPH_THREAD_MIN_BYTES);
  const hadCache = existsSync(file);
  const early = threaded && !hadCache ? inWorker() : undefined;
  const prep = (async (): Promise<{ key?: Record<string, unknown>; origin: RoadGraphOrigin; cached?: { buf: Buffer; header: Header }; built?: Promise<Built> }> => {
    // a roads path that is missing or no file is readRoads' error to report (named as it names it)
    const key = await cacheKey(src).catch(() => undefined);
    let origin: RoadGraphOrigin = 'built';
    if (key && hadCache) {
      origin = 'rebuilt';
      try {
        const buf = await readFile(file);
        const { header } = readHeader(buf);
        if (sameKey(header.key, key)) return { key, origin, cached: { buf, header } };
        said.push(() => o.onProgress?.(0, 1, `road graph cache is for other roads or options: rebuilding ${FILES.roadGraph}`));
      } catch (e) {
        if (!(e instanceof CacheUnusable)) throw e;
        const message = e.message;
        if (e.corrupt) said.push((w) => w.add('road-graph-cache-corrupt', `the run's road-graph cache could not be used and was rebuilt`, { file, message }));
      }
    }
    return { key, origin, built: early ?? (threaded ? inWorker() : undefined) };
  })();
  prep.catch(() => {}); // rejected when the lookup fails; reported by finish, which awaits it
  function inWorker(): Promise<Built> {
    // cancelled before the cache lookup decided to build: no thread started after the stage gave up
    if (cancelled) return Promise.resolve({ failed: 'cancelled' });
    // the source as it is: a Crs is plain data (code, proj4, axis order), cloned into the thread
    building = runInThread<RoadGraphBuilt>(import.meta.url, './graph-worker', { ...src }, o.onProgress);
    return building.result;
  }
  return {
    async finish(check) {
      const { key, origin, cached, built } = await prep;
      if (cached) {
        try {
          const { roadGraph } = decodeRoadGraph(cached.buf);
          for (const w of cached.header.warnings ?? []) replay(o.warnings, w);
          check?.(cached.header.roads);
          o.onProgress?.(1, 1, `road graph from cache (${FILES.roadGraph})`);
          return { roads: cached.header.roads, roadGraph, origin: 'reused', file, thread: false };
        } catch (e) {
          if (!(e instanceof CacheUnusable)) throw e;
          if (e.corrupt) o.warnings.add('road-graph-cache-corrupt', `the run's road-graph cache could not be used and was rebuilt`, { file, message: e.message });
        }
      }
      for (const say of said) say(o.warnings);
      const fromWorker = built ? await built : undefined;
      let roads: RoadsFacts, roadGraph: CompiledRoadGraph, warnings: WarningSummary[];
      if (fromWorker && 'value' in fromWorker) {
        ({ roads, roadGraph, warnings } = fromWorker.value);
        check?.(roads);
        for (const w of warnings) replay(o.warnings, w);
      } else {
        // no worker, or one that failed: here, where bad roads give their error as they always have
        const local = new Warnings();
        ({ roads, roadGraph } = await buildRoadGraphOf(src, local, o.onProgress, check));
        warnings = local.list();
        o.warnings.merge(local);
        // the roads were good after all (the worker ran out of memory, say): counted, as it cost the time twice
        if (fromWorker) o.warnings.add('road-graph-thread-failed', 'the road graph could not be built in a worker thread and was built again in the main thread', { file: src.roads, message: fromWorker.failed });
      }
      if (key) try {
        await writeOutputAtomic(file, encodeRoadGraph(key, roads, roadGraph, warnings));
      } catch (e) {
        o.warnings.add('road-graph-cache-not-written', 'the road graph could not be cached in the run folder (the next route call builds it again)', { file, message: (e as Error).message });
      }
      return { roads, roadGraph, origin: cached ? 'rebuilt' : origin, file, thread: !!fromWorker && 'value' in fromWorker };
    },
    async cancel() {
      cancelled = true;
      await building?.cancel();
    },
  };
}

/** Count a cached warning again as the read and the build counted it: its examples one by one, then the rest. */
function replay(w: Warnings, s: WarningSummary): void {
  for (const e of s.examples ?? []) w.add(s.code, s.message, e);
  w.addMany(s.code, s.message, s.count - (s.examples?.length ?? 0));
}
