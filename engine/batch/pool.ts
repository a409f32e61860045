/**
 * A small worker-thread pool with crash replacement. Each worker runs one task at a time; a worker that dies (exit,
 * uncaught error, out of memory under its resource limit) is replaced and its task retried up to `retries` times.
 * Its own pool rather than piscina because the batch needs to know which task a dead worker was running, to count
 * attempts per task and to receive per-stage progress messages while a task runs.
 * Workers run the compiled worker, or from the sources the TypeScript through tsx (engine/util/thread.ts).
 */
import type { Worker } from 'node:worker_threads';
import { heatplanWorker } from '../util/thread.js';
import type { StageName } from './stages.js';
import type { Task, WorkerMessage } from './worker.js';

/**
 * Smallest V8 heap a worker may be given, MB (the minimum of `batch --worker-memory`). Measured with heatplan 0.1 on
 * Node 20: a worker loading the engine from the sources through tsx does not start at 16 MB and starts at 18 MB, and
 * Tamana's demand (242 buildings) runs in 20 MB; 64 MB is about three times that, room for a small town's stages.
 * Below it a worker can only die, and every area with it.
 */
export const MIN_WORKER_MEMORY_MB = 64;

/**
 * Workers that die before they are ready, in a row (none started in between), after which the pool stops replacing
 * them and fails the tasks still waiting: a worker that cannot load will never run a task, and replacing it forever
 * spins at 100 % CPU. Three, so that one worker dying at start (memory short for a moment) does not fail a batch.
 */
export const MAX_BOOT_FAILURES = 3;

/** The message of a pool whose workers die before they start for want of heap. */
export const heapTooSmall = (mb: number | undefined): string =>
  `worker heap too small (--worker-memory ${mb ?? 'default'} MB): give at least ${mb === undefined || mb < MIN_WORKER_MEMORY_MB ? MIN_WORKER_MEMORY_MB : 2 * mb} MB`;

export interface PoolOptions {
  workers: number;
  /** Crash retries per task. */
  retries: number;
  /** V8 old-generation limit per worker, MB (an out-of-memory area kills only its worker). */
  maxOldGenerationMb?: number;
}

export type TaskOutcome<T> = { ok: true; result: T; attempts: number } | { ok: false; error: string; crashed: boolean; attempts: number };

interface Job {
  id: number;
  task: Task;
  attempts: number;
  onStage?: (s: StageName) => void;
  resolve: (o: TaskOutcome<unknown>) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  lastError?: string;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers replaced after a crash. */
  crashes = 0;
  /** Workers that died before they were ready, in a row. */
  private bootFailures = 0;
  /** Set when the pool gave up starting workers (MAX_BOOT_FAILURES): why; waiting tasks fail with it. */
  failure?: string;

  constructor(private readonly o: PoolOptions) {
    for (let k = 0; k < o.workers; k++) this.slots.push(this.spawn());
  }

  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Run `task`; never rejects: failures and crashes come back as outcomes. */
  run<T>(task: Task, onStage?: (s: StageName) => void): Promise<TaskOutcome<T>> {
    return new Promise((resolve) => {
      if (this.failure !== undefined && this.slots.length === 0) return resolve({ ok: false, error: this.failure, crashed: true, attempts: 0 });
      this.queue.push({ id: this.nextId++, task, attempts: 0, onStage, resolve: resolve as Job['resolve'] });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    // compiled, the worker is dist/batch/worker.js; from the sources worker.ts through tsx (engine/util/thread.ts)
    const worker = heatplanWorker(import.meta.url, './worker', undefined, {
      resourceLimits: this.o.maxOldGenerationMb ? { maxOldGenerationSizeMb: this.o.maxOldGenerationMb } : undefined,
    });
    const slot: Slot = { worker, ready: false };
    worker.on('message', (m: WorkerMessage) => {
      if (m.id === -1) {
        slot.ready = true;
        this.bootFailures = 0;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      if (m.type === 'stage') job.onStage?.(m.stage);
      else {
        slot.job = undefined;
        job.resolve(m.type === 'done' ? { ok: true, result: m.result, attempts: job.attempts } : { ok: false, error: m.message, crashed: false, attempts: job.attempts });
        this.dispatch();
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      slot.lastError = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (worker limit ${this.o.maxOldGenerationMb ?? 'default'} MB)` : e.message;
    });
    worker.on('exit', (code) => {
      const i = this.slots.indexOf(slot);
      if (this.closed || i < 0) return;
      this.crashes++;
      const job = slot.job;
      if (!slot.ready && ++this.bootFailures >= MAX_BOOT_FAILURES) {
        const oom = slot.lastError?.startsWith('out of memory');
        this.failure ??= oom
          ? heapTooSmall(this.o.maxOldGenerationMb)
          : `workers cannot start: ${MAX_BOOT_FAILURES} died before they were ready (${slot.lastError ?? `exit code ${code}`})`;
      }
      if (this.failure !== undefined && !slot.ready) {
        // no more replacements for workers that cannot start; ready ones go on serving the queue
        this.slots.splice(i, 1);
        if (this.slots.length === 0) for (const q of this.queue.splice(0)) q.resolve({ ok: false, error: this.failure, crashed: true, attempts: q.attempts });
        return;
      }
      this.slots[i] = this.spawn();
      if (job) {
        const why = slot.lastError ?? `worker exited with code ${code}`;
        if (job.attempts < this.o.retries) {
          job.attempts++;
          this.queue.unshift(job);
        } else job.resolve({ ok: false, error: `worker crashed ${job.attempts + 1} times: ${why}`, crashed: true, attempts: job.attempts });
      }
      this.dispatch();
    });
    return slot;
  }

  private dispatch(): void {
    for (const s of this.slots) {
      if (!this.queue.length) return;
      if (!s.ready || s.job) continue;
      const job = this.queue.shift()!;
      s.job = job;
      s.worker.postMessage({ id: job.id, task: job.task });
    }
  }
}
