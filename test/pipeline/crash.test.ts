/**
 * Crash safety of run folders (issue 17): `heatplan run` killed (SIGKILL, SIGTERM) at several moments over an
 * existing complete run leaves either that run byte for byte or the complete new one, and the next start-up leaves no
 * `.heatplan-*` folder or lock behind; a re-run stage marks the stages that used it stale (manifest, report, viewer
 * status) until they run again; two commands on one run: the second fails at once naming the holder, a lock of a dead
 * process is taken over, a holder ended by SIGINT/SIGTERM releases its lock and staging folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPath, RunTransaction } from '../../engine/io/run-folder.js';
import { loadScenario } from '../../engine/pipeline/load.js';
import { runScenario } from '../../engine/pipeline/runner.js';
import { runStage } from '../../engine/stages/index.js';
import { runStatus } from '../../engine/viewer/server.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/heatplan.mjs');
const DEMO = join(ROOT, 'datasets/demo');
const DEMO_YAML = join(DEMO, 'demo.yaml');
const WEATHER = join(ROOT, 'datasets/weather/0868195.has');
const ALL_STAGES = ['demand', 'potential', 'areas', 'route', 'simulate', 'cost', 'report', 'map'];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-crash-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** sha256 of every file under `dir` (hidden ones too), by relative path. */
function hashes(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(join(dir, rel)).sort()) {
    const p = join(dir, rel, f);
    if (statSync(p).isDirectory()) Object.assign(out, hashes(dir, join(rel, f)));
    else out[join(rel, f)] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
/** Everything of heatplan's own beside the run and in it: staging folders, moved-aside runs, locks. */
const leftovers = (dir: string) => [
  ...readdirSync(resolve(dir, '..')).filter((f) => f.includes('.heatplan-')),
  ...(existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('.heatplan-')) : []),
];

interface Child {
  p: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function heatplanChild(args: string[]): Child {
  const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  p.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => p.on('exit', (code, signal) => ok({ code, signal })));
  return { p, stderr: () => err, exited };
}

async function heatplan(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const c = heatplanChild(args);
  const { code } = await c.exited;
  return { code, stderr: c.stderr() };
}

/** Kill `heatplan run` on the demo into `out` after `ms`, or as soon as stderr matches `line`. */
async function killRun(out: string, at: { ms?: number; line?: RegExp }, signal: NodeJS.Signals = 'SIGKILL') {
  const c = heatplanChild(['run', DEMO_YAML, '--out', out]);
  let killed = false;
  const kill = () => {
    if (!killed && c.p.exitCode === null) {
      killed = true;
      c.p.kill(signal);
    }
  };
  const timer = at.ms !== undefined ? setTimeout(kill, at.ms) : undefined;
  if (at.line) c.p.stderr!.on('data', () => at.line!.test(c.stderr()) && kill());
  const r = await c.exited;
  clearTimeout(timer);
  return { ...r, killed: killed && r.signal === signal, stderr: c.stderr() };
}

/** The complete new run of the demo scenario (not `before`): every stage, one scenario record, every file. */
function expectCompleteNewRun(dir: string, before: { files: Record<string, string>; created: string }, what = ''): void {
  const m = manifestOf(dir);
  expect(m.created, what).not.toBe(before.created);
  expect(m.stages).toEqual(['demand', 'potential', 'areas', 'route', 'sim', 'cost']);
  expect(m.scenarios).toHaveLength(1);
  expect(m.scenarios[0].stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual(ALL_STAGES.map((s) => `${s}:ok`));
  expect(Object.keys(hashes(dir)).sort()).toEqual(Object.keys(before.files).sort());
  expect(m.stale).toBeUndefined();
  // the run names its own path, never the staging folder it was built in
  for (const f of ['manifest.json', 'sim.json', 'report.html']) expect(readFileSync(join(dir, f), 'utf8'), f).not.toContain('.heatplan-run-');
  expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(`<th>Run folder</th><td>${basename(dir)}</td>`);
}

describe('heatplan run killed over an existing complete run', () => {
  const out = () => join(tmp, 'town');
  /** What each kill moment left: "old" (the run as before) or "new" (the complete new run). */
  const outcomes: string[] = [];

  beforeAll(async () => {
    const r = await heatplan(['run', DEMO_YAML, '--out', out(), '--quiet']);
    expect(r.code).toBe(0);
  });
  afterAll(() => console.log(`kill moments: ${outcomes.join('; ')}`));

  const moments: { name: string; at: { ms?: number; line?: RegExp } }[] = [
    { name: 'after 0.3 s', at: { ms: 300 } },
    { name: 'after 1 s', at: { ms: 1000 } },
    { name: 'after 2 s', at: { ms: 2000 } },
    { name: 'at the demand line', at: { line: /heatplan run: demand +\[/ } },
    { name: 'at the route line', at: { line: /heatplan run: route +\[/ } },
    { name: 'at the simulate line', at: { line: /heatplan run: simulate +\[/ } },
    { name: 'at the map line (the swap follows)', at: { line: /heatplan run: map +\[/ } },
    { name: 'at the done line (swapped, lock not yet released)', at: { line: /heatplan run: done in / } },
  ];
  it('SIGKILL at each moment: the old run byte for byte or the complete new one; nothing left after the next start-up', async () => {
    const dir = out();
    for (const { name, at } of moments) {
      const before = { files: hashes(dir), created: manifestOf(dir).created };
      const r = await killRun(dir, at);
      const now = hashes(dir);
      const same = JSON.stringify(now) === JSON.stringify(before.files);
      outcomes.push(`${name}: ${r.killed ? 'killed' : `finished (exit ${r.code})`}, ${same ? 'old run' : 'new run'}, ${leftovers(dir).length} leftovers`);
      if (!same) expectCompleteNewRun(dir, before, name);
      // the next start-up (any stage transaction) takes over the dead lock and clears what the kill left
      const notes: string[] = [];
      await (await RunTransaction.open(dir, { note: (l) => notes.push(l) })).abort();
      expect(leftovers(dir), name).toEqual([]);
      expect(hashes(dir), name).toEqual(now);
      for (const n of notes) expect(n, name).toMatch(/is no longer running on|recovered what an interrupted heatplan \(pid \d+\) left: /);
    }
    // the kills hit the pipeline, not only its start or its end
    expect(outcomes.filter((o) => /killed, old run, 2 leftovers/.test(o)).length).toBeGreaterThan(2);
  });

  it('the next `heatplan run` after a kill says what it recovered and leaves a complete run and nothing else', async () => {
    const dir = out();
    const before = { files: hashes(dir), created: manifestOf(dir).created };
    const k = await killRun(dir, { line: /heatplan run: areas +\[/ });
    expect(k.killed).toBe(true);
    expect(hashes(dir)).toEqual(before.files);
    const left = leftovers(dir);
    expect(left).toHaveLength(2);
    expect(left).toContain('town.heatplan-lock');
    expect(left.filter((f) => /^town\.heatplan-run-\d+-\d+$/.test(f))).toHaveLength(1);
    const r = await heatplan(['run', DEMO_YAML, '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`took over the lock of ${dir}: pid \\d+ `));
    expect(r.stderr).toMatch(/recovered what an interrupted heatplan \(pid \d+\) left: removed 1 unfinished staging folder/);
    expect(r.stderr.split('\n').filter((l) => /recovered/.test(l))).toHaveLength(1);
    expectCompleteNewRun(dir, before);
    expect(leftovers(dir)).toEqual([]);
  });

  it('SIGTERM mid-run: the old run byte for byte, and nothing left even before the next start-up', async () => {
    const dir = out();
    const before = hashes(dir);
    const r = await killRun(dir, { line: /heatplan run: potential +\[/ }, 'SIGTERM');
    expect(r.killed).toBe(true);
    expect(hashes(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('a re-run stage makes the stages that used it stale', () => {
  it('route re-run dropping every consumer: sim stale in manifest, report and viewer status; simulate clears it', async () => {
    const dir = join(tmp, 'stale');
    await runScenario(await loadScenario(DEMO_YAML, { out: dir }), { log: null });
    const simBefore = manifestOf(dir).sim.heatDelivered_MWh;
    expect(manifestOf(dir).stale).toBeUndefined();
    // the demo's own route options (datasets/demo/demo.yaml), so that the last re-run gives the same network again
    const route = {
      roads: join(DEMO, 'roads.geojson'), plants: join(DEMO, 'plants.geojson'), minMwhPerM: 1.5, minKwPerM: 0.17,
      forceIn: ['demo-79', 'demo-110', 'demo-111', 'demo-160', 'demo-161', 'demo-162', 'demo-163'],
    };

    // pruning by design kW/m at 1,000 kW/m, nothing forced in: every consumer goes
    const { forceIn: _, ...unforced } = route;
    await runStage('route', dir, { ...unforced, pruneBy: ['design-kw-per-m'], minKwPerM: 1000 });
    let m = manifestOf(dir);
    expect(m.route.consumers).toBe(0);
    expect(m.stale.sim).toEqual({ since: 'route', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // the old simulation stays, listed as stale
    expect(m.sim.heatDelivered_MWh).toBe(simBefore);
    expect(existsSync(join(dir, 'sim.json'))).toBe(true);

    await runStage('report', dir, { maps: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/stale: rerun simulate \(<code>heatplan simulate<\/code>\): sim predates the route re-run of /);
    expect(html).toMatch(/stale: rerun export-map/);
    expect(html).not.toMatch(/stale: rerun report/);
    expect(html).toContain('<h2>Stage: sim (stale)</h2>');
    expect(html).not.toContain('<h2>Stage: stale</h2>');
    let st = await runStatus(dir);
    expect(st.stale.map((s) => `${s.stage} since ${s.since}: ${s.rerun}`)).toEqual(['sim since route: heatplan simulate', 'cost since route: heatplan cost', 'map since route: heatplan export-map']);

    // a simulation that fails (no consumers) clears nothing
    await expect(runStage('simulate', dir, { weather: WEATHER })).rejects.toThrow(/no consumers/);
    expect(manifestOf(dir).stale.sim.since).toBe('route');

    await runStage('route', dir, route);
    expect(manifestOf(dir).stale.sim.since).toBe('route');
    await runStage('simulate', dir, { weather: WEATHER, scenario: join(DEMO, 'scenario.yaml') });
    m = manifestOf(dir);
    expect(m.stale.sim).toBeUndefined();
    // the costs price network and simulation: stale until the cost stage runs again
    expect(m.stale.cost.since).toBe('sim');
    await runStage('cost', dir, { costs: [join(DEMO, '../costs/demo-assumptions.csv')], currency: 'JPY' });
    expect(manifestOf(dir).stale?.cost).toBeUndefined();
    expect(m.sim.heatDelivered_MWh).toBeCloseTo(simBefore, 3);
    await runStage('map', dir, { format: 'png', dpi: 50 });
    await runStage('report', dir, { maps: false });
    st = await runStatus(dir);
    expect(st.stale).toEqual([]);
    expect(readFileSync(join(dir, 'report.html'), 'utf8').includes('stale: rerun')).toBe(false);
  });
});

describe('two commands on one run', () => {
  /** A process holding a transaction on `dir` until it gets a signal (via tsx, like bin/heatplan.mjs from a clone). */
  async function holder(dir: string): Promise<{ p: ChildProcess; staging: string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
    const script = join(tmp, 'holder.mts');
    writeFileSync(
      script,
      `const { RunTransaction } = await import(${JSON.stringify(join(ROOT, 'engine/io/run-folder.ts'))});\n` +
        `const tx = await RunTransaction.open(process.argv[2]!);\nprocess.stdout.write('held ' + tx.stagingDir + '\\n');\nsetInterval(() => {}, 1000);\n`,
    );
    const p = spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => p.on('exit', (code, signal) => ok({ code, signal })));
    const staging = await new Promise<string>((ok, bad) => {
      let s = '';
      p.stdout!.on('data', (d: Buffer) => {
        s += d.toString();
        const m = /held (\S+)\n/.exec(s);
        if (m) ok(m[1]!);
      });
      p.on('exit', () => bad(new Error('the holder ended before taking the lock')));
    });
    return { p, staging, exited };
  }

  it('the second fails at once naming the holder; SIGINT and SIGTERM release the lock; a dead holder is taken over; potential beside route', async () => {
    const dir = join(tmp, 'shared');
    await runScenario(await loadScenario(DEMO_YAML, { out: dir }), { log: null });
    const before = hashes(dir);
    const routeArgs = ['route', '--run', dir, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson')];

    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const h = await holder(dir);
      expect(existsSync(h.staging)).toBe(true);
      const t = performance.now();
      const r = await heatplan(routeArgs);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`heatplan: error: ${dir}: the run folder is in use by another heatplan command: locked by pid ${h.p.pid} on \\S+ \\("node \\S*holder\\.mts ${dir}"\\), since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(\\d+ s ago\\)`));
      expect(performance.now() - t).toBeLessThan(30_000); // no waiting for the holder
      const run = await heatplan(['run', DEMO_YAML, '--out', dir]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`locked by pid ${h.p.pid}`);
      expect(hashes(dir)).toEqual(before);

      h.p.kill(signal);
      expect((await h.exited).signal).toBe(signal);
      expect(existsSync(lockPath(dir))).toBe(false);
      expect(existsSync(h.staging)).toBe(false);
      expect(leftovers(dir)).toEqual([]);
    }

    // SIGKILL: the lock and the staging folder stay; the next command takes the lock over and clears the folder
    const h = await holder(dir);
    h.p.kill('SIGKILL');
    await h.exited;
    expect(existsSync(lockPath(dir)) && existsSync(h.staging)).toBe(true);
    const r = await heatplan(routeArgs);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`took over the lock of ${dir}: pid ${h.p.pid} ("node `);
    expect(r.stderr).toMatch(/is no longer running on /);
    expect(r.stderr).toContain(`recovered what an interrupted heatplan (pid ${h.p.pid}) left: removed 1 unfinished staging folder`);
    expect(leftovers(dir)).toEqual([]);
    expect(manifestOf(dir).stale.sim.since).toBe('route');

    // potential and route started together never break each other (route died in 3 of 8 tries): each finishes
    // or is refused at once with the holder named
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [p, r] = await Promise.all([
        heatplan(['potential', '--run', dir, '--sewers', join(DEMO, 'sewers.geojson'), '--quiet']),
        heatplan(['route', '--run', dir, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson'), '--quiet']),
      ]);
      for (const x of [p, r]) {
        if (x.code !== 0) {
          expect(x.code).toBe(2);
          expect(x.stderr).toMatch(/the run folder is in use by another heatplan command: locked by pid \d+ on \S+ \("heatplan (potential|route) --run/);
        }
      }
      codes.push(`${p.code}/${r.code}`);
      expect(leftovers(dir)).toEqual([]);
      const m = manifestOf(dir);
      expect(m.stages).toEqual(['demand', 'potential', 'areas', 'route', 'sim', 'cost']);
    }
    console.log(`potential/route exit codes: ${codes.join(', ')}`);
  });
});
