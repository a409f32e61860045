/**
 * The network's features given property by property (engine/network/geojson.ts emit, issue 18: no feature objects
 * when network.fgb is written) against the object literals they replaced (kept below as the reference): the same
 * features, values and key order (a building property named like one of the consumer's own keys keeps its place with
 * the consumer's value, as an object spread does), and network.fgb byte for byte; roads.geojson's text against
 * JSON.stringify of the reference objects.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupEpsg, transformer, WGS84, type Transformer } from '../../engine/crs/index.js';
import { inferLayout, writeFgb, type FgbWritableFeature } from '../../engine/io/fgb.js';
import { writeFeatureCollection } from '../../engine/io/geojson-stream.js';
import { ConsumerTable } from '../../engine/network/consumer-table.js';
import { networkGeojson, writeNetworkFgb, writeRoadsGeojson, type ConsumerRecord } from '../../engine/network/geojson.js';
import type { NetworkResult } from '../../engine/network/plan.js';
import type { NetworkProperties } from '../../engine/run/contract.js';
import { seededRandom } from '../../engine/util/random.js';
import type { CsrGraph } from '../../engine/network/csr.js';
import { graphOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'heatplan-network-emit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = (v: number, d = 3): number => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : v);

// ---- the reference: networkGeojson and roadsGeojson as they were (object literals), unchanged but for the names
function referenceNetwork(
  res: NetworkResult,
  consumers: ConsumerRecord[],
  toLonLat: Transformer,
  meta: NetworkProperties,
): { type: 'FeatureCollection'; properties: NetworkProperties; features: { length: number; withoutCoordinates: Iterable<unknown> } & Iterable<unknown> } {
  const ll = (x: number, y: number): [number, number] => {
    const [lon, lat] = toLonLat.forward(x, y);
    return [r(lon, 7), r(lat, 7)];
  };
  // a dropped consumer without a position has no feature
  const located = (c: ConsumerRecord): boolean => Number.isFinite(c.x) && Number.isFinite(c.y);
  // the layout pass's stand-in for a vertex list or a point (see NetworkFeatures.withoutCoordinates)
  const none = null as unknown as [number, number];
  function* features(withCoordinates: boolean): Generator<unknown> {
    const at = withCoordinates ? ll : (): [number, number] => none;
    for (let k = 0; k < res.pipes.length; k++) {
      const p = res.pipes[k]!;
      let coords: [number, number][] | null = null;
      if (withCoordinates) {
        coords = [];
        for (let i = 0; i < p.geometry.length; i += 2) coords.push(ll(p.geometry[i]!, p.geometry[i + 1]!));
      }
      yield {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: coords },
        properties: {
          kind: 'pipe',
          id: k,
          from: p.from,
          to: p.to,
          length_m: r(p.lengthM, 2),
          consumers: p.consumers,
          peak_kW: r(p.peakKw, 2),
          design_kW: r(p.designKw, 2),
          heat_MWh: r(p.heatMWh, 3),
          DN: p.dn,
          velocity_m_s: r(p.velocityMS, 3),
          pressure_Pa_m: r(p.paPerM, 1),
          kw_per_m: r(p.kwPerM, 4),
          mwh_per_m_a: r(p.mwhPerMA, 4),
          loss_W_per_m: r(p.lossWPerM, 2),
          loss_MWh_a: r(p.lossMWhA, 4),
          loss_share: r(p.lossShare, 5),
          ...(p.twin ? { twin: true as const } : {}),
          ...(p.cold
            ? {
                cool_MWh: r(p.coolMWh, 3),
                cool_design_kW: r(p.cold.designKw, 2),
                cool_DN: p.cold.dn,
                cool_velocity_m_s: r(p.cold.velocityMS, 3),
                cool_pressure_Pa_m: r(p.cold.paPerM, 1),
                gain_W_per_m: r(p.cold.wPerM, 2),
                gain_MWh_a: r(p.cold.mwhA, 4),
              }
            : {}),
          branch: p.branch,
          plant: res.plants[p.plant]?.id,
          overCapacity: p.overCapacity || undefined,
        },
      };
    }
    for (const c of res.consumers) {
      const rec = consumers[c.index]!;
      yield {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: withCoordinates ? [ll(rec.x, rec.y), ll(c.tapX, c.tapY)] : null },
        properties: {
          kind: 'service',
          consumer: rec.id,
          length_m: r(c.serviceM, 2),
          ...(c.serviceHeat ? { DN: c.serviceHeat.dn, loss_W_per_m: r(c.serviceHeat.wPerM, 2), loss_MWh_a: r(c.serviceHeat.mwhA, 4) } : {}),
          ...(c.serviceCold ? { cool_DN: c.serviceCold.dn, gain_W_per_m: r(c.serviceCold.wPerM, 2), gain_MWh_a: r(c.serviceCold.mwhA, 4) } : {}),
        },
      };
      yield {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: at(rec.x, rec.y) },
        properties: {
          ...rec.props,
          kind: 'consumer',
          id: rec.id,
          heat_MWh: rec.heatMWh,
          peak_kW: rec.peakKw,
          service_m: r(c.serviceM, 2),
          branch: c.branch,
          plant: res.plants[c.plant]?.id,
          ...(c.forced ? { forced: true } : {}),
        },
      };
    }
    for (const d of res.dropped) {
      const rec = consumers[d.index]!;
      if (!located(rec)) continue;
      yield {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: at(rec.x, rec.y) },
        properties: { kind: 'dropped', id: rec.id, use: rec.prop ? rec.prop('use') : rec.props.use, heat_MWh: rec.heatMWh, peak_kW: rec.peakKw, reason: d.reason, detail: d.detail },
      };
    }
    for (const p of res.plants) {
      yield {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: at(p.x, p.y) },
        properties: {
          kind: 'plant',
          id: p.id,
          type: p.type ?? 'unspecified',
          capacity_kW: p.capacityKw ?? null,
          fuel: p.fuel ?? null,
          ...(p.source ? { source: p.source } : {}),
          suggested: p.suggested,
          output_kW: r(p.outputKw, 1),
          ...(p.outputCoolKw > 0 ? { outputCool_kW: r(p.outputCoolKw, 1) } : {}),
          consumers: p.consumers,
          service_m: r(p.serviceM, 2),
        },
      };
    }
  }
  let count = res.pipes.length + 2 * res.consumers.length + res.plants.length;
  for (const d of res.dropped) if (located(consumers[d.index]!)) count++;
  return { type: 'FeatureCollection', properties: meta, features: { length: count, [Symbol.iterator]: () => features(true), withoutCoordinates: { [Symbol.iterator]: () => features(false) } } };
}

function referenceRoads(g: CsrGraph, toWgs84: Transformer, component?: ArrayLike<number>) {
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  const features = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
    const [lon1, lat1] = toWgs84.forward(g.x[a]!, g.y[a]!);
    const [lon2, lat2] = toWgs84.forward(g.x[b]!, g.y[b]!);
    features.push({
      type: 'Feature' as const,
      geometry: { type: 'LineString' as const, coordinates: [[r7(lon1), r7(lat1)], [r7(lon2), r7(lat2)]] },
      properties: { kind: 'road', edge: e, from: a, to: b, length_m: Math.round(g.edgeLengthM[e]! * 100) / 100, ...(component ? { component: component[a] } : {}) },
    });
  }
  return { type: 'FeatureCollection' as const, features };
}

// ---- a network with every kind of feature and every optional key

const toLonLat: Transformer = transformer({ ...lookupEpsg(6674)! }, WGS84);

function network(seed: number): { res: NetworkResult; consumers: ConsumerRecord[] } {
  const rnd = seededRandom(seed);
  const x0 = 20000, y0 = -30000;
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
  // building properties, some named like the consumer's own keys (plant, service_m, branch, forced, heat_MWh)
  const propSets: Record<string, unknown>[] = [
    { use: 'office', floorArea_m2: 1200.5, spaceHeat_MWh: 80, hotWater_MWh: 20, cool_MWh: 30, coolPeak_kW: 40 },
    { plant: 'my-plant', use: 'residential', service_m: 'near', storeys: null },
    { forced: 'no', branch: 99, use: 'shop', note: '日本語' },
    { heat_MWh: 12, use: 'school', flag: true, nested: { a: [1, 'b'] } },
    {},
  ];
  const table = new ConsumerTable();
  const plain: ConsumerRecord[] = [];
  const n = 40;
  for (let i = 0; i < n; i++) {
    const props = { ...pick(propSets) };
    const f = { id: `b${i}`, x: i === 7 ? NaN : x0 + rnd() * 2000, y: i === 7 ? NaN : y0 + rnd() * 2000, heatMWh: rnd() * 100, peakKw: rnd() * 50, props };
    table.add(f);
    plain.push(f);
  }
  const rows = table.done().rows();
  // every other consumer a view of the table (eachProp), the rest plain objects (props)
  const consumers: ConsumerRecord[] = rows.map((row, i) => (i % 2 ? row : plain[i]!));
  const pipes: NetworkResult['pipes'] = [];
  for (let k = 0; k < 30; k++) {
    const g: number[] = [];
    for (let v = 0; v < 2 + (k % 3); v++) g.push(x0 + rnd() * 2000, y0 + rnd() * 2000);
    const cold = k % 4 === 0 ? { designKw: rnd() * 300, dn: 50, velocityMS: rnd(), paPerM: rnd() * 200, wPerM: rnd() * 10, mwhA: rnd() } : undefined;
    pipes.push({
      edge: k, from: k, to: k + 1, lengthM: rnd() * 100, geometry: g, consumers: k, peakKw: rnd() * 1000, designKw: rnd() * 900, heatMWh: rnd() * 500,
      dn: pick([25, 32, 40, 0]), velocityMS: rnd(), paPerM: k === 3 ? NaN : rnd() * 150, kwPerM: rnd(), mwhPerMA: rnd(), lossWPerM: rnd() * 20, lossMWhA: rnd(), lossShare: rnd() * 0.1,
      twin: k % 5 === 0, coolMWh: cold ? rnd() * 50 : 0, cold, branch: k % 3, plant: k === 9 ? 5 : 0, overCapacity: k % 7 === 0,
    } as unknown as NetworkResult['pipes'][number]);
  }
  const connected: NetworkResult['consumers'] = [];
  const dropped: NetworkResult['dropped'] = [];
  for (let i = 0; i < n; i++) {
    if (i % 4 === 3 || i === 7) {
      dropped.push({ index: i, reason: 'below-loss-share', detail: 'cut' } as NetworkResult['dropped'][number]);
      continue;
    }
    connected.push({
      index: i, node: i, tapX: x0 + rnd() * 2000, tapY: y0 + rnd() * 2000, serviceM: rnd() * 150, branch: i % 3, plant: 0, forced: i % 5 === 0,
      serviceHeat: i % 6 ? { dn: 25, wPerM: rnd() * 10, mwhA: rnd() } : undefined, serviceCold: i % 3 === 0 ? { dn: 32, wPerM: rnd() * 5, mwhA: rnd() } : undefined,
    } as unknown as NetworkResult['consumers'][number]);
  }
  const plants = [
    { id: 'plant-1', x: x0 + 1000, y: y0 + 1000, type: 'biomass', capacityKw: 2000, fuel: 'wood_chip', source: 'given', suggested: false, outputKw: 1500.25, outputCoolKw: 300, consumers: 20, serviceM: 12.5 },
    { id: 'plant-2', x: x0, y: y0, suggested: true, outputKw: 0, outputCoolKw: 0, consumers: 0, serviceM: 0 },
  ] as unknown as NetworkResult['plants'];
  return { res: { pipes, consumers: connected, dropped, plants } as unknown as NetworkResult, consumers };
}

const meta = { supply_C: 80, return_C: 50, crs: 'EPSG:6674' } as unknown as NetworkProperties;

describe('network features given property by property', () => {
  it('are the reference objects: values and key order, with and without coordinates', () => {
    for (const seed of [1, 2, 3]) {
      const { res, consumers } = network(seed);
      const now = networkGeojson(res, consumers, toLonLat, meta);
      const ref = referenceNetwork(res, consumers, toLonLat, meta);
      expect(now.features.length).toBe(ref.features.length);
      // JSON text compares values and key order
      expect([...now.features].map((f) => JSON.stringify(f))).toEqual([...ref.features].map((f) => JSON.stringify(f)));
      expect([...now.features]).toEqual([...ref.features]);
      expect([...now.features.withoutCoordinates].map((f) => JSON.stringify(f))).toEqual([...ref.features.withoutCoordinates].map((f) => JSON.stringify(f)));
      // a building's `plant` and `service_m` keep their place with the consumer's value; `forced` too, where forced
      const consumerFeatures = [...now.features].filter((f) => (f as { properties: { kind: string } }).properties.kind === 'consumer') as { properties: Record<string, unknown> }[];
      const withPlant = consumerFeatures.find((f) => Object.keys(f.properties)[0] === 'plant');
      expect(withPlant?.properties.plant).toBe('plant-1');
    }
  });

  it('write network.fgb byte for byte as the objects through writeFgb did', async () => {
    for (const seed of [4, 5]) {
      const { res, consumers } = network(seed);
      const now = networkGeojson(res, consumers, toLonLat, meta);
      const ref = referenceNetwork(res, consumers, toLonLat, meta);
      const a = join(dir, `now-${seed}.fgb`), b = join(dir, `ref-${seed}.fgb`);
      await writeNetworkFgb(a, now);
      await writeFgb(b, [...ref.features] as FgbWritableFeature[], ref.features.length, inferLayout(ref.features.withoutCoordinates as Iterable<FgbWritableFeature>), {
        epsg: 4326,
        name: 'network',
        members: { type: ref.type, properties: ref.properties, features: null },
        featureOrder: ['type', 'geometry', 'properties'],
      });
      expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    }
  });
});

describe('roads.geojson written as text', () => {
  it('is the text of JSON.stringify of the reference objects (negative zero, a non-finite length)', async () => {
    const g = graphOf([[-0, 0.5], [139.123456789, 35.1], [139.2, -0.000000049], [1e-9, 2]], [[0, 1], [1, 2], [2, 3], [3, 0]]);
    g.edgeLengthM[2] = NaN;
    g.edgeLengthM[1] = 1234.5678;
    const identity = transformer(WGS84, WGS84);
    const a = join(dir, 'roads-now.geojson'), b = join(dir, 'roads-ref.geojson');
    await writeRoadsGeojson(a, g, identity);
    await writeFeatureCollection(b, referenceRoads(g, identity));
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    // and through a projection
    const tr = transformer({ ...lookupEpsg(6674)! }, WGS84);
    const g2 = graphOf([[20000, -30000], [20100.5, -30050.25], [19999.999, -29000]], [[0, 1], [1, 2]]);
    await writeRoadsGeojson(a, g2, tr);
    await writeFeatureCollection(b, referenceRoads(g2, tr));
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });
});
