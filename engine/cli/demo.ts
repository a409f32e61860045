/**
 * `heatplan demo`: the whole pipeline on the generated demo town in datasets/demo (see datasets/make-demo-town.ts),
 * through the same commands a user runs, so the demo is also an end-to-end check of the CLI.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { info } from '../util/progress.js';

export const DEMO_DIR = fileURLToPath(new URL('../../datasets/demo/', import.meta.url));
/** Kitami reference-year weather (climate region 1, nearest to Shimokawa), when the shared datasets are present. */
export const KITAMI_WEATHER = resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'datasets', 'weather', '0868195.has');

/** The demo's steps as CLI argument lists; a step whose command does not exist in this build is skipped. */
export function demoSteps(out: string, weather: string | undefined): string[][] {
  const d = (f: string) => join(DEMO_DIR, f);
  const steps: string[][] = [
    ['demand', '--buildings', d('buildings.geojson'), '--out', out, '--scheme', 'plateau', '--use-column', 'usage',
      '--storeys-column', 'storeys', '--floor-area-column', 'floorArea', '--height-column', 'height', '--id-column', 'id',
      '--blocks', d('blocks.geojson'), '--climate-region', '1', '--cell', '50'],
    ['potential', '--run', out, '--sewers', d('sewers.geojson'), '--rivers', d('river.geojson'), '--waste-heat', d('waste-heat.geojson')],
    ['areas', '--run', out, '--method', 'hotmaps'],
    ['route', '--run', out, '--roads', d('roads.geojson'), '--plants', d('plants.geojson')],
    ['simulate', '--run', out, '--scenario', d('scenario.yaml'), ...(weather ? ['--weather', weather] : [])],
    ['report', out],
    ['export-map', out, '--format', 'png', '--out', join(out, 'map.png'), '--title', 'heatplan demo town'],
  ];
  return steps;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on the generated demo town (datasets/demo)')
    .option('--out <dir>', 'run folder', 'out/demo')
    .option('--weather <path>', 'weather file for the simulation (default: Kitami HASP from ../shared/datasets when present)')
    .option('--quiet', 'no messages on stderr', false)
    .action(async (opts) => {
      const { main } = await import('./main.js');
      const out = resolve(opts.out);
      const weather = opts.weather ?? (existsSync(KITAMI_WEATHER) ? KITAMI_WEATHER : undefined);
      const known = new Set(program.commands.map((c) => c.name()));
      for (const step of demoSteps(out, weather)) {
        const cmd = step[0]!;
        if (!known.has(cmd)) {
          info(`heatplan demo: skipping "${cmd}" (not in this build)`, opts.quiet);
          continue;
        }
        if (cmd === 'simulate' && !existsSync(join(DEMO_DIR, 'scenario.yaml'))) step.splice(step.indexOf('--scenario'), 2);
        info(`heatplan demo: heatplan ${step.map((s) => (s.includes(' ') ? JSON.stringify(s) : s)).join(' ')}`, opts.quiet);
        const takesQuiet = program.commands.find((c) => c.name() === cmd)!.options.some((o) => o.long === '--quiet');
        const code = await main(opts.quiet && takesQuiet ? [...step, '--quiet'] : step);
        if (code !== 0) throw new Error(`demo step "${cmd}" failed with exit code ${code}`);
      }
      info(`heatplan demo: done; run folder ${out}${known.has('view') ? ` (view it: npx heatplan view ${opts.out})` : ''}`, opts.quiet);
    });
}
