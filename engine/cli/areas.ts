/** `heatplan areas`: district-heating supply areas (Hotmaps method or heatplan's block method) into areas.geojson. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { InputError, UsageError } from '../errors.js';
import { sameGrid } from '../grid/grid.js';
import { readGeoTiff } from '../io/geotiff.js';
import { describeInputs, MANIFEST, RunTransaction, withRun } from '../io/run-folder.js';
import { computeAreas, type AreaMethod, type BlockInput } from '../potential/areas.js';
import { readDemandRaster, readRunDemand, type CellDemandGrid } from '../potential/demand-input.js';
import { info } from '../util/progress.js';
import { Warnings } from '../util/warnings.js';
import { parseNumber, parsePositive, printJson, parseNonNegative } from './common.js';

const nonNegative = parseNonNegative;

export function register(program: Command): void {
  program
    .command('areas')
    .description('find district-heating supply areas (writes areas.geojson and the manifest\'s areas summary)')
    .requiredOption('--run <dir>', 'run folder (created when it does not exist and --demand-raster is given)')
    .option('--method <hotmaps|blocks>', 'hotmaps: Hotmaps dh_potential on cells; blocks: heatplan block/cell areas by land and linear heat density', 'hotmaps')
    .option('--cell-threshold <MWh/ha>', 'hotmaps: cell threshold (default 333); blocks: land density threshold (default 700 = 70 kWh/m², VICUS)', nonNegative('--cell-threshold'))
    .option('--area-threshold <GWh>', 'minimum annual demand of an area (default 30 for hotmaps, 0 for blocks)', nonNegative('--area-threshold'))
    .option('--demand-raster <tif>', 'heat-density GeoTIFF in MWh/(ha·a) instead of the run\'s demand.tif (no buildings needed)')
    .option('--band <n>', 'band of --demand-raster', parsePositive('--band'), 1)
    .option('--linear-threshold <MWh/m>', 'blocks: minimum linear heat density (default 1.2 MWh/(m·a), VICUS)', nonNegative('--linear-threshold'))
    .option('--gap <m>', 'blocks: blocks closer than this join one area (default 30 m, assumption)', nonNegative('--gap'))
    .option('--plot-ratio <e>', 'plot ratio to assume where floor area is unknown (default: P&W width 60 m)', parseNumber('--plot-ratio'))
    .option('--keep-edge', 'hotmaps: keep raster-edge cells (Hotmaps/scipy erode them away)', false)
    .option('--json', 'print the areas summary as JSON on stdout', false)
    .option('--quiet', 'no messages on stderr', false)
    .action(async (opts) => {
      const method = opts.method as AreaMethod;
      if (method !== 'hotmaps' && method !== 'blocks') throw new UsageError('bad-method', '--method must be hotmaps or blocks', { value: opts.method });
      const r = await runAreas({
        run: opts.run,
        method,
        cellThresholdMWhPerHa: opts.cellThreshold,
        areaThresholdGWh: opts.areaThreshold,
        demandRaster: opts.demandRaster,
        band: opts.band,
        linearThresholdMWhPerM: opts.linearThreshold,
        gapM: opts.gap,
        plotRatio: opts.plotRatio,
        keepEdge: opts.keepEdge,
      });
      if (opts.json) printJson(r);
      info(
        `heatplan areas (${r.method}): ${r.count} areas, ${fmt(r.demand_MWh)} of ${fmt(r.totalDemand_MWh)} MWh/a inside ` +
          `(cell threshold ${r.cellThreshold_MWh_per_ha} MWh/ha, area threshold ${r.areaThreshold_GWh} GWh/a); wrote ${join(opts.run, 'areas.geojson')}`,
        opts.quiet,
      );
    });
}

export interface RunAreasOptions {
  run: string;
  method: AreaMethod;
  cellThresholdMWhPerHa?: number;
  areaThresholdGWh?: number;
  demandRaster?: string;
  band?: number;
  linearThresholdMWhPerM?: number;
  gapM?: number;
  plotRatio?: number;
  keepEdge?: boolean;
}

/** The areas stage on a run folder (library form of the command). */
export async function runAreas(o: RunAreasOptions) {
  const runExists = existsSync(join(o.run, MANIFEST));
  if (!runExists && !o.demandRaster) {
    throw new UsageError('run-missing', 'the run folder does not exist and no --demand-raster was given', {
      file: o.run,
      hint: 'run `heatplan demand --out DIR` first, or pass --demand-raster heat_density.tif',
    });
  }
  const warnings = new Warnings();
  const demand: CellDemandGrid = o.demandRaster ? await readDemandRaster(o.demandRaster, o.band ?? 1) : await readRunDemand(o.run);
  let blocks: BlockInput[] | undefined;
  const blocksPath = join(o.run, 'blocks.geojson');
  if (o.method === 'blocks' && !o.demandRaster && runExists && existsSync(blocksPath)) blocks = await readBlocks(blocksPath, demand.grid.crs);
  let potential: { bands: Float64Array[]; names: string[] } | undefined;
  const potPath = join(o.run, 'potential.tif');
  if (runExists && existsSync(potPath)) {
    const p = await readGeoTiff(potPath);
    if (sameGrid(p, demand.grid)) potential = { bands: p.bands, names: p.names };
    else warnings.add('areas-potential-other-grid', 'potential.tif is on another grid than the demand used: per-area potentials left out', { file: potPath });
  }
  const tx = runExists ? await RunTransaction.open(o.run) : await RunTransaction.create(o.run);
  return withRun(tx, async (tx) => {
    const { geojson, summary } = computeAreas(demand, {
      method: o.method,
      cellThresholdMWhPerHa: o.cellThresholdMWhPerHa,
      areaThresholdGWh: o.areaThresholdGWh,
      linearThresholdMWhPerM: o.linearThresholdMWhPerM,
      gapM: o.gapM,
      plotRatio: o.plotRatio,
      borderValue: o.keepEdge ? 1 : 0,
      blocks,
      potential,
      warnings,
      file: o.demandRaster,
    });
    await writeFile(tx.path('areas.geojson'), JSON.stringify(geojson) + '\n');
    if (!tx.manifest.crs) {
      const c = parseCrs(demand.grid.crs);
      tx.manifest.crs = { code: c.code, name: c.name, reason: 'CRS of the demand raster' };
    }
    if (o.demandRaster) tx.addInputs(await describeInputs([o.demandRaster], 'demand-raster'));
    const out = { ...summary, warnings: warnings.counts(), warningDetails: warnings.list() };
    tx.setStage('areas', out);
    return out;
  });
}

/** blocks.geojson (WGS84) into block inputs in the working CRS; cell features (row/col) mean "no blocks". */
async function readBlocks(path: string, crs: string): Promise<BlockInput[] | undefined> {
  let fc: FeatureCollection;
  try {
    fc = JSON.parse(await readFile(path, 'utf8')) as FeatureCollection;
  } catch (e) {
    throw new InputError('blocks-bad-file', `blocks.geojson is not valid JSON: ${(e as Error).message}`, { file: path });
  }
  if (!fc.features?.length || fc.features.some((f) => f.properties?.row !== undefined)) return undefined;
  const t = transformer(WGS84, parseCrs(crs));
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return fc.features.map((f, k) => {
    const geom = f.geometry as Polygon | MultiPolygon;
    const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
    const polygons = polys.map((p) =>
      p.map((ring) => {
        const n = ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1] ? ring.length - 1 : ring.length;
        const a = new Float64Array(2 * n);
        for (let i = 0; i < n; i++) {
          a[2 * i] = ring[i]![0]!;
          a[2 * i + 1] = ring[i]![1]!;
        }
        t.forwardFlat(a);
        return a;
      }),
    );
    const p = f.properties ?? {};
    return {
      id: String(p.id ?? k + 1),
      landM2: num(p.land_m2) ?? 0,
      floorM2: num(p.floorArea_m2),
      heatMWh: num(p.heat_MWh) ?? 0,
      peakKw: num(p.peak_kW),
      polygons,
      geometry: geom,
    };
  });
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
