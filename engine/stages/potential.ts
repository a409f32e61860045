/** The potential stage: heat-source potentials on the run's demand grid (potential.tif). */
import { UsageError } from '../errors.js';
import { GROUND_DEFAULTS } from '../potential/ground.js';
import { crs, num, oneOf, path, str, temps, U, words, flowsByClass } from './fields.js';
import { defineStage } from './types.js';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

/** Sewage temperature drop, K (national sewage-heat potential-map guide; = SEWAGE_DEFAULTS.dTK, pinned by a test). */
export const SEWAGE_DT_K = 5;
const SOURCES = ['sewers', 'rivers', 'ground', 'wasteHeat'] as const;

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
};

export const potential = defineStage({
  name: 'potential',
  command: 'potential',
  description: "heat-source potentials on the demand grid (writes potential.tif and the manifest's potential summary)",
  runArg: 'run',
  manifestKey: 'potential',
  fields: potentialFields,
  check(o) {
    if (!SOURCES.some((k) => o[k] !== undefined)) {
      throw new UsageError('no-source', 'give at least one source: sewers, rivers, ground or wasteHeat (--sewers, --rivers, --ground, --waste-heat)');
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
    return `${src || 'no source'}; ${s.cellsCovered} of ${s.cellsWithDemand} demand cells have a source within reach`;
  },
});
