/**
 * branchMarginalCosts against brute force on random trees: every branch's downstream capital, heat and consumers, and
 * every consumer's own share, recomputed by walking each pipe and consumer up to the plant. Branches follow the route
 * stage's rule (engine/network/prune.ts): a branch starts below a stop node (the plant, a node with consumers, a
 * junction) and runs down to the next stop node.
 */
import { describe, expect, it } from 'vitest';
import { branchMarginalCosts, type MarginalConsumer, type MarginalPipe, type MarginalRates } from '../../engine/cost/marginal.js';

/** Seeded linear congruential generator: numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const RATES: MarginalRates = {
  pipeCostPerM: (dn) => 100 + 2 * dn,
  servicePerM: 40,
  substationFixed: 900,
  substationPerKw: 7,
  pipeAnnuity: 0.05,
  serviceAnnuity: 0.06,
  substationAnnuity: 0.08,
  omShare: 0.01,
};

function randomNetwork(seed: number, n: number) {
  const r = rng(seed);
  const parent = new Int32Array(n).fill(-1);
  for (let i = 1; i < n; i++) parent[i] = Math.floor(r() * i);
  const children = new Uint32Array(n);
  for (let i = 1; i < n; i++) children[parent[i]!]!++;
  const consumersAt = Array.from({ length: n }, (_, i) => (i > 0 && r() < 0.4 ? 1 + Math.floor(r() * 2) : 0));
  const isStop = (i: number) => parent[i]! < 0 || consumersAt[i]! > 0 || children[i]! >= 2;
  const branchOf = new Int32Array(n).fill(-1);
  let next = 0;
  const pipes: MarginalPipe[] = [];
  for (let i = 1; i < n; i++) {
    branchOf[i] = isStop(parent[i]!) ? next++ : branchOf[parent[i]!]!;
    pipes.push({ from: parent[i]!, to: i, length_m: 10 + Math.floor(r() * 90), DN: [25, 50, 80, 100][Math.floor(r() * 4)]!, branch: branchOf[i]! });
  }
  const consumers: MarginalConsumer[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < consumersAt[i]!; k++) consumers.push({ id: `c${i}-${k}`, branch: branchOf[i]!, heat_MWh: 5 + r() * 100, peak_kW: 3 + r() * 50, service_m: r() * 60 });
  }
  return { parent, branchOf, pipes, consumers, node: new Map(consumers.map((c) => [c.id, Number(c.id.slice(1).split('-')[0])])) };
}

describe('marginal costs: fast path = brute force', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random tree ${seed}`, () => {
      const { parent, branchOf, pipes, consumers, node } = randomNetwork(seed, 120);
      const m = branchMarginalCosts(pipes, consumers, RATES);
      const pipeAnnual = (p: MarginalPipe) => p.length_m * RATES.pipeCostPerM(p.DN) * (RATES.pipeAnnuity + RATES.omShare);
      const connAnnual = (c: MarginalConsumer) => c.service_m * RATES.servicePerM * (RATES.serviceAnnuity + RATES.omShare) + (RATES.substationFixed + c.peak_kW * RATES.substationPerKw) * (RATES.substationAnnuity + RATES.omShare);
      // the branches a node hangs below: those of the pipes on its path to the plant
      const branchesAbove = (i: number): Set<number> => {
        const s = new Set<number>();
        for (let x = i; x > 0; x = parent[x]!) s.add(branchOf[x]!);
        return s;
      };
      for (const b of m.branches) {
        const downPipes = pipes.filter((p) => branchesAbove(p.to).has(b.branch));
        const downCons = consumers.filter((c) => branchesAbove(node.get(c.id)!).has(b.branch));
        const annual = downPipes.reduce((a, p) => a + pipeAnnual(p), 0) + downCons.reduce((a, c) => a + connAnnual(c), 0);
        const heat = downCons.reduce((a, c) => a + c.heat_MWh, 0);
        expect(b.consumers).toBe(downCons.length);
        expect(b.heat_MWh).toBeCloseTo(heat, 9);
        expect(Math.abs(b.annual - annual)).toBeLessThan(1e-9 * Math.max(1, annual));
        expect(b.pipe_m).toBeCloseTo(downPipes.reduce((a, p) => a + p.length_m, 0), 9);
      }
      for (const c of m.consumers) {
        const input = consumers.find((x) => x.id === c.id)!;
        // the pipes that serve this consumer alone: on its path, in branches whose downstream is only it
        const mine = pipes.filter((p) => {
          if (!branchesAbove(node.get(c.id)!).has(p.branch)) return false;
          return consumers.filter((x) => branchesAbove(node.get(x.id)!).has(p.branch)).length === 1;
        });
        const annual = connAnnual(input) + mine.reduce((a, p) => a + pipeAnnual(p), 0);
        expect(Math.abs(c.annual - annual)).toBeLessThan(1e-9 * Math.max(1, annual));
      }
    });
  }
});
