import { describe, expect, it } from 'vitest';
import { planNetwork } from '../../engine/network/plan.js';
import { pruneByDensity, diversity } from '../../engine/network/prune.js';
import { rootTree } from '../../engine/network/tree.js';
import { DEFAULT_SIZING, heatLossWPerM, maxVelocityMS, pressureDropPaPerM, sizePipe } from '../../engine/network/sizing.js';
import { nearestTaps, segmentIndex, splitAtTaps } from '../../engine/network/connect.js';
import { graphOf } from './helpers.js';

describe('heat-density pruning', () => {
  it('cuts the weak tail of a street and keeps the dense part (hand-computed)', () => {
    // plant at 0 -- 100 m -- A at node 1 -- 400 m -- B at node 2; consumers 10 m off the road
    const g = graphOf([[0, 0], [100, 0], [500, 0]], [[0, 1], [1, 2]]);
    const res = planNetwork({
      graph: g,
      consumers: [
        { id: 'A', x: 100, y: 10, heatMWh: 200, peakKw: 100 },
        { id: 'B', x: 500, y: 10, heatMWh: 100, peakKw: 50 },
      ],
      plants: [{ id: 'P', x: 0, y: 0 }],
    }, { pruneBy: ['design-kw-per-m', 'mwh-per-m'] });
    // unit B: 100 MWh / 400 m = 0.25 MWh/(m·a) (ratio 0.17), 50 kW / 800 m = 0.0625 kW/m (ratio 0.37) -> cut, MWh rule
    // then A alone: 100 kW / 200 m = 0.5 kW/m, 200 MWh / 100 m = 2 -> kept
    expect(res.consumers.map((c) => c.index)).toEqual([0]);
    expect(res.dropped).toEqual([{ index: 1, reason: 'below-mwh-per-m', detail: expect.any(String) }]);
    expect(res.summary.trench_m).toBeCloseTo(100, 9);
    expect(res.summary.pipe_m).toBeCloseTo(200, 9);
    expect(res.summary.kwPerM).toBeCloseTo(0.5, 9);
    expect(res.summary.mwhPerMA).toBeCloseTo(2, 9);
    expect(res.summary.plantOutput_kW).toBeCloseTo(100, 9);
    expect(res.summary.consumersDropped).toEqual({ 'below-mwh-per-m': 1 });
    expect(res.consumers[0]!.serviceM).toBeCloseTo(10, 9);
  });

  it('keeps both with thresholds off, with the diversified design load on the shared pipe', () => {
    const g = graphOf([[0, 0], [100, 0], [500, 0]], [[0, 1], [1, 2]]);
    const res = planNetwork(
      {
        graph: g,
        consumers: [
          { id: 'A', x: 100, y: 10, heatMWh: 200, peakKw: 100 },
          { id: 'B', x: 500, y: 10, heatMWh: 100, peakKw: 50 },
        ],
        plants: [{ id: 'P', x: 0, y: 0 }],
      },
      { pruneBy: [] },
    );
    expect(res.consumers.length).toBe(2);
    const first = res.pipes.find((p) => p.from === 0)!;
    expect(first.designKw).toBeCloseTo((0.62 + 0.38 / 2) * 150, 9);
    expect(res.summary.kwPerM).toBeCloseTo((0.81 * 150) / 1000, 9);
    expect(res.summary.mwhPerMA).toBeCloseTo(300 / 500, 9);
    const pipesLen = res.pipes.reduce((s, p) => s + p.lengthM, 0);
    expect(pipesLen).toBeCloseTo(res.summary.trench_m, 9);
  });

  it('cuts a long feeder whose two dense leaves pass on their own (whole subtree below threshold)', () => {
    // P -2000 m- J; J -50 m- A; J -50 m- B. Each leaf 100 MWh / 50 m = 2 passes; J's downstream 200 / 2100 fails
    const g = graphOf([[0, 0], [2000, 0], [2000, 50], [2000, -50]], [[0, 1], [1, 2], [1, 3]]);
    const t = rootTree(g, [0, 1, 2], [0]);
    const loads = { count: new Float64Array(t.size), heatMWh: new Float64Array(t.size), peakKw: new Float64Array(t.size) };
    for (const v of [2, 3]) {
      loads.count[t.indexOf[v]!] = 1;
      loads.heatMWh[t.indexOf[v]!] = 100;
      loads.peakKw[t.indexOf[v]!] = 1000;
    }
    const pr = pruneByDensity(t, loads, { minKwPerM: 0, minMwhPerMA: 1.5 });
    expect(pr.cuts.length).toBe(1);
    expect(pr.cuts[0]!.top).toBe(t.indexOf[1]);
    expect(pr.cuts[0]!.mwhPerMA).toBeCloseTo(200 / 2100, 9);
    expect(pr.removed[t.indexOf[2]!]).toBe(1);
    // with kW/m only: 0.81 x 2000 kW / 4200 m = 0.386 kW/m passes
    const pk = pruneByDensity(t, loads, { minKwPerM: 0.17, minMwhPerMA: 0 });
    expect(pk.cuts.length).toBe(0);
  });

  it('cuts the weakest first: a poor leaf goes, its dense sibling and the feeder stay', () => {
    // P -100- J; J -50- A (200 MWh); J -300- B (30 MWh)
    const g = graphOf([[0, 0], [100, 0], [100, 50], [100, -300]], [[0, 1], [1, 2], [1, 3]]);
    const t = rootTree(g, [0, 1, 2], [0]);
    const loads = { count: new Float64Array(t.size), heatMWh: new Float64Array(t.size), peakKw: new Float64Array(t.size) };
    loads.count[t.indexOf[2]!] = 1;
    loads.heatMWh[t.indexOf[2]!] = 200;
    loads.count[t.indexOf[3]!] = 1;
    loads.heatMWh[t.indexOf[3]!] = 30;
    const pr = pruneByDensity(t, loads, { minKwPerM: 0, minMwhPerMA: 1.5 });
    expect(pr.cuts.map((c) => c.top)).toEqual([t.indexOf[3], t.indexOf[1]]);
    expect(pr.cuts[1]!.mwhPerMA).toBeCloseTo(200 / 150, 9);
    // after the cut: 200 MWh over 150 m = 1.33 < 1.5 -> the rest goes too (re-queued ancestor)
    const pr2 = pruneByDensity(t, loads, { minKwPerM: 0, minMwhPerMA: 1.2 });
    expect(pr2.cuts.map((c) => c.top)).toEqual([t.indexOf[3]]);
    expect(pr2.removed[t.indexOf[2]!]).toBe(0);
  });

  it('diversity factor follows THERMOS', () => {
    expect(diversity(1)).toBeCloseTo(1, 12);
    expect(diversity(2)).toBeCloseTo(0.81, 12);
    expect(diversity(100)).toBeCloseTo(0.6238, 12);
  });
});

describe('pipe sizing and losses (METHODS.md 5)', () => {
  it('reproduces the THERMOS EN 253 loss fit values at dT = 50 K', () => {
    const o = { supplyC: 70, returnC: 50, groundC: 10 };
    expect(heatLossWPerM(50, o)).toBeCloseTo(17.7, 1);
    expect(heatLossWPerM(100, o)).toBeCloseTo(23.5, 1);
    expect(heatLossWPerM(200, o)).toBeCloseTo(29.3, 1);
  });

  it('picks the smallest pipe within velocity and pressure limits, larger for larger loads', () => {
    let lastDn = 0;
    for (const kw of [10, 50, 200, 1000, 5000, 20000]) {
      const p = sizePipe(kw, DEFAULT_SIZING);
      expect(p.overCapacity).toBe(false);
      expect(p.velocityMS).toBeLessThanOrEqual(maxVelocityMS(p.innerDiameterM) + 1e-12);
      expect(p.paPerM).toBeLessThanOrEqual(DEFAULT_SIZING.maxPaPerM);
      expect(p.dn).toBeGreaterThanOrEqual(lastDn);
      // the next smaller pipe would break a limit
      const idx = DEFAULT_SIZING.pipes.findIndex((q) => q.dn === p.dn);
      if (idx > 0) {
        const q = DEFAULT_SIZING.pipes[idx - 1]!;
        const v = p.massFlowKgS / DEFAULT_SIZING.densityKgM3 / ((Math.PI * q.innerDiameterM ** 2) / 4);
        expect(v > maxVelocityMS(q.innerDiameterM) || pressureDropPaPerM(v, q.innerDiameterM, DEFAULT_SIZING) > DEFAULT_SIZING.maxPaPerM).toBe(true);
      }
      lastDn = p.dn;
    }
    // mass flow = P / (cp dT): 1000 kW at 30 K -> 7.955 kg/s
    expect(sizePipe(1000, DEFAULT_SIZING).massFlowKgS).toBeCloseTo(1000 / (4.19 * 30), 9);
  });

  it('Swamee-Jain pressure drop agrees with a Colebrook iteration within 2 %', () => {
    const d = 0.1071, v = 1.2, o = DEFAULT_SIZING;
    const re = (o.densityKgM3 * v * d) / o.viscosityPaS;
    let f = 0.02;
    for (let i = 0; i < 50; i++) f = (-2 * Math.log10(o.roughnessM / (3.7 * d) + 2.51 / (re * Math.sqrt(f)))) ** -2;
    const colebrook = (f * o.densityKgM3 * v * v) / (2 * d);
    expect(Math.abs(pressureDropPaPerM(v, d, o) / colebrook - 1)).toBeLessThan(0.02);
  });

  it('reports a loss share that is the sized pipes\' loss over heat delivered plus loss', () => {
    const g = graphOf([[0, 0], [100, 0]], [[0, 1]]);
    const res = planNetwork({ graph: g, consumers: [{ id: 'A', x: 100, y: 5, heatMWh: 500, peakKw: 200 }], plants: [{ id: 'P', x: 0, y: 0 }] });
    const p = res.pipes[0]!;
    const mains = (heatLossWPerM(p.dn, DEFAULT_SIZING) * 100 * 8760) / 1e6;
    // the service pipe (5 m) is sized at the consumer's own 200 kW: DN of the same load as the main
    const svcDn = sizePipe(200, DEFAULT_SIZING).dn;
    const service = (heatLossWPerM(svcDn, DEFAULT_SIZING) * 5 * 8760) / 1e6;
    expect(res.summary.serviceLoss_MWh_a).toBeCloseTo(service, 9);
    expect(res.summary.loss_MWh_a).toBeCloseTo(mains + service, 9);
    expect(res.summary.lossShare).toBeCloseTo((mains + service) / (500 + mains + service), 9);
    expect(res.summary.lossShareMains).toBeCloseTo(mains / (500 + mains), 9);
  });
});

describe('connecting consumers to roads', () => {
  it('splits an edge at projected points; pieces add up to the edge', () => {
    const g = graphOf([[0, 0], [100, 0], [100, 100]], [[0, 1], [1, 2]]);
    const si = segmentIndex(g);
    const taps = nearestTaps(g, si, [30, 70, 30.2, 130, 99.9], [5, -8, 5, 50, 0.3], 50);
    // (99.9, 0.3) is 0.1 m from the vertical street and 0.3 m from the horizontal one
    expect(taps.map((t) => t.edge)).toEqual([0, 0, 0, 1, 1]);
    expect(taps[3]!.distM).toBeCloseTo(30, 9);
    expect(taps[3]!.alongM).toBeCloseTo(50, 9);
    const s = splitAtTaps(g, taps, 0.5);
    // 30 and 30.2 share a node (within 0.5 m); 99.9 snaps to the corner node 1
    expect(s.tapNode[0]).toBe(s.tapNode[2]);
    expect(s.tapNode[4]).toBe(1);
    expect(s.graph.nodeCount).toBe(3 + 3);
    let total = 0;
    for (let e = 0; e < s.graph.edgeCount; e++) total += s.graph.edgeLengthM[e]!;
    expect(total).toBeCloseTo(200, 9);
    const far = nearestTaps(g, si, [500], [500], 50);
    expect(far[0]!.edge).toBe(-1);
  });
});
