/**
 * `heatplan run` end to end: the demo scenario through the real CLI entry into a temp folder (manifest lists every
 * stage, key figures positive and consistent across stages), scenario errors (exit 2, file:line: key, no run folder),
 * stage failures (exit 1 with the stage named; the folder left as it was, or the finished stages with --keep-partial)
 * and the demo's loud skip of the simulation when the shared datasets are absent.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { simulateSkipReason } from '../../engine/pipeline/demo.js';
import { InputError, UsageError } from '../../engine/errors.js';
import { loadScenario } from '../../engine/pipeline/load.js';
import { runScenario } from '../../engine/pipeline/runner.js';
import { HAVE_DATA } from '../helpers/data.js';

const BIN = resolve(__dirname, '../../bin/heatplan.mjs');
const DEMO = resolve(__dirname, '../../datasets/demo');
const FIX = resolve(__dirname, '../fixtures/pipeline');
const STAGE_LINE = /^heatplan (run|demo): (demand|potential|areas|route|simulate|cost|report|map) /;

async function heatplan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** main(argv) in this process with stderr captured. */
async function mainCaptured(argv: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    chunks.push(String(s));
    return true;
  });
  try {
    return { code: await main(argv), stderr: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-run-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the demo scenario end to end through the CLI', () => {
  it('runs every stage; the manifest lists them; figures are positive and consistent', async () => {
    const out = join(tmp, 'demo');
    // `heatplan run demo.yaml` with the shared datasets, `heatplan demo` without; both simulate on the bundled
    // datasets/weather Kitami file
    const r = HAVE_DATA ? await heatplan(['run', join(DEMO, 'demo.yaml'), '--out', out, '--json']) : await heatplan(['demo', '--out', out]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => STAGE_LINE.test(l));
    expect(lines.map((l) => STAGE_LINE.exec(l)![2])).toEqual(['demand', 'potential', 'areas', 'route', 'simulate', 'cost', 'report', 'map']);

    const m = manifestOf(out);
    expect(m.stages).toEqual(['demand', 'potential', 'areas', 'route', 'sim', 'cost']);
    expect(m.scenarios.at(-1).stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual([
      'demand:ok', 'potential:ok', 'areas:ok', 'route:ok', 'simulate:ok', 'cost:ok', 'report:ok', 'map:ok',
    ]);
    expect(m.scenarios.at(-1).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.inputs.some((i: { role: string; path: string }) => i.role === 'scenario' && i.path === join(DEMO, 'demo.yaml'))).toBe(true);
    for (const f of ['demand.tif', 'blocks.geojson', 'buildings.geojson', 'potential.tif', 'areas.geojson', 'network.geojson', 'report.html', 'map.png']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, 'map.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readdirSync(tmp).filter((f) => f.includes('heatplan-'))).toEqual([]);

    const d = m.demand;
    expect(d.buildings).toBe(205);
    for (const v of [d.floorArea_m2, d.annualHeat_MWh, d.peak_kW]) expect(v).toBeGreaterThan(0);
    const p = m.potential;
    expect(p.kwBySource.sewage).toBeGreaterThan(0);
    expect(p.kwBySource.river).toBeGreaterThan(0);
    expect(p.kwBySource.waste_heat).toBeCloseTo(300, 6); // the generator's one 300 kW source
    expect(p.cellsCovered).toBeLessThanOrEqual(p.cellsWithDemand);
    const a = m.areas;
    expect(a.totalDemand_MWh).toBeCloseTo(d.annualHeat_MWh, 0);
    expect(a.count).toBeGreaterThan(0);
    expect(a.demand_MWh).toBeGreaterThan(0);
    expect(a.demand_MWh).toBeLessThanOrEqual(a.totalDemand_MWh);
    expect(a.areaThreshold_GWh).toBe(5); // the scenario's value reached the stage
    const rt = m.route;
    expect(rt.consumers).toBeGreaterThan(0);
    expect(rt.connectedDemand_MWh).toBeGreaterThan(0);
    expect(rt.connectedDemand_MWh).toBeLessThanOrEqual(d.annualHeat_MWh);
    const dropped = Object.values(rt.consumersDropped as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(rt.consumers + dropped).toBeLessThanOrEqual(d.buildings);
    expect(rt.trench_m).toBeGreaterThan(0);
    expect(rt.kwPerM).toBeGreaterThanOrEqual(0.17); // the scenario's threshold
    const net = JSON.parse(readFileSync(join(out, 'network.geojson'), 'utf8'));
    const consumers = net.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'consumer');
    expect(consumers).toHaveLength(rt.consumers);
    const sumHeat = consumers.reduce((s: number, f: { properties: { heat_MWh: number } }) => s + f.properties.heat_MWh, 0);
    expect(sumHeat).toBeCloseTo(rt.connectedDemand_MWh, 0);
    if (HAVE_DATA) {
      const s = m.sim;
      expect(s.heatDelivered_MWh).toBeGreaterThan(0);
      expect(Math.abs(s.heatDelivered_MWh - rt.connectedDemand_MWh) / rt.connectedDemand_MWh).toBeLessThan(0.01);
      expect(s.losses_MWh).toBeGreaterThan(0);
      expect(s.cases).toHaveLength(5); // scenario.yaml's cases 0-4
      const json = JSON.parse(r.stdout);
      expect(json.stages.map((x: { status: string }) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    }
  });
});

describe('scenario errors in the CLI', () => {
  it('exit 2, file:line: key and what was expected, and no run folder', async () => {
    const out = join(tmp, 'never');
    const r = await heatplan(['run', join(FIX, 'wrong-unit.yaml'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wrong-unit.yaml:4: demand.cell_m: expected a positive number of metres');
    expect(r.stderr).toContain('wrong-unit.yaml:7: route.maxService_m: expected a positive number of metres');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(FIX, 'run'))).toBe(false);
  });

  it('--check validates and prints the commands without running them', async () => {
    const out = join(tmp, 'checked');
    const r = await mainCaptured(['run', join(FIX, 'small.yaml'), '--out', out, '--check']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`heatplan demand --out ${out} --buildings ${join(DEMO, 'buildings.geojson')}`);
    expect(r.stderr).toContain('# potential: not in the scenario');
    expect(existsSync(out)).toBe(false);
  });
});

describe('stage failures', () => {
  it('exit 1 naming the stage; an existing run is left as it was', async () => {
    const out = join(tmp, 'kept');
    const ok = await mainCaptured(['run', join(FIX, 'small.yaml'), '--out', out]);
    expect(ok.code).toBe(0);
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    expect(JSON.parse(before).stages).toEqual(['demand', 'areas']);
    const files = readdirSync(out).sort();

    const r = await mainCaptured(['run', join(FIX, 'fail-route.yaml'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/heatplan run: route +FAILED after .*the command was: heatplan route --run /);
    expect(r.stderr).toContain('heatplan: error: stage route (heatplan route): ');
    expect(r.stderr).toContain('empty-roads.geojson');
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(out).sort()).toEqual(files);
    expect(readdirSync(tmp).filter((f) => f.includes('heatplan-'))).toEqual([]);

    // a scenario without demand adds stages to the run and appends its record
    const addOn = join(tmp, 'add-on.yaml');
    writeFileSync(addOn, 'out: kept\nmap: { format: svg, layers: [demand] }\n');
    const r2 = await mainCaptured(['run', addOn]);
    expect(r2.code).toBe(0);
    expect(existsSync(join(out, 'map.svg'))).toBe(true);
    const m = manifestOf(out);
    expect(m.scenarios.map((x: { scenario: string }) => x.scenario)).toEqual([join(FIX, 'small.yaml'), addOn]);
    expect(m.stages).toEqual(['demand', 'areas']);
  });

  it('a new run that fails leaves no folder; --keep-partial keeps the finished stages, honestly listed', async () => {
    const out = join(tmp, 'fresh');
    const s = await loadScenario(join(FIX, 'fail-route.yaml'), { out });
    const lines: string[] = [];
    const e = await runScenario(s, { log: (l) => lines.push(l) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(existsSync(out)).toBe(false);
    expect(lines.at(-1)).toContain('removed the unfinished run');

    const e2 = await runScenario(s, { log: null, keepPartial: true }).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(InputError);
    const m = manifestOf(out);
    expect(m.stages).toEqual(['demand']);
    expect(m.scenarios).toBeUndefined(); // a finished scenario run is recorded in manifest.scenarios; this one did not finish
  });

  it('refuses to replace a folder that is not a run', async () => {
    const out = join(tmp, 'notarun');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const s = await loadScenario(join(FIX, 'small.yaml'), { out });
    const e = await runScenario(s, { log: null }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toContain('is not a heatplan run');
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });
});

describe('heatplan demo without the shared datasets', () => {
  it('skips the simulation with one loud line saying why, and runs the rest', async () => {
    const missing = join(tmp, 'no-weather.has');
    expect(simulateSkipReason(missing)).toMatch(/weather .*no-weather\.has.* not found: the simulation needs them \(pass --weather FILE; the bundled tables are in the project's datasets\/weather/);
    const out = join(tmp, 'demo-noweather');
    const r = await mainCaptured(['demo', '--out', out, '--weather', missing]);
    expect(r.code).toBe(0);
    const loud = r.stderr.split('\n').filter((l) => l.includes('SKIPPED'));
    expect(loud).toHaveLength(1);
    expect(loud[0]).toMatch(/^heatplan demo: simulate +\*\*\* SKIPPED: weather /);
    const m = manifestOf(out);
    expect(m.stages).toEqual(['demand', 'potential', 'areas', 'route']);
    expect(m.scenarios.at(-1).stages.find((s: { stage: string }) => s.stage === 'simulate').status).toBe('skipped');
    expect(existsSync(join(out, 'report.html')) && existsSync(join(out, 'map.png'))).toBe(true);
  });
});
