/**
 * The demand stage as a library function: buildings -> building table with use, floor area, demand and peak ->
 * exact-coverage grid -> blocks. The CLI, `heatplan run`, the demo and batch all call this.
 */
import { computeFootprints, projectTable, tableBBox } from '../buildings/geometry.js';
import { deriveFloorArea } from '../buildings/floor-area.js';
import { assignCategories, DEFAULT_USE_MAPPING, loadUseMapping } from '../buildings/use-taxonomy.js';
import { USE_CATEGORIES, type BuildingTable } from '../buildings/table.js';
import { chooseWorkingCrs, parseCrs, transformer, WGS84, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { aggregateToBlocks, blocksToGeoJson, gridCellsAsBlocks, readBlockPolygons } from '../grid/blocks.js';
import { gridForBBox, gridSum, type GridSpec, type Raster } from '../grid/grid.js';
import { rasterizeBuildings, type RasterizeStats } from '../grid/rasterize-exact.js';
import { readBuildingInputs, type BuildingInputOptions } from '../io/buildings-input.js';
import type { ProgressFn } from '../util/progress.js';
import { Warnings } from '../util/warnings.js';
import { computeDemand, resolvedDemandParameters, type DemandTotals } from './annual.js';
import { resolveClimate, type ClimateChoice } from './climate.js';
import { DEFAULT_CLIMATE, DEFAULT_INTENSITY, loadClimate, loadIntensity } from './tables.js';

export interface DemandStageOptions extends BuildingInputOptions {
  buildings: string[];
  /** Working CRS override ('EPSG:6677'); default: chosen from the data's location. */
  crs?: string;
  /** Grid cell size, m (default 100). */
  cellM?: number;
  /** Block polygons to aggregate to (GeoJSON/shapefile); without: grid cells are the blocks. */
  blocks?: string;
  useMapping?: string[];
  intensity?: string;
  climateTable?: string;
  climate?: ClimateChoice;
  hddScaling?: 'linear' | 'sqrt';
  includeBasement?: boolean;
  hotWaterFullLoadHours?: number;
  onProgress?: ProgressFn;
}

export interface DemandStageResult {
  table: BuildingTable;
  crs: Crs;
  grid: Raster;
  blocks: GeoJSON.FeatureCollection;
  summary: DemandSummary;
  warnings: Warnings;
}

export interface DemandSummary {
  buildings: number;
  dropped: Record<string, number>;
  warnings: Record<string, number>;
  floorAreaSource: Record<string, number>;
  byUse: Record<string, { buildings: number; floorArea_m2: number; annualHeat_MWh: number }>;
  floorArea_m2: number;
  spaceHeat_MWh: number;
  hotWater_MWh: number;
  annualHeat_MWh: number;
  peak_kW: number;
  grid: { floorArea_m2: number; annualHeat_MWh: number; peak_kW: number; width: number; height: number; cellsWithDemand: number };
  crs: string;
  crsReason: string;
  cellSize_m: number;
  blocks: { source: string; count: number; outsideBuildings: number };
  parameters: Record<string, unknown>;
  rasterize: RasterizeStats;
  seconds: number;
}

/**
 * Warning codes with which the readers drop a building entirely (reported as `dropped`); every other warning is about
 * a building that was kept (a missing attribute, a defaulted value).
 */
export const DROP_CODES = new Set([
  // CityGML
  'no-footprint', 'geometry-nan', 'geometry-too-few-points',
  // OSM
  'unclosed-way', 'missing-nodes', 'unclosed-ring', 'missing-member', 'no-outer',
  // OSM, shapefile, GeoJSON
  'too-few-points', 'nan', 'not-polygon', 'no-geometry',
]);

export async function runDemandStage(o: DemandStageOptions): Promise<DemandStageResult> {
  const t0 = performance.now();
  const warnings = new Warnings();
  const table = await readBuildingInputs(o.buildings, warnings, o);
  const dropped: Record<string, number> = {};
  for (const w of warnings.list()) if (DROP_CODES.has(w.code)) dropped[w.code] = w.count;
  if (table.count === 0) {
    throw new InputError('no-buildings', `no usable buildings in the input (dropped: ${JSON.stringify(dropped)})`, { file: o.buildings.join(', ') });
  }

  // working CRS: the data's location decides unless the user says otherwise
  let crs: Crs;
  if (o.crs) {
    crs = { ...parseCrs(o.crs), reason: `given with --crs ${o.crs}` };
    if (crs.geographic) throw new InputError('crs-geographic', 'the working CRS must be projected (metres)', { value: o.crs });
  } else crs = chooseWorkingCrs(tableBBox(table));
  projectTable(table, crs);
  computeFootprints(table);

  const useMapping = loadUseMapping(o.useMapping?.length ? [DEFAULT_USE_MAPPING, ...o.useMapping] : [DEFAULT_USE_MAPPING]);
  const intensity = loadIntensity(o.intensity ?? DEFAULT_INTENSITY);
  const regions = loadClimate(o.climateTable ?? DEFAULT_CLIMATE);
  assignCategories(table, useMapping, warnings);
  const floorAreaSource = deriveFloorArea(table, { defaultStoreys: intensity.map((r) => r.defaultStoreys), includeBasement: o.includeBasement }, warnings);
  const centre = tr4326Centre(table, crs);
  const climate = resolveClimate(regions, o.climate ?? {}, centre, warnings);
  const demandOpts = { climate, hddScaling: o.hddScaling, hotWaterFullLoadHours: o.hotWaterFullLoadHours };
  const totals: DemandTotals = computeDemand(table, intensity, demandOpts);

  // grid from the projected extent, snapped to multiples of the cell size
  const cellM = o.cellM ?? 100;
  const spec: GridSpec = gridForBBox(crs.code, tableBBox(table), cellM);
  const rstats: RasterizeStats = { buildings: 0, singleCell: 0, multiCell: 0, zeroArea: 0, negativeCoverage: 0 };
  const [fa, heat, peak] = rasterizeBuildings(table, spec, [table.floorAreaM2, table.heatMWh, table.peakKw], {
    stats: rstats,
    warnings,
    onProgress: o.onProgress,
  });
  const grid: Raster = {
    ...spec,
    bands: [fa!, heat!, peak!],
    names: ['floor_area', 'annual_heat', 'peak'],
    units: ['m2', 'MWh/a', 'kW'],
  };

  const toWgs = transformer(crs, WGS84);
  let blocks: GeoJSON.FeatureCollection;
  let outside = 0;
  if (o.blocks) {
    const layer = await readBlockPolygons(o.blocks, crs, warnings);
    const totals = aggregateToBlocks(table, layer, warnings);
    blocks = blocksToGeoJson(layer, totals, toWgs);
    outside = totals.outside.buildings;
  } else {
    blocks = gridCellsAsBlocks(spec, { floorAreaM2: fa!, heatMWh: heat!, peakKw: peak! }, toWgs);
  }

  const byUse: DemandSummary['byUse'] = {};
  for (let i = 0; i < table.count; i++) {
    const u = useName(table.category[i]!);
    const e = (byUse[u] ??= { buildings: 0, floorArea_m2: 0, annualHeat_MWh: 0 });
    e.buildings++;
    e.floorArea_m2 += table.floorAreaM2[i]!;
    e.annualHeat_MWh += table.heatMWh[i]!;
  }
  let cellsWithDemand = 0;
  for (let i = 0; i < heat!.length; i++) if (heat![i]! > 0) cellsWithDemand++;

  const summary: DemandSummary = {
    buildings: table.count,
    dropped,
    warnings: warnings.counts(),
    floorAreaSource,
    byUse,
    floorArea_m2: totals.floorArea_m2,
    spaceHeat_MWh: totals.spaceHeat_MWh,
    hotWater_MWh: totals.hotWater_MWh,
    annualHeat_MWh: totals.annualHeat_MWh,
    peak_kW: totals.peak_kW,
    grid: { floorArea_m2: gridSum(fa!), annualHeat_MWh: gridSum(heat!), peak_kW: gridSum(peak!), width: spec.width, height: spec.height, cellsWithDemand },
    crs: crs.code,
    crsReason: crs.reason ?? '',
    cellSize_m: cellM,
    blocks: { source: o.blocks ?? 'grid cells', count: blocks.features.length, outsideBuildings: outside },
    parameters: {
      ...resolvedDemandParameters(demandOpts),
      climateReason: climate.reason,
      climateSource: climate.source,
      useMapping: useMapping.file,
      intensityTable: o.intensity ?? DEFAULT_INTENSITY,
      climateTable: o.climateTable ?? DEFAULT_CLIMATE,
      includeBasement: o.includeBasement ?? false,
      intensities: Object.fromEntries(intensity.map((r) => [r.category, { spaceHeatRef_kWh_m2a: r.spaceHeatRefKwhM2a, hotWater_L_m2a: r.hotWaterLM2a, defaultStoreys: r.defaultStoreys, source: r.source }])),
    },
    rasterize: rstats,
    seconds: (performance.now() - t0) / 1000,
  };
  return { table, crs, grid, blocks, summary, warnings };
}

const useName = (c: number): string => USE_CATEGORIES[c] ?? 'unknown';


function tr4326Centre(t: BuildingTable, crs: Crs): [number, number] {
  const [xmin, ymin, xmax, ymax] = tableBBox(t);
  return transformer(crs, WGS84).forward((xmin + xmax) / 2, (ymin + ymax) / 2);
}
