/**
 * The scenario format: one section per stage whose keys are that command's long options in camelCase, with the unit
 * as a suffix where the option takes a number with a unit (`cell_m`, `sewageDt_K`, `supply_C`). Each key maps to one
 * CLI option, so `heatplan run` executes exactly what the same command line would (test/pipeline checks that every
 * key names a real option and every option of a stage has a key).
 */
import { z } from 'zod';
import { bool, crs, describeValue, num, oneOf, path, plantList, required, str, temps, U, words, type FieldSpec, flowsByClass } from './fields.js';

export type StageName = 'demand' | 'potential' | 'areas' | 'route' | 'simulate' | 'report' | 'map';

/** Stages in the order they run. */
export const STAGES: readonly StageName[] = ['demand', 'potential', 'areas', 'route', 'simulate', 'report', 'map'];

export interface StageSpec {
  stage: StageName;
  /** heatplan command that runs it */
  command: string;
  /** How the run folder is passed: `--out DIR` (creates it), `--run DIR`, or as the first argument. */
  runArg: 'out' | 'run' | 'positional';
  fields: Record<string, FieldSpec>;
  /** The manifest key the stage's summary is written under (none for report and map). */
  manifestKey?: string;
  /** Options of the command that are deliberately not scenario keys (the runner sets them). */
  runnerOptions: string[];
}

const demand: StageSpec = {
  stage: 'demand',
  command: 'demand',
  runArg: 'out',
  manifestKey: 'demand',
  runnerOptions: ['--out', '--json', '--quiet'],
  fields: {
    buildings: required(path('--buildings', 'in', 'PLATEAU CityGML .gml/.gml.gz or folder of tiles, OSM .pbf, .shp or .geojson', { list: true })),
    crs: crs('--crs'),
    cell_m: num('--cell', U.m, { positive: true }, 'grid cell size'),
    blocks: path('--blocks', 'in', 'block polygons, GeoJSON or shapefile'),
    useColumn: str('--use-column', 'a column name'),
    floorAreaColumn: str('--floor-area-column', 'a column name'),
    storeysColumn: str('--storeys-column', 'a column name'),
    heightColumn: str('--height-column', 'a column name'),
    idColumn: str('--id-column', 'a column name'),
    scheme: str('--scheme', 'a use-code scheme name (plateau, osm, custom, ...)'),
    useMapping: path('--use-mapping', 'in', 'use mapping CSV scheme,code,category', { list: true, repeat: true }),
    encoding: str('--encoding', 'a character encoding name such as shift_jis'),
    sourceCrs: crs('--source-crs'),
    intensity: path('--intensity', 'in', 'demand intensity CSV'),
    climateTable: path('--climate-table', 'in', 'climate region CSV'),
    climateRegion: num('--climate-region', undefined, { int: true, min: 1, max: 8 }, 'Japanese climate region'),
    hdd_Kd: num('--hdd', U.Kd, { min: 0 }, 'heating degree days, base 18 °C'),
    meanTemp_C: num('--mean-temp', U.C, {}, 'annual mean outdoor temperature'),
    designTemp_C: num('--design-temp', U.C, {}, 'design outdoor temperature'),
    hddScaling: oneOf('--hdd-scaling', ['linear', 'sqrt']),
    includeBasement: bool('--include-basement'),
  },
};

const potential: StageSpec = {
  stage: 'potential',
  command: 'potential',
  runArg: 'run',
  manifestKey: 'potential',
  runnerOptions: ['--run', '--json', '--quiet'],
  fields: {
    sewers: path('--sewers', 'in', 'sewer lines with flow in m³/day'),
    sewagePoints: path('--sewage-points', 'in', 'known-flow points with flow_m3d'),
    rivers: path('--rivers', 'in', 'rivers or water bodies with flow in m³/s'),
    ground: path('--ground', 'in', 'ground GeoTIFF'),
    wasteHeat: path('--waste-heat', 'in', 'waste-heat points with kw and temp_c'),
    sewageFlowField: str('--sewage-flow-field', 'an attribute name (flow in m³/day)'),
    riverFlowField: str('--river-flow-field', 'an attribute name (flow in m³/s)'),
    sewageDt_K: num('--sewage-dt', U.K, { positive: true }, 'sewage temperature drop'),
    minFlow_m3_day: num('--min-flow', U.m3day, { min: 0 }, 'minimum sewer flow'),
    sewageAccess_m: num('--sewage-access', U.m, { min: 0 }, 'access distance from sewers'),
    winterHours_h: num('--winter-hours', U.h, { min: 0 }, 'hours a year at the winter flow'),
    riverFlow_m3_s: num('--river-flow', U.m3s, { min: 0 }, 'flow for water bodies without one'),
    riverTemp_C: temps('--river-temp'),
    riverFlowClass_m3_s: flowsByClass('--river-flow-class'),
    riverAccess_m: num('--river-access', U.m, { min: 0 }, 'access distance from the bank'),
    riverFeatures: words('--river-features', 'CityGML feature names'),
    groundKind: oneOf('--ground-kind', ['w_per_m', 'conductivity']),
    boreholeDepth_m: num('--borehole-depth', U.m, { positive: true }),
    boreholeSpacing_m: num('--borehole-spacing', U.m, { positive: true }),
    fullLoadHours_h: num('--full-load-hours', U.h, { min: 0 }, 'ground full-load hours a year'),
    wasteHeatAccess_m: num('--waste-heat-access', U.m, { min: 0 }),
    densityThreshold_MWh_ha: num('--density-threshold', U.MWhHa, { min: 0 }),
    sourceCrs: crs('--source-crs'),
  },
};

const areas: StageSpec = {
  stage: 'areas',
  command: 'areas',
  runArg: 'run',
  manifestKey: 'areas',
  runnerOptions: ['--run', '--json', '--quiet'],
  fields: {
    method: oneOf('--method', ['hotmaps', 'blocks']),
    cellThreshold_MWh_ha: num('--cell-threshold', U.MWhHa, { min: 0 }),
    areaThreshold_GWh: num('--area-threshold', U.GWh, { min: 0 }, 'minimum annual demand of an area'),
    demandRaster: path('--demand-raster', 'in', 'heat-density GeoTIFF in MWh/(ha·a)'),
    band: num('--band', undefined, { int: true, min: 1 }, 'band of demandRaster'),
    linearThreshold_MWh_m: num('--linear-threshold', U.MWhM, { min: 0 }),
    gap_m: num('--gap', U.m, { min: 0 }),
    plotRatio: num('--plot-ratio', undefined, { positive: true }, 'floor area / land area'),
    keepEdge: bool('--keep-edge'),
  },
};

const route: StageSpec = {
  stage: 'route',
  command: 'route',
  runArg: 'run',
  manifestKey: 'route',
  runnerOptions: ['--run', '--json', '--quiet'],
  fields: {
    roads: required(path('--roads', 'in', 'roads: OSM .pbf, .shp or .geojson lines')),
    plant: plantList('--plant'),
    plants: path('--plants', 'in', 'GeoJSON points with capacity_kW, type, fuel'),
    minKwPerM: num('--min-kw-per-m', U.kWM, { min: 0 }, 'design output / (2 x route length); 0 = off'),
    minMwhPerM: num('--min-mwh-per-m', U.MWhM, { min: 0 }, 'annual heat per metre of trench; 0 = off'),
    supply_C: num('--supply', U.C, {}, 'supply temperature'),
    return_C: num('--return', U.C, {}, 'return temperature'),
    ground_C: num('--ground', U.C, {}, 'ground temperature'),
    maxPaPerM: num('--max-pa-per-m', U.PaM, { positive: true }, 'pressure-drop limit'),
    maxService_m: num('--max-service', U.m, { positive: true }),
    consumers: oneOf('--consumers', ['buildings', 'blocks']),
    plantFromPotential: bool('--plant-from-potential'),
    maxPlantDistance_m: num('--max-plant-distance', U.m, { positive: true }),
    roadClasses: words('--road-classes', 'highway=* classes'),
    excludeRoadClasses: words('--exclude-road-classes', 'highway=* classes'),
    roadsCrs: crs('--roads-crs'),
    snap_m: num('--snap', U.m, { positive: true }),
    crossings: { ...bool('--crossings'), toArgs: (v) => ['--crossings', v ? 'yes' : 'no'] },
    improve: bool('--improve', true),
    exportGraph: path('--export-graph', 'out', 'CSV of the noded road graph'),
    exportTerminals: path('--export-terminals', 'out', 'CSV of plant and consumer node ids'),
  },
};

const simulate: StageSpec = {
  stage: 'simulate',
  command: 'simulate',
  runArg: 'run',
  manifestKey: 'sim',
  runnerOptions: ['--run', '--json', '--quiet'],
  fields: {
    weather: required(path('--weather', 'in', 'hourly weather: HASP .has, CSV or EPW')),
    plants: path('--plants', 'in', 'plants YAML/JSON'),
    scenario: path('--scenario', 'in', 'simulation cases YAML'),
    profiles: path('--profiles', 'in', 'folder with the BDEW CSVs and room schedules'),
    electricityFactor_MJ_kWh: num('--electricity-factor', U.MJkWh, { positive: true }),
    electricityCo2_kg_kWh: num('--electricity-co2', U.kgkWh, { min: 0 }),
    supply_C: num('--supply-c', U.C, {}, 'supply temperature'),
    return_C: num('--return-c', U.C, {}, 'return temperature'),
    designGround_C: num('--design-ground-c', U.C, {}, 'ground temperature of the design losses'),
    ground_C: num('--ground-c', U.C, {}, 'constant ground temperature'),
    groundDepth_m: num('--ground-depth', U.m, { positive: true }),
    startWeekday: num('--start-weekday', undefined, { int: true, min: 0, max: 6 }, 'weekday of 1 January, 0 = Monday'),
    climateRegion: num('--climate-region', undefined, { int: true, min: 1, max: 8 }, 'Japanese climate region'),
    backup: bool('--backup', true),
  },
};

const report: StageSpec = {
  stage: 'report',
  command: 'report',
  runArg: 'positional',
  runnerOptions: ['--json', '--quiet'],
  fields: {
    out: path('--out', 'out', 'report file; default RUN/report.html'),
    maps: bool('--maps', true),
  },
};

const map: StageSpec = {
  stage: 'map',
  command: 'export-map',
  runArg: 'positional',
  runnerOptions: ['--json', '--quiet'],
  fields: {
    layers: words('--layers', 'layer names'),
    format: oneOf('--format', ['png', 'pdf', 'svg']),
    out: path('--out', 'out', 'map file; default RUN/map.FORMAT'),
    title: str('--title', 'a title text'),
    size: oneOf('--size', ['A4', 'A3']),
    landscape: bool('--landscape'),
    dpi: num('--dpi', 'pixels per inch', { int: true, min: 50, max: 1200 }),
    scale: num('--scale', undefined, { positive: true }, 'scale denominator, 5000 for 1:5,000'),
    pipeThreshold_kW_m: num('--pipe-threshold', U.kWM, { positive: true }, 'pipe colour break'),
  },
};

export const STAGE_SPECS: Record<StageName, StageSpec> = { demand, potential, areas, route, simulate, report, map };

/** Top-level keys besides the stage sections. */
export const TOP_FIELDS = {
  name: 'a name for the run (default map title)',
  description: 'free text',
  out: 'the run folder, relative to the scenario file (the CLI --out overrides it)',
} as const;

function sectionSchema(spec: StageSpec) {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, f] of Object.entries(spec.fields)) shape[k] = f.required ? f.schema : f.schema.optional();
  // "areas:" with nothing after it means the stage with its defaults
  return z.preprocess((v) => (v === null ? {} : v), z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : `expected a mapping of ${spec.stage} options (key: value), got ${describeValue(iss.input)}`),
  }));
}

/** `report: true` (or an empty `report:`) means "with the defaults"; false or absent skip the stage. */
const trueIsEmpty = (v: unknown) => (v === true || v === null ? {} : v === false ? undefined : v);

export const scenarioSchema = z.strictObject(
  {
    name: z.string({ error: (iss) => `expected ${TOP_FIELDS.name} as text, got ${JSON.stringify(iss.input)}` }).optional(),
    description: z.string({ error: (iss) => `expected text, got ${JSON.stringify(iss.input)}` }).optional(),
    out: z.string({ error: (iss) => `expected a path (${TOP_FIELDS.out}), got ${JSON.stringify(iss.input)}` }).min(1).optional(),
    demand: sectionSchema(demand).optional(),
    potential: sectionSchema(potential).optional(),
    areas: sectionSchema(areas).optional(),
    route: sectionSchema(route).optional(),
    simulate: sectionSchema(simulate).optional(),
    report: z.preprocess(trueIsEmpty, sectionSchema(report).optional()),
    // one map, or a list of maps (e.g. a PNG and a PDF)
    map: z.preprocess(
      (v) => {
        const x = trueIsEmpty(v);
        return x === undefined ? undefined : Array.isArray(x) ? x.map(trueIsEmpty) : [x];
      },
      z.array(sectionSchema(map)).min(1, { error: 'expected a map mapping or a list of them, got an empty list' }).optional(),
    ),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : 'expected a mapping (key: value) at the top of the scenario file') },
);

export type ScenarioSection = Record<string, unknown>;
export interface Scenario {
  name?: string;
  description?: string;
  out?: string;
  demand?: ScenarioSection;
  potential?: ScenarioSection;
  areas?: ScenarioSection;
  route?: ScenarioSection;
  simulate?: ScenarioSection;
  report?: ScenarioSection;
  map?: ScenarioSection[];
}

/** Allowed keys at a path (for unknown-key messages): top level, a stage section, or a route plant. */
export function allowedKeys(path: (string | number)[]): string[] | undefined {
  if (path.length === 0) return [...Object.keys(TOP_FIELDS), ...STAGES];
  const stage = path[0] as StageName;
  const spec = STAGE_SPECS[stage];
  if (!spec) return undefined;
  if (stage === 'map' && (path.length === 1 || (path.length === 2 && typeof path[1] === 'number'))) return Object.keys(spec.fields);
  if (path.length === 1) return Object.keys(spec.fields);
  if (stage === 'route' && path[1] === 'plant') return ['lon', 'lat', 'capacity_kW', 'type'];
  return undefined;
}
