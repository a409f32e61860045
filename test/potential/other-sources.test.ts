/**
 * Seed 000's other unused sources (issue 19): each layer's formula on hand-made inputs, checked against hand
 * arithmetic, the bad inputs the issue names, and how the bands join potential.tif's overlay.
 */
import { describe, expect, it } from 'vitest';
import { biomassSources, netCalorificMJPerKg } from '../../engine/potential/biomass.js';
import { computePotentials, OTHER_SOURCES } from '../../engine/potential/compute.js';
import { hotSpringKw, hotSpringSources } from '../../engine/potential/hot-spring.js';
import { seaWaterSources } from '../../engine/potential/sea-water.js';
import { seasonHours, snowColdMWh, snowIceSources } from '../../engine/potential/snow-ice.js';
import { transformerSources } from '../../engine/potential/transformer-heat.js';
import type { SourceFeature } from '../../engine/potential/vector-input.js';
import { POTENTIAL_BANDS } from '../../engine/run/contract.js';
import { Warnings } from '../../engine/util/warnings.js';
import { RIVER_DEFAULTS } from '../../engine/potential/river.js';
import { SEA_WATER_DEFAULTS } from '../../engine/potential/other-defaults.js';
import { CRITICAL_DEFAULTS } from '../../engine/platform/critical.js';
import { stages } from '../../engine/stages/index.js';

const pt = (id: string, x: number, y: number, props: Record<string, unknown>): SourceFeature => ({ id, props, lines: [], polygons: [], points: [x, y] });
const line = (id: string, coords: number[], props: Record<string, unknown>): SourceFeature => ({ id, props, lines: [Float64Array.from(coords)], polygons: [], points: [] });
const square = (id: string, x: number, y: number, side: number, props: Record<string, unknown>): SourceFeature => ({
  id,
  props,
  lines: [],
  polygons: [[Float64Array.from([x, y, x + side, y, x + side, y + side, x, y + side])]],
  points: [],
});

describe('sea water: Q = rho cp V dT, dT = min(T - 2, 6) K by month', () => {
  it('design kW at the coldest month, MWh/a over the months (hand computed)', () => {
    const temps = [5, 4, 6, 9, 14, 18, 22, 25, 23, 18, 12, 7];
    const w = new Warnings();
    const [s] = seaWaterSources([line('c', [0, 0, 1000, 0], { intake_m3s: 1 })], w, { seaTempC: temps });
    // coldest month 4 °C: dT = 2 K; 1,025 kg/m³ x 3.99 kJ/(kg·K) x 1 m³/s x 2 K = 8,179.5 kW
    expect(s!.dTK).toBe(2);
    expect(s!.kw).toBeCloseTo(8179.5, 6);
    const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const mwh = temps.reduce((q, t, m) => q + (1025 * 3.99 * Math.min(t - 2, 6) * days[m]! * 24) / 1000, 0);
    expect(s!.mwhA).toBeCloseTo(mwh, 6);
    expect(w.count()).toBe(0);
  });
  it('an intake flow from the option; without a temperature the 6 K cap, counted', () => {
    const w = new Warnings();
    const [s] = seaWaterSources([line('c', [0, 0, 10, 0], {})], w, { intakeM3s: 0.5 });
    expect(s!.flowSource).toBe('option');
    expect(s!.kw).toBeCloseTo(1025 * 3.99 * 0.5 * 6, 6);
    expect(w.count('sea-no-temperature')).toBe(1);
  });
  it('no intake flow anywhere: InputError naming the file', () => {
    expect(() => seaWaterSources([line('c', [0, 0, 10, 0], {})], new Warnings(), { file: 'coast.geojson' })).toThrow(expect.objectContaining({ name: 'InputError', code: 'sea-no-flow', file: 'coast.geojson' }));
  });
});

describe('hot springs: rho cp V (T - T_return)', () => {
  it('300 L/min at 45 °C down to 15 °C = 627.9 kW; m³/day flows too', () => {
    expect(hotSpringKw(300, 45, 15)).toBeCloseTo((300 / 60_000) * 1000 * 4.186 * 30, 9);
    expect(hotSpringKw(300, 45, 15)).toBeCloseTo(627.9, 6);
    const s = hotSpringSources([pt('a', 1, 2, { flow_l_min: 300, temp_c: 45 }), pt('b', 3, 4, { flow_m3d: 144, temp_c: 25 })], new Warnings());
    // 144 m³/day = 100 L/min; 10 K: 69.77 kW; all year
    expect(s[1]!.flowLMin).toBeCloseTo(100, 9);
    expect(s[1]!.kw).toBeCloseTo((100 / 60_000) * 1000 * 4.186 * 10, 9);
    expect(s[0]!.mwhA).toBeCloseTo((627.9 * 8760) / 1000, 6);
  });
  it('a point without temperature: InputError naming the file and the record', () => {
    const f = [pt('spring-1', 0, 0, { flow_l_min: 300, temp_c: 45 }), pt('spring-2', 0, 0, { flow_l_min: 100 })];
    let err: unknown;
    try {
      hotSpringSources(f, new Warnings(), { file: 'springs.geojson' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'InputError', code: 'hot-spring-no-temperature', file: 'springs.geojson', record: 'spring-2' });
    expect(String((err as Error).message)).toMatch(/springs\.geojson.*spring-2.*temperature/);
  });
  it('a point without flow is an error too; a spring below the return temperature gives 0 kW, counted', () => {
    expect(() => hotSpringSources([pt('x', 0, 0, { temp_c: 40 })], new Warnings(), { file: 'f' })).toThrow(expect.objectContaining({ code: 'hot-spring-no-flow', record: 'x' }));
    const w = new Warnings();
    const [s] = hotSpringSources([pt('c', 0, 0, { flow_l_min: 50, temp_c: 12 })], w);
    expect(s!.kw).toBe(0);
    expect(w.count('hot-spring-below-return')).toBe(1);
  });
});

describe('snow and ice: V rho L_f over the melt season', () => {
  it('1,000 m³ at 500 kg/m³ = 46.33 MWh of cold; June-September 2,928 h', () => {
    expect(snowColdMWh(1000, 500)).toBeCloseTo((1000 * 500 * 333.55) / 3.6e6, 9);
    expect(seasonHours(6, 9)).toBe((30 + 31 + 31 + 30) * 24);
    expect(seasonHours(11, 2)).toBe((30 + 31 + 31 + 28) * 24);
    const [s] = snowIceSources([pt('yard', 0, 0, { volume_m3: 1000 })], new Warnings());
    expect(s!.mwhA).toBeCloseTo(46.326, 3);
    expect(s!.kw).toBeCloseTo((46.326389 * 1000) / 2928, 3);
    // a site's own density and a polygon site at its centroid
    const [p] = snowIceSources([square('pile', 0, 0, 10, { volume_m3: 100, density_kg_m3: 917 })], new Warnings(), { usableShare: 0.5, meltStartMonth: 7, meltEndMonth: 7 });
    expect(p!.x).toBeCloseTo(5, 9);
    expect(p!.mwhA).toBeCloseTo((100 * 917 * 333.55 * 0.5) / 3.6e6, 9);
    expect(p!.kw).toBeCloseTo((p!.mwhA * 1000) / (31 * 24), 9);
  });
  it('a site without volume: InputError naming the record', () => {
    expect(() => snowIceSources([pt('s', 0, 0, {})], new Warnings(), { file: 'snow.geojson' })).toThrow(expect.objectContaining({ code: 'snow-no-volume', file: 'snow.geojson', record: 's' }));
  });
});

describe('biomass: forest area x yield x NCV (ISO 18125) x efficiency / full-load hours', () => {
  it('a 1 km x 1 km forest at 2 t/(ha·a): hand computed', () => {
    const ncv = 19 * 0.65 - 2.443 * 0.35;
    expect(netCalorificMJPerKg(19, 0.35)).toBeCloseTo(ncv, 12);
    const [b] = biomassSources([square('forest', 0, 0, 1000, {})], new Warnings(), { yieldTPerHaA: 2 });
    expect(b!.areaHa).toBeCloseTo(100, 9);
    // 200 t/a x 11.495 MJ/kg = 2,299 GJ/a = 638.6 MWh/a of fuel; x 0.8; / 1,800 h
    expect(b!.fuelMWhA).toBeCloseTo((200 * ncv) / 3.6, 9);
    expect(b!.mwhA).toBeCloseTo((200 * ncv * 0.8) / 3.6, 9);
    expect(b!.kw).toBeCloseTo(((200 * ncv * 0.8) / 3.6 / 1800) * 1000, 9);
    expect(b!.x).toBeCloseTo(500, 9);
  });
  it('no yield: InputError naming the forest', () => {
    expect(() => biomassSources([square('f1', 0, 0, 10, {})], new Warnings(), { file: 'forest.geojson' })).toThrow(expect.objectContaining({ code: 'biomass-no-yield', record: 'f1' }));
  });
});

describe('transformer heat: loss kW, else rating kVA x loss share', () => {
  it('10 MVA x 0.005 = 50 kW; a measured loss wins; no rating is an error', () => {
    const s = transformerSources([pt('t1', 0, 0, { rating_mva: 10 }), pt('t2', 0, 0, { rating_kva: 5000, loss_kw: 30 })], new Warnings());
    expect(s[0]!.kw).toBeCloseTo(50, 12);
    expect(s[0]!.mwhA).toBeCloseTo(438, 9);
    expect(s[1]!.kw).toBe(30);
    expect(s[1]!.kwSource).toBe('loss');
    expect(() => transformerSources([pt('t3', 0, 0, {})], new Warnings(), { file: 'sub.geojson' })).toThrow(expect.objectContaining({ code: 'transformer-no-rating', record: 't3' }));
  });
});

describe('the other sources in the overlay', () => {
  // 5 x 1 cells of 100 m; x0 = 0, y0 = 100: cell centres at x = 50, 150, ..., y = 50
  const grid = { crs: 'EPSG:6669', x0: 0, y0: 100, cellSize: 100, width: 5, height: 1 };
  const heat = [100, 100, 100, 100, 100];
  const peak = [50, 50, 50, 50, 50];
  it('bands after suitability in contract order; points add up, the coast takes its best intake; snow stays out of coverage', () => {
    const w = new Warnings();
    const r = computePotentials(grid, { heatMWh: heat, peakKw: peak }, {
      hotSpring: hotSpringSources([pt('a', 50, 50, { flow_l_min: 60, temp_c: 25 }), pt('b', 60, 50, { flow_l_min: 60, temp_c: 25 })], w),
      snowIce: snowIceSources([pt('s', 450, 50, { volume_m3: 10_000 })], w),
      transformer: transformerSources([pt('t', 250, 50, { loss_kw: 20 })], w),
    }, { hotSpringAccessM: 100, snowAccessM: 0, transformerAccessM: 0 });
    expect(r.names).toEqual(POTENTIAL_BANDS.map((b) => b.name));
    expect(r.names.slice(6)).toEqual(OTHER_SOURCES.map((o) => o.band));
    const band = (n: string) => r.bands[r.names.indexOf(n)]!;
    const one = (60 / 60_000) * 1000 * 4.186 * 10; // 41.86 kW per spring
    // springs at x = 50 and 60 reach the cells whose centre is within 100 m: cells 0 and 1 (centre 150: 100 and 90 m)
    expect([...band('hot_spring_kW')].map((v) => +v.toFixed(6))).toEqual([2 * one, 2 * one, 0, 0, 0].map((v) => +v.toFixed(6)));
    expect(band('transformer_kW')[2]).toBe(20);
    expect(band('snow_ice_kW')[4]).toBeGreaterThan(0);
    expect(Number.isNaN(band('sea_water_kW')[0]!)).toBe(true);
    expect(Number.isNaN(band('biomass_kW')[0]!)).toBe(true);
    const cov = r.bands[4]!;
    expect(cov[0]).toBeCloseTo((2 * one) / 50, 9);
    expect(cov[2]).toBeCloseTo(20 / 50, 9);
    // snow/ice is cold: the cell with only snow has no heat coverage
    expect(cov[4]).toBe(0);
    expect(r.summary.otherSources.snow_ice).toMatchObject({ given: true, cold: true, cellsCovered: 1, items: 1 });
    expect(r.summary.otherSources.hot_spring.kw).toBeCloseTo(2 * one, 9);
    expect(r.summary.otherSources.hot_spring.cellsCovered).toBe(2);
    expect(r.summary.cellsCovered).toBe(3);
    expect(r.summary.otherSources.sea_water.given).toBe(false);
  });
  it('the coast: each cell within reach takes the largest intake', () => {
    const r = computePotentials(grid, { heatMWh: heat, peakKw: peak }, {
      seaWater: seaWaterSources([line('big', [0, 0, 100, 0], { intake_m3s: 1 }), line('small', [0, 0, 500, 0], { intake_m3s: 0.1 })], new Warnings(), { seaTempC: [8] }),
    }, { seaAccessM: 60 });
    const b = r.bands[r.names.indexOf('sea_water_kW')]!;
    const big = 1025 * 3.99 * 6, small = 0.1 * big;
    expect(b[0]).toBeCloseTo(big, 6);
    expect(b[4]).toBeCloseTo(small, 6);
    expect(r.summary.otherSources.sea_water.kw).toBeCloseTo(big + small, 6);
  });
});

describe('defaults shown by the option table', () => {
  it('mirror the implementation: the sea cap is the river cap; the critical uses are the platform default', () => {
    expect(SEA_WATER_DEFAULTS.maxDTK).toBe(RIVER_DEFAULTS.maxDTK);
    expect(stages.potential.fields.criticalUses.default).toEqual(CRITICAL_DEFAULTS.uses);
  });
});

describe('options of a source without its layer', () => {
  it('are a usage error before anything is read', async () => {
    const { runStage } = await import('../../engine/stages/index.js');
    await expect(runStage('potential', '/nonexistent/run', { sewers: __filename, seaTemp_C: [9], seaIntake_m3_s: 1 })).rejects.toMatchObject({
      name: 'UsageError',
      code: 'source-option-without-layer',
      message: expect.stringMatching(/seaIntake_m3_s, seaTemp_C are options of seaWater \(--sea-water\)/),
    });
    await expect(runStage('potential', '/nonexistent/run', { sewers: __filename, biomassYield_t_ha_a: 2 })).rejects.toMatchObject({ code: 'source-option-without-layer' });
  });
});
