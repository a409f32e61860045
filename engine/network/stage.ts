/**
 * The route stage with its I/O: reads a run folder (manifest CRS, buildings.geojson), the roads and the plants,
 * calls planNetwork and returns what the CLI writes (network.geojson, manifest.route). No CLI imports.
 */
import { join } from 'node:path';
import { parseCrs, transformer, WGS84, type Crs } from '../crs/index.js';
import { CrsError, InputError, UsageError } from '../errors.js';
import { readFgbLayer } from '../io/fgb.js';
import { readFeatureCollection } from '../io/geojson-stream.js';
import { runFile } from '../run/read.js';
import { Warnings } from '../util/warnings.js';
import type { ProgressFn } from '../util/progress.js';
import { networkGeojson, type ConsumerRecord } from './geojson.js';
import { ConsumerTable, type ConsumerRow } from './consumer-table.js';
import { planNetwork, type ConsumerInput, type NetworkResult, type PlanOptions, type PlantInput } from './plan.js';
import { routeEnvironment } from './environment.js';
import { ringCentroid, ringSignedArea } from '../geom/rings.js';
import { plantFromPotential, plantsFromPotential } from './plant-from-potential.js';
import { clusterCandidates, planBestSite, PLANT_CHOICE, PLANT_CHOICE_LCOH, type CandidateOutcome, type PlantCandidate } from './plant-sites.js';
import { LCOH_DEFINITION, type LcohPricing, type MarginalPruning } from './cost-route.js';
import { readPlantsFile } from './plants.js';
import { startRoadGraph, type CompiledRoadGraph, type RoadGraphThread, type RoadsFacts } from './graph-cache.js';
import { parseSupplyCurve } from './medium.js';
import { FILES, type NetworkProperties, type RouteSummary } from '../run/contract.js';

export interface RouteStageOptions {
  run: string;
  roads: string;
  /** Plants by position: 'lon,lat[,capacity_kW[,type]]' values or { lon, lat, capacity_kW, type } records (degrees, kW). */
  plant?: (string | { lon: number; lat: number; capacity_kW?: number; type?: string })[];
  /** GeoJSON points with capacity_kW, type, fuel */
  plantsFile?: string;
  roadsCrs?: string;
  /** the GeoPackage layer holding the roads */
  roadsLayer?: string;
  roadClasses?: string[];
  excludeRoadClasses?: string[];
  snapM?: number;
  crossings?: boolean;
  plan?: Partial<PlanOptions>;
  /** Place the plant at the best heat source of the run's potential.tif (instead of --plant/--plants/suggested). */
  plantFromPotential?: boolean;
  /** What a consumer is: each building (default) or, for coarse city-wide runs, each block or grid cell of blocks.geojson. */
  consumers?: 'buildings' | 'blocks';
  /** Hourly weather file for coincident loads, the supply curve and the ground temperature. */
  weather?: string;
  /** The run's Japanese climate region (manifest.demand.parameters.climateRegion): its bundled reference year is the default weather. */
  climateRegion?: number;
  /** Design loads: coincident hourly peaks (default) or the THERMOS diversity fit. */
  loads?: 'coincident' | 'diversity';
  /** Supply temperature curve 'Tout:Tsupply' pairs (°C), for the annual losses. */
  supplyCurve?: string[];
  /** Candidate plant sites (GeoJSON points) compared when no plant is given; the best is kept (plant-sites.ts). */
  plantCandidatesFile?: string;
  /** High-demand clusters (or potential cells) compared besides the 1-median when no plant is given; 0 = the 1-median only. */
  plantSearchN?: number;
  /** Cluster grid cell, m. */
  clusterCellM?: number;
  /** cost-based pruning (also set in plan.marginalCost by the caller) and the LCOH plant choice (cost-route.ts) */
  marginalCost?: MarginalPruning;
  lcohChoice?: LcohPricing;
  onProgress?: ProgressFn;
  /**
   * Whether the road graph is read and built in a worker thread while the buildings are read: 'auto' (default) for
   * a roads file of ROAD_GRAPH_THREAD_MIN_BYTES or more on a machine with two cores or more, 'always', 'never'. The
   * graph, warnings and outputs are the same either way.
   */
  roadGraphThread?: RoadGraphThread;
}

export interface RouteStageResult {
  result: NetworkResult;
  consumers: ConsumerRecord[];
  roadGraph: CompiledRoadGraph;
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
export async function readRunConsumers(run: string, crs: Crs, warnings: Warnings, source: 'buildings' | 'blocks' = 'buildings'): Promise<ConsumerRow[]> {
  // buildings: buildings.fgb where the run has it (issue 18), else buildings.geojson
  const file = source === 'buildings' ? runFile(run, 'buildings') : join(run, FILES[source]);
  const tr = transformer(WGS84, crs);
  // each feature goes into the columns as it is read (consumer-table.ts): no feature object is kept
  const table = new ConsumerTable();
  const take = (f: unknown, i: number): 0 => {
    const ft = f as { properties?: Record<string, unknown>; geometry?: { type: string; coordinates: unknown } } | undefined;
    // the feature's own properties (read for this call only, never kept); a block's are copied, as x, y and use are set
    const p: Record<string, unknown> = source === 'blocks' ? { ...(ft?.properties ?? {}) } : (ft?.properties ?? {});
    if (source === 'blocks') {
      const ring = ringOf(ft?.geometry);
      const c = ring && ring.length > 2 ? projectedCentroid(ring, tr) : undefined;
      p.x = c?.[0];
      p.y = c?.[1];
      p.use = 'block';
    }
    let x = Number(p.x), y = Number(p.y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      // fall back to the mean of the outer ring (lon/lat) projected
      const ring = ringOf(ft?.geometry);
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
    const heat = Number(p.heat_MWh);
    const peak = Number(p.peak_kW);
    // the other properties go into the table's columns straight from the feature's (NOT_PROPS left out): no copy
    table.add({ id: String(p.id ?? i), x, y, heatMWh: Number.isFinite(heat) ? heat : 0, peakKw: Number.isFinite(peak) ? peak : 0, props: p }, NOT_PROPS);
    return 0;
  };
  try {
    // streamed feature by feature (a city's file is longer than V8's longest string)
    const read = { code: 'route-bad-buildings', hint: 'rerun `heatplan demand` on this run', map: take };
    // an outline is needed for a block's centroid, or a building whose x/y centroid is missing (take's fallback):
    // the other buildings' rings are checked, never decoded
    const outline = (p: Record<string, unknown>): boolean => source === 'blocks' || !Number.isFinite(Number(p.x)) || !Number.isFinite(Number(p.y));
    const doc = file.endsWith('.fgb') ? await readFgbLayer(file, { ...read, geometry: outline }) : await readFeatureCollection(file, read);
    if (!Array.isArray(doc.features)) throw new InputError('route-no-buildings', `${FILES[source]} has no features array`, { file });
  } catch (e) {
    if (e instanceof InputError) throw e;
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError('route-no-buildings', missing ? `the run has no ${source === 'buildings' ? `${FILES.buildingsFgb} or ${FILES.buildings}` : FILES[source]}` : `cannot read the run's ${source}: ${(e as Error).message}`, {
      file,
      hint: missing ? 'run `heatplan demand` into this run folder first' : 'rerun `heatplan demand` on this run',
    });
  }
  return table.done().rows();
}

/** Building properties a consumer record carries as fields of its own, not in `props`. */
const NOT_PROPS = new Set(['id', 'x', 'y', 'heat_MWh', 'peak_kW', 'kind']);

/** The figures in force that have no source (ASSUMPTION in the field table), named with their values, for the outputs. */
function routeAssumptions(s: NetworkResult['summary'], p: Partial<PlanOptions>, clusterCellM: number | undefined): string[] {
  const out = [
    `supply/return ${s.sizing.supplyC}/${s.sizing.returnC} °C`,
    `maxService_m ${p.maxServiceM ?? 150} m`,
    'pipe dimensions EN 10220 outer diameter x wall, roughness 0.1 mm, water at 70 °C',
  ];
  const pu = s.media?.heat?.pumping ?? s.media?.cold?.pumping;
  if (pu) out.push(`substationDp_kPa ${pu.substationDp_kPa}, plantDp_kPa ${pu.plantDp_kPa}, minDp_kPa ${pu.minDp_kPa}, pumpEfficiency ${pu.pumpEfficiency}`);
  if (s.media?.cold) out.push(`chilled water ${s.media.cold.supply_C}/${s.media.cold.return_C} °C, sized with the hot-water velocity and Pa/m limits`);
  if (s.insulation?.twin) out.push('twin-pipe Rs linear in ln DN between the catalogue sizes');
  if (s.insulation && s.insulation.series !== 2) out.push(`seriesLossFactor ${s.insulation.seriesLossFactor} for series ${s.insulation.series} (given)`);
  if (s.media?.cold?.pumping && s.media?.cold) out.push('chilled-water gains: hours with the water warmer than the ground not credited');
  if (clusterCellM !== undefined) out.push(`clusterCell_m ${clusterCellM} m`);
  return out.map((a) => `ASSUMPTION: ${a}`);
}

/** The potential cell of the chosen candidate (band and kW per band), when potential cells were compared. */
function chosenPotential(cells: Awaited<ReturnType<typeof plantsFromPotential>>, outcomes: CandidateOutcome[] | undefined): { band: string; cell_kW: Record<string, number> } | undefined {
  const id = outcomes?.find((c) => c.chosen)?.id;
  const c = cells.find((p) => p.plant.id === id);
  return c ? { band: c.band, cell_kW: c.cellKw } : undefined;
}

/** A feature of buildings/blocks.geojson as the consumer reader needs it (streamed reads keep no unused outline). */
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
  // read and built once per run: reused from the run's road-graph.bin when made from the same roads file and options;
  // a large roads file is read and built in a worker thread while this one reads the buildings (graph-cache.ts)
  const graphWarnings = new Warnings();
  const pendingGraph = startRoadGraph(
    o.run,
    { roads: o.roads, crs, roadsCrs: o.roadsCrs ? parseCrs(o.roadsCrs) : undefined, layer: o.roadsLayer, include: o.roadClasses, exclude: o.excludeRoadClasses, snapM: o.snapM, crossings: o.crossings },
    { warnings: graphWarnings, onProgress: o.onProgress, thread: o.roadGraphThread },
  );
  let consumers: ConsumerRow[];
  try {
    consumers = await readRunConsumers(o.run, crs, warnings, o.consumers ?? 'buildings');
    if (consumers.length === 0) throw new InputError('route-no-demand', 'the run has no buildings', { file: join(o.run, FILES.buildings) });
  } catch (e) {
    await pendingGraph.cancel();
    throw e;
  }
  // roads and buildings must overlap in the working CRS, else one of them is in another CRS (or another place)
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  for (const c of consumers) {
    if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
    bx0 = Math.min(bx0, c.x);
    by0 = Math.min(by0, c.y);
    bx1 = Math.max(bx1, c.x);
    by1 = Math.max(by1, c.y);
  }
  const overlap = (roads: RoadsFacts): void => {
    const [rx0, ry0, rx1, ry1] = roads.bbox;
    const margin = 200;
    if (rx1 + margin < bx0 || bx1 + margin < rx0 || ry1 + margin < by0 || by1 + margin < ry0) {
      throw new CrsError('roads-crs-mismatch', `roads and buildings do not overlap in ${crs.code}: roads span [${[rx0, ry0, rx1, ry1].map((v) => v.toFixed(0)).join(', ')}], buildings [${[bx0, by0, bx1, by1].map((v) => v.toFixed(0)).join(', ')}]`, {
        file: o.roads,
        value: roads.sourceCrs.code + (roads.crsAssumed ? ' (assumed)' : ''),
        hint: 'the roads are in another CRS or another place; set roadsCrs (--roads-crs EPSG:N) if the file does not declare its CRS',
      });
    }
  };
  const { roads, roadGraph, origin: graphCache } = await pendingGraph.finish(overlap);
  // the roads' warnings after the buildings', as when the two were read one after the other
  warnings.merge(graphWarnings);
  let plants: PlantInput[] | undefined;
  if ([o.plant?.length, o.plantsFile, o.plantFromPotential].filter(Boolean).length > 1)
    throw new UsageError('route-plants-twice', 'give one of --plant, --plants or --plant-from-potential');
  if (o.plantCandidatesFile && (o.plant?.length || o.plantsFile || o.plantFromPotential))
    throw new UsageError('route-plants-twice', 'plantCandidates (--plant-candidates) are compared when no plant is given: drop --plant, --plants or --plant-from-potential');
  const searchN = o.plantSearchN ?? 5;
  let fromPotential: Awaited<ReturnType<typeof plantFromPotential>> | undefined;
  let potentialCells: Awaited<ReturnType<typeof plantsFromPotential>> = [];
  if (o.plantFromPotential) {
    potentialCells = await plantsFromPotential(o.run, crs.code, Math.max(1, searchN));
    fromPotential = potentialCells[0];
  }
  if (o.plant?.length) {
    const tr = transformer(WGS84, crs);
    plants = o.plant.map((s, k) => {
      const p = typeof s === 'string' ? parsePlantArg(s, k) : { lon: s.lon, lat: s.lat, capacityKw: s.capacity_kW, type: s.type };
      const [x, y] = tr.forward(p.lon, p.lat);
      return { id: `plant-${k + 1}`, x, y, capacityKw: p.capacityKw, type: p.type };
    });
  } else if (o.plantsFile) plants = await readPlantsFile(o.plantsFile, crs);
  else if (fromPotential) plants = [fromPotential.plant];
  const env = await routeEnvironment(o, consumers.length ? consumers[0]!.table.uses() : new Set<string>(), warnings);
  // the consumer rows are the planner's inputs too (consumer-table.ts: spaceHeat, hotWater, cool, coolPeak, use)
  const inputs: ConsumerInput[] = consumers;
  let result: NetworkResult;
  const planOptions = { ...o.plan, ...env.plan, warnings, onProgress: o.onProgress };
  // plant sites compared (plant-sites.ts): given candidate sites, the best potential cells, or the 1-median and the
  // high-demand clusters when no plant is given
  let candidates: PlantCandidate[] = [];
  if (o.plantCandidatesFile) candidates = (await readPlantsFile(o.plantCandidatesFile, crs)).map((p) => ({ plant: p, source: 'site' }));
  else if (o.plantFromPotential && potentialCells.length > 1) candidates = potentialCells.map((c) => ({ plant: c.plant, source: 'potential' }));
  else if (!plants && searchN > 0) {
    const carries = planOptions.carries ?? 'heat';
    // forced-out consumers add no demand to a cluster (the earlier form zeroed a copy that the demand did not read)
    const forcedOut = new Set(planOptions.forcedOut ?? []);
    const demand = (i: number) => (forcedOut.size && forcedOut.has(inputs[i]!.id) ? 0 : (carries !== 'cold' ? inputs[i]!.heatMWh : 0) + (carries !== 'heat' ? inputs[i]!.coolMWh ?? 0 : 0));
    const clusters = clusterCandidates(inputs, demand, o.clusterCellM ?? 250, searchN);
    candidates = [{ source: 'median' }, ...clusters.map((p) => ({ plant: p, source: 'cluster' as const }))];
  }
  let outcomes: CandidateOutcome[] | undefined;
  const compares = candidates.length > 1 || (candidates.length === 1 && candidates[0]!.source === 'site');
  if (o.lcohChoice && !compares) {
    throw new UsageError('route-plant-choice-nothing', 'plantChoice (--plant-choice) lcoh compares plant candidates, and this run has none: give --plant-candidates FILE, or no plant with --plant-search N > 0', { value: plants ? plants.map((p) => p.id).join(',') : searchN });
  }
  try {
    if (compares) {
      o.onProgress?.(0, candidates.length, `comparing ${candidates.length} plant sites`);
      const best = planBestSite({ graph: roadGraph.csr, consumers: inputs }, candidates, planOptions, o.lcohChoice);
      result = best.result;
      outcomes = best.outcomes;
    } else result = planNetwork({ graph: roadGraph.csr, consumers: inputs, plants }, planOptions);
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
    plantSource: fromPotential ? 'potential' : o.plantCandidatesFile ? 'file' : plants ? (o.plantsFile ? 'file' : 'given') : 'suggested',
    ...(fromPotential ? { plantPotential: chosenPotential(potentialCells, outcomes) ?? { band: fromPotential.band, cell_kW: fromPotential.cellKw } } : {}),
    ...(outcomes
      ? {
          plantChoice: o.lcohChoice ? PLANT_CHOICE_LCOH : PLANT_CHOICE,
          ...(o.lcohChoice ? { plantLcoh: { currency: o.lcohChoice.currency, definition: LCOH_DEFINITION } } : {}),
          plantCandidates: outcomes.map((c) => {
            const [lon, lat] = Number.isFinite(c.x) ? transformer(crs, WGS84).forward(c.x, c.y) : [NaN, NaN];
            return { ...c, x: undefined, y: undefined, lon: Math.round(lon! * 1e6) / 1e6, lat: Math.round(lat! * 1e6) / 1e6 };
          }).map(({ x: _x, y: _y, ...rest }) => rest),
        }
      : {}),
    plants: result.plants.map((p) => ({ id: p.id, type: p.type ?? null, capacity_kW: p.capacityKw ?? null, output_kW: p.outputKw, consumers: p.consumers, suggested: p.suggested, service_m: p.serviceM })),
    roads: {
      file: o.roads,
      format: roads.format,
      ...(roads.layer !== undefined ? { layer: roads.layer } : {}),
      crs: roads.sourceCrs.code,
      crsAssumed: roads.crsAssumed,
      excludedByClass: roads.excludedByClass,
      ...roadGraph.stats,
      graphCache,
    },
    crs: crs.code,
    warnings: warnings.counts(),
    assumptions: routeAssumptions(s, planOptions, candidates.some((c) => c.source === 'cluster') ? (o.clusterCellM ?? 250) : undefined),
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
    diversity: s.loads === 'coincident' ? 'none: design loads are the coincident peaks of the downstream consumers\' hourly profiles' : 'f = 0.62 + 0.38 / n (THERMOS)',
    kwPerM: `kw_per_m: design load of the branch downstream (${s.loads}) / (2 x its route length); not seed 003's figure, which is seedKwPerM (plant output / (2 x route length))`,
    loads: s.loads,
    weather: env.weatherFile ?? null,
    carries: s.carries,
    pruneBy: s.thresholds.pruneBy,
    maxLossShare: s.thresholds.maxLossShare,
    ...(s.marginalCost ? { marginalCost: { currency: s.marginalCost.currency, limit_per_MWh: s.marginalCost.limit_per_MWh, prunes: s.marginalCost.prunes, worstBranch_per_MWh: s.marginalCost.worstBranch_per_MWh, definition: s.marginalCost.definition } } : {}),
    seedKwPerM: s.seedKwPerM,
    seedPlantOutput_kW: s.seedPlantOutput_kW,
    seedOutputBasis: s.seedOutputBasis,
    designKwPerM: s.designKwPerM,
    mwhPerMA: s.mwhPerMA,
    lossShare: s.lossShare,
    lossShareMains: s.lossShareMains,
    lossShareDefinition: 'loss / (delivered + loss), mains and service pipes, annual',
    insulation: s.insulation,
    ...(s.media?.cold ? { coolSupply_C: s.media.cold.supply_C, coolReturn_C: s.media.cold.return_C } : {}),
    pumping: Object.fromEntries(Object.entries(s.media ?? {}).map(([m, r]) => [m, r!.pumping])),
    assumptions: summary.assumptions,
    // the supply curve the annual losses used, for the simulation's hourly losses (engine/sim/losses.ts)
    ...(o.supplyCurve?.length ? { supplyCurve: parseSupplyCurve(o.supplyCurve, s.sizing.returnC).map(([a, b]) => [a, b] as [number, number]) } : {}),
  };
  const geojson = networkGeojson(result, consumers, transformer(crs, WGS84), properties);
  return { result, consumers, roadGraph, crs, geojson, summary, warnings };
}
