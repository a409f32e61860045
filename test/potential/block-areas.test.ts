import { describe, expect, it } from 'vitest';
import { blockAreas, polygonsDistance, type AreaUnit } from '../../engine/potential/block-areas.js';
import { effectiveWidthM, perssonWerner } from '../../engine/potential/persson-werner.js';

const sq = (x: number, y: number, s: number): Float64Array[][] => [[Float64Array.from([x, y, x + s, y, x + s, y + s, x, y + s])]];

describe('Persson & Werner', () => {
  it('effective width, trench, linear density, diameter and cost by hand', () => {
    expect(effectiveWidthM(0.2)).toBeCloseTo(32.5, 12);
    expect(effectiveWidthM(0.4)).toBeCloseTo(60, 12);
    expect(effectiveWidthM(0.5)).toBe(60);
    // 1 ha, e = 0.2: w = 32.5 m, trench = 10000 / 32.5 = 307.69 m; 1,000 MWh/a -> 3.25 MWh/(m·a) = 11.7 GJ/m
    const p = perssonWerner(10_000, 2_000, 1000);
    expect(p.trenchM).toBeCloseTo(10_000 / 32.5, 9);
    expect(p.linearHeatDensityMWhPerM).toBeCloseTo(3.25, 9);
    expect(p.diameterM).toBeCloseTo(0.0486 * Math.log(11.7) + 0.0007, 12); // the 0.0007 intercept, not Hotmaps' slope
    expect(p.capitalEur).toBeCloseTo(p.trenchM * (212 + 4464 * p.diameterM), 6);
    expect(perssonWerner(10_000, 2_000, 100).diameterM).toBe(0.02); // 1.17 GJ/m < 1.5
  });
});

describe('blockAreas', () => {
  // three 100 m blocks along a street (20 m gaps), one far away; e = 1 (w = 60 m, trench 166.7 m per block)
  const units: AreaUnit[] = [
    { id: 'a', landM2: 10_000, floorM2: 10_000, heatMWh: 900, peakKw: 400, polygons: sq(0, 0, 100) },
    { id: 'b', landM2: 10_000, floorM2: 10_000, heatMWh: 800, peakKw: 300, polygons: sq(120, 0, 100) },
    { id: 'c', landM2: 10_000, floorM2: 10_000, heatMWh: 100, peakKw: 50, polygons: sq(240, 0, 100) }, // 10 kWh/m²: fails
    { id: 'd', landM2: 10_000, floorM2: 10_000, heatMWh: 1000, peakKw: 6000, polygons: sq(1000, 1000, 100) },
  ];
  it('qualifies blocks by land and linear density, joins neighbours across a street', () => {
    const r = blockAreas(units);
    expect(r.qualifying).toBe(3);
    expect(r.areas.length).toBe(2);
    const [ab, d] = r.areas;
    expect(ab!.units).toEqual(['a', 'b']);
    expect(ab!.heatMWh).toBe(1700);
    expect(ab!.distribution.trenchM).toBeCloseTo(2 * (10_000 / 60), 9);
    expect(ab!.distribution.linearHeatDensityMWhPerM).toBeCloseTo(1700 / (20_000 / 60), 9);
    expect(ab!.heatSupplyAct).toBe(false);
    expect(d!.heatSupplyAct).toBe(true); // 6,000 kW >= 21 GJ/h = 5,833 kW
    expect(r.totalDemandMWh).toBe(2800);
    expect(r.areasDemandMWh).toBe(2700);
    expect([...r.unitArea]).toEqual([1, 1, 0, 2]);
  });

  it('a narrower gap option splits the street; the area threshold drops small areas; linear threshold applies', () => {
    expect(blockAreas(units, { gapM: 10 }).areas.length).toBe(3);
    expect(blockAreas(units, { areaThresholdGWh: 1.5 }).areas.map((a) => a.units)).toEqual([['a', 'b']]);
    // the densest block has 1,000 MWh over 166.7 m = 6 MWh/m: a linear threshold of 6.5 fails all
    expect(blockAreas(units, { linearThresholdMWhPerM: 6.5 }).areas.length).toBe(0);
  });

  it('cell units join as 8-neighbours', () => {
    const cells: AreaUnit[] = [0, 4, 5, 9].map((c) => ({ id: `c${c}`, cell: c, landM2: 10_000, heatMWh: 2000 }));
    const r = blockAreas(cells, { gridWidth: 4 });
    // cells 0 (0,0), 4 (0,1), 5 (1,1), 9 (1,2): one chain; without floor area w = 60 m
    expect(r.areas.length).toBe(1);
    expect(r.unitsWithoutFloorArea).toBe(4);
    // cell 3 (3,0) and 4 (0,1) are not neighbours across the row wrap
    const wrap = blockAreas([3, 4].map((c) => ({ id: `c${c}`, cell: c, landM2: 10_000, heatMWh: 2000 })), { gridWidth: 4 });
    expect(wrap.areas.length).toBe(2);
  });

  it('polygon distance', () => {
    expect(polygonsDistance(sq(0, 0, 10), sq(13, 0, 10))).toBeCloseTo(3, 12);
    expect(polygonsDistance(sq(0, 0, 10), sq(2, 2, 3))).toBe(0);
  });
});
