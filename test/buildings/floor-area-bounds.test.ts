/** Plausibility bounds of floor area, storeys and height (engine/buildings/floor-area.ts): dropped, counted, next rule. */
import { describe, expect, it } from 'vitest';
import { deriveFloorArea, MAX_FLOOR_AREA_M2, MAX_HEIGHT_M, MAX_STOREYS, storeysFromHeight } from '../../engine/buildings/floor-area.js';
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, type RawBuilding } from '../../engine/buildings/table.js';
import { assignCategories, loadUseMapping } from '../../engine/buildings/use-taxonomy.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { Warnings } from '../../engine/util/warnings.js';

const square = (x: number, y: number, s: number) => [[x, y, x + s, y, x + s, y + s, x, y + s, x, y]];

function table(rows: (RawBuilding & { side: number })[]) {
  const b = new BuildingTableBuilder({ ...lookupEpsg(6677)! });
  b.beginFile('town.geojson', 'plateau');
  rows.forEach((r, i) => b.add(r, [square(i * 100, 0, r.side)]));
  const t = b.finish();
  computeFootprints(t);
  return t;
}

describe('deriveFloorArea: implausible values', () => {
  it('the bounds are the tallest building (Burj Khalifa: 163 storeys, 828 m) and 1e7 m²', () => {
    expect([MAX_STOREYS, MAX_HEIGHT_M, MAX_FLOOR_AREA_M2]).toEqual([163, 828, 1e7]);
  });

  it('drops a floor area of 1e30 m², 1e9 storeys and a 1e6 m height with counted warnings; the next rule applies', () => {
    const t = table([
      { id: 'demo-11', useCode: '411', givenFloorAreaM2: 1e30, storeysAbove: 2, side: 10 },
      { id: 'tower', useCode: '411', storeysAbove: 1e9, heightM: 13.4, side: 10 },
      { id: 'needle', useCode: '411', heightM: 1e6, side: 10 },
      { id: 'over-footprint', useCode: '411', givenFloorAreaM2: 100 * 164, heightM: 9.1, side: 10 },
      { id: 'tallest', useCode: '411', givenFloorAreaM2: 100 * 163, storeysAbove: 163, heightM: 828, side: 10 },
    ]);
    const w = new Warnings();
    assignCategories(t, loadUseMapping(), w);
    const def = new Array(12).fill(3);
    const counts = deriveFloorArea(t, { defaultStoreys: def }, w);
    expect(Array.from(t.floorAreaM2)).toEqual([200, 100 * storeysFromHeight(13.4), 300, 100 * storeysFromHeight(9.1), 16300]);
    expect(Array.from(t.floorAreaRule)).toEqual([1, 2, 3, 2, 0]);
    expect(counts).toEqual({ given: 1, storeys: 1, height: 2, default: 1 });
    expect(w.count('floor-area-implausible')).toBe(2);
    expect(w.count('storeys-implausible')).toBe(1);
    expect(w.count('height-implausible')).toBe(1);
    const ex = (code: string) => w.list().find((x) => x.code === code)!.examples;
    expect(ex('floor-area-implausible')[0]).toMatchObject({ file: 'town.geojson', record: 'demo-11' });
    expect(ex('floor-area-implausible')[0]!.message).toMatch(/1e\+30 m²/);
    expect(ex('storeys-implausible')[0]).toMatchObject({ file: 'town.geojson', record: 'tower' });
    expect(ex('storeys-implausible')[0]!.message).toMatch(/1000000000/);
    expect(ex('height-implausible')[0]!.message).toMatch(/1000000 m/);
    // the dropped values do not stay in the table
    expect(Number.isNaN(t.givenFloorAreaM2[0]!)).toBe(true);
    expect(Number.isNaN(t.storeysAbove[1]!)).toBe(true);
  });
});
