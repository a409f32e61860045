/**
 * Plant location when none is given: the road node that minimises the demand-weighted network distance to the
 * consumers (a network 1-median). Exact evaluation needs one Dijkstra per candidate, so the candidates are the
 * `candidates` road nodes nearest (straight line) to the demand-weighted geometric median (Weiszfeld iteration) of
 * the consumers; each is evaluated exactly and the best is taken.
 */
import Flatbush from 'flatbush';
import type { CsrGraph } from './csr.js';
import { Router } from './dijkstra.js';

export interface PlantSuggestion {
  node: number;
  /** sum over consumers of heat x network distance, MWh·m/a */
  weightedDistance: number;
  /** candidates evaluated */
  evaluated: number;
}

/** Demand-weighted geometric median of points (Weiszfeld). */
export function weightedMedian(xs: ArrayLike<number>, ys: ArrayLike<number>, w: ArrayLike<number>, iterations = 100): [number, number] {
  let sw = 0, mx = 0, my = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += w[i]!;
    mx += w[i]! * xs[i]!;
    my += w[i]! * ys[i]!;
  }
  mx /= sw;
  my /= sw;
  for (let it = 0; it < iterations; it++) {
    let nx = 0, ny = 0, den = 0;
    for (let i = 0; i < xs.length; i++) {
      const d = Math.max(1e-6, Math.hypot(xs[i]! - mx, ys[i]! - my));
      nx += (w[i]! * xs[i]!) / d;
      ny += (w[i]! * ys[i]!) / d;
      den += w[i]! / d;
    }
    const dx = nx / den - mx, dy = ny / den - my;
    mx += dx;
    my += dy;
    if (Math.hypot(dx, dy) < 0.01) break;
  }
  return [mx, my];
}

/**
 * Suggest a plant node among the nodes with `allowed[v] = 1` (the chosen component), for consumers at `nodes` with
 * weights `heat` (MWh/a).
 */
export function suggestPlant(
  g: CsrGraph,
  nodes: ArrayLike<number>,
  heat: ArrayLike<number>,
  allowed: Uint8Array,
  opts: { candidates?: number; router?: Router } = {},
): PlantSuggestion {
  const xs = Array.from(nodes, (v) => g.x[v]!);
  const ys = Array.from(nodes, (v) => g.y[v]!);
  const [mx, my] = weightedMedian(xs, ys, heat);
  const ids: number[] = [];
  for (let v = 0; v < g.nodeCount; v++) if (allowed[v]) ids.push(v);
  const idx = new Flatbush(Math.max(1, ids.length));
  for (const v of ids) idx.add(g.x[v]!, g.y[v]!, g.x[v]!, g.y[v]!);
  if (ids.length === 0) idx.add(mx, my, mx, my);
  idx.finish();
  const cands = idx.neighbors(mx, my, opts.candidates ?? 16).map((i) => ids[i]!);
  const router = opts.router ?? new Router(g);
  let best: PlantSuggestion = { node: -1, weightedDistance: Infinity, evaluated: 0 };
  for (const c of cands) {
    router.run([c]);
    let s = 0;
    for (let i = 0; i < nodes.length; i++) s += heat[i]! * router.dist[nodes[i]!]!;
    best.evaluated++;
    if (s < best.weightedDistance) best = { node: c, weightedDistance: s, evaluated: best.evaluated };
  }
  return best;
}
