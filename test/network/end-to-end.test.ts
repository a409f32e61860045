/**
 * The real stages chained on real OSM extracts: `heatplan demand` on the buildings of an extract, then
 * `heatplan route` on the roads of the same extract. Reads ../shared/datasets/{helsinki,liechtenstein}/*.osm.pbf.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { data, describeData } from '../helpers/data.js';

interface Props { kind: string; [k: string]: unknown }

async function demandThenRoute(pbf: string, demandArgs: string[], routeArgs: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'heatplan-e2e-')), 'run');
  expect(await main(['demand', '--buildings', pbf, '--out', out, '--quiet', ...demandArgs])).toBe(0);
  expect(await main(['route', '--run', out, '--roads', pbf, '--quiet', ...routeArgs])).toBe(0);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const net = JSON.parse(readFileSync(join(out, 'network.geojson'), 'utf8')) as { features: { properties: Props }[] };
  const buildings = JSON.parse(readFileSync(join(out, 'buildings.geojson'), 'utf8')) as { features: { properties: Props }[] };
  const roads = JSON.parse(readFileSync(join(out, 'roads.geojson'), 'utf8')) as { features: { properties: Props }[] };
  return { m, net, buildings, roads };
}

function checkConsistent(r: Awaited<ReturnType<typeof demandThenRoute>>) {
  const { m, net, buildings, roads } = r;
  // the road graph routed on is in the run for the viewer, one feature per graph edge
  expect(roads.features.length).toBe(m.route.graph.edges);
  expect(m.stages).toEqual(['demand', 'route']);
  const by = (k: string) => net.features.filter((f) => f.properties.kind === k).map((f) => f.properties);
  const consumers = by('consumer'), dropped = by('dropped'), pipes = by('pipe');
  // every building is either connected or dropped with a reason, none twice; unheated ones as 'zero-demand'
  const all = buildings.features.length;
  expect(consumers.length + dropped.length).toBe(all);
  expect(new Set([...consumers, ...dropped].map((p) => p.id)).size).toBe(all);
  for (const d of dropped) expect(typeof d.reason).toBe('string');
  const noDemand = buildings.features.filter((f) => !((f.properties.heat_MWh as number) > 0)).length;
  expect(dropped.filter((d) => d.reason === 'zero-demand').length).toBe(noDemand);
  expect(m.route.consumersDropped['zero-demand'] ?? 0).toBe(noDemand);
  expect(m.route.consumers).toBe(consumers.length);
  const connected = consumers.reduce((s, p) => s + (p.heat_MWh as number), 0);
  expect(connected).toBeCloseTo(m.route.connectedDemand_MWh, 3);
  expect(connected).toBeLessThanOrEqual(m.demand.annualHeat_MWh + 1e-6);
  const trench = pipes.reduce((s, p) => s + (p.length_m as number), 0);
  expect(Math.abs(trench - m.route.trench_m)).toBeLessThan(0.01 * pipes.length + 1e-6);
  // the default prunes by the loss share with service pipes: the network and every pipe's downstream branch within 10 %
  expect(m.route.thresholds.pruneBy).toEqual(['loss-share']);
  expect(m.route.lossShare).toBeLessThanOrEqual(0.1);
  for (const p of pipes) {
    expect(p.loss_share as number).toBeLessThanOrEqual(0.1 + 1e-5);
    expect(p.DN as number).toBeGreaterThan(0);
  }
  expect(m.route.lossShare).toBeGreaterThan(m.route.lossShareMains);
  // the seed's own figure and the design figure are both reported
  expect(m.route.seedKwPerM).toBeGreaterThan(0);
  expect(m.route.designKwPerM).toBeCloseTo(m.route.kwPerM, 12);
}

describeData('demand then route on real OSM extracts', () => {
  it('Helsinki: buildings and roads of the same extract, suggested plant', async () => {
    const r = await demandThenRoute(data('helsinki/helsinki.osm.pbf'), ['--hdd', '4400', '--mean-temp', '6', '--design-temp', '-20'], []);
    expect(r.m.route.consumers).toBeGreaterThan(20);
    checkConsistent(r);
  });

  it('Liechtenstein: plant given in lon/lat (Vaduz)', async () => {
    const r = await demandThenRoute(data('liechtenstein/liechtenstein.osm.pbf'), ['--hdd', '3300', '--mean-temp', '10', '--design-temp', '-12'],
      ['--plant', '9.5209,47.1410,20000,biomass_boiler']);
    expect(r.m.route.consumers).toBeGreaterThan(20);
    checkConsistent(r);
  });
});

describeData('coarse consumers: blocks instead of buildings', () => {
  it('Helsinki: one consumer per 50 m grid cell, demand conserved', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'heatplan-e2e-')), 'run');
    const pbf = data('helsinki/helsinki.osm.pbf');
    expect(await main(['demand', '--buildings', pbf, '--out', out, '--quiet', '--hdd', '4400', '--cell', '50'])).toBe(0);
    expect(await main(['route', '--run', out, '--roads', pbf, '--quiet', '--consumers', 'blocks'])).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const net = JSON.parse(readFileSync(join(out, 'network.geojson'), 'utf8')) as { features: { properties: Props }[] };
    const blocks = JSON.parse(readFileSync(join(out, 'blocks.geojson'), 'utf8')) as { features: { properties: Props }[] };
    const consumers = net.features.filter((f) => f.properties.kind === 'consumer').map((f) => f.properties);
    const dropped = net.features.filter((f) => f.properties.kind === 'dropped').map((f) => f.properties);
    // every grid cell with buildings is one consumer or one dropped consumer, with the cell's demand
    expect(consumers.length + dropped.length).toBe(blocks.features.length);
    expect(new Set(consumers.map((c) => c.id))).toEqual(new Set(blocks.features.map((b) => b.properties.id).filter((id) => consumers.some((c) => c.id === id))));
    for (const c of consumers) expect(c.use).toBe('block');
    const all = [...consumers, ...dropped].reduce((s, p) => s + (p.heat_MWh as number), 0);
    const cells = blocks.features.reduce((s, b) => s + (b.properties.heat_MWh as number), 0);
    expect(Math.abs(all - cells)).toBeLessThan(1e-6 * cells + 1e-3 * blocks.features.length);
    expect(m.route.consumers).toBe(consumers.length);
    expect(m.route.consumers).toBeGreaterThan(0);
  });
});
