/**
 * Steiner tree on the road graph, Mehlhorn's 2-approximation (1988) on flat arrays:
 *   1. one multi-source Dijkstra from all terminals: each node's nearest terminal (its Voronoi region) and distance;
 *   2. every edge joining two regions is a candidate terminal-terminal link of length d(u) + len + d(v); Kruskal over
 *      the candidates (sorted once) gives the MST of the terminal distance graph;
 *   3. the chosen links are expanded into road paths, the MST of the union is taken again and non-terminal leaves
 *      are pruned.
 * Terminal groups: terminals with the same group id count as already connected (several plants feeding one network),
 * so the result is a forest with one tree per group member that serves anything.
 * A key-path exchange pass (improve.ts) can shorten the result further.
 */
import type { CsrGraph } from './csr.js';
import { Router } from './dijkstra.js';
import { FRESH, type ArraySource } from './scratch.js';

export interface SteinerResult {
  /** edge ids of the tree (forest when there are several grouped roots) */
  edges: Uint32Array;
  lengthM: number;
  /** terminals the tree could not reach (other component) */
  unreachable: number[];
}

/** Union-find over 0..n-1 with path halving. */
export class UnionFind {
  readonly parent: Int32Array;
  /** `parent`: n entries to use (a Scratch's), else allocated */
  constructor(n: number, parent?: Int32Array) {
    this.parent = parent ?? new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(a: number): number {
    const p = this.parent;
    while (p[a] !== a) {
      p[a] = p[p[a]!]!;
      a = p[a]!;
    }
    return a;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent[ra] = rb;
    return true;
  }
}

/**
 * Mehlhorn Steiner tree connecting `terminals` (node ids). `group[i]`, when given, is a label per terminal: terminals
 * sharing a label are pre-connected (plants). Terminals not reachable from the first terminal's component are listed
 * in `unreachable` and left out.
 */
export function steinerMehlhorn(g: CsrGraph, terminals: ArrayLike<number>, opts: { group?: ArrayLike<number>; router?: Router; scratch?: ArraySource } = {}): SteinerResult {
  const router = opts.router ?? new Router(g);
  // working arrays over the graph: reused from call to call where a scratch is given (scratch.ts)
  const arrays = opts.scratch ?? FRESH;
  const t = terminals.length;
  if (t === 0) return { edges: new Uint32Array(0), lengthM: 0, unreachable: [] };
  const sourceIndex = new Int32Array(t);
  // a node listed twice (two buildings on one tap) is one terminal: it takes the label of its first listing
  const firstLabel = new Map<number, number>();
  for (let i = 0; i < t; i++) {
    const lab = opts.group ? opts.group[i]! : i;
    const prev = firstLabel.get(terminals[i]!);
    sourceIndex[i] = prev ?? lab;
    if (prev === undefined) firstLabel.set(terminals[i]!, lab);
  }
  router.run(terminals, { sourceIndex });
  const { dist, predEdge, source } = router;
  // candidate links between Voronoi regions
  const cand: number[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const su = source[g.edgeFrom[e]!]!;
    const sv = source[g.edgeTo[e]!]!;
    if (su >= 0 && sv >= 0 && su !== sv) cand.push(e);
  }
  const w = arrays.f64('steiner.w', g.edgeCount);
  for (const e of cand) w[e] = dist[g.edgeFrom[e]!]! + g.edgeLengthM[e]! + dist[g.edgeTo[e]!]!;
  const order = Uint32Array.from(cand).sort((a, b) => w[a]! - w[b]!);
  let labels = 0;
  for (let i = 0; i < t; i++) labels = Math.max(labels, sourceIndex[i]! + 1);
  const uf = new UnionFind(labels, arrays.i32('steiner.uf', labels));
  const mark = arrays.u8('steiner.mark', g.edgeCount);
  const walk = (v: number): void => {
    while (predEdge[v]! >= 0) {
      const e = predEdge[v]!;
      if (mark[e]) break; // the rest of the path to the source is already in
      mark[e] = 1;
      v = g.edgeFrom[e] === v ? g.edgeTo[e]! : g.edgeFrom[e]!;
    }
  };
  for (const e of order) {
    if (!uf.union(source[g.edgeFrom[e]!]!, source[g.edgeTo[e]!]!)) continue;
    mark[e] = 1;
    walk(g.edgeFrom[e]!);
    walk(g.edgeTo[e]!);
  }
  // the terminals connected to the first one (by label)
  const root = uf.find(sourceIndex[0]!);
  const unreachable: number[] = [];
  const isTerminal = arrays.u8('steiner.terminal', g.nodeCount);
  for (let i = 0; i < t; i++) {
    if (source[terminals[i]!]! < 0 || uf.find(sourceIndex[i]!) !== root) unreachable.push(terminals[i]!);
    else isTerminal[terminals[i]!] = 1;
  }
  const marked: number[] = [];
  for (let e = 0; e < g.edgeCount; e++) if (mark[e]) marked.push(e);
  const edges = mstAndPrune(g, marked, isTerminal, terminals, opts.group, opts.scratch);
  let lengthM = 0;
  for (const e of edges) lengthM += g.edgeLengthM[e]!;
  return { edges, lengthM, unreachable };
}

/**
 * MST of the subgraph spanned by `edgeIds` (grouped terminals pre-joined), then repeated removal of leaves that are
 * not terminals. Used by Mehlhorn's step 3 and by the improvement pass.
 */
export function mstAndPrune(
  g: CsrGraph,
  edgeIds: number[],
  isTerminal: Uint8Array,
  terminals?: ArrayLike<number>,
  group?: ArrayLike<number>,
  scratch?: ArraySource,
): Uint32Array {
  const sorted = Uint32Array.from(edgeIds).sort((a, b) => g.edgeLengthM[a]! - g.edgeLengthM[b]!);
  const uf = new UnionFind(g.nodeCount, scratch?.i32('mst.uf', g.nodeCount));
  if (terminals && group) {
    const first = new Map<number, number>();
    for (let i = 0; i < terminals.length; i++) {
      const f = first.get(group[i]!);
      if (f === undefined) first.set(group[i]!, terminals[i]!);
      else uf.union(f, terminals[i]!);
    }
  }
  const keep: number[] = [];
  for (const e of sorted) if (uf.union(g.edgeFrom[e]!, g.edgeTo[e]!)) keep.push(e);
  return pruneLeaves(g, keep, isTerminal, scratch);
}

/** Remove non-terminal leaves (repeatedly) from the forest `edgeIds`; working arrays from `scratch` where given. */
export function pruneLeaves(g: CsrGraph, edgeIds: number[], isTerminal: Uint8Array, scratch?: ArraySource): Uint32Array {
  const arrays = scratch ?? FRESH;
  const inTree = arrays.u8('leaves.inTree', g.edgeCount);
  const deg = arrays.i32('leaves.deg', g.nodeCount);
  for (const e of edgeIds) {
    inTree[e] = 1;
    deg[g.edgeFrom[e]!]!++;
    deg[g.edgeTo[e]!]!++;
  }
  const stack: number[] = [];
  // a leaf sits on exactly one edge, so it is pushed once
  for (const e of edgeIds) {
    const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
    if (deg[a] === 1 && !isTerminal[a]) stack.push(a);
    if (deg[b] === 1 && !isTerminal[b]) stack.push(b);
  }
  while (stack.length) {
    const v = stack.pop()!;
    if (deg[v] !== 1) continue;
    for (let k = g.offsets[v]!; k < g.offsets[v + 1]!; k++) {
      const e = g.adjEdge[k]!;
      if (!inTree[e]) continue;
      inTree[e] = 0;
      deg[v] = 0;
      const w = g.adjNode[k]!;
      const dw = --deg[w]!;
      if (dw === 1 && !isTerminal[w]) stack.push(w);
      break;
    }
  }
  const out: number[] = [];
  for (const e of edgeIds) if (inTree[e]) out.push(e);
  return Uint32Array.from(out);
}

/** Total length of a set of edges, m. */
export function edgesLengthM(g: CsrGraph, edges: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < edges.length; i++) s += g.edgeLengthM[edges[i]!]!;
  return s;
}
