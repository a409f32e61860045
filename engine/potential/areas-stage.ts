/**
 * The areas stage on a run folder: the run's demand grid (or a heat-density raster, which may start a new run), the
 * blocks and potentials where present, into areas.geojson and manifest.areas in one transaction.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MultiPolygon, Polygon } from 'geojson';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { UsageError } from '../errors.js';
import { sameGrid } from '../grid/grid.js';
import { readGeoTiff } from '../io/geotiff.js';
import { describeInputs, MANIFEST, RunTransaction, withRun } from '../io/run-folder.js';
import { readBlocks } from '../run/read.js';
import { Warnings } from '../util/warnings.js';
import { computeAreas, type AreaMethod, type BlockInput } from './areas.js';
import { readDemandRaster, readRunDemand, type CellDemandGrid } from './demand-input.js';
import { FILES } from '../run/contract.js';

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
    throw new UsageError('run-missing', 'the run folder does not exist and no --demand-raster (demandRaster) was given', {
      file: o.run,
      hint: 'run the demand stage into it first (heatplan demand --out DIR), or give demandRaster (--demand-raster heat_density.tif)',
    });
  }
  const warnings = new Warnings();
  const demand: CellDemandGrid = o.demandRaster ? await readDemandRaster(o.demandRaster, o.band ?? 1) : await readRunDemand(o.run);
  let blocks: BlockInput[] | undefined;
  const blocksPath = join(o.run, FILES.blocks);
  if (o.method === 'blocks' && !o.demandRaster && runExists && existsSync(blocksPath)) blocks = await runBlocks(o.run, demand.grid.crs);
  let potential: { bands: Float64Array[]; names: string[] } | undefined;
  const potPath = join(o.run, FILES.potential);
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
    await writeFile(tx.path(FILES.areas), JSON.stringify(geojson) + '\n');
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

/** The run's blocks.geojson (WGS84) into block inputs in the working CRS; cell features (row/col) mean "no blocks". */
async function runBlocks(run: string, crs: string): Promise<BlockInput[] | undefined> {
  const fc = await readBlocks(run);
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

