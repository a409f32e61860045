/**
 * Pipes, by hand: a three-pipe network carrying hot and chilled water (load, DN, velocity, Pa/m, W/m loss, chilled-
 * water gains, pumping head) against formulas written out here, to 1e-6; twin pipes and insulation series; the
 * supply temperature curve; pumping at part load.
 */
import { describe, expect, it } from 'vitest';
import { weatherFromArray } from '../../engine/io/weather.js';
import { mediumSetup, parseSupplyCurve, supplyAt } from '../../engine/network/medium.js';
import { planNetwork } from '../../engine/network/plan.js';
import { pumping, DEFAULT_PUMPING } from '../../engine/network/pumping.js';
import { DEFAULT_COLD_SIZING, DEFAULT_SIZING, lossCoefficient, twinRsAt } from '../../engine/network/sizing.js';
import { graphOf } from './helpers.js';

// the catalogue's inner diameters written out (EN 10220 outer diameter - 2 x wall), m
const INNER: [number, number][] = [[20, 0.0217], [25, 0.0273], [32, 0.036], [40, 0.0419], [50, 0.0539], [65, 0.0697], [80, 0.0825], [100, 0.1071]];

/** Hand sizing: smallest DN with v <= 4.7617 d^0.3701 - 0.4834 and Swamee-Jain Pa/m <= 200. */
function hand(kw: number, dT: number, rho: number, mu: number, cp: number) {
  const q = kw / (cp * dT) / rho;
  for (const [dn, d] of INNER) {
    const v = q / ((Math.PI * d * d) / 4);
    const re = (rho * v * d) / mu;
    const f = 0.25 / Math.log10(0.0001 / (3.7 * d) + 5.74 / re ** 0.9) ** 2;
    const pa = (f * rho * v * v) / (2 * d);
    if (v <= 4.7617 * d ** 0.3701 - 0.4834 && pa <= 200) return { dn, v, pa };
  }
  throw new Error('beyond the hand catalogue');
}
/** THERMOS EN 253 fit per kelvin, W/(m·K). */
const perK = (dn: number) => 0.16807 * Math.log(dn / 1000) + 0.85684;

describe('a three-pipe network by hand (hot and chilled water)', () => {
  // P(0,0) -100 m- J(100,0); J -50 m- A; J -80 m- B; consumers 5 m off the road
  const g = graphOf([[0, 0], [100, 0], [100, 50], [180, 0]], [[0, 1], [1, 2], [1, 3]]);
  const consumers = [
    { id: 'A', x: 105, y: 50, heatMWh: 300, peakKw: 100, coolMWh: 200, coolPeakKw: 150 },
    { id: 'B', x: 180, y: 5, heatMWh: 200, peakKw: 60, coolMWh: 120, coolPeakKw: 90 },
  ];
  const groundC = 20;
  const res = planNetwork(
    { graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0 }] },
    { carries: 'both', pruneBy: [], sizing: { ...DEFAULT_SIZING, groundC }, coldSizing: { ...DEFAULT_COLD_SIZING, groundC }, loads: 'diversity' },
  );
  const pipe = (to: number) => res.pipes.find((p) => p.to === to)!;
  const f2 = 0.62 + 0.38 / 2;
  const cases = [
    { name: 'P-J', to: 1, len: 100, heatKw: f2 * 160, coolKw: f2 * 240 },
    { name: 'J-A', to: 2, len: 50, heatKw: 100, coolKw: 150 },
    { name: 'J-B', to: 3, len: 80, heatKw: 60, coolKw: 90 },
  ];

  it('hot water: load, DN, velocity, Pa/m, W/m loss and MWh/a of each pipe', () => {
    expect(cases.map((c) => pipe(c.to).dn)).toEqual([40, 40, 32]);
    for (const c of cases) {
      const p = pipe(c.to);
      const h = hand(c.heatKw, 30, 977, 0.000404, 4.19);
      expect(p.designKw, c.name).toBeCloseTo(c.heatKw, 6);
      expect(p.dn, c.name).toBe(h.dn);
      expect(p.velocityMS, c.name).toBeCloseTo(h.v, 6);
      expect(p.paPerM, c.name).toBeCloseTo(h.pa, 6);
      const w = (65 - groundC) * perK(h.dn);
      expect(p.lossWPerM, c.name).toBeCloseTo(w, 6);
      expect(p.lossMWhA, c.name).toBeCloseTo((w * c.len * 8760) / 1e6, 6);
    }
  });

  it('chilled water 7/14 °C: load, DN, velocity, Pa/m, ground gain W/m and MWh/a', () => {
    for (const c of cases) {
      const p = pipe(c.to).cold!;
      const h = hand(c.coolKw, 7, 999.7, 0.001306, 4.192);
      expect(p.designKw, c.name).toBeCloseTo(c.coolKw, 6);
      expect(p.dn, c.name).toBe(h.dn);
      expect(p.velocityMS, c.name).toBeCloseTo(h.v, 6);
      expect(p.paPerM, c.name).toBeCloseTo(h.pa, 6);
      const w = (groundC - 10.5) * perK(h.dn);
      expect(p.wPerM, c.name).toBeCloseTo(w, 6);
      expect(p.mwhA, c.name).toBeCloseTo((w * c.len * 8760) / 1e6, 6);
    }
    // the smaller temperature difference needs larger chilled-water pipes for a comparable load
    expect(pipe(1).cold!.dn).toBeGreaterThan(pipe(1).dn);
  });

  it('service pipes at each consumer\'s own load are in the totals and shares of each medium', () => {
    const heat = res.summary.media!.heat!, cold = res.summary.media!.cold!;
    let mains = 0, service = 0, gMains = 0, gService = 0;
    for (const c of cases) {
      mains += ((65 - groundC) * perK(hand(c.heatKw, 30, 977, 0.000404, 4.19).dn) * c.len * 8760) / 1e6;
      gMains += ((groundC - 10.5) * perK(hand(c.coolKw, 7, 999.7, 0.001306, 4.192).dn) * c.len * 8760) / 1e6;
    }
    for (const [kw, ckw] of [[100, 150], [60, 90]] as const) {
      service += ((65 - groundC) * perK(hand(kw, 30, 977, 0.000404, 4.19).dn) * 5 * 8760) / 1e6;
      gService += ((groundC - 10.5) * perK(hand(ckw, 7, 999.7, 0.001306, 4.192).dn) * 5 * 8760) / 1e6;
    }
    expect(heat.mains_MWh_a).toBeCloseTo(mains, 6);
    expect(heat.service_MWh_a).toBeCloseTo(service, 6);
    expect(heat.lossShare).toBeCloseTo((mains + service) / (500 + mains + service), 9);
    expect(cold.mains_MWh_a).toBeCloseTo(gMains, 6);
    expect(cold.service_MWh_a).toBeCloseTo(gService, 6);
    expect(cold.lossShare).toBeCloseTo((gMains + gService) / (320 + gMains + gService), 9);
    expect(res.summary.lossShare).toBeCloseTo(heat.lossShare, 12);
  });

  it('pumping: critical path friction (supply + return, service pipe included) + substation + plant', () => {
    const heat = res.summary.media!.heat!;
    const pa = (c: (typeof cases)[number]) => hand(c.heatKw, 30, 977, 0.000404, 4.19).pa;
    const toA = 2 * (pa(cases[0]!) * 100 + pa(cases[1]!) * 50 + hand(100, 30, 977, 0.000404, 4.19).pa * 5);
    const toB = 2 * (pa(cases[0]!) * 100 + pa(cases[2]!) * 80 + hand(60, 30, 977, 0.000404, 4.19).pa * 5);
    const crit = Math.max(toA, toB);
    expect(heat.pumping.pathDp_kPa).toBeCloseTo(crit / 1000, 6);
    expect(heat.pumping.criticalConsumer).toBe(toA > toB ? 'A' : 'B');
    expect(heat.pumping.criticalPath_m).toBeCloseTo(toA > toB ? 155 : 185, 6);
    expect(heat.pumping.head_kPa).toBeCloseTo(crit / 1000 + 50 + 50, 6);
    const flow = (f2 * 160) / (4.19 * 30) / 977; // m³/s
    expect(heat.pumping.flow_m3_h).toBeCloseTo(flow * 3600, 6);
    expect(heat.pumping.power_kW).toBeCloseTo(((crit / 1000 + 100) * flow) / 0.6, 6);
    // diversity loads have no hourly series: no annual pump energy
    expect(heat.pumping.energy_MWh_a).toBeNull();
  });
});

describe('pumping at part load', () => {
  it('friction falls with the square of the flow, the differential pressure held at the critical substation does not', () => {
    const hourly = new Float64Array(10).fill(50);
    hourly[0] = 100;
    const r = pumping([{ consumer: 0, pathPa: 200_000, pathM: 1000 }], 100, hourly, { densityKgM3: 1000, cpKjKgK: 4, deltaK: 25 }, { ...DEFAULT_PUMPING, minDpKpa: 80 });
    const v = 100 / (4 * 25) / 1000; // 0.001 m³/s
    expect(r.head_kPa).toBeCloseTo(80 + 200 + 50, 9);
    expect(r.power_kW).toBeCloseTo((330 * v) / 0.6, 9);
    // hour 0 at design; 9 hours at x = 0.5: head = max(80, 50 x 0.25) + 250 x 0.25
    const part = ((80 + 250 * 0.25) * v * 0.5) / 0.6;
    expect(r.energy_MWh_a).toBeCloseTo(((330 * v) / 0.6 + 9 * part) / 1000, 12);
  });
});

describe('insulation: twin pipes and series', () => {
  it('twin pipes follow the modesto Rs catalogue: (Ts + Tr - 2 Tg) / Rs', () => {
    const ins = { series: 2 as const, twin: true, twinRs: [[20, 12.26], [50, 8.62], [100, 6.2], [200, 4.88]] as [number, number][] };
    expect(lossCoefficient(50, ins).wPerMK * 55).toBeCloseTo((80 + 50 - 20) / 8.62, 9);
    expect(lossCoefficient(200, ins).wPerMK).toBeCloseTo(2 / 4.88, 12);
    // between catalogue sizes: linear in ln DN (assumption), so DN = sqrt(50 x 100) lies half way
    expect(twinRsAt(Math.sqrt(5000))).toBeCloseTo((8.62 + 6.2) / 2, 9);
    // above DN200: no twin pipe, two single pipes with the EN 253 fit
    const big = lossCoefficient(300, ins);
    expect(big.twin).toBe(false);
    expect(big.wPerMK).toBeCloseTo(0.16807 * Math.log(0.3) + 0.85684, 12);
    // twin pipes lose less than two single series-2 pipes of the same DN
    expect(lossCoefficient(100, ins).wPerMK).toBeLessThan(lossCoefficient(100).wPerMK);
  });

  it('series 1 and 3 need a factor; the factor scales the series-2 fit', () => {
    expect(() => lossCoefficient(100, { series: 3, twin: false, twinRs: [] })).toThrow(/seriesLossFactor/);
    expect(lossCoefficient(100, { series: 3, seriesLossFactor: 0.8, twin: false, twinRs: [] }).wPerMK).toBeCloseTo(0.8 * lossCoefficient(100).wPerMK, 12);
  });

  it('a network with twin pipes loses less, and says how many pipes are twin', () => {
    const g = graphOf([[0, 0], [300, 0]], [[0, 1]]);
    const cs = [{ id: 'A', x: 300, y: 5, heatMWh: 400, peakKw: 200 }];
    const single = planNetwork({ graph: g, consumers: cs, plants: [{ id: 'P', x: 0, y: 0 }] }, { pruneBy: [] });
    const twin = planNetwork({ graph: g, consumers: cs, plants: [{ id: 'P', x: 0, y: 0 }] }, { pruneBy: [], insulation: { series: 2, twin: true, twinRs: [[20, 12.26], [50, 8.62], [100, 6.2], [200, 4.88]] } });
    expect(twin.summary.loss_MWh_a).toBeLessThan(single.summary.loss_MWh_a);
    expect(twin.summary.insulation!.twinPipes).toBe(2); // the main and the service pipe
    expect(twin.pipes[0]!.lossWPerM).toBeCloseTo((80 + 50 - 20) / twinRsAt(twin.pipes[0]!.dn)!, 9);
  });
});

describe('supply temperature as a curve of the outdoor temperature', () => {
  it('interpolates linearly, flat outside; errors name the value', () => {
    const c = parseSupplyCurve('15:65,-15:80,0:75', 50);
    expect(supplyAt(c, -20)).toBe(80);
    expect(supplyAt(c, -7.5)).toBeCloseTo(77.5, 12);
    expect(supplyAt(c, 7.5)).toBeCloseTo(70, 12);
    expect(supplyAt(c, 30)).toBe(65);
    expect(() => parseSupplyCurve('0:45', 50)).toThrow(/45 °C.*not above the return temperature 50/);
    expect(() => parseSupplyCurve('warm', 50)).toThrow(/outdoor:supply/);
  });

  it('annual losses follow the curve: equivalent hours = sum of hourly dT / design dT', () => {
    // half the year at -15 °C (supply 80), half at +15 °C (supply 65); return 50, ground 10
    const air = new Float64Array(8760).map((_, h) => (h < 4380 ? -15 : 15));
    const w = weatherFromArray(air);
    const s = mediumSetup('heat', DEFAULT_SIZING, { groundC: 10, weather: w, supplyCurve: parseSupplyCurve('-15:80,15:65', 50), hoursPerYear: 8760 });
    expect(s.designDeltaK).toBe(55);
    expect(s.equivalentHours).toBeCloseTo((4380 * 55 + 4380 * 47.5) / 55, 9);
  });

  it('chilled water gains follow the hourly ground temperature above the water mean', () => {
    const air = new Float64Array(8760).map((_, h) => 15 + 10 * Math.sin((2 * Math.PI * h) / 8760));
    const w = weatherFromArray(air);
    const s = mediumSetup('cold', DEFAULT_COLD_SIZING, { groundC: 10, weather: w, hoursPerYear: 8760 });
    let max = -Infinity, sum = 0;
    for (const g of w.groundC) (max = Math.max(max, g)), (sum += Math.max(0, g - 10.5));
    expect(s.groundDesignC).toBeCloseTo(max, 12);
    expect(s.designDeltaK).toBeCloseTo(max - 10.5, 12);
    expect(s.equivalentHours).toBeCloseTo(sum / (max - 10.5), 9);
    expect(s.equivalentHours).toBeGreaterThan(0);
    expect(s.equivalentHours).toBeLessThan(8760);
  });
});
