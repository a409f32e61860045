/**
 * The report's simulation figures and the plan sheet's factor line carry a note where the simulation warned that the
 * route's pump head runs through pipes over the largest catalogue pipe (pump-head-over-capacity): the factor, its COP
 * and CO2 are then overstated.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportMap } from '../../engine/export/map.js';
import { keyFiguresHtml } from '../../engine/export/report-summary.js';
import type { Manifest } from '../../engine/run/contract.js';
import { allText, byId, parseXml } from './svg-read.js';
import { writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-pump-note-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const manifest = (warnings: Record<string, number>): Manifest =>
  ({ sim: { heatDelivered_MWh: 100, primaryEnergyFactor: 8273.947, defaultPrimaryEnergyFactor: 1.36, co2_t: 5, warnings } }) as unknown as Manifest;

describe('report key figures: a pump head through pipes over capacity', () => {
  it('notes the factor and CO2 as overstated, in English and Japanese', () => {
    const en = keyFiguresHtml(manifest({ 'pump-head-over-capacity': 1 }), 'en');
    expect(en).toContain('default 1.36');
    expect(en.match(/overstated: the pump head runs through pipes loaded above the largest catalogue pipe/g)).toHaveLength(2);
    expect(keyFiguresHtml(manifest({ 'pump-head-over-capacity': 1 }), 'ja')).toContain('過大: ポンプ揚程');
  });
  it('has no such note without the warning', () => {
    const html = keyFiguresHtml(manifest({ 'plant-short-hours': 1 }), 'en');
    expect(html).toContain('8,273.947');
    expect(html).not.toContain('overstated');
  });
});

describe('plan sheet: the factor line', () => {
  it('says overstated with the warning, in both languages, and not without it', async () => {
    const run = join(tmp, 'run');
    await writeSyntheticRun(run);
    const noteWith = async (warnings: Record<string, number>, lang: 'en' | 'ja') => {
      const m = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
      m.sim = { ...(m.sim ?? {}), primaryEnergyFactor: 8273.947, defaultPrimaryEnergyFactor: 1.36, warnings };
      writeFileSync(join(run, 'manifest.json'), JSON.stringify(m));
      const out = join(tmp, `sheet-${lang}-${Object.keys(warnings).join('')}.svg`);
      await exportMap(run, { layers: 'demand', format: 'svg', out, lang });
      return allText(byId(parseXml(readFileSync(out, 'utf8')), 'note')!).join(lang === 'ja' ? '' : ' ');
    };
    expect(await noteWith({ 'pump-head-over-capacity': 1 }, 'en')).toContain('(default 1.36, notice 265); overstated (pump head through pipes over the catalogue)');
    expect(await noteWith({ 'pump-head-over-capacity': 1 }, 'ja')).toContain('過大（ポンプ揚程が管径表の最大を超える管を通る）');
    const plain = await noteWith({}, 'en');
    expect(plain).toContain('(default 1.36, notice 265)');
    expect(plain).not.toContain('overstated');
  });
});
