import { describe, expect, it } from 'vitest';
import { weatherFromArray } from '../../engine/io/weather.js';
import { parseNetworkGeojson } from '../../engine/sim/network-input.js';
import type { PlantSpec } from '../../engine/sim/plants.js';
import { simulateNetwork, type SimOptions } from '../../engine/sim/simulate.js';
import { Warnings } from '../../engine/util/warnings.js';

const fc = (plant: Record<string, unknown>) => JSON.stringify({
  type: 'FeatureCollection',
  properties: { supply_C: 80, return_C: 50 },
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [142, 44] }, properties: { kind: 'consumer', id: 'a', use: 'office', heat_MWh: 10, spaceHeat_MWh: 7, hotWater_MWh: 3, peak_kW: 5 } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [142, 44] }, properties: { kind: 'plant', id: 'p', ...plant } },
  ],
});

describe('network.geojson plants', () => {
  it('takes a route-suggested plant (location only, no capacity) as no plant, counted', () => {
    const w = new Warnings();
    const nets = parseNetworkGeojson(fc({ type: 'suggested', capacity_kW: null, fuel: null, suggested: true }), 'net.geojson', w);
    expect(nets[0]!.plants).toHaveLength(0);
    expect(w.count('plant-location-only')).toBe(1);
  });
  it('the warning gives the one line that makes the suggested location a plant (issue 12)', () => {
    const w = new Warnings();
    parseNetworkGeojson(fc({ type: 'suggested', capacity_kW: null, fuel: null, suggested: true, output_kW: 1234.2 }), 'net.geojson', w);
    expect(w.list()[0]!.examples[0]!.message).toContain('- { id: p, type: gas_boiler, capacity_kW: 1235, efficiency: E }');
  });
  it('cooling of consumers is read (cool_MWh, coolPeak_kW), 0 where absent', () => {
    const text = JSON.parse(fc({ type: 'biomass', capacity_kW: 500, fuel: 'wood_chip' }));
    text.features[0].properties.cool_MWh = 12.5;
    text.features[0].properties.coolPeak_kW = 9;
    const nets = parseNetworkGeojson(JSON.stringify(text), 'net.geojson', new Warnings());
    expect(nets[0]!.consumers[0]!.coolMWh).toBe(12.5);
    expect(nets[0]!.consumers[0]!.coolPeakKw).toBe(9);
    expect(parseNetworkGeojson(fc({ type: 'biomass', capacity_kW: 500, fuel: 'wood_chip' }), 'net.geojson', new Warnings())[0]!.consumers[0]!.coolMWh).toBe(0);
  });
  it('keeps a plant with capacity and fuel', () => {
    const w = new Warnings();
    const nets = parseNetworkGeojson(fc({ type: 'biomass', capacity_kW: 500, fuel: 'wood_chip' }), 'net.geojson', w);
    expect(nets[0]!.plants).toHaveLength(1);
    expect(nets[0]!.plants[0]!.capacityKw).toBe(500);
  });
  it('a plant given by position, capacity and type only (route writes fuel: null) gets its type\'s default fuel', () => {
    const nets = parseNetworkGeojson(fc({ type: 'biomass_boiler', capacity_kW: 700, fuel: null }), 'net.geojson', new Warnings());
    expect(nets[0]!.plants).toHaveLength(1);
    expect(nets[0]!.plants[0]!.fuel).toBe('wood_chip');
  });
});

describe('a pump head from pipes over the catalogue (route warning pipe-over-capacity)', () => {
  const net = (overCapacity: boolean[], pumping?: Record<string, unknown>) => JSON.stringify({
    type: 'FeatureCollection',
    properties: { supply_C: 80, return_C: 50, ...(pumping ? { pumping } : {}) },
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [142, 44] }, properties: { kind: 'consumer', id: 'a', use: 'office', heat_MWh: 10, spaceHeat_MWh: 7, hotWater_MWh: 3, peak_kW: 5 } },
      ...overCapacity.map((o, i) => ({
        type: 'Feature', geometry: { type: 'LineString', coordinates: [[142, 44], [142.001, 44]] },
        properties: { kind: 'pipe', id: `p${i}`, from: `n${i}`, to: `n${i + 1}`, length_m: 80, DN: 100, loss_W_per_m: 30, peak_kW: 5, ...(o ? { overCapacity: true } : {}) },
      })),
    ],
  });
  const boiler: PlantSpec = { id: 'B', type: 'gas_boiler', capacityKw: 50, fuel: 'city_gas', efficiency: 0.9 };
  const weather = weatherFromArray(new Float64Array(8760).fill(0), { groundC: 10 });
  const simulate = (text: string, pump?: SimOptions['pump']) => {
    const w = new Warnings();
    const [n] = parseNetworkGeojson(text, 'network.geojson', w);
    simulateNetwork(n!, weather, [boiler], { warnings: w, auxiliaries: 'none', ...(pump ? { pump } : {}) });
    return w;
  };

  it('the reader counts the marked pipes', () => {
    expect(parseNetworkGeojson(net([true, false, true]), 'network.geojson', new Warnings())[0]!.overCapacityPipes).toBe(2);
    expect(parseNetworkGeojson(net([false]), 'network.geojson', new Warnings())[0]!.overCapacityPipes).toBeUndefined();
  });
  it('the simulation using the route\'s head warns, naming the pipes over capacity and the head', () => {
    const w = simulate(net([true, false, true], { heat: { head_kPa: 123456.7, pumpEfficiency: 0.6 } }));
    expect(w.count('pump-head-over-capacity')).toBe(1);
    const ex = w.list().find((x) => x.code === 'pump-head-over-capacity')!.examples[0]!;
    expect(ex.record).toBe('network network');
    expect(ex.message).toContain('2 of 3 pipes over capacity, pump head 123,457 kPa; split the supply among more plants');
  });
  it('no warning without pipes over capacity, without a route head, or with a pressure gradient or head given instead', () => {
    expect(simulate(net([false, false], { heat: { head_kPa: 300 } })).count('pump-head-over-capacity')).toBe(0);
    expect(simulate(net([true])).count('pump-head-over-capacity')).toBe(0);
    expect(simulate(net([true], { heat: { head_kPa: 300 } }), { pressurePaPerM: 100 }).count('pump-head-over-capacity')).toBe(0);
    expect(simulate(net([true], { heat: { head_kPa: 300 } }), { designPressurePa: 2e5 }).count('pump-head-over-capacity')).toBe(0);
  });
});
