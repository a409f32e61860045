/**
 * Starting a worker thread on one of heatplan's own modules, compiled or from the sources. Compiled
 * (dist/.../x.js) the worker is plain JavaScript; from the sources (tsx, vitest) it loads the TypeScript through tsx,
 * registered inside the thread, as the main thread's loader hooks do not carry over to workers. runInThread and
 * threadTask are the two sides of a one-shot task thread (the route's road graph and roads.geojson, the demand's
 * building inputs).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData, type ResourceLimits } from 'node:worker_threads';
import type { ProgressFn } from './progress.js';

const BOOT = `const { workerData } = require('node:worker_threads');
(workerData.tsx ? import(workerData.tsx).then((m) => m.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .catch((e) => { console.error(e); process.exit(70); });`;

let tsxApi: string | null | undefined;

/**
 * A worker running the module `stem` (no extension) next to the caller's module `callerUrl` (its import.meta.url):
 * `stem.js` when the caller is compiled, else `stem.ts` through tsx. `data` reaches the worker as
 * `workerData.data`.
 */
export function heatplanWorker(callerUrl: string, stem: string, data: unknown, o: { resourceLimits?: ResourceLimits; stdout?: boolean; stderr?: boolean } = {}): Worker {
  const compiled = callerUrl.endsWith('.js');
  const entry = new URL(`${stem}${compiled ? '.js' : '.ts'}`, callerUrl).href;
  if (!compiled && tsxApi === undefined) tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  return new Worker(BOOT, {
    eval: true,
    workerData: { tsx: compiled ? null : tsxApi, entry, data },
    resourceLimits: o.resourceLimits,
    stdout: o.stdout ?? false,
    stderr: o.stderr ?? false,
  });
}

/** A stage's choice of a second thread: when it pays on this machine ('auto', see spareCore), always, never. */
export type ThreadMode = 'auto' | 'always' | 'never';

/** Whether a second thread may be started for `thread: 'auto'`: a machine with two cores or more, and this is the
 * main thread (a batch worker, already one thread of several, starts none). */
export const spareCore = (): boolean => isMainThread && availableParallelism() >= 2;

/** What a heatplan task thread posts (threadTask): progress, then its value or its error's message. */
export type ThreadMessage<T> =
  | { type: 'progress'; done: number; total: number; label?: string }
  | { type: 'done'; value: T }
  | { type: 'error'; message: string };

/** How a task thread ended: its value, or why there is none (its error's message, out of memory, an exit). */
export type ThreadOutcome<T> = { value: T } | { failed: string };

/** A task thread under way (runInThread). */
export interface ThreadRun<T> {
  result: Promise<ThreadOutcome<T>>;
  /** Stop the thread (its result then says it failed). */
  cancel(): Promise<void>;
}

/**
 * Run the task module `stem` (a threadTask, next to the caller's module `callerUrl`) on `data` in a worker thread:
 * its progress goes to `onProgress`, its value (or why it failed) to `result`, which never rejects. The callers do
 * not trust a failed thread with its error: they do the work again in their own thread, where bad input is
 * reported as it always was.
 */
export function runInThread<T>(callerUrl: string, stem: string, data: unknown, onProgress?: ProgressFn): ThreadRun<T> {
  let worker: Worker | undefined;
  const result = new Promise<ThreadOutcome<T>>((resolve) => {
    try {
      worker = heatplanWorker(callerUrl, stem, data);
    } catch (e) {
      return resolve({ failed: `no worker thread: ${(e as Error).message}` });
    }
    let got: { value: T } | undefined;
    let why = '';
    worker.on('message', (m: ThreadMessage<T>) => {
      if (m.type === 'progress') onProgress?.(m.done, m.total, m.label);
      else if (m.type === 'done') got = { value: m.value };
      else why = m.message;
    });
    worker.on('error', (e: Error & { code?: string }) => (why = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : e.message));
    worker.on('exit', (code) => {
      worker = undefined;
      resolve(got ?? { failed: why || `the worker thread stopped (exit code ${code})` });
    });
  });
  return { result, cancel: async () => void (await worker?.terminate()) };
}

/**
 * The worker side of runInThread: runs `work` on the thread's data with a progress function that posts on a change
 * of label or every 0.2 s (a message per feature would flood the main thread), and posts its value (moving the
 * `transfer` buffers, not copying them) or its error's message. `crashEnv` names a test hook: set to 1, the thread
 * dies before it starts (exit code 86).
 */
export async function threadTask<D, T>(crashEnv: string, work: (data: D, onProgress: ProgressFn) => Promise<{ value: T; transfer?: ArrayBuffer[] }>): Promise<void> {
  if (process.env[crashEnv] === '1') process.exit(86);
  const port = parentPort!;
  const post = (m: ThreadMessage<T>, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  let lastLabel: string | undefined;
  let lastAt = 0;
  const onProgress: ProgressFn = (done, total, label) => {
    const now = performance.now();
    if (label === lastLabel && now - lastAt < 200 && done < total) return;
    lastLabel = label;
    lastAt = now;
    post({ type: 'progress', done, total, label });
  };
  try {
    const { value, transfer } = await work((workerData as { data: D }).data, onProgress);
    post({ type: 'done', value }, transfer);
  } catch (e) {
    post({ type: 'error', message: (e as Error)?.message ?? String(e) });
  }
}

/** The buffers of the typed arrays among `values`, each once, for a transfer list. */
export function arrayBuffersOf(values: Iterable<unknown>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of values) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  return [...out];
}
