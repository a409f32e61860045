/**
 * Pruning test cases shared by the pruning tests (lazy-sizing.test.ts, scratch.test.ts): two uses' hourly profiles, a
 * random rooted tree with consumers, and the pipe loss as planNetwork computes it.
 */
import type { PipeLossFn } from '../../engine/network/criteria.js';
import type { LoadConsumer } from '../../engine/network/loads.js';
import { DEFAULT_COLD_SIZING, DEFAULT_SIZING, heatLossWPerM, sizeClasses, sizePipe, ZERO_LOAD_KW } from '../../engine/network/sizing.js';
import { rootTree } from '../../engine/network/tree.js';
import { graphOf, rng } from './helpers.js';

/** Two uses with different hourly shapes (a winter peak and a flat one), 8,760 h, each summing to 1. */
export function profiles(): Map<string, { spaceHeat: Float64Array; hotWater: Float64Array; cooling: Float64Array }> {
  const mk = (f: (h: number) => number): Float64Array => {
    const a = Float64Array.from({ length: 8760 }, (_, h) => f(h));
    const s = a.reduce((x, y) => x + y, 0);
    return a.map((v) => v / s);
  };
  const winter = mk((h) => 1.2 + Math.cos((2 * Math.PI * h) / 8760) + 0.3 * Math.sin((2 * Math.PI * h) / 24));
  const flat = mk((h) => 1 + 0.5 * Math.sin((2 * Math.PI * (h + 5)) / 24));
  const summer = mk((h) => Math.max(0, -Math.cos((2 * Math.PI * h) / 8760)) + 0.01);
  return new Map([
    ['home', { spaceHeat: winter, hotWater: flat, cooling: summer }],
    ['office', { spaceHeat: flat, hotWater: winter, cooling: summer }],
  ]);
}

/** A random tree of `n` nodes rooted at 0, consumers at most nodes, edges 5..200 m. */
export function randomCase(seed: number, n: number) {
  const r = rng(seed);
  const nodes: [number, number][] = [];
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) nodes.push([r() * 1000, r() * 1000]);
  for (let i = 1; i < n; i++) edges.push([i, Math.floor(r() * i), 5 + r() * 195]);
  const g = graphOf(nodes, edges);
  const t = rootTree(g, Uint32Array.from({ length: g.edgeCount }, (_, e) => e), [0]);
  const consumers: LoadConsumer[] = [];
  const at: number[] = [];
  for (let v = 1; v < n; v++) {
    if (r() < 0.25) continue;
    const heat = 5 + r() * (r() < 0.1 ? 2000 : 80);
    const sh = heat * (0.5 + 0.4 * r());
    consumers.push({ spaceHeatMWh: sh, hotWaterMWh: heat - sh, heatMWh: heat, peakKw: heat / 2, coolMWh: r() < 0.5 ? heat * r() : 0, coolPeakKw: heat / 3, use: r() < 0.5 ? 'home' : 'office' });
    at.push(v);
  }
  return { t, consumers, at };
}

/** Pipe loss as planNetwork computes it: the DN of the design load, the THERMOS loss fit, 8,760 h. */
export function pipeLossFn(lazy: boolean): PipeLossFn {
  const loss = (kw: number, lengthM: number, sizing: typeof DEFAULT_SIZING): number =>
    kw > ZERO_LOAD_KW ? (heatLossWPerM(sizePipe(kw, sizing).dn, sizing) * lengthM * 8760) / 1e6 : 0;
  const f: PipeLossFn = (h, c, len) => ({ lossMWh: loss(h, len, DEFAULT_SIZING), gainMWh: 0.3 * loss(c, len, DEFAULT_COLD_SIZING) });
  if (lazy) f.sizeClass = { heat: sizeClasses(DEFAULT_SIZING), cold: sizeClasses(DEFAULT_COLD_SIZING) };
  return f;
}
