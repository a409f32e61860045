/**
 * The areas stage on a run folder: the run's demand grid (or a heat-density raster, which may start a new run), the
 * blocks and potentials where present, into areas.geojson and manifest.areas in one transaction.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MultiPolygon, Polygon } from 'geojson';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { InputError, UsageError } from '../errors.js';
import { sameGrid, type GridSpec } from '../grid/grid.js';
import { readGeoTiff } from '../io/geotiff.js';
import { describeInputs, MANIFEST, RunTransaction, withRun } from '../io/run-folder.js';
import { readBlocks } from '../run/read.js';
import { Warnings } from '../util/warnings.js';
import { computeAreas, type AreaMethod, type BlockInput } from './areas.js';
import { readDemandRaster, readRunDemand, type CellDemandGrid } from './demand-input.js';
import { FILES, type AreaFeature } from '../run/contract.js';
import { relistAreas } from '../platform/run.js';

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
  // a raster of another place must not replace the run's areas: it has to overlap the run's demand grid
  if (o.demandRaster && runExists && existsSync(join(o.run, FILES.demand))) checkRasterOverlap(o.demandRaster, demand.grid, (await readRunDemand(o.run)).grid, o.run);
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
    // platform view (issue 19): the potential stage's guideline flags and critical facilities, listed per new area
    const platform = runExists ? await relistAreas(o.run, tx.path(FILES.platform), tx.manifest.crs?.code ?? demand.grid.crs, geojson.features as AreaFeature[]) : undefined;
    if (!tx.manifest.crs) {
      const c = parseCrs(demand.grid.crs);
      tx.manifest.crs = { code: c.code, name: c.name, reason: 'CRS of the demand raster' };
    }
    if (o.demandRaster) tx.addInputs(await describeInputs([o.demandRaster], 'demand-raster'));
    const out = { ...summary, ...(platform ? { platform } : {}), warnings: warnings.counts(), warningDetails: warnings.list() };
    tx.setStage('areas', out);
    return out;
  });
}

type LonLatBox = [west: number, south: number, east: number, north: number];

/** A grid's extent in lon/lat: its edges sampled (8 points a side) and transformed; undefined when no point transforms. */
function lonLatExtent(g: GridSpec): LonLatBox | undefined {
  const w = g.width * g.cellSize;
  const h = g.height * g.cellSize;
  const n = 8;
  const xy: number[] = [];
  for (let i = 0; i <= n; i++) {
    const f = i / n;
    xy.push(g.x0 + f * w, g.y0, g.x0 + f * w, g.y0 - h, g.x0, g.y0 - f * h, g.x0 + w, g.y0 - f * h);
  }
  const a = Float64Array.from(xy);
  try {
    transformer(parseCrs(g.crs), WGS84).forwardFlat(a);
  } catch {
    return undefined;
  }
  const box: LonLatBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < a.length; i += 2) {
    const x = a[i]!, y = a[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  return box[0] <= box[2] && box[1] <= box[3] ? box : undefined;
}

const fmtBox = (b: LonLatBox | undefined): string =>
  b ? `lon ${b[0].toFixed(3)}..${b[2].toFixed(3)}, lat ${b[1].toFixed(3)}..${b[3].toFixed(3)}` : 'outside the range of its CRS';

/**
 * Refuse a demand raster whose extent does not overlap the run's demand grid (both compared in lon/lat): areas of
 * another place would replace the run's. Nothing is written.
 */
function checkRasterOverlap(raster: string, rasterGrid: GridSpec, runGrid: GridSpec, run: string): void {
  const r = lonLatExtent(rasterGrid);
  const d = lonLatExtent(runGrid);
  if (r && d && r[0] <= d[2] && d[0] <= r[2] && r[1] <= d[3] && d[1] <= r[3]) return;
  if (!d) return; // the run's own grid cannot be placed: nothing to compare with
  throw new InputError(
    'demand-raster-elsewhere',
    `the demand raster (${fmtBox(r)}) does not overlap the run's demand grid (${fmtBox(d)}); the run's areas are left as they are`,
    {
      file: raster,
      hint: `give a heat-density raster that covers the run's area, or write the raster's areas into a new run folder (--run NEWDIR) instead of ${run}`,
    },
  );
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

