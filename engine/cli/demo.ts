/**
 * `heatplan demo`: the whole pipeline on the generated demo town (datasets/make-demo-town.ts), from the scenario file
 * datasets/demo/demo.yaml through `heatplan run`'s runner, so the demo is also an end-to-end check of the CLI.
 * The simulation reads the Kitami weather and the BDEW profile tables from ../shared/datasets; where they are absent
 * the simulate stage is skipped with one loud line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { defaultProfilesDir } from '../demand/profiles.js';
import { loadScenario, parseScenario, type LoadOptions } from '../pipeline/load.js';
import { planSteps } from '../pipeline/plan.js';
import { runScenario } from '../pipeline/runner.js';
import type { StageName } from '../pipeline/schema.js';
import { info } from '../util/progress.js';
import { execStage } from './run.js';

export const DEMO_DIR = fileURLToPath(new URL('../../datasets/demo/', import.meta.url));
/** The demo's scenario file. */
export const DEMO_SCENARIO = resolve(DEMO_DIR, 'demo.yaml');
/** Kitami reference-year weather (climate region 1, nearest to Shimokawa), when the shared datasets are present. */
export const KITAMI_WEATHER = resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'datasets', 'weather', '0868195.has');

/** Why the demo cannot simulate (weather or profile tables missing), or undefined when it can. */
export function simulateSkipReason(weather: string, profilesDir = defaultProfilesDir()): string | undefined {
  const missing = [!existsSync(weather) && `weather ${weather}`, !existsSync(profilesDir) && `BDEW profile tables ${profilesDir}`].filter(Boolean);
  if (!missing.length) return undefined;
  return `${missing.join(' and ')} not found: the simulation reads them from ../shared/datasets (pass --weather FILE, set HEATPLAN_DATA for the profiles)`;
}

/** How the demo loads demo.yaml: run folder, the weather file patched in, simulate skipped when it cannot run. */
function demoLoadOptions(out: string, weather: string | undefined, skip: Partial<Record<StageName, string>>): LoadOptions {
  return {
    out,
    skip: Object.keys(skip) as StageName[],
    patch: (raw) => {
      const sim = raw.simulate as Record<string, unknown> | undefined;
      if (sim && typeof sim === 'object' && weather) sim.weather = weather;
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

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on the generated demo town (datasets/demo/demo.yaml)')
    .option('--out <dir>', 'run folder', 'out/demo')
    .option('--weather <path>', 'weather file for the simulation (default: Kitami HASP from ../shared/datasets when present)')
    .option('--quiet', 'no messages on stderr', false)
    .action(async (opts) => {
      const weather = resolve(opts.weather ?? KITAMI_WEATHER);
      const skipReason = simulateSkipReason(weather);
      const skip: Partial<Record<StageName, string>> = skipReason ? { simulate: skipReason } : {};
      const s = await loadScenario(DEMO_SCENARIO, demoLoadOptions(opts.out, weather, skip));
      const r = await runScenario(s, { exec: execStage, skip, log: opts.quiet ? null : undefined, prefix: 'heatplan demo' });
      info(`heatplan demo: view it: npx heatplan view ${opts.out}`, opts.quiet || !program.commands.some((c) => c.name() === 'view') || !r.stages.length);
    });
}
