/**
 * Issue 12: the plant's primary energy factor as 告示 265 defines it (HHV fuels, electricity 9.76 / 8.64, heat sold at
 * the meters), builelib machine curves, cold, heat-recovery heat pumps, storage schedules, the individual-supply
 * reference, and bad plant input. Hand-made inputs with hand-computed answers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { weatherFromArray, type Weather } from '../../engine/io/weather.js';
import type { UseProfiles } from '../../engine/demand/profiles.js';
import { findBuilelibType, partLoadRatio, supplyTempRatio, temperatureRatio, wetBulbC } from '../../engine/sim/curves.js';
import { auxiliaryRatios } from '../../engine/sim/machines.js';
import type { SimNetwork, SimPipe } from '../../engine/sim/network-input.js';
import { plantFromRecord, plantRecordSchema, type PlantSpec } from '../../engine/sim/plants.js';
import { readPlantsFile } from '../../engine/sim/run.js';
import { simulateNetwork } from '../../engine/sim/simulate.js';
import { Warnings } from '../../engine/util/warnings.js';

const H = 8760;
const weather = (airC: number, groundC = 10, climateRegion = 6): Weather => ({ ...weatherFromArray(new Float64Array(H).fill(airC), { groundC }), climateRegion });
const flat = () => new Float64Array(H).fill(1 / H);
const zeros = () => new Float64Array(H);
const use = (cooling = zeros()): Map<string, UseProfiles> => new Map([['u', { spaceHeat: flat(), hotWater: flat(), cooling }]]);
const net = (consumers: SimNetwork['consumers'], pipes: SimPipe[] = []): SimNetwork => ({ id: 'n', file: 'test', consumers, pipes, plants: [] });
const plant = (rec: Record<string, unknown>, file = 'plants.yaml'): PlantSpec => plantFromRecord(plantRecordSchema.parse(rec), file, 'plants.0');
const aux = (key: string, side: 'heat' | 'cold') => auxiliaryRatios().find((a) => a.key === key && a.side === side)!.ratio;

describe('the factor as 告示 265 defines it', () => {
  it('one gas boiler with a flat builelib curve: factor = 1/eta_HHV x (1 + losses/sold) + pump and auxiliary terms, to 1e-9', () => {
    // 温水発生機(都市ガス): capacity and input ratio 1, part-load input = load ratio (from 0.1), no supply-temperature effect
    const b = findBuilelibType('温水発生機(都市ガス)')!;
    expect(temperatureRatio(b.heating!.capacity, -5)).toBe(1);
    expect(partLoadRatio(b.heating!.partLoad, 0.45, 0)).toBeCloseTo(0.45, 15);
    const eta = 0.86, cap = 1000, demandKw = 450, e = 9.76;
    const pipes: SimPipe[] = [
      { id: 'p1', from: 'a', to: 'b', lengthM: 500, dn: 100, lossWPerM: 20, peakKw: 450 },
      { id: 'p2', from: 'b', to: 'c', lengthM: 200, dn: 50, lossWPerM: 15, peakKw: 150 },
    ];
    const w = weather(0, 8);
    const r = simulateNetwork(net([{ id: 'a', use: 'u', spaceHeatMWh: (demandKw * H) / 1000, hotWaterMWh: 0, peakKw: demandKw }], pipes), w,
      [plant({ id: 'g', type: 'HotWaterGenerator_CityGas', capacity_kW: cap, efficiency: eta })], { useProfiles: use() });
    // conduit: design loss x (60 - 8) / (60 - 10) every hour
    const lossKw = ((500 * 20 + 200 * 15) / 1000) * (52 / 50);
    const sold = demandKw; // no individual heaters: the boiler covers demand + losses
    // network pumps: flat flow = design flow every hour; dp = 100 Pa/m x 2 x 700 m critical path, eta 0.6
    const flowM3s = ((demandKw + lossKw) * 1000) / (4180 * 980 * 20);
    const pumpKw = (flowM3s * 100 * 2 * 700) / 0.6 / 1000;
    // auxiliaries (builelib sample ratios): 補機 x max(0.3, load ratio) + primary pump, the boiler runs every hour
    const l = (demandKw + lossKw) / cap;
    const auxKw = aux('auxiliary', 'heat') * cap * Math.max(0.3, l) + aux('primaryPump', 'heat') * cap;
    const expected = (1 / eta) * (1 + lossKw / sold) + (e * (pumpKw + auxKw)) / (3.6 * sold);
    expect(r.annual.primaryEnergyFactor).toBeCloseTo(expected, 9);
    expect(r.factor.heat.factor).toBeCloseTo(expected, 9);
    // the term by term sum is the numerator
    const terms = r.factor.terms.reduce((s, t) => s + t.primary_GJ, 0);
    expect(terms).toBeCloseTo(r.factor.heat.primary_GJ, 9);
    expect(r.factor.heat.sold_GJ).toBeCloseTo((demandKw * H * 3.6) / 1000, 6);
    // the fuel on HHV: 45 MJ/Nm3 city gas
    expect(r.plants[0].fuelUnits).toBeCloseTo((((demandKw + lossKw) * H * 3.6) / eta) / 45, 3);
    // with 8.64 the electric terms scale
    const r2 = simulateNetwork(net([{ id: 'a', use: 'u', spaceHeatMWh: (demandKw * H) / 1000, hotWaterMWh: 0, peakKw: demandKw }], pipes), w,
      [plant({ id: 'g', type: 'HotWaterGenerator_CityGas', capacity_kW: cap, efficiency: eta })], { useProfiles: use(), electricityPrimaryMjPerKwh: 8.64 });
    expect(r2.annual.primaryEnergyFactor).toBeCloseTo((1 / eta) * (1 + lossKw / sold) + (8.64 * (pumpKw + auxKw)) / (3.6 * sold), 9);
  });

  it('network pumping follows the route stage\'s pump head where network.geojson gives it', () => {
    const pipes: SimPipe[] = [{ id: 'p1', from: 'a', to: 'b', lengthM: 500, dn: 100, lossWPerM: 20, peakKw: 450 }];
    const n = { ...net([{ id: 'a', use: 'u', spaceHeatMWh: (300 * H) / 1000, hotWaterMWh: 0, peakKw: 300 }], pipes), pumping: { heat: { headPa: 400_000, efficiency: 0.7 } } };
    const r = simulateNetwork(n, weather(0, 10), [{ id: 'g', type: 'gas_boiler', capacityKw: 1000, fuel: 'gas', efficiency: 0.9 }], { useProfiles: use(), auxiliaries: 'none' });
    const loss = (500 * 20) / 1000; // ground at the design 10 °C
    const flow = ((300 + loss) * 1000) / (4180 * 980 * 20);
    expect(r.parameters.designPressurePa).toBe(400_000);
    expect(r.annual.pumping_kWh).toBeCloseTo(((flow * 400_000) / 0.7 / 1000) * H, 6);
  });

  it('individual kerosene heaters are reported as what they are, never in the plant factor', () => {
    // a 60 kW boiler (eta 0.9, no auxiliaries) against 100 kW: 40 kW from the heaters every hour
    const r = simulateNetwork(net([{ id: 'a', use: 'u', spaceHeatMWh: 876, hotWaterMWh: 0, peakKw: 100 }]), weather(0),
      [{ id: 'g', type: 'gas_boiler', capacityKw: 60, fuel: 'gas', efficiency: 0.9 }], { useProfiles: use(), auxiliaries: 'none', backup: { fuel: 'kerosene', efficiency: 0.85 } });
    expect(r.annual.heatSold_MWh).toBeCloseTo(0.06 * H, 9);
    expect(r.annual.primaryEnergyFactor).toBeCloseTo(1 / 0.9, 12);
    expect(r.annual.individual!.heat_MWh).toBeCloseTo(0.04 * H, 9);
    expect(r.annual.individual!.fuelUnits).toBeCloseTo((0.04 * H * 3600) / 0.85 / 36.7, 6);
    // heatplan's own variant, named for what it is: both over all heat delivered
    expect(r.annual.areaPrimaryEnergyPerHeat).toBeCloseTo((0.06 * H / 0.9 + 0.04 * H / 0.85) / (0.1 * H), 9);
  });

  it('wood and unused heat count 0 by the law, 1:1 under the "counted" convention', () => {
    const c = [{ id: 'a', use: 'u', spaceHeatMWh: 876, hotWaterMWh: 0, peakKw: 100 }];
    const p = [{ id: 'w', type: 'biomass', capacityKw: 200, fuel: 'wood_chip', efficiency: 0.8, minLoadFraction: 0 } as PlantSpec];
    const law = simulateNetwork(net(c), weather(0), p, { useProfiles: use(), auxiliaries: 'none' });
    const counted = simulateNetwork(net(c), weather(0), p, { useProfiles: use(), auxiliaries: 'none', nonFossil: 'counted' });
    expect(law.annual.primaryEnergyFactor).toBe(0);
    expect(counted.annual.primaryEnergyFactor).toBeCloseTo(1 / 0.8, 12);
  });

  it('CHP heat: the factor over the credit options 9.76, 8.64 and none', () => {
    const r = simulateNetwork(net([{ id: 'a', use: 'u', spaceHeatMWh: 876, hotWaterMWh: 0, peakKw: 100 }]), weather(0),
      [{ id: 'chp', type: 'chp', capacityKw: 200, fuel: 'gas', efficiency: 0.45, electricEfficiency: 0.35 }], { useProfiles: use(), auxiliaries: 'none' });
    // per kWh of heat: fuel 1/0.45, electricity 0.35/0.45 kWh credited
    const f = (credit: number) => 1 / 0.45 - ((0.35 / 0.45) * credit) / 3.6;
    expect(r.annual.primaryEnergyFactor).toBeCloseTo(f(9.76), 9);
    const range = r.annual.chpCreditRange!;
    expect(range.map((x) => x.credit_MJ_per_kWh)).toEqual([9.76, 8.64, null]);
    expect(range[0].heat).toBeCloseTo(f(9.76), 9);
    expect(range[1].heat).toBeCloseTo(f(8.64), 9);
    expect(range[2].heat).toBeCloseTo(1 / 0.45, 9);
  });
});

describe('builelib machines', () => {
  it('auxiliary defaults are the sample machine\'s rated values over its rated capacity (datasets/plants/auxiliaries.csv)', () => {
    expect(aux('primaryPump', 'cold')).toBeCloseTo(7.5 / 703, 15);
    expect(aux('auxiliary', 'heat')).toBeCloseTo(5.4 / 588, 15);
    expect(aux('coolingTowerFan', 'cold')).toBeCloseTo(7.4 / 1233, 15);
    expect(aux('coolingTowerPump', 'cold')).toBeCloseTo(15 / 1233, 15);
    expect(auxiliaryRatios().every((a) => /builelib .*sample_001/.test(a.source))).toBe(true);
  });

  it('a turbo chiller at full load: input = rated x 1.2 x input ratio(cooling water) x part-load(1) x supply-temperature ratio', () => {
    const t = findBuilelibType('ターボ冷凍機')!;
    const air = 30, cap = 1000, cop = 5.5;
    const tc = wetBulbC(air, 6) + 3; // builelib 2.7.4: cooling water = wet bulb + 3 °C
    expect(tc).toBeCloseTo(0.9034 * 30 - 1.4545 + 3, 12);
    const qMax = cap * 0.95; // capacity ratio 1 x 0.95
    expect(temperatureRatio(t.cooling!.capacity, tc)).toBeCloseTo(0.95, 12);
    const xp = 1.2 * (0.5168 + 0.0095 * tc + 0.000175 * tc * tc);
    expect(temperatureRatio(t.cooling!.input, tc)).toBeCloseTo(xp, 12);
    const f1 = 0.21876667 + 0.0032 + 0.51906667 + 0.25896667;
    expect(partLoadRatio(t.cooling!.partLoad, 1, tc)).toBeCloseTo(f1, 12);
    const g = 1.2541 - 0.036 * 7;
    expect(supplyTempRatio(t.cooling!.supplyTemp, 7)).toBeCloseTo(g, 12);
    const r = simulateNetwork(net([{ id: 'a', use: 'u', spaceHeatMWh: 0, hotWaterMWh: 0, peakKw: 0, coolMWh: (qMax * H) / 1000 }]), weather(air),
      [plant({ id: 'tc', type: 'turbo_chiller', capacity_kW: cap, cop })], { useProfiles: use(flat()), auxiliaries: 'none' });
    expect(r.annual.coldSold_MWh).toBeCloseTo((qMax * H) / 1000, 6);
    const eKw = (cap / cop) * xp * f1 * g;
    expect(r.plants[0].electricity_kWh).toBeCloseTo(eKw * H, 6);
    expect(r.annual.coldPrimaryEnergyFactor).toBeCloseTo((eKw * 9.76) / (3.6 * qMax), 9);
    expect(r.annual.coldUnmetHours).toBe(0);
    // without the part-load curves: rated COP at every load
    const flatR = simulateNetwork(net([{ id: 'a', use: 'u', spaceHeatMWh: 0, hotWaterMWh: 0, peakKw: 0, coolMWh: (qMax * H) / 1000 }]), weather(air),
      [plant({ id: 'tc', type: 'turbo_chiller', capacity_kW: cap, cop })], { useProfiles: use(flat()), auxiliaries: 'none', partLoadCurves: false });
    expect(flatR.plants[0].electricity_kWh).toBeCloseTo((qMax / cop) * H, 6);
  });

  it('number control: 700 kW on two 1,000 kW units runs one unit; without number control both run', () => {
    const cap = 2000, cop = 5;
    const c = [{ id: 'a', use: 'u', spaceHeatMWh: 0, hotWaterMWh: 0, peakKw: 0, coolMWh: (700 * H) / 1000 }];
    const on = simulateNetwork(net(c), weather(25), [plant({ id: 'tc', type: 'turbo_chiller', capacity_kW: cap, cop, units: 2 })], { useProfiles: use(flat()), auxiliaries: 'none' });
    const off = simulateNetwork(net(c), weather(25), [plant({ id: 'tc', type: 'turbo_chiller', capacity_kW: cap, cop, units: 2, stagingControl: false })], { useProfiles: use(flat()), auxiliaries: 'none' });
    expect(on.plants[0].unitHours).toBe(H);
    expect(off.plants[0].unitHours).toBe(2 * H);
    // the turbo chiller's part-load curve has a fixed term: two half-loaded units take more than one
    expect(off.plants[0].electricity_kWh).toBeGreaterThan(on.plants[0].electricity_kWh);
  });

  it('a heat-recovery heat pump makes heat = cold + input and splits its input by the allocation', () => {
    const cop = 4, cap = 500;
    const c = [{ id: 'a', use: 'u', spaceHeatMWh: (400 * H) / 1000, hotWaterMWh: 0, peakKw: 400, coolMWh: (300 * H) / 1000 }];
    const p = [plant({ id: 'hr', type: 'heat_recovery_hp', capacity_kW: cap, cop }), { id: 'g', type: 'gas_boiler', capacityKw: 1000, fuel: 'gas', efficiency: 0.9 } as PlantSpec];
    for (const allocation of ['energy', 'heat', 'cold'] as const) {
      const r = simulateNetwork(net(c), weather(20), p, { useProfiles: use(flat()), auxiliaries: 'none', allocation });
      const hr = r.plants.find((x) => x.id === 'hr')!;
      // cold 300 kW from the heat pump, its heat = 300 + E, the boiler the rest of the 400 kW
      expect(hr.cold_MWh).toBeCloseTo((300 * H) / 1000, 6);
      const eKwh = hr.electricity_kWh;
      expect(hr.heat_MWh * 1000).toBeCloseTo(300 * H + eKwh, 3);
      const qh = hr.heat_MWh * 1000, qc = (hr.cold_MWh ?? 0) * 1000;
      const toHeat = allocation === 'energy' ? qh / (qh + qc) : allocation === 'heat' ? 1 : 0;
      const heatE = r.factor.terms.filter((t) => t.plant === 'hr' && t.side === 'heat').reduce((s, t) => s + t.quantity, 0);
      const coldE = r.factor.terms.filter((t) => t.plant === 'hr' && t.side === 'cold').reduce((s, t) => s + t.quantity, 0);
      expect(heatE).toBeCloseTo(eKwh * toHeat, 6);
      expect(coldE).toBeCloseTo(eKwh * (1 - toHeat), 6);
      expect(r.annual.coldPrimaryEnergyFactor ?? 0).toBeCloseTo((coldE * 9.76) / (3.6 * qc), 9);
    }
  });
});

describe('hourly balance, heat and cold, to 1e-9', () => {
  it('sold + losses + surplus = plant produced + storage out - in; cold sold + gains = cold produced + storage out - in', () => {
    const air = new Float64Array(H);
    for (let h = 0; h < H; h++) air[h] = 16 - 12 * Math.cos((2 * Math.PI * h) / H) + 5 * Math.sin((2 * Math.PI * (h - 8)) / 24);
    const w: Weather = { ...weatherFromArray(air), climateRegion: 6 };
    const heatP = Float64Array.from(air, (t) => Math.max(0.01, 18 - t));
    const coolP = Float64Array.from(air, (t) => Math.max(0, t - 20));
    const hs = heatP.reduce((a, b) => a + b, 0), cs = coolP.reduce((a, b) => a + b, 0);
    heatP.forEach((v, i) => (heatP[i] = v / hs));
    coolP.forEach((v, i) => (coolP[i] = v / cs));
    const profiles = new Map([['office', { spaceHeat: heatP, hotWater: flat(), cooling: coolP }]]);
    const pipes: SimPipe[] = [{ id: 'p1', from: 'a', to: 'b', lengthM: 800, dn: 150, lossWPerM: 25, peakKw: 3000 }];
    const plants = [
      plant({ id: 'hr', type: 'heat_recovery_hp', capacity_kW: 300, cop: 4 }),
      plant({ id: 'inv', type: 'inverter_turbo_chiller', capacity_kW: 1500, cop: 6 }),
      plant({ id: 'abs', type: 'absorption_chiller', capacity_kW: 1500, cop: 1.3 }),
      plant({ id: 'ice', type: 'cold_storage', capacity_kW: 800, capacity_kWh: 6000 }),
      plant({ id: 'tank', type: 'storage', capacity_kW: 300, capacity_kWh: 2000, charge: 'night' }),
      plant({ id: 'wood', type: 'biomass', capacity_kW: 800, efficiency: 0.8, minLoadFraction: 0.3 }),
      plant({ id: 'gas', type: 'gas_boiler', capacity_kW: 1500, efficiency: 0.86 }),
    ];
    const r = simulateNetwork(net([{ id: 'a', use: 'office', spaceHeatMWh: 3000, hotWaterMWh: 300, peakKw: 2000, coolMWh: 5000 }], pipes), w, plants, { useProfiles: profiles });
    const x = r.hourly;
    let heatErr = 0, coldErr = 0;
    for (let h = 0; h < H; h++) {
      let plantHeat = 0, plantCold = 0;
      for (const s of r.plants) {
        if (s.type === 'heat_recovery_hp') {
          plantHeat += x.plantHeatKw[s.id][h];
          plantCold += x.plantKw[s.id][h];
        } else if (s.side === 'heat' && s.type !== 'storage') plantHeat += x.plantKw[s.id][h];
        else if (s.side === 'cold' && s.type !== 'cold_storage') plantCold += x.plantKw[s.id][h];
      }
      heatErr = Math.max(heatErr, Math.abs(x.soldKw[h] + x.lossesKw[h] + x.surplusKw[h] - (plantHeat + x.storageOutKw[h] - x.storageInKw[h])));
      coldErr = Math.max(coldErr, Math.abs(x.coldSoldKw[h] + x.coldGainsKw[h] - (plantCold + x.coldStorageOutKw[h] - x.coldStorageInKw[h])));
      expect(x.coldSoldKw[h] + x.coldUnmetKw[h]).toBeCloseTo(x.coldDemandKw[h], 9);
    }
    expect(heatErr).toBeLessThan(1e-9);
    expect(coldErr).toBeLessThan(1e-9);
    expect(r.annual.coldStorageIn_MWh).toBeGreaterThan(0);
    expect(r.annual.coldStorageOut_MWh).toBeGreaterThan(0);
    // the ice storage charges at night only (22-7 h)
    for (let h = 0; h < H; h++) if (x.coldStorageInKw[h] > 0) expect(h % 24 >= 22 || h % 24 <= 7).toBe(true);
    expect(r.factor.combined.primary_GJ).toBeCloseTo(r.factor.heat.primary_GJ + r.factor.cold.primary_GJ, 9);
  });
});

describe('chilled-water pipes of the route stage', () => {
  it('gains = Σ length x gain_W_per_m x (Tground - Tmean) / design dT; a cold-only plant sells no heat (counted)', () => {
    const warnings = new Warnings();
    const pipes: SimPipe[] = [{ id: 'p1', from: 'a', to: 'b', lengthM: 400, dn: 150, lossWPerM: 20, peakKw: 900, gainWPerM: 6 }];
    const n: SimNetwork = { ...net([{ id: 'a', use: 'u', spaceHeatMWh: 100, hotWaterMWh: 0, peakKw: 50, coolMWh: (500 * H) / 1000 }], pipes), carries: 'both', coolSupplyC: 6, coolReturnC: 13, designGroundC: 18 };
    const r = simulateNetwork(n, weather(30, 16), [plant({ id: 'tc', type: 'turbo_chiller', capacity_kW: 1000, cop: 5.5 })], { useProfiles: use(flat()), auxiliaries: 'none', warnings });
    // route without weather: design dT = ground_C - Tmean = 18 - 9.5; this hour's ground 16 °C
    const gain = ((400 * 6) / 1000) * ((16 - 9.5) / (18 - 9.5));
    expect(r.hourly.coldGainsKw[100]).toBeCloseTo(gain, 12);
    expect(r.parameters.chilledSupplyC).toBe(6);
    expect(r.annual.heatSold_MWh).toBe(0);
    expect(r.annual.losses_MWh).toBe(0);
    expect(r.annual.individual!.heat_MWh).toBe(0);
    expect(warnings.count('heat-not-supplied')).toBe(1);
  });
});

describe('ice storage charged by a brine chiller', () => {
  it('a storage-only brine turbo chiller (builelib 蓄熱時 curves) makes ice at night only; the store is charged by it alone', () => {
    const c = [{ id: 'a', use: 'u', spaceHeatMWh: 0, hotWaterMWh: 0, peakKw: 0, coolMWh: (600 * H) / 1000 }];
    const r = simulateNetwork(net(c), weather(28), [
      plant({ id: 'ice', type: 'ice_storage', capacity_kW: 400, capacity_kWh: 3000, chargeBy: ['brine'] }),
      plant({ id: 'brine', type: 'ブラインターボ冷凍機(蓄熱時)', capacity_kW: 500, cop: 4.5, storageOnly: true, supplyWater_C: -5 }),
      plant({ id: 'tc', type: 'turbo_chiller', capacity_kW: 800, cop: 5.5 }),
    ], { useProfiles: use(flat()), auxiliaries: 'none' });
    const x = r.hourly;
    let maxDiff = 0;
    for (let h = 0; h < H; h++) {
      maxDiff = Math.max(maxDiff, Math.abs(x.plantKw.brine[h] - x.coldStorageInKw[h]));
      if (x.plantKw.brine[h] > 0) expect(h % 24 >= 22 || h % 24 <= 7).toBe(true);
    }
    expect(maxDiff).toBeLessThan(1e-9);
    expect(r.annual.coldStorageOut_MWh).toBeGreaterThan(0);
    expect(r.machines.find((m) => m.id === 'brine')!.curveSource).toMatch(/ブラインターボ冷凍機\(蓄熱時\)/);
    expect(() => simulateNetwork(net(c), weather(28), [plant({ id: 'ice', type: 'ice_storage', capacity_kW: 400, capacity_kWh: 3000, chargeBy: ['nobody'] }), plant({ id: 'tc', type: 'turbo_chiller', capacity_kW: 800, cop: 5.5 })], { useProfiles: use(flat()) }))
      .toThrow(/ice.*chargeBy.*nobody/);
  });
});

describe('no plant, the reference case', () => {
  const c = [{ id: 'a', use: 'u', spaceHeatMWh: 876, hotWaterMWh: 0, peakKw: 100 }];
  it('a network without plants is an error that says how to give plants', () => {
    expect(() => simulateNetwork(net(c), weather(0), [], { useProfiles: use() })).toThrow(/has no plants.*--plants.*type.*--reference individual/);
  });
  it('the individual-supply reference: all heat from the heaters, no losses, no pumping, no plant factor', () => {
    const warnings = new Warnings();
    const pipes: SimPipe[] = [{ id: 'p1', from: 'a', to: 'b', lengthM: 500, dn: 100, lossWPerM: 20, peakKw: 100 }];
    const r = simulateNetwork(net(c, pipes), weather(0), undefined, { useProfiles: use(), reference: 'individual', warnings });
    expect(r.case).toBe('individual-supply reference');
    expect(r.annual.losses_MWh).toBe(0);
    expect(r.annual.pumping_kWh).toBe(0);
    expect(r.annual.individual!.heat_MWh).toBeCloseTo(876, 9);
    expect(Number.isNaN(r.annual.primaryEnergyFactor)).toBe(true);
    expect(warnings.count('individual-reference')).toBe(1);
  });
});

describe('bad plant input names the file, plant and value', () => {
  const bad = (rec: Record<string, unknown>, re: RegExp, code: string) => {
    let err: unknown;
    try {
      plant(rec, 'my-plants.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe(code);
    expect((err as Error).message).toMatch(/my-plants\.yaml/);
    expect((err as Error).message).toMatch(re);
  };
  it('a plant type not in the table', () => bad({ id: 'x1', type: 'ターボ冷凍機2', capacity_kW: 100 }, /x1.*ターボ冷凍機2/, 'plant-bad-type'));
  it('a supply temperature outside its curve', () => bad({ id: 'tc', type: 'turbo_chiller', capacity_kW: 100, cop: 5, supplyWater_C: 20 }, /tc.*outside the range.*4-15.*20/, 'plant-curve-range'));
  it('a source temperature outside the capacity curve', () => bad({ id: 'tc2', type: 'TurboChiller', capacity_kW: 100, cop: 5, source_C: 40 }, /tc2.*source_C.*12-33.*40/, 'plant-curve-range'));
  it('a storage with zero capacity', () => bad({ id: 'ice', type: 'cold_storage', capacity_kW: 100, capacity_kWh: 0 }, /ice.*above 0/, 'plant-bad-storage'));
  it('a chiller without its rated COP', () => bad({ id: 'tc', type: 'turbo_chiller', capacity_kW: 100 }, /tc.*cop/, 'plant-no-cop'));
  it('a plants file without units', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hp-plants-'));
    const f = join(dir, 'plants.yaml');
    writeFileSync(f, '- { id: boiler-1, type: gas_boiler, capacity: 700 }\n');
    await expect(readPlantsFile(f)).rejects.toThrow(/plants\.yaml.*boiler-1.*"capacity" has no unit.*capacity_kW/);
    writeFileSync(f, '[]\n');
    await expect(readPlantsFile(f)).rejects.toThrow(/lists no plants/);
  });
});
