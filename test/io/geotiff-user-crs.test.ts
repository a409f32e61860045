/** A GeoTIFF whose projection is given parameter by parameter (../shared/datasets/rasters/hotmaps_ground_conductivity.tif). */
import { expect, it } from 'vitest';
import { lookupEpsg, parseCrs, transformer, WGS84 } from '../../engine/crs/index.js';
import { readGeoTiff } from '../../engine/io/geotiff.js';
import { data, describeData } from '../helpers/data.js';

describeData('user-defined projections in GeoKeys', () => {
  it('reads Hotmaps LAEA (ProjectedCSTypeGeoKey 32767) as the same projection as EPSG:3035', async () => {
    const r = await readGeoTiff(data('rasters/hotmaps_ground_conductivity.tif'));
    expect(r.crs).toMatch(/^\+proj=laea /);
    const user = transformer(WGS84, parseCrs(r.crs));
    const epsg = transformer(WGS84, { ...lookupEpsg(3035)! });
    for (const [lon, lat] of [[2.35, 48.86], [10, 52], [-3.7, 40.4], [24.9, 60.2]] as const) {
      const [x1, y1] = user.forward(lon, lat);
      const [x2, y2] = epsg.forward(lon, lat);
      expect(Math.abs(x1 - x2)).toBeLessThan(0.01);
      expect(Math.abs(y1 - y2)).toBeLessThan(0.01);
    }
    expect(r.width).toBeGreaterThan(0);
    expect(r.bands[0]!.some((v) => Number.isFinite(v))).toBe(true);
  });
});
