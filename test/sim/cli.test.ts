/** `heatplan simulate` end to end on the fixture network with the Kitami HASP file and a seed-003 scenario. */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { data, describeData } from '../helpers/data.js';

const fixture = (f: string) => join(__dirname, '..', 'fixtures', 'sim', f);

function runFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-sim-'));
  const now = new Date().toISOString();
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ heatplan: { version: 'test' }, created: now, updated: now, inputs: [], stages: ['route'] }));
  copyFileSync(fixture('network.geojson'), join(dir, 'network.geojson'));
  return dir;
}

describeData('heatplan simulate', () => {
  it('writes sim.json, hourly.csv and the manifest summary; greenhouse lowers surplus', async () => {
    const dir = runFolder();
    const code = await main(['simulate', '--run', dir, '--weather', data('weather/0868195.has'), '--scenario', fixture('scenario.yaml'), '--profiles', data('profiles'), '--quiet']);
    expect(code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.stages).toContain('sim');
    for (const k of ['heatDelivered_MWh', 'produced_MWh', 'losses_MWh', 'surplus_MWh', 'backup_MWh', 'primaryEnergy_GJ', 'primaryEnergyFactor', 'co2_t', 'unmetHours']) expect(m.sim[k]).toBeTypeOf('number');
    // annual demand of the fixture's three consumers is preserved
    expect(m.sim.heatDelivered_MWh).toBeCloseTo(320 + 260 + 210, 2);
    expect(m.sim.produced_MWh).toBeCloseTo(m.sim.heatDelivered_MWh + m.sim.losses_MWh + m.sim.surplus_MWh, 1);
    const sim = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8'));
    expect(sim.cases.map((c: { id: string }) => c.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(sim.cases[1].surplusChangePct).toBeLessThan(0);
    expect(sim.cases[0].networks[0].monthly.heatDelivered_MWh).toHaveLength(12);
    expect(sim.cases[0].networks[0].parameters.constantKw.P1).toBe(250);
    const csv = readFileSync(join(dir, 'hourly.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(8761);
    expect(csv[0]).toContain('0:produced_kW');
  });

  it('bad input exits non-zero and leaves no sim outputs', async () => {
    const dir = runFolder();
    const w = join(dir, '..', `short-${Date.now()}.csv`);
    writeFileSync(w, 'temperature\n1\n2\n3\n');
    expect(await main(['simulate', '--run', dir, '--weather', w, '--quiet'])).toBe(1);
    expect(existsSync(join(dir, 'sim.json'))).toBe(false);
    const bad = join(dir, '..', `bad-${Date.now()}.yaml`);
    writeFileSync(bad, 'cases:\n  - id: "0"\n    plants: [{ id: P1, capacity_kW: -5 }]\n');
    expect(await main(['simulate', '--run', dir, '--weather', data('weather/0868195.has'), '--scenario', bad, '--profiles', data('profiles'), '--quiet'])).toBe(1);
  });
});
