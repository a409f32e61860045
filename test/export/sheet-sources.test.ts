/**
 * A sheet's sources, dataset by dataset with licences, from the manifest's inputs: the 68 PLATEAU tiles of an Osaka
 * demand run (../shared/datasets/osaka) are one line "MLIT Project PLATEAU, CC BY 4.0 (68 files)", never
 * "Other data: N input files"; OSM, Hotmaps, the bundled reference data (datasets/README.md) and the user's own files
 * each get their line. And the base layer's water on a real run: Tamana's PLATEAU river (tamana/493034_wtr_6697_op.gml)
 * as the potential stage's river input.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMapSheet, exportMap } from '../../engine/export/map.js';
import { dataSources, datasetOf } from '../../engine/export/map/sources.js';
import { runStage } from '../../engine/stages/index.js';
import { data, describeData } from '../helpers/data.js';
import { allText, byId, joinLines, parseXml, walk } from './svg-read.js';
import { writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-sheet-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rec = (path: string, role: string) => ({ path, role, bytes: 1, sha256: 'x' });

describe('sources dataset by dataset', () => {
  it('each dataset once with its licence, from the inputs; user files named with their role', () => {
    const inputs = [
      ...Array.from({ length: 3 }, (_, i) => rec(`/d/udx/bldg/5135730${i}_bldg_6697_op.gml.gz`, 'buildings')),
      rec('/d/tamana/493034_wtr_6697_op.gml', 'rivers'),
      rec('/d/town.osm.pbf', 'route'),
      rec('/d/plants.geojson', 'route'),
      rec('/p/datasets/weather/0868195.has', 'simulate'),
      rec('/d/rasters/hotmaps_heat_density_test.tif', 'demand-raster'),
      rec('/d/survey/sewers.shp', 'sewers'),
      rec('/d/run.yaml', 'scenario'),
    ];
    const en = dataSources({ inputs }, 'en').map((s) => s.text);
    expect(en).toEqual([
      'Buildings, water: MLIT Project PLATEAU, CC BY 4.0 (4 files)',
      'Roads: © OpenStreetMap contributors, ODbL (1 file)',
      'Heat demand raster: Hotmaps project (H2020), Apache-2.0 (1 file)',
      'Weather: reference-year weather of Kitami, MasatoMiyata/builelib, MIT (1 file)',
      'Roads and plants: plants.geojson (user data; licence not recorded in the run)',
      'Sewers: sewers.shp (user data; licence not recorded in the run)',
    ]);
    const ja = dataSources({ inputs }, 'ja').map((s) => s.text);
    expect(ja[0]).toBe('建物・河川・水域：国土交通省 Project PLATEAU（3D都市モデル）、CC BY 4.0（4ファイル）');
    expect(ja[3]).toBe('気象：標準年気象データ 北見、MasatoMiyata/builelib、MIT（1ファイル）');
    expect(ja.join('\n')).not.toMatch(/Other data|input files/);
    // the Japanese name of the PLATEAU dataset is added in English when a Japanese font will draw it
    expect(dataSources({ inputs }, 'en', true)[0]!.text).toBe('Buildings, water: 国土交通省 MLIT Project PLATEAU, CC BY 4.0 (4 files)');
    expect(datasetOf('/x/43206_tamana-shi_city_2024_citygml_1_op.zip')).toBe('plateau');
    expect(datasetOf('/x/buildings.gml')).toBe('user');
  });

  it('the demo town keeps its own line', async () => {
    const dir = join(tmp, 'demo-inputs');
    await writeSyntheticRun(dir, { inputs: [{ path: '/p/datasets/demo/buildings.geojson', role: 'buildings' }] });
    const { info } = await buildMapSheet(dir, { layers: 'demand' });
    expect(info.attribution[0]).toBe('Demo town: synthetic data made by heatplan (datasets/make-demo-town.ts), no real buildings');
  });
});

describeData('real runs', () => {
  it('Osaka, 68 PLATEAU tiles: one PLATEAU line on the sheet, in English and Japanese', async () => {
    const run = join(tmp, 'osaka');
    await runStage('demand', run, { buildings: [data('osaka')] });
    const m = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as { inputs: { role: string }[] };
    expect(m.inputs.filter((r) => r.role === 'buildings')).toHaveLength(68);
    for (const lang of ['en', 'ja'] as const) {
      const out = join(tmp, `osaka-${lang}.svg`);
      await exportMap(run, { out, lang });
      const svg = parseXml(readFileSync(out, 'utf8'));
      const text = joinLines(allText(byId(svg, 'attribution')!));
      expect(text.match(/PLATEAU/g)).toHaveLength(1);
      expect(text).not.toMatch(/Other data|input files|manifest\.json/);
      if (lang === 'en') expect(text).toContain('MLIT Project PLATEAU, CC BY 4.0 (68 files)');
      else expect(text).toContain('建物：国土交通省 Project PLATEAU（3D都市モデル）、CC BY 4.0（68ファイル）');
    }
  }, 120_000);

  it('Tamana: the PLATEAU river of the potential stage is drawn as water under the demand', async () => {
    const run = join(tmp, 'tamana');
    const wtr = data('tamana/493034_wtr_6697_op.gml');
    await runStage('demand', run, { buildings: [data('tamana/49303425_bldg_6697_op.gml')], cell_m: 50 });
    await runStage('potential', run, { rivers: wtr, riverFlow_m3_s: 10, riverTemp_C: [12] });
    const out = join(tmp, 'tamana.svg');
    const r = await exportMap(run, { out, extent: 'all', layers: 'demand,buildings' });
    expect(r.baseWater).toEqual([wtr]);
    const svg = parseXml(readFileSync(out, 'utf8'));
    const water = byId(svg, 'base-water')!;
    const paths = [...walk(water)].filter((n) => n.name === 'path');
    expect(paths.length).toBeGreaterThan(0);
    // drawn before (under) the demand raster
    const order = [...walk(byId(svg, 'map')!)].map((n) => n.attrs.id).filter(Boolean);
    expect(order.indexOf('base-water')).toBeLessThan(order.indexOf('layer-demand'));
    expect(allText(byId(svg, 'legend-base-map')!)).toContain('Water');
    expect(allText(byId(svg, 'attribution')!).join(' ')).toContain('Buildings, water:');
    // the potential, labelled as extractable heat with its method
    const pot = join(tmp, 'tamana-pot.svg');
    await exportMap(run, { out: pot, layers: 'potential', extent: 'demand', lang: 'ja' });
    const legend = joinLines(allText(byId(parseXml(readFileSync(pot, 'utf8')), 'legend-potential')!));
    expect(legend).toContain('熱源の賦存量 [kW/メッシュ]');
    expect(legend).toContain('建物への供給熱量ではない');
    expect(legend).toMatch(/河川：Q = ρ·cp·流量·ΔT、ΔT = min\(T − 2, 6\) K \(PlanHeat\)、流量 10 m³\/s、水温 12 °C、150 m 以内/);
    const en = await buildMapSheet(run, { layers: 'potential', extent: 'demand' });
    const block = en.info.legend.find((b) => b.id === 'potential')!;
    expect(block.title).toBe('Extractable heat of the sources');
    expect(block.note).toContain('not heat delivered to buildings');
  }, 120_000);
});
