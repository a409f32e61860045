/**
 * Issue 11 step 6, use and floor area from more attributes: PLATEAU uro:detailedUsage / uro:orgUsage2 tell a hospital
 * from a school inside bldg:usage 422 (national detailed codes only; city code lists are left out and counted), the use
 * mapping falls back from a detailed code to its usage, and OSM roof:levels add to building:levels. Hand-made records,
 * then Tamana, Yokosuka and Osaka (../shared/datasets) for what their files hold.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveFloorArea } from '../../engine/buildings/floor-area.js';
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, CATEGORY_INDEX, USE_CATEGORIES } from '../../engine/buildings/table.js';
import { assignCategories, loadUseMapping, lookupUse } from '../../engine/buildings/use-taxonomy.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { readCityGmlBuildings, refineUsage } from '../../engine/io/citygml/buildings.js';
import { attributes } from '../../engine/io/osm-buildings.js';
import { runDemandStage } from '../../engine/demand/pipeline.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';

describe('refineUsage: a national detailed code under bldg:usage replaces it', () => {
  it('takes uro:detailedUsage, else uro:orgUsage2, only when its first three digits are the usage', () => {
    expect(refineUsage('422', ['4225', undefined])).toEqual({ code: '4225', refinedBy: 0 });
    expect(refineUsage('422', [undefined, '4226'])).toEqual({ code: '4226', refinedBy: 1 });
    expect(refineUsage('422', ['422601', '4225'])).toEqual({ code: '422601', refinedBy: 0 });
    // Osaka 2022's city list (1110-1930) and Yokosuka's orgUsage2 (10-200): left out, named
    expect(refineUsage('422', ['1720', undefined])).toEqual({ code: '422', ignored: '1720', ignoredBy: 0 });
    expect(refineUsage('412', [undefined, '134'])).toEqual({ code: '412', ignored: '134', ignoredBy: 1 });
    // a national code under another usage is not this building's refinement
    expect(refineUsage('411', ['4225', undefined])).toEqual({ code: '411', ignored: '4225', ignoredBy: 0 });
    // PLATEAU's unknown sentinel is no code at all
    expect(refineUsage('461', [undefined, '9999'])).toEqual({ code: '461' });
    // without bldg:usage a national detailed code is the building's use
    expect(refineUsage(undefined, ['4225', undefined])).toEqual({ code: '4225', refinedBy: 0 });
  });
});

describe('use mapping of detailed codes', () => {
  const m = loadUseMapping();
  const cat = (code: string) => USE_CATEGORIES[lookupUse(m, 'plateau', code)!];
  it('maps the rows the table has and falls back 6 -> 4 -> 3 digits', () => {
    expect(cat('422')).toBe('education');
    expect(cat('4225')).toBe('medical_welfare'); // 病院
    expect(cat('4226')).toBe('medical_welfare'); // 診療所, 老人ホーム
    expect(cat('422601')).toBe('medical_welfare'); // 診療所 -> 4226
    expect(cat('4222')).toBe('education'); // 小・中・高等学校 -> 422
    expect(cat('422201')).toBe('education');
    expect(cat('4223')).toBe('public_office');
    expect(cat('4313')).toBe('unheated'); // 立体駐車場
    expect(cat('451103')).toBe('greenhouse'); // 温室
    expect(cat('451101')).toBe('factory_warehouse'); // 農業用納屋 -> 451
    expect(lookupUse(m, 'plateau', '9999')).toBeUndefined();
    expect(lookupUse(m, 'osm', '4225')).toBeUndefined(); // the fallback is PLATEAU's only
  });
});

/** One PLATEAU-style building: a 20 m x 20 m-ish lod0RoofEdge square at (lat, lon), with the given attributes. */
function building(id: string, lat: number, lon: number, usage: string | undefined, detail: string, city?: string): string {
  const d = 0.0002;
  const ring = [[lat, lon], [lat, lon + d], [lat + d, lon + d], [lat + d, lon], [lat, lon]].map(([a, b]) => `${a} ${b} 0`).join(' ');
  return (
    `<core:cityObjectMember><bldg:Building gml:id="${id}">` +
    (usage ? `<bldg:usage>${usage}</bldg:usage>` : '') +
    `<bldg:storeysAboveGround>3</bldg:storeysAboveGround>` +
    `<bldg:lod0RoofEdge><gml:MultiSurface srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>${ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod0RoofEdge>` +
    `<uro:buildingDetailAttribute><uro:BuildingDetailAttribute>${detail}</uro:BuildingDetailAttribute></uro:buildingDetailAttribute>` +
    (city ? `<uro:buildingIDAttribute><uro:BuildingIDAttribute><uro:prefecture>14</uro:prefecture><uro:city>${city}</uro:city></uro:BuildingIDAttribute></uro:buildingIDAttribute>` : '') +
    `</bldg:Building></core:cityObjectMember>`
  );
}

function writeGml(buildings: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'heatplan-usage-')), 'hand_bldg_6697_op.gml');
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>\n<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:uro="https://www.geospatial.jp/iur/uro/3.1">\n` +
      buildings.join('\n') +
      `\n</core:CityModel>\n`,
  );
  return file;
}

describe('CityGML: hospitals and schools inside 422, hand-made records', () => {
  it('keeps bldg:usage as the use code, takes the national detailed code for the category, counts city code lists', async () => {
    const file = writeGml([
      building('hospital', 35.0, 139.0, '422', '<uro:detailedUsage>4225</uro:detailedUsage>'),
      building('school', 35.001, 139.0, '422', '<uro:detailedUsage>4222</uro:detailedUsage>'),
      building('clinic-org', 35.002, 139.0, '422', '<uro:orgUsage2>422601</uro:orgUsage2>'),
      building('osaka-style', 35.003, 139.0, '422', '<uro:detailedUsage>1720</uro:detailedUsage>'),
      building('plain', 35.004, 139.0, '422', '<uro:totalFloorArea uom="m2">500</uro:totalFloorArea>'),
      building('no-usage', 35.005, 139.0, undefined, '<uro:detailedUsage>4225</uro:detailedUsage>'),
    ]);
    const b = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
    const w = new Warnings();
    const s = await readCityGmlBuildings([file], b, w);
    const t = b.finish();
    expect(t.count).toBe(6);
    const code = (id: string) => t.useCode[t.id.indexOf(id)];
    expect(['hospital', 'school', 'clinic-org', 'osaka-style', 'plain', 'no-usage'].map(code)).toEqual(['422', '422', '422', '422', '422', '']);
    expect(s.attributes.detailedUsage).toBe(4);
    expect(w.count()).toBe(0); // the reader only records; the use mapping counts
    assignCategories(t, loadUseMapping(), w);
    expect(w.count('detailed-usage-other-list')).toBe(1);
    expect(w.list().find((x) => x.code === 'detailed-usage-other-list')!.examples[0]).toMatchObject({ file, record: 'osaka-style', message: 'bldg:usage 422, uro:detailedUsage 1720' });
    // hospital, clinic and the usage-less hospital differ from 422's education; the school does not
    expect(w.count('use-from-detailed-usage')).toBe(3);
    expect(w.list().find((x) => x.code === 'use-from-detailed-usage')!.examples[1]).toMatchObject({ record: 'clinic-org', message: 'bldg:usage 422 -> uro:orgUsage2 422601: medical_welfare' });
    expect(w.count('use-missing')).toBe(0);
    const c = (id: string) => USE_CATEGORIES[t.category[t.id.indexOf(id)]!];
    expect(['hospital', 'school', 'clinic-org', 'osaka-style', 'plain', 'no-usage'].map(c)).toEqual([
      'medical_welfare', 'education', 'medical_welfare', 'education', 'education', 'medical_welfare',
    ]);
  });
});

describe('OSM building:levels, roof:levels and height, hand-made tags', () => {
  const square = (x: number, s: number) => [[x, 0, x + s, 0, x + s, s, x, s, x, 0]];
  it('storeys = building:levels + roof:levels (counted); roof:levels alone is not used; height in m or ft', () => {
    const w = new Warnings();
    const a = attributes({ building: 'apartments', 'building:levels': '4', 'roof:levels': '1' }, 'way/1', 'h.pbf', w);
    const b = attributes({ building: 'house', 'roof:levels': '1', height: '7.5 m' }, 'way/2', 'h.pbf', w);
    const c = attributes({ building: 'office', 'building:levels': '3', 'roof:levels': 'two' }, 'way/3', 'h.pbf', w);
    const d = attributes({ building: 'office', height: "40'" }, 'way/4', 'h.pbf', w);
    expect([a.storeysAbove, b.storeysAbove, c.storeysAbove]).toEqual([5, NaN, 3]);
    expect(b.heightM).toBe(7.5);
    expect(d.heightM).toBeCloseTo(12.192, 9);
    expect(w.count('roof-levels-counted')).toBe(1);
    expect(w.count('bad-roof-levels')).toBe(1);
    expect(w.list().find((x) => x.code === 'bad-roof-levels')!.examples[0]).toMatchObject({ file: 'h.pbf', record: 'way/3', message: 'roof:levels=two' });

    // floor area by hand: 10 m x 10 m footprints; the apartment 100 m² x 5; the house from 7.5 m with the dwelling
    // rule of the call (2.95 m storeys, no offset: 1 + floor(7.5 / 2.95) = 3); the office 100 m² x 3
    const tb = new BuildingTableBuilder({ ...lookupEpsg(32635)! });
    tb.beginFile('h.pbf', 'osm');
    [a, b, c].forEach((r, i) => tb.add(r, [square(i * 100, 10)]));
    const t = tb.finish();
    computeFootprints(t);
    assignCategories(t, loadUseMapping(), w);
    const storeyHeight = new Float64Array(USE_CATEGORIES.length).fill(4.2);
    const offset = new Float64Array(USE_CATEGORIES.length).fill(4.89);
    storeyHeight[CATEGORY_INDEX.residential_detached] = 2.95;
    offset[CATEGORY_INDEX.residential_detached] = 0;
    const rules = deriveFloorArea(t, { defaultStoreys: new Float64Array(USE_CATEGORIES.length).fill(1), storeyHeightByCategory: storeyHeight, heightOffsetByCategory: offset }, w);
    expect(rules).toMatchObject({ storeys: 2, height: 1 });
    expect([...t.floorAreaM2].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([500, 300, 300]);
  });
});

describeData('OSM roof:levels in Helsinki (../shared/datasets/helsinki)', () => {
  it('every building the warning names has storeys = building:levels + roof:levels and floor area = footprint x that', async () => {
    const r = await runDemandStage({ buildings: [data('helsinki/helsinki.osm.pbf')], climate: { hdd18Kd: 4400, meanTempC: 6, designTempC: -20 } });
    const w = r.warnings.list().find((x) => x.code === 'roof-levels-counted')!;
    expect(w.count).toBeGreaterThan(0);
    for (const e of w.examples) {
      const [, levels, roof] = /building:levels=([\d.]+) \+ roof:levels=([\d.]+)/.exec(e.message!)!;
      const i = r.table.id.indexOf(String(e.record));
      expect(i).toBeGreaterThanOrEqual(0);
      expect(r.table.storeysUsed[i]).toBe(Number(levels) + Number(roof));
      expect(r.table.floorAreaM2[i]).toBeCloseTo(r.table.footprintAreaM2[i]! * (Number(levels) + Number(roof)), 6);
    }
  });
});

describeData('detailed usage in real PLATEAU files', () => {
  it("Tamana: 422's clinics and care homes (orgUsage2 4226) become medical_welfare, its libraries and halls (4223) public_office", async () => {
    const r = await runDemandStage({ buildings: [data('tamana/49303425_bldg_6697_op.gml')], climate: { region: 6 } });
    const t = r.table;
    const n = (pred: (i: number) => boolean) => Array.from({ length: t.count }, (_, i) => i).filter(pred).length;
    // the file: 10 buildings with bldg:usage 422, orgUsage2 4221 x2, 4223 x3, 4226 x2, 4227 x3 (grep of the file)
    const in422 = (c: string) => n((i) => t.useCode[i] === '422' && USE_CATEGORIES[t.category[i]!] === c);
    expect([in422('medical_welfare'), in422('public_office'), in422('education')]).toEqual([2, 3, 5]);
    expect(r.summary.byUse.medical_welfare?.buildings).toBe(2);
    expect(r.summary.warnings['use-from-detailed-usage']).toBe(5);
    // its 61 orgUsage2 9999 (unknown) are not "another code list"
    expect(r.summary.warnings['detailed-usage-other-list'] ?? 0).toBe(0);
  });

  it("Yokosuka's orgUsage2 is a city list (10-200): left out, counted, the usage kept", async () => {
    const r = await runDemandStage({ buildings: [data('yokosuka/52397519_bldg_6697_op.gml')], climate: { region: 6 } });
    expect(r.summary.warnings['detailed-usage-other-list']).toBeGreaterThan(0);
    expect(r.summary.warnings['use-from-detailed-usage'] ?? 0).toBe(0);
  });

  it("Osaka's detailedUsage (2022, a city list 1110-1930) is left out on every building that has one", async () => {
    const b = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
    const w = new Warnings();
    const s = await readCityGmlBuildings([data('osaka/51357309_bldg_6697_op.gml.gz'), data('osaka/51357326_bldg_6697_op.gml.gz')], b, w);
    const t = b.finish();
    expect(s.attributes.detailedUsage).toBe(0);
    assignCategories(t, loadUseMapping(), w);
    // every building with a usage in these tiles carries a city-list detailedUsage (7,715 of 11,684 over the 68 tiles)
    expect(w.count('detailed-usage-other-list')).toBe(t.useCode.filter((c) => c !== '').length);
    expect(w.count('detailed-usage-other-list')).toBeGreaterThan(0);
    expect(w.count('use-from-detailed-usage')).toBe(0);
  });
});
