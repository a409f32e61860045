/**
 * Key-path exchange (Voss 1992; Uchoa & Werneck 2010) for a Steiner tree. A key path is a chain of the tree between
 * two key nodes (terminals, plants, or junctions of degree >= 3) whose interior nodes are plain degree-2 Steiner
 * nodes. Removing it splits the tree in two; if the road graph has a shorter path between the two parts (through
 * nodes that are not in the tree, or the freed interior), the key path is replaced by it. One bounded multi-source
 * Dijkstra per key path, seeded from the smaller part and cut off at the key path's length; key paths whose smaller
 * part has more than `maxSeeds` nodes are skipped (bounds the work). Repeated until a pass finds nothing (or `maxPasses`). Every exchange strictly shortens the tree.
 */
import type { CsrGraph } from './csr.js';
import { Router } from './dijkstra.js';
import { rootTree } from './tree.js';

export interface ImproveResult {
  edges: Uint32Array;
  lengthM: number;
  exchanges: number;
  passes: number;
}

export function keyPathExchange(
  g: CsrGraph,
  edges: Uint32Array,
  isTerminal: Uint8Array,
  roots: number[],
  opts: { router?: Router; maxPasses?: number; maxSeeds?: number } = {},
): ImproveResult {
  const router = opts.router ?? new Router(g);
  const maxPasses = opts.maxPasses ?? 2;
  // a key path whose smaller side is larger than this is not tried (bounds the work on long central paths)
  const maxSeeds = opts.maxSeeds ?? 2000;
  const inTree = new Uint8Array(g.edgeCount);
  for (const e of edges) inTree[e] = 1;
  let exchanges = 0;
  let passes = 0;
  let current = edges;
  for (; passes < maxPasses; ) {
    passes++;
    let improvedThisPass = false;
    let t = rootTree(g, current, roots);
    let st = structure(t);
    // lower ends of key paths, by graph node (stable across rebuilds)
    const lowers: number[] = [];
    for (let i = 0; i < t.size; i++) if (t.parent[i]! >= 0 && isKey(t, st, i, isTerminal)) lowers.push(t.node[i]!);
    lowers.sort((a, b) => a - b);
    for (const lowerNode of lowers) {
      const u = t.indexOf[lowerNode]!;
      if (u < 0 || t.parent[u]! < 0 || !isKey(t, st, u, isTerminal)) continue;
      // walk up to the key ancestor
      const pathEdges: number[] = [];
      const interior: number[] = [];
      let lenP = 0;
      let a = u;
      do {
        pathEdges.push(t.parentEdge[a]!);
        lenP += t.parentLengthM[a]!;
        a = t.parent[a]!;
        if (!isKey(t, st, a, isTerminal)) interior.push(a);
      } while (!isKey(t, st, a, isTerminal));
      for (const i of interior) st.interior[i] = 1;
      const subSize = st.size[u]!;
      const otherSize = t.size - subSize - interior.length;
      const tinU = st.tin[u]!, toutU = st.tout[u]!;
      const inSub = (i: number): boolean => st.tin[i]! >= tinU && st.tin[i]! < toutU;
      const fromSub = subSize <= otherSize;
      if (Math.min(subSize, otherSize) > maxSeeds) {
        for (const i of interior) st.interior[i] = 0;
        continue;
      }
      const sources: number[] = [];
      if (fromSub) for (let k = tinU; k < toutU; k++) sources.push(t.node[st.byTin[k]!]!);
      else
        for (let k = 0; k < t.size; k = k === tinU - 1 ? toutU : k + 1) {
          if (k >= tinU && k < toutU) continue;
          const i = st.byTin[k]!;
          if (!st.interior[i]) sources.push(t.node[i]!);
        }
      const hit = router.run(sources, {
        maxDistM: lenP - 1e-6,
        stopFn: (v) => {
          const i = t.indexOf[v]!;
          return i >= 0 && !st.interior[i] && inSub(i) !== fromSub;
        },
      });
      for (const i of interior) st.interior[i] = 0;
      if (hit < 0 || !(router.dist[hit]! < lenP - 1e-6)) continue;
      // no leaf can appear: both ends of the removed key path are key nodes, the new path ends in the tree
      const edgeSet = new Set(current);
      for (const e of pathEdges) {
        inTree[e] = 0;
        edgeSet.delete(e);
      }
      let v = hit;
      while (router.predEdge[v]! >= 0) {
        const e = router.predEdge[v]!;
        inTree[e] = 1;
        edgeSet.add(e);
        v = g.edgeFrom[e] === v ? g.edgeTo[e]! : g.edgeFrom[e]!;
      }
      current = Uint32Array.from(edgeSet);
      exchanges++;
      improvedThisPass = true;
      t = rootTree(g, current, roots);
      st = structure(t);
    }
    if (!improvedThisPass) break;
  }
  let lengthM = 0;
  for (const e of current) lengthM += g.edgeLengthM[e]!;
  return { edges: current, lengthM, exchanges, passes };
}

interface Structure {
  tin: Uint32Array;
  tout: Uint32Array;
  byTin: Uint32Array;
  size: Uint32Array;
  degree: Uint32Array;
  interior: Uint8Array;
}

function structure(t: ReturnType<typeof rootTree>): Structure {
  const n = t.size;
  const tin = new Uint32Array(n), tout = new Uint32Array(n), byTin = new Uint32Array(n), size = new Uint32Array(n), degree = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    size[i] = 1;
    degree[i] = t.childStart[i + 1]! - t.childStart[i]! + (t.parent[i]! >= 0 ? 1 : 0);
  }
  for (let i = n - 1; i >= 0; i--) if (t.parent[i]! >= 0) size[t.parent[i]!]! += size[i]!;
  // pre-order numbering: a subtree is the interval [tin, tin + size)
  let clock = 0;
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (t.parent[i]! >= 0) continue;
    stack.push(i);
    while (stack.length) {
      const v = stack.pop()!;
      tin[v] = clock;
      byTin[clock++] = v;
      tout[v] = tin[v]! + size[v]!;
      for (let k = t.childStart[v]!; k < t.childStart[v + 1]!; k++) stack.push(t.childList[k]!);
    }
  }
  return { tin, tout, byTin, size, degree, interior: new Uint8Array(n) };
}

function isKey(t: ReturnType<typeof rootTree>, st: Structure, i: number, isTerminal: Uint8Array): boolean {
  return t.parent[i]! < 0 || isTerminal[t.node[i]!] === 1 || st.degree[i]! >= 3;
}
