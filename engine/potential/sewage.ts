/**
 * Sewage heat: Q = rho · cp · V · dT (METHODS.md §6; the national potential-map guide, MoE/MLIT 2014, maps daily
 * mean winter and summer flow x dT = 5 K; 1,000 m³/day at 5 K ≈ 0.24 MW).
 * Flow per pipe comes from an attribute (m³/day) or, where pipes have none, is allocated along the pipe tree from
 * points of known flow (treatment plants, pump stations) in proportion to the floor area upstream, as the guide and
 * PLATEAU's Sewage-thermal-matching-system (cumulative upstream floor area) do:
 *   - pipe ends closer than `snapM` are one node; each known-flow point is snapped to its nearest node;
 *   - flow runs to the nearest known point along the network (multi-source Dijkstra on pipe length), which roots a tree;
 *   - every building's floor area goes to its nearest pipe (within `buildingMaxDistM`);
 *   - a pipe's flow = the root's flow x floor area upstream of and on the pipe / floor area of the whole tree.
 */
import FlatQueue from 'flatqueue';
import { InputError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';
import { numberProp, type SourceFeature } from './vector-input.js';

/**
 * Largest sewer flow taken as real, m³/day: 1e8 (about 1,160 m³/s). The largest sewage treatment plants take in a few
 * million m³/day (order 1e6-1e7: Bahr el-Baqar in Egypt and Stickney in Chicago at their design peaks, about 5-6
 * million; Japan's largest, Morigasaki in Tokyo, about 1.5 million), and no single pipe carries more than the plant
 * it drains to; 1e8 is more than an order of magnitude above any of them (it is about half the mean discharge of the
 * Rhine). A larger value is a unit or data error (litres for m³, a sentinel, 1e300 that makes the kW non-finite):
 * InputError 'sewage-flow-implausible' naming the file, the record and the value.
 */
export const MAX_SEWER_FLOW_M3_PER_DAY = 1e8;

/** The error for a flow above MAX_SEWER_FLOW_M3_PER_DAY. */
export function implausibleFlow(file: string | undefined, record: string, value: number, what = 'sewer flow'): InputError {
  return new InputError('sewage-flow-implausible', `${what} above ${MAX_SEWER_FLOW_M3_PER_DAY.toExponential(0)} m³/day, more than an order of magnitude above the inflow of the largest sewage treatment plants (a few million m³/day; MAX_SEWER_FLOW_M3_PER_DAY)`, {
    file,
    record,
    value,
    hint: 'check the unit (m³/day, not litres) and the value',
  });
}

export const SEWAGE_DEFAULTS = {
  /** K; the national sewage-heat potential-map guide (MoE/MLIT 2014). */
  dTK: 5,
  /** kg/m³, water. */
  rhoKgM3: 1000,
  /** kJ/(kg·K), water. */
  cpKJPerKgK: 4.186,
  /** m³/day; the guide's minimum flow was not found (METHODS.md §6): 0 = no minimum (assumption). */
  minFlowM3PerDay: 0,
  /** m; Hotmaps' 150 m band around sewers (METHODS.md §6), as the default access distance. */
  accessM: 150,
  /** h/a of the winter flow when winter and summer flows are given (assumption: half a year). */
  winterHours: 4380,
  flowFields: ['flow_m3d', 'flow_m3_day', 'flow', 'Q', 'q_m3d', 'flow_winter', 'winter_m3d'],
  summerFields: ['flow_summer', 'summer_m3d'],
};

export interface SewageOptions {
  dTK?: number;
  rhoKgM3?: number;
  cpKJPerKgK?: number;
  minFlowM3PerDay?: number;
  winterHours?: number;
  /** Attribute names holding the (winter/design) flow in m³/day, tried in order. */
  flowFields?: string[];
  summerFields?: string[];
  /** Pipe ends closer than this are joined, m (default 1). */
  snapM?: number;
  /** Known-flow points farther than this from any pipe end are ignored (counted), m (default 100, assumption). */
  pointSnapM?: number;
  /** Buildings farther than this from any pipe add no floor area (counted), m (default 200, assumption). */
  buildingMaxDistM?: number;
  file?: string;
}

/** A point of known flow: a treatment plant or pump station. */
export interface KnownFlow {
  id: string;
  x: number;
  y: number;
  flowM3PerDay: number;
  summerM3PerDay?: number;
}

export interface SewagePipe {
  id: string;
  lines: Float64Array[];
  /** Winter (design) flow, m³/day. */
  flowM3PerDay: number;
  summerM3PerDay?: number;
  flowSource: 'attribute' | 'allocated';
  /** Connected network the pipe belongs to. */
  network: number;
  /** Available heat at the design flow, kW. */
  kw: number;
  /** Annual heat, MWh/a. */
  mwhA: number;
}

/** Heat flow of a water flow, kW: rho [kg/m³] · cp [kJ/(kg·K)] · V [m³/s] · dT [K]. */
export function waterHeatKw(m3PerSecond: number, dTK: number, rhoKgM3 = 1000, cpKJPerKgK = 4.186): number {
  return rhoKgM3 * cpKJPerKgK * m3PerSecond * dTK;
}

/**
 * Flows and heat of sewer pipes. `known` and `buildings` (x, y, floor area m²) are needed only for pipes without a
 * flow attribute; pipes that get no flow either way are counted in warnings ('sewage-no-flow').
 */
export function sewagePipes(
  features: SourceFeature[],
  known: KnownFlow[],
  buildings: { x: ArrayLike<number>; y: ArrayLike<number>; floorM2: ArrayLike<number> } | undefined,
  warnings: Warnings,
  opts: SewageOptions = {},
): SewagePipe[] {
  const o = { ...SEWAGE_DEFAULTS, ...definedOnly(opts) };
  const snap = opts.snapM ?? 1;
  // pipes: one edge per polyline between its end nodes
  const nodeId = new Map<string, number>();
  const nodeXY: number[] = [];
  const key = (x: number, y: number) => `${Math.round(x / snap)},${Math.round(y / snap)}`;
  const node = (x: number, y: number) => {
    const k = key(x, y);
    let id = nodeId.get(k);
    if (id === undefined) {
      id = nodeXY.length / 2;
      nodeId.set(k, id);
      nodeXY.push(x, y);
    }
    return id;
  };
  interface Edge { f: number; line: Float64Array; a: number; b: number; len: number; flow?: number; summer?: number }
  const edges: Edge[] = [];
  features.forEach((f, fi) => {
    if (f.lines.length === 0) {
      warnings.add('sewage-not-line', 'sewer feature without line geometry left out', { file: o.file, record: f.id });
      return;
    }
    const flow = numberProp(f.props, o.flowFields);
    const summer = numberProp(f.props, o.summerFields);
    for (const v of [flow, summer]) {
      if (v !== undefined && !(v >= 0)) {
        throw new InputError('sewage-bad-flow', 'sewer flow must be a number >= 0 m³/day', { file: o.file, record: f.id, value: v, hint: 'fix or delete the value' });
      }
      if (v !== undefined && v > MAX_SEWER_FLOW_M3_PER_DAY) throw implausibleFlow(o.file, f.id, v);
    }
    for (const line of f.lines) {
      const n = line.length / 2;
      if (n < 2) continue;
      let len = 0;
      for (let i = 1; i < n; i++) len += Math.hypot(line[2 * i]! - line[2 * i - 2]!, line[2 * i + 1]! - line[2 * i - 1]!);
      edges.push({ f: fi, line, a: node(line[0]!, line[1]!), b: node(line[2 * n - 2]!, line[2 * n - 1]!), len, flow, summer });
    }
  });
  const nNodes = nodeXY.length / 2;
  // adjacency (CSR)
  const deg = new Int32Array(nNodes + 1);
  for (const e of edges) {
    deg[e.a + 1]++;
    deg[e.b + 1]++;
  }
  for (let i = 0; i < nNodes; i++) deg[i + 1] += deg[i]!;
  const adj = new Int32Array(deg[nNodes]!);
  const fill = deg.slice(0, nNodes);
  edges.forEach((e, k) => {
    adj[fill[e.a]!++] = k;
    adj[fill[e.b]!++] = k;
  });
  // connected networks
  const net = new Int32Array(nNodes).fill(-1);
  let nets = 0;
  for (let s = 0; s < nNodes; s++) {
    if (net[s] !== -1) continue;
    const stack = [s];
    net[s] = nets;
    while (stack.length) {
      const u = stack.pop()!;
      for (let j = deg[u]!; j < deg[u + 1]!; j++) {
        const e = edges[adj[j]!]!;
        const v = e.a === u ? e.b : e.a;
        if (net[v] === -1) {
          net[v] = nets;
          stack.push(v);
        }
      }
    }
    nets++;
  }
  const needAlloc = edges.some((e) => e.flow === undefined);
  const allocated = new Float64Array(edges.length).fill(NaN);
  const allocatedSummer = new Float64Array(edges.length).fill(NaN);
  if (needAlloc) allocate();
  function allocate(): void {
    const pointSnap = opts.pointSnapM ?? 100;
    if (known.length === 0 || !buildings) return;
    // roots: each known point on its nearest node
    const dist = new Float64Array(nNodes).fill(Infinity);
    const root = new Int32Array(nNodes).fill(-1);
    const parentEdge = new Int32Array(nNodes).fill(-1);
    const q = new FlatQueue<number>();
    const rootNode = new Int32Array(known.length).fill(-1);
    known.forEach((k, ki) => {
      let best = -1;
      let bd = Infinity;
      for (let i = 0; i < nNodes; i++) {
        const d = Math.hypot(nodeXY[2 * i]! - k.x, nodeXY[2 * i + 1]! - k.y);
        if (d < bd) {
          bd = d;
          best = i;
        }
      }
      if (best < 0 || bd > pointSnap) {
        warnings.add('sewage-point-unsnapped', `known-flow point farther than ${pointSnap} m from any pipe end left out`, { file: o.file, record: k.id });
        return;
      }
      if (dist[best] === 0) {
        warnings.add('sewage-point-duplicate', 'two known-flow points on one pipe node: the first one is used', { file: o.file, record: k.id });
        return;
      }
      dist[best] = 0;
      root[best] = ki;
      rootNode[ki] = best;
      q.push(best, 0);
    });
    while (q.length) {
      const d = q.peekValue()!;
      const u = q.pop()!;
      if (d > dist[u]!) continue;
      for (let j = deg[u]!; j < deg[u + 1]!; j++) {
        const ei = adj[j]!;
        const e = edges[ei]!;
        const v = e.a === u ? e.b : e.a;
        const nd = d + e.len;
        if (nd < dist[v]!) {
          dist[v] = nd;
          root[v] = root[u]!;
          parentEdge[v] = ei;
          q.push(v, nd);
        }
      }
    }
    // floor area on each pipe: nearest pipe of each building (brute force over sampled pipe points per cell bucket)
    const own = new Float64Array(edges.length);
    const maxD = opts.buildingMaxDistM ?? 200;
    const bucket = new Map<string, number[]>();
    const bk = (x: number, y: number) => `${Math.floor(x / maxD)},${Math.floor(y / maxD)}`;
    edges.forEach((e, ei) => {
      const n = e.line.length / 2;
      const seen = new Set<string>();
      for (let i = 0; i + 1 < n; i++) {
        const ax = e.line[2 * i]!, ay = e.line[2 * i + 1]!, bx = e.line[2 * i + 2]!, by = e.line[2 * i + 3]!;
        const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / maxD));
        for (let s = 0; s <= steps; s++) {
          const k2 = bk(ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps);
          if (seen.has(k2)) continue;
          seen.add(k2);
          let arr = bucket.get(k2);
          if (!arr) bucket.set(k2, (arr = []));
          arr.push(ei);
        }
      }
    });
    let far = 0;
    for (let b = 0; b < buildings.x.length; b++) {
      const fa = buildings.floorM2[b]!;
      if (!(fa > 0)) continue;
      const x = buildings.x[b]!, y = buildings.y[b]!;
      const cx = Math.floor(x / maxD), cy = Math.floor(y / maxD);
      let best = -1;
      let bd = maxD;
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++) {
          for (const ei of bucket.get(`${cx + dx},${cy + dy}`) ?? []) {
            const d = distToLine(edges[ei]!.line, x, y);
            if (d <= bd) {
              bd = d;
              best = ei;
            }
          }
        }
      if (best < 0) far++;
      else own[best] += fa;
    }
    if (far) warnings.addMany('sewage-building-far', `buildings farther than ${maxD} m from any sewer add no floor area to the flow allocation`, far);
    // accumulate floor area from the leaves to the roots: nodes by decreasing distance
    const order = Array.from({ length: nNodes }, (_, i) => i).filter((i) => dist[i]! < Infinity);
    order.sort((a, b) => dist[b]! - dist[a]!);
    const upNode = new Float64Array(nNodes); // floor area upstream of a node
    const upEdge = new Float64Array(edges.length).fill(NaN);
    // pipes that are not tree edges (loops) carry their own floor area only, into the nearer end
    edges.forEach((e, ei) => {
      if (dist[e.a] === Infinity) return;
      const isTree = parentEdge[e.a] === ei || parentEdge[e.b] === ei;
      if (!isTree) {
        upEdge[ei] = own[ei]!;
        upNode[dist[e.a]! <= dist[e.b]! ? e.a : e.b] += own[ei]!;
      }
    });
    for (const v of order) {
      const ei = parentEdge[v]!;
      if (ei < 0) continue;
      const e = edges[ei]!;
      upEdge[ei] = own[ei]! + upNode[v]!;
      const u = e.a === v ? e.b : e.a;
      upNode[u] += upEdge[ei]!;
    }
    edges.forEach((e, ei) => {
      if (dist[e.a] === Infinity || !(upEdge[ei]! >= 0)) return;
      const down = dist[e.a]! <= dist[e.b]! ? e.a : e.b;
      const r = root[down]!;
      const total = upNode[rootNode[r]!]!;
      const k = known[r]!;
      if (!(total > 0)) return;
      allocated[ei] = (k.flowM3PerDay * upEdge[ei]!) / total;
      if (k.summerM3PerDay !== undefined) allocatedSummer[ei] = (k.summerM3PerDay * upEdge[ei]!) / total;
    });
  }
  const out: SewagePipe[] = [];
  const rhoCp = o.rhoKgM3 * o.cpKJPerKgK;
  edges.forEach((e, ei) => {
    const f = features[e.f]!;
    let flow = e.flow;
    let summer = e.summer;
    let src: SewagePipe['flowSource'] = 'attribute';
    if (flow === undefined) {
      if (!(allocated[ei]! >= 0)) {
        warnings.add('sewage-no-flow', 'sewer without a flow attribute and no way to allocate one (no known-flow point on its network, or no floor area upstream): left out', {
          file: o.file,
          record: f.id,
        });
        return;
      }
      flow = allocated[ei]!;
      summer = allocatedSummer[ei]! >= 0 ? allocatedSummer[ei]! : undefined;
      src = 'allocated';
    }
    if (flow < o.minFlowM3PerDay) {
      warnings.add('sewage-below-min-flow', `sewer flow below the minimum (${o.minFlowM3PerDay} m³/day) left out`, { file: o.file, record: f.id });
      return;
    }
    const kw = (rhoCp * flow * o.dTK) / 86_400;
    const kwS = summer !== undefined ? (rhoCp * summer * o.dTK) / 86_400 : undefined;
    const mwhA = kwS !== undefined ? (kw * o.winterHours + kwS * (8760 - o.winterHours)) / 1000 : (kw * 8760) / 1000;
    out.push({ id: f.id, lines: [e.line], flowM3PerDay: flow, summerM3PerDay: summer, flowSource: src, network: net[e.a]!, kw, mwhA });
  });
  if (features.length > 0 && out.length === 0) {
    throw new InputError('sewage-no-flow', 'no sewer has a flow: lines carry no flow attribute and none could be allocated', {
      file: o.file,
      hint: `give a flow attribute (${o.flowFields.join(', ')}) in m³/day, or known-flow points (--sewage-points) and a run with buildings`,
    });
  }
  return out;
}

function distToLine(l: Float64Array, x: number, y: number): number {
  let best = Infinity;
  const n = l.length / 2;
  for (let i = 0; i + 1 < n; i++) {
    const ax = l[2 * i]!, ay = l[2 * i + 1]!, bx = l[2 * i + 2]!, by = l[2 * i + 3]!;
    const dx = bx - ax, dy = by - ay;
    const L2 = dx * dx + dy * dy;
    const t = L2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / L2)) : 0;
    const d = Math.hypot(ax + t * dx - x, ay + t * dy - y);
    if (d < best) best = d;
  }
  return best;
}

/** Options without undefined values, so spreading them keeps the defaults. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
