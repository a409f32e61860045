/**
 * Road inputs heatplan cannot read here each get a message saying why and what to do (issue 15, item 1): GeoPackage
 * (no SQLite reader installed), FlatGeobuf (no flatgeobuf package), a zip (roads are not read from inside one; it
 * lists what it holds), and a PLATEAU download, whose udx/tran is road areas, not centre lines.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrs } from '../../engine/crs/index.js';
import { InputError } from '../../engine/errors.js';
import { readRoads } from '../../engine/io/roads.js';
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

describe('road formats that are not read say why and how to convert', () => {
  it('GeoPackage: no SQLite reader installed; a .gpkg that is not SQLite is named as such', async () => {
    const gpkg = join(tmp, 'roads.gpkg');
    writeFileSync(gpkg, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)]));
    const e = await roadsError(gpkg);
    expect(e.code).toBe('roads-gpkg-unsupported');
    expect(e.message).toMatch(/GeoPackage roads need a SQLite reader, and this installation has none/);
    expect(e.message).toMatch(/ogr2ogr -f GeoJSON roads\.geojson/);
    const fake = join(tmp, 'fake.gpkg');
    writeFileSync(fake, 'not a database');
    expect((await roadsError(fake)).message).toMatch(/not a GeoPackage \(no SQLite header\)/);
  });

  it('FlatGeobuf: the flatgeobuf package is not installed', async () => {
    const fgb = join(tmp, 'roads.fgb');
    writeFileSync(fgb, Buffer.concat([Buffer.from([0x66, 0x67, 0x62, 3, 0x66, 0x67, 0x62, 0]), Buffer.alloc(16)]));
    const e = await roadsError(fgb);
    expect(e.code).toBe('roads-fgb-unsupported');
    expect(e.message).toMatch(/FlatGeobuf roads need the flatgeobuf package, which is not installed/);
  });

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
