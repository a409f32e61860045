/**
 * A Steiner forest rooted at its plants, as flat arrays over tree-local indices 0..size-1 in breadth-first order
 * (every parent comes before its children, so one reverse pass aggregates subtrees).
 */
import type { CsrGraph } from './csr.js';
import { FRESH, type Scratch } from './scratch.js';

export interface RootedTree {
  size: number;
  /** graph node of tree index i */
  node: Uint32Array;
  /** tree index of the parent (-1 for a root) */
  parent: Int32Array;
  /** graph edge to the parent (-1 for a root) */
  parentEdge: Int32Array;
  /** length of the edge to the parent, m (0 for a root) */
  parentLengthM: Float64Array;
  /** children of i: childList[childStart[i] .. childStart[i+1]) */
  childStart: Uint32Array;
  childList: Uint32Array;
  /** tree index of graph node v, -1 when v is not in the tree (length nodeCount) */
  indexOf: Int32Array;
}

/**
 * Root the forest `edges` at `roots` (graph nodes). Nodes of edges not reachable from a root are left out. With
 * `scratch` the tree's arrays are views of its buffers (scratch.ts): valid until the next rootTree on that scratch.
 */
export function rootTree(g: CsrGraph, edges: ArrayLike<number>, roots: ArrayLike<number>, scratch?: Scratch): RootedTree {
  const a = scratch ?? FRESH;
  const inTree = a.u8('tree.inTree', g.edgeCount);
  for (let i = 0; i < edges.length; i++) inTree[edges[i]!] = 1;
  const indexOf = a.i32('tree.indexOf', g.nodeCount, -1);
  const cap = Math.min(g.nodeCount, edges.length + roots.length);
  const node = a.u32('tree.node', cap);
  const parent = a.i32('tree.parent', cap);
  const parentEdge = a.i32('tree.parentEdge', cap);
  let count = 0;
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i]!;
    if (indexOf[r] !== -1) continue;
    indexOf[r] = count;
    node[count] = r;
    parent[count] = -1;
    parentEdge[count++] = -1;
  }
  for (let head = 0; head < count; head++) {
    const v = node[head]!;
    for (let k = g.offsets[v]!; k < g.offsets[v + 1]!; k++) {
      const e = g.adjEdge[k]!;
      const w = g.adjNode[k]!;
      if (!inTree[e] || indexOf[w] !== -1) continue;
      indexOf[w] = count;
      node[count] = w;
      parent[count] = head;
      parentEdge[count++] = e;
    }
  }
  const size = count;
  const parentLengthM = a.f64('tree.parentLengthM', size);
  const childCount = a.u32('tree.childCount', size + 1);
  for (let i = 0; i < size; i++) {
    if (parent[i]! >= 0) {
      parentLengthM[i] = g.edgeLengthM[parentEdge[i]!]!;
      childCount[parent[i]!]!++;
    }
  }
  const childStart = a.u32('tree.childStart', size + 1);
  for (let i = 0; i < size; i++) childStart[i + 1] = childStart[i]! + childCount[i]!;
  const fill = a.u32('tree.fill', size);
  fill.set(childStart.subarray(0, size));
  const childList = a.u32('tree.childList', childStart[size]!);
  for (let i = 0; i < size; i++) if (parent[i]! >= 0) childList[fill[parent[i]!]!++] = i;
  return {
    size,
    node: node.subarray(0, size),
    parent: parent.subarray(0, size),
    parentEdge: parentEdge.subarray(0, size),
    parentLengthM,
    childStart,
    childList,
    indexOf,
  };
}
