/**
 * The road graph as the viewer gets it (GET /api/roads.bin, engine/viewer/pack/roads.ts): the packed paths and columns
 * equal roads.geojson's coordinates and properties (the demo run's file and hand-made corner cases); a city's graph in
 * levels of detail (roadLevels, /api/roads/chunk/N.bin): every segment in exactly one place, the opening payload a
 * whole length class; the endpoint's answers to a missing, broken or replaced file; the blocks' extent
 * (/api/extent/blocks.json); and which road chunks the map draws (layers/roads-lod.ts, layers/chunk-view.ts).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebMercatorViewport } from '@deck.gl/core';
import { packViewRoads, readViewRoads, roadLevels, type ViewRoads } from '../../engine/viewer/pack/roads.js';
import { ROAD_ARRAYS, ROAD_IDS, ROADS_DETAIL_CHUNKS_ACROSS, ROADS_LOD_ABOVE, unpackArrays, type ViewNetworkLod, type ViewRoadsLod, type ViewRoadsMeta } from '../../engine/viewer/pack/format.js';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { writeFeatureCollection } from '../../engine/io/geojson-stream.js';
import { writeSyntheticRun } from './synthetic-run.js';
import { chunkedLayerFilter } from '../../viewer/src/layers/chunk-view.js';
import { registerLod } from '../../viewer/src/layers/network-lod.js';
import { registerRoadsLod, roadChunksInView, roadsDetailZoom, roadsOfLayer } from '../../viewer/src/layers/roads-lod.js';
import { roadsLodHtml } from '../../viewer/src/legend.js';
import type { RunData } from '../../viewer/src/data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heatplan-roads-pack-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ab = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

interface Road {
  type: 'Feature';
  geometry: { type: string; coordinates: any } | null;
  properties: Record<string, unknown>;
}

/** The paths of a feature as GeoJSON gives them (a LineString one, a MultiLineString each of its parts). */
const pathsOf = (f: Road): number[][][] => (f.geometry?.type === 'LineString' ? [f.geometry.coordinates] : f.geometry?.type === 'MultiLineString' ? f.geometry.coordinates : []);

/** Check a packed road graph against the features it was made from (those with a line geometry), row by row. */
function expectPacked(r: ViewRoads, feats: Road[]): void {
  const pos = r.arrays[ROAD_ARRAYS.positions] as Float64Array;
  const starts = r.arrays[ROAD_ARRAYS.startIndices] as Uint32Array;
  const owner = r.arrays[ROAD_ARRAYS.owner] as Uint32Array;
  const lines = feats.filter((f) => pathsOf(f).length);
  expect(r.meta.count).toBe(lines.length);
  let p = 0;
  lines.forEach((f, row) => {
    for (const path of pathsOf(f)) {
      expect(owner[p]).toBe(row);
      expect(Array.from(pos.subarray(2 * starts[p]!, 2 * starts[p + 1]!))).toEqual(path.flat());
      p++;
    }
    for (const k of ROAD_IDS) {
      const v = f.properties[k];
      const got = (r.arrays[ROAD_ARRAYS.number(k)] as Float64Array)[row]!;
      if (typeof v === 'number') expect(got, `${k} of row ${row}`).toBe(v);
      else expect(got, `${k} of row ${row}`).toBeNaN();
    }
    const len = f.properties.length_m;
    const got = (r.arrays[ROAD_ARRAYS.number('length_m')] as Float32Array)[row]!;
    if (typeof len === 'number') expect(got).toBe(Math.fround(len));
    else expect(got).toBeNaN();
  });
  expect(r.meta.paths).toBe(p);
  expect(starts.length).toBe(p + 1);
  expect(starts[p]).toBe(pos.length / 2);
}

describe('roads.geojson packed for the viewer', () => {
  it('packs the demo run\'s road graph (npx heatplan demo): every segment\'s coordinates, edge, nodes and length, through the binary container', async () => {
    const demo = join(dir, 'demo');
    const { main } = await import('../../engine/cli/main.js');
    expect(await main(['demo', '--out', demo, '--quiet'])).toBe(0);
    const file = join(demo, 'roads.geojson');
    const feats = (JSON.parse(await readFile(file, 'utf8')) as { features: Road[] }).features;
    expect(feats.length).toBeGreaterThan(100);
    expect(feats.every((f) => f.properties.kind === 'road' && typeof f.properties.edge === 'number' && typeof f.properties.length_m === 'number')).toBe(true);
    const r = await readViewRoads(file);
    expectPacked(r, feats);
    // through the container: the same arrays back
    const u = unpackArrays<ViewRoadsMeta>(ab(packViewRoads(r)));
    expect(u.meta).toEqual(r.meta);
    for (const [k, a] of Object.entries(r.arrays)) expect(Array.from(u.arrays[k]!), k).toEqual(Array.from(a));
    expect(roadLevels(r)).toBeNull();
  }, 120_000);

  it('keeps a MultiLineString\'s parts as paths of one row, NaN for absent properties, and counts what has no line', async () => {
    const feats: Road[] = [
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135, 34], [135.001, 34]] }, properties: { kind: 'road', edge: 0, from: 0, to: 1, length_m: 91.6, component: 0 } },
      { type: 'Feature', geometry: { type: 'MultiLineString', coordinates: [[[135.001, 34], [135.002, 34], [135.002, 34.001]], [[135.01, 34.01], [135.011, 34.01]]] }, properties: { kind: 'road', edge: 1, from: 1, to: 2 } },
      { type: 'Feature', geometry: null, properties: { kind: 'road', edge: 2 } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [135, 34] }, properties: { kind: 'road', edge: 3 } },
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135, 34]] }, properties: { kind: 'road', edge: 4 } },
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.003, 34.002], [135.004, 34.003]] }, properties: { id: 'r9', length_m: 'long', edge: 'e5' } },
    ];
    const file = join(dir, 'corner.geojson');
    await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: feats }));
    const r = await readViewRoads(file);
    expect(r.meta.skipped).toBe(3);
    expect(r.meta.count).toBe(3);
    expect(r.meta.paths).toBe(4);
    expectPacked(r, feats.filter((f) => f.geometry?.type !== 'LineString' || f.geometry.coordinates.length >= 2));
    expect(r.meta.bbox).toEqual([135, 34, 135.011, 34.01]);
  });

  it('names the file, the feature and the value of what it cannot pack', async () => {
    const feat = (coordinates: unknown) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: { kind: 'road' } });
    const cases: [string, object | string, RegExp][] = [
      ['coord.geojson', { type: 'FeatureCollection', features: [feat([[135, 34], [135.1, 34]]), feat([[135, 34], [135, 'north']])] }, /record 1: coordinate is not a lon\/lat pair of finite numbers \(WGS84\) \(value: \[135,"north"\]\)/],
      ['projected.geojson', { type: 'FeatureCollection', features: [feat([[-42000, -7000], [-41990, -7000]])] }, /record 0: coordinate is not a lon\/lat pair/],
      ['notfeature.geojson', { type: 'FeatureCollection', features: [{ type: 'LineString', coordinates: [[0, 0], [1, 1]] }] }, /record 0: not a GeoJSON Feature \(value: "LineString"\)/],
      ['notfc.geojson', { type: 'Topology', features: [] }, /not a GeoJSON FeatureCollection \(value: "Topology"\)/],
      ['truncated.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"kind":"road"}},{"type":"Fea', /truncated\.geojson/],
    ];
    for (const [name, content, re] of cases) {
      const file = join(dir, name);
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      const err = await readViewRoads(file).then(
        () => undefined,
        (e: Error & { file?: string }) => e,
      );
      expect(err, name).toBeDefined();
      expect(err!.name, name).toBe('InputError');
      expect(err!.file, name).toBe(file);
      expect(err!.message, name).toMatch(re);
    }
  });
});

/**
 * A road graph of `n` segments on a lattice from (135, 34), 0.001° apart, east-west, in file order; segment i is
 * LENGTHS[i % 4] m long (its length_m; every 9th has none, its great-circle length of about 91.6 m counts), every 11th a
 * MultiLineString of two parts.
 */
const LENGTHS = [3, 40, 300, 1500];
async function writeRoads(file: string, n: number): Promise<void> {
  const cols = Math.ceil(Math.sqrt(n));
  function* features(): Generator<object> {
    for (let i = 0; i < n; i++) {
      const x = 135 + (i % cols) * 0.001;
      const y = 34 + Math.floor(i / cols) * 0.001;
      const geometry = i % 11 === 5 ? { type: 'MultiLineString', coordinates: [[[x, y], [x + 0.0005, y]], [[x + 0.0005, y], [x + 0.001, y]]] } : { type: 'LineString', coordinates: [[x, y], [x + 0.001, y]] };
      yield { type: 'Feature', geometry, properties: { kind: 'road', edge: i, from: i, to: i + 1, ...(i % 9 === 4 ? {} : { length_m: LENGTHS[i % 4] }) } };
    }
  }
  await writeFeatureCollection(file, { type: 'FeatureCollection', features: { [Symbol.iterator]: features } });
}

const edges = (r: ViewRoads): number[] => Array.from(r.arrays[ROAD_ARRAYS.number('edge')] as Float64Array);

describe('roadLevels', () => {
  let whole: ViewRoads;
  const N = 2000;
  beforeAll(async () => {
    await writeRoads(join(dir, 'lattice.geojson'), N);
    whole = await readViewRoads(join(dir, 'lattice.geojson'));
  });

  it('is null below the threshold: the graph is served whole', () => {
    expect(N).toBeLessThan(ROADS_LOD_ABOVE);
    expect(roadLevels(whole)).toBeNull();
    expect(roadLevels(whole, { above: N + 1 })).toBeNull();
    expect(roadLevels(whole, { above: N })).not.toBeNull();
  });

  it('puts every segment in exactly one place: the longest whole length classes in the opening payload, the rest in the chunk of its first vertex', () => {
    // 1,500 m and 300 m fit a budget of 1,000 (every 9th has no length_m: its ~91.6 m puts it in the 64-128 m class)
    const lv = roadLevels(whole, { above: 100, budget: 1000, chunkFeatures: 100 })!;
    const lod = lv.overview.meta.lod!;
    const len = (i: number) => (i % 9 === 4 ? 91.6 : LENGTHS[i % 4]!);
    const long = Array.from({ length: N }, (_, i) => i).filter((i) => len(i) >= 256);
    expect(lod.minLengthM).toBe(256);
    // within the budget, and the next class down (the ~91.6 m ones) would not have been
    expect(long.length).toBeLessThanOrEqual(1000);
    expect(long.length + Array.from({ length: N }, (_, i) => i).filter((i) => len(i) >= 64 && len(i) < 256).length).toBeGreaterThan(1000);
    expect(edges(lv.overview)).toEqual(long);
    expect(lod.overview).toBe(long.length);
    expect(lod.total).toBe(N);
    expect(lod.grid).toBe(5); // ceil(sqrt(2000 / 100))
    const got = [...edges(lv.overview), ...lv.chunks.flatMap((c) => (c ? edges(c) : []))];
    expect(got.length).toBe(N);
    expect(new Set(got).size).toBe(N);
    expect(lod.chunks.map((c) => c.i)).toEqual(lv.chunks.flatMap((c, i) => (c ? [i] : [])));
    const [w, s, e, n] = lod.bbox;
    for (const c of lod.chunks) {
      const part = lv.chunks[c.i]!;
      expect(c.count).toBe(part.meta.count);
      expect(c.bbox).toEqual(part.meta.bbox);
      // rows in file order, each in the chunk of its first vertex, with its own coordinates and columns
      const ids = edges(part);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      const pos = part.arrays[ROAD_ARRAYS.positions] as Float64Array;
      const starts = part.arrays[ROAD_ARRAYS.startIndices] as Uint32Array;
      const owner = part.arrays[ROAD_ARRAYS.owner] as Uint32Array;
      for (let p = 0; p < part.meta.paths; p++) {
        if (p > 0 && owner[p] === owner[p - 1]) continue;
        const cx = Math.min(lod.grid - 1, Math.floor(((pos[2 * starts[p]!]! - w) / (e - w)) * lod.grid));
        const cy = Math.min(lod.grid - 1, Math.floor(((pos[2 * starts[p]! + 1]! - s) / (n - s)) * lod.grid));
        expect(cy * lod.grid + cx).toBe(c.i);
      }
    }
    // paths and vertices add up to the whole's
    const paths = (r: ViewRoads) => r.meta.paths;
    const verts = (r: ViewRoads) => (r.arrays[ROAD_ARRAYS.positions] as Float64Array).length;
    expect(paths(lv.overview) + lv.chunks.reduce((a, c) => a + (c ? paths(c) : 0), 0)).toBe(whole.meta.paths);
    expect(verts(lv.overview) + lv.chunks.reduce((a, c) => a + (c ? verts(c) : 0), 0)).toBe(verts(whole));
  });

  it('takes whole classes only: a class that does not fit is left to the chunks, and none at all when the longest does not fit', () => {
    // budget 600: the 1500 m class (500) fits, with the 300 m class (500) it would be 1,000
    const lv = roadLevels(whole, { above: 100, budget: 600, chunkFeatures: 100 })!;
    expect(lv.overview.meta.lod!.minLengthM).toBe(1024);
    expect(edges(lv.overview).every((i) => i % 4 === 3 && i % 9 !== 4)).toBe(true);
    expect(lv.overview.meta.count).toBe(Array.from({ length: N }, (_, i) => i).filter((i) => i % 4 === 3 && i % 9 !== 4).length);
    const none = roadLevels(whole, { above: 100, budget: 100, chunkFeatures: 100 })!;
    expect(none.overview.meta.lod!.minLengthM).toBeNull();
    expect(none.overview.meta.count).toBe(0);
    expect(none.chunks.reduce((a, c) => a + (c ? c.meta.count : 0), 0)).toBe(N);
    // segments without length_m are classed by their great-circle length (~91.6 m: the 64 m class)
    const all = roadLevels(whole, { above: 100, budget: 1200, chunkFeatures: 100 })!;
    expect(all.overview.meta.lod!.minLengthM).toBe(64);
    expect(edges(all.overview)).toEqual(Array.from({ length: N }, (_, i) => i).filter((i) => i % 9 === 4 || LENGTHS[i % 4]! >= 64));
  });
});

describe('GET /api/roads.bin', () => {
  const distDir = () => join(dir, 'dist');
  const serve = async (run: string) => {
    await mkdir(distDir(), { recursive: true });
    await writeFile(join(distDir(), 'index.html'), '<!doctype html><title>viewer</title>');
    return startViewServer({ runDir: run, distDir: distDir(), port: 0, log: () => {} });
  };

  describe('a small graph, whole', () => {
    let run: string;
    let srv: ViewServer;
    beforeAll(async () => {
      run = join(dir, 'small-run');
      await writeSyntheticRun(run, { omit: ['roads.geojson'] });
      srv = await serve(run);
    });
    afterAll(async () => {
      await srv?.close();
    });
    const get = async (p = 'api/roads.bin') => {
      const r = await fetch(`${srv.url}${p}`);
      return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
    };

    it('answers 404 naming roads.geojson when the run has none', async () => {
      const r = await get();
      expect(r.status).toBe(404);
      expect(JSON.parse(r.body.toString()).error).toBe('roads.geojson is not in the run folder');
    });

    it('answers the packed file, keeps it while the file is unchanged, converts a replaced one, and 422 for a broken one', async () => {
      const file = join(run, 'roads.geojson');
      await writeRoads(file, 50);
      const r = await get();
      expect(r.status).toBe(200);
      expect(r.type).toBe('application/octet-stream');
      expect(Buffer.compare(r.body, Buffer.from(packViewRoads(await readViewRoads(file))))).toBe(0);
      const u = unpackArrays<ViewRoadsMeta>(ab(r.body));
      expect(u.meta.count).toBe(50);
      expect(u.meta.lod).toBeUndefined();
      expect(Buffer.compare((await get()).body, r.body)).toBe(0);
      // a graph drawn whole has no chunks
      expect((await get('api/roads/chunk/0.bin')).status).toBe(404);
      await writeRoads(file, 60);
      expect(unpackArrays<ViewRoadsMeta>(ab((await get()).body)).meta.count).toBe(60);
      await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[135, 34], [null, 34]] }, properties: {} }] }));
      const bad = await get();
      expect(bad.status).toBe(422);
      expect(JSON.parse(bad.body.toString()).error).toMatch(/roads\.geojson: record 0: coordinate is not a lon\/lat pair of finite numbers \(WGS84\) \(value: \[null,34\]\)/);
      expect((await fetch(`${srv.url}api/status`)).status).toBe(200);
      await writeRoads(file, 7);
      expect(unpackArrays<ViewRoadsMeta>(ab((await get()).body)).meta.count).toBe(7);
    });

    it('answers the blocks\' extent: the box of every coordinate of blocks.geojson', async () => {
      const r = await fetch(`${srv.url}api/extent/blocks.json`);
      expect(r.status).toBe(200);
      const ext = (await r.json()) as { features: number; bbox: number[] };
      const fc = JSON.parse(await readFile(join(run, 'blocks.geojson'), 'utf8')) as { features: Road[] };
      const pts = fc.features.flatMap((f) => (f.geometry!.coordinates as number[][][]).flat());
      expect(ext.features).toBe(fc.features.length);
      expect(ext.bbox).toEqual([Math.min(...pts.map((q) => q[0]!)), Math.min(...pts.map((q) => q[1]!)), Math.max(...pts.map((q) => q[0]!)), Math.max(...pts.map((q) => q[1]!))]);
    });
  });

  describe('a city-sized graph in levels of detail', () => {
    // above ROADS_LOD_ABOVE segments
    const N = ROADS_LOD_ABOVE + 3;
    let run: string;
    let srv: ViewServer;
    let whole: ViewRoads;
    beforeAll(async () => {
      run = join(dir, 'city-run');
      await mkdir(run, { recursive: true });
      await writeRoads(join(run, 'roads.geojson'), N);
      whole = await readViewRoads(join(run, 'roads.geojson'));
      srv = await serve(run);
    }, 120_000);
    afterAll(async () => {
      await srv?.close();
    });

    it('answers the long segments and the chunk list, and every other segment in exactly one chunk', async () => {
      const r = await fetch(`${srv.url}api/roads.bin`);
      expect(r.status).toBe(200);
      const buf = await r.arrayBuffer();
      expect(buf.byteLength).toBeLessThan(packViewRoads(whole).length / 2);
      const ov = unpackArrays<ViewRoadsMeta>(buf);
      const lod = ov.meta.lod!;
      expect(lod.total).toBe(N);
      // 1,500 m segments only: with the 300 m ones they would be about 50,000, above the budget of 30,000
      expect(lod.minLengthM).toBe(1024);
      const seen = new Uint8Array(N);
      const mark = (a: ArrayLike<number>) => {
        for (let j = 0; j < a.length; j++) seen[a[j]!]!++;
      };
      mark(ov.arrays[ROAD_ARRAYS.number('edge')] as Float64Array);
      for (const c of lod.chunks) {
        const cr = await fetch(`${srv.url}api/roads/chunk/${c.i}.bin`);
        expect(cr.status).toBe(200);
        const part = unpackArrays<ViewRoadsMeta>(await cr.arrayBuffer());
        expect(part.meta.lod).toBeUndefined();
        expect(part.meta.count).toBe(c.count);
        mark(part.arrays[ROAD_ARRAYS.number('edge')] as Float64Array);
      }
      expect(seen.every((x) => x === 1)).toBe(true);
    }, 120_000);

    it('answers 404 for a chunk that does not exist, and the network\'s chunks are still the network\'s', async () => {
      for (const p of ['api/roads/chunk/999999.bin', 'api/roads/chunk/x.bin', 'api/roads/chunk/1.json']) expect((await fetch(`${srv.url}${p}`)).status, p).toBe(404);
      const nr = await fetch(`${srv.url}api/network/chunk/0.bin`);
      expect(nr.status).toBe(404);
      expect(((await nr.json()) as { error: string }).error).toBe('no network chunk 0');
    });
  });
});

describe('the map and the legend of a road graph in levels of detail', () => {
  // 10 x 10 chunks over 1 x 1 degree
  const grid = (i: number): [number, number, number, number] => {
    const x = 135 + (i % 10) / 10;
    const y = 34 + Math.floor(i / 10) / 10;
    return [x, y, x + 0.1, y + 0.1];
  };
  const lod: ViewRoadsLod = { grid: 10, bbox: [135, 34, 136, 35], chunks: Array.from({ length: 100 }, (_, i) => ({ i, bbox: grid(i), count: 10 })), minLengthM: null, overview: 0, total: 1_476_259 };
  const vp = (zoom: number) => new WebMercatorViewport({ width: 1200, height: 800, longitude: 135.55, latitude: 34.55, zoom });

  it('draws a road chunk from its detail zoom and in view only, apart from the network\'s chunks', () => {
    const z = roadsDetailZoom(lod, 1200);
    expect(z).toBeCloseTo(Math.log2((1200 * 360) / (512 * ROADS_DETAIL_CHUNKS_ACROSS * 0.1)), 9);
    expect(roadChunksInView(vp(z - 0.01), lod)).toEqual([]);
    expect(roadChunksInView(vp(z + 0.01), lod)).toContain(55);
    const f = (id: string, zoom: number) => chunkedLayerFilter({ layer: { id } as never, viewport: vp(zoom) as never });
    registerRoadsLod(lod);
    expect(f('roads@c55', z + 0.01)).toBe(true);
    expect(f('roads@c55', z - 0.01)).toBe(false);
    expect(f('roads@c0', z + 0.01)).toBe(false);
    expect(f('roads', 3)).toBe(true);
    // a network in levels of detail of another grid (one chunk over the whole degree) does not change the roads' answer
    const net = { grid: 1, bbox: [135, 34, 136, 35], chunks: [{ i: 0, bbox: [135, 34, 136, 35] }] } as unknown as ViewNetworkLod;
    registerLod(net);
    expect(f('roads@c0', z + 0.01)).toBe(false);
    expect(f('consumers@c0', z + 0.01)).toBe(true);
    registerLod(undefined);
    registerRoadsLod(undefined);
    expect(f('roads@c0', z + 0.01)).toBe(true);
  });

  it('finds the part a picked roads layer draws', () => {
    const a = { meta: {} };
    const b = { meta: {} };
    const data = { roads: a, roadChunks: new Map([[7, b]]) } as unknown as RunData;
    expect(roadsOfLayer(data, 'roads')).toBe(a);
    expect(roadsOfLayer(data, 'roads@c7')).toBe(b);
    expect(roadsOfLayer(data, 'roads@c8')).toBeUndefined();
    expect(roadsOfLayer(data, 'network@c7')).toBeUndefined();
  });

  it('says what is drawn at every zoom, what from which zoom, and whether it is drawn now', () => {
    const data = { roads: { meta: { lod } } } as unknown as RunData;
    const off = roadsLodHtml(data, { shown: false, detailZoom: 9.23, zoom: 7.9, loaded: 0, pending: 0 });
    expect(off).toContain('road graph of 1,476,259 segments in levels of detail: no segment is long enough to draw at every zoom; all 1,476,259 from zoom 9.3, in view only.');
    expect(off).toContain('At zoom 7.9: not drawn; zoom in to see them.');
    const some = roadsLodHtml({ roads: { meta: { lod: { ...lod, minLengthM: 1024, overview: 26_000 } } } } as unknown as RunData, { shown: true, detailZoom: 9.23, zoom: 9.5, loaded: 4, pending: 2 });
    expect(some).toContain('the 26,000 segments of 1,024 m or longer at every zoom; the other 1,450,259 from zoom 9.3');
    expect(some).toContain('At zoom 9.5: drawn in view (4 of 100 areas loaded, 2 loading)');
    expect(roadsLodHtml({ roads: { meta: {} } } as unknown as RunData, undefined)).toBe('');
  });
});
