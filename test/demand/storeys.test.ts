/**
 * Storey height by use (issue 11 step 4) and unknown use as its own category: hand-computed buildings.
 */
import { describe, expect, it } from 'vitest';
import { deriveFloorArea, storeysFromHeight } from '../../engine/buildings/floor-area.js';
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, CATEGORY_INDEX, type UseCategory } from '../../engine/buildings/table.js';
import { assignCategories, loadUseMapping } from '../../engine/buildings/use-taxonomy.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { computeDemand } from '../../engine/demand/annual.js';
import { loadClimate, loadIntensity } from '../../engine/demand/tables.js';
import { Warnings } from '../../engine/util/warnings.js';

const intensity = loadIntensity();
const byUse = {
  defaultStoreys: intensity.map((r) => r.defaultStoreys),
  storeyHeightByCategory: intensity.map((r) => r.storeyHeightM),
  heightOffsetByCategory: intensity.map((r) => r.heightOffsetM),
};

/** Buildings of 20 x 20 m (400 m² footprint) with a measured height and no storeys or floor area. */
function withHeight(list: [UseCategory | undefined, number, string?][]) {
  const b = new BuildingTableBuilder({ ...lookupEpsg(6677)! });
  b.beginFile('mem', 'plateau');
  list.forEach(([category, h, useCode], k) => b.add({ id: `b${k}`, ...(category ? { category } : {}), heightM: h, useCode: useCode ?? '' }, [[[0, 0, 20, 0, 20, 20, 0, 20]]]));
  const t = b.finish();
  computeFootprints(t);
  return t;
}

describe('storeys from height by use', () => {
  it('a 30 m apartment block has 10 storeys of 2.95 m, a 30 m office 6 of 4.2 m (PLATEAU rule), by hand', () => {
    const t = withHeight([['residential_apartment', 30], ['office', 30], ['residential_detached', 6.5], ['lodging', 30]]);
    deriveFloorArea(t, byUse, new Warnings());
    expect(Array.from(t.storeysUsed)).toEqual([10, 1 + Math.floor((30 - 4.89) / 4.2), 2, 6]);
    expect(t.floorAreaM2[0]).toBeCloseTo(400 * 10, 9);
    expect(t.floorAreaM2[1]).toBeCloseTo(400 * 6, 9);
    expect(storeysFromHeight(30, 2.95, 2.95)).toBe(10);
  });

  it('the table documents each storey height; a global storey height overrides every use', () => {
    const apt = intensity[CATEGORY_INDEX.residential_apartment]!;
    expect(apt.storeyHeightM).toBeGreaterThanOrEqual(2.9);
    expect(apt.storeyHeightM).toBeLessThanOrEqual(3.0);
    const office = intensity[CATEGORY_INDEX.office]!;
    expect(office.storeyHeightM).toBeGreaterThanOrEqual(3.8);
    expect(office.storeyHeightM).toBeLessThanOrEqual(4.2);
    for (const r of intensity) expect(r.storeySource.length, r.category).toBeGreaterThan(0);
    const t = withHeight([['residential_apartment', 30], ['office', 30]]);
    deriveFloorArea(t, { ...byUse, storeyHeightM: 3, heightOffsetM: 3 }, new Warnings());
    expect(Array.from(t.storeysUsed)).toEqual([10, 10]);
  });
});

describe('unknown use', () => {
  it('a building without use stays unknown, gets the unknown row and is counted, not a detached house', () => {
    const t = withHeight([[undefined, 9], [undefined, 9, '461']]);
    const w = new Warnings();
    const counts = assignCategories(t, loadUseMapping(), w);
    expect(counts.unknown).toBe(2);
    expect(counts.residential_detached).toBe(0);
    expect(w.counts()['use-missing']).toBe(1);
    deriveFloorArea(t, byUse, w);
    // 9 m at the PLATEAU rule: 1 + floor(4.11 / 4.2) = 1 storey (a detached house would get floor(9 / 2.95) = 3)
    expect(t.storeysUsed[0]).toBe(1);
    const r6 = loadClimate().find((r) => r.region === 6)!;
    computeDemand(t, intensity, { climate: r6 });
    const row = intensity[CATEGORY_INDEX.unknown]!;
    expect(t.spaceHeatMWh[0]).toBeCloseTo((400 * row.spaceHeatRefKwhM2a) / 1000, 9);
    expect(row.source).toMatch(/unknown use/);
  });
});
