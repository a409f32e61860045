/**
 * A city's network in levels of detail (engine/viewer/pack/network.ts networkLevels, the server's /api/network.bin and
 * /api/network/chunk/N.bin, viewer/src/layers/network-lod.ts): every feature in exactly one place (the opening
 * payload's mains and plants, or one chunk, the chunk of its first vertex), the mains the pipes of the largest design
 * loads, a service's consumer still found from its chunk, the opening payload of a big network small, a small network
 * served whole as before, and which chunks the map fetches and draws at which zoom.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebMercatorViewport } from '@deck.gl/core';
import { networkLevels, packViewNetwork, readViewNetwork, type ViewNetwork } from '../../engine/viewer/pack/network.js';
import { NETWORK_ARRAYS, NETWORK_DETAIL_CHUNKS_ACROSS, NETWORK_LOD_ABOVE, unpackArrays, type ViewNetworkMeta } from '../../engine/viewer/pack/format.js';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { writeFeatureCollection } from '../../engine/io/geojson-stream.js';
import { chunksInView, detailShown, detailZoom, networkChunkFilter, networkOfLayer, registerLod, splitLayerId } from '../../viewer/src/layers/network-lod.js';
import { lodHtml } from '../../viewer/src/legend.js';
import type { RunData } from '../../viewer/src/data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heatplan-network-lod-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A network.geojson of `n` consumers on a lattice from (135, 34), 0.001° apart: a service line from each, a pipe
 * from each service end to the next one (design load falling with the index, every 7th a MultiLineString of two
 * parts), `n` cut-off consumers between them, and one plant.
 */
async function writeNetwork(file: string, n: number): Promise<void> {
  const cols = Math.ceil(Math.sqrt(n));
  const at = (i: number): [number, number] => [135 + (i % cols) * 0.001, 34 + Math.floor(i / cols) * 0.001];
  function* features(): Generator<object> {
    yield { type: 'Feature', geometry: { type: 'Point', coordinates: at(0) }, properties: { kind: 'plant', id: 'P', type: 'boiler', capacity_kW: null, fuel: null } };
    for (let i = 0; i < n; i++) {
      const [x, y] = at(i);
      const [x2, y2] = at(i + 1);
      const geometry =
        i % 7 === 3
          ? { type: 'MultiLineString', coordinates: [[[x, y - 1e-4], [x2, y2 - 1e-4]], [[x2, y2 - 1e-4], [x2 + 1e-4, y2 - 1e-4]]] }
          : { type: 'LineString', coordinates: [[x, y - 1e-4], [x2, y2 - 1e-4]] };
      yield { type: 'Feature', geometry, properties: { kind: 'pipe', id: i < 5 ? `p${i}` : i, DN: 50, design_kW: n - i, kw_per_m: 1, length_m: 90, branch: i % 10 } };
      yield { type: 'Feature', geometry: { type: 'LineString', coordinates: [[x, y], [x, y - 1e-4]] }, properties: { kind: 'service', consumer: `c${i}`, length_m: 11 } };
      yield { type: 'Feature', geometry: { type: 'Point', coordinates: [x, y] }, properties: { kind: 'consumer', id: `c${i}`, use: i % 2 ? 'office' : 'residential_detached', heat_MWh: i, peak_kW: i + 1, service_m: 11 } };
      yield { type: 'Feature', geometry: { type: 'Point', coordinates: [x + 5e-4, y + 5e-4] }, properties: { kind: 'dropped', id: `d${i}`, use: 'office', heat_MWh: 1, peak_kW: 2, reason: 'below-loss-share' } };
    }
  }
  await writeFeatureCollection(file, { type: 'FeatureCollection', properties: { minKwPerM: 0.17 }, features: { [Symbol.iterator]: features } });
}

/** Rows of kind `k` by id: consumers' and cut-off consumers' ids, pipes' id column, services' consumer. */
function keys(n: ViewNetwork, k: 'pipe' | 'service' | 'consumer' | 'dropped' | 'plant'): string[] {
  if (k === 'consumer' || k === 'dropped' || k === 'plant') return n.meta.ids[k];
  if (k === 'pipe') {
    const id = n.arrays[NETWORK_ARRAYS.number('pipe', 'id')] as Float64Array;
    return Array.from(id, (x, r) => n.meta.pipeText.id[String(r)] ?? String(x));
  }
  const sc = n.arrays[NETWORK_ARRAYS.serviceConsumer] as Int32Array;
  return Array.from(sc, (c, r) => (c >= 0 ? n.meta.ids.consumer[c]! : n.meta.serviceConsumerIds[String(r)]!));
}

describe('networkLevels', () => {
  let whole: ViewNetwork;
  beforeAll(async () => {
    await writeNetwork(join(dir, 'small.geojson'), 400);
    whole = await readViewNetwork(join(dir, 'small.geojson'));
  });

  it('is null below the threshold: the network is served whole, as before', () => {
    expect(networkLevels(whole)).toBeNull();
    expect(1600).toBeLessThan(NETWORK_LOD_ABOVE);
    expect(networkLevels(whole, { above: 1601 })).toBeNull();
    expect(networkLevels(whole, { above: 1600 })).not.toBeNull();
  });

  it('puts every feature in exactly one place: the mains and plants in the opening payload, the rest in one chunk each', () => {
    const lv = networkLevels(whole, { above: 100, mainsBudget: 40, chunkFeatures: 50 })!;
    const lod = lv.overview.meta.lod!;
    expect(lod.grid).toBe(6); // ceil(sqrt(1600 / 50))
    expect(lod.total).toEqual({ pipe: 400, service: 400, consumer: 400, dropped: 400, plant: 1 });
    expect(lv.overview.meta.counts).toEqual({ pipe: 40, service: 0, consumer: 0, dropped: 0, plant: 1 });
    expect(lod.mains).toBe(40);
    for (const k of ['pipe', 'service', 'consumer', 'dropped', 'plant'] as const) {
      const got = [...keys(lv.overview, k), ...lv.chunks.flatMap((c) => (c ? keys(c, k) : []))];
      expect(got.length, k).toBe(whole.meta.counts[k]);
      expect(new Set(got).size, k).toBe(got.length);
      expect(new Set(got), k).toEqual(new Set(keys(whole, k)));
    }
    // the chunk list: the non-empty chunks, with their counts and the box of their coordinates
    expect(lod.chunks.map((c) => c.i)).toEqual(lv.chunks.flatMap((c, i) => (c ? [i] : [])));
    for (const c of lod.chunks) {
      const part = lv.chunks[c.i]!;
      expect(c.counts).toEqual({ pipe: part.meta.counts.pipe, service: part.meta.counts.service, consumer: part.meta.counts.consumer, dropped: part.meta.counts.dropped });
      expect(c.bbox).toEqual(part.meta.bbox);
      // a point is in the chunk of its cell of the grid
      const pos = part.arrays[NETWORK_ARRAYS.point('consumer')] as Float64Array;
      const [w, s, e, n] = lod.bbox;
      for (let j = 0; j < pos.length; j += 2) {
        const cx = Math.min(lod.grid - 1, Math.floor(((pos[j]! - w) / (e - w)) * lod.grid));
        const cy = Math.min(lod.grid - 1, Math.floor(((pos[j + 1]! - s) / (n - s)) * lod.grid));
        expect(cy * lod.grid + cx).toBe(c.i);
      }
    }
  });

  it('takes the pipes of the largest design loads as the mains, with their paths and columns', () => {
    const lv = networkLevels(whole, { above: 100, mainsBudget: 40, chunkFeatures: 50 })!;
    const load = (n: ViewNetwork) => Array.from(n.arrays[NETWORK_ARRAYS.number('pipe', 'design_kW')] as Float32Array);
    const mains = load(lv.overview);
    const rest = lv.chunks.flatMap((c) => (c ? load(c) : []));
    expect(Math.min(...mains)).toBeGreaterThan(Math.max(...rest));
    expect(lv.overview.meta.lod!.mainsMinKw).toBe(Math.min(...mains));
    expect(lv.overview.meta.lod!.maxDesignKw).toBe(400);
    expect(lv.overview.meta.lod!.maxPeakKw).toBe(400);
    // the text ids and a MultiLineString's two paths come along
    expect(keys(lv.overview, 'pipe').slice(0, 5)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    const p3 = 3;
    const owner = lv.overview.arrays[NETWORK_ARRAYS.owner('pipe')] as Uint32Array;
    expect(Array.from(owner).filter((r) => r === p3).length).toBe(2);
    const paths = (n: ViewNetwork) => n.meta.paths.pipe;
    expect(paths(lv.overview) + lv.chunks.reduce((a, c) => a + (c ? paths(c) : 0), 0)).toBe(whole.meta.paths.pipe);
    const verts = (n: ViewNetwork) => (n.arrays[NETWORK_ARRAYS.positions('pipe')] as Float64Array).length;
    expect(verts(lv.overview) + lv.chunks.reduce((a, c) => a + (c ? verts(c) : 0), 0)).toBe(verts(whole));
  });

  it('keeps the whole network when its pipes fit the budget', () => {
    const lv = networkLevels(whole, { above: 100, mainsBudget: 1000, chunkFeatures: 50 })!;
    expect(lv.overview.meta.counts.pipe).toBe(400);
    expect(lv.overview.meta.lod!.mainsMinKw).toBe(0);
    expect(lv.chunks.every((c) => !c || c.meta.counts.pipe === 0)).toBe(true);
  });
});

describe('GET /api/network.bin of a city-sized network', () => {
  // above NETWORK_LOD_ABOVE features: 52,000 consumers, their service lines and pipes, and as many cut off
  const N = 52_000;
  let srv: ViewServer;
  let whole: Uint8Array;
  beforeAll(async () => {
    const run = join(dir, 'city');
    await mkdir(run, { recursive: true });
    await writeNetwork(join(run, 'network.geojson'), N);
    whole = packViewNetwork(await readViewNetwork(join(run, 'network.geojson')));
    const distDir = join(dir, 'dist');
    await mkdir(distDir, { recursive: true });
    await writeFile(join(distDir, 'index.html'), '<!doctype html><title>viewer</title>');
    srv = await startViewServer({ runDir: run, distDir, port: 0, log: () => {} });
  }, 120_000);
  afterAll(async () => {
    await srv?.close();
  });

  it('answers the mains and the chunk list, a small part of the whole, and every chunk in the same layout', async () => {
    expect(4 * N).toBeGreaterThanOrEqual(NETWORK_LOD_ABOVE);
    const r = await fetch(`${srv.url}api/network.bin`);
    expect(r.status).toBe(200);
    const buf = await r.arrayBuffer();
    // the opening payload: the mains (30,000 pipes at most plus ties) and the chunk list, not the million points
    expect(buf.byteLength).toBeLessThan(whole.length / 4);
    const ov = unpackArrays<ViewNetworkMeta>(buf);
    const lod = ov.meta.lod!;
    expect(lod.total).toEqual({ pipe: N, service: N, consumer: N, dropped: N, plant: 1 });
    expect(ov.meta.counts.consumer + ov.meta.counts.service + ov.meta.counts.dropped).toBe(0);
    const sum = { pipe: ov.meta.counts.pipe, service: 0, consumer: 0, dropped: 0 };
    for (const c of lod.chunks) {
      const cr = await fetch(`${srv.url}api/network/chunk/${c.i}.bin`);
      expect(cr.status).toBe(200);
      const part = unpackArrays<ViewNetworkMeta>(await cr.arrayBuffer());
      expect(part.meta.lod).toBeUndefined();
      for (const k of ['pipe', 'service', 'consumer', 'dropped'] as const) {
        expect(part.meta.counts[k]).toBe(c.counts[k]);
        sum[k] += part.meta.counts[k];
      }
      // a service line's consumer: the consumer of the same chunk, or its id
      const sc = part.arrays[NETWORK_ARRAYS.serviceConsumer] as Int32Array;
      sc.forEach((row, s) => expect(row >= 0 ? part.meta.ids.consumer[row] : part.meta.serviceConsumerIds[String(s)]).toMatch(/^c\d+$/));
    }
    expect(sum).toEqual({ pipe: N, service: N, consumer: N, dropped: N });
  }, 120_000);

  it('answers 404 for a chunk that does not exist', async () => {
    for (const p of ['api/network/chunk/999999.bin', 'api/network/chunk/x.bin', 'api/network/chunk/1.json']) {
      const r = await fetch(`${srv.url}${p}`);
      expect(r.status, p).toBe(404);
    }
  });
});

describe('the map and the legend of a network in levels of detail', () => {
  // a network of 10 x 10 chunks over 1 x 1 degree
  const lod: NonNullable<ViewNetworkMeta['lod']> = {
    grid: 10,
    bbox: [135, 34, 136, 35],
    chunks: Array.from({ length: 100 }, (_, i) => {
      const x = 135 + (i % 10) / 10;
      const y = 34 + Math.floor(i / 10) / 10;
      return { i, bbox: [x, y, x + 0.1, y + 0.1] as [number, number, number, number], counts: { pipe: 1, service: 1, consumer: 1, dropped: 1 } };
    }),
    mainsMinKw: 5000,
    mains: 30_000,
    total: { pipe: 259_396, service: 254_998, consumer: 254_998, dropped: 749_826, plant: 1 },
    maxDesignKw: 1,
    maxPeakKw: 1,
  };
  const vp = (zoom: number) => new WebMercatorViewport({ width: 1200, height: 800, longitude: 135.55, latitude: 34.55, zoom });

  it('draws the chunks from the zoom at which the map spans NETWORK_DETAIL_CHUNKS_ACROSS chunk widths, only those in view', () => {
    const z = detailZoom(lod, 1200);
    // 1200 px over 4 x 0.1 degrees: 2^z = 1200 x 360 / (512 x 0.4)
    expect(z).toBeCloseTo(Math.log2((1200 * 360) / (512 * NETWORK_DETAIL_CHUNKS_ACROSS * 0.1)), 9);
    expect(detailShown(vp(z - 0.01), lod)).toBe(false);
    expect(detailShown(vp(z + 0.01), lod)).toBe(true);
    expect(chunksInView(vp(z - 0.01), lod)).toEqual([]);
    const inView = chunksInView(vp(z + 0.01), lod);
    // the view is 0.4 degrees wide and about 0.22 high around (135.55, 34.55): chunk columns 3-7, rows 4-6
    expect(inView.length).toBeGreaterThan(0);
    expect(inView.length).toBeLessThanOrEqual(5 * 4);
    expect(inView).toContain(55);
    expect(inView).not.toContain(0);
    expect(inView).not.toContain(99);
    registerLod(lod);
    const filter = (id: string, zoom: number) => networkChunkFilter({ layer: { id } as never, viewport: vp(zoom) as never });
    expect(filter('consumers@c55', z + 0.01)).toBe(true);
    expect(filter('consumers@c55', z - 0.01)).toBe(false);
    expect(filter('consumers@c0', z + 0.01)).toBe(false);
    // the opening payload's layers are drawn at every zoom
    expect(filter('network', 3)).toBe(true);
    registerLod(undefined);
  });

  it('finds the chunk a picked layer draws', () => {
    expect(splitLayerId('network-services@c12')).toEqual({ base: 'network-services', chunk: 12 });
    expect(splitLayerId('network')).toEqual({ base: 'network' });
    const a = { meta: {} } as never;
    const b = { meta: {} } as never;
    const data = { network: a, networkChunks: new Map([[12, b]]) } as unknown as RunData;
    expect(networkOfLayer(data, 'consumers@c12')).toEqual({ base: 'consumers', net: b });
    expect(networkOfLayer(data, 'consumers')).toEqual({ base: 'consumers', net: a });
    expect(networkOfLayer(data, 'consumers@c13').net).toBeUndefined();
  });

  it('says what is drawn at every zoom, what from which zoom, and whether it is drawn now', () => {
    const data = { network: { meta: { lod } } } as unknown as RunData;
    const off = lodHtml(data, { shown: false, detailZoom: 10.83, zoom: 7.93, loaded: 0, pending: 0 });
    expect(off).toContain('network of 1,519,219 features in levels of detail');
    expect(off).toContain('the 30,000 pipes of the largest design load (≥ 5 MW) and the plants at every zoom');
    expect(off).toContain('the other 229,396 pipes, 254,998 service lines, 254,998 consumers and 749,826 cut-off consumers from zoom 10.9, in view only');
    expect(off).toContain('At zoom 7.9: not drawn');
    const on = lodHtml(data, { shown: true, detailZoom: 10.83, zoom: 11.2, loaded: 12, pending: 3 });
    expect(on).toContain('At zoom 11.2: drawn in view (12 of 100 areas loaded, 3 loading)');
    expect(lodHtml({ network: { meta: {} } } as unknown as RunData, undefined)).toBe('');
  });
});
