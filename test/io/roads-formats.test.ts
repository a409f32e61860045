/**
 * Road inputs (issue 15, item 1): GeoPackage (sql.js) and FlatGeobuf (flatgeobuf) layers are read with their own CRS,
 * checked against the same lines projected by hand and, where GDAL is installed, against files ogr2ogr wrote; corrupt
 * and ambiguous files are clear errors. A zip (roads are not read from inside one; it lists what it holds) and a
 * PLATEAU download (udx/tran is road areas, not centre lines) are refused with what to do instead.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrs, transformer, WGS84 } from '../../engine/crs/index.js';
import { CrsError, InputError } from '../../engine/errors.js';
import { buildGeoPackage, type GpkgLayer } from '../../engine/export/gpkg.js';
import { readRoads } from '../../engine/io/roads.js';
import { havePeer, peer } from '../export/peer-tools.js';
import { data, describeData } from '../helpers/data.js';
import { makeZip } from './zip-writer.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-roads-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const working = () => parseCrs('EPSG:6670');
async function roadsError(path: string): Promise<InputError> {
  try {
    await readRoads(path, { crs: working() });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected readRoads to fail');
}

/** Three Tamana-area streets (lon, lat), one a motorway, one a two-part MultiLineString. */
const STREETS: FeatureCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { highway: 'residential', name: '中央通り' }, geometry: { type: 'LineString', coordinates: [[130.5600, 32.9280], [130.5620, 32.9290], [130.5640, 32.9285]] } },
    { type: 'Feature', properties: { highway: 'motorway', name: '九州自動車道' }, geometry: { type: 'LineString', coordinates: [[130.5500, 32.9200], [130.5700, 32.9400]] } },
    { type: 'Feature', properties: { highway: 'tertiary', bridge: 'yes', layer: '1' }, geometry: { type: 'MultiLineString', coordinates: [[[130.5610, 32.9270], [130.5610, 32.9300]], [[130.5630, 32.9270], [130.5630, 32.9300]]] } },
  ],
};
/** The carried lines' vertices projected by hand to EPSG:6670 (JGD2011 zone II), in file order. */
const expected = (): number[][] => {
  const tr = transformer(WGS84, working());
  return [STREETS.features[0]!, STREETS.features[2]!].flatMap((f) => {
    const g = f.geometry;
    const parts = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
    return parts.map((p) => p.flatMap(([lon, lat]) => tr.forward(lon!, lat!)));
  });
};
const layerOf = (name: string, fc: FeatureCollection): GpkgLayer => ({
  name,
  geometryType: 'LINESTRING',
  fields: [{ name: 'highway', type: 'TEXT' }, { name: 'name', type: 'TEXT' }, { name: 'bridge', type: 'TEXT' }, { name: 'layer', type: 'TEXT' }],
  // the writer's LINESTRING layers hold one line per row: a MultiLineString is written as its parts
  features: fc.features.flatMap((f): GpkgLayer['features'] => {
    const p = f.properties ?? {};
    const values = [p.highway ?? null, p.name ?? null, p.bridge ?? null, p.layer ?? null];
    const g = f.geometry;
    if (g.type === 'MultiLineString') return g.coordinates.map((c) => ({ geometry: { type: 'LineString' as const, coordinates: c }, values }));
    return [{ geometry: g, values }];
  }),
});
function closeTo(got: ArrayLike<number>, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(tol);
}

describe('GeoPackage roads (sql.js)', () => {
  it('reads the one line layer: lines projected to the working CRS, road classes, bridges and layers', async () => {
    const gpkg = join(tmp, 'streets.gpkg');
    writeFileSync(gpkg, buildGeoPackage([layerOf('streets', STREETS)]));
    const r = await readRoads(gpkg, { crs: working() });
    expect(r.format).toBe('gpkg');
    expect(r.layer).toBe('streets');
    expect(r.sourceCrs.code).toBe('EPSG:4326');
    expect(r.excludedByClass).toEqual({ motorway: 1 });
    expect(r.lines.map((l) => l.highway)).toEqual(['residential', 'tertiary', 'tertiary']);
    expect(r.lines.map((l) => [l.bridge, l.layer])).toEqual([[false, 0], [true, 1], [true, 1]]);
    const want = expected();
    r.lines.forEach((l, k) => closeTo(l.coords, want[k]!, 1e-6));
  });

  it('several line layers: an error listing them; roadsLayer picks one; an unknown layer is named', async () => {
    const gpkg = join(tmp, 'two.gpkg');
    writeFileSync(gpkg, buildGeoPackage([layerOf('streets', STREETS), layerOf('rail', STREETS)]));
    const e = await roadsError(gpkg);
    expect(e.code).toBe('roads-gpkg-layer');
    expect(e.message).toContain('holds 2 line layers; say which holds the roads: rail (LINESTRING), streets (LINESTRING)');
    expect(e.hint).toMatch(/--roads-layer/);
    const r = await readRoads(gpkg, { crs: working(), layer: 'rail' });
    expect(r.layer).toBe('rail');
    expect(r.lines).toHaveLength(3);
    await expect(readRoads(gpkg, { crs: working(), layer: 'roads' })).rejects.toMatchObject({ code: 'roads-gpkg-layer', message: expect.stringContaining('no feature layer "roads"') });
  });

  it('a file that is not a GeoPackage, a damaged one and one without line layers: clear errors naming the file', async () => {
    const fake = join(tmp, 'fake.gpkg');
    writeFileSync(fake, 'not a database');
    const e1 = await roadsError(fake);
    expect(e1.code).toBe('roads-gpkg-corrupt');
    expect(e1.message).toMatch(/not a GeoPackage \(no SQLite header\)/);
    expect(e1.file).toBe(fake);
    const broken = join(tmp, 'broken.gpkg');
    writeFileSync(broken, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(200, 0x5a)]));
    expect((await roadsError(broken)).code).toBe('roads-gpkg-corrupt');
    const good = buildGeoPackage([layerOf('streets', STREETS)]);
    const cut = join(tmp, 'cut.gpkg');
    writeFileSync(cut, good.subarray(0, 4096 + 100));
    expect((await roadsError(cut)).code).toBe('roads-gpkg-corrupt');
    const points = join(tmp, 'points.gpkg');
    writeFileSync(points, buildGeoPackage([{ name: 'plants', geometryType: 'POINT', fields: [], features: [{ geometry: { type: 'Point', coordinates: [130.56, 32.93] }, values: [] }] }]));
    const e4 = await roadsError(points);
    expect(e4.code).toBe('roads-gpkg-no-lines');
    expect(e4.message).toContain('plants (POINT)');
  });

  it.runIf(havePeer('ogr2ogr'))('a GeoPackage and a FlatGeobuf that GDAL wrote in a projected CRS: the same lines', async () => {
    const src = join(tmp, 'streets.geojson');
    writeFileSync(src, JSON.stringify(STREETS));
    const want = expected();
    for (const [driver, ext] of [['GPKG', 'gpkg'], ['FlatGeobuf', 'fgb']] as const) {
      const out = join(tmp, `gdal-6670.${ext}`);
      peer('ogr2ogr', ['-f', driver, '-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:6670', out, src, '-nln', 'roads']);
      const r = await readRoads(out, { crs: working() });
      expect(r.format).toBe(ext);
      expect(r.sourceCrs.code).toBe('EPSG:6670');
      // GDAL's FlatGeobuf is in its spatial index's order: match lines by their first vertex
      const byStart = (a: { x: number }, b: { x: number }) => a.x - b.x;
      const got = r.lines.map((l) => ({ x: l.coords[0]!, l })).sort(byStart);
      const ref = want.map((w, k) => ({ x: w[0]!, w, hw: ['residential', 'tertiary', 'tertiary'][k] })).sort(byStart);
      expect(got.map((g) => g.l.highway)).toEqual(ref.map((w) => w.hw));
      // GDAL's and heatplan's proj differ by far less than a millimetre
      got.forEach((g, k) => closeTo(g.l.coords, ref[k]!.w, 1e-3));
    }
  });
});

describe('FlatGeobuf roads (flatgeobuf)', () => {
  it('reads the file with its CRS; without one it needs roadsCrs', async () => {
    const fgb = join(tmp, 'streets.fgb');
    writeFileSync(fgb, serialize(STREETS, 4326));
    const r = await readRoads(fgb, { crs: working() });
    expect(r.format).toBe('fgb');
    expect(r.sourceCrs.code).toBe('EPSG:4326');
    expect(r.excludedByClass).toEqual({ motorway: 1 });
    const want = expected();
    r.lines.forEach((l, k) => closeTo(l.coords, want[k]!, 1e-6));
    const bare = join(tmp, 'bare.fgb');
    writeFileSync(bare, serialize(STREETS));
    await expect(readRoads(bare, { crs: working() })).rejects.toSatisfy((e: unknown) => e instanceof CrsError && (e as CrsError).code === 'crs-missing' && /--roads-crs/.test((e as Error).message));
    expect((await readRoads(bare, { crs: working(), roadsCrs: WGS84 })).lines).toHaveLength(3);
  });

  it('a file that is not FlatGeobuf and a truncated one: clear errors; projected coordinates declared as lon/lat are refused', async () => {
    const fake = join(tmp, 'fake.fgb');
    writeFileSync(fake, 'PK not fgb');
    expect((await roadsError(fake)).code).toBe('roads-fgb-corrupt');
    const whole = serialize(STREETS, 4326);
    const cut = join(tmp, 'cut.fgb');
    writeFileSync(cut, whole.subarray(0, whole.length - 40));
    expect((await roadsError(cut)).code).toBe('roads-fgb-corrupt');
    const tr = transformer(WGS84, working());
    const projected: FeatureCollection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [tr.forward(130.56, 32.928), tr.forward(130.562, 32.929)] } }] };
    const lying = join(tmp, 'lying.fgb');
    writeFileSync(lying, serialize(projected, 4326));
    await expect(readRoads(lying, { crs: working() })).rejects.toMatchObject({ code: 'crs-lonlat-range' });
  });
});

describe('road inputs that are not read say why and what to do', () => {
  it('a zip of a shapefile: unzip it; the message lists what it holds', async () => {
    const zip = join(tmp, 'kumamoto-roads.zip');
    writeFileSync(zip, makeZip([{ name: 'gis_osm_roads_free_1.shp', data: Buffer.alloc(100) }, { name: 'gis_osm_roads_free_1.dbf', data: Buffer.alloc(10) }]));
    const e = await roadsError(zip);
    expect(e.code).toBe('roads-zip');
    expect(e.message).toContain('it holds 2 files: gis_osm_roads_free_1.shp, gis_osm_roads_free_1.dbf');
    expect(e.message).toMatch(/unzip it/);
  });
});

describeData('a PLATEAU download as roads', () => {
  it('the zip and the folder: tran is road areas, not centre lines; use an OSM extract', async () => {
    const zip = join(tmp, 'city.zip');
    writeFileSync(zip, makeZip([{ name: 'city/udx/bldg/49303425_bldg_6697_op.gml', data: readFileSync(data('tamana/49303425_bldg_6697_op.gml')) }, { name: 'city/udx/tran/' }]));
    const e = await roadsError(zip);
    expect(e.code).toBe('roads-plateau');
    expect(e.message).toMatch(/PLATEAU has roads only as area polygons \(udx\/tran\), not the centre lines/);
    expect(e.message).toMatch(/OSM extract/);
    const folder = join(tmp, 'city');
    mkdirSync(join(folder, 'udx', 'tran'), { recursive: true });
    expect((await roadsError(folder)).code).toBe('roads-plateau');
  });
});
