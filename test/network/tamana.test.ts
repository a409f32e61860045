/**
 * Tamana (PLATEAU tile 49303425, climate region 7 as the demand stage chooses): the datasets hold no street layer for
 * it, so a 100 m street grid over the tile's own extent (third-level mesh 49303425, with a 100 m margin) is written
 * here, as test/export/real-towns-run.test.ts does. Checked: the default (loss share with service pipes, coincident
 * loads on the region's reference year) keeps the city hall beside a plant placed next to it, every kept branch
 * within 10 %; without a plant, the compared sites include one that connects the city hall; forced-in neighbours are
 * connected and reported. Plant-site comparison on a hand-made street (plant-sites.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { planBestSite, clusterCandidates } from '../../engine/network/plant-sites.js';
import type { ConsumerInput } from '../../engine/network/plan.js';
import { data, describeData } from '../helpers/data.js';
import { graphOf } from './helpers.js';

interface Props { kind: string; [k: string]: unknown }

function tamanaStreets(): string {
  const lat0 = 32 + 56 / 60, lat1 = 32 + 56.5 / 60, lon0 = 130 + 33.75 / 60, lon1 = 130 + 34.5 / 60;
  const dLat = 100 / 111_000;
  const dLon = 100 / (111_000 * Math.cos(((lat0 + lat1) / 2) * (Math.PI / 180)));
  const features: unknown[] = [];
  const line = (c: number[][]) => features.push({ type: 'Feature', properties: { highway: 'residential' }, geometry: { type: 'LineString', coordinates: c } });
  for (let la = lat0 - dLat; la <= lat1 + dLat; la += dLat) line([[lon0 - dLon, la], [lon1 + dLon, la]]);
  for (let lo = lon0 - dLon; lo <= lon1 + dLon; lo += dLon) line([[lo, lat0 - dLat], [lo, lat1 + dLat]]);
  return JSON.stringify({ type: 'FeatureCollection', features });
}

describeData('Tamana: PLATEAU buildings on a street grid', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'heatplan-tamana-'));
  const base = join(tmp, 'demand');
  const roads = join(tmp, 'streets.geojson');
  beforeAll(async () => {
    writeFileSync(roads, tamanaStreets());
    expect(await main(['demand', '--buildings', data('tamana/49303425_bldg_6697_op.gml'), '--cell', '50', '--out', base, '--quiet'])).toBe(0);
  }, 300_000);
  const route = async (name: string, args: string[]) => {
    const dir = join(tmp, name);
    cpSync(base, dir, { recursive: true });
    expect(await main(['route', '--run', dir, '--roads', roads, '--quiet', ...args])).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const net = JSON.parse(readFileSync(join(dir, 'network.geojson'), 'utf8')) as { features: { properties: Props }[] };
    const by = (k: string) => net.features.filter((f) => f.properties.kind === k).map((f) => f.properties);
    return { s: m.route, consumers: by('consumer'), dropped: by('dropped'), pipes: by('pipe'), buildings: m.demand.buildings as number };
  };
  // the city hall: the largest public office of the tile
  const cityHall = () => {
    const b = JSON.parse(readFileSync(join(base, 'buildings.geojson'), 'utf8')) as { features: { properties: Props }[] };
    return b.features.map((f) => f.properties).filter((p) => p.use === 'public_office').sort((a, c) => (c.heat_MWh as number) - (a.heat_MWh as number))[0]!;
  };

  it('a plant beside the city hall: the default keeps it within the loss limit, coincident loads on the region 7 year', async () => {
    const r = await route('plant', ['--plant', '130.56278,32.93469,1000,gas_boiler']);
    expect(r.s.loads).toBe('coincident');
    expect(r.s.thresholds.pruneBy).toEqual(['loss-share']);
    expect(r.consumers.map((c) => c.id)).toContain(cityHall().id);
    expect(r.s.lossShare).toBeLessThanOrEqual(0.1);
    for (const p of r.pipes) expect(p.loss_share as number).toBeLessThanOrEqual(0.1 + 1e-5);
    expect(r.consumers.length + r.dropped.length).toBe(242);
    expect(r.s.consumersDropped['below-loss-share']).toBeGreaterThan(0);
    // the seed's figure from the given 1,000 kW beside the design figure
    expect(r.s.seedOutputBasis).toBe('capacity');
    expect(r.s.seedKwPerM).toBeCloseTo(1000 / (2 * r.s.trench_m), 9);
  });

  it('without a plant the compared sites include one that connects the city hall', async () => {
    const r = await route('search', []);
    expect(r.s.plantCandidates.length).toBeGreaterThan(2);
    const chosen = r.s.plantCandidates.find((c: { chosen: boolean }) => c.chosen);
    expect(chosen.connected_MWh).toBe(Math.max(...r.s.plantCandidates.map((c: { connected_MWh: number }) => c.connected_MWh)));
    expect(r.consumers.map((c) => c.id)).toContain(cityHall().id);
  });

  it('forced-in neighbours are connected and reported', async () => {
    const hall = cityHall();
    const b = JSON.parse(readFileSync(join(base, 'buildings.geojson'), 'utf8')) as { features: { properties: Props }[] };
    const near = b.features
      .map((f) => f.properties)
      .filter((p) => p.id !== hall.id && (p.heat_MWh as number) > 0)
      .sort((a, c) => Math.hypot((a.x as number) - (hall.x as number), (a.y as number) - (hall.y as number)) - Math.hypot((c.x as number) - (hall.x as number), (c.y as number) - (hall.y as number)))
      .slice(0, 3)
      .map((p) => p.id as string);
    const r = await route('forced', ['--plant', '130.56278,32.93469,1000,gas_boiler', '--force-in', near.join(',')]);
    for (const id of near) expect(r.consumers.find((c) => c.id === id)?.forced).toBe(true);
    expect(r.s.forced.in.sort()).toEqual([...near].sort());
  });
});

describe('plant sites compared (hand-made)', () => {
  // a street 0..1000 m; a dense cluster at 800-900 m, one small consumer at 50 m
  const g = graphOf([[0, 0], [100, 0], [800, 0], [850, 0], [900, 0], [1000, 0]], [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
  const consumers: ConsumerInput[] = [
    { id: 'small', x: 50, y: 5, heatMWh: 20, peakKw: 10 },
    { id: 'd1', x: 800, y: 5, heatMWh: 400, peakKw: 150 },
    { id: 'd2', x: 850, y: 5, heatMWh: 400, peakKw: 150 },
    { id: 'd3', x: 900, y: 5, heatMWh: 400, peakKw: 150 },
  ];

  it('clusters by demand; the site connecting the most demand is kept; a site off the roads is reported', () => {
    const clusters = clusterCandidates(consumers, (i) => consumers[i]!.heatMWh, 250, 2);
    expect(clusters.map((c) => Math.round(c.x))).toEqual([850, 50]);
    const res = planBestSite(
      { graph: g, consumers },
      [
        { plant: { id: 'west', x: 0, y: 0 }, source: 'site' },
        { plant: { id: 'east', x: 850, y: 0 }, source: 'site' },
        { plant: { id: 'sea', x: 500, y: 5000 }, source: 'site' },
      ],
      {},
    );
    const by = Object.fromEntries(res.outcomes.map((o) => [o.id, o]));
    expect(by.east!.chosen).toBe(true);
    expect(by.east!.connected_MWh).toBeGreaterThan(by.west!.connected_MWh);
    expect(by.sea!.failed).toMatch(/from the nearest road/);
    expect(res.result.plants[0]!.id).toBe('east');
    expect(res.result.summary.connectedDemand_MWh).toBeCloseTo(by.east!.connected_MWh, 9);
  });
});
