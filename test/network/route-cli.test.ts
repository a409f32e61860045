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
    const code = await main(['route', '--run', dir, '--roads', ROADS, '--plant', PLANT, '--export-graph', csv, '--quiet']);
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

  it('suggests a plant when none is given and says so', async () => {
    await writeRunFixture(dir, CRS, town(false));
    expect(await main(['route', '--run', dir, '--roads', ROADS, '--quiet', '--min-kw-per-m', '0', '--min-mwh-per-m', '0'])).toBe(0);
    const s = (await readJson(join(dir, 'manifest.json'))).route;
    expect(s.plantSource).toBe('suggested');
    expect(s.consumers).toBe(16);
    expect(s.plants[0].suggested).toBe(true);
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
