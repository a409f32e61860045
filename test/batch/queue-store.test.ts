/**
 * The queue executor with its run folders on an S3-compatible object store (s3rver on loopback, started here) and on
 * a shared file system, over Redis (HEATPLAN_TEST_REDIS, started by .ci/run):
 * - 2 `heatplan worker` processes, a batch of Tamana, Yokosuka, Osaka (tiled) and a broken file onto the store; the
 *   worker that takes the first Osaka tile is SIGKILLed. The store's summary.csv equals a local-pool run's, each area's
 *   HEAD names the one commit left for it, every stage committed once, nothing of the run's scratch left in the store,
 *   and the run's jobs removed from Redis once the summary was written (--status still answers, from the summary).
 * - An area remade over its previous run whose later stage fails keeps the previous run (store: HEAD unchanged; file
 *   system: DIR/<area> byte for byte), and a remake that succeeds swaps in.
 * - An unreachable store or refused credentials: a clear error naming the store, nothing enqueued.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runBatch } from '../../engine/batch/batch.js';
import { parseQueueTarget } from '../../engine/batch/queue-connection.js';
import { queueStatus } from '../../engine/batch/queue.js';
import { S3Store } from '../../engine/batch/store-s3.js';
import { parseStoreTarget, storeRef } from '../../engine/batch/store-target.js';
import { parseCsv } from '../../engine/util/csv.js';
import { data, HAVE_DATA } from '../helpers/data.js';
import { S3_KEY, startS3, type TestS3 } from './s3-server.js';

const REDIS = process.env.HEATPLAN_TEST_REDIS;
if (!REDIS) {
  if (process.env.CI === 'true') throw new Error('HEATPLAN_TEST_REDIS is not set: the queue tests need a Redis server (.ci/run starts one)');
  console.warn('\n*** SKIPPING queue store tests: HEATPLAN_TEST_REDIS not set (.ci/run starts a redis-server and sets it) ***\n');
}
const describeQueue: typeof describe = (REDIS && HAVE_DATA ? describe : describe.skip) as typeof describe;

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin/heatplan.mjs');
const BROKEN = join(ROOT, 'test/fixtures/batch/broken.gml');
const DEMO = join(ROOT, 'datasets/demo/buildings.geojson');
const QUEUE = `hp-store-${process.pid}-${Date.now().toString(36)}`;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

let s3: TestS3;
let env: NodeJS.ProcessEnv;

interface Proc {
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

function start(args: string[], extra: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, ...extra } });
  const log: string[] = [];
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    log.push(...lines);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, log, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}
const finished = async (p: Proc, ms = 300_000) => Promise.race([p.exited, sleep(ms).then(() => 'timeout')]);

const workers: Proc[] = [];
beforeAll(async () => {
  s3 = await startS3();
  env = { AWS_ACCESS_KEY_ID: S3_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_KEY.secretAccessKey, HEATPLAN_STORE_ENDPOINT: s3.endpoint };
  // queueStatus in this process finds the store's credentials where a worker does: the environment
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: S3_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_KEY.secretAccessKey });
});
afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await s3?.close();
  if (REDIS) {
    const r = new Redis(REDIS, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `bull:${QUEUE}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
    r.disconnect();
  }
});

const store = (prefix: string) => new S3Store(storeRef(parseStoreTarget({ url: `s3://${s3.bucket}/${prefix}`, endpoint: s3.endpoint, env: {} })), { ...S3_KEY, from: 'the test' });
const queueArgs = () => ['--queue', REDIS!, '--queue-name', QUEUE];

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => res(p));
    });
  });
}

describeQueue('heatplan batch --queue --store (S3-compatible store, loopback)', () => {
  it('2 workers, one SIGKILLed on a tile: the store\'s summary equals the local pool\'s; one commit per stage, nothing left over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-qstore-'));
    const file = join(dir, 'batch.yaml');
    writeFileSync(file, `
stages: [demand, areas]
areas:
  - name: tamana
    buildings: ${data('tamana/49303425_bldg_6697_op.gml')}
  - name: yokosuka
    buildings: ${data('yokosuka/52397519_bldg_6697_op.gml')}
  - name: osaka
    buildings: ${data('osaka')}
    tiles: { nx: 2, ny: 2 }
  - name: broken
    buildings: ${BROKEN}
`);
    const local = join(dir, 'local');
    await runBatch({ file, out: local, workers: 2, quiet: true });

    for (let k = 0; k < 2; k++) workers.push(start(['worker', ...queueArgs(), '--lock-duration', '3', '--stalled-interval', '1']));
    await until('the workers to start', () => workers.every((w) => w.log.some((l) => l.includes('concurrency 1'))), 60_000);
    const batch = start(['batch', file, '--store', `s3://${s3.bucket}/q`, '--job-retention', '86400', ...queueArgs()]);

    const startLine = /job (\S+) \(osaka:tile\) started/;
    let victim: Proc | undefined;
    let victimJob = '';
    await until('a worker to start an Osaka tile', () => {
      for (const w of workers) {
        const m = w.log.map((l) => startLine.exec(l)).find(Boolean);
        if (m) {
          victim = w;
          victimJob = m[1]!;
          return true;
        }
      }
      return false;
    }, 180_000);
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    const cutOff = !victim!.log.some((l) => l.includes(`job ${victimJob} `) && / done in /.test(l));

    expect(await finished(batch), batch.log.join('\n')).toBe(1);
    expect(batch.log.join('\n')).toMatch(/3 of 4 areas done, 1 failed/);
    expect(batch.log.join('\n')).toContain(`wrote s3://${s3.bucket}/q/summary.csv`);
    const other = workers.find((w) => w !== victim)!;
    // a job cut off mid-way was taken over by the other worker
    if (cutOff) expect(other.log.some((l) => l.includes(`job ${victimJob} `) && l.includes('started'))).toBe(true);

    const s = store('q');
    const rowsL = parseCsv(readFileSync(join(local, 'summary.csv'), 'utf8'));
    const rowsQ = parseCsv((await s.getText(s.key('summary.csv')))!);
    expect(rowsQ.map((r) => r.name)).toEqual(rowsL.map((r) => r.name));
    const numeric = ['buildings', 'floorArea_m2', 'annualHeat_MWh', 'spaceHeat_MWh', 'hotWater_MWh', 'peak_kW', 'cells_with_demand', 'supply_areas', 'supply_areas_demand_MWh'];
    for (let k = 0; k < rowsL.length; k++) {
      const l = rowsL[k]!, q = rowsQ[k]!;
      for (const c of ['status', 'error', 'failed_stage', 'stages_ran', 'crs', 'tiles', ...numeric]) expect(q[c], `${l.name}.${c}`).toBe(l[c]);
    }
    expect(rowsQ.find((r) => r.name === 'broken')!.error).toMatch(/broken\.gml/);
    const bj = JSON.parse((await s.getText(s.key('batch.json')))!);
    expect(bj.counts).toEqual({ areas: 4, done: 3, failed: 1 });
    expect(bj.jobRetention_s).toBe(86_400);
    expect(bj.store).toBe(`s3://${s3.bucket}/q`);

    // each done area: HEAD names the only commit left, a complete run folder whose totals equal the local run's
    for (const n of ['tamana', 'yokosuka', 'osaka']) {
      const head = (await s.head(n))!;
      expect(head.stages).toEqual(['demand', 'areas']);
      const commits = new Set((await s.list(s.key(n, 'commits') + '/')).map((o) => o.key.split('/')[3]));
      expect([...commits]).toEqual([head.commit]);
      const back = join(dir, 'back', n);
      await s.checkout(head, back);
      expect(readdirSync(back).sort()).toEqual(readdirSync(join(local, n)).filter((f) => !f.startsWith('.')).sort());
      const ml = JSON.parse(readFileSync(join(local, n, 'manifest.json'), 'utf8'));
      const mq = JSON.parse(readFileSync(join(back, 'manifest.json'), 'utf8'));
      expect(mq.demand.buildings).toBe(ml.demand.buildings);
      for (const k of ['floorArea_m2', 'annualHeat_MWh', 'peak_kW']) expect(rel(mq.demand[k], ml.demand[k]), `${n}.demand.${k}`).toBeLessThan(1e-9);
      // the grid itself, byte for byte (reproducible outputs)
      expect(readFileSync(join(back, 'demand.tif')).equals(readFileSync(join(local, n, 'demand.tif')))).toBe(true);
    }
    expect(await s.head('broken')).toBeUndefined();
    expect(await s.list(s.key('.heatplan') + '/')).toEqual([]);

    // every stage committed once, the killed delivery's included; the run's jobs are gone from Redis, the summary's
    // result still answers --status
    const target = parseQueueTarget({ url: REDIS!, name: QUEUE });
    const storeT = parseStoreTarget({ url: `s3://${s3.bucket}/q`, endpoint: s3.endpoint, env });
    const st = await queueStatus({ store: storeT, target });
    const expected = rowsQ.filter((r) => r.status === 'done').flatMap((r) => r.stages_ran.split(' ').map((x) => `${r.name}.${x}`)).sort();
    expect(Object.keys(st.completions).sort()).toEqual(expected);
    expect(Object.values(st.completions).every((c) => c === 1), JSON.stringify(st.completions)).toBe(true);
    expect(st.counts).toEqual({ done: 3, running: 0, failed: 1, waiting: 0 });
    const r = new Redis(REDIS!, { maxRetriesPerRequest: 1 });
    try {
      expect(await r.exists(`bull:${QUEUE}:${st.run}.0.demand`, `bull:${QUEUE}:${st.run}.2.tile.0.0`, `bull:${QUEUE}:${st.run}.3.demand`)).toBe(0);
      expect(await r.exists(`bull:${QUEUE}:${st.run}.summary`)).toBe(1);
      expect(await r.ttl(`bull:${QUEUE}:heatplan-completions:${st.run}`)).toBeGreaterThan(86_000);
    } finally {
      r.disconnect();
    }
    const cli = start(['batch', '--status', '--store', `s3://${s3.bucket}/q`, ...queueArgs()]);
    expect(await cli.exited).toBe(0);
    expect(cli.log.join('\n')).toMatch(/areas: 3 done, 0 running, 1 failed, 0 waiting of 4/);
    // once the summary job is gone too (its retention passed), --status reads the store's batch.json
    const q = new Queue(QUEUE, { connection: { host: new URL(REDIS!).hostname, port: Number(new URL(REDIS!).port) } });
    try {
      expect(await q.remove(`${st.run}.summary`)).toBe(1);
    } finally {
      await q.close();
    }
    const late = await queueStatus({ store: storeT, target });
    expect(late.counts).toEqual({ done: 3, running: 0, failed: 1, waiting: 0 });
    expect(late.note).toBe(`the run's jobs were removed from the queue (job retention); from s3://${s3.bucket}/q/batch.json`);
    expect(late.areas.find((a) => a.name === 'broken')!.error).toMatch(/broken\.gml/);
    s.close();
  }, 600_000);

  it('a remade area whose later stage fails keeps its previous run (store and file system); a good remake swaps in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-qswap-'));
    const badRoads = join(dir, 'roads.geojson');
    writeFileSync(badRoads, '{"type":"FeatureCollection","features":[{"type":"Feat');
    const demand = 'demand: { scheme: plateau, useColumn: usage, storeysColumn: storeys, climateRegion: 1 }';
    const good = join(dir, 'good.yaml');
    writeFileSync(good, `stages: [demand, areas]\n${demand}\nareas:\n  - { name: demo, buildings: ${DEMO} }\n`);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `stages: [demand, areas, route]\n${demand}\nareas:\n  - { name: demo, buildings: ${DEMO}, roads: ${badRoads}, plants: ${join(ROOT, 'datasets/demo/plants.geojson')} }\n`);
    // one worker, with its store credentials from a file (none in its environment)
    const running = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    for (const w of running) w.child.kill('SIGTERM');
    for (const w of running) expect(await w.exited).toBe(0);
    const credFile = join(dir, 'credentials');
    writeFileSync(credFile, `[default]\naws_access_key_id = ${S3_KEY.accessKeyId}\naws_secret_access_key = ${S3_KEY.secretAccessKey}\n`);
    const w = start(['worker', ...queueArgs(), '--store-credentials-file', credFile], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    workers.push(w);
    await until('the worker to start', () => w.log.some((l) => l.includes('concurrency 1')), 60_000);

    // store
    const url = `s3://${s3.bucket}/swap`;
    const s = store('swap');
    expect(await finished(start(['batch', good, '--store', url, ...queueArgs()]))).toBe(0);
    const first = (await s.head('demo'))!;
    expect(first.stages).toEqual(['demand', 'areas']);
    // without --job-retention every job of the run stays in Redis
    expect(JSON.parse((await s.getText(s.key('batch.json')))!).jobRetention_s).toBeNull();
    const rk = new Redis(REDIS!, { maxRetriesPerRequest: 1 });
    try {
      expect(await rk.exists(`bull:${QUEUE}:${first.run}.0.demand`, `bull:${QUEUE}:${first.run}.0.areas`)).toBe(2);
    } finally {
      rk.disconnect();
    }
    const failing = start(['batch', bad, '--store', url, ...queueArgs()]);
    expect(await finished(failing), failing.log.join('\n')).toBe(1);
    expect(failing.log.join('\n')).toMatch(/1 remade beside their previous run/);
    expect(failing.log.join('\n')).toMatch(/FAILED in route/);
    expect(await s.head('demo')).toEqual(first);
    expect(new Set((await s.list(s.key('demo', 'commits') + '/')).map((o) => o.key.split('/')[3]))).toEqual(new Set([first.commit]));
    expect(await s.list(s.key('.heatplan') + '/')).toEqual([]);
    expect(await finished(start(['batch', good, '--store', url, ...queueArgs()]))).toBe(0);
    const third = (await s.head('demo'))!;
    expect(third.commit).not.toBe(first.commit);
    expect(third.run).not.toBe(first.run);
    s.close();

    // --resume on the store: an area that never had a run is written stage by stage, so a batch failing in route
    // leaves demand and areas in HEAD; with the roads mended, --resume runs route alone on them
    const ru = `s3://${s3.bucket}/resume`;
    const sr = store('resume');
    expect(await finished(start(['batch', bad, '--store', ru, ...queueArgs()]))).toBe(1);
    const partial = (await sr.head('demo'))!;
    expect(partial.stages).toEqual(['demand', 'areas']);
    writeFileSync(badRoads, readFileSync(join(ROOT, 'datasets/demo/roads.geojson')));
    const resumed = start(['batch', bad, '--store', ru, '--resume', ...queueArgs()]);
    expect(await finished(resumed), resumed.log.join('\n')).toBe(0);
    expect(resumed.log.join('\n')).toMatch(/enqueued run \S+: 2 jobs for 1 area\(s\)/);
    const full = (await sr.head('demo'))!;
    expect(full.stages).toEqual(['demand', 'areas', 'route']);
    // the commit carries the partial run's demand and areas files unchanged
    for (const f of ['demand.tif', 'blocks.geojson', 'areas.geojson']) expect(full.files.find((x) => x.name === f)!.sha256, f).toBe(partial.files.find((x) => x.name === f)!.sha256);
    const rows = parseCsv((await sr.getText(sr.key('summary.csv')))!);
    expect(rows.map((r) => [r.name, r.status, r.stages_ran, r.stages_reused])).toEqual([['demo', 'done', 'route', 'demand areas']]);
    sr.close();
    writeFileSync(badRoads, '{"type":"FeatureCollection","features":[{"type":"Feat');

    // shared file system
    const out = join(dir, 'out');
    expect(await finished(start(['batch', good, '--out', out, ...queueArgs()]))).toBe(0);
    const before = readFileSync(join(out, 'demo', 'manifest.json'));
    const failingFs = start(['batch', bad, '--out', out, ...queueArgs()]);
    expect(await finished(failingFs), failingFs.log.join('\n')).toBe(1);
    expect(failingFs.log.join('\n')).toMatch(/FAILED in route/);
    expect(readFileSync(join(out, 'demo', 'manifest.json')).equals(before)).toBe(true);
    expect(existsSync(join(out, '.heatplan-build'))).toBe(false);
    // no staging folder beside the area (demo.heatplan-run-*, -old-*) and no lock left
    expect(readdirSync(join(out)).filter((f) => f.startsWith('demo.heatplan-'))).toEqual([]);
    expect(await finished(start(['batch', good, '--out', out, ...queueArgs()]))).toBe(0);
    const after = JSON.parse(readFileSync(join(out, 'demo', 'manifest.json'), 'utf8'));
    expect(after.stages).toEqual(['demand', 'areas']);
    expect(readFileSync(join(out, 'demo', 'manifest.json')).equals(before)).toBe(false);
    expect(existsSync(join(out, '.heatplan-build'))).toBe(false);
  }, 600_000);

  it('an unreachable store or refused credentials: a clear error naming the store, nothing enqueued', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-qstore-err-'));
    const file = join(dir, 'b.yaml');
    writeFileSync(file, `stages: [demand]\ndemand: { scheme: plateau, useColumn: usage, storeysColumn: storeys, climateRegion: 1 }\nareas:\n  - { name: demo, buildings: ${DEMO} }\n`);
    const name = `${QUEUE}-err`;
    const port = await freePort();
    const t0 = Date.now();
    const off = start(['batch', file, '--store', `s3://${s3.bucket}/e`, '--store-endpoint', `http://127.0.0.1:${port}`, '--queue', REDIS!, '--queue-name', name]);
    expect(await finished(off, 60_000)).toBe(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(off.log.join('\n')).toMatch(new RegExp(`cannot reach the store s3://${s3.bucket}/e \\(http://127\\.0\\.0\\.1:${port}\\): connection refused`));
    expect(off.log.join('\n')).not.toMatch(/at .*\.ts:\d+/);
    const secret = 'wrong-secret-xyz';
    const refused = start(['batch', file, '--store', `s3://${s3.bucket}/e`, '--queue', REDIS!, '--queue-name', name], { AWS_ACCESS_KEY_ID: 'NOT-A-KEY', AWS_SECRET_ACCESS_KEY: secret });
    expect(await finished(refused, 60_000)).toBe(1);
    expect(refused.log.join('\n')).toMatch(/refused the credentials \(from the environment/);
    expect(refused.log.join('\n')).not.toContain(secret);
    const r = new Redis(REDIS!, { maxRetriesPerRequest: 1 });
    try {
      expect(await r.keys(`bull:${name}:*`)).toEqual([]);
    } finally {
      r.disconnect();
    }
    // --out and --store together are refused
    const both = start(['batch', file, '--out', join(dir, 'o'), '--store', `s3://${s3.bucket}/e`, '--queue', REDIS!, '--queue-name', name]);
    expect(await finished(both, 60_000)).toBe(2);
    expect(both.log.join('\n')).toMatch(/not both/);
  }, 180_000);
});
