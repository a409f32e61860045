/**
 * Connecting points (consumers, plants) to the road graph: each point goes to the nearest edge (exact point-to-
 * segment distance over a flatbush index of all edge segments), the edge is split at the projected point, and the
 * service connection length (point to projected point) is recorded. Points closer than `mergeM` to an edge end or to
 * another tap on the same edge share that node.
 */
import Flatbush from 'flatbush';
import { csrOf, type CsrGraph } from './csr.js';

export interface Tap {
  /** edge the point connects to (-1 when none within maxDistM) */
  edge: number;
  /** distance along the edge from edgeFrom, m */
  alongM: number;
  /** projected point on the edge */
  px: number;
  py: number;
  /** service connection length, m */
  distM: number;
}

/** Flatbush over every segment of every edge polyline. */
export interface SegmentIndex {
  index: Flatbush;
  segEdge: Uint32Array;
  /** first polyline vertex of the segment (index into geomXY pairs) */
  segVertex: Uint32Array;
}

export function segmentIndex(g: CsrGraph): SegmentIndex {
  const nSeg = g.geomOffsets[g.edgeCount]! - g.edgeCount;
  const index = new Flatbush(Math.max(1, nSeg));
  const segEdge = new Uint32Array(nSeg);
  const segVertex = new Uint32Array(nSeg);
  let s = 0;
  const xy = g.geomXY;
  for (let e = 0; e < g.edgeCount; e++) {
    for (let i = g.geomOffsets[e]!; i < g.geomOffsets[e + 1]! - 1; i++) {
      const x0 = xy[2 * i]!, y0 = xy[2 * i + 1]!, x1 = xy[2 * i + 2]!, y1 = xy[2 * i + 3]!;
      index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
      segEdge[s] = e;
      segVertex[s] = i;
      s++;
    }
  }
  if (nSeg === 0) index.add(Infinity, Infinity, Infinity, Infinity);
  index.finish();
  return { index, segEdge, segVertex };
}

/** Nearest edge of each point (x, y in the graph's CRS), within maxDistM. */
export function nearestTaps(g: CsrGraph, si: SegmentIndex, xs: ArrayLike<number>, ys: ArrayLike<number>, maxDistM = Infinity): Tap[] {
  const t = nearestTapColumns(g, si, xs, ys, maxDistM);
  return Array.from({ length: t.length }, (_, i) => ({ edge: t.edge[i]!, alongM: t.alongM[i]!, px: t.px[i]!, py: t.py[i]!, distM: t.distM[i]! }));
}

/** Taps in columns (a city connects a million consumers: no object per tap). */
export interface TapColumns {
  length: number;
  edge: Int32Array;
  alongM: Float64Array;
  px: Float64Array;
  py: Float64Array;
  distM: Float64Array;
}

/** Taps as columns (plants' few taps and a city's consumers alike). */
export function tapColumns(taps: readonly Tap[]): TapColumns {
  const n = taps.length;
  const t: TapColumns = { length: n, edge: new Int32Array(n), alongM: new Float64Array(n), px: new Float64Array(n), py: new Float64Array(n), distM: new Float64Array(n) };
  taps.forEach((p, i) => {
    t.edge[i] = p.edge;
    t.alongM[i] = p.alongM;
    t.px[i] = p.px;
    t.py[i] = p.py;
    t.distM[i] = p.distM;
  });
  return t;
}

/** Two tap lists one after the other. */
export function concatTaps(a: TapColumns, b: TapColumns): TapColumns {
  const cat = <T extends Int32Array | Float64Array>(x: T, y: T): T => {
    const out = new (x.constructor as new (n: number) => T)(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return { length: a.length + b.length, edge: cat(a.edge, b.edge), alongM: cat(a.alongM, b.alongM), px: cat(a.px, b.px), py: cat(a.py, b.py), distM: cat(a.distM, b.distM) };
}

/**
 * Half-width of the first box searched around a point, m: the segments whose boxes meet it bound the exact distance
 * (Flatbush's box search is cheaper than its k-nearest search, which is kept for points with no segment this close:
 * 0.49 s against 1.94 s of CPU for 200,000 points on a 200 m lattice of 226,500 segments of 40 m, medians of 5). A
 * speed device only: any width gives the same taps.
 */
const PROBE_M = 50;

let sdT = 0, sdX = 0, sdY = 0;
/** Distance from (x, y) to segment i of the polyline pairs `xy`; its parameter and foot point in sdT, sdX, sdY. */
function segDistTo(xy: Float64Array, i: number, x: number, y: number): number {
  const x0 = xy[2 * i]!, y0 = xy[2 * i + 1]!, x1 = xy[2 * i + 2]!, y1 = xy[2 * i + 3]!;
  const dx = x1 - x0, dy = y1 - y0;
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  sdT = t;
  sdX = x0 + t * dx;
  sdY = y0 + t * dy;
  return Math.hypot(x - sdX, y - sdY);
}

/**
 * nearestTaps in columns. For each point: an upper bound of its distance to the network (the segments whose boxes
 * meet a PROBE_M box, else the four box-nearest), then every segment whose box meets the box of that bound (or of
 * maxDistM, if smaller) is measured exactly; the nearest wins, ties to the lower segment index. A segment within
 * maxDistM is found even where the bounding segments all lie beyond it.
 */
export function nearestTapColumns(g: CsrGraph, si: SegmentIndex, xs: ArrayLike<number>, ys: ArrayLike<number>, maxDistM = Infinity): TapColumns {
  const n = xs.length;
  const out: TapColumns = { length: n, edge: new Int32Array(n).fill(-1), alongM: new Float64Array(n), px: new Float64Array(n).fill(NaN), py: new Float64Array(n).fill(NaN), distM: new Float64Array(n).fill(Infinity) };
  const xy = g.geomXY;
  const probe = Math.min(PROBE_M, maxDistM);
  for (let p = 0; p < n; p++) {
    const x = xs[p]!, y = ys[p]!;
    if (g.edgeCount === 0 || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    let bound = Infinity;
    for (const s of si.index.search(x - probe, y - probe, x + probe, y + probe)) bound = Math.min(bound, segDistTo(xy, si.segVertex[s]!, x, y));
    if (bound === Infinity) for (const s of si.index.neighbors(x, y, 4)) bound = Math.min(bound, segDistTo(xy, si.segVertex[s]!, x, y));
    const r = Math.min(bound, maxDistM);
    if (!(r < Infinity)) continue;
    let bi = -1, bt = 0, bpx = 0, bpy = 0, bd = Infinity;
    for (const s of si.index.search(x - r, y - r, x + r, y + r)) {
      const d = segDistTo(xy, si.segVertex[s]!, x, y);
      if (d < bd || (d === bd && s < bi)) {
        bd = d;
        bi = s;
        bt = sdT;
        bpx = sdX;
        bpy = sdY;
      }
    }
    if (bi < 0 || bd > maxDistM) continue;
    const e = si.segEdge[bi]!;
    let along = 0;
    for (let i = g.geomOffsets[e]!; i < si.segVertex[bi]!; i++) along += Math.hypot(xy[2 * i + 2]! - xy[2 * i]!, xy[2 * i + 3]! - xy[2 * i + 1]!);
    const v = si.segVertex[bi]!;
    along += bt * Math.hypot(xy[2 * v + 2]! - xy[2 * v]!, xy[2 * v + 3]! - xy[2 * v + 1]!);
    out.edge[p] = e;
    out.alongM[p] = along;
    out.px[p] = bpx;
    out.py[p] = bpy;
    out.distM[p] = bd;
  }
  return out;
}

/**
 * Split edges at the taps. Returns the new graph, the node of each tap (-1 for taps without an edge) and, per new edge,
 * the original edge it came from. Edge lengths are the polyline lengths of the pieces (so the pieces of an edge add up
 * to its length when its recorded length is its polyline length; otherwise they are scaled to it).
 *
 * Written into typed arrays sized from above: a city splits 569,010 edges at 1,004,824 taps, which took 1.8-2.1 s
 * with per-edge lists, per-piece coordinate arrays and per-cut objects and takes 0.54-0.63 s this way (one process,
 * the same taps). Taps are taken per edge in order along it, ties in tap order; new nodes are numbered in that order,
 * edge by edge.
 */
export function splitAtTaps(g: CsrGraph, tapsIn: Tap[] | TapColumns, mergeM = 0.5): { graph: CsrGraph; tapNode: Int32Array; origEdge: Uint32Array } {
  const taps = Array.isArray(tapsIn) ? tapColumns(tapsIn) : (tapsIn as TapColumns);
  const T = taps.length, E = g.edgeCount;
  // the taps of each edge: first[e] .. first[e + 1] of byEdge, in tap order (a counting sort)
  const first = new Uint32Array(E + 1);
  for (let i = 0; i < T; i++) if (taps.edge[i]! >= 0) first[taps.edge[i]! + 1]!++;
  for (let e = 0; e < E; e++) first[e + 1] += first[e]!;
  const byEdge = new Uint32Array(first[E]!);
  {
    const at = first.slice(0, E);
    for (let i = 0; i < T; i++) if (taps.edge[i]! >= 0) byEdge[at[taps.edge[i]!]!++] = i;
  }
  const tapped = first[E]!;
  // bounds: a node per tap, a piece per tap, two vertices per cut
  const x = new Float64Array(g.nodeCount + tapped);
  const y = new Float64Array(g.nodeCount + tapped);
  x.set(g.x);
  y.set(g.y);
  let nodes = g.nodeCount;
  const from = new Uint32Array(E + tapped), to = new Uint32Array(E + tapped), origEdge = new Uint32Array(E + tapped);
  const len = new Float64Array(E + tapped);
  const geomOffsets = new Uint32Array(E + tapped + 1);
  const geomXY = new Float64Array(2 * (g.geomOffsets[E]! + 2 * tapped));
  let edges = 0, verts = 0;
  const tapNode = new Int32Array(T).fill(-1);
  const xy = g.geomXY;
  const along = taps.alongM;
  // per-edge working arrays, grown to the longest polyline / the most taps of an edge
  let cum = new Float64Array(16);
  let cutAlong = new Float64Array(16), cutNode = new Uint32Array(16);
  const vertex = (vx: number, vy: number): void => {
    geomXY[2 * verts] = vx;
    geomXY[2 * verts + 1] = vy;
    verts++;
  };
  for (let e = 0; e < E; e++) {
    const a = g.geomOffsets[e]!, b = g.geomOffsets[e + 1]!;
    const t0 = first[e]!, t1 = first[e + 1]!;
    if (t0 === t1) {
      from[edges] = g.edgeFrom[e]!;
      to[edges] = g.edgeTo[e]!;
      len[edges] = g.edgeLengthM[e]!;
      origEdge[edges] = e;
      geomXY.set(xy.subarray(2 * a, 2 * b), 2 * verts);
      verts += b - a;
      geomOffsets[++edges] = verts;
      continue;
    }
    // cumulative polyline length at each vertex
    if (cum.length < b - a) cum = new Float64Array(2 * (b - a));
    cum[0] = 0;
    for (let i = a; i < b - 1; i++) cum[i - a + 1] = cum[i - a]! + Math.hypot(xy[2 * i + 2]! - xy[2 * i]!, xy[2 * i + 3]! - xy[2 * i + 1]!);
    const total = cum[b - a - 1]!;
    const scale = total > 0 ? g.edgeLengthM[e]! / total : 1;
    const list = byEdge.subarray(t0, t1);
    if (list.length > 1) list.sort((p, q) => along[p]! - along[q]! || p - q);
    // cut positions along the polyline and their nodes
    if (cutAlong.length < list.length) {
      const k = 2 * list.length;
      (cutAlong = new Float64Array(k)), (cutNode = new Uint32Array(k));
    }
    let cuts = 0;
    for (let j = 0; j < list.length; j++) {
      const ti = list[j]!;
      const al = along[ti]!;
      if (al <= mergeM) tapNode[ti] = g.edgeFrom[e]!;
      else if (total - al <= mergeM) tapNode[ti] = g.edgeTo[e]!;
      else if (cuts > 0 && al - cutAlong[cuts - 1]! <= mergeM) tapNode[ti] = cutNode[cuts - 1]!;
      else {
        const node = nodes++;
        x[node] = taps.px[ti]!;
        y[node] = taps.py[ti]!;
        cutAlong[cuts] = al;
        cutNode[cuts] = node;
        cuts++;
        tapNode[ti] = node;
      }
    }
    let prevNode = g.edgeFrom[e]!;
    let prevAlong = 0;
    vertex(xy[2 * a]!, xy[2 * a + 1]!);
    let vi = 1; // next polyline vertex (relative)
    /** the piece from the last cut (or the edge's start) to (ex, ey); a cut's point also starts the next piece */
    const piece = (endNode: number, endAlong: number, ex: number, ey: number, last = false): void => {
      vertex(ex, ey);
      from[edges] = prevNode;
      to[edges] = endNode;
      len[edges] = (endAlong - prevAlong) * scale;
      origEdge[edges] = e;
      geomOffsets[++edges] = verts;
      prevNode = endNode;
      prevAlong = endAlong;
      if (!last) vertex(ex, ey);
    };
    for (let c = 0; c < cuts; c++) {
      while (vi < b - a && cum[vi]! < cutAlong[c]!) {
        vertex(xy[2 * (a + vi)]!, xy[2 * (a + vi) + 1]!);
        vi++;
      }
      piece(cutNode[c]!, cutAlong[c]!, x[cutNode[c]!]!, y[cutNode[c]!]!);
    }
    while (vi < b - a - 1) {
      vertex(xy[2 * (a + vi)]!, xy[2 * (a + vi) + 1]!);
      vi++;
    }
    piece(g.edgeTo[e]!, total, xy[2 * (b - 1)]!, xy[2 * (b - 1) + 1]!, true);
  }
  const graph = csrOf(x.slice(0, nodes), y.slice(0, nodes), from.slice(0, edges), to.slice(0, edges), len.slice(0, edges), geomOffsets.slice(0, edges + 1), geomXY.slice(0, 2 * verts));
  return { graph, tapNode, origEdge: origEdge.slice(0, edges) };
}
