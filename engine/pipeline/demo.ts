/**
 * The demo (`heatplan demo`): the whole pipeline on the generated demo town (datasets/make-demo-town.ts), from the scenario file
 * datasets/demo/demo.yaml through `heatplan run`'s runner, so the demo is also an end-to-end check of the CLI.
 * The simulation reads the Kitami weather and the BDEW profile tables bundled in the project's datasets/ (see
 * datasets/README.md); where they are absent (or --weather names a missing file) the simulate stage is skipped with
 * one loud line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultProfilesDir } from '../demand/profiles.js';
import { loadScenario, parseScenario, type LoadOptions } from './load.js';
import { planSteps } from './plan.js';
import { runScenario } from './runner.js';
import type { StageName } from './schema.js';
import { bundledPath } from '../util/data-dir.js';

export const DEMO_DIR = bundledPath('demo');
/** The demo's scenario file. */
export const DEMO_SCENARIO = resolve(DEMO_DIR, 'demo.yaml');
/** Kitami reference-year weather (climate region 1, nearest to Shimokawa), bundled in datasets/weather. */
export const KITAMI_WEATHER = bundledPath('weather', '0868195.has');

/** Why the demo cannot simulate (weather or profile tables missing), or undefined when it can. */
export function simulateSkipReason(weather: string, profilesDir = defaultProfilesDir()): string | undefined {
  const missing = [!existsSync(weather) && `weather ${weather}`, !existsSync(profilesDir) && `BDEW profile tables ${profilesDir}`].filter(Boolean);
  if (!missing.length) return undefined;
  return `${missing.join(' and ')} not found: the simulation needs them (pass --weather FILE; the bundled tables are in the project's datasets/weather and datasets/profiles)`;
}

/** How the demo loads demo.yaml: run folder, the weather file patched in, simulate skipped when it cannot run. */
function demoLoadOptions(out: string, weather: string | undefined, skip: Partial<Record<StageName, string>>): LoadOptions {
  return {
    out,
    skip: Object.keys(skip) as StageName[],
    patch: (raw) => {
      const sim = raw.simulate as Record<string, unknown> | undefined;
      if (sim && typeof sim === 'object' && weather) sim.weather = weather;
      // the cost stage prices the simulation's energy: without a simulation it has nothing to cost (the simulate
      // stage's skip line says why)
      if (skip.simulate !== undefined) delete raw.cost;
    },
  };
}

/** The demo's stages as heatplan command lines (without --quiet); simulate is left out without a weather file. */
export function demoSteps(out: string, weather: string | undefined): string[][] {
  const skip: Partial<Record<StageName, string>> = weather ? {} : { simulate: 'no weather file' };
  const s = parseScenario(readFileSync(DEMO_SCENARIO, 'utf8'), DEMO_SCENARIO, demoLoadOptions(out, weather && resolve(weather), skip));
  return planSteps(s, { skip, verbose: true })
    .filter((st) => !st.skip)
    .map((st) => st.argv);
}

/** Run the demo scenario into `out`; returns the runner's result. */
export async function runDemo(o: { out: string; weather?: string; quiet?: boolean }) {
  const weather = resolve(o.weather ?? KITAMI_WEATHER);
  const skipReason = simulateSkipReason(weather);
  const skip: Partial<Record<StageName, string>> = skipReason ? { simulate: skipReason } : {};
  const s = await loadScenario(DEMO_SCENARIO, demoLoadOptions(o.out, weather, skip));
  return runScenario(s, { skip, log: o.quiet ? null : undefined, prefix: 'heatplan demo' });
}
