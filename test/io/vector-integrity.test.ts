/**
 * openVector's integrity checks: a .dbf cut short of the records its header declares ('dbf-truncated'), and a
 * declared CRS none of whose features lies in its area of use ('crs-outside-area').
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { areaOfUse, inAreaOfUse } from '../../engine/crs/index.js';
import { CrsError, InputError } from '../../engine/errors.js';
import { checkDbfSize, readVector } from '../../engine/io/vector.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'vector');
const tmp = mkdtempSync(join(tmpdir(), 'heatplan-vector-integrity-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function survey(name: string, change: { dbf?: Buffer; prj?: string } = {}): string {
  for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg'] as const) {
    const to = join(tmp, `${name}.${ext}`);
    const c = change[ext as 'dbf' | 'prj'];
    if (c !== undefined) writeFileSync(to, c);
    else copyFileSync(join(FIX, `survey_sjis.${ext}`), to);
  }
  return join(tmp, `${name}.shp`);
}

async function rejection(p: Promise<unknown>): Promise<Error & { code: string; file?: string; record?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a rejection');
}

const UTM54N =
  'PROJCS["WGS_1984_UTM_Zone_54N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",141.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

describe('openVector: a .dbf cut short', () => {
  it('the header size check: whole, the closing 0x1A missing, cut in a record', () => {
    const h = { records: 4, headerLen: 257, recordLen: 363 };
    expect(checkDbfSize({ ...h, size: 1710 })).toBeNull();
    expect(checkDbfSize({ ...h, size: 1709 })).toBeNull();
    expect(checkDbfSize({ ...h, size: 1510 })).toMatchObject({ record: 4, offset: 257 + 3 * 363 });
    expect(checkDbfSize({ ...h, size: 257 + 363 })).toMatchObject({ record: 2 });
  });

  it('a .dbf cut inside record 4 is InputError dbf-truncated naming the .dbf and record 4', async () => {
    const dbf = readFileSync(join(FIX, 'survey_sjis.dbf'));
    const e = await rejection(readVector(survey('cut', { dbf: dbf.subarray(0, dbf.length - 200) }), { what: 'buildings' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('dbf-truncated');
    expect(e.message).toMatch(/cut\.dbf: record 4 \(byte 1346\): broken \.dbf.*declares 4 records/);
    // the whole file still reads
    expect((await readVector(survey('whole'), { what: 'buildings' })).features).toHaveLength(4);
  });
});

describe('openVector: a declared CRS outside its area of use', () => {
  it('areas of use derived from the definitions: UTM bands and hemispheres, Japan for the plane systems', () => {
    expect(areaOfUse('EPSG:32654')).toMatchObject({ west: 138, east: 144, south: 0, north: 84 });
    expect(areaOfUse('EPSG:32754')).toMatchObject({ west: 138, east: 144, south: -80, north: 0 });
    expect(areaOfUse('EPSG:25833')).toMatchObject({ west: 12, east: 18 });
    expect(areaOfUse('EPSG:6677')).toMatchObject({ west: 122, east: 154.5 });
    expect(areaOfUse('EPSG:3857')).toBeUndefined();
    const z1 = areaOfUse('EPSG:32601')!;
    expect(inAreaOfUse(z1, 178, 10)).toBe(true); // half a zone across the antimeridian
    expect(inAreaOfUse(areaOfUse('EPSG:32654')!, 136.5, -0.3)).toBe(false);
    expect(inAreaOfUse(areaOfUse('EPSG:32654')!, 136.5, 35)).toBe(true); // a city kept in the next zone's CRS
  });

  it('zone IX metres under a UTM 54N .prj: CrsError crs-outside-area naming the file, the CRS and --source-crs', async () => {
    const p = survey('utm54', { prj: UTM54N });
    const e = await rejection(readVector(p, { what: 'buildings' }));
    expect(e).toBeInstanceOf(CrsError);
    expect(e.code).toBe('crs-outside-area');
    expect(e.file).toBe(p);
    expect(e.message).toMatch(/EPSG:32654 \(WGS 84 \/ UTM zone 54N\).*138°E-144°E, northern hemisphere/);
    expect(e.message).toMatch(/--source-crs/);
    // given as the option it is the user's word: read as it is
    expect((await readVector(p, { what: 'buildings', sourceCrs: 'EPSG:32654' })).features).toHaveLength(4);
    // the true CRS in the .prj is fine
    expect((await readVector(survey('zone9'), { what: 'buildings' })).features).toHaveLength(4);
  });

  it('a GeoJSON crs member is checked too', async () => {
    const doc = JSON.parse(readFileSync(join(FIX, 'src6677.geojson'), 'utf8'));
    doc.crs = { type: 'name', properties: { name: 'EPSG:32654' } };
    const p = join(tmp, 'utm54.geojson');
    writeFileSync(p, JSON.stringify(doc));
    expect((await rejection(readVector(p, { what: 'blocks' }))).code).toBe('crs-outside-area');
    doc.crs.properties.name = 'EPSG:6677';
    writeFileSync(p, JSON.stringify(doc));
    expect((await readVector(p, { what: 'blocks' })).features.length).toBeGreaterThan(0);
  });
});
