/**
 * Starting a worker thread on one of heatplan's own modules, compiled or from the sources. Compiled
 * (dist/.../x.js) the worker is plain JavaScript; from the sources (tsx, vitest) it loads the TypeScript through tsx,
 * registered inside the thread, as the main thread's loader hooks do not carry over to workers.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

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
