/**
 * network.geojson and network.fgb (WGS84 lon/lat, DESIGN/brief schema): pipes, service lines, consumers, dropped consumers, plants;
 * the collection's `properties` hold temperatures, thresholds and the CRS the lengths were measured in.
 * And the edge-list export of a graph (CSV) for comparisons with other tools on the same graph.
 */
import type { Transformer } from '../crs/index.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import type { IParsedGeometry } from 'flatgeobuf/lib/mjs/generic/geometry.js';
import { FgbLayoutSink, writeFgbFeatures, type FgbFeatureSink } from '../io/fgb.js';
import { withOutputFile } from '../io/write.js';
import type { CsrGraph } from './csr.js';
import type { NetworkResult } from './plan.js';
import type { NetworkProperties, PipeProperties, PlantProperties, ServiceProperties } from '../run/contract.js';

export interface ConsumerRecord {
  id: string;
  x: number;
  y: number;
  heatMWh: number;
  peakKw: number;
  /** extra properties copied to the consumer feature (use, spaceHeat_MWh, ...) */
  props: Record<string, unknown>;
  /** one of the extra properties, without building the whole object (consumer-table.ts) */
  prop?(key: string): unknown;
  /** each extra property in order, without building the object (consumer-table.ts) */
  eachProp?(fn: (key: string, value: unknown) => void): void;
}

/**
 * The network's features, made as they are iterated (each pass builds them afresh): a city's 1.5 million features
 * never exist at once. The writers take them one at a time: the GeoJSON twin as objects (iterating), network.fgb
 * property by property through `emit` (no feature objects: its layout pass and its write).
 */
export interface NetworkFeatures extends Iterable<unknown> {
  readonly length: number;
  /**
   * The same features with their geometry types and properties but coordinates null: all that network.fgb's layout
   * pass reads, without projecting every vertex.
   */
  readonly withoutCoordinates: Iterable<unknown>;
  /**
   * Each feature given to `sink` (properties in the objects' key order, then the geometry, flat lon/lat; without
   * coordinates, empty), the generator yielding after each one with what the sink's `end` returned.
   */
  emit(sink: FgbFeatureSink, withCoordinates: boolean): Generator<Promise<void> | void>;
}

const r = (v: number, d = 3): number => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : v);

/** Keys a consumer feature sets after the building's properties (networkGeojson): where a building has one, its value is replaced in place, as an object spread does. */
const CONSUMER_LATE = ['kind', 'id', 'heat_MWh', 'peak_kW', 'service_m', 'branch', 'plant', 'forced'] as const;
const CONSUMER_LATE_SET = new Set<string>(CONSUMER_LATE);

/** A sink that makes each feature the GeoJSON object it stands for (`last`), coordinates null when `withCoordinates` is false. */
class ObjectSink implements FgbFeatureSink {
  last: unknown;
  private props: Record<string, unknown> = {};
  constructor(private readonly withCoordinates: boolean) {}
  prop(key: string, value: unknown): void {
    this.props[key] = value;
  }
  end(g: IParsedGeometry | null): void {
    let geometry: unknown = null;
    if (g) {
      const type = GeometryType[g.type]!;
      let coordinates: unknown = null;
      if (this.withCoordinates) {
        const xy = g.xy;
        if (g.type === GeometryType.Point) coordinates = [xy[0], xy[1]];
        else {
          const cs: [number, number][] = [];
          for (let i = 0; i < xy.length; i += 2) cs.push([xy[i]!, xy[i + 1]!]);
          coordinates = cs;
        }
      }
      geometry = { type, coordinates };
    }
    this.last = { type: 'Feature', geometry, properties: this.props };
    this.props = {};
  }
}

export function networkGeojson(
  res: NetworkResult,
  consumers: ConsumerRecord[],
  toLonLat: Transformer,
  meta: NetworkProperties,
): { type: 'FeatureCollection'; properties: NetworkProperties; features: NetworkFeatures } {
  // a dropped consumer without a position has no feature
  const located = (c: ConsumerRecord): boolean => Number.isFinite(c.x) && Number.isFinite(c.y);
  // one vertex list, emptied for each feature and read by the sink's `end` before the generator yields (the sinks
  // copy what they keep), and one point of the transform
  const xy: number[] = [];
  const pt = new Float64Array(2);
  const EMPTY: number[] = [];
  // a flat geometry of the format (engine/io/fgb.ts), one part: no ends, no parts
  const flat = (type: GeometryType, coords: number[]): IParsedGeometry => ({ type, xy: coords }) as IParsedGeometry;
  const line = (withCoordinates: boolean): IParsedGeometry => flat(GeometryType.LineString, withCoordinates ? xy : EMPTY);
  const point = (x: number, y: number, withCoordinates: boolean): IParsedGeometry => {
    if (!withCoordinates) return flat(GeometryType.Point, EMPTY);
    pt[0] = x;
    pt[1] = y;
    toLonLat.forwardFlat(pt);
    return flat(GeometryType.Point, [r(pt[0]!, 7), r(pt[1]!, 7)]);
  };
  // a line's vertices projected in one call (the transform is point by point: the same values as one call each)
  const projectLine = (): void => {
    toLonLat.forwardFlat(xy);
    for (let i = 0; i < xy.length; i++) xy[i] = r(xy[i]!, 7);
  };
  function* emit(sink: FgbFeatureSink, withCoordinates: boolean): Generator<Promise<void> | void> {
    const put = (k: string, v: unknown): void => sink.prop(k, v);
    // the contract's key names (engine/run/contract.ts), checked by the compiler
    const pipe = put as (k: keyof PipeProperties, v: unknown) => void;
    const service = put as (k: keyof ServiceProperties, v: unknown) => void;
    const plant = put as (k: keyof PlantProperties, v: unknown) => void;
    // the consumer being given, for its late keys (below)
    let cur!: NetworkResult['consumers'][number];
    let curRec!: ConsumerRecord;
    let seen = 0;
    const late = (k: string): unknown => {
      switch (k) {
        case 'kind': return 'consumer';
        case 'id': return curRec.id;
        case 'heat_MWh': return curRec.heatMWh;
        case 'peak_kW': return curRec.peakKw;
        case 'service_m': return r(cur.serviceM, 2);
        case 'branch': return cur.branch;
        case 'plant': return res.plants[cur.plant]?.id;
        default: return true; // forced
      }
    };
    const each = (k: string, v: unknown): void => {
      if (CONSUMER_LATE_SET.has(k) && (k !== 'forced' || cur.forced)) {
        seen |= 1 << CONSUMER_LATE.indexOf(k as (typeof CONSUMER_LATE)[number]);
        put(k, late(k));
      } else put(k, v);
    };
    for (let k = 0; k < res.pipes.length; k++) {
      const p = res.pipes[k]!;
      xy.length = 0;
      if (withCoordinates) {
        for (let i = 0; i < p.geometry.length; i++) xy.push(p.geometry[i]!);
        projectLine();
      }
      pipe('kind', 'pipe');
      pipe('id', k);
      pipe('from', p.from);
      pipe('to', p.to);
      pipe('length_m', r(p.lengthM, 2));
      pipe('consumers', p.consumers);
      pipe('peak_kW', r(p.peakKw, 2));
      pipe('design_kW', r(p.designKw, 2));
      pipe('heat_MWh', r(p.heatMWh, 3));
      pipe('DN', p.dn);
      pipe('velocity_m_s', r(p.velocityMS, 3));
      pipe('pressure_Pa_m', r(p.paPerM, 1));
      pipe('kw_per_m', r(p.kwPerM, 4));
      pipe('mwh_per_m_a', r(p.mwhPerMA, 4));
      pipe('loss_W_per_m', r(p.lossWPerM, 2));
      pipe('loss_MWh_a', r(p.lossMWhA, 4));
      pipe('loss_share', r(p.lossShare, 5));
      if (p.twin) pipe('twin', true);
      if (p.cold) {
        pipe('cool_MWh', r(p.coolMWh, 3));
        pipe('cool_design_kW', r(p.cold.designKw, 2));
        pipe('cool_DN', p.cold.dn);
        pipe('cool_velocity_m_s', r(p.cold.velocityMS, 3));
        pipe('cool_pressure_Pa_m', r(p.cold.paPerM, 1));
        pipe('gain_W_per_m', r(p.cold.wPerM, 2));
        pipe('gain_MWh_a', r(p.cold.mwhA, 4));
      }
      pipe('branch', p.branch);
      pipe('plant', res.plants[p.plant]?.id);
      pipe('overCapacity', p.overCapacity || undefined);
      yield sink.end(line(withCoordinates));
    }
    for (const c of res.consumers) {
      const rec = consumers[c.index]!;
      xy.length = 0;
      if (withCoordinates) {
        xy.push(rec.x, rec.y, c.tapX, c.tapY);
        projectLine();
      }
      service('kind', 'service');
      service('consumer', rec.id);
      service('length_m', r(c.serviceM, 2));
      if (c.serviceHeat) {
        service('DN', c.serviceHeat.dn);
        service('loss_W_per_m', r(c.serviceHeat.wPerM, 2));
        service('loss_MWh_a', r(c.serviceHeat.mwhA, 4));
      }
      if (c.serviceCold) {
        service('cool_DN', c.serviceCold.dn);
        service('gain_W_per_m', r(c.serviceCold.wPerM, 2));
        service('gain_MWh_a', r(c.serviceCold.mwhA, 4));
      }
      yield sink.end(line(withCoordinates));
      // the building's properties, then the consumer's own (kind, id, figures): a building key among the latter
      // keeps its place with the consumer's value, as in { ...props, kind, id, ... }
      cur = c;
      curRec = rec;
      seen = 0;
      if (rec.eachProp) rec.eachProp(each);
      else for (const [k, v] of Object.entries(rec.props)) each(k, v);
      for (let i = 0; i < CONSUMER_LATE.length; i++) {
        const k = CONSUMER_LATE[i]!;
        if (seen & (1 << i) || (k === 'forced' && !c.forced)) continue;
        put(k, late(k));
      }
      yield sink.end(point(rec.x, rec.y, withCoordinates));
    }
    for (const d of res.dropped) {
      const rec = consumers[d.index]!;
      if (!located(rec)) continue;
      put('kind', 'dropped');
      put('id', rec.id);
      put('use', rec.prop ? rec.prop('use') : rec.props.use);
      put('heat_MWh', rec.heatMWh);
      put('peak_kW', rec.peakKw);
      put('reason', d.reason);
      put('detail', d.detail);
      yield sink.end(point(rec.x, rec.y, withCoordinates));
    }
    for (const p of res.plants) {
      plant('kind', 'plant');
      plant('id', p.id);
      plant('type', p.type ?? 'unspecified');
      plant('capacity_kW', p.capacityKw ?? null);
      plant('fuel', p.fuel ?? null);
      if (p.source) plant('source', p.source);
      plant('suggested', p.suggested);
      plant('output_kW', r(p.outputKw, 1));
      if (p.outputCoolKw > 0) plant('outputCool_kW', r(p.outputCoolKw, 1));
      plant('consumers', p.consumers);
      plant('service_m', r(p.serviceM, 2));
      yield sink.end(point(p.x, p.y, withCoordinates));
    }
  }
  function* objects(withCoordinates: boolean): Generator<unknown> {
    const sink = new ObjectSink(withCoordinates);
    for (const _ of emit(sink, withCoordinates)) yield sink.last;
  }
  let count = res.pipes.length + 2 * res.consumers.length + res.plants.length;
  for (const d of res.dropped) if (located(consumers[d.index]!)) count++;
  return {
    type: 'FeatureCollection',
    properties: meta,
    features: { length: count, [Symbol.iterator]: () => objects(true), withoutCoordinates: { [Symbol.iterator]: () => objects(false) }, emit },
  };
}

/**
 * Write network.fgb: the features of network.geojson (one layer, geometry type Unknown: pipes and service lines are
 * LineStrings, consumers, dropped consumers and plants Points; GDAL reads the mixed layer) with the collection's
 * `properties` in the header's metadata, through engine/io/fgb.ts: the layout from one pass over the features
 * without their coordinates, then the features, both given property by property (no feature objects).
 */
export async function writeNetworkFgb(path: string, fc: ReturnType<typeof networkGeojson>): Promise<void> {
  const layout = new FgbLayoutSink();
  for (const _ of fc.features.emit(layout, false));
  await writeFgbFeatures(path, fc.features.length, layout.layout(), {
    epsg: 4326,
    name: 'network',
    members: { type: fc.type, properties: fc.properties, features: null },
    featureOrder: ['type', 'geometry', 'properties'],
  }, async (sink) => {
    for (const wait of fc.features.emit(sink, true)) if (wait) await wait;
  });
}

/** Edge list CSV: from,to,length_m,x1,y1,x2,y2 (node ids of the CSR graph; coordinates in its CRS). */
export function edgeListCsv(g: CsrGraph): string {
  const out: string[] = ['from,to,length_m,x1,y1,x2,y2'];
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
    out.push(`${a},${b},${g.edgeLengthM[e]!.toFixed(4)},${g.x[a]!.toFixed(3)},${g.y[a]!.toFixed(3)},${g.x[b]!.toFixed(3)},${g.y[b]!.toFixed(3)}`);
  }
  return out.join('\n') + '\n';
}

/**
 * Write roads.geojson: the noded road graph as GeoJSON lines in WGS84 (one straight segment per graph edge), for the
 * viewer's road layer and for checking the noding by eye (RoadProperties). A city's
 * graph is a million edges (300 MB): each feature is written as the text JSON.stringify gives its object (kind, edge,
 * from, to, length_m; coordinates rounded to 1e-7°), from the nodes projected once, in chunks of about 1 MiB, through a
 * temporary file renamed into place (no partial file on failure).
 */
export async function writeRoadsGeojson(path: string, g: CsrGraph, toWgs84: Transformer): Promise<void> {
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  // a number as JSON.stringify writes it (String is JSON's number form; -0 is "0"), null where not finite
  const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');
  const ll = new Float64Array(2 * g.nodeCount);
  for (let v = 0; v < g.nodeCount; v++) {
    ll[2 * v] = g.x[v]!;
    ll[2 * v + 1] = g.y[v]!;
  }
  toWgs84.forwardFlat(ll);
  for (let i = 0; i < ll.length; i++) ll[i] = r7(ll[i]!);
  await withOutputFile(path, async (out) => {
    let buf = '{"type":"FeatureCollection","features":[';
    for (let e = 0; e < g.edgeCount; e++) {
      const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
      buf +=
        `${e ? ',' : ''}{"type":"Feature","geometry":{"type":"LineString","coordinates":[[${num(ll[2 * a]!)},${num(ll[2 * a + 1]!)}],[${num(ll[2 * b]!)},${num(ll[2 * b + 1]!)}]]},` +
        `"properties":{"kind":"road","edge":${e},"from":${a},"to":${b},"length_m":${num(Math.round(g.edgeLengthM[e]! * 100) / 100)}}}`;
      if (buf.length >= 1 << 20) {
        await out.write(buf);
        buf = '';
      }
    }
    await out.write(buf + ']}\n');
  });
}
