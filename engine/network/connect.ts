/**
 * Connecting points (consumers, plants) to the road graph: each point goes to the nearest edge (exact point-to-
 * segment distance over a flatbush index of all edge segments), the edge is split at the projected point, and the
 * service connection length (point to projected point) is recorded. Points closer than `mergeM` to an edge end or to
 * another tap on the same edge share that node.
 */
import Flatbush from 'flatbush';
import { buildCsr, type CsrGraph } from './csr.js';

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
 */
export function splitAtTaps(g: CsrGraph, tapsIn: Tap[] | TapColumns, mergeM = 0.5): { graph: CsrGraph; tapNode: Int32Array; origEdge: Uint32Array } {
  const taps = Array.isArray(tapsIn) ? tapColumns(tapsIn) : (tapsIn as TapColumns);
  const byEdge = new Map<number, number[]>();
  for (let i = 0; i < taps.length; i++) {
    const e = taps.edge[i]!;
    if (e < 0) continue;
    let l = byEdge.get(e);
    if (!l) byEdge.set(e, (l = []));
    l.push(i);
  }
  const x: number[] = Array.from(g.x);
  const y: number[] = Array.from(g.y);
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const geometry: number[][] = [];
  const origEdge: number[] = [];
  const tapNode = new Int32Array(taps.length).fill(-1);
  const xy = g.geomXY;
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.geomOffsets[e]!, b = g.geomOffsets[e + 1]!;
    const list = byEdge.get(e);
    if (!list) {
      from.push(g.edgeFrom[e]!);
      to.push(g.edgeTo[e]!);
      len.push(g.edgeLengthM[e]!);
      geometry.push(Array.from(xy.subarray(2 * a, 2 * b)));
      origEdge.push(e);
      continue;
    }
    // cumulative polyline length at each vertex
    const cum = [0];
    for (let i = a; i < b - 1; i++) cum.push(cum[cum.length - 1]! + Math.hypot(xy[2 * i + 2]! - xy[2 * i]!, xy[2 * i + 3]! - xy[2 * i + 1]!));
    const total = cum[cum.length - 1]!;
    const scale = total > 0 ? g.edgeLengthM[e]! / total : 1;
    list.sort((p, q) => taps.alongM[p]! - taps.alongM[q]!);
    // cut positions along the polyline and their nodes
    const cuts: { along: number; node: number; px: number; py: number }[] = [];
    for (const ti of list) {
      const along = taps.alongM[ti]!, tpx = taps.px[ti]!, tpy = taps.py[ti]!;
      if (along <= mergeM) tapNode[ti] = g.edgeFrom[e]!;
      else if (total - along <= mergeM) tapNode[ti] = g.edgeTo[e]!;
      else {
        const lastCut = cuts[cuts.length - 1];
        if (lastCut && along - lastCut.along <= mergeM) tapNode[ti] = lastCut.node;
        else {
          const node = x.length;
          x.push(tpx);
          y.push(tpy);
          cuts.push({ along, node, px: tpx, py: tpy });
          tapNode[ti] = node;
        }
      }
    }
    let prevNode = g.edgeFrom[e]!;
    let prevAlong = 0;
    let seg: number[] = [xy[2 * a]!, xy[2 * a + 1]!];
    let vi = 1; // next polyline vertex (relative)
    const pushPiece = (endNode: number, endAlong: number, ex: number, ey: number): void => {
      seg.push(ex, ey);
      from.push(prevNode);
      to.push(endNode);
      len.push((endAlong - prevAlong) * scale);
      geometry.push(seg);
      origEdge.push(e);
      prevNode = endNode;
      prevAlong = endAlong;
      seg = [ex, ey];
    };
    for (const c of cuts) {
      while (vi < b - a && cum[vi]! < c.along) {
        seg.push(xy[2 * (a + vi)]!, xy[2 * (a + vi) + 1]!);
        vi++;
      }
      pushPiece(c.node, c.along, c.px, c.py);
    }
    while (vi < b - a - 1) {
      seg.push(xy[2 * (a + vi)]!, xy[2 * (a + vi) + 1]!);
      vi++;
    }
    pushPiece(g.edgeTo[e]!, total, xy[2 * (b - 1)]!, xy[2 * (b - 1) + 1]!);
  }
  const graph = buildCsr({ x, y, from, to, lengthM: len, geometry });
  return { graph, tapNode, origEdge: Uint32Array.from(origEdge) };
}
