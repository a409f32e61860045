/**
 * Osaka on real data (../shared/datasets/osaka, the 68 PLATEAU tiles, 11,684 buildings): the demand stage, then
 * report.html lists its warnings with their counts and examples (3,969 buildings without use, 1,755 default floor
 * areas), and the export's GeoPackage and CSV hold every building (ogrinfo, BOM).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCsv } from '../../engine/export/csv.js';
import { runStage } from '../../engine/stages/index.js';
import { data, describeData } from '../helpers/data.js';
import { havePeer, ogrLayers, peer, printToPdf } from './peer-tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-osaka-export-'));
const RUN = join(tmp, 'osaka');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeData('Osaka (68 PLATEAU tiles): report warnings with counts, GIS export', () => {
  beforeAll(async () => {
    await runStage('demand', RUN, { buildings: [data('osaka')] });
  }, 180_000);

  it('report.html: key figures, then every warning with its count and examples', async () => {
    const r = await runStage('report', RUN, { maps: false });
    const html = readFileSync(r.file, 'utf8');
    const front = html.slice(0, html.indexOf('<h2 id="warnings">'));
    expect(front).toMatch(/Buildings<\/th><td class="num">11,684</);
    expect(front).toMatch(/Floor area from<\/th><td class="num"><\/td><td class="note">storeys 7,692, height 2,237, default storeys \(assumption\) 1,755/);
    const warn = html.slice(html.indexOf('<h2 id="warnings">'), html.indexOf('<div class="detail">'));
    expect(warn).not.toContain('No warnings recorded');
    const row = (code: string) => new RegExp(`<td>demand</td><td>${code}</td><td class="num"><span class="num">([\\d,]+)</span></td><td>(.*?)</td></tr>`).exec(warn);
    expect(row('use-missing')?.[1]).toBe('3,969');
    expect(row('floor-area-default')?.[1]).toBe('1,755');
    expect(row('climate-region-guessed')?.[1]).toBe('1');
    // five examples (tile and gml:id) and how many more
    const ex = row('use-missing')![2]!;
    expect([...ex.matchAll(/<li>5135\d+_bldg_6697_op\.gml\.gz: bldg_[0-9a-f-]+<\/li>/g)]).toHaveLength(5);
    expect(ex).toContain('… and 3,964 more');
    // Japanese titles with lang ja
    const ja = readFileSync((await runStage('report', RUN, { maps: false, lang: 'ja', out: join(tmp, 'report-ja.html') })).file, 'utf8');
    expect(ja).toContain('用途の記載がない建物');
    expect(ja).toContain('…ほか 3,964 件');
  });

  it('report.html prints to A4 pages', async () => {
    if (!havePeer('chromium') || !havePeer('pdfinfo', ['-v'])) return;
    const r = await runStage('report', RUN, {});
    const pdf = join(tmp, 'osaka.pdf');
    printToPdf(r.file, pdf, join(tmp, 'chromium-profile'));
    const info = peer('pdfinfo', [pdf]);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(15);
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)/);
  });

  it('export: every building in the GeoPackage (ogrinfo) and in buildings.csv (BOM, Japanese use names)', async () => {
    const r = await runStage('export', RUN, { lang: 'ja' });
    expect(r.layers.map((l) => [l.name, l.features])).toEqual([
      ['buildings', 11684],
      ['blocks', 2156],
    ]);
    const csv = readFileSync(join(r.dir, 'buildings.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(csv.toString('utf8'));
    expect(rows).toHaveLength(11685);
    const label = rows[0]!.indexOf('use_label');
    const labels = new Set(rows.slice(1).map((x) => x[label]));
    for (const s of ['業務施設', '工場・運輸倉庫施設', '共同住宅', '用途不明・その他']) expect(labels.has(s), s).toBe(true);
    if (!havePeer('ogrinfo')) return;
    const gpkg = join(r.dir, 'heatplan.gpkg');
    expect(ogrLayers(gpkg)).toEqual([
      ['buildings', 'Multi Polygon'],
      ['blocks', 'Multi Polygon'],
      ['layer_styles', 'None'],
    ]);
    expect(peer('ogrinfo', ['-ro', '-so', gpkg, 'buildings'])).toContain('Feature Count: 11684');
    // the sum of the annual heat read back by GDAL matches the demand stage's total
    const sum = peer('ogrinfo', ['-ro', '-q', gpkg, '-sql', 'SELECT SUM(heat_MWh) AS s FROM buildings']);
    const m = JSON.parse(readFileSync(join(RUN, 'manifest.json'), 'utf8'));
    expect(Number(/s \(Real\) = ([\d.]+)/.exec(sum)![1])).toBeCloseTo(m.demand.annualHeat_MWh, 0);
  });
});
