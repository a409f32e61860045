/**
 * The simulate stage runs seed 000's grid outage (issue 19 item 2) when the run has platform.json and a network with
 * CHP or storage: platform.json gains `resilience` (next to what the potential stage wrote), manifest.sim the counts,
 * the tank's energy comes from sim.json's capacity_kWh. Without platform.json, or without CHP and storage, nothing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tankWaterM3 } from '../../engine/platform/resilience.js';
import { runSimulateStage } from '../../engine/sim/run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-res-stage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fixture = join(__dirname, '..', 'fixtures', 'sim', 'network.geojson');
const profiles = join(__dirname, '..', '..', 'datasets', 'profiles');
// a cold year: -5 °C in January, +15 °C in July (CSV timestep,temperature)
const weatherFile = join(tmp, 'year.csv');
writeFileSync(weatherFile, 'timestep,temperature\n' + Array.from({ length: 8760 }, (_, h) => `${h},${(5 - 10 * Math.cos((2 * Math.PI * h) / 8760)).toFixed(3)}`).join('\n') + '\n');

function run(name: string, platform: boolean): string {
  const dir = join(tmp, name);
  const now = new Date().toISOString();
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ heatplan: { version: 'test' }, created: now, updated: now, inputs: [], stages: ['route'] }));
  copyFileSync(fixture, join(dir, 'network.geojson'));
  if (platform) writeFileSync(join(dir, 'platform.json'), JSON.stringify({ critical: { facilities: [{ id: 'B-kindergarten', role: 'shelter' }, { id: 'B-office', role: 'city hall' }] }, guidelines: { kept: true } }));
  return dir;
}
const plantsFile = (name: string, yaml: string) => {
  const f = join(tmp, name);
  writeFileSync(f, yaml);
  return f;
};
const CHP_TANK = plantsFile('chp.yaml', [
  '- { id: chp-1, type: chp, capacity_kW: 500, efficiency: 0.45, electricEfficiency: 0.35 }',
  '- { id: tank-1, type: storage, capacity_kW: 200, capacity_kWh: 1500 }',
  '- { id: boiler-1, type: gas_boiler, capacity_kW: 400, efficiency: 0.9 }',
].join('\n') + '\n');
const BOILER = plantsFile('boiler.yaml', '- { id: boiler-1, type: gas_boiler, capacity_kW: 900, efficiency: 0.9 }\n');

describe('simulate stage: the grid outage', () => {
  it('with platform.json and CHP + storage: platform.json resilience, manifest.sim counts, tank kWh from sim.json', async () => {
    const dir = run('chp', true);
    const r = await runSimulateStage({ runDir: dir, weatherPath: weatherFile, plantsPath: CHP_TANK, profiles: { profilesDir: profiles }, resilience: { hours: 48, startHour: 24 } });
    const sim = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8'));
    expect(sim.cases[0].networks[0].plants.find((p: { id: string }) => p.id === 'tank-1').capacity_kWh).toBe(1500);
    const p = JSON.parse(readFileSync(join(dir, 'platform.json'), 'utf8'));
    expect(p.guidelines).toEqual({ kept: true });
    expect(p.critical.facilities).toHaveLength(2);
    expect(p.resilience.outage).toMatchObject({ startHour: 24, hours: 48 });
    const n = p.resilience.networks[0];
    expect(n.chp).toBe(true);
    expect(n.storage.energy_kWh).toBe(1500);
    expect(n.storage.water_m3).toBeCloseTo(tankWaterM3(1500, 20), 9);
    expect(n.facilities.map((f: { id: string }) => f.id).sort()).toEqual(['B-kindergarten', 'B-office']);
    // gas keeps flowing (the module's default): the CHP powers the pumps every hour, and its 500 kW plus the tank
    // cover two facilities' share of the demand plus the losses in January
    expect(n.pumpedHours).toBe(48);
    expect(n.facilities.every((f: { heatHours: number }) => f.heatHours === 48)).toBe(true);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.sim.resilience).toEqual({
      file: 'platform.json', outage_h: 48, startHour: 24, networks: 1, facilities: 2, facilitiesHeatedThroughout: 2,
      pumpedHoursMin: 48, pumpedHoursMax: 48, storage_kWh: 1500, storageWater_m3: Math.round(tankWaterM3(1500, 20) * 1000) / 1000,
    });
    expect(r.summary.resilience?.facilities).toBe(2);
  });

  it('no CHP or storage, or no platform.json: no outage run, platform.json untouched', async () => {
    const dir = run('boiler', true);
    const before = readFileSync(join(dir, 'platform.json'), 'utf8');
    const r = await runSimulateStage({ runDir: dir, weatherPath: weatherFile, plantsPath: BOILER, profiles: { profilesDir: profiles } });
    expect(r.summary.resilience).toBeUndefined();
    expect(readFileSync(join(dir, 'platform.json'), 'utf8')).toBe(before);
    const dir2 = run('noplatform', false);
    const r2 = await runSimulateStage({ runDir: dir2, weatherPath: weatherFile, plantsPath: CHP_TANK, profiles: { profilesDir: profiles } });
    expect(r2.summary.resilience).toBeUndefined();
    expect(existsSync(join(dir2, 'platform.json'))).toBe(false);
  });

  it('an outage start beyond the year is an error naming the value, and nothing is written', async () => {
    const dir = run('badstart', true);
    await expect(runSimulateStage({ runDir: dir, weatherPath: weatherFile, plantsPath: CHP_TANK, profiles: { profilesDir: profiles }, resilience: { startHour: 9000 } })).rejects.toMatchObject({ code: 'sim-bad-outage-start', value: 9000 });
    expect(existsSync(join(dir, 'sim.json'))).toBe(false);
  });
});
