/**
 * Plan sheets in Japanese and English (`lang`), and the plan-document fields (figure number, municipality, note):
 * the SVG's text is read back. With `lang: ja` every legend title, unit, use name (the PLATEAU code list's names),
 * network item, the scale, CRS and north notes and the source lines are Japanese, and no English legend word is
 * left; with `lang: en` the legend holds no Japanese. A Japanese PNG/PDF without a font with Japanese glyphs is
 * refused before anything is written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportMap } from '../../engine/export/map.js';
import { findFonts } from '../../engine/export/map/fonts.js';
import { USE_LABELS_JA } from '../../engine/export/map/i18n.js';
import { needsCjk } from '../../engine/export/map/model.js';
import { parseStageOptions, stages } from '../../engine/stages/index.js';
import { UsageError } from '../../engine/errors.js';
import { allText, byId, parseXml, readScaleTextAnyLang } from './svg-read.js';
import { writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-sheet-lang-'));
const RUN = join(tmp, 'run');
const ALL = 'demand,blocks,areas,buildings,network';
const PDFTOTEXT = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].find(existsSync);
beforeAll(async () => writeSyntheticRun(RUN));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function sheet(opts: Parameters<typeof exportMap>[1]) {
  const out = join(tmp, `s-${Math.random().toString(36).slice(2)}.svg`);
  const r = await exportMap(RUN, { layers: ALL, format: 'svg', out, ...opts });
  return { r, svg: parseXml(readFileSync(out, 'utf8')) };
}

describe('lang: ja', () => {
  it('the legend, units, use names, scale, CRS, north and sources are in Japanese', async () => {
    const { r, svg } = await sheet({ lang: 'ja' });
    expect(r.lang).toBe('ja');
    const legend = allText(byId(svg, 'legend')!);
    const text = legend.join('\n');
    expect(text).toContain('熱需要密度 [MWh/(ha·年)]');
    expect(text).toContain('建物用途');
    // the synthetic run's uses: office, commercial, residential_detached, residential_apartment, education, unknown
    for (const u of ['業務施設（1）', '商業施設（1）', '住宅（1）', '共同住宅（1）', '文教厚生施設（1）', '用途不明・その他（1）']) expect(legend).toContain(u);
    expect(text).toContain('導管の線熱密度 [kW/m]');
    expect(text).toContain('区切りは本計算の閾値 0.17 kW/m');
    expect(text).toContain('熱導管網');
    expect(text).toContain('接続建物（2）');
    expect(text).toContain('接続しない建物（1）');
    expect(text).toContain('熱源プラント（1）');
    expect(text).toContain('熱供給区域');
    expect(text).toContain('地域熱供給の候補区域（1）');
    expect(text).toContain('年間熱需要 30 GWh 以上の区域');
    expect(text).toContain('街区');
    expect(readScaleTextAnyLang(svg)).toBe(r.scale);
    expect(legend).toContain(`縮尺 1:${r.scale.toLocaleString('en-US')}`);
    const crs = allText(byId(svg, 'crs-note')!).join('');
    expect(crs).toContain('座標系：JGD2011 平面直角座標系 第II系（EPSG:6670）');
    expect(crs).toMatch(/方位記号：座標北。図の中心で真北は座標北から東へ ?0\.\d\d°/);
    const src = allText(byId(svg, 'attribution')!).join('');
    expect(src).toContain('出典：');
    expect(src).toContain('建物：国土交通省 Project PLATEAU（3D都市モデル）、CC BY 4.0（1ファイル）');
    expect(src).toContain('道路：© OpenStreetMap contributors、ODbL（1ファイル）');
    expect(src).toContain('作図：heatplan');
    // the default title is Japanese too
    expect(allText(byId(svg, 'title')!)[0]).toBe('熱供給計画図：run');
    // no English legend word is left
    for (const en of ['Heat demand', 'Buildings by use', 'Office', 'Commercial', 'Pipes', 'Network', 'Connected', 'Supply areas', 'Scale', 'Data sources', 'Coordinate system', 'North arrow', 'Blocks', 'file'])
      expect(`${text}\n${crs}\n${src}`, en).not.toContain(en);
  });

  it('every use category has a Japanese name; PLATEAU code list names where a code names the category', () => {
    const cats = ['office', 'commercial', 'lodging', 'residential_detached', 'residential_apartment', 'education', 'medical_welfare', 'public_office', 'factory_warehouse', 'greenhouse', 'unheated', 'unknown'];
    for (const c of cats) expect(needsCjk(USE_LABELS_JA[c] ?? ''), c).toBe(true);
    // Building_usage.xml: 401 業務施設, 402 商業施設, 403 宿泊施設, 411 住宅, 412 共同住宅, 421 官公庁施設, 422 文教厚生施設
    expect([USE_LABELS_JA.office, USE_LABELS_JA.commercial, USE_LABELS_JA.lodging, USE_LABELS_JA.residential_detached, USE_LABELS_JA.residential_apartment, USE_LABELS_JA.public_office, USE_LABELS_JA.education]).toEqual([
      '業務施設', '商業施設', '宿泊施設', '住宅', '共同住宅', '官公庁施設', '文教厚生施設',
    ]);
  });

  it('lang: en keeps the legend free of Japanese', async () => {
    const { svg } = await sheet({ lang: 'en' });
    // (the source lines name Japanese datasets in Japanese too when a Japanese font is installed)
    const sources = new Set(allText(byId(svg, 'attribution')!));
    const legend = allText(byId(svg, 'legend')!).filter((t) => !sources.has(t));
    expect(legend.filter(needsCjk)).toEqual([]);
    expect(legend).toContain('Office (1)');
  });

  it('a Japanese PNG or PDF needs a font with Japanese glyphs: refused without one, no file; set in it with one', async () => {
    const out = join(tmp, 'ja.pdf');
    if (!findFonts().cjk) {
      await expect(exportMap(RUN, { lang: 'ja', out })).rejects.toMatchObject({ name: 'UsageError', code: 'map-no-cjk-font' });
      await expect(exportMap(RUN, { lang: 'ja', out: join(tmp, 'ja.png') })).rejects.toMatchObject({ code: 'map-no-cjk-font' });
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(tmp, 'ja.png'))).toBe(false);
      console.warn('*** no font with Japanese glyphs: Japanese PDF/PNG refused as it should be; text not checked ***');
      return;
    }
    await exportMap(RUN, { lang: 'ja', out, figure: '3-2', municipality: '玉名市' });
    if (!PDFTOTEXT) return;
    const text = execFileSync(PDFTOTEXT, [out, '-'], { encoding: 'utf8' });
    for (const s of ['熱需要密度', '建物用途', '業務施設', '縮尺 1:', '出典', '図 3-2', '玉名市']) expect(text).toContain(s);
  });
});

describe('fields for a plan document', () => {
  it('figure number and municipality at the top right, the note in the panel, in both languages', async () => {
    const en = await sheet({ figure: '3-2', municipality: 'Tamana City', note: 'Floor areas estimated from storeys.' });
    expect(allText(byId(en.svg, 'figure-number')!)).toEqual(['Figure 3-2']);
    expect(allText(byId(en.svg, 'municipality')!)).toEqual(['Tamana City']);
    expect(allText(byId(en.svg, 'note')!).join(' ')).toBe('Note: Floor areas estimated from storeys.');
    const ja = await sheet({ lang: 'ja', figure: '3-2', municipality: '玉名市', note: '床面積は階数から推定した。延床面積の属性がない建物を含む。' });
    expect(allText(byId(ja.svg, 'figure-number')!)).toEqual(['図 3-2']);
    expect(allText(byId(ja.svg, 'municipality')!)).toEqual(['玉名市']);
    // Japanese wraps between characters, never before closing punctuation
    const note = allText(byId(ja.svg, 'note')!);
    expect(note.join('')).toBe('注記：床面積は階数から推定した。延床面積の属性がない建物を含む。');
    for (const l of note.slice(1)) expect(l).not.toMatch(/^[、。）」]/);
    // the figure number and the title do not overlap: a long title shrinks
    const long = await sheet({ title: 'A very long title of a plan sheet for a district heating feasibility study', figure: '3-2' });
    const t = byId(long.svg, 'title')!.children.find((n) => n.name === 'text')!;
    expect(Number(t.attrs['font-size'])).toBeLessThan(6.2);
  });

  it('the options are stage options (CLI flags and scenario keys) with their checks', () => {
    const p = parseStageOptions('map', { lang: 'ja', extent: 'network', note: 'n', figure: '1', municipality: '玉名市', base: false });
    expect(p.issues).toEqual([]);
    expect(p.options).toMatchObject({ lang: 'ja', extent: 'network', note: 'n', figure: '1', municipality: '玉名市', base: false });
    expect(parseStageOptions('map', { lang: 'fr' }).issues.map((i) => i.key)).toEqual(['lang']);
    // the extent's form is checked before the stage runs
    expect(() => stages.map.check!({ extent: '130,30,131' })).toThrow(UsageError);
    expect(() => stages.map.check!({ extent: '130,30,131,91' })).toThrow(/latitudes/);
    expect(() => stages.map.check!({ extent: '130.1,30.1,130.2,30.2' })).not.toThrow();
    expect(() => stages.map.check!({ extent: 'areas' })).not.toThrow();
  });

  it('A4 and A3, portrait and landscape', async () => {
    for (const [size, landscape, wh] of [['A4', false, [210, 297]], ['A4', true, [297, 210]], ['A3', false, [297, 420]], ['A3', true, [420, 297]]] as const) {
      const { r, svg } = await sheet({ size, landscape, lang: 'ja' });
      expect([r.widthMm, r.heightMm]).toEqual(wh);
      expect(svg.attrs.viewBox).toBe(`0 0 ${wh[0]} ${wh[1]}`);
      expect(byId(svg, 'scalebar')).toBeDefined();
    }
  });
});
