/**
 * `heatplan worker --queue redis://HOST:PORT`: run batch jobs from a BullMQ queue on this machine (as many machines
 * as wanted); and the queue side of `heatplan batch` (`--queue`, `--detach`, `--status`). Light: the queue modules
 * (bullmq, ioredis) are imported only when a command runs.
 *
 * The queue's password is never taken from the command line's output or printed: give it in the URL, or better in
 * HEATPLAN_QUEUE_PASSWORD or a file (`--queue-password-file`); every message shows the URL with *** for it.
 */
import type { Command } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { info, parseInteger, parsePositive, printJson } from './common.js';

/** The queue options shared by `heatplan batch` and `heatplan worker`. */
export function queueOptions(cmd: Command, required: boolean): Command {
  const q = '--queue <url>';
  const help = 'Redis of the BullMQ queue: redis://[user[:password]@]HOST:PORT[/db], rediss:// for TLS';
  (required ? cmd.requiredOption(q, help) : cmd.option(q, help))
    .option('--queue-name <name>', 'BullMQ queue name (default heatplan)')
    .option('--queue-password-file <file>', 'read the queue password from this file (else HEATPLAN_QUEUE_PASSWORD, else the URL)')
    .option('--queue-ca <file>', 'PEM file of the CA that signed the queue server\'s TLS certificate (else HEATPLAN_QUEUE_CA, else the system CAs)');
  return cmd;
}

interface QueueCliOptions {
  queue?: string;
  queueName?: string;
  queuePasswordFile?: string;
  queueCa?: string;
}

async function target(opts: QueueCliOptions) {
  const { parseQueueTarget } = await import('../batch/queue-connection.js');
  if (!opts.queue) throw new UsageError('queue-missing', '--queue redis://HOST:PORT is needed here');
  return parseQueueTarget({ url: opts.queue, name: opts.queueName, passwordFile: opts.queuePasswordFile, caFile: opts.queueCa });
}

/** `heatplan batch ... --queue URL` (with --detach, --status, --resume): called by engine/cli/batch.ts. */
export async function queueBatchAction(file: string | undefined, opts: QueueCliOptions & { out: string; status?: boolean; detach?: boolean; resume?: boolean; retries?: number; json?: boolean; quiet?: boolean }): Promise<void> {
  const t = await target(opts);
  if (opts.status) {
    const { queueStatus, statusLines } = await import('../batch/queue.js');
    const s = await queueStatus({ out: opts.out, target: t });
    if (opts.json) printJson(s);
    else process.stdout.write(statusLines(s).join('\n') + '\n');
    return;
  }
  if (!file) throw new UsageError('batch-file', 'heatplan batch needs the batch file (BATCH.yaml)');
  const { runQueueBatch } = await import('../batch/queue.js');
  const r = await runQueueBatch({ file, out: opts.out, target: t, resume: opts.resume, retries: opts.retries, detach: opts.detach, quiet: opts.quiet });
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
        log: opts.quiet ? () => {} : (l) => process.stderr.write(`${l}\n`),
        until,
      });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      info(`heatplan worker: stopped; ${r.completed} job(s) completed, ${r.failed} failed`, opts.quiet);
    });
}
