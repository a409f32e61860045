/**
 * The simulation and the route stage agree on the conduit (issues 12, 13 follow-up): service pipes (network.geojson
 * kind service) are in the simulation's losses and gains, the route's supply curve drives the hourly losses, and with
 * the ground held at the route's ground_C the simulation's annual loss equals the route's (engine/network/medium.ts)
 * to 1e-6. Also the cost stage's inputs: storage capacity_kWh and the hourly electricity bought.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { weatherFromArray, type Weather } from '../../engine/io/weather.js';
import type { UseProfiles } from '../../engine/demand/profiles.js';
import { mediumSetup, parseSupplyCurve, supplyAt } from '../../engine/network/medium.js';
import { DEFAULT_COLD_SIZING, DEFAULT_SIZING } from '../../engine/network/sizing.js';
import { parseNetworkGeojson } from '../../engine/sim/network-input.js';
import { plantFromRecord, plantRecordSchema, type PlantSpec } from '../../engine/sim/plants.js';
import { parseScenario, runScenario } from '../../engine/sim/scenario.js';
import { simulateNetwork } from '../../engine/sim/simulate.js';
import { Warnings } from '../../engine/util/warnings.js';

const H = 8760;
const flat = () => new Float64Array(H).fill(1 / H);
/** Outdoor air: a year's cosine between -15 and 25 °C, coldest on 1 January (varies, so a supply curve bites). */
const air = Float64Array.from({ length: H }, (_, h) => 5 - 20 * Math.cos((2 * Math.PI * h) / H));
/** Weather with that air and the ground held constant (the route stage's ground model). */
const weather = (groundC: number): Weather => ({ ...weatherFromArray(air, { groundC, file: 'cosine-year' }), climateRegion: 6 });
const plant = (rec: Record<string, unknown>): PlantSpec => plantFromRecord(plantRecordSchema.parse(rec), 'plants.yaml', 'plants.0');
const boiler = () => plant({ id: 'B', type: 'gas_boiler', capacity_kW: 5000, efficiency: 0.9 });
const useProfiles = (cooling = new Float64Array(H)): Map<string, UseProfiles> => new Map([['u', { spaceHeat: flat(), hotWater: flat(), cooling }]]);

/** network.geojson as the route stage writes it: collection properties, two mains, two service pipes, two consumers. */
function routeGeojson(props: Record<string, unknown> = {}, extra: Record<string, unknown>[] = []) {
  const pt = { type: 'Point', coordinates: [142, 44] };
  const ln = { type: 'LineString', coordinates: [[142, 44], [142.001, 44]] };
  return {
    type: 'FeatureCollection',
    properties: { crs: 'EPSG:6680', supply_C: 80, return_C: 50, ground_C: 10, ...props },
    features: [
      { type: 'Feature', geometry: ln, properties: { kind: 'pipe', id: 0, from: 1, to: 2, length_m: 300, DN: 65, loss_W_per_m: 24.5, peak_kW: 400 } },
      { type: 'Feature', geometry: ln, properties: { kind: 'pipe', id: 1, from: 2, to: 3, length_m: 120, DN: 40, loss_W_per_m: 19.25, peak_kW: 150 } },
      { type: 'Feature', geometry: ln, properties: { kind: 'service', consumer: 'a', length_m: 25, DN: 32, loss_W_per_m: 17.5 } },
      { type: 'Feature', geometry: pt, properties: { kind: 'consumer', id: 'a', use: 'u', heat_MWh: 600, spaceHeat_MWh: 450, hotWater_MWh: 150, peak_kW: 250, service_m: 25 } },
      { type: 'Feature', geometry: ln, properties: { kind: 'service', consumer: 'b', length_m: 40.5, DN: 25, loss_W_per_m: 15.75 } },
      { type: 'Feature', geometry: pt, properties: { kind: 'consumer', id: 'b', use: 'u', heat_MWh: 300, spaceHeat_MWh: 300, hotWater_MWh: 0, peak_kW: 150, service_m: 40.5 } },
      ...extra,
    ],
  };
}
const parse = (fc: unknown, w = new Warnings()) => parseNetworkGeojson(JSON.stringify(fc), 'network.geojson', w);
/** Σ length x W/m of the mains and of the service pipes, W. */
const MAINS_W = 300 * 24.5 + 120 * 19.25;
const SERVICE_W = 25 * 17.5 + 40.5 * 15.75;

describe('network.geojson service pipes and supply curve', () => {
  it('reads the service pipes into the network of their consumer', () => {
    const [n] = parse(routeGeojson());
    expect(n!.services).toEqual([
      { consumer: 'a', lengthM: 25, lossWPerM: 17.5 },
      { consumer: 'b', lengthM: 40.5, lossWPerM: 15.75 },
    ]);
  });
  it('puts a service pipe into its consumer\'s network when there are several', () => {
    const fc = routeGeojson();
    for (const f of fc.features) if ((f.properties as { kind: string }).kind !== 'service') (f.properties as Record<string, unknown>).network = (f.properties as { id?: unknown }).id === 'b' ? 'west' : 'east';
    const nets = parse(fc);
    expect(nets.find((x) => x.id === 'east')!.services!.map((s) => s.consumer)).toEqual(['a']);
    expect(nets.find((x) => x.id === 'west')!.services!.map((s) => s.consumer)).toEqual(['b']);
  });
  it('reads the route\'s supply curve from the collection properties', () => {
    const [n] = parse(routeGeojson({ supplyCurve: [[-15, 80], [0, 75], [15, 65]] }));
    expect(n!.supplyCurve).toEqual([[-15, 80], [0, 75], [15, 65]]);
  });
  it('bad service pipes and curves are errors naming file, record and value', () => {
    const bad = routeGeojson({}, [{ type: 'Feature', geometry: null, properties: { kind: 'service', consumer: 'a', length_m: 10, loss_W_per_m: -3 } }]);
    expect(() => parse(bad)).toThrow(InputError);
    try {
      parse(bad);
    } catch (e) {
      expect(e).toMatchObject({ code: 'network-bad-value', file: 'network.geojson', value: -3 });
      expect((e as InputError).record).toContain('feature 6');
    }
    expect(() => parse(routeGeojson({ supplyCurve: [[0, 75], [-15, 80]] }))).toThrow(/outdoor temperatures must increase/);
    expect(() => parse(routeGeojson({ supplyCurve: [[0, 45]] }))).toThrow(/not above the return temperature 50/);
    expect(() => parse(routeGeojson({ supplyCurve: 'hot' }))).toThrow(InputError);
  });
});

describe('route and simulation agree on the annual loss', () => {
  const sizing = { ...DEFAULT_SIZING, supplyC: 80, returnC: 50, groundC: 10 };

  it('constant temperatures, ground at ground_C: sim losses = Σ route loss_MWh_a (mains + service pipes) to 1e-6', () => {
    const w = weather(10);
    const setup = mediumSetup('heat', sizing, { groundC: 10, hoursPerYear: H });
    const routeMWh = ((MAINS_W + SERVICE_W) * setup.equivalentHours) / 1e6;
    const [n] = parse(routeGeojson());
    const r = simulateNetwork(n!, w, [boiler()], { useProfiles: useProfiles(), auxiliaries: 'none' });
    expect(Math.abs(r.annual.losses_MWh - routeMWh) / routeMWh).toBeLessThan(1e-6);
    expect(r.annual.serviceLosses_MWh! / ((SERVICE_W * H) / 1e6) - 1).toBeCloseTo(0, 9);
    expect(r.annual.mainsLosses_MWh! / ((MAINS_W * H) / 1e6) - 1).toBeCloseTo(0, 9);
    expect(r.parameters.serviceLength_m).toBeCloseTo(65.5, 9);
    expect(r.parameters.designLoss_kW).toBeCloseTo((MAINS_W + SERVICE_W) / 1000, 9);
    // the service pipes are in the hourly series: losses_kW holds them, serviceLosses_kW is their part
    expect(r.hourly.serviceLossesKw[100]).toBeCloseTo(SERVICE_W / 1000, 9);
    expect(r.hourly.lossesKw[100]).toBeCloseTo((MAINS_W + SERVICE_W) / 1000, 9);
  });

  it('the route\'s supply curve: sim losses = route\'s (mediumSetup equivalent hours) to 1e-6; hour by hour as the curve says', () => {
    const w = weather(10);
    const curve = parseSupplyCurve('-15:80,0:75,15:65', 50);
    const setup = mediumSetup('heat', sizing, { groundC: 10, weather: w, supplyCurve: curve, hoursPerYear: H });
    expect(setup.equivalentHours).toBeLessThan(H - 100); // the curve lowers the losses: the test can tell
    const routeMWh = ((MAINS_W + SERVICE_W) * setup.equivalentHours) / 1e6;
    const [n] = parse(routeGeojson({ supplyCurve: curve }));
    const r = simulateNetwork(n!, w, [boiler()], { useProfiles: useProfiles(), auxiliaries: 'none' });
    expect(Math.abs(r.annual.losses_MWh - routeMWh) / routeMWh).toBeLessThan(1e-6);
    const h = 4380; // mid-year, warm: supply from the curve
    const ts = supplyAt(curve, air[h]!);
    expect(ts).toBeLessThan(80);
    expect(r.hourly.lossesKw[h]).toBeCloseTo(((MAINS_W + SERVICE_W) / 1000) * (((ts + 50) / 2 - 10) / 55), 9);
    expect(r.parameters.supplyCurve).toEqual(curve);
    // --supply-c turns the curve off (constant supply), counted; supplyCurve: null too
    const wn = new Warnings();
    const c = simulateNetwork(n!, w, [boiler()], { useProfiles: useProfiles(), auxiliaries: 'none', supplyC: 80, warnings: wn });
    expect(c.annual.losses_MWh).toBeCloseTo(((MAINS_W + SERVICE_W) * H) / 1e6, 6);
    expect(wn.count('supply-curve-not-used')).toBe(1);
    expect(simulateNetwork(n!, w, [boiler()], { useProfiles: useProfiles(), auxiliaries: 'none', supplyCurve: null }).annual.losses_MWh).toBeCloseTo(((MAINS_W + SERVICE_W) * H) / 1e6, 6);
  });

  it('the ground model is the remaining difference: a warmer ground than ground_C loses less, by the ratio of the dTs', () => {
    const [n] = parse(routeGeojson());
    const r = simulateNetwork(n!, weather(15), [boiler()], { useProfiles: useProfiles(), auxiliaries: 'none' });
    expect(r.annual.losses_MWh).toBeCloseTo((((MAINS_W + SERVICE_W) * H) / 1e6) * (50 / 55), 6);
  });

  it('heat balance closes every hour with the service pipes: sold + losses + surplus = plant produced + storage out - in', () => {
    const [n] = parse(routeGeojson({ supplyCurve: [[-15, 80], [15, 65]] }));
    const r = simulateNetwork(n!, weather(10), [boiler()], { useProfiles: useProfiles(), auxiliaries: 'none' });
    const x = r.hourly;
    for (let h = 0; h < H; h += 97) {
      const plantKw = x.producedKw[h]! - x.backupKw[h]!;
      expect(x.soldKw[h]! + x.lossesKw[h]! + x.surplusKw[h]! - (plantKw + x.storageOutKw[h]! - x.storageInKw[h]!)).toBeCloseTo(0, 9);
    }
  });
});

describe('scenarios', () => {
  it('a consumer removed by a scenario takes its service pipe with it', () => {
    const [n] = parse(routeGeojson());
    const sc = parseScenario('cases:\n  - id: "0"\n  - id: "1"\n    removeConsumers: [b]\n', 's.yaml');
    const [c0, c1] = runScenario(sc, 's.yaml', [n!], weather(10), [boiler()], { useProfiles: useProfiles(), auxiliaries: 'none' });
    expect(c0!.networks[0]!.annual.serviceLosses_MWh).toBeCloseTo((SERVICE_W * H) / 1e6, 6);
    expect(c1!.networks[0]!.annual.serviceLosses_MWh).toBeCloseTo((25 * 17.5 * H) / 1e6, 6);
    expect(c1!.networks[0]!.annual.mainsLosses_MWh).toBeCloseTo((MAINS_W * H) / 1e6, 6);
  });
});

describe('chilled-water service pipes', () => {
  it('their ground gains are in coldGains (route\'s own design dT, max over the year) and equal the route\'s annual gain to 1e-6', () => {
    // ground varies over the year: the route's cold design dT is the year's maximum of Tground - Tmean
    const ground = Float64Array.from({ length: H }, (_, h) => 14 - 6 * Math.cos((2 * Math.PI * (h - 800)) / H));
    const w: Weather = { ...weatherFromArray(air, { file: 'cosine-year' }), groundC: ground, climateRegion: 6 };
    const cold = { ...DEFAULT_COLD_SIZING, supplyC: 7, returnC: 14 };
    const setup = mediumSetup('cold', cold, { groundC: 10, weather: w, hoursPerYear: H });
    const fc = routeGeojson({ carries: 'both', coolSupply_C: 7, coolReturn_C: 14, weather: 'cosine-year' });
    for (const f of fc.features) {
      const p = f.properties as Record<string, unknown>;
      if (p.kind === 'pipe') p.gain_W_per_m = 6.5;
      if (p.kind === 'service') p.gain_W_per_m = 4.25;
      if (p.kind === 'consumer') Object.assign(p, { cool_MWh: 200, coolPeak_kW: 100 });
    }
    const [n] = parse(fc);
    const chiller = plant({ id: 'C', type: 'chiller', capacity_kW: 3000, cop: 5 });
    const r = simulateNetwork(n!, w, [boiler(), chiller], { useProfiles: useProfiles(flat()), auxiliaries: 'none', partLoadCurves: false });
    const mainsG = (300 + 120) * 6.5, serviceG = (25 + 40.5) * 4.25;
    const route = ((mainsG + serviceG) * setup.equivalentHours) / 1e6;
    expect(Math.abs(r.annual.coldGains_MWh! - route) / route).toBeLessThan(1e-6);
    expect(r.annual.serviceColdGains_MWh! / ((serviceG * setup.equivalentHours) / 1e6) - 1).toBeCloseTo(0, 9);
  });
});

describe('outputs for the cost stage', () => {
  it('storage capacity_kWh per plant; hourly electricity bought = auxiliaries + pumps each hour, summing to electricity_kWh', () => {
    const [n] = parse(routeGeojson());
    const tank = plant({ id: 'T', type: 'storage', capacity_kW: 200, capacity_kWh: 1600 });
    const r = simulateNetwork(n!, weather(10), [boiler(), tank], { useProfiles: useProfiles(), auxiliaries: 'builelib-sample' });
    expect(r.plants.find((p) => p.id === 'T')!.capacity_kWh).toBe(1600);
    expect(r.plants.find((p) => p.id === 'B')!.capacity_kWh).toBeUndefined();
    let e = 0;
    for (const v of r.hourly.electricityKw) e += v;
    expect(e).toBeGreaterThan(0);
    expect(e / r.annual.electricity_kWh - 1).toBeCloseTo(0, 9);
    // a gas boiler buys no electricity of its own: the hour's electricity is its auxiliaries and the network pumps
    for (let h = 0; h < H; h += 331) expect(r.hourly.electricityKw[h]).toBeCloseTo(r.hourly.auxKw[h]! + r.hourly.pumpKw[h]!, 9);
    expect(r.hourly.electricityOutKw.every((v) => v === 0)).toBe(true);
  });
});
