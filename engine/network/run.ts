/**
 * The route stage on a run folder: plans the network (engine/network/stage.ts) and writes network.geojson, the noded
 * road graph (roads.geojson, for the viewer), the inputs and manifest.route in one transaction; the optional graph
 * exports are written atomically beside it.
 */
import { rename, writeFile } from 'node:fs/promises';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { describeInputs, RunTransaction, withRun } from '../io/run-folder.js';
import type { OptionsOf } from '../stages/fields.js';
import type { routeFields } from '../stages/route.js';
import type { StageContext } from '../stages/types.js';
import { edgeListCsv, roadsGeojson } from './geojson.js';
import { DEFAULT_SIZING } from './sizing.js';
import type { RouteSummary } from '../run/contract.js';
import { runRouteStage } from './stage.js';
import { FILES } from '../run/contract.js';

export type RouteOptions = OptionsOf<typeof routeFields>;

export async function runRoute(runDir: string, o: RouteOptions, ctx: StageContext = {}): Promise<RouteSummary> {
  const tx = await RunTransaction.open(runDir);
  return withRun(tx, async (tx) => {
    const r = await runRouteStage(
      {
        run: tx.dir,
        consumers: o.consumers,
        plantFromPotential: o.plantFromPotential,
        roads: o.roads!,
        plant: o.plant,
        plantsFile: o.plants,
        roadsCrs: o.roadsCrs,
        roadClasses: o.roadClasses,
        excludeRoadClasses: o.excludeRoadClasses,
        snapM: o.snap_m,
        crossings: o.crossings,
        plan: {
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
    await writeFile(tx.path(FILES.network), JSON.stringify(r.geojson) + '\n');
    // the noded road graph the network was routed on, for the viewer's road layer
    const toWgs = transformer(parseCrs(tx.manifest.crs!.code), WGS84);
    await writeFile(tx.path(FILES.roads), JSON.stringify(roadsGeojson(r.result.graph, toWgs)) + '\n');
    tx.addInputs(await describeInputs([o.roads!, ...(o.plants ? [o.plants] : [])], 'route'));
    tx.setStage('route', r.summary);
    if (o.exportGraph) await writeAtomic(o.exportGraph, edgeListCsv(r.result.graph));
    if (o.exportTerminals) {
      const rows = ['node,kind', ...r.result.plants.map((p) => `${p.node},plant`), ...r.result.consumers.map((c) => `${c.node},consumer`)];
      await writeAtomic(o.exportTerminals, rows.join('\n') + '\n');
    }
    return r.summary;
  });
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
