/**
 * Defaults of the potential stage's other sources (issue 19), as plain data: the stage's option table
 * (engine/stages/potential.ts) shows them in --help without loading the layer readers. Each layer file re-exports its
 * own; every value says its source or that it is an ASSUMPTION.
 */
import { GROUND_DEFAULTS } from './ground.js';

export const SEA_WATER_DEFAULTS = {
  /** m from the coast; no source found: the river's 150 m (itself Hotmaps' sewer band) reused, ASSUMPTION. */
  accessM: 150,
  /** K, PlanHeat's cap (METHODS.md §6; = RIVER_DEFAULTS.maxDTK, pinned by a test), applied to sea water: ASSUMPTION. */
  maxDTK: 6,
  /** Sea water density, kg/m³: standard sea water, 35 g/kg salinity, near the surface at 10-20 °C (TEOS-10, IOC/SCOR/IAPSO 2010: 1,024-1,027). */
  rhoKgM3: 1025,
  /** Specific heat of sea water, kJ/(kg·K): 35 g/kg salinity, 10-20 °C (TEOS-10: about 3.99). */
  cpKJPerKgK: 3.99,
  flowFields: ['intake_m3s', 'intake_m3_s', 'flow_m3s', 'flow'],
};

export const HOT_SPRING_DEFAULTS = {
  /** °C the spring water is cooled to: ASSUMPTION (no source found). */
  returnC: 15,
  /** m; Hotmaps' 1 km band around point sources (METHODS.md §6), ASSUMPTION for springs. */
  accessM: 1000,
  /** h/a: ASSUMPTION (a spring flows all year). */
  hours: 8760,
  flowLMinFields: ['flow_l_min', 'flow_L_min', 'flow_lpm', 'yield_l_min'],
  flowM3DayFields: ['flow_m3d', 'flow_m3_day'],
  tempFields: ['temp_c', 'temperature', 'tempC', 'T'],
};

export const SNOW_ICE_DEFAULTS = {
  /** kJ/kg, latent heat of fusion of ice at 0 °C (CRC Handbook). */
  latentKJPerKg: 333.55,
  /** kg/m³ of stored snow: ASSUMPTION (no source found; ice is 917). */
  densityKgM3: 500,
  /** Share of the stored cold that reaches the load: ASSUMPTION (1 = no melt losses, an upper bound). */
  usableShare: 1,
  /** Melt (cooling) season, months 1-12 inclusive: ASSUMPTION. */
  meltStartMonth: 6,
  meltEndMonth: 9,
  /** m; Hotmaps' 1 km band around point sources (METHODS.md §6), ASSUMPTION for snow sites. */
  accessM: 1000,
  volumeFields: ['volume_m3', 'volume', 'V'],
  densityFields: ['density_kg_m3', 'density'],
};

export const BIOMASS_DEFAULTS = {
  /** MJ/kg dry: ASSUMPTION (typical wood). */
  dryNcvMJPerKg: 19,
  /** Moisture share as received: ASSUMPTION. */
  moisture: 0.35,
  /** ISO 18125: MJ/kg of evaporation per unit moisture share. */
  evaporationMJPerKg: 2.443,
  /** Boiler efficiency: ASSUMPTION within METHODS.md §7's 60-90 %. */
  efficiency: 0.8,
  /** h/a: ASSUMPTION (the ground layer's default). */
  fullLoadHours: GROUND_DEFAULTS.fullLoadHours,
  /** m, haul distance: ASSUMPTION. */
  haulM: 20_000,
  yieldFields: ['yield_t_ha_a', 'yield'],
  areaFields: ['area_ha'],
};

export const TRANSFORMER_DEFAULTS = {
  /** kW of heat per kVA of rating: ASSUMPTION (no source found). */
  lossShare: 0.005,
  /** m; Hotmaps' 1 km band around point sources (METHODS.md §6), ASSUMPTION for substations. */
  accessM: 1000,
  hours: 8760,
  kvaFields: ['rating_kva', 'rating_kVA', 'kva', 'kVA'],
  mvaFields: ['rating_mva', 'rating_MVA', 'mva', 'MVA'],
  lossFields: ['loss_kw', 'loss_kW', 'heat_kw', 'heat_kW'],
};
