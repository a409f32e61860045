/**
 * Pruning criteria (engine/network/criteria.ts): the computed loss share with service pipes (the default), seed 003's
 * own check (plant output / (2 x route length)), design kW/m and MWh/(m·a); forced-in and forced-out consumers.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { planNetwork, type ConsumerInput } from '../../engine/network/plan.js';
import { DEFAULT_SIZING, heatLossWPerM, sizePipe } from '../../engine/network/sizing.js';
import { graphOf, randomGraph, rng } from './helpers.js';

/** Annual loss of a pipe pair of `lengthM` sized at `kw`, MWh/a (THERMOS fit at 80/50 °C, ground 10 °C, 8,760 h). */
const lossMWh = (kw: number, lengthM: number): number => (heatLossWPerM(sizePipe(kw, DEFAULT_SIZING).dn, DEFAULT_SIZING) * lengthM * 8760) / 1e6;

describe('loss-share pruning (default)', () => {
  // plant 0 -- 100 m -- A at node 1 -- 400 m -- B at node 2; consumers 10 m off the road; diversity loads
  const g = graphOf([[0, 0], [100, 0], [500, 0]], [[0, 1], [1, 2]]);
  const consumers: ConsumerInput[] = [
    { id: 'A', x: 100, y: 10, heatMWh: 200, peakKw: 100 },
    { id: 'B', x: 500, y: 10, heatMWh: 100, peakKw: 50 },
  ];

  it('cuts the branch whose loss (pipe + service pipe) is above 10 % of its heat, keeps the rest', () => {
    const res = planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0 }] });
    // unit B: 400 m main and 10 m service pipe at 50 kW
    const lossB = lossMWh(50, 400) + lossMWh(50, 10);
    expect(lossB / (100 + lossB)).toBeGreaterThan(0.1);
    // A alone: 100 m main and 10 m service at 100 kW
    const lossA = lossMWh(100, 100) + lossMWh(100, 10);
    expect(lossA / (200 + lossA)).toBeLessThan(0.1);
    expect(res.consumers.map((c) => c.index)).toEqual([0]);
    expect(res.dropped).toEqual([{ index: 1, reason: 'below-loss-share', detail: expect.any(String) }]);
    expect(res.cuts[0]!.figures.lossShare).toBeCloseTo(lossB / (100 + lossB), 9);
    expect(res.summary.largestCuts).toEqual([
      expect.objectContaining({ reason: 'below-loss-share', consumers: 1, heat_MWh: 100, length_m: 400 }),
    ]);
    expect(res.summary.largestCuts![0]!.lossShare).toBeCloseTo(lossB / (100 + lossB), 9);
    expect(res.summary.lossShare).toBeCloseTo(lossA / (200 + lossA), 9);
    expect(res.summary.thresholds).toEqual({ minKwPerM: 0.17, minMwhPerMA: 1.5, maxLossShare: 0.1, pruneBy: ['loss-share'] });
    // every figure is reported whatever prunes: seed's (no capacity: the design load), design kW/m, MWh/(m·a)
    expect(res.summary.seedOutputBasis).toBe('design');
    expect(res.summary.seedKwPerM).toBeCloseTo(100 / 200, 9);
    expect(res.summary.designKwPerM).toBeCloseTo(100 / 200, 9);
    expect(res.summary.mwhPerMA).toBeCloseTo(2, 9);
  });

  it('a looser limit keeps B; the pipes carry the loss share of their branch', () => {
    const res = planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0 }] }, { maxLossShare: 0.5 });
    expect(res.consumers.length).toBe(2);
    const tail = res.pipes.find((p) => p.from === 1)!;
    const lossB = lossMWh(50, 400) + lossMWh(50, 10);
    expect(tail.lossShare).toBeCloseTo(lossB / (100 + lossB), 9);
    expect(res.summary.worstBranchLossShare).toBeGreaterThanOrEqual(tail.lossShare - 1e-12);
  });

  it('every kept branch is within the limit on random networks (incl. service pipes)', () => {
    const r = rng(13);
    let cut = 0, kept = 0;
    for (let k = 0; k < 30; k++) {
      const gr = randomGraph(40, 20, r);
      const cs: ConsumerInput[] = [];
      for (let i = 0; i < 25; i++) {
        const v = Math.floor(r() * gr.nodeCount);
        cs.push({ id: `c${i}`, x: gr.x[v]! + 3, y: gr.y[v]! + 4, heatMWh: 1 + r() * 60, peakKw: 5 + r() * 40 });
      }
      const res = planNetwork({ graph: gr, consumers: cs, plants: [{ id: 'P', x: gr.x[0]!, y: gr.y[0]! }] }, { maxLossShare: 0.08, maxRounds: 20 });
      for (const b of res.branches) expect(b.lossShare).toBeLessThanOrEqual(0.08 + 1e-12);
      expect(res.consumers.length + res.dropped.length).toBe(cs.length);
      cut += res.summary.consumersDropped['below-loss-share'] ?? 0;
      kept += res.consumers.length;
    }
    // the instances are neither all kept nor all cut
    expect(cut).toBeGreaterThan(20);
    expect(kept).toBeGreaterThan(20);
  });
});

describe("seed 003's check, literally", () => {
  // P -- 100 m -- A -- 100 m -- B -- 600 m -- C, every consumer 100 kW / 150 MWh on its node
  const g = graphOf([[0, 0], [100, 0], [200, 0], [800, 0]], [[0, 1], [1, 2], [2, 3]]);
  const consumers: ConsumerInput[] = [
    { id: 'A', x: 100, y: 1, heatMWh: 150, peakKw: 100 },
    { id: 'B', x: 200, y: 1, heatMWh: 150, peakKw: 100 },
    { id: 'C', x: 800, y: 1, heatMWh: 150, peakKw: 100 },
  ];

  it('plant capacity / (2 x route length): cuts the weakest branch until 0.17 kW/m is met', () => {
    // 200 kW over 2 x 800 m = 0.125 < 0.17 -> cut C (lowest design kW/m): 200 / 400 = 0.5
    const res = planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0, capacityKw: 200 }] }, { pruneBy: ['seed-kw-per-m'] });
    expect(res.dropped).toEqual([{ index: 2, reason: 'below-seed-kw-per-m', detail: expect.any(String) }]);
    expect(res.summary.seedOutputBasis).toBe('capacity');
    expect(res.summary.seedPlantOutput_kW).toBe(200);
    expect(res.summary.seedKwPerM).toBeCloseTo(200 / 400, 9);
    // the design figure is the diversified load of A and B: 0.81 x 200 kW over 2 x 200 m
    expect(res.summary.designKwPerM).toBeCloseTo((0.81 * 200) / 400, 9);
  });

  it('with no rule pruning, the seed figure of the whole network is reported, not enforced', () => {
    const res = planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0, capacityKw: 200 }] }, { pruneBy: [] });
    expect(res.consumers.length).toBe(3);
    expect(res.summary.seedKwPerM).toBeCloseTo(200 / 1600, 9);
    expect(res.summary.designKwPerM).toBeCloseTo(((0.62 + 0.38 / 3) * 300) / 1600, 9);
  });
});

describe('forced-in and forced-out consumers', () => {
  const g = graphOf([[0, 0], [100, 0], [500, 0]], [[0, 1], [1, 2]]);
  const consumers: ConsumerInput[] = [
    { id: 'A', x: 100, y: 10, heatMWh: 200, peakKw: 100 },
    { id: 'B', x: 500, y: 10, heatMWh: 100, peakKw: 50 },
    { id: 'far', x: 300, y: 400, heatMWh: 100, peakKw: 50 },
  ];
  const plants = [{ id: 'P', x: 0, y: 0 }];

  it('a forced-in consumer is kept although its branch fails; a forced-out one is dropped with the reason', () => {
    const res = planNetwork({ graph: g, consumers: consumers.slice(0, 2), plants }, { forcedIn: ['B'] });
    expect(res.consumers.map((c) => c.index).sort()).toEqual([0, 1]);
    expect(res.consumers.find((c) => c.index === 1)!.forced).toBe(true);
    expect(res.summary.forced).toEqual({ in: ['B'], out: [] });
    const out = planNetwork({ graph: g, consumers: consumers.slice(0, 2), plants }, { forcedOut: ['A'], pruneBy: [] });
    expect(out.consumers.map((c) => c.index)).toEqual([1]);
    expect(out.dropped).toEqual([{ index: 0, reason: 'forced-out', detail: expect.any(String) }]);
  });

  it('bad lists are clear errors naming the building', () => {
    const err = (f: () => unknown): InputError => {
      try {
        f();
      } catch (e) {
        return e as InputError;
      }
      throw new Error('no error');
    };
    const unknown = err(() => planNetwork({ graph: g, consumers, plants }, { forcedIn: ['nobody'] }));
    expect(unknown).toBeInstanceOf(InputError);
    expect(unknown.code).toBe('route-forced-unknown');
    expect(unknown.message).toContain('nobody');
    const far = err(() => planNetwork({ graph: g, consumers, plants }, { forcedIn: ['far'] }));
    expect(far.code).toBe('route-forced-unreachable');
    expect(far.message).toContain('far');
    expect(far.message).toContain('150 m');
    const both = err(() => planNetwork({ graph: g, consumers, plants }, { forcedIn: ['A'], forcedOut: ['A'] }));
    expect(both.code).toBe('route-forced-both');
  });
});
