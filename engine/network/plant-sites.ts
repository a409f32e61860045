/**
 * Plant sites compared: several candidate plant positions, a whole network planned for each (the same pruning), the
 * best kept by a documented criterion: the demand it connects within the pruning rules in force (by default, the
 * demand connected at the loss limit: MWh/a of heat, plus cooling where the network carries cold); ties go to the
 * shorter trench. Candidates come from
 *   - the network 1-median of the demand (plants.ts suggestPlant, the planner's default suggestion),
 *   - high-demand clusters: the consumers' demand summed on a square grid of `cellM` (ASSUMPTION, an option), the
 *     `n` cells with the most demand, each candidate at the demand-weighted centroid of its cell's consumers,
 *   - given candidate sites (a file of points), or the best cells of potential.tif.
 * A candidate that cannot be planned (off the roads, not reaching any consumer) is reported with its reason.
 * With `choice` (--plant-choice lcoh and the cost tables), every candidate's network is priced (cost-route.ts
 * networkLcoh) and the lowest LCOH is kept instead (ties: more demand); every candidate's LCOH is listed.
 */
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import { planNetwork, type ConsumerInput, type NetworkResult, type PlanOptions, type PlantInput } from './plan.js';
import { networkLcoh, type LcohPricing, type RouteLcoh } from './cost-route.js';

export interface PlantCandidate {
  /** the plant to plan with; undefined = the planner's own 1-median suggestion */
  plant?: PlantInput;
  source: 'median' | 'cluster' | 'site' | 'potential';
}

export interface CandidateOutcome {
  id: string;
  source: PlantCandidate['source'];
  /** position in the working CRS, m */
  x: number;
  y: number;
  consumers: number;
  connected_MWh: number;
  connectedCooling_MWh: number;
  trench_m: number;
  lossShare: number;
  seedKwPerM: number;
  /** with an LCOH choice: route-time LCOH currency/kWh (null: no heat delivered), capital currency, annual cost currency/a */
  lcoh_per_kWh?: number | null;
  capital?: number;
  annualCost?: number;
  chosen: boolean;
  /** why it could not be planned */
  failed?: string;
}

export const PLANT_CHOICE = 'largest demand connected within the pruning rules in force (MWh/a of heat, plus cooling where carried); ties: shorter trench';
export const PLANT_CHOICE_LCOH = 'lowest route-time LCOH of the candidate network (plantLcoh.definition); ties: larger demand connected';

/** High-demand cluster candidates: the n grid cells (side cellM, m) with the most demand. */
export function clusterCandidates(consumers: ConsumerInput[], demand: (i: number) => number, cellM: number, n: number): PlantInput[] {
  const cells = new Map<string, { d: number; sx: number; sy: number }>();
  consumers.forEach((c, i) => {
    const d = demand(i);
    if (!(d > 0) || !Number.isFinite(c.x) || !Number.isFinite(c.y)) return;
    const k = `${Math.floor(c.x / cellM)},${Math.floor(c.y / cellM)}`;
    const e = cells.get(k) ?? { d: 0, sx: 0, sy: 0 };
    e.d += d;
    e.sx += d * c.x;
    e.sy += d * c.y;
    cells.set(k, e);
  });
  return [...cells.entries()]
    .sort((a, b) => b[1].d - a[1].d || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([, e], k) => ({ id: `cluster-${k + 1}`, x: e.sx / e.d, y: e.sy / e.d, type: 'suggested' }));
}

/** Plan each candidate and keep the best; see the file header. Throws the first candidate's error when none can be planned. */
export function planBestSite(
  input: { graph: Parameters<typeof planNetwork>[0]['graph']; consumers: ConsumerInput[] },
  candidates: PlantCandidate[],
  options: Partial<PlanOptions>,
  choice?: LcohPricing,
): { result: NetworkResult; outcomes: CandidateOutcome[]; lcoh?: RouteLcoh } {
  const outcomes: CandidateOutcome[] = [];
  let best: { r: NetworkResult; w: Warnings; k: number; score: number; tieValue: number; lcoh?: RouteLcoh } | undefined;
  let firstError: unknown;
  const carriesCold = (options.carries ?? 'heat') !== 'heat';
  candidates.forEach((c, k) => {
    const w = new Warnings();
    let r: NetworkResult;
    try {
      r = planNetwork({ ...input, plants: c.plant ? [c.plant] : undefined }, { ...options, warnings: w, onProgress: undefined });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      firstError ??= e;
      outcomes.push({ id: c.plant?.id ?? 'plant-1', source: c.source, x: c.plant?.x ?? NaN, y: c.plant?.y ?? NaN, consumers: 0, connected_MWh: 0, connectedCooling_MWh: 0, trench_m: 0, lossShare: 0, seedKwPerM: 0, ...(choice ? { lcoh_per_kWh: null } : {}), chosen: false, failed: e.message });
      return;
    }
    {
      if (c.source === 'median' || c.source === 'cluster') for (const p of r.plants) p.suggested = true;
      const s = r.summary;
      const demand = s.connectedDemand_MWh + (carriesCold ? (s.connectedCooling_MWh ?? 0) : 0);
      // priced outside the try: a missing cost figure or plant type is the run's error, not the candidate's
      const lc = choice ? networkLcoh(r, input.consumers, choice) : undefined;
      // higher is better: demand, or minus the LCOH (a candidate without heat last)
      const score = lc ? (lc.lcoh === null || !Number.isFinite(lc.lcoh) ? -Infinity : -lc.lcoh) : demand;
      const p = r.plants[0]!;
      outcomes.push({
        id: c.plant?.id ?? p.id,
        source: c.source,
        x: p.x,
        y: p.y,
        consumers: s.consumers,
        connected_MWh: s.connectedDemand_MWh,
        connectedCooling_MWh: s.connectedCooling_MWh ?? 0,
        trench_m: s.trench_m,
        lossShare: s.lossShare,
        seedKwPerM: s.seedKwPerM ?? 0,
        ...(lc ? { lcoh_per_kWh: lc.lcoh, capital: lc.capital.total, annualCost: lc.annual.total } : {}),
        chosen: false,
      });
      // ties: the shorter trench (demand choice), the larger demand (LCOH choice)
      const tie = (x: { score: number }) => Math.abs(score - x.score) <= (lc ? 1e-12 : 1e-9);
      const better = !best || score > best.score + (lc ? 1e-12 : 1e-9) || (tie(best) && (lc ? demand > best.tieValue : s.trench_m < best.tieValue));
      if (better) best = { r, w, k: outcomes.length - 1, score, tieValue: lc ? demand : s.trench_m, ...(lc ? { lcoh: lc } : {}) };
    }
  });
  if (!best) throw firstError;
  outcomes[best.k]!.chosen = true;
  options.warnings?.merge(best.w);
  const failed = outcomes.filter((o) => o.failed).length;
  if (failed) options.warnings?.addMany('plant-candidate-failed', 'a plant candidate could not be planned (off the roads or reaching no consumer); see plantCandidates', failed);
  return { result: { ...best.r, warnings: options.warnings ?? best.w }, outcomes, ...(best.lcoh ? { lcoh: best.lcoh } : {}) };
}
