/**
 * Issue 11 step 5, the climate region: the municipality the data names (PLATEAU uro:city, a download's name) is
 * read and printed with the region; without the official municipality table (not bundled: no reusable public copy
 * found) the region stays the nearest reference city's, a counted GUESS that says so; an unknown region is an error;
 * a weather file of another region than the demand's is a counted warning in simulate.
 * Real data: ../shared/datasets/tamana, yokosuka (PLATEAU), weather/*.has (builelib reference years).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BuildingTableBuilder } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { checkWeatherAgainstDemand, checkWeatherRegion, describeMunicipalities, loadMunicipalityRegions, municipalitiesOfTable, regionByMunicipality, resolveClimate, weatherRegion } from '../../engine/demand/climate.js';
import { runDemandStage } from '../../engine/demand/pipeline.js';
import { loadClimate } from '../../engine/demand/tables.js';
import { readCityGmlBuildings } from '../../engine/io/citygml/buildings.js';
import { downloadMunicipality, fileKey, municipalitiesOfFiles, normaliseMunicipalityCode } from '../../engine/io/citygml/municipality.js';
import { readWeather, weatherFromArray } from '../../engine/io/weather.js';
import { demand } from '../../engine/stages/demand.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HAS = (f: string) => join(ROOT, 'datasets/weather', f);
const regions = loadClimate();

describe('municipality codes', () => {
  it('reads 5-digit codes, drops the check digit of 6-digit ones, and finds a PLATEAU download name', () => {
    expect(normaliseMunicipalityCode(' 14201 ')).toBe('14201');
    expect(normaliseMunicipalityCode('142018')).toBe('14201');
    expect(normaliseMunicipalityCode('142')).toBeUndefined();
    expect(normaliseMunicipalityCode('Yokosuka')).toBeUndefined();
    expect(downloadMunicipality('/d/43206_tamana-shi_city_2024_citygml_1_op.zip!/udx/bldg/49303425_bldg_6697_op.gml')).toBe('43206');
    expect(downloadMunicipality('/d/14201_yokosuka-shi_city_2023_citygml_2_op/udx/bldg/5239_bldg.gml')).toBe('14201');
    expect(downloadMunicipality('/work/shared/datasets/tamana/49303425_bldg_6697_op.gml')).toBeUndefined();
    // a zip entry is read from a temporary copy of the same name: both name one record
    expect(fileKey('/tmp/heatplan-zip-1/49303425_bldg_6697_op.gml.gz')).toBe('49303425_bldg_6697_op.gml');
    expect(fileKey('/d/43206_tamana-shi_city_2024_citygml_1_op.zip!/udx/bldg/49303425_bldg_6697_op.gml')).toBe('49303425_bldg_6697_op.gml');
    expect(describeMunicipalities([
      { code: '27125', buildings: 4701, source: 'uro:city' }, { code: '27104', buildings: 2087, source: 'uro:city' },
      { code: '27113', buildings: 1652, source: 'uro:city' }, { code: '27114', buildings: 593, source: 'uro:city' }, { code: '27120', buildings: 1, source: 'uro:city' },
    ])).toBe('municipalities 27125 (uro:city, 4,701 buildings), 27104 (uro:city, 2,087 buildings), 27113 (uro:city, 1,652 buildings) and 2 more (594 buildings)');
    // a file read without uro:city falls back to its download name, for all its buildings
    expect(municipalitiesOfFiles(['/never-read/27100_osaka-shi_city_2022_citygml_3_op.zip!/udx/bldg/a.gml'], [7])).toEqual([{ code: '27100', buildings: 7, source: 'download name' }]);
  });

  it('counts uro:city per building of a hand-made CityGML file', async () => {
    const d = 0.0002;
    const b = (id: string, lat: number, city: string) => {
      const ring = [[lat, 139], [lat, 139 + d], [lat + d, 139 + d], [lat + d, 139], [lat, 139]].map(([y, x]) => `${y} ${x} 0`).join(' ');
      return `<core:cityObjectMember><bldg:Building gml:id="${id}"><bldg:usage>411</bldg:usage><bldg:lod0RoofEdge><gml:MultiSurface srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>${ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod0RoofEdge><uro:buildingIDAttribute><uro:BuildingIDAttribute><uro:buildingID>x</uro:buildingID><uro:prefecture>14</uro:prefecture><uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">${city}</uro:city></uro:BuildingIDAttribute></uro:buildingIDAttribute></bldg:Building></core:cityObjectMember>`;
    };
    const file = join(mkdtempSync(join(tmpdir(), 'heatplan-region-')), 'hand_bldg_6697_op.gml');
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>\n<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:uro="https://www.geospatial.jp/iur/uro/3.1">\n` +
        [b('a', 35.0, '14201'), b('b', 35.001, '14201'), b('c', 35.002, '141003')].join('\n') +
        '\n</core:CityModel>\n',
    );
    const tb = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
    const s = await readCityGmlBuildings([file], tb, new Warnings());
    expect(s.municipalities).toEqual({ '14201': 2, '14100': 1 });
    const t = tb.finish();
    expect(municipalitiesOfTable(t)).toEqual([
      { code: '14201', buildings: 2, source: 'uro:city' },
      { code: '14100', buildings: 1, source: 'uro:city' },
    ]);
    // the guess names them, is counted and says how to override it
    const w = new Warnings();
    const c = resolveClimate(regions, {}, [139.0, 35.0], w, t);
    expect(c.region).toBe(5); // Utsunomiya is the nearest reference city to 139.0 E 35.0 N
    expect(c.reason).toMatch(/^GUESS: region 5 of the nearest reference city Utsunomiya/);
    expect(c.reason).toContain('municipalities 14201 (uro:city, 2 buildings), 14100 (uro:city, 1 building)');
    expect(c.reason).toContain('--climate-region');
    expect(w.count('climate-region-guessed')).toBe(1);
    // a given region is used as given and still names the municipality; nothing guessed
    const w2 = new Warnings();
    const g = resolveClimate(regions, { region: 6 }, [139.0, 35.0], w2, t);
    expect([g.region, g.hdd18Kd]).toEqual([6, 1822]);
    expect(g.reason).toContain('climate region 6 given');
    expect(g.reason).toContain('14201');
    expect(w2.count()).toBe(0);
  });

  it('with a municipality table (a planner\'s transcription; the values here are made up for the test) the region is by municipality', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-region-table-'));
    const file = join(dir, 'municipalities.csv');
    // TEST VALUES, not the 告示's: only the mechanism is tested
    writeFileSync(file, 'code,name,region,source\n14201,A,6,test value\n141003,B,5,test value\n');
    const mt = loadMunicipalityRegions(file, regions);
    expect([...mt.rows.keys()]).toEqual(['14201', '14100']);
    const ms = [{ code: '14201', buildings: 2, source: 'uro:city' as const }, { code: '14100', buildings: 1, source: 'uro:city' as const }];
    const ref = { count: 0, files: [], fileIndex: [] };
    const w = new Warnings();
    const t = { ...ref };
    const c = resolveClimate(regions, {}, [139.0, 35.0], w, t, { municipalityRegions: mt });
    // a table but no municipality in the data: the guess, as without a table
    expect(c.reason).toMatch(/^GUESS/);
    expect(c.reason).toContain(`the data names no municipality to look up in the municipality table ${file}`);
    // a table without the data's municipalities says so
    const none = resolveClimate(regions, {}, [139.0, 35.0], new Warnings(), { count: 1, files: ['/never-read/99999_x-shi_city_2024_citygml_1_op.zip!/udx/bldg/n.gml'], fileIndex: [0] }, { municipalityRegions: mt });
    expect(none.reason).toContain(`the municipality table ${file} holds none of the data's: look 99999 up`);
    const pick = regionByMunicipality(ms, mt)!;
    expect(pick.region).toBe(6);
    expect(pick.reason).toBe(`region 6 of municipality 14201 A (${file}: test value)`);
    expect(pick.split).toBe('region 6: 2 buildings, region 5: 1 building');
    expect(regionByMunicipality([{ code: '99999', buildings: 5, source: 'uro:city' }], mt)).toBeUndefined();
    const part = regionByMunicipality([...ms, { code: '13101', buildings: 9, source: 'uro:city' }], mt)!;
    expect([part.region, part.missing.map((m) => m.code)]).toEqual([6, ['13101']]);
    // bad tables: named file, record and value
    const bad = (body: string, code: string, value: string) => {
      const f = join(dir, `bad-${code}.csv`);
      writeFileSync(f, 'code,region,source\n' + body);
      let err: (Error & { code?: string; record?: number; value?: unknown; file?: string }) | undefined;
      try {
        loadMunicipalityRegions(f, regions);
      } catch (e) {
        err = e as typeof err;
      }
      expect([err?.code, err?.file, err?.record, String(err?.value)]).toEqual([code, f, 2, value]);
    };
    bad('1420,6,x\n', 'municipality-code', '1420');
    bad('14201,9,x\n', 'municipality-region', '9');
    bad('14201,6,\n', 'municipality-source', '14201');
  });

  it('resolves a table run end to end: region by municipality, a split counted, missing ones counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-region-e2e-'));
    const d = 0.0002;
    const b = (id: string, lat: number, city: string) => {
      const ring = [[lat, 139], [lat, 139 + d], [lat + d, 139 + d], [lat + d, 139], [lat, 139]].map(([y, x]) => `${y} ${x} 0`).join(' ');
      return `<core:cityObjectMember><bldg:Building gml:id="${id}"><bldg:usage>411</bldg:usage><bldg:lod0RoofEdge><gml:MultiSurface srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>${ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod0RoofEdge><uro:buildingIDAttribute><uro:BuildingIDAttribute><uro:city>${city}</uro:city></uro:BuildingIDAttribute></uro:buildingIDAttribute></bldg:Building></core:cityObjectMember>`;
    };
    const gml = join(dir, 'e2e_bldg_6697_op.gml');
    writeFileSync(gml, `<?xml version="1.0" encoding="UTF-8"?>\n<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:uro="https://www.geospatial.jp/iur/uro/3.1">\n${[b('a', 35, '14201'), b('b', 35.001, '14201'), b('c', 35.002, '14100'), b('d', 35.003, '13101')].join('\n')}\n</core:CityModel>\n`);
    const file = join(dir, 'm.csv');
    writeFileSync(file, 'code,region,source\n14201,6,test value\n14100,5,test value\n');
    const tb = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
    await readCityGmlBuildings([gml], tb, new Warnings());
    const t = tb.finish();
    const w = new Warnings();
    const c = resolveClimate(regions, {}, [139, 35], w, t, { municipalityRegions: loadMunicipalityRegions(file, regions) });
    expect([c.region, c.hdd18Kd]).toEqual([6, 1822]);
    expect(c.reason).toMatch(/^region 6 of municipality 14201 \(/);
    expect(c.reason).toContain('not in the municipality table: 13101');
    expect(w.counts()).toEqual({ 'climate-region-mixed': 1, 'climate-municipality-missing': 1 });
    // a given region wins and the reason says what the table would have given
    const g = resolveClimate(regions, { region: 7 }, [139, 35], new Warnings(), t, { municipalityRegions: loadMunicipalityRegions(file, regions) });
    expect(g.region).toBe(7);
    expect(g.reason).toContain('the municipality table says region 6');
  });

  it('an unknown region is an error naming the value', () => {
    let err: (Error & { code?: string; value?: unknown }) | undefined;
    try {
      resolveClimate(regions, { region: 9 }, [139, 35], new Warnings());
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.code).toBe('climate-region');
    expect(`${err?.message} ${JSON.stringify(err)}`).toContain('9');
  });
});

describe('the weather given to simulate against the region the demand used', () => {
  it("a HASP reference year is its own region; another file is the region nearest by HDD18 (by hand)", async () => {
    const kitami = await readWeather(HAS('0868195.has'));
    expect(weatherRegion(kitami, regions).region).toBe(1);
    // a constant 10 °C year: HDD18 = 365 x 8 = 2,920 K·d, nearest region 4 (2,887; region 3 has 3,234)
    const flat = weatherFromArray(new Float64Array(8760).fill(10), { file: 'flat.csv' });
    const wr = weatherRegion(flat, regions);
    expect(wr.hdd18Kd).toBeCloseTo(2920, 9);
    expect(wr.region).toBe(4);
  });

  it('warns (counted) when they differ, names both, and is silent when they agree or the demand had no region', async () => {
    const kitami = await readWeather(HAS('0868195.has'));
    const okayama = await readWeather(HAS('6158195.has'));
    const w = new Warnings();
    const msg = checkWeatherRegion(kitami, { climateRegion: 6, climateCity: 'Okayama 岡山' }, regions, w);
    expect(msg).toContain('region 1');
    expect(msg).toContain('region 6 (Okayama 岡山)');
    expect(w.count('weather-region-mismatch')).toBe(1);
    expect(w.list()[0]!.examples[0]!.file).toContain('0868195.has');
    expect(checkWeatherRegion(okayama, { climateRegion: 6 }, regions, w)).toBeUndefined();
    expect(checkWeatherRegion(kitami, { climateRegion: 0 }, regions, w)).toBeUndefined(); // outside Japan
    expect(checkWeatherAgainstDemand(kitami, undefined, w)).toBeUndefined(); // no demand stage
    // as the simulate stage calls it, from the manifest's demand entry (a climate table that is gone: the shipped one)
    expect(checkWeatherAgainstDemand(kitami, { parameters: { climateRegion: 7, climateTable: '/gone/climate.csv' } }, w)).toContain('region 7');
    expect(w.count('weather-region-mismatch')).toBe(2);
  });
});

describeData('the region and its reason for Tamana and Yokosuka, as printed', () => {
  it('Tamana (uro:city 43206): the guess is region 7 Miyazaki, labelled, with the municipality, on the terminal lines', async () => {
    const r = await runDemandStage({ buildings: [data('tamana/49303425_bldg_6697_op.gml')] });
    const p = r.summary.parameters;
    expect(p.climateRegion).toBe(7);
    expect(String(p.climateReason)).toMatch(/^GUESS: region 7 of the nearest reference city Miyazaki/);
    expect(String(p.climateReason)).toContain('municipality 43206 (uro:city, 242 buildings)');
    expect(r.summary.warnings['climate-region-guessed']).toBe(1);
    const lines = demand.details!(r.summary as never).join('\n');
    expect(lines).toContain('climate: region 7 (Miyazaki 宮崎): GUESS');
    expect(lines).toContain('43206');
  });

  it('Yokosuka (uro:city 14201): region 5 Utsunomiya guessed and labelled; --climate-region 6 is used as given', async () => {
    const r = await runDemandStage({ buildings: [data('yokosuka/52397519_bldg_6697_op.gml')] });
    expect(r.summary.parameters.climateRegion).toBe(5);
    expect(String(r.summary.parameters.climateReason)).toContain('municipality 14201 (uro:city');
    expect(String(r.summary.parameters.climateReason)).toContain('GUESS');
    const g = await runDemandStage({ buildings: [data('yokosuka/52397519_bldg_6697_op.gml')], climate: { region: 6 } });
    expect(g.summary.parameters.climateRegion).toBe(6);
    expect(String(g.summary.parameters.climateReason)).toMatch(/^climate region 6 given; .*14201/);
    expect(g.summary.warnings['climate-region-guessed'] ?? 0).toBe(0);
    expect(demand.details!(g.summary as never).join('\n')).toContain('climate: region 6 (Okayama 岡山): climate region 6 given');
  });

  it('--municipality-regions: the table decides for Yokosuka (14201 -> 6 in the file), no guess counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-muni-'));
    const file = join(dir, 'regions.csv');
    writeFileSync(file, 'code,region,source\n14201,6,a user copy of 告示783 (test)\n');
    const r = await runDemandStage({ buildings: [data('yokosuka/52397519_bldg_6697_op.gml')], municipalityRegions: file });
    expect(r.summary.parameters.climateRegion).toBe(6);
    expect(String(r.summary.parameters.climateReason)).toContain('municipality 14201');
    expect(String(r.summary.parameters.climateReason)).toContain('a user copy of 告示783');
    expect(r.summary.warnings['climate-region-guessed'] ?? 0).toBe(0);
  });
});
