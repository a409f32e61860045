/**
 * End to end: `heatplan route --supply-curve` then `heatplan simulate` on the same weather with the ground held at the
 * route's ground_C: the simulation's annual loss (mains + service pipes) is the route's, to 1e-6 against the route's
 * model on the figures it wrote (W/m x length x its equivalent hours), and to network.geojson's 0.01 W/m rounding
 * against the route's own unrounded total.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { parseCrs, transformer, WGS84 } from '../../engine/crs/index.js';
import { writeRunFixture, type FixtureBuilding } from '../network/fixtures.js';

const ROADS = resolve(__dirname, '../fixtures/network/grid-roads.geojson');
const CRS = 'EPSG:6680';
const [X0, Y0] = transformer(WGS84, parseCrs(CRS)).forward(142.63, 44.3);

it('route --supply-curve and simulate --ground-c at the route\'s ground_C agree on the annual loss', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'heatplan-agree-')), 'run');
  const b: FixtureBuilding[] = [];
  for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) b.push({ id: `b${j}${i}`, x: X0 + i * 100 + 50, y: Y0 + j * 100 + 20, heat: 400, peak: 160, use: 'office' });
  await writeRunFixture(dir, CRS, b);
  const weather = join(dir, '..', 'year.csv');
  await writeFile(weather, 'timestep,temperature\n' + Array.from({ length: 8760 }, (_, h) => `${h},${(5 - 18 * Math.cos((2 * Math.PI * h) / 8760)).toFixed(2)}`).join('\n') + '\n');
  const curve = '-15:80,0:75,15:65';
  expect(await main(['route', '--run', dir, '--roads', ROADS, '--plant', '142.6299,44.2999,3000,gas_boiler', '--weather', weather, '--supply-curve', curve, '--quiet'])).toBe(0);
  const net = JSON.parse(await readFile(join(dir, 'network.geojson'), 'utf8'));
  expect(net.properties.supplyCurve).toEqual([[-15, 80], [0, 75], [15, 65]]);
  const route = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).route;
  const heat = route.media.heat;
  expect(heat.service_MWh_a).toBeGreaterThan(0);
  const plants = join(dir, '..', 'plants.yaml');
  await writeFile(plants, '- { id: boiler-1, type: gas_boiler, capacity_kW: 3000, efficiency: 0.9 }\n');
  expect(await main(['simulate', '--run', dir, '--weather', weather, '--plants', plants, '--ground-c', String(net.properties.ground_C), '--quiet'])).toBe(0);
  const a = JSON.parse(await readFile(join(dir, 'sim.json'), 'utf8')).cases[0].networks[0].annual;
  // the route's model on the figures network.geojson holds
  let mains = 0, service = 0;
  for (const f of net.features) {
    if (f.properties.kind === 'pipe') mains += f.properties.length_m * f.properties.loss_W_per_m;
    if (f.properties.kind === 'service' && f.properties.loss_W_per_m !== undefined) service += f.properties.length_m * f.properties.loss_W_per_m;
  }
  const expected = ((mains + service) * heat.equivalentHours_h) / 1e6;
  // sim.json rounds to 0.001 MWh
  expect(Math.abs(a.losses_MWh - expected)).toBeLessThan(1e-6 * expected + 0.0005);
  expect(Math.abs(a.serviceLosses_MWh - (service * heat.equivalentHours_h) / 1e6)).toBeLessThan(1e-6 * expected + 0.0005);
  // against the route's own (unrounded) total: within network.geojson's rounding of W/m to 0.01
  expect(Math.abs(a.losses_MWh - heat.loss_MWh_a) / heat.loss_MWh_a).toBeLessThan(1e-3);
  // the curve lowers the losses against a constant 80 °C supply: the test can tell whether the curve is used
  expect(heat.equivalentHours_h).toBeLessThan(8760 - 100);
}, 120_000);
