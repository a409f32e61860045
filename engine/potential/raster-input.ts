/**
 * Source rasters of any CRS for the potential stage. Uses the shared readGeoTiff; where that finds no EPSG code, a
 * user-defined projection in the GeoKeys (as GRASS and older GDAL write them, e.g. Hotmaps' LAEA rasters with
 * ProjectedCSTypeGeoKey = 32767) is turned into a proj4 string: transverse Mercator, Lambert conformal conic (2SP),
 * Lambert azimuthal equal area, Albers equal area, on the ellipsoid given by its keys.
 */
import { fromArrayBuffer } from 'geotiff';
import { readFile } from 'node:fs/promises';
import { CrsError, HeatplanError, InputError } from '../errors.js';
import { readGeoTiff } from '../io/geotiff.js';
import type { SourceRaster } from '../grid/resample.js';

/** Band `band` (1-based) of a GeoTIFF as a SourceRaster, NaN for nodata. */
export async function readSourceRaster(path: string, band = 1): Promise<SourceRaster & { crsNote?: string }> {
  try {
    const r = await readGeoTiff(path);
    const d = r.bands[band - 1];
    if (!d) throw new InputError('raster-band', `the raster has no band ${band}`, { file: path, value: r.bands.length });
    return { crs: r.crs, x0: r.x0, y0: r.y0, resX: r.cellSize, resY: r.cellSize, width: r.width, height: r.height, data: d };
  } catch (e) {
    if (!(e instanceof HeatplanError) || e.code !== 'raster-no-crs') throw e;
    const keys = (e.value ?? {}) as Record<string, unknown>;
    const p4 = proj4FromGeoKeys(keys);
    if (!p4) throw e;
    return { ...(await readPlain(path, band)), crs: p4, crsNote: `user-defined projection from GeoKeys: ${p4}` };
  }
}

async function readPlain(path: string, band: number): Promise<Omit<SourceRaster, 'crs'>> {
  const bytes = await readFile(path);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const im = await tiff.getImage(0);
  const [resX, resY] = im.getResolution() as [number, number];
  const [ox, oy] = im.getOrigin() as [number, number];
  if (!(resX > 0) || !(resY < 0)) throw new InputError('raster-not-north-up', 'only north-up rasters are supported', { file: path, value: [resX, resY] });
  const rasters = (await im.readRasters({ samples: [band - 1] })) as unknown as ArrayLike<number>[];
  const src = rasters[0]!;
  const nd = im.getGDALNoData();
  const data = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = nd !== null && src[i] === nd ? NaN : src[i]!;
  return { x0: ox, y0: oy, resX, resY: -resY, width: im.getWidth(), height: im.getHeight(), data };
}

/** proj4 string for a user-defined projected CRS in GeoKeys, or undefined. */
export function proj4FromGeoKeys(k: Record<string, unknown>): string | undefined {
  const n = (name: string) => (typeof k[name] === 'number' ? (k[name] as number) : undefined);
  if (n('GTModelTypeGeoKey') !== 1) return undefined;
  const unit = n('ProjLinearUnitsGeoKey');
  if (unit !== undefined && unit !== 9001) {
    throw new CrsError('raster-crs-units', 'the raster\'s projection is not in metres', { value: unit, hint: 'reproject it with gdalwarp -t_srs EPSG:N' });
  }
  let ell: string;
  const a = n('GeogSemiMajorAxisGeoKey');
  const invf = n('GeogInvFlatteningGeoKey');
  const datum = n('GeogGeodeticDatumGeoKey');
  if (a && invf) ell = `+a=${a} +rf=${invf}`;
  else if (datum === 6258 || datum === 6326 || datum === 6612 || datum === 1128) ell = '+ellps=GRS80';
  else return undefined;
  // ETRS89, WGS84 and JGD2000/2011 are ITRF-tied: no datum shift at this precision (as engine/crs does)
  const towgs = datum === undefined || [6258, 6326, 6612, 1128, 6668].includes(datum) ? ' +towgs84=0,0,0,0,0,0,0' : '';
  const fe = n('ProjFalseEastingGeoKey') ?? 0;
  const fn = n('ProjFalseNorthingGeoKey') ?? 0;
  const lon0 = n('ProjNatOriginLongGeoKey') ?? n('ProjCenterLongGeoKey') ?? n('ProjFalseOriginLongGeoKey') ?? 0;
  const lat0 = n('ProjNatOriginLatGeoKey') ?? n('ProjCenterLatGeoKey') ?? n('ProjFalseOriginLatGeoKey') ?? 0;
  const base = `+x_0=${fe} +y_0=${fn} ${ell}${towgs} +units=m +no_defs`;
  switch (n('ProjCoordTransGeoKey')) {
    case 1: // transverse Mercator
      return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${n('ProjScaleAtNatOriginGeoKey') ?? 1} ${base}`;
    case 8: // Lambert conformal conic 2SP
      return `+proj=lcc +lat_1=${n('ProjStdParallel1GeoKey')} +lat_2=${n('ProjStdParallel2GeoKey')} +lat_0=${lat0} +lon_0=${lon0} ${base}`;
    case 10: // Lambert azimuthal equal area
      return `+proj=laea +lat_0=${lat0} +lon_0=${lon0} ${base}`;
    case 11: // Albers equal area
      return `+proj=aea +lat_1=${n('ProjStdParallel1GeoKey')} +lat_2=${n('ProjStdParallel2GeoKey')} +lat_0=${lat0} +lon_0=${lon0} ${base}`;
    default:
      return undefined;
  }
}
