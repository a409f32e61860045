/**
 * `heatplan demand` end to end through the real CLI entry (bin/heatplan.mjs): outputs, --json, and bad input
 * (clear message, non-zero exit, no run folder that looks complete).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { data, describeData } from '../helpers/data.js';

const run = promisify(execFile);
const BIN = resolve(__dirname, '../../bin/heatplan.mjs');
const DEMO = resolve(__dirname, '../../datasets/demo');

async function heatplan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-cli-'));
});

const demoArgs = (out: string) => [
  'demand', '--buildings', join(DEMO, 'buildings.geojson'), '--out', out, '--scheme', 'plateau', '--use-column', 'usage',
  '--storeys-column', 'storeys', '--floor-area-column', 'floorArea', '--height-column', 'height', '--id-column', 'id',
  '--climate-region', '1', '--cell', '50', '--json', '--quiet',
];

describe('heatplan demand', () => {
  it('writes the run folder and prints the summary with --json', async () => {
    const out = join(tmp, 'demo');
    const r = await heatplan(demoArgs(out));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    for (const k of ['buildings', 'dropped', 'floorAreaSource', 'floorArea_m2', 'annualHeat_MWh', 'peak_kW', 'crs', 'cellSize_m']) expect(s).toHaveProperty(k);
    expect(s.buildings).toBe(205);
    expect(s.crs).toBe('EPSG:6680');
    expect(s.cellSize_m).toBe(50);
    expect(readdirSync(out).sort()).toEqual(['blocks.geojson', 'buildings.fgb', 'buildings.geojson', 'demand.tif', 'manifest.json']);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.stages).toEqual(['demand']);
    expect(m.demand.annualHeat_MWh).toBeCloseTo(s.annualHeat_MWh, 6);
    expect(m.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    // the GeoTIFF holds the heat bands whose sums are the totals (and, since the cooling demand, two cooling bands after them)
    const buf = readFileSync(join(out, 'demand.tif'));
    const tif = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const img = await tif.getImage();
    expect(img.getSamplesPerPixel()).toBe(5);
    const bands = (await img.readRasters()) as unknown as Float32Array[];
    const sum = (a: Float32Array) => a.reduce((x, y) => x + (Number.isNaN(y) ? 0 : y), 0);
    expect(sum(bands[1]!) / s.annualHeat_MWh).toBeCloseTo(1, 5);
    expect(sum(bands[0]!) / s.floorArea_m2).toBeCloseTo(1, 5);
    // buildings carry their derived values and the rule that gave the floor area
    const b = JSON.parse(readFileSync(join(out, 'buildings.geojson'), 'utf8'));
    expect(b.features).toHaveLength(205);
    const p = b.features[0].properties;
    for (const k of ['id', 'use', 'useCode', 'floorArea_m2', 'floorAreaSource', 'heat_MWh', 'peak_kW']) expect(p).toHaveProperty(k);
  });

  it('replaces an existing run only when the new one is complete', async () => {
    const out = join(tmp, 'keep');
    expect((await heatplan(demoArgs(out))).code).toBe(0);
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    const bad = join(tmp, 'empty.geojson');
    writeFileSync(bad, '{"type":"FeatureCollection","features":[]}');
    const r = await heatplan(['demand', '--buildings', bad, '--out', out, '--quiet']);
    expect(r.code).not.toBe(0);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(tmp).filter((f) => f.includes('heatplan-tmp'))).toEqual([]);
  });

  it('fails clearly on a missing file, an unknown format and an unknown CRS', async () => {
    const out = join(tmp, 'never');
    let r = await heatplan(['demand', '--buildings', join(tmp, 'nope.gml'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.gml/);
    r = await heatplan(['demand', '--buildings', join(DEMO, 'scenario.yaml'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown building file type/);
    r = await heatplan([...demoArgs(out), '--crs', 'EPSG:99999']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/EPSG:99999/);
    r = await heatplan(['demand', '--buildings', join(DEMO, 'buildings.geojson'), '--out', out, '--cell', '-5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cell/);
    expect(existsSync(out)).toBe(false);
  });
});

describeData('heatplan demand on broken real files', () => {
  it('names file and line of a truncated CityGML tile, and writes nothing', async () => {
    const src = readFileSync(data('tamana/49303425_bldg_6697_op.gml'), 'utf8');
    const cut = join(tmp, 'cut.gml');
    writeFileSync(cut, src.slice(0, Math.floor(src.length / 2)));
    const out = join(tmp, 'cut-run');
    const r = await heatplan(['demand', '--buildings', cut, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cut\.gml/);
    expect(r.stderr).toMatch(/line \d+/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.includes('heatplan-tmp'))).toEqual([]);
  });

  it('names the record of a truncated shapefile or PBF', async () => {
    const pbf = readFileSync(data('helsinki/helsinki.osm.pbf'));
    const cut = join(tmp, 'cut.osm.pbf');
    writeFileSync(cut, pbf.subarray(0, Math.floor(pbf.length * 0.6)));
    const r = await heatplan(['demand', '--buildings', cut, '--out', join(tmp, 'pbf-run'), '--hdd', '4400']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cut\.osm\.pbf.*block/);
  });
});
