/**
 * `heatplan report DIR`: write report.html into a run folder (summary tables, maps and charts, self-contained).
 */
import type { Command } from 'commander';
import { writeReport } from '../export/report.js';
import { info } from '../util/progress.js';
import { printJson } from './common.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('write report.html in a run folder: stage summaries, warnings, inputs, small maps and charts')
    .argument('<dir>', 'run folder')
    .option('--out <file>', 'output file (default: DIR/report.html)')
    .option('--no-maps', 'leave the maps out (faster for very large runs)')
    .option('--json', 'print what was written as JSON on stdout', false)
    .option('--quiet', 'no messages on stderr', false)
    .action(async (dir: string, opts) => {
      const r = await writeReport(dir, { out: opts.out, maps: opts.maps });
      if (r.missing.length) info(`heatplan report: note: run files not present: ${r.missing.join(', ')}`, opts.quiet);
      info(`heatplan report: wrote ${r.file} (${r.maps} maps, ${r.charts} charts) in ${r.seconds.toFixed(2)} s`, opts.quiet);
      if (opts.json) printJson(r);
    });
}
