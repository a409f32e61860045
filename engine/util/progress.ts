/**
 * Progress reporting. Engine functions take an optional `onProgress(done, total, label)` callback; the CLI turns it
 * into a bar on stderr (only when stderr is a terminal, so logs and --json output stay clean).
 */
import cliProgress from 'cli-progress';

export type ProgressFn = (done: number, total: number, label?: string) => void;

export interface ProgressBar {
  update: ProgressFn;
  stop(): void;
}

/**
 * A progress bar on stderr for a long task, or a no-op when stderr is not a TTY or quiet is set. With
 * HEATPLAN_PROGRESS=log (logs of batch jobs, benchmarks) each step is one line instead, on any stderr: the task, the
 * step's label and the seconds since the task started, written when the label changes.
 */
export function progressBar(task: string, opts: { quiet?: boolean } = {}): ProgressBar {
  if (!opts.quiet && process.env.HEATPLAN_PROGRESS === 'log') {
    const t0 = performance.now();
    let last: string | undefined;
    const line = (label: string) => process.stderr.write(`${task}: ${label} at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return {
      update(_done, _total, label = '') {
        if (label !== last) line((last = label) || 'started');
      },
      stop: () => line('finished'),
    };
  }
  if (opts.quiet || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${task} [{bar}] {percentage}% {value}/{total} {label} eta {eta_formatted}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Log a line to stderr unless quiet. */
export function info(msg: string, quiet = false): void {
  if (!quiet) process.stderr.write(msg + '\n');
}
