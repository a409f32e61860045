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

/** Whether a stage's summary counts warning `code` (false where it has none, or no counts: a manifest read as it is). */
export function summaryWarned(summary: { warnings?: unknown } | null | undefined, code: string): boolean {
  const counts = summary?.warnings;
  const n = counts && typeof counts === 'object' ? (counts as Record<string, unknown>)[code] : undefined;
  return typeof n === 'number' && n > 0;
}

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

/**
 * Design peaks against the peaks of the hourly profiles on the same weather, per use (engine/demand/pipeline.ts
 * peakConsistency): ratio = profile peak / design peak (1 = consistent; null where the design peak is 0).
 */
export interface PeakConsistency {
  weather: string;
  region: number | null;
  byUse: Record<string, { spaceHeatDesign_kW: number; spaceHeatProfile_kW: number; spaceHeatRatio: number | null; coolingDesign_kW: number; coolingProfile_kW: number; coolingRatio: number | null }>;
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
  /** Design peaks against the hourly profiles' peaks per use (issue 11; absent outside Japan without weather). */
  peakConsistency?: PeakConsistency;
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
  /** buildings.fgb and whether its GeoJSON twin was written (issue 18; absent in older runs: buildings.geojson only). */
  layers?: { buildings: VectorLayerFiles };
}

/** A large vector layer of the run: its FlatGeobuf file, features, and its GeoJSON twin (null: not written) and why. */
export interface VectorLayerFiles {
  fgb: string;
  features: number;
  geojson: string | null;
  /** e.g. 'auto: 1004824 features > 100000 (--geojson-max-features)', '--geojson never'. */
  geojsonReason: string;
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
  /** Guideline flags and critical facilities counted (platform.json holds the lists; issue 19). */
  platform?: import('../platform/types.js').PlatformSummary;
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
export type DropReason =
  | 'zero-demand'
  | 'no-location'
  | 'too-far-from-road'
  | 'unreachable'
  | 'below-kw-per-m'
  | 'below-mwh-per-m'
  /** the branch's computed loss share (pipes and service pipes) was above the limit */
  | 'below-loss-share'
  /** cut so that seed 003's plant output / (2 x route length) reaches its threshold */
  | 'below-seed-kw-per-m'
  /** the branch's marginal cost per connected MWh (engine/cost/marginal.ts) was above --max-marginal-cost */
  | 'above-marginal-cost'
  /** on the user's forced-out list */
  | 'forced-out';

/** One medium of a network (hot water or chilled water) in the route summary (engine/network/plan.ts). */
export interface MediumSummary {
  supply_C: number;
  return_C: number;
  /** ground temperature the design W/m refer to, °C */
  groundDesign_C: number;
  /** design temperature difference water - ground (heat) or ground - water (cold), K */
  designDelta_K: number;
  /** annual loss (gain) = design W/m x length x these hours */
  equivalentHours_h: number;
  /** how the annual figure was obtained */
  basis: string;
  /** connected annual demand of this medium, MWh/a */
  demand_MWh: number;
  /** design load at the plants, kW */
  design_kW: number;
  /** heat lost (hot water) or gained (chilled water) by mains and service pipes, MWh/a */
  loss_MWh_a?: number;
  gain_MWh_a?: number;
  mains_MWh_a: number;
  service_MWh_a: number;
  /** (loss or gain) / (demand + loss or gain), service pipes included */
  lossShare: number;
  /** design load / (2 x route length), kW/m */
  designKwPerM: number;
  /** demand / trench length, MWh/(m·a) */
  mwhPerMA: number;
  /** from the sized pipes' pressure drop along the critical path (engine/network/pumping.ts) */
  pumping: {
    criticalPath_m: number;
    criticalConsumer: string | null;
    pathDp_kPa: number;
    substationDp_kPa: number;
    plantDp_kPa: number;
    minDp_kPa: number;
    pumpEfficiency: number;
    head_kPa: number;
    flow_m3_h: number;
    power_kW: number;
    /** annual pump electricity, MWh/a; null without hourly loads (diversity fit) */
    energy_MWh_a: number | null;
  };
}

/** What the network planner returns (engine/network/plan.ts `planNetwork().summary`). */
export interface NetworkPlanSummary {
  consumers: number;
  consumersDropped: Partial<Record<DropReason, number>>;
  trench_m: number;
  pipe_m: number;
  service_m: number;
  connectedDemand_MWh: number;
  plantOutput_kW: number;
  /** design load at the plants / (2 x route length), kW/m (= designKwPerM; the name 0.1 manifests carry) */
  kwPerM: number;
  /** seed 003's heat-supply density: plant output / (2 x route length), kW/m; output = the plants' given capacity, else their design load */
  seedKwPerM?: number;
  seedPlantOutput_kW?: number;
  seedOutputBasis?: 'capacity' | 'design' | 'mixed';
  /** design load at the plants (coincident peak or diversified, as `loads`) / (2 x route length), kW/m */
  designKwPerM?: number;
  /** annual heat per trench metre, MWh/(m·a) */
  mwhPerMA: number;
  /** annual cooling connected, MWh/a */
  connectedCooling_MWh?: number;
  /** heat lost by mains and service pipes, MWh/a */
  loss_MWh_a: number;
  serviceLoss_MWh_a?: number;
  /** computed loss share of the hot water, service pipes included: loss / (delivered + loss) */
  lossShare: number;
  /** the same without service pipes (mains only), for comparison */
  lossShareMains?: number;
  /** the largest loss share of a kept branch (downstream unit) */
  worstBranchLossShare?: number;
  /** the 10 % loss rule behind 0.17 kW/m, checked with the sized pipes */
  lossShareBelow10pct: boolean;
  /** design loads: coincident hourly profiles or the THERMOS diversity fit */
  loads?: 'coincident' | 'diversity';
  carries?: 'heat' | 'cold' | 'both';
  insulation?: { series: 1 | 2 | 3; seriesLossFactor: number; twin: boolean; twinPipes: number };
  /** checks per medium */
  media?: { heat?: MediumSummary; cold?: MediumSummary };
  /** building ids forced into the network (connected) and out of it */
  forced?: { in: string[]; out: string[] };
  /** the largest units the pruning cut (by consumers), with the figures they were cut at */
  largestCuts?: { reason: string; consumers: number; heat_MWh: number; cool_MWh: number; length_m: number; lossShare: number; designKwPerM: number; mwhPerMA: number; marginalCost_per_MWh?: number }[];
  steinerBeforePruning_m: number;
  rounds: number;
  exchanges: number;
  branches: number;
  plantSource: 'given' | 'suggested';
  graph: { nodes: number; edges: number; components: number; largestComponentNodes: number; plantComponentNodes: number; unreachableNodes: number };
  /** The thresholds the network was pruned with: minKwPerM is the kW/m colour break of maps and viewer. */
  thresholds: { minKwPerM: number; minMwhPerMA: number; maxLossShare?: number; pruneBy?: string[]; maxMarginalCost_per_MWh?: number };
  /** With --max-marginal-cost: the kept branches' marginal cost per connected MWh (engine/cost/marginal.ts), in `currency` */
  marginalCost?: { currency: string; limit_per_MWh: number; prunes: boolean; worstBranch_per_MWh: number | null; branches: number; branchesAbove: number; branchesAboveForcedIn: number; discountRate_pct: number; definition: string };
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
  format: 'osm-pbf' | 'shapefile' | 'geojson' | 'gpkg' | 'fgb';
  /** the GeoPackage layer the roads came from */
  layer?: string;
  crs: string;
  crsAssumed: boolean;
  excludedByClass: Record<string, number>;
  lines: number;
  vertices: number;
  crossingsNoded: number;
  duplicateEdges: number;
  degenerateEdges: number;
  parallelSplit: number;
  /** How the road graph came (engine/network/graph-cache.ts): built (no cache yet), reused from road-graph.bin, rebuilt (the cache was for other roads or options, or corrupt). */
  graphCache?: 'built' | 'reused' | 'rebuilt';
}

/** manifest.route (engine/network/stage.ts `runRouteStage().summary`). */
export interface RouteSummary extends Omit<NetworkPlanSummary, 'plantSource'> {
  plantSource: 'potential' | 'file' | 'given' | 'suggested';
  /** network.fgb and whether its GeoJSON twin was written (issue 18; absent in older runs: network.geojson only). */
  layers?: { network: VectorLayerFiles };
  /** With --plant-from-potential: the potential.tif band that decided the plant and the cell's kW per band. */
  plantPotential?: { band: string; cell_kW: Record<string, number> };
  /** Plant sites compared (engine/network/plant-sites.ts) and the criterion that chose the kept one. */
  plantChoice?: string;
  plantCandidates?: {
    id: string;
    source: 'median' | 'cluster' | 'site' | 'potential';
    lon: number;
    lat: number;
    consumers: number;
    connected_MWh: number;
    connectedCooling_MWh: number;
    trench_m: number;
    lossShare: number;
    seedKwPerM: number;
    /** with --plant-choice lcoh: the candidate network's LCOH at route time (engine/network/cost-route.ts), currency/kWh */
    lcoh_per_kWh?: number | null;
    capital?: number;
    annualCost?: number;
    chosen: boolean;
    failed?: string;
  }[];
  /** with --plant-choice lcoh: the currency of lcoh_per_kWh and how it was computed */
  plantLcoh?: { currency: string; definition: string };
  plants: RoutePlantSummary[];
  /** The figures in force without a source, each 'ASSUMPTION: name value' (engine/network/stage.ts). */
  assumptions?: string[];
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
  /** What the plant supplies (issue 12): heat, cold, or both (heat-recovery heat pumps). */
  side?: 'heat' | 'cold' | 'both';
  /** Cold made, MWh/a (chillers, cold storage discharge, heat-recovery heat pumps). */
  cold_MWh?: number;
  /** Auxiliary electricity (補機, primary pump, cooling tower), kWh/a. */
  auxiliary_kWh?: number;
  /** Identical units and the sum over hours of units running (number control). */
  units?: number;
  unitHours?: number;
  /** builelib type whose curves the machine follows. */
  builelib?: string;
  /** Storage (heat or cold): energy the tank holds, kWh (the plants file's capacity_kWh; capacity_kW is its rate). */
  capacity_kWh?: number;
}

/** The individual heaters of seed 003 (the backup): heat the buildings make themselves, not sold by the network. */
export interface IndividualSupply {
  heat_MWh: number;
  fuel: string;
  fuel_MJ: number;
  fuelUnits?: number;
  fuelUnit?: string;
  efficiency: number;
  primaryEnergy_GJ: number;
  co2_t: number;
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
  // issue 12: the factor as 告示 265 defines it (primaryEnergyFactor above is now the plant's heat factor:
  // primary energy of the plant's purchased fuels (HHV) and electricity for heat / heat sold at the meters)
  /** Heat sold by the network at the customer meters, MWh/a (delivered minus the individual heaters). */
  heatSold_MWh?: number;
  /** Heat made by the plants (without the individual heaters), MWh/a. */
  plantProduced_MWh?: number;
  auxiliary_kWh?: number;
  primaryEnergyHeat_GJ?: number;
  primaryEnergyCold_GJ?: number;
  /** Cold side and heat + cold, kJ/kJ (null without cold sales). */
  coldPrimaryEnergyFactor?: number | null;
  combinedPrimaryEnergyFactor?: number | null;
  /** Heat and combined factors over the CHP credit options (9.76, 8.64 MJ/kWh, none). */
  chpCreditRange?: { credit_MJ_per_kWh: number | null; heat: number | null; combined: number | null }[];
  individual?: IndividualSupply;
  /** heatplan's own variant: (plant heat + individual heaters' primary energy) / all heat the buildings got, kJ/kJ. */
  areaPrimaryEnergyPerHeat?: number | null;
  coolingDemand_MWh?: number;
  coldDemand_MWh?: number;
  coldGains_MWh?: number;
  coldProduced_MWh?: number;
  coldSold_MWh?: number;
  coldUnmet_MWh?: number;
  coldUnmetHours?: number;
  coldStorageIn_MWh?: number;
  coldStorageOut_MWh?: number;
  coldStorageLoss_MWh?: number;
  coldPumping_kWh?: number;
  peakCold_kW?: number;
  /** Losses of the mains and of the service pipes (network.geojson kind service), MWh/a; losses_MWh is their sum. */
  mainsLosses_MWh?: number;
  serviceLosses_MWh?: number;
  /** Chilled-water gains of the mains and of the service pipes, MWh/a; coldGains_MWh is their sum. */
  mainsColdGains_MWh?: number;
  serviceColdGains_MWh?: number;
  /** 'network', or 'individual-supply reference'. */
  case?: string;
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
  // issue 12 (absent in older runs): primaryEnergyFactor above is the plant's heat factor (告示 265)
  heatSold_MWh?: number;
  individualHeat_MWh?: number;
  coldSold_MWh?: number;
  coldPrimaryEnergyFactor?: number | null;
  combinedPrimaryEnergyFactor?: number | null;
  /** heatplan's variant: (plant + individual heaters' primary energy) / all heat delivered, kJ/kJ. */
  areaPrimaryEnergyPerHeat?: number | null;
  chpCreditRange?: { credit_MJ_per_kWh: number | null; heat: number | null; combined: number | null }[];
  nonFossil?: 'law' | 'counted';
  /** 'network', or 'individual-supply reference' (every building heats itself; no plant factor). */
  supply?: string;
}

/** manifest.sim (and sim.json's `summary`). */
export interface SimSummary extends SimTotals {
  weather: { file: string; hours: number; groundSource: 'sinusoid' | 'given' | 'constant'; climateRegion?: number };
  electricityPrimary_MJ_per_kWh?: number;
  /** The grid outage the simulate stage ran on a network with CHP or storage when the run has platform.json (written there as `resilience`). */
  resilience?: SimResilienceSummary;
  warnings: WarningCounts;
  seconds: number;
}

/** manifest.sim.resilience: counts of the outage (full result: platform.json resilience). */
export interface SimResilienceSummary {
  file: 'platform.json';
  outage_h: number;
  startHour: number;
  /** Case and network pairs with CHP or storage that the outage ran on. */
  networks: number;
  /** Critical facilities on those networks (counted once per case and network). */
  facilities: number;
  /** Of them, those whose heat was met in every outage hour. */
  facilitiesHeatedThroughout: number;
  /** Fewest and most hours the network could pump (CHP power for the pumps), over the networks. */
  pumpedHoursMin: number;
  pumpedHoursMax: number;
  /** Heat storage energy, kWh, and its water, m³ (fire-fighting and daily use), summed over the networks of the first case. */
  storage_kWh: number;
  storageWater_m3: number | null;
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
  // issue 12 (absent in older runs)
  chilledSupplyC?: number;
  chilledReturnC?: number;
  nonFossil?: 'law' | 'counted';
  allocation?: string;
  partLoadCurves?: boolean;
  auxiliaries?: string;
  chpCreditMjPerKwh?: number | null;
  pipeLength_m?: number;
  designLoss_kW?: number;
  coldDesignPressurePa?: number;
  coldDesignFlowM3s?: number;
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
  /** 'network' or 'individual-supply reference' (issue 12). */
  case?: string;
  /** The factor's numerator term by term and its denominators (engine/sim/factor.ts). */
  factor?: SimFactorRecord;
  /** Each machine: curve source, units, priority, auxiliaries (the calculation sheet). */
  machines?: SimMachineRecord[];
}

/** One term of the factor's numerator (engine/sim/factor.ts FactorTerm). */
export interface SimFactorTerm {
  side: 'heat' | 'cold';
  /** What the term is: 'fuel', 'electricity', 'auxiliaries', 'network pumping', 'unused heat', 'CHP credit'. */
  item: string;
  plant?: string;
  quantity: number;
  unit: 'MJ' | 'kWh';
  /** Primary energy per unit, MJ/MJ or MJ/kWh. */
  factor: number;
  factorSource: string;
  primary_GJ: number;
}
/** Σ terms, GJ; sold at the customer meters, GJ; factor = primary / sold (kJ/kJ), null without sales; copPrimary = sold / primary (JHSBA's COP in primary energy). */
export interface SimFactorSide {
  primary_GJ: number;
  sold_GJ: number;
  factor: number | null;
  copPrimary: number | null;
}
/** The plant's primary energy factor as 告示 265 defines it, heat, cold and combined (engine/sim/factor.ts). */
export interface SimFactorRecord {
  definition: string;
  convention: 'law' | 'counted';
  allocation: string;
  allocationText: string;
  electricityPrimary_MJ_per_kWh: number;
  chpCredit_MJ_per_kWh: number | null;
  terms: SimFactorTerm[];
  heat: SimFactorSide;
  cold: SimFactorSide;
  combined: SimFactorSide;
  chpCreditRange: { credit_MJ_per_kWh: number | null; heat: number | null; combined: number | null }[];
  default: number;
}
export interface SimMachineRecord {
  id: string;
  type: string;
  side: string;
  builelib?: string;
  units: number;
  curveSource: string;
  auxiliaries: string[];
  merit: number;
  mode: string;
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
