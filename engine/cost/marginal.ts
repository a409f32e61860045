/**
 * The marginal cost of a branch and of a consumer: what connecting them adds, per MWh they take a year. Pure
 * functions over the pipe list and the consumer loads (no I/O), for the cost stage and for route pruning.
 *
 * Branches are those of network.geojson (engine/network/prune.ts): a chain of pipes between stop nodes; a pipe's
 * `from` is its upstream node, `to` its downstream node; a consumer's `branch` is the branch of the pipe above the
 * node it connects to (-1: at the plant). A branch's downstream is itself and every branch it feeds.
 *
 * Marginal cost of a branch = (capital of its downstream pipes, service pipes and substations x their annuity
 * factors + network O&M share x that capital) / annual heat of its downstream consumers, currency/MWh. It is the
 * distribution cost that cutting the branch would save, plant and fuel excluded (the heat still has to be made for
 * whoever stays, and a smaller network does not change the plant's cost per MWh in this first-order view).
 * Marginal cost of a consumer = its own service pipe and substation plus the pipes of the branches that serve it alone
 * (downstream consumer count 1), on the same annual basis, per MWh of its own heat.
 */

export interface MarginalPipe {
  from: number;
  to: number;
  length_m: number;
  DN: number;
  branch: number;
}

export interface MarginalConsumer {
  id: string;
  branch: number;
  /** annual heat at the meter, MWh/a */
  heat_MWh: number;
  /** undiversified design peak, kW (substation sizing) */
  peak_kW: number;
  service_m: number;
}

export interface MarginalRates {
  /** trench cost of one metre of a pipe of nominal diameter `dn`, currency/m (supply + return) */
  pipeCostPerM(dn: number): number;
  /** service pipe, currency/m */
  servicePerM: number;
  /** substation, currency per consumer and currency per kW of design peak */
  substationFixed: number;
  substationPerKw: number;
  /** annuity factors, 1/a, of pipes, services and substations (engine/cost/finance.ts annuityFactor) */
  pipeAnnuity: number;
  serviceAnnuity: number;
  substationAnnuity: number;
  /** network O&M a year as a fraction of the network capital (0.01 = 1 %/a) */
  omShare: number;
}

export interface BranchMarginal {
  branch: number;
  /** the branch it hangs from, -1 at a plant */
  parent: number;
  /** pipe of the branch itself, m of trench */
  ownPipe_m: number;
  /** downstream: consumers, their annual heat MWh/a, trench m */
  consumers: number;
  heat_MWh: number;
  pipe_m: number;
  /** downstream capital (pipes + services + substations), currency */
  capital: number;
  /** its annuity + O&M, currency/a */
  annual: number;
  /** annual / heat_MWh, currency/MWh (Infinity for a branch without demand) */
  costPerMWh: number;
}

export interface ConsumerMarginal {
  id: string;
  branch: number;
  heat_MWh: number;
  /** own service + substation + pipes serving it alone, currency */
  capital: number;
  annual: number;
  costPerMWh: number;
}

/** Capital and annual cost of one consumer's own connection (service pipe and substation). */
function connection(c: MarginalConsumer, r: MarginalRates): { capital: number; annual: number } {
  const service = c.service_m * r.servicePerM;
  const sub = r.substationFixed + c.peak_kW * r.substationPerKw;
  return { capital: service + sub, annual: service * (r.serviceAnnuity + r.omShare) + sub * (r.substationAnnuity + r.omShare) };
}

/**
 * Marginal cost of every branch (in branch-id order) and every consumer (in input order). Branch ids need not be
 * dense; consumers on an unknown branch count at the plant (-1).
 */
export function branchMarginalCosts(
  pipes: readonly MarginalPipe[],
  consumers: readonly MarginalConsumer[],
  rates: MarginalRates,
): { branches: BranchMarginal[]; consumers: ConsumerMarginal[] } {
  // pipe above each node, and each branch's own pipe
  const above = new Map<number, MarginalPipe>();
  for (const p of pipes) above.set(p.to, p);
  const own = new Map<number, { pipe_m: number; capital: number; annual: number; parent: number }>();
  for (const p of pipes) {
    const cap = p.length_m * rates.pipeCostPerM(p.DN);
    const b = own.get(p.branch) ?? { pipe_m: 0, capital: 0, annual: 0, parent: -1 };
    b.pipe_m += p.length_m;
    b.capital += cap;
    b.annual += cap * (rates.pipeAnnuity + rates.omShare);
    const up = above.get(p.from);
    // the branch's top pipe: the pipe above its upstream node belongs to another branch (or there is none)
    if (up === undefined) b.parent = -1;
    else if (up.branch !== p.branch) b.parent = up.branch;
    own.set(p.branch, b);
  }
  const down = new Map<number, { consumers: number; heat: number; pipe_m: number; capital: number; annual: number }>();
  for (const [id, b] of own) down.set(id, { consumers: 0, heat: 0, pipe_m: b.pipe_m, capital: b.capital, annual: b.annual });
  const branchOf = (c: MarginalConsumer) => (own.has(c.branch) ? c.branch : -1);
  for (const c of consumers) {
    const d = down.get(branchOf(c));
    if (!d) continue;
    const k = connection(c, rates);
    d.consumers++;
    d.heat += c.heat_MWh;
    d.capital += k.capital;
    d.annual += k.annual;
  }
  // depth of each branch, then children before parents
  const depth = new Map<number, number>();
  // walk up to a branch of known depth (or the plant), then set the depths of the branches passed on the way
  const depthOf = (id: number): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const path: number[] = [];
    const onPath = new Set<number>();
    let b = id;
    while (b >= 0 && own.has(b) && depth.get(b) === undefined && !onPath.has(b)) {
      path.push(b);
      onPath.add(b);
      b = own.get(b)!.parent;
    }
    let d = b >= 0 && own.has(b) && depth.get(b) !== undefined ? depth.get(b)! + 1 : 0;
    for (let i = path.length - 1; i >= 0; i--, d++) depth.set(path[i]!, d);
    return depth.get(id)!;
  };
  // deepest first, each depth in id order: by buckets of depth (a city has 10^5 branches, and a sort looking the
  // depths up in each comparison was most of this function's time). A branch id below 0 (a pipe without a branch)
  // has no depth: then the sort as it was, whose order such ids leave to the sort algorithm.
  const byDepth: number[][] = [];
  let noDepth = false;
  for (const id of own.keys()) {
    const d = depthOf(id) as number | undefined;
    if (d === undefined) {
      noDepth = true;
      break;
    }
    (byDepth[d] ??= []).push(id);
  }
  let order: number[] = [];
  if (noDepth) order = [...own.keys()].sort((a, b) => depthOf(b) - depthOf(a) || a - b);
  else for (let d = byDepth.length - 1; d >= 0; d--) for (const id of (byDepth[d] ?? []).sort((a, b) => a - b)) order.push(id);
  for (const id of order) {
    const p = own.get(id)!.parent;
    const d = down.get(id)!;
    const pd = p >= 0 ? down.get(p) : undefined;
    if (!pd) continue;
    pd.consumers += d.consumers;
    pd.heat += d.heat;
    pd.pipe_m += d.pipe_m;
    pd.capital += d.capital;
    pd.annual += d.annual;
  }
  const branches: BranchMarginal[] = [...own.keys()].sort((a, b) => a - b).map((id) => {
    const d = down.get(id)!;
    return {
      branch: id, parent: own.get(id)!.parent, ownPipe_m: own.get(id)!.pipe_m, consumers: d.consumers, heat_MWh: d.heat, pipe_m: d.pipe_m,
      capital: d.capital, annual: d.annual, costPerMWh: d.heat > 0 ? d.annual / d.heat : Infinity,
    };
  });
  const out: ConsumerMarginal[] = consumers.map((c) => {
    const k = connection(c, rates);
    let capital = k.capital;
    let annual = k.annual;
    // the branches that exist for this consumer alone: up the chain while the downstream is this one consumer
    for (let b = branchOf(c); b >= 0 && down.get(b)!.consumers === 1; b = own.get(b)!.parent) {
      capital += own.get(b)!.capital;
      annual += own.get(b)!.annual;
    }
    return { id: c.id, branch: c.branch, heat_MWh: c.heat_MWh, capital, annual, costPerMWh: c.heat_MWh > 0 ? annual / c.heat_MWh : Infinity };
  });
  return { branches, consumers: out };
}

/**
 * The branches to cut under a limit on marginal cost, currency/MWh: those above the limit none of whose upstream
 * branches is cut already (cutting a branch cuts what it feeds). The criterion the route stage can use beside the
 * kW/m and MWh/(m·a) checks.
 */
export function branchesAboveLimit(branches: readonly BranchMarginal[], limitPerMWh: number): BranchMarginal[] {
  const byId = new Map(branches.map((b) => [b.branch, b]));
  const above = (b: BranchMarginal) => b.costPerMWh > limitPerMWh;
  return branches.filter((b) => {
    if (!above(b)) return false;
    const seen = new Set<number>();
    for (let p = b.parent; p >= 0 && byId.has(p) && !seen.has(p); p = byId.get(p)!.parent) {
      seen.add(p);
      if (above(byId.get(p)!)) return false;
    }
    return true;
  });
}
