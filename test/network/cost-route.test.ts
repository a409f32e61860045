/**
 * Routing and siting on cost (engine/network/cost-route.ts, issue 14 item 3): marginal-cost pruning on a hand-built
 * network (the cut branch and its marginal cost by hand, 1e-9), the plant candidates ranked on LCOH by hand, and the
 * bad inputs of the route stage's cost options (a negative limit, no cost table, a missing cost figure).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { branchesAboveLimit, branchMarginalCosts, type MarginalRates } from '../../engine/cost/marginal.js';
import { CostRates, parseCostTable } from '../../engine/cost/table.js';
import { parseCrs, transformer, WGS84 } from '../../engine/crs/index.js';
import { marginalCutBranches, networkLcoh } from '../../engine/network/cost-route.js';
import { planNetwork, type ConsumerInput } from '../../engine/network/plan.js';
import { planBestSite } from '../../engine/network/plant-sites.js';
import { writeRunFixture, type FixtureBuilding } from './fixtures.js';
import { graphOf } from './helpers.js';

/** r(1+r)^n / ((1+r)^n - 1), written out here (not engine/cost/finance.ts) */
const annuity = (r: number, n: number) => (r * (1 + r) ** n) / ((1 + r) ** n - 1);

// plant P at node 0; A at node 1 (100 m), then two branches from node 1: B (200 m east), C (300 m north); every
// consumer 10 m off its node. Pipe cost flat per metre (any DN) so that the hand figures need no sizing.
const g = graphOf([[0, 0], [100, 0], [300, 0], [100, 300]], [[0, 1], [1, 2], [1, 3]]);
const consumers: ConsumerInput[] = [
  { id: 'A', x: 100, y: -10, heatMWh: 200, peakKw: 100 },
  { id: 'B', x: 300, y: 10, heatMWh: 100, peakKw: 50 },
  { id: 'C', x: 110, y: 300, heatMWh: 20, peakKw: 20 },
];
const R = 0.04;
const rates: MarginalRates = {
  pipeCostPerM: () => 1000, servicePerM: 500, substationFixed: 10000, substationPerKw: 100,
  pipeAnnuity: annuity(R, 30), serviceAnnuity: annuity(R, 30), substationAnnuity: annuity(R, 20), omShare: 0.01,
};
// by hand: each unit's annual cost (capital x (annuity factor + O&M share)) over its downstream heat
const aP = annuity(R, 30) + 0.01, aS = annuity(R, 30) + 0.01, aSub = annuity(R, 20) + 0.01;
const conn = (peak: number) => 10 * 500 * aS + (10000 + 100 * peak) * aSub;
const annualC = 300 * 1000 * aP + conn(20);
const annualB = 200 * 1000 * aP + conn(50);
const annualTrunk = 100 * 1000 * aP + conn(100);
const perMWh = { C: annualC / 20, B: annualB / 100, trunk: (annualTrunk + annualB + annualC) / 320, trunkWithoutC: (annualTrunk + annualB) / 300 };
const mc = (limit: number, prune = true) => ({ rates, limitPerMWh: limit, prune, currency: 'EUR', discountRatePct: 4 });
const plan = (limit: number, extra: Parameters<typeof planNetwork>[1] = {}) =>
  planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0 }] }, { pruneBy: ['marginal-cost'], loads: 'diversity', marginalCost: mc(limit), ...extra });

describe('marginal-cost pruning (hand-built network)', () => {
  it('the hand figures order as the test needs: C above 500, the trunk and B below; B above 145', () => {
    expect(perMWh.C).toBeGreaterThan(500);
    expect(perMWh.trunk).toBeLessThan(145);
    expect(perMWh.B).toBeGreaterThan(145);
    expect(perMWh.B).toBeLessThan(500);
  });

  it('cuts exactly branch C at a limit of 500 EUR/MWh, at the marginal cost a hand computation gives', () => {
    const r = plan(500);
    expect(r.consumers.map((c) => consumers[c.index]!.id).sort()).toEqual(['A', 'B']);
    expect(r.dropped).toEqual([{ index: 2, reason: 'above-marginal-cost', detail: expect.any(String) }]);
    const cut = r.cuts.filter((c) => c.reason === 'above-marginal-cost');
    expect(cut.length).toBe(1);
    expect(cut[0]!.figures.consumers).toBe(1);
    expect(cut[0]!.figures.lengthM).toBeCloseTo(300, 9);
    expect(Math.abs(cut[0]!.marginalCost_per_MWh! - perMWh.C)).toBeLessThan(1e-9);
    // the kept network: costliest branch B, reported with the limit and the currency
    expect(r.summary.consumersDropped).toEqual({ 'above-marginal-cost': 1 });
    expect(r.summary.thresholds.maxMarginalCost_per_MWh).toBe(500);
    expect(r.summary.marginalCost).toMatchObject({ currency: 'EUR', limit_per_MWh: 500, prunes: true, branchesAbove: 0, branches: 2 });
    expect(Math.abs(r.summary.marginalCost!.worstBranch_per_MWh! - perMWh.B)).toBeLessThan(1e-9);
  });

  it('at 145 EUR/MWh cuts B and C (the trunk stays below), in the first round', () => {
    const r = plan(145);
    expect(r.consumers.map((c) => consumers[c.index]!.id)).toEqual(['A']);
    const cut = r.cuts.filter((c) => c.reason === 'above-marginal-cost').map((c) => c.marginalCost_per_MWh!).sort((a, b) => a - b);
    expect(cut.length).toBe(2);
    expect(Math.abs(cut[0]! - perMWh.B)).toBeLessThan(1e-9);
    expect(Math.abs(cut[1]! - perMWh.C)).toBeLessThan(1e-9);
    expect(Math.abs(r.summary.marginalCost!.worstBranch_per_MWh! - (annualTrunk / 200))).toBeLessThan(1e-9);
  });

  it('reported only when the limit is given without --prune-by marginal-cost; the other criteria still prune', () => {
    const r = planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0 }] }, { pruneBy: [], loads: 'diversity', marginalCost: mc(500, false) });
    expect(r.consumers.length).toBe(3);
    expect(r.summary.marginalCost).toMatchObject({ prunes: false, branchesAbove: 1, branches: 3 });
    expect(Math.abs(r.summary.marginalCost!.worstBranch_per_MWh! - perMWh.C)).toBeLessThan(1e-9);
  });

  it('a forced-in consumer is never cut; combinable with loss-share', () => {
    const r = plan(500, { forcedIn: ['C'] });
    expect(r.consumers.length).toBe(3);
    const both = plan(500, { pruneBy: ['loss-share', 'marginal-cost'], maxLossShare: 0.99 });
    expect(both.dropped.map((d) => d.reason)).toEqual(['above-marginal-cost']);
  });

  it('top-most first: equals branchesAboveLimit of engine/cost/marginal.ts without forced consumers', () => {
    const pipes = [
      { from: 0, to: 1, length_m: 100, DN: 50, branch: 0 },
      { from: 1, to: 2, length_m: 200, DN: 40, branch: 1 },
      { from: 2, to: 3, length_m: 50, DN: 32, branch: 2 },
      { from: 2, to: 4, length_m: 400, DN: 25, branch: 3 },
      { from: 1, to: 5, length_m: 300, DN: 25, branch: 4 },
    ];
    const cs = [
      { id: 'a', branch: 0, heat_MWh: 200, peak_kW: 100, service_m: 10 },
      { id: 'b', branch: 2, heat_MWh: 30, peak_kW: 20, service_m: 5 },
      { id: 'c', branch: 3, heat_MWh: 5, peak_kW: 5, service_m: 5 },
      { id: 'd', branch: 4, heat_MWh: 40, peak_kW: 20, service_m: 15 },
    ];
    const m = branchMarginalCosts(pipes, cs, rates).branches;
    for (const limit of [50, 100, 200, 400, 800, 2000, 10000]) {
      expect(marginalCutBranches(m, limit).map((b) => b.branch)).toEqual(branchesAboveLimit(m, limit).map((b) => b.branch));
    }
    // branch 1 locked (it feeds a forced consumer): its children may still be cut
    const limit = Math.min(m.find((b) => b.branch === 1)!.costPerMWh, m.find((b) => b.branch === 3)!.costPerMWh) - 1;
    expect(marginalCutBranches(m, limit, (id) => id === 0 || id === 1).map((b) => b.branch)).toEqual(m.filter((b) => b.parent === 1 && b.costPerMWh > limit).map((b) => b.branch).concat(m.filter((b) => b.branch === 4 && b.costPerMWh > limit).map((b) => b.branch)).sort((a, b) => a - b));
  });
});

// two candidate sites for the same three consumers on a line: S1 (west, 300 m of trench, kerosene boiler), S2
// (east, 500 m, gas boiler); without pruning both connect all three, so the demand choice takes the shorter trench
const TABLE = `item,key,value,unit,currency,priceYear,source
pipe_c1,t,1000,EUR/m,EUR,2024,test
pipe_c2,t,0,EUR/m2,EUR,2024,test
lifetime,pipes,30,a,,,test
service_pipe,*,500,EUR/m,EUR,2024,test
substation_fixed,*,10000,EUR/consumer,EUR,2024,test
substation_kW,*,100,EUR/kW,EUR,2024,test
lifetime,services,30,a,,,test
lifetime,substations,20,a,,,test
network_om,*,1,%/a,,,test
plant_capex,gas_boiler,100,EUR/kW,EUR,2024,test
plant_capex,kerosene_boiler,80,EUR/kW,EUR,2024,test
plant_fixed_om,gas_boiler,2,EUR/kW/a,EUR,2024,test
plant_fixed_om,kerosene_boiler,2,%/a,,,test
plant_variable_om,gas_boiler,1,EUR/MWh,EUR,2024,test
plant_variable_om,kerosene_boiler,1,EUR/MWh,EUR,2024,test
lifetime,gas_boiler,25,a,,,test
lifetime,kerosene_boiler,20,a,,,test
fuel_price,gas,40,EUR/MWh,EUR,2024,test
fuel_price,kerosene,1.2,EUR/L,EUR,2024,test
`;

describe('plant candidates on LCOH (hand)', () => {
  const line = graphOf([[0, 0], [100, 0], [200, 0], [300, 0], [600, 0]], [[0, 1], [1, 2], [2, 3], [3, 4]]);
  const cs: ConsumerInput[] = [
    { id: 'a', x: 100, y: 10, heatMWh: 300, peakKw: 150 },
    { id: 'b', x: 200, y: 10, heatMWh: 200, peakKw: 100 },
    { id: 'c', x: 300, y: 10, heatMWh: 100, peakKw: 50 },
  ];
  const candidates = [
    { plant: { id: 'S1', x: 0, y: 0, type: 'kerosene_boiler' }, source: 'site' as const },
    { plant: { id: 'S2', x: 600, y: 0, type: 'gas_boiler' }, source: 'site' as const },
  ];
  const pricing = () => ({
    rates: new CostRates(parseCostTable(TABLE, 'test.csv'), 'EUR', ['test.csv']),
    settings: { rate: R, pipeCost: 'persson-werner' as const, surface: 't', fuelUnits: { kerosene: { mjPerUnit: 36.7, unit: 'L' }, gas: { mjPerUnit: 45, unit: 'Nm3' } } },
    currency: 'EUR',
  });
  const opts = { pruneBy: [], loads: 'diversity' as const };

  /** The candidate's LCOH by hand from its trench, losses and design output. */
  function hand(trenchM: number, lossMWh: number, type: 'gas_boiler' | 'kerosene_boiler'): number {
    const heat = 600, produced = heat + lossMWh;
    const capKw = (0.62 + 0.38 / 3) * 300; // THERMOS diversity of the three peaks: the design output
    const pipes = trenchM * 1000, services = 30 * 500, subs = 3 * 10000 + 300 * 100;
    let annual = pipes * annuity(R, 30) + services * annuity(R, 30) + subs * annuity(R, 20) + 0.01 * (pipes + services + subs);
    if (type === 'gas_boiler') annual += 100 * capKw * annuity(R, 25) + 2 * capKw + produced * 1 + (produced / 0.9) * 40;
    else annual += 80 * capKw * annuity(R, 20) + 0.02 * 80 * capKw + produced * 1 + ((produced * 3600) / 0.85 / 36.7) * 1.2;
    return annual / (heat * 1000);
  }

  it('each candidate priced as by hand (1e-9), the lowest LCOH kept, every LCOH listed', () => {
    const byDemand = planBestSite({ graph: line, consumers: cs }, candidates, opts);
    expect(byDemand.outcomes.find((o) => o.chosen)!.id).toBe('S1');
    const p = pricing();
    const best = planBestSite({ graph: line, consumers: cs }, candidates, opts, p);
    p.rates.assertComplete();
    const s1 = planNetwork({ graph: line, consumers: cs, plants: [candidates[0]!.plant] }, opts);
    const s2 = planNetwork({ graph: line, consumers: cs, plants: [candidates[1]!.plant] }, opts);
    expect(s1.summary.trench_m).toBeCloseTo(300, 9);
    expect(s2.summary.trench_m).toBeCloseTo(500, 9);
    const h1 = hand(300, s1.summary.loss_MWh_a, 'kerosene_boiler');
    const h2 = hand(500, s2.summary.loss_MWh_a, 'gas_boiler');
    const o1 = best.outcomes.find((o) => o.id === 'S1')!, o2 = best.outcomes.find((o) => o.id === 'S2')!;
    expect(Math.abs(o1.lcoh_per_kWh! - h1)).toBeLessThan(1e-9);
    expect(Math.abs(o2.lcoh_per_kWh! - h2)).toBeLessThan(1e-9);
    expect(h2).toBeLessThan(h1);
    expect(o2.chosen).toBe(true);
    expect(o1.chosen).toBe(false);
    expect(best.result.plants[0]!.id).toBe('S2');
    expect(best.lcoh!.lcoh).toBeCloseTo(h2, 12);
  });

  it('a candidate without a plant type and no --lcoh-plant-type is a clear error; a missing figure is listed', () => {
    const p = pricing();
    expect(() => planBestSite({ graph: line, consumers: cs }, [{ source: 'median' }, ...candidates], opts, p)).toThrow(/lcohPlantType \(--lcoh-plant-type\)/);
    const noGas = { ...pricing(), rates: new CostRates(parseCostTable(TABLE.replace(/^fuel_price,gas.*\n/m, ''), 'test.csv'), 'EUR', ['test.csv']) };
    const r = planNetwork({ graph: line, consumers: cs, plants: [candidates[1]!.plant] }, opts);
    expect(Number.isNaN(networkLcoh(r, cs, noGas).lcoh)).toBe(true);
    expect(() => noGas.rates.assertComplete()).toThrow(/fuel_price,gas/);
  });
});

// the route stage's options on a run folder (CLI)
const ROADS = resolve(__dirname, '../fixtures/network/grid-roads.geojson');
const CRS = 'EPSG:6680';
const toXY = transformer(WGS84, parseCrs(CRS));
const [X0, Y0] = toXY.forward(142.63, 44.3);
const PLANT = '142.6299,44.2999,3000,gas_boiler';
function town(): FixtureBuilding[] {
  const b: FixtureBuilding[] = [];
  for (let j = 0; j < 4; j++)
    for (let i = 0; i < 4; i++) {
      const weak = i === 3 && j === 3;
      b.push({ id: `b${j}${i}`, x: X0 + i * 100 + 50, y: Y0 + j * 100 + 20, heat: weak ? 2 : 300, peak: weak ? 1 : 120 });
    }
  return b;
}
let dir: string;
let costs: string;
beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), 'heatplan-cost-route-'));
  dir = join(root, 'run');
  costs = join(root, 'costs.csv');
  await writeFile(costs, TABLE.replace(',t,', ',pw2011,').replace(',t,', ',pw2011,'));
});
const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8'));

describe('heatplan route with costs (CLI)', () => {
  it('prunes by marginal cost with the --costs table: the reason in network.geojson, the limit and currency in the manifest', async () => {
    await writeRunFixture(dir, CRS, town());
    const code = await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--quiet', '--loads', 'diversity', '--prune-by', 'marginal-cost', '--max-marginal-cost', '200', '--costs', costs]);
    expect(code).toBe(0);
    const s = (await readJson(join(dir, 'manifest.json'))).route;
    expect(s.consumersDropped['above-marginal-cost']).toBeGreaterThanOrEqual(1);
    expect(s.marginalCost).toMatchObject({ currency: 'EUR', limit_per_MWh: 200, prunes: true, branchesAbove: 0 });
    expect(s.marginalCost.worstBranch_per_MWh).toBeLessThanOrEqual(200);
    const net = await readJson(join(dir, 'network.geojson'));
    const dropped = net.features.filter((f: any) => f.properties.kind === 'dropped' && f.properties.reason === 'above-marginal-cost');
    expect(dropped.map((f: any) => f.properties.id)).toContain('b33');
    expect(net.properties.marginalCost).toMatchObject({ currency: 'EUR', limit_per_MWh: 200, prunes: true });
    // the kept network priced again from network.geojson by the cost stage's function: the same worst branch
    const pipes = net.features.filter((f: any) => f.properties.kind === 'pipe').map((f: any) => ({ from: f.properties.from, to: f.properties.to, length_m: f.properties.length_m, DN: f.properties.DN, branch: f.properties.branch }));
    const cons = net.features.filter((f: any) => f.properties.kind === 'consumer').map((f: any) => ({ id: f.properties.id, branch: f.properties.branch, heat_MWh: f.properties.heat_MWh, peak_kW: f.properties.peak_kW, service_m: f.properties.service_m }));
    const a = annuity(R, 30) + 0.01, b = annuity(R, 20) + 0.01;
    const m = branchMarginalCosts(pipes, cons, { pipeCostPerM: (dn) => 1000 + 0 * dn, servicePerM: 500, substationFixed: 10000, substationPerKw: 100, pipeAnnuity: a - 0.01, serviceAnnuity: a - 0.01, substationAnnuity: b - 0.01, omShare: 0.01 }).branches;
    const worst = Math.max(...m.map((x) => x.costPerMWh));
    // length_m and service_m are rounded in network.geojson (0.01 m)
    expect(Math.abs(worst - s.marginalCost.worstBranch_per_MWh) / worst).toBeLessThan(1e-4);
  });

  it('--plant-choice lcoh over given sites: every candidate priced, the cheapest kept', async () => {
    await writeRunFixture(dir, CRS, town());
    const sites = join(dir, '..', 'sites.geojson');
    const pt = (id: string, lon: number, lat: number, type: string) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { id, type, capacity_kW: 3000 } });
    await writeFile(sites, JSON.stringify({ type: 'FeatureCollection', features: [pt('west', 142.6299, 44.2999, 'kerosene_boiler'), pt('centre', 142.6318, 44.3013, 'gas_boiler')] }));
    const code = await main(['route', '--run', dir, '--roads', ROADS, '--plant-candidates', sites, '--quiet', '--loads', 'diversity', '--plant-choice', 'lcoh', '--costs', costs]);
    expect(code).toBe(0);
    const s = (await readJson(join(dir, 'manifest.json'))).route;
    expect(s.plantLcoh.currency).toBe('EUR');
    expect(s.plantChoice).toMatch(/lowest route-time LCOH/);
    const c = s.plantCandidates as { id: string; lcoh_per_kWh: number; chosen: boolean; capital: number }[];
    expect(c.length).toBe(2);
    for (const x of c) expect(x.lcoh_per_kWh).toBeGreaterThan(0);
    const min = c.reduce((a, b) => (b.lcoh_per_kWh < a.lcoh_per_kWh ? b : a));
    expect(c.filter((x) => x.chosen).map((x) => x.id)).toEqual([min.id]);
    expect(s.plants[0].id).toBe(min.id);
  });

  it('bad input: a negative limit (exit 2), no cost table (exit 2), a missing figure (exit 1, nothing written)', async () => {
    await writeRunFixture(dir, CRS, town());
    const base = ['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--quiet', '--loads', 'diversity'];
    expect(await main([...base, '--prune-by', 'marginal-cost', '--max-marginal-cost', '-5', '--costs', costs])).toBe(2);
    expect(await main([...base, '--prune-by', 'loss-share,marginal-cost', '--max-marginal-cost', '200'])).toBe(2);
    expect(await main([...base, '--prune-by', 'marginal-cost', '--costs', costs])).toBe(2);
    const partial = join(dir, '..', 'partial.csv');
    await writeFile(partial, TABLE.split('\n').filter((l) => !l.startsWith('substation_kW')).join('\n'));
    expect(await main([...base, '--prune-by', 'marginal-cost', '--max-marginal-cost', '200', '--costs', partial])).toBe(1);
    expect(await main([...base, '--prune-by', 'marginal-cost', '--max-marginal-cost', '200', '--currency', 'EUR'])).toBe(1);
    expect(existsSync(join(dir, 'network.geojson'))).toBe(false);
    expect((await readJson(join(dir, 'manifest.json'))).route).toBeUndefined();
    // --plant-choice lcoh with a given plant compares nothing
    expect(await main([...base, '--plant-choice', 'lcoh', '--costs', costs])).toBe(2);
  });
});
