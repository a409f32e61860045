/**
 * network.geojson and network.fgb (WGS84 lon/lat, DESIGN/brief schema): pipes, service lines, consumers, dropped consumers, plants;
 * the collection's `properties` hold temperatures, thresholds and the CRS the lengths were measured in.
 * And the edge-list export of a graph (CSV) for comparisons with other tools on the same graph.
 */
import type { Transformer } from '../crs/index.js';
import { inferLayout, writeFgb, type FgbWritableFeature } from '../io/fgb.js';
import type { CsrGraph } from './csr.js';
import type { NetworkResult } from './plan.js';
import type { NetworkProperties, PipeProperties, PlantProperties, RoadProperties, ServiceProperties } from '../run/contract.js';

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
}

/**
 * The network's features, made as they are iterated (each pass builds them afresh): a city's 1.5 million features
 * never exist at once (the writers take one at a time: network.fgb's layout pass and its write, the GeoJSON twin).
 */
export interface NetworkFeatures extends Iterable<unknown> {
  readonly length: number;
  /**
   * The same features with their geometry types and properties but coordinates null: all that network.fgb's layout
   * pass (engine/io/fgb.ts inferLayout) reads, without projecting every vertex a second time.
   */
  readonly withoutCoordinates: Iterable<unknown>;
}

const r = (v: number, d = 3): number => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : v);

export function networkGeojson(
  res: NetworkResult,
  consumers: ConsumerRecord[],
  toLonLat: Transformer,
  meta: NetworkProperties,
): { type: 'FeatureCollection'; properties: NetworkProperties; features: NetworkFeatures } {
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
        } satisfies PipeProperties,
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
        } satisfies ServiceProperties,
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
        } satisfies PlantProperties,
      };
    }
  }
  let count = res.pipes.length + 2 * res.consumers.length + res.plants.length;
  for (const d of res.dropped) if (located(consumers[d.index]!)) count++;
  return { type: 'FeatureCollection', properties: meta, features: { length: count, [Symbol.iterator]: () => features(true), withoutCoordinates: { [Symbol.iterator]: () => features(false) } } };
}

/**
 * Write network.fgb: the features of network.geojson (one layer, geometry type Unknown: pipes and service lines are
 * LineStrings, consumers, dropped consumers and plants Points; GDAL reads the mixed layer) with the collection's
 * `properties` in the header's metadata, through engine/io/fgb.ts (columns typed from the values, one pass first
 * over the features without their coordinates).
 */
export async function writeNetworkFgb(path: string, fc: ReturnType<typeof networkGeojson>): Promise<void> {
  const features = fc.features as unknown as FgbWritableFeature[];
  await writeFgb(path, features, fc.features.length, inferLayout(fc.features.withoutCoordinates as Iterable<FgbWritableFeature>), {
    epsg: 4326,
    name: 'network',
    members: { type: fc.type, properties: fc.properties, features: null },
    featureOrder: ['type', 'geometry', 'properties'],
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
 * The noded road graph as GeoJSON lines in WGS84 (one straight segment per graph edge), for the viewer's road layer
 * and for checking the noding by eye; `component` is the edge's connected component.
 */
export function roadsGeojson(g: CsrGraph, toWgs84: Transformer, component?: ArrayLike<number>) {
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  const features = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
    const [lon1, lat1] = toWgs84.forward(g.x[a]!, g.y[a]!);
    const [lon2, lat2] = toWgs84.forward(g.x[b]!, g.y[b]!);
    features.push({
      type: 'Feature' as const,
      geometry: { type: 'LineString' as const, coordinates: [[r7(lon1), r7(lat1)], [r7(lon2), r7(lat2)]] },
      properties: { kind: 'road', edge: e, from: a, to: b, length_m: Math.round(g.edgeLengthM[e]! * 100) / 100, ...(component ? { component: component[a] } : {}) } satisfies RoadProperties,
    });
  }
  return { type: 'FeatureCollection' as const, features };
}
