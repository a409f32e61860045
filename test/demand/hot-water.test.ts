/**
 * Hot water (issue 11 step 3): residential per person and dwelling, non-residential per served room area; the
 * residential value per dwelling against the national average the MoE household statistics imply (region 6).
 */
import { oneBuilding } from '../helpers/one-building.js';
import { describe, expect, it } from 'vitest';
import { CATEGORY_INDEX, type UseCategory } from '../../engine/buildings/table.js';
import { computeDemand, dwellingsOf, mainsWaterTemp } from '../../engine/demand/annual.js';
import { loadClimate, loadIntensity } from '../../engine/demand/tables.js';


const intensity = loadIntensity();
const regions = loadClimate();
const region = (n: number) => regions.find((r) => r.region === n)!;
/** The per-dwelling basis (the default; given explicitly so that these hand computations say which rule they check). */
const PD = { residentialHotWater: 'per-dwelling' } as const;
/** kWh per litre heated from the region's mains temperature to 43 °C. */
const kwhPerL = (n: number) => (4.2 * (43 - mainsWaterTemp(region(n)))) / 3600;

describe('residential hot water per person and dwelling', () => {
  it('a detached house of 120 m² in region 6 is one dwelling of 2.2 persons at 92.8 L/person·day (by hand)', () => {
    const t = oneBuilding('residential_detached', 120);
    computeDemand(t, intensity, { climate: region(6), ...PD });
    const tw = 0.8516 * 16.2 + 2.473; // 16.27 °C
    const hand = (1 * 2.2 * 92.8 * 365 * 4.2 * (43 - tw)) / 3600 / 1000; // MWh/a
    expect(t.hotWaterMWh[0]).toBeCloseTo(hand, 9);
    expect(hand).toBeCloseTo(2.324, 3);
    // a larger house is still one dwelling: hot water does not scale with floor area
    const big = oneBuilding('residential_detached', 240);
    computeDemand(big, intensity, { climate: region(6), ...PD });
    expect(big.hotWaterMWh[0]).toBeCloseTo(hand, 9);
  });

  it('within ±25 % of the MoE FY2022 national average per household in region 6 (28.86 GJ, hot water 28-30 %)', () => {
    const t = oneBuilding('residential_detached', 120);
    computeDemand(t, intensity, { climate: region(6), ...PD });
    const moeKwh = (28.86e6 * 0.29) / 3600; // 2,325 kWh per household and year
    const ours = t.hotWaterMWh[0]! * 1000;
    expect(Math.abs(ours / moeKwh - 1)).toBeLessThanOrEqual(0.25);
    // the band of the share (28-30 %) itself is inside ±25 %
    for (const share of [0.28, 0.3]) expect(Math.abs(ours / ((28.86e6 * share) / 3600) - 1)).toBeLessThanOrEqual(0.25);
  });

  it('the regional spread follows the mains temperature only: region 1 / 6 / 8 by hand', () => {
    const perDwelling = (n: number) => {
      const t = oneBuilding('residential_detached', 100);
      computeDemand(t, intensity, { climate: region(n), ...PD });
      return t.hotWaterMWh[0]! * 1000;
    };
    const litres = 2.2 * 92.8 * 365;
    for (const n of [1, 6, 8]) expect(perDwelling(n)).toBeCloseTo(litres * kwhPerL(n), 6);
    // Kitami 3,104, Okayama 2,325, Naha 1,714 kWh per dwelling and year
    expect(perDwelling(1)).toBeCloseTo(3104, -1);
    expect(perDwelling(8)).toBeCloseTo(1714, -1);
  });

  it('an apartment block of 2,300 m² holds 25 dwellings of 92 m² (by hand); options override persons, area and litres', () => {
    const row = intensity[CATEGORY_INDEX.residential_apartment]!;
    expect(dwellingsOf(row, 2300, PD)).toBeCloseTo(25, 12);
    const t = oneBuilding('residential_apartment', 2300);
    computeDemand(t, intensity, { climate: region(6), ...PD });
    expect(t.hotWaterMWh[0]).toBeCloseTo((25 * 2.2 * 92.8 * 365 * kwhPerL(6)) / 1000, 9);
    const o = oneBuilding('residential_apartment', 2300);
    computeDemand(o, intensity, { climate: region(6), ...PD, personsPerDwelling: 3, m2PerDwelling: 46, hotWaterPerPersonLDay: 80 });
    expect(o.hotWaterMWh[0]).toBeCloseTo((50 * 3 * 80 * 365 * kwhPerL(6)) / 1000, 9);
    const d = oneBuilding('residential_apartment', 2300);
    computeDemand(d, intensity, { climate: region(6), ...PD, hotWaterPerDwellingLDay: 150 });
    expect(d.hotWaterMWh[0]).toBeCloseTo((25 * 150 * 365 * kwhPerL(6)) / 1000, 9);
    // a small block is at least one dwelling
    expect(dwellingsOf(row, 40, PD)).toBe(1);
  });
});

describe('the residential basis', () => {
  it('per-dwelling is the default; per-m2 keeps heatplan 0.1\'s 3.75 L/m²·day', () => {
    const d = oneBuilding('residential_detached', 120);
    computeDemand(d, intensity, { climate: region(6) });
    expect(d.hotWaterMWh[0]).toBeCloseTo((2.2 * 92.8 * 365 * kwhPerL(6)) / 1000, 9);
    const t = oneBuilding('residential_detached', 120);
    computeDemand(t, intensity, { climate: region(6), residentialHotWater: 'per-m2' });
    expect(t.hotWaterMWh[0]).toBeCloseTo((120 * 3.75 * 365 * kwhPerL(6)) / 1000, 9);
    expect(dwellingsOf(intensity[CATEGORY_INDEX.residential_detached]!, 120, { residentialHotWater: 'per-m2' })).toBeUndefined();
  });
});

describe('non-residential hot water per served room area', () => {
  it('an office, a hotel and a hospital in regions 6 and 7: litres per m² of served room x share (by hand)', () => {
    for (const n of [6, 7]) {
      for (const [use, fa] of [['office', 1000], ['lodging', 3000], ['medical_welfare', 2500]] as const) {
        const row = intensity[CATEGORY_INDEX[use]]!;
        const t = oneBuilding(use, fa);
        computeDemand(t, intensity, { climate: region(n), ...PD });
        expect(t.hotWaterMWh[0], `${use} region ${n}`).toBeCloseTo((fa * row.hotWaterServedShare * row.hotWaterLM2a * kwhPerL(n)) / 1000, 9);
      }
    }
    // builelib per room: hotel room 165 L/person·day x 0.07 person/m² x 365 d
    expect(intensity[CATEGORY_INDEX.lodging]!.hotWaterLM2a).toBeCloseTo(165 * 0.07 * 365, 6);
  });
});
