/**
 * The route stage with its I/O: reads a run folder (manifest CRS, buildings.geojson), the roads and the plants,
 * calls planNetwork and returns what the CLI writes (network.geojson, manifest.route). No CLI imports.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCrs, transformer, WGS84, type Crs } from '../crs/index.js';
import { CrsError, InputError, UsageError } from '../errors.js';
import { readRoads } from '../io/roads.js';
import { Warnings } from '../util/warnings.js';
import type { ProgressFn } from '../util/progress.js';
import { networkGeojson, type ConsumerRecord } from './geojson.js';
import { planNetwork, type NetworkResult, type PlanOptions, type PlantInput } from './plan.js';
import { ringCentroid, ringSignedArea } from '../geom/rings.js';
import { plantFromPotential } from './plant-from-potential.js';
import { readPlantsFile } from './plants.js';
import { buildRoadGraph, type RoadGraph } from './road-graph.js';
import { FILES, type NetworkProperties, type RouteSummary } from '../run/contract.js';

export interface RouteStageOptions {
  run: string;
  roads: string;
  /** Plants by position: 'lon,lat[,capacity_kW[,type]]' values or { lon, lat, capacity_kW, type } records (degrees, kW). */
  plant?: (string | { lon: number; lat: number; capacity_kW?: number; type?: string })[];
  /** GeoJSON points with capacity_kW, type, fuel */
  plantsFile?: string;
  roadsCrs?: string;
  roadClasses?: string[];
  excludeRoadClasses?: string[];
  snapM?: number;
  crossings?: boolean;
  plan?: Partial<PlanOptions>;
  /** Place the plant at the best heat source of the run's potential.tif (instead of --plant/--plants/suggested). */
  plantFromPotential?: boolean;
  /** What a consumer is: each building (default) or, for coarse city-wide runs, each block or grid cell of blocks.geojson. */
  consumers?: 'buildings' | 'blocks';
  onProgress?: ProgressFn;
}

export interface RouteStageResult {
  result: NetworkResult;
  consumers: ConsumerRecord[];
  roadGraph: RoadGraph;
  crs: Crs;
  geojson: ReturnType<typeof networkGeojson>;
  summary: RouteSummary;
  warnings: Warnings;
}

/** Parse one `--plant lon,lat[,capacity_kW[,type]]` value. */
export function parsePlantArg(s: string, k: number): { lon: number; lat: number; capacityKw?: number; type?: string } {
  const parts = s.split(',').map((p) => p.trim());
  const lon = Number(parts[0]), lat = Number(parts[1]);
  if (parts.length < 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw new UsageError('route-bad-plant', '--plant must be lon,lat[,capacity_kW[,type]] in degrees', { record: k + 1, value: s });
  }
  const cap = parts[2] !== undefined && parts[2] !== '' ? Number(parts[2]) : undefined;
  if (cap !== undefined && !(cap > 0)) throw new UsageError('route-bad-plant', 'plant capacity must be a positive number of kW', { record: k + 1, value: s });
  return { lon, lat, capacityKw: cap, type: parts[3] || undefined };
}

/**
 * Consumers from the run's buildings.geojson (x, y = centroid in the working CRS) or, with `source: 'blocks'`, from
 * blocks.geojson (each block or grid cell one consumer at its area centroid, `use: 'block'`).
 */
export async function readRunConsumers(run: string, crs: Crs, warnings: Warnings, source: 'buildings' | 'blocks' = 'buildings'): Promise<ConsumerRecord[]> {
  const file = join(run, FILES[source]);
  let doc: { features?: { properties?: Record<string, unknown>; geometry?: { type: string; coordinates: unknown } }[] };
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new InputError('route-no-buildings', `cannot read the run's ${source}: ${(e as Error).message}`, { file, hint: 'run `heatplan demand` into this run folder first' });
  }
  if (!Array.isArray(doc.features)) throw new InputError('route-no-buildings', `${FILES[source]} has no features array`, { file });
  const tr = transformer(WGS84, crs);
  return doc.features.map((f, i) => {
    const p = { ...(f.properties ?? {}) };
    if (source === 'blocks') {
      const ring = ringOf(f.geometry);
      const c = ring && ring.length > 2 ? projectedCentroid(ring, tr) : undefined;
      p.x = c?.[0];
      p.y = c?.[1];
      p.use = 'block';
    }
    let x = Number(p.x), y = Number(p.y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      // fall back to the mean of the outer ring (lon/lat) projected
      const ring = ringOf(f.geometry);
      if (ring) {
        let sx = 0, sy = 0;
        for (const c of ring) {
          sx += c[0]!;
          sy += c[1]!;
        }
        [x, y] = tr.forward(sx / ring.length, sy / ring.length);
        warnings.add('building-no-centroid', 'building without x/y centroid: taken from its outline', { file, record: i });
      }
    }
    const id = String(p.id ?? i);
    const heat = Number(p.heat_MWh);
    const peak = Number(p.peak_kW);
    for (const k of ['id', 'x', 'y', 'heat_MWh', 'peak_kW', 'kind']) delete p[k];
    return { id, x, y, heatMWh: Number.isFinite(heat) ? heat : 0, peakKw: Number.isFinite(peak) ? peak : 0, props: p };
  });
}

/** Area centroid of a lon/lat ring after projection (the vertex mean for a degenerate ring). */
function projectedCentroid(ring: number[][], tr: ReturnType<typeof transformer>): [number, number] {
  const xy = new Float64Array(2 * ring.length);
  ring.forEach((c, i) => ((xy[2 * i] = c[0]!), (xy[2 * i + 1] = c[1]!)));
  tr.forwardFlat(xy);
  const a = ringSignedArea(xy, 0, ring.length);
  if (Math.abs(a) < 5e-10) {
    let mx = 0, my = 0;
    for (let i = 0; i < ring.length; i++) (mx += xy[2 * i]!), (my += xy[2 * i + 1]!);
    return [mx / ring.length, my / ring.length];
  }
  return ringCentroid(xy, 0, ring.length, a);
}

function ringOf(g: { type: string; coordinates: unknown } | undefined): number[][] | undefined {
  if (!g) return undefined;
  if (g.type === 'Polygon') return (g.coordinates as number[][][])[0];
  if (g.type === 'MultiPolygon') return (g.coordinates as number[][][][])[0]?.[0];
  if (g.type === 'Point') return [g.coordinates as number[]];
  return undefined;
}

/** Run the route stage (no writing); see the file header. */
export async function runRouteStage(o: RouteStageOptions, manifestCrs: { code: string } | undefined): Promise<RouteStageResult> {
  const t0 = performance.now();
  if (!manifestCrs?.code) {
    throw new InputError('route-no-crs', 'the run folder has no working CRS in manifest.json', { file: o.run, hint: 'run `heatplan demand` first' });
  }
  const crs = parseCrs(manifestCrs.code);
  if (crs.geographic) throw new CrsError('route-geographic-crs', 'the run\'s working CRS is geographic; routing needs metres', { file: o.run, value: crs.code });
  const warnings = new Warnings();
  const consumers = await readRunConsumers(o.run, crs, warnings, o.consumers ?? 'buildings');
  if (consumers.length === 0) throw new InputError('route-no-demand', 'the run has no buildings', { file: join(o.run, FILES.buildings) });
  const roads = await readRoads(o.roads, {
    crs,
    roadsCrs: o.roadsCrs ? parseCrs(o.roadsCrs) : undefined,
    include: o.roadClasses,
    exclude: o.excludeRoadClasses,
    warnings,
    onProgress: o.onProgress,
  });
  // roads and buildings must overlap in the working CRS, else one of them is in another CRS (or another place)
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  for (const c of consumers) {
    if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
    bx0 = Math.min(bx0, c.x);
    by0 = Math.min(by0, c.y);
    bx1 = Math.max(bx1, c.x);
    by1 = Math.max(by1, c.y);
  }
  const [rx0, ry0, rx1, ry1] = roads.bbox;
  const margin = 200;
  if (rx1 + margin < bx0 || bx1 + margin < rx0 || ry1 + margin < by0 || by1 + margin < ry0) {
    throw new CrsError('roads-crs-mismatch', `roads and buildings do not overlap in ${crs.code}: roads span [${[rx0, ry0, rx1, ry1].map((v) => v.toFixed(0)).join(', ')}], buildings [${[bx0, by0, bx1, by1].map((v) => v.toFixed(0)).join(', ')}]`, {
      file: o.roads,
      value: roads.sourceCrs.code + (roads.crsAssumed ? ' (assumed)' : ''),
      hint: 'the roads are in another CRS or another place; set roadsCrs (--roads-crs EPSG:N) if the file does not declare its CRS',
    });
  }
  const roadGraph = buildRoadGraph(roads.lines, { snapM: o.snapM, crossings: o.crossings, warnings, file: o.roads });
  let plants: PlantInput[] | undefined;
  if ([o.plant?.length, o.plantsFile, o.plantFromPotential].filter(Boolean).length > 1)
    throw new UsageError('route-plants-twice', 'give one of --plant, --plants or --plant-from-potential');
  let fromPotential: Awaited<ReturnType<typeof plantFromPotential>> | undefined;
  if (o.plantFromPotential) fromPotential = await plantFromPotential(o.run, crs.code);
  if (o.plant?.length) {
    const tr = transformer(WGS84, crs);
    plants = o.plant.map((s, k) => {
      const p = typeof s === 'string' ? parsePlantArg(s, k) : { lon: s.lon, lat: s.lat, capacityKw: s.capacity_kW, type: s.type };
      const [x, y] = tr.forward(p.lon, p.lat);
      return { id: `plant-${k + 1}`, x, y, capacityKw: p.capacityKw, type: p.type };
    });
  } else if (o.plantsFile) plants = await readPlantsFile(o.plantsFile, crs);
  else if (fromPotential) plants = [fromPotential.plant];
  let result: NetworkResult;
  try {
    result = planNetwork({ graph: roadGraph.csr, consumers, plants }, { ...o.plan, warnings, onProgress: o.onProgress });
  } catch (e) {
    // the planner knows the graph, not the file it came from: name the roads file
    if (e instanceof InputError && e.code === 'route-plant-unreachable' && !e.file) {
      throw new InputError(e.code, e.message.replace(/^record [^:]*: /, '').replace(/\. .*$/s, ''), { file: o.roads, record: e.record, hint: e.hint });
    }
    throw e;
  }
  const s = result.summary;
  const summary: RouteSummary = {
    ...s,
    plantSource: fromPotential ? 'potential' : plants ? (o.plantsFile ? 'file' : 'given') : 'suggested',
    ...(fromPotential ? { plantPotential: { band: fromPotential.band, cell_kW: fromPotential.cellKw } } : {}),
    plants: result.plants.map((p) => ({ id: p.id, type: p.type ?? null, capacity_kW: p.capacityKw ?? null, output_kW: p.outputKw, consumers: p.consumers, suggested: p.suggested, service_m: p.serviceM })),
    roads: {
      file: o.roads,
      format: roads.format,
      crs: roads.sourceCrs.code,
      crsAssumed: roads.crsAssumed,
      excludedByClass: roads.excludedByClass,
      ...roadGraph.stats,
    },
    crs: crs.code,
    warnings: warnings.counts(),
    seconds: (performance.now() - t0) / 1000,
  };
  const properties: NetworkProperties = {
    crs: crs.code,
    supply_C: s.sizing.supplyC,
    return_C: s.sizing.returnC,
    ground_C: s.sizing.groundC,
    maxPressure_Pa_m: s.sizing.maxPaPerM,
    minKwPerM: s.thresholds.minKwPerM,
    minMwhPerMA: s.thresholds.minMwhPerMA,
    diversity: 'f = 0.62 + 0.38 / n (THERMOS)',
    kwPerM: 'design peak downstream / (2 x route length) (seed 003)',
  };
  const geojson = networkGeojson(result, consumers, transformer(crs, WGS84), properties);
  return { result, consumers, roadGraph, crs, geojson, summary, warnings };
}
