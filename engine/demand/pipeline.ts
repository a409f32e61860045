/**
 * The demand stage as a library function: buildings -> building table with use, floor area, demand and peak ->
 * exact-coverage grid -> blocks. The CLI, `heatplan run`, the demo and batch all call this.
 */
import { projectTable, tableBBox } from '../buildings/geometry.js';
import { deriveFloorArea } from '../buildings/floor-area.js';
import { assignCategories, DEFAULT_USE_MAPPING, loadUseMapping } from '../buildings/use-taxonomy.js';
import { USE_CATEGORIES, type BuildingTable } from '../buildings/table.js';
import { chooseWorkingCrs, parseCrs, transformer, WGS84, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { aggregateToBlocks, blocksToGeoJson, gridCellsAsBlocks, readBlockPolygons } from '../grid/blocks.js';
import { gridForBBox, gridSum, type GridSpec, type Raster } from '../grid/grid.js';
import { rasterizeBuildings, type RasterizeStats } from '../grid/rasterize-exact.js';
import { readBuildingInputs, type BuildingInputOptions } from '../io/buildings-input.js';
import { DEMAND_BANDS, type DemandStageSummary } from '../run/contract.js';
import type { ProgressFn } from '../util/progress.js';
import { Warnings } from '../util/warnings.js';
import { computeDemand, resolvedDemandParameters, type DemandOptions, type DemandTotals } from './annual.js';
import { resolveClimate, type ClimateChoice } from './climate.js';
import { DEFAULT_CLIMATE, DEFAULT_INTENSITY, loadClimate, loadIntensity, type ClimateRegion, type IntensityRow } from './tables.js';

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
  summary: DemandStageSummary;
  warnings: Warnings;
}

/**
 * @deprecated the stage's own summary is DemandStageSummary and manifest.demand is DemandSummary, both in
 * engine/run/contract.ts; this alias keeps the stage's summary type reachable under its old name.
 */
export type DemandSummary = DemandStageSummary;

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

  const climate = resolveClimate(loadClimate(o.climateTable ?? DEFAULT_CLIMATE), o.climate ?? {}, tr4326Centre(table, crs), warnings);
  const derived = deriveBuildingDemand(table, o, climate, warnings);
  const totals = derived.totals;
  const cellM = o.cellM ?? 100;
  const { grid, stats: rstats } = rasterizeDemand(table, crs, cellM, warnings, o.onProgress);
  const spec: GridSpec = grid;
  const [fa, heat, peak] = grid.bands;

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

  const byUse = demandByUse(table);
  let cellsWithDemand = 0;
  for (let i = 0; i < heat!.length; i++) if (heat![i]! > 0) cellsWithDemand++;

  const summary: DemandStageSummary = {
    buildings: table.count,
    dropped,
    warnings: warnings.counts(),
    floorAreaSource: derived.floorAreaSource,
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
    parameters: { ...demandParameters(derived, o), climateReason: climate.reason, climateSource: climate.source, climateTable: o.climateTable ?? DEFAULT_CLIMATE },
    rasterize: rstats,
    seconds: (performance.now() - t0) / 1000,
  };
  return { table, crs, grid, blocks, summary, warnings };
}



function tr4326Centre(t: BuildingTable, crs: Crs): [number, number] {
  const [xmin, ymin, xmax, ymax] = tableBBox(t);
  return transformer(crs, WGS84).forward((xmin + xmax) / 2, (ymin + ymax) / 2);
}

/** Use categories, floor area and annual demand of every building (the table must be projected). */
export interface DemandDerivation {
  useMappingFile: string;
  intensity: IntensityRow[];
  floorAreaSource: Record<string, number>;
  demandOptions: DemandOptions;
  totals: DemandTotals;
}

/** Demand options that shape the per-building derivation (the subset a batch tile passes on). */
export type DerivationOptions = Pick<DemandStageOptions, 'useMapping' | 'intensity' | 'includeBasement' | 'hddScaling' | 'hotWaterFullLoadHours'>;

export function deriveBuildingDemand(table: BuildingTable, o: DerivationOptions, climate: ClimateRegion, warnings: Warnings): DemandDerivation {
  const useMapping = loadUseMapping(o.useMapping?.length ? [DEFAULT_USE_MAPPING, ...o.useMapping] : [DEFAULT_USE_MAPPING]);
  const intensity = loadIntensity(o.intensity ?? DEFAULT_INTENSITY);
  assignCategories(table, useMapping, warnings);
  const floorAreaSource = deriveFloorArea(table, { defaultStoreys: intensity.map((r) => r.defaultStoreys), includeBasement: o.includeBasement }, warnings);
  const demandOptions: DemandOptions = { climate, hddScaling: o.hddScaling, hotWaterFullLoadHours: o.hotWaterFullLoadHours };
  const totals = computeDemand(table, intensity, demandOptions);
  return { useMappingFile: useMapping.file, intensity, floorAreaSource, demandOptions, totals };
}

/** The parameters a derivation used, for the manifest. */
export function demandParameters(d: DemandDerivation, o: DerivationOptions): Record<string, unknown> {
  return {
    ...resolvedDemandParameters(d.demandOptions),
    useMapping: d.useMappingFile,
    intensityTable: o.intensity ?? DEFAULT_INTENSITY,
    includeBasement: o.includeBasement ?? false,
    intensities: Object.fromEntries(d.intensity.map((r) => [r.category, { spaceHeatRef_kWh_m2a: r.spaceHeatRefKwhM2a, hotWater_L_m2a: r.hotWaterLM2a, defaultStoreys: r.defaultStoreys, source: r.source }])),
  };
}

/** Floor area, heat and peak on a grid covering the table's extent, snapped to multiples of the cell size. */
export function rasterizeDemand(table: BuildingTable, crs: Crs, cellM: number, warnings: Warnings, onProgress?: ProgressFn): { grid: Raster; stats: RasterizeStats } {
  const spec: GridSpec = gridForBBox(crs.code, tableBBox(table), cellM);
  const stats: RasterizeStats = { buildings: 0, singleCell: 0, multiCell: 0, zeroArea: 0, negativeCoverage: 0 };
  const bands = rasterizeBuildings(table, spec, [table.floorAreaM2, table.heatMWh, table.peakKw], { stats, warnings, onProgress });
  return { grid: { ...spec, bands, names: DEMAND_BANDS.map((b) => b.name), units: DEMAND_BANDS.map((b) => b.unit) }, stats };
}

/** Buildings, floor area and annual heat per use category. */
export function demandByUse(t: BuildingTable): DemandStageSummary['byUse'] {
  const byUse: DemandStageSummary['byUse'] = {};
  for (let i = 0; i < t.count; i++) {
    const e = (byUse[USE_CATEGORIES[t.category[i]!] ?? 'unknown'] ??= { buildings: 0, floorArea_m2: 0, annualHeat_MWh: 0 });
    e.buildings++;
    e.floorArea_m2 += t.floorAreaM2[i]!;
    e.annualHeat_MWh += t.heatMWh[i]!;
  }
  return byUse;
}
