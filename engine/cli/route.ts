/** `heatplan route`: candidate pipe network on the road graph with heat-density pruning, into a run folder. */
import { writeFile, rename } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { describeInputs, RunTransaction, withRun } from '../io/run-folder.js';
import { edgeListCsv, roadsGeojson } from '../network/geojson.js';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { runRouteStage } from '../network/stage.js';
import { DEFAULT_SIZING } from '../network/sizing.js';
import { info, progressBar } from '../util/progress.js';
import { collect, parseNumber, parsePositive, printJson, parseNonNegative } from './common.js';

const nonNegative = parseNonNegative;

export function register(program: Command): void {
  program
    .command('route')
    .description('pipe network on the road graph: Steiner tree from the plant(s) to the consumers, heat-density pruning, DN sizing, losses (writes network.geojson)')
    .requiredOption('--run <dir>', 'run folder written by `heatplan demand`')
    .requiredOption('--roads <path>', 'roads: OSM .pbf (highway=*), .shp or .geojson lines')
    .option('--plant <lon,lat[,kW[,type]]>', 'plant position (repeat for several)', collect, [])
    .option('--plants <path>', 'GeoJSON points with capacity_kW, type, fuel')
    .option('--min-kw-per-m <kW/m>', 'seed 003 threshold: design output / (2 x route length); 0 = off', nonNegative('--min-kw-per-m'), 0.17)
    .option('--min-mwh-per-m <MWh/(m·a)>', 'annual heat per metre of trench; 0 = off', nonNegative('--min-mwh-per-m'), 1.5)
    .option('--supply <C>', 'supply temperature °C (assumption)', parseNumber('--supply'), DEFAULT_SIZING.supplyC)
    .option('--return <C>', 'return temperature °C (assumption)', parseNumber('--return'), DEFAULT_SIZING.returnC)
    .option('--ground <C>', 'ground temperature °C', parseNumber('--ground'), DEFAULT_SIZING.groundC)
    .option('--max-pa-per-m <Pa/m>', 'pressure-drop limit for sizing', parsePositive('--max-pa-per-m'), DEFAULT_SIZING.maxPaPerM)
    .option('--max-service <m>', 'consumers farther from a road are dropped', parsePositive('--max-service'), 150)
    .option('--plant-from-potential', 'place the plant at the cell of potential.tif with the most available heat (a sewage/river/ground heat pump or waste heat)', false)
    .option('--consumers <buildings|blocks>', 'one consumer per building, or per block/grid cell of blocks.geojson for coarse city-wide runs', 'buildings')
    .option('--max-plant-distance <m>', 'a plant farther from a road is an error', parsePositive('--max-plant-distance'), 1000)
    .option('--road-classes <list>', 'only these highway=* classes carry pipes (comma list)')
    .option('--exclude-road-classes <list>', 'highway=* classes that do not carry pipes (comma list; default motorway, trunk, steps, ...)')
    .option('--roads-crs <EPSG:N>', 'CRS of a roads shapefile/GeoJSON that declares none')
    .option('--snap <m>', 'vertices closer than this are joined (lines without node ids)', parsePositive('--snap'), 0.5)
    .option('--crossings <yes|no>', 'node roads where they cross on one layer (default: yes for SHP/GeoJSON, no for OSM)')
    .option('--no-improve', 'skip the key-path exchange after Mehlhorn')
    .option('--export-graph <file>', 'write the noded road graph with consumer taps as CSV (from,to,length_m,x1,y1,x2,y2)')
    .option('--export-terminals <file>', 'write the plant and consumer node ids of that graph (CSV node,kind)')
    .option('--json', 'print the route summary as JSON on stdout', false)
    .option('--quiet', 'no progress or messages on stderr', false)
    .action(async (opts) => {
      const bar = progressBar('route', { quiet: opts.quiet });
      try {
        const tx = await RunTransaction.open(opts.run);
        const out = await withRun(tx, async (tx) => {
          if (opts.consumers !== 'buildings' && opts.consumers !== 'blocks')
            throw new UsageError('route-consumers', '--consumers must be buildings or blocks', { value: opts.consumers });
          const r = await runRouteStage(
            {
              run: tx.dir,
              consumers: opts.consumers,
              plantFromPotential: opts.plantFromPotential,
              roads: opts.roads,
              plant: opts.plant,
              plantsFile: opts.plants,
              roadsCrs: opts.roadsCrs,
              roadClasses: opts.roadClasses?.split(',').map((s: string) => s.trim()),
              excludeRoadClasses: opts.excludeRoadClasses?.split(',').map((s: string) => s.trim()),
              snapM: opts.snap,
              crossings: opts.crossings === undefined ? undefined : /^(yes|true|1)$/i.test(opts.crossings),
              plan: {
                minKwPerM: opts.minKwPerM,
                minMwhPerMA: opts.minMwhPerM,
                maxServiceM: opts.maxService,
                maxPlantDistanceM: opts.maxPlantDistance,
                improve: opts.improve,
                sizing: { ...DEFAULT_SIZING, supplyC: opts.supply, returnC: opts.return, groundC: opts.ground, maxPaPerM: opts.maxPaPerM },
              },
              onProgress: bar.update,
            },
            tx.manifest.crs,
          );
          await writeFile(tx.path('network.geojson'), JSON.stringify(r.geojson) + '\n');
          // the noded road graph the network was routed on, for the viewer's road layer
          const toWgs = transformer(parseCrs(tx.manifest.crs!.code), WGS84);
          await writeFile(tx.path('roads.geojson'), JSON.stringify(roadsGeojson(r.result.graph, toWgs)) + '\n');
          tx.addInputs(await describeInputs([opts.roads, ...(opts.plants ? [opts.plants] : [])], 'route'));
          tx.setStage('route', r.summary);
          if (opts.exportGraph) await writeAtomic(opts.exportGraph, edgeListCsv(r.result.graph));
          if (opts.exportTerminals) {
            const rows = ['node,kind', ...r.result.plants.map((p) => `${p.node},plant`), ...r.result.consumers.map((c) => `${c.node},consumer`)];
            await writeAtomic(opts.exportTerminals, rows.join('\n') + '\n');
          }
          return r;
        });
        bar.stop();
        const s = out.summary as Record<string, any>;
        if (opts.json) printJson(s);
        info(
          `heatplan route: ${s.consumers} consumers connected (${s.connectedDemand_MWh.toFixed(0)} MWh/a), dropped ${JSON.stringify(s.consumersDropped)}; ` +
            `trench ${s.trench_m.toFixed(0)} m, ${s.kwPerM.toFixed(3)} kW/m, ${s.mwhPerMA.toFixed(2)} MWh/(m·a), loss share ${(100 * s.lossShare).toFixed(1)} %; ` +
            `plant ${s.plantSource}, output ${s.plantOutput_kW.toFixed(0)} kW; ${s.seconds.toFixed(1)} s\n  wrote ${tx.dir}/network.geojson`,
          opts.quiet,
        );
      } finally {
        bar.stop();
      }
    });
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
