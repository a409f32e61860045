import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import type { Raster } from '../../engine/grid/grid.js';
import { encodeGeoTiff, readGeoTiff, writeGeoTiff } from '../../engine/io/geotiff.js';
import { data, describeData } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'heatplan-geotiff-'));
const GDALINFO = ['/usr/bin/gdalinfo', '/usr/local/bin/gdalinfo'].find(existsSync);

/** A 3-band demand-like raster in EPSG:6677 with some NaN cells. */
function demandRaster(width = 37, height = 23): Raster {
  const n = width * height;
  const bands = [0, 1, 2].map((k) => {
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) b[i] = i % 11 === 0 ? NaN : (k + 1) * Math.sin(i * 0.37) * 1000 + i / 3;
    return b;
  });
  return {
    crs: 'EPSG:6677', x0: -12_300, y0: -35_100, cellSize: 100, width, height, bands,
    names: ['floor area', 'annual heat', 'peak'], units: ['m2', 'MWh/a', 'kW'],
  };
}

function expectSameValues(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect(a[i], `cell ${i}`).toBe(b[i]);
}

describe('GeoTIFF write -> read round trip', () => {
  it('float64: identical values, NaN kept, CRS, origin, cell size, names and units', async () => {
    const r = demandRaster();
    const p = join(dir, 'rt64.tif');
    await writeGeoTiff(p, r, { type: 'float64' });
    const q = await readGeoTiff(p);
    expect([q.crs, q.x0, q.y0, q.cellSize, q.width, q.height]).toEqual([r.crs, r.x0, r.y0, r.cellSize, r.width, r.height]);
    expect(q.names).toEqual(r.names);
    expect(q.units).toEqual(r.units);
    expect(q.nodata).toBeNaN();
    for (let k = 0; k < 3; k++) expectSameValues(q.bands[k]!, r.bands[k]!);
  });

  it('float32 (default): values rounded to float32, a numeric nodata read back as NaN', async () => {
    const r = demandRaster(300, 200); // several strips per band
    const p = join(dir, 'rt32.tif');
    await writeGeoTiff(p, r, { nodata: -9999 });
    const q = await readGeoTiff(p);
    expect(q.nodata).toBe(-9999);
    for (let k = 0; k < 3; k++) expectSameValues(q.bands[k]!, r.bands[k]!.map((v) => Math.fround(v)));
    // the raw file holds -9999 where the raster had NaN
    const tiff = await fromArrayBuffer(new Uint8Array(readFileSync(p)).buffer);
    const img = await tiff.getImage();
    const raw = (await img.readRasters({ samples: [0] }))[0] as Float32Array;
    expect(raw[0]).toBe(-9999);
    expect(img.getGeoKeys()?.ProjectedCSTypeGeoKey).toBe(6677);
    expect(img.getGeoKeys()?.GTRasterTypeGeoKey).toBe(1);
  });

  it('geographic CRS uses GeographicTypeGeoKey; a proj4 CRS survives as user-defined', async () => {
    const base = { x0: 130.5, y0: 33, cellSize: 0.01, width: 4, height: 3, bands: [new Float64Array(12).fill(1)], names: ['a'], units: [''] };
    const p = join(dir, 'geo.tif');
    await writeGeoTiff(p, { ...base, crs: 'EPSG:4326' });
    const img = await (await fromArrayBuffer(new Uint8Array(readFileSync(p)).buffer)).getImage();
    expect(img.getGeoKeys()?.GeographicTypeGeoKey).toBe(4326);
    expect(img.getGeoKeys()?.GTModelTypeGeoKey).toBe(2);
    expect((await readGeoTiff(p)).crs).toBe('EPSG:4326');
    const p4 = '+proj=tmerc +lat_0=33 +lon_0=131 +k=0.9999 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs';
    await writeGeoTiff(p, { ...base, x0: 0, y0: 0, cellSize: 10, crs: p4 });
    expect((await readGeoTiff(p)).crs).toBe(p4);
  });

  it.skipIf(!GDALINFO)('gdalinfo names the EPSG code, band names, units, and the same sums', async () => {
    const r = demandRaster();
    const p = join(dir, 'gdal.tif');
    await writeGeoTiff(p, r, { type: 'float64' });
    const info = JSON.parse(execFileSync(GDALINFO!, ['--config', 'GDAL_PAM_ENABLED', 'NO', '-stats', '-json', p], { encoding: 'utf8' })) as {
      coordinateSystem: { wkt: string }; size: number[]; geoTransform: number[];
      bands: { description: string; unit?: string; mean: number; metadata: { '': Record<string, string> } }[];
    };
    expect(info.coordinateSystem.wkt).toMatch(/ID\["EPSG",6677\]\]$/);
    expect(info.size).toEqual([37, 23]);
    expect(info.geoTransform).toEqual([-12_300, 100, 0, -35_100, 0, -100]);
    info.bands.forEach((b, k) => {
      expect(b.description).toBe(r.names[k]);
      expect(b.unit).toBe(r.units[k]);
      const vals = Array.from(r.bands[k]!).filter((v) => v === v);
      const sum = vals.reduce((a, v) => a + v, 0);
      const validPct = Number(b.metadata['']!.STATISTICS_VALID_PERCENT);
      expect(validPct).toBeCloseTo((100 * vals.length) / (37 * 23), 2);
      // the JSON 'mean' is rounded to 3 decimals; the metadata item has full precision
      expect(Number(b.metadata['']!.STATISTICS_MEAN) * vals.length).toBeCloseTo(sum, 6);
    });
  });
});

describe('GeoTIFF bad input', () => {
  it('a raster without CRS is InputError raster-no-crs', async () => {
    const buf = encodeGeoTiff(demandRaster(4, 4));
    // hide the GeoKeyDirectory by renaming its tag in the IFD
    const dv = new DataView(buf.buffer);
    const ifd = dv.getUint32(4, true);
    for (let e = 0; e < dv.getUint16(ifd, true); e++) {
      const at = ifd + 2 + 12 * e;
      if (dv.getUint16(at, true) === 34735) dv.setUint16(at, 65000, true);
    }
    const p = join(dir, 'nocrs.tif');
    writeFileSync(p, buf);
    await expect(readGeoTiff(p)).rejects.toMatchObject({ name: 'InputError', code: 'raster-no-crs', file: p });
  });

  it('a broken or missing file is an InputError naming the file', async () => {
    const p = join(dir, 'bad.tif');
    writeFileSync(p, 'this is not a tiff');
    await expect(readGeoTiff(p)).rejects.toBeInstanceOf(InputError);
    await expect(readGeoTiff(p)).rejects.toMatchObject({ code: 'raster-bad-file', file: p });
    await expect(readGeoTiff(join(dir, 'missing.tif'))).rejects.toMatchObject({ code: 'raster-unreadable' });
  });
});

describeData('Hotmaps heat-density raster (rasters/hotmaps_heat_density_test.tif)', () => {
  it('shape, CRS, nodata and total MWh', async () => {
    const p = data('rasters/hotmaps_heat_density_test.tif');
    const r = await readGeoTiff(p);
    expect([r.width, r.height, r.cellSize, r.crs, r.nodata]).toEqual([548, 690, 100, 'EPSG:3035', 0]);
    expect([r.x0, r.y0]).toEqual([3_694_700, 2_958_100]);
    let sum = 0, valid = 0;
    for (const v of r.bands[0]!) if (v === v) (sum += v), valid++;
    // gdalinfo -stats: mean 189.7250681141 over 9.806 % valid cells (37,080 of 378,120); MWh/ha on 1-ha cells = MWh
    expect(valid).toBe(37_080);
    expect(sum / valid).toBeCloseTo(189.7250681141, 7);
    expect(sum).toBeCloseTo(7_035_005.5, 0);
    if (GDALINFO) {
      const info = JSON.parse(execFileSync(GDALINFO, ['--config', 'GDAL_PAM_ENABLED', 'NO', '-stats', '-json', p], { encoding: 'utf8' })) as {
        bands: { metadata: { '': Record<string, string> } }[];
      };
      expect(sum / valid).toBeCloseTo(Number(info.bands[0]!.metadata['']!.STATISTICS_MEAN), 8);
    }
  });
});
