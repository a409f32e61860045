/**
 * engine/io/fgb.ts beyond the round trip (fgb.test.ts): the read option `geometry` decodes only the outlines a reader
 * asks for and still rejects a damaged one; the read's fast paths (key lists made as one object, strings through
 * Buffer's decoder, plain JSON strings and numbers without JSON.parse) give what JSON.parse gives of the twin and still
 * reject invalid UTF-8; inferLayout gives the layout of the implementation it replaced (kept below as the reference)
 * on hand-made and seeded random features; and the three readers that use the option (simulate, cost, route) read
 * network.fgb / buildings.fgb as they read the GeoJSON twin.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { inferLayout, readFgbLayer, writeFgb, type FgbColumn, type FgbColumnType, type FgbLayout, type FgbWritableFeature } from '../../engine/io/fgb.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { seededRandom } from '../../engine/util/random.js';
import { readNetworkFile } from '../../engine/sim/network-input.js';
import { readCostNetwork } from '../../engine/cost/network-read.js';
import { readRunConsumers } from '../../engine/network/stage.js';
import { parseCrs } from '../../engine/crs/index.js';
import { Warnings } from '../../engine/util/warnings.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-fgb-opt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** inferLayout as it was before issue 18's million-feature work (Object.entries, jsonValue per value, joined key lists). */
function referenceLayout(features: Iterable<FgbWritableFeature>): FgbLayout {
  const jsonValue = (v: unknown): unknown => {
    if (v === null) return null;
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v) ?? 'null');
    return v;
  };
  const isInt32 = (v: number): boolean => Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
  const kinds = new Map<string, Set<string>>();
  const shapes = new Map<string, string[]>();
  const geomTypes = new Set<string>();
  for (const f of features) {
    const keys: string[] = [];
    for (const [k, raw] of Object.entries(f.properties ?? {})) {
      const v = jsonValue(raw);
      if (v === undefined) continue;
      keys.push(k);
      let s = kinds.get(k);
      if (!s) kinds.set(k, (s = new Set()));
      if (v === null) continue;
      if (typeof v === 'boolean') s.add('bool');
      else if (typeof v === 'number') s.add(isInt32(v) ? 'int' : 'double');
      else if (typeof v === 'string') s.add('string');
      else s.add('json');
    }
    const id = keys.join('\u0000');
    if (!shapes.has(id)) shapes.set(id, keys);
    if (f.geometry) geomTypes.add('flat' in f.geometry ? GeometryType[f.geometry.flat.type]! : f.geometry.type);
  }
  const columns: FgbColumn[] = [];
  for (const [name, s] of kinds) {
    let type: FgbColumnType;
    if (s.size === 0) type = 'string';
    else if (s.size === 1) type = [...s][0] as FgbColumnType;
    else if (s.size === 2 && s.has('int') && s.has('double')) type = 'double';
    else type = 'json';
    columns.push({ name, type });
  }
  const gt = geomTypes.size === 1 ? [...geomTypes][0]! : 'Unknown';
  const known = ['Unknown', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon'];
  return { geometryType: (known.includes(gt) ? gt : 'Unknown') as FgbLayout['geometryType'], columns, shapes: [...shapes.values()] };
}

const line = (c: number[][]) => ({ type: 'LineString', coordinates: c });
const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });

/** A network-like layer: pipes (lines), services (lines), consumers and a plant (points), a mixed-type id column. */
function networkLike(): FgbWritableFeature[] {
  return [
    { geometry: line([[135.1234567, 34.7654321], [135.2, 34.25]]), properties: { kind: 'pipe', id: 0, from: 1, to: 2, length_m: 12.5, DN: 65 } },
    { geometry: line([[135.2, 34.25], [135.21, 34.26]]), properties: { kind: 'service', consumer: 'b-1', length_m: 3.25 } },
    { geometry: point(135.21, 34.26), properties: { use: '事務所', kind: 'consumer', id: 'b-1', heat_MWh: 3 } },
    { geometry: line([[135.2, 34.25], [135.3, 34.3]]), properties: { kind: 'service', consumer: 'b-2', length_m: 4 } },
    { geometry: point(135.3, 34.3), properties: { use: 'office', kind: 'consumer', id: 'b-2', heat_MWh: 1.5 } },
    { geometry: point(135.1, 34.7), properties: { kind: 'plant', id: 'plant-1', capacity_kW: null } },
  ];
}

async function write(path: string, features: FgbWritableFeature[]): Promise<void> {
  await writeFgb(path, features, features.length, inferLayout(features), { epsg: 4326, name: 'network', members: { type: 'FeatureCollection', features: null } });
}

async function expectInputError(p: Promise<unknown>, record: number, message: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  expect((e as InputError).record).toBe(record);
  expect((e as InputError).message).toMatch(message);
}

describe('readFgbLayer option geometry', () => {
  it('decodes the geometry only where the predicate says so, from the properties as read; the rest is null', async () => {
    const path = join(tmp, 'net.fgb');
    await write(path, networkLike());
    const all = await readFgbLayer(path);
    const seen: [unknown, number][] = [];
    const some = await readFgbLayer(path, { geometry: (p, i) => (seen.push([p.kind, i]), p.kind === 'consumer') });
    expect(seen).toEqual(all.features.map((f, i) => [f.properties.kind, i]));
    some.features.forEach((f, i) => {
      expect(f.properties).toEqual(all.features[i]!.properties);
      expect(f.geometry).toEqual(f.properties.kind === 'consumer' ? all.features[i]!.geometry : null);
    });
    expect(some.features.filter((f) => f.geometry).length).toBe(2);
    // the kept geometry is the full read's, to the bit
    expect(some.features[2]!.geometry).toEqual({ type: 'Point', coordinates: [135.21, 34.26] });
    const none = await readFgbLayer(path, { geometry: () => false });
    expect(none.features.every((f) => f.geometry === null)).toBe(true);
    expect(none.features.map((f) => f.properties)).toEqual(all.features.map((f) => f.properties));
    // the same collection members and key order otherwise
    expect(JSON.stringify({ ...none, features: [] })).toBe(JSON.stringify({ ...all, features: [] }));
  });

  it('a damaged geometry is still an InputError naming the feature when its coordinates are not decoded', async () => {
    const path = join(tmp, 'net.fgb');
    await write(path, networkLike());
    const src = readFileSync(path);
    // the first pipe's xy vector: its length (u32, in doubles) stands just before its first coordinate
    const x0 = Buffer.alloc(8);
    x0.writeDoubleLE(135.1234567);
    const at = src.indexOf(x0);
    expect(at).toBeGreaterThan(0);
    expect(src.readUInt32LE(at - 4)).toBe(4);
    const bad = Buffer.from(src);
    // 50 doubles: inside the read buffer, past the feature's end (only the bounds check sees it)
    bad.writeUInt32LE(50, at - 4);
    const badPath = join(tmp, 'bad-geom.fgb');
    writeFileSync(badPath, bad);
    await expectInputError(readFgbLayer(badPath, { geometry: () => false }), 0, /feature 0 .*coordinates runs outside the feature/);
    await expectInputError(readFgbLayer(badPath), 0, /feature 0 .*coordinates runs outside the feature/);
  });
});

describe('readFgbLayer values', () => {
  // (a string column's leading byte-order mark is dropped, as TextDecoder always did: kept out of this list; inside
  // the json column below it is kept, as JSON.parse keeps it)
  const strings = ['plain', 'with "quotes"', 'back\\slash', 'tab\there', 'new\nline', 'x\uFEFFbom inside', 'ｘ日本語', 'replacement \uFFFD kept', '', ' 12', '1e3', '-0', '"'];
  it('strings and mixed (json) columns read back as JSON.parse gives them, fast paths included', async () => {
    const features: FgbWritableFeature[] = strings.map((s, i) => ({ geometry: point(i, i), properties: { s, mixed: i % 2 ? (i === 5 ? '\uFEFF' + s : s) : [1e21, 0.1, -0, 3e9, -7, 12, 1.5e-7][i % 7], obj: i === 3 ? { a: [s] } : null } }));
    const path = join(tmp, 'values.fgb');
    await write(path, features);
    const back = await readFgbLayer(path);
    const twin = JSON.parse(JSON.stringify(features.map((f) => f.properties)));
    expect(back.features.map((f) => f.properties)).toEqual(twin);
    // JSON has no negative zero: neither does the read
    expect(Object.is(back.features[2]!.properties.mixed, 0)).toBe(true);
  });

  it('invalid UTF-8 in a string is an InputError naming the feature (not a replacement character)', async () => {
    const path = join(tmp, 'utf8.fgb');
    await write(path, [
      { geometry: point(0, 0), properties: { name: 'first' } },
      { geometry: point(1, 1), properties: { name: 'second-ZZZ' } },
    ]);
    const src = readFileSync(path);
    const at = src.indexOf(Buffer.from('ZZZ'));
    expect(at).toBeGreaterThan(0);
    const bad = Buffer.from(src);
    bad[at] = 0xff;
    const badPath = join(tmp, 'utf8-bad.fgb');
    writeFileSync(badPath, bad);
    await expectInputError(readFgbLayer(badPath), 1, /feature 1/);
  });
});

describe('inferLayout', () => {
  it('gives the reference layout on hand-made mixed features (nulls, undefined, NaN, toJSON, flat geometry, key order)', () => {
    const inherited = Object.create({ inheritedKey: 1 }) as Record<string, unknown>;
    inherited.own = 2;
    const cases: FgbWritableFeature[][] = [
      networkLike(),
      [
        { geometry: point(0, 0), properties: { a: 1, b: 2.5, c: 'x', d: true, e: null, f: undefined, g: NaN, h: Infinity, i: -0, j: 3e9 } },
        { geometry: { flat: { type: GeometryType.Point, xy: [0, 0] } as never }, properties: { b: 2, a: 1.5, c: 3, d: null, k: () => 1, l: Symbol('s'), m: new Date(0), n: { toJSON: () => undefined } } },
        { geometry: null, properties: null },
        { geometry: line([[0, 0], [1, 1]]), properties: { '10': 1, '2': 'two', z: [1, 'a'], y: { nested: true } } },
        { geometry: point(0, 0), properties: inherited },
        { geometry: point(0, 0), properties: { a: 1, b: 2.5, c: 'x', d: true, e: null, g: NaN } },
        { geometry: point(0, 0), properties: {} },
        { geometry: point(0, 0), properties: { e: null } },
      ],
      [{ geometry: point(0, 0), properties: { only: null } }],
      [{ geometry: null, properties: { x: 1 } }],
      [],
    ];
    for (const fs of cases) expect(inferLayout(fs)).toEqual(referenceLayout(fs));
    // and what that layout is, for one of them (not only agreement with the reference)
    expect(inferLayout(cases[2]!)).toEqual({ geometryType: 'Point', columns: [{ name: 'only', type: 'string' }], shapes: [['only']] });
    const l = inferLayout(cases[1]!);
    expect(l.geometryType).toBe('Unknown');
    expect(Object.fromEntries(l.columns.map((c) => [c.name, c.type]))).toMatchObject({ a: 'double', b: 'double', c: 'json', d: 'bool', e: 'string', g: 'string', i: 'int', j: 'double', m: 'string', '10': 'int', '2': 'string', z: 'json', y: 'json', own: 'int' });
    expect(l.columns.map((c) => c.name)).not.toContain('inheritedKey');
    // a toJSON giving undefined is JSON's null: the key is kept, its column typed string (no value)
    expect(l.columns.find((c) => c.name === 'n')).toEqual({ name: 'n', type: 'string' });
  });

  it('gives the reference layout on seeded random features (key lists, value types, geometry types)', () => {
    const rnd = seededRandom(18);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const values = [() => Math.floor(rnd() * 100), () => rnd() * 100, () => 'v' + Math.floor(rnd() * 9), () => rnd() < 0.5, () => null, () => undefined, () => NaN, () => [1, 2], () => 2 ** 31, () => -(2 ** 31)];
    const keys = ['kind', 'id', 'a', 'b', 'c', 'd', 'e', '3', 'x_y'];
    const geoms = [() => point(1, 2), () => line([[0, 0], [1, 1]]), () => null];
    for (let trial = 0; trial < 40; trial++) {
      const fs: FgbWritableFeature[] = [];
      const oneGeom = trial % 3 === 0;
      for (let i = 0; i < 200; i++) {
        const p: Record<string, unknown> = {};
        for (const k of keys) if (rnd() < 0.5) p[k] = pick(values)();
        fs.push({ geometry: oneGeom ? point(0, 0) : pick(geoms)(), properties: rnd() < 0.05 ? null : p });
      }
      expect(inferLayout(fs), `trial ${trial}`).toEqual(referenceLayout(fs));
    }
  });
});

describe('the readers that skip geometry read network.fgb and buildings.fgb as their GeoJSON twins', () => {
  it('simulate (consumer points kept), cost (no geometry) and route (outline only without x/y)', async () => {
    const dir = mkdtempSync(join(tmp, 'run-'));
    const net = networkLike().map((f) => ({ type: 'Feature', ...f }));
    (net[0]!.properties as Record<string, unknown>).loss_W_per_m = 20;
    (net[0]!.properties as Record<string, unknown>).peak_kW = 40;
    for (const f of net) if (f.properties!.kind === 'consumer') Object.assign(f.properties!, { peak_kW: 2, spaceHeat_MWh: 1, hotWater_MWh: f.properties!.heat_MWh as number - 1 });
    // the twin first: a run folder reads the newer of the two (engine/run/read.ts runFile)
    writeFileSync(join(dir, 'network.geojson'), JSON.stringify({ type: 'FeatureCollection', features: net }));
    await write(join(dir, 'network.fgb'), net as FgbWritableFeature[]);
    utimesSync(join(dir, 'network.geojson'), new Date(1e12), new Date(1e12));
    const simFgb = (await readNetworkFile(join(dir, 'network.fgb'))).map((n) => ({ ...n, file: '' }));
    const simGeo = (await readNetworkFile(join(dir, 'network.geojson'))).map((n) => ({ ...n, file: '' }));
    expect(simFgb).toEqual(simGeo);
    expect(simFgb[0]!.consumers.map((c) => [c.lon, c.lat])).toEqual([[135.21, 34.26], [135.3, 34.3]]);
    const costFgb = await readCostNetwork(dir);
    expect(costFgb.file.endsWith('network.fgb')).toBe(true);
    rmSync(join(dir, 'network.fgb'));
    const costGeo = await readCostNetwork(dir);
    expect({ ...costFgb, file: '' }).toEqual({ ...costGeo, file: '' });
    expect(costFgb.parts.get('network')!.consumers.length).toBe(2);

    // buildings: one with x/y (its outline not needed), one without (centroid from its outline), one with x as text
    const sq = (x: number, y: number, d: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });
    const buildings = [
      { type: 'Feature', geometry: sq(139.7, 35.6, 0.001), properties: { id: 'a', x: -7000.5, y: -35000.25, heat_MWh: 10, peak_kW: 5, use: 'office' } },
      { type: 'Feature', geometry: sq(139.701, 35.601, 0.001), properties: { id: 'b', x: null, y: 'n/a', heat_MWh: 4, peak_kW: 2, use: 'house' } },
      { type: 'Feature', geometry: sq(139.702, 35.602, 0.001), properties: { id: 'c', x: '123.5', y: -35100, heat_MWh: 1, peak_kW: 1, use: 'house' } },
    ];
    const bdir = mkdtempSync(join(tmp, 'b-'));
    await writeFgb(join(bdir, 'buildings.fgb'), buildings as FgbWritableFeature[], buildings.length, inferLayout(buildings as FgbWritableFeature[]), { epsg: 4326, name: 'buildings', members: { type: 'FeatureCollection', features: null } });
    const crs = parseCrs('EPSG:6677');
    const wf = new Warnings();
    const rowsFgb = (await readRunConsumers(bdir, crs, wf)).map((r) => ({ id: r.id, x: r.x, y: r.y, heatMWh: r.heatMWh, peakKw: r.peakKw }));
    rmSync(join(bdir, 'buildings.fgb'));
    writeFileSync(join(bdir, 'buildings.geojson'), JSON.stringify({ type: 'FeatureCollection', features: buildings }));
    const wg = new Warnings();
    const rowsGeo = (await readRunConsumers(bdir, crs, wg)).map((r) => ({ id: r.id, x: r.x, y: r.y, heatMWh: r.heatMWh, peakKw: r.peakKw }));
    expect(rowsFgb).toEqual(rowsGeo);
    expect(rowsFgb[0]).toMatchObject({ x: -7000.5, y: -35000.25 });
    // null x is Number(null) = 0 (finite: no fallback, as before); 'n/a' is not: b's centroid comes from its outline
    expect(Number.isFinite(rowsFgb[1]!.y)).toBe(true);
    expect(rowsFgb[1]!.y).not.toBe(0);
    expect(rowsFgb[2]).toMatchObject({ x: 123.5, y: -35100 });
    expect(wf.counts()).toEqual(wg.counts());
  });
});
