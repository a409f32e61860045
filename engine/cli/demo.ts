/** `heatplan demo`: the whole pipeline on the generated demo town (engine/pipeline/demo.ts, datasets/demo/demo.yaml). */
import type { Command } from 'commander';
import { info } from './common.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on the generated demo town (datasets/demo/demo.yaml)')
    .option('--out <dir>', 'run folder', 'out/demo')
    .option('--weather <path>', 'weather file for the simulation (default: the bundled Kitami HASP, datasets/weather/0868195.has)')
    .option('--quiet', 'no messages on stderr', false)
    .action(async (opts) => {
      const { runDemo } = await import('../pipeline/demo.js');
      const r = await runDemo({ out: opts.out, weather: opts.weather, quiet: opts.quiet });
      info(`heatplan demo: view it: npx heatplan view ${opts.out}`, opts.quiet || !program.commands.some((c) => c.name() === 'view') || !r.stages.length);
    });
}
