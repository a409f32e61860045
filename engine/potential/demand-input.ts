/**
 * Demand inputs of the potential and areas stages: a run's demand.tif (floor area m², MWh/a, peak kW per cell) or a
 * heat-density GeoTIFF (MWh/(ha·a), e.g. Hotmaps' heat_tot_curr_density) for places without building data.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { cellAreaHa, type GridSpec } from '../grid/grid.js';
import { readGeoTiff } from '../io/geotiff.js';
import { FILES } from '../run/contract.js';

export interface CellDemandGrid {
  grid: GridSpec;
  /** MWh/a per cell (NaN = nodata). */
  heatMWh: Float64Array;
  floorM2?: Float64Array;
  peakKw?: Float64Array;
  /** Where it came from, for the manifest. */
  source: string;
}

/** demand.tif of a run folder. */
export async function readRunDemand(runDir: string): Promise<CellDemandGrid> {
  const p = join(runDir, FILES.demand);
  if (!existsSync(p)) {
    throw new InputError('run-no-demand', 'the run has no demand.tif', { file: runDir, hint: 'run the demand stage first, or give demandRaster (--demand-raster)' });
  }
  const r = await readGeoTiff(p);
  if (r.bands.length < 2) throw new InputError('demand-bands', 'demand.tif needs bands floor area, heat MWh/a (and peak kW)', { file: p, value: r.bands.length });
  const { crs, x0, y0, cellSize, width, height } = r;
  return { grid: { crs, x0, y0, cellSize, width, height }, floorM2: r.bands[0], heatMWh: r.bands[1]!, peakKw: r.bands[2], source: FILES.demand };
}

/**
 * A heat-density raster in MWh/(ha·a) (band `band`, default 1), on its own grid: must be projected with square cells.
 * Negative values are an error; nodata (and NaN) count as no demand.
 */
export async function readDemandRaster(path: string, band = 1): Promise<CellDemandGrid & { densityMWhPerHa: Float64Array }> {
  const r = await readGeoTiff(path);
  const crs = parseCrs(r.crs, { file: path });
  if (crs.geographic) {
    throw new InputError('demand-raster-geographic', 'the heat-density raster is in a geographic CRS (degrees); cells must have a metric size', {
      file: path,
      value: r.crs,
      hint: 'reproject it first: gdalwarp -t_srs EPSG:N -tr 100 100 in.tif out.tif',
    });
  }
  const d = r.bands[band - 1];
  if (!d) throw new InputError('demand-raster-band', `the raster has no band ${band}`, { file: path, value: r.bands.length });
  let valid = 0;
  const ha = cellAreaHa(r);
  const heat = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v) {
      heat[i] = NaN;
      continue;
    }
    if (v < 0 || !Number.isFinite(v)) {
      throw new InputError('demand-negative', 'heat density must be a finite value >= 0 MWh/ha', {
        file: path,
        record: `cell col ${i % r.width} row ${Math.floor(i / r.width)}`,
        value: v,
      });
    }
    if (v > 0) valid++;
    heat[i] = v * ha;
  }
  if (valid === 0) throw new InputError('raster-all-nodata', 'the heat-density raster has no cell with demand (nodata or 0 everywhere)', { file: path });
  const { x0, y0, cellSize, width, height } = r;
  return { grid: { crs: r.crs, x0, y0, cellSize, width, height }, heatMWh: heat, densityMWhPerHa: d, source: path };
}
