/** `heatplan batch`: many areas (cities, tiles, tiled large inputs) through the stages on a worker pool. */
import { InvalidArgumentError, type Command } from 'commander';
import { heapTooSmall, MIN_WORKER_MEMORY_MB } from '../batch/pool.js';
import { InputError, UsageError } from '../errors.js';
import { info, parseInteger, parsePositive, printJson } from './common.js';
import { queueBatchAction, queueOptions, storeOptions } from './worker.js';

export function register(program: Command): void {
  const cmd = program
    .command('batch')
    .description('run the stages named in a batch file over many areas on a worker pool (writes DIR/<area>/, DIR/summary.csv, DIR/summary.geojson, DIR/batch.json)')
    .argument('[file]', 'batch file (YAML): stages, areas with their inputs and per-stage options (see README); not with --status')
    .option('--out <dir>', 'batch output folder (required, except with --queue and --store)')
    .option('--workers <n>', 'worker threads (default: number of cores)', parseInteger('--workers', 1, 256))
    .option('--resume', 'skip areas whose run folder is complete; run only missing stages', false)
    .option('--retries <n>', 'retries of an area whose worker crashed (default: the file\'s retries, else 2)', parseInteger('--retries', 0, 10))
    .option('--worker-memory <MB>', `V8 heap limit per worker, at least ${MIN_WORKER_MEMORY_MB} (default: 80 % of RAM / workers)`, (v: string) => {
      const mb = parsePositive('--worker-memory')(v);
      if (mb < MIN_WORKER_MEMORY_MB) throw new InvalidArgumentError(heapTooSmall(mb));
      return mb;
    })
    .option('--json', 'print the batch result as JSON on stdout', false)
    .option('--quiet', 'no progress or messages on stderr', false)
    .option('--detach', 'with --queue: return once the batch is enqueued', false)
    .option('--status', 'with --queue: print where the batch into --out stands (done, running, failed, waiting)', false);
  // --queue URL: enqueue the batch as a BullMQ flow for `heatplan worker` processes (engine/cli/worker.ts)
  storeOptions(queueOptions(cmd, false))
    .action(async (file: string | undefined, opts) => {
      if (opts.queue || opts.status || opts.detach) return queueBatchAction(file, opts);
      if (opts.store && opts.out) throw new UsageError('batch-out', 'give --out DIR or --store s3://BUCKET/PREFIX, not both: with --store the store holds the run folders and tables');
      if (!opts.out && !opts.store) throw new UsageError('batch-out', 'heatplan batch needs --out DIR (or --store s3://BUCKET/PREFIX)');
      if (!file) throw new UsageError('batch-file', 'heatplan batch needs the batch file (BATCH.yaml)');
      const store = opts.store ? (await import('../batch/store-target.js')).parseStoreTarget({ url: opts.store, endpoint: opts.storeEndpoint, region: opts.storeRegion, credentialsFile: opts.storeCredentialsFile }) : undefined;
      const { runBatch } = await import('../batch/batch.js');
      const r = await runBatch({ file, out: opts.out ?? '', store, workers: opts.workers, resume: opts.resume, retries: opts.retries, workerMemoryMb: opts.workerMemory, quiet: opts.quiet });
      if (opts.json) printJson(r);
      info(`heatplan batch: ${r.done} of ${r.areas.length} areas done, ${r.failed} failed, ${r.crashes} worker crash(es); ${r.seconds.toFixed(1)} s; wrote ${r.out}/summary.csv`, opts.quiet);
      if (r.failed) {
        throw new InputError('batch-areas-failed', `${r.failed} of ${r.areas.length} areas failed: ${r.areas.filter((a) => a.status === 'failed').map((a) => `${a.name} (${a.failedStage}: ${a.error})`).join('; ')}`, {
          file: `${r.out}/summary.csv`,
        });
      }
    });
}
