/**
 * `heatplan worker --queue redis://HOST:PORT`: run batch jobs from a BullMQ queue on this machine (as many machines
 * as wanted); and the queue side of `heatplan batch` (`--queue`, `--detach`, `--status`). Light: the queue modules
 * (bullmq, ioredis) are imported only when a command runs.
 *
 * The queue's password is never taken from the command line's output or printed: give it in the URL, or better in
 * HEATPLAN_QUEUE_PASSWORD or a file (`--queue-password-file`); every message shows the URL with *** for it.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { info, parseInteger, parsePositive, printJson } from './common.js';

/** The queue options shared by `heatplan batch` and `heatplan worker`. */
export function queueOptions(cmd: Command, required: boolean): Command {
  const q = '--queue <url>';
  const help = 'Redis of the BullMQ queue: redis://[user[:password]@]HOST:PORT[/db], rediss:// for TLS';
  (required ? cmd.requiredOption(q, help) : cmd.option(q, help))
    .option('--queue-name <name>', 'BullMQ queue name (default heatplan)')
    .option('--queue-password-file <file>', 'read the queue password from this file (else HEATPLAN_QUEUE_PASSWORD, else the URL)')
    .option('--queue-ca <file>', 'PEM file of the CA that signed the queue server\'s TLS certificate (else HEATPLAN_QUEUE_CA, else the system CAs)')
    .option('--store-credentials-file <file>', 'object store credentials in the AWS shared-credentials format ([default] aws_access_key_id, aws_secret_access_key; section AWS_PROFILE if set); else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ~/.aws/credentials');
  return cmd;
}

/** The object-store options of `heatplan batch` (workers take the store from the jobs). */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option('--store <url>', 'keep the run folders and tables in an S3-compatible object store, s3://BUCKET/PREFIX, instead of --out (with or without --queue)')
    .option('--store-endpoint <url>', 'http(s) endpoint of an S3-compatible server (else HEATPLAN_STORE_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL; else AWS S3)')
    .option('--store-region <name>', 'the store\'s region (else AWS_REGION, AWS_DEFAULT_REGION, else us-east-1, the S3 API\'s default)')
    .option('--job-retention <s>', 'remove a finished run\'s jobs from Redis once summary.csv is written, its summary job (every area\'s record, for --status) after this many seconds; "keep" (the default) keeps every job', (v: string) => {
      if (v === 'keep') return null;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--job-retention must be seconds (>= 0) or "keep", not "${v}"`);
      return n;
    });
}

interface QueueCliOptions {
  queue?: string;
  queueName?: string;
  queuePasswordFile?: string;
  queueCa?: string;
  store?: string;
  storeEndpoint?: string;
  storeRegion?: string;
  storeCredentialsFile?: string;
  jobRetention?: number | null;
}

async function storeTarget(opts: QueueCliOptions) {
  if (!opts.store) return undefined;
  const { parseStoreTarget } = await import('../batch/store-target.js');
  return parseStoreTarget({ url: opts.store, endpoint: opts.storeEndpoint, region: opts.storeRegion, credentialsFile: opts.storeCredentialsFile });
}

/** Credentials a worker uses for the stores its jobs name (a file given; else the SDK's chain). */
async function workerCredentials(opts: QueueCliOptions) {
  if (!opts.storeCredentialsFile) return undefined;
  const { readCredentialsFile } = await import('../batch/store-target.js');
  return readCredentialsFile(opts.storeCredentialsFile, process.env.AWS_PROFILE ?? 'default');
}

async function target(opts: QueueCliOptions) {
  const { parseQueueTarget } = await import('../batch/queue-connection.js');
  if (!opts.queue) throw new UsageError('queue-missing', '--queue redis://HOST:PORT is needed here');
  return parseQueueTarget({ url: opts.queue, name: opts.queueName, passwordFile: opts.queuePasswordFile, caFile: opts.queueCa });
}

/** `heatplan batch ... --queue URL` (with --detach, --status, --resume): called by engine/cli/batch.ts. */
export async function queueBatchAction(file: string | undefined, opts: QueueCliOptions & { out?: string; status?: boolean; detach?: boolean; resume?: boolean; retries?: number; json?: boolean; quiet?: boolean }): Promise<void> {
  const t = await target(opts);
  const store = await storeTarget(opts);
  if (store && opts.out) throw new UsageError('batch-out', 'give --out DIR or --store s3://BUCKET/PREFIX, not both: with --store the store holds the run folders and tables');
  if (!store && !opts.out) throw new UsageError('batch-out', 'heatplan batch needs --out DIR (or, with --queue, --store s3://BUCKET/PREFIX)');
  if (opts.status) {
    const { queueStatus, statusLines } = await import('../batch/queue.js');
    const s = await queueStatus({ out: opts.out, store, target: t });
    if (opts.json) printJson(s);
    else process.stdout.write(statusLines(s).join('\n') + '\n');
    return;
  }
  if (!file) throw new UsageError('batch-file', 'heatplan batch needs the batch file (BATCH.yaml)');
  const { runQueueBatch } = await import('../batch/queue.js');
  const r = await runQueueBatch({ file, out: opts.out, store, target: t, resume: opts.resume, retries: opts.retries, detach: opts.detach, quiet: opts.quiet, retentionS: opts.jobRetention });
  if (opts.json) printJson(r);
  if (r.detached) return;
  info(`heatplan batch: ${r.done} of ${r.areas.length} areas done, ${r.failed} failed (queue ${t.masked}, run ${r.run}); ${r.seconds.toFixed(1)} s; wrote ${r.out}/summary.csv`, opts.quiet);
  if (r.failed) {
    throw new InputError('batch-areas-failed', `${r.failed} of ${r.areas.length} areas failed: ${r.areas.filter((a) => a.status === 'failed').map((a) => `${a.name} (${a.failedStage}: ${a.error})`).join('; ')}`, {
      file: `${r.out}/summary.csv`,
    });
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('worker')
    .description('run batch jobs from a Redis-backed BullMQ queue (heatplan batch --queue) on this machine, until SIGINT/SIGTERM; every worker must reach the batch\'s --out folder at the same path');
  queueOptions(cmd, true)
    .option('--concurrency <n>', 'jobs at once, each on its own worker thread (default 1)', parseInteger('--concurrency', 1, 256))
    .option('--lock-duration <s>', 'job lock, seconds: a dead worker\'s job is handed to another after this (default 30)', parsePositive('--lock-duration'))
    .option('--stalled-interval <s>', 'how often this worker looks for stalled jobs, seconds (default 30)', parsePositive('--stalled-interval'))
    .option('--max-stalled <n>', 'times a job may stall (its worker died) before it fails (default 2)', parseInteger('--max-stalled', 0, 100))
    .option('--worker-memory <MB>', 'V8 heap limit per worker thread (default: V8\'s)', parsePositive('--worker-memory'))
    .option('--scratch <dir>', 'local folder for the copies of run folders that jobs on an object store work on (default: the system\'s temporary folder)')
    .option('--quiet', 'no messages on stderr', false)
    .action(async (opts) => {
      const t = await target(opts);
      const { runQueueWorker } = await import('../batch/queue-worker.js');
      let stop: () => void = () => {};
      const until = new Promise<void>((res) => (stop = res));
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        // the first signal lets the running jobs finish; a second one ends at once (the jobs stall and go to others)
        if (++signals > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
        stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const r = await runQueueWorker({
        target: t,
        concurrency: opts.concurrency,
        lockDurationMs: opts.lockDuration ? opts.lockDuration * 1000 : undefined,
        stalledIntervalMs: opts.stalledInterval ? opts.stalledInterval * 1000 : undefined,
        maxStalledCount: opts.maxStalled,
        workerMemoryMb: opts.workerMemory,
        storeCredentials: await workerCredentials(opts),
        scratch: opts.scratch,
        log: opts.quiet ? () => {} : (l) => process.stderr.write(`${l}\n`),
        until,
      });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      info(`heatplan worker: stopped; ${r.completed} job(s) completed, ${r.failed} failed`, opts.quiet);
    });
}
