/**
 * report.html as a document: key figures first (demand, areas, network with its checks in both conventions,
 * simulation and factor), every warning with its count and examples, then the detail; Japanese labels with
 * lang ja; one quantity per chart axis; printed by headless Chromium to A4 pages (pdfinfo, pdftotext).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportHtml, writeReport } from '../../engine/export/report.js';
import { runStage } from '../../engine/stages/index.js';
import { writeSyntheticRun } from './synthetic-run.js';
import { demandToContract, havePeer, peer, printToPdf } from './peer-tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-report-doc-'));
const RUN = join(tmp, 'run');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  await writeSyntheticRun(RUN);
  await demandToContract(RUN);
  // three days of hourly.csv as the simulate stage writes it: time and weather columns, then the kW series
  const rows = ['hour,month,day,hourOfDay,air_C,ground_C,demand_kW,losses_kW,delivered_kW,produced_kW,backup_kW,plant:plant1_kW'];
  for (let h = 0; h < 72; h++) {
    const t = -5 + (h % 24) / 2;
    rows.push([h, 1, 1 + Math.floor(h / 24), h % 24, t, 8, 300 - 10 * t, 20, 300 - 10 * t, 320 - 10 * t, 10, 310 - 10 * t].join(','));
  }
  writeFileSync(join(RUN, 'hourly.csv'), rows.join('\n'));
  // the route and sim summaries a real run has (contract keys)
  const m = JSON.parse(readFileSync(join(RUN, 'manifest.json'), 'utf8'));
  Object.assign(m.route, {
    service_m: 60,
    connectedDemand_MWh: 201,
    plantOutput_kW: 100,
    mwhPerMA: 0.5,
    lossShare: 0.12,
    lossShareBelow10pct: false,
    overCapacityPipes: 0,
    warnings: { 'consumer-below-threshold': 1, 'plant-over-capacity': 1 },
  });
  m.sim = {
    case: '0',
    heatDelivered_MWh: 190,
    produced_MWh: 215,
    losses_MWh: 25,
    surplus_MWh: 3,
    backup_MWh: 40,
    primaryEnergyFactor: 1.347,
    defaultPrimaryEnergyFactor: 1.36,
    copPrimary: 0.742,
    co2_t: 55,
    unmetHours: 0,
    backupHours: 400,
    cases: [],
    warnings: { 'plant-short-hours': 400 },
  };
  m.stages.push('sim');
  writeFileSync(join(RUN, 'manifest.json'), JSON.stringify(m));
});

/** The inline SVG elements of a page. */
const svgs = (html: string): string[] => [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((x) => x[0]);

describe('report.html as a document', () => {
  it('key figures first, then the warnings, maps, charts and the detail; the network checks in both conventions', async () => {
    const { html } = await buildReportHtml(RUN, { maps: false });
    const at = (s: string) => html.indexOf(s);
    expect(at('<h2 id="key-figures">Key figures</h2>')).toBeGreaterThan(0);
    expect(at('Key figures')).toBeLessThan(at('<h2 id="warnings">'));
    expect(at('<h2 id="warnings">')).toBeLessThan(at('<h2>Charts</h2>'));
    expect(at('<h2>Charts</h2>')).toBeLessThan(at('<h2 id="detail">'));
    expect(at('<h2 id="detail">')).toBeLessThan(at('Stage: demand'));
    const front = html.slice(0, at('<h2 id="warnings">'));
    // demand, areas, network, simulation figures with units
    expect(front).toMatch(/Annual heat demand<\/th><td class="num">615&nbsp;MWh\/a/);
    expect(front).toMatch(/Demand inside the areas<\/th><td class="num">31,000&nbsp;MWh\/a<\/td><td class="note">77\.5 % of all demand/);
    expect(front).toMatch(/Trench length \(route\)<\/th><td class="num">400&nbsp;m/);
    expect(front).toMatch(/Primary energy factor<\/th><td class="num">1\.347<\/td><td class="note">default 1\.36/);
    // checks: the run's kwPerM is the design variant (no seedKwPerM in this manifest: no seed 003 row), named as
    // such, against 0.17 passes and prunes (a run without pruneBy pruned by design kW/m); MWh/(m·a) and the 10 % loss rule fail
    expect(front).toMatch(/design load at the plants \/ \(2 x route length\), kW\/m<\/th><td class="num">0\.3&nbsp;kW\/m<\/td><td class="num">≥ 0\.17&nbsp;kW\/m<\/td><td><span class="ok">pass<\/span><\/td><td><strong class="prunes">prunes the network/);
    expect(front).not.toContain('data-check="seed-kw-per-m"');
    expect(front).toMatch(/MWh per metre of trench[^<]*<\/th><td class="num">0\.5&nbsp;MWh\/\(m·a\)<\/td><td class="num">≥ 1\.5&nbsp;MWh\/\(m·a\)<\/td><td><span class="missing">fail/);
    expect(front).toMatch(/Heat loss share[^<]*<\/th><td class="num">12 %<\/td><td class="num">≤ 10 %<\/td><td><span class="missing">fail/);
    expect(front).toContain('Not run: potential');
    // warnings of every stage with counts; the dropped consumer with its example from network.geojson
    const warn = html.slice(at('<h2 id="warnings">'), at('<h2>Charts</h2>'));
    expect(warn).toMatch(/<td>demand<\/td><td>no-footprint<\/td><td class="num"><span class="num">2</);
    expect(warn).toMatch(/<td>route<\/td><td>consumer-below-threshold<\/td><td class="num"><span class="num">1<\/span><\/td><td>.*network\.geojson: b5/);
    expect(warn).toMatch(/<td>sim<\/td><td>plant-short-hours<\/td><td class="num"><span class="num">400</);
  });

  it('charts: one quantity per axis (kW series on one chart, outdoor °C on another, hour of day on neither)', async () => {
    const r = await writeReport(RUN, { maps: false });
    const html = readFileSync(r.file, 'utf8');
    const charts = svgs(html);
    const kw = charts.filter((s) => s.includes('daily means of hourly.csv columns'));
    const temp = charts.filter((s) => s.includes('Outdoor air temperature'));
    expect(kw).toHaveLength(1);
    expect(temp).toHaveLength(1);
    expect(kw[0]).toContain('[kW]</text>');
    for (const n of ['demand_kW', 'delivered_kW', 'produced_kW', 'backup_kW', 'losses_kW', 'plant:plant1_kW']) expect(kw[0]).toContain(`>${n}</text>`);
    expect(kw[0]).not.toMatch(/>(air_C|ground_C|hourOfDay|hour|month|day)<\/text>/);
    expect(temp[0]).toContain('[°C]</text>');
    expect(temp[0]).toContain('>air_C</text>');
    expect(temp[0]).not.toMatch(/_kW<\/text>|hourOfDay/);
    for (const s of charts) expect(s).not.toContain('hourOfDay');
  });

  it('lang ja: Japanese headings, figure names, use names and warning titles; <html lang="ja">', async () => {
    const r = await runStage('report', RUN, { lang: 'ja', maps: false, out: join(tmp, 'report-ja.html') });
    const html = readFileSync(r.file, 'utf8');
    expect(html).toContain('<html lang="ja">');
    for (const s of ['地域熱供給 計画報告書', '主要な数値', '熱需要', '年間熱需要', '供給区域', '配管網', '判定', '熱源の設計負荷 ÷ (2 × ルート長)', '適合', '不適合', '一次エネルギー換算係数', '警告と除外したレコード', '件数', '詳細'])
      expect(html, s).toContain(s);
    // building use names on the demand chart (PLATEAU code list terms)
    for (const s of ['業務施設', '商業施設', '住宅', '共同住宅', '文教厚生施設', '用途不明・その他']) expect(html, s).toContain(`>${s}</text>`);
    expect(html).toContain('能力を超える熱源設備');
    expect(html).toContain('未実行: potential');
  });

  it('prints to A4: every page A4 portrait, key figures and warnings on the first pages, the detail after them', async () => {
    if (!havePeer('chromium') || !havePeer('pdfinfo', ['-v']) || !havePeer('pdftotext', ['-v'])) return;
    const r = await writeReport(RUN);
    const pdf = join(tmp, 'report.pdf');
    printToPdf(r.file, pdf, join(tmp, 'chromium-profile'));
    const info = peer('pdfinfo', [pdf]);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(10);
    const sizes = peer('pdfinfo', ['-f', '1', '-l', String(pages), pdf]);
    const each = [...sizes.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((x) => [Number(x[1]), Number(x[2])]);
    expect(each).toHaveLength(pages);
    // A4 is 595.28 x 841.89 pt
    for (const [w, h] of each) {
      expect(Math.abs(w! - 595.28)).toBeLessThan(1);
      expect(Math.abs(h! - 841.89)).toBeLessThan(1);
    }
    const page = (n: number) => peer('pdftotext', ['-f', String(n), '-l', String(n), '-layout', pdf, '-']);
    const p1 = page(1);
    expect(p1).toContain('Key figures');
    expect(p1).toMatch(/Annual heat demand\s+615 MWh\/a/);
    expect(p1).toMatch(new RegExp(`1\\s*/\\s*${pages}\\s*$`));
    const text = Array.from({ length: pages }, (_, i) => page(i + 1));
    const first = (s: string) => text.findIndex((t) => t.includes(s));
    expect(first('Warnings and dropped records')).toBeLessThanOrEqual(1);
    expect(first('Detail')).toBeGreaterThan(first('Warnings and dropped records'));
    // the detail starts on a page of its own
    expect(text[first('Detail')]!.trimStart().startsWith('Detail')).toBe(true);
  });
});
