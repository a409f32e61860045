/**
 * Benchmark: hourly simulation of 10,000 consumers x 8,760 h (seeded). Compares the engine's path (consumers summed
 * per use before the profiles are applied) with the brute-force per-consumer spread (each consumer x 8,760 h), and
 * checks both give the same hourly demand. Run: npx tsx scripts/bench/simulate.ts [consumers] [--weather FILE]
 */
import { buildUseProfiles, DEFAULT_USE_PROFILES } from '../../engine/demand/profiles.js';
import { readWeather } from '../../engine/io/weather.js';
import type { SimNetwork } from '../../engine/sim/network-input.js';
import { simulateNetwork } from '../../engine/sim/simulate.js';
import { join } from 'node:path';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10000);
const data = process.env.HEATPLAN_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
const wi = process.argv.indexOf('--weather');
const weather = await readWeather(wi > 0 ? process.argv[wi + 1] : join(data, 'weather', '0868195.has'));

let seed = 42;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const uses = Object.keys(DEFAULT_USE_PROFILES).filter((u) => u !== 'greenhouse');
const consumers = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, use: uses[Math.floor(rnd() * uses.length)], spaceHeatMWh: 20 + 200 * rnd(), hotWaterMWh: 5 + 30 * rnd(), peakKw: 50 }));
const pipes = Array.from({ length: n }, (_, i) => ({ id: `p${i}`, from: `n${Math.floor(i / 2)}`, to: `n${i + 1}`, lengthM: 30 + 50 * rnd(), dn: 50, lossWPerM: 15 + 10 * rnd(), peakKw: 1000 }));
const net: SimNetwork = { id: 'bench', file: 'bench', consumers, pipes, plants: [] };
const plants = [
  { id: 'wood', type: 'biomass' as const, capacityKw: 300000, fuel: 'wood_chip', mode: 'constant' as const, constantKw: 150000 },
  { id: 'hp', type: 'heat_pump' as const, capacityKw: 100000, fuel: 'electricity', source: 'sewage' as const },
  { id: 'tank', type: 'storage' as const, capacityKw: 20000, fuel: 'none', capacityKwh: 200000 },
];
const useProfiles = buildUseProfiles(weather, uses, { profilesDir: join(data, 'profiles') });

function brute(): Float64Array {
  const out = new Float64Array(weather.hours);
  for (const c of consumers) {
    const p = useProfiles.get(c.use)!;
    const a = c.spaceHeatMWh * 1000, b = c.hotWaterMWh * 1000;
    for (let h = 0; h < out.length; h++) out[h] += a * p.spaceHeat[h] + b * p.hotWater[h];
  }
  return out;
}

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
const profT = time(() => buildUseProfiles(weather, uses, { profilesDir: join(data, 'profiles') }), 3);
const sim = time(() => simulateNetwork(net, weather, plants, { useProfiles }));
const rss1 = process.memoryUsage().rss;
const br = time(brute, 3);
let maxRel = 0;
for (let h = 0; h < weather.hours; h++) maxRel = Math.max(maxRel, Math.abs(br.out[h] - sim.out.hourly.demandKw[h]) / br.out[h]);
console.log(`heatplan simulate benchmark: ${n} consumers x ${weather.hours} h, ${uses.length} uses, ${pipes.length} pipes, node ${process.version}`);
console.table([
  { step: 'profiles (10 uses, BDEW + schedules)', median_ms: profT.ms.toFixed(1) },
  { step: 'simulateNetwork (aggregate by use, dispatch, results)', median_ms: sim.ms.toFixed(1) },
  { step: 'peer: brute-force per-consumer spread (demand only)', median_ms: br.ms.toFixed(1) },
]);
console.log(`max relative difference of hourly demand, aggregated vs brute force: ${maxRel.toExponential(2)}`);
console.log(`rss: ${(rss0 / 2 ** 20).toFixed(0)} MiB before, ${(rss1 / 2 ** 20).toFixed(0)} MiB after simulate; peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`sink: ${sim.out.annual.produced_MWh.toFixed(1)} MWh produced`);
