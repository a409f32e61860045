/** The potential stage: heat-source potentials on the run's demand grid (potential.tif). */
import { UsageError } from '../errors.js';
import { GROUND_DEFAULTS } from '../potential/ground.js';
import { bool, crs, num, oneOf, path, str, temps, U, words, flowsByClass } from './fields.js';
import { BIOMASS_DEFAULTS, HOT_SPRING_DEFAULTS, SEA_WATER_DEFAULTS, SNOW_ICE_DEFAULTS, TRANSFORMER_DEFAULTS } from '../potential/other-defaults.js';
import { defineStage } from './types.js';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

/** Sewage temperature drop, K (national sewage-heat potential-map guide; = SEWAGE_DEFAULTS.dTK, pinned by a test). */
export const SEWAGE_DT_K = 5;
const SOURCES = ['sewers', 'rivers', 'ground', 'wasteHeat', 'seaWater', 'hotSprings', 'snowIce', 'biomass', 'transformers'] as const;
const A = 'ASSUMPTION';

export const potentialFields = {
  sewers: path('--sewers', 'in', 'sewer lines with flow in m³/day', { help: 'sewer lines (.geojson, .shp, PLATEAU .gml) with flow in m³/day, or without (then sewagePoints)' }),
  sewagePoints: path('--sewage-points', 'in', 'known-flow points with flow_m3d', { help: 'points of known flow (treatment plants, pump stations) with flow_m3d; flow is allocated by upstream floor area' }),
  rivers: path('--rivers', 'in', 'rivers or water bodies with flow in m³/s', { help: 'rivers/water bodies (.geojson, .shp, PLATEAU wtr .gml, or a PLATEAU city download: its udx/wtr is used) with flow in m³/s' }),
  ground: path('--ground', 'in', 'ground GeoTIFF', { help: 'ground raster (any CRS): extractable W per m of borehole, or conductivity with groundKind conductivity' }),
  wasteHeat: path('--waste-heat', 'in', 'waste-heat points with kw and temp_c', { help: 'waste-heat points (.geojson, .shp) with kw and temp_c' }),
  sewageFlowField: str('--sewage-flow-field', 'an attribute name (flow in m³/day)', { placeholder: 'name', help: 'sewer attribute with the flow in m³/day (default: first of flow_m3d, flow_m3_day, flow, Q, ...)' }),
  riverFlowField: str('--river-flow-field', 'an attribute name (flow in m³/s)', { placeholder: 'name', help: 'water-body attribute with the flow in m³/s (default: flow_m3s, flow, Q, discharge)' }),
  sewageDt_K: num('--sewage-dt', U.K, { positive: true }, 'sewage temperature drop', { default: SEWAGE_DT_K, aliases: ['sewageDt'], help: 'sewage temperature drop (national potential-map guide)' }),
  minFlow_m3_day: num('--min-flow', U.m3day, { min: 0 }, 'minimum sewer flow', { default: 0, aliases: ['minFlow'], help: "minimum sewer flow (0: the guide's value was not found)" }),
  sewageAccess_m: num('--sewage-access', U.m, { min: 0 }, 'access distance from sewers', { aliases: ['sewageAccess'], help: 'access distance from sewers (default 150 m, Hotmaps band)' }),
  winterHours_h: num('--winter-hours', U.h, { min: 0 }, 'hours a year at the winter flow', { aliases: ['winterHours'], help: 'hours a year at the winter flow when summer flows are given (default 4380, assumption)' }),
  riverFlow_m3_s: num('--river-flow', U.m3s, { min: 0 }, 'flow for water bodies without one', { aliases: ['riverFlow'], help: 'flow for water bodies without one' }),
  riverTemp_C: temps('--river-temp', { aliases: ['riverTemp'], help: 'river water temperature, one value or 12 monthly means (dT = min(T-2, 6) K)' }),
  riverFlowClass_m3_s: flowsByClass('--river-flow-class', { aliases: ['riverFlowClass'], help: 'flow by water class for features without a flow, e.g. river=10,stream=0.5 (OSM waterway, PLATEAU wtr:class); an assumption you state' }),
  riverAccess_m: num('--river-access', U.m, { min: 0 }, 'access distance from the bank', { aliases: ['riverAccess'], help: 'access distance from the bank (default 150 m, assumption)' }),
  riverFeatures: words('--river-features', 'CityGML feature names', { default: ['WaterBody'], help: 'CityGML feature names to read as water bodies' }),
  groundKind: oneOf('--ground-kind', ['w_per_m', 'conductivity'] as const, { default: 'w_per_m', help: 'what the ground raster holds' }),
  boreholeDepth_m: num('--borehole-depth', U.m, { positive: true }, 'borehole depth', { aliases: ['boreholeDepth'], help: `borehole depth (default ${GROUND_DEFAULTS.depthM} m, AIST/NEDO maps)` }),
  boreholeSpacing_m: num('--borehole-spacing', U.m, { positive: true }, 'borehole spacing', { aliases: ['boreholeSpacing'], help: `borehole spacing (default ${GROUND_DEFAULTS.spacingM} m, assumption)` }),
  fullLoadHours_h: num('--full-load-hours', U.h, { min: 0 }, 'ground full-load hours a year', { aliases: ['fullLoadHours'], help: `ground full-load hours a year (default ${GROUND_DEFAULTS.fullLoadHours}, assumption)` }),
  wasteHeatAccess_m: num('--waste-heat-access', U.m, { min: 0 }, 'access distance from waste-heat points', { aliases: ['wasteHeatAccess'], help: 'access distance from waste-heat points (default 1000 m, Hotmaps band)' }),
  densityThreshold_MWh_ha: num('--density-threshold', U.MWhHa, { min: 0 }, 'network-suitable heat density', { aliases: ['densityThreshold'], help: 'suitability: network-suitable heat density (default 333, Hotmaps)' }),
  sourceCrs: crs('--source-crs', { help: 'CRS of shapefiles without .prj / GeoJSON without crs (GeoJSON default WGS84)' }),
  // seed 000's other unused sources (issue 19)
  seaWater: path('--sea-water', 'in', 'coastline lines or sea polygons', { help: 'coastline lines or sea polygons (.geojson, .shp, .gml); each feature one intake with intake_m3s (or seaIntake_m3_s)' }),
  seaIntake_m3_s: num('--sea-intake', U.m3s, { min: 0 }, 'sea-water intake flow', { help: 'intake flow of coast features without intake_m3s (no default: the planner states it)' }),
  seaTemp_C: temps('--sea-temp', { help: 'sea temperature, one value or 12 monthly means (dT = min(T-2, 6) K, PlanHeat river rule applied to sea water, ASSUMPTION)' }),
  seaAccess_m: num('--sea-access', U.m, { min: 0 }, 'access distance from the coast', { help: `access distance from the coast (default ${SEA_WATER_DEFAULTS.accessM} m, ${A})` }),
  hotSprings: path('--hot-springs', 'in', 'hot-spring points with flow and temperature', { help: 'hot-spring points (.geojson, .shp) with flow_l_min (or flow_m3d) and temp_c' }),
  hotSpringReturn_C: num('--hot-spring-return', U.C, {}, 'temperature hot-spring water is cooled to', { help: `temperature the spring water is cooled to (default ${HOT_SPRING_DEFAULTS.returnC} °C, ${A})` }),
  hotSpringAccess_m: num('--hot-spring-access', U.m, { min: 0 }, 'access distance from hot springs', { help: `access distance from hot springs (default ${HOT_SPRING_DEFAULTS.accessM} m, Hotmaps point band, ${A})` }),
  snowIce: path('--snow-ice', 'in', 'snow/ice storage sites with volume_m3', { help: 'snow/ice storage sites (points or polygons) with volume_m3 (cold, not heat)' }),
  snowDensity_kg_m3: num('--snow-density', 'kg/m3', { positive: true, max: 1000 }, 'stored snow density', { help: `density of stored snow where a site gives none (default ${SNOW_ICE_DEFAULTS.densityKgM3} kg/m³, ${A})` }),
  snowUsableShare: num('--snow-usable-share', undefined, { min: 0, max: 1 }, 'share of the stored cold that reaches the load', { help: `share of the stored cold that reaches the load (default ${SNOW_ICE_DEFAULTS.usableShare}: no melt losses, ${A})` }),
  snowMeltStart_month: num('--snow-melt-start', 'month', { int: true, min: 1, max: 12 }, 'first month of the melt season', { help: `first month of the melt (cooling) season (default ${SNOW_ICE_DEFAULTS.meltStartMonth}, ${A})` }),
  snowMeltEnd_month: num('--snow-melt-end', 'month', { int: true, min: 1, max: 12 }, 'last month of the melt season', { help: `last month of the melt season (default ${SNOW_ICE_DEFAULTS.meltEndMonth}, ${A})` }),
  snowAccess_m: num('--snow-access', U.m, { min: 0 }, 'access distance from snow/ice sites', { help: `access distance from snow/ice sites (default ${SNOW_ICE_DEFAULTS.accessM} m, ${A})` }),
  biomass: path('--biomass', 'in', 'forest polygons (or points with area_ha)', { help: 'forest polygons, or points with area_ha, with yield_t_ha_a (or biomassYield_t_ha_a)' }),
  biomassYield_t_ha_a: num('--biomass-yield', 't/(ha·a)', { min: 0 }, 'sustainable fuel yield', { help: 'sustainable fuel yield of forests without yield_t_ha_a (no default: from the forest plan)' }),
  biomassDryNcv_MJ_kg: num('--biomass-dry-ncv', 'MJ/kg', { positive: true }, 'net calorific value of dry fuel', { help: `net calorific value of the dry fuel (default ${BIOMASS_DEFAULTS.dryNcvMJPerKg} MJ/kg, ${A}); as received by ISO 18125` }),
  biomassMoisture: num('--biomass-moisture', undefined, { min: 0, max: 0.95 }, 'moisture share as received', { help: `moisture share of the fuel as received (default ${BIOMASS_DEFAULTS.moisture}, ${A})` }),
  biomassEfficiency: num('--biomass-efficiency', undefined, { positive: true, max: 1.2 }, 'boiler efficiency', { help: `boiler efficiency (default ${BIOMASS_DEFAULTS.efficiency}, ${A} within METHODS.md's 60-90 %)` }),
  biomassFullLoadHours_h: num('--biomass-full-load-hours', U.h, { positive: true }, 'biomass plant full-load hours a year', { help: `full-load hours of the biomass plant (default ${BIOMASS_DEFAULTS.fullLoadHours}, ${A})` }),
  biomassHaul_m: num('--biomass-haul', U.m, { min: 0 }, 'haul distance from forest to plant', { help: `haul distance from a forest's centroid to the plant (default ${BIOMASS_DEFAULTS.haulM} m, ${A})` }),
  transformers: path('--transformers', 'in', 'transformer/substation points with rating_kva or loss_kw', { help: 'transformer/substation points (.geojson, .shp) with rating_kva (or rating_mva) or loss_kw' }),
  transformerLossShare: num('--transformer-loss-share', undefined, { min: 0, max: 0.2 }, 'heat per kVA of rating', { help: `kW of heat per kVA of rating where no loss_kw is given (default ${TRANSFORMER_DEFAULTS.lossShare}, ${A})` }),
  transformerAccess_m: num('--transformer-access', U.m, { min: 0 }, 'access distance from transformers', { help: `access distance from transformers (default ${TRANSFORMER_DEFAULTS.accessM} m, Hotmaps point band, ${A})` }),
  // platform view (issue 19): guideline checks and critical facilities, into platform.json
  guidelines: path('--guidelines', 'in', 'guideline table CSV', { help: 'municipal DHC guideline table (default datasets/guidelines/seed000.csv: seed 000 as quoted in issue 19)' }),
  municipality: str('--municipality', 'a JIS municipality code or a name of the guideline table', { placeholder: 'code|name', help: 'municipality of the buildings (default: from the PLATEAU data: buildingID, uro:city or the download name)' }),
  compareGuidelines: bool('--compare-guidelines', false, { help: "also evaluate every other municipality's rules on these buildings, as a what-if" }),
  criticalFacilities: path('--critical-facilities', 'in', 'CSV of critical facilities (id, role, name)', { help: 'critical facilities (CSV: id of buildings.geojson, role e.g. shelter, name) besides those by use' }),
  criticalUses: words('--critical-uses', 'use categories', { default: ['medical_welfare', 'public_office'], help: 'use categories counted as critical facilities (hospitals and welfare; city halls and offices)' }),
};

/** The options of each of issue 19's source layers. */
const OTHER_OPTIONS = {
  seaWater: ['seaIntake_m3_s', 'seaTemp_C', 'seaAccess_m'],
  hotSprings: ['hotSpringReturn_C', 'hotSpringAccess_m'],
  snowIce: ['snowDensity_kg_m3', 'snowUsableShare', 'snowMeltStart_month', 'snowMeltEnd_month', 'snowAccess_m'],
  biomass: ['biomassYield_t_ha_a', 'biomassDryNcv_MJ_kg', 'biomassMoisture', 'biomassEfficiency', 'biomassFullLoadHours_h', 'biomassHaul_m'],
  transformers: ['transformerLossShare', 'transformerAccess_m'],
} as const;

export const potential = defineStage({
  name: 'potential',
  command: 'potential',
  description: "heat-source potentials on the demand grid (writes potential.tif and the manifest's potential summary)",
  runArg: 'run',
  manifestKey: 'potential',
  fields: potentialFields,
  check(o) {
    // an option of one of issue 19's sources without its layer would do nothing: say so instead of ignoring it
    for (const [layer, keys] of Object.entries(OTHER_OPTIONS) as unknown as [keyof typeof potentialFields, readonly (keyof typeof potentialFields)[]][]) {
      const given = keys.filter((k) => o[k] !== undefined);
      if (o[layer] === undefined && given.length) {
        throw new UsageError('source-option-without-layer', `${given.join(', ')} ${given.length > 1 ? 'are options' : 'is an option'} of ${layer} (${potentialFields[layer].flag}), which is not given`, { value: given.join(', '), hint: `give ${layer} or leave ${given.join(', ')} out` });
      }
    }
    if (!SOURCES.some((k) => o[k] !== undefined)) {
      throw new UsageError('no-source', 'give at least one source: sewers, rivers, ground or wasteHeat (--sewers, --rivers, --ground, --waste-heat), or seaWater, hotSprings, snowIce, biomass or transformers (--sea-water, --hot-springs, --snow-ice, --biomass, --transformers)');
    }
  },
  async run(runDir, o) {
    const { runPotential } = await import('../potential/stage.js');
    return runPotential(runDir, o);
  },
  line: (s) => {
    const src = Object.entries(s.sources)
      .filter(([, v]) => v.given)
      .map(([k, v]) => `${k} ${fmt(v.kw)} kW (${v.cellsCovered} cells)`)
      .join(', ');
    const other = Object.entries(s.otherSources ?? {})
      .filter(([, v]) => v.given)
      .map(([k, v]) => `${k} ${fmt(v.kw)} kW${v.cold ? ' of cold' : ''} (${v.cellsCovered} cells)`)
      .join(', ');
    return `${[src, other].filter(Boolean).join(', ') || 'no source'}; ${s.cellsCovered} of ${s.cellsWithDemand} demand cells have a source within reach`;
  },
  details: (s) => {
    const p = s.platform;
    if (!p) return [];
    const m = p.municipality.codes.length ? `${p.municipality.names.join(', ')} (${p.municipality.codes.join(', ')}, from ${p.municipality.how})` : 'municipality not known';
    const rules = Object.entries(p.counts).map(([r, c]) => `${r}: ${c.buildings} buildings, ${c.blocks} blocks${c.areas === null ? '' : `, ${c.areas} areas`}`);
    const what = Object.entries(p.whatIf ?? {}).filter(([, c]) => c.buildings || c.blocks || c.areas).map(([r, c]) => `${r} ${c.buildings}/${c.blocks}${c.areas === null ? '' : `/${c.areas}`}`);
    const crit = Object.entries(p.criticalFacilities).map(([r, n]) => `${n} ${r}`).join(', ');
    return [
      `guidelines: ${m}; ${rules.length ? rules.join('; ') : 'no rule of the table applies'} (${p.file})`,
      ...(what.length ? [`what-if (other cities' rules, buildings/blocks/areas): ${what.join(', ')}`] : []),
      `critical facilities: ${crit || 'none'}`,
      ...(s.warnings && Object.keys(s.warnings).length ? [`warnings: ${JSON.stringify(s.warnings)}`] : []),
    ];
  },
});
