import { describe, expect, it } from 'vitest';
import { computeDemand, mainsWaterTemp } from '../../engine/demand/annual.js';
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, CATEGORY_INDEX } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { loadClimate, loadIntensity } from '../../engine/demand/tables.js';

function oneBuilding(category: keyof typeof CATEGORY_INDEX, side: number, floorArea: number) {
  const b = new BuildingTableBuilder({ ...lookupEpsg(6677)! });
  b.beginFile('mem', 'plateau');
  b.add({ id: 'x', category }, [[[0, 0, side, 0, side, side, 0, side]]]);
  const t = b.finish();
  computeFootprints(t);
  t.floorAreaM2[0] = floorArea;
  return t;
}

describe('computeDemand', () => {
  const intensity = loadIntensity();
  const regions = loadClimate();
  it('scales space heat linearly with HDD (uses on the degree-day model) and derives hot water from litres and mains temperature', () => {
    const r1 = regions.find((r) => r.region === 1)!;
    const t = oneBuilding('unknown', 20, 1000);
    computeDemand(t, intensity, { climate: r1 });
    const office = intensity[CATEGORY_INDEX.unknown]!; // no room type: the degree-day rule
    const sh = (1000 * office.spaceHeatRefKwhM2a * 4613) / 1822 / 1000;
    const tw = 0.6639 * r1.meanTempC + 3.466;
    const hw = (1000 * office.hotWaterLM2a * 4.2 * (43 - tw)) / 3600 / 1000;
    expect(mainsWaterTemp(r1)).toBeCloseTo(tw, 12);
    expect(t.spaceHeatMWh[0]).toBeCloseTo(sh, 9);
    expect(t.hotWaterMWh[0]).toBeCloseTo(hw, 9);
    expect(t.heatMWh[0]).toBeCloseTo(sh + hw, 9);
    const peak = ((sh * 1000) / (4613 * 24)) * (18 - r1.designTempC) + (hw * 1000) / 1500;
    expect(t.peakKw[0]).toBeCloseTo(peak, 9);
    const sq = oneBuilding('unknown', 20, 1000);
    computeDemand(sq, intensity, { climate: r1, hddScaling: 'sqrt' });
    expect(sq.spaceHeatMWh[0]).toBeCloseTo((1000 * office.spaceHeatRefKwhM2a * Math.sqrt(4613 / 1822)) / 1000, 9);
  });
  it('computes greenhouses from ground area and the Hokkaido loss coefficients', () => {
    const r1 = regions.find((r) => r.region === 1)!;
    const t = oneBuilding('greenhouse', Math.sqrt(240), 240);
    computeDemand(t, intensity, { climate: r1 });
    expect(t.spaceHeatMWh[0]).toBeCloseTo((240 * 1.9 * 4613 * 24) / 1e6, 6);
    expect(t.peakKw[0]).toBeCloseTo((240 * 5.6 * (18 - r1.designTempC)) / 1000, 6);
  });
  it('gives unheated buildings no demand', () => {
    const t = oneBuilding('unheated', 10, 100);
    computeDemand(t, intensity, { climate: regions[5]! });
    expect(t.heatMWh[0]).toBe(0);
    expect(t.peakKw[0]).toBe(0);
  });
});
