/**
 * What the route stage needs beside roads and buildings: the hourly weather (given, or the bundled reference year
 * of the run's Japanese climate region), the consumers' hourly use profiles for coincident design loads (the
 * simulation's own profiles: engine/demand/profiles.ts), and the design and annual temperature differences of hot
 * and chilled water (medium.ts). Without weather, coincident loads fall back to the THERMOS diversity fit with a
 * counted warning, and a supply curve is an error.
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { buildUseProfiles } from '../demand/profiles.js';
import { readWeather, type Weather } from '../io/weather.js';
import { referenceWeatherFile } from '../util/data-dir.js';
import type { Warnings } from '../util/warnings.js';
import type { UseSeries } from './loads.js';
import { mediumSetup, parseSupplyCurve } from './medium.js';
import type { PlanOptions } from './plan.js';
import { DEFAULT_COLD_SIZING, DEFAULT_SIZING } from './sizing.js';

export interface RouteEnvironmentInput {
  weather?: string;
  climateRegion?: number;
  loads?: 'coincident' | 'diversity';
  supplyCurve?: string[];
  plan?: Partial<PlanOptions>;
}

export async function routeEnvironment(
  o: RouteEnvironmentInput,
  /** the consumers' use categories ('unknown' for a building without one) */
  uses: Set<string>,
  warnings: Warnings,
): Promise<{ plan: Partial<PlanOptions>; weatherFile?: string; weather?: Weather }> {
  const sizing = { ...DEFAULT_SIZING, ...(o.plan?.sizing ?? {}) };
  const coldSizing = { ...DEFAULT_COLD_SIZING, ...(o.plan?.coldSizing ?? {}) };
  let file = o.weather;
  if (!file && o.climateRegion !== undefined && Number.isInteger(o.climateRegion) && o.climateRegion >= 1 && o.climateRegion <= 8) {
    const f = referenceWeatherFile(o.climateRegion);
    if (existsSync(f)) file = f;
  }
  const weather = file ? await readWeather(file, { warnings, climateRegion: o.climateRegion }) : undefined;
  let loads = o.loads ?? 'coincident';
  if (loads === 'coincident' && !weather) {
    warnings.add('route-no-weather', 'coincident design loads need hourly weather (weather, --weather; or a run with a Japanese climate region): the THERMOS diversity fit is used');
    loads = 'diversity';
  }
  let profiles: Map<string, UseSeries> | undefined;
  if (loads === 'coincident' && weather) {
    profiles = buildUseProfiles(weather, uses, { climateRegion: o.climateRegion });
  }
  const curve = o.supplyCurve?.length ? parseSupplyCurve(o.supplyCurve, sizing.returnC) : undefined;
  if (curve && !weather) throw new UsageError('route-supply-curve-needs-weather', 'a supply curve (supplyCurve, --supply-curve) needs hourly weather: give weather (--weather)', { value: o.supplyCurve!.join(',') });
  const hoursPerYear = weather?.hours ?? o.plan?.hoursPerYear ?? 8760;
  const heatSetup = mediumSetup('heat', sizing, { groundC: sizing.groundC, weather, supplyCurve: curve, hoursPerYear });
  const coldSetup = mediumSetup('cold', coldSizing, { groundC: sizing.groundC, weather, hoursPerYear });
  if ((o.plan?.carries ?? 'heat') !== 'heat' && !(coldSetup.designDeltaK > 0)) {
    warnings.add('route-no-cold-gain', `the ground (${coldSetup.groundDesignC.toFixed(1)} °C) is never warmer than the chilled water's mean ${((coldSizing.supplyC + coldSizing.returnC) / 2).toFixed(1)} °C: no gains counted`);
  }
  return { plan: { loads, profiles, heatSetup, coldSetup, hoursPerYear }, weatherFile: weather?.file, weather };
}
