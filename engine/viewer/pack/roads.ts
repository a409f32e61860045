/**
 * roads.geojson (the route stage's noded road graph, one straight segment per edge) as viewer data, packed feature by
 * feature as the file is read (engine/io/geojson-stream.ts): its paths as one flat lon/lat Float64Array with start
 * indices (deck.gl's binary path layout), the feature row of each path, and per-row columns (format.ts ROAD_IDS,
 * ROAD_NUMBERS). A city's graph (1.5 million segments, 300 MB of GeoJSON) becomes a handful of typed arrays; above
 * ROADS_LOD_ABOVE segments it is split into the long segments (the opening payload) and spatial chunks of the rest.
 */
import { InputError } from '../../errors.js';
import { readFeatureCollection } from '../../io/geojson-stream.js';
import { CONTRACT_VERSION } from '../../run/contract.js';
import { Grow } from './buildings.js';
import { chunkGrid, lonLatReader } from './chunks.js';
import {
  packArrays,
  ROAD_ARRAYS,
  ROAD_IDS,
  ROAD_NUMBERS,
  ROADS_CHUNK_FEATURES,
  ROADS_LOD_ABOVE,
  ROADS_OVERVIEW_BUDGET,
  type PackedArray,
  type ViewRoadsMeta,
} from './format.js';

export type { ViewRoadsMeta } from './format.js';

/** What readViewRoads returns: the meta and the named arrays (ROAD_ARRAYS). */
export interface ViewRoads {
  meta: ViewRoadsMeta;
  arrays: Record<string, PackedArray>;
}

const HINT = `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun \`heatplan route\``;

/** The error of a roads.geojson that cannot be packed: the file, the feature index and the value. */
const bad = (file: string, message: string, record?: number, value?: unknown): InputError => new InputError('view-bad-roads', message, { file, record, value, hint: HINT });

/** A property as a number: NaN where absent or not a finite number. */
const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : NaN);

/** Columns of every ROAD_IDS and ROAD_NUMBERS name, in that order. */
const COLUMNS = [...ROAD_IDS, ...ROAD_NUMBERS] as const;

/**
 * Read roads.geojson at `file` feature by feature into the viewer's columns. Throws an InputError naming the file, the
 * feature index and the value for a feature that is not a GeoJSON Feature or has a coordinate that is not a finite
 * lon/lat pair; a feature without a LineString or MultiLineString of two points or more is skipped and counted.
 */
export async function readViewRoads(file: string): Promise<ViewRoads> {
  const positions = new Grow(Float64Array);
  const starts = new Grow(Uint32Array);
  const owner = new Grow(Uint32Array);
  const ids = Object.fromEntries(ROAD_IDS.map((k) => [k, new Grow(Float64Array)])) as Record<(typeof ROAD_IDS)[number], Grow<Float64Array>>;
  const numbers = Object.fromEntries(ROAD_NUMBERS.map((k) => [k, new Grow(Float32Array)])) as Record<(typeof ROAD_NUMBERS)[number], Grow<Float32Array>>;
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const lonLat = lonLatReader(bbox, (i, q) => bad(file, 'coordinate is not a lon/lat pair of finite numbers (WGS84)', i, q));
  let rows = 0;
  let skipped = 0;
  const doc = await readFeatureCollection<null>(file, {
    code: 'view-bad-roads',
    hint: HINT,
    map: (f, i) => {
      const ft = f as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: Record<string, unknown> | null } | null;
      if (!ft || typeof ft !== 'object' || ft.type !== 'Feature') throw bad(file, 'not a GeoJSON Feature', i, ft?.type);
      const g = ft.geometry;
      const parts: unknown[] = g?.type === 'LineString' && Array.isArray(g.coordinates) ? [g.coordinates] : g?.type === 'MultiLineString' && Array.isArray(g.coordinates) ? g.coordinates : [];
      const ok = parts.filter((pt): pt is unknown[] => Array.isArray(pt) && pt.length >= 2);
      if (!ok.length) {
        skipped++;
        return null;
      }
      const row = rows++;
      for (const path of ok) {
        starts.push(positions.n / 2);
        owner.push(row);
        for (const q of path) {
          const [lon, lat] = lonLat(q, i);
          positions.push(lon);
          positions.push(lat);
        }
      }
      const p = ft.properties ?? {};
      for (const k of ROAD_IDS) ids[k].push(num(p[k]));
      for (const k of ROAD_NUMBERS) numbers[k].push(num(p[k]));
      return null;
    },
  });
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw bad(file, 'not a GeoJSON FeatureCollection', undefined, doc.type);
  const paths = owner.n;
  starts.push(positions.n / 2);
  const arrays: Record<string, PackedArray> = {
    [ROAD_ARRAYS.positions]: positions.done(),
    [ROAD_ARRAYS.startIndices]: starts.done(),
    [ROAD_ARRAYS.owner]: owner.done(),
  };
  for (const k of ROAD_IDS) arrays[ROAD_ARRAYS.number(k)] = ids[k].done();
  for (const k of ROAD_NUMBERS) arrays[ROAD_ARRAYS.number(k)] = numbers[k].done();
  return { meta: { file, count: rows, paths, bbox, skipped }, arrays };
}

/** The road graph in the viewer's binary container (format.ts ROAD_ARRAYS). */
export function packViewRoads(r: ViewRoads): Uint8Array {
  return packArrays(r.meta, r.arrays);
}

// ---------------------------------------------------------------------------------------------------------------
// levels of detail: a city's road graph as its long segments (opening payload) and spatial chunks of the rest

/** The first path of each row and one past its last (a row's paths are consecutive). */
function rowPaths(r: ViewRoads): Uint32Array {
  const owner = r.arrays[ROAD_ARRAYS.owner] as Uint32Array;
  const first = new Uint32Array(r.meta.count + 1);
  first[r.meta.count] = owner.length;
  for (let p = owner.length - 1; p >= 0; p--) first[owner[p]!] = p;
  return first;
}

/**
 * A part of road graph `r`: the rows `take` (ascending), with their paths and columns, in the same layout as the whole
 * (the viewer's layer and tooltip read a part as they read the whole). The bbox is the part's own.
 */
export function roadsPart(r: ViewRoads, take: Uint32Array, firstPath: Uint32Array = rowPaths(r)): ViewRoads {
  const starts = r.arrays[ROAD_ARRAYS.startIndices] as Uint32Array;
  const pos = r.arrays[ROAD_ARRAYS.positions] as Float64Array;
  let np = 0;
  let nv = 0;
  for (const row of take) {
    np += firstPath[row + 1]! - firstPath[row]!;
    nv += starts[firstPath[row + 1]!]! - starts[firstPath[row]!]!;
  }
  const s2 = new Uint32Array(np + 1);
  const o2 = new Uint32Array(np);
  const p2 = new Float64Array(2 * nv);
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  let p = 0;
  let v = 0;
  take.forEach((row, j) => {
    for (let q = firstPath[row]!; q < firstPath[row + 1]!; q++) {
      s2[p] = v;
      o2[p++] = j;
      for (let x = starts[q]!; x < starts[q + 1]!; x++) {
        const lon = pos[2 * x]!;
        const lat = pos[2 * x + 1]!;
        p2[2 * v] = lon;
        p2[2 * v + 1] = lat;
        if (lon < bbox[0]) bbox[0] = lon;
        if (lat < bbox[1]) bbox[1] = lat;
        if (lon > bbox[2]) bbox[2] = lon;
        if (lat > bbox[3]) bbox[3] = lat;
        v++;
      }
    }
  });
  s2[p] = v;
  const arrays: Record<string, PackedArray> = { [ROAD_ARRAYS.positions]: p2, [ROAD_ARRAYS.startIndices]: s2, [ROAD_ARRAYS.owner]: o2 };
  for (const k of COLUMNS) {
    const a = r.arrays[ROAD_ARRAYS.number(k)]!;
    const out = new (a.constructor as new (n: number) => PackedArray)(take.length);
    for (let j = 0; j < take.length; j++) out[j] = a[take[j]!]!;
    arrays[ROAD_ARRAYS.number(k)] = out;
  }
  return { meta: { file: r.meta.file, count: take.length, paths: np, bbox, skipped: 0 }, arrays };
}

/** Great-circle length of row `row`'s paths, m (for a segment whose length_m is absent). */
function pathLengthM(r: ViewRoads, row: number, firstPath: Uint32Array): number {
  const starts = r.arrays[ROAD_ARRAYS.startIndices] as Uint32Array;
  const pos = r.arrays[ROAD_ARRAYS.positions] as Float64Array;
  const rad = Math.PI / 180;
  let m = 0;
  for (let q = firstPath[row]!; q < firstPath[row + 1]!; q++) {
    for (let x = starts[q]!; x + 1 < starts[q + 1]!; x++) {
      const [lon1, lat1, lon2, lat2] = [pos[2 * x]! * rad, pos[2 * x + 1]! * rad, pos[2 * x + 2]! * rad, pos[2 * x + 3]! * rad];
      const h = Math.sin((lat2 - lat1) / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin((lon2 - lon1) / 2) ** 2;
      m += 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
    }
  }
  return m;
}

/** A road graph in levels of detail: the opening payload (its long segments, meta.lod) and the chunks of the rest. */
export interface RoadLevels {
  overview: ViewRoads;
  /** By chunk index (ROADS_CHUNK_URL); undefined for an empty cell. */
  chunks: (ViewRoads | undefined)[];
}

/**
 * Split a road graph of ROADS_LOD_ABOVE segments or more (null below: served whole, as before) into the opening
 * payload and spatial chunks. The opening payload holds every segment of at least minLengthM metres, the smallest
 * power of two for which they are ROADS_OVERVIEW_BUDGET or fewer (length_m, or the great-circle length where it is
 * absent): a whole length class or none of it, so what the map draws at every zoom is complete for its length. Every
 * other segment is in exactly one chunk of a grid over the graph's extent, the chunk of its first vertex. Sizes are
 * options for the tests.
 */
export function roadLevels(r: ViewRoads, o: { above?: number; budget?: number; chunkFeatures?: number } = {}): RoadLevels | null {
  const n = r.meta.count;
  if (n < (o.above ?? ROADS_LOD_ABOVE)) return null;
  const budget = o.budget ?? ROADS_OVERVIEW_BUDGET;
  const firstPath = rowPaths(r);
  const given = r.arrays[ROAD_ARRAYS.number('length_m')] as Float32Array;
  // length class of each segment: floor(log2(m)), -1 below 1 m (or no length at all)
  const cls = new Int8Array(n);
  const perClass = new Float64Array(64);
  for (let row = 0; row < n; row++) {
    const m = Number.isFinite(given[row]!) ? given[row]! : pathLengthM(r, row, firstPath);
    const c = m >= 1 ? Math.min(63, Math.floor(Math.log2(m))) : -1;
    cls[row] = c;
    if (c >= 0) perClass[c]!++;
  }
  // the lowest non-empty class from which the classes above it (and it) fit the budget
  let from = 64;
  for (let c = 63, sum = 0; c >= 0; c--) {
    sum += perClass[c]!;
    if (sum > budget) break;
    if (perClass[c]) from = c;
  }
  const minLengthM = 2 ** from;
  const { side, cellOf } = chunkGrid(r.meta.bbox, n, o.chunkFeatures ?? ROADS_CHUNK_FEATURES);
  const starts = r.arrays[ROAD_ARRAYS.startIndices] as Uint32Array;
  const pos = r.arrays[ROAD_ARRAYS.positions] as Float64Array;
  const long = new Grow(Uint32Array);
  const cellOfRow = new Int32Array(n);
  const perCell = new Uint32Array(side * side);
  for (let row = 0; row < n; row++) {
    if (cls[row]! >= from) {
      long.push(row);
      cellOfRow[row] = -1;
      continue;
    }
    const v = starts[firstPath[row]!]!;
    const c = cellOf(pos[2 * v]!, pos[2 * v + 1]!);
    cellOfRow[row] = c;
    perCell[c]!++;
  }
  // rows of each cell, ascending, in one array (counting sort by cell)
  const at = new Uint32Array(side * side + 1);
  for (let c = 0; c < side * side; c++) at[c + 1] = at[c]! + perCell[c]!;
  const byCell = new Uint32Array(at[side * side]!);
  const fill = at.slice(0, side * side);
  for (let row = 0; row < n; row++) if (cellOfRow[row]! >= 0) byCell[fill[cellOfRow[row]!]!++] = row;
  const chunks: (ViewRoads | undefined)[] = [];
  const list: NonNullable<ViewRoadsMeta['lod']>['chunks'] = [];
  for (let c = 0; c < side * side; c++) {
    if (!perCell[c]) {
      chunks.push(undefined);
      continue;
    }
    const part = roadsPart(r, byCell.subarray(at[c]!, at[c + 1]!), firstPath);
    chunks.push(part);
    list.push({ i: c, bbox: part.meta.bbox, count: part.meta.count });
  }
  const overview = roadsPart(r, long.done(), firstPath);
  overview.meta.bbox = r.meta.bbox;
  overview.meta.skipped = r.meta.skipped;
  overview.meta.lod = { grid: side, bbox: r.meta.bbox, chunks: list, minLengthM: from >= 64 ? null : minLengthM, overview: overview.meta.count, total: n };
  return { overview, chunks };
}
