/**
 * Hourly network demand from the consumers' annual demand: consumers are summed per use before the profiles are
 * applied (exact, since demand is linear in the annual values), so 10,000 consumers cost as much as the number of uses.
 */
import { buildUseProfiles, type ProfileOptions, type UseProfiles } from '../demand/profiles.js';
import type { Weather } from '../io/weather.js';
import { greenhouseLoadKw, type GreenhouseOptions } from './greenhouse.js';
import type { SimConsumer } from './network-input.js';

export interface DemandSeries {
  /** Total consumer demand, kW per hour. */
  totalKw: Float64Array;
  spaceHeatKw: Float64Array;
  hotWaterKw: Float64Array;
  greenhouseKw: Float64Array;
  /** Consumer cooling, kW per hour (consumers' cool_MWh x the use's cooling profile). */
  coolingKw: Float64Array;
  /** Annual cooling per use, MWh; and the annual cooling of uses whose profile has no cooling (not simulated), MWh. */
  coolingByUseMWh: Record<string, number>;
  coolingWithoutProfileMWh: number;
  /** Annual demand per use, MWh (space heat + hot water; greenhouses by their weather load). */
  byUseMWh: Record<string, number>;
}

/** Hourly demand of a set of consumers, kW. Profiles may be passed in to share them between runs. */
export function networkDemand(
  consumers: SimConsumer[],
  weather: Weather,
  opts: { profiles?: ProfileOptions; greenhouse?: GreenhouseOptions; useProfiles?: Map<string, UseProfiles> } = {},
): DemandSeries {
  const n = weather.hours;
  const sh = new Map<string, number>();
  const hw = new Map<string, number>();
  const cl = new Map<string, number>();
  const greenhouseKw = new Float64Array(n);
  const byUse: Record<string, number> = {};
  for (const c of consumers) {
    if (c.greenhouseAreaM2 !== undefined && c.greenhouseAreaM2 > 0) {
      const g = greenhouseLoadKw(weather, c.greenhouseAreaM2, opts.greenhouse);
      let s = 0;
      for (let h = 0; h < n; h++) {
        greenhouseKw[h] += g[h];
        s += g[h];
      }
      byUse[c.use] = (byUse[c.use] ?? 0) + s / 1000;
      continue;
    }
    if (c.coolMWh) cl.set(c.use, (cl.get(c.use) ?? 0) + c.coolMWh);
    sh.set(c.use, (sh.get(c.use) ?? 0) + c.spaceHeatMWh);
    hw.set(c.use, (hw.get(c.use) ?? 0) + c.hotWaterMWh);
    byUse[c.use] = (byUse[c.use] ?? 0) + c.spaceHeatMWh + c.hotWaterMWh;
  }
  const uses = [...new Set([...sh.keys(), ...cl.keys()])];
  const missing = uses.filter((u) => !opts.useProfiles?.has(u));
  const profiles = new Map(opts.useProfiles ?? []);
  if (missing.length) for (const [u, p] of buildUseProfiles(weather, missing, opts.profiles)) profiles.set(u, p);
  const spaceHeatKw = new Float64Array(n);
  const hotWaterKw = new Float64Array(n);
  const coolingKw = new Float64Array(n);
  const coolingByUse: Record<string, number> = {};
  let coolingWithoutProfile = 0;
  for (const u of uses) {
    const cu = cl.get(u) ?? 0;
    if (cu > 0) {
      const pc = profiles.get(u)!.cooling;
      let s = 0;
      if (pc) for (let h = 0; h < n; h++) s += pc[h];
      if (!(s > 0)) coolingWithoutProfile += cu;
      else {
        const a = cu * 1000;
        for (let h = 0; h < n; h++) coolingKw[h] += a * pc[h];
        coolingByUse[u] = cu;
      }
    }
    const p = profiles.get(u)!;
    const a = (sh.get(u) ?? 0) * 1000;
    const b = (hw.get(u) ?? 0) * 1000;
    const ps = p.spaceHeat, ph = p.hotWater;
    for (let h = 0; h < n; h++) {
      spaceHeatKw[h] += a * ps[h];
      hotWaterKw[h] += b * ph[h];
    }
  }
  const totalKw = new Float64Array(n);
  for (let h = 0; h < n; h++) totalKw[h] = spaceHeatKw[h] + hotWaterKw[h] + greenhouseKw[h];
  return { totalKw, spaceHeatKw, hotWaterKw, greenhouseKw, coolingKw, coolingByUseMWh: coolingByUse, coolingWithoutProfileMWh: coolingWithoutProfile, byUseMWh: byUse };
}
