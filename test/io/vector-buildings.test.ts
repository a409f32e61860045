import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { projectTable } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, CATEGORY_INDEX, CATEGORY_UNSET, type BuildingTable } from '../../engine/buildings/table.js';
import { lookupEpsg, WGS84 } from '../../engine/crs/index.js';
import { CrsError, InputError } from '../../engine/errors.js';
import { readVectorBuildings, type VectorBuildingsOptions } from '../../engine/io/vector-buildings.js';
import { normalizeEncoding } from '../../engine/io/vector.js';
import { Warnings } from '../../engine/util/warnings.js';

const FIX = join(__dirname, '..', 'fixtures', 'vector');
const SJIS = join(FIX, 'survey_sjis.shp');
const MIXED = join(FIX, 'buildings_mixed.geojson');
const tmp = mkdtempSync(join(tmpdir(), 'heatplan-vector-'));

// JGD2011 / Japan Plane Rectangular CS IX written out here from the EPSG parameters (not taken from the engine)
const EPSG6677 = '+proj=tmerc +lat_0=36 +lon_0=139.8333333333333 +k=0.9999 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs';
const SURVEY_MAPPING = { id: 'ID', use: '用途', floorArea: 'NOBE', storeys: 'KAISU' };

async function read(path: string, opts: VectorBuildingsOptions): Promise<{ t: BuildingTable; w: Warnings; sum: Awaited<ReturnType<typeof readVectorBuildings>> }> {
  const b = new BuildingTableBuilder(WGS84);
  const w = new Warnings();
  const sum = await readVectorBuildings(path, b, w, opts);
  return { t: b.finish(), w, sum };
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** Copy the survey shapefile's parts to a temp dir, leaving out the given extensions. */
function copySurvey(name: string, without: string[] = []): string {
  for (const ext of ['.shp', '.shx', '.dbf', '.prj', '.cpg']) {
    if (!without.includes(ext)) copyFileSync(join(FIX, `survey_sjis${ext}`), join(tmp, `${name}${ext}`));
  }
  return join(tmp, `${name}.shp`);
}

describe('readVectorBuildings: Shift_JIS shapefile in EPSG:6677', () => {
  it('reads Japanese column names and values through the .cpg', async () => {
    const { t, w, sum } = await read(SJIS, { mapping: SURVEY_MAPPING, scheme: 'toshi-keikaku' });
    expect(sum.encoding).toBe('shift_jis');
    expect(sum.columns).toContain('用途');
    expect(t.count).toBe(4);
    expect(t.id).toEqual(['A001', 'A002', 'A003', 'A004']);
    expect(t.useCode).toEqual(['住宅', '共同住宅', '事務所', '店舗']);
    expect(t.fileScheme).toEqual(['toshi-keikaku']);
    expect(Array.from(t.givenFloorAreaM2)).toEqual([120.5, 2400, NaN, 300]);
    expect(Array.from(t.storeysAbove)).toEqual([2, 8, 5, 1]);
    expect(w.count('missing-floor-area')).toBe(1);
    expect([...t.category]).toEqual([CATEGORY_UNSET, CATEGORY_UNSET, CATEGORY_UNSET, CATEGORY_UNSET]);
  });

  it('reads a text column of numbers, counting the unreadable ones', async () => {
    const { t, w } = await read(SJIS, { mapping: { floorArea: 'NOBE_T', use: 'BIKO' } });
    expect(Array.from(t.givenFloorAreaM2)).toEqual([120.5, NaN, NaN, 300]);
    expect(w.count('bad-floor-area')).toBe(1); // '不明'
    expect(w.list().find((x) => x.code === 'bad-floor-area')!.examples[0]).toMatchObject({ record: 2, message: 'NOBE_T=不明' });
    expect(w.count('missing-floor-area')).toBe(1); // ''
    expect(t.useCode).toEqual(['木造２階建て', '鉄筋コンクリート造', '', 'ｶﾞﾗｽ張り']);
    expect(t.id).toEqual(['1', '2', '3', '4']);
  });

  it('puts coordinates in lon/lat where proj4 says (from the .prj)', async () => {
    const { t, sum } = await read(SJIS, { mapping: {} });
    expect(sum.crs).toBe('EPSG:6677');
    // first building: the square (-6000,-35370)..(-5990,-35360); first exterior vertex is one of its corners
    const corners = [[-6000, -35370], [-5990, -35370], [-5990, -35360], [-6000, -35360]].map((p) => proj4(EPSG6677, 'WGS84', p));
    const v0 = t.ringVertex[t.buildingRing[0]!]!, v1 = t.ringVertex[t.buildingRing[0]! + 1]!;
    expect(v1 - v0).toBe(4);
    for (let v = v0; v < v1; v++) {
      const x = t.coords[2 * v]!, y = t.coords[2 * v + 1]!;
      const d = Math.min(...corners.map((c) => Math.hypot(c[0]! - x, c[1]! - y)));
      expect(d).toBeLessThan(1e-9);
    }
    // near Tokyo station (139.7671 E, 35.6812 N): within 20 m
    expect(Math.abs(t.coords[2 * v0]! - 139.7671)).toBeLessThan(2e-4);
    expect(Math.abs(t.coords[2 * v0 + 1]! - 35.6812)).toBeLessThan(2e-4);
    // back in 6677 the footprints have their hand-computed areas: 100; 600 - 16 (hole); 100 + 50; 300 (triangle)
    projectTable(t, lookupEpsg(6677)!);
    expect(t.ringHole[2]).toBe(1);
    const areas = Array.from(t.footprintAreaM2);
    [100, 584, 150, 300].forEach((a, i) => expect(areas[i]).toBeCloseTo(a, 4));
  });

  it('uses the .dbf language driver byte when there is no .cpg, and --encoding over both', async () => {
    const shp = copySurvey('ldid', ['.cpg']);
    const dbf = readFileSync(join(tmp, 'ldid.dbf'));
    dbf[29] = 0x13; // dBase LDID for code page 932
    writeFileSync(join(tmp, 'ldid.dbf'), dbf);
    const r = await read(shp, { mapping: { use: '用途' } });
    expect(r.t.useCode[0]).toBe('住宅');
    expect(r.w.count('encoding-assumed')).toBe(0);
    // without .cpg and LDID the text is read as UTF-8, and that is counted
    dbf[29] = 0;
    writeFileSync(join(tmp, 'ldid.dbf'), dbf);
    await expect(read(shp, { mapping: { use: '用途' } })).rejects.toThrow(/用途.*not in the file/);
    const u = await read(shp, { mapping: {} });
    expect(u.w.count('encoding-assumed')).toBe(1);
    const forced = await read(shp, { mapping: { use: '用途' }, encoding: 'CP932' });
    expect(forced.t.useCode[3]).toBe('店舗');
  });

  it('knows the usual .cpg spellings', () => {
    for (const s of ['SJIS', 'CP932', 'Shift_JIS', '932', 'shift-jis', 'windows-31j']) expect(normalizeEncoding(s)).toBe('shift_jis');
    for (const s of ['UTF-8', 'utf8', '65001']) expect(normalizeEncoding(s)).toBe('utf-8');
    expect(normalizeEncoding('ANSI 1252')).toBe('windows-1252');
    expect(() => normalizeEncoding('klingon')).toThrow(InputError);
  });
});

describe('readVectorBuildings: GeoJSON', () => {
  const mapping = { use: 'use', floorArea: 'floor_m2', storeys: 'levels', height: 'h', category: 'cat' };

  it('reads MultiPolygons with holes and counts what it drops', async () => {
    const { t, w, sum } = await read(MIXED, { mapping });
    expect(sum.crs).toBe('EPSG:4326');
    expect(t.count).toBe(3);
    expect(t.id).toEqual(['mp-1', '2', '4']);
    expect(t.useCode).toEqual(['residential', 'office', 'unknown']);
    // building 0: two polygons: exterior + 1 hole, exterior + 2 holes
    expect(t.buildingRing[1]! - t.buildingRing[0]!).toBe(5);
    expect(Array.from(t.ringHole.subarray(0, 5))).toEqual([0, 1, 0, 1, 1]);
    expect(Array.from(t.givenFloorAreaM2)).toEqual([1200, 850.5, NaN]);
    expect(Array.from(t.storeysAbove)).toEqual([3, 5, NaN]);
    expect(Array.from(t.heightM)).toEqual([9.5, NaN, NaN]);
    expect(t.category[0]).toBe(CATEGORY_INDEX.residential_apartment);
    expect(t.category[1]).toBe(CATEGORY_INDEX.office);
    expect(t.category[2]).toBe(CATEGORY_UNSET);
    expect(w.counts()).toMatchObject({
      'not-polygon': 1,
      'no-geometry': 1,
      'too-few-points': 1,
      'bad-floor-area': 1,
      'bad-storeys': 1,
      'bad-height': 1,
      'missing-height': 1,
      'bad-category': 1,
    });
    expect(sum.dropped).toBe(3);
    // area with holes, in a local projection: (1 - 0.04) + (1 - 0.04 - 0.04) of a 0.001° square
    projectTable(t, { code: 'local', name: 'local', proj4: '+proj=tmerc +lat_0=49.41 +lon_0=8.69 +ellps=WGS84 +units=m', geographic: false, latFirst: false });
    const p = (lon: number, lat: number) => proj4('WGS84', '+proj=tmerc +lat_0=49.41 +lon_0=8.69 +ellps=WGS84 +units=m', [lon, lat]);
    const a = p(8.69, 49.41), b = p(8.691, 49.411);
    const square = Math.abs((b[0]! - a[0]!) * (b[1]! - a[1]!));
    expect(t.footprintAreaM2[0]! / square).toBeCloseTo(1.88, 2);
  });

  it('honours a legacy crs member naming an EPSG code', async () => {
    const src = JSON.parse(readFileSync(join(FIX, 'src6677.geojson'), 'utf8'));
    src.crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::6677' } };
    const f = join(tmp, 'legacy.geojson');
    writeFileSync(f, JSON.stringify(src));
    const { t, sum } = await read(f, { mapping: { use: '用途', storeys: 'KAISU' } });
    expect(sum.crs).toBe('EPSG:6677');
    expect(t.useCode).toEqual(['住宅', '共同住宅', '事務所', '店舗']);
    const [lon, lat] = proj4(EPSG6677, 'WGS84', [-6000, -35370]);
    const v = t.ringVertex[0]!;
    const d = Math.min(...[0, 1, 2, 3].map((k) => Math.hypot(t.coords[2 * (v + k)]! - lon!, t.coords[2 * (v + k) + 1]! - lat!)));
    expect(d).toBeLessThan(1e-9);
  });
});

describe('readVectorBuildings: bad input', () => {
  it('a mapping column that does not exist names the file, the column and the columns there are', async () => {
    const e = await inputError(read(SJIS, { mapping: { floorArea: 'FLOOR' } }));
    expect(e.code).toBe('unknown-column');
    expect(e.file).toBe(SJIS);
    expect(e.value).toBe('FLOOR');
    expect(e.message).toContain('用途');
    expect(e.message).toContain('NOBE');
    const g = await inputError(read(MIXED, { mapping: { use: 'usage' } }));
    expect(g.code).toBe('unknown-column');
    expect(g.message).toContain('floor_m2');
  });

  it('missing .dbf', async () => {
    const shp = copySurvey('nodbf', ['.dbf']);
    const e = await inputError(read(shp, { mapping: {} }));
    expect(e.code).toBe('shp-missing-dbf');
    expect(e.file).toBe(shp);
  });

  it('truncated .shp names the record', async () => {
    const shp = copySurvey('cut');
    const buf = readFileSync(shp);
    writeFileSync(shp, buf.subarray(0, buf.length - 30)); // inside the 4th (last) record
    const e = await inputError(read(shp, { mapping: {} }));
    expect(e.code).toBe('shp-truncated');
    expect(String(e.record)).toMatch(/^4 \(byte \d+\)$/);
    writeFileSync(shp, Buffer.from('not a shapefile at all, just some text that is long enough to fill a header.........................'));
    expect((await inputError(read(shp, { mapping: {} }))).code).toBe('shp-corrupt');
  });

  it('no .prj and no --crs is a CrsError; --crs works', async () => {
    const shp = copySurvey('noprj', ['.prj']);
    await expect(read(shp, { mapping: {} })).rejects.toBeInstanceOf(CrsError);
    const { t, sum } = await read(shp, { mapping: {}, crs: 'EPSG:6677' });
    expect(sum.crs).toBe('EPSG:6677');
    expect(t.coords[0]).toBeCloseTo(139.767, 2);
  });

  it('missing file, unknown format, invalid GeoJSON', async () => {
    expect((await inputError(read(join(tmp, 'none.shp'), { mapping: {} }))).code).toBe('file-not-found');
    const kml = join(tmp, 'a.kml');
    writeFileSync(kml, '<kml/>');
    expect((await inputError(read(kml, { mapping: {} }))).code).toBe('unknown-format');
    const bad = join(tmp, 'bad.geojson');
    writeFileSync(bad, '{"type": "FeatureCollection", "features": [');
    expect((await inputError(read(bad, { mapping: {} }))).code).toBe('geojson-invalid');
    writeFileSync(bad, '{"type": "Topology"}');
    expect((await inputError(read(bad, { mapping: {} }))).code).toBe('geojson-invalid');
  });
});

process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
