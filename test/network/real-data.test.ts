/**
 * Real data: Helsinki and Liechtenstein end to end (roads and buildings from the same OSM extract), Heidelberg for
 * scale with sampled consumers. Reads ../shared/datasets/{helsinki,liechtenstein,heidelberg}/*.osm.pbf.
 * Building demand here is a simple stand-in (footprint x levels x 0.15 MWh/m², THERMOS peak fit) so that these checks
 * of the algorithms' invariants do not depend on the demand stage; test/network/end-to-end.test.ts chains the real stages.


 */
import { expect, it } from 'vitest';
import { chooseWorkingCrs, transformer, WGS84 } from '../../engine/crs/index.js';
import { readRoads } from '../../engine/io/roads.js';
import { scanOsmPbf } from '../../engine/io/osm-pbf.js';
import { buildRoadGraph } from '../../engine/network/road-graph.js';
import { planNetwork, type ConsumerInput } from '../../engine/network/plan.js';
import { components } from '../../engine/network/csr.js';
import { data, describeData } from '../helpers/data.js';
import { isSteinerTree, rng } from './helpers.js';
import { resolve } from 'node:path';
import { loadCostRates } from '../../engine/cost/run.js';
import { marginalRates } from '../../engine/cost/compute.js';
import { branchMarginalCosts } from '../../engine/cost/marginal.js';

async function osmTown(file: string) {
  const scan = await scanOsmPbf(file, { keepWay: (t) => t.building !== undefined });
  const crs = chooseWorkingCrs(scan.bbox!);
  const tr = transformer(WGS84, crs);
  const consumers: ConsumerInput[] = [];
  for (const w of scan.ways) {
    const pts = w.refs.map((r) => scan.nodes.get(r)).filter((p): p is [number, number] => !!p).map((p) => tr.forward(p[0], p[1]));
    if (pts.length < 4) continue;
    let a = 0, cx = 0, cy = 0;
    for (let i = 0; i < pts.length - 1; i++) {
      const [x0, y0] = pts[i]!, [x1, y1] = pts[i + 1]!;
      const c = x0 * y1 - x1 * y0;
      a += c;
      cx += (x0 + x1) * c;
      cy += (y0 + y1) * c;
    }
    if (Math.abs(a) < 1e-6) continue;
    const area = Math.abs(a / 2);
    const levels = Number(w.tags['building:levels']) || 3;
    const heat = area * levels * 0.15;
    consumers.push({ id: `way ${w.id}`, x: cx / (3 * a), y: cy / (3 * a), heatMWh: heat, peakKw: 0.0004963 * heat * 1000 + 21.84 });
  }
  const roads = await readRoads(file, { crs });
  return { crs, consumers, graph: buildRoadGraph(roads.lines) };
}

/** Invariants; `rules`: 'loss-share' (the default: every kept branch within 10 %) or 'density' (kW/m and MWh/(m·a)). */
function checkNetwork(res: ReturnType<typeof planNetwork>, total: number, rules: 'loss-share' | 'density' = 'loss-share') {
  const s = res.summary;
  expect(s.consumers).toBeGreaterThan(0);
  expect(s.consumers + res.dropped.length).toBe(total);
  const trench = res.pipes.reduce((a, p) => a + p.lengthM, 0);
  expect(trench).toBeCloseTo(s.trench_m, 6);
  for (const b of res.branches) {
    if (rules === 'density') {
      expect(b.kwPerM).toBeGreaterThanOrEqual(0.17 - 1e-12);
      expect(b.mwhPerMA).toBeGreaterThanOrEqual(1.5 - 1e-12);
    } else expect(b.lossShare).toBeLessThanOrEqual(0.1 + 1e-12);
  }
  if (rules === 'density') {
    expect(s.kwPerM).toBeGreaterThanOrEqual(0.17);
    expect(s.mwhPerMA).toBeGreaterThanOrEqual(1.5);
  } else expect(s.lossShare).toBeLessThanOrEqual(0.1 + 1e-12);
  const terminals = [...res.plants.map((p) => p.node), ...res.consumers.map((c) => c.node)];
  expect(isSteinerTree(res.graph, res.pipes.map((p) => p.edge), [...new Set(terminals)])).toBe(true);
  // every pipe carries what is downstream of it: the plant's first pipes carry all connected heat
  const fromPlant = res.pipes.filter((p) => p.from === res.plants[0]!.node).reduce((a, p) => a + p.heatMWh, 0);
  const atPlant = res.consumers.filter((c) => c.node === res.plants[0]!.node).length;
  if (res.plants.length === 1 && atPlant === 0) expect(fromPlant).toBeCloseTo(s.connectedDemand_MWh, 6);
}

describeData('route on real OSM data', () => {
  it('Helsinki centre: roads and buildings from one extract, suggested plant', async () => {
    const t = await osmTown(data('helsinki/helsinki.osm.pbf'));
    expect(t.graph.csr.edgeCount).toBeGreaterThan(4000);
    const res = planNetwork({ graph: t.graph.csr, consumers: t.consumers });
    checkNetwork(res, t.consumers.length);
    expect(res.summary.plantSource).toBe('suggested');
    expect(res.summary.consumers).toBeGreaterThan(50);
  });

  it('Helsinki centre with marginal-cost pruning (datasets/costs/helsinki-assumptions.csv): every kept branch within the limit', async () => {
    const t = await osmTown(data('helsinki/helsinki.osm.pbf'));
    const { rates, currency } = await loadCostRates({ costs: [resolve(__dirname, '../../datasets/costs/helsinki-assumptions.csv')] });
    const mr = marginalRates(rates, { rate: 0.04, pipeCost: 'persson-werner', surface: 'pw2011' });
    const limit = 20;
    const base = planNetwork({ graph: t.graph.csr, consumers: t.consumers }, { marginalCost: { rates: mr, limitPerMWh: limit, prune: false, currency, discountRatePct: 4 } });
    const res = planNetwork({ graph: t.graph.csr, consumers: t.consumers }, { pruneBy: ['loss-share', 'marginal-cost'], marginalCost: { rates: mr, limitPerMWh: limit, prune: true, currency, discountRatePct: 4 } });
    rates.assertComplete();
    expect(currency).toBe('EUR');
    // the loss-share network has branches above the limit; the pruned one none, and it keeps less demand
    expect(base.summary.marginalCost!.branchesAbove).toBeGreaterThan(0);
    expect(res.summary.consumersDropped['above-marginal-cost']).toBeGreaterThan(0);
    expect(res.summary.marginalCost!.branchesAbove).toBe(0);
    expect(res.summary.marginalCost!.worstBranch_per_MWh!).toBeLessThanOrEqual(limit);
    expect(res.summary.connectedDemand_MWh).toBeLessThan(base.summary.connectedDemand_MWh);
    checkNetwork(res, t.consumers.length);
    // the written network priced by the cost stage's function gives the same costliest branch
    const m = branchMarginalCosts(
      res.pipes.map((p) => ({ from: p.from, to: p.to, length_m: p.lengthM, DN: p.dn, branch: p.branch })),
      res.consumers.map((c) => ({ id: t.consumers[c.index]!.id, branch: c.branch, heat_MWh: t.consumers[c.index]!.heatMWh, peak_kW: t.consumers[c.index]!.peakKw, service_m: c.serviceM })),
      mr,
    ).branches;
    expect(Math.max(...m.map((b) => b.costPerMWh))).toBeCloseTo(res.summary.marginalCost!.worstBranch_per_MWh!, 9);
  });

  it('Liechtenstein: end to end with a plant given in lon/lat (Vaduz)', async () => {
    const t = await osmTown(data('liechtenstein/liechtenstein.osm.pbf'));
    const [x, y] = transformer(WGS84, t.crs).forward(9.5209, 47.1410);
    const res = planNetwork({ graph: t.graph.csr, consumers: t.consumers, plants: [{ id: 'vaduz', x, y, capacityKw: 20000 }] });
    checkNetwork(res, t.consumers.length);
    expect(res.plants[0]!.serviceM).toBeLessThan(200);
    expect(res.summary.consumersDropped.unreachable ?? 0).toBeLessThan(t.consumers.length / 2);
  });

  it('Heidelberg (~41,000 pipe-carrying edges): 500 sampled consumers', async () => {
    const file = data('heidelberg/heidelberg.osm.pbf');
    const crs = chooseWorkingCrs([8.6, 49.35, 8.75, 49.45]);
    const g = buildRoadGraph((await readRoads(file, { crs })).lines).csr;
    expect(g.edgeCount).toBeGreaterThan(35000);
    const comp = components(g);
    let big = 0;
    for (let k = 1; k < comp.count; k++) if (comp.nodes[k]! > comp.nodes[big]!) big = k;
    const r = rng(42);
    const consumers: ConsumerInput[] = [];
    // a dense district: consumers on edges within 1 km of a node of the largest component
    const centre = comp.label.findIndex((l) => l === big);
    const cx = g.x[centre]!, cy = g.y[centre]!;
    while (consumers.length < 500) {
      const e = Math.floor(r() * g.edgeCount);
      if (comp.label[g.edgeFrom[e]!] !== big || Math.hypot(g.x[g.edgeFrom[e]!]! - cx, g.y[g.edgeFrom[e]!]! - cy) > 1000) continue;
      const a = g.edgeFrom[e]!, b = g.edgeTo[e]!, t = r();
      const heat = 50 + r() * 400;
      consumers.push({ id: `c${consumers.length}`, x: g.x[a]! + t * (g.x[b]! - g.x[a]!) + 15, y: g.y[a]! + t * (g.y[b]! - g.y[a]!), heatMWh: heat, peakKw: heat * 0.5 });
    }
    const res = planNetwork({ graph: g, consumers }, { minKwPerM: 0.17, minMwhPerMA: 1.5, pruneBy: ['design-kw-per-m', 'mwh-per-m'] });
    checkNetwork(res, 500, 'density');
    // the default (loss share with service pipes) on the same consumers
    checkNetwork(planNetwork({ graph: g, consumers }), 500);
    expect(res.summary.graph.components).toBe(comp.count);
  });
});
