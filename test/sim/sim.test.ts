/** Simulation core on hand-made inputs whose results can be computed by hand (no real data needed). */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { weatherFromArray, type Weather } from '../../engine/io/weather.js';
import type { UseProfiles } from '../../engine/demand/profiles.js';
import { greenhouseLoadKw } from '../../engine/sim/greenhouse.js';
import { criticalPathM, pipeLossWPerM } from '../../engine/sim/losses.js';
import type { SimNetwork, SimPipe } from '../../engine/sim/network-input.js';
import { heatPumpCop, type PlantSpec } from '../../engine/sim/plants.js';
import { parseScenario, runScenario } from '../../engine/sim/scenario.js';
import { simulateNetwork } from '../../engine/sim/simulate.js';
import { Warnings } from '../../engine/util/warnings.js';

const H = 8760;
/** Weather: constant air temperature, constant ground. */
const flatWeather = (airC: number, groundC = 10): Weather => weatherFromArray(new Float64Array(H).fill(airC), { groundC });
/** A profile that puts `day` share on 08-19 h and `night` share on the other hours, every day (sums to 1). */
function dayNightProfile(dayWeight: number, nightWeight: number): Float64Array {
  const p = new Float64Array(H);
  for (let h = 0; h < H; h++) p[h] = h % 24 >= 8 && h % 24 < 20 ? dayWeight : nightWeight;
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
}
const flat = () => new Float64Array(H).fill(1 / H);
const profiles = (m: Record<string, Omit<UseProfiles, 'cooling'>>): Map<string, UseProfiles> =>
  new Map(Object.entries(m).map(([k, v]) => [k, { cooling: new Float64Array(H), ...v }]));
const net = (consumers: SimNetwork['consumers'], pipes: SimPipe[] = []): SimNetwork => ({ id: 'n', file: 'test', consumers, pipes, plants: [] });

describe('seed 003 constant-output boiler', () => {
  // demand 100 kW by day (12 h), 40 kW by night (12 h): annual = 365 x (1200 + 480) kWh = 613.2 MWh
  const use = profiles({ town: { spaceHeat: dayNightProfile(100, 40), hotWater: flat() } });
  const consumers = [{ id: 'a', use: 'town', spaceHeatMWh: 613.2, hotWaterMWh: 0, peakKw: 100 }];
  const boiler: PlantSpec = { id: 'B', type: 'biomass', capacityKw: 450, fuel: 'wood_chip', mode: 'constant', constantKw: 80, efficiency: 0.8 };

  it('gives the surplus and kerosene of the hand calculation', () => {
    const r = simulateNetwork(net(consumers), flatWeather(0), [boiler], { useProfiles: use, backup: { fuel: 'kerosene', efficiency: 0.85 }, auxiliaries: 'none', nonFossil: 'counted' });
    // night: 80 - 40 = 40 kW surplus x 12 h; day: 100 - 80 = 20 kW kerosene heat x 12 h
    expect(r.annual.surplus_MWh).toBeCloseTo((365 * 12 * 40) / 1000, 6);
    expect(r.annual.surplus_MJ_per_day).toBeCloseTo(12 * 40 * 3.6, 6);
    expect(r.annual.backup_MWh).toBeCloseTo((365 * 12 * 20) / 1000, 6);
    expect(r.annual.backupFuel_MJ_per_day).toBeCloseTo((12 * 20 * 3.6) / 0.85, 6);
    expect(r.annual.backupKerosene_L).toBeCloseTo((365 * 12 * 20 * 3.6) / 0.85 / 36.7, 4);
    expect(r.annual.backupHours).toBe(365 * 12);
    expect(r.annual.unmetHours).toBe(0);
    expect(r.plants[0].heat_MWh).toBeCloseTo((80 * H) / 1000, 6);
    expect(r.plants[0].fullLoadHours).toBeCloseTo((80 * H) / 450, 6);
    // the plant's factor (告示 265): wood at 0.8 counted 1:1 (convention "counted"), over the heat the network sells:
    // demand minus the kerosene heaters' heat (no pipes: no losses, no pumping); the heaters are reported apart
    const pe = (80 * H * 3.6) / 0.8;
    const sold = 613.2 - (365 * 12 * 20) / 1000;
    expect(r.annual.heatSold_MWh).toBeCloseTo(sold, 9);
    expect(r.annual.primaryEnergy_GJ * 1000).toBeCloseTo(pe, 3);
    expect(r.annual.primaryEnergyFactor).toBeCloseTo(pe / (sold * 3600), 9);
    expect(r.annual.individual!.primaryEnergy_GJ * 1000).toBeCloseTo((365 * 12 * 20 * 3.6) / 0.85, 3);
    expect(r.annual.co2_t * 1000).toBeCloseTo(((365 * 12 * 20 * 3.6) / 0.85) * (2.49 / 36.7), 3);
  });

  it('defaults the constant output to the peak load when not given', () => {
    const r = simulateNetwork(net(consumers), flatWeather(0), [{ ...boiler, constantKw: undefined }], { useProfiles: use });
    expect(r.parameters.constantKw.B).toBeCloseTo(100, 9);
    expect(r.annual.backup_MWh).toBe(0);
  });

  it('adding a night-time greenhouse load lowers surplus', () => {
    const w = flatWeather(-5);
    const yaml = `
cases:
  - { id: "0" }
  - id: "1"
    addConsumers: [{ id: GH, area_m2: 240, attachTo: a }]
`;
    const sc = parseScenario(yaml, 'inline.yaml');
    const [c0, c1] = runScenario(sc, 'inline.yaml', [net(consumers)], w, [boiler], { useProfiles: use, backup: { fuel: 'kerosene', efficiency: 0.85 } });
    expect(c1.surplus_MWh).toBeLessThan(c0.surplus_MWh);
    expect(c1.surplusChangePct).toBeLessThan(0);
    // the greenhouse's night load, capped per day: hand value
    const gh = greenhouseLoadKw(w, 240);
    const night = (240 * 5.6 * 20) / 1000; // kW at -5 °C, 15 °C inside
    const cap = (240 * 1.9 * 20 * 24) / 1000; // kWh/day
    const perDay = Math.min(night * 15, cap);
    expect(gh.slice(0, 24).reduce((a, b) => a + b, 0)).toBeCloseTo(perDay, 9);
    expect(gh[12]).toBe(0);
    // surplus falls by what the greenhouse takes at night, up to the night surplus (40 kW)
    const perHour = perDay / 15;
    const nightHoursWithSurplus = 12; // 20-07 h; 17-19 h are day hours without surplus
    const taken = Math.min(perHour, 40) * nightHoursWithSurplus;
    expect(c0.surplus_MWh - c1.surplus_MWh).toBeCloseTo((365 * taken) / 1000, 6);
  });
});

describe('energy balance', () => {
  it('delivered + losses + surplus = produced + storage out - storage in, every hour; backup = unmet demand', () => {
    const air = new Float64Array(H);
    for (let h = 0; h < H; h++) air[h] = 5 - 15 * Math.cos((2 * Math.PI * h) / H) + 4 * Math.sin((2 * Math.PI * h) / 24);
    const w = weatherFromArray(air);
    const degreeHours = Float64Array.from(air, (t) => Math.max(0.01, 18 - t));
    const dhSum = degreeHours.reduce((x, y) => x + y, 0);
    degreeHours.forEach((v, i) => (degreeHours[i] = v / dhSum));
    const use = profiles({
      house: { spaceHeat: degreeHours, hotWater: dayNightProfile(2, 1) },
    });
    const pipes: SimPipe[] = [
      { id: 'p1', from: 'a', to: 'b', lengthM: 400, dn: 80, lossWPerM: 20, peakKw: 500 },
      { id: 'p2', from: 'b', to: 'c', lengthM: 300, dn: 50, lossWPerM: 17, peakKw: 200 },
    ];
    const plants: PlantSpec[] = [
      { id: 'wood', type: 'biomass', capacityKw: 150, fuel: 'wood_chip', minLoadFraction: 0.4 },
      { id: 'hp', type: 'heat_pump', capacityKw: 80, fuel: 'electricity', source: 'air' },
      { id: 'tank', type: 'storage', capacityKw: 60, fuel: 'none', capacityKwh: 400, lossPerHour: 0.002 },
      { id: 'gas', type: 'gas_boiler', capacityKw: 60, fuel: 'gas' },
    ];
    const r = simulateNetwork(net([{ id: 'h', use: 'house', spaceHeatMWh: 1500, hotWaterMWh: 200, peakKw: 500 }], pipes), w, plants, { useProfiles: use });
    const x = r.hourly;
    let maxErr = 0, backupErr = 0;
    for (let h = 0; h < H; h++) {
      maxErr = Math.max(maxErr, Math.abs(x.deliveredKw[h] + x.lossesKw[h] + x.surplusKw[h] - (x.producedKw[h] + x.storageOutKw[h] - x.storageInKw[h])));
      let plantSum = 0;
      for (const [id, v] of Object.entries(x.plantKw)) if (id !== 'tank') plantSum += v[h];
      // backup covers exactly what plants and storage left of the load
      backupErr = Math.max(backupErr, Math.abs(x.backupKw[h] - Math.max(0, x.demandKw[h] + x.lossesKw[h] - plantSum - x.storageOutKw[h] + x.storageInKw[h] + x.surplusKw[h])));
    }
    expect(maxErr).toBeLessThan(1e-9);
    expect(backupErr).toBeLessThan(1e-9);
    expect(r.annual.unmetHours).toBe(0);
    expect(r.annual.backup_MWh).toBeGreaterThan(0); // 290 kW of plants against a ~500 kW peak
    expect(r.annual.heatDelivered_MWh).toBeCloseTo(1700, 6); // annual sum preserved
    expect(r.annual.surplus_MWh).toBeGreaterThan(0); // the wood boiler's minimum load in summer
    expect(r.annual.storageOut_MWh).toBeGreaterThan(0);
    // losses: (60 - ground) / (60 - 10) x design loss
    const design = (400 * 20 + 300 * 17) / 1000;
    expect(x.lossesKw[0]).toBeCloseTo((design * (60 - w.groundC[0])) / 50, 9);
    expect(r.annual.pumping_kWh).toBeGreaterThan(0);
  });

  it('without backup, the shortfall is unmet and counted', () => {
    const warnings = new Warnings();
    const use = profiles({ u: { spaceHeat: flat(), hotWater: flat() } });
    const r = simulateNetwork(net([{ id: 'a', use: 'u', spaceHeatMWh: 876, hotWaterMWh: 0, peakKw: 100 }]), flatWeather(0), [{ id: 'g', type: 'gas_boiler', capacityKw: 60, fuel: 'gas' }], { useProfiles: use, backup: { enabled: false }, warnings });
    expect(r.annual.unmetHours).toBe(H);
    expect(r.annual.unmet_MWh).toBeCloseTo(0.04 * H, 6);
    expect(r.annual.heatDelivered_MWh).toBeCloseTo(0.06 * H, 6);
    expect(warnings.count('plants-too-small')).toBe(1);
  });
});

describe('primary energy factor', () => {
  const use = profiles({ u: { spaceHeat: dayNightProfile(3, 1), hotWater: flat() } });
  const c = [{ id: 'a', use: 'u', spaceHeatMWh: 500, hotWaterMWh: 0, peakKw: 100 }];
  it('gas boiler of efficiency 0.9: factor 1/0.9', () => {
    const r = simulateNetwork(net(c), flatWeather(0), [{ id: 'g', type: 'gas_boiler', capacityKw: 1000, fuel: 'gas', efficiency: 0.9 }], { useProfiles: use, auxiliaries: 'none' });
    expect(r.annual.primaryEnergyFactor).toBeCloseTo(1 / 0.9, 12);
    expect(r.annual.copPrimary).toBeCloseTo(0.9, 12);
    expect(r.plants[0].fuelUnits).toBeCloseTo((500 * 3600) / 0.9 / 45, 6);
    expect(r.annual.co2_t).toBeCloseTo(((500 * 3600) / 0.9) * (2.29 / 45) / 1000, 9);
  });
  it('sewage heat pump at a fixed source temperature: factor = e / (3.6 COP), with 9.76 or 8.64 MJ/kWh', () => {
    const cop = heatPumpCop(70, 15, 0.5);
    expect(cop).toBeCloseTo((0.5 * 343.15) / 55, 12);
    for (const e of [9.76, 8.64]) {
      const r = simulateNetwork(net(c), flatWeather(0), [{ id: 'hp', type: 'heat_pump', capacityKw: 1000, fuel: 'electricity', source: 'sewage', sourceC: 15 }], { useProfiles: use, electricityPrimaryMjPerKwh: e, auxiliaries: 'none' });
      expect(r.annual.primaryEnergyFactor).toBeCloseTo(e / 3.6 / cop, 12);
      expect(r.plants[0].meanCop).toBeCloseTo(cop, 9);
    }
  });
});

describe('pipes', () => {
  it('THERMOS loss fit gives the METHODS.md values at dT 50 K', () => {
    expect(pipeLossWPerM(50, 50)).toBeCloseTo(17.7, 0);
    expect(pipeLossWPerM(100, 50)).toBeCloseTo(23.5, 0);
    expect(pipeLossWPerM(200, 50)).toBeCloseTo(29.3, 0);
  });
  it('critical path is the longest route from the root', () => {
    const p = (id: string, from: string, to: string, lengthM: number, peakKw: number): SimPipe => ({ id, from, to, lengthM, dn: 50, lossWPerM: 10, peakKw });
    expect(criticalPathM([p('1', 'r', 'a', 100, 500), p('2', 'a', 'b', 50, 200), p('3', 'a', 'c', 120, 250)])).toBe(220);
  });
});

describe('bad input', () => {
  it('a network without consumers is an InputError naming the network', () => {
    expect(() => simulateNetwork(net([]), flatWeather(0), [], {})).toThrow(InputError);
    try {
      simulateNetwork(net([]), flatWeather(0), [], {});
    } catch (e) {
      expect((e as InputError).code).toBe('network-no-consumers');
    }
  });
  it('scenario errors name the file and key', () => {
    expect(() => parseScenario('cases:\n  - id: "0"\n    removeConsumer: [x]\n', 's.yaml')).toThrow(/s\.yaml: record cases\.0/);
    expect(() => parseScenario('cases:\n  - id: "0"\n  - id: "1"\n    extends: ["9"]\n', 's.yaml')).toThrow(/extends/);
    expect(() => parseScenario('cases: [', 's.yaml')).toThrow(/YAML/);
    const sc = parseScenario('cases:\n  - id: "0"\n    removeConsumers: [nobody]\n', 's.yaml');
    const use = profiles({ u: { spaceHeat: flat(), hotWater: flat() } });
    expect(() => runScenario(sc, 's.yaml', [net([{ id: 'a', use: 'u', spaceHeatMWh: 1, hotWaterMWh: 0, peakKw: 1 }])], flatWeather(0), [], { useProfiles: use })).toThrow(/removeConsumers.*nobody/);
  });
});
