/**
 * Heat-density pruning of a rooted network, weakest branch first.
 *
 * A "stop" node is a root (plant), a node where consumers are connected, or a junction (two or more children). A
 * branch starts at a child u of a stop node and is the chain of pipe down to the next stop node; the unit that can be
 * cut off is u's whole subtree with the pipe above u (its downstream). Its linear heat density, in both conventions:
 *   - kW per metre of pipe (seed 003): design peak of the downstream consumers, f(n) x sum peak with the THERMOS
 *     diversity f(n) = 0.62 + 0.38/n, divided by 2 x route length (supply and return pipes);
 *   - MWh per metre of trench per year: annual heat of the downstream consumers / route length.
 * score = min(kW/m / minKwPerM, MWh/(m·a) / minMwhPerMA); while the lowest score is below 1, that unit is cut, the
 * ancestors' sums are updated and their scores re-queued (lazy heap with versions). A threshold of 0 disables its
 * convention.
 */
import FlatQueue from 'flatqueue';
import type { RootedTree } from './tree.js';

export interface DensityThresholds {
  /** kW per metre of pipe (2 x route), seed 003; default 0.17 */
  minKwPerM: number;
  /** MWh per metre of trench per year; default 1.5 */
  minMwhPerMA: number;
}

/** THERMOS diversity factor for n consumers (METHODS.md 2): f = 0.62 + 0.38 / n. */
export function diversity(n: number, a = 0.62, b = 0.38): number {
  return n > 0 ? a + b / n : 0;
}

export interface NodeLoads {
  /** per tree index: consumers connected there */
  count: Float64Array;
  /** per tree index: their annual heat, MWh/a */
  heatMWh: Float64Array;
  /** per tree index: sum of their undiversified peaks, kW */
  peakKw: Float64Array;
}

export interface Downstream {
  /** per tree index: consumers at and below i */
  count: Float64Array;
  heatMWh: Float64Array;
  peakKw: Float64Array;
  /** trench length of i's subtree plus the pipe to its parent, m */
  lengthM: Float64Array;
}

export type PruneReason = 'below-kw-per-m' | 'below-mwh-per-m';

export interface PruneResult {
  /** per tree index: 1 if cut off */
  removed: Uint8Array;
  /** cut-off units in order: tree index of the unit's top node, its densities and the binding convention */
  cuts: { top: number; kwPerM: number; mwhPerMA: number; reason: PruneReason; consumers: number }[];
  /** per tree index: the convention that cut the node off */
  reason: (PruneReason | undefined)[];
  down: Downstream;
}

/** Downstream sums for every tree node (one reverse breadth-first pass). */
export function downstream(t: RootedTree, loads: NodeLoads, removed?: Uint8Array): Downstream {
  const count = new Float64Array(t.size);
  const heatMWh = new Float64Array(t.size);
  const peakKw = new Float64Array(t.size);
  const lengthM = new Float64Array(t.size);
  for (let i = t.size - 1; i >= 0; i--) {
    if (removed?.[i]) continue;
    count[i]! += loads.count[i]!;
    heatMWh[i]! += loads.heatMWh[i]!;
    peakKw[i]! += loads.peakKw[i]!;
    lengthM[i]! += t.parentLengthM[i]!;
    const p = t.parent[i]!;
    if (p >= 0) {
      count[p]! += count[i]!;
      heatMWh[p]! += heatMWh[i]!;
      peakKw[p]! += peakKw[i]!;
      lengthM[p]! += lengthM[i]!;
    }
  }
  return { count, heatMWh, peakKw, lengthM };
}

/** kW per metre of pipe (2 x route length) of a downstream unit. */
export function kwPerM(count: number, peakKw: number, lengthM: number): number {
  return lengthM > 0 ? (diversity(count) * peakKw) / (2 * lengthM) : Infinity;
}

/** MWh per metre of trench per year of a downstream unit. */
export function mwhPerMA(heatMWh: number, lengthM: number): number {
  return lengthM > 0 ? heatMWh / lengthM : Infinity;
}

/** Prune `t` in place of a removal mask; see the file header. */
export function pruneByDensity(t: RootedTree, loads: NodeLoads, th: DensityThresholds): PruneResult {
  const n = t.size;
  const down = downstream(t, loads);
  const removed = new Uint8Array(n);
  const reason: (PruneReason | undefined)[] = new Array(n);
  const children = new Uint32Array(n);
  for (let i = 0; i < n; i++) children[i] = t.childStart[i + 1]! - t.childStart[i]!;
  const version = new Uint32Array(n);
  const isStop = (i: number): boolean => t.parent[i]! < 0 || loads.count[i]! > 0 || children[i]! >= 2;
  const ratio = (i: number): [number, PruneReason] => {
    const rk = th.minKwPerM > 0 ? kwPerM(down.count[i]!, down.peakKw[i]!, down.lengthM[i]!) / th.minKwPerM : Infinity;
    const rm = th.minMwhPerMA > 0 ? mwhPerMA(down.heatMWh[i]!, down.lengthM[i]!) / th.minMwhPerMA : Infinity;
    return rk <= rm ? [rk, 'below-kw-per-m'] : [rm, 'below-mwh-per-m'];
  };
  // entries: id = i * 2^? is not needed; versions are checked through a parallel array of pushed versions
  const q = new FlatQueue<number>();
  const pushedVersion: number[] = [];
  const pushedNode: number[] = [];
  const push = (i: number): void => {
    const [r] = ratio(i);
    if (r >= 1) return;
    pushedNode.push(i);
    pushedVersion.push(version[i]!);
    q.push(pushedNode.length - 1, r);
  };
  for (let i = 0; i < n; i++) if (t.parent[i]! >= 0 && isStop(t.parent[i]!)) push(i);
  const cuts: PruneResult['cuts'] = [];
  const stack: number[] = [];
  while (q.length > 0) {
    const id = q.pop()!;
    const u = pushedNode[id]!;
    if (removed[u] || pushedVersion[id] !== version[u] || !isStop(t.parent[u]!)) continue;
    const [r, why] = ratio(u);
    if (r >= 1) continue;
    cuts.push({
      top: u,
      kwPerM: kwPerM(down.count[u]!, down.peakKw[u]!, down.lengthM[u]!),
      mwhPerMA: mwhPerMA(down.heatMWh[u]!, down.lengthM[u]!),
      reason: why,
      consumers: down.count[u]!,
    });
    stack.push(u);
    while (stack.length) {
      const v = stack.pop()!;
      removed[v] = 1;
      reason[v] = why;
      for (let k = t.childStart[v]!; k < t.childStart[v + 1]!; k++) if (!removed[t.childList[k]!]) stack.push(t.childList[k]!);
    }
    const dc = down.count[u]!;
    const dh = down.heatMWh[u]!;
    const dp = down.peakKw[u]!;
    const dl = down.lengthM[u]!;
    let a = t.parent[u]!;
    children[a]!--;
    while (a >= 0) {
      down.count[a]! -= dc;
      down.heatMWh[a]! -= dh;
      down.peakKw[a]! -= dp;
      down.lengthM[a]! -= dl;
      version[a]!++;
      const pa = t.parent[a]!;
      if (pa >= 0 && isStop(pa)) push(a);
      a = pa;
    }
    // the junction may have become a plain chain node: its remaining child is no longer a unit of its own
    const p = t.parent[u]!;
    if (!isStop(p)) for (let k = t.childStart[p]!; k < t.childStart[p + 1]!; k++) version[t.childList[k]!]!++;
  }
  return { removed, cuts, reason, down };
}

export interface Branch {
  id: number;
  /** tree index of the branch's top node (child of a stop node) */
  top: number;
  /** tree index of the stop node it hangs from */
  from: number;
  /** pipe in the branch itself, m */
  ownLengthM: number;
  /** consumers connected along the branch itself */
  ownConsumers: number;
  /** downstream of the branch (itself and everything it feeds) */
  downConsumers: number;
  downHeatMWh: number;
  downPeakKw: number;
  downLengthM: number;
  kwPerM: number;
  mwhPerMA: number;
}

/** Split the kept tree into branches (chains between stop nodes); branchOf[i] = branch of the pipe above node i. */
export function branches(t: RootedTree, loads: NodeLoads, removed: Uint8Array): { branchOf: Int32Array; list: Branch[] } {
  const down = downstream(t, loads, removed);
  const children = new Uint32Array(t.size);
  for (let i = 0; i < t.size; i++) if (!removed[i] && t.parent[i]! >= 0) children[t.parent[i]!]!++;
  const isStop = (i: number): boolean => t.parent[i]! < 0 || loads.count[i]! > 0 || children[i]! >= 2;
  const branchOf = new Int32Array(t.size).fill(-1);
  const list: Branch[] = [];
  for (let i = 0; i < t.size; i++) {
    const p = t.parent[i]!;
    if (removed[i] || p < 0) continue;
    if (isStop(p)) {
      branchOf[i] = list.length;
      list.push({
        id: list.length,
        top: i,
        from: p,
        ownLengthM: 0,
        ownConsumers: 0,
        downConsumers: down.count[i]!,
        downHeatMWh: down.heatMWh[i]!,
        downPeakKw: down.peakKw[i]!,
        downLengthM: down.lengthM[i]!,
        kwPerM: kwPerM(down.count[i]!, down.peakKw[i]!, down.lengthM[i]!),
        mwhPerMA: mwhPerMA(down.heatMWh[i]!, down.lengthM[i]!),
      });
    } else branchOf[i] = branchOf[p]!;
    const b = list[branchOf[i]!]!;
    b.ownLengthM += t.parentLengthM[i]!;
    b.ownConsumers += loads.count[i]!;
  }
  return { branchOf, list };
}
