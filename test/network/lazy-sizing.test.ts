/**
 * The pruning's lazy re-sizing (engine/network/criteria.ts, sizing.ts sizeClasses): the pipe-size classes agree with
 * sizePipe, and pruning with lazy re-sizing cuts the same units with the same figures as re-sizing every ancestor
 * after every cut (the eager path), with fewer peak searches.
 */
import { describe, expect, it } from 'vitest';
import { pruneByCriteria } from '../../engine/network/criteria.js';
import { pruneNetwork } from '../../engine/network/prune-fast.js';
import { coincidentModel, type LoadModel } from '../../engine/network/loads.js';
import { DEFAULT_COLD_SIZING, DEFAULT_SIZING, sizeClasses, sizePipe } from '../../engine/network/sizing.js';
import { rng } from './helpers.js';
import { pipeLossFn, profiles, randomCase } from './prune-cases.js';

describe('pipe-size classes', () => {
  for (const [name, sizing] of [['hot water', DEFAULT_SIZING], ['chilled water', DEFAULT_COLD_SIZING]] as const) {
    it(`${name}: one DN per class, classes in DN order, the DN sizePipe picks`, () => {
      const classOf = sizeClasses(sizing);
      const r = rng(7);
      const dnOfClass = new Map<number, number>();
      let undecided = 0;
      for (let k = 0; k < 20000; k++) {
        const kw = Math.pow(10, -2 + 8 * r());
        const c = classOf(kw);
        if (Number.isNaN(c)) {
          undecided++;
          continue;
        }
        const dn = sizePipe(kw, sizing).dn;
        if (!dnOfClass.has(c)) dnOfClass.set(c, dn);
        expect(dnOfClass.get(c)).toBe(dn);
      }
      const classes = [...dnOfClass.keys()].sort((a, b) => a - b);
      // every catalogue pipe is reached over 0.01 kW .. 100 MW, and larger classes are larger pipes
      expect(classes.length).toBe(sizing.pipes.length);
      for (let k = 1; k < classes.length; k++) expect(dnOfClass.get(classes[k]!)!).toBeGreaterThan(dnOfClass.get(classes[k - 1]!)!);
      expect(undecided).toBeLessThan(5);
      expect(classOf(0)).toBe(-1);
      expect(classOf(Number.NaN)).toBeNaN();
    });
  }
});

/** The model with its peak searches counted. */
function counted(m: LoadModel): { model: LoadModel; searches: () => number } {
  let k = 0;
  return { model: { ...m, heatKw: (a, o) => (k++, m.heatKw(a, o)), coolKw: (a, o) => (k++, m.coolKw(a, o)) }, searches: () => k };
}

describe('lazy re-sizing in the pruning', () => {
  for (const [carries, seed] of [['heat', 3], ['both', 5], ['heat', 11], ['both', 17]] as const) {
    it(`cuts what the eager path cuts, with its figures (${carries}, seed ${seed})`, () => {
      const { t, consumers, at } = randomCase(seed, 1500);
      const base = coincidentModel(consumers, profiles());
      const W = base.width;
      const own = new Float64Array(t.size * W);
      at.forEach((v, k) => base.add(own, t.indexOf[v]! * W, k, 1));
      const opts = { pruneBy: ['loss-share'] as const, maxLossShare: 0.1, minKwPerM: 0.17, minMwhPerMA: 1.5, heat: true, cold: carries === 'both', rootCapacityKw: [undefined] };
      const eagerM = counted(base), lazyM = counted(base);
      const eager = pruneByCriteria(t, own, eagerM.model, pipeLossFn(false), { ...opts, pruneBy: [...opts.pruneBy] });
      const lazy = pruneNetwork(t, own, lazyM.model, pipeLossFn(true), { ...opts, pruneBy: [...opts.pruneBy] });
      expect(eager.cuts.length).toBeGreaterThan(20);
      expect(eager.cuts.length).toBeLessThan(at.length);
      expect([...lazy.removed]).toEqual([...eager.removed]);
      expect(lazy.cuts.map((c) => c.top)).toEqual(eager.cuts.map((c) => c.top));
      lazy.cuts.forEach((c, k) => {
        const e = eager.cuts[k]!.figures;
        expect(c.figures.lossShare).toBeCloseTo(e.lossShare, 12);
        expect(c.figures.lossMWh).toBeCloseTo(e.lossMWh, 9);
        expect(c.figures.designHeatKw).toBeCloseTo(e.designHeatKw, 6);
        expect(c.figures.designCoolKw).toBeCloseTo(e.designCoolKw, 6);
      });
      // and it is lazy: far fewer peak searches after the first sizing of every node
      const first = 2 * t.size;
      expect(lazyM.searches() - first).toBeLessThan(0.5 * (eagerM.searches() - first));
    });
  }
});

describe('lazy re-sizing on the general path (two criteria)', () => {
  it('loss share and MWh/(m·a) together: the same cuts with and without size classes', () => {
    const { t, consumers, at } = randomCase(23, 1500);
    const base = coincidentModel(consumers, profiles());
    const W = base.width;
    const own = new Float64Array(t.size * W);
    at.forEach((v, k) => base.add(own, t.indexOf[v]! * W, k, 1));
    const opts = { pruneBy: ['loss-share', 'mwh-per-m'] as ('loss-share' | 'mwh-per-m')[], maxLossShare: 0.1, minKwPerM: 0.17, minMwhPerMA: 0.5, heat: true, cold: true, rootCapacityKw: [undefined] };
    const eagerM = counted(base), lazyM = counted(base);
    const eager = pruneByCriteria(t, own, eagerM.model, pipeLossFn(false), opts);
    const lazy = pruneNetwork(t, own, lazyM.model, pipeLossFn(true), opts);
    expect(eager.cuts.length).toBeGreaterThan(20);
    expect(lazy.cuts.map((c) => [c.top, c.reason])).toEqual(eager.cuts.map((c) => [c.top, c.reason]));
    lazy.cuts.forEach((c, k) => expect(c.figures.lossShare).toBeCloseTo(eager.cuts[k]!.figures.lossShare, 12));
    expect(lazyM.searches()).toBeLessThan(eagerM.searches());
  });
});

describe('the fast pruning\'s trees against brute force', () => {
  it('MinAddTree: interval adds, sets and the positions at or below a value', async () => {
    const { MinAddTree } = await import('../../engine/network/prune-fast.js');
    const r = rng(21);
    const n = 37;
    const ref = Float64Array.from({ length: n }, () => r() * 10);
    const tree = new MinAddTree(ref);
    for (let k = 0; k < 400; k++) {
      const a = Math.floor(r() * n), b = Math.floor(r() * n);
      const l = Math.min(a, b), h = Math.max(a, b);
      if (r() < 0.5) {
        const v = (r() - 0.6) * 3;
        tree.add(l, h, v);
        for (let i = l; i <= h; i++) ref[i] += v;
      } else {
        const v = r() * 10;
        tree.set(a, v);
        ref[a] = v;
      }
      const thr = r() * 4;
      const got: number[] = [];
      tree.collect(l, h, thr, got);
      const want: number[] = [];
      for (let i = l; i <= h; i++) if (ref[i]! <= thr + 1e-12) want.push(i);
      expect(got.sort((x, y) => x - y)).toEqual(want);
    }
  });

  it('RowFenwick: zeros before any row is added; every interval of a small tree against the sums', async () => {
    const { RowFenwick } = await import('../../engine/network/prune-fast.js');
    const n = 37, w = 2;
    const f = new RowFenwick(n, w);
    const out = new Float64Array(w).fill(5);
    f.range(0, n, out);
    expect([...out]).toEqual([0, 0]);
    const ref = new Float64Array(n * w);
    for (let p = 0; p < n; p++) {
      f.add(p, [p + 1, -2 * p], 0, 1);
      ref[p * w] = p + 1;
      ref[p * w + 1] = -2 * p;
    }
    f.addOne(5, 1, 0.25);
    ref[5 * w + 1] += 0.25;
    // integers (and a quarter): the sums are exact, so every interval must be equal, not close
    for (let a = 0; a <= n; a++)
      for (let b = a; b <= n; b++) {
        f.range(a, b, out);
        let s0 = 0, s1 = 0;
        for (let i = a; i < b; i++) (s0 += ref[i * w]!), (s1 += ref[i * w + 1]!);
        expect([out[0], out[1]]).toEqual([s0, s1]);
      }
  });

  it('RowFenwick: interval sums of rows', async () => {
    const { RowFenwick } = await import('../../engine/network/prune-fast.js');
    const r = rng(22);
    const n = 50, w = 3;
    const f = new RowFenwick(n, w);
    const ref = new Float64Array(n * w);
    const out = new Float64Array(w);
    for (let k = 0; k < 300; k++) {
      const p = Math.floor(r() * n);
      const row = [r(), r() - 0.5, 2 * r()];
      f.add(p, row, 0, k % 2 ? 1 : -1);
      for (let c = 0; c < w; c++) ref[p * w + c] += (k % 2 ? 1 : -1) * row[c]!;
      const a = Math.floor(r() * n), b = a + Math.floor(r() * (n - a + 1));
      f.range(a, b, out);
      for (let c = 0; c < w; c++) {
        let s = 0;
        for (let i = a; i < b; i++) s += ref[i * w + c]!;
        expect(out[c]).toBeCloseTo(s, 10);
      }
    }
  });
});
