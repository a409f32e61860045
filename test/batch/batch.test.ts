/**
 * Batch runs on worker threads over the real datasets (../shared/datasets: tamana, yokosuka, osaka, helsinki,
 * liechtenstein, weather) with a deliberately broken CityGML (test/fixtures/batch/broken.gml); worker crashes;
 * killing the whole batch and resuming.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runBatch } from '../../engine/batch/batch.js';
import { parseCsv } from '../../engine/util/csv.js';
import { data, describeData } from '../helpers/data.js';

const ROOT = resolve(__dirname, '..', '..');
const BROKEN = join(ROOT, 'test/fixtures/batch/broken.gml');
// route writes a plant without fuel as fuel: null, which simulate rejects: the test gives the plant with its fuel

function batchDir(yaml: string): { file: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-batch-'));
  writeFileSync(join(dir, 'batch.yaml'), yaml);
  return { file: join(dir, 'batch.yaml'), out: join(dir, 'out') };
}
const manifest = (out: string, name: string) => JSON.parse(readFileSync(join(out, name, 'manifest.json'), 'utf8'));

afterEach(() => {
  delete process.env.HEATPLAN_BATCH_CRASH;
});

describeData('heatplan batch', () => {
  it('runs every good area, reports the broken one, writes a complete summary', async () => {
    const { file, out } = batchDir(`
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
    const r = await runBatch({ file, out, workers: 2, quiet: true });
    const rows = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(Object.keys(rows[0]!).slice(0, 3)).toEqual(['name', 'status', 'error']);
    expect(rows.map((x) => x.name)).toEqual(['tamana', 'yokosuka', 'osaka', 'broken', 'liechtenstein', 'helsinki']);
    const by = Object.fromEntries(rows.map((x) => [x.name, x]));
    expect(by.broken!.status).toBe('failed');
    expect(by.broken!.failed_stage).toBe('demand');
    expect(by.broken!.error).toMatch(/broken\.gml/);
    expect(existsSync(join(out, 'broken', 'manifest.json'))).toBe(false);
    for (const n of ['tamana', 'yokosuka', 'osaka', 'liechtenstein', 'helsinki']) {
      expect(by[n]!.status, `${n}: ${by[n]!.error}`).toBe('done');
      const m = manifest(out, n);
      expect(Number(by[n]!.buildings)).toBe(m.demand.buildings);
      expect(Number(by[n]!.annualHeat_MWh)).toBeCloseTo(m.demand.annualHeat_MWh, 2);
      expect(Number(by[n]!.supply_areas)).toBe(m.areas.count);
    }
    expect(by.tamana!.stages_skipped).toMatch(/route: no roads/);
    expect(by.osaka!.tiles).toBe('4');
    expect(Number(by.osaka!.buildings)).toBe(11684);
    // Helsinki ran the whole chain: network and simulation figures are in the table, as in its manifest
    const h = manifest(out, 'helsinki');
    expect(h.stages).toEqual(['demand', 'areas', 'route', 'sim']);
    expect(Number(by.helsinki!.trench_m)).toBeCloseTo(h.route.trench_m, 0);
    expect(Number(by.helsinki!.kW_per_m)).toBeCloseTo(h.route.kwPerM, 3);
    expect(Number(by.helsinki!.sim_delivered_MWh)).toBeCloseTo(h.sim.heatDelivered_MWh, 1);
    expect(r.done).toBe(5);
    expect(r.failed).toBe(1);
    const gj = JSON.parse(readFileSync(join(out, 'summary.geojson'), 'utf8'));
    expect(gj.features).toHaveLength(6);
    expect(gj.features.find((f: any) => f.properties.name === 'helsinki').geometry.type).toBe('Polygon');
    expect(gj.features.find((f: any) => f.properties.name === 'broken').geometry).toBeNull();
    const b = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8'));
    expect(b.counts).toEqual({ areas: 6, done: 5, failed: 1 });
    expect(b.finished).toBeTruthy();
  });

  it('replaces a crashed worker and retries its area; bounded retries report the crash', async () => {
    const { file, out } = batchDir(`
stages: [demand, areas]
retries: 1
areas:
  - { name: tamana, buildings: ${data('tamana/49303425_bldg_6697_op.gml')} }
  - { name: yokosuka, buildings: ${data('yokosuka/52397519_bldg_6697_op.gml')} }
`);
    process.env.HEATPLAN_BATCH_CRASH = `tamana:${join(out, '..', 'crashed-once')}`;
    const r = await runBatch({ file, out, workers: 2, quiet: true });
    expect(r.crashes).toBe(1);
    expect(r.done).toBe(2);
    const t = r.areas.find((a) => a.name === 'tamana')!;
    expect(t.retries).toBe(1);
    const m = manifest(out, 'tamana');
    expect(m.stages).toEqual(['demand', 'areas']);
    expect(JSON.parse(readFileSync(join(out, 'tamana', 'buildings.geojson'), 'utf8')).features).toHaveLength(242);

    // a worker that dies every time: the area fails after 1 + retries attempts, the other one completes
    process.env.HEATPLAN_BATCH_CRASH = 'yokosuka';
    const r2 = await runBatch({ file, out: out + '2', workers: 1, quiet: true });
    const y = r2.areas.find((a) => a.name === 'yokosuka')!;
    expect(y.status).toBe('failed');
    expect(y.error).toMatch(/worker crashed 2 times/);
    expect(r2.areas.find((a) => a.name === 'tamana')!.status).toBe('done');
  });

  it('killing the whole batch loses nothing finished; --resume runs only the rest', async () => {
    const { file, out } = batchDir(`
stages: [demand, areas]
areas:
  - { name: yokosuka, buildings: ${data('yokosuka/52397519_bldg_6697_op.gml')} }
  - { name: tamana, buildings: ${data('tamana/49303425_bldg_6697_op.gml')} }
  - { name: osaka, buildings: ${data('osaka')} }
  - { name: liechtenstein, buildings: ${data('liechtenstein/liechtenstein.osm.pbf')}, demand: { hdd: 3300 } }
`);
    const child = spawn(process.execPath, [join(ROOT, 'bin/heatplan.mjs'), 'batch', file, '--out', out, '--workers', '1', '--quiet'], { stdio: 'ignore' });
    const exited = new Promise((res) => child.on('exit', res));
    const doneNames = (): string[] => {
      try {
        return JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')).areas.filter((a: any) => a.status === 'done').map((a: any) => a.name);
      } catch {
        return [];
      }
    };
    while (doneNames().length === 0) await new Promise((res) => setTimeout(res, 50));
    child.kill('SIGKILL');
    await exited;
    const finished = doneNames();
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(4);
    const before = Object.fromEntries(finished.map((n) => [n, manifest(out, n).updated]));
    const r = await runBatch({ file, out, workers: 2, resume: true, quiet: true });
    expect(r.done).toBe(4);
    for (const a of r.areas) {
      if (finished.includes(a.name)) {
        expect(a.ran).toEqual([]);
        expect(a.reused).toEqual(['demand', 'areas']);
        expect(manifest(out, a.name).updated).toBe(before[a.name]);
      } else expect(a.ran).toEqual(['demand', 'areas']);
    }
    // a second resume has nothing left to do
    const again = await runBatch({ file, out, workers: 1, resume: true, quiet: true });
    expect(again.areas.every((a) => a.ran.length === 0 && a.status === 'done')).toBe(true);
  });

  it('--resume clears the lock and staging folder a run killed after its last commit left beside a complete area', async () => {
    const { file, out } = batchDir(`
stages: [demand]
areas:
  - { name: yokosuka, buildings: ${data('yokosuka/52397519_bldg_6697_op.gml')} }
`);
    await runBatch({ file, out, workers: 1, quiet: true });
    // what a batch SIGKILLed between the swap of the finished run and its clean-up leaves (pid 2^22 + 1 is above
    // Linux's pid_max: no such process)
    const dead = 2 ** 22 + 1;
    const lock = join(out, 'yokosuka.heatplan-lock');
    const staging = join(out, `yokosuka.heatplan-run-${dead}-1796220822982`);
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), command: 'heatplan batch (killed)', since: new Date().toISOString(), start: null, thread: 0 }) + '\n');
    mkdirSync(staging);
    const before = manifest(out, 'yokosuka').updated;
    const r = await runBatch({ file, out, workers: 1, resume: true, quiet: true });
    expect(r.areas[0]!.ran).toEqual([]);
    expect(r.areas[0]!.reused).toEqual(['demand']);
    expect(manifest(out, 'yokosuka').updated).toBe(before);
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(staging)).toBe(false);
  });
});
