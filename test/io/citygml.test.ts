/**
 * PLATEAU CityGML reader on real data: Tamana (49303425_bldg_6697_op.gml, 493034_wtr_6697_op.gml),
 * Yokosuka (52397519_bldg_6697_op.gml) and the 68 Osaka tiles (513573xx_bldg_6697_op.gml.gz).
 * Expected values come from a regex scan of the raw text (test/io/citygml-scan.ts), not only from literals.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { projectTable } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, type BuildingTable } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { readCityGmlBuildings, type CityGmlReadSummary } from '../../engine/io/citygml/buildings.js';
import { readCityGmlPolygons } from '../../engine/io/citygml/polygons.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';
import { allValues, scanBuildings, type ScannedBuilding } from './citygml-scan.js';

const LONLAT = () => ({ ...lookupEpsg(6668)! });

async function read(paths: string[]): Promise<{ t: BuildingTable; s: CityGmlReadSummary; w: Warnings }> {
  const b = new BuildingTableBuilder(LONLAT());
  const w = new Warnings();
  const s = await readCityGmlBuildings(paths, b, w);
  return { t: b.finish(), s, w };
}

const f32 = (v: number): number => (Number.isNaN(v) ? NaN : Math.fround(v));

function expectAttributesMatch(t: BuildingTable, scan: ScannedBuilding[]): void {
  const row = new Map(t.id.map((id, i) => [id, i]));
  for (const e of scan) {
    const i = row.get(e.id);
    expect(i, e.id).toBeDefined();
    expect(t.useCode[i!], e.id).toBe(e.usage ?? '');
    expect(t.storeysAbove[i!], e.id).toBe(f32(e.storeysAbove));
    expect(t.storeysBelow[i!], e.id).toBe(f32(e.storeysBelow));
    expect(t.heightM[i!], e.id).toBe(f32(e.heightM));
    expect(t.givenFloorAreaM2[i!], e.id).toBe(e.totalFloorArea);
    expect(t.givenFootprintAreaM2[i!], e.id).toBe(e.footprintArea);
  }
}

function expectFiniteCoords(t: BuildingTable, bbox: [number, number, number, number]): void {
  for (let i = 0; i < t.coords.length; i += 2) {
    const lon = t.coords[i]!, lat = t.coords[i + 1]!;
    if (!(lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3])) {
      throw new Error(`vertex ${i / 2} at ${lon}, ${lat} outside ${bbox}`);
    }
  }
}

describeData('CityGML buildings: Tamana', () => {
  const path = data('tamana/49303425_bldg_6697_op.gml');
  let t: BuildingTable, s: CityGmlReadSummary, w: Warnings, scan: ScannedBuilding[];
  beforeAll(async () => {
    ({ t, s, w } = await read([path]));
    scan = scanBuildings(readFileSync(path, 'utf8'));
  });

  it('reads all 242 buildings with the attributes the file holds', () => {
    expect(scan.length).toBe(242);
    expect(t.count).toBe(242);
    expect(s.buildings).toBe(242);
    expect(s.dropped).toEqual({});
    expect(w.count()).toBe(0);
    expect(s.attributes.usage).toBe(scan.filter((b) => b.usage !== undefined).length);
    expect(s.attributes.usage).toBe(242);
    // datasets/README.md says 179 storeys and 182 total floor areas; the file has 181 of each per building: 61 of
    // 242 are 9999 / -9999, and the 182nd floor area is a uro:LargeCustomerFacilityAttribute (one shop's 4,995 m2
    // inside a building whose BuildingDetailAttribute says 6,872 m2), which is not the building's.
    expect(s.attributes.storeysAbove).toBe(scan.filter((b) => !Number.isNaN(b.storeysAbove)).length);
    expect(s.attributes.storeysAbove).toBe(181);
    expect(s.attributes.totalFloorArea).toBe(scan.filter((b) => !Number.isNaN(b.totalFloorArea)).length);
    expect(s.attributes.totalFloorArea).toBe(181);
    expect(s.attributes.heightM).toBe(scan.filter((b) => !Number.isNaN(b.heightM)).length);
    expect(s.attributes.footprintArea).toBe(scan.filter((b) => !Number.isNaN(b.footprintArea)).length);
    expectAttributesMatch(t, scan);
  });

  it('reads the first building exactly as the file says, lon/lat swapped from the lat-first posList', () => {
    expect(t.id[0]).toBe('bldg_57558474-1061-4f38-8d68-83341e29e37b');
    expect(t.useCode[0]).toBe('422');
    expect(t.heightM[0]).toBe(Math.fround(7.1));
    expect(t.storeysAbove[0]).toBe(2);
    expect(t.storeysBelow[0]).toBe(0);
    expect(t.givenFloorAreaM2[0]).toBe(1148);
    expect(t.givenFootprintAreaM2[0]).toBe(765);
    // first vertex of its lod0RoofEdge: "32.93342208646061 130.5626379088704 0"
    expect(t.coords[0]).toBe(130.5626379088704);
    expect(t.coords[1]).toBe(32.93342208646061);
    // 18 positions, closing one dropped
    expect(t.ringVertex[1]! - t.ringVertex[0]!).toBe(17);
    expectFiniteCoords(t, [130.56, 32.93, 130.58, 32.95]);
    expect(s.footprintSource.lod0RoofEdge).toBe(242);
  });

  it('keeps the interior rings of the file as holes', () => {
    // the file has 3 gml:interior rings; count those inside lod0RoofEdge by scanning
    const xml = readFileSync(path, 'utf8');
    const roofEdges = [...xml.matchAll(/<bldg:lod0RoofEdge>([\s\S]*?)<\/bldg:lod0RoofEdge>/g)].map((m) => m[1]!);
    const holes = roofEdges.reduce((n, r) => n + (r.split('<gml:interior>').length - 1), 0);
    const exteriors = roofEdges.reduce((n, r) => n + (r.split('<gml:exterior>').length - 1), 0);
    let tableHoles = 0;
    for (const h of t.ringHole) tableHoles += h;
    expect(tableHoles).toBe(holes);
    expect(t.ringHole.length - tableHoles).toBe(exteriors);
  });

  it('gives footprints whose projected area agrees with uro:buildingFootprintArea (roof edges include eaves)', () => {
    projectTable(t, { ...lookupEpsg(6670)! }); // JGD2011 zone II (Kumamoto)
    const ratios: number[] = [];
    for (let i = 0; i < t.count; i++) {
      if (Number.isFinite(t.givenFootprintAreaM2[i])) ratios.push(t.footprintAreaM2[i]! / t.givenFootprintAreaM2[i]!);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[ratios.length >> 1]!;
    expect(median).toBeGreaterThan(0.95);
    expect(median).toBeLessThan(1.3);
  });
});

describeData('CityGML buildings: Yokosuka (BuildingParts)', () => {
  const path = data('yokosuka/52397519_bldg_6697_op.gml');

  it('matches a regex scan building by building, parts merged into their Building', async () => {
    const { t, s, w } = await read([path]);
    const xml = readFileSync(path, 'utf8');
    const scan = scanBuildings(xml);
    expect(scan.length).toBe(13);
    expect(t.count).toBe(13);
    expect(s.buildingParts).toBe(2);
    expect(w.count()).toBe(0);
    const plain = scan.filter((b) => b.parts === 0);
    expectAttributesMatch(t, plain);
    expect(s.attributes.usage).toBe(scan.filter((b) => b.usage !== undefined).length);
    expect(s.attributes.storeysAbove).toBe(scan.filter((b) => !Number.isNaN(b.storeysAbove)).length);
    expect(s.attributes.totalFloorArea).toBe(scan.filter((b) => !Number.isNaN(b.totalFloorArea)).length);

    // the museum: attributes only on its two parts
    const museum = scan.find((b) => b.parts === 2)!;
    const chunk = xml.slice(xml.indexOf(museum.id), xml.indexOf('</bldg:Building>', xml.indexOf(museum.id)));
    const i = t.id.indexOf(museum.id);
    const tfa = allValues(chunk, 'uro:totalFloorArea').map(Number);
    const heights = allValues(chunk, 'bldg:measuredHeight').map(Number);
    const storeys = allValues(chunk, 'bldg:storeysAboveGround').map(Number);
    expect(tfa.length).toBe(2);
    expect(t.givenFloorAreaM2[i]).toBeCloseTo(tfa[0]! + tfa[1]!, 6);
    expect(t.heightM[i]).toBe(Math.fround(Math.max(...heights)));
    expect(new Set(allValues(chunk, 'bldg:usage'))).toEqual(new Set([t.useCode[i]]));
    // footprint-weighted mean of the parts' storeys
    expect(t.storeysAbove[i]).toBeGreaterThan(Math.min(...storeys));
    expect(t.storeysAbove[i]).toBeLessThan(Math.max(...storeys));
    // one polygon per part
    expect(t.buildingRing[i + 1]! - t.buildingRing[i]!).toBe(2);
    expect(s.footprintSource.parts).toBe(1);
    expectFiniteCoords(t, [139.7, 35.2, 139.8, 35.3]);
  });
});

describeData('CityGML buildings: Osaka, 68 gzipped tiles as one area', () => {
  it('reads the folder in one call and matches a per-tile regex count', async () => {
    const dir = data('osaka');
    const { t, s, w } = await read([dir]);
    const files = readdirSync(dir).filter((f) => f.endsWith('.gml.gz'));
    let buildings = 0, usage = 0, storeys = 0, tfa = 0;
    for (const f of files) {
      const xml = gunzipSync(readFileSync(`${dir}/${f}`)).toString('utf8');
      const scan = scanBuildings(xml);
      buildings += scan.length;
      usage += scan.filter((b) => b.usage !== undefined).length;
      storeys += scan.filter((b) => !Number.isNaN(b.storeysAbove)).length;
      tfa += scan.filter((b) => !Number.isNaN(b.totalFloorArea)).length;
    }
    expect(files.length).toBe(68);
    expect(s.files).toBe(68);
    expect(t.files.length).toBe(68);
    expect([buildings, usage, storeys, tfa]).toEqual([11684, 7715, 7692, 0]);
    expect(t.count).toBe(buildings);
    expect(s.attributes.usage).toBe(usage);
    expect(s.attributes.storeysAbove).toBe(storeys);
    expect(s.attributes.totalFloorArea).toBe(0);
    expect(s.dropped).toEqual({});
    expect(w.count('no-footprint')).toBe(0);
    expect(s.footprintSource.lod0FootPrint).toBe(11684);
    expect(new Set(t.fileIndex).size).toBe(68);
    expectFiniteCoords(t, [135.3, 34.5, 135.6, 34.8]);
  });
});

describeData('readCityGmlPolygons: Tamana water body', () => {
  it('returns the one WaterBody with its 740 polygons in lon/lat and its attributes', async () => {
    const path = data('tamana/493034_wtr_6697_op.gml');
    const r = await readCityGmlPolygons(path, ['WaterBody']);
    const xml = readFileSync(path, 'utf8');
    const posLists = xml.split('<gml:posList>').length - 1;
    expect(r.features.length).toBe(1);
    const f = r.features[0]!;
    expect(f.id).toBe(/<wtr:WaterBody gml:id="([^"]+)"/.exec(xml)![1]);
    expect(f.type).toBe('WaterBody');
    expect(r.polygonsRead).toBe(740);
    expect(posLists).toBe(740);
    expect(f.polygons.length).toBe(740);
    expect(f.attributes['wtr:class']).toBe('1020');
    // first posList, lat-first, becomes lon/lat
    const first = /<gml:posList>([^<]*)</.exec(xml)![1]!.trim().split(/\s+/).map(Number);
    expect(f.polygons[0]![0]![0]).toBe(first[1]);
    expect(f.polygons[0]![0]![1]).toBe(first[0]);
    expect(f.zMin).toBeCloseTo(1.7428, 4);
    for (const poly of f.polygons) for (const ring of poly) for (let i = 0; i < ring.length; i += 2) {
      expect(ring[i]! > 130.56 && ring[i]! < 130.566 && ring[i + 1]! > 32.925 && ring[i + 1]! < 32.93).toBe(true);
    }
  });

  it('reads Buildings generically too: walls are counted as vertical, not as errors', async () => {
    const w = new Warnings();
    const r = await readCityGmlPolygons(data('tamana/49303425_bldg_6697_op.gml'), ['Building'], { warnings: w });
    expect(r.features.length).toBe(242);
    expect(r.features[0]!.attributes['bldg:usage']).toBe('422');
    expect(r.features[0]!.attributes['対照番号']).toBe('32019');
    expect(r.polygonsKept + r.polygonsVertical + w.count()).toBe(r.polygonsRead);
    expect(r.polygonsRead).toBe(3176);
  });
});
