/**
 * A small worker-thread pool with crash replacement. Each worker runs one task at a time; a worker that dies (exit,
 * uncaught error, out of memory under its resource limit) is replaced and its task retried up to `retries` times.
 * Its own pool rather than piscina because the batch needs to know which task a dead worker was running, to count
 * attempts per task and to receive per-stage progress messages while a task runs.
 * Workers run the compiled worker, or from the sources the TypeScript through tsx.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StageName } from './stages.js';
import type { Task, WorkerMessage } from './worker.js';

// compiled (dist/batch/pool.js): the worker is plain JavaScript; from the sources it loads through tsx, registered
// inside the thread (the main thread's loader hooks do not carry over)
const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = new URL(COMPILED ? './worker.js' : './worker.ts', import.meta.url).href;
const TSX_API = COMPILED ? null : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
const BOOT = `const { workerData } = require('node:worker_threads');
(workerData.tsx ? import(workerData.tsx).then((m) => m.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .catch((e) => { console.error(e); process.exit(70); });`;

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

  constructor(private readonly o: PoolOptions) {
    for (let k = 0; k < o.workers; k++) this.slots.push(this.spawn());
  }

  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Run `task`; never rejects: failures and crashes come back as outcomes. */
  run<T>(task: Task, onStage?: (s: StageName) => void): Promise<TaskOutcome<T>> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, task, attempts: 0, onStage, resolve: resolve as Job['resolve'] });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { tsx: TSX_API, entry: ENTRY },
      resourceLimits: this.o.maxOldGenerationMb ? { maxOldGenerationSizeMb: this.o.maxOldGenerationMb } : undefined,
      stderr: false,
      stdout: false,
    });
    const slot: Slot = { worker, ready: false };
    worker.on('message', (m: WorkerMessage) => {
      if (m.id === -1) {
        slot.ready = true;
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
