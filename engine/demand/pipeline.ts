/**
 * The demand stage as a library function: buildings -> building table with use, floor area, demand and peak ->
 * exact-coverage grid -> blocks. The CLI, `heatplan run`, the demo and batch all call this.
 */
import { firstVertices, plausibleFootprints, projectTable, tableBBox } from '../buildings/geometry.js';
import { deriveFloorArea } from '../buildings/floor-area.js';
import { assignCategories, DEFAULT_USE_MAPPING, loadUseMapping } from '../buildings/use-taxonomy.js';
import { subsetTable, USE_CATEGORIES, type BuildingTable } from '../buildings/table.js';
import { chooseWorkingCrs, parseCrs, transformer, WGS84, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { aggregateToBlocks, blocksToGeoJson, gridCellsAsBlocks, readBlockPolygons } from '../grid/blocks.js';
import { checkGridSize, DEFAULT_MAX_CELLS, gridForBBox, gridSum, type GridSpec, type Raster } from '../grid/grid.js';
import { rasterizeBuildings, type RasterizeStats } from '../grid/rasterize-exact.js';
import { readBuildingInputs, type BuildingInputOptions } from '../io/buildings-input.js';
import { DEMAND_BANDS, type DemandStageSummary } from '../run/contract.js';
import type { ProgressFn } from '../util/progress.js';
import { heatingDegreeDays, readWeather, type Weather } from '../io/weather.js';
import { referenceWeatherFile } from '../util/data-dir.js';
import { buildUseProfiles } from './profiles.js';
import type { PeakConsistency } from '../run/summaries.js';
import { Warnings } from '../util/warnings.js';
import { computeDemand, coolingColumns, resolvedDemandParameters, type DemandOptions, type DemandTotals } from './annual.js';
import { loadMunicipalityRegions, resolveClimate, type ClimateChoice } from './climate.js';
import { DEFAULT_CLIMATE, DEFAULT_INTENSITY, loadClimate, loadIntensity, type ClimateRegion, type IntensityRow } from './tables.js';

export interface DemandStageOptions extends BuildingInputOptions {
  buildings: string[];
  /** Working CRS override ('EPSG:6677'); default: chosen from the data's location. */
  crs?: string;
  /** Grid cell size, m (default 100). */
  cellM?: number;
  /** Largest grid in cells (default DEFAULT_MAX_CELLS, engine/grid/grid.ts): refused above, before allocating. */
  maxCells?: number;
  /** Block polygons to aggregate to (GeoJSON/shapefile); without: grid cells are the blocks. */
  blocks?: string;
  useMapping?: string[];
  intensity?: string;
  climateTable?: string;
  climate?: ClimateChoice;
  /**
   * Weather file (HASP, CSV, EPW): heating degree days (base 18 °C, daily means), the annual mean and the design
   * temperature (the 0.4 % coldest hour) from it, where the climate choice does not give them (then --hdd is not
   * needed outside Japan).
   */
  weather?: string;
  hddScaling?: 'linear' | 'sqrt';
  includeBasement?: boolean;
  hotWaterFullLoadHours?: number;
  /** Storey height for storeys from measured height, m, for every use (default: the intensity table's storeyHeight_m by use). */
  storeyHeightM?: number;
  /** Height offset of the storey rule 1 + floor((h - offset) / storey height), m, for every use (default: by use). */
  heightOffsetM?: number;
  /** Residential hot water basis and overrides (engine/demand/annual.ts DemandOptions). */
  residentialHotWater?: 'per-dwelling' | 'per-m2';
  personsPerDwelling?: number;
  m2PerDwelling?: number;
  hotWaterPerPersonLDay?: number;
  hotWaterPerDwellingLDay?: number;
  /** Outside Japan: the climate region whose intensity columns apply (DemandOptions.intensityRegion). */
  intensityRegion?: number;
  /** CSV code,region,source: the climate region of each municipality (the 告示 783 table as the user holds it). */
  municipalityRegions?: string;
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
  // any reader: a footprint no building has (engine/buildings/geometry.ts MAX_FOOTPRINT_SPAN_M)
  'footprint-too-large', 'footprint-not-projectable',
]);

export async function runDemandStage(o: DemandStageOptions): Promise<DemandStageResult> {
  const t0 = performance.now();
  const warnings = new Warnings();
  const read = await readBuildingInputs(o.buildings, warnings, o);
  const droppedSoFar = (): Record<string, number> => {
    const d: Record<string, number> = {};
    for (const w of warnings.list()) if (DROP_CODES.has(w.code)) d[w.code] = w.count;
    return d;
  };
  const noBuildings = () => new InputError('no-buildings', `no usable buildings in the input (dropped: ${JSON.stringify(droppedSoFar())})`, { file: o.buildings.join(', ') });
  if (read.count === 0) throw noBuildings();

  // working CRS: the data's location decides unless the user says otherwise
  let crs: Crs;
  if (o.crs) {
    crs = { ...parseCrs(o.crs), reason: `given with --crs ${o.crs}` };
    if (crs.geographic) throw new InputError('crs-geographic', 'the working CRS (crs, --crs) must be projected (metres)', { value: o.crs, hint: 'give a projected CRS such as a JGD2011 plane zone (EPSG:6669-6687) or UTM, or leave crs out to have one chosen' });
  } else crs = chooseWorkingCrs(tableBBox(read));
  // each building's position in lon/lat, for naming the ones far out if the grid is too large
  let lonLat = firstVertices(read);
  projectTable(read, crs);
  // a footprint larger than any building once projected (far outside the CRS's zone, a stray vertex) is dropped
  const keep = plausibleFootprints(read, warnings);
  const table = keep ? subsetTable(read, keep) : read;
  if (keep) lonLat = Float64Array.from({ length: 2 * keep.length }, (_, k) => lonLat[2 * keep[k >> 1]! + (k & 1)]!);
  if (table.count === 0) throw noBuildings();
  const dropped = droppedSoFar();
  const cellM = o.cellM ?? 100;
  // the grid's size is known now: refuse it before the climate is looked up (a stray building far away would be
  // reported there as "outside Japan") and before anything is allocated
  demandGrid(table, crs, cellM, o.maxCells, lonLat);

  const choice: ClimateChoice = { ...o.climate };
  let weatherClimate: WeatherClimate | undefined;
  let weatherRead: Weather | undefined;
  if (o.weather) {
    weatherRead = await readWeather(o.weather, { warnings });
    weatherClimate = climateFromWeather(weatherRead);
    choice.hdd18Kd ??= weatherClimate.hdd18Kd;
    choice.meanTempC ??= weatherClimate.meanTempC;
    choice.designTempC ??= weatherClimate.designTempC;
  }
  const regions = loadClimate(o.climateTable ?? DEFAULT_CLIMATE);
  const climate = resolveClimate(regions, choice, tr4326Centre(table, crs), warnings, table, {
    municipalityRegions: o.municipalityRegions ? loadMunicipalityRegions(o.municipalityRegions, regions) : undefined,
  });
  if (weatherClimate) climate.reason += `; degree days ${Math.round(choice.hdd18Kd!)} K·d, mean ${choice.meanTempC!.toFixed(1)} °C, design ${choice.designTempC!.toFixed(1)} °C from ${o.weather} (where not given)`;
  const derived = deriveBuildingDemand(table, o, climate, warnings);
  const totals = derived.totals;
  const { grid, stats: rstats } = rasterizeDemand(table, crs, cellM, warnings, o.onProgress, o.maxCells);
  const spec: GridSpec = grid;
  const [fa, heat, peak, cool, coolPeak] = grid.bands;

  const toWgs = transformer(crs, WGS84);
  const cc = coolingColumns(table);
  let blocks: GeoJSON.FeatureCollection;
  let outside = 0;
  if (o.blocks) {
    const layer = await readBlockPolygons(o.blocks, crs, warnings);
    const totals = aggregateToBlocks(table, layer, warnings);
    blocks = blocksToGeoJson(layer, totals, toWgs);
    // the same split of every building over the blocks, for its cooling (its warnings are the heat pass's again)
    const ct = aggregateToBlocks(table, layer, new Warnings(), { floorAreaM2: table.floorAreaM2, heatMWh: cc.coolMWh, peakKw: cc.coolPeakKw });
    addBlockCooling(blocks, layer.id.map((_, k) => [ct.heatMWh[k]!, ct.peakKw[k]!]));
    outside = totals.outside.buildings;
  } else {
    blocks = gridCellsAsBlocks(spec, { floorAreaM2: fa!, heatMWh: heat!, peakKw: peak! }, toWgs);
    addGridCooling(blocks, spec, cool!, coolPeak!);
  }

  const byUse = demandByUse(table);
  let cellsWithDemand = 0;
  let cellsWithHeatOrCold = 0;
  for (let i = 0; i < heat!.length; i++) {
    if (heat![i]! > 0) cellsWithDemand++;
    if (heat![i]! > 0 || cool![i]! > 0) cellsWithHeatOrCold++;
  }
  const gridCool = gridSum(cool!), gridHeat = gridSum(heat!);
  const ha = (cellsWithHeatOrCold * cellM * cellM) / 1e4;

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
    grid: { floorArea_m2: gridSum(fa!), annualHeat_MWh: gridHeat, peak_kW: gridSum(peak!), width: spec.width, height: spec.height, cellsWithDemand },
    cooling: {
      cooling_MWh: totals.cooling_MWh,
      coolingPeak_kW: totals.coolingPeak_kW,
      heatAndCooling_MWh: totals.annualHeat_MWh + totals.cooling_MWh,
      grid: { cooling_MWh: gridCool, coolingPeak_kW: gridSum(coolPeak!) },
      density_MWh_per_ha_a: {
        heat: ha > 0 ? gridHeat / ha : 0,
        cooling: ha > 0 ? gridCool / ha : 0,
        heatAndCooling: ha > 0 ? (gridHeat + gridCool) / ha : 0,
      },
      notGiven: totals.coolingNotGiven,
    },
    crs: crs.code,
    crsReason: crs.reason ?? '',
    cellSize_m: cellM,
    blocks: { source: o.blocks ?? 'grid cells', count: blocks.features.length, outsideBuildings: outside },
    peakConsistency: await peakConsistency(table, derived, climate.region, weatherRead, o.intensityRegion),
    parameters: { ...demandParameters(derived, o), ...(weatherClimate ? { weather: o.weather, weatherClimate } : {}), climateReason: climate.reason, climateSource: climate.source, climateTable: o.climateTable ?? DEFAULT_CLIMATE },
    rasterize: rstats,
    seconds: (performance.now() - t0) / 1000,
  };
  return { table, crs, grid, blocks, summary, warnings };
}



const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Cooling properties of one block: annual and peak, density, and heat + cooling (contract BlockProperties). */
function coolingProperties(p: Record<string, unknown>, coolMWh: number, coolPeakKw: number): void {
  const landHa = Number(p.land_ha) || 0;
  const heat = Number(p.heat_MWh) || 0;
  p.cool_MWh = round3(coolMWh);
  p.coolPeak_kW = round3(coolPeakKw);
  p.coolDensity_MWh_per_ha_a = landHa > 0 ? round3(coolMWh / landHa) : 0;
  p.heatCool_MWh = round3(heat + coolMWh);
  p.heatCoolDensity_MWh_per_ha_a = landHa > 0 ? round3((heat + coolMWh) / landHa) : 0;
}

/** Add each block's cooling (annual MWh, peak kW, in the features' order) to blocks.geojson's features. */
export function addBlockCooling(blocks: GeoJSON.FeatureCollection, values: [number, number][]): void {
  blocks.features.forEach((f, k) => coolingProperties((f.properties ??= {}) as Record<string, unknown>, values[k]?.[0] ?? 0, values[k]?.[1] ?? 0));
}

/** Add the grid cells' cooling bands to the cell blocks of gridCellsAsBlocks (ids r{row}c{col}). */
export function addGridCooling(blocks: GeoJSON.FeatureCollection, spec: GridSpec, cool: ArrayLike<number>, coolPeak: ArrayLike<number>): void {
  for (const f of blocks.features) {
    const p = (f.properties ??= {}) as Record<string, unknown>;
    const i = Number(p.row) * spec.width + Number(p.col);
    coolingProperties(p, cool[i] ?? 0, coolPeak[i] ?? 0);
  }
}

/** Degree days, mean and design temperature of a weather file (the demand stage's --weather). */
export interface WeatherClimate {
  hdd18Kd: number;
  meanTempC: number;
  /** The 0.4 % coldest hour's temperature (35 of 8,760 hours), as engine/demand/climate-regions.csv computes it for regions 1-2. */
  designTempC: number;
  hours: number;
}

export function climateFromWeather(w: Weather): WeatherClimate {
  const a = w.airC;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  const sorted = Float64Array.from(a).sort();
  const k = Math.min(sorted.length - 1, Math.max(0, Math.floor(0.004 * sorted.length)));
  return { hdd18Kd: heatingDegreeDays(a, 18), meanTempC: sum / a.length, designTempC: sorted[k]!, hours: a.length };
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
export type DerivationOptions = Pick<
  DemandStageOptions,
  'useMapping' | 'intensity' | 'includeBasement' | 'hddScaling' | 'hotWaterFullLoadHours' | 'storeyHeightM' | 'heightOffsetM' | 'residentialHotWater' | 'personsPerDwelling' | 'm2PerDwelling' | 'hotWaterPerPersonLDay' | 'hotWaterPerDwellingLDay' | 'intensityRegion'
>;

export function deriveBuildingDemand(table: BuildingTable, o: DerivationOptions, climate: ClimateRegion, warnings: Warnings): DemandDerivation {
  const useMapping = loadUseMapping(o.useMapping?.length ? [DEFAULT_USE_MAPPING, ...o.useMapping] : [DEFAULT_USE_MAPPING]);
  const intensity = loadIntensity(o.intensity ?? DEFAULT_INTENSITY);
  assignCategories(table, useMapping, warnings);
  const floorAreaSource = deriveFloorArea(
    table,
    {
      defaultStoreys: intensity.map((r) => r.defaultStoreys),
      includeBasement: o.includeBasement,
      storeyHeightByCategory: intensity.map((r) => r.storeyHeightM),
      heightOffsetByCategory: intensity.map((r) => r.heightOffsetM),
      storeyHeightM: o.storeyHeightM,
      heightOffsetM: o.heightOffsetM,
    },
    warnings,
  );
  const demandOptions: DemandOptions = {
    climate,
    hddScaling: o.hddScaling,
    hotWaterFullLoadHours: o.hotWaterFullLoadHours,
    residentialHotWater: o.residentialHotWater,
    personsPerDwelling: o.personsPerDwelling,
    m2PerDwelling: o.m2PerDwelling,
    hotWaterPerPersonLDay: o.hotWaterPerPersonLDay,
    hotWaterPerDwellingLDay: o.hotWaterPerDwellingLDay,
    intensityRegion: o.intensityRegion,
  };
  const totals = computeDemand(table, intensity, demandOptions, warnings);
  return { useMappingFile: useMapping.file, intensity, floorAreaSource, demandOptions, totals };
}

/** The parameters a derivation used, for the manifest. */
export function demandParameters(d: DemandDerivation, o: DerivationOptions): Record<string, unknown> {
  return {
    ...resolvedDemandParameters(d.demandOptions),
    useMapping: d.useMappingFile,
    intensityTable: o.intensity ?? DEFAULT_INTENSITY,
    includeBasement: o.includeBasement ?? false,
    storeyHeight_m: o.storeyHeightM ?? 'intensity table by use',
    heightOffset_m: o.heightOffsetM ?? 'intensity table by use',
    intensities: Object.fromEntries(
      d.intensity.map((r) => {
        const reg = d.demandOptions.climate.region;
        const rj = reg >= 1 && reg <= 8 ? reg - 1 : (d.demandOptions.intensityRegion ?? 0) - 1;
        return [
          r.category,
          {
            spaceHeatRef_kWh_m2a: r.spaceHeatRefKwhM2a,
            hotWater_L_m2a: r.hotWaterLM2a,
            hotWaterServedShare: r.hotWaterServedShare,
            hotWater_L_person_day: r.hotWaterLPersonDay ?? null,
            personsPerDwelling: r.personsPerDwelling ?? null,
            m2PerDwelling: r.m2PerDwelling ?? null,
            dwellingsPerBuilding: r.dwellingsPerBuilding ?? null,
            defaultStoreys: r.defaultStoreys,
            storeyHeight_m: r.storeyHeightM,
            heightOffset_m: r.heightOffsetM,
            storeySource: r.storeySource,
            source: r.source,
            heat_kWh_m2a: r.heatKwhM2a[rj] ?? null,
            heatPeak_W_m2: r.heatPeakWm2[rj] ?? null,
            roomLoadRoom: r.roomLoadRoom?.join('/') ?? null,
            cool_kWh_m2a: r.coolKwhM2a[rj] ?? null,
            coolPeak_W_m2: r.coolPeakWm2[rj] ?? null,
            coolSource: r.coolSource,
            coolYear: r.coolYear,
          },
        ];
      }),
    ),
  };
}

/**
 * Floor area, heat and peak on a grid covering the table's extent, snapped to multiples of the cell size. A grid above
 * `maxCells` is refused before it is allocated (InputError 'grid-too-large', naming the extent and the buildings that
 * stretch it: engine/grid/grid.ts checkGridSize).
 */
export function rasterizeDemand(
  table: BuildingTable,
  crs: Crs,
  cellM: number,
  warnings: Warnings,
  onProgress?: ProgressFn,
  maxCells: number = DEFAULT_MAX_CELLS,
): { grid: Raster; stats: RasterizeStats } {
  const spec = demandGrid(table, crs, cellM, maxCells);
  const stats: RasterizeStats = { buildings: 0, singleCell: 0, multiCell: 0, zeroArea: 0, negativeCoverage: 0 };
  const cc = coolingColumns(table);
  // in DEMAND_BANDS order: floor area, heat, heating peak, cooling, cooling peak
  const bands = rasterizeBuildings(table, spec, [table.floorAreaM2, table.heatMWh, table.peakKw, cc.coolMWh, cc.coolPeakKw], { stats, warnings, onProgress });
  return { grid: { ...spec, bands, names: DEMAND_BANDS.map((b) => b.name), units: DEMAND_BANDS.map((b) => b.unit) }, stats };
}

/**
 * The demand grid of a projected table: its extent snapped to the cell size, refused above `maxCells` (InputError
 * 'grid-too-large' naming the extent in metres and lon/lat, the cell size and the buildings farthest out).
 */
export function demandGrid(table: BuildingTable, crs: Crs, cellM: number, maxCells: number = DEFAULT_MAX_CELLS, lonLat?: Float64Array): GridSpec {
  const spec = gridForBBox(crs.code, tableBBox(table), cellM);
  checkGridSize(spec, { maxCells, bands: DEMAND_BANDS.length, explain: () => stretchingBuildings(table, crs, lonLat) });
  return spec;
}

/** How many of the buildings farthest from the median centre a 'grid-too-large' error names. */
const FARTHEST_NAMED = 3;

/**
 * Why a (projected) table's grid is large: the lon/lat extent of its buildings and the buildings farthest from their
 * median centre (the median, unlike the mean, stays with the bulk of the buildings when a few stray). `ll` holds a
 * lon/lat position per building (its first vertex, taken before projection); without it the centroids are
 * transformed back, which is inexact for a building far outside the CRS's zone.
 */
export function stretchingBuildings(t: BuildingTable, crs: Crs, ll?: Float64Array): string {
  if (t.count === 0) return 'no buildings';
  const mx = median(t.cx), my = median(t.cy);
  const toWgs = transformer(crs, WGS84);
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const lonLat = (b: number): [number, number] | undefined => {
    if (ll) return [ll[2 * b]!, ll[2 * b + 1]!];
    try {
      const p = toWgs.forward(t.cx[b]!, t.cy[b]!);
      return Number.isFinite(p[0]) && Number.isFinite(p[1]) ? p : undefined;
    } catch {
      return undefined;
    }
  };
  const far: { b: number; d: number }[] = [];
  for (let b = 0; b < t.count; b++) {
    const p = lonLat(b);
    if (p) {
      if (p[0] < w) w = p[0];
      if (p[0] > e) e = p[0];
      if (p[1] < s) s = p[1];
      if (p[1] > n) n = p[1];
    }
    const d = Math.hypot(t.cx[b]! - mx, t.cy[b]! - my);
    if (far.length < FARTHEST_NAMED || d > far[far.length - 1]!.d) {
      far.push({ b, d });
      far.sort((a, c) => c.d - a.d);
      if (far.length > FARTHEST_NAMED) far.pop();
    }
  }
  const deg = (v: number, pos: string, neg: string) => `${Math.abs(v).toFixed(4)}°${v < 0 ? neg : pos}`;
  const where = (b: number) => {
    const p = lonLat(b);
    return p ? `${deg(p[0], 'E', 'W')} ${deg(p[1], 'N', 'S')}` : 'not in lon/lat';
  };
  const extent = Number.isFinite(w) ? `buildings between ${deg(w, 'E', 'W')}..${deg(e, 'E', 'W')} and ${deg(s, 'N', 'S')}..${deg(n, 'N', 'S')}` : 'buildings not in lon/lat';
  const names = far.map(({ b, d }) => `${t.files[t.fileIndex[b]!] ?? '?'}: ${t.id[b]} (${where(b)}, ${(d / 1000).toFixed(1)} km out)`);
  const centre = where(nearest(t, mx, my));
  return `${extent} (lon/lat); farthest from the median centre (near ${centre}): ${names.join('; ')}`;
}

/**
 * Why a tiled area's grid is large: the lon/lat extent of its files and the files whose extent's centre is farthest
 * from the median centre of all files (a tiled batch knows files' extents before it reads any building).
 */
export function stretchingFiles(scans: { file: string; bbox: [number, number, number, number] | null }[]): string {
  const boxes = scans.filter((s): s is { file: string; bbox: [number, number, number, number] } => s.bbox !== null);
  if (!boxes.length) return 'no buildings';
  const lon = Float64Array.from(boxes, (s) => (s.bbox[0] + s.bbox[2]) / 2), lat = Float64Array.from(boxes, (s) => (s.bbox[1] + s.bbox[3]) / 2);
  const mlon = median(lon), mlat = median(lat);
  const kmFrom = (k: number) => (Math.hypot((lon[k]! - mlon) * Math.cos((mlat * Math.PI) / 180), lat[k]! - mlat) * 111.32);
  const far = boxes.map((_, k) => k).sort((a, b) => kmFrom(b) - kmFrom(a)).slice(0, FARTHEST_NAMED);
  const deg = (v: number, pos: string, neg: string) => `${Math.abs(v).toFixed(4)}°${v < 0 ? neg : pos}`;
  const w = Math.min(...boxes.map((s) => s.bbox[0])), e = Math.max(...boxes.map((s) => s.bbox[2]));
  const so = Math.min(...boxes.map((s) => s.bbox[1])), n = Math.max(...boxes.map((s) => s.bbox[3]));
  return (
    `buildings between ${deg(w, 'E', 'W')}..${deg(e, 'E', 'W')} and ${deg(so, 'N', 'S')}..${deg(n, 'N', 'S')} (lon/lat); ` +
    `files farthest from the median centre (${deg(mlon, 'E', 'W')} ${deg(mlat, 'N', 'S')}): ` +
    far.map((k) => `${boxes[k]!.file} (buildings ${deg(boxes[k]!.bbox[0], 'E', 'W')}..${deg(boxes[k]!.bbox[2], 'E', 'W')}, ${deg(boxes[k]!.bbox[1], 'N', 'S')}..${deg(boxes[k]!.bbox[3], 'N', 'S')}; ${kmFrom(k).toFixed(1)} km out)`).join('; ')
  );
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The building whose centroid is nearest (x, y). */
function nearest(t: BuildingTable, x: number, y: number): number {
  let best = 0, bd = Infinity;
  for (let b = 0; b < t.count; b++) {
    const d = Math.hypot(t.cx[b]! - x, t.cy[b]! - y);
    if (d < bd) {
      bd = d;
      best = b;
    }
  }
  return best;
}

/** Buildings, floor area and annual heat per use category. */
export function demandByUse(t: BuildingTable): DemandStageSummary['byUse'] {
  const cc = coolingColumns(t);
  const byUse: DemandStageSummary['byUse'] = {};
  for (let i = 0; i < t.count; i++) {
    const e = (byUse[USE_CATEGORIES[t.category[i]!] ?? 'unknown'] ??= { buildings: 0, floorArea_m2: 0, annualHeat_MWh: 0, cooling_MWh: 0, heatAndCooling_MWh: 0 });
    e.buildings++;
    e.floorArea_m2 += t.floorAreaM2[i]!;
    e.annualHeat_MWh += t.heatMWh[i]!;
    e.cooling_MWh = (e.cooling_MWh ?? 0) + cc.coolMWh[i]!;
    e.heatAndCooling_MWh = (e.heatAndCooling_MWh ?? 0) + t.heatMWh[i]! + cc.coolMWh[i]!;
  }
  return byUse;
}

/**
 * How the design peaks the demand stage reports compare with the peaks the hourly profiles put on the same buildings
 * (issue 11 step 4): per use, sum of design peaks against annual x the highest hourly share of the use's profile, for
 * space heating and for cooling, on the weather given to demand (--weather) or the climate region's reference year.
 * A ratio of 1 means the simulation on that weather peaks where the design peak says; uses whose heating follows the
 * degree-day model (24 h heating) show how far that model is from the hourly profile.
 */
export async function peakConsistency(t: BuildingTable, d: DemandDerivation, region: number, weather: Weather | undefined, intensityRegion?: number): Promise<PeakConsistency | undefined> {
  const reg = region >= 1 && region <= 8 ? region : intensityRegion;
  let w = weather;
  if (!w) {
    if (!(reg !== undefined && reg >= 1 && reg <= 8)) return undefined;
    w = await readWeather(referenceWeatherFile(reg));
  }
  const sums = new Map<string, { shMWh: number; coolMWh: number; shDesign: number; coolDesign: number }>();
  const cc = coolingColumns(t);
  const rj = reg !== undefined && reg >= 1 && reg <= 8 ? reg - 1 : -1;
  for (let i = 0; i < t.count; i++) {
    const c = t.category[i]!;
    const use = USE_CATEGORIES[c] ?? 'unknown';
    if (use === 'greenhouse' || use === 'unheated') continue;
    const e = sums.get(use) ?? { shMWh: 0, coolMWh: 0, shDesign: 0, coolDesign: 0 };
    const row = d.intensity[c]!;
    const fa = t.floorAreaM2[i]!;
    e.shMWh += t.spaceHeatMWh[i]!;
    e.coolMWh += cc.coolMWh[i]!;
    e.coolDesign += cc.coolPeakKw[i]!;
    // the space-heating part of the design peak (peakKw also holds hot water)
    const hp = rj >= 0 ? row.heatPeakWm2[rj] : undefined;
    if (hp !== undefined) e.shDesign += (fa * hp) / 1000;
    else {
      const p = resolvedDemandParameters(d.demandOptions);
      const dh = p.hdd18_Kd * 24;
      e.shDesign += dh > 0 ? ((t.spaceHeatMWh[i]! * 1000) / dh) * Math.max(0, p.baseTemp_C - p.designTemp_C) : 0;
    }
    sums.set(use, e);
  }
  const profiles = buildUseProfiles(w, sums.keys(), { climateRegion: reg });
  const max = (a: Float64Array) => a.reduce((m, v) => (v > m ? v : m), 0);
  const byUse: PeakConsistency['byUse'] = {};
  for (const [use, e] of sums) {
    const p = profiles.get(use)!;
    const shProfile = e.shMWh * 1000 * max(p.spaceHeat);
    const coolProfile = e.coolMWh * 1000 * max(p.cooling);
    byUse[use] = {
      spaceHeatDesign_kW: e.shDesign,
      spaceHeatProfile_kW: shProfile,
      spaceHeatRatio: e.shDesign > 0 ? shProfile / e.shDesign : null,
      coolingDesign_kW: e.coolDesign,
      coolingProfile_kW: coolProfile,
      coolingRatio: e.coolDesign > 0 ? coolProfile / e.coolDesign : null,
    };
  }
  return { weather: w.file, region: reg ?? null, byUse };
}
