/**
 * Batch progress on stderr: areas done, running (with their current stage), failed, elapsed and estimated time left.
 * On a terminal one status line is redrawn; otherwise (logs, CI) one line per finished area.
 */
export interface BatchProgressOptions {
  total: number;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}

export class BatchProgress {
  private done = 0;
  private failed = 0;
  private readonly running = new Map<string, string>();
  private readonly t0 = Date.now();
  private timer?: NodeJS.Timeout;
  private readonly tty: boolean;
  private readonly stream: NodeJS.WriteStream;
  /** Areas finished before this run (--resume): not counted in the rate. */
  private reused = 0;

  constructor(private readonly o: BatchProgressOptions) {
    this.stream = o.stream ?? process.stderr;
    this.tty = !o.quiet && Boolean(this.stream.isTTY);
    if (this.tty) this.timer = setInterval(() => this.draw(), 1000).unref();
  }

  stage(area: string, stage: string): void {
    this.running.set(area, stage);
    this.draw();
  }

  finish(area: string, ok: boolean, message: string, reused = false): void {
    this.running.delete(area);
    if (ok) this.done++;
    else this.failed++;
    if (reused) this.reused++;
    if (!this.o.quiet) {
      if (this.tty) this.stream.write('\r\x1b[K');
      this.stream.write(`batch [${this.done + this.failed}/${this.o.total}] ${area}: ${message}\n`);
    }
    this.draw();
  }

  /** Status line: done, running, failed, elapsed, left. */
  line(): string {
    const elapsed = (Date.now() - this.t0) / 1000;
    const finished = this.done + this.failed - this.reused;
    const left = this.o.total - this.done - this.failed;
    const eta = finished > 0 && left > 0 ? ` left ~${clock((elapsed / finished) * left)}` : '';
    const run = [...this.running].map(([a, s]) => `${a}:${s}`).join(' ');
    return `batch: ${this.done} done, ${this.running.size} running, ${this.failed} failed of ${this.o.total}; ${clock(elapsed)}${eta}${run ? ` | ${run}` : ''}`;
  }

  private draw(): void {
    if (!this.tty) return;
    const cols = this.stream.columns ?? 120;
    this.stream.write('\r\x1b[K' + this.line().slice(0, cols - 1));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.stream.write('\r\x1b[K');
  }
}

export function clock(s: number): string {
  const t = Math.round(s);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`;
}
