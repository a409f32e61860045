/**
 * Reads network.geojson (the route stage's output, schema in the project brief) into the simulation's plain records,
 * grouped by network (feature property `network`; one network when absent). Bad records are errors naming the
 * feature; defaulted values are counted warnings.
 */
import { basename } from 'node:path';
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import { readFeatureCollection } from '../io/geojson-stream.js';
import { readFgbLayer } from '../io/fgb.js';
import { plantFromRecord, plantRecordSchema, type PlantSpec } from './plants.js';

export interface SimConsumer {
  id: string;
  use: string;
  spaceHeatMWh: number;
  hotWaterMWh: number;
  peakKw: number;
  /** Annual cooling, MWh/a, and design cooling peak, kW (network.geojson cool_MWh, coolPeak_kW; 0 when absent). */
  coolMWh?: number;
  coolPeakKw?: number;
  /** Greenhouse floor area, m²: the load then follows the weather (sim/greenhouse.ts) instead of a profile. */
  greenhouseAreaM2?: number;
  lon?: number;
  lat?: number;
}

export interface SimPipe {
  id: string;
  from: string;
  to: string;
  lengthM: number;
  dn: number;
  /** Heat loss at design temperatures, W per metre of trench (supply + return). */
  lossWPerM: number;
  peakKw: number;
  /** Chilled-water pipe pair in the same trench (route stage, carries cold): heat gain at its design dT, W per metre. */
  gainWPerM?: number;
}

/** A service pipe pair (network.geojson kind service): from the main to one consumer, sized at its own load. */
export interface SimService {
  consumer: string;
  lengthM: number;
  /** Hot-water pair: heat loss at the route's design temperatures, W per metre (absent: no hot-water service pipe). */
  lossWPerM?: number;
  /** Chilled-water pair: heat gain at the route's design dT, W per metre. */
  gainWPerM?: number;
}

export interface SimNetwork {
  id: string;
  file: string;
  /** Ids of the buildings the route stage cut (network.geojson kind dropped): named by scenarios, not simulated. */
  droppedIds?: string[];
  consumers: SimConsumer[];
  pipes: SimPipe[];
  /** Service pipes (network.geojson kind service): their losses and gains are in every total, as in the route stage. */
  services?: SimService[];
  /** The route's supply temperature curve (NetworkProperties.supplyCurve), [outdoor °C, supply °C] sorted by outdoor. */
  supplyCurve?: [number, number][];
  plants: PlantSpec[];
  /** Network supply / return temperature, °C (FeatureCollection properties, else options). */
  supplyC?: number;
  returnC?: number;
  /** Ground temperature the pipes' loss_W_per_m was computed for, °C. */
  designGroundC?: number;
  /** What the route stage sized the network for (network.geojson carries; absent in older runs: heat). */
  carries?: 'heat' | 'cold' | 'both';
  /** Chilled-water supply / return of the route's cold pipes, °C, and whether its design gains used weather (max over hours). */
  coolSupplyC?: number;
  coolReturnC?: number;
  routeWeather?: boolean;
  /** The route stage's pump design (network.geojson properties.pumping): head, Pa, and pump efficiency, per medium. */
  pumping?: Partial<Record<'heat' | 'cold', { headPa: number; efficiency?: number }>>;
  /** Pipes the route loaded above the largest catalogue pipe (`overCapacity`): the route's pump head runs through them. */
  overCapacityPipes?: number;
}

interface Feature {
  type?: string;
  geometry?: { type: string; coordinates: unknown } | null;
  properties?: Record<string, unknown> | null;
}

const finiteOr = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** The route stage's pump design per medium (head_kPa, pumpEfficiency), where network.geojson carries it. */
function routePumping(v: unknown): SimNetwork['pumping'] {
  if (!v || typeof v !== 'object') return undefined;
  const out: NonNullable<SimNetwork['pumping']> = {};
  for (const k of ['heat', 'cold'] as const) {
    const m = (v as Record<string, unknown>)[k] as Record<string, unknown> | undefined;
    const head = finiteOr(m?.head_kPa);
    if (head !== undefined && head > 0) out[k] = { headPa: head * 1000, efficiency: finiteOr(m?.pumpEfficiency) };
  }
  return Object.keys(out).length ? out : undefined;
}

/** The route's supply curve (NetworkProperties.supplyCurve): pairs of finite numbers, outdoor strictly increasing, supply above return. */
function routeSupplyCurve(v: unknown, returnC: number | undefined, file: string): [number, number][] | undefined {
  if (v === undefined || v === null) return undefined;
  const bad = (why: string, value: unknown) => new InputError('network-bad-supply-curve', `network.geojson properties.supplyCurve: ${why}`, { file, record: 'properties.supplyCurve', value, hint: 'a list of [outdoor °C, supply °C] pairs, as the route stage writes for --supply-curve -15:80,0:75,15:65' });
  if (!Array.isArray(v) || v.length === 0) throw bad('must be a non-empty list of [outdoor °C, supply °C] pairs', v);
  const out: [number, number][] = [];
  for (const p of v) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) throw bad('each point must be [outdoor °C, supply °C], two numbers', p);
    if (out.length && !(p[0] > out[out.length - 1]![0])) throw bad('outdoor temperatures must increase', p);
    if (returnC !== undefined && !(p[1] > returnC)) throw bad(`supply ${p[1]} °C is not above the return temperature ${returnC} °C`, p);
    out.push([p[0], p[1]]);
  }
  return out;
}

/** network.geojson's collection members the simulation reads (FeatureCollection properties: engine/run/contract.ts). */
type CollectionTop = { type?: unknown; features?: unknown; properties?: Record<string, unknown> | null };

/**
 * An incremental reader of network.geojson: `add` takes the features one by one as a streamed read gives them
 * (engine/io/geojson-stream.ts) and keeps only the simulation's plain records, never the features themselves (a
 * city's network holds millions of features, each with its geometry); `finish` takes the collection's other members
 * and returns the networks. Errors come in the order a whole-file parse gives them: the collection's type, its
 * properties, then the first bad feature (a feature's error is held until `finish`, and later features are skipped).
 */
export function networkReader(file: string, warnings = new Warnings()): { add(feature: unknown, index: number): void; finish(top: CollectionTop): SimNetwork[] } {
  type Stub = Pick<SimNetwork, 'id' | 'consumers' | 'pipes' | 'plants' | 'droppedIds'> & { overCapacity?: number };
  const nets = new Map<string, Stub>();
  // service pipes without a `network` property belong to their consumer's network (resolved after all features)
  const services: { netId?: string; s: SimService }[] = [];
  let held: unknown;
  const net = (id: string): Stub => {
    let n = nets.get(id);
    if (!n) nets.set(id, (n = { id, consumers: [], pipes: [], plants: [] }));
    return n;
  };
  const add = (feature: unknown, i: number): void => {
    if (held !== undefined) return;
    try {
      addFeature(feature as Feature, i);
    } catch (e) {
      held = e;
    }
  };
  const addFeature = (f: Feature, i: number): void => {
    const p = f?.properties ?? {};
    const kind = p.kind;
    const explicitNet = p.network !== undefined && p.network !== null ? String(p.network) : undefined;
    const netId = explicitNet ?? 'network';
    const record = p.id !== undefined ? `feature ${i} (id ${String(p.id)})` : `feature ${i}`;
    const need = (key: string, min = 0): number => {
      const v = finiteOr(p[key]);
      if (v === undefined || v < min) throw new InputError('network-bad-value', `${String(kind)} ${key} must be a number >= ${min}`, { file, record, value: p[key] });
      return v;
    };
    if (kind === 'consumer') {
      const heat = finiteOr(p.heat_MWh);
      let sh = finiteOr(p.spaceHeat_MWh);
      let hw = finiteOr(p.hotWater_MWh);
      if (sh === undefined && hw === undefined) {
        if (heat === undefined) throw new InputError('network-bad-value', 'consumer has no heat_MWh, spaceHeat_MWh or hotWater_MWh', { file, record, value: p });
        sh = heat;
        hw = 0;
        warnings.add('consumer-no-split', 'consumer without spaceHeat_MWh/hotWater_MWh: all of heat_MWh simulated as space heating', { file, record });
      }
      sh ??= Math.max(0, (heat ?? 0) - (hw ?? 0));
      hw ??= Math.max(0, (heat ?? 0) - sh);
      if (sh < 0 || hw < 0) throw new InputError('network-bad-value', 'consumer demand is negative', { file, record, value: { sh, hw } });
      if (heat !== undefined && Math.abs(sh + hw - heat) > 1e-6 * Math.max(1, heat)) {
        warnings.add('consumer-split-mismatch', 'spaceHeat_MWh + hotWater_MWh differs from heat_MWh; the split is used', { file, record });
      }
      const c = Array.isArray(f.geometry?.coordinates) ? (f.geometry!.coordinates as number[]) : undefined;
      net(netId).consumers.push({
        id: String(p.id ?? `consumer-${i}`), use: typeof p.use === 'string' && p.use ? p.use : 'unknown',
        spaceHeatMWh: sh, hotWaterMWh: hw, peakKw: finiteOr(p.peak_kW) ?? 0,
        coolMWh: Math.max(0, finiteOr(p.cool_MWh) ?? 0), coolPeakKw: Math.max(0, finiteOr(p.coolPeak_kW) ?? 0),
        greenhouseAreaM2: finiteOr(p.greenhouseArea_m2) ?? (p.use === 'greenhouse' && sh === 0 && hw === 0 ? finiteOr(p.floorArea_m2) : undefined),
        lon: typeof c?.[0] === 'number' ? c[0] : undefined, lat: typeof c?.[1] === 'number' ? c[1] : undefined,
      });
    } else if (kind === 'pipe') {
      const lengthM = need('length_m');
      let loss = finiteOr(p.loss_W_per_m);
      if (loss === undefined) {
        const dn = finiteOr(p.DN);
        if (dn === undefined) throw new InputError('network-bad-value', 'pipe has neither loss_W_per_m nor DN', { file, record, value: p });
        loss = NaN; // filled from DN and temperatures in simulateNetwork
        warnings.add('pipe-loss-from-dn', 'pipe without loss_W_per_m: loss computed from DN (THERMOS fit, METHODS.md 5)', { file, record });
      }
      const n = net(netId);
      // the route sized this pipe's load onto the largest catalogue pipe above its limits (route warning pipe-over-capacity)
      if (p.overCapacity === true) n.overCapacity = (n.overCapacity ?? 0) + 1;
      n.pipes.push({
        id: String(p.id ?? `pipe-${i}`), from: String(p.from ?? ''), to: String(p.to ?? ''), lengthM,
        dn: finiteOr(p.DN) ?? NaN, lossWPerM: loss, peakKw: finiteOr(p.peak_kW) ?? 0,
        ...(finiteOr(p.gain_W_per_m) !== undefined ? { gainWPerM: finiteOr(p.gain_W_per_m) } : {}),
      });
    } else if (kind === 'service') {
      const lengthM = need('length_m');
      const opt = (key: string): number | undefined => {
        if (p[key] === undefined || p[key] === null) return undefined;
        return need(key);
      };
      const loss = opt('loss_W_per_m'), gain = opt('gain_W_per_m');
      services.push({ netId: explicitNet, s: { consumer: String(p.consumer ?? ''), lengthM, ...(loss !== undefined ? { lossWPerM: loss } : {}), ...(gain !== undefined ? { gainWPerM: gain } : {}) } });
    } else if (kind === 'plant') {
      if (p.capacity_kW === null || p.capacity_kW === undefined) {
        // the route stage suggested where a plant should stand, not what it is: plants then come from --plants
        // or the scenario file, and simulateNetwork says so if neither gives any
        // one line makes it a plant: the plants file names its type and capacity (issue 12)
        const pid = p.id !== undefined ? String(p.id) : `plant-${i}`;
        const out = finiteOr(p.output_kW);
        warnings.add('plant-location-only', 'network plant without capacity (a suggested location): not simulated; name its type in a plants file (--plants)', {
          file, record, message: `suggested location ${pid}: not simulated; to make it a plant, give --plants with the line "- { id: ${pid}, type: gas_boiler, capacity_kW: ${out !== undefined ? Math.ceil(out) : 'N'}, efficiency: E }" (any type, its capacity and efficiency)`,
        });
        return;
      }
      const parsed = plantRecordSchema.safeParse(p);
      if (!parsed.success) {
        const iss = parsed.error.issues[0];
        throw new InputError('network-bad-plant', `plant ${iss.path.join('.')}: ${iss.message}`, { file, record, value: p });
      }
      net(netId).plants.push(plantFromRecord(parsed.data, file, record));
    } else if (kind === 'dropped') {
      warnings.add('consumer-dropped-by-route', 'building dropped by the route stage is not simulated', { file, record });
      if (p.id !== undefined) (net(netId).droppedIds ??= []).push(String(p.id));
    }
  };
  const finish = (fc: CollectionTop): SimNetwork[] => {
    if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
      throw new InputError('network-bad-geojson', 'network.geojson must be a GeoJSON FeatureCollection', { file, value: fc?.type });
    }
    const top = fc.properties ?? undefined;
    const supplyCurve = routeSupplyCurve(top?.supplyCurve, finiteOr(top?.return_C), file);
    if (held !== undefined) throw held;
    if (nets.size === 0) throw new InputError('network-empty', 'network.geojson holds no consumers, pipes or plants', { file });
    // the route stage's collection properties (engine/run/contract.ts NetworkProperties), the same for every network
    const make = (id: string, n: Stub): SimNetwork => ({
      id, file, consumers: n.consumers, pipes: n.pipes, plants: n.plants,
      supplyC: finiteOr(top?.supply_C),
      returnC: finiteOr(top?.return_C),
      designGroundC: finiteOr(top?.ground_C),
      pumping: routePumping(top?.pumping),
      carries: top?.carries === 'heat' || top?.carries === 'cold' || top?.carries === 'both' ? top.carries : undefined,
      coolSupplyC: finiteOr(top?.coolSupply_C),
      coolReturnC: finiteOr(top?.coolReturn_C),
      routeWeather: typeof top?.weather === 'string' && top.weather !== '',
      ...(supplyCurve ? { supplyCurve } : {}),
      ...(n.droppedIds ? { droppedIds: n.droppedIds } : {}),
    });
    const out = new Map<string, SimNetwork>();
    for (const [id, n] of nets) out.set(id, { ...make(id, n), ...(n.overCapacity ? { overCapacityPipes: n.overCapacity } : {}) });
    if (services.length) {
      const netOf = new Map<string, string>();
      for (const n of out.values()) for (const c of n.consumers) netOf.set(c.id, n.id);
      for (const { netId, s } of services) {
        const id = netId ?? netOf.get(s.consumer) ?? (out.size === 1 ? [...out.keys()][0]! : undefined);
        if (id === undefined) {
          warnings.add('service-no-network', 'service pipe whose consumer is in no network: its losses are not simulated', { file, record: `service of consumer ${s.consumer}` });
          continue;
        }
        let n = out.get(id);
        if (!n) out.set(id, (n = make(id, { id, consumers: [], pipes: [], plants: [] })));
        (n.services ??= []).push(s);
      }
    }
    return [...out.values()];
  };
  return { add, finish };
}

/**
 * The networks of network.geojson (one per `network` property value): `text` is the file's text, or the collection
 * already parsed. The simulate stage streams the file instead (readNetworkFile), as a city's network is longer than
 * V8's longest string.
 */
export function parseNetworkGeojson(text: string | Record<string, unknown>, file: string, warnings = new Warnings()): SimNetwork[] {
  let fc: CollectionTop;
  if (typeof text !== 'string') fc = text as CollectionTop;
  else
    try {
      fc = JSON.parse(text);
    } catch (e) {
      throw new InputError('network-bad-json', `not valid JSON: ${(e as Error).message}`, { file });
    }
  const r = networkReader(file, warnings);
  if (fc?.type === 'FeatureCollection' && Array.isArray(fc.features)) (fc.features as unknown[]).forEach((f, i) => r.add(f, i));
  return r.finish(fc);
}

/** The networks of a network.geojson file, read feature by feature: only the simulation's records are kept. */
export async function readNetworkFile(file: string, warnings = new Warnings()): Promise<SimNetwork[]> {
  const r = networkReader(file, warnings);
  const read = {
    code: 'network-bad-json',
    hint: `${basename(file)} is damaged: rerun \`heatplan route --run DIR\``,
    map: (f: unknown, i: number): undefined => {
      r.add(f, i);
      return undefined;
    },
  };
  // network.fgb (issue 18) or network.geojson: the same features and collection members. Of the geometry only the
  // consumers' points are read (lon/lat, addFeature); the pipes' and service lines' coordinates are not decoded
  const fc = file.endsWith('.fgb')
    ? await readFgbLayer<undefined>(file, { ...read, geometry: (p) => p.kind === 'consumer' })
    : await readFeatureCollection<undefined>(file, read);
  return r.finish(fc as CollectionTop);
}
