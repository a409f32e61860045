/**
 * Key-path exchange (Voss 1992) for a Steiner tree, evaluated with Voronoi regions as in Uchoa & Werneck (2010,
 * "Fast local search for Steiner trees in graphs"). A key path is a chain of the tree between two key nodes
 * (terminals, roots, or junctions of degree >= 3) whose interior nodes are plain degree-2 Steiner nodes. Removing it
 * splits the tree in two; if the road graph has a shorter path between the two parts (through nodes that are not in
 * the tree, or the freed interior), the key path is replaced by it.
 *
 * One pass costs one multi-source Dijkstra from all tree nodes (each road node's nearest tree node = its base) plus
 * O(E log E) heap work, instead of one bounded search per key path (the previous version: 0.14-0.96 s on Heidelberg):
 *   - every road edge joining two regions is a boundary edge of cost d(x) + len + d(y); the edges leaving the subtree
 *     below a key path are kept in leftist heaps merged bottom-up, so the cheapest edge from the subtree to the rest
 *     (its far base neither inside the subtree nor on the key path) is the heap top after lazy deletions;
 *   - the regions of the key path's interior nodes are freed and re-labelled by a Dijkstra restricted to them, seeded
 *     from their neighbours; edges touching the freed nodes give the paths that run through the freed area (the
 *     search stops once its distance reaches the best cost so far or the key path's length).
 * The smaller of both is the exact shortest reconnection (Mehlhorn's boundary-edge argument). All improving key paths
 * of a pass are applied, largest gain first, as long as they are independent of those already applied (the tree path
 * between the new path's ends has no removed edge; new paths and freed interiors do not touch). Repeated until a pass
 * finds nothing (or `maxPasses`); later passes update the Voronoi diagram only where the tree changed (regions of
 * nodes that left the tree are re-labelled, new tree nodes spread) instead of recomputing it, and compute only the
 * key paths whose best reconnection can have changed (onePass: `focused`); the result is the same tree, edge for edge,
 * as computing every key path in every pass (test/network/improve-focus.test.ts). The boundary-edge heaps of a later
 * pass are built only for the subtrees of the key paths it computes (their heaps are the only ones read), by the same
 * merges in the same order as a full pass (on the 1M-building city's first round, passes 5-8 needed the regions of
 * 42, 15, 18 and 18 % of the graph's nodes; passes 2-4 still all of it). The rooted tree, the
 * base labels and the region lists are still made over the whole tree and graph in every pass (linear, no heap work).
 * Every applied exchange strictly shortens the tree.
 */
import type { CsrGraph } from './csr.js';
import { pruneLeaves } from './steiner.js';
import { Scratch } from './scratch.js';
import { rootTree, type RootedTree } from './tree.js';

export interface ImproveResult {
  edges: Uint32Array;
  lengthM: number;
  exchanges: number;
  passes: number;
  /** key paths whose best reconnection was computed, over all passes (later passes compute only the affected ones) */
  evaluated: number;
  /** boundary-edge entries put into heaps, over all passes (later passes only those of the computed key paths' subtrees) */
  heaped: number;
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

/**
 * Buffers over the graph, allocated once per graph (workFor) and reused by every pass of every call; `scratch` holds
 * each pass's arrays over the tree.
 */
class Work {
  readonly scratch = new Scratch();
  readonly dR: Float64Array;
  readonly predR: Int32Array;
  readonly sideR: Uint8Array;
  readonly settledR: Int32Array;
  readonly interiorMark: Int32Array;
  readonly queue: MinHeap;
  // leftist heap over directed boundary edges (2 per road edge)
  readonly hKey: Float64Array;
  readonly hFar: Uint32Array;
  readonly hEdge: Uint32Array;
  readonly hLeft: Int32Array;
  readonly hRight: Int32Array;
  readonly hRank: Int32Array;
  private readonly spine = new Int32Array(128);
  readonly removedEdge: Uint8Array;
  readonly qNode: Uint8Array;
  /** Voronoi diagram of the tree nodes: distance to, edge towards and tree index of the nearest tree node */
  readonly dist: Float64Array;
  readonly pred: Int32Array;
  readonly base: Int32Array;
  /** graph node of the nearest tree node (stable across passes, so the diagram can be updated instead of rebuilt) */
  readonly baseNode: Int32Array;
  /** whether dist/pred/baseNode hold the diagram of the current tree */
  valid = false;
  /**
   * What the last pass changed, for the next one to evaluate only the key paths whose best reconnection can differ
   * (see onePass): graph nodes (a tree node whose region or tree edges changed) and graph edges (tree edges on a path
   * whose cut changed), and pairs of base nodes joined by a boundary edge whose cost or sides changed.
   */
  readonly affNode: Uint8Array;
  readonly affEdge: Uint8Array;
  pairs: number[] = [];
  /** nodes whose label the last update changed (collected only while `tracking`) */
  changed: number[] = [];
  tracking = false;
  constructor(readonly g: CsrGraph) {
    const n = g.nodeCount, m = g.edgeCount;
    this.dist = new Float64Array(n);
    this.pred = new Int32Array(n);
    this.base = new Int32Array(n);
    this.baseNode = new Int32Array(n);
    this.dR = new Float64Array(n);
    this.predR = new Int32Array(n);
    this.sideR = new Uint8Array(n);
    this.settledR = new Int32Array(n);
    this.interiorMark = new Int32Array(n);
    this.queue = new MinHeap(2 * m + n + 1);
    this.hKey = new Float64Array(2 * m);
    this.hFar = new Uint32Array(2 * m);
    this.hEdge = new Uint32Array(2 * m);
    this.hLeft = new Int32Array(2 * m);
    this.hRight = new Int32Array(2 * m);
    this.hRank = new Int32Array(2 * m);
    this.removedEdge = new Uint8Array(m);
    this.qNode = new Uint8Array(n);
    this.affNode = new Uint8Array(n);
    this.affEdge = new Uint8Array(m);
  }

  /** Ready for a new call: no diagram, no marks of a previous pass. */
  reset(): void {
    this.valid = false;
    this.affNode.fill(0);
    this.affEdge.fill(0);
    this.pairs = [];
    this.changed = [];
    this.tracking = false;
  }

  /** Multi-source Dijkstra from all tree nodes over the whole graph (dist, pred, baseNode). */
  voronoi(treeNodes: ArrayLike<number>): void {
    const { dist, pred, baseNode, queue } = this;
    dist.fill(Infinity);
    pred.fill(-1);
    baseNode.fill(-1);
    queue.clear();
    for (let i = 0; i < treeNodes.length; i++) {
      const s = treeNodes[i]!;
      dist[s] = 0;
      baseNode[s] = s;
      queue.push(s, 0);
    }
    this.propagate();
    this.valid = true;
  }

  /**
   * Update the diagram after a pass: the regions of tree nodes that left the tree (`freedRegions`, lists of graph
   * nodes) are emptied and re-labelled from their neighbours, nodes that joined the tree (`added`) become sources.
   * Every other label is a reachable upper bound, consistent with its neighbours, so propagating decreases from the
   * seeds gives the exact diagram of the new tree.
   */
  update(freedRegions: number[], added: number[]): void {
    const { dist, pred, baseNode, queue } = this;
    const { offsets, adjNode, adjEdge, edgeLengthM } = this.g;
    queue.clear();
    if (this.tracking) {
      this.changed.length = 0;
      for (const x of freedRegions) this.changed.push(x);
      for (const s of added) {
        if (baseNode[s]! >= 0) this.affNode[baseNode[s]!] = 1;
        this.changed.push(s);
      }
    }
    for (const x of freedRegions) {
      dist[x] = Infinity;
      pred[x] = -1;
      baseNode[x] = -1;
    }
    for (const s of added) {
      dist[s] = 0;
      pred[s] = -1;
      baseNode[s] = s;
      queue.push(s, 0);
    }
    for (const x of freedRegions) {
      if (dist[x] === 0) continue;
      for (let k = offsets[x]!, end = offsets[x + 1]!; k < end; k++) {
        const y = adjNode[k]!;
        if (baseNode[y]! < 0) continue;
        const d = dist[y]! + edgeLengthM[adjEdge[k]!]!;
        if (d < dist[x]!) {
          dist[x] = d;
          pred[x] = adjEdge[k]!;
          baseNode[x] = baseNode[y]!;
        }
      }
      if (dist[x]! < Infinity) queue.push(x, dist[x]!);
    }
    this.propagate();
  }

  /** Dijkstra from the queued labels, lowering dist wherever a shorter way is found (lazy deletion). */
  private propagate(): void {
    const { dist, pred, baseNode, queue, tracking, changed, affNode } = this;
    const { offsets, adjNode, adjEdge, edgeLengthM } = this.g;
    while (queue.length > 0) {
      const d = queue.peekValue();
      const v = queue.pop();
      if (d > dist[v]!) continue;
      const b = baseNode[v]!;
      for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) {
        const w = adjNode[k]!;
        const e = adjEdge[k]!;
        const nd = d + edgeLengthM[e]!;
        if (nd < dist[w]!) {
          if (tracking) {
            // the region w leaves changes too
            if (baseNode[w]! >= 0) affNode[baseNode[w]!] = 1;
            changed.push(w);
          }
          dist[w] = nd;
          pred[w] = e;
          baseNode[w] = b;
          queue.push(w, nd);
        }
      }
    }
  }

  /**
   * Re-label the regions of the key path's interior nodes (interiorMark = stamp) by their nearest remaining tree node
   * (side 0 = inside the subtree [tinU, toutU), 1 = the rest) and lower `best` to the cheapest path through them. A
   * path through freed node x costs at least its new label, so the search stops at min(best, `boundM`).
   */
  throughFreed(
    interior: number[],
    regStart: Uint32Array,
    regNodes: Uint32Array,
    tin: Uint32Array,
    tinU: number,
    toutU: number,
    stamp: number,
    boundM: number,
    best: Best,
  ): void {
    const { dist, base, dR, predR, sideR, settledR, interiorMark, queue } = this;
    const { offsets, adjNode, adjEdge, edgeLengthM } = this.g;
    let bound = Math.min(boundM, best.cost);
    queue.clear();
    for (let q = 0; q < interior.length; q++) {
      const i = interior[q]!;
      for (let r = regStart[i]!, rEnd = regStart[i + 1]!; r < rEnd; r++) {
        const x = regNodes[r]!;
        let dx = Infinity;
        predR[x] = -1;
        for (let k = offsets[x]!, end = offsets[x + 1]!; k < end; k++) {
          const y = adjNode[k]!;
          const by = base[y]!;
          if (by < 0 || interiorMark[by] === stamp) continue;
          const d = dist[y]! + edgeLengthM[adjEdge[k]!]!;
          if (d < dx) {
            dx = d;
            predR[x] = adjEdge[k]!;
            const ti = tin[by]!;
            sideR[x] = ti >= tinU && ti < toutU ? 0 : 1;
          }
        }
        dR[x] = dx;
        if (dx < bound) queue.push(x, dx);
      }
    }
    // settle in order; a candidate edge is priced when its later end is settled, and never costs less than that end
    while (queue.length > 0) {
      const d = queue.peekValue();
      if (d >= bound) break;
      const x = queue.pop();
      if (settledR[x] === stamp) continue;
      settledR[x] = stamp;
      const sx = sideR[x]!;
      for (let k = offsets[x]!, end = offsets[x + 1]!; k < end; k++) {
        const y = adjNode[k]!;
        const by = base[y]!;
        if (by < 0) continue;
        const len = edgeLengthM[adjEdge[k]!]!;
        let c: number;
        if (interiorMark[by] === stamp) {
          if (settledR[y] !== stamp) {
            const nd = d + len;
            if (nd < dR[y]!) {
              dR[y] = nd;
              predR[y] = adjEdge[k]!;
              sideR[y] = sx;
              if (nd < bound) queue.push(y, nd);
            }
            continue;
          }
          if (sideR[y] === sx) continue;
          c = d + len + dR[y]!;
        } else {
          const ti = tin[by]!;
          if ((ti >= tinU && ti < toutU ? 0 : 1) === sx) continue;
          c = d + len + dist[y]!;
        }
        if (c < best.cost) {
          best.cost = c;
          best.x = x;
          best.y = y;
          best.e = adjEdge[k]!;
          if (c < bound) bound = c;
        }
      }
    }
  }

  /** Merge two leftist heaps (roots a, b; -1 = empty), iterative down the right spines. */
  merge(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const { hKey, hLeft, hRight, hRank, spine } = this;
    // right spines of leftist heaps have at most log2(size + 1) nodes, so two of them fit in `spine`
    let top = 0;
    let root = -1;
    for (;;) {
      if (a < 0 || b < 0) {
        const rest = a < 0 ? b : a;
        if (top) hRight[spine[top - 1]!] = rest;
        else root = rest;
        break;
      }
      if (hKey[b]! < hKey[a]!) {
        const s = a;
        a = b;
        b = s;
      }
      if (top) hRight[spine[top - 1]!] = a;
      else root = a;
      spine[top++] = a;
      a = hRight[a]!;
    }
    for (let k = top - 1; k >= 0; k--) {
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

/**
 * Shorten the Steiner tree `edges` (rooted at `roots`, the plants; `isTerminal` marks nodes that must stay) by key-path
 * exchanges until a pass finds none or after `maxPasses` passes (default 8; on Heidelberg the pass converges after 3
 * passes for 1,000 and 5 for 10,000 terminals).
 */
export function keyPathExchange(
  g: CsrGraph,
  edges: Uint32Array,
  isTerminal: Uint8Array,
  roots: number[],
  opts: { maxPasses?: number; focus?: boolean } = {},
): ImproveResult {
  const maxPasses = opts.maxPasses ?? 8;
  const focus = opts.focus ?? true;
  const work = workFor(g);
  let exchanges = 0;
  let passes = 0;
  let evaluated = 0;
  let heaped = 0;
  let current = edges;
  let focused = false;
  while (passes < maxPasses) {
    passes++;
    const applied = onePass(g, current, isTerminal, roots, work, focused);
    evaluated += applied.evaluated;
    heaped += applied.heaped;
    if (applied.count === 0) break;
    exchanges += applied.count;
    current = applied.edges;
    focused = focus;
  }
  let lengthM = 0;
  for (const e of current) lengthM += g.edgeLengthM[e]!;
  return { edges: current, lengthM, exchanges, passes, evaluated, heaped };
}

/** The Work of each graph (the rounds of a route call one after the other, on one graph). */
const works = new WeakMap<CsrGraph, Work>();
function workFor(g: CsrGraph): Work {
  let w = works.get(g);
  if (!w) works.set(g, (w = new Work(g)));
  else w.reset();
  return w;
}

/** Best reconnection found for one key path: cost and the boundary edge x-y it crosses. */
interface Best {
  cost: number;
  x: number;
  y: number;
  e: number;
}

/**
 * One pass. `focused` (every pass after the first): only the key paths whose best reconnection can differ from the
 * last pass's are computed; the others had none shorter than themselves then and have none now. A key path P of the
 * new tree is affected when
 *   (a) one of its nodes changed its tree edges (P is new or changed) or its Voronoi region (its freed area differs),
 *   (b) it lies on the tree path between the bases of a boundary edge with an end whose label changed (the edge's
 *       cost or its sides changed),
 *   (c) it lies on the old tree path between the ends of an applied exchange (nodes may have changed sides of P), or
 *   (d) it held an improving exchange that was not applied (it conflicted with a larger one).
 * Any other boundary edge has the same cost and the same sides, and P the same freed area, so its best reconnection
 * is the same. Marking (b) walks tree paths; past a budget of 4 walks of the tree the pass computes every key path.
 */
function onePass(
  g: CsrGraph,
  edges: Uint32Array,
  isTerminal: Uint8Array,
  roots: number[],
  work: Work,
  focused: boolean,
): { count: number; edges: Uint32Array; evaluated: number; heaped: number } {
  const sc = work.scratch;
  const t = rootTree(g, edges, roots, sc);
  const n = t.size;
  const { edgeLengthM, edgeFrom, edgeTo } = g;
  // tree structure: degree, key flags, pre-order interval, depth
  const key = sc.u8('key', n);
  const depth = sc.u32('depth', n);
  const size = sc.u32('size', n, 1);
  for (let i = 0; i < n; i++) {
    const deg = t.childStart[i + 1]! - t.childStart[i]! + (t.parent[i]! >= 0 ? 1 : 0);
    key[i] = t.parent[i]! < 0 || isTerminal[t.node[i]!] === 1 || deg >= 3 ? 1 : 0;
    if (t.parent[i]! >= 0) depth[i] = depth[t.parent[i]!]! + 1;
  }
  for (let i = n - 1; i >= 0; i--) if (t.parent[i]! >= 0) size[t.parent[i]!]! += size[i]!;
  const tin = preOrder(t, sc.u32('tin', n));
  // Voronoi regions of the tree nodes: base = tree index of the nearest tree node
  if (!work.valid) work.voronoi(t.node);
  const { dist, pred, base, baseNode } = work;
  for (let v = 0; v < g.nodeCount; v++) base[v] = baseNode[v]! >= 0 ? t.indexOf[baseNode[v]!]! : -1;
  // region members by base (counting sort)
  const regStart = sc.u32('regStart', n + 1);
  for (let v = 0; v < g.nodeCount; v++) if (base[v]! >= 0) regStart[base[v]! + 1]!++;
  for (let i = 0; i < n; i++) regStart[i + 1]! += regStart[i]!;
  const fill = sc.u32('fill', n);
  fill.set(regStart.subarray(0, n));
  const regNodes = sc.u32('regNodes', regStart[n]!);
  for (let v = 0; v < g.nodeCount; v++) if (base[v]! >= 0) regNodes[fill[base[v]!]!++] = v;
  work.interiorMark.fill(-1);
  work.settledR.fill(-1);
  // (b): the tree paths between the bases of changed boundary edges, within a budget
  const { affNode, affEdge } = work;
  let focusOn = focused;
  if (focusOn) {
    const pairs = work.pairs;
    let budget = 4 * n + 1000;
    for (let k = 0; k < pairs.length && focusOn; k += 2) {
      let a = t.indexOf[pairs[k]!]!, b = t.indexOf[pairs[k + 1]!]!;
      if (a < 0 || b < 0) continue;
      while (a !== b) {
        if (depth[a]! < depth[b]!) {
          const s = a;
          a = b;
          b = s;
        }
        if (t.parent[a]! < 0) break; // roots of different trees (grouped plants)
        affEdge[t.parentEdge[a]!] = 1;
        a = t.parent[a]!;
        if (--budget < 0) {
          focusOn = false;
          break;
        }
      }
    }
  }
  // Which key paths this pass computes (`hit`), found before the heaps are built: each tree edge lies on exactly one
  // key path, so this is one walk of the tree. A computed key path needs the heap of its whole subtree; the heaps of
  // nodes outside every such subtree (`need` 0) are never read, so their boundary edges are not put in a heap. The
  // heaps that are built are built by the same merges in the same order as in a full pass (same tops, same ties).
  const hit = sc.u8('hit', n);
  for (let u = 0; u < n; u++) {
    if (t.parent[u]! < 0 || !key[u]) continue;
    let h = !focusOn || affNode[t.node[u]!] === 1;
    for (let a = u; !h; ) {
      if (affEdge[t.parentEdge[a]!] === 1) h = true;
      a = t.parent[a]!;
      if (affNode[t.node[a]!] === 1) h = true;
      if (key[a]) break;
    }
    hit[u] = h ? 1 : 0;
  }
  // need[i]: i lies in the subtree of a computed key path (parents come before children)
  const need = hit;
  if (focusOn) {
    for (let i = 0; i < n; i++) if (!need[i] && t.parent[i]! >= 0 && need[t.parent[i]!]) need[i] = 2;
  } else need.fill(2);
  // boundary edges into per-base heaps
  const { hKey, hFar, hEdge, hLeft, hRight, hRank, interiorMark, predR } = work;
  const heap = sc.i32('heap', n, -1);
  let hc = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    const x = edgeFrom[e]!, y = edgeTo[e]!;
    const bx = base[x]!, by = base[y]!;
    if (bx < 0 || by < 0 || bx === by) continue;
    const k = dist[x]! + edgeLengthM[e]! + dist[y]!;
    for (let s = 0; s < 2; s++) {
      const owner = s === 0 ? bx : by;
      if (!need[owner]) continue;
      hKey[hc] = k;
      hFar[hc] = s === 0 ? y : x;
      hEdge[hc] = e;
      hLeft[hc] = -1;
      hRight[hc] = -1;
      hRank[hc] = 1;
      heap[owner] = work.merge(heap[owner]!, hc);
      hc++;
    }
  }
  let evaluated = 0;
  const cands: Candidate[] = [];
  const best: Best = { cost: Infinity, x: -1, y: -1, e: -1 };
  const interior: number[] = [];
  // children before parents: reverse breadth-first order
  for (let u = n - 1; u >= 0; u--) {
    if (!need[u]) continue;
    if (t.parent[u]! >= 0 && key[u]) {
      const stamp = u;
      const tinU = tin[u]!, toutU = tinU + size[u]!;
      interior.length = 0;
      let lenP = 0;
      let a = u;
      const hit = !focusOn || need[u] === 1;
      do {
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
        const ti = tin[fb]!;
        if ((ti < tinU || ti >= toutU) && interiorMark[fb] !== stamp) break;
        h = work.merge(hLeft[h]!, hRight[h]!); // internal for this key path and every one above: drop for good
      }
      heap[u] = h;
      if (!hit) {
        // unaffected (dropped the same entries, so that the heaps above, and their ties, are those of a full pass)
        const p = t.parent[u]!;
        if (need[p]) heap[p] = work.merge(heap[p]!, heap[u]!);
        continue;
      }
      evaluated++;
      best.cost = Infinity;
      if (h >= 0) {
        best.cost = hKey[h]!;
        best.e = hEdge[h]!;
        best.y = hFar[h]!;
        best.x = edgeFrom[best.e] === best.y ? edgeTo[best.e]! : edgeFrom[best.e]!;
      }
      // (b) through the freed regions of the interior nodes
      if (interior.length) work.throughFreed(interior, regStart, regNodes, tin, tinU, toutU, stamp, lenP - 1e-6, best);
      if (best.cost < lenP - 1e-6) {
        const pathEdges: number[] = [];
        for (let v = u; v !== a; v = t.parent[v]!) pathEdges.push(t.parentEdge[v]!);
        const newEdges: number[] = [best.e];
        const ends = [best.x, best.y].map((v0) => {
          let v = v0;
          while (base[v]! >= 0 && interiorMark[base[v]!] === stamp) {
            const e = predR[v]!;
            newEdges.push(e);
            v = edgeFrom[e] === v ? edgeTo[e]! : edgeFrom[e]!;
          }
          while (pred[v]! >= 0) {
            const e = pred[v]!;
            newEdges.push(e);
            v = edgeFrom[e] === v ? edgeTo[e]! : edgeFrom[e]!;
          }
          return t.indexOf[v]!;
        });
        cands.push({ gain: lenP - best.cost, a: ends[0]!, b: ends[1]!, pathEdges, newEdges, interior: interior.map((i) => t.node[i]!) });
      }
    }
    const p = t.parent[u]!;
    if (p >= 0 && need[p]) heap[p] = work.merge(heap[p]!, heap[u]!);
  }
  if (cands.length === 0) return { count: 0, edges, evaluated, heaped: hc };
  // from here on the marks describe this pass's changes, for the next pass
  affNode.fill(0);
  affEdge.fill(0);
  work.pairs = [];
  // apply independent improvements, largest gain first
  cands.sort((x, y) => y.gain - x.gain);
  const { removedEdge, qNode } = work;
  removedEdge.fill(0);
  qNode.fill(0);
  const inTree = sc.u8('inTree', g.edgeCount);
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
    // freed interior not touched by an applied new path; new paths do not cross (they may share their tree ends)
    if (ok) for (const v of c.interior) if (qNode[v]) ok = false;
    const na = t.node[c.a]!, nb = t.node[c.b]!;
    if (ok)
      for (const e of c.newEdges) {
        const x = edgeFrom[e]!, y = edgeTo[e]!;
        if ((qNode[x] && x !== na && x !== nb) || (qNode[y] && y !== na && y !== nb)) ok = false;
      }
    if (!ok) {
      // (d) it may still improve next pass
      for (const e of c.pathEdges) affEdge[e] = 1;
      continue;
    }
    // (c) the old tree path between the new path's ends: nodes may change sides of its key paths
    for (let x = c.a, y = c.b; x !== y; ) {
      if (depth[x]! < depth[y]!) {
        const s = x;
        x = y;
        y = s;
      }
      if (t.parent[x]! < 0) break;
      affEdge[t.parentEdge[x]!] = 1;
      x = t.parent[x]!;
    }
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
  const next = pruneLeaves(g, out, isTerminal, sc);
  // carry the Voronoi diagram over to the next pass
  const nowIn = work.qNode;
  nowIn.fill(0);
  for (const v of roots) nowIn[v] = 1;
  for (const e of next) {
    nowIn[edgeFrom[e]!] = 1;
    nowIn[edgeTo[e]!] = 1;
  }
  const freed: number[] = [];
  for (let i = 0; i < n; i++) {
    if (nowIn[t.node[i]!]) continue;
    for (let r = regStart[i]!; r < regStart[i + 1]!; r++) freed.push(regNodes[r]!);
  }
  const added: number[] = [];
  for (let v = 0; v < g.nodeCount; v++) if (nowIn[v] && t.indexOf[v]! < 0) added.push(v);
  // (a) nodes whose tree edges changed: the ends of the edges in one tree and not the other
  const was = work.removedEdge;
  was.fill(0);
  for (const e of edges) was[e] = 1;
  for (const e of next) was[e] = was[e]! | 2;
  for (const list of [edges, next]) {
    for (const e of list) {
      if (was[e] === 3) continue;
      affNode[edgeFrom[e]!] = 1;
      affNode[edgeTo[e]!] = 1;
    }
  }
  work.tracking = true;
  work.update(freed, added);
  work.tracking = false;
  // (a) regions that changed, (b) boundary edges at changed labels
  const { offsets, adjNode } = g;
  for (const x of work.changed) {
    const bx = baseNode[x]!;
    if (bx < 0) continue;
    affNode[bx] = 1;
    for (let k = offsets[x]!, end = offsets[x + 1]!; k < end; k++) {
      const by = baseNode[adjNode[k]!]!;
      if (by >= 0 && by !== bx) work.pairs.push(bx, by);
    }
  }
  return { count, edges: next, evaluated, heaped: hc };
}

/** Pre-order numbers: the subtree of i is the interval [tin[i], tin[i] + size[i]). */
function preOrder(t: RootedTree, tin: Uint32Array = new Uint32Array(t.size)): Uint32Array {
  const n = t.size;
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

/**
 * Binary min-heap on typed arrays (lazy deletion by the caller). Same scheme as flatqueue, kept local so that V8 sees
 * only typed-array stores here: flatqueue is also used with plain arrays elsewhere, which makes its push polymorphic.
 */
class MinHeap {
  readonly ids: Uint32Array;
  readonly values: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.ids = new Uint32Array(capacity);
    this.values = new Float64Array(capacity);
  }
  clear(): void {
    this.length = 0;
  }
  push(id: number, value: number): void {
    const ids = this.ids, values = this.values;
    let pos = this.length++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pv = values[parent]!;
      if (value >= pv) break;
      ids[pos] = ids[parent]!;
      values[pos] = pv;
      pos = parent;
    }
    ids[pos] = id;
    values[pos] = value;
  }
  peekValue(): number {
    return this.values[0]!;
  }
  pop(): number {
    const ids = this.ids, values = this.values;
    const top = ids[0]!;
    const last = --this.length;
    if (last > 0) {
      const id = ids[last]!, value = values[last]!;
      let pos = 0;
      const half = last >> 1;
      while (pos < half) {
        const left = (pos << 1) + 1, right = left + 1;
        const child = right < last && values[right]! < values[left]! ? right : left;
        if (values[child]! >= value) break;
        ids[pos] = ids[child]!;
        values[pos] = values[child]!;
        pos = child;
      }
      ids[pos] = id;
      values[pos] = value;
    }
    return top;
  }
}
