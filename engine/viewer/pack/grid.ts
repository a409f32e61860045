/**
 * A run's raster (demand.tif, potential.tif) as viewer data: the non-empty cells' centres in WGS84 lon/lat
 * (Float64, two per cell), their row-major cell index and one Float32 column per band. deck.gl's GridCellLayer takes
 * these as binary attributes, so a 1,000,000-cell grid costs one typed array per column, not a million objects.
 */
import { readFile } from 'node:fs/promises';
import { fromArrayBuffer } from 'geotiff';
import { InputError } from '../../errors.js';
import { parseCrs, transformer, WGS84, type Crs } from '../../crs/index.js';
import { GRID_ARRAYS, packArrays, type PackedArray, type ViewBand, type ViewGridMeta } from './format.js';

export type { ViewBand, ViewGridMeta } from './format.js';

export interface ViewGrid {
  meta: ViewGridMeta;
  /** lon, lat of each shipped cell's centre. */
  position: Float64Array;
  /** Row-major index (row·width + col) of each shipped cell. */
  cell: Uint32Array;
  /** One column per band, aligned with `cell`. */
  values: Float32Array[];
}

export interface ViewGridOptions {
  /** CRS of the raster ('EPSG:6674'); default: the file's ProjectedCSTypeGeoKey. */
  crs?: string;
  /** Band names and units to use where the file has no GDAL band description. */
  names?: string[];
  units?: string[];
}

/** Read a north-up GeoTIFF in a projected CRS and keep its non-empty cells for the viewer. */
export async function readViewGrid(path: string, opts: ViewGridOptions = {}): Promise<ViewGrid> {
  let image;
  try {
    const buf = await readFile(path);
    const tiff = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    image = await tiff.getImage();
  } catch (e) {
    throw new InputError('view-bad-tiff', `cannot read GeoTIFF: ${(e as Error).message}`, { file: path });
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const [x0, y0] = image.getOrigin() as number[];
  const [rx, ry] = image.getResolution() as number[];
  if (!(rx! > 0) || !(Math.abs(Math.abs(ry!) - rx!) < 1e-9 * rx!)) {
    throw new InputError('view-bad-tiff', 'raster cells are not square and north-up', { file: path, value: [rx, ry] });
  }
  const cellSize = rx!;
  let crs: Crs;
  const keys = image.getGeoKeys() as Record<string, number> | null;
  const code = opts.crs ?? (keys?.ProjectedCSTypeGeoKey ? `EPSG:${keys.ProjectedCSTypeGeoKey}` : undefined);
  if (!code) throw new InputError('view-no-crs', 'raster has no projected CRS (no ProjectedCSTypeGeoKey, no manifest.crs)', { file: path });
  crs = parseCrs(code, { file: path });
  const nBands = image.getSamplesPerPixel();
  const noData = image.getGDALNoData();
  const rasters = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  const names: string[] = [];
  const units: string[] = [];
  for (let b = 0; b < nBands; b++) {
    const md = ((await image.getGDALMetadata(b)) ?? {}) as Record<string, unknown>;
    names.push(String(md.DESCRIPTION ?? opts.names?.[b] ?? `band ${b + 1}`));
    units.push(String(md.UNITTYPE ?? md.UNITS ?? opts.units?.[b] ?? ''));
  }
  // which cells to ship: any band finite and non-zero
  const n = width * height;
  const keep = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < nBands; b++) {
      const v = rasters[b]![i]!;
      if (v === v && v !== 0 && v !== noData) {
        keep[i] = 1;
        count++;
        break;
      }
    }
  }
  const cell = new Uint32Array(count);
  const position = new Float64Array(count * 2);
  const values = Array.from({ length: nBands }, () => new Float32Array(count));
  const bands: ViewBand[] = names.map((name, b) => ({ name, unit: units[b]!, min: Infinity, max: -Infinity, sum: 0, finite: 0 }));
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const col = i % width;
    const row = (i - col) / width;
    cell[k] = i;
    position[2 * k] = x0! + (col + 0.5) * cellSize;
    position[2 * k + 1] = y0! - (row + 0.5) * cellSize;
    for (let b = 0; b < nBands; b++) {
      let v = rasters[b]![i]!;
      if (v === noData) v = NaN;
      values[b]![k] = v;
      if (v === v) {
        const s = bands[b]!;
        if (v < s.min) s.min = v;
        if (v > s.max) s.max = v;
        s.sum += v;
        s.finite++;
      }
    }
    k++;
  }
  transformer(crs, WGS84).forwardFlat(position);
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < position.length; i += 2) {
    const lon = position[i]!;
    const lat = position[i + 1]!;
    if (lon < bbox[0]) bbox[0] = lon;
    if (lat < bbox[1]) bbox[1] = lat;
    if (lon > bbox[2]) bbox[2] = lon;
    if (lat > bbox[3]) bbox[3] = lat;
  }
  for (const s of bands) if (s.min === Infinity) (s.min = 0), (s.max = 0);
  const x1 = x0! + width * cellSize;
  const y1 = y0! - height * cellSize;
  const toLL = transformer(crs, WGS84);
  const corners = [toLL.forward(x0!, y1), toLL.forward(x0!, y0!), toLL.forward(x1, y0!), toLL.forward(x1, y1)];
  return { meta: { file: path, crs: crs.code, cellSizeM: cellSize, width, height, count, bands, bbox, corners }, position, cell, values };
}

/** The grid in the viewer's binary container (format.ts GRID_ARRAYS): arrays `position`, `cell`, `b0`, `b1`, ... */
export function packViewGrid(g: ViewGrid): Uint8Array {
  const arrays: Record<string, PackedArray> = { [GRID_ARRAYS.position]: g.position, [GRID_ARRAYS.cell]: g.cell };
  g.values.forEach((v, b) => (arrays[GRID_ARRAYS.band(b)] = v));
  return packArrays(g.meta, arrays);
}
