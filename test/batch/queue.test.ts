/**
 * A batch on a Redis-backed BullMQ queue over loopback (HEATPLAN_TEST_REDIS, started by .ci/run): 3 `heatplan worker`
 * processes, the real datasets (tamana, yokosuka, osaka tiled, helsinki with route and simulate, liechtenstein) and a
 * broken CityGML; one worker is SIGKILLed in the middle of a job. The summary must equal a local-pool run of the same
 * file (statuses, errors, totals to 1e-9), the killed worker's job must be handed to another worker (stalled-job
 * check), and no stage of any area may run twice to its commit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { runBatch } from '../../engine/batch/batch.js';
import { parseQueueTarget } from '../../engine/batch/queue-connection.js';
import { queueStatus } from '../../engine/batch/queue.js';
import { parseCsv } from '../../engine/util/csv.js';
import { data, HAVE_DATA } from '../helpers/data.js';

const REDIS = process.env.HEATPLAN_TEST_REDIS;
if (!REDIS) {
  if (process.env.CI === 'true') throw new Error('HEATPLAN_TEST_REDIS is not set: the queue tests need a Redis server (.ci/run starts one)');
  console.warn('\n*** SKIPPING queue tests: HEATPLAN_TEST_REDIS not set (e.g. redis://127.0.0.1:6379; .ci/run starts a redis-server and sets it) ***\n');
}
const describeQueue: typeof describe = (REDIS && HAVE_DATA ? describe : describe.skip) as typeof describe;

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin/heatplan.mjs');
const BROKEN = join(ROOT, 'test/fixtures/batch/broken.gml');
const QUEUE = `hp-test-${process.pid}-${Date.now().toString(36)}`;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

interface Proc {
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

const workers: Proc[] = [];
afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
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

describeQueue('heatplan batch --queue (BullMQ on Redis, loopback)', () => {
  it('3 workers, one SIGKILLed mid-job: the summary equals the local pool\'s, the broken area fails, no stage runs twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-queue-'));
    const file = join(dir, 'batch.yaml');
    writeFileSync(file, `
stages: [demand, areas, route, simulate]
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
  - name: liechtenstein
    buildings: ${data('liechtenstein/liechtenstein.osm.pbf')}
    demand: { hdd: 3300 }
  - name: helsinki
    buildings: ${data('helsinki/helsinki.osm.pbf')}
    roads: ${data('helsinki/helsinki.osm.pbf')}
    weather: ${data('weather/demandlib_example_data.csv')}
    demand: { hdd: 4400 }
    plants: ${join(ROOT, 'test/fixtures/batch/helsinki-plant.geojson')}
`);
    const local = join(dir, 'local');
    const queued = join(dir, 'queued');
    await runBatch({ file, out: local, workers: 2, quiet: true });

    // three worker processes; short locks so the killed worker's job is found stalled within seconds
    for (let k = 0; k < 3; k++) workers.push(start(['worker', '--queue', REDIS!, '--queue-name', QUEUE, '--lock-duration', '3', '--stalled-interval', '1']));
    await until('the workers to start', () => workers.every((w) => w.log.some((l) => l.includes('concurrency 1'))), 60_000);
    const batch = start(['batch', file, '--out', queued, '--queue', REDIS!, '--queue-name', QUEUE]);

    // kill the worker that starts helsinki's demand stage (it reads a 13 MB PBF: the longest stage of the batch, so the
    // kill lands mid-job even on a quiet machine, where route and simulate can finish within the polling delay)
    const startLine = /job (\S+) \(helsinki:demand\) started/;
    let victim: Proc | undefined;
    let victimJob = '';
    await until('a worker to start a helsinki stage', () => {
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
    // the job was cut off mid-way: its worker never reported it done
    expect(victim!.log.some((l) => l.includes(`job ${victimJob} `) && / done in /.test(l))).toBe(false);

    const code = await Promise.race([batch.exited, sleep(300_000).then(() => 'timeout')]);
    expect(code, batch.log.join('\n')).toBe(1); // the broken area failed; everything else done
    expect(batch.log.join('\n')).toMatch(/5 of 6 areas done, 1 failed/);
    // another worker picked the killed worker's job up again
    const others = workers.filter((w) => w !== victim);
    expect(others.some((w) => w.log.some((l) => l.includes(`job ${victimJob} `) && l.includes('started')))).toBe(true);

    const rowsL = parseCsv(readFileSync(join(local, 'summary.csv'), 'utf8'));
    const rowsQ = parseCsv(readFileSync(join(queued, 'summary.csv'), 'utf8'));
    expect(rowsQ.map((r) => r.name)).toEqual(rowsL.map((r) => r.name));
    const numeric = ['buildings', 'floorArea_m2', 'annualHeat_MWh', 'spaceHeat_MWh', 'hotWater_MWh', 'peak_kW', 'cells_with_demand', 'supply_areas', 'supply_areas_demand_MWh', 'consumers', 'connected_MWh', 'trench_m', 'kW_per_m', 'MWh_per_m_a', 'loss_share', 'sim_delivered_MWh', 'sim_produced_MWh', 'sim_losses_MWh'];
    for (let k = 0; k < rowsL.length; k++) {
      const l = rowsL[k]!, q = rowsQ[k]!;
      for (const c of ['status', 'error', 'failed_stage', 'stages_ran', 'stages_skipped', 'crs', 'tiles']) expect(q[c], `${l.name}.${c}`).toBe(l[c]);
      for (const c of numeric) expect(q[c], `${l.name}.${c}`).toBe(l[c]);
    }
    const by = Object.fromEntries(rowsQ.map((r) => [r.name, r]));
    expect(by.broken!.status).toBe('failed');
    expect(by.broken!.failed_stage).toBe('demand');
    expect(by.broken!.error).toMatch(/broken\.gml/);
    expect(Number(by.helsinki!.retries)).toBeGreaterThanOrEqual(1);
    // the run folders' totals agree to 1e-9 (summary.csv rounds)
    for (const n of ['tamana', 'yokosuka', 'osaka', 'liechtenstein', 'helsinki']) {
      const ml = JSON.parse(readFileSync(join(local, n, 'manifest.json'), 'utf8'));
      const mq = JSON.parse(readFileSync(join(queued, n, 'manifest.json'), 'utf8'));
      expect(mq.stages).toEqual(ml.stages);
      expect(mq.demand.buildings).toBe(ml.demand.buildings);
      for (const k of ['floorArea_m2', 'annualHeat_MWh', 'peak_kW']) expect(rel(mq.demand[k], ml.demand[k]), `${n}.demand.${k}`).toBeLessThan(1e-9);
      expect(mq.areas.count).toBe(ml.areas.count);
      if (ml.route) expect(rel(mq.route.trench_m, ml.route.trench_m)).toBeLessThan(1e-9);
      if (ml.sim) expect(rel(mq.sim.heatDelivered_MWh, ml.sim.heatDelivered_MWh)).toBeLessThan(1e-9);
    }
    const bj = JSON.parse(readFileSync(join(queued, 'batch.json'), 'utf8'));
    expect(bj.counts).toEqual({ areas: 6, done: 5, failed: 1 });
    expect(bj.executor).toBe('queue');

    // no area's stage ran twice to its commit: one completion each, the killed job's stage included
    const s = await queueStatus({ out: queued, target: parseQueueTarget({ url: REDIS!, name: QUEUE }) });
    const expected = rowsQ.filter((r) => r.status === 'done').flatMap((r) => r.stages_ran.split(' ').map((st) => `${r.name}.${st}`)).sort();
    expect(Object.keys(s.completions).sort()).toEqual(expected);
    expect(Object.values(s.completions).every((c) => c === 1), JSON.stringify(s.completions)).toBe(true);
    expect(s.counts).toEqual({ done: 5, running: 0, failed: 1, waiting: 0 });

    // --status on the command line
    const st = start(['batch', '--status', '--out', queued, '--queue', REDIS!, '--queue-name', QUEUE]);
    expect(await st.exited).toBe(0);
    expect(st.log.join('\n')).toMatch(/areas: 5 done, 0 running, 1 failed, 0 waiting of 6/);

    // --resume re-enqueues only what is missing: the broken area (demand, areas: it fails again) and the summary
    const res = start(['batch', file, '--out', queued, '--queue', REDIS!, '--queue-name', QUEUE, '--resume']);
    expect(await res.exited, res.log.join('\n')).toBe(1);
    expect(res.log.join('\n')).toMatch(/enqueued run \S+: 3 jobs for 1 area\(s\) \(5 complete already\)/);
    const rowsR = parseCsv(readFileSync(join(queued, 'summary.csv'), 'utf8'));
    expect(rowsR.map((r) => `${r.name}:${r.status}:${r.stages_reused}`)).toEqual(rowsQ.map((r) => `${r.name}:${r.status}:${r.status === 'done' ? r.stages_ran : ''}`));

    // the remaining workers stop cleanly on SIGTERM
    for (const w of others) w.child.kill('SIGTERM');
    for (const w of others) expect(await w.exited).toBe(0);
  }, 600_000);
});
