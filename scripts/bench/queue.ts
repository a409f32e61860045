/**
 * Queue benchmark: the 1,000,000-building batch of scripts/bench/batch.ts (the Osaka tiles, 11,684 PLATEAU buildings,
 * repeated 86 times with offsets as GeoJSON copies; one tiled area, stages demand + areas) run through a BullMQ queue
 * on a loopback Redis by 1, 2 and 4 `heatplan worker` processes (concurrency 1 each), against the local worker-thread
 * pool on the same file. Reported: wall time of `heatplan batch --queue` (enqueue to summary), the jobs and their
 * processing time by kind (from BullMQ's processedOn/finishedOn), and the queue's own overhead per job, measured two
 * ways: (a) a no-op job through the queue (and a chain of dependent no-op jobs: the hand-over from a finished child
 * to its parent, which a stage chain pays per stage), (b) (queue wall - local wall) / jobs at the same parallelism.
 *
 * Redis: $HEATPLAN_BENCH_REDIS, else a redis-server started on a free loopback port (skipped without one).
 *
 *   npx tsx scripts/bench/queue.ts [--buildings 1000000] [--tile 25000] [--workers 1,2,4] [--local 1,2] [--keep]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { FlowProducer, Queue, Worker, type FlowJob } from 'bullmq';
import { Redis } from 'ioredis';
import { syntheticCity } from './_synthetic-city.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const target = Number(arg('buildings', '1000000'));
const tileM = Number(arg('tile', '25000'));
const workerCounts = arg('workers', '1,2,4').split(',').map(Number);
const localCounts = arg('local', '1,2').split(',').filter(Boolean).map(Number);
const keep = process.argv.includes('--keep');
const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin/heatplan.mjs');
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(ROOT, '..', 'shared', 'datasets'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Redis

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

let redisProc: ChildProcess | undefined;
let url = process.env.HEATPLAN_BENCH_REDIS;
if (!url) {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log('queue benchmark skipped: no redis-server on PATH and no HEATPLAN_BENCH_REDIS (apt-get install redis-server)');
    process.exit(0);
  }
  const port = await freePort();
  redisProc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  url = `redis://127.0.0.1:${port}`;
  for (let k = 0; k < 100; k++) {
    const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    const ok = await r.connect().then(() => r.ping()).then(() => true, () => false);
    r.disconnect();
    if (ok) break;
    await sleep(100);
  }
}
const stopRedis = () => redisProc?.kill('SIGTERM');
process.on('exit', stopRedis);
const redisVersion = await (async () => {
  const r = new Redis(url!);
  const info = await r.info('server');
  r.disconnect();
  return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
})();

// ---------------------------------------------------------------------------------------------------------------
// (a) the queue's own cost per job: no-op jobs, and a chain of dependent no-op jobs

async function noopBench(): Promise<{ perJobMs: number; perHopMs: number; jobs: number; hops: number }> {
  const name = `bench-noop-${process.pid}`;
  const conn = () => new Redis(url!, { maxRetriesPerRequest: null });
  const clients = [conn(), conn(), conn()];
  const queue = new Queue(name, { connection: clients[0]! });
  const N = 2000, H = 200;
  let done = 0;
  const worker = new Worker(name, async () => {
    done++;
    return null;
  }, { connection: clients[1]!, concurrency: 1 });
  await worker.waitUntilReady();
  let t0 = performance.now();
  await queue.addBulk(Array.from({ length: N }, (_, k) => ({ name: 'noop', data: { k } })));
  while (done < N) await sleep(5);
  const perJobMs = (performance.now() - t0) / N;
  // a chain: job k is the parent of job k-1 (as a stage is of the stage before it)
  let node: FlowJob | undefined;
  for (let k = 0; k < H; k++) node = { name: 'hop', queueName: name, data: { k }, ...(node ? { children: [node] } : {}) };
  const flows = new FlowProducer({ connection: clients[2]! });
  done = 0;
  t0 = performance.now();
  await flows.add(node!);
  while (done < H) await sleep(2);
  const perHopMs = (performance.now() - t0) / H;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await flows.close();
  for (const c of clients) c.disconnect();
  return { perJobMs, perHopMs, jobs: N, hops: H };
}

// ---------------------------------------------------------------------------------------------------------------
// the synthetic city (as scripts/bench/batch.ts builds it)

const { dir, files, copies, perCopy, yaml } = await syntheticCity(DATA, target, tileM, 'heatplan-bench-queue-');
const batchFile = join(dir, 'batch.yaml');
writeFileSync(batchFile, yaml);
console.log(`synthetic city: ${copies} copies x ${perCopy} = ${(copies * perCopy).toLocaleString('en-US')} buildings in ${dir}; Redis ${redisVersion} at ${url}`);

// ---------------------------------------------------------------------------------------------------------------
// runs

function runCli(args: string[]): Promise<{ code: number | null; out: string; wallS: number }> {
  const t0 = performance.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => res({ code, out, wallS: (performance.now() - t0) / 1000 }));
  });
}

interface Row { run: string; wallS: number; jobs?: number; heatMWh: number; tiles: number; byKind?: Record<string, { n: number; s: number }>; jobSum?: number }
const rows: Row[] = [];
const localWall = new Map<number, number>();

for (const wk of localCounts) {
  const out = join(dir, `local-${wk}`);
  const r = await runCli(['batch', batchFile, '--out', out, '--workers', String(wk), '--quiet']);
  if (r.code !== 0) throw new Error(`local batch failed: ${r.out}`);
  const m = JSON.parse(readFileSync(join(out, 'city', 'manifest.json'), 'utf8'));
  rows.push({ run: `local pool, ${wk} worker thread(s)`, wallS: r.wallS, heatMWh: m.demand.annualHeat_MWh, tiles: m.demand.tiles.run.length });
  localWall.set(wk, r.wallS);
  if (!keep) rmSync(out, { recursive: true, force: true });
}

for (const wk of workerCounts) {
  const qname = `bench-${process.pid}-${wk}`;
  const out = join(dir, `queue-${wk}`);
  // with --keep, each worker's log is kept beside the outputs
  const procs = Array.from({ length: wk }, (_, k) =>
    spawn(process.execPath, [BIN, 'worker', '--queue', url!, '--queue-name', qname, '--concurrency', '1', ...(keep ? [] : ['--quiet'])], {
      stdio: keep ? ['ignore', 'ignore', openSync(join(dir, `worker-${wk}-${k}.log`), 'w')] : 'ignore',
    }),
  );
  await sleep(1500); // the workers connect (their start-up is not the batch's time)
  const r = await runCli(['batch', batchFile, '--out', out, '--queue', url!, '--queue-name', qname, '--quiet']);
  if (r.code !== 0) throw new Error(`queued batch failed: ${r.out}`);
  const m = JSON.parse(readFileSync(join(out, 'city', 'manifest.json'), 'utf8'));
  // every job of the run, by kind, from BullMQ's own timestamps
  const conn = new Redis(url!, { maxRetriesPerRequest: null });
  const q = new Queue(qname, { connection: conn });
  const jobs = await q.getJobs(['completed'], 0, -1);
  const byKind: Record<string, { n: number; s: number }> = {};
  let jobSum = 0;
  for (const j of jobs) {
    const kind = j.name.includes(':') ? j.name.split(':')[1]! : j.name;
    const sec = ((j.finishedOn ?? 0) - (j.processedOn ?? 0)) / 1000;
    const k = (byKind[kind] ??= { n: 0, s: 0 });
    k.n++;
    k.s += sec;
    jobSum += sec;
  }
  await q.obliterate({ force: true });
  await q.close();
  conn.disconnect();
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((res) => (p.exitCode !== null ? res(null) : p.on('exit', res)))));
  rows.push({ run: `queue, ${wk} worker process(es)`, wallS: r.wallS, jobs: jobs.length, heatMWh: m.demand.annualHeat_MWh, tiles: m.demand.tiles.run.length, byKind, jobSum });
  if (!keep) rmSync(out, { recursive: true, force: true });
}

const noop = await noopBench();

console.log(`\nheatplan queue benchmark, ${cpus().length} cores (load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, Redis ${redisVersion} on loopback; ${(copies * perCopy).toLocaleString('en-US')} buildings, ${files.length} files, tiles ${tileM / 1000} km`);
console.log('| run | jobs | tiles | annual heat MWh/a | wall s | sum of job times s | overhead vs local per job ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const wk = Number(/(\d+) worker/.exec(r.run)?.[1]);
  const lw = r.jobs ? localWall.get(wk) : undefined;
  const over = lw !== undefined && r.jobs ? (((r.wallS - lw) / r.jobs) * 1000).toFixed(0) : '';
  console.log(`| ${r.run} | ${r.jobs ?? ''} | ${r.tiles} | ${r.heatMWh.toFixed(3)} | ${r.wallS.toFixed(1)} | ${r.jobSum?.toFixed(1) ?? ''} | ${over} |`);
}
for (const r of rows) {
  if (!r.byKind) continue;
  console.log(`${r.run}: per job ${Object.entries(r.byKind).map(([k, v]) => `${k} ${v.n} x ${(v.s / v.n).toFixed(2)} s`).join(', ')}`);
}
console.log(`queue cost of a no-op job (1 worker, concurrency 1): ${noop.perJobMs.toFixed(2)} ms/job over ${noop.jobs} jobs; dependent chain: ${noop.perHopMs.toFixed(2)} ms per hand-over over ${noop.hops} jobs`);
const heats = rows.map((r) => r.heatMWh);
console.log(`every run gives the same annual heat: ${heats.every((h) => Math.abs(h - heats[0]!) <= 1e-9 * Math.abs(heats[0]!)) ? 'yes (to 1e-9)' : `NO: ${heats.join(', ')}`}`);
if (!keep) rmSync(dir, { recursive: true, force: true });
stopRedis();
