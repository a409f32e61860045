/**
 * PLATEAU downloads as published (issue 15, item 1): the city .zip, its unzipped folder and its udx/ folder give the
 * same buildings as the tile files themselves, and the potential's rivers the same water bodies; the zip is read
 * entry by entry (zip64, data descriptors, stored entries, a zip made by Info-ZIP `zip` when installed). A zip that is
 * not PLATEAU lists what it holds; a cut-off zip names the entry where it ends; a damaged entry is named.
 *
 * The test zips are built here from the real tiles (../shared/datasets: tamana/49303425_bldg_6697_op.gml,
 * tamana/493034_wtr_6697_op.gml, yokosuka/52397519_bldg_6697_op.gml, plateau-codelists/Building_usage.xml) in
 * PLATEAU's layout, `<city>/udx/bldg/*.gml`, `<city>/udx/wtr/*.gml`, `<city>/codelists/`, `<city>/metadata/`, with
 * the zip format written by test/io/zip-writer.ts.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BuildingTable } from '../../engine/buildings/table.js';
import { parseCrs } from '../../engine/crs/index.js';
import { InputError } from '../../engine/errors.js';
import { describeBuildingInputs, detectFormat, readBuildingInputs, resolveBuildingInputs, buildingInputNotes } from '../../engine/io/buildings-input.js';
import { openPlateauZip } from '../../engine/io/plateau.js';
import { openZip, readEntry } from '../../engine/io/zip.js';
import { readSourceFeatures } from '../../engine/potential/vector-input.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';
import { makeZip, type ZipInput, type ZipOptions } from './zip-writer.js';

const CITY = '43206_tamana-shi_city_2024_citygml_1_op';
const TAMANA = () => data('tamana/49303425_bldg_6697_op.gml');
const YOKOSUKA = () => data('yokosuka/52397519_bldg_6697_op.gml');
const WTR = () => data('tamana/493034_wtr_6697_op.gml');
const TILES = () => [TAMANA(), YOKOSUKA()];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-plateau-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** PLATEAU's layout, under `prefix` ('<city>/' or ''). */
function plateauEntries(prefix: string, method: 0 | 8 = 8): ZipInput[] {
  return [
    { name: `${prefix}` },
    { name: `${prefix}codelists/` },
    { name: `${prefix}codelists/Building_usage.xml`, data: readFileSync(data('plateau-codelists/Building_usage.xml')), method },
    { name: `${prefix}metadata/` },
    { name: `${prefix}metadata/${CITY}.xml`, data: Buffer.from('<?xml version="1.0"?><metadata/>\n'), method },
    { name: `${prefix}udx/` },
    { name: `${prefix}udx/bldg/` },
    { name: `${prefix}udx/bldg/49303425_bldg_6697_op.gml`, data: readFileSync(TAMANA()), method },
    // a texture folder: never read as a tile
    { name: `${prefix}udx/bldg/49303425_bldg_6697_appearance/hnap0001.jpg`, data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), method },
    { name: `${prefix}udx/bldg/52397519_bldg_6697_op.gml`, data: readFileSync(YOKOSUKA()), method },
    { name: `${prefix}udx/wtr/` },
    { name: `${prefix}udx/wtr/493034_wtr_6697_op.gml`, data: readFileSync(WTR()), method },
    { name: `${prefix}udx/tran/` },
  ].filter((e) => e.name !== '');
}

function writeZip(name: string, entries: ZipInput[], o: ZipOptions = {}): string {
  const p = join(tmp, name);
  writeFileSync(p, makeZip(entries, o));
  return p;
}

/** The unzipped city folder: <root>/<CITY>/udx/{bldg,wtr,tran}, codelists. */
function cityFolder(root: string): string {
  const city = join(root, CITY);
  mkdirSync(join(city, 'udx', 'bldg', '49303425_bldg_6697_appearance'), { recursive: true });
  mkdirSync(join(city, 'udx', 'wtr'), { recursive: true });
  mkdirSync(join(city, 'udx', 'tran'), { recursive: true });
  mkdirSync(join(city, 'codelists'), { recursive: true });
  for (const f of TILES()) copyFileSync(f, join(city, 'udx', 'bldg', f.split('/').pop()!));
  writeFileSync(join(city, 'udx', 'bldg', '49303425_bldg_6697_appearance', 'hnap0001.jpg'), Buffer.from([0xff, 0xd8]));
  copyFileSync(WTR(), join(city, 'udx', 'wtr', '493034_wtr_6697_op.gml'));
  copyFileSync(data('plateau-codelists/Building_usage.xml'), join(city, 'codelists', 'Building_usage.xml'));
  return city;
}

/** Everything of a table but its file names (those say where each building came from). */
function content(t: BuildingTable) {
  return {
    count: t.count,
    id: [...t.id],
    useCode: [...t.useCode],
    storeysAbove: Array.from(t.storeysAbove),
    heightM: Array.from(t.heightM),
    givenFloorAreaM2: Array.from(t.givenFloorAreaM2),
    coords: Array.from(t.coords),
    buildingRing: Array.from(t.buildingRing),
    ringVertex: Array.from(t.ringVertex),
    fileIndex: Array.from(t.fileIndex),
  };
}

const read = async (paths: string[]) => {
  const w = new Warnings();
  const t = await readBuildingInputs(paths, w);
  return { t, w };
};

const rejection = async (p: Promise<unknown>): Promise<InputError> => {
  try {
    await p;
  } catch (e) {
    return e as InputError;
  }
  throw new Error('expected a rejection');
};

describeData('a PLATEAU download as published gives the buildings of its tiles', () => {
  let tiles: Awaited<ReturnType<typeof read>>;
  beforeAll(async () => {
    tiles = await read(TILES());
  });

  it('the city zip (a city folder inside, deflated): same buildings, entries named <zip>!/<entry>, warnings too', async () => {
    const zip = writeZip(`${CITY}.zip`, plateauEntries(`${CITY}/`));
    expect(detectFormat(zip)).toBe('plateau-zip');
    const r = await read([zip]);
    expect(tiles.t.count).toBe(242 + 13);
    expect(content(r.t)).toEqual(content(tiles.t));
    expect(r.t.files).toEqual([`${zip}!/${CITY}/udx/bldg/49303425_bldg_6697_op.gml`, `${zip}!/${CITY}/udx/bldg/52397519_bldg_6697_op.gml`]);
    expect(r.w.counts()).toEqual(tiles.w.counts());
    // warnings name the entries, never a temporary copy
    const files = r.w.list().flatMap((w) => w.examples.map((e) => e.file ?? ''));
    for (const f of files) expect(f.startsWith(`${zip}!/`), f).toBe(true);
    // no temporary copies left behind
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('heatplan-zip-'))).toEqual([]);
  });

  it('the zip with udx/ at its root, stored entries, data descriptors, ZIP64 records, macOS leftovers', async () => {
    for (const [name, entries, o] of [
      ['root.zip', plateauEntries(''), {}],
      ['stored.zip', plateauEntries(`${CITY}/`, 0), {}],
      ['descriptor.zip', plateauEntries(`${CITY}/`), { descriptor: true }],
      ['zip64.zip', plateauEntries(`${CITY}/`), { zip64: true }],
      // tiles gzipped inside the zip (as the Osaka tiles in ../shared/datasets are kept)
      ['gz-tiles.zip', plateauEntries(`${CITY}/`).map((e) => (e.name.endsWith('_op.gml') && e.name.includes('/bldg/') ? { name: `${e.name}.gz`, data: gzipSync(e.data!) } : e)), {}],
      // zipped again on a Mac: __MACOSX/ and ._ AppleDouble files beside the tiles
      ['macos.zip', [...plateauEntries(`${CITY}/`), { name: `__MACOSX/${CITY}/udx/bldg/._49303425_bldg_6697_op.gml`, data: Buffer.from([0, 5, 22, 7]) }, { name: `${CITY}/udx/bldg/._52397519_bldg_6697_op.gml`, data: Buffer.from([0, 5, 22, 7]) }], {}],
    ] as const) {
      const zip = writeZip(name, [...entries], o);
      const r = await read([zip]);
      expect(content(r.t), name).toEqual(content(tiles.t));
      expect(r.w.counts(), name).toEqual(tiles.w.counts());
    }
  });

  it('a zip made by Info-ZIP `zip` (when installed)', async (ctx) => {
    try {
      execFileSync('zip', ['-v'], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    const root = mkdtempSync(join(tmp, 'infozip-'));
    cityFolder(root);
    const zip = join(tmp, 'infozip.zip');
    execFileSync('zip', ['-q', '-r', zip, CITY], { cwd: root });
    const r = await read([zip]);
    expect(content(r.t)).toEqual(content(tiles.t));
  });

  it('the unzipped city folder, its udx folder and the folder it was unzipped into', async () => {
    const root = mkdtempSync(join(tmp, 'unzipped-'));
    const city = cityFolder(root);
    for (const p of [city, join(city, 'udx'), root]) {
      expect(detectFormat(p)).toBe('citygml');
      const r = await read([p]);
      expect(content(r.t), p).toEqual(content(tiles.t));
      expect(r.t.files, p).toEqual(TILES().map((f) => join(city, 'udx', 'bldg', f.split('/').pop()!)));
    }
    // the terminal line says where the buildings were found and what else is there
    const notes = buildingInputNotes(await resolveBuildingInputs([city]));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toBe(`PLATEAU folder ${city}: buildings from udx/bldg in it (2 files); it also holds udx/tran (0 files: roads as area polygons), udx/wtr (1 file: water bodies)`);
    const zipNotes = buildingInputNotes(await resolveBuildingInputs([writeZip('notes.zip', plateauEntries(`${CITY}/`))]));
    expect(zipNotes).toEqual([`PLATEAU city zip ${join(tmp, 'notes.zip')}: buildings from ${CITY}/udx/bldg in it (2 files); it also holds udx/tran (0 files: roads as area polygons), udx/wtr (1 file: water bodies)`]);
  });

  it('the manifest records the udx/bldg tiles read: a folder\'s files, a zip and its entries with the tiles\' sha256', async () => {
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    const zip = writeZip('manifest.zip', plateauEntries(`${CITY}/`));
    const recs = await describeBuildingInputs(await resolveBuildingInputs([zip]));
    expect(recs.map((r) => r.path)).toEqual([resolve(zip), `${resolve(zip)}!/${CITY}/udx/bldg/49303425_bldg_6697_op.gml`, `${resolve(zip)}!/${CITY}/udx/bldg/52397519_bldg_6697_op.gml`]);
    expect(recs.slice(1).map((r) => r.sha256)).toEqual(TILES().map(sha));
    expect(recs.slice(1).map((r) => r.bytes)).toEqual(TILES().map((f) => readFileSync(f).length));
    expect(new Set(recs.map((r) => r.role))).toEqual(new Set(['buildings']));
    const city = cityFolder(mkdtempSync(join(tmp, 'manifest-')));
    const frecs = await describeBuildingInputs(await resolveBuildingInputs([city]));
    expect(frecs.map((r) => r.sha256)).toEqual(TILES().map(sha));
    expect(frecs[0]!.path).toBe(resolve(city, 'udx', 'bldg', '49303425_bldg_6697_op.gml'));
  });

  it('the potential\'s rivers find udx/wtr in the zip, the city folder and the udx folder', async () => {
    const working = parseCrs('EPSG:6670');
    const direct = await readSourceFeatures(WTR(), working, { cityGmlFeatures: ['WaterBody'] });
    expect(direct).toHaveLength(1);
    const zip = writeZip('rivers.zip', plateauEntries(`${CITY}/`));
    const city = cityFolder(mkdtempSync(join(tmp, 'rivers-')));
    for (const p of [zip, city, join(city, 'udx'), join(city, 'udx', 'wtr')]) {
      const w = new Warnings();
      const f = await readSourceFeatures(p, working, { cityGmlFeatures: ['WaterBody'], warnings: w });
      expect(f.map((x) => x.id), p).toEqual(direct.map((x) => x.id));
      expect(f[0]!.polygons.length, p).toBe(direct[0]!.polygons.length);
      expect(Array.from(f[0]!.polygons[0]![0]!), p).toEqual(Array.from(direct[0]!.polygons[0]![0]!));
    }
    // a download without udx/wtr says which layers it has
    const noWtr = writeZip('no-wtr.zip', plateauEntries(`${CITY}/`).filter((e) => !e.name.includes('/wtr/')));
    const e = await rejection(readSourceFeatures(noWtr, working, { cityGmlFeatures: ['WaterBody'], what: 'rivers' }));
    expect(e.code).toBe('plateau-no-layer');
    expect(e.message).toMatch(/holds no rivers \(WaterBody\).*udx\/wtr.*it holds udx\/bldg \(2 files: buildings\), udx\/tran/);
  });

  it('streams an entry: the inflated bytes are the tile, CRC-checked', async () => {
    const zip = await openZip(writeZip('stream.zip', plateauEntries(`${CITY}/`)));
    const e = zip.entries.find((x) => x.name.endsWith('49303425_bldg_6697_op.gml'))!;
    const chunks: Buffer[] = [];
    for await (const c of readEntry(zip, e)) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(1); // pieces, not the whole entry at once
    expect(Buffer.concat(chunks).equals(readFileSync(TAMANA()))).toBe(true);
  });
});

describeData('zips that are not PLATEAU, cut off or damaged', () => {
  it('a zip that is not PLATEAU: a clear error listing what it holds', async () => {
    const zip = writeZip('roads-shp.zip', [
      { name: 'gis_osm_roads_free_1.shp', data: Buffer.alloc(100) },
      { name: 'gis_osm_roads_free_1.dbf', data: Buffer.alloc(50) },
      { name: 'docs/' },
      { name: 'docs/README.txt', data: Buffer.from('hello') },
    ]);
    const e = await rejection(readBuildingInputs([zip], new Warnings()));
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('zip-not-plateau');
    expect(e.file).toBe(zip);
    expect(e.message).toContain('not a PLATEAU download');
    expect(e.message).toContain('it holds 3 files: gis_osm_roads_free_1.shp, gis_osm_roads_free_1.dbf, docs/README.txt');
  });

  it('a PLATEAU zip without buildings says which layers it has', async () => {
    const zip = writeZip('wtr-only.zip', plateauEntries(`${CITY}/`).filter((e) => !e.name.includes('/bldg/')));
    const e = await rejection(readBuildingInputs([zip], new Warnings()));
    expect(e.code).toBe('plateau-no-layer');
    expect(e.message).toMatch(/holds no buildings .*udx\/bldg\); it holds udx\/tran \(0 files: roads as area polygons\), udx\/wtr \(1 file: water bodies\)/);
  });

  it('a cut-off zip names the entry where it ends', async () => {
    const full = makeZip(plateauEntries(`${CITY}/`));
    // cut in the middle of the Yokosuka tile's data
    const z = await openPlateauZip(writeZip('whole.zip', plateauEntries(`${CITY}/`)));
    const yk = z.zip!.entries.find((e) => e.name.endsWith('52397519_bldg_6697_op.gml'))!;
    const cut = join(tmp, 'cut.zip');
    writeFileSync(cut, full.subarray(0, yk.localHeaderOffset + 200 + Math.floor(yk.compressedSize / 2)));
    const e = await rejection(readBuildingInputs([cut], new Warnings()));
    expect(e.code).toBe('zip-truncated');
    expect(e.record).toBe(`${CITY}/udx/bldg/52397519_bldg_6697_op.gml`);
    expect(e.message).toContain(`entry "${CITY}/udx/bldg/52397519_bldg_6697_op.gml" ends past the end of the file`);
    expect(e.message).toMatch(/9 entries before it are whole/);
    // the same with data descriptors (sizes after the data)
    const fullD = makeZip(plateauEntries(`${CITY}/`), { descriptor: true });
    writeFileSync(cut, fullD.subarray(0, yk.localHeaderOffset + 200 + Math.floor(yk.compressedSize / 2)));
    const d = await rejection(readBuildingInputs([cut], new Warnings()));
    expect(d.code).toBe('zip-truncated');
    expect(d.message).toContain('52397519_bldg_6697_op.gml');
    // cut in the central directory: every entry is there but the index is not
    writeFileSync(cut, full.subarray(0, full.length - 40));
    const c = await rejection(readBuildingInputs([cut], new Warnings()));
    expect(c.code).toBe('zip-truncated');
    expect(c.message).toMatch(/central directory, the index at the end, is cut short; the last whole entry is "43206_tamana-shi_city_2024_citygml_1_op\/udx\/tran\/"/);
  });

  it('a damaged entry is named (CRC and deflate checks), and so is a file that is no zip at all', async () => {
    const full = makeZip(plateauEntries(`${CITY}/`));
    const z = await openZip(writeZip('whole2.zip', plateauEntries(`${CITY}/`)));
    const tm = z.entries.find((e) => e.name.endsWith('49303425_bldg_6697_op.gml'))!;
    const bad = Buffer.from(full);
    // flip bytes in the middle of the Tamana tile's deflate data
    const at = tm.localHeaderOffset + 30 + tm.name.length + Math.floor(tm.compressedSize / 2);
    for (let i = 0; i < 8; i++) bad[at + i] = bad[at + i]! ^ 0x5a;
    const p = join(tmp, 'damaged.zip');
    writeFileSync(p, bad);
    const e = await rejection(readBuildingInputs([p], new Warnings()));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain(`${p}!/${CITY}/udx/bldg/49303425_bldg_6697_op.gml`);
    expect(e.message).not.toContain('heatplan-zip-');
    // streaming the entry checks it too
    const dz = await openZip(p);
    const de = dz.entries.find((x) => x.name === tm.name)!;
    const s = await rejection((async () => {
      for await (const _ of readEntry(dz, de)) void _;
    })());
    expect(s.code).toBe('zip-entry-corrupt');
    expect(s.file).toBe(`${p}!/${tm.name}`);
    // an HTML error page saved under the .zip name
    const html = join(tmp, 'error-page.zip');
    writeFileSync(html, '<!DOCTYPE html><html><body>404 Not Found</body></html>');
    const h = await rejection(readBuildingInputs([html], new Warnings()));
    expect(h.code).toBe('zip-not-zip');
    expect(h.message).toContain('not a zip file (it starts with "<!DOCTYPE html>');
  });
});
