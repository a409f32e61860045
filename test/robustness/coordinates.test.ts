/**
 * Issue 17 item 3: coordinates taken as lon/lat are checked in every building reader and before projection; a
 * non-finite or out-of-range one is CrsError "not lon/lat: pass --source-crs" naming the file and record, and a
 * footprint larger than any building (MAX_FOOTPRINT_SPAN_M, engine/buildings/geometry.ts) is dropped with a counted
 * warning naming the record. Before: an Infinity coordinate gave a proj4 TypeError stack (exit 70); one building
 * across the antimeridian beside Tokyo gave a RangeError stack, alone it was kept with a globe-spanning CRS choice.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLonLatTable, dropImplausibleFootprints, MAX_FOOTPRINT_SPAN_M, projectTable } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { CrsError } from '../../engine/errors.js';
import { readBuildingInputs } from '../../engine/io/buildings-input.js';
import { readCityGmlBuildings } from '../../engine/io/citygml/buildings.js';
import { addOsmBuildings } from '../../engine/io/osm-buildings.js';
import { Warnings } from '../../engine/util/warnings.js';
import { expectCleanRefusal, heatplan, ROOT, tempDir } from './cli.js';

const LONLAT = { ...lookupEpsg(6668)! };
const square = (lon: number, lat: number, d = 0.0002) => [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]];
function geojson(dir: string, name: string, polys: unknown[], extra: Record<string, unknown> = {}): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify({ type: 'FeatureCollection', ...extra, features: polys.map((c, i) => ({ type: 'Feature', id: `b${i + 1}`, properties: {}, geometry: { type: 'Polygon', coordinates: c } })) }));
  return p;
}
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('GeoJSON / shapefile (openVector): not lon/lat is refused with the file and record', () => {
  it('a projected GeoJSON without a crs member: "not lon/lat: pass --source-crs"', async () => {
    const dir = tempDir('coords');
    const f = geojson(dir, 'projected.geojson', [[[[-35000, -5000], [-34990, -5000], [-34990, -4990], [-35000, -4990], [-35000, -5000]]]]);
    const r = await heatplan(['demand', '--buildings', f, '--out', join(dir, 'run')]);
    expectCleanRefusal(r);
    expect(r.stderr).toContain(`${f}: record 1: not lon/lat: pass --source-crs (sourceCrs)`);
    expect(r.stderr).not.toMatch(/outside Japan/);
  });

  it('a building at lon 1e15 among good ones: refused naming the record', async () => {
    const dir = tempDir('coords');
    const f = geojson(dir, 'e15.geojson', [square(139.7, 35.68), [[[1e15, 35], [1e15 + 10, 35], [1e15 + 10, 35.001], [1e15, 35]]]]);
    const r = await heatplan(['demand', '--buildings', f, '--out', join(dir, 'run')]);
    expectCleanRefusal(r);
    expect(r.stderr).toMatch(/e15\.geojson: record 2: not lon\/lat: pass --source-crs .*\(value: \[1000000000000000,35\]\)/);
  });

  it('an Infinity coordinate (1e999 in the JSON) is refused, not a proj4 TypeError stack', async () => {
    const dir = tempDir('coords');
    const f = geojson(dir, 'inf.geojson', [square(139.7, 35.68), square(139.701, 35.681)]);
    writeFileSync(f, readFileSync(f, 'utf8').replace('[139.701,35.681]', '[1e999,35.681]'));
    const r = await heatplan(['demand', '--buildings', f, '--out', join(dir, 'run')]);
    expectCleanRefusal(r);
    expect(r.stderr).toMatch(/inf\.geojson: record 2: not lon\/lat: pass --source-crs .*not a finite number.*"Infinity"/);
    expect(r.stderr).not.toMatch(/TypeError/);
  });

  it('a projected file (crs member) whose position lands nowhere on Earth: refused naming the record', async () => {
    const dir = tempDir('coords');
    const sq = (x: number, y: number) => [[[x, y], [x + 10, y], [x + 10, y + 10], [x, y + 10], [x, y]]];
    const f = geojson(dir, 'p.geojson', [sq(-6000, -35000), sq(1e15, -35000)], { crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::6677' } } });
    const e = await rejection(readBuildingInputs([f], new Warnings()));
    expect(e).toBeInstanceOf(CrsError);
    expect((e as CrsError).code).toBe('not-lonlat');
    expect((e as CrsError).file).toBe(f);
    expect((e as CrsError).record).toBe(2);
    expect((e as CrsError).message).toMatch(/not lon\/lat: pass --source-crs .*EPSG:6677/);
  });

  it('a NaN coordinate in a shapefile is refused (proj4 would throw on it)', async () => {
    const dir = tempDir('coords');
    const src = join(ROOT, 'test', 'fixtures', 'vector', 'survey_sjis');
    for (const ext of ['.dbf', '.prj', '.cpg', '.shx']) writeFileSync(join(dir, `s${ext}`), readFileSync(src + ext));
    const shp = readFileSync(`${src}.shp`);
    // record 1: header 100 + record header 8 + type 4 + box 32 + parts 4 + points 4 + part offsets 4 * parts
    const parts = shp.readInt32LE(100 + 8 + 36);
    shp.writeDoubleLE(NaN, 100 + 8 + 44 + 4 * parts);
    writeFileSync(join(dir, 's.shp'), shp);
    const e = await rejection(readBuildingInputs([join(dir, 's.shp')], new Warnings()));
    expect(e).toBeInstanceOf(CrsError);
    expect((e as CrsError).record).toBe(1);
    expect((e as CrsError).message).toMatch(/not lon\/lat: pass --source-crs .*not a finite number/);
  });
});

describe('footprints no building has: dropped with a counted warning naming the record', () => {
  it('a building across the antimeridian beside Tokyo is dropped; the run goes on (was: RangeError stack)', async () => {
    const dir = tempDir('coords');
    const anti = [[[179.9999, -16.5], [-179.9999, -16.5], [-179.9999, -16.4999], [179.9999, -16.4999], [179.9999, -16.5]]];
    const f = geojson(dir, 'anti.geojson', [square(139.7, 35.68), anti]);
    const out = join(dir, 'run');
    const r = await heatplan(['demand', '--buildings', f, '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.demand.buildings).toBe(1);
    expect(m.demand.dropped['footprint-too-large']).toBe(1);
    expect(m.crs.code).toBe('EPSG:6677'); // chosen from Tokyo alone, not from a box spanning the globe
    const w = m.demand.warningDetails.find((x: { code: string }) => x.code === 'footprint-too-large');
    expect(w.examples[0]).toMatchObject({ file: f, record: 'b2' });
    expect(w.examples[0].message).toMatch(/antimeridian/);
    expect(m.demand.floorArea_m2).toBeLessThan(1000);
  });

  it('alone, the antimeridian building leaves no usable building: refused, not kept', async () => {
    const dir = tempDir('coords');
    const anti = [[[179.9999, -16.5], [-179.9999, -16.5], [-179.9999, -16.4999], [179.9999, -16.4999], [179.9999, -16.5]]];
    const f = geojson(dir, 'anti.geojson', [anti]);
    const r = await heatplan(['demand', '--buildings', f, '--out', join(dir, 'run'), '--hdd', '3000']);
    expectCleanRefusal(r);
    expect(r.stderr).toMatch(/no usable buildings in the input \(dropped: \{"footprint-too-large":1\}\)/);
  });

  it('after projection: a footprint longer than MAX_FOOTPRINT_SPAN_M is dropped and named; real sizes are kept', () => {
    const b = new BuildingTableBuilder({ ...lookupEpsg(6677)! });
    b.beginFile('/x/b.geojson', 'custom');
    const rect = (x: number, y: number, w: number, h: number) => [[x, y, x + w, y, x + w, y + h, x, y + h]];
    b.add({ id: 'kansai-terminal' }, [rect(0, 0, 1700, 150)]); // about the longest building there is
    b.add({ id: 'stray' }, [rect(0, 0, 12_000, 20)]);
    const t = b.finish();
    const w = new Warnings();
    const kept = dropImplausibleFootprints(t, w);
    expect(MAX_FOOTPRINT_SPAN_M).toBe(10_000);
    expect(kept.id).toEqual(['kansai-terminal']);
    expect(w.count('footprint-too-large')).toBe(1);
    expect(w.list()[0]!.examples[0]).toMatchObject({ file: '/x/b.geojson', record: 'stray' });
  });

  it('before projection: a lon/lat table with a bad coordinate is CrsError naming file and record', () => {
    const b = new BuildingTableBuilder(LONLAT);
    b.beginFile('/x/a.gml', 'plateau');
    b.add({ id: 'ok' }, [[[139.7, 35.68, 139.7002, 35.68, 139.7002, 35.6802]]]);
    b.add({ id: 'bad' }, [[[139.7, 35.68, 139.7002, 95, 139.7002, 35.6802]]]);
    const t = b.finish();
    expect(() => checkLonLatTable(t)).toThrow(CrsError);
    try {
      projectTable(t, { ...lookupEpsg(6677)! });
    } catch (e) {
      expect((e as CrsError).code).toBe('not-lonlat');
      expect((e as CrsError).record).toBe('bad');
      expect((e as CrsError).file).toBe('/x/a.gml');
    }
    expect.assertions(4);
  });
});

describe('CityGML and OSM readers', () => {
  const gml = (pos: string) => `<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml">
<core:cityObjectMember><bldg:Building gml:id="good"><bldg:lod0FootPrint><gml:MultiSurface srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>35.0 135.0 0 35.0 135.001 0 35.001 135.001 0 35.001 135.0 0 35.0 135.0 0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod0FootPrint></bldg:Building></core:cityObjectMember>
<core:cityObjectMember><bldg:Building gml:id="stray"><bldg:lod0FootPrint><gml:MultiSurface srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>${pos}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod0FootPrint></bldg:Building></core:cityObjectMember>
</core:CityModel>`;

  for (const [what, pos] of [
    ['a latitude of 1e15', '1e15 135.0 0 35.0 135.001 0 35.001 135.001 0 1e15 135.0 0'],
    ['an Infinity (1e999)', '35.0 1e999 0 35.0 135.001 0 35.001 135.001 0 35.0 1e999 0'],
  ] as const) {
    it(`CityGML with ${what}: CrsError not-lonlat naming the gml:id`, async () => {
      const dir = tempDir('coords');
      const f = join(dir, 'x_bldg_6697_op.gml');
      writeFileSync(f, gml(pos));
      const e = await rejection(readCityGmlBuildings([f], new BuildingTableBuilder(LONLAT), new Warnings()));
      expect(e).toBeInstanceOf(CrsError);
      expect((e as CrsError).code).toBe('not-lonlat');
      expect((e as CrsError).file).toBe(f);
      expect((e as CrsError).record).toBe('stray');
      expect((e as CrsError).message).toMatch(/not lon\/lat: .*srsName .*6697/);
    });
  }

  it('CityGML: a non-number token is still a counted drop (geometry-nan), not an error', async () => {
    const dir = tempDir('coords');
    const f = join(dir, 'x_bldg_6697_op.gml');
    writeFileSync(f, gml('35.0 135.0 0 35.0 abc 0 35.001 135.001 0 35.0 135.0 0'));
    const w = new Warnings();
    const b = new BuildingTableBuilder(LONLAT);
    await readCityGmlBuildings([f], b, w);
    expect(b.count).toBe(1);
    expect(w.count('geometry-nan')).toBe(1);
  });

  it('OSM: a node outside lon/lat range is CrsError naming the way', () => {
    const nodes = new Map<number, [number, number]>([[1, [139.7, 35.68]], [2, [139.7002, 35.68]], [3, [139.7002, 935.68]]]);
    const scan = { nodes, ways: [{ id: 42, tags: { building: 'yes' }, refs: [1, 2, 3, 1] }], relations: [] };
    let e: unknown;
    try {
      addOsmBuildings(scan, '/x/a.osm.pbf', new BuildingTableBuilder(LONLAT), new Warnings());
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(CrsError);
    expect((e as CrsError).record).toBe('way/42');
    expect((e as CrsError).file).toBe('/x/a.osm.pbf');
    expect((e as CrsError).message).toMatch(/not lon\/lat/);
  });
});
