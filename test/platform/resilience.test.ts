/**
 * Resilience in a grid outage (issue 19): a CHP, a storage tank and an electric heat pump serving a hospital and a
 * shelter, hour by hour against a hand calculation; the pumps without CHP power; tank water volume; and the same
 * through the run folder's files (sim.json, hourly.csv, network.geojson, platform.json) read by engine/run/read.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outageSupply, resilienceOfRun, tankWaterM3, writeResilience, type OutagePlant } from '../../engine/platform/resilience.js';
import { RunTransaction, withRun } from '../../engine/io/run-folder.js';
import { readFileSync } from 'node:fs';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-resilience-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const flat = (v: number, n = 4) => new Array(n).fill(v);

const PLANTS: OutagePlant[] = [
  { id: 'chp', type: 'chp', fuel: 'gas', capacityKw: 100, powerPerHeat: 0.8 },
  { id: 'tank', type: 'storage', fuel: 'none', capacityKw: 50, storageKwh: 120 },
  { id: 'hp', type: 'heat_pump', fuel: 'electricity', capacityKw: 200 },
];
const FACILITIES = [
  { id: 'hospital', role: 'hospital or welfare facility', priority: 0, demandKw: flat(80) },
  { id: 'shelter', role: 'shelter', priority: 2, demandKw: flat(60) },
];

describe('outageSupply: a 4 h outage checked by hand', () => {
  it('CHP 100 kW + tank 120 kWh at 50 kW; need 80 + 60 + 10 kW losses; the heat pump stops', () => {
    const r = outageSupply(PLANTS, FACILITIES, flat(10), flat(5));
    // h1, h2: CHP 100 + tank 50 = 150 = need; h3: tank has 20 left: 120 - 10 losses = 110: hospital 80, shelter 30;
    // h4: CHP alone 100 - 10 = 90: hospital 80, shelter 10
    expect(r.facilities).toEqual([
      { id: 'hospital', role: 'hospital or welfare facility', heatHours: 4, powerHours: 4, unmet_kWh: 0 },
      { id: 'shelter', role: 'shelter', heatHours: 2, powerHours: 4, unmet_kWh: 30 + 50 },
    ]);
    expect(r.storageUsed_kWh).toBe(120);
    expect(r.pumpedHours).toBe(4);
    // CHP power 100 kW x 0.8 = 80 kW, less 5 kW of pumps
    expect(r.spareKw).toEqual([75, 75, 75, 75]);
    expect(r.fuelUsed_kWh.gas).toBe(400);
  });
  it('without CHP the pumps have no power: nothing is delivered, whatever the boilers and the tank hold', () => {
    const r = outageSupply([{ id: 'boiler', type: 'gas_boiler', fuel: 'gas', capacityKw: 500 }, PLANTS[1]!], FACILITIES, flat(10), flat(5));
    expect(r.facilities.map((f) => f.heatHours)).toEqual([0, 0]);
    expect(r.pumpedHours).toBe(0);
    expect(r.storageUsed_kWh).toBe(0);
  });
  it('fuel as stocked: a kerosene boiler with 2 h of stock beside the CHP; gas cut off stops the CHP', () => {
    const plants: OutagePlant[] = [PLANTS[0]!, { id: 'k', type: 'kerosene_boiler', fuel: 'kerosene', capacityKw: 50 }];
    const r = outageSupply(plants, FACILITIES, flat(10), flat(5), { fuelStockHours: { kerosene: 2 } });
    // kerosene stock = 2 h x 50 kW = 100 kWh: 50 kW in h1 and h2, none after
    expect(r.fuelUsed_kWh.kerosene).toBe(100);
    expect(r.facilities.map((f) => f.heatHours)).toEqual([4, 2]);
    const off = outageSupply(plants, FACILITIES, flat(10), flat(5), { fuelStockHours: { gas: 0, kerosene: 2 } });
    expect(off.pumpedHours).toBe(0);
  });
  it('tank water: 1,000 kWh at 30 K = 28.667 m³', () => {
    expect(tankWaterM3(1000, 30)).toBeCloseTo(3_600_000 / (4.186 * 30) / 1000, 12);
    expect(tankWaterM3(1000, 30)).toBeCloseTo(28.667, 3);
  });
});

describe('resilienceOfRun on a hand-made run folder', () => {
  it('reads sim.json, hourly.csv, network.geojson and platform.json; tolerates the fields sim.json lacks', async () => {
    const run = join(tmp, 'run');
    // a run folder with a manifest (as a demand stage leaves it), then the simulation's files by hand
    await withRun(await RunTransaction.create(run), async (tx) => {
      tx.manifest.crs = { code: 'EPSG:6680', name: 'EPSG:6680' };
      tx.setStage('demand', {});
    });
    // a year of 8 hours for brevity: demand 140 kW flat, so a facility's share is its annual heat / the year's
    const H = 8;
    const rows = ['hour,month,day,hourOfDay,air_C,ground_C,demand_kW,losses_kW,pump_kW'];
    for (let h = 0; h < H; h++) rows.push(`${h},1,1,${h},-5,5,140,10,5`);
    writeFileSync(join(run, 'hourly.csv'), rows.join('\n') + '\n');
    writeFileSync(join(run, 'sim.json'), JSON.stringify({
      weather: { hours: H }, summary: {}, warnings: [],
      cases: [{ id: 'case-0', networks: [{ network: 'net-1', parameters: { supplyC: 80, returnC: 50 }, plants: [
        { id: 'chp', type: 'chp', fuel: 'gas', capacity_kW: 100, heat_MWh: 1, electricityOut_kWh: 800 },
        { id: 'tank', type: 'storage', fuel: 'none', capacity_kW: 50, heat_MWh: 0 },
      ] }] }],
    }));
    // annual heat of the facilities over the 8-hour year: 80 kW x 8 h = 0.64 MWh, 60 kW x 8 h = 0.48 MWh
    const consumer = (id: string, heat: number) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { kind: 'consumer', id, heat_MWh: heat, peak_kW: 1, service_m: 1, branch: 0 } });
    writeFileSync(join(run, 'network.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [consumer('hospital', 0.64), consumer('shelter', 0.48), consumer('shop', 0.0)] }));
    writeFileSync(join(run, 'platform.json'), JSON.stringify({ critical: { facilities: [{ id: 'hospital', role: 'hospital or welfare facility' }, { id: 'shelter', role: 'shelter' }] } }));
    const r = await resilienceOfRun(run, { hours: 4, storageKwh: { tank: 120 } });
    const n = r.networks[0]!;
    // demand 140 kW x 0.64 MWh / (140 x 8 kWh) = 80 kW, 60 kW: the hand case above
    expect(n.facilities.map((f) => [f.id, f.heatHours, f.powerHours])).toEqual([['hospital', 4, 4], ['shelter', 2, 4]]);
    expect(n.facilities[1]!.unmet_kWh).toBeCloseTo(80, 9);
    expect(n.storage).toEqual({ energy_kWh: 120, water_m3: tankWaterM3(120, 30), dT_K: 30 });
    expect(n.chp).toBe(true);
    expect(r.outage.fuelStockHours_h).toEqual({ gas: 'unlimited' });
    // without the tank's energy (sim.json does not carry it) the shelter is short from the first hour
    const r0 = await resilienceOfRun(run, { hours: 4 });
    expect(r0.networks[0]!.facilities.map((f) => f.heatHours)).toEqual([4, 0]);
    // written into platform.json beside what the potential stage wrote there
    await writeResilience(run, { hours: 4, storageKwh: { tank: 120 } });
    const p = JSON.parse(readFileSync(join(run, 'platform.json'), 'utf8'));
    expect(p.critical.facilities).toHaveLength(2);
    expect(p.resilience.networks[0].facilities.map((f: { heatHours: number }) => f.heatHours)).toEqual([4, 2]);
  });
});
