/**
 * planNetwork: the routing stage as one library function (no I/O). Consumers and plants are connected to the road
 * graph, a Steiner tree (Mehlhorn + key-path exchange) is built from the plant(s) to the consumers, branches below
 * the heat-density thresholds are pruned weakest first, the tree is rebuilt for the remaining consumers until nothing
 * more is cut, and the final pipes are sized and their losses computed.
 */
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import type { ProgressFn } from '../util/progress.js';
import { components, edgeGeometry, type CsrGraph } from './csr.js';
import { nearestTaps, segmentIndex, splitAtTaps } from './connect.js';
import { Router } from './dijkstra.js';
import { keyPathExchange } from './improve.js';
import { suggestPlant } from './plants.js';
import { branches, diversity, downstream, kwPerM, mwhPerMA, pruneByDensity, type Branch, type NodeLoads } from './prune.js';
import { DEFAULT_SIZING, heatLossWPerM, sizePipe, type SizingOptions } from './sizing.js';
import { steinerMehlhorn } from './steiner.js';
import { rootTree, type RootedTree } from './tree.js';
import type { DropReason, NetworkPlanSummary } from '../run/contract.js';

export interface ConsumerInput {
  id: string;
  /** position in the graph's CRS, m */
  x: number;
  y: number;
  /** annual heat demand, MWh/a */
  heatMWh: number;
  /** undiversified design peak, kW */
  peakKw: number;
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
  /** kW per metre of pipe (2 x route), seed 003; default 0.17; 0 disables */
  minKwPerM: number;
  /** MWh per metre of trench per year; default 1.5; 0 disables */
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
  /** hours per year for loss energy (default 8760) */
  hoursPerYear: number;
  sizing: SizingOptions;
  warnings?: Warnings;
  onProgress?: ProgressFn;
}

export const DEFAULT_PLAN: PlanOptions = {
  minKwPerM: 0.17,
  minMwhPerMA: 1.5,
  maxServiceM: 150,
  maxPlantDistanceM: 1000,
  mergeM: 0.5,
  improve: true,
  maxRounds: 5,
  plantCandidates: 16,
  hoursPerYear: 8760,
  sizing: DEFAULT_SIZING,
};

export type { DropReason, NetworkPlanSummary } from '../run/contract.js';

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
  /** diversified design load, kW */
  designKw: number;
  heatMWh: number;
  dn: number;
  velocityMS: number;
  paPerM: number;
  lossWPerM: number;
  lossMWhA: number;
  overCapacity: boolean;
  branch: number;
  /** the branch's downstream densities */
  kwPerM: number;
  mwhPerMA: number;
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
  /** design output: diversified peak of the consumers it feeds, kW */
  outputKw: number;
  consumers: number;
}

export interface NetworkResult {
  graph: CsrGraph;
  pipes: Pipe[];
  consumers: ConnectedConsumer[];
  dropped: DroppedConsumer[];
  plants: PlacedPlant[];
  branches: Branch[];
  summary: NetworkPlanSummary;
  warnings: Warnings;
}

/** Plan the network; see the file header. Throws InputError for inputs that leave nothing to plan. */
export function planNetwork(
  input: { graph: CsrGraph; consumers: ConsumerInput[]; plants?: PlantInput[] },
  options: Partial<PlanOptions> = {},
): NetworkResult {
  const o: PlanOptions = { ...DEFAULT_PLAN, ...options, sizing: { ...DEFAULT_SIZING, ...(options.sizing ?? {}) } };
  const warnings = o.warnings ?? new Warnings();
  const progress = o.onProgress ?? (() => {});
  const { consumers } = input;
  const road = input.graph;
  if (road.edgeCount === 0) throw new InputError('route-no-roads', 'the road graph has no edges', { hint: 'check the roads file and the road classes that may carry pipes' });
  const dropped: DroppedConsumer[] = [];
  const candidates: number[] = [];
  consumers.forEach((c, i) => {
    if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) dropped.push({ index: i, reason: 'no-location' });
    else if (!(c.heatMWh > 0)) dropped.push({ index: i, reason: 'zero-demand' });
    else candidates.push(i);
  });
  if (candidates.length === 0) {
    throw new InputError('route-no-demand', `none of the ${consumers.length} consumers has a positive heat demand and a location`, {
      hint: 'run the demand stage first; a network needs consumers with heat_MWh > 0',
    });
  }
  progress(1, 6, 'connecting consumers');
  // connect consumers (and given plants) to the roads
  const si = segmentIndex(road);
  const cTaps = nearestTaps(road, si, candidates.map((i) => consumers[i]!.x), candidates.map((i) => consumers[i]!.y), o.maxServiceM);
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
  const split = splitAtTaps(road, [...cTaps, ...pTaps], o.mergeM);
  const g = split.graph;
  const comp = components(g);
  const connected: { index: number; node: number; serviceM: number; tapX: number; tapY: number }[] = [];
  candidates.forEach((ci, k) => {
    const t = cTaps[k]!;
    if (t.edge < 0) dropped.push({ index: ci, reason: 'too-far-from-road', detail: `more than ${o.maxServiceM} m from a road` });
    else connected.push({ index: ci, node: split.tapNode[k]!, serviceM: t.distM, tapX: t.px, tapY: t.py });
  });
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
      plants.push({ ...p, node: split.tapNode[cTaps.length + k]!, serviceM: t.distM, tapX: t.px, tapY: t.py, suggested: false, outputKw: 0, consumers: 0 });
    });
  } else {
    plantSource = 'suggested';
    const demandByComp = new Float64Array(comp.count);
    for (const c of connected) demandByComp[comp.label[c.node]!]! += consumers[c.index]!.heatMWh;
    let best = 0;
    for (let k = 1; k < comp.count; k++) if (demandByComp[k]! > demandByComp[best]!) best = k;
    const allowed = new Uint8Array(g.nodeCount);
    for (let v = 0; v < g.nodeCount; v++) if (comp.label[v] === best) allowed[v] = 1;
    const inComp = connected.filter((c) => comp.label[c.node] === best);
    const s = suggestPlant(g, inComp.map((c) => c.node), inComp.map((c) => consumers[c.index]!.heatMWh), allowed, { candidates: o.plantCandidates, router });
    plants.push({ id: 'plant-1', x: g.x[s.node]!, y: g.y[s.node]!, type: 'suggested', node: s.node, serviceM: 0, tapX: g.x[s.node]!, tapY: g.y[s.node]!, suggested: true, outputKw: 0, consumers: 0 });
  }
  // reachability from the plants
  const plantComps = new Set(plants.map((p) => comp.label[p.node]!));
  let active = connected.filter((c) => {
    if (plantComps.has(comp.label[c.node]!)) return true;
    dropped.push({ index: c.index, reason: 'unreachable', detail: 'on roads not connected to a plant' });
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
  // Steiner tree + pruning, rebuilt until nothing more is cut
  const plantNodes = plants.map((p) => p.node);
  const isTerminal = new Uint8Array(g.nodeCount);
  let steinerBefore = 0;
  let exchanges = 0;
  let rounds = 0;
  let tree!: RootedTree;
  let loads!: NodeLoads;
  let removed!: Uint8Array;
  for (;;) {
    rounds++;
    progress(2, 6, `Steiner tree, round ${rounds}`);
    const terminals = [...plantNodes, ...active.map((c) => c.node)];
    const group = terminals.map((_, i) => (i < plantNodes.length ? 0 : i));
    isTerminal.fill(0);
    for (const v of terminals) isTerminal[v] = 1;
    const st = steinerMehlhorn(g, terminals, { group, router });
    let edges = st.edges;
    if (o.improve) {
      progress(3, 6, `key-path exchange, round ${rounds}`);
      const imp = keyPathExchange(g, edges, isTerminal, plantNodes);
      edges = imp.edges;
      exchanges += imp.exchanges;
    }
    tree = rootTree(g, edges, plantNodes);
    loads = nodeLoads(tree, active, consumers);
    if (rounds === 1) for (const e of edges) steinerBefore += g.edgeLengthM[e]!;
    progress(4, 6, `pruning, round ${rounds}`);
    const pr = pruneByDensity(tree, loads, { minKwPerM: o.minKwPerM, minMwhPerMA: o.minMwhPerMA });
    removed = pr.removed;
    const cut = active.filter((c) => removed[tree.indexOf[c.node]!]);
    if (cut.length === 0) break;
    for (const c of cut) {
      const why = pr.reason[tree.indexOf[c.node]!]!;
      dropped.push({ index: c.index, reason: why, detail: 'branch below the heat-density threshold' });
    }
    active = active.filter((c) => !removed[tree.indexOf[c.node]!]);
    if (active.length === 0 || rounds >= o.maxRounds) break;
  }
  progress(5, 6, 'sizing pipes');
  const br = branches(tree, loads, removed);
  const down = downstream(tree, loads, removed);
  const pipes: Pipe[] = [];
  const rootOf = new Int32Array(tree.size);
  for (let i = 0; i < tree.size; i++) rootOf[i] = tree.parent[i]! < 0 ? plantNodes.indexOf(tree.node[i]!) : rootOf[tree.parent[i]!]!;
  let overCapacityPipes = 0;
  for (let i = 0; i < tree.size; i++) {
    if (removed[i] || tree.parent[i]! < 0) continue;
    const e = tree.parentEdge[i]!;
    const n = down.count[i]!;
    const designKw = diversity(n) * down.peakKw[i]!;
    const size = sizePipe(designKw, o.sizing);
    if (size.overCapacity) overCapacityPipes++;
    const lossWPerM = heatLossWPerM(size.dn, o.sizing);
    const lengthM = g.edgeLengthM[e]!;
    const b = br.list[br.branchOf[i]!]!;
    const from = tree.node[tree.parent[i]!]!;
    pipes.push({
      edge: e,
      from,
      to: tree.node[i]!,
      lengthM,
      geometry: edgeGeometry(g, e, from),
      consumers: n,
      peakKw: down.peakKw[i]!,
      designKw,
      heatMWh: down.heatMWh[i]!,
      dn: size.dn,
      velocityMS: size.velocityMS,
      paPerM: size.paPerM,
      lossWPerM,
      lossMWhA: (lossWPerM * lengthM * o.hoursPerYear) / 1e6,
      overCapacity: size.overCapacity,
      branch: b.id,
      kwPerM: b.kwPerM,
      mwhPerMA: b.mwhPerMA,
      plant: rootOf[i]!,
    });
  }
  if (overCapacityPipes) warnings.addMany('pipe-over-capacity', 'design load above the largest catalogue pipe within the limits (largest used)', overCapacityPipes);
  const outConsumers: ConnectedConsumer[] = active.map((c) => {
    const i = tree.indexOf[c.node]!;
    return { ...c, branch: tree.parent[i]! >= 0 ? br.branchOf[i]! : -1, plant: rootOf[i]! };
  });
  let trench = 0, lossMWh = 0;
  for (const p of pipes) {
    trench += p.lengthM;
    lossMWh += p.lossMWhA;
  }
  let plantOutput = 0;
  plants.forEach((p, k) => {
    const i = tree.indexOf[p.node]!;
    const r = rootOf[i] === k && tree.parent[i]! < 0 ? i : -1;
    if (r >= 0) {
      p.consumers = down.count[r]!;
      p.outputKw = diversity(down.count[r]!) * down.peakKw[r]!;
    }
    plantOutput += p.outputKw;
    if (p.capacityKw !== undefined && p.outputKw > p.capacityKw) {
      warnings.add('plant-over-capacity', 'design output of the connected consumers exceeds the plant capacity', {
        record: p.id,
        message: `plant ${p.id}: design output ${p.outputKw.toFixed(0)} kW > capacity ${p.capacityKw} kW`,
      });
    }
  });
  const connectedMWh = outConsumers.reduce((s, c) => s + consumers[c.index]!.heatMWh, 0);
  const nConnected = outConsumers.length;
  const totalPeak = outConsumers.reduce((s, c) => s + consumers[c.index]!.peakKw, 0);
  const byReason: Partial<Record<DropReason, number>> = {};
  for (const d of dropped) byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
  for (const d of dropped) warnings.add(`consumer-${d.reason}`, `consumer not connected: ${d.reason}`, { record: consumers[d.index]!.id });
  let serviceM = 0;
  for (const c of outConsumers) serviceM += c.serviceM;
  let largest = 0;
  for (const s of comp.nodes) largest = Math.max(largest, s);
  const lossShare = connectedMWh + lossMWh > 0 ? lossMWh / (connectedMWh + lossMWh) : 0;
  progress(6, 6, 'done');
  return {
    graph: g,
    pipes,
    consumers: outConsumers,
    dropped,
    plants,
    branches: br.list,
    warnings,
    summary: {
      consumers: nConnected,
      consumersDropped: byReason,
      trench_m: trench,
      pipe_m: 2 * trench,
      service_m: serviceM,
      connectedDemand_MWh: connectedMWh,
      plantOutput_kW: plantOutput,
      kwPerM: trench > 0 ? (diversity(nConnected) * totalPeak) / (2 * trench) : 0,
      mwhPerMA: trench > 0 ? connectedMWh / trench : 0,
      loss_MWh_a: lossMWh,
      lossShare,
      lossShareBelow10pct: lossShare <= 0.1,
      steinerBeforePruning_m: steinerBefore,
      rounds,
      exchanges,
      branches: br.list.length,
      plantSource,
      graph: {
        nodes: g.nodeCount,
        edges: g.edgeCount,
        components: comp.count,
        largestComponentNodes: largest,
        plantComponentNodes,
        unreachableNodes: g.nodeCount - plantComponentNodes,
      },
      thresholds: { minKwPerM: o.minKwPerM, minMwhPerMA: o.minMwhPerMA },
      sizing: { supplyC: o.sizing.supplyC, returnC: o.sizing.returnC, groundC: o.sizing.groundC, maxPaPerM: o.sizing.maxPaPerM },
      overCapacityPipes,
    },
  };
}

function nodeLoads(t: RootedTree, active: { index: number; node: number }[], consumers: ConsumerInput[]): NodeLoads {
  const count = new Float64Array(t.size);
  const heatMWh = new Float64Array(t.size);
  const peakKw = new Float64Array(t.size);
  for (const c of active) {
    const i = t.indexOf[c.node]!;
    if (i < 0) continue;
    count[i]!++;
    heatMWh[i]! += consumers[c.index]!.heatMWh;
    peakKw[i]! += consumers[c.index]!.peakKw;
  }
  return { count, heatMWh, peakKw };
}

export { kwPerM, mwhPerMA, diversity };
