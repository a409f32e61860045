/**
 * Reads network.geojson (the route stage's output, schema in the project brief) into the simulation's plain records,
 * grouped by network (feature property `network`; one network when absent). Bad records are errors naming the
 * feature; defaulted values are counted warnings.
 */
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import { plantFromRecord, plantRecordSchema, type PlantSpec } from './plants.js';

export interface SimConsumer {
  id: string;
  use: string;
  spaceHeatMWh: number;
  hotWaterMWh: number;
  peakKw: number;
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
}

export interface SimNetwork {
  id: string;
  file: string;
  consumers: SimConsumer[];
  pipes: SimPipe[];
  plants: PlantSpec[];
  /** Network supply / return temperature, °C (FeatureCollection properties, else options). */
  supplyC?: number;
  returnC?: number;
  /** Ground temperature the pipes' loss_W_per_m was computed for, °C. */
  designGroundC?: number;
}

interface Feature {
  type?: string;
  geometry?: { type: string; coordinates: unknown } | null;
  properties?: Record<string, unknown> | null;
}

const finiteOr = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** Parse network.geojson text into networks (one per `network` property value). */
export function parseNetworkGeojson(text: string, file: string, warnings = new Warnings()): SimNetwork[] {
  let fc: { type?: string; features?: Feature[]; properties?: Record<string, unknown> };
  try {
    fc = JSON.parse(text);
  } catch (e) {
    throw new InputError('network-bad-json', `not valid JSON: ${(e as Error).message}`, { file });
  }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new InputError('network-bad-geojson', 'network.geojson must be a GeoJSON FeatureCollection', { file, value: fc?.type });
  }
  const top = fc.properties ?? undefined;
  const nets = new Map<string, SimNetwork>();
  const net = (id: string) => {
    let n = nets.get(id);
    if (!n) {
      n = {
        id, file, consumers: [], pipes: [], plants: [],
        // the route stage's collection properties (engine/run/contract.ts NetworkProperties)
        supplyC: finiteOr(top?.supply_C),
        returnC: finiteOr(top?.return_C),
        designGroundC: finiteOr(top?.ground_C),
      };
      nets.set(id, n);
    }
    return n;
  };
  fc.features.forEach((f, i) => {
    const p = f?.properties ?? {};
    const kind = p.kind;
    const netId = p.network !== undefined && p.network !== null ? String(p.network) : 'network';
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
      net(netId).pipes.push({
        id: String(p.id ?? `pipe-${i}`), from: String(p.from ?? ''), to: String(p.to ?? ''), lengthM,
        dn: finiteOr(p.DN) ?? NaN, lossWPerM: loss, peakKw: finiteOr(p.peak_kW) ?? 0,
      });
    } else if (kind === 'plant') {
      if (p.capacity_kW === null || p.capacity_kW === undefined) {
        // the route stage suggested where a plant should stand, not what it is: plants then come from --plants
        // or the scenario file, and simulateNetwork says so if neither gives any
        warnings.add('plant-location-only', 'network plant without capacity (a suggested location): not simulated; give a plants file (simulate.plants, --plants)', { file, record });
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
    }
  });
  if (nets.size === 0) throw new InputError('network-empty', 'network.geojson holds no consumers, pipes or plants', { file });
  return [...nets.values()];
}
