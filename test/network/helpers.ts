/** Hand-made and random graphs for the network tests. */
import { buildCsr, type CsrGraph } from '../../engine/network/csr.js';
import { seededRandom } from '../../engine/util/random.js';

/** Graph from nodes [x, y] and edges [a, b] (length = Euclidean unless given). */
export function graphOf(nodes: [number, number][], edges: ([number, number] | [number, number, number])[]): CsrGraph {
  return buildCsr({
    x: nodes.map((n) => n[0]),
    y: nodes.map((n) => n[1]),
    from: edges.map((e) => e[0]),
    to: edges.map((e) => e[1]),
    lengthM: edges.map((e) => e[2] ?? Math.hypot(nodes[e[0]]![0] - nodes[e[1]]![0], nodes[e[0]]![1] - nodes[e[1]]![1])),
  });
}

export const rng = seededRandom;

/** Random connected graph: a random spanning tree plus extra edges; integer lengths 1..20. */
export function randomGraph(n: number, extra: number, r: () => number): CsrGraph {
  const nodes: [number, number][] = [];
  for (let i = 0; i < n; i++) nodes.push([r() * 100, r() * 100]);
  const edges: [number, number, number][] = [];
  const has = new Set<string>();
  const add = (a: number, b: number): void => {
    const k = a < b ? `${a},${b}` : `${b},${a}`;
    if (a === b || has.has(k)) return;
    has.add(k);
    edges.push([a, b, 1 + Math.floor(r() * 20)]);
  };
  for (let i = 1; i < n; i++) add(i, Math.floor(r() * i));
  for (let k = 0; k < extra; k++) add(Math.floor(r() * n), Math.floor(r() * n));
  return graphOf(nodes, edges);
}

/** Exact Steiner tree length by enumerating edge subsets (small graphs only). */
export function bruteSteiner(g: CsrGraph, terminals: number[]): number {
  const m = g.edgeCount;
  let best = Infinity;
  const parent = new Int32Array(g.nodeCount);
  const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a]!)));
  for (let mask = 0; mask < 1 << m; mask++) {
    let len = 0;
    for (let i = 0; i < g.nodeCount; i++) parent[i] = i;
    for (let e = 0; e < m; e++) if (mask & (1 << e)) {
      len += g.edgeLengthM[e]!;
      parent[find(g.edgeFrom[e]!)] = find(g.edgeTo[e]!);
    }
    if (len >= best) continue;
    const r = find(terminals[0]!);
    if (terminals.every((t) => find(t) === r)) best = len;
  }
  return best;
}

/** Check that edges form a forest connecting the terminals whose leaves are all terminals. */
export function isSteinerTree(g: CsrGraph, edges: ArrayLike<number>, terminals: number[]): boolean {
  const parent = new Int32Array(g.nodeCount).map((_, i) => i);
  const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a]!)));
  const deg = new Map<number, number>();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    const a = find(g.edgeFrom[e]!), b = find(g.edgeTo[e]!);
    if (a === b) return false; // cycle
    parent[a] = b;
    for (const v of [g.edgeFrom[e]!, g.edgeTo[e]!]) deg.set(v, (deg.get(v) ?? 0) + 1);
  }
  const r = find(terminals[0]!);
  if (!terminals.every((t) => find(t) === r)) return false;
  const ts = new Set(terminals);
  for (const [v, d] of deg) if (d === 1 && !ts.has(v)) return false;
  return true;
}
