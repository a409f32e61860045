/** `heatplan batch`: many areas (cities, tiles, tiled large inputs) through the stages on a worker pool. */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { info, parseInteger, parsePositive, printJson } from './common.js';

export function register(program: Command): void {
  program
    .command('batch')
    .description('run the stages named in a batch file over many areas on a worker pool (writes DIR/<area>/, DIR/summary.csv, DIR/summary.geojson, DIR/batch.json)')
    .argument('<file>', 'batch file (YAML): stages, areas with their inputs and per-stage options (see README)')
    .requiredOption('--out <dir>', 'batch output folder')
    .option('--workers <n>', 'worker threads (default: number of cores)', parseInteger('--workers', 1, 256))
    .option('--resume', 'skip areas whose run folder is complete; run only missing stages', false)
    .option('--retries <n>', 'retries of an area whose worker crashed (default: the file\'s retries, else 2)', parseInteger('--retries', 0, 10))
    .option('--worker-memory <MB>', 'V8 heap limit per worker (default: 80 % of RAM / workers)', parsePositive('--worker-memory'))
    .option('--json', 'print the batch result as JSON on stdout', false)
    .option('--quiet', 'no progress or messages on stderr', false)
    .action(async (file: string, opts) => {
      const { runBatch } = await import('../batch/batch.js');
      const r = await runBatch({ file, out: opts.out, workers: opts.workers, resume: opts.resume, retries: opts.retries, workerMemoryMb: opts.workerMemory, quiet: opts.quiet });
      if (opts.json) printJson(r);
      info(`heatplan batch: ${r.done} of ${r.areas.length} areas done, ${r.failed} failed, ${r.crashes} worker crash(es); ${r.seconds.toFixed(1)} s; wrote ${r.out}/summary.csv`, opts.quiet);
      if (r.failed) {
        throw new InputError('batch-areas-failed', `${r.failed} of ${r.areas.length} areas failed: ${r.areas.filter((a) => a.status === 'failed').map((a) => `${a.name} (${a.failedStage}: ${a.error})`).join('; ')}`, {
          file: `${r.out}/summary.csv`,
        });
      }
    });
}
