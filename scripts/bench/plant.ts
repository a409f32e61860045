/**
 * Benchmark (issue 12): 10,000 consumers x 8,760 h, heat and cold, with builelib part-load curves: inverter turbo
 * chillers under number control, an absorption chiller, ice storage on the night schedule, a heat-recovery heat pump,
 * a gas boiler and a wood boiler; seeded. Prints the median of 5 runs (after a warm-up) with the curves on and off,
 * the peak memory, and a sink. Run: npx tsx scripts/bench/plant.ts [consumers] [--weather FILE]
 */
import { join } from 'node:path';
import { buildUseProfiles, DEFAULT_USE_PROFILES } from '../../engine/demand/profiles.js';
import { readWeather } from '../../engine/io/weather.js';
import type { SimNetwork } from '../../engine/sim/network-input.js';
import { plantFromRecord, plantRecordSchema } from '../../engine/sim/plants.js';
import { simulateNetwork } from '../../engine/sim/simulate.js';
import { bundledPath } from '../../engine/util/data-dir.js';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10000);
const wi = process.argv.indexOf('--weather');
// Osaka's region 6 reference year (Okayama), bundled: a cooling-led climate
const weather = await readWeather(wi > 0 ? process.argv[wi + 1] : bundledPath('weather', '6158195.has'));

let seed = 12;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const uses = Object.keys(DEFAULT_USE_PROFILES).filter((u) => u !== 'greenhouse');
const consumers = Array.from({ length: n }, (_, i) => ({
  id: `c${i}`, use: uses[Math.floor(rnd() * uses.length)], spaceHeatMWh: 5 + 60 * rnd(), hotWaterMWh: 2 + 10 * rnd(), peakKw: 50, coolMWh: 20 + 150 * rnd(),
}));
const pipes = Array.from({ length: n }, (_, i) => ({ id: `p${i}`, from: `n${Math.floor(i / 2)}`, to: `n${i + 1}`, lengthM: 30 + 50 * rnd(), dn: 100, lossWPerM: 15 + 10 * rnd(), peakKw: 1000 }));
const net: SimNetwork = { id: 'bench', file: 'bench', consumers, pipes, plants: [] };
const rec = (r: Record<string, unknown>) => plantFromRecord(plantRecordSchema.parse(r), 'bench', String(r.id));
const plants = [
  rec({ id: 'hr', type: 'heat_recovery_hp', capacity_kW: 20000, cop: 4, units: 4 }),
  rec({ id: 'inv', type: 'inverter_turbo_chiller', capacity_kW: 400000, cop: 6, units: 8 }),
  rec({ id: 'abs', type: 'absorption_chiller', capacity_kW: 200000, cop: 1.3, units: 4 }),
  rec({ id: 'ice', type: 'cold_storage', capacity_kW: 100000, capacity_kWh: 800000 }),
  rec({ id: 'wood', type: 'biomass', capacity_kW: 40000, efficiency: 0.8 }),
  rec({ id: 'gas', type: 'gas_boiler', capacity_kW: 600000, efficiency: 0.86, units: 6 }),
];
const useProfiles = buildUseProfiles(weather, uses);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time<T>(f: () => T, runs = 5): { ms: number; out: T } {
  f(); // warm-up
  const ts: number[] = [];
  let out!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = f();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), out };
}
const rss0 = process.memoryUsage().rss;
const on = time(() => simulateNetwork(net, weather, plants, { useProfiles }));
const off = time(() => simulateNetwork(net, weather, plants, { useProfiles, partLoadCurves: false }));
const rss1 = process.memoryUsage().rss;
const a = on.out.annual, b = off.out.annual;
console.log(`heatplan plant benchmark: ${n} consumers x ${weather.hours} h, heat and cold, ${plants.length} plants (${plants.reduce((s, p) => s + (p.units ?? 1), 0)} units), ${pipes.length} pipes, node ${process.version}`);
console.table([
  { step: 'simulateNetwork, builelib part-load curves', median_ms: on.ms.toFixed(1), heat_factor: a.primaryEnergyFactor.toFixed(4), cold_factor: a.coldPrimaryEnergyFactor?.toFixed(4), combined: a.combinedPrimaryEnergyFactor?.toFixed(4) },
  { step: 'simulateNetwork, rated COP / efficiency', median_ms: off.ms.toFixed(1), heat_factor: b.primaryEnergyFactor.toFixed(4), cold_factor: b.coldPrimaryEnergyFactor?.toFixed(4), combined: b.combinedPrimaryEnergyFactor?.toFixed(4) },
]);
console.log(`rss: ${(rss0 / 2 ** 20).toFixed(0)} MiB before, ${(rss1 / 2 ** 20).toFixed(0)} MiB after; peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`sink: heat sold ${a.heatSold_MWh?.toFixed(1)} MWh, cold sold ${a.coldSold_MWh?.toFixed(1)} MWh, cold unmet ${a.coldUnmet_MWh?.toFixed(1)} MWh`);
