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

  const lonLat = (c: unknown, i: number): [number, number] => {
    const q = c as unknown[];
    const lon = Array.isArray(q) ? q[0] : undefined;
    const lat = Array.isArray(q) ? q[1] : undefined;
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 540) {
      throw bad(file, 'coordinate is not a lon/lat pair of finite numbers (WGS84)', i, c);
    }
    if (lon < bbox[0]) bbox[0] = lon;
    if (lat < bbox[1]) bbox[1] = lat;
    if (lon > bbox[2]) bbox[2] = lon;
    if (lat > bbox[3]) bbox[3] = lat;
    return [lon, lat];
  };

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
