/**
 * The route stage on a run folder: plans the network (engine/network/stage.ts) and writes network.fgb (and its
 * GeoJSON twin network.geojson for small networks), the noded
 * road graph (roads.geojson, for the viewer), the inputs and manifest.route in one transaction; the optional graph
 * exports are written atomically beside it.
 */
import { rename, writeFile } from 'node:fs/promises';
import { parseCrs } from '../crs/index.js';
import { writeFeatureCollection } from '../io/geojson-stream.js';
import { describeInputs, RunTransaction, withRun } from '../io/run-folder.js';
import type { OptionsOf } from '../stages/fields.js';
import type { routeFields } from '../stages/route.js';
import type { StageContext } from '../stages/types.js';
import { edgeListCsv, writeNetworkFgb } from './geojson.js';
import { startRoadsGeojson } from './roads-write.js';
import { DEFAULT_COLD_SIZING, DEFAULT_INSULATION, DEFAULT_SIZING } from './sizing.js';
import type { Criterion } from './criteria.js';
import { DEFAULT_PUMPING } from './pumping.js';
import type { RouteSummary } from '../run/contract.js';
import { runRouteStage } from './stage.js';
import { FILES, geojsonTwin } from '../run/contract.js';
import type { CostRates } from '../cost/table.js';
import type { LcohPricing, MarginalPruning } from './cost-route.js';

export type RouteOptions = OptionsOf<typeof routeFields>;

export async function runRoute(runDir: string, o: RouteOptions, ctx: StageContext = {}): Promise<RouteSummary> {
  const costing = await routeCosting(o);
  const tx = await RunTransaction.open(runDir);
  return withRun(tx, async (tx) => {
    const r = await runRouteStage(
      {
        ...(costing ? { marginalCost: costing.marginal, lcohChoice: costing.lcoh } : {}),
        run: tx.dir,
        consumers: o.consumers,
        plantFromPotential: o.plantFromPotential,
        roads: o.roads!,
        plant: o.plant,
        plantsFile: o.plants,
        roadsCrs: o.roadsCrs,
        roadsLayer: o.roadsLayer,
        roadClasses: o.roadClasses,
        excludeRoadClasses: o.excludeRoadClasses,
        snapM: o.snap_m,
        crossings: o.crossings,
        weather: o.weather,
        climateRegion: manifestClimateRegion(tx.manifest),
        loads: o.loads,
        supplyCurve: o.supplyCurve,
        plantCandidatesFile: o.plantCandidates,
        plantSearchN: o.plantSearch,
        clusterCellM: o.clusterCell_m,
        plan: {
          ...(costing?.marginal ? { marginalCost: costing.marginal } : {}),
          pruneBy: (o.pruneBy ?? ['loss-share']).filter((c): c is Criterion => c !== 'none'),
          maxLossShare: (o.maxLossShare_pct ?? 10) / 100,
          carries: o.carries,
          coldSizing: {
            ...DEFAULT_COLD_SIZING,
            supplyC: o.coolSupply_C ?? DEFAULT_COLD_SIZING.supplyC,
            returnC: o.coolReturn_C ?? DEFAULT_COLD_SIZING.returnC,
            groundC: o.ground_C ?? DEFAULT_COLD_SIZING.groundC,
            maxPaPerM: o.maxPaPerM ?? DEFAULT_COLD_SIZING.maxPaPerM,
          },
          insulation: {
            ...DEFAULT_INSULATION,
            series: (o.insulationSeries ?? 2) as 1 | 2 | 3,
            seriesLossFactor: o.seriesLossFactor,
            twin: o.twinPipes ?? false,
          },
          pumping: {
            substationDpKpa: o.substationDp_kPa ?? DEFAULT_PUMPING.substationDpKpa,
            plantDpKpa: o.plantDp_kPa ?? DEFAULT_PUMPING.plantDpKpa,
            minDpKpa: o.minDp_kPa ?? DEFAULT_PUMPING.minDpKpa,
            pumpEfficiency: o.pumpEfficiency ?? DEFAULT_PUMPING.pumpEfficiency,
          },
          forcedIn: o.forceIn ?? [],
          forcedOut: o.forceOut ?? [],
          minKwPerM: o.minKwPerM,
          minMwhPerMA: o.minMwhPerM,
          maxServiceM: o.maxService_m,
          maxPlantDistanceM: o.maxPlantDistance_m,
          improve: o.improve,
          sizing: {
            ...DEFAULT_SIZING,
            supplyC: o.supply_C ?? DEFAULT_SIZING.supplyC,
            returnC: o.return_C ?? DEFAULT_SIZING.returnC,
            groundC: o.ground_C ?? DEFAULT_SIZING.groundC,
            maxPaPerM: o.maxPaPerM ?? DEFAULT_SIZING.maxPaPerM,
          },
        },
        onProgress: ctx.onProgress,
      },
      tx.manifest.crs,
    );
    // every cost figure the pruning and the plant choice needed (pipe DNs included), before anything is written
    costing?.rates.assertComplete();
    if (costing) {
      tx.addInputs(await describeInputs(costing.tableFiles, 'route'));
      // cost figures labelled ASSUMPTION in their tables, counted as the cost stage counts them
      const assumed = [...costing.rates.used.values()].filter((u) => u.row.assumption);
      if (assumed.length) {
        r.warnings.addMany('cost-assumption', `cost figures labelled ASSUMPTION in their tables (no source) used by the route stage: ${assumed.map((u) => `${u.item},${u.key}`).join('; ')}`, assumed.length);
        r.summary.warnings = r.warnings.counts();
      }
    }
    // network.geojson, streamed, for small networks, then network.fgb always (feature by feature; GDAL and QGIS open
    // it): the .fgb last, so that a twin changed later is newer than it (engine/run/read.ts runFile)
    // the noded road graph the network was routed on, for the viewer's road layer: a city's in a worker thread
    // while this one writes the network (roads-write.ts)
    const roadsWrite = startRoadsGeojson(tx.path(FILES.roads), r.result.graph, parseCrs(tx.manifest.crs!.code), { warnings: r.warnings });
    try {
      const twin = geojsonTwin(o.geojson, r.geojson.features.length, o.geojsonMaxFeatures);
      if (twin.write) await writeFeatureCollection(tx.path(FILES.network), r.geojson);
      else {
        tx.remove(FILES.network);
        ctx.note?.(`${FILES.network} not written (${twin.reason}); ${FILES.networkFgb} holds the network`);
      }
      await writeNetworkFgb(tx.path(FILES.networkFgb), r.geojson);
      r.summary.layers = { network: { fgb: FILES.networkFgb, features: r.geojson.features.length, geojson: twin.write ? FILES.network : null, geojsonReason: twin.reason } };
    } catch (e) {
      await roadsWrite.cancel();
      throw e;
    }
    const warned = r.warnings.count();
    await roadsWrite.finish();
    if (r.warnings.count() !== warned) r.summary.warnings = r.warnings.counts();
    tx.addInputs(await describeInputs([o.roads!, ...(o.plants ? [o.plants] : []), ...(o.plantCandidates ? [o.plantCandidates] : []), ...(o.weather ? [o.weather] : [])], 'route'));
    tx.setStage('route', r.summary);
    if (o.exportGraph) await writeAtomic(o.exportGraph, edgeListCsv(r.result.graph));
    if (o.exportTerminals) {
      const rows = ['node,kind', ...r.result.plants.map((p) => `${p.node},plant`), ...r.result.consumers.map((c) => `${c.node},consumer`)];
      await writeAtomic(o.exportTerminals, rows.join('\n') + '\n');
    }
    return r.summary;
  });
}

/**
 * The cost tables of cost-based routing (--prune-by marginal-cost, --max-marginal-cost, --plant-choice lcoh), read as
 * the cost stage reads them (engine/cost/run.ts loadCostRates); undefined when no cost option is given. The figures
 * that do not depend on the network are asked for at once, so a missing one stops the stage before routing.
 */
async function routeCosting(o: RouteOptions): Promise<{ rates: CostRates; tableFiles: string[]; marginal?: MarginalPruning; lcoh?: LcohPricing } | undefined> {
  const byCost = (o.pruneBy ?? []).includes('marginal-cost');
  if (!byCost && o.maxMarginalCost_per_MWh === undefined && o.plantChoice !== 'lcoh') return undefined;
  const { loadCostRates } = await import('../cost/run.js');
  const { marginalRates } = await import('../cost/compute.js');
  const { FUELS } = await import('../sim/plants.js');
  const { rates, currency, tableFiles } = await loadCostRates({ costs: o.costs, currency: o.currency });
  const settings = {
    rate: (o.discountRate_pct ?? 4) / 100, pipeCost: o.pipeCost ?? 'persson-werner', surface: o.surface ?? 'pw2011',
    fuelUnits: Object.fromEntries(Object.entries(FUELS).filter(([, f]) => f.mjPerUnit && f.unit).map(([k, f]) => [k, { mjPerUnit: f.mjPerUnit!, unit: f.unit! }])),
  } as const;
  let marginal: MarginalPruning | undefined;
  if (o.maxMarginalCost_per_MWh !== undefined) {
    const mr = marginalRates(rates, settings);
    if (settings.pipeCost === 'persson-werner') mr.pipeCostPerM(0); // the C1/C2 rows, asked for now
    marginal = { rates: mr, limitPerMWh: o.maxMarginalCost_per_MWh, prune: byCost, currency, discountRatePct: o.discountRate_pct ?? 4 };
    rates.assertComplete();
  }
  if (!marginal) {
    // the network's figures (service pipes, substations, lifetimes, O&M, pipe C1/C2), asked for before the candidates are planned
    const mr = marginalRates(rates, settings);
    if (settings.pipeCost === 'persson-werner') mr.pipeCostPerM(0);
    rates.assertComplete();
  }
  const lcoh: LcohPricing | undefined = o.plantChoice === 'lcoh' ? { rates, settings, currency, ...(o.lcohPlantType ? { plantType: o.lcohPlantType } : {}), ...(o.lcohEfficiency !== undefined ? { efficiency: o.lcohEfficiency } : {}) } : undefined;
  return { rates, tableFiles, ...(marginal ? { marginal } : {}), ...(lcoh ? { lcoh } : {}) };
}

/** The Japanese climate region the demand stage used (manifest.demand.parameters.climateRegion), if any. */
function manifestClimateRegion(m: unknown): number | undefined {
  const r = (m as { demand?: { parameters?: { climateRegion?: unknown } } })?.demand?.parameters?.climateRegion;
  return typeof r === 'number' && Number.isInteger(r) && r >= 1 && r <= 8 ? r : undefined;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
