import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { parseCrs, transformer, WGS84 } from '../../engine/crs/index.js';
import { writeRunFixture, type FixtureBuilding } from './fixtures.js';

const ROADS = resolve(__dirname, '../fixtures/network/grid-roads.geojson');
const CRS = 'EPSG:6680';
const toXY = transformer(WGS84, parseCrs(CRS));
const [X0, Y0] = toXY.forward(142.63, 44.3);
const PLANT = '142.6299,44.2999,3000,wood-chip boiler';

function town(weakCorner = true): FixtureBuilding[] {
  const b: FixtureBuilding[] = [];
  for (let j = 0; j < 4; j++)
    for (let i = 0; i < 4; i++) {
      const weak = weakCorner && i === 3 && j === 3;
      b.push({ id: `b${j}${i}`, x: X0 + i * 100 + 50, y: Y0 + j * 100 + 20, heat: weak ? 2 : 300, peak: weak ? 1 : 120 });
    }
  return b;
}

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'heatplan-route-')), 'run');
});

const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8'));

describe('heatplan route (CLI)', () => {
  it('writes network.geojson and the manifest summary; prunes the weak corner; exports the graph', async () => {
    await writeRunFixture(dir, CRS, town());
    const csv = join(dir, '..', 'graph.csv');
    const code = await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--export-graph', csv, '--quiet', '--prune-by', 'design-kw-per-m,mwh-per-m']);
    expect(code).toBe(0);
    const m = await readJson(join(dir, 'manifest.json'));
    const s = m.route;
    for (const k of ['consumers', 'consumersDropped', 'trench_m', 'pipe_m', 'connectedDemand_MWh', 'plantOutput_kW', 'kwPerM', 'mwhPerMA', 'lossShare', 'seconds']) expect(s).toHaveProperty(k);
    expect(s.consumers + Object.values(s.consumersDropped as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(16);
    expect(s.consumersDropped['below-mwh-per-m'] ?? s.consumersDropped['below-kw-per-m']).toBe(1);
    expect(s.connectedDemand_MWh).toBeCloseTo(15 * 300, 6);
    expect(s.plantSource).toBe('given');
    expect(s.pipe_m).toBeCloseTo(2 * s.trench_m, 9);
    expect(s.roads.excludedByClass).toEqual({ motorway: 1 });
    expect(m.stages).toContain('route');
    const net = await readJson(join(dir, 'network.geojson'));
    const kinds = (k: string) => net.features.filter((f: any) => f.properties.kind === k);
    expect(kinds('consumer').length).toBe(15);
    expect(kinds('service').length).toBe(15);
    expect(kinds('dropped').map((f: any) => f.properties.id)).toEqual(['b33']);
    expect(kinds('plant')[0].properties).toMatchObject({ id: 'plant-1', type: 'wood-chip boiler', capacity_kW: 3000 });
    const pipes = kinds('pipe');
    const sum = pipes.reduce((a: number, f: any) => a + f.properties.length_m, 0);
    expect(sum).toBeCloseTo(s.trench_m, 0);
    for (const p of pipes) {
      expect(p.properties.DN).toBeGreaterThan(0);
      expect(p.properties.kw_per_m).toBeGreaterThanOrEqual(0.17);
      expect(p.properties.mwh_per_m_a).toBeGreaterThanOrEqual(1.5);
      expect(p.properties.loss_W_per_m).toBeGreaterThan(0);
      expect(Math.abs(p.geometry.coordinates[0][0] - 142.63)).toBeLessThan(0.01);
    }
    // every street piece of the grid is <= 100 m; lengths measured in metres in the working CRS
    expect(Math.max(...pipes.map((p: any) => p.properties.length_m))).toBeLessThanOrEqual(100.5);
    expect(net.properties).toMatchObject({ supply_C: 80, return_C: 50, minKwPerM: 0.17, minMwhPerMA: 1.5 });
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('from,to,length_m,x1,y1,x2,y2');
    expect(lines.length - 1).toBeGreaterThanOrEqual(41);
  });

  it('prunes by the loss share with service pipes by default, prints every threshold, names the figures', async () => {
    await writeRunFixture(dir, CRS, town());
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT]);
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(0);
    const s = (await readJson(join(dir, 'manifest.json'))).route;
    expect(s.consumersDropped).toEqual({ 'below-loss-share': 1 });
    expect(s.thresholds).toEqual({ minKwPerM: 0.17, minMwhPerMA: 1.5, maxLossShare: 0.1, pruneBy: ['loss-share'] });
    // seed 003's figure with the given 3,000 kW capacity, beside the design figure
    expect(s.seedOutputBasis).toBe('capacity');
    expect(s.seedKwPerM).toBeCloseTo(3000 / (2 * s.trench_m), 9);
    expect(s.designKwPerM).toBeCloseTo(s.plantOutput_kW / (2 * s.trench_m), 9);
    expect(s.lossShare).toBeGreaterThan(s.lossShareMains);
    expect(s.media.heat.service_MWh_a).toBeGreaterThan(0);
    const net = await readJson(join(dir, 'network.geojson'));
    for (const f of net.features.filter((f: any) => f.properties.kind === 'pipe')) expect(f.properties.loss_share).toBeLessThanOrEqual(0.1);
    for (const f of net.features.filter((f: any) => f.properties.kind === 'service')) expect(f.properties.loss_MWh_a).toBeGreaterThan(0);
    expect(net.properties).toMatchObject({ pruneBy: ['loss-share'], maxLossShare: 0.1 });
    const text = lines.join('\n');
    expect(text).toMatch(/loss share <= 10\.0 % per branch.*\(prunes\)/);
    expect(text).toMatch(/seed 003 plant output \/ \(2 x route length\) >= 0\.17 kW\/m.*\(reported only\)/);
    expect(text).toMatch(/design load \/ \(2 x route length\) >= 0\.17 kW\/m.*\(reported only\)/);
    expect(text).toMatch(/>= 1\.5 MWh\/\(m·a\).*\(reported only\)/);
  });

  it('bad temperature pairs and forced-in buildings that cannot be reached are clear errors', async () => {
    await writeRunFixture(dir, CRS, [...town(), { id: 'lonely', x: X0 + 150, y: Y0 + 5000, heat: 500, peak: 200 }]);
    const errs: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: unknown) => (errs.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--supply', '45', '--return', '50', '--quiet'])).toBe(2);
      expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--carries', 'cold', '--cool-supply', '14', '--cool-return', '7', '--quiet'])).toBe(2);
      expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--force-in', 'lonely', '--quiet'])).toBe(1);
      expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--prune-by', 'cheapest', '--quiet'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    const text = errs.join('\n');
    expect(text).toContain('45/50');
    expect(text).toContain('14/7');
    expect(text).toMatch(/forced-in building lonely cannot be connected/);
    expect(text).toContain('cheapest');
    expect(existsSync(join(dir, 'network.geojson'))).toBe(false);
  });

  it('hot and chilled water in one trench with coincident loads from the given weather', async () => {
    await writeRunFixture(dir, CRS, town(false).map((b, k) => ({ ...b, use: k % 2 ? 'office' : 'residential_apartment', cool: k % 2 ? 150 : 0, coolPeak: k % 2 ? 90 : 0 })));
    const weather = resolve(__dirname, '../../datasets/weather/0868195.has');
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--carries', 'both', '--weather', weather, '--prune-by', 'none', '--quiet'])).toBe(0);
    const s = (await readJson(join(dir, 'manifest.json'))).route;
    expect(s.loads).toBe('coincident');
    expect(s.carries).toBe('both');
    expect(s.media.heat.supply_C).toBe(80);
    expect(s.media.cold.supply_C).toBe(7);
    expect(s.media.cold.return_C).toBe(14);
    expect(s.media.cold.demand_MWh).toBeCloseTo(8 * 150, 6);
    expect(s.connectedCooling_MWh).toBeCloseTo(8 * 150, 6);
    expect(s.media.cold.design_kW).toBeGreaterThan(0);
    // the Kitami ground at 1 m is warmer than 10.5 °C in summer: gains counted
    expect(s.media.cold.gain_MWh_a).toBeGreaterThan(0);
    expect(s.media.cold.pumping.energy_MWh_a).toBeGreaterThan(0);
    const net = await readJson(join(dir, 'network.geojson'));
    const pipes = net.features.filter((f: any) => f.properties.kind === 'pipe');
    expect(pipes.every((f: any) => f.properties.DN > 0)).toBe(true);
    expect(pipes.some((f: any) => f.properties.cool_DN > 0)).toBe(true);
    const gains = pipes.reduce((a: number, f: any) => a + (f.properties.gain_MWh_a ?? 0), 0);
    expect(gains).toBeCloseTo(s.media.cold.mains_MWh_a, 2);
    expect(net.properties.loads).toBe('coincident');
    expect(net.properties.weather).toBe(weather);
  });

  it('without weather or climate region the coincident loads fall back to the diversity fit, with a warning', async () => {
    await writeRunFixture(dir, CRS, town(false));
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--quiet'])).toBe(0);
    const s = (await readJson(join(dir, 'manifest.json'))).route;
    expect(s.loads).toBe('diversity');
    expect(s.warnings['route-no-weather']).toBe(1);
  });

  it('suggests a plant when none is given and says so', async () => {
    await writeRunFixture(dir, CRS, town(false));
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--quiet', '--min-kw-per-m', '0', '--min-mwh-per-m', '0'])).toBe(0);
    const s = (await readJson(join(dir, 'manifest.json'))).route;
    expect(s.plantSource).toBe('suggested');
    expect(s.consumers).toBe(16);
    expect(s.plants[0].suggested).toBe(true);
    // the 1-median and the high-demand clusters were compared; the kept one connects the most demand
    // (the 400 m x 400 m town covers four 250 m cluster cells)
    expect(s.plantCandidates.map((c: any) => c.source)).toEqual(['median', 'cluster', 'cluster', 'cluster', 'cluster']);
    expect(s.plantCandidates.filter((c: any) => c.chosen).length).toBe(1);
    const best = Math.max(...s.plantCandidates.map((c: any) => c.connected_MWh));
    expect(s.plantCandidates.find((c: any) => c.chosen).connected_MWh).toBe(best);
    expect(s.plantChoice).toMatch(/largest demand connected/);
  });

  it('rejects bad input without writing a network', async () => {
    await writeRunFixture(dir, CRS, town());
    const before = await readFile(join(dir, 'manifest.json'), 'utf8');
    // plant far outside the roads
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', '142.0,44.0', '--quiet'])).toBe(1);
    // plant on the bridge, which does not join the street grid
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', '142.631881,44.30225', '--quiet'])).toBe(1);
    // malformed --plant
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', '44.3', '--quiet'])).toBe(2);
    expect(existsSync(join(dir, 'network.geojson'))).toBe(false);
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('rejects zero demand and roads in another CRS than the buildings', async () => {
    await writeRunFixture(dir, CRS, town().map((b) => ({ ...b, heat: 0, peak: 0 })));
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--quiet'])).toBe(1);
    await writeRunFixture(dir, CRS, town());
    // the same roads written in JGD2011 zone IX metres without a crs member: taken as the working CRS, no overlap
    const doc = JSON.parse(await readFile(ROADS, 'utf8'));
    const tr = transformer(WGS84, parseCrs('EPSG:6677'));
    for (const f of doc.features) f.geometry.coordinates = f.geometry.coordinates.map((c: number[]) => tr.forward(c[0]!, c[1]!));
    const other = join(dir, '..', 'roads-6677.geojson');
    await writeFile(other, JSON.stringify(doc));
    expect(await main(['route', '--run', dir, '--roads', other, '--plant', PLANT, '--quiet'])).toBe(1);
    // declared with --roads-crs it works
    expect(await main(['route', '--run', dir, '--roads', other, '--roads-crs', 'EPSG:6677', '--plant', PLANT, '--quiet'])).toBe(0);
    expect(existsSync(join(dir, 'network.geojson'))).toBe(true);
  });
});
