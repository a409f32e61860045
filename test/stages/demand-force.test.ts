/**
 * Re-running demand never silently deletes downstream results (issue 15, item 6): over a run that holds later stages,
 * a report or other files, `heatplan demand` is refused (exit 2) naming the stages and files that would go, and the
 * run is left as it was; with --force (force: true) the run is replaced. A run holding only demand is replaced as
 * before. `heatplan run` with a demand section replaces an existing run, and says so in one line naming what it
 * replaces. A PLATEAU city zip as --buildings: the terminal and the manifest say where the buildings came from.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { UsageError } from '../../engine/errors.js';
import { RunTransaction, withRun } from '../../engine/io/run-folder.js';
import { runStage } from '../../engine/stages/index.js';
import { data, describeData } from '../helpers/data.js';
import { makeZip } from '../io/zip-writer.js';

const DEMO = resolve(__dirname, '../../datasets/demo');
const SMALL = resolve(__dirname, '../fixtures/pipeline/small.yaml');

async function cli(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  try {
    return { code: await main(argv), stderr: err.join(''), stdout: out.join('') };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

const demoArgs = (out: string) => [
  'demand', '--buildings', join(DEMO, 'buildings.geojson'), '--out', out, '--scheme', 'plateau', '--use-column', 'usage',
  '--storeys-column', 'storeys', '--floor-area-column', 'floorArea', '--height-column', 'height', '--id-column', 'id',
  '--climate-region', '1', '--cell', '50',
];
const demoOptions = {
  buildings: [join(DEMO, 'buildings.geojson')], scheme: 'plateau', useColumn: 'usage', storeysColumn: 'storeys', floorAreaColumn: 'floorArea',
  heightColumn: 'height', idColumn: 'id', climateRegion: 1, cell_m: 50,
};
const DEMAND_FILES = ['blocks.geojson', 'buildings.fgb', 'buildings.geojson', 'demand.tif', 'manifest.json'];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-force-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A run with demand, then a route stage (network.geojson), a report and a file of the planner's. */
async function runWithDownstream(out: string): Promise<void> {
  expect((await cli([...demoArgs(out), '--quiet'])).code).toBe(0);
  const tx = await RunTransaction.open(out);
  await withRun(tx, async (tx) => {
    writeFileSync(tx.path('network.geojson'), '{"type":"FeatureCollection","features":[]}\n');
    tx.setStage('route', { placeholder: true });
  });
  writeFileSync(join(out, 'report.html'), '<html></html>\n');
  writeFileSync(join(out, 'notes.txt'), 'my notes\n');
}

describe('demand over an existing run', () => {
  it('a run holding only demand is replaced as before', async () => {
    const out = join(tmp, 'only-demand');
    expect((await cli([...demoArgs(out), '--quiet'])).code).toBe(0);
    const r = await cli([...demoArgs(out), '--cell', '100', '--quiet']);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(DEMAND_FILES);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).demand.cellSize_m).toBe(100);
  });

  it('is refused (exit 2) naming the stages and files that would go; the run stays as it was', async () => {
    const out = join(tmp, 'downstream');
    await runWithDownstream(out);
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    const files = readdirSync(out).sort();
    const r = await cli(demoArgs(out));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`heatplan: error: ${out}: the run folder holds results that a new demand run would delete: stages route, report; files network.geojson, notes.txt, report.html`);
    expect(r.stderr).toMatch(/give --force \(force: true\) to replace the run, or choose another --out/);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(out).sort()).toEqual(files);
    expect(readdirSync(tmp).filter((n) => n.includes('.heatplan-'))).toEqual([]);
    // the same through the API: a UsageError
    await expect(runStage('demand', out, demoOptions)).rejects.toSatisfy((e: unknown) => e instanceof UsageError && e.code === 'run-exists');
  });

  it('with --force the run is replaced, and the terminal says what was removed', async () => {
    const out = join(tmp, 'forced');
    await runWithDownstream(out);
    const r = await cli([...demoArgs(out), '--force']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('heatplan demand: replacing the run (--force): removes stages route, report; files network.geojson, notes.txt, report.html');
    expect(readdirSync(out).sort()).toEqual(DEMAND_FILES);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).stages).toEqual(['demand']);
    // force: true through the API
    await runWithDownstream(join(tmp, 'forced-api'));
    await runStage('demand', join(tmp, 'forced-api'), { ...demoOptions, force: true });
    expect(readdirSync(join(tmp, 'forced-api')).sort()).toEqual(DEMAND_FILES);
  });
});

describe('heatplan run with a demand section over an existing run', () => {
  it('replaces it, saying so in one line naming its stages and files', async () => {
    const out = join(tmp, 'scenario');
    const first = await cli(['run', SMALL, '--out', out]);
    expect(first.code).toBe(0);
    expect(first.stderr).not.toMatch(/replaces the run/);
    writeFileSync(join(out, 'notes.txt'), 'my notes\n');
    const again = await cli(['run', SMALL, '--out', out]);
    expect(again.code).toBe(0);
    const lines = again.stderr.split('\n').filter((l) => l.includes('replaces the run'));
    expect(lines).toEqual([
      `heatplan run: replaces the run in ${out} once every stage has finished (until then it stays as it is): ` +
        'stages demand, areas, report; files areas.geojson, blocks.geojson, buildings.fgb, buildings.geojson, demand.tif, manifest.json, notes.txt, report.html',
    ]);
    expect(readdirSync(out)).not.toContain('notes.txt');
  });
});

describeData('demand on a PLATEAU city zip through the CLI', () => {
  it('the terminal and the manifest say the buildings came from udx/bldg inside the zip', async () => {
    const city = '43206_tamana-shi_city_2024_citygml_1_op';
    const zip = join(tmp, `${city}.zip`);
    writeFileSync(zip, makeZip([
      { name: `${city}/udx/bldg/49303425_bldg_6697_op.gml`, data: readFileSync(data('tamana/49303425_bldg_6697_op.gml')) },
      { name: `${city}/udx/wtr/493034_wtr_6697_op.gml`, data: readFileSync(data('tamana/493034_wtr_6697_op.gml')) },
      { name: `${city}/codelists/Building_usage.xml`, data: readFileSync(data('plateau-codelists/Building_usage.xml')) },
    ]));
    const out = join(tmp, 'tamana-zip');
    const r = await cli(['demand', '--buildings', zip, '--out', out, '--scheme', 'plateau']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`heatplan demand: PLATEAU city zip ${zip}: buildings from ${city}/udx/bldg in it (1 file); it also holds udx/wtr (1 file: water bodies)`);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.inputs.map((i: { path: string; role: string }) => `${i.role} ${i.path}`)).toEqual([
      `buildings ${zip}`,
      `buildings ${zip}!/${city}/udx/bldg/49303425_bldg_6697_op.gml`,
    ]);
    expect(m.demand.buildings).toBeGreaterThan(200);
    const b = JSON.parse(readFileSync(join(out, 'buildings.geojson'), 'utf8'));
    expect(b.files).toEqual([`${zip}!/${city}/udx/bldg/49303425_bldg_6697_op.gml`]);
  });
});
