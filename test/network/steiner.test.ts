import { describe, expect, it } from 'vitest';
import { steinerMehlhorn } from '../../engine/network/steiner.js';
import { keyPathExchange } from '../../engine/network/improve.js';
import { Router } from '../../engine/network/dijkstra.js';
import { densityMilp, steinerMilp } from '../../engine/network/milp.js';
import { planNetwork } from '../../engine/network/plan.js';
import { bruteSteiner, graphOf, isSteinerTree, randomGraph, rng } from './helpers.js';

const mask = (n: number, ts: number[]): Uint8Array => {
  const m = new Uint8Array(n);
  for (const t of ts) m[t] = 1;
  return m;
};

describe('Steiner tree (Mehlhorn + key-path exchange)', () => {
  it('finds the known tree on a hand-made comb graph', () => {
    // main street 0-1-2-3 (100 m each), side streets 1-4, 2-5, 3-6 (50 m); a long detour 0-6 (500 m)
    const g = graphOf(
      [[0, 0], [100, 0], [200, 0], [300, 0], [100, 50], [200, 50], [300, 50]],
      [[0, 1], [1, 2], [2, 3], [1, 4], [2, 5], [3, 6], [0, 6, 500]],
    );
    const s = steinerMehlhorn(g, [0, 4, 6]);
    expect(isSteinerTree(g, s.edges, [0, 4, 6])).toBe(true);
    expect(s.lengthM).toBeCloseTo(100 + 100 + 100 + 50 + 50, 9);
    expect(Array.from(s.edges).sort()).toEqual([0, 1, 2, 3, 5]);
  });

  it('is a valid tree within the 2-approximation bound and the improved tree is never longer (200 random graphs vs brute force)', () => {
    const r = rng(1);
    let optimalMehlhorn = 0;
    let optimalImproved = 0;
    for (let k = 0; k < 200; k++) {
      const g = randomGraph(9, 6, r);
      const T = [0, 3, 5, 8].slice(0, 2 + (k % 3));
      const s = steinerMehlhorn(g, T);
      const imp = keyPathExchange(g, s.edges, mask(g.nodeCount, T), [T[0]!]);
      const opt = bruteSteiner(g, T);
      expect(isSteinerTree(g, s.edges, T)).toBe(true);
      expect(isSteinerTree(g, imp.edges, T)).toBe(true);
      expect(s.lengthM).toBeGreaterThanOrEqual(opt - 1e-9);
      expect(s.lengthM).toBeLessThanOrEqual(2 * opt + 1e-9);
      expect(imp.lengthM).toBeLessThanOrEqual(s.lengthM + 1e-9);
      expect(imp.lengthM).toBeGreaterThanOrEqual(opt - 1e-9);
      if (s.lengthM <= opt + 1e-9) optimalMehlhorn++;
      if (imp.lengthM <= opt + 1e-9) optimalImproved++;
    }
    // measured: Mehlhorn alone is optimal on 188/200, with key-path exchange on 200/200
    expect(optimalMehlhorn).toBeLessThan(200);
    expect(optimalImproved).toBeGreaterThan(optimalMehlhorn);
    expect(optimalImproved).toBeGreaterThanOrEqual(195);
  });

  it('leaves no improving key path once converged (each key path re-checked with its own Dijkstra, 40 random graphs)', () => {
    const r = rng(3);
    let exchanges = 0;
    let multiPass = 0;
    for (let k = 0; k < 40; k++) {
      const n = k < 20 ? 80 : 300;
      const g = randomGraph(n, n, r);
      const T: number[] = [];
      while (T.length < (k < 20 ? 8 + (k % 10) : 30 + k)) {
        const v = Math.floor(r() * n);
        if (!T.includes(v)) T.push(v);
      }
      const s = steinerMehlhorn(g, T);
      const imp = keyPathExchange(g, s.edges, mask(g.nodeCount, T), [T[0]!], { maxPasses: 100 });
      expect(imp.passes).toBeLessThan(100);
      expect(isSteinerTree(g, imp.edges, T)).toBe(true);
      expect(imp.lengthM).toBeLessThanOrEqual(s.lengthM + 1e-9);
      let sum = 0;
      for (const e of imp.edges) sum += g.edgeLengthM[e]!;
      expect(imp.lengthM).toBeCloseTo(sum, 9);
      expect(bestKeyPathGain(g, imp.edges, new Set(T))).toBeLessThanOrEqual(1e-6);
      exchanges += imp.exchanges;
      if (imp.passes > 2) multiPass++;
    }
    // the pass does something on these graphs, often in several passes (which reuse the updated Voronoi diagram; measured: 196 exchanges, 20 runs with > 2 passes)
    expect(exchanges).toBeGreaterThan(10);
    expect(multiPass).toBeGreaterThan(10);
  });

  it('improves a forest of several plants without joining or losing a plant', () => {
    const r = rng(8);
    for (let k = 0; k < 30; k++) {
      const g = randomGraph(60, 50, r);
      const plants = [0, 1];
      const T = [...plants, 10, 17, 23, 31, 38, 44, 52, 59];
      const s = steinerMehlhorn(g, T, { group: T.map((_, i) => (i < 2 ? 0 : i)) });
      const imp = keyPathExchange(g, s.edges, mask(g.nodeCount, T), plants);
      expect(imp.lengthM).toBeLessThanOrEqual(s.lengthM + 1e-9);
      // a forest in which every terminal reaches a plant and every leaf is a terminal
      const parent = Array.from({ length: g.nodeCount }, (_, i) => i);
      const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a]!)));
      parent[find(0)] = find(1);
      const deg = new Map<number, number>();
      for (const e of imp.edges) {
        const a = find(g.edgeFrom[e]!), b = find(g.edgeTo[e]!);
        expect(a).not.toBe(b);
        parent[a] = b;
        for (const v of [g.edgeFrom[e]!, g.edgeTo[e]!]) deg.set(v, (deg.get(v) ?? 0) + 1);
      }
      for (const t of T) expect(find(t)).toBe(find(0));
      for (const [v, d] of deg) if (d === 1) expect(T).toContain(v);
    }
  });

  it('treats grouped terminals (several plants) as connected: a forest', () => {
    // two separate streets, a plant on each
    const g = graphOf([[0, 0], [100, 0], [0, 500], [100, 500]], [[0, 1], [2, 3]]);
    const s = steinerMehlhorn(g, [0, 2, 1, 3], { group: [0, 0, 2, 3] });
    expect(s.unreachable).toEqual([]);
    expect(s.lengthM).toBeCloseTo(200, 9);
  });

  it('lists terminals in another component as unreachable', () => {
    const g = graphOf([[0, 0], [100, 0], [0, 500], [100, 500]], [[0, 1], [2, 3]]);
    const s = steinerMehlhorn(g, [0, 1, 3]);
    expect(s.unreachable).toEqual([3]);
    expect(s.lengthM).toBeCloseTo(100, 9);
  });
});

describe('MILP reference (HiGHS)', () => {
  it('equals brute force on random graphs', async () => {
    const r = rng(5);
    for (let k = 0; k < 5; k++) {
      const g = randomGraph(9, 6, r);
      const m = await steinerMilp(g, [0], [3, 5, 8]);
      expect(m.status).toBe('Optimal');
      expect(m.lengthM).toBeCloseTo(bruteSteiner(g, [0, 3, 5, 8]), 9);
    }
  });

  it('shows where the heuristic is suboptimal: three terminals around a Steiner point', async () => {
    // terminals pairwise 1.9 apart, each 1 from a centre node: optimum 3 through the centre, Mehlhorn's MST 3.8;
    // no single key path can be exchanged for a shorter one, so the improvement pass keeps 3.8 too
    const g = graphOf([[0, 0], [10, 0], [5, 8.66], [5, 2.89]], [[0, 1, 1.9], [1, 2, 1.9], [0, 2, 1.9], [0, 3, 1], [1, 3, 1], [2, 3, 1]]);
    const s = steinerMehlhorn(g, [0, 1, 2]);
    const imp = keyPathExchange(g, s.edges, mask(4, [0, 1, 2]), [0]);
    const m = await steinerMilp(g, [0], [1, 2]);
    expect(s.lengthM).toBeCloseTo(3.8, 9);
    expect(imp.lengthM).toBeCloseTo(3.8, 9);
    expect(m.lengthM).toBeCloseTo(3, 9);
    expect(m.edges.sort()).toEqual([3, 4, 5]);
  });

  it('bounds the pruned network: connected demand at most the density-constrained optimum', async () => {
    const r = rng(11);
    for (let k = 0; k < 6; k++) {
      const g = randomGraph(10, 6, r);
      // lengths 1..20 "m": scale heat so the threshold bites
      const cons = [2, 4, 6, 7, 9];
      const heat = cons.map(() => 5 + Math.floor(r() * 40));
      const res = planNetwork(
        {
          graph: g,
          consumers: cons.map((v, i) => ({ id: `c${i}`, x: g.x[v]!, y: g.y[v]!, heatMWh: heat[i]!, peakKw: heat[i]! / 2 })),
          plants: [{ id: 'p', x: g.x[0]!, y: g.y[0]!, capacityKw: 1000 }],
        },
        { minKwPerM: 0, minMwhPerMA: 1.5, mergeM: 1e-6 },
      );
      const m = await densityMilp(g, [0], cons, heat, 1.5);
      expect(m.status).toBe('Optimal');
      const milpHeat = m.connected.reduce((s, i) => s + heat[i]!, 0);
      expect(res.summary.connectedDemand_MWh).toBeLessThanOrEqual(milpHeat + 1e-6);
      // and the MILP's own network meets the whole-network density
      expect(milpHeat).toBeGreaterThanOrEqual(1.5 * m.lengthM - 1e-6);
    }
  });
});

/**
 * Largest length saving of a single key-path exchange on the tree `edges` (one root), found the slow way: for every key
 * path, one Dijkstra (engine/network/dijkstra.ts) from one side of the cut to the other through non-tree nodes and the
 * path's interior.
 */
function bestKeyPathGain(g: ReturnType<typeof randomGraph>, edges: ArrayLike<number>, terminals: Set<number>): number {
  const adj = new Map<number, [number, number][]>();
  for (const e of Array.from(edges)) {
    const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
    if (!adj.has(a)) adj.set(a, []);
    if (!adj.has(b)) adj.set(b, []);
    adj.get(a)!.push([b, e]);
    adj.get(b)!.push([a, e]);
  }
  const isKey = (v: number): boolean => terminals.has(v) || adj.get(v)!.length !== 2;
  const router = new Router(g);
  let best = 0;
  for (const [start, nbrs] of adj) {
    if (!isKey(start)) continue;
    for (const [first, e0] of nbrs) {
      // follow the chain to the next key node
      const pathEdges = new Set([e0]);
      const interior = new Set<number>();
      let lenP = g.edgeLengthM[e0]!;
      let prev = start, v = first;
      while (!isKey(v)) {
        interior.add(v);
        const [w, e] = adj.get(v)!.find(([w2]) => w2 !== prev)!;
        pathEdges.add(e);
        lenP += g.edgeLengthM[e]!;
        prev = v;
        v = w;
      }
      // side A: tree nodes reachable from start without the key path
      const sideA = new Set([start]);
      const stack = [start];
      while (stack.length) {
        const x = stack.pop()!;
        for (const [y, e] of adj.get(x)!) if (!pathEdges.has(e) && !sideA.has(y)) (sideA.add(y), stack.push(y));
      }
      // Dijkstra from side A; the first other tree node ends the search
      const hit = router.run([...sideA], { stopFn: (x) => adj.has(x) && !sideA.has(x) && !interior.has(x) });
      if (hit >= 0) best = Math.max(best, lenP - router.dist[hit]!);
    }
  }
  return best;
}
