/**
 * Source rasters of any CRS for the potential stage, through the shared readGeoTiff (which also understands
 * user-defined projections given parameter by parameter in the GeoKeys).
 */
import { InputError } from '../errors.js';
import { readGeoTiff } from '../io/geotiff.js';
import type { SourceRaster } from '../grid/resample.js';

/** Band `band` (1-based) of a GeoTIFF as a SourceRaster, NaN for nodata; `crsNote` when its CRS had no EPSG code. */
export async function readSourceRaster(path: string, band = 1): Promise<SourceRaster & { crsNote?: string }> {
  const r = await readGeoTiff(path);
  const d = r.bands[band - 1];
  if (!d) throw new InputError('raster-band', `the raster has no band ${band}`, { file: path, value: r.bands.length });
  return {
    crs: r.crs, x0: r.x0, y0: r.y0, resX: r.cellSize, resY: r.cellSize, width: r.width, height: r.height, data: d,
    ...(r.crs.startsWith('+proj=') ? { crsNote: `user-defined projection from GeoKeys: ${r.crs}` } : {}),
  };
}
