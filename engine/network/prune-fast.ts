/**
 * pruneByCriteria (criteria.ts) for one branch-wise criterion, loss share or MWh/(m·a), with a monotone load model
 * (loads.ts LoadModel.monotone) and pipe-size classes (sizing.ts sizeClasses): the same cuts, in the same order, with
 * the same figures as the general path (to rounding), in O(log² n) per cut instead of a walk to the root re-sizing
 * every ancestor (a city's tree is thousands of nodes deep and loses tens of thousands of units):
 *   - Ancestors' ratios only rise. The unit cut is the weakest (its ratio below 1 and below every other unit's); taking
 *     a part whose ratio is worse than the whole's out of the whole improves the whole's ratio (mediant), and the
 *     ancestors' pipes can only shrink (less loss). So the heap keeps stale keys, lower than or equal to the current
 *     ratios, and a popped unit is re-scored: cut when its key is current, pushed back with its current ratio
 *     otherwise. Passing units never start failing, so only the first failures are ever queued.
 *   - Subtree sums (consumers, heat, cold, peaks, service losses, pipe losses, trench, and the profile columns a peak
 *     search reads) are the first sizing's values plus Fenwick trees of what changed since, over a heavy-first
 *     pre-order in which every subtree is one interval: a cut is one row update, a node's current figures one query.
 *   - Pipes are re-sized lazily: a cut lowers an ancestor's design load by at most the cut unit's; every node keeps the
 *     margin down to the lower boundary of its pipe-size class in a min segment tree over the same order (heavy paths
 *     are intervals, so the path to the root is O(log n) intervals), a cut subtracts its load along the path, and only
 *     nodes whose margin is used up are re-sized (exact peak search). A pipe's loss depends on its DN only, so losses
 *     equal the eager re-sizing's.
 */
import FlatQueue from 'flatqueue';
import { networkState, pruneByCriteria, REASON, removeSubtree, unitFigures, type CriteriaCut, type CriteriaOptions, type CriteriaResult, type CutReason, type NetworkState, type OwnLoads, type PipeLossFn } from './criteria.js';
import { AGG_COUNT, AGG_FIXED, type LoadModel } from './loads.js';
import type { RootedTree } from './tree.js';
import { FRESH, type Scratch } from './scratch.js';

/**
 * Prune a rooted network by the criteria in force: the fast path below where it gives the general path's result (one
 * branch-wise criterion, loss share or MWh/(m·a), a monotone load model, pipe-size classes), else criteria.ts's
 * pruneByCriteria.
 */
export function pruneNetwork(t: RootedTree, own: OwnLoads, model: LoadModel, pipeLoss: PipeLossFn, o: CriteriaOptions, scratch?: Scratch): CriteriaResult {
  const single = o.pruneBy.filter((c) => c !== 'marginal-cost');
  if (pipeLoss.sizeClass && model.monotone.heat && (model.monotone.cold || !o.cold) && single.length === 1 && (single[0] === 'loss-share' || single[0] === 'mwh-per-m')) {
    return pruneOneCriterion(t, own, model, pipeLoss, o, networkState(t, own, model, pipeLoss, undefined, scratch), single[0], scratch);
  }
  return pruneByCriteria(t, own, model, pipeLoss, o);
}

/** Binary indexed tree of `width`-wide rows over positions 0..n-1: add a row at a position, sum an interval. */
export class RowFenwick {
  readonly f: Float64Array;
  /** no row added yet: every interval sums to zeros (the first ratios of a pruning, before any cut, read nothing) */
  private empty = true;
  /** `buffer`: (n + 1) x width zeros to use (a Scratch's), else allocated */
  constructor(readonly n: number, readonly width: number, buffer?: Float64Array) {
    this.f = buffer ?? new Float64Array((n + 1) * width);
  }
  /** row[off .. off + width) x sign added at pos */
  add(pos: number, row: ArrayLike<number>, off: number, sign: number): void {
    const { f, width, n } = this;
    this.empty = false;
    for (let i = pos + 1; i <= n; i += i & -i) {
      const b = i * width;
      for (let k = 0; k < width; k++) f[b + k] += sign * row[off + k]!;
    }
  }
  /** value at column k added at pos */
  addOne(pos: number, k: number, v: number): void {
    const { f, width, n } = this;
    this.empty = false;
    for (let i = pos + 1; i <= n; i += i & -i) f[i * width + k] += v;
  }
  /**
   * out[0 .. width) = sum of the rows at positions [a, b): prefix(b) - prefix(a), the two walks stopped where they
   * meet (the cells both would read cancel, so neither reads them). A subtree's interval is mostly short, so this
   * reads a few cells instead of two walks to the root of the Fenwick tree; it also leaves out the large common part
   * that the difference of two prefix sums would add and take away again (its rounding).
   */
  range(a: number, b: number, out: Float64Array): void {
    const { f, width } = this;
    out.fill(0);
    if (this.empty) return;
    let i = b, j = a;
    while (i !== j) {
      if (i > j) {
        for (let k = 0, o = i * width; k < width; k++) out[k] += f[o + k]!;
        i -= i & -i;
      } else {
        for (let k = 0, o = j * width; k < width; k++) out[k] -= f[o + k]!;
        j -= j & -j;
      }
    }
  }
}

/** Segment tree over positions 0..n-1: add to an interval, set a position, list the positions at or below a value. */
export class MinAddTree {
  private readonly size: number;
  private readonly mn: Float64Array;
  private readonly lz: Float64Array;
  /** `scratch`: where the tree's arrays come from (else allocated) */
  constructor(values: Float64Array, scratch?: { mn: Float64Array; lz: Float64Array }) {
    let size = 1;
    while (size < Math.max(1, values.length)) size <<= 1;
    this.size = size;
    this.mn = scratch ? scratch.mn : new Float64Array(2 * size).fill(Infinity);
    this.lz = scratch ? scratch.lz : new Float64Array(2 * size);
    this.mn.set(values, size);
    for (let i = size - 1; i >= 1; i--) this.mn[i] = Math.min(this.mn[2 * i]!, this.mn[2 * i + 1]!);
  }
  /** add v to positions [l, r] */
  add(l: number, r: number, v: number): void {
    this.addRec(1, 0, this.size - 1, l, r, v);
  }
  private addRec(x: number, nl: number, nr: number, l: number, r: number, v: number): void {
    if (r < nl || nr < l) return;
    if (l <= nl && nr <= r) {
      this.mn[x] += v;
      this.lz[x] += v;
      return;
    }
    const mid = (nl + nr) >> 1;
    this.addRec(2 * x, nl, mid, l, r, v);
    this.addRec(2 * x + 1, mid + 1, nr, l, r, v);
    this.mn[x] = Math.min(this.mn[2 * x]!, this.mn[2 * x + 1]!) + this.lz[x]!;
  }
  /** positions in [l, r] whose value is <= thr, appended to out */
  collect(l: number, r: number, thr: number, out: number[]): void {
    this.collectRec(1, 0, this.size - 1, l, r, thr, out);
  }
  private collectRec(x: number, nl: number, nr: number, l: number, r: number, thr: number, out: number[]): void {
    if (r < nl || nr < l || this.mn[x]! > thr) return;
    if (nl === nr) {
      out.push(nl);
      return;
    }
    // the node's pending add applies to both halves
    const t = thr - this.lz[x]!;
    const mid = (nl + nr) >> 1;
    this.collectRec(2 * x, nl, mid, l, r, t, out);
    this.collectRec(2 * x + 1, mid + 1, nr, l, r, t, out);
  }
  /** position p's value set to v */
  set(p: number, v: number): void {
    // pending adds above p: the leaf holds v minus their sum
    let x = 1, nl = 0, nr = this.size - 1, above = 0;
    const path: number[] = [];
    while (nl !== nr) {
      path.push(x);
      above += this.lz[x]!;
      const mid = (nl + nr) >> 1;
      if (p <= mid) (x = 2 * x), (nr = mid);
      else (x = 2 * x + 1), (nl = mid + 1);
    }
    this.mn[x] = v - above;
    for (let k = path.length - 1; k >= 0; k--) {
      const y = path[k]!;
      this.mn[y] = Math.min(this.mn[2 * y]!, this.mn[2 * y + 1]!) + this.lz[y]!;
    }
  }
}

/**
 * Scalar columns kept per node: the aggregate's fixed columns, then pipe loss, pipe gain and trench down the node,
 * and the number of cuts below it (its design load is exact while that number is the one of its last sizing).
 */
const S_LOSS = AGG_FIXED, S_GAIN = AGG_FIXED + 1, S_LEN = AGG_FIXED + 2, S_CUTS = AGG_FIXED + 3, SW = AGG_FIXED + 4;

export function pruneOneCriterion(t: RootedTree, own: OwnLoads, model: LoadModel, pipeLoss: PipeLossFn, o: CriteriaOptions, st: NetworkState, crit: 'loss-share' | 'mwh-per-m', scratch?: Scratch): CriteriaResult {
  const n = t.size, W = model.width, P = W - AGG_FIXED;
  // the working arrays (not the result's) from `scratch` where given
  const arrays = scratch ?? FRESH;
  const u32 = (slot: string, len: number, fill = 0) => arrays.u32(slot, len, fill);
  const i32 = (slot: string, len: number, fill = 0) => arrays.i32(slot, len, fill);
  const f64 = (slot: string, len: number, fill = 0) => arrays.f64(slot, len, fill);
  const segScratch = (name: string, len: number) => {
    if (!scratch) return undefined;
    let size = 1;
    while (size < Math.max(1, len)) size <<= 1;
    return { mn: scratch.f64(`${name}.mn`, 2 * size, Infinity), lz: scratch.f64(`${name}.lz`, 2 * size) };
  };
  const sc = pipeLoss.sizeClass!;
  const removed = new Uint8Array(n);
  const reason: (CutReason | undefined)[] = new Array(n);
  const kept = u32('prune.kept', n);
  for (let i = 0; i < n; i++) kept[i] = t.childStart[i + 1]! - t.childStart[i]!;
  const isStop = (i: number): boolean => t.parent[i]! < 0 || own[i * W + AGG_COUNT]! > 0 || kept[i]! >= 2;
  // heavy-first pre-order: subtrees and heavy paths are intervals of pos
  const size = u32('prune.size', n, 1);
  for (let i = n - 1; i >= 0; i--) if (t.parent[i]! >= 0) size[t.parent[i]!]! += size[i]!;
  const heavy = i32('prune.heavy', n, -1);
  for (let i = 0; i < n; i++) {
    let best = -1;
    for (let k = t.childStart[i]!; k < t.childStart[i + 1]!; k++) {
      const c = t.childList[k]!;
      if (best < 0 || size[c]! > size[best]!) best = c;
    }
    heavy[i] = best;
  }
  const pos = u32('prune.pos', n), head = u32('prune.head', n), at = u32('prune.at', n);
  {
    let clock = 0;
    const stack: number[] = [];
    for (let r = 0; r < n && t.parent[r]! < 0; r++) {
      stack.push(r);
      head[r] = r;
      while (stack.length) {
        const v = stack.pop()!;
        pos[v] = clock;
        at[clock++] = v;
        // light children start their own paths; the heavy child is visited next (pushed last)
        for (let k = t.childStart[v]!; k < t.childStart[v + 1]!; k++) {
          const c = t.childList[k]!;
          if (c === heavy[v]) continue;
          head[c] = c;
          stack.push(c);
        }
        if (heavy[v]! >= 0) {
          head[heavy[v]!] = head[v]!;
          stack.push(heavy[v]!);
        }
      }
    }
  }
  // the first sizing's values; Fenwick trees hold what changed since
  const base = f64('prune.base', n * SW);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < AGG_FIXED; k++) base[i * SW + k] = st.agg[i * W + k]!;
    base[i * SW + S_LOSS] = st.lossDownMWh[i]!;
    base[i * SW + S_GAIN] = st.gainDownMWh[i]!;
    base[i * SW + S_LEN] = st.lengthDownM[i]!;
  }
  // (the profile columns of st.agg are never written here: they stay the first sizing's)
  const fenS = new RowFenwick(n, SW, scratch?.f64('prune.fenS', (n + 1) * SW)), fenP = new RowFenwick(n, P, scratch?.f64('prune.fenP', (n + 1) * P));
  const dS = new Float64Array(SW), dP = new Float64Array(P);
  const row = new Float64Array(W);
  /** node i's current scalar figures into st (agg fixed columns, losses, trench) */
  const refresh = (i: number): void => {
    fenS.range(pos[i]!, pos[i]! + size[i]!, dS);
    const b = i * SW;
    for (let k = 0; k < AGG_FIXED; k++) st.agg[i * W + k] = base[b + k]! + dS[k]!;
    st.lossDownMWh[i] = base[b + S_LOSS]! + dS[S_LOSS]!;
    st.gainDownMWh[i] = base[b + S_GAIN]! + dS[S_GAIN]!;
    st.lengthDownM[i] = base[b + S_LEN]! + dS[S_LEN]!;
    cutsBelow = dS[S_CUTS]!;
  };
  /** node i's current whole aggregate into `row` (after refresh(i)) */
  const currentRow = (i: number): void => {
    for (let k = 0; k < AGG_FIXED; k++) row[k] = st.agg[i * W + k]!;
    fenP.range(pos[i]!, pos[i]! + size[i]!, dP);
    for (let k = 0; k < P; k++) row[AGG_FIXED + k] = st.agg[i * W + AGG_FIXED + k]! + dP[k]!;
  };
  const marginOf = (kw: number, f: (typeof sc)['heat']): number => kw - f.floor(kw);
  const marginsH = f64('prune.marginsH', n), marginsC = f64('prune.marginsC', n);
  for (let i = 0; i < n; i++) {
    marginsH[pos[i]!] = o.heat ? marginOf(st.designHeatKw[i]!, sc.heat) : Infinity;
    marginsC[pos[i]!] = o.cold ? marginOf(st.designCoolKw[i]!, sc.cold) : Infinity;
  }
  const segH = new MinAddTree(marginsH, segScratch('prune.segH', n)), segC = new MinAddTree(marginsC, segScratch('prune.segC', n));
  /** cuts below each node at its last sizing */
  const sizedAt = f64('prune.sizedAt', n);
  let cutsBelow = 0;
  /** exact design loads of i from its current aggregate; margins reset */
  const resize = (i: number): void => {
    refresh(i);
    currentRow(i);
    st.designHeatKw[i] = model.heatKw(row, 0);
    st.designCoolKw[i] = model.coolKw(row, 0);
    sizedAt[i] = cutsBelow;
    segH.set(pos[i]!, o.heat ? marginOf(st.designHeatKw[i]!, sc.heat) : Infinity);
    segC.set(pos[i]!, o.cold ? marginOf(st.designCoolKw[i]!, sc.cold) : Infinity);
  };
  const ratio = (i: number): number => {
    refresh(i);
    const f = unitFigures(st, W, i, o);
    return crit === 'loss-share' ? (f.lossShare > 0 ? o.maxLossShare / f.lossShare : Infinity) : o.minMwhPerMA > 0 ? f.mwhPerMA / o.minMwhPerMA : Infinity;
  };
  const cuts: CriteriaCut[] = [];
  const hit: number[] = [];
  const seen = u32('prune.seen', n);
  let stamp = 0;
  const cut = (u: number): void => {
    refresh(u);
    if (cutsBelow !== sizedAt[u]) resize(u);
    cuts.push({ top: u, reason: REASON[crit], figures: unitFigures(st, W, u, o) });
    removeSubtree(t, u, removed, reason, REASON[crit]);
    // the unit's totals out of every ancestor at once
    currentRow(u);
    for (let k = 0; k < AGG_FIXED; k++) dS[k] = st.agg[u * W + k]!;
    dS[S_LOSS] = st.lossDownMWh[u]!;
    dS[S_GAIN] = st.gainDownMWh[u]!;
    dS[S_LEN] = st.lengthDownM[u]!;
    dS[S_CUTS] = -1;
    fenS.add(pos[u]!, dS, 0, -1);
    fenP.add(pos[u]!, row, AGG_FIXED, -1);
    const dH = st.designHeatKw[u]!, dC = st.designCoolKw[u]!;
    kept[t.parent[u]!]!--;
    // lower the ancestors' margins; re-size those whose margin is used up
    hit.length = 0;
    stamp++;
    for (let a = t.parent[u]!; a >= 0; ) {
      const h = head[a]!;
      const l = pos[h]!, r = pos[a]!;
      if (o.heat && dH > 0) {
        segH.add(l, r, -dH);
        segH.collect(l, r, 0, hit);
      }
      if (o.cold && dC > 0) {
        segC.add(l, r, -dC);
        segC.collect(l, r, 0, hit);
      }
      a = t.parent[h]!;
    }
    for (const p of hit) {
      const a = at[p]!;
      if (seen[a] === stamp) continue;
      seen[a] = stamp;
      const oldLoss = st.pipeLossMWh[a]!, oldGain = st.pipeGainMWh[a]!;
      resize(a);
      if (t.parent[a]! >= 0) {
        const lg = pipeLoss(st.designHeatKw[a]!, st.designCoolKw[a]!, t.parentLengthM[a]!);
        st.pipeLossMWh[a] = lg.lossMWh;
        st.pipeGainMWh[a] = lg.gainMWh;
      }
      if (st.pipeLossMWh[a] !== oldLoss) fenS.addOne(pos[a]!, S_LOSS, st.pipeLossMWh[a]! - oldLoss);
      if (st.pipeGainMWh[a] !== oldGain) fenS.addOne(pos[a]!, S_GAIN, st.pipeGainMWh[a]! - oldGain);
    }
  };
  const q = new FlatQueue<number>();
  for (let i = 0; i < n; i++) {
    if (t.parent[i]! < 0 || !isStop(t.parent[i]!) || o.locked?.[i]) continue;
    const r = ratio(i);
    if (r < 1) q.push(i, r);
  }
  while (q.length > 0) {
    const key = q.peekValue()!;
    const u = q.pop()!;
    if (removed[u] || !isStop(t.parent[u]!)) continue;
    const r = ratio(u);
    if (r >= 1) continue;
    if (r > key) {
      q.push(u, r);
      continue;
    }
    cut(u);
  }
  return { removed, reason, cuts, state: st };
}
