/**
 * CityGML reader rules on a hand-made file (test/fixtures/citygml/synthetic.gml, one building per rule):
 * footprint sources, holes, sentinels, BuildingParts, other CRSs, broken rings.
 */
import { join } from 'node:path';
import proj4 from 'proj4';
import { beforeAll, describe, expect, it } from 'vitest';
import { BuildingTableBuilder, type BuildingTable } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { readCityGmlBuildings, type CityGmlReadSummary } from '../../engine/io/citygml/buildings.js';
import { Warnings } from '../../engine/util/warnings.js';

const FIXTURE = join(__dirname, '..', 'fixtures', 'citygml', 'synthetic.gml');

describe('CityGML reader rules (synthetic.gml)', () => {
  let t: BuildingTable, s: CityGmlReadSummary, w: Warnings;
  const row = (id: string): number => {
    const i = t.id.indexOf(id);
    if (i < 0) throw new Error(`no row ${id}`);
    return i;
  };
  /** Rings of building `id` as arrays of [lon, lat]. */
  const rings = (id: string): { hole: boolean; pts: [number, number][] }[] => {
    const b = row(id);
    const out = [];
    for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
      const pts: [number, number][] = [];
      for (let v = t.ringVertex[r]!; v < t.ringVertex[r + 1]!; v++) pts.push([t.coords[2 * v]!, t.coords[2 * v + 1]!]);
      out.push({ hole: t.ringHole[r] === 1, pts });
    }
    return out;
  };

  beforeAll(async () => {
    const b = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
    w = new Warnings();
    s = await readCityGmlBuildings([FIXTURE], b, w);
    t = b.finish();
  });

  it('keeps 8 of 12 buildings and says why the others were dropped', () => {
    expect(s.buildingsSeen).toBe(12);
    expect(t.count).toBe(8);
    expect(s.dropped).toEqual({ 'no-footprint': 1, 'geometry-nan': 2, 'geometry-too-few-points': 1 });
    expect(w.list().find((x) => x.code === 'no-footprint')!.examples[0]).toMatchObject({ file: FIXTURE, record: 'd-none' });
    expect(w.list().find((x) => x.code === 'geometry-nan')!.examples.map((e) => e.record)).toEqual(['e-odd', 'f-junk']);
    expect(w.list().find((x) => x.code === 'geometry-too-few-points')!.examples[0]!.record).toBe('g-few');
    expect(t.coords.every(Number.isFinite)).toBe(true);
  });

  it('reads attributes, turning 9999 / -9999 / 0 sentinels into NaN and ignoring non-building floor areas', () => {
    const a = row('a-holes');
    expect(t.useCode[a]).toBe('411');
    expect(t.storeysAbove[a]).toBe(3);
    expect(t.storeysBelow[a]).toBeNaN(); // 9999
    expect(t.heightM[a]).toBeNaN(); // -9999
    expect(t.givenFloorAreaM2[a]).toBe(250.5); // not the LargeCustomerFacilityAttribute's 99
    expect(t.givenFootprintAreaM2[a]).toBeNaN(); // 0
    const b = row('b-solid');
    expect([t.useCode[b], t.storeysAbove[b], t.storeysBelow[b], t.heightM[b]]).toEqual(['402', 2, 0, 10]);
  });

  it('lod0FootPrint with a hole: exterior then hole, lon/lat, closing vertex dropped', () => {
    const r = rings('a-holes');
    expect(r.map((x) => x.hole)).toEqual([false, true]);
    expect(r[0]!.pts).toEqual([[135.0, 35.0], [135.001, 35.0], [135.001, 35.001], [135.0, 35.001]]);
    expect(r[1]!.pts[0]).toEqual([135.0004, 35.0004]);
    expect(r[1]!.pts.length).toBe(4);
    expect(s.footprintSource.lod0FootPrint).toBe(4);
  });

  it('lod1Solid only: the footprint is the bottom polygon (given by gml:pos at z = 10.01, walls from z = 10)', () => {
    const r = rings('b-solid');
    expect(r.length).toBe(1);
    // the bottom ring was written clockwise from the square's north-west corner, at z = 10.01
    const want = [[135.002, 35.0025], [135.0025, 35.0025], [135.0025, 35.002], [135.002, 35.002]];
    expect(r[0]!.pts.length).toBe(4);
    r[0]!.pts.forEach((p, k) => {
      expect(p[0]).toBeCloseTo(want[k]![0]!, 12);
      expect(p[1]).toBeCloseTo(want[k]![1]!, 12);
    });
    expect(s.footprintSource.lod1Solid).toBe(1);
  });

  it('LOD2 only: the GroundSurface, not the larger RoofSurface', () => {
    const r = rings('c-ground');
    expect(r.length).toBe(1);
    expect(r[0]!.pts[0]).toEqual([135.004, 35.004]);
    expect(Math.max(...r[0]!.pts.map((p) => p[0]))).toBeCloseTo(135.0043, 12);
    expect(s.footprintSource.lod2GroundSurface).toBe(1);
  });

  it('keeps a self-intersecting footprint and counts it', () => {
    expect(row('h-bowtie')).toBeGreaterThanOrEqual(0);
    expect(s.selfIntersecting).toBe(1);
    const x = w.list().find((v) => v.code === 'self-intersecting-footprint')!;
    expect(x.count).toBe(1);
    expect(x.examples[0]!.record).toBe('h-bowtie');
    expect(x.message).toMatch(/kept/);
  });

  it('BuildingParts: one row, both footprints, attributes aggregated from the parts', () => {
    const i = row('i-parts');
    expect(rings('i-parts').length).toBe(2);
    expect(t.useCode[i]).toBe('401'); // the part with 400 m2 rather than 100 m2
    expect(t.givenFloorAreaM2[i]).toBe(500);
    expect(t.heightM[i]).toBe(14.5);
    // equal footprints: mean of 4 and 2 storeys (footprint-weighted, equal up to lon/lat rounding)
    expect(t.storeysAbove[i]).toBeCloseTo(3, 4);
    expect(s.buildingParts).toBe(2);
    expect(w.count('building-parts-mixed-use')).toBe(1);
  });

  it('transforms a UTM srsName (easting first) and swaps an EPSG:4326 URN (latitude first)', () => {
    const [lon, lat] = proj4('+proj=utm +zone=53 +datum=WGS84 +units=m +no_defs', 'EPSG:4326', [500000, 3873000]);
    const j = rings('j-utm')[0]!.pts;
    expect(j[0]![0]).toBeCloseTo(lon!, 9);
    expect(j[0]![1]).toBeCloseTo(lat!, 9);
    expect(j[0]![0]).toBeCloseTo(135, 6); // zone 53's central meridian
    expect(rings('k-4326')[0]!.pts[0]).toEqual([135.008, 35.008]);
    expect(s.srsNames).toContain('urn:ogc:def:crs:EPSG::4326');
  });

  it('drops a broken hole but keeps the building', () => {
    const r = rings('l-badhole');
    expect(r.map((x) => x.hole)).toEqual([false]);
    expect(w.list().find((x) => x.code === 'footprint-ring-dropped')!.examples[0]!.record).toBe('l-badhole');
  });
});
