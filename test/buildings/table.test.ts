/** The building table's one column list: building, concatenating, subsetting and the viewer's columns follow it. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFootprints } from '../../engine/buildings/geometry.js';
import {
  BUILDING_COLUMNS,
  BuildingTableBuilder,
  CATEGORY_INDEX,
  CATEGORY_UNSET,
  concatTables,
  subsetTable,
  VIEW_CODE_PROPERTIES,
  VIEW_NUMBER_PROPERTIES,
  type BuildingTable,
  type FlatPolygon,
  type RawBuilding,
} from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { writeBuildingsGeoJson } from '../../engine/io/buildings-output.js';

const CRS = { ...lookupEpsg(6677)! };
const tmp = mkdtempSync(join(tmpdir(), 'heatplan-table-'));

const sq = (x: number, y: number, s: number): number[] => [x, y, x + s, y, x + s, y + s, x, y + s];
/** Buildings: a square, a square with a hole, a MultiPolygon of two triangles, a pentagon, a plain square. */
const BUILDINGS: [RawBuilding, FlatPolygon[]][] = [
  [{ id: 'a', useCode: '411', storeysAbove: 2, givenFloorAreaM2: 200 }, [[sq(0, 0, 10)]]],
  [{ id: 'b', useCode: '412', heightM: 9, category: 'office' }, [[sq(20, 0, 10), sq(22, 2, 2)]]],
  [{ id: 'c', storeysBelow: 1, givenFootprintAreaM2: 50 }, [[[40, 0, 50, 0, 40, 10]], [[60, 0, 70, 0, 60, 10]]]],
  [{ id: 'd', useCode: 'house' }, [[[80, 0, 90, 0, 92, 5, 85, 12, 78, 5]]]],
  [{ id: 'e' }, [[sq(100, 0, 5)]]],
];

function build(parts: { file: string; items: number[] }[]): BuildingTable {
  const b = new BuildingTableBuilder(CRS);
  for (const p of parts) {
    b.beginFile(p.file, `scheme-${p.file}`);
    for (const i of p.items) b.add(BUILDINGS[i]![0], BUILDINGS[i]![1]);
  }
  const t = b.finish();
  computeFootprints(t);
  // some derived values, so that they are checked to follow their buildings
  for (let k = 0; k < t.count; k++) {
    t.peakKw[k] = 10 * (t.id[k]!.charCodeAt(0) - 96);
    t.storeysUsed[k] = t.id[k] === 'a' ? NaN : 3;
  }
  return t;
}

/** The table's columns as plain arrays, by BUILDING_COLUMNS. */
const columns = (t: BuildingTable): Record<string, unknown[]> =>
  Object.fromEntries(BUILDING_COLUMNS.map((c) => [c.name, Array.from(t[c.name] as ArrayLike<unknown>)]));

describe('BUILDING_COLUMNS', () => {
  it('the builder makes every declared column with its kind and length', () => {
    const t = build([{ file: 'x.geojson', items: [0, 1, 2, 3, 4] }]);
    const rings = t.buildingRing[t.count]!;
    const vertices = t.ringVertex[rings]!;
    expect(t.count).toBe(5);
    expect(rings).toBe(7);
    expect(vertices).toBe(4 + 8 + 6 + 5 + 4);
    const ctor = { string: Array, u8: Uint8Array, u32: Uint32Array, f32: Float32Array, f64: Float64Array };
    const len = { building: t.count, ring: rings, vertex: 2 * vertices, file: 1 };
    for (const c of BUILDING_COLUMNS) {
      const a = t[c.name] as unknown as { length: number; constructor: unknown };
      expect(a.constructor, c.name).toBe(ctor[c.kind]);
      expect(a.length, c.name).toBe(len[c.per] + ('offsets' in c ? 1 : 0));
    }
    // reader attributes NaN when missing; storeysUsed starts NaN (its declared init), other derived columns 0
    expect(Array.from(t.storeysAbove)).toEqual([2, NaN, NaN, NaN, NaN]);
    expect(Array.from(t.givenFootprintAreaM2)).toEqual([NaN, NaN, 50, NaN, NaN]);
    expect(Array.from(new BuildingTableBuilder(CRS).finish().storeysUsed)).toEqual([]);
    expect(Array.from(t.footprintAreaM2)).toEqual([100, 96, 100, 109, 25]);
    expect(Array.from(t.category)).toEqual([CATEGORY_UNSET, CATEGORY_INDEX.office, CATEGORY_UNSET, CATEGORY_UNSET, CATEGORY_UNSET]);
  });

  it('concatTables = one builder over all the buildings (files, fileIndex, rings and vertices re-based)', () => {
    const a = build([{ file: 'a', items: [0, 1] }, { file: 'b', items: [2] }]);
    const b = build([{ file: 'c', items: [3, 4] }]);
    const all = build([{ file: 'a', items: [0, 1] }, { file: 'b', items: [2] }, { file: 'c', items: [3, 4] }]);
    const cat = concatTables([a, b]);
    expect(cat.count).toBe(5);
    expect(cat.crs).toBe(CRS);
    expect(columns(cat)).toEqual(columns(all));
    expect(Array.from(cat.fileIndex)).toEqual([0, 0, 1, 2, 2]);
    expect(concatTables([a])).toBe(a);
    expect(() => concatTables([])).toThrow(/no tables/);
    expect(() => concatTables([a, { ...b, crs: { ...lookupEpsg(6678)! } }])).toThrow(/CRS differ/);
  });

  it('subsetTable = one builder over the kept buildings; the files stay', () => {
    const t = build([{ file: 'a', items: [0, 1] }, { file: 'b', items: [2, 3, 4] }]);
    for (const keep of [[1, 3], [0, 1, 2], [2, 4], [4], [0, 1, 2, 3, 4]]) {
      const s = subsetTable(t, Uint32Array.from(keep));
      // expected: the same two files, only the kept buildings (t's building k is BUILDINGS[k])
      const expected = build([{ file: 'a', items: keep.filter((k) => k < 2) }, { file: 'b', items: keep.filter((k) => k >= 2) }]);
      expect(columns(s), `keep ${keep}`).toEqual(columns(expected));
    }
    const none = subsetTable(t, new Uint32Array(0));
    expect(none.count).toBe(0);
    expect(none.files).toEqual(['a', 'b']);
    expect(Array.from(none.buildingRing)).toEqual([0]);
    expect(Array.from(none.ringVertex)).toEqual([0]);
  });

  it('the viewer gets the declared number and code columns, in the order it always had', () => {
    expect([...VIEW_NUMBER_PROPERTIES]).toEqual(['floorArea_m2', 'footprint_m2', 'storeys', 'spaceHeat_MWh', 'hotWater_MWh', 'heat_MWh', 'peak_kW', 'cool_MWh', 'coolPeak_kW']);
    expect([...VIEW_CODE_PROPERTIES]).toEqual(['use', 'useCode', 'floorAreaSource']);
  });

  it('buildings.geojson carries every declared property', async () => {
    const t = build([{ file: 'a', items: [0, 1, 2, 3, 4] }]);
    t.category.fill(CATEGORY_INDEX.residential_detached); // as the use mapping would
    const p = join(tmp, 'buildings.geojson');
    await writeBuildingsGeoJson(p, t);
    const fc = JSON.parse(readFileSync(p, 'utf8'));
    const declared = BUILDING_COLUMNS.flatMap((c) => ('property' in c ? [c.property] : []));
    for (const f of fc.features) for (const k of declared) expect(Object.keys(f.properties), k).toContain(k);
    expect(fc.features.map((f: { properties: { peak_kW: number } }) => f.properties.peak_kW)).toEqual([10, 20, 30, 40, 50]);
  });
});

process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
