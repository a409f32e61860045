/**
 * planNetwork: the routing stage as one library function (no I/O). Consumers and plants are connected to the road
 * graph, a Steiner tree (Mehlhorn + key-path exchange) is built from the plant(s) to the consumers, branches are
 * pruned by the chosen criteria (criteria.ts: by default the computed loss share with service pipes against 10 %),
 * the tree is rebuilt for the remaining consumers until nothing more is cut, and the final pipes (hot water, chilled
 * water or both) are sized at the design loads of the load model (loads.ts: coincident hourly peaks or the THERMOS
 * diversity fit), with their losses, gains and the pumping of the critical path.
 */
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import type { ProgressFn } from '../util/progress.js';
import { components, edgeGeometry, type CsrGraph } from './csr.js';
import { concatTaps, nearestTapColumns, nearestTaps, segmentIndex, splitAtTaps, tapColumns } from './connect.js';
import { networkState, removeSubtree, unitFigures, type Criterion, type CriteriaCut, type PipeLossFn } from './criteria.js';
import { FRESH, Scratch, type ArraySource } from './scratch.js';
import { pruneNetwork } from './prune-fast.js';
import { Router } from './dijkstra.js';
import { keyPathExchange } from './improve.js';
import { AGG_COUNT, AGG_SVC_GAIN, AGG_SVC_LOSS, coincidentModel, diversityModel, LoadColumns, type LoadConsumer, type LoadMethod, type LoadModel, type UseSeries } from './loads.js';
import { mediumSetup, type Carries, type MediumSetup } from './medium.js';
import { suggestPlant } from './plants.js';
import { branches, diversity, kwPerM, mwhPerMA, type Branch, type NodeLoads } from './prune.js';
import { DEFAULT_PUMPING, pumping, type PumpingOptions, type PumpingResult } from './pumping.js';
import { DEFAULT_COLD_SIZING, DEFAULT_INSULATION, DEFAULT_SIZING, lossCoefficient, sizeClasses, sizePipe, ZERO_LOAD_KW, type InsulationOptions, type SizedPipe, type SizingOptions } from './sizing.js';
import { steinerMehlhorn } from './steiner.js';
import { rootTree, type RootedTree } from './tree.js';
import type { DropReason, MediumSummary, NetworkPlanSummary } from '../run/contract.js';
import { branchMarginalCosts, type BranchMarginal, type MarginalConsumer, type MarginalPipe } from '../cost/marginal.js';
import { MARGINAL_DEFINITION, marginalCutBranches, type MarginalPruning } from './cost-route.js';

export interface ConsumerInput {
  id: string;
  /** position in the graph's CRS, m */
  x: number;
  y: number;
  /** annual heat demand, MWh/a */
  heatMWh: number;
  /** undiversified design peak, kW */
  peakKw: number;
  /** annual space heat and hot water, MWh/a (their sum is scaled to heatMWh; missing: all space heat) */
  spaceHeatMWh?: number;
  hotWaterMWh?: number;
  /** annual cooling, MWh/a, and design cooling peak, kW */
  coolMWh?: number;
  coolPeakKw?: number;
  /** use category (the profile the coincident loads follow; default 'unknown') */
  use?: string;
}

export interface PlantInput {
  id: string;
  x: number;
  y: number;
  capacityKw?: number;
  type?: string;
  fuel?: string;
  /** Heat source of a heat pump ('sewage', 'river', 'ground', 'air'), for the simulation's COP. */
  source?: string;
}

export interface PlanOptions {
  /** criteria that prune (criteria.ts); default ['loss-share'] */
  pruneBy: Criterion[];
  /** largest loss share of a branch unit, 0..1 (default 0.10: what seed 003's 0.17 kW/m stands for, METHODS.md 4) */
  maxLossShare: number;
  /** kW per metre of pipe (2 x route), seed 003; default 0.17 */
  minKwPerM: number;
  /** MWh per metre of trench per year; default 1.5 */
  minMwhPerMA: number;
  /** consumers farther than this from a road are dropped, m (default 150; ASSUMPTION) */
  maxServiceM: number;
  /** a plant farther than this from a road is an error, m (default 1000; ASSUMPTION) */
  maxPlantDistanceM: number;
  /** taps closer than this to an edge end or to each other share a node, m (default 0.5) */
  mergeM: number;
  /** run the key-path exchange after Mehlhorn (default true) */
  improve: boolean;
  /** rebuild-and-prune rounds at most (default 5) */
  maxRounds: number;
  /** candidate nodes evaluated exactly for a suggested plant (default 16) */
  plantCandidates: number;
  /** hours per year for loss energy without weather (default 8760) */
  hoursPerYear: number;
  /** design loads: 'coincident' (needs `profiles`) or 'diversity' (THERMOS fit; default when no profiles) */
  loads?: LoadMethod;
  /** normalised hourly profiles per use (engine/demand/profiles.ts), for coincident loads */
  profiles?: Map<string, UseSeries>;
  /** what the network carries (default 'heat') */
  carries: Carries;
  /** hot-water sizing (temperatures, water, catalogue, limits) */
  sizing: SizingOptions;
  /** chilled-water sizing (default 7/14 °C) */
  coldSizing: SizingOptions;
  insulation: InsulationOptions;
  /** design and annual temperature differences per medium (medium.ts); default constant temperatures, hoursPerYear */
  heatSetup?: MediumSetup;
  coldSetup?: MediumSetup;
  pumping: PumpingOptions;
  /** consumer ids that must be connected (never pruned) and ids that must not be */
  forcedIn: string[];
  forcedOut: string[];
  /** marginal cost per connected MWh (cost-route.ts): cut above the limit when pruneBy has 'marginal-cost', else reported */
  marginalCost?: MarginalPruning;
  warnings?: Warnings;
  onProgress?: ProgressFn;
}

export const DEFAULT_PLAN: PlanOptions = {
  pruneBy: ['loss-share'],
  maxLossShare: 0.1,
  minKwPerM: 0.17,
  minMwhPerMA: 1.5,
  maxServiceM: 150,
  maxPlantDistanceM: 1000,
  mergeM: 0.5,
  improve: true,
  maxRounds: 5,
  plantCandidates: 16,
  hoursPerYear: 8760,
  carries: 'heat',
  sizing: DEFAULT_SIZING,
  coldSizing: DEFAULT_COLD_SIZING,
  insulation: DEFAULT_INSULATION,
  pumping: DEFAULT_PUMPING,
  forcedIn: [],
  forcedOut: [],
};

export type { DropReason, NetworkPlanSummary } from '../run/contract.js';

/** One medium's pipe pair in a trench section (or a service pipe). */
export interface PipePair {
  designKw: number;
  dn: number;
  velocityMS: number;
  paPerM: number;
  /** heat lost (hot water) or gained (chilled water) per trench metre of the pair at the design temperatures, W/m */
  wPerM: number;
  /** the same per year, MWh/a */
  mwhA: number;
  twin: boolean;
  overCapacity: boolean;
}

export interface Pipe {
  /** edge in the split graph */
  edge: number;
  /** upstream and downstream graph nodes */
  from: number;
  to: number;
  lengthM: number;
  /** polyline from upstream to downstream, flat x,y in the graph CRS */
  geometry: number[];
  /** consumers downstream */
  consumers: number;
  /** undiversified sum of downstream peaks, kW */
  peakKw: number;
  /** design heat load (coincident or diversified), kW; 0 where no hot water flows */
  designKw: number;
  heatMWh: number;
  dn: number;
  velocityMS: number;
  paPerM: number;
  lossWPerM: number;
  lossMWhA: number;
  overCapacity: boolean;
  twin: boolean;
  /** chilled water: downstream cooling MWh/a and the pair (absent when the network carries no cold) */
  coolMWh: number;
  cold?: PipePair;
  branch: number;
  /** the branch's downstream figures: design kW per metre of pipe, MWh/(m·a), loss share with service pipes */
  kwPerM: number;
  mwhPerMA: number;
  lossShare: number;
  /** index of the plant that feeds it */
  plant: number;
}

export interface ConnectedConsumer {
  index: number;
  node: number;
  serviceM: number;
  /** projected point on the road */
  tapX: number;
  tapY: number;
  branch: number;
  plant: number;
  /** its service pipes: hot water and chilled water (where carried and needed) */
  serviceHeat?: PipePair;
  serviceCold?: PipePair;
  forced: boolean;
}

export interface DroppedConsumer {
  index: number;
  reason: DropReason;
  detail?: string;
}

export interface PlacedPlant extends PlantInput {
  node: number;
  serviceM: number;
  tapX: number;
  tapY: number;
  suggested: boolean;
  /** design heat output: design load of the consumers it feeds, kW */
  outputKw: number;
  /** design cooling output, kW */
  outputCoolKw: number;
  consumers: number;
}

export interface NetworkResult {
  graph: CsrGraph;
  pipes: Pipe[];
  consumers: ConnectedConsumer[];
  dropped: DroppedConsumer[];
  plants: PlacedPlant[];
  branches: (Branch & { lossShare: number })[];
  cuts: CriteriaCut[];
  summary: NetworkPlanSummary;
  warnings: Warnings;
}

/** Consumers as the load model reads them: heat split scaled to heatMWh, cooling, use (one view per consumer). */
export function loadConsumers(consumers: ConsumerInput[]): LoadConsumer[] {
  return loadColumns(consumers).rows();
}

/** The same figures as columns (what planNetwork and the load models read: no object per consumer). */
export function loadColumns(consumers: ConsumerInput[]): LoadColumns {
  const t = new LoadColumns(consumers.length);
  for (let i = 0; i < consumers.length; i++) {
    const c = consumers[i]!;
    const heat = c.heatMWh > 0 ? c.heatMWh : 0;
    const shIn = c.spaceHeatMWh, hwIn = c.hotWaterMWh;
    const sh = Number.isFinite(shIn) ? Math.max(0, shIn!) : NaN;
    const hw = Number.isFinite(hwIn) ? Math.max(0, hwIn!) : NaN;
    if (sh + hw > 0) {
      t.spaceHeatMWh[i] = heat * (sh / (sh + hw));
      t.hotWaterMWh[i] = heat * (hw / (sh + hw));
    } else {
      t.spaceHeatMWh[i] = heat;
      t.hotWaterMWh[i] = 0;
    }
    t.heatMWh[i] = heat;
    t.peakKw[i] = c.peakKw > 0 ? c.peakKw : 0;
    const cool = c.coolMWh ?? 0, coolPeak = c.coolPeakKw ?? 0;
    t.coolMWh[i] = cool > 0 ? cool : 0;
    t.coolPeakKw[i] = coolPeak > 0 ? coolPeak : 0;
    t.use[i] = c.use ?? 'unknown';
  }
  return t;
}

/** Plan the network; see the file header. Throws InputError for inputs that leave nothing to plan. */
export function planNetwork(
  input: { graph: CsrGraph; consumers: ConsumerInput[]; plants?: PlantInput[] },
  options: Partial<PlanOptions> = {},
): NetworkResult {
  const o: PlanOptions = {
    ...DEFAULT_PLAN,
    ...options,
    sizing: { ...DEFAULT_SIZING, ...(options.sizing ?? {}) },
    coldSizing: { ...DEFAULT_COLD_SIZING, ...(options.coldSizing ?? {}) },
    insulation: { ...DEFAULT_INSULATION, ...(options.insulation ?? {}) },
    pumping: { ...DEFAULT_PUMPING, ...(options.pumping ?? {}) },
  };
  const warnings = o.warnings ?? new Warnings();
  const progress = o.onProgress ?? (() => {});
  const { consumers } = input;
  const road = input.graph;
  const carriesHeat = o.carries !== 'cold', carriesCold = o.carries !== 'heat';
  if (road.edgeCount === 0) throw new InputError('route-no-roads', 'the road graph has no edges', { hint: 'check the roads file and the road classes that may carry pipes' });
  const lc = loadColumns(consumers);
  const method: LoadMethod = o.loads ?? (o.profiles ? 'coincident' : 'diversity');
  let model: LoadModel;
  if (method === 'coincident') {
    if (!o.profiles) throw new Error('planNetwork: coincident loads need profiles');
    const cm = coincidentModel(lc, o.profiles, { cooling: carriesCold });
    if (cm.missingCooling.length && carriesCold) {
      let n = 0;
      for (let i = 0; i < lc.length; i++) if (lc.coolMWh[i]! > 0 && cm.missingCooling.includes(lc.use[i]!)) n++;
      warnings.addMany('route-cooling-no-profile', `no hourly cooling profile for the uses ${cm.missingCooling.join(', ')}: their consumers' cooling peaks are added to the coincident peak, diversified (THERMOS fit)`, n);
    }
    model = cm;
  } else model = diversityModel(lc);
  const heatSetup = o.heatSetup ?? mediumSetup('heat', o.sizing, { groundC: o.sizing.groundC, hoursPerYear: o.hoursPerYear });
  const coldSetup = o.coldSetup ?? mediumSetup('cold', o.coldSizing, { groundC: o.sizing.groundC, hoursPerYear: o.hoursPerYear });
  // forced lists: every id must name a consumer
  // (built only when there are lists: a city has a million ids)
  const byId = new Map<string, number>();
  if (o.forcedIn.length || o.forcedOut.length) consumers.forEach((c, i) => byId.set(c.id, i));
  for (const [list, what] of [[o.forcedIn, 'forced-in'], [o.forcedOut, 'forced-out']] as const) {
    for (const id of list) {
      if (!byId.has(id)) throw new InputError('route-forced-unknown', `${what} building ${id} is not in the run's buildings`, { record: id, value: id, hint: 'give building ids as they appear in buildings.geojson (property id)' });
    }
  }
  const forcedIn = new Set(o.forcedIn.map((id) => byId.get(id)!));
  const forcedOut = new Set(o.forcedOut.map((id) => byId.get(id)!));
  for (const i of forcedIn) if (forcedOut.has(i)) throw new InputError('route-forced-both', `building ${consumers[i]!.id} is both forced in and forced out`, { record: consumers[i]!.id, value: consumers[i]!.id });
  const demandOf = (i: number): number => (carriesHeat ? lc.heatMWh[i]! : 0) + (carriesCold ? lc.coolMWh[i]! : 0);
  const dropped: DroppedConsumer[] = [];
  const candidates: number[] = [];
  const unreachableForced = (i: number, why: string): never => {
    throw new InputError('route-forced-unreachable', `forced-in building ${consumers[i]!.id} cannot be connected: ${why}`, { record: consumers[i]!.id, value: consumers[i]!.id, hint: 'check the building, the roads near it and --max-service, or take it off the forced-in list' });
  };
  consumers.forEach((c, i) => {
    if (forcedOut.has(i)) dropped.push({ index: i, reason: 'forced-out', detail: 'on the forced-out list' });
    else if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) {
      if (forcedIn.has(i)) unreachableForced(i, 'it has no location');
      dropped.push({ index: i, reason: 'no-location' });
    } else if (!(demandOf(i) > 0)) {
      if (forcedIn.has(i)) unreachableForced(i, `it has no ${o.carries === 'cold' ? 'cooling' : o.carries === 'both' ? 'heat or cooling' : 'heat'} demand`);
      dropped.push({ index: i, reason: 'zero-demand' });
    } else candidates.push(i);
  });
  if (candidates.length === 0) {
    throw new InputError('route-no-demand', `none of the ${consumers.length} consumers has a positive ${o.carries === 'cold' ? 'cooling' : 'heat'} demand and a location`, {
      hint: 'run the demand stage first; a network needs consumers with heat_MWh > 0 (cool_MWh > 0 for chilled water)',
    });
  }
  progress(1, 6, 'connecting consumers');
  // connect consumers (and given plants) to the roads
  const si = segmentIndex(road);
  const cTaps = nearestTapColumns(road, si, candidates.map((i) => consumers[i]!.x), candidates.map((i) => consumers[i]!.y), o.maxServiceM);
  const plantsIn = input.plants ?? [];
  const pTaps = nearestTaps(road, si, plantsIn.map((p) => p.x), plantsIn.map((p) => p.y), o.maxPlantDistanceM);
  pTaps.forEach((t, k) => {
    if (t.edge < 0) {
      const far = nearestTaps(road, si, [plantsIn[k]!.x], [plantsIn[k]!.y])[0]!;
      throw new InputError('route-plant-outside', `plant ${plantsIn[k]!.id} is ${Number.isFinite(far.distM) ? far.distM.toFixed(0) + ' m' : 'far'} from the nearest road (limit ${o.maxPlantDistanceM} m)`, {
        record: plantsIn[k]!.id,
        value: [plantsIn[k]!.x, plantsIn[k]!.y],
        hint: 'check the plant position (lon,lat order) and that the roads cover it, or raise --max-plant-distance',
      });
    }
  });
  const split = splitAtTaps(road, concatTaps(cTaps, tapColumns(pTaps)), o.mergeM);
  const g = split.graph;
  const comp = components(g);
  const plantTap0 = cTaps.length;
  // the consumers on the roads: their tap in columns by consumer index (Connections); the sets of consumers below
  // (connected, active, cut) are their indices in typed arrays, no object per consumer
  const conn = new Connections(consumers.length);
  const tapNode = conn.node, tapServiceM = conn.serviceM;
  const connectedList: number[] = [];
  candidates.forEach((ci, k) => {
    if (cTaps.edge[k]! < 0) {
      if (forcedIn.has(ci)) unreachableForced(ci, `it is more than ${o.maxServiceM} m from a road`);
      dropped.push({ index: ci, reason: 'too-far-from-road', detail: `more than ${o.maxServiceM} m from a road` });
    } else {
      conn.node[ci] = split.tapNode[k]!;
      conn.serviceM[ci] = cTaps.distM[k]!;
      conn.tapX[ci] = cTaps.px[k]!;
      conn.tapY[ci] = cTaps.py[k]!;
      connectedList.push(ci);
    }
  });
  const connected = Int32Array.from(connectedList);
  connectedList.length = 0;
  if (connected.length === 0) {
    throw new InputError('route-no-consumer-on-roads', `no consumer is within ${o.maxServiceM} m of a road`, {
      hint: 'check that roads and buildings cover the same area and CRS, or raise --max-service',
    });
  }
  // plants: given, or suggested in the component with the most demand
  const router = new Router(g);
  const plants: PlacedPlant[] = [];
  let plantSource: 'given' | 'suggested' = 'given';
  if (plantsIn.length) {
    plantsIn.forEach((p, k) => {
      const t = pTaps[k]!;
      plants.push({ ...p, node: split.tapNode[plantTap0 + k]!, serviceM: t.distM, tapX: t.px, tapY: t.py, suggested: false, outputKw: 0, outputCoolKw: 0, consumers: 0 });
    });
  } else {
    plantSource = 'suggested';
    const demandByComp = new Float64Array(comp.count);
    for (const ci of connected) demandByComp[comp.label[tapNode[ci]!]!]! += demandOf(ci);
    let best = 0;
    for (let k = 1; k < comp.count; k++) if (demandByComp[k]! > demandByComp[best]!) best = k;
    const allowed = new Uint8Array(g.nodeCount);
    for (let v = 0; v < g.nodeCount; v++) if (comp.label[v] === best) allowed[v] = 1;
    const inComp = [...connected.filter((ci) => comp.label[tapNode[ci]!] === best)];
    const s = suggestPlant(g, inComp.map((ci) => tapNode[ci]!), inComp.map((ci) => demandOf(ci)), allowed, { candidates: o.plantCandidates, router });
    plants.push({ id: 'plant-1', x: g.x[s.node]!, y: g.y[s.node]!, type: 'suggested', node: s.node, serviceM: 0, tapX: g.x[s.node]!, tapY: g.y[s.node]!, suggested: true, outputKw: 0, outputCoolKw: 0, consumers: 0 });
  }
  // reachability from the plants
  const plantComps = new Set(plants.map((p) => comp.label[p.node]!));
  let active = connected.filter((ci) => {
    if (plantComps.has(comp.label[tapNode[ci]!]!)) return true;
    if (forcedIn.has(ci)) unreachableForced(ci, 'its road is not connected to a plant\'s road network');
    dropped.push({ index: ci, reason: 'unreachable', detail: 'on roads not connected to a plant' });
    return false;
  });
  if (active.length === 0) {
    throw new InputError('route-plant-unreachable', `the roads at the plant${plants.length > 1 ? 's' : ''} do not reach any of the ${connected.length} consumers`, {
      record: plants.map((p) => p.id).join(','),
      hint: 'the plant sits on a road piece that is not connected to the consumers\' roads; move it (plant or plants, --plant / --plants) or check the road classes (roadClasses, --road-classes)',
    });
  }
  let plantComponentNodes = 0;
  for (const k of plantComps) plantComponentNodes += comp.nodes[k]!;
  // pipe pairs of one medium at a design load over a length
  const pair = (medium: 'heat' | 'cold', designKw: number, lengthM: number): PipePair | undefined => {
    if (!(designKw > ZERO_LOAD_KW)) return undefined;
    const setup = medium === 'heat' ? heatSetup : coldSetup;
    const size: SizedPipe = sizePipe(designKw, setup.sizing);
    const lc = lossCoefficient(size.dn, o.insulation);
    const wPerM = lc.wPerMK * Math.max(0, setup.designDeltaK);
    return { designKw, dn: size.dn, velocityMS: size.velocityMS, paPerM: size.paPerM, wPerM, mwhA: (wPerM * lengthM * setup.equivalentHours) / 1e6, twin: lc.twin, overCapacity: size.overCapacity };
  };
  const pipeLoss: PipeLossFn = (dHeat: number, dCool: number, lengthM: number) => ({
    lossMWh: carriesHeat ? (pair('heat', dHeat, lengthM)?.mwhA ?? 0) : 0,
    gainMWh: carriesCold ? (pair('cold', dCool, lengthM)?.mwhA ?? 0) : 0,
  });
  // a pipe's loss depends on its DN only (pair: lossCoefficient(dn) x design delta x length)
  pipeLoss.sizeClass = { heat: sizeClasses(heatSetup.sizing), cold: sizeClasses(coldSetup.sizing) };
  // each candidate's own service pipes (sized at its own design load)
  const W = model.width;
  // service pipes' annual loss and gain per consumer, MWh/a (typed: a city has a million of them; the pipes
  // themselves are sized again, the same way, for the consumers connected in the end)
  const svcHeat = (k: number, serviceM: number): PipePair | undefined => (carriesHeat ? pair('heat', model.consumerHeatKw(k), serviceM) : undefined);
  const svcCold = (k: number, serviceM: number): PipePair | undefined => (carriesCold ? pair('cold', model.consumerCoolKw(k), serviceM) : undefined);
  const svcLoss = new Float64Array(consumers.length), svcGain = new Float64Array(consumers.length);
  for (const ci of active) {
    svcLoss[ci] = svcHeat(ci, tapServiceM[ci]!)?.mwhA ?? 0;
    svcGain[ci] = svcCold(ci, tapServiceM[ci]!)?.mwhA ?? 0;
  }
  // each round's loads in one buffer reused by the next (a city's tree has 1.5 million nodes x W columns)
  const ownLoads = (t: RootedTree, arrays: ArraySource = FRESH): Float64Array => {
    const own = arrays.f64('plan.own', t.size * W);
    for (const ci of active) {
      const i = t.indexOf[tapNode[ci]!]!;
      if (i < 0) continue;
      model.add(own, i * W, ci, 1);
      own[i * W + AGG_SVC_LOSS] += svcLoss[ci]!;
      own[i * W + AGG_SVC_GAIN] += svcGain[ci]!;
    }
    return own;
  };
  // the kept tree priced for the marginal-cost criterion (cost-route.ts): pipes at the DN of the design loads in force
  const treeMarginal = (mc: MarginalPruning, t: RootedTree, ownL: Float64Array, rem: Uint8Array, act: Int32Array) => {
    const st = networkState(t, ownL, model, pipeLoss, rem);
    const kept = act.filter((ci) => !rem[t.indexOf[tapNode[ci]!]!]);
    const br = branches(t, nodeLoads(t, kept, tapNode, lc), rem);
    const pm: MarginalPipe[] = [];
    for (let i = 0; i < t.size; i++) {
      if (rem[i] || t.parent[i]! < 0) continue;
      const len = g.edgeLengthM[t.parentEdge[i]!]!;
      pm.push({ from: t.node[t.parent[i]!]!, to: t.node[i]!, length_m: len, DN: (carriesHeat ? pair('heat', st.designHeatKw[i]!, len)?.dn : undefined) ?? 0, branch: br.branchOf[i]! });
    }
    const cm: MarginalConsumer[] = Array.from(kept, (ci) => {
      const i = t.indexOf[tapNode[ci]!]!;
      return { id: consumers[ci]!.id, branch: t.parent[i]! >= 0 ? br.branchOf[i]! : -1, heat_MWh: lc.heatMWh[ci]!, peak_kW: lc.peakKw[ci]!, service_m: tapServiceM[ci]! };
    });
    const marginal: BranchMarginal[] = branchMarginalCosts(pm, cm, mc.rates).branches;
    return { state: st, marginal, tops: br.list.map((b) => b.top) };
  };
  // Steiner tree + pruning, rebuilt until nothing more is cut
  const plantNodes = plants.map((p) => p.node);
  const isTerminal = new Uint8Array(g.nodeCount);
  let steinerBefore = 0;
  let exchanges = 0;
  let rounds = 0;
  let tree!: RootedTree;
  let own!: Float64Array;
  let removed!: Uint8Array;
  const cuts: CriteriaCut[] = [];
  const crit = { pruneBy: o.pruneBy, maxLossShare: o.maxLossShare, minKwPerM: o.minKwPerM, minMwhPerMA: o.minMwhPerMA, heat: carriesHeat, cold: carriesCold, rootCapacityKw: plants.map((p) => p.capacityKw) };
  // the working arrays of the Steiner tree, the rooted tree, the loads and the pruning, reused by every round
  // (scratch.ts): each round's arrays are dead when the next round takes them
  const roundScratch = new Scratch();
  for (;;) {
    rounds++;
    progress(2, 6, `Steiner tree, round ${rounds}`);
    const terminals = [...plantNodes, ...Array.from(active, (ci) => tapNode[ci]!)];
    const group = terminals.map((_, i) => (i < plantNodes.length ? 0 : i));
    isTerminal.fill(0);
    for (const v of terminals) isTerminal[v] = 1;
    const st = steinerMehlhorn(g, terminals, { group, router, scratch: roundScratch });
    let edges = st.edges;
    if (o.improve) {
      progress(3, 6, `key-path exchange, round ${rounds}`);
      const imp = keyPathExchange(g, edges, isTerminal, plantNodes);
      edges = imp.edges;
      exchanges += imp.exchanges;
    }
    tree = rootTree(g, edges, plantNodes, roundScratch);
    own = ownLoads(tree, roundScratch);
    if (rounds === 1) for (const e of edges) steinerBefore += g.edgeLengthM[e]!;
    progress(4, 6, `pruning, round ${rounds}`);
    // units holding a forced-in consumer are never cut
    const locked = new Uint8Array(tree.size);
    for (const ci of active) if (forcedIn.has(ci)) for (let i = tree.indexOf[tapNode[ci]!]!; i >= 0 && !locked[i]; i = tree.parent[i]!) locked[i] = 1;
    const pr = pruneNetwork(tree, own, model, pipeLoss, { ...crit, locked }, roundScratch);
    removed = pr.removed;
    cuts.push(...pr.cuts);
    if (o.marginalCost?.prune && o.pruneBy.includes('marginal-cost')) {
      // after the other criteria: the kept tree priced, branches above the limit cut top-most first
      const tm = treeMarginal(o.marginalCost, tree, own, removed, active);
      const byId = new Map(tm.marginal.map((b) => [b.branch, b]));
      for (const b of marginalCutBranches(tm.marginal, o.marginalCost.limitPerMWh, (id) => !!locked[tm.tops[id]!])) {
        const top = tm.tops[b.branch]!;
        cuts.push({ top, reason: 'above-marginal-cost', figures: unitFigures(tm.state, W, top, crit), marginalCost_per_MWh: byId.get(b.branch)!.costPerMWh });
        removeSubtree(tree, top, removed, pr.reason, 'above-marginal-cost');
      }
    }
    const cut = active.filter((ci) => removed[tree.indexOf[tapNode[ci]!]!]);
    if (cut.length === 0) break;
    for (const ci of cut) {
      const why = pr.reason[tree.indexOf[tapNode[ci]!]!]!;
      dropped.push({ index: ci, reason: why, detail: CUT_DETAIL[why] });
    }
    active = active.filter((ci) => !removed[tree.indexOf[tapNode[ci]!]!]);
    if (active.length === 0 || rounds >= o.maxRounds) break;
  }
  progress(5, 6, 'sizing pipes');
  const finalTm = o.marginalCost ? treeMarginal(o.marginalCost, tree, own, removed, active) : undefined;
  const finalMarginal = finalTm?.marginal;
  // branches above the limit kept because they feed a forced-in consumer
  let aboveForced = 0;
  if (finalTm && forcedIn.size) {
    const lockedF = new Uint8Array(tree.size);
    for (const ci of active) if (forcedIn.has(ci)) for (let i = tree.indexOf[tapNode[ci]!]!; i >= 0 && !lockedF[i]; i = tree.parent[i]!) lockedF[i] = 1;
    aboveForced = finalTm.marginal.filter((b) => b.costPerMWh > o.marginalCost!.limitPerMWh && lockedF[finalTm.tops[b.branch]!]).length;
  }
  const state = networkState(tree, own, model, pipeLoss, removed);
  const loads = nodeLoads(tree, active, tapNode, lc);
  const br = branches(tree, loads, removed);
  const branchList = br.list.map((b) => {
    const f = unitFigures(state, W, b.top, crit);
    return { ...b, kwPerM: f.designKwPerM, mwhPerMA: f.mwhPerMA, lossShare: f.lossShare };
  });
  const pipes: Pipe[] = [];
  const rootOf = new Int32Array(tree.size);
  for (let i = 0; i < tree.size; i++) rootOf[i] = tree.parent[i]! < 0 ? plantNodes.indexOf(tree.node[i]!) : rootOf[tree.parent[i]!]!;
  // friction from the plant to each node, supply + return, Pa; trench from the plant, m
  const pathPa = { heat: new Float64Array(tree.size), cold: new Float64Array(tree.size) };
  const pathM = new Float64Array(tree.size);
  let overCapacityPipes = 0, twinPipes = 0, twinAboveCatalogue = 0;
  for (let i = 0; i < tree.size; i++) {
    if (removed[i] || tree.parent[i]! < 0) continue;
    const e = tree.parentEdge[i]!;
    const lengthM = g.edgeLengthM[e]!;
    const heat = carriesHeat ? pair('heat', state.designHeatKw[i]!, lengthM) : undefined;
    const cold = carriesCold ? pair('cold', state.designCoolKw[i]!, lengthM) : undefined;
    for (const p of [heat, cold]) {
      if (!p) continue;
      if (p.overCapacity) overCapacityPipes++;
      if (p.twin) twinPipes++;
      else if (o.insulation.twin) twinAboveCatalogue++;
    }
    const par = tree.parent[i]!;
    pathPa.heat[i] = pathPa.heat[par]! + 2 * (heat?.paPerM ?? 0) * lengthM;
    pathPa.cold[i] = pathPa.cold[par]! + 2 * (cold?.paPerM ?? 0) * lengthM;
    pathM[i] = pathM[par]! + lengthM;
    const bi = br.branchOf[i]!;
    const b = branchList[bi]!;
    const from = tree.node[par]!;
    const r = i * W;
    pipes.push({
      edge: e,
      from,
      to: tree.node[i]!,
      lengthM,
      geometry: edgeGeometry(g, e, from),
      consumers: Math.round(state.agg[r + AGG_COUNT]!),
      peakKw: state.agg[r + 2]!,
      designKw: heat?.designKw ?? 0,
      heatMWh: state.agg[r + 1]!,
      dn: heat?.dn ?? 0,
      velocityMS: heat?.velocityMS ?? 0,
      paPerM: heat?.paPerM ?? 0,
      lossWPerM: heat?.wPerM ?? 0,
      lossMWhA: heat?.mwhA ?? 0,
      overCapacity: !!(heat?.overCapacity || cold?.overCapacity),
      twin: !!(heat?.twin || cold?.twin),
      coolMWh: state.agg[r + 3]!,
      cold,
      branch: b.id,
      kwPerM: b.kwPerM,
      mwhPerMA: b.mwhPerMA,
      lossShare: b.lossShare,
      plant: rootOf[i]!,
    });
  }
  if (overCapacityPipes) warnings.addMany('pipe-over-capacity', 'design load above the largest catalogue pipe within the limits (largest used)', overCapacityPipes);
  if (twinAboveCatalogue) warnings.addMany('twin-pipe-above-catalogue', 'twin pipes asked for, but the twin catalogue (modesto, METHODS.md 5) ends at DN200: laid as two single pipes with the EN 253 fit', twinAboveCatalogue);
  const outConsumers: ConnectedConsumer[] = Array.from(active, (ci) => {
    const node = tapNode[ci]!, serviceM = tapServiceM[ci]!;
    const i = tree.indexOf[node]!;
    return { index: ci, node, serviceM, tapX: conn.tapX[ci]!, tapY: conn.tapY[ci]!, branch: tree.parent[i]! >= 0 ? br.branchOf[i]! : -1, plant: rootOf[i]!, serviceHeat: svcHeat(ci, serviceM), serviceCold: svcCold(ci, serviceM), forced: forcedIn.has(ci) };
  });
  for (const c of outConsumers) for (const sp of [c.serviceHeat, c.serviceCold]) if (sp?.twin) twinPipes++;
  // totals per medium
  let trench = 0;
  for (const p of pipes) trench += p.lengthM;
  let serviceM = 0;
  for (const c of outConsumers) serviceM += c.serviceM;
  const medium = (m: 'heat' | 'cold'): MediumSummary => {
    const setup = m === 'heat' ? heatSetup : coldSetup;
    let mains = 0, service = 0, demand = 0, design = 0;
    for (const p of pipes) mains += m === 'heat' ? p.lossMWhA : (p.cold?.mwhA ?? 0);
    for (const c of outConsumers) {
      service += (m === 'heat' ? c.serviceHeat?.mwhA : c.serviceCold?.mwhA) ?? 0;
      demand += m === 'heat' ? lc.heatMWh[c.index]! : lc.coolMWh[c.index]!;
    }
    const pumps: PumpingResult[] = [];
    plants.forEach((p, k) => {
      const r = tree.indexOf[p.node]!;
      if (r < 0 || rootOf[r] !== k || tree.parent[r]! >= 0) return;
      const d = m === 'heat' ? state.designHeatKw[r]! : state.designCoolKw[r]!;
      design += d;
      const paths = outConsumers.filter((c) => c.plant === k).map((c) => {
        const i = tree.indexOf[c.node]!;
        const sp = m === 'heat' ? c.serviceHeat : c.serviceCold;
        return { consumer: c.index, pathPa: pathPa[m][i]! + 2 * (sp?.paPerM ?? 0) * c.serviceM, pathM: pathM[i]! + c.serviceM };
      });
      const hourly = model.series(state.agg, r * W, m);
      pumps.push(pumping(paths, d, hourly, { densityKgM3: setup.sizing.densityKgM3, cpKjKgK: setup.sizing.cpKjKgK, deltaK: Math.abs(setup.sizing.supplyC - setup.sizing.returnC) }, o.pumping));
    });
    const loss = mains + service;
    const worst = pumps.reduce<PumpingResult | undefined>((a, b) => (!a || b.head_kPa > a.head_kPa ? b : a), undefined);
    const energy = pumps.every((p) => p.energy_MWh_a !== null) ? pumps.reduce((s, p) => s + p.energy_MWh_a!, 0) : null;
    return {
      supply_C: setup.sizing.supplyC,
      return_C: setup.sizing.returnC,
      groundDesign_C: setup.groundDesignC,
      designDelta_K: setup.designDeltaK,
      equivalentHours_h: setup.equivalentHours,
      basis: setup.basis,
      demand_MWh: demand,
      design_kW: design,
      [m === 'heat' ? 'loss_MWh_a' : 'gain_MWh_a']: loss,
      mains_MWh_a: mains,
      service_MWh_a: service,
      lossShare: demand + loss > 0 ? loss / (demand + loss) : 0,
      designKwPerM: trench > 0 ? design / (2 * trench) : 0,
      mwhPerMA: trench > 0 ? demand / trench : 0,
      pumping: {
        criticalPath_m: worst?.criticalPath_m ?? 0,
        criticalConsumer: worst && worst.criticalConsumer >= 0 ? consumers[worst.criticalConsumer]!.id : null,
        pathDp_kPa: worst?.pathDp_kPa ?? 0,
        substationDp_kPa: o.pumping.substationDpKpa,
        plantDp_kPa: o.pumping.plantDpKpa,
        minDp_kPa: o.pumping.minDpKpa,
        pumpEfficiency: o.pumping.pumpEfficiency,
        head_kPa: worst?.head_kPa ?? 0,
        flow_m3_h: pumps.reduce((s, p) => s + p.flow_m3_h, 0),
        power_kW: pumps.reduce((s, p) => s + p.power_kW, 0),
        energy_MWh_a: energy,
      },
    } as MediumSummary;
  };
  const media: NetworkPlanSummary['media'] = {};
  if (carriesHeat) media.heat = medium('heat');
  if (carriesCold) media.cold = medium('cold');
  // plants: design outputs; seed 003's check per plant and for the network
  let plantOutput = 0, seedOutput = 0, capacities = 0;
  plants.forEach((p, k) => {
    const i = tree.indexOf[p.node]!;
    const r = i >= 0 && rootOf[i] === k && tree.parent[i]! < 0 ? i : -1;
    if (r >= 0) {
      p.consumers = Math.round(state.agg[r * W + AGG_COUNT]!);
      p.outputKw = carriesHeat ? state.designHeatKw[r]! : 0;
      p.outputCoolKw = carriesCold ? state.designCoolKw[r]! : 0;
    }
    plantOutput += p.outputKw + p.outputCoolKw;
    if (p.capacityKw !== undefined) capacities++;
    seedOutput += p.capacityKw ?? p.outputKw + p.outputCoolKw;
    if (p.capacityKw !== undefined && p.outputKw + p.outputCoolKw > p.capacityKw) {
      warnings.add('plant-over-capacity', 'design output of the connected consumers exceeds the plant capacity', {
        record: p.id,
        message: `plant ${p.id}: design output ${(p.outputKw + p.outputCoolKw).toFixed(0)} kW > capacity ${p.capacityKw} kW`,
      });
    }
  });
  const connectedMWh = outConsumers.reduce((s, c) => s + lc.heatMWh[c.index]!, 0);
  const connectedCoolMWh = outConsumers.reduce((s, c) => s + lc.coolMWh[c.index]!, 0);
  const nConnected = outConsumers.length;
  const byReason: Partial<Record<DropReason, number>> = {};
  for (const d of dropped) byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
  for (const d of dropped) warnings.add(`consumer-${d.reason}`, `consumer not connected: ${d.reason}`, { record: consumers[d.index]!.id });
  let largest = 0;
  for (const s of comp.nodes) largest = Math.max(largest, s);
  const heatM = media.heat;
  const mainsLoss = heatM?.mains_MWh_a ?? 0;
  const serviceLoss = heatM?.service_MWh_a ?? 0;
  const lossMWh = mainsLoss + serviceLoss;
  const lossShare = connectedMWh + lossMWh > 0 ? lossMWh / (connectedMWh + lossMWh) : 0;
  const designKwPerM = trench > 0 ? plantOutput / (2 * trench) : 0;
  progress(6, 6, 'done');
  return {
    graph: g,
    pipes,
    consumers: outConsumers,
    dropped,
    plants,
    branches: branchList,
    cuts,
    warnings,
    summary: {
      consumers: nConnected,
      consumersDropped: byReason,
      trench_m: trench,
      pipe_m: 2 * trench,
      service_m: serviceM,
      connectedDemand_MWh: connectedMWh,
      connectedCooling_MWh: connectedCoolMWh,
      plantOutput_kW: plantOutput,
      kwPerM: designKwPerM,
      seedKwPerM: trench > 0 ? seedOutput / (2 * trench) : 0,
      seedPlantOutput_kW: seedOutput,
      seedOutputBasis: capacities === plants.length ? 'capacity' : capacities === 0 ? 'design' : 'mixed',
      designKwPerM,
      mwhPerMA: trench > 0 ? connectedMWh / trench : 0,
      loss_MWh_a: lossMWh,
      serviceLoss_MWh_a: serviceLoss,
      lossShare,
      lossShareMains: connectedMWh + mainsLoss > 0 ? mainsLoss / (connectedMWh + mainsLoss) : 0,
      lossShareBelow10pct: lossShare <= 0.1,
      worstBranchLossShare: branchList.reduce((m, b) => Math.max(m, b.lossShare), 0),
      steinerBeforePruning_m: steinerBefore,
      rounds,
      exchanges,
      branches: branchList.length,
      plantSource,
      graph: {
        nodes: g.nodeCount,
        edges: g.edgeCount,
        components: comp.count,
        largestComponentNodes: largest,
        plantComponentNodes,
        unreachableNodes: g.nodeCount - plantComponentNodes,
      },
      thresholds: { minKwPerM: o.minKwPerM, minMwhPerMA: o.minMwhPerMA, maxLossShare: o.maxLossShare, pruneBy: [...o.pruneBy], ...(o.marginalCost ? { maxMarginalCost_per_MWh: o.marginalCost.limitPerMWh } : {}) },
      ...(o.marginalCost && finalMarginal
        ? {
            marginalCost: {
              currency: o.marginalCost.currency,
              limit_per_MWh: o.marginalCost.limitPerMWh,
              prunes: o.marginalCost.prune && o.pruneBy.includes('marginal-cost'),
              worstBranch_per_MWh: finalMarginal.reduce<number | null>((m, b) => (Number.isFinite(b.costPerMWh) && (m === null || b.costPerMWh > m) ? b.costPerMWh : m), null),
              branches: finalMarginal.length,
              branchesAbove: finalMarginal.filter((b) => b.costPerMWh > o.marginalCost!.limitPerMWh).length,
              branchesAboveForcedIn: aboveForced,
              discountRate_pct: o.marginalCost.discountRatePct,
              definition: MARGINAL_DEFINITION,
            },
          }
        : {}),
      loads: method,
      carries: o.carries,
      insulation: { series: o.insulation.series, seriesLossFactor: o.insulation.series === 2 ? (o.insulation.seriesLossFactor ?? 1) : o.insulation.seriesLossFactor!, twin: o.insulation.twin, twinPipes },
      media,
      largestCuts: [...cuts]
        .sort((a, b) => b.figures.consumers - a.figures.consumers || b.figures.heatMWh - a.figures.heatMWh)
        .slice(0, 10)
        .map((c) => ({
          reason: c.reason,
          consumers: c.figures.consumers,
          heat_MWh: c.figures.heatMWh,
          cool_MWh: c.figures.coolMWh,
          length_m: c.figures.lengthM,
          lossShare: c.figures.lossShare,
          designKwPerM: c.figures.designKwPerM,
          mwhPerMA: c.figures.mwhPerMA,
          ...(c.marginalCost_per_MWh !== undefined ? { marginalCost_per_MWh: c.marginalCost_per_MWh } : {}),
        })),
      forced: { in: o.forcedIn.filter((id) => outConsumers.some((c) => consumers[c.index]!.id === id)), out: [...o.forcedOut] },
      sizing: { supplyC: o.sizing.supplyC, returnC: o.sizing.returnC, groundC: o.sizing.groundC, maxPaPerM: o.sizing.maxPaPerM },
      overCapacityPipes,
    },
  };
}

const CUT_DETAIL: Record<string, string> = {
  'below-loss-share': 'branch above the loss-share limit (pipes and service pipes)',
  'below-kw-per-m': 'branch below the design kW/m threshold',
  'below-mwh-per-m': 'branch below the MWh/(m·a) threshold',
  'below-seed-kw-per-m': 'cut so that plant output / (2 x route length) reaches the seed 003 threshold',
  'above-marginal-cost': 'branch above the marginal cost limit per connected MWh (pipes, service pipes, substations)',
};

/** Each consumer's tap on the roads, by consumer index: the road-graph node, the service length (m), the tap point. */
class Connections {
  readonly node: Int32Array;
  readonly serviceM: Float64Array;
  readonly tapX: Float64Array;
  readonly tapY: Float64Array;
  constructor(n: number) {
    this.node = new Int32Array(n).fill(-1);
    this.serviceM = new Float64Array(n);
    this.tapX = new Float64Array(n);
    this.tapY = new Float64Array(n);
  }
}

/** Per tree node, the count, heat and peaks of the consumers `active` (indices) tapped there. */
function nodeLoads(t: RootedTree, active: Int32Array, tapNode: Int32Array, loads: LoadColumns): NodeLoads {
  const count = new Float64Array(t.size);
  const heatMWh = new Float64Array(t.size);
  const peakKw = new Float64Array(t.size);
  for (const ci of active) {
    const i = t.indexOf[tapNode[ci]!]!;
    if (i < 0) continue;
    count[i]!++;
    heatMWh[i]! += loads.heatMWh[ci]!;
    peakKw[i]! += loads.peakKw[ci]!;
  }
  return { count, heatMWh, peakKw };
}

export { kwPerM, mwhPerMA, diversity };
