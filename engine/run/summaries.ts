/**
 * The per-stage summaries of a run folder's manifest.json (manifest.demand, .potential, .areas, .route, .sim) and the
 * records of sim.json: one declaration shared by the stages that write them and every reader (viewer server, map,
 * report, batch summary, the browser viewer). No Node imports: the browser viewer imports this file through
 * engine/run/contract.ts.
 *
 * The stages compute a "stage summary" (what the library function returns) and the writer adds the run-folder
 * extras (warning lists, timing) before `tx.setStage(...)`; the manifest types are the written form. Field names are
 * the JSON keys as written: changing one changes the run-folder contract (test/run/contract.test.ts pins them).
 */

// ---------------------------------------------------------------------------------------------------------------
// shared pieces

/** One example of a counted warning: where it was found. */
export interface WarningExample {
  file?: string;
  record?: string | number;
  message: string;
}

/** A counted warning (engine/util/warnings.ts `Warnings.list()`). */
export interface WarningSummary {
  code: string;
  count: number;
  message: string;
  examples: WarningExample[];
}

/** Warning counts by code (engine/util/warnings.ts `Warnings.counts()`). */
export type WarningCounts = Record<string, number>;

// ---------------------------------------------------------------------------------------------------------------
// demand

/** How the rasterizer distributed the buildings over the grid (engine/grid/rasterize-exact.ts). */
export interface RasterizeStats {
  buildings: number;
  /** Buildings whose footprint lies in one cell (fast path). */
  singleCell: number;
  /** Buildings split over several cells. */
  multiCell: number;
  /** Footprints with zero (or non-positive) area: all of their value went to the cell of their centroid. */
  zeroArea: number;
  /** Buildings with invalid (self-overlapping) rings that gave some cell a negative coverage, clamped to 0. */
  negativeCoverage: number;
}

/** Buildings, floor area and annual heat of one use category. */
export interface UseTotals {
  buildings: number;
  floorArea_m2: number;
  annualHeat_MWh: number;
  /** Annual cooling, MWh/a, and heat + cooling (absent in runs before issue 11). */
  cooling_MWh?: number;
  heatAndCooling_MWh?: number;
}

/** Cooling of the demand stage (issue 11): totals, the grid's sums, and the uses without a cooling intensity. */
export interface CoolingSummary {
  cooling_MWh: number;
  coolingPeak_kW: number;
  /** annualHeat_MWh + cooling_MWh. */
  heatAndCooling_MWh: number;
  grid: { cooling_MWh: number; coolingPeak_kW: number };
  /** Densities over the cells with demand (heat or cold), MWh/(ha·a): heat, cold, both. */
  density_MWh_per_ha_a: { heat: number; cooling: number; heatAndCooling: number };
  /** Use categories with floor area but no cooling intensity in the table (their cooling is 0, not estimated). */
  notGiven: string[];
}

/** What the demand stage computes (engine/demand/pipeline.ts `runDemandStage().summary`). */
export interface DemandStageSummary {
  buildings: number;
  /** Buildings dropped, by warning code. */
  dropped: Record<string, number>;
  warnings: WarningCounts;
  floorAreaSource: Record<string, number>;
  byUse: Record<string, UseTotals>;
  floorArea_m2: number;
  spaceHeat_MWh: number;
  hotWater_MWh: number;
  annualHeat_MWh: number;
  peak_kW: number;
  grid: { floorArea_m2: number; annualHeat_MWh: number; peak_kW: number; width: number; height: number; cellsWithDemand: number };
  /** Cooling beside heating (absent in runs before issue 11 and in tiled batch runs that do not merge it yet). */
  cooling?: CoolingSummary;
  crs: string;
  crsReason: string;
  cellSize_m: number;
  blocks: { source: string; count: number; outsideBuildings: number };
  /** Resolved demand parameters (climate, intensities, tables used); keys as engine/demand/annual.ts writes them. */
  parameters: Record<string, unknown>;
  rasterize: RasterizeStats;
  seconds: number;
}

/** How a batch run tiled a city for the demand stage (engine/batch/tiles.ts; absent for one-piece runs). */
export interface DemandTilesSummary {
  method: string;
  nx: number;
  ny: number;
  tileWidth_m: number;
  tileHeight_m: number;
  origin: [number, number];
  run: { i: number; j: number; buildings: number; seconds: number }[];
}

/** manifest.demand. */
export interface DemandSummary extends DemandStageSummary {
  tiles?: DemandTilesSummary;
  warningDetails: WarningSummary[];
}

// ---------------------------------------------------------------------------------------------------------------
// potential

/** Heat sources of the potential stage, in potential.tif band order. */
export const SOURCE_NAMES = ['sewage', 'river', 'ground', 'waste_heat'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** One heat source in the potential summary. */
export interface SourceSummary {
  given: boolean;
  /** Heat available from the source itself, kW (see engine/potential/compute.ts for how it is counted). */
  kw: number;
  mwhA: number;
  /** Cells with demand and this source within reach. */
  cellsCovered: number;
  accessM?: number;
  items: number;
}

/** What the potential computation returns (engine/potential/compute.ts `computePotentials().summary`). */
export interface PotentialStageSummary {
  sources: Record<SourceName, SourceSummary>;
  /** Cells with demand and any source within reach. */
  cellsCovered: number;
  cellsWithDemand: number;
  demandKwBasis: 'peak' | 'mean';
  suitability: { rules: string[]; counts: Record<string, number>; densityThresholdMWhPerHa: number; source: string };
}

/** The potential stage's parameters as recorded (engine/cli/potential.ts). */
export interface PotentialParameters {
  sewage: { dT_K: number; minFlow_m3_day: number; rho_kg_m3: number; cp_kJ_kgK: number; source: string };
  river: { waterTemp_C: number | number[] | null; dT: string; defaultFlow_m3_s: number | null; flowByClass_m3_s: Record<string, number> | null };
  ground: { kind?: string; depth_m: number; spacing_m: number; fullLoadHours: number; resampling?: string } | null;
  sewageAllocated: number;
}

/** manifest.potential. */
export interface PotentialSummary extends PotentialStageSummary {
  /** kW per source, rounded to 0.1 kW; null for sources not given. The key is `waste_heat` (never `wasteHeat`). */
  kwBySource: Partial<Record<SourceName, number | null>>;
  parameters: PotentialParameters;
  /** potential.tif's bands as '1: sewage_kW (kW)', ... (names and units: contract POTENTIAL_BANDS). */
  bands: string[];
  warnings: WarningCounts;
  warningDetails: WarningSummary[];
}

// ---------------------------------------------------------------------------------------------------------------
// areas

export type AreaMethod = 'hotmaps' | 'blocks';

/** What the areas computation returns (engine/potential/areas.ts `computeAreas().summary`); also areas.geojson's properties. */
export interface AreasStageSummary {
  method: AreaMethod;
  count: number;
  demand_MWh: number;
  totalDemand_MWh: number;
  /** Hotmaps: the cell threshold; blocks: the land density threshold, MWh/(ha·a). */
  cellThreshold_MWh_per_ha: number;
  areaThreshold_GWh: number;
  candidates: number;
  demandSource: string;
  units: 'cells' | 'blocks';
  cellSize_m: number;
  thresholds: Record<string, { value: number; unit: string; source: string }>;
  potentials: boolean;
}

/** manifest.areas. */
export interface AreasSummary extends AreasStageSummary {
  warnings: WarningCounts;
  warningDetails: WarningSummary[];
}

// ---------------------------------------------------------------------------------------------------------------
// route

/** Why the planner left a consumer out of the network (network.geojson `dropped` features' `reason`). */
export type DropReason = 'zero-demand' | 'no-location' | 'too-far-from-road' | 'unreachable' | 'below-kw-per-m' | 'below-mwh-per-m';

/** What the network planner returns (engine/network/plan.ts `planNetwork().summary`). */
export interface NetworkPlanSummary {
  consumers: number;
  consumersDropped: Partial<Record<DropReason, number>>;
  trench_m: number;
  pipe_m: number;
  service_m: number;
  connectedDemand_MWh: number;
  plantOutput_kW: number;
  kwPerM: number;
  mwhPerMA: number;
  loss_MWh_a: number;
  lossShare: number;
  /** the 10 % loss rule behind 0.17 kW/m, checked with the sized pipes */
  lossShareBelow10pct: boolean;
  steinerBeforePruning_m: number;
  rounds: number;
  exchanges: number;
  branches: number;
  plantSource: 'given' | 'suggested';
  graph: { nodes: number; edges: number; components: number; largestComponentNodes: number; plantComponentNodes: number; unreachableNodes: number };
  /** The thresholds the network was pruned with: minKwPerM is the kW/m colour break of maps and viewer. */
  thresholds: { minKwPerM: number; minMwhPerMA: number };
  sizing: { supplyC: number; returnC: number; groundC: number; maxPaPerM: number };
  overCapacityPipes: number;
}

/** One plant in the route summary. */
export interface RoutePlantSummary {
  id: string;
  type: string | null;
  capacity_kW: number | null;
  output_kW: number;
  consumers: number;
  suggested: boolean;
  service_m: number;
}

/** The road input and the noded road graph (engine/network/road-graph.ts stats). */
export interface RouteRoadsSummary {
  file: string;
  format: 'osm-pbf' | 'shapefile' | 'geojson';
  crs: string;
  crsAssumed: boolean;
  excludedByClass: Record<string, number>;
  lines: number;
  vertices: number;
  crossingsNoded: number;
  duplicateEdges: number;
  degenerateEdges: number;
  parallelSplit: number;
}

/** manifest.route (engine/network/stage.ts `runRouteStage().summary`). */
export interface RouteSummary extends Omit<NetworkPlanSummary, 'plantSource'> {
  plantSource: 'potential' | 'file' | 'given' | 'suggested';
  /** With --plant-from-potential: the potential.tif band that decided the plant and the cell's kW per band. */
  plantPotential?: { band: string; cell_kW: Record<string, number> };
  plants: RoutePlantSummary[];
  roads: RouteRoadsSummary;
  crs: string;
  warnings: WarningCounts;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------------------------
// simulation: manifest.sim and sim.json

/** One plant's year (engine/sim/simulate.ts). */
export interface PlantResult {
  id: string;
  type: string;
  fuel: string;
  capacity_kW: number;
  mode: 'merit' | 'constant';
  constant_kW?: number;
  heat_MWh: number;
  fuel_MJ: number;
  fuelUnits?: number;
  fuelUnit?: string;
  electricity_kWh: number;
  electricityOut_kWh: number;
  primaryEnergy_GJ: number;
  co2_t: number;
  fullLoadHours: number;
  runningHours: number;
  meanCop?: number;
  monthlyHeat_MWh: number[];
}

/** One network's year (engine/sim/simulate.ts). */
export interface AnnualResult {
  demand_MWh: number;
  heatDelivered_MWh: number;
  produced_MWh: number;
  losses_MWh: number;
  lossShare: number;
  surplus_MWh: number;
  backup_MWh: number;
  backupFuel_MJ: number;
  backupKerosene_L?: number;
  backupHours: number;
  unmet_MWh: number;
  unmetHours: number;
  /** Hours in which plants and storage alone fell short of the load. */
  shortHours: number;
  storageIn_MWh: number;
  storageOut_MWh: number;
  storageLoss_MWh: number;
  pumping_kWh: number;
  electricity_kWh: number;
  chpElectricity_kWh: number;
  fuel_MJ: Record<string, number>;
  primaryEnergy_GJ: number;
  /** Primary energy in / heat sold (delivered), kJ/kJ. */
  primaryEnergyFactor: number;
  defaultPrimaryEnergyFactor: number;
  /** Heat sold / primary energy in (JHSBA's COP in primary energy). */
  copPrimary: number;
  co2_t: number;
  peakDemand_kW: number;
  peakLoad_kW: number;
  surplus_MJ_per_day: number;
  backupFuel_MJ_per_day: number;
}

/** Monthly sums (12 values each). */
export type MonthlyResult = Record<
  'demand_MWh' | 'heatDelivered_MWh' | 'produced_MWh' | 'losses_MWh' | 'surplus_MWh' | 'backup_MWh' | 'backupFuel_MJ' | 'primaryEnergy_GJ' | 'co2_t' | 'unmetHours' | 'backupHours',
  number[]
>;

/** One case of the scenario against case 0 (seed 003's figures). */
export interface SimCaseComparison {
  id: string;
  name?: string;
  surplus_MJ_per_day: number;
  backupFuel_MJ_per_day: number;
  surplusChangePct: number;
  backupFuelChange_MJ_per_day: number;
}

/** The first case summed over its networks, plus the case comparison (engine/sim/output.ts `simSummary()`). */
export interface SimTotals {
  case: string;
  networks: number;
  consumers: number;
  heatDelivered_MWh: number;
  produced_MWh: number;
  losses_MWh: number;
  surplus_MWh: number;
  backup_MWh: number;
  backupFuel_MJ: number;
  backupKerosene_L: number;
  primaryEnergy_GJ: number;
  primaryEnergyFactor: number | null;
  defaultPrimaryEnergyFactor: number;
  copPrimary: number | null;
  co2_t: number;
  unmetHours: number;
  backupHours: number;
  cases: SimCaseComparison[];
}

/** manifest.sim (and sim.json's `summary`). */
export interface SimSummary extends SimTotals {
  weather: { file: string; hours: number; groundSource: 'sinusoid' | 'given' | 'constant'; climateRegion?: number };
  electricityPrimary_MJ_per_kWh?: number;
  warnings: WarningCounts;
  seconds: number;
}

/** sim.json `weather`. */
export interface SimWeatherRecord {
  file: string;
  format: 'hasp' | 'csv' | 'epw' | 'array';
  hours: number;
  groundSource: 'sinusoid' | 'given' | 'constant';
  startWeekday: number;
  climateRegion?: number;
}

/** A network's simulation parameters as sim.json writes them (backup capacity null = unlimited). */
export interface SimParametersRecord {
  supplyC: number;
  returnC: number;
  designGroundC: number;
  electricityPrimaryMjPerKwh: number;
  electricityCo2KgPerKwh: number;
  backup: { fuel: string; efficiency: number; capacityKw: number | null; enabled: boolean };
  designPressurePa: number;
  designFlowM3s: number;
  constantKw: Record<string, number>;
}

/** One network of one case in sim.json. */
export interface SimNetworkRecord {
  network: string;
  consumers: number;
  parameters: SimParametersRecord;
  annual: AnnualResult;
  monthly: MonthlyResult;
  plants: PlantResult[];
  byUse_MWh: Record<string, number>;
}

/** One case in sim.json (numbers rounded to 0.001). */
export interface SimCaseRecord {
  id: string;
  name?: string;
  surplus_MWh: number;
  surplus_MJ_per_day: number;
  backupFuel_MJ: number;
  backupFuel_MJ_per_day: number;
  surplusChangePct: number;
  backupFuelChange_MJ_per_day: number;
  networks: SimNetworkRecord[];
}

/** sim.json: everything of the simulation but the hourly series (those are in hourly.csv). */
export interface SimFile {
  weather: SimWeatherRecord;
  /** manifest.sim without the wall time (`seconds` is in the manifest only: sim.json is the same bytes for the same inputs). */
  summary: Omit<SimSummary, 'seconds'>;
  warnings: WarningSummary[];
  cases: SimCaseRecord[];
}
