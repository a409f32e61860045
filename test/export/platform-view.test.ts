/**
 * What the other stages compute, shown (issues 19, 13, 12, 14): the platform view (municipal guideline flags and
 * critical facilities from platform.json, the outage once simulate wrote it) in the report, on the plan sheet (legend
 * entry, markers, notes per area) and in the viewer's summary; the network check table with seed 003's own kW/m beside
 * heatplan's design variant and the column saying which criterion prunes; the drop reasons named in both languages;
 * the sheets' source sum with the new heat bands (snow and ice, cold, apart). The platform.json here is written by hand
 * with values chosen for the test (a synthetic run near Tamana), so every figure shown is known.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportHtml } from '../../engine/export/report.js';
import { networkChecksHtml } from '../../engine/export/report-summary.js';
import { DROP_REASONS, dropReasonTitle, warningTitle } from '../../engine/export/i18n.js';
import { buildMapSheet } from '../../engine/export/map.js';
import { renderSvg } from '../../engine/export/map/render-svg.js';
import { potentialTotal, SHEET_HEAT_SOURCE_BANDS } from '../../engine/export/map/layers.js';
import { PLATFORM_STYLE } from '../../engine/export/map/platform-style.js';
import { lookupEpsg, transformer, WGS84 } from '../../engine/crs/index.js';
import { POTENTIAL_BAND, POTENTIAL_BANDS, type Manifest, type PlatformFile } from '../../engine/run/contract.js';
import { keyFigures } from '../../viewer/src/summary.js';
import type { RunData } from '../../viewer/src/data.js';
import { byId, parseXml, walk } from './svg-read.js';
import { SYN_CONSUMERS, SYN_CRS, writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-platform-view-'));
const RUN = join(tmp, 'run');
const toWgs = transformer(lookupEpsg(SYN_CRS)!, WGS84);
const ll = (x: number, y: number) => toWgs.forward(x, y);

function platformFile(): PlatformFile {
  const [lon0, lat0] = ll(...SYN_CONSUMERS[0]!);
  const [lon1, lat1] = ll(...SYN_CONSUMERS[1]!);
  const rule = (id: string, applies: boolean, threshold: number) => ({
    rule: id,
    municipality: applies ? 'Yokohama' : 'Tokyo',
    municipalityJa: applies ? '横浜市' : '東京都',
    codesText: '',
    guideline: `Guideline ${id}`,
    office: 'Office X',
    kind: 'acceptance' as const,
    appliesTo: ['building' as const],
    quantity: 'floor_area' as const,
    use: 'all' as const,
    operator: '>=' as const,
    threshold,
    unit: 'm2',
    thresholdM2: threshold,
    source: `source of ${id}`,
    note: '',
    codes: '14100',
    applies,
    table: 'seed000.csv',
    line: 2,
  });
  return {
    options: { guidelines: '/x/datasets/guidelines/seed000.csv', compareGuidelines: true },
    municipality: { codes: [14100], names: ['Yokohama 横浜市'], how: 'option', byFile: [] },
    guidelines: {
      rules: [rule('yokohama-acceptance', true, 3000), rule('tokyo-acceptance', false, 10000)],
      buildings: [
        { id: 'b0', lon: lon0, lat: lat0, floorArea_m2: 5000, use: 'office', municipality: 14100, rules: ['yokohama-acceptance'] },
        { id: 'b1', lon: lon1, lat: lat1, floorArea_m2: 12000, use: 'commercial', municipality: 14100, rules: ['yokohama-acceptance'], whatIf: ['tokyo-acceptance'] },
      ],
      blocks: [],
      areas: [{ id: '1', floorArea_m2: 17000, floorAreaFrom: 'buildings', land_m2: 129600, municipalities: [14100], rules: [], buildings: { 'yokohama-acceptance': ['b0', 'b1'] } }],
      counts: {
        'yokohama-acceptance': { applies: true, buildings: 2, blocks: 0, areas: 0 },
        'tokyo-acceptance': { applies: false, buildings: 0, blocks: 0, areas: 0, whatIf: { buildings: 1, blocks: 0, areas: 0 } },
      },
    },
    critical: {
      facilities: [{ id: 'b1', role: 'hospital', name: 'Tamana Hospital', from: 'list', use: 'commercial', floorArea_m2: 12000, heat_MWh: 101, peak_kW: 50, lon: lon1, lat: lat1 }],
      byArea: { '1': ['b1'] },
      uses: ['medical_welfare'],
      source: 'test list',
    },
    resilience: {
      outage: { startHour: 384, hours: 72, fuelStockHours_h: { gas: 48 }, initialCharge: 1, wasteHeatRuns: false },
      networks: [
        {
          case: '0',
          network: 'n1',
          chp: true,
          storage: { energy_kWh: 3489, water_m3: 100, dT_K: 30 },
          series: { demand: true, losses: true, pump: true },
          hours: 72,
          facilities: [{ id: 'b1', role: 'hospital', heatHours: 57, powerHours: 48, unmet_kWh: 321 }],
          pumpedHours: 48,
          spareKw: [],
          storageUsed_kWh: 3489,
          fuelUsed_kWh: { gas: 1000 },
        },
      ],
    },
  };
}

beforeAll(async () => {
  await writeSyntheticRun(RUN);
  writeFileSync(join(RUN, 'platform.json'), JSON.stringify(platformFile()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('report: platform section', () => {
  it('lists the rules in force with source, counts per rule and area, the what-if, critical facilities and the outage', async () => {
    const { html } = await buildReportHtml(RUN, { maps: false });
    const i = html.indexOf('<section class="platform" id="platform">');
    expect(i).toBeGreaterThan(0);
    const sec = html.slice(i, html.indexOf('</section>', i));
    expect(sec).toContain('Yokohama 横浜市');
    // rules table: in force first, with guideline, office and source; the other as what-if only
    const rules = sec.slice(sec.indexOf('platform-rules'), sec.indexOf('platform-counts'));
    expect(rules.indexOf('yokohama-acceptance')).toBeLessThan(rules.indexOf('tokyo-acceptance'));
    expect(rules).toContain('source of yokohama-acceptance');
    expect(rules).toContain('Office X');
    expect(rules).toMatch(/tokyo-acceptance[\s\S]*what-if only/);
    expect(sec).toMatch(/data-rule="yokohama-acceptance"><td><code>yokohama-acceptance<\/code><\/td><td class="num">2<\/td>/);
    // per area: 2 buildings meeting a rule, the hospital
    expect(sec).toMatch(/data-area="1">[\s\S]*?2: b0, b1[\s\S]*?b1<\/td><\/tr>/);
    // what-if: Tokyo's rule would flag 1 building
    expect(sec).toMatch(/platform-whatif[\s\S]*data-rule="tokyo-acceptance"><td><code>tokyo-acceptance<\/code><\/td><td class="num">1<\/td>/);
    expect(sec).toContain('Tamana Hospital (b1)');
    // the outage: hours kept of 72 h, tank water 100 m³
    expect(sec).toContain('72 h grid outage from hour 384');
    expect(sec).toMatch(/data-facility="b1"><td>b1<\/td><td>hospital<\/td><td class="num">57 \/ 72&nbsp;h<\/td><td class="num">48 \/ 72&nbsp;h<\/td>/);
    expect(sec).toContain('100&nbsp;m³');
    expect(sec).toContain('3,489&nbsp;kWh');
  });

  it('in Japanese, and absent from a run without platform.json', async () => {
    const ja = (await buildReportHtml(RUN, { maps: false, lang: 'ja' })).html;
    expect(ja).toContain('地域の熱プラットフォーム');
    expect(ja).toContain('蓄熱槽の水量');
    const other = join(tmp, 'no-platform');
    await writeSyntheticRun(other);
    expect((await buildReportHtml(other, { maps: false })).html).not.toContain('id="platform"');
  });
});

describe('report: network checks (issue 13)', () => {
  const route = (pruneBy: string[]) =>
    ({
      seedKwPerM: 0.148,
      seedPlantOutput_kW: 700,
      seedOutputBasis: 'capacity',
      kwPerM: 1.715,
      designKwPerM: 1.715,
      mwhPerMA: 4.86,
      lossShare: 0.065,
      lossShareMains: 0.05,
      overCapacityPipes: 0,
      thresholds: { minKwPerM: 0.17, minMwhPerMA: 1.5, maxLossShare: 0.1, pruneBy },
    }) as unknown as NonNullable<Manifest['route']>;
  const row = (html: string, id: string) => html.match(new RegExp(`<tr data-check="${id}">(.*?)</tr>`))?.[1] ?? '';

  it("shows seed 003's own figure against 0.17, the design variant beside it, and which one prunes", () => {
    const h = networkChecksHtml(route(['loss-share']), 'en');
    expect(row(h, 'seed-kw-per-m')).toContain('0.148&nbsp;kW/m');
    expect(row(h, 'seed-kw-per-m')).toContain('plant output / (2 x route length)');
    expect(row(h, 'seed-kw-per-m')).toContain('fail');
    expect(row(h, 'design-kw-per-m')).toContain('1.715&nbsp;kW/m');
    expect(row(h, 'design-kw-per-m')).toContain('pass');
    expect(row(h, 'mwh-per-m')).toContain('4.86&nbsp;MWh/(m·a)');
    expect(row(h, 'loss-share')).toContain('6.5 %');
    expect(row(h, 'loss-share')).toContain('mains only 5 %');
    expect(row(h, 'loss-share')).toContain('prunes the network');
    expect(row(h, 'seed-kw-per-m')).toContain('reported only');
    const s = networkChecksHtml(route(['seed-kw-per-m']), 'ja');
    expect(row(s, 'seed-kw-per-m')).toContain('配管網の切り離しに使用');
    expect(row(s, 'loss-share')).toContain('参考表示のみ');
  });

  it('names every drop reason in English and Japanese', () => {
    for (const r of ['below-loss-share', 'below-seed-kw-per-m', 'forced-out', 'above-marginal-cost', 'below-kw-per-m', 'below-mwh-per-m', 'zero-demand']) expect(DROP_REASONS).toContain(r);
    for (const r of DROP_REASONS) {
      for (const lang of ['en', 'ja'] as const) {
        expect(warningTitle(r, lang), `${r} ${lang}`).toBeTruthy();
        expect(dropReasonTitle(r, lang)).not.toBe(r);
      }
    }
  });
});

describe('plan sheet: platform view', () => {
  it('draws rings for the flagged buildings and a dot for each critical facility, with a legend entry and notes per area', async () => {
    const { drawing, info } = await buildMapSheet(RUN, { lang: 'en' });
    const block = info.legend.find((l) => l.id === 'platform');
    expect(block).toBeDefined();
    expect(block!.items.map((i) => [i.swatch, i.color])).toEqual([
      ['ring', PLATFORM_STYLE.guidelineRing],
      ['point', PLATFORM_STYLE.criticalFill],
    ]);
    expect(block!.items[0]!.label).toContain('(2)');
    expect(block!.note).toContain('yokohama-acceptance');
    const svg = parseXml(renderSvg(drawing));
    const circles = [...walk(byId(svg, 'layer-platform')!)].filter((n) => n.name === 'circle');
    expect(circles.filter((c) => c.attrs.stroke?.toLowerCase() === PLATFORM_STYLE.guidelineRing && (!c.attrs.fill || c.attrs.fill === 'none')).length).toBe(2);
    expect(circles.filter((c) => c.attrs.fill?.toLowerCase() === PLATFORM_STYLE.criticalFill).length).toBe(1);
    const text = [...walk(svg)].filter((n) => n.name === 'text').map((n) => n.text).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('Area 1: meets no rule as an area; 2 buildings meeting a rule; critical: Tamana Hospital');
    expect(text).toContain('72 h outage (0/n1): hours with heat b1 57/72 h, tank water 100 m³');
  });

  it("the sheets' source sum includes sea water, hot springs, biomass and transformer heat, not snow and ice (cold)", () => {
    expect(SHEET_HEAT_SOURCE_BANDS).not.toContain(POTENTIAL_BAND.snow_ice);
    const bands = POTENTIAL_BANDS.map((_, i) => Float64Array.of(i === POTENTIAL_BAND.coverage || i === POTENTIAL_BAND.suitability ? 99 : i === POTENTIAL_BAND.river ? NaN : 10 * (i + 1)));
    // sewage 10 + ground 30 + waste heat 40 + sea water 70 + hot spring 80 + biomass 100 + transformer 110 (river NaN: not given)
    expect(potentialTotal({ width: 1, height: 1, bands })[0]).toBe(440);
  });
});

describe('viewer summary: platform view', () => {
  it('has a section with the rules in force, per-area lines and the outage hours', () => {
    const data = { status: { manifest: {}, files: [] }, tiles: null, errors: [], platform: JSON.parse(readFileSync(join(RUN, 'platform.json'), 'utf8')) } as unknown as RunData;
    const sec = keyFigures(data).find((s) => s.title.startsWith('Platform view'));
    expect(sec).toBeDefined();
    const rows = Object.fromEntries(sec!.rows);
    expect(rows['yokohama-acceptance (floor_area >= 3,000 m2)']).toMatch(/^2 buildings, 0 blocks, 0 areas/);
    expect(rows['area 1']).toContain('2 buildings meeting a rule; critical: b1');
    expect(rows['72 h outage, 0/n1']).toContain('b1 heat 57 h, power 48 h');
    expect(rows['72 h outage, 0/n1']).toContain('water 100 m³');
  });
});
