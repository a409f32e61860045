/**
 * The road graph compiled for the hot algorithms: compressed sparse row adjacency over flat typed arrays
 * (graphology's NeighborhoodIndex idea). Nodes are 0..nodeCount-1, undirected edges 0..edgeCount-1; each edge keeps
 * its polyline (endpoints included) in one flat coordinate array with offsets. Coordinates are metres in the
 * projected working CRS.
 */
export interface CsrGraph {
  nodeCount: number;
  edgeCount: number;
  /** node coordinates, m */
  x: Float64Array;
  y: Float64Array;
  edgeFrom: Uint32Array;
  edgeTo: Uint32Array;
  /** edge length along its polyline, m */
  edgeLengthM: Float64Array;
  /** adjacency of node v: adjNode/adjEdge[offsets[v] .. offsets[v+1]) */
  offsets: Uint32Array;
  adjNode: Uint32Array;
  adjEdge: Uint32Array;
  /** polyline of edge e: geomXY[2*geomOffsets[e] .. 2*geomOffsets[e+1]) as x,y pairs, from edgeFrom to edgeTo */
  geomOffsets: Uint32Array;
  geomXY: Float64Array;
}

/** Plain edge list used to (re)build a CSR graph. */
export interface EdgeList {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  from: ArrayLike<number>;
  to: ArrayLike<number>;
  lengthM: ArrayLike<number>;
  /** per edge, its polyline as flat x,y numbers (endpoints included); omitted = straight segment */
  geometry?: ArrayLike<number>[];
}

/** Build CSR arrays from an edge list. */
export function buildCsr(list: EdgeList): CsrGraph {
  const m = list.from.length;
  const edgeFrom = Uint32Array.from(list.from);
  const edgeTo = Uint32Array.from(list.to);
  const x = Float64Array.from(list.x);
  const y = Float64Array.from(list.y);
  const geomOffsets = new Uint32Array(m + 1);
  for (let e = 0; e < m; e++) geomOffsets[e + 1] = geomOffsets[e]! + (list.geometry?.[e] ? list.geometry[e]!.length / 2 : 2);
  const geomXY = new Float64Array(2 * geomOffsets[m]!);
  for (let e = 0; e < m; e++) {
    const o = 2 * geomOffsets[e]!;
    const g = list.geometry?.[e];
    if (g) geomXY.set(g, o);
    else {
      geomXY[o] = x[edgeFrom[e]!]!;
      geomXY[o + 1] = y[edgeFrom[e]!]!;
      geomXY[o + 2] = x[edgeTo[e]!]!;
      geomXY[o + 3] = y[edgeTo[e]!]!;
    }
  }
  return csrOf(x, y, edgeFrom, edgeTo, Float64Array.from(list.lengthM), geomOffsets, geomXY);
}

/**
 * A CSR graph over arrays already made (taken, not copied): the adjacency of the edges `edgeFrom`/`edgeTo` between
 * the nodes of `x`/`y`, with the edges' lengths and polylines (geomOffsets: m + 1 entries, geomXY: 2 x geomOffsets[m]).
 */
export function csrOf(x: Float64Array, y: Float64Array, edgeFrom: Uint32Array, edgeTo: Uint32Array, edgeLengthM: Float64Array, geomOffsets: Uint32Array, geomXY: Float64Array): CsrGraph {
  const n = x.length;
  const m = edgeFrom.length;
  const deg = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) {
    deg[edgeFrom[e]!]!++;
    deg[edgeTo[e]!]!++;
  }
  const offsets = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v]! + deg[v]!;
  const fill = offsets.slice(0, n);
  const adjNode = new Uint32Array(2 * m);
  const adjEdge = new Uint32Array(2 * m);
  for (let e = 0; e < m; e++) {
    const a = edgeFrom[e]!;
    const b = edgeTo[e]!;
    let k = fill[a]!++;
    adjNode[k] = b;
    adjEdge[k] = e;
    k = fill[b]!++;
    adjNode[k] = a;
    adjEdge[k] = e;
  }
  return { nodeCount: n, edgeCount: m, x, y, edgeFrom, edgeTo, edgeLengthM, offsets, adjNode, adjEdge, geomOffsets, geomXY };
}

/** The polyline of edge `e` as flat x,y numbers, oriented to start at node `start` (one of its ends). */
export function edgeGeometry(g: CsrGraph, e: number, start = g.edgeFrom[e]!): number[] {
  const a = g.geomOffsets[e]!;
  const b = g.geomOffsets[e + 1]!;
  const out: number[] = [];
  if (start === g.edgeFrom[e]) for (let i = a; i < b; i++) out.push(g.geomXY[2 * i]!, g.geomXY[2 * i + 1]!);
  else for (let i = b - 1; i >= a; i--) out.push(g.geomXY[2 * i]!, g.geomXY[2 * i + 1]!);
  return out;
}

/** Connected components: label per node (0..count-1) and node count and edge length per component. */
export function components(g: CsrGraph): { label: Int32Array; count: number; nodes: number[]; lengthM: number[] } {
  const label = new Int32Array(g.nodeCount).fill(-1);
  const stack = new Uint32Array(g.nodeCount);
  const nodes: number[] = [];
  let count = 0;
  for (let s = 0; s < g.nodeCount; s++) {
    if (label[s] !== -1) continue;
    let top = 0;
    stack[top++] = s;
    label[s] = count;
    let size = 0;
    while (top > 0) {
      const v = stack[--top]!;
      size++;
      for (let k = g.offsets[v]!; k < g.offsets[v + 1]!; k++) {
        const w = g.adjNode[k]!;
        if (label[w] === -1) {
          label[w] = count;
          stack[top++] = w;
        }
      }
    }
    nodes.push(size);
    count++;
  }
  const lengthM = new Array<number>(count).fill(0);
  for (let e = 0; e < g.edgeCount; e++) lengthM[label[g.edgeFrom[e]!]!]! += g.edgeLengthM[e]!;
  return { label, count, nodes, lengthM };
}
