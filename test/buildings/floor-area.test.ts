import { describe, expect, it } from 'vitest';
import { deriveFloorArea, storeysFromHeight } from '../../engine/buildings/floor-area.js';
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, CATEGORY_INDEX, type RawBuilding } from '../../engine/buildings/table.js';
import { assignCategories, loadUseMapping } from '../../engine/buildings/use-taxonomy.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { Warnings } from '../../engine/util/warnings.js';

const square = (x: number, y: number, s: number) => [[x, y, x + s, y, x + s, y + s, x, y + s, x, y]];

function table(rows: (RawBuilding & { side: number })[], scheme = 'plateau') {
  const b = new BuildingTableBuilder({ ...lookupEpsg(6677)! });
  b.beginFile('mem.geojson', scheme);
  rows.forEach((r, i) => b.add(r, [square(i * 100, 0, r.side)]));
  const t = b.finish();
  computeFootprints(t);
  return t;
}

describe('storeysFromHeight (PLATEAU sewage-heat tool rule)', () => {
  it('is 1 + floor((h - 4.89) / 4.2), at least 1', () => {
    expect(storeysFromHeight(3)).toBe(1);
    expect(storeysFromHeight(4.89)).toBe(1);
    expect(storeysFromHeight(9.09)).toBe(2);
    expect(storeysFromHeight(9.08)).toBe(1);
    expect(storeysFromHeight(30)).toBe(1 + Math.floor(25.11 / 4.2));
  });
});

describe('deriveFloorArea', () => {
  it('follows the preference order and records the rule', () => {
    const t = table([
      { id: 'given', useCode: '401', givenFloorAreaM2: 1234, storeysAbove: 5, heightM: 20, side: 10 },
      { id: 'storeys', useCode: '412', storeysAbove: 4, heightM: 30, side: 10 },
      { id: 'height', useCode: '411', heightM: 13.4, side: 10 },
      { id: 'default', useCode: '411', side: 10 },
      { id: 'basement', useCode: '401', storeysAbove: 2, storeysBelow: 1, side: 10 },
    ]);
    const w = new Warnings();
    assignCategories(t, loadUseMapping(), w);
    const def = new Array(12).fill(1);
    def[CATEGORY_INDEX.residential_detached] = 2;
    const counts = deriveFloorArea(t, { defaultStoreys: def }, w);
    expect(Array.from(t.floorAreaM2)).toEqual([1234, 400, 100 * storeysFromHeight(13.4), 200, 200]);
    expect(Array.from(t.floorAreaRule)).toEqual([0, 1, 2, 3, 1]);
    expect(counts).toEqual({ given: 1, storeys: 2, height: 1, default: 1 });
    expect(w.count('floor-area-default')).toBe(1);
    const withBasement = deriveFloorArea(t, { defaultStoreys: def, includeBasement: true }, new Warnings());
    expect(t.floorAreaM2[4]).toBe(300);
    expect(withBasement.storeys).toBe(2);
  });
});

describe('use taxonomy', () => {
  it('maps PLATEAU and OSM codes, counts missing and unmapped codes', () => {
    const t = table([
      { id: 'a', useCode: '412', side: 5 },
      { id: 'b', useCode: '422', side: 5 },
      { id: 'c', useCode: '', side: 5 },
      { id: 'd', useCode: '999', side: 5 },
    ]);
    const w = new Warnings();
    const counts = assignCategories(t, loadUseMapping(), w);
    expect(t.category[0]).toBe(CATEGORY_INDEX.residential_apartment);
    expect(t.category[1]).toBe(CATEGORY_INDEX.education);
    expect(t.category[2]).toBe(CATEGORY_INDEX.unknown);
    expect(t.category[3]).toBe(CATEGORY_INDEX.unknown);
    expect(w.counts()).toEqual({ 'use-missing': 1, 'use-unmapped': 1 });
    expect(counts.unknown).toBe(2);
    const o = table([
      { id: 'h', useCode: 'house', side: 5 },
      { id: 's', useCode: 'shop=bakery', side: 5 },
      { id: 'g', useCode: 'garage', side: 5 },
    ], 'osm');
    assignCategories(o, loadUseMapping(), new Warnings());
    expect(Array.from(o.category)).toEqual([CATEGORY_INDEX.residential_detached, CATEGORY_INDEX.commercial, CATEGORY_INDEX.unheated]);
  });
});
