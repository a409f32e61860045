/**
 * Buffers reused from call to call (engine/network/scratch.ts, issue 18): the key-path exchange keeps its working
 * arrays per graph and the pruning per route call, so that a city's rounds do not allocate them again (each large
 * typed-array allocation is answered by a full collection of a heap holding a million consumers). Reused buffers give
 * the results fresh ones give: the exchange's trees edge for edge on one graph with terminal sets of growing and
 * shrinking size, Mehlhorn's trees likewise, and the pruning's cuts, figures and state over trees of different sizes one after the other.
 */
import { describe, expect, it } from 'vitest';
import { pruneNetwork } from '../../engine/network/prune-fast.js';
import { keyPathExchange } from '../../engine/network/improve.js';
import { coincidentModel } from '../../engine/network/loads.js';
import { Scratch } from '../../engine/network/scratch.js';
import { steinerMehlhorn } from '../../engine/network/steiner.js';
import { randomGraph, rng } from './helpers.js';
import { pipeLossFn, profiles, randomCase } from './prune-cases.js';

describe('Scratch', () => {
  it('gives arrays of the length asked, filled, whatever was written before', () => {
    const s = new Scratch();
    const a = s.u32('a', 10, 7);
    a.fill(99);
    const b = s.u32('a', 5);
    expect([...b]).toEqual([0, 0, 0, 0, 0]);
    expect(b.buffer).toBe(a.buffer);
    const c = s.f64('a', 40, Infinity);
    expect(c.length).toBe(40);
    expect(c.every((v) => v === Infinity)).toBe(true);
    expect(s.i32('b', 3, -1)).toEqual(Int32Array.from([-1, -1, -1]));
  });

  it('clears a reused buffer and a grown one alike (a new buffer is zeros without being written)', () => {
    const s = new Scratch();
    const a = s.f64('x', 8);
    expect([...a]).toEqual(new Array(8).fill(0));
    a.fill(3);
    // reused (shorter): cleared
    expect([...s.f64('x', 6)]).toEqual(new Array(6).fill(0));
    s.f64('x', 6).fill(4);
    // grown past its room: a new buffer, zeros; with a fill, filled
    const big = s.f64('x', 100);
    expect(big.buffer).not.toBe(a.buffer);
    expect(big.every((v) => v === 0)).toBe(true);
    big.fill(9);
    expect(s.f64('x', 100, 2).every((v) => v === 2)).toBe(true);
    expect(s.u8('y', 1000, 7).every((v) => v === 7)).toBe(true);
    expect(s.u32('z', 500).every((v) => v === 0)).toBe(true);
    // another type in the same slot: a new buffer of that type, zeros
    s.u32('w', 10).fill(5);
    expect(s.i32('w', 10).every((v) => v === 0)).toBe(true);
  });
});

describe('Steiner tree with one scratch, call after call', () => {
  it('gives the trees of fresh calls, edge for edge, with terminal sets growing and shrinking and graphs of other sizes', () => {
    const r = rng(11);
    const s = new Scratch();
    let edges = 0;
    for (let k = 0; k < 40; k++) {
      // a new graph every fourth call: the scratch's buffers are then longer or shorter than it
      const n = 120 + Math.floor(r() * 400);
      const g = randomGraph(n, Math.floor(n * (0.5 + r())), r);
      for (const want of [30, 6, 70, 15]) {
        const T: number[] = [];
        while (T.length < Math.min(want, n)) T.push(Math.floor(r() * n)); // repeats: two buildings on one tap
        const group = T.map((_, i) => (i < 2 ? 0 : i)); // two plants, pre-joined
        const reused = steinerMehlhorn(g, T, { group, scratch: s });
        const fresh = steinerMehlhorn(g, T, { group });
        expect([...reused.edges]).toEqual([...fresh.edges]);
        expect(reused.lengthM).toBe(fresh.lengthM);
        expect(reused.unreachable).toEqual(fresh.unreachable);
        edges += reused.edges.length;
      }
    }
    expect(edges).toBeGreaterThan(1000);
  });
});

describe('key-path exchange on one graph, call after call', () => {
  it('gives the trees of fresh calls, edge for edge, on 60 random graphs', () => {
    const r = rng(5);
    let exchanged = 0;
    for (let k = 0; k < 60; k++) {
      const n = 150 + Math.floor(r() * 500);
      const g = randomGraph(n, Math.floor(n * (0.5 + r())), r);
      // terminal sets growing and shrinking: the reused buffers are longer or shorter than each tree
      for (const want of [40, 8, 90, 20]) {
        const T: number[] = [];
        while (T.length < Math.min(want, n)) {
          const v = Math.floor(r() * n);
          if (!T.includes(v)) T.push(v);
        }
        const isT = new Uint8Array(n);
        for (const t of T) isT[t] = 1;
        const s = steinerMehlhorn(g, T, { group: T.map((_, i) => (i === 0 ? 0 : i)) });
        const reused = keyPathExchange(g, s.edges, isT, [T[0]!]);
        // a copy of the graph is another key: its work is new
        const fresh = keyPathExchange({ ...g }, s.edges, isT, [T[0]!]);
        expect([...reused.edges]).toEqual([...fresh.edges]);
        expect(reused.exchanges).toBe(fresh.exchanges);
        expect(reused.passes).toBe(fresh.passes);
        exchanged += reused.exchanges;
      }
    }
    expect(exchanged).toBeGreaterThan(50);
  });
});

describe('pruning with a scratch reused over trees of different sizes', () => {
  it('cuts what it cuts with fresh arrays, with the same figures and state', () => {
    const scratch = new Scratch();
    let cuts = 0;
    for (const [seed, n] of [[3, 1500], [5, 400], [11, 2200], [17, 900]] as const) {
      const { t, consumers, at } = randomCase(seed, n);
      const model = coincidentModel(consumers, profiles());
      const W = model.width;
      const own = new Float64Array(t.size * W);
      at.forEach((v, k) => model.add(own, t.indexOf[v]! * W, k, 1));
      const opts = { pruneBy: ['loss-share'] as ('loss-share')[], maxLossShare: 0.1, minKwPerM: 0.17, minMwhPerMA: 1.5, heat: true, cold: seed % 2 === 1, rootCapacityKw: [undefined] };
      const fresh = pruneNetwork(t, own, model, pipeLossFn(true), opts);
      const reused = pruneNetwork(t, own, model, pipeLossFn(true), opts, scratch);
      expect([...reused.removed]).toEqual([...fresh.removed]);
      expect(reused.cuts).toEqual(fresh.cuts);
      expect([...reused.state.designHeatKw]).toEqual([...fresh.state.designHeatKw]);
      expect([...reused.state.agg]).toEqual([...fresh.state.agg]);
      cuts += fresh.cuts.length;
    }
    expect(cuts).toBeGreaterThan(50);
  });
});
