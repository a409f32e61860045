/** openVector: the one CRS rule (each branch), the lon/lat range check, encodings and error codes. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupEpsg } from '../../engine/crs/index.js';
import { CrsError, InputError } from '../../engine/errors.js';
import { openVector, readVector } from '../../engine/io/vector.js';
import { Warnings } from '../../engine/util/warnings.js';

const FIX = join(__dirname, '..', 'fixtures', 'vector');
const SJIS = join(FIX, 'survey_sjis.shp');
const MIXED = join(FIX, 'buildings_mixed.geojson');
const PROJECTED = join(FIX, 'src6677.geojson'); // EPSG:6677 metres, no crs member
const tmp = mkdtempSync(join(tmpdir(), 'heatplan-openvector-'));

function copySurvey(name: string, without: string[] = []): string {
  for (const ext of ['.shp', '.shx', '.dbf', '.prj', '.cpg']) {
    if (!without.includes(ext)) copyFileSync(join(FIX, `survey_sjis${ext}`), join(tmp, `${name}${ext}`));
  }
  return join(tmp, `${name}.shp`);
}

function withCrsMember(name: string, crsName: string): string {
  const doc = JSON.parse(readFileSync(PROJECTED, 'utf8'));
  doc.crs = { type: 'name', properties: { name: crsName } };
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify(doc));
  return p;
}

async function rejection(p: Promise<unknown>): Promise<Error & { code: string; file?: string; record?: unknown; value?: unknown; hint?: string }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a rejection');
}

describe('openVector: the CRS rule', () => {
  it('1. an explicit sourceCrs wins over the .prj and over a crs member, and the override is counted', async () => {
    const w = new Warnings();
    const shp = await openVector(SJIS, { what: 'buildings', sourceCrs: 'EPSG:6678', warnings: w });
    expect(shp.crs.code).toBe('EPSG:6678');
    expect(shp.crsFrom).toBe('option');
    expect(w.count('crs-declaration-overridden')).toBe(1);
    const gj = await openVector(withCrsMember('member.geojson', 'EPSG:6677'), { what: 'blocks', sourceCrs: lookupEpsg(6678)!, warnings: w });
    expect(gj.crs.code).toBe('EPSG:6678');
    expect(gj.crsFrom).toBe('option');
    expect(w.count('crs-declaration-overridden')).toBe(2);
    // the same CRS as declared is no override
    const same = await openVector(SJIS, { what: 'buildings', sourceCrs: 'EPSG:6677', warnings: w });
    expect(same.crsFrom).toBe('option');
    expect(w.count('crs-declaration-overridden')).toBe(2);
    // an option on a GeoJSON without declaration: no range check against lon/lat
    const { file, features } = await readVector(PROJECTED, { what: 'buildings', sourceCrs: 'EPSG:6677' });
    expect(file.crsFrom).toBe('option');
    expect(features.length).toBe(4);
  });

  it("2. else the file's declaration: the .prj, a GeoJSON crs member (CRS84 = WGS84)", async () => {
    const shp = await openVector(SJIS, { what: 'buildings' });
    expect(shp.crs.code).toBe('EPSG:6677');
    expect(shp.crsFrom).toBe('prj');
    const gj = await openVector(withCrsMember('urn.geojson', 'urn:ogc:def:crs:EPSG::6677'), { what: 'roads' });
    expect(gj.crs.code).toBe('EPSG:6677');
    expect(gj.crsFrom).toBe('geojson-crs');
    const crs84 = await openVector(join(FIX, 'buildings_mixed.geojson'), { what: 'x' });
    expect(crs84.crsFrom).toBe('rfc7946');
    const doc = JSON.parse(readFileSync(MIXED, 'utf8'));
    doc.crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } };
    writeFileSync(join(tmp, 'crs84.geojson'), JSON.stringify(doc));
    const c = await openVector(join(tmp, 'crs84.geojson'), { what: 'x' });
    expect(c.crs.code).toBe('EPSG:4326');
    expect(c.crsFrom).toBe('geojson-crs');
  });

  it('3. else GeoJSON is WGS84 lon/lat (RFC 7946)', async () => {
    const { file, features } = await readVector(MIXED, { what: 'buildings' });
    expect(file.crs.code).toBe('EPSG:4326');
    expect(file.crsFrom).toBe('rfc7946');
    expect(file.format).toBe('geojson');
    expect(file.encoding).toBe('utf-8');
    expect(features.map((f) => f.record)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(features[0]!.id).toBe('mp-1');
    expect(file.columns).toContain('floor_m2');
  });

  it('4. else (a shapefile without .prj) CrsError crs-missing naming the file and the option', async () => {
    const shp = copySurvey('noprj', ['.prj']);
    const e = await rejection(openVector(shp, { what: 'roads', crsOption: '--roads-crs' }));
    expect(e).toBeInstanceOf(CrsError);
    expect(e.code).toBe('crs-missing');
    expect(e.file).toBe(shp);
    expect(e.hint).toContain('--roads-crs');
    expect(e.message).toContain(shp);
    const d = await rejection(openVector(shp, { what: 'buildings' }));
    expect(d.code).toBe('crs-missing');
    expect(d.hint).toContain('--source-crs');
    // the option decides it
    const ok = await openVector(shp, { what: 'buildings', sourceCrs: 'EPSG:6677' });
    expect(ok.crsFrom).toBe('option');
  });
});

describe('openVector: coordinates taken as lon/lat must be in range', () => {
  it('a projected GeoJSON without crs member is CrsError crs-lonlat-range with file, feature and value', async () => {
    const e = await rejection(readVector(PROJECTED, { what: 'buildings' }));
    expect(e).toBeInstanceOf(CrsError);
    expect(e.code).toBe('crs-lonlat-range');
    expect(e.file).toBe(PROJECTED);
    expect(e.record).toBe(1);
    expect(e.value).toEqual([-6000, -35370]);
    expect(e.hint).toContain('the file looks projected: pass the source CRS');
    expect(e.hint).toContain('--source-crs');
  });

  it('a geographic option is checked too; the feature index is the one that is out of range', async () => {
    const doc = JSON.parse(readFileSync(MIXED, 'utf8'));
    doc.features[1].geometry.coordinates[0][2] = [8.7, 91];
    const p = join(tmp, 'lat91.geojson');
    writeFileSync(p, JSON.stringify(doc));
    const e = await rejection(readVector(p, { what: 'plants', sourceCrs: 'EPSG:6668', crsOption: '--plants-crs' }));
    expect(e.code).toBe('crs-lonlat-range');
    expect(e.record).toBe(2);
    expect(e.value).toEqual([8.7, 91]);
    expect(e.hint).toContain('--plants-crs');
    // boundary values are lon/lat
    doc.features[1].geometry.coordinates[0][2] = [-180, 90];
    writeFileSync(p, JSON.stringify(doc));
    expect((await readVector(p, { what: 'x' })).features.length).toBe(6);
  });
});

describe('openVector: encodings, records and errors', () => {
  it('shapefile: Shift_JIS through the .cpg, 1-based records, the .dbf columns', async () => {
    const { file, features } = await readVector(SJIS, { what: 'buildings' });
    expect(file.format).toBe('shapefile');
    expect(file.encoding).toBe('shift_jis');
    expect(file.count).toBe(4);
    expect(file.columns).toContain('用途');
    expect(features.map((f) => f.record)).toEqual([1, 2, 3, 4]);
    expect(features.map((f) => f.properties['用途'])).toEqual(['住宅', '共同住宅', '事務所', '店舗']);
    // an explicit encoding wins over the .cpg
    const latin = await readVector(SJIS, { what: 'buildings', encoding: 'latin1' });
    expect(latin.file.encoding).toBe('windows-1252');
    expect(latin.features[0]!.properties['用途']).toBeUndefined();
  });

  it('no .cpg and no language driver: UTF-8, counted', async () => {
    const shp = copySurvey('nocpg', ['.cpg']);
    const dbf = readFileSync(join(tmp, 'nocpg.dbf'));
    dbf[29] = 0;
    writeFileSync(join(tmp, 'nocpg.dbf'), dbf);
    const w = new Warnings();
    const f = await openVector(shp, { what: 'buildings', warnings: w });
    expect(f.encoding).toBe('utf-8');
    expect(w.count('encoding-assumed')).toBe(1);
    dbf[29] = 0x13;
    writeFileSync(join(tmp, 'nocpg.dbf'), dbf);
    expect((await openVector(shp, { what: 'buildings' })).encoding).toBe('shift_jis');
  });

  it('error codes: unknown format before a missing file, invalid GeoJSON, a missing .dbf; callers may rename them', async () => {
    const kml = join(tmp, 'absent.kml');
    expect((await rejection(openVector(kml, { what: 'blocks' }))).code).toBe('unknown-format');
    expect((await rejection(openVector(kml, { what: 'blocks', codes: { format: 'blocks-format' } }))).code).toBe('blocks-format');
    const none = join(tmp, 'absent.geojson');
    const nf = await rejection(openVector(none, { what: 'roads' }));
    expect(nf).toBeInstanceOf(InputError);
    expect(nf.code).toBe('file-not-found');
    expect(nf.message).toContain('roads file not found');
    const bad = join(tmp, 'bad.geojson');
    writeFileSync(bad, '{"type": "FeatureCollection", "features": [');
    expect((await rejection(openVector(bad, { what: 'x' }))).code).toBe('geojson-invalid');
    expect((await rejection(openVector(bad, { what: 'x', codes: { invalid: 'blocks-bad-file' } }))).code).toBe('blocks-bad-file');
    writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: {} }, { type: 'Point' }] }));
    const member = await rejection(openVector(bad, { what: 'x' }));
    expect(member.code).toBe('geojson-invalid');
    expect(member.record).toBe(2);
    const nodbf = copySurvey('nodbf', ['.dbf']);
    expect((await rejection(openVector(nodbf, { what: 'x' }))).code).toBe('shp-missing-dbf');
  });

  it('a single Feature is a one-feature file; a BOM is skipped', async () => {
    const p = join(tmp, 'one.geojson');
    writeFileSync(p, '\uFEFF' + JSON.stringify({ type: 'Feature', id: 7, properties: { a: 1 }, geometry: { type: 'Point', coordinates: [139.7, 35.6] } }));
    const { file, features } = await readVector(p, { what: 'plants' });
    expect(file.count).toBe(1);
    expect(features).toEqual([{ record: 1, id: 7, properties: { a: 1 }, geometry: { type: 'Point', coordinates: [139.7, 35.6] } }]);
  });
});

process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
