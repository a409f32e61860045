/**
 * The run-folder contract: the names of a run folder's files, the bands of its rasters, the feature kinds and
 * properties of its GeoJSON layers, the columns of hourly.csv and the typed manifest. The stages write to it, the
 * viewer, the exports, the report and batch runs read it (Node readers: engine/run/read.ts).
 *
 * No Node imports: the browser viewer (viewer/src) imports this file.
 *
 * Version: this is the contract of run folders written by heatplan 0.1.x, the only layout heatplan has written (the
 * keys below are the ones every 0.1 stage wrote since it existed; there is no older layout to fall back to). Readers
 * read exactly these keys. test/run/contract.test.ts pins the contract against a demo run (test/fixtures/contract/).
 */
import type { LineString, MultiLineString, MultiPolygon, Point, Polygon } from 'geojson';
import type {
  AreasStageSummary,
  AreasSummary,
  DemandSummary,
  DropReason,
  PotentialSummary,
  RouteSummary,
  SimSummary,
  WarningCounts,
} from './summaries.js';

export * from './summaries.js';
/** platform.json (FILES.platform) and manifest.potential.platform: engine/platform/types.ts, import-free. */
export type { GuidelineCheck, GuidelineRuleRecord, PlatformFile, PlatformResilience, PlatformSummary, ZoneResult, CriticalFacility } from '../platform/types.js';

/** Run folders this contract describes: those written by heatplan 0.1.x. */
export const CONTRACT_VERSION = '0.1';

// ---------------------------------------------------------------------------------------------------------------
// files

/** Every file of a run folder, by role. */
export const FILES = {
  manifest: 'manifest.json',
  demand: 'demand.tif',
  blocks: 'blocks.geojson',
  buildings: 'buildings.geojson',
  /** buildings.geojson's FlatGeobuf form (issue 18): always written; readers take it first. */
  buildingsFgb: 'buildings.fgb',
  potential: 'potential.tif',
  /** Platform view (issue 19): guideline flags per building, block and area; critical facilities (potential stage). */
  platform: 'platform.json',
  areas: 'areas.geojson',
  network: 'network.geojson',
  /** network.geojson's FlatGeobuf form (issue 18): always written; readers take it first. */
  networkFgb: 'network.fgb',
  roads: 'roads.geojson',
  /** The compiled road graph cached for the next route call (engine/network/graph-cache.ts), keyed by the roads file's sha256 and the graph options. */
  roadGraph: 'road-graph.bin',
  sim: 'sim.json',
  costs: 'costs.json',
  costsCsv: 'costs.csv',
  hourly: 'hourly.csv',
  /** The simulation's calculation sheet (issue 12): machines, rules, loss model, the factor term by term. */
  simSheet: 'sim-sheet.csv',
  report: 'report.html',
  mapPng: 'map.png',
  mapPdf: 'map.pdf',
  mapSvg: 'map.svg',
} as const;

export type RunFileKey = keyof typeof FILES;
export type RunFileName = (typeof FILES)[RunFileKey];

export const MAP_FORMATS = ['png', 'pdf', 'svg'] as const;
export type MapFileFormat = (typeof MAP_FORMATS)[number];

/** The plan sheet's default file name for `format` (map.png, map.pdf, map.svg). */
export const mapFile = (format: MapFileFormat): RunFileName => `map.${format}` as RunFileName;

/** The heatplan command that writes each file (for "run ... first" hints). */
export const FILE_WRITER: Record<RunFileKey, string> = {
  manifest: 'heatplan demand',
  demand: 'heatplan demand',
  blocks: 'heatplan demand',
  buildings: 'heatplan demand',
  buildingsFgb: 'heatplan demand',
  potential: 'heatplan potential',
  platform: 'heatplan potential',
  areas: 'heatplan areas',
  network: 'heatplan route',
  networkFgb: 'heatplan route',
  roads: 'heatplan route',
  roadGraph: 'heatplan route',
  sim: 'heatplan simulate',
  costs: 'heatplan cost',
  costsCsv: 'heatplan cost',
  hourly: 'heatplan simulate',
  simSheet: 'heatplan simulate',
  report: 'heatplan report',
  mapPng: 'heatplan export-map',
  mapPdf: 'heatplan export-map',
  mapSvg: 'heatplan export-map',
};

/**
 * The large vector layers, each written as FlatGeobuf (the run's own form, read feature by feature) and, for small
 * runs, as a GeoJSON twin with the same features: readers take the .fgb and fall back to the .geojson (runs of
 * heatplan before issue 18 have only that).
 */
export const VECTOR_LAYERS = { buildings: { fgb: 'buildingsFgb', geojson: 'buildings' }, network: { fgb: 'networkFgb', geojson: 'network' } } as const satisfies Record<string, { fgb: RunFileKey; geojson: RunFileKey }>;
export type VectorLayer = keyof typeof VECTOR_LAYERS;

/** When the GeoJSON twin of a FlatGeobuf layer is written: auto (up to a number of features), always, never. */
export const GEOJSON_TWIN_MODES = ['auto', 'always', 'never'] as const;
export type GeojsonTwinMode = (typeof GEOJSON_TWIN_MODES)[number];

/**
 * Default largest layer (features) of which `auto` writes the GeoJSON twin. Not a physical figure but a size policy:
 * buildings.geojson takes about 590 bytes per building (567 MiB for the 1,004,824 buildings of the 86 x Osaka run,
 * issue 18), so 100,000 features are about 56 MiB, a ninth of V8's longest string (2^29 - 24 characters, about 512
 * MiB): tools that read a GeoJSON file as one string (JSON.parse, browsers, heatplan before issue 18) still open it,
 * and a city's runs are not doubled on disk by a text copy of the FlatGeobuf.
 */
export const GEOJSON_TWIN_MAX_FEATURES = 100_000;

/** Whether to write the GeoJSON twin of a layer of `features` features, and why (for the manifest and terminal). */
export function geojsonTwin(mode: GeojsonTwinMode | undefined, features: number, maxFeatures = GEOJSON_TWIN_MAX_FEATURES): { write: boolean; reason: string } {
  const m = mode ?? 'auto';
  if (m !== 'auto') return { write: m === 'always', reason: `--geojson ${m}` };
  return features <= maxFeatures
    ? { write: true, reason: `auto: ${features} features <= ${maxFeatures} (--geojson-max-features)` }
    : { write: false, reason: `auto: ${features} features > ${maxFeatures} (--geojson-max-features)` };
}

// ---------------------------------------------------------------------------------------------------------------
// rasters

/** One band of a run raster: its name and unit as written in the GeoTIFF's GDAL metadata. */
export interface BandSpec {
  name: string;
  unit: string;
}

/**
 * demand.tif's bands, in order: floor area m², annual heat MWh/a and design heating peak kW per cell, then annual
 * cooling MWh/a and design cooling peak kW per cell (the cooling bands come after the first three so that readers
 * indexing those keep their positions).
 */
export const DEMAND_BANDS = [
  { name: 'floor_area', unit: 'm2' },
  { name: 'annual_heat', unit: 'MWh/a' },
  { name: 'peak', unit: 'kW' },
  { name: 'annual_cooling', unit: 'MWh/a' },
  { name: 'cooling_peak', unit: 'kW' },
] as const satisfies readonly BandSpec[];

/** Band index of each demand quantity in demand.tif. */
export const DEMAND_BAND = { floorArea: 0, annualHeat: 1, peak: 2, annualCooling: 3, coolingPeak: 4 } as const;

/** Display labels of demand.tif's bands (viewer), in band order. */
export const DEMAND_BAND_LABELS = [
  { name: 'floor area', unit: 'm²' },
  { name: 'heat demand', unit: 'MWh/a' },
  { name: 'peak load', unit: 'kW' },
  { name: 'cooling demand', unit: 'MWh/a' },
  { name: 'cooling peak load', unit: 'kW' },
] as const satisfies readonly BandSpec[];

/**
 * potential.tif's bands, in order: one band per heat source (kW a consumer in the cell can draw within the source's
 * access distance; NaN where the source was not given), then coverage (source kW / demand kW) and suitability class.
 */
export const POTENTIAL_BANDS = [
  { name: 'sewage_kW', unit: 'kW' },
  { name: 'river_kW', unit: 'kW' },
  { name: 'ground_kW', unit: 'kW' },
  { name: 'waste_heat_kW', unit: 'kW' },
  { name: 'coverage', unit: 'ratio' },
  { name: 'suitability', unit: 'class' },
  // seed 000's other unused sources (issue 19), after suitability so that readers indexing the bands above keep them;
  // NaN where the source was not given. snow_ice_kW is cold (kW of cooling), the others heat.
  { name: 'sea_water_kW', unit: 'kW' },
  { name: 'hot_spring_kW', unit: 'kW' },
  { name: 'snow_ice_kW', unit: 'kW' },
  { name: 'biomass_kW', unit: 'kW' },
  { name: 'transformer_kW', unit: 'kW' },
] as const satisfies readonly BandSpec[];

/** The source bands of potential.tif (the first four). */
export const POTENTIAL_SOURCE_BANDS = [POTENTIAL_BANDS[0], POTENTIAL_BANDS[1], POTENTIAL_BANDS[2], POTENTIAL_BANDS[3]] as const;

/** Band index of each potential.tif band. */
export const POTENTIAL_BAND = { sewage: 0, river: 1, ground: 2, waste_heat: 3, coverage: 4, suitability: 5, sea_water: 6, hot_spring: 7, snow_ice: 8, biomass: 9, transformer: 10 } as const;

/** How the potential summary lists a band: '1: sewage_kW (kW)'. */
export const potentialBandLabel = (i: number, b: BandSpec): string => `${i + 1}: ${b.name} (${b.unit})`;

// ---------------------------------------------------------------------------------------------------------------
// GeoJSON layers (all WGS84 lon/lat)

/** A typed GeoJSON feature collection of a run folder. */
export interface RunFeature<G, P> {
  type: 'Feature';
  geometry: G;
  properties: P;
}
export interface RunFeatureCollection<F, P = undefined> {
  type: 'FeatureCollection';
  /** Collection-level properties (network.geojson: temperatures and thresholds; areas.geojson: the areas summary). */
  properties?: P;
  features: F[];
}

/** blocks.geojson: one feature per block (with --blocks) or per grid cell (without; then with row and col). */
export interface BlockProperties {
  id: string;
  floorArea_m2: number;
  heat_MWh: number;
  peak_kW: number;
  land_m2: number;
  land_ha: number;
  /** Annual heat demand per land area, MWh/(ha·a). */
  density_MWh_per_ha_a: number;
  /** Floor area / land area (Persson & Werner's e). */
  plotRatio: number;
  /** Sum of building shares. */
  buildings: number;
  /** Annual cooling demand, MWh/a, and design cooling peak, kW (demand stage since issue 11; absent in older runs). */
  cool_MWh?: number;
  coolPeak_kW?: number;
  /** Annual cooling per land area, MWh/(ha·a). */
  coolDensity_MWh_per_ha_a?: number;
  /** heat_MWh + cool_MWh, and per land area, MWh/(ha·a). */
  heatCool_MWh?: number;
  heatCoolDensity_MWh_per_ha_a?: number;
  row?: number;
  col?: number;
}
/** The blocks.geojson property holding the heat demand density, MWh/(ha·a). */
export const BLOCK_DENSITY = 'density_MWh_per_ha_a' satisfies keyof BlockProperties;
export type BlockFeature = RunFeature<Polygon | MultiPolygon, BlockProperties>;
export type BlocksCollection = RunFeatureCollection<BlockFeature>;

/** buildings.geojson: every building with its footprint and derived values. */
export interface BuildingProperties {
  id: string;
  /** Index into the collection's `files` (the input file the building came from). */
  file: number;
  /** Use category (engine/buildings/table.ts USE_CATEGORIES). */
  use: string;
  /** The use code as found in the input. */
  useCode: string;
  floorArea_m2: number;
  /** How the floor area was found (engine/buildings/table.ts FLOOR_AREA_RULES: given, storeys, height, default). */
  floorAreaSource: string;
  storeys: number | null;
  height_m: number | null;
  footprint_m2: number;
  spaceHeat_MWh: number;
  hotWater_MWh: number;
  /** spaceHeat_MWh + hotWater_MWh exactly. */
  heat_MWh: number;
  peak_kW: number;
  /** Annual cooling demand, MWh/a, and design cooling peak, kW (absent where the writer does not carry cooling). */
  cool_MWh?: number;
  coolPeak_kW?: number;
  /** Footprint centroid in the run's working CRS, m. */
  x: number;
  y: number;
}
export type BuildingFeature = RunFeature<Polygon | MultiPolygon, BuildingProperties>;
/** buildings.geojson, with the list of input files the `file` property indexes. */
export interface BuildingsCollection extends RunFeatureCollection<BuildingFeature> {
  files: string[];
}

/** areas.geojson: candidate district-heating supply areas; the collection's properties are the areas summary. */
export interface AreaProperties {
  id: number | string;
  method: string;
  demand_MWh: number;
  [key: string]: unknown;
}
export type AreaFeature = RunFeature<Polygon | MultiPolygon, AreaProperties>;
export type AreasCollection = RunFeatureCollection<AreaFeature, AreasStageSummary & { trench: string }>;

/** The `kind` of every network.geojson feature. */
export const NETWORK_KINDS = ['pipe', 'service', 'consumer', 'dropped', 'plant'] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];
/** The kind of roads.geojson's features. */
export const ROAD_KIND = 'road';

/** network.geojson's collection properties. */
export interface NetworkProperties {
  /** CRS the lengths were measured in. */
  crs: string;
  supply_C: number;
  return_C: number;
  ground_C: number;
  maxPressure_Pa_m: number;
  /** The kW/m threshold the network was pruned with: the pipes' colour break in maps and viewer. */
  minKwPerM: number;
  minMwhPerMA: number;
  /** How the design loads were diversified (text). */
  diversity: string;
  /** How kw_per_m is defined (text). */
  kwPerM: string;
  /** Design loads: coincident hourly peaks or the THERMOS diversity fit (route stage, issue 13). */
  loads?: 'coincident' | 'diversity';
  /** Weather file of the coincident loads, ground and supply curve (null: none). */
  weather?: string | null;
  carries?: 'heat' | 'cold' | 'both';
  /** Criteria that pruned, and the loss-share limit (0..1). */
  pruneBy?: string[];
  maxLossShare?: number;
  /** With --max-marginal-cost: the marginal-cost limit and the kept branches' figures (RouteSummary.marginalCost). */
  marginalCost?: { currency: string; limit_per_MWh: number; prunes: boolean; worstBranch_per_MWh: number | null; definition: string };
  /** Seed 003's heat-supply density: plant output / (2 x route length), kW/m, and the output it used. */
  seedKwPerM?: number;
  seedPlantOutput_kW?: number;
  seedOutputBasis?: 'capacity' | 'design' | 'mixed';
  /** Design load at the plants / (2 x route length), kW/m. */
  designKwPerM?: number;
  /** Annual heat per trench metre, MWh/(m·a). */
  mwhPerMA?: number;
  /** Computed loss share with service pipes, and of the mains alone. */
  lossShare?: number;
  lossShareMains?: number;
  lossShareDefinition?: string;
  insulation?: { series: 1 | 2 | 3; seriesLossFactor: number; twin: boolean; twinPipes: number };
  coolSupply_C?: number;
  coolReturn_C?: number;
  /** Pumping per medium (critical path, head, power, annual energy). */
  pumping?: Record<string, unknown>;
  /** The figures in force without a source ('ASSUMPTION: ...'). */
  assumptions?: string[];
  /** The route's supply temperature curve (--supply-curve): [outdoor °C, supply °C] pairs sorted by outdoor, linear between, flat outside; the annual losses used it (the simulation's hourly losses too). */
  supplyCurve?: [number, number][];
}

export interface PipeProperties {
  kind: 'pipe';
  id: number;
  /** Upstream and downstream graph nodes. */
  from: number;
  to: number;
  length_m: number;
  consumers: number;
  /** Undiversified sum of downstream peaks, kW. */
  peak_kW: number;
  /** Diversified design load, kW (the viewer's pipe width follows it). */
  design_kW: number;
  heat_MWh: number;
  DN: number;
  velocity_m_s: number;
  pressure_Pa_m: number;
  /** Linear heat density of the branch downstream, kW per metre of pipe. */
  kw_per_m: number;
  mwh_per_m_a: number;
  loss_W_per_m: number;
  loss_MWh_a: number;
  /** Loss share of the branch downstream (pipes and service pipes), 0..1. */
  loss_share?: number;
  /** Twin pipe (supply and return in one casing). */
  twin?: true;
  /** Chilled water (networks that carry cold): downstream cooling MWh/a, design kW, pair DN, velocity, Pa/m, ground gain W/m and MWh/a. */
  cool_MWh?: number;
  cool_design_kW?: number;
  cool_DN?: number;
  cool_velocity_m_s?: number;
  cool_pressure_Pa_m?: number;
  gain_W_per_m?: number;
  gain_MWh_a?: number;
  branch: number;
  plant?: string;
  overCapacity?: true;
}
export interface ServiceProperties {
  kind: 'service';
  consumer: string;
  length_m: number;
  /** The service pipe pair, sized at the consumer's own design load: DN, W/m and MWh/a lost (hot water). */
  DN?: number;
  loss_W_per_m?: number;
  loss_MWh_a?: number;
  /** Chilled-water service pair: DN and ground gain. */
  cool_DN?: number;
  gain_W_per_m?: number;
  gain_MWh_a?: number;
}
/** A connected consumer: the building's (or block's) own properties, then the network's. */
export interface ConsumerProperties {
  kind: 'consumer';
  id: string;
  heat_MWh: number;
  peak_kW: number;
  /** Annual cooling demand, MWh/a, and design cooling peak, kW (0 where the intensity table gives no cooling; absent for block consumers). */
  cool_MWh?: number;
  coolPeak_kW?: number;
  service_m: number;
  branch: number;
  plant?: string;
  use?: string;
  /** On the forced-in list (route forceIn). */
  forced?: true;
  [key: string]: unknown;
}
export interface DroppedProperties {
  kind: 'dropped';
  id: string;
  use?: string;
  heat_MWh: number;
  peak_kW: number;
  reason: DropReason;
  detail?: string;
}
export interface PlantProperties {
  kind: 'plant';
  id: string;
  type: string;
  capacity_kW: number | null;
  fuel: string | null;
  source?: string;
  suggested: boolean;
  output_kW: number;
  /** Design cooling output, kW (networks that carry cold). */
  outputCool_kW?: number;
  consumers: number;
  service_m: number;
}
export type NetworkFeature =
  | RunFeature<LineString, PipeProperties>
  | RunFeature<LineString, ServiceProperties>
  | RunFeature<Point, ConsumerProperties>
  | RunFeature<Point, DroppedProperties>
  | RunFeature<Point, PlantProperties>;
export type NetworkCollection = RunFeatureCollection<NetworkFeature, NetworkProperties>;
/** Property types by network kind. */
export interface NetworkKindProperties {
  pipe: PipeProperties;
  service: ServiceProperties;
  consumer: ConsumerProperties;
  dropped: DroppedProperties;
  plant: PlantProperties;
}

/** roads.geojson: the noded road graph, one straight segment per graph edge. */
export interface RoadProperties {
  kind: typeof ROAD_KIND;
  edge: number;
  from: number;
  to: number;
  length_m: number;
  /** Connected component of the edge, when computed. */
  component?: number;
}
export type RoadsCollection = RunFeatureCollection<RunFeature<LineString | MultiLineString, RoadProperties>>;

/** The features of `fc` of one network kind, typed. */
export function featuresOfKind<K extends NetworkKind>(fc: { features: readonly NetworkFeature[] } | undefined, kind: K): RunFeature<NetworkFeature['geometry'], NetworkKindProperties[K]>[] {
  return (fc?.features ?? []).filter((f) => f.properties?.kind === kind) as RunFeature<NetworkFeature['geometry'], NetworkKindProperties[K]>[];
}

// ---------------------------------------------------------------------------------------------------------------
// hourly.csv

/**
 * hourly.csv: one row per hour of the weather year. First the time and weather columns, then per case and network
 * the series in kW: `<prefix>demand_kW`, ... (HOURLY_SERIES, in that order), then `<prefix>plant:<plant id>_kW` per
 * plant. The prefix is `<case id>:` when the scenario has more than one case, then `<network id>:` when a case has
 * more than one network; a one-case one-network run has no prefix.
 */
export const HOURLY_TIME_COLUMNS = ['hour', 'month', 'day', 'hourOfDay'] as const;
export const HOURLY_WEATHER_COLUMNS = ['air_C', 'ground_C'] as const;
export const HOURLY_SERIES = [
  'demand_kW',
  'losses_kW',
  'delivered_kW',
  'produced_kW',
  'surplus_kW',
  'backup_kW',
  'unmet_kW',
  'pump_kW',
  'storageIn_kW',
  'storageOut_kW',
  // issue 12: heat sold at the meters, auxiliaries; the chilled-water side (written only when the network has cold plants)
  'sold_kW',
  'aux_kW',
  'coldDemand_kW',
  'coldGains_kW',
  'coldSold_kW',
  'coldProduced_kW',
  'coldUnmet_kW',
  'coldStorageIn_kW',
  'coldStorageOut_kW',
  'coldPump_kW',
  // issue 12/13 follow-up: service-pipe losses (inside losses_kW) and gains (inside coldGains_kW); electricity bought
  // (plants' input + auxiliaries + network pumps, kW = kWh per hour: hourly.csv rows are one hour) and CHP electricity made
  'serviceLosses_kW',
  'coldServiceGains_kW',
  'electricity_kW',
  'electricityOut_kW',
] as const;
/** Series written only for a network with cold plants (issue 12). */
export const HOURLY_COLD_SERIES: readonly HourlySeries[] = ['coldDemand_kW', 'coldGains_kW', 'coldSold_kW', 'coldProduced_kW', 'coldUnmet_kW', 'coldStorageIn_kW', 'coldStorageOut_kW', 'coldPump_kW', 'coldServiceGains_kW'];
export type HourlySeries = (typeof HOURLY_SERIES)[number];
/** Separator of the case / network prefix. */
export const HOURLY_SCOPE_SEPARATOR = ':';
/** Plant series: `plant:<id>_kW`. */
export const HOURLY_PLANT_PREFIX = 'plant:';
export const HOURLY_UNIT_SUFFIX = '_kW';

/** The column prefix of one case's network ('' for a one-case one-network run). */
export function hourlyPrefix(caseId: string | undefined, network: string | undefined): string {
  return `${caseId !== undefined ? caseId + HOURLY_SCOPE_SEPARATOR : ''}${network !== undefined ? network + HOURLY_SCOPE_SEPARATOR : ''}`;
}
export const hourlyPlantColumn = (prefix: string, plantId: string): string => `${prefix}${HOURLY_PLANT_PREFIX}${plantId}${HOURLY_UNIT_SUFFIX}`;

/** What one hourly.csv column holds. */
export type HourlyColumn =
  | { name: string; kind: 'time' | 'weather' }
  | { name: string; kind: 'series'; scopes: string[]; series: HourlySeries }
  | { name: string; kind: 'plant'; scopes: string[]; plant: string };

/**
 * Classify a column name. `scopes` are the prefix's parts: [case, network], [case] or [network] (which one sim.json
 * says: more than one case, more than one network per case), [] without a prefix. Undefined for a name the
 * contract has no place for.
 */
export function parseHourlyColumn(name: string): HourlyColumn | undefined {
  if ((HOURLY_TIME_COLUMNS as readonly string[]).includes(name)) return { name, kind: 'time' };
  if ((HOURLY_WEATHER_COLUMNS as readonly string[]).includes(name)) return { name, kind: 'weather' };
  if (!name.endsWith(HOURLY_UNIT_SUFFIX)) return undefined;
  const p = name.startsWith(HOURLY_PLANT_PREFIX) ? 0 : name.indexOf(HOURLY_SCOPE_SEPARATOR + HOURLY_PLANT_PREFIX);
  if (p >= 0) {
    const scope = p === 0 ? '' : name.slice(0, p);
    const start = p === 0 ? HOURLY_PLANT_PREFIX.length : p + 1 + HOURLY_PLANT_PREFIX.length;
    return { name, kind: 'plant', scopes: scope ? scope.split(HOURLY_SCOPE_SEPARATOR) : [], plant: name.slice(start, -HOURLY_UNIT_SUFFIX.length) };
  }
  const k = name.lastIndexOf(HOURLY_SCOPE_SEPARATOR);
  const series = name.slice(k + 1);
  if (!(HOURLY_SERIES as readonly string[]).includes(series)) return undefined;
  return { name, kind: 'series', scopes: k < 0 ? [] : name.slice(0, k).split(HOURLY_SCOPE_SEPARATOR), series: series as HourlySeries };
}

// ---------------------------------------------------------------------------------------------------------------
// manifest.json

/** An input file of the run, with its size and hash. */
export interface InputRecord {
  path: string;
  bytes: number;
  sha256: string;
  role: string;
}

/** The run's working CRS. */
export interface RunCrs {
  code: string;
  name: string;
  reason?: string;
}

/** Per-stage summaries under the stage's manifest key. */
export interface StageSummaries {
  demand: DemandSummary;
  potential: PotentialSummary;
  areas: AreasSummary;
  route: RouteSummary;
  sim: SimSummary;
  cost: CostSummary;
}
export type StageKey = keyof StageSummaries;
/** Manifest keys of the stages, in pipeline order (`heatplan simulate` records itself as `sim`). */
export const STAGE_KEYS: readonly StageKey[] = ['demand', 'potential', 'areas', 'route', 'sim', 'cost'];

/** A scenario run (`heatplan run`, `heatplan demo`) recorded in the manifest when it finished. */
export interface ScenarioRecord {
  scenario: string;
  sha256: string;
  name: string | null;
  finished: string;
  stages: { stage: string; status: string; command?: string; seconds?: number; reason?: string }[];
}

/** manifest.json. */
export interface Manifest {
  heatplan: { version: string };
  created: string;
  updated: string;
  /** Working CRS of the run's rasters and computations. */
  crs?: RunCrs;
  inputs: InputRecord[];
  /** Stages completed, in order (manifest keys: demand, potential, areas, route, sim). */
  stages: string[];
  demand?: DemandSummary;
  potential?: PotentialSummary;
  areas?: AreasSummary;
  route?: RouteSummary;
  sim?: SimSummary;
  cost?: CostSummary;
  scenarios?: ScenarioRecord[];
  /**
   * Stages whose outputs predate a re-run of a stage they depend on, by manifest key (potential, areas, route, sim,
   * and report / map for report.html and map.png|pdf|svg): `since` is the manifest key of the stage that was re-run,
   * `at` when (ISO time). The stage's summary and files stay in place; the entry goes when the stage runs again.
   * Absent when nothing is stale (engine/io/run-folder.ts writes and clears it).
   */
  stale?: Record<string, { since: string; at: string }>;
}

/** The manifest keys that are not stage summaries. */
export const MANIFEST_CORE_KEYS = ['heatplan', 'created', 'updated', 'crs', 'inputs', 'stages', 'scenarios'] as const;

/** A manifest entry by name (for listing every stage's summary, known or not). */
export function manifestEntry(m: Manifest, key: string): unknown {
  return (m as unknown as Record<string, unknown>)[key];
}

/** The kW/m threshold the run's route stage pruned with (manifest.route.thresholds.minKwPerM), if it ran. */
export const routeThresholdKwPerM = (m: Manifest | null | undefined): number | undefined => m?.route?.thresholds?.minKwPerM;

/** The cell threshold of the run's areas stage (manifest.areas.cellThreshold_MWh_per_ha), if it ran. */
export const areasCellThreshold = (m: Manifest | null | undefined): number | undefined => m?.areas?.cellThreshold_MWh_per_ha;

// ---------------------------------------------------------------------------------------------------------------
// costs (heatplan cost, issue 14): costs.json holds the detail (engine/cost/run.ts CostsFile), this is manifest.cost

/**
 * manifest.cost: the key figures of the first case summed over its networks, in `currency` at the table's price
 * year(s). Money per kWh of heat: `_per_kWh`; absent or null where the inputs do not give it (no heat price: no
 * revenue, NPV, payback).
 */
export interface CostSummary {
  currency: string;
  priceYears: number[];
  discountRate_pct: number;
  period_a: number;
  pipeCost: 'persson-werner' | 'dn-table';
  surface: string;
  backupSold: boolean;
  case: string;
  networks: number;
  capital: number;
  capitalByPart: Record<string, number>;
  /** annuity + running cost, currency/a */
  annualCost: number;
  revenue: number | null;
  connectedHeat_MWh: number;
  networkHeat_MWh: number;
  lcohNetwork_per_kWh: number | null;
  lcohSystem_per_kWh: number | null;
  lcoc_per_kWh: number | null;
  npv: number | null;
  paybackSimple_a: number | null;
  paybackDiscounted_a: number | null;
  cases: { id: string; name?: string; lcohNetwork_per_kWh: number | null; lcohSystem_per_kWh: number | null; npv: number | null; annualCost: number }[];
  sensitivity: { what: string; lcohNetwork_per_kWh: number | null; lcohSystem_per_kWh: number | null }[];
  costPruning?: { limit_per_MWh: number; cutConsumers: number; keptHeat_MWh: number; lcohNetworkEstimate_per_kWh: number | null };
  sites?: { plant: string; lcoh_per_kWh: number | null }[];
  /** figures used that their table labels ASSUMPTION */
  assumptions: number;
  tables: string[];
  warnings: WarningCounts;
  seconds: number;
}
