/**
 * The noded road graph. Lines (OSM ways, shapefile or GeoJSON lines, already projected to metres) are cut at the
 * vertices they share and, optionally, at crossings that are real junctions: two segments crossing in their interiors
 * on the same layer, neither a bridge nor a tunnel. The graph is built and checked with graphology (duplicate and
 * degenerate edges counted and dropped, parallel roads kept by splitting one of them) and compiled once into CSR
 * arrays (csr.ts) for the algorithms.
 */
import Flatbush from 'flatbush';
import Graph from 'graphology';
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import { buildCsr, type CsrGraph } from './csr.js';

export interface RoadLine {
  /** way id or feature index, for messages */
  id: string | number;
  /** flat x,y coordinates in the projected working CRS, m */
  coords: ArrayLike<number>;
  /** stable vertex ids (OSM node ids): vertices with the same id are the same point, no snapping needed */
  nodeIds?: ArrayLike<number>;
  /** road class (OSM highway=*) */
  highway?: string;
  bridge?: boolean;
  tunnel?: boolean;
  /** OSM layer (default 0) */
  layer?: number;
}

export interface RoadGraphOptions {
  /** vertices closer than this are one vertex (lines without node ids), m; default 0.5 (ASSUMPTION) */
  snapM?: number;
  /** node lines where they cross on the same layer (not bridges/tunnels); default: only when lines have no node ids */
  crossings?: boolean;
  warnings?: Warnings;
  file?: string;
}

export type RoadGraphology = Graph<{ x: number; y: number }, { lengthM: number; geometry: number[]; way: string | number; highway?: string }>;

export interface RoadGraph {
  /** the graph as built and checked (node keys are vertex ids) */
  graph: RoadGraphology;
  csr: CsrGraph;
  /** per CSR edge: the source line's id */
  edgeWay: (string | number)[];
  stats: { lines: number; vertices: number; crossingsNoded: number; duplicateEdges: number; degenerateEdges: number; parallelSplit: number };
}

/** A grid cell's key: cx * 2^27 + cy is exact and unique while |cx|, |cy| < 2^26 (33,554 km at the default 0.5 m snap). */
const CELL_PACK = 2 ** 27, CELL_MAX = 2 ** 26;
function cellKey(cx: number, cy: number): number | string {
  return cx < CELL_MAX && cx > -CELL_MAX && cy < CELL_MAX && cy > -CELL_MAX ? cx * CELL_PACK + cy : `${cx},${cy}`;
}

class VertexTable {
  readonly x: number[] = [];
  readonly y: number[] = [];
  private readonly byId = new Map<number, number>();
  /** snap cells: a number key where the cell indices are small enough to pack exactly, else a string (no collisions) */
  private readonly grid = new Map<number | string, number[]>();
  constructor(readonly snapM: number) {}

  byNodeId(id: number, x: number, y: number): number {
    let v = this.byId.get(id);
    if (v === undefined) {
      v = this.x.length;
      this.x.push(x);
      this.y.push(y);
      this.byId.set(id, v);
    }
    return v;
  }

  snap(x: number, y: number): number {
    const s = this.snapM;
    const cx = Math.floor(x / s), cy = Math.floor(y / s);
    let best = -1, bd = s;
    for (let i = -1; i <= 1; i++)
      for (let j = -1; j <= 1; j++) {
        const l = this.grid.get(cellKey(cx + i, cy + j));
        if (l) for (const v of l) {
          const d = Math.hypot(this.x[v]! - x, this.y[v]! - y);
          if (d <= bd) {
            bd = d;
            best = v;
          }
        }
      }
    if (best >= 0) return best;
    const v = this.x.length;
    this.x.push(x);
    this.y.push(y);
    const k = cellKey(cx, cy);
    const l = this.grid.get(k);
    if (l) l.push(v);
    else this.grid.set(k, [v]);
    return v;
  }
}

/** Segment intersection in both interiors; returns [t on a, t on b] or undefined. */
function crossT(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): [number, number] | undefined {
  const rx = bx - ax, ry = by - ay, sx = dx - cx, sy = dy - cy;
  const den = rx * sy - ry * sx;
  if (den === 0) return undefined;
  const t = ((cx - ax) * sy - (cy - ay) * sx) / den;
  const u = ((cx - ax) * ry - (cy - ay) * rx) / den;
  const eps = 1e-9;
  if (t <= eps || t >= 1 - eps || u <= eps || u >= 1 - eps) return undefined;
  return [t, u];
}

/** Build the noded road graph from lines; see the file header. */
export function buildRoadGraph(lines: RoadLine[], opts: RoadGraphOptions = {}): RoadGraph {
  const snapM = opts.snapM ?? 0.5;
  const warnings = opts.warnings ?? new Warnings();
  const crossings = opts.crossings ?? !lines.some((l) => l.nodeIds);
  const vt = new VertexTable(snapM);
  // vertex sequence of each line
  const seq: number[][] = [];
  for (const l of lines) {
    const c = l.coords;
    const s: number[] = [];
    for (let i = 0; i < c.length / 2; i++) {
      const x = c[2 * i]!, y = c[2 * i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new InputError('road-bad-coordinate', 'road line has a non-finite coordinate', { file: opts.file, record: l.id, value: [x, y] });
      }
      const v = l.nodeIds ? vt.byNodeId(l.nodeIds[i]!, x, y) : vt.snap(x, y);
      if (s[s.length - 1] !== v) s.push(v);
    }
    seq.push(s);
  }
  let crossingsNoded = 0;
  if (crossings) crossingsNoded = nodeCrossings(lines, seq, vt);
  const uses = new Uint32Array(vt.x.length);
  for (const s of seq) {
    if (s.length < 2) continue;
    for (const v of s) uses[v]!++;
    uses[s[0]!]! += 2;
    uses[s[s.length - 1]!]! += 2;
  }
  const graph: RoadGraphology = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  let duplicateEdges = 0, degenerateEdges = 0, parallelSplit = 0;
  const addNode = (v: number): string => {
    const k = String(v);
    if (!graph.hasNode(k)) graph.addNode(k, { x: vt.x[v]!, y: vt.y[v]! });
    return k;
  };
  let extra = vt.x.length;
  const addPiece = (piece: number[], line: RoadLine): void => {
    const geometry: number[] = [];
    let lengthM = 0;
    for (let i = 0; i < piece.length; i++) {
      geometry.push(vt.x[piece[i]!]!, vt.y[piece[i]!]!);
      if (i > 0) lengthM += Math.hypot(vt.x[piece[i]!]! - vt.x[piece[i - 1]!]!, vt.y[piece[i]!]! - vt.y[piece[i - 1]!]!);
    }
    const a = piece[0]!, b = piece[piece.length - 1]!;
    if (lengthM <= 0) {
      degenerateEdges++;
      warnings.add('road-degenerate-edge', 'road piece of zero length dropped', { file: opts.file, record: line.id });
      return;
    }
    if (a === b || graph.hasEdge(String(a), String(b))) {
      const existing = a === b ? undefined : graph.getEdgeAttributes(graph.edge(String(a), String(b))!);
      if (existing && Math.abs(existing.lengthM - lengthM) <= snapM) {
        duplicateEdges++;
        warnings.add('road-duplicate-edge', 'duplicate road edge (same ends, same length) dropped', { file: opts.file, record: line.id });
        return;
      }
      if (piece.length >= 3) {
        // a loop or a parallel road: split at its middle vertex so both ways stay in a simple graph
        parallelSplit++;
        const mid = piece.length >> 1;
        addPiece(piece.slice(0, mid + 1), line);
        addPiece(piece.slice(mid), line);
        return;
      }
      if (a === b) {
        degenerateEdges++;
        warnings.add('road-degenerate-edge', 'road loop without intermediate vertices dropped', { file: opts.file, record: line.id });
        return;
      }
      // a straight parallel edge: insert its midpoint as a vertex
      const m = extra++;
      vt.x.push((vt.x[a]! + vt.x[b]!) / 2);
      vt.y.push((vt.y[a]! + vt.y[b]!) / 2);
      parallelSplit++;
      addPiece([a, m], line);
      addPiece([m, b], line);
      return;
    }
    graph.addEdge(addNode(a), addNode(b), { lengthM, geometry, way: line.id, highway: line.highway });
  };
  lines.forEach((line, li) => {
    const s = seq[li]!;
    if (s.length < 2) {
      degenerateEdges++;
      warnings.add('road-degenerate-line', 'road line with fewer than two distinct vertices dropped', { file: opts.file, record: line.id });
      return;
    }
    let start = 0;
    for (let i = 1; i < s.length; i++) {
      if (uses[s[i]!]! >= 2 || i === s.length - 1) {
        addPiece(s.slice(start, i + 1), line);
        start = i;
      }
    }
  });
  return { graph, ...compileRoadGraph(graph), stats: { lines: lines.length, vertices: vt.x.length, crossingsNoded, duplicateEdges, degenerateEdges, parallelSplit } };
}

/** Compile a graphology road graph into CSR arrays (node order: graphology's). */
export function compileRoadGraph(graph: RoadGraphology): { csr: CsrGraph; edgeWay: (string | number)[] } {
  const index = new Map<string, number>();
  const x: number[] = [];
  const y: number[] = [];
  graph.forEachNode((k, a) => {
    index.set(k, x.length);
    x.push(a.x);
    y.push(a.y);
  });
  const from: number[] = [];
  const to: number[] = [];
  const lengthM: number[] = [];
  const geometry: number[][] = [];
  const edgeWay: (string | number)[] = [];
  graph.forEachEdge((_e, a, s, t) => {
    const fs = index.get(s)!;
    const ft = index.get(t)!;
    // the stored polyline runs from the first vertex of the piece; orient it from `from`
    const g = a.geometry;
    const startsAtS = g[0] === x[fs] && g[1] === y[fs];
    from.push(startsAtS ? fs : ft);
    to.push(startsAtS ? ft : fs);
    lengthM.push(a.lengthM);
    geometry.push(g);
    edgeWay.push(a.way);
  });
  return { csr: buildCsr({ x, y, from, to, lengthM, geometry }), edgeWay };
}

/** Insert crossing vertices into the line sequences; returns the number of crossings noded. */
function nodeCrossings(lines: RoadLine[], seq: number[][], vt: VertexTable): number {
  const segLine: number[] = [];
  const segPos: number[] = [];
  for (let li = 0; li < seq.length; li++) {
    if (lines[li]!.bridge || lines[li]!.tunnel) continue;
    for (let i = 0; i < seq[li]!.length - 1; i++) {
      segLine.push(li);
      segPos.push(i);
    }
  }
  if (segLine.length === 0) return 0;
  const idx = new Flatbush(segLine.length);
  const X = vt.x, Y = vt.y;
  for (let s = 0; s < segLine.length; s++) {
    const a = seq[segLine[s]!]![segPos[s]!]!, b = seq[segLine[s]!]![segPos[s]! + 1]!;
    idx.add(Math.min(X[a]!, X[b]!), Math.min(Y[a]!, Y[b]!), Math.max(X[a]!, X[b]!), Math.max(Y[a]!, Y[b]!));
  }
  idx.finish();
  // per line and segment: inserted (t, vertex)
  const inserts = new Map<number, Map<number, [number, number][]>>();
  const addInsert = (li: number, pos: number, t: number, v: number): void => {
    let m = inserts.get(li);
    if (!m) inserts.set(li, (m = new Map()));
    let l = m.get(pos);
    if (!l) m.set(pos, (l = []));
    l.push([t, v]);
  };
  let count = 0;
  for (let s = 0; s < segLine.length; s++) {
    const la = segLine[s]!;
    const a0 = seq[la]![segPos[s]!]!, a1 = seq[la]![segPos[s]! + 1]!;
    const layerA = lines[la]!.layer ?? 0;
    for (const o of idx.search(Math.min(X[a0]!, X[a1]!), Math.min(Y[a0]!, Y[a1]!), Math.max(X[a0]!, X[a1]!), Math.max(Y[a0]!, Y[a1]!))) {
      if (o <= s) continue;
      const lb = segLine[o]!;
      if ((lines[lb]!.layer ?? 0) !== layerA) continue;
      const b0 = seq[lb]![segPos[o]!]!, b1 = seq[lb]![segPos[o]! + 1]!;
      if (a0 === b0 || a0 === b1 || a1 === b0 || a1 === b1) continue;
      const tu = crossT(X[a0]!, Y[a0]!, X[a1]!, Y[a1]!, X[b0]!, Y[b0]!, X[b1]!, Y[b1]!);
      if (!tu) continue;
      const v = vt.snap(X[a0]! + tu[0] * (X[a1]! - X[a0]!), Y[a0]! + tu[0] * (Y[a1]! - Y[a0]!));
      addInsert(la, segPos[s]!, tu[0], v);
      addInsert(lb, segPos[o]!, tu[1], v);
      count++;
    }
  }
  // T-junctions: a line's end lying on another line's segment (within snapM) joins it there
  const snapM = vt.snapM;
  for (let li = 0; li < seq.length; li++) {
    const s = seq[li]!;
    if (s.length < 2) continue;
    const layer = lines[li]!.layer ?? 0;
    for (const v of [s[0]!, s[s.length - 1]!]) {
      const px = X[v]!, py = Y[v]!;
      for (const o of idx.search(px - snapM, py - snapM, px + snapM, py + snapM)) {
        const lb = segLine[o]!;
        if ((lines[lb]!.layer ?? 0) !== layer) continue;
        const b0 = seq[lb]![segPos[o]!]!, b1 = seq[lb]![segPos[o]! + 1]!;
        if (v === b0 || v === b1) continue;
        const dx = X[b1]! - X[b0]!, dy = Y[b1]! - Y[b0]!;
        const l2 = dx * dx + dy * dy;
        if (l2 === 0) continue;
        const t = ((px - X[b0]!) * dx + (py - Y[b0]!) * dy) / l2;
        if (t <= 0 || t >= 1) continue;
        if (Math.hypot(px - (X[b0]! + t * dx), py - (Y[b0]! + t * dy)) > snapM) continue;
        addInsert(lb, segPos[o]!, t, v);
        count++;
      }
    }
  }
  for (const [li, m] of inserts) {
    const s = seq[li]!;
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (out[out.length - 1] !== s[i]) out.push(s[i]!);
      const l = m.get(i);
      if (l) for (const [, v] of l.sort((p, q) => p[0] - q[0])) if (out[out.length - 1] !== v && v !== s[i + 1]) out.push(v);
    }
    seq[li] = out;
  }
  return count;
}
