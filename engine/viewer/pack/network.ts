/**
 * network.geojson as viewer data, packed feature by feature as the file is read (engine/io/geojson-stream.ts): no
 * feature object outlives its own packing, so a city's network (a million consumers, a million service lines and the
 * pipes between them, a file longer than V8's longest string) becomes a handful of typed arrays.
 * - pipes and service lines: their paths as one flat lon/lat Float64Array with start indices (deck.gl's binary path
 *   layout), the feature row of each path, and per-row columns (format.ts PIPE_NUMBERS, PIPE_IDS, SERVICE_NUMBERS);
 * - consumers, cut-off consumers and plants: one lon/lat per point, numeric columns, text columns as dictionary
 *   indices and the ids in the meta.
 * The layers look a picked path's or point's attributes up by its index; no per-feature JS object reaches the browser.
 */
import { InputError } from '../../errors.js';
import { readFeatureCollection } from '../../io/geojson-stream.js';
import { CONTRACT_VERSION, NETWORK_KINDS, type NetworkKind } from '../../run/contract.js';
import {
  CONSUMER_NUMBERS,
  DROPPED_NUMBERS,
  NETWORK_ARRAYS,
  NETWORK_CHUNK_FEATURES,
  NETWORK_LOD_ABOVE,
  NETWORK_MAINS_BUDGET,
  PIPE_IDS,
  PIPE_NUMBERS,
  PLANT_NUMBERS,
  POINT_CODES,
  SERVICE_NUMBERS,
  packArrays,
  type NetworkLineKind,
  type NetworkPointKind,
  type PackedArray,
  type ViewNetworkMeta,
} from './format.js';

export type { ViewNetworkMeta } from './format.js';
import { Grow } from './buildings.js';
import { chunkGrid, lonLatReader } from './chunks.js';


/** Columns of one line kind while packing. */
interface Lines {
  positions: Grow<Float64Array>;
  starts: Grow<Uint32Array>;
  owner: Grow<Uint32Array>;
  rows: number;
  numbers: Record<string, Grow<Float32Array> | Grow<Float64Array>>;
}

/** Columns of one point kind while packing. */
interface Points {
  position: Grow<Float64Array>;
  rows: number;
  ids: string[];
  numbers: Record<string, Grow<Float32Array>>;
  codes: Record<string, { index: Grow<Uint16Array>; dict: string[]; of: Map<string, number> }>;
}

const lines = (floats: readonly string[], exact: readonly string[] = []): Lines => ({
  positions: new Grow(Float64Array),
  starts: new Grow(Uint32Array),
  owner: new Grow(Uint32Array),
  rows: 0,
  numbers: { ...Object.fromEntries(floats.map((k) => [k, new Grow(Float32Array)])), ...Object.fromEntries(exact.map((k) => [k, new Grow(Float64Array)])) },
});

const points = (floats: readonly string[], codes: readonly string[]): Points => ({
  position: new Grow(Float64Array),
  rows: 0,
  ids: [],
  numbers: Object.fromEntries(floats.map((k) => [k, new Grow(Float32Array)])),
  codes: Object.fromEntries(codes.map((k) => [k, { index: new Grow(Uint16Array), dict: [] as string[], of: new Map<string, number>() }])),
});

/** A property as a number: NaN where absent or not a finite number (null capacity, no branch). */
const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : NaN);

/** The error of a network.geojson that cannot be packed: the file, the feature index and the value. */
const bad = (file: string, message: string, record?: number, value?: unknown): InputError =>
  new InputError('view-bad-network', message, { file, record, value, hint: `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun \`heatplan route\`` });

/** What packViewNetwork returns: the meta and the named arrays (NETWORK_ARRAYS). */
export interface ViewNetwork {
  meta: ViewNetworkMeta;
  arrays: Record<string, PackedArray>;
}

/**
 * Read network.geojson at `file` feature by feature into the viewer's columns. Throws an InputError naming the file,
 * the feature index and the value for a feature that is not a GeoJSON Feature, has no known `kind`, or has a
 * coordinate that is not a finite lon/lat pair; a feature without geometry of its kind is skipped and counted.
 */
export async function readViewNetwork(file: string): Promise<ViewNetwork> {
  const L: Record<NetworkLineKind, Lines> = { pipe: lines(PIPE_NUMBERS, PIPE_IDS), service: lines(SERVICE_NUMBERS) };
  const P: Record<NetworkPointKind, Points> = {
    consumer: points(CONSUMER_NUMBERS, POINT_CODES.consumer),
    dropped: points(DROPPED_NUMBERS, POINT_CODES.dropped),
    plant: points(PLANT_NUMBERS, POINT_CODES.plant),
  };
  const serviceConsumerText: string[] = [];
  const skipped: Record<string, number> = {};
  const pipeText: ViewNetworkMeta['pipeText'] = { id: {}, branch: {} };
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];

  const lonLat = lonLatReader(bbox, (i, c) => bad(file, 'coordinate is not a lon/lat pair of finite numbers (WGS84)', i, c));

  const packLine = (k: NetworkLineKind, g: { type?: unknown; coordinates?: unknown } | null | undefined, p: Record<string, unknown>, i: number): void => {
    const parts: unknown[] =
      g?.type === 'LineString' && Array.isArray(g.coordinates) ? [g.coordinates] : g?.type === 'MultiLineString' && Array.isArray(g.coordinates) ? g.coordinates : [];
    const ok = parts.filter((pt): pt is unknown[] => Array.isArray(pt) && pt.length >= 2);
    if (!ok.length) {
      skipped[k] = (skipped[k] ?? 0) + 1;
      return;
    }
    const c = L[k];
    const row = c.rows++;
    for (const path of ok) {
      c.starts.push(c.positions.n / 2);
      c.owner.push(row);
      for (const q of path) {
        const [lon, lat] = lonLat(q, i);
        c.positions.push(lon);
        c.positions.push(lat);
      }
    }
    for (const [col, g2] of Object.entries(c.numbers)) g2.push(num(p[col]));
    if (k === 'pipe') {
      for (const col of PIPE_IDS) {
        const x = p[col];
        if (x !== undefined && x !== null && typeof x !== 'number') pipeText[col][String(row)] = String(x);
      }
    }
    if (k === 'service') serviceConsumerText.push(p.consumer === undefined || p.consumer === null ? '' : String(p.consumer));
  };

  const packPoint = (k: NetworkPointKind, g: { type?: unknown; coordinates?: unknown } | null | undefined, p: Record<string, unknown>, i: number): void => {
    if (g?.type !== 'Point') {
      skipped[k] = (skipped[k] ?? 0) + 1;
      return;
    }
    const c = P[k];
    const [lon, lat] = lonLat(g.coordinates, i);
    c.position.push(lon);
    c.position.push(lat);
    c.ids.push(p.id === undefined || p.id === null ? String(c.rows) : String(p.id));
    c.rows++;
    for (const [col, g2] of Object.entries(c.numbers)) g2.push(num(p[col]));
    for (const [col, d] of Object.entries(c.codes)) {
      const s = p[col] === undefined || p[col] === null ? '' : String(p[col]);
      let j = d.of.get(s);
      if (j === undefined) {
        if (d.dict.length === 0xffff) throw bad(file, `more than 65,535 distinct values of ${k} ${col}`, i, s);
        j = d.dict.length;
        d.dict.push(s);
        d.of.set(s, j);
      }
      d.index.push(j);
    }
  };

  const doc = await readFeatureCollection<null>(file, {
    code: 'view-bad-network',
    hint: `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun \`heatplan route\``,
    map: (f, i) => {
      const ft = f as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: Record<string, unknown> | null } | null;
      if (!ft || typeof ft !== 'object' || ft.type !== 'Feature') throw bad(file, 'not a GeoJSON Feature', i, ft?.type);
      const p = ft.properties ?? {};
      const kind = p.kind as NetworkKind;
      if (!(NETWORK_KINDS as readonly unknown[]).includes(kind)) throw bad(file, `feature kind must be one of ${NETWORK_KINDS.join(', ')}`, i, p.kind);
      if (kind === 'pipe' || kind === 'service') packLine(kind, ft.geometry, p, i);
      else packPoint(kind, ft.geometry, p, i);
      return null;
    },
  });
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw bad(file, 'not a GeoJSON FeatureCollection', undefined, doc.type);

  // a service line's consumer as the consumer's row (its id kept only where it is not a connected consumer)
  const consumerRow = new Map<string, number>();
  P.consumer.ids.forEach((id, r) => consumerRow.set(id, r));
  const serviceConsumer = new Int32Array(L.service.rows);
  const serviceConsumerIds: Record<string, string> = {};
  serviceConsumerText.forEach((id, s) => {
    const r = consumerRow.get(id);
    serviceConsumer[s] = r ?? -1;
    if (r === undefined) serviceConsumerIds[String(s)] = id;
  });

  const arrays: Record<string, PackedArray> = {};
  for (const k of ['pipe', 'service'] as const) {
    const c = L[k];
    c.starts.push(c.positions.n / 2);
    arrays[NETWORK_ARRAYS.positions(k)] = c.positions.done();
    arrays[NETWORK_ARRAYS.startIndices(k)] = c.starts.done();
    arrays[NETWORK_ARRAYS.owner(k)] = c.owner.done();
    for (const [col, g] of Object.entries(c.numbers)) arrays[NETWORK_ARRAYS.number(k, col)] = g.done();
  }
  arrays[NETWORK_ARRAYS.serviceConsumer] = serviceConsumer;
  for (const k of ['consumer', 'dropped', 'plant'] as const) {
    const c = P[k];
    arrays[NETWORK_ARRAYS.point(k)] = c.position.done();
    for (const [col, g] of Object.entries(c.numbers)) arrays[NETWORK_ARRAYS.number(k, col)] = g.done();
    for (const [col, d] of Object.entries(c.codes)) arrays[NETWORK_ARRAYS.code(k, col)] = d.index.done();
  }
  const dict = (k: NetworkPointKind, col: string): string[] => P[k].codes[col]!.dict;
  const props = doc.properties;
  const meta: ViewNetworkMeta = {
    file,
    properties: props && typeof props === 'object' && !Array.isArray(props) ? (props as Record<string, unknown>) : {},
    counts: { pipe: L.pipe.rows, service: L.service.rows, consumer: P.consumer.rows, dropped: P.dropped.rows, plant: P.plant.rows },
    paths: { pipe: L.pipe.owner.n, service: L.service.owner.n },
    ids: { consumer: P.consumer.ids, dropped: P.dropped.ids, plant: P.plant.ids },
    dictionaries: {
      consumer: { use: dict('consumer', 'use') },
      dropped: { use: dict('dropped', 'use'), reason: dict('dropped', 'reason') },
      plant: { type: dict('plant', 'type'), fuel: dict('plant', 'fuel') },
    },
    serviceConsumerIds,
    pipeText,
    bbox,
    skipped,
  };
  return { meta, arrays };
}

/** The network in the viewer's binary container (format.ts NETWORK_ARRAYS). */
export function packViewNetwork(n: ViewNetwork): Uint8Array {
  return packArrays(n.meta, n.arrays);
}

// ---------------------------------------------------------------------------------------------------------------
// levels of detail: a city's network as the mains (opening payload) and spatial chunks of the rest

/** Rows of each kind to take into a part of the network (ascending). */
type Rows = Record<NetworkLineKind | NetworkPointKind, Uint32Array>;

/** The first path of each row of a line kind and one past its last (a row's paths are consecutive). */
function rowPaths(n: ViewNetwork, k: NetworkLineKind): Uint32Array {
  const owner = n.arrays[NETWORK_ARRAYS.owner(k)] as Uint32Array;
  const rows = n.meta.counts[k];
  const first = new Uint32Array(rows + 1);
  first[rows] = owner.length;
  for (let p = owner.length - 1; p >= 0; p--) first[owner[p]!] = p;
  return first;
}

/**
 * A part of network `n`: the rows `take` of each kind, with their paths, columns, ids and text, in the same layout as
 * the whole (the viewer's layers and tooltips read a part as they read the whole). A service line whose consumer is
 * not in the part keeps that consumer's id in serviceConsumerIds. The bbox is the part's own; properties and
 * dictionaries are the whole's.
 */
export function networkPart(n: ViewNetwork, take: Rows, firstPath: Record<NetworkLineKind, Uint32Array> = { pipe: rowPaths(n, 'pipe'), service: rowPaths(n, 'service') }): ViewNetwork {
  const arrays: Record<string, PackedArray> = {};
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const grow = (lon: number, lat: number) => {
    if (lon < bbox[0]) bbox[0] = lon;
    if (lat < bbox[1]) bbox[1] = lat;
    if (lon > bbox[2]) bbox[2] = lon;
    if (lat > bbox[3]) bbox[3] = lat;
  };
  const paths = { pipe: 0, service: 0 };
  const pick = <T extends PackedArray>(a: T, rows: Uint32Array, width = 1): T => {
    const out = new (a.constructor as new (k: number) => T)(rows.length * width);
    for (let j = 0; j < rows.length; j++) for (let w = 0; w < width; w++) out[j * width + w] = a[rows[j]! * width + w]!;
    return out;
  };
  for (const k of ['pipe', 'service'] as const) {
    const rows = take[k];
    const fp = firstPath[k];
    const starts = n.arrays[NETWORK_ARRAYS.startIndices(k)] as Uint32Array;
    const pos = n.arrays[NETWORK_ARRAYS.positions(k)] as Float64Array;
    let np = 0;
    let nv = 0;
    for (const r of rows) {
      np += fp[r + 1]! - fp[r]!;
      nv += starts[fp[r + 1]!]! - starts[fp[r]!]!;
    }
    const s2 = new Uint32Array(np + 1);
    const o2 = new Uint32Array(np);
    const p2 = new Float64Array(2 * nv);
    let p = 0;
    let v = 0;
    rows.forEach((r, j) => {
      for (let q = fp[r]!; q < fp[r + 1]!; q++) {
        s2[p] = v;
        o2[p++] = j;
        for (let x = starts[q]!; x < starts[q + 1]!; x++) {
          p2[2 * v] = pos[2 * x]!;
          p2[2 * v + 1] = pos[2 * x + 1]!;
          grow(pos[2 * x]!, pos[2 * x + 1]!);
          v++;
        }
      }
    });
    s2[p] = v;
    paths[k] = np;
    arrays[NETWORK_ARRAYS.positions(k)] = p2;
    arrays[NETWORK_ARRAYS.startIndices(k)] = s2;
    arrays[NETWORK_ARRAYS.owner(k)] = o2;
    for (const col of k === 'pipe' ? [...PIPE_NUMBERS, ...PIPE_IDS] : SERVICE_NUMBERS) arrays[NETWORK_ARRAYS.number(k, col)] = pick(n.arrays[NETWORK_ARRAYS.number(k, col)]!, rows);
  }
  // a service's consumer as its row in the part, else -1 and the consumer's id
  const newRow = new Map<number, number>();
  take.consumer.forEach((r, j) => newRow.set(r, j));
  const sc = n.arrays[NETWORK_ARRAYS.serviceConsumer] as Int32Array;
  const sc2 = new Int32Array(take.service.length);
  const serviceConsumerIds: Record<string, string> = {};
  take.service.forEach((r, j) => {
    const c = sc[r]!;
    const c2 = c >= 0 ? newRow.get(c) : undefined;
    sc2[j] = c2 ?? -1;
    if (c2 === undefined) serviceConsumerIds[String(j)] = c >= 0 ? n.meta.ids.consumer[c]! : (n.meta.serviceConsumerIds[String(r)] ?? '');
  });
  arrays[NETWORK_ARRAYS.serviceConsumer] = sc2;
  const ids = { consumer: [] as string[], dropped: [] as string[], plant: [] as string[] };
  for (const k of ['consumer', 'dropped', 'plant'] as const) {
    const rows = take[k];
    const pos = pick(n.arrays[NETWORK_ARRAYS.point(k)] as Float64Array, rows, 2);
    for (let j = 0; j < rows.length; j++) grow(pos[2 * j]!, pos[2 * j + 1]!);
    arrays[NETWORK_ARRAYS.point(k)] = pos;
    for (const col of k === 'consumer' ? CONSUMER_NUMBERS : k === 'dropped' ? DROPPED_NUMBERS : PLANT_NUMBERS) arrays[NETWORK_ARRAYS.number(k, col)] = pick(n.arrays[NETWORK_ARRAYS.number(k, col)]!, rows);
    for (const col of POINT_CODES[k]) arrays[NETWORK_ARRAYS.code(k, col)] = pick(n.arrays[NETWORK_ARRAYS.code(k, col)]!, rows);
    ids[k] = Array.from(rows, (r) => n.meta.ids[k][r]!);
  }
  const pipeText: ViewNetworkMeta['pipeText'] = { id: {}, branch: {} };
  take.pipe.forEach((r, j) => {
    for (const col of PIPE_IDS) {
      const t = n.meta.pipeText[col][String(r)];
      if (t !== undefined) pipeText[col][String(j)] = t;
    }
  });
  const counts = { pipe: take.pipe.length, service: take.service.length, consumer: take.consumer.length, dropped: take.dropped.length, plant: take.plant.length };
  return { meta: { ...n.meta, counts, paths, ids, serviceConsumerIds, pipeText, bbox, skipped: {} }, arrays };
}

/** A network in levels of detail: the opening payload (mains and plants, meta.lod) and the chunks of the rest. */
export interface NetworkLevels {
  overview: ViewNetwork;
  /** By chunk index (NETWORK_CHUNK_URL); undefined for an empty cell. */
  chunks: (ViewNetwork | undefined)[];
}

const all = (k: number) => Uint32Array.from({ length: k }, (_, i) => i);

/**
 * Split a network of NETWORK_LOD_ABOVE drawn features or more (null below: served whole, as before) into the
 * opening payload and spatial chunks. The opening payload holds the plants and the mains: the NETWORK_MAINS_BUDGET
 * pipes of the largest design load (every pipe when they fit; pipes of the same load as the last one taken too). Every other
 * feature is in exactly one chunk of a grid over the network's extent: a line by its first vertex, a point by its
 * position. Sizes are options for the tests.
 */
export function networkLevels(n: ViewNetwork, o: { above?: number; mainsBudget?: number; chunkFeatures?: number } = {}): NetworkLevels | null {
  const c = n.meta.counts;
  const features = c.pipe + c.service + c.consumer + c.dropped;
  if (features < (o.above ?? NETWORK_LOD_ABOVE)) return null;
  const budget = o.mainsBudget ?? NETWORK_MAINS_BUDGET;
  // the mains: the pipes of the largest design load, down to the load of the budget-th (ties taken; a city's route
  // caps most of its pipes at the largest DN, so the DN does not tell its trunk lines from its branches)
  const load = n.arrays[NETWORK_ARRAYS.number('pipe', 'design_kW')] as Float32Array;
  const loadOf = (r: number) => (Number.isFinite(load[r]!) ? load[r]! : 0);
  let mainsMinKw = 0;
  if (c.pipe > budget) {
    const sorted = Float32Array.from({ length: c.pipe }, (_, r) => loadOf(r)).sort();
    mainsMinKw = sorted[c.pipe - budget]!;
  }
  const isMain = (r: number) => (mainsMinKw > 0 ? loadOf(r) >= mainsMinKw : c.pipe <= budget);
  const { side, cellOf } = chunkGrid(n.meta.bbox, features, o.chunkFeatures ?? NETWORK_CHUNK_FEATURES);
  const firstPath = { pipe: rowPaths(n, 'pipe'), service: rowPaths(n, 'service') };
  const buckets: Record<NetworkLineKind | 'consumer' | 'dropped', number[][]> = { pipe: [], service: [], consumer: [], dropped: [] };
  for (const k of Object.keys(buckets) as (keyof typeof buckets)[]) buckets[k] = Array.from({ length: side * side }, () => []);
  const mains: number[] = [];
  for (const k of ['pipe', 'service'] as const) {
    const starts = n.arrays[NETWORK_ARRAYS.startIndices(k)] as Uint32Array;
    const pos = n.arrays[NETWORK_ARRAYS.positions(k)] as Float64Array;
    for (let r = 0; r < c[k]; r++) {
      if (k === 'pipe' && isMain(r)) {
        mains.push(r);
        continue;
      }
      const v = starts[firstPath[k][r]!]!;
      buckets[k][cellOf(pos[2 * v]!, pos[2 * v + 1]!)]!.push(r);
    }
  }
  for (const k of ['consumer', 'dropped'] as const) {
    const pos = n.arrays[NETWORK_ARRAYS.point(k)] as Float64Array;
    for (let r = 0; r < c[k]; r++) buckets[k][cellOf(pos[2 * r]!, pos[2 * r + 1]!)]!.push(r);
  }
  const none = new Uint32Array(0);
  const chunks: (ViewNetwork | undefined)[] = [];
  const lodChunks: NonNullable<ViewNetworkMeta['lod']>['chunks'] = [];
  for (let i = 0; i < side * side; i++) {
    const take: Rows = { pipe: Uint32Array.from(buckets.pipe[i]!), service: Uint32Array.from(buckets.service[i]!), consumer: Uint32Array.from(buckets.consumer[i]!), dropped: Uint32Array.from(buckets.dropped[i]!), plant: none };
    if (!take.pipe.length && !take.service.length && !take.consumer.length && !take.dropped.length) {
      chunks.push(undefined);
      continue;
    }
    const part = networkPart(n, take, firstPath);
    chunks.push(part);
    const pc = part.meta.counts;
    lodChunks.push({ i, bbox: part.meta.bbox, counts: { pipe: pc.pipe, service: pc.service, consumer: pc.consumer, dropped: pc.dropped } });
  }
  const max = (a: ArrayLike<number>) => {
    let m = 0;
    for (let r = 0; r < a.length; r++) m = Math.max(m, a[r]! || 0);
    return m;
  };
  const overview = networkPart(n, { pipe: Uint32Array.from(mains), service: none, consumer: none, dropped: none, plant: all(c.plant) }, firstPath);
  overview.meta.bbox = n.meta.bbox;
  overview.meta.skipped = n.meta.skipped;
  overview.meta.lod = {
    grid: side,
    bbox: n.meta.bbox,
    chunks: lodChunks,
    mainsMinKw,
    mains: mains.length,
    total: { pipe: c.pipe, service: c.service, consumer: c.consumer, dropped: c.dropped, plant: c.plant },
    maxDesignKw: max(n.arrays[NETWORK_ARRAYS.number('pipe', 'design_kW')]!),
    maxPeakKw: max(n.arrays[NETWORK_ARRAYS.number('consumer', 'peak_kW')]!),
  };
  return { overview, chunks };
}
