/**
 * Pruning a rooted network by the criteria the user chooses (one option, `pruneBy`), each named for what it is
 * (METHODS.md 4):
 *   - 'loss-share' (default): the computed share of the heat (and cold) that the pipes lose (gain), service pipes
 *     included, of a branch's downstream unit: loss / (delivered + loss) <= maxLossShare (10 %: what seed 003's
 *     0.17 kW/m stands for, after C.A.R.M.E.N.). Branch by branch, weakest first.
 *   - 'design-kw-per-m': design load of the unit (coincident peak or diversified, as the load model gives) / (2 x its
 *     route length) >= minKwPerM. Branch by branch.
 *   - 'mwh-per-m': annual demand of the unit / its trench length >= minMwhPerMA (Bavarian guide value). Branch by branch.
 *   - 'seed-kw-per-m': seed 003's own check, network-wide per plant: plant output (the given capacity, else the plant's
 *     design load) / (2 x route length) >= minKwPerM; while a plant's network fails, its branch with the lowest design
 *     kW/m is cut.
 * The branch-wise criteria run first (one lazy heap, score = the lowest ratio value/threshold of the chosen ones),
 * then the seed's network-wide check. A unit is a child u of a stop node (root, node with consumers, junction) with
 * u's whole subtree; cutting it updates the ancestors' aggregates, design loads, pipe sizes and losses.
 */
import FlatQueue from 'flatqueue';
import { AGG_COOL, AGG_COUNT, AGG_HEAT, AGG_SVC_GAIN, AGG_SVC_LOSS, type LoadModel } from './loads.js';
import type { SizeClassFn } from './sizing.js';
import type { RootedTree } from './tree.js';
import { FRESH, type Scratch } from './scratch.js';

export const CRITERIA = ['loss-share', 'design-kw-per-m', 'mwh-per-m', 'seed-kw-per-m', 'marginal-cost'] as const;
export type Criterion = (typeof CRITERIA)[number];
export type CutReason = 'below-loss-share' | 'below-kw-per-m' | 'below-mwh-per-m' | 'below-seed-kw-per-m' | 'above-marginal-cost';
export const REASON: Record<Criterion, CutReason> = {
  'loss-share': 'below-loss-share',
  'design-kw-per-m': 'below-kw-per-m',
  'mwh-per-m': 'below-mwh-per-m',
  'seed-kw-per-m': 'below-seed-kw-per-m',
  // cut in plan.ts after the criteria here, with the cost tables (cost-prune.ts), not by pruneByCriteria
  'marginal-cost': 'above-marginal-cost',
};

export interface CriteriaOptions {
  pruneBy: readonly Criterion[];
  /** largest loss share of a unit, 0..1 (default 0.10) */
  maxLossShare: number;
  /** kW per metre of pipe (2 x route): the seed's and the design kW/m threshold (default 0.17) */
  minKwPerM: number;
  /** MWh per metre of trench per year (default 1.5) */
  minMwhPerMA: number;
  /** the media carried: heat figures, cold figures or both count */
  heat: boolean;
  cold: boolean;
  /** per root (tree index order of roots 0..r-1): the plant's given capacity, kW; undefined = its design load */
  rootCapacityKw: (number | undefined)[];
  /** per tree index: 1 where the unit holds a consumer forced into the network (never cut) */
  locked?: Uint8Array;
}

/**
 * The pipe above a node: design loads in, annual loss (heat) and gain (cold) out. `sizeClass` (optional): the pipe-size
 * class of a design load per medium (sizing.ts sizeClasses; NaN near a class boundary): the loss depends on the class
 * only, which lets the pruning skip re-sizing pipes whose class cannot have changed.
 */
export type PipeLossFn = ((designHeatKw: number, designCoolKw: number, lengthM: number) => { lossMWh: number; gainMWh: number }) & {
  sizeClass?: { heat: SizeClassFn; cold: SizeClassFn };
};

export interface NetworkState {
  /** downstream aggregate of each tree node (size x model.width) */
  agg: Float64Array;
  designHeatKw: Float64Array;
  designCoolKw: Float64Array;
  /** the pipe above i: annual heat loss and cold gain, MWh/a */
  pipeLossMWh: Float64Array;
  pipeGainMWh: Float64Array;
  /** sums over i's subtree including the pipe above i */
  lossDownMWh: Float64Array;
  gainDownMWh: Float64Array;
  lengthDownM: Float64Array;
}

export interface UnitFigures {
  consumers: number;
  heatMWh: number;
  coolMWh: number;
  lengthM: number;
  designHeatKw: number;
  designCoolKw: number;
  /** pipe + service losses (heat) and gains (cold), MWh/a */
  lossMWh: number;
  gainMWh: number;
  lossShare: number;
  designKwPerM: number;
  mwhPerMA: number;
}

export interface CriteriaCut {
  top: number;
  reason: CutReason;
  figures: UnitFigures;
  /** 'above-marginal-cost' cuts: the unit's marginal cost per connected MWh (engine/cost/marginal.ts), run currency/MWh */
  marginalCost_per_MWh?: number;
}

export interface CriteriaResult {
  removed: Uint8Array;
  reason: (CutReason | undefined)[];
  cuts: CriteriaCut[];
  state: NetworkState;
}

/** Consumers at each tree node: own[i * width ...] aggregate of the consumers connected at i (service terms included). */
export type OwnLoads = Float64Array;

/**
 * Aggregates, design loads and losses for every node of `t` (removed nodes skipped). With `scratch` the state's arrays
 * are views of its buffers (scratch.ts): valid until the next networkState on that scratch.
 */
export function networkState(t: RootedTree, own: OwnLoads, model: LoadModel, pipeLoss: PipeLossFn, removed?: Uint8Array, scratch?: Scratch): NetworkState {
  const W = model.width, n = t.size;
  const a = scratch ?? FRESH;
  const f64 = (slot: string, len: number) => a.f64(slot, len);
  const agg = f64('state.agg', n * W);
  const st: NetworkState = {
    agg,
    designHeatKw: f64('state.designHeatKw', n),
    designCoolKw: f64('state.designCoolKw', n),
    pipeLossMWh: f64('state.pipeLossMWh', n),
    pipeGainMWh: f64('state.pipeGainMWh', n),
    lossDownMWh: f64('state.lossDownMWh', n),
    gainDownMWh: f64('state.gainDownMWh', n),
    lengthDownM: f64('state.lengthDownM', n),
  };
  const kept = a.u32('state.kept', n);
  for (let i = 0; i < n; i++) if (!removed?.[i] && t.parent[i]! >= 0) kept[t.parent[i]!]!++;
  for (let i = n - 1; i >= 0; i--) {
    if (removed?.[i]) continue;
    const o = i * W;
    for (let k = 0; k < W; k++) agg[o + k] += own[o + k]!;
    evalNode(t, st, model, pipeLoss, i, removed, kept, own);
    st.lossDownMWh[i] += st.pipeLossMWh[i]!;
    st.gainDownMWh[i] += st.pipeGainMWh[i]!;
    st.lengthDownM[i] += t.parentLengthM[i]!;
    const p = t.parent[i]!;
    if (p >= 0) {
      const po = p * W;
      for (let k = 0; k < W; k++) agg[po + k] += agg[o + k]!;
      st.lossDownMWh[p] += st.lossDownMWh[i]!;
      st.gainDownMWh[p] += st.gainDownMWh[i]!;
      st.lengthDownM[p] += st.lengthDownM[i]!;
    }
  }
  return st;
}

/** Mark u's subtree (the parts not yet removed) removed, for `why`. */
export function removeSubtree(t: RootedTree, u: number, removed: Uint8Array, reason: (CutReason | undefined)[], why: CutReason): void {
  const stack = [u];
  while (stack.length) {
    const v = stack.pop()!;
    removed[v] = 1;
    reason[v] = why;
    for (let k = t.childStart[v]!; k < t.childStart[v + 1]!; k++) if (!removed[t.childList[k]!]) stack.push(t.childList[k]!);
  }
}

/** The one kept child of a plain chain node (one kept child, no consumers of its own), else -1. */
function chainChild(t: RootedTree, removed: Uint8Array | undefined, kept: Uint32Array, own: OwnLoads, W: number, i: number): number {
  if (kept[i] !== 1 || own[i * W + AGG_COUNT]! > 0) return -1;
  for (let k = t.childStart[i]!; k < t.childStart[i + 1]!; k++) if (!removed?.[t.childList[k]!]) return t.childList[k]!;
  return -1;
}

/** Design loads and pipe loss of node i from its (current) aggregate; a plain chain node copies its one child. */
function evalNode(t: RootedTree, st: NetworkState, model: LoadModel, pipeLoss: PipeLossFn, i: number, removed: Uint8Array | undefined, kept: Uint32Array, own: OwnLoads): void {
  const W = model.width;
  const only = chainChild(t, removed, kept, own, W, i);
  if (only >= 0) {
    st.designHeatKw[i] = st.designHeatKw[only]!;
    st.designCoolKw[i] = st.designCoolKw[only]!;
  } else {
    st.designHeatKw[i] = model.heatKw(st.agg, i * W);
    st.designCoolKw[i] = model.coolKw(st.agg, i * W);
  }
  if (t.parent[i]! >= 0) {
    const l = pipeLoss(st.designHeatKw[i]!, st.designCoolKw[i]!, t.parentLengthM[i]!);
    st.pipeLossMWh[i] = l.lossMWh;
    st.pipeGainMWh[i] = l.gainMWh;
  } else {
    st.pipeLossMWh[i] = 0;
    st.pipeGainMWh[i] = 0;
  }
}

/** The figures of the unit at i (its subtree and the pipe above it). */
export function unitFigures(st: NetworkState, W: number, i: number, o: Pick<CriteriaOptions, 'heat' | 'cold'>): UnitFigures {
  const a = st.agg, r = i * W;
  const heatMWh = o.heat ? a[r + AGG_HEAT]! : 0;
  const coolMWh = o.cold ? a[r + AGG_COOL]! : 0;
  const lossMWh = o.heat ? st.lossDownMWh[i]! + a[r + AGG_SVC_LOSS]! : 0;
  const gainMWh = o.cold ? st.gainDownMWh[i]! + a[r + AGG_SVC_GAIN]! : 0;
  const lengthM = st.lengthDownM[i]!;
  const designHeatKw = o.heat ? st.designHeatKw[i]! : 0;
  const designCoolKw = o.cold ? st.designCoolKw[i]! : 0;
  const den = heatMWh + coolMWh + lossMWh + gainMWh;
  return {
    consumers: Math.round(a[r + AGG_COUNT]!),
    heatMWh,
    coolMWh,
    lengthM,
    designHeatKw,
    designCoolKw,
    lossMWh,
    gainMWh,
    lossShare: den > 0 ? (lossMWh + gainMWh) / den : lossMWh + gainMWh > 0 ? 1 : 0,
    designKwPerM: lengthM > 0 ? (designHeatKw + designCoolKw) / (2 * lengthM) : Infinity,
    mwhPerMA: lengthM > 0 ? (heatMWh + coolMWh) / lengthM : Infinity,
  };
}

/** Prune `t`; see the file header. `own` holds the consumers' aggregate per node (model.add + service terms). */
export function pruneByCriteria(t: RootedTree, own: OwnLoads, model: LoadModel, pipeLoss: PipeLossFn, o: CriteriaOptions): CriteriaResult {
  const n = t.size, W = model.width;
  const st = networkState(t, own, model, pipeLoss);
  const removed = new Uint8Array(n);
  const reason: (CutReason | undefined)[] = new Array(n);
  const kept = new Uint32Array(n);
  for (let i = 0; i < n; i++) kept[i] = t.childStart[i + 1]! - t.childStart[i]!;
  const version = new Uint32Array(n);
  const isStop = (i: number): boolean => t.parent[i]! < 0 || own[i * W + AGG_COUNT]! > 0 || kept[i]! >= 2;
  // marginal-cost is priced with the cost tables and cut by plan.ts (cost-prune.ts) after these criteria
  const branchWise = o.pruneBy.filter((c) => c !== 'seed-kw-per-m' && c !== 'marginal-cost');
  const score = (i: number): [number, Criterion] => {
    const f = unitFigures(st, W, i, o);
    let best = Infinity, why: Criterion = branchWise[0] ?? 'loss-share';
    for (const c of branchWise) {
      const r =
        c === 'loss-share' ? (f.lossShare > 0 ? o.maxLossShare / f.lossShare : Infinity)
        : c === 'design-kw-per-m' ? (o.minKwPerM > 0 ? f.designKwPerM / o.minKwPerM : Infinity)
        : o.minMwhPerMA > 0 ? f.mwhPerMA / o.minMwhPerMA : Infinity;
      if (r < best) (best = r), (why = c);
    }
    return [best, why];
  };
  // Lazy re-sizing (loss share and MWh/(m·a) only: their scores do not read design loads). A cut lowers every
  // ancestor's design load by at most the cut unit's (monotone load model), so an ancestor's load lies in
  // [stored - slack, stored]; while both ends fall in one pipe-size class its pipe and loss are those already stored
  // and no peak search is needed. The stored load is then an upper bound, refreshed (exactly, as the eager path
  // computes it) when the class becomes uncertain, for the direct parent of every cut (its children changed) and for a
  // cut unit's reported figures. Losses, and so every score and cut, equal the eager path's.
  const sc = pipeLoss.sizeClass;
  const lazy = !!sc && model.monotone.heat && (model.monotone.cold || !o.cold) && !o.pruneBy.includes('design-kw-per-m') && !o.pruneBy.includes('seed-kw-per-m');
  const slackH = lazy ? new Float64Array(n) : undefined;
  const slackC = lazy ? new Float64Array(n) : undefined;
  // both ends of [stored - slack, stored] in one class: the lower end above the stored load's class floor
  const sameClass = (a: number): boolean =>
    (!o.heat || st.designHeatKw[a]! - slackH![a]! > sc!.heat.floor(st.designHeatKw[a]!)) &&
    (!o.cold || st.designCoolKw[a]! - slackC![a]! > sc!.cold.floor(st.designCoolKw[a]!));
  /** u's exact design loads, for its reported figures (lazy mode keeps upper bounds) */
  const exactDesign = (u: number): void => {
    if (!lazy || (slackH![u] === 0 && slackC![u] === 0)) return;
    st.designHeatKw[u] = model.heatKw(st.agg, u * W);
    st.designCoolKw[u] = model.coolKw(st.agg, u * W);
    slackH![u] = 0;
    slackC![u] = 0;
  };
  const cuts: CriteriaCut[] = [];
  const cut = (u: number, why: Criterion): void => {
    exactDesign(u);
    cuts.push({ top: u, reason: REASON[why], figures: unitFigures(st, W, u, o) });
    removeSubtree(t, u, removed, reason, REASON[why]);
    const uo = u * W;
    let dLoss = -st.lossDownMWh[u]!, dGain = -st.gainDownMWh[u]!;
    const dLen = st.lengthDownM[u]!;
    const sub = agg0;
    for (let k = 0; k < W; k++) sub[k] = st.agg[uo + k]!;
    const dH = st.designHeatKw[u]!, dC = st.designCoolKw[u]!;
    let a = t.parent[u]!;
    kept[a]!--;
    const direct = a;
    while (a >= 0) {
      const ao = a * W;
      for (let k = 0; k < W; k++) st.agg[ao + k] -= sub[k]!;
      if (lazy && a !== direct) {
        slackH![a] += dH;
        slackC![a] += dC;
        if (sameClass(a)) {
          // pipe and loss unchanged: dLoss and dGain carry on up as they are
          st.lossDownMWh[a] += dLoss;
          st.gainDownMWh[a] += dGain;
          st.lengthDownM[a] -= dLen;
          version[a]!++;
          a = t.parent[a]!;
          continue;
        }
      }
      const oldLoss = st.pipeLossMWh[a]!, oldGain = st.pipeGainMWh[a]!;
      evalNode(t, st, model, pipeLoss, a, removed, kept, own);
      if (lazy) {
        // exact now, or copied from its one remaining child (then that child's bound holds for it too)
        const only = chainChild(t, removed, kept, own, W, a);
        slackH![a] = only >= 0 ? slackH![only]! : 0;
        slackC![a] = only >= 0 ? slackC![only]! : 0;
      }
      dLoss += st.pipeLossMWh[a]! - oldLoss;
      dGain += st.pipeGainMWh[a]! - oldGain;
      st.lossDownMWh[a] += dLoss;
      st.gainDownMWh[a] += dGain;
      st.lengthDownM[a] -= dLen;
      version[a]!++;
      a = t.parent[a]!;
    }
    // the junction may have become a plain chain node: its remaining child is no longer a unit of its own
    const p = t.parent[u]!;
    if (!isStop(p)) for (let k = t.childStart[p]!; k < t.childStart[p + 1]!; k++) version[t.childList[k]!]!++;
  };
  const agg0 = new Float64Array(W);
  if (branchWise.length) {
    const q = new FlatQueue<number>();
    const pushedVersion: number[] = [];
    const pushedNode: number[] = [];
    const push = (i: number): void => {
      if (o.locked?.[i]) return;
      const [r] = score(i);
      if (r >= 1) return;
      pushedNode.push(i);
      pushedVersion.push(version[i]!);
      q.push(pushedNode.length - 1, r);
    };
    for (let i = 0; i < n; i++) if (t.parent[i]! >= 0 && isStop(t.parent[i]!)) push(i);
    while (q.length > 0) {
      const id = q.pop()!;
      const u = pushedNode[id]!;
      if (removed[u] || pushedVersion[id] !== version[u] || !isStop(t.parent[u]!)) continue;
      const [r, why] = score(u);
      if (r >= 1) continue;
      const ancestors: number[] = [];
      for (let a = t.parent[u]!; a >= 0; a = t.parent[a]!) ancestors.push(a);
      cut(u, why);
      // every ancestor's unit changed: re-score those hanging from a stop node
      for (const a of ancestors) if (t.parent[a]! >= 0 && isStop(t.parent[a]!)) push(a);
      const p = t.parent[u]!;
      if (!isStop(p)) for (let k = t.childStart[p]!; k < t.childStart[p + 1]!; k++) if (!removed[t.childList[k]!]) push(t.childList[k]!);
    }
  }
  if (o.pruneBy.includes('seed-kw-per-m') && o.minKwPerM > 0) {
    // roots: tree indices 0..r-1 with parent -1 (rootTree puts them first)
    const rootOf = new Int32Array(n);
    for (let i = 0; i < n; i++) rootOf[i] = t.parent[i]! < 0 ? i : rootOf[t.parent[i]!]!;
    for (let r = 0; r < n && t.parent[r]! < 0; r++) {
      for (;;) {
        const seed = seedKwPerM(st, W, r, o.rootCapacityKw[r], o);
        if (!(seed < o.minKwPerM)) break;
        let best = -1, bestD = Infinity;
        for (let i = 0; i < n; i++) {
          if (removed[i] || o.locked?.[i] || rootOf[i] !== r || t.parent[i]! < 0 || !isStop(t.parent[i]!)) continue;
          const d = unitFigures(st, W, i, o).designKwPerM;
          if (d < bestD) (bestD = d), (best = i);
        }
        if (best < 0) break;
        cut(best, 'seed-kw-per-m');
      }
    }
  }
  return { removed, reason, cuts, state: st };
}

/** Seed 003's heat-supply density of the network fed from root r: plant output / (2 x route length), kW/m. */
export function seedKwPerM(st: NetworkState, W: number, r: number, capacityKw: number | undefined, o: Pick<CriteriaOptions, 'heat' | 'cold'>): number {
  const len = st.lengthDownM[r]!;
  const f = unitFigures(st, W, r, o);
  const out = capacityKw ?? f.designHeatKw + f.designCoolKw;
  return len > 0 ? out / (2 * len) : Infinity;
}
