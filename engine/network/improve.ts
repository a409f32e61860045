/**
 * Key-path exchange (Voss 1992) for a Steiner tree, evaluated with Voronoi regions as in Uchoa & Werneck (2010,
 * "Fast local search for Steiner trees in graphs"). A key path is a chain of the tree between two key nodes
 * (terminals, roots, or junctions of degree >= 3) whose interior nodes are plain degree-2 Steiner nodes. Removing it
 * splits the tree in two; if the road graph has a shorter path between the two parts (through nodes that are not in
 * the tree, or the freed interior), the key path is replaced by it.
 *
 * One pass costs one multi-source Dijkstra from all tree nodes (each road node's nearest tree node = its base) plus
 * O(E log E) heap work, instead of one search per key path:
 *   - every road edge joining two regions is a boundary edge of cost d(x) + len + d(y); the edges leaving the subtree
 *     below a key path are kept in leftist heaps merged bottom-up, so the cheapest edge from the subtree to the rest
 *     (its far base neither inside the subtree nor on the key path) is the heap top after lazy deletions;
 *   - the regions of the key path's interior nodes are freed and re-labelled by a Dijkstra restricted to them, seeded
 *     from their neighbours; edges touching the freed nodes give the paths that run through the freed area.
 * The smaller of both is the exact shortest reconnection (Mehlhorn's boundary-edge argument). All improving key paths
 * of a pass are applied, largest gain first, as long as they are independent of those already applied (the tree path
 * between the new path's ends has no removed edge; new paths and freed interiors do not touch). Repeated until a pass
 * finds nothing (or `maxPasses`). Every applied exchange strictly shortens the tree.
 */
import FlatQueue from 'flatqueue';
import type { CsrGraph } from './csr.js';
import { Router } from './dijkstra.js';
import { pruneLeaves } from './steiner.js';
import { rootTree, type RootedTree } from './tree.js';

export interface ImproveResult {
  edges: Uint32Array;
  lengthM: number;
  exchanges: number;
  passes: number;
}

interface Candidate {
  gain: number;
  /** tree indices of the new path's ends (in the tree of this pass) */
  a: number;
  b: number;
  pathEdges: number[];
  newEdges: number[];
  /** graph nodes of the key path's interior */
  interior: number[];
}

/** Buffers over the graph, allocated once per call and reused by every pass. */
class Work {
  readonly dR: Float64Array;
  readonly predR: Int32Array;
  readonly sideR: Uint8Array;
  readonly settledR: Int32Array;
  readonly interiorMark: Int32Array;
  readonly queue: FlatQueue<number>;
  // leftist heap over directed boundary edges (2 per road edge)
  readonly hKey: Float64Array;
  readonly hFar: Uint32Array;
  readonly hEdge: Uint32Array;
  readonly hLeft: Int32Array;
  readonly hRight: Int32Array;
  readonly hRank: Int32Array;
  readonly removedEdge: Uint8Array;
  readonly qNode: Uint8Array;
  constructor(g: CsrGraph) {
    const n = g.nodeCount, m = g.edgeCount;
    this.dR = new Float64Array(n);
    this.predR = new Int32Array(n);
    this.sideR = new Uint8Array(n);
    this.settledR = new Int32Array(n);
    this.interiorMark = new Int32Array(n);
    this.queue = new FlatQueue<number>(2 * m + n + 1, Float64Array, Uint32Array);
    this.hKey = new Float64Array(2 * m);
    this.hFar = new Uint32Array(2 * m);
    this.hEdge = new Uint32Array(2 * m);
    this.hLeft = new Int32Array(2 * m);
    this.hRight = new Int32Array(2 * m);
    this.hRank = new Int32Array(2 * m);
    this.removedEdge = new Uint8Array(m);
    this.qNode = new Uint8Array(n);
  }

  /** Merge two leftist heaps (roots a, b; -1 = empty), iterative down the right spines. */
  merge(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const { hKey, hLeft, hRight, hRank } = this;
    const spine: number[] = [];
    let root = -1;
    for (;;) {
      if (a < 0 || b < 0) {
        const rest = a < 0 ? b : a;
        if (spine.length) hRight[spine[spine.length - 1]!] = rest;
        else root = rest;
        break;
      }
      if (hKey[b]! < hKey[a]!) {
        const s = a;
        a = b;
        b = s;
      }
      if (spine.length) hRight[spine[spine.length - 1]!] = a;
      else root = a;
      spine.push(a);
      a = hRight[a]!;
    }
    for (let k = spine.length - 1; k >= 0; k--) {
      const v = spine[k]!;
      const l = hLeft[v]!, r = hRight[v]!;
      const rl = l < 0 ? 0 : hRank[l]!, rr = r < 0 ? 0 : hRank[r]!;
      if (rl < rr) {
        hLeft[v] = r;
        hRight[v] = l;
        hRank[v] = rl + 1;
      } else hRank[v] = rr + 1;
    }
    return root;
  }
}

export function keyPathExchange(
  g: CsrGraph,
  edges: Uint32Array,
  isTerminal: Uint8Array,
  roots: number[],
  opts: { router?: Router; maxPasses?: number } = {},
): ImproveResult {
  const router = opts.router ?? new Router(g);
  const maxPasses = opts.maxPasses ?? 8;
  const work = new Work(g);
  let exchanges = 0;
  let passes = 0;
  let current = edges;
  while (passes < maxPasses) {
    passes++;
    const applied = onePass(g, current, isTerminal, roots, router, work);
    if (applied.count === 0) break;
    exchanges += applied.count;
    current = applied.edges;
  }
  let lengthM = 0;
  for (const e of current) lengthM += g.edgeLengthM[e]!;
  return { edges: current, lengthM, exchanges, passes };
}

function onePass(
  g: CsrGraph,
  edges: Uint32Array,
  isTerminal: Uint8Array,
  roots: number[],
  router: Router,
  work: Work,
): { count: number; edges: Uint32Array } {
  const t = rootTree(g, edges, roots);
  const n = t.size;
  const { offsets, adjNode, adjEdge, edgeLengthM, edgeFrom, edgeTo } = g;
  // tree structure: degree, key flags, pre-order interval, depth
  const key = new Uint8Array(n);
  const depth = new Uint32Array(n);
  const size = new Uint32Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const deg = t.childStart[i + 1]! - t.childStart[i]! + (t.parent[i]! >= 0 ? 1 : 0);
    key[i] = t.parent[i]! < 0 || isTerminal[t.node[i]!] === 1 || deg >= 3 ? 1 : 0;
    if (t.parent[i]! >= 0) depth[i] = depth[t.parent[i]!]! + 1;
  }
  for (let i = n - 1; i >= 0; i--) if (t.parent[i]! >= 0) size[t.parent[i]!]! += size[i]!;
  const tin = preOrder(t);
  // Voronoi regions of the tree nodes: base = tree index of the nearest tree node
  const sourceIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) sourceIndex[i] = i;
  router.run(t.node, { sourceIndex });
  const dist = router.dist, pred = router.predEdge, base = router.source;
  // region members by base (counting sort)
  const regStart = new Uint32Array(n + 1);
  for (let v = 0; v < g.nodeCount; v++) if (base[v]! >= 0) regStart[base[v]! + 1]!++;
  for (let i = 0; i < n; i++) regStart[i + 1]! += regStart[i]!;
  const fill = regStart.slice(0, n);
  const regNodes = new Uint32Array(regStart[n]!);
  for (let v = 0; v < g.nodeCount; v++) if (base[v]! >= 0) regNodes[fill[base[v]!]!++] = v;
  // boundary edges into per-base heaps
  const { hKey, hFar, hEdge, hLeft, hRight, hRank, interiorMark, settledR, dR, predR, sideR, queue } = work;
  const heap = new Int32Array(n).fill(-1);
  let hc = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    const x = edgeFrom[e]!, y = edgeTo[e]!;
    const bx = base[x]!, by = base[y]!;
    if (bx < 0 || by < 0 || bx === by) continue;
    const k = dist[x]! + edgeLengthM[e]! + dist[y]!;
    for (let s = 0; s < 2; s++) {
      hKey[hc] = k;
      hFar[hc] = s === 0 ? y : x;
      hEdge[hc] = e;
      hLeft[hc] = -1;
      hRight[hc] = -1;
      hRank[hc] = 1;
      const owner = s === 0 ? bx : by;
      heap[owner] = work.merge(heap[owner]!, hc);
      hc++;
    }
  }
  interiorMark.fill(-1);
  settledR.fill(-1);
  const other = (e: number, v: number): number => (edgeFrom[e] === v ? edgeTo[e]! : edgeFrom[e]!);
  const cands: Candidate[] = [];
  // children before parents: reverse breadth-first order
  for (let u = n - 1; u >= 0; u--) {
    if (t.parent[u]! >= 0 && key[u]) {
      const stamp = u;
      const tinU = tin[u]!, toutU = tinU + size[u]!;
      const inSub = (i: number): boolean => tin[i]! >= tinU && tin[i]! < toutU;
      const pathEdges: number[] = [];
      const interior: number[] = [];
      let lenP = 0;
      let a = u;
      do {
        pathEdges.push(t.parentEdge[a]!);
        lenP += t.parentLengthM[a]!;
        a = t.parent[a]!;
        if (!key[a]) {
          interior.push(a);
          interiorMark[a] = stamp;
        }
      } while (!key[a]);
      // (a) cheapest boundary edge from the subtree to the rest, far base neither in the subtree nor on the path
      let h = heap[u]!;
      while (h >= 0) {
        const fb = base[hFar[h]!]!;
        if (!inSub(fb) && interiorMark[fb] !== stamp) break;
        h = work.merge(hLeft[h]!, hRight[h]!); // internal for this key path and every one above: drop for good
      }
      heap[u] = h;
      let best = h >= 0 ? hKey[h]! : Infinity;
      let bestX = -1, bestY = -1, bestE = -1;
      if (h >= 0) {
        bestE = hEdge[h]!;
        bestY = hFar[h]!;
        bestX = other(bestE, bestY);
      }
      // (b) through the freed regions of the interior nodes
      if (interior.length) {
        queue.clear();
        for (const i of interior) {
          for (let r = regStart[i]!; r < regStart[i + 1]!; r++) {
            const x = regNodes[r]!;
            dR[x] = Infinity;
            predR[x] = -1;
            for (let k = offsets[x]!; k < offsets[x + 1]!; k++) {
              const y = adjNode[k]!;
              const by = base[y]!;
              if (by < 0 || interiorMark[by] === stamp) continue;
              const d = dist[y]! + edgeLengthM[adjEdge[k]!]!;
              if (d < dR[x]!) {
                dR[x] = d;
                predR[x] = adjEdge[k]!;
                sideR[x] = inSub(by) ? 0 : 1;
              }
            }
            if (dR[x]! < Infinity) queue.push(x, dR[x]!);
          }
        }
        while (queue.length > 0) {
          const d = queue.peekValue()!;
          const x = queue.pop()!;
          if (settledR[x] === stamp) continue;
          settledR[x] = stamp;
          for (let k = offsets[x]!; k < offsets[x + 1]!; k++) {
            const y = adjNode[k]!;
            const by = base[y]!;
            if (by < 0 || interiorMark[by] !== stamp || settledR[y] === stamp) continue;
            const nd = d + edgeLengthM[adjEdge[k]!]!;
            if (nd < dR[y]!) {
              dR[y] = nd;
              predR[y] = adjEdge[k]!;
              sideR[y] = sideR[x]!;
              queue.push(y, nd);
            }
          }
        }
        for (const i of interior) {
          for (let r = regStart[i]!; r < regStart[i + 1]!; r++) {
            const x = regNodes[r]!;
            if (settledR[x] !== stamp) continue;
            for (let k = offsets[x]!; k < offsets[x + 1]!; k++) {
              const y = adjNode[k]!;
              const by = base[y]!;
              if (by < 0) continue;
              let c: number;
              if (interiorMark[by] === stamp) {
                if (settledR[y] !== stamp || sideR[y] === sideR[x]) continue;
                c = dR[x]! + edgeLengthM[adjEdge[k]!]! + dR[y]!;
              } else {
                if ((inSub(by) ? 0 : 1) === sideR[x]) continue;
                c = dR[x]! + edgeLengthM[adjEdge[k]!]! + dist[y]!;
              }
              if (c < best) {
                best = c;
                bestX = x;
                bestY = y;
                bestE = adjEdge[k]!;
              }
            }
          }
        }
      }
      if (best < lenP - 1e-6) {
        const newEdges: number[] = [bestE];
        const walk = (v: number): number => {
          while (base[v]! >= 0 && interiorMark[base[v]!] === stamp) {
            const e = predR[v]!;
            newEdges.push(e);
            v = other(e, v);
          }
          while (pred[v]! >= 0) {
            const e = pred[v]!;
            newEdges.push(e);
            v = other(e, v);
          }
          return v;
        };
        const ea = walk(bestX), eb = walk(bestY);
        cands.push({ gain: lenP - best, a: t.indexOf[ea]!, b: t.indexOf[eb]!, pathEdges, newEdges, interior: interior.map((i) => t.node[i]!) });
      }
    }
    const p = t.parent[u]!;
    if (p >= 0) heap[p] = work.merge(heap[p]!, heap[u]!);
  }
  if (cands.length === 0) return { count: 0, edges };
  // apply independent improvements, largest gain first
  cands.sort((x, y) => y.gain - x.gain);
  const { removedEdge, qNode } = work;
  removedEdge.fill(0);
  qNode.fill(0);
  const inTree = new Uint8Array(g.edgeCount);
  for (const e of edges) inTree[e] = 1;
  let count = 0;
  for (const c of cands) {
    let ok = true;
    // the old tree path between the new path's ends must be intact (then it still holds the key path)
    let a = c.a, b = c.b;
    while (ok && a !== b) {
      if (depth[a]! < depth[b]!) {
        const s = a;
        a = b;
        b = s;
      }
      if (t.parent[a]! < 0) break; // both roots of different trees (grouped plants)
      if (removedEdge[t.parentEdge[a]!]) ok = false;
      a = t.parent[a]!;
    }
    if (ok) for (const v of c.interior) if (qNode[v]) ok = false;
    if (ok)
      for (const e of c.newEdges) {
        const x = edgeFrom[e]!, y = edgeTo[e]!;
        if ((qNode[x] && x !== t.node[c.a] && x !== t.node[c.b]) || (qNode[y] && y !== t.node[c.a] && y !== t.node[c.b])) ok = false;
      }
    if (!ok) continue;
    for (const e of c.pathEdges) {
      inTree[e] = 0;
      removedEdge[e] = 1;
    }
    for (const e of c.newEdges) {
      inTree[e] = 1;
      qNode[edgeFrom[e]!] = 1;
      qNode[edgeTo[e]!] = 1;
    }
    count++;
  }
  const out: number[] = [];
  for (let e = 0; e < g.edgeCount; e++) if (inTree[e]) out.push(e);
  return { count, edges: pruneLeaves(g, out, isTerminal) };
}

/** Pre-order numbers: the subtree of i is the interval [tin[i], tin[i] + size[i]). */
function preOrder(t: RootedTree): Uint32Array {
  const n = t.size;
  const tin = new Uint32Array(n);
  let clock = 0;
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (t.parent[i]! >= 0) continue;
    stack.push(i);
    while (stack.length) {
      const v = stack.pop()!;
      tin[v] = clock++;
      for (let k = t.childStart[v]!; k < t.childStart[v + 1]!; k++) stack.push(t.childList[k]!);
    }
  }
  return tin;
}
