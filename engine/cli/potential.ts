/** `heatplan potential`: heat-source potential layers and the per-cell overlay into potential.tif. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { FeatureCollection } from 'geojson';
import { parseCrs } from '../crs/index.js';
import { InputError, UsageError } from '../errors.js';
import { resampleToGrid } from '../grid/resample.js';
import { writeGeoTiff } from '../io/geotiff.js';
import { readSourceRaster } from '../potential/raster-input.js';
import { describeInputs, readManifest, RunTransaction, withRun } from '../io/run-folder.js';
import { computePotentials, type PotentialInputs } from '../potential/compute.js';
import { readRunDemand } from '../potential/demand-input.js';
import { GROUND_DEFAULTS, groundKw } from '../potential/ground.js';
import { riverSources } from '../potential/river.js';
import { SEWAGE_DEFAULTS, sewagePipes, type KnownFlow } from '../potential/sewage.js';
import { numberProp, readSourceFeatures } from '../potential/vector-input.js';
import { wasteHeatSources } from '../potential/waste-heat.js';
import { info } from '../util/progress.js';
import { Warnings } from '../util/warnings.js';
import { parsePositive, printJson, parseNonNegative } from './common.js';

const nonNegative = parseNonNegative;
const temps = (v: string) => {
  const t = v.split(',').map(Number);
  if (!(t.length === 1 || t.length === 12) || t.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`--river-temp needs 1 or 12 comma-separated °C values, got "${v}"`);
  return t;
};

export function register(program: Command): void {
  program
    .command('potential')
    .description('heat-source potentials on the demand grid (writes potential.tif and the manifest\'s potential summary)')
    .requiredOption('--run <dir>', 'run folder with demand.tif')
    .option('--sewers <path>', 'sewer lines (.geojson, .shp, PLATEAU .gml) with flow in m³/day, or without (then --sewage-points)')
    .option('--sewage-points <path>', 'points of known flow (treatment plants, pump stations) with flow_m3d; flow is allocated by upstream floor area')
    .option('--rivers <path>', 'rivers/water bodies (.geojson, .shp, PLATEAU wtr .gml) with flow in m³/s')
    .option('--ground <tif>', 'ground raster (any CRS): extractable W per m of borehole, or conductivity with --ground-kind conductivity')
    .option('--waste-heat <path>', 'waste-heat points (.geojson, .shp) with kw and temp_c')
    .option('--sewage-flow-field <name>', `sewer attribute with the flow in m³/day (default: first of ${SEWAGE_DEFAULTS.flowFields.join(', ')})`)
    .option('--river-flow-field <name>', 'water-body attribute with the flow in m³/s (default: flow_m3s, flow, Q, discharge)')
    .option('--sewage-dt <K>', 'sewage temperature drop (default 5 K, national potential-map guide)', parsePositive('--sewage-dt'), SEWAGE_DEFAULTS.dTK)
    .option('--min-flow <m3/day>', 'minimum sewer flow (default 0: the guide\'s value was not found)', nonNegative('--min-flow'), 0)
    .option('--sewage-access <m>', 'access distance from sewers (default 150 m, Hotmaps band)', nonNegative('--sewage-access'))
    .option('--winter-hours <h>', 'hours a year at the winter flow when summer flows are given (default 4380, assumption)', nonNegative('--winter-hours'))
    .option('--river-flow <m3/s>', 'flow for water bodies without one', nonNegative('--river-flow'))
    .option('--river-flow-class <class=m3/s,...>', 'flow by water class for features without a flow, e.g. river=10,stream=0.5 (OSM waterway, PLATEAU wtr:class); an assumption you state', flowClasses)
    .option('--river-temp <C[,..12]>', 'river water temperature, one value or 12 monthly means (dT = min(T-2, 6) K)', temps)
    .option('--river-access <m>', 'access distance from the bank (default 150 m, assumption)', nonNegative('--river-access'))
    .option('--river-features <names>', 'CityGML feature names to read as water bodies', 'WaterBody')
    .option('--ground-kind <w_per_m|conductivity>', 'what the ground raster holds', 'w_per_m')
    .option('--borehole-depth <m>', `borehole depth (default ${GROUND_DEFAULTS.depthM} m, AIST/NEDO maps)`, parsePositive('--borehole-depth'))
    .option('--borehole-spacing <m>', `borehole spacing (default ${GROUND_DEFAULTS.spacingM} m, assumption)`, parsePositive('--borehole-spacing'))
    .option('--full-load-hours <h>', `ground full-load hours a year (default ${GROUND_DEFAULTS.fullLoadHours}, assumption)`, nonNegative('--full-load-hours'))
    .option('--waste-heat-access <m>', 'access distance from waste-heat points (default 1000 m, Hotmaps band)', nonNegative('--waste-heat-access'))
    .option('--density-threshold <MWh/ha>', 'suitability: network-suitable heat density (default 333, Hotmaps)', nonNegative('--density-threshold'))
    .option('--source-crs <EPSG:N>', 'CRS of shapefiles without .prj / GeoJSON without crs (GeoJSON default WGS84)')
    .option('--json', 'print the potential summary as JSON on stdout', false)
    .option('--quiet', 'no messages on stderr', false)
    .action(async (opts) => {
      if (!opts.sewers && !opts.rivers && !opts.ground && !opts.wasteHeat) {
        throw new UsageError('no-source', 'give at least one source: --sewers, --rivers, --ground or --waste-heat');
      }
      if (opts.groundKind !== 'w_per_m' && opts.groundKind !== 'conductivity') throw new UsageError('bad-ground-kind', '--ground-kind must be w_per_m or conductivity', { value: opts.groundKind });
      const s = await runPotential(opts);
      if (opts.json) printJson(s);
      const src = Object.entries(s.sources)
        .filter(([, v]) => v.given)
        .map(([k, v]) => `${k} ${fmt(v.kw)} kW (${v.cellsCovered} cells)`)
        .join(', ');
      info(`heatplan potential: ${src}; ${s.cellsCovered} of ${s.cellsWithDemand} demand cells have a source within reach; wrote ${join(opts.run, 'potential.tif')}`, opts.quiet);
    });
}

/** The potential stage on a run folder (library form of the command; options as the CLI's). */
export async function runPotential(opts: Record<string, any>) {
  const manifest = await readManifest(opts.run);
  const demand = await readRunDemand(opts.run);
  const grid = demand.grid;
  const working = parseCrs(manifest.crs?.code ?? grid.crs);
  const warnings = new Warnings();
  const inputs: PotentialInputs = {};
  const inputFiles: [string, string][] = [];
  if (opts.sewers) {
    inputFiles.push([opts.sewers, 'sewers']);
    const feats = await readSourceFeatures(opts.sewers, working, { cityGmlFeatures: ['SewerPipe', 'Pipe', 'DrainagePipe'], cityGmlLines: true, sourceCrs: opts.sourceCrs, warnings });
    const known: KnownFlow[] = [];
    if (opts.sewagePoints) {
      inputFiles.push([opts.sewagePoints, 'sewage-points']);
      const pts = await readSourceFeatures(opts.sewagePoints, working, { sourceCrs: opts.sourceCrs, warnings });
      for (const p of pts) {
        const flow = numberProp(p.props, SEWAGE_DEFAULTS.flowFields);
        if (flow === undefined || !(flow >= 0) || p.points.length < 2) {
          throw new InputError('sewage-point-bad', 'known-flow point needs a point geometry and a flow >= 0 m³/day', { file: opts.sewagePoints, record: p.id, value: flow });
        }
        const summer = numberProp(p.props, SEWAGE_DEFAULTS.summerFields);
        known.push({ id: p.id, x: p.points[0]!, y: p.points[1]!, flowM3PerDay: flow, summerM3PerDay: summer !== undefined && summer >= 0 ? summer : undefined });
      }
    }
    const buildings = await readBuildingPoints(join(opts.run, 'buildings.geojson'));
    inputs.sewage = sewagePipes(feats, known, buildings, warnings, {
      dTK: opts.sewageDt,
      minFlowM3PerDay: opts.minFlow,
      winterHours: opts.winterHours,
      flowFields: opts.sewageFlowField ? [opts.sewageFlowField] : undefined,
      file: opts.sewers,
    });
  }
  if (opts.rivers) {
    inputFiles.push([opts.rivers, 'rivers']);
    const feats = await readSourceFeatures(opts.rivers, working, { cityGmlFeatures: String(opts.riverFeatures ?? 'WaterBody').split(','), sourceCrs: opts.sourceCrs, warnings });
    inputs.river = riverSources(feats, warnings, {
      waterTempC: opts.riverTemp?.length === 1 ? opts.riverTemp[0] : opts.riverTemp,
      defaultFlowM3s: opts.riverFlow,
      flowByClass: opts.riverFlowClass,
      flowFields: opts.riverFlowField ? [opts.riverFlowField] : undefined,
      file: opts.rivers,
    });
  }
  let groundMethod: string | undefined;
  if (opts.ground) {
    inputFiles.push([opts.ground, 'ground']);
    const src = await readSourceRaster(opts.ground);
    if (src.crsNote) warnings.add('ground-user-crs', src.crsNote, { file: opts.ground });
    const res = resampleToGrid(src, grid, {
      kind: 'intensive',
      file: opts.ground,
    });
    groundMethod = res.method;
    const gopts = { kind: opts.groundKind, depthM: opts.boreholeDepth, spacingM: opts.boreholeSpacing } as const;
    inputs.groundKw = groundKw(grid, res.data, gopts);
    const hours = opts.fullLoadHours ?? GROUND_DEFAULTS.fullLoadHours;
    inputs.groundMWhA = inputs.groundKw.map((v) => (v * hours) / 1000);
    const missing = res.data.length - res.validCells;
    if (missing) warnings.addMany('ground-no-data', 'grid cells outside the ground raster or on its nodata: no ground potential', missing);
  }
  if (opts.wasteHeat) {
    inputFiles.push([opts.wasteHeat, 'waste-heat']);
    const feats = await readSourceFeatures(opts.wasteHeat, working, { sourceCrs: opts.sourceCrs, warnings });
    inputs.wasteHeat = wasteHeatSources(feats, warnings, { file: opts.wasteHeat });
  }
  const r = computePotentials(grid, { heatMWh: demand.heatMWh, peakKw: demand.peakKw }, inputs, {
    sewageAccessM: opts.sewageAccess,
    riverAccessM: opts.riverAccess,
    wasteHeatAccessM: opts.wasteHeatAccess,
    densityThresholdMWhPerHa: opts.densityThreshold,
  });
  const tx = await RunTransaction.open(opts.run);
  return withRun(tx, async (tx) => {
    await writeGeoTiff(tx.path('potential.tif'), { ...grid, bands: r.bands, names: r.names, units: r.units });
    for (const [p, role] of inputFiles) tx.addInputs(await describeInputs([p], role));
    const summary = {
      ...r.summary,
      kwBySource: Object.fromEntries(Object.entries(r.summary.sources).map(([k, v]) => [k, v.given ? Math.round(v.kw * 10) / 10 : null])),
      parameters: {
        sewage: { dT_K: opts.sewageDt ?? SEWAGE_DEFAULTS.dTK, minFlow_m3_day: opts.minFlow ?? 0, rho_kg_m3: SEWAGE_DEFAULTS.rhoKgM3, cp_kJ_kgK: SEWAGE_DEFAULTS.cpKJPerKgK, source: 'national sewage-heat potential-map guide (MoE/MLIT 2014), METHODS.md §6' },
        river: { waterTemp_C: opts.riverTemp ?? null, dT: 'min(T - 2, 6) K (PlanHeat, METHODS.md §6)', defaultFlow_m3_s: opts.riverFlow ?? null, flowByClass_m3_s: opts.riverFlowClass ?? null },
        ground: opts.ground ? { kind: opts.groundKind, depth_m: opts.boreholeDepth ?? GROUND_DEFAULTS.depthM, spacing_m: opts.boreholeSpacing ?? GROUND_DEFAULTS.spacingM, fullLoadHours: opts.fullLoadHours ?? GROUND_DEFAULTS.fullLoadHours, resampling: groundMethod } : null,
        sewageAllocated: inputs.sewage?.filter((p) => p.flowSource === 'allocated').length ?? 0,
      },
      bands: r.names.map((n, i) => `${i + 1}: ${n} (${r.units[i]})`),
      warnings: warnings.counts(),
      warningDetails: warnings.list(),
    };
    tx.setStage('potential', summary);
    return summary;
  });
}

/** Building centroids (working CRS x, y) and floor areas from the run's buildings.geojson, if any. */
async function readBuildingPoints(path: string): Promise<{ x: number[]; y: number[]; floorM2: number[] } | undefined> {
  if (!existsSync(path)) return undefined;
  const fc = JSON.parse(await readFile(path, 'utf8')) as FeatureCollection;
  const out = { x: [] as number[], y: [] as number[], floorM2: [] as number[] };
  for (const f of fc.features) {
    const p = f.properties ?? {};
    if (typeof p.x === 'number' && typeof p.y === 'number' && typeof p.floorArea_m2 === 'number') {
      out.x.push(p.x);
      out.y.push(p.y);
      out.floorM2.push(p.floorArea_m2);
    }
  }
  return out;
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

/** Parse `river=10,stream=0.5` into a class -> m³/s table. */
function flowClasses(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of v.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*([0-9.eE+-]+)\s*$/.exec(part);
    const q = m ? Number(m[2]) : NaN;
    if (!m || !(q >= 0)) throw new InvalidArgumentError(`--river-flow-class expects CLASS=M3S pairs separated by commas (e.g. river=10,stream=0.5), got "${part}"`);
    out[m[1]!] = q;
  }
  return out;
}
