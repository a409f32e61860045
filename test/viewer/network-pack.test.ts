/**
 * The network as the viewer gets it (GET /api/network.bin, engine/viewer/pack/network.ts): the packed arrays equal
 * network.geojson's coordinates and attributes (the demo run, every feature), hand-made corner cases, and the
 * endpoint's answers to a missing or broken file (a JSON error naming the file, never a crash). Also the buildings
 * endpoint, which packs each feature as it is read: the same arrays as the whole-file conversion.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packViewNetwork, readViewNetwork, type ViewNetwork } from '../../engine/viewer/pack/network.js';
import {
  CONSUMER_NUMBERS,
  DROPPED_NUMBERS,
  NETWORK_ARRAYS,
  PIPE_IDS,
  PIPE_NUMBERS,
  PLANT_NUMBERS,
  POINT_CODES,
  SERVICE_NUMBERS,
  unpackArrays,
  type NetworkLineKind,
  type NetworkPointKind,
  type ViewBuildingsMeta,
  type ViewNetworkMeta,
} from '../../engine/viewer/pack/format.js';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { packViewBuildings, readViewBuildings } from '../../engine/viewer/pack/buildings.js';
import { writeSyntheticRun } from './synthetic-run.js';
import { runFile } from '../../engine/run/read.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heatplan-network-pack-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A column value as packed: Float32 for the number columns (NaN where absent or not a number). */
const f32 = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Math.fround(x) : NaN);
const f64 = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : NaN);
const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : a === b);

/** Check every feature of `fc` against the packed network, kind by kind, in file order. */
function expectPackedEqual(fc: { features: any[]; properties?: object }, n: { meta: ViewNetworkMeta; arrays: ViewNetwork['arrays'] }): void {
  const a = n.arrays;
  expect(n.meta.properties).toEqual(fc.properties ?? {});
  const of = (k: string) => fc.features.filter((f) => f.properties.kind === k);
  for (const k of ['pipe', 'service'] as NetworkLineKind[]) {
    const feats = of(k);
    expect(n.meta.counts[k]).toBe(feats.length);
    const pos = a[NETWORK_ARRAYS.positions(k)] as Float64Array;
    const starts = a[NETWORK_ARRAYS.startIndices(k)] as Uint32Array;
    const owner = a[NETWORK_ARRAYS.owner(k)] as Uint32Array;
    let path = 0;
    feats.forEach((f, row) => {
      const parts: number[][][] = f.geometry.type === 'MultiLineString' ? f.geometry.coordinates : [f.geometry.coordinates];
      for (const part of parts) {
        expect(owner[path]).toBe(row);
        expect(starts[path + 1]! - starts[path]!).toBe(part.length);
        part.forEach((q, j) => {
          const v = starts[path]! + j;
          expect(pos[2 * v]).toBe(q[0]);
          expect(pos[2 * v + 1]).toBe(q[1]);
        });
        path++;
      }
      const cols = k === 'pipe' ? PIPE_NUMBERS : SERVICE_NUMBERS;
      for (const c of cols) expect(same((a[NETWORK_ARRAYS.number(k, c)] as Float32Array)[row]!, f32(f.properties[c])), `${k} ${row} ${c}`).toBe(true);
      if (k === 'pipe') {
        for (const c of PIPE_IDS) {
          const x = f.properties[c];
          const packed = (a[NETWORK_ARRAYS.number('pipe', c)] as Float64Array)[row]!;
          if (typeof x === 'number') expect(packed).toBe(x);
          else expect(n.meta.pipeText[c][String(row)]).toBe(x === undefined ? undefined : String(x));
        }
      } else {
        const c = (a[NETWORK_ARRAYS.serviceConsumer] as Int32Array)[row]!;
        expect(c >= 0 ? n.meta.ids.consumer[c] : n.meta.serviceConsumerIds[String(row)]).toBe(String(f.properties.consumer));
      }
    });
    expect(n.meta.paths[k]).toBe(path);
    expect(starts[path]).toBe(pos.length / 2);
  }
  const numbers = { consumer: CONSUMER_NUMBERS, dropped: DROPPED_NUMBERS, plant: PLANT_NUMBERS };
  for (const k of ['consumer', 'dropped', 'plant'] as NetworkPointKind[]) {
    const feats = of(k);
    expect(n.meta.counts[k]).toBe(feats.length);
    const pos = a[NETWORK_ARRAYS.point(k)] as Float64Array;
    expect(pos.length).toBe(2 * feats.length);
    feats.forEach((f, row) => {
      expect([pos[2 * row], pos[2 * row + 1]]).toEqual(f.geometry.coordinates.slice(0, 2));
      expect(n.meta.ids[k][row]).toBe(String(f.properties.id));
      for (const c of numbers[k]) expect(same((a[NETWORK_ARRAYS.number(k, c)] as Float32Array)[row]!, f32(f.properties[c])), `${k} ${row} ${c}`).toBe(true);
      for (const c of POINT_CODES[k]) {
        const dict = (n.meta.dictionaries[k] as Record<string, string[]>)[c]!;
        const x = f.properties[c];
        expect(dict[(a[NETWORK_ARRAYS.code(k, c)] as Uint16Array)[row]!]).toBe(x === undefined || x === null ? '' : String(x));
      }
    });
  }
  // the extent of every coordinate
  const all: number[][] = [];
  const walk = (c: any): void => (typeof c?.[0] === 'number' ? void all.push(c) : c?.forEach?.(walk));
  for (const f of fc.features) walk(f.geometry?.coordinates);
  expect(n.meta.bbox).toEqual([Math.min(...all.map((p) => p[0]!)), Math.min(...all.map((p) => p[1]!)), Math.max(...all.map((p) => p[0]!)), Math.max(...all.map((p) => p[1]!))]);
}

const ab = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

describe('readViewNetwork on the demo run (npx heatplan demo)', () => {
  let demo: string;
  beforeAll(async () => {
    demo = join(dir, 'demo');
    const { main } = await import('../../engine/cli/main.js');
    const code = await main(['demo', '--out', demo]);
    if (code !== 0) throw new Error(`heatplan demo failed with exit code ${code}`);
  }, 180_000);

  it('packs every pipe, service line, consumer, cut-off consumer and plant with its coordinates and attributes', async () => {
    const fc = JSON.parse(await readFile(join(demo, 'network.geojson'), 'utf8'));
    const n = await readViewNetwork(join(demo, 'network.geojson'));
    // the demo has every kind the viewer draws (so no kind is checked vacuously)
    for (const k of ['pipe', 'service', 'consumer', 'plant'] as const) expect(n.meta.counts[k]).toBeGreaterThan(0);
    expect(n.meta.skipped).toEqual({});
    expectPackedEqual(fc, n);
    // the route stage writes numeric pipe ids and branches: nothing goes to the text side
    expect(n.meta.pipeText).toEqual({ id: {}, branch: {} });
    // the container keeps it all (what the browser unpacks)
    const back = unpackArrays<ViewNetworkMeta>(ab(packViewNetwork(n)));
    expectPackedEqual(fc, back);
  });

  it('GET /api/network.bin answers the same arrays', async () => {
    const distDir = join(dir, 'dist');
    await mkdir(distDir, { recursive: true });
    await writeFile(join(distDir, 'index.html'), '<!doctype html><title>viewer</title>');
    const srv = await startViewServer({ runDir: demo, distDir, port: 0 });
    try {
      const r = await fetch(`${srv.url}api/network.bin`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      const fc = JSON.parse(await readFile(join(demo, 'network.geojson'), 'utf8'));
      expectPackedEqual(fc, unpackArrays<ViewNetworkMeta>(await r.arrayBuffer()));
      // the buildings, packed one by one as the reader parses them (none kept), equal the whole-file conversion
      const b = await fetch(`${srv.url}api/buildings.bin`);
      expect(b.status).toBe(200);
      const got = unpackArrays<ViewBuildingsMeta>(await b.arrayBuffer());
      const want = unpackArrays<ViewBuildingsMeta>(ab(packViewBuildings(await readViewBuildings(join(demo, 'buildings.geojson')))));
      // the server reads the run's own form (buildings.fgb where the demo wrote it, engine/run/read.ts runFile)
      expect(got.meta.file).toBe(runFile(demo, 'buildings'));
      expect({ ...got.meta, file: '' }).toEqual({ ...want.meta, file: '' });
      expect(got.meta.count).toBeGreaterThan(100);
      expect(Object.keys(got.arrays)).toEqual(Object.keys(want.arrays));
      for (const k of Object.keys(want.arrays)) expect(Array.from(got.arrays[k]!), k).toEqual(Array.from(want.arrays[k]!));
    } finally {
      await srv.close();
    }
  });
});

describe('readViewNetwork corner cases', () => {
  it('splits MultiLineStrings, keeps text ids, resolves service lines, counts features without geometry', async () => {
    const fc = {
      type: 'FeatureCollection',
      properties: { minKwPerM: 0.2, supply_C: 70 },
      features: [
        { type: 'Feature', geometry: { type: 'MultiLineString', coordinates: [[[135, 34], [135.001, 34]], [[135.002, 34], [135.002, 34.001], [135.003, 34.001]]] }, properties: { kind: 'pipe', id: 'trunk', branch: 3, DN: 80, design_kW: 123.456789, kw_per_m: 0.5 } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.003, 34.001], [135.004, 34.002]] }, properties: { kind: 'pipe', id: 7, DN: 25, loss_share: 0.08 } },
        { type: 'Feature', geometry: null, properties: { kind: 'pipe', id: 8 } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.004, 34.002], [135.0041, 34.0021]] }, properties: { kind: 'service', consumer: 'c2', length_m: 4 } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.001, 34], [135.001, 33.9999]] }, properties: { kind: 'service', consumer: 'gone', length_m: 2.5 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [135.0041, 34.0021] }, properties: { kind: 'consumer', id: 'c2', use: 'office', heat_MWh: 50, peak_kW: 30 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [135.01, 34.01] }, properties: { kind: 'dropped', id: 'd1', heat_MWh: 1, peak_kW: 2, reason: 'branch below 0.2 kW/m' } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135, 34], [135, 34]] }, properties: { kind: 'consumer', id: 'not-a-point' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [135, 34] }, properties: { kind: 'plant', id: 'P', type: 'boiler', capacity_kW: null, fuel: null } },
      ],
    };
    const file = join(dir, 'corner.geojson');
    await writeFile(file, JSON.stringify(fc));
    const n = await readViewNetwork(file);
    expect(n.meta.counts).toEqual({ pipe: 2, service: 2, consumer: 1, dropped: 1, plant: 1 });
    expect(n.meta.paths).toEqual({ pipe: 3, service: 2 });
    expect(n.meta.skipped).toEqual({ pipe: 1, consumer: 1 });
    expect(Array.from(n.arrays[NETWORK_ARRAYS.owner('pipe')]!)).toEqual([0, 0, 1]);
    expect(Array.from(n.arrays[NETWORK_ARRAYS.startIndices('pipe')]!)).toEqual([0, 2, 5, 7]);
    expect(n.meta.pipeText).toEqual({ id: { '0': 'trunk' }, branch: {} });
    expect(Array.from(n.arrays[NETWORK_ARRAYS.number('pipe', 'id')]!)).toEqual([NaN, 7]);
    expect(Array.from(n.arrays[NETWORK_ARRAYS.number('pipe', 'branch')]!)).toEqual([3, NaN]);
    expect(n.arrays[NETWORK_ARRAYS.number('pipe', 'design_kW')]![0]).toBe(Math.fround(123.456789));
    expect(Array.from(n.arrays[NETWORK_ARRAYS.number('pipe', 'loss_share')]!)).toEqual([NaN, Math.fround(0.08)]);
    expect(Array.from(n.arrays[NETWORK_ARRAYS.serviceConsumer]!)).toEqual([0, -1]);
    expect(n.meta.serviceConsumerIds).toEqual({ '1': 'gone' });
    expect(n.arrays[NETWORK_ARRAYS.number('plant', 'capacity_kW')]![0]).toBeNaN();
    expect(n.meta.dictionaries.plant.fuel).toEqual(['']);
    expect(n.meta.dictionaries.dropped.reason).toEqual(['branch below 0.2 kW/m']);
    expect(n.meta.properties).toEqual({ minKwPerM: 0.2, supply_C: 70 });
    expect(n.meta.bbox).toEqual([135, 33.9999, 135.01, 34.01]);
  });

  it('names the file, the feature and the value of what it cannot pack', async () => {
    const feat = (kind: unknown, coordinates: unknown = [[135, 34], [135.1, 34]]) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: { kind } });
    const cases: [string, object | string, RegExp][] = [
      ['kind.geojson', { type: 'FeatureCollection', features: [feat('pipe'), feat('valve')] }, /record 1: feature kind must be one of pipe, service, consumer, dropped, plant \(value: "valve"\)/],
      ['coord.geojson', { type: 'FeatureCollection', features: [feat('pipe', [[135, 34], [135, 'north']])] }, /record 0: coordinate is not a lon\/lat pair of finite numbers \(WGS84\) \(value: \[135,"north"\]\)/],
      ['projected.geojson', { type: 'FeatureCollection', features: [feat('service', [[-42000, -7000], [-41990, -7000]])] }, /record 0: coordinate is not a lon\/lat pair/],
      ['notfeature.geojson', { type: 'FeatureCollection', features: [{ type: 'Point', coordinates: [0, 0] }] }, /record 0: not a GeoJSON Feature \(value: "Point"\)/],
      ['notfc.geojson', { type: 'Topology', features: [] }, /not a GeoJSON FeatureCollection \(value: "Topology"\)/],
      ['truncated.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"kind":"pipe"}},{"type":"Fea', /truncated\.geojson/],
    ];
    for (const [name, content, re] of cases) {
      const file = join(dir, name);
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      const err = await readViewNetwork(file).then(
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

describe('GET /api/network.bin errors', () => {
  // the synthetic run has GeoJSON only: the server reads network.geojson (no network.fgb to prefer)
  let run: string;
  let srv: ViewServer;
  beforeAll(async () => {
    run = join(dir, 'errors-run');
    await writeSyntheticRun(run, { omit: ['network.geojson'] });
    const distDir = join(dir, 'dist-errors');
    await mkdir(distDir, { recursive: true });
    await writeFile(join(distDir, 'index.html'), '<!doctype html><title>viewer</title>');
    srv = await startViewServer({ runDir: run, distDir, port: 0, log: () => {} });
  });
  afterAll(async () => {
    await srv?.close();
  });
  const get = async () => {
    const r = await fetch(`${srv.url}api/network.bin`);
    return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
  };

  it('answers 404 with a JSON message naming network.geojson when the run has none', async () => {
    const r = await get();
    expect(r.status).toBe(404);
    expect(r.type).toContain('application/json');
    expect(JSON.parse(r.body.toString()).error).toBe('neither network.fgb nor network.geojson is in the run folder');
  });

  it('answers 422 naming the file, the feature and the value for a broken file, keeps serving, and serves the fixed file', async () => {
    const file = join(run, 'network.geojson');
    await writeFile(file, '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[135,34]},"properties":{"kind":"consumer","id":"a"}},');
    const r = await get();
    expect(r.status).toBe(422);
    expect(r.type).toContain('application/json');
    const msg = JSON.parse(r.body.toString()).error as string;
    expect(msg).toContain(file);
    expect(msg).toMatch(/rerun `heatplan route`/);
    await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [135, 34] }, properties: { kind: 'meter', id: 'm' } }] }));
    const r2 = await get();
    expect(r2.status).toBe(422);
    expect(JSON.parse(r2.body.toString()).error).toMatch(/network\.geojson: record 0: feature kind must be one of .* \(value: "meter"\)/);
    // the server is still up, and a good file replacing the broken one is converted (the failure was not cached)
    expect((await fetch(`${srv.url}api/status`)).status).toBe(200);
    await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [135, 34] }, properties: { kind: 'consumer', id: 'm', peak_kW: 5 } }] }));
    const r3 = await get();
    expect(r3.status).toBe(200);
    const n = unpackArrays<ViewNetworkMeta>(ab(r3.body));
    expect(n.meta.counts.consumer).toBe(1);
    expect(n.meta.ids.consumer).toEqual(['m']);
    expect(n.arrays[NETWORK_ARRAYS.number('consumer', 'peak_kW')]![0]).toBe(5);
  });
});
