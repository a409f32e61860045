/**
 * The potential stage on a run folder: reads demand.tif (and buildings.geojson for sewage allocation), the source
 * layers, computes the per-cell potentials and the overlay, and writes potential.tif and manifest.potential in one
 * transaction.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureCollection } from 'geojson';
import { parseCrs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { resampleToGrid } from '../grid/resample.js';
import { writeGeoTiff } from '../io/geotiff.js';
import { describeInputs, readManifest, RunTransaction, withRun } from '../io/run-folder.js';
import type { OptionsOf } from '../stages/fields.js';
import type { potentialFields } from '../stages/potential.js';
import { Warnings } from '../util/warnings.js';
import { computePotentials, type PotentialInputs } from './compute.js';
import { readRunDemand } from './demand-input.js';
import { GROUND_DEFAULTS, groundKw } from './ground.js';
import { readSourceRaster } from './raster-input.js';
import { riverSources } from './river.js';
import { implausibleFlow, MAX_SEWER_FLOW_M3_PER_DAY, SEWAGE_DEFAULTS, sewagePipes, type KnownFlow } from './sewage.js';
import { numberProp, readSourceFeatures } from './vector-input.js';
import { wasteHeatSources } from './waste-heat.js';
import { BIOMASS_DEFAULTS, biomassSources, netCalorificMJPerKg } from './biomass.js';
import { HOT_SPRING_DEFAULTS, hotSpringSources } from './hot-spring.js';
import { SEA_WATER_DEFAULTS, seaWaterSources } from './sea-water.js';
import { seasonHours, SNOW_ICE_DEFAULTS, snowIceSources } from './snow-ice.js';
import { TRANSFORMER_DEFAULTS, transformerSources } from './transformer-heat.js';
import { platformView, writePlatform } from '../platform/run.js';
import { FILES } from '../run/contract.js';
import { hasRunFile, readBuildings } from '../run/read.js';

export type PotentialOptions = OptionsOf<typeof potentialFields>;
export type PotentialStageSummary = Awaited<ReturnType<typeof runPotentialImpl>>;

/** The potential stage on a run folder. */
export function runPotential(run: string, opts: PotentialOptions): Promise<PotentialStageSummary> {
  return runPotentialImpl(run, opts);
}

async function runPotentialImpl(run: string, opts: PotentialOptions) {
  const manifest = await readManifest(run);
  const demand = await readRunDemand(run);
  const grid = demand.grid;
  const working = parseCrs(manifest.crs?.code ?? grid.crs);
  const warnings = new Warnings();
  const inputs: PotentialInputs = {};
  const inputFiles: [string, string][] = [];
  // source layers with no features, checked once every source is read (emptySources)
  const empty: { file: string; role: string }[] = [];
  if (opts.sewers) {
    inputFiles.push([opts.sewers, 'sewers']);
    const feats = await readSourceFeatures(opts.sewers, working, { cityGmlFeatures: ['SewerPipe', 'Pipe', 'DrainagePipe'], cityGmlLines: true, sourceCrs: opts.sourceCrs, warnings });
    if (feats.length === 0) empty.push({ file: opts.sewers, role: 'sewers' });
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
        for (const v of [flow, summer]) if (v !== undefined && v > MAX_SEWER_FLOW_M3_PER_DAY) throw implausibleFlow(opts.sewagePoints, p.id, v, 'known flow');
        known.push({ id: p.id, x: p.points[0]!, y: p.points[1]!, flowM3PerDay: flow, summerM3PerDay: summer !== undefined && summer >= 0 ? summer : undefined });
      }
    }
    const buildings = await readBuildingPoints(run);
    inputs.sewage = sewagePipes(feats, known, buildings, warnings, {
      dTK: opts.sewageDt_K,
      minFlowM3PerDay: opts.minFlow_m3_day,
      winterHours: opts.winterHours_h,
      flowFields: opts.sewageFlowField ? [opts.sewageFlowField] : undefined,
      file: opts.sewers,
    });
  }
  if (opts.rivers) {
    inputFiles.push([opts.rivers, 'rivers']);
    const feats = await readSourceFeatures(opts.rivers, working, { cityGmlFeatures: opts.riverFeatures ?? ['WaterBody'], sourceCrs: opts.sourceCrs, warnings });
    if (feats.length === 0) empty.push({ file: opts.rivers, role: 'rivers' });
    inputs.river = riverSources(feats, warnings, {
      waterTempC: opts.riverTemp_C?.length === 1 ? opts.riverTemp_C[0] : opts.riverTemp_C,
      defaultFlowM3s: opts.riverFlow_m3_s,
      flowByClass: opts.riverFlowClass_m3_s,
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
    const gopts = { kind: opts.groundKind, depthM: opts.boreholeDepth_m, spacingM: opts.boreholeSpacing_m } as const;
    inputs.groundKw = groundKw(grid, res.data, gopts);
    const hours = opts.fullLoadHours_h ?? GROUND_DEFAULTS.fullLoadHours;
    inputs.groundMWhA = inputs.groundKw.map((v) => (v * hours) / 1000);
    const missing = res.data.length - res.validCells;
    if (missing) warnings.addMany('ground-no-data', 'grid cells outside the ground raster or on its nodata: no ground potential', missing);
  }
  if (opts.wasteHeat) {
    inputFiles.push([opts.wasteHeat, 'waste-heat']);
    const feats = await readSourceFeatures(opts.wasteHeat, working, { sourceCrs: opts.sourceCrs, warnings });
    if (feats.length === 0) empty.push({ file: opts.wasteHeat, role: 'waste-heat' });
    inputs.wasteHeat = wasteHeatSources(feats, warnings, { file: opts.wasteHeat });
  }
  // seed 000's other sources (issue 19)
  const readLayer = async (file: string | undefined, role: string) => {
    if (!file) return undefined;
    inputFiles.push([file, role]);
    const feats = await readSourceFeatures(file, working, { sourceCrs: opts.sourceCrs, warnings });
    if (feats.length === 0) empty.push({ file, role });
    return feats;
  };
  const sea = await readLayer(opts.seaWater, 'sea-water');
  if (sea) inputs.seaWater = seaWaterSources(sea, warnings, { file: opts.seaWater, seaTempC: opts.seaTemp_C, intakeM3s: opts.seaIntake_m3_s });
  const springs = await readLayer(opts.hotSprings, 'hot-springs');
  if (springs) inputs.hotSpring = hotSpringSources(springs, warnings, { file: opts.hotSprings, returnC: opts.hotSpringReturn_C });
  const snow = await readLayer(opts.snowIce, 'snow-ice');
  const snowOpts = { densityKgM3: opts.snowDensity_kg_m3, usableShare: opts.snowUsableShare, meltStartMonth: opts.snowMeltStart_month, meltEndMonth: opts.snowMeltEnd_month };
  if (snow) inputs.snowIce = snowIceSources(snow, warnings, { file: opts.snowIce, ...snowOpts });
  const forests = await readLayer(opts.biomass, 'biomass');
  const bioOpts = { yieldTPerHaA: opts.biomassYield_t_ha_a, dryNcvMJPerKg: opts.biomassDryNcv_MJ_kg, moisture: opts.biomassMoisture, efficiency: opts.biomassEfficiency, fullLoadHours: opts.biomassFullLoadHours_h };
  if (forests) inputs.biomass = biomassSources(forests, warnings, { file: opts.biomass, ...bioOpts });
  const trafos = await readLayer(opts.transformers, 'transformers');
  if (trafos) inputs.transformer = transformerSources(trafos, warnings, { file: opts.transformers, lossShare: opts.transformerLossShare });
  emptySources(empty, [opts.sewers, opts.rivers, opts.ground, opts.wasteHeat, opts.seaWater, opts.hotSprings, opts.snowIce, opts.biomass, opts.transformers].filter(Boolean).length, warnings);
  // platform view: read (and every input checked) before anything is written
  if (opts.criticalFacilities) inputFiles.push([opts.criticalFacilities, 'critical-facilities']);
  const platform = await platformView(run, working.code, {
    guidelines: opts.guidelines,
    municipality: opts.municipality,
    compareGuidelines: opts.compareGuidelines,
    criticalFacilities: opts.criticalFacilities,
    criticalUses: opts.criticalUses,
  }, warnings);
  if (platform && opts.guidelines) inputFiles.push([opts.guidelines, 'guidelines']);
  const r = computePotentials(grid, { heatMWh: demand.heatMWh, peakKw: demand.peakKw }, inputs, {
    sewageAccessM: opts.sewageAccess_m,
    riverAccessM: opts.riverAccess_m,
    wasteHeatAccessM: opts.wasteHeatAccess_m,
    densityThresholdMWhPerHa: opts.densityThreshold_MWh_ha,
    seaAccessM: opts.seaAccess_m,
    hotSpringAccessM: opts.hotSpringAccess_m,
    snowAccessM: opts.snowAccess_m,
    biomassHaulM: opts.biomassHaul_m,
    transformerAccessM: opts.transformerAccess_m,
  });
  const tx = await RunTransaction.open(run);
  return withRun(tx, async (tx) => {
    await writeGeoTiff(tx.path(FILES.potential), { ...grid, bands: r.bands, names: r.names, units: r.units });
    if (platform) await writePlatform(tx.path(FILES.platform), platform.file);
    for (const [p, role] of inputFiles) tx.addInputs(await describeInputs([p], role));
    const summary = {
      ...r.summary,
      kwBySource: Object.fromEntries(Object.entries(r.summary.sources).map(([k, v]) => [k, v.given ? Math.round(v.kw * 10) / 10 : null])),
      parameters: {
        sewage: { dT_K: opts.sewageDt_K ?? SEWAGE_DEFAULTS.dTK, minFlow_m3_day: opts.minFlow_m3_day ?? 0, rho_kg_m3: SEWAGE_DEFAULTS.rhoKgM3, cp_kJ_kgK: SEWAGE_DEFAULTS.cpKJPerKgK, source: 'national sewage-heat potential-map guide (MoE/MLIT 2014), METHODS.md §6' },
        river: { waterTemp_C: opts.riverTemp_C ?? null, dT: 'min(T - 2, 6) K (PlanHeat, METHODS.md §6)', defaultFlow_m3_s: opts.riverFlow_m3_s ?? null, flowByClass_m3_s: opts.riverFlowClass_m3_s ?? null },
        ground: opts.ground ? { kind: opts.groundKind, depth_m: opts.boreholeDepth_m ?? GROUND_DEFAULTS.depthM, spacing_m: opts.boreholeSpacing_m ?? GROUND_DEFAULTS.spacingM, fullLoadHours: opts.fullLoadHours_h ?? GROUND_DEFAULTS.fullLoadHours, resampling: groundMethod } : null,
        sewageAllocated: inputs.sewage?.filter((p) => p.flowSource === 'allocated').length ?? 0,
        other: otherParameters(opts, inputs),
      },
      kwByOtherSource: Object.fromEntries(Object.entries(r.summary.otherSources).map(([k, v]) => [k, v.given ? Math.round(v.kw * 10) / 10 : null])),
      ...(platform ? { platform: platform.summary } : {}),
      bands: r.names.map((n, i) => `${i + 1}: ${n} (${r.units[i]})`),
      warnings: warnings.counts(),
      warningDetails: warnings.list(),
    };
    tx.setStage('potential', summary);
    return summary;
  });
}

/**
 * Source layers that hold no features: when every source given is such a layer, nothing would be computed and the
 * stage would report 0 kW as if the area had no potential: InputError 'source-empty' naming the file(s). When another
 * source is given, each empty layer is a counted warning 'source-empty' naming its file.
 */
export function emptySources(empty: { file: string; role: string }[], given: number, warnings: Warnings): void {
  if (empty.length === 0) return;
  if (empty.length >= given) {
    throw new InputError('source-empty', `the ${empty.map((e) => e.role).join(' and ')} layer${empty.length > 1 ? 's hold' : ' holds'} no features and no other source is given: there is no potential to compute`, {
      file: empty.map((e) => e.file).join(', '),
      hint: 'check the file (an export with a filter that matched nothing, the wrong layer), or give another source',
    });
  }
  for (const e of empty) warnings.add('source-empty', 'a source layer holds no features: that source adds no potential', { file: e.file, message: `${e.role}: no features` });
}

/** Building centroids (working CRS x, y) and floor areas from the run's buildings.geojson, if any. */
async function readBuildingPoints(run: string): Promise<{ x: number[]; y: number[]; floorM2: number[] } | undefined> {
  // buildings.fgb or buildings.geojson (engine/run/read.ts), feature by feature: only centroid and floor area kept
  if (!hasRunFile(run, 'buildings')) return undefined;
  const out = { x: [] as number[], y: [] as number[], floorM2: [] as number[] };
  await readBuildings(run, {
    keep: (f) => {
      const p = (f.properties ?? {}) as unknown as Record<string, unknown>;
      if (typeof p.x === 'number' && typeof p.y === 'number' && typeof p.floorArea_m2 === 'number') {
        out.x.push(p.x);
        out.y.push(p.y);
        out.floorM2.push(p.floorArea_m2);
      }
      return null as never;
    },
  });
  return out;
}


/** The other sources' parameters as used (null for sources not given), each default with its source or ASSUMPTION. */
function otherParameters(o: PotentialOptions, inputs: PotentialInputs) {
  const A = 'ASSUMPTION';
  return {
    sea_water: inputs.seaWater
      ? { seaTemp_C: o.seaTemp_C ?? null, dT: `min(T - 2, ${SEA_WATER_DEFAULTS.maxDTK}) K (PlanHeat river rule applied to sea water, ${A})`, intake_m3_s: o.seaIntake_m3_s ?? null, rho_kg_m3: SEA_WATER_DEFAULTS.rhoKgM3, cp_kJ_kgK: SEA_WATER_DEFAULTS.cpKJPerKgK, access_m: o.seaAccess_m ?? SEA_WATER_DEFAULTS.accessM, accessSource: o.seaAccess_m === undefined ? A : 'option' }
      : null,
    hot_spring: inputs.hotSpring ? { return_C: o.hotSpringReturn_C ?? HOT_SPRING_DEFAULTS.returnC, returnSource: o.hotSpringReturn_C === undefined ? A : 'option', hours: HOT_SPRING_DEFAULTS.hours, access_m: o.hotSpringAccess_m ?? HOT_SPRING_DEFAULTS.accessM } : null,
    snow_ice: inputs.snowIce
      ? {
          latent_kJ_kg: SNOW_ICE_DEFAULTS.latentKJPerKg,
          density_kg_m3: o.snowDensity_kg_m3 ?? SNOW_ICE_DEFAULTS.densityKgM3,
          densitySource: o.snowDensity_kg_m3 === undefined ? `${A} (sites without density_kg_m3)` : 'option',
          usableShare: o.snowUsableShare ?? SNOW_ICE_DEFAULTS.usableShare,
          meltMonths: [o.snowMeltStart_month ?? SNOW_ICE_DEFAULTS.meltStartMonth, o.snowMeltEnd_month ?? SNOW_ICE_DEFAULTS.meltEndMonth],
          meltHours: seasonHours(o.snowMeltStart_month ?? SNOW_ICE_DEFAULTS.meltStartMonth, o.snowMeltEnd_month ?? SNOW_ICE_DEFAULTS.meltEndMonth),
          cold: true,
        }
      : null,
    biomass: inputs.biomass
      ? {
          yield_t_ha_a: o.biomassYield_t_ha_a ?? null,
          dryNcv_MJ_kg: o.biomassDryNcv_MJ_kg ?? BIOMASS_DEFAULTS.dryNcvMJPerKg,
          moisture: o.biomassMoisture ?? BIOMASS_DEFAULTS.moisture,
          ncvAsReceived_MJ_kg: netCalorificMJPerKg(o.biomassDryNcv_MJ_kg ?? BIOMASS_DEFAULTS.dryNcvMJPerKg, o.biomassMoisture ?? BIOMASS_DEFAULTS.moisture),
          ncvRule: 'ISO 18125: q_net,ar = q_net,d (1 - M) - 2.443 M',
          efficiency: o.biomassEfficiency ?? BIOMASS_DEFAULTS.efficiency,
          fullLoadHours: o.biomassFullLoadHours_h ?? BIOMASS_DEFAULTS.fullLoadHours,
          haul_m: o.biomassHaul_m ?? BIOMASS_DEFAULTS.haulM,
          assumptions: ['dryNcv_MJ_kg', 'moisture', 'efficiency', 'fullLoadHours', 'haul_m'].filter((k) => ({ dryNcv_MJ_kg: o.biomassDryNcv_MJ_kg, moisture: o.biomassMoisture, efficiency: o.biomassEfficiency, fullLoadHours: o.biomassFullLoadHours_h, haul_m: o.biomassHaul_m })[k] === undefined),
        }
      : null,
    transformer: inputs.transformer ? { lossShare_kW_per_kVA: o.transformerLossShare ?? TRANSFORMER_DEFAULTS.lossShare, lossShareSource: o.transformerLossShare === undefined ? A : 'option', hours: TRANSFORMER_DEFAULTS.hours, access_m: o.transformerAccess_m ?? TRANSFORMER_DEFAULTS.accessM } : null,
  };
}
