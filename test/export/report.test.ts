/** report.html: self-contained, escaped, with the stage tables, warnings, inputs, maps and charts of the run. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../engine/export/report.js';
import { InputError } from '../../engine/errors.js';
import { writeSyntheticRun } from './synthetic-run.js';
import { byId, parseXml, readScaleBar, readScaleText } from './svg-read.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-report-'));
const RUN = join(tmp, 'run');
beforeAll(async () => {
  await writeSyntheticRun(RUN);
  // two days of an hourly series
  const rows = ['hour,demand_kW,supply_kW'];
  for (let h = 0; h < 48; h++) rows.push(`${h},${h < 24 ? 100 : 300},${h < 24 ? 110 : 290}`);
  writeFileSync(join(RUN, 'hourly.csv'), rows.join('\n'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The top-level inline <svg> elements of an HTML page. */
function inlineSvgs(html: string): string[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

describe('report.html', () => {
  it('self-contained, escaped, with stage tables, warnings, inputs, maps and charts', async () => {
    const r = await writeReport(RUN);
    expect(r.file).toBe(join(RUN, 'report.html'));
    const html = readFileSync(r.file, 'utf8');
    // no external resources
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http|@import/i);
    // text from the run is escaped
    expect(html).toContain('synthetic test run &lt;script&gt;');
    expect(html).toContain('building without footprint &lt;dropped&gt;');
    // stage tables with the manifest's numbers
    for (const s of ['demand', 'areas', 'route']) expect(html).toContain(`Stage: ${s}`);
    expect(html).toMatch(/annualHeat_MWh<\/th><td><span class="num">615</);
    expect(html).toMatch(/below-threshold<\/th><td><span class="num">1</);
    expect(html).toMatch(/no-footprint<\/td><td class="num"><span class="num">2</);
    // inputs with sha256; run files present/missing
    expect(html).toContain('ab'.repeat(32));
    expect(html).toContain('/data/tamana/49303425_bldg_6697_op.gml');
    expect(html).toMatch(/potential\.tif<\/code><\/td><td class="missing">missing/);
    expect(html).toMatch(/hourly\.csv<\/code><\/td><td class="ok">present/);
    expect(r.missing).toEqual(['potential.tif', 'sim.json']);
    // attribution
    expect(html).toContain('Project PLATEAU, CC BY 4.0');
    expect(html).toContain('© OpenStreetMap contributors');

    // maps: well-formed inline SVG sheets with their own scale bars at the stated scale
    expect(r.maps).toBe(2);
    const svgs = inlineSvgs(html).map(parseXml);
    const maps = svgs.filter((s) => byId(s, `m0-scalebar`) || byId(s, `m1-scalebar`));
    expect(maps).toHaveLength(2);
    for (const [i, m] of maps.entries()) {
      const g = byId(m, `m${i}-scalebar`)!;
      g.attrs.id = 'scalebar';
      const bar = readScaleBar(m);
      expect((bar.lengthMm * readScaleText(m)) / 1000).toBeCloseTo(bar.labelM, 6);
    }
    // charts: demand by use sums the buildings (100..105 MWh/a), the pipe chart splits 400 m at 0.17 kW/m, the hourly chart
    expect(r.charts).toBe(3);
    expect(html).toContain('Annual heat demand by building use');
    expect(html).toMatch(/>105<\/text>/);
    expect(html).toContain('Pipe route length by heat-supply density (threshold 0.17 kW/m)');
    expect(html).toMatch(/0\.085 – 0\.17 kW\/m<\/text>[\s\S]*?>300<\/text>/);
    expect(html).toMatch(/≥ 0\.34 kW\/m<\/text>[\s\S]*?>100<\/text>/);
    expect(html).toContain('daily means of hourly.csv columns');
    expect(html).toContain('demand_kW');
  });

  it('a run with only a manifest: report written, every file listed as missing, no maps', async () => {
    const dir = join(tmp, 'bare');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ heatplan: { version: '0.1.0' }, created: 'x', updated: 'x', inputs: [], stages: [] }));
    const r = await writeReport(dir);
    expect(r.maps).toBe(0);
    expect(r.charts).toBe(0);
    expect(r.missing).toHaveLength(10);
    const html = readFileSync(r.file, 'utf8');
    expect(html).toContain('No warnings recorded');
    expect(html).toMatch(/demand\.tif<\/code><\/td><td class="missing">missing/);
  });

  it('a map that cannot be drawn is reported in the page, not fatal', async () => {
    const dir = join(tmp, 'bad-buildings');
    await writeSyntheticRun(dir);
    writeFileSync(join(dir, 'buildings.geojson'), '{not json');
    const r = await writeReport(dir);
    const html = readFileSync(r.file, 'utf8');
    expect(html).toMatch(/could not be drawn: .*buildings\.geojson/);
    expect(r.maps).toBe(1);
  });

  it('no manifest: InputError, nothing written', async () => {
    const dir = join(tmp, 'none');
    mkdirSync(dir, { recursive: true });
    await expect(writeReport(dir)).rejects.toBeInstanceOf(InputError);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
