import { describe, expect, it } from 'vitest';
import { sewagePipes, waterHeatKw, type KnownFlow } from '../../engine/potential/sewage.js';
import { riverDeltaT, riverSources } from '../../engine/potential/river.js';
import { conductivityToWPerM, groundKw } from '../../engine/potential/ground.js';
import { wasteHeatSources } from '../../engine/potential/waste-heat.js';
import { computePotentials } from '../../engine/potential/compute.js';
import { spreadWithinReach } from '../../engine/potential/reach.js';
import type { SourceFeature } from '../../engine/potential/vector-input.js';
import { Warnings } from '../../engine/util/warnings.js';
import type { GridSpec } from '../../engine/grid/grid.js';

const line = (id: string, xy: number[], props: Record<string, unknown> = {}): SourceFeature => ({ id, props, lines: [Float64Array.from(xy)], polygons: [], points: [] });
const grid: GridSpec = { crs: 'EPSG:6677', x0: 0, y0: 1000, cellSize: 100, width: 10, height: 10 };

describe('sewage', () => {
  it('a pipe with 1,000 m³/day at 5 K gives 1000·1000·4.186·5/86400 kW (≈ 0.24 MW, METHODS.md)', () => {
    const w = new Warnings();
    const p = sewagePipes([line('p1', [0, 0, 100, 0], { flow_m3d: 1000 })], [], undefined, w);
    expect(p[0]!.kw).toBeCloseTo((1000 * 1000 * 4.186 * 5) / 86400, 9);
    expect(p[0]!.kw).toBeCloseTo(242.245, 2);
    expect(p[0]!.mwhA).toBeCloseTo((p[0]!.kw * 8760) / 1000, 9);
    expect(waterHeatKw(1, 5)).toBeCloseTo(20_930, 6);
  });

  it('winter and summer flows: MWh/a over the winter hours and the rest', () => {
    const p = sewagePipes([line('p', [0, 0, 10, 0], { flow_winter: 864, flow_summer: 432 })], [], undefined, new Warnings(), { winterHours: 4000 });
    const kwW = (1000 * 4.186 * 864 * 5) / 86400;
    expect(p[0]!.kw).toBeCloseTo(kwW, 9);
    expect(p[0]!.mwhA).toBeCloseTo((kwW * 4000 + (kwW / 2) * 4760) / 1000, 9);
  });

  it('allocates a known flow along the tree by upstream floor area', () => {
    // trunk from plant (0,0) to junction (100,0); branches to (200,50) and (200,-50)
    const feats = [line('trunk', [0, 0, 100, 0]), line('north', [100, 0, 200, 50]), line('south', [100, 0, 200, -50])];
    const known: KnownFlow[] = [{ id: 'plant', x: 0, y: 0, flowM3PerDay: 1000 }];
    // buildings: 100 m² by the north branch, 300 m² by the south branch, 100 m² by the trunk
    const b = { x: [180, 180, 50], y: [50, -50, 5], floorM2: [100, 300, 100] };
    const w = new Warnings();
    const p = sewagePipes(feats, known, b, w);
    const flow = Object.fromEntries(p.map((q) => [q.id, q.flowM3PerDay]));
    expect(flow.trunk).toBeCloseTo(1000, 9);
    expect(flow.north).toBeCloseTo(200, 9);
    expect(flow.south).toBeCloseTo(600, 9);
    expect(p.every((q) => q.flowSource === 'allocated')).toBe(true);
  });

  it('bad input: negative flow is an error; no flow and no way to allocate one is an error', () => {
    expect(() => sewagePipes([line('p', [0, 0, 1, 0], { flow: -5 })], [], undefined, new Warnings(), { file: 's.geojson' })).toThrowError(/s.geojson: record p: sewer flow must be a number >= 0/);
    expect(() => sewagePipes([line('p', [0, 0, 1, 0])], [], undefined, new Warnings())).toThrowError(/no sewer has a flow/);
    // one unallocatable pipe among good ones is counted, not fatal
    const w = new Warnings();
    const p = sewagePipes([line('a', [0, 0, 1, 0], { flow: 10 }), line('b', [50, 0, 60, 0])], [], undefined, w);
    expect(p.length).toBe(1);
    expect(w.count('sewage-no-flow')).toBe(1);
  });
});

describe('river', () => {
  it('dT = min(T - 2, 6) K (PlanHeat); design on the coldest month; MWh/a over months', () => {
    expect(riverDeltaT(7)).toBe(5);
    expect(riverDeltaT(15)).toBe(6);
    expect(riverDeltaT(1)).toBe(0);
    const temps = [4, 5, 7, 10, 14, 18, 22, 24, 20, 15, 10, 6];
    const r = riverSources([line('r', [0, 0, 100, 0], { flow_m3s: 2 })], new Warnings(), { waterTempC: temps });
    expect(r[0]!.dTK).toBe(2);
    expect(r[0]!.kw).toBeCloseTo(2 * 1000 * 4.186 * 2, 9);
    const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const mwh = temps.reduce((s, t, m) => s + (2 * 1000 * 4.186 * Math.max(0, Math.min(t - 2, 6)) * days[m]! * 24) / 1000, 0);
    expect(r[0]!.mwhA).toBeCloseTo(mwh, 6);
  });

  it('flow by class, default flow, and the error when no feature has any', () => {
    const w = new Warnings();
    const r = riverSources([line('a', [0, 0, 1, 0], { class: 'river' }), line('b', [0, 0, 1, 0])], w, { flowByClass: { river: 3 }, waterTempC: 8 });
    expect(r.length).toBe(1);
    expect(r[0]!.flowSource).toBe('class');
    expect(w.count('river-no-flow')).toBe(1);
    expect(() => riverSources([line('a', [0, 0, 1, 0])], new Warnings())).toThrowError(/no water body has a flow/);
    expect(() => riverSources([line('a', [0, 0, 1, 0], { flow: -1 })], new Warnings())).toThrowError(/>= 0 m³\/s/);
  });
});

describe('ground and waste heat', () => {
  it('50 W/m x 100 m x (100 m / 10 m)² boreholes = 500 kW per 1-ha cell', () => {
    const kw = groundKw(grid, [50, NaN], { depthM: 100, spacingM: 10 });
    expect(kw[0]).toBeCloseTo(500, 9);
    expect(kw[1]).toBeNaN();
    expect(conductivityToWPerM(2)).toBe(55);
    expect(conductivityToWPerM(0.5)).toBe(30);
    expect(conductivityToWPerM(9)).toBe(80);
  });

  it('waste heat reaches the cells whose centres are within the access distance, and adds up', () => {
    const band = new Float64Array(100);
    // point at the centre of cell (4, 4): centres within 150 m = the 3x3 block (diagonal 141 m), not 200 m away
    spreadWithinReach(grid, [450, 550], 1000, 150, band, 'sum');
    spreadWithinReach(grid, [450, 550], 500, 150, band, 'sum');
    expect(band.filter((v) => v > 0).length).toBe(9);
    expect(band[4 * 10 + 4]).toBe(1500);
    const w = new Warnings();
    const pts = wasteHeatSources([{ id: 'inc', props: { kw: 2000, temp_c: 80 }, lines: [], polygons: [], points: [10, 20] }, { id: 'x', props: {}, lines: [], polygons: [], points: [0, 0] }], w);
    expect(pts.length).toBe(1);
    expect(pts[0]!.mwhA).toBe(2000 * 8.76);
    expect(w.count('waste-heat-no-kw')).toBe(1);
  });
});

describe('computePotentials overlay', () => {
  it('coverage and suitability classes by the written rules', () => {
    const heat = new Float64Array(100);
    const peak = new Float64Array(100);
    heat[0] = 500; // dense (>= 333 MWh/ha on a 1-ha cell), near the waste heat point
    peak[0] = 200;
    heat[99] = 500; // dense, nothing within reach
    peak[99] = 100;
    heat[50] = 100; // not dense
    peak[50] = 50;
    heat[1] = 400; // dense, partly covered
    peak[1] = 1000;
    const r = computePotentials(grid, { heatMWh: heat, peakKw: peak }, {
      wasteHeat: [{ id: 'w', x: 60, y: 960, kw: 300, mwhA: 0 }],
    }, { wasteHeatAccessM: 100 });
    const [sew, riv, gr, waste, cov, cls] = r.bands;
    expect(sew![0]).toBeNaN();
    expect(riv![0]).toBeNaN();
    expect(gr![0]).toBeNaN();
    expect(waste![0]).toBe(300);
    expect(cov![0]).toBeCloseTo(1.5, 12);
    expect(cls![0]).toBe(4);
    expect(cov![1]).toBeCloseTo(0.3, 12);
    expect(cls![1]).toBe(3);
    expect(cls![99]).toBe(2);
    expect(cls![50]).toBe(1);
    expect(cls![2]).toBe(0);
    expect(r.summary.sources.waste_heat.kw).toBe(300);
    expect(r.summary.sources.waste_heat.cellsCovered).toBe(2);
    expect(r.summary.cellsCovered).toBe(2);
    expect(r.summary.suitability.counts).toEqual({ '0': 96, '1': 1, '2': 1, '3': 1, '4': 1 });
  });

  it('a sewer network counts its largest pipe once in the total, not the sum along the chain', () => {
    const pipes = sewagePipes(
      [line('a', [50, 950, 150, 950], { flow: 1000 }), line('b', [150, 950, 250, 950], { flow: 2000 }), line('c', [800, 200, 900, 200], { flow: 100 })],
      [],
      undefined,
      new Warnings(),
    );
    const r = computePotentials(grid, { heatMWh: new Float64Array(100) }, { sewage: pipes });
    expect(r.summary.sources.sewage.kw).toBeCloseTo(waterHeatKw(2100 / 86400, 5), 9);
    expect(r.bands[0]![0]).toBeCloseTo(waterHeatKw(2000 / 86400, 5), 9); // pipe b's end is 100 m from the cell centre: the larger flow wins
    expect(r.bands[0]![3]).toBeCloseTo(waterHeatKw(2000 / 86400, 5), 9);
    expect(r.bands[0]![7 * 10 + 8]).toBeCloseTo(waterHeatKw(100 / 86400, 5), 9);
    expect(r.bands[0]![5 * 10 + 5]).toBe(0);
  });

  it('a river polygon lights the cells on the water and within reach of the bank', () => {
    const river = riverSources([{ id: 'r', props: { flow: 1 }, lines: [], polygons: [[Float64Array.from([300, 300, 700, 300, 700, 400, 300, 400])]], points: [] }], new Warnings(), { waterTempC: 8 });
    const r = computePotentials(grid, { heatMWh: new Float64Array(100) }, { river }, { riverAccessM: 0 });
    const lit = [...r.bands[1]!].filter((v) => v > 0).length;
    expect(lit).toBeGreaterThanOrEqual(4);
    expect(r.bands[1]![6 * 10 + 4]).toBeCloseTo(waterHeatKw(1, 6), 9); // cell col 4 row 6 lies on the water
  });
});
