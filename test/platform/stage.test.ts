/**
 * The platform view through the potential and areas stages on real PLATEAU data: the municipality read from the
 * files, the guideline flags checked against the buildings' own floor areas (counted here independently from
 * buildings.geojson), the listing per area after the areas stage, and bad input leaving the run as it was.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStage } from '../../engine/stages/index.js';
import { FILES, POTENTIAL_BANDS } from '../../engine/run/contract.js';
import { readGeoTiff } from '../../engine/io/geotiff.js';
import { data, describeData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-platform-stage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
type Props = { id: string; floorArea_m2: number; use: string };

describeData('platform view on Yokosuka (yokosuka/52397519_bldg_6697_op.gml) and Osaka (osaka/, 68 tiles)', () => {
  it('Yokosuka as Yokohama (municipality option): acceptance >= 3,000 m² flags exactly the buildings of that size; areas list them', async () => {
    const run = join(tmp, 'yokosuka');
    await runStage('demand', run, { buildings: [data('yokosuka/52397519_bldg_6697_op.gml')], cell_m: 50 });
    const springs = join(tmp, 'springs.geojson');
    writeFileSync(springs, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'onsen', flow_l_min: 300, temp_c: 45 }, geometry: { type: 'Point', coordinates: [139.7389, 35.2599] } }] }));
    const s = await runStage('potential', run, { hotSprings: springs, municipality: 'Yokohama' });
    const buildings = (json(join(run, FILES.buildings)).features as { properties: Props }[]).map((f) => f.properties);
    const expected = buildings.filter((b) => b.floorArea_m2 >= 3000).map((b) => b.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    const p = json(join(run, FILES.platform));
    expect(p.municipality).toMatchObject({ codes: [14100], how: 'option' });
    const flagged = p.guidelines.buildings.filter((b: { rules: string[] }) => b.rules.includes('yokohama-acceptance')).map((b: { id: string }) => b.id).sort();
    expect(flagged).toEqual(expected);
    expect(s.platform!.counts['yokohama-acceptance']!.buildings).toBe(expected.length);
    expect(s.platform!.rulesApplying).toEqual(['yokohama-development', 'yokohama-site', 'yokohama-acceptance']);
    expect(s.otherSources.hot_spring.kw).toBeCloseTo(627.9, 6);
    const m = json(join(run, FILES.manifest));
    expect(m.potential.platform.counts['yokohama-acceptance'].buildings).toBe(expected.length);
    expect(m.potential.kwByOtherSource.hot_spring).toBeCloseTo(627.9, 1);
    // potential.tif carries the contract's bands, the hot-spring band after suitability
    const tif = await readGeoTiff(join(run, FILES.potential));
    expect(tif.names).toEqual(POTENTIAL_BANDS.map((b) => b.name));
    expect(Math.max(...tif.bands[tif.names.indexOf('hot_spring_kW')]!.filter((v) => v === v))).toBeCloseTo(627.9, 3);
    // the areas stage lists the flags per area; every flagged building inside an area is listed there
    const a = await runStage('areas', run, { method: 'hotmaps', areaThreshold_GWh: 0.1, cellThreshold_MWh_ha: 50 });
    const p2 = json(join(run, FILES.platform));
    expect(p2.guidelines.areas).toHaveLength(a.count);
    const listed = p2.guidelines.areas.flatMap((x: { buildings: Record<string, string[]> }) => x.buildings['yokohama-acceptance'] ?? []).sort();
    expect(listed.every((id: string) => expected.includes(id))).toBe(true);
    // acceptance is a building rule: areas list the buildings but do not count as meeting it themselves
    expect(json(join(run, FILES.manifest)).areas.platform.counts['yokohama-acceptance']).toEqual({ buildings: expected.length, blocks: p2.guidelines.counts['yokohama-acceptance'].blocks, areas: 0 });
    expect(Object.keys(p2.critical.byArea)).toHaveLength(a.count);
    // the hot spring joins the areas' potentials (the best cell, as waste heat) and their heat kW
    const props = json(join(run, FILES.areas)).features.map((f: { properties: Record<string, number> }) => f.properties);
    const best = props.reduce((m: Record<string, number>, q: Record<string, number>) => (q.hot_spring_kW! > (m.hot_spring_kW ?? -1) ? q : m), {});
    expect(best.hot_spring_kW).toBeCloseTo(627.9, 1);
    expect(best.potential_kW).toBeGreaterThanOrEqual(best.hot_spring_kW! - 0.1);
    expect(props.every((q: Record<string, unknown>) => !('biomass_kW' in q))).toBe(true);
  });

  it('bad input (an unknown municipality, a guideline table with an unknown unit, a hot spring without temperature) leaves the run as it was', async () => {
    const run = join(tmp, 'yokosuka');
    const before = readFileSync(join(run, FILES.manifest), 'utf8');
    const springs = join(tmp, 'springs.geojson');
    await expect(runStage('potential', run, { hotSprings: springs, municipality: 'Atlantis' })).rejects.toMatchObject({ name: 'InputError', code: 'municipality-unknown', value: 'Atlantis' });
    const table = join(tmp, 'units.csv');
    const lines = readFileSync(join(__dirname, '../../datasets/guidelines/seed000.csv'), 'utf8').split('\n');
    writeFileSync(table, [lines[0], lines[1]!.replace(',m2,', ',tsubo,')].join('\n'));
    await expect(runStage('potential', run, { hotSprings: springs, guidelines: table })).rejects.toMatchObject({ code: 'guidelines-unit', file: table, line: 2, value: 'tsubo' });
    const bad = join(tmp, 'bad-springs.geojson');
    writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'cold-one', flow_l_min: 10 }, geometry: { type: 'Point', coordinates: [139.7389, 35.2599] } }] }));
    await expect(runStage('potential', run, { hotSprings: bad })).rejects.toMatchObject({ code: 'hot-spring-no-temperature', file: bad, record: 'cold-one' });
    expect(readFileSync(join(run, FILES.manifest), 'utf8')).toBe(before);
  });

  it('Osaka: the municipality from the tiles (27100) and the Osaka rule on every building >= 30,000 m²', async () => {
    const run = join(tmp, 'osaka');
    await runStage('demand', run, { buildings: [data('osaka')] });
    const coast = join(tmp, 'coast.geojson');
    writeFileSync(coast, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'bay', intake_m3s: 1 }, geometry: { type: 'LineString', coordinates: [[135.405, 34.705], [135.395, 34.675], [135.405, 34.655], [135.41, 34.635], [135.425, 34.615], [135.45, 34.595]] } }] }));
    const s = await runStage('potential', run, { seaWater: coast, seaTemp_C: [9], compareGuidelines: true });
    const buildings = (json(join(run, FILES.buildings)).features as { properties: Props }[]).map((f) => f.properties);
    const big = buildings.filter((b) => b.floorArea_m2 >= 30_000).length;
    const tokyoAcc = buildings.filter((b) => b.floorArea_m2 >= 10_000).length;
    expect(s.platform!.municipality.codes).toEqual([27100]);
    expect(s.platform!.counts['osaka-development']!.buildings).toBe(big);
    expect(s.platform!.whatIf!['tokyo-acceptance']!.buildings).toBe(tokyoAcc);
    expect(s.otherSources.sea_water).toMatchObject({ given: true, items: 1 });
    expect(s.otherSources.sea_water.kw).toBeCloseTo(1025 * 3.99 * 1 * 6, 6);
    expect(s.otherSources.sea_water.cellsCovered).toBeGreaterThan(0);
    expect(existsSync(join(run, FILES.platform))).toBe(true);
  }, 120_000);
});

describeData('platform view on Tamana (tamana/49303425_bldg_6697_op.gml, 493034_wtr_6697_op.gml)', () => {
  it('the river as a source, municipality 43206 (no rule in the table), public offices and welfare as critical facilities', async () => {
    const run = join(tmp, 'tamana');
    await runStage('demand', run, { buildings: [data('tamana/49303425_bldg_6697_op.gml')] });
    const s = await runStage('potential', run, { rivers: data('tamana/493034_wtr_6697_op.gml'), riverFlow_m3_s: 10 });
    expect(s.sources.river.given).toBe(true);
    expect(s.platform!.municipality).toEqual({ codes: [43206], names: ['43206'], how: 'plateau-building-id' });
    expect(s.platform!.rulesApplying).toEqual([]);
    expect(s.warnings['guideline-none-for-municipality']).toBe(1);
    const buildings = (json(join(run, FILES.buildings)).features as { properties: Props }[]).map((f) => f.properties);
    const offices = buildings.filter((b) => b.use === 'public_office').length;
    const welfare = buildings.filter((b) => b.use === 'medical_welfare').length;
    expect(offices).toBeGreaterThan(0);
    expect(s.platform!.criticalFacilities).toEqual({ 'city hall or government office': offices, ...(welfare ? { 'hospital or welfare facility': welfare } : {}) });
    const p = json(join(run, FILES.platform));
    expect(p.critical.facilities.filter((f: { use: string }) => f.use === 'public_office')).toHaveLength(offices);
  });
});

describe('platform view without PLATEAU codes', () => {
  it('the demo-like GeoJSON input: no municipality, counted, no rule applies', async () => {
    const run = join(tmp, 'geojson');
    const bfile = join(tmp, 'b.geojson');
    const ring = [[139.70, 35.60], [139.701, 35.60], [139.701, 35.601], [139.70, 35.601], [139.70, 35.60]];
    writeFileSync(bfile, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'big', usage: '401', floorArea: 60_000 }, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
    await runStage('demand', run, { buildings: [bfile], scheme: 'plateau', useColumn: 'usage', floorAreaColumn: 'floorArea', climateRegion: 6 });
    const t = join(tmp, 'trafo.geojson');
    writeFileSync(t, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'sub', rating_mva: 20 }, geometry: { type: 'Point', coordinates: [139.7005, 35.6005] } }] }));
    const s = await runStage('potential', run, { transformers: t });
    expect(s.platform!.municipality.codes).toEqual([]);
    expect(s.platform!.rulesApplying).toEqual([]);
    expect(s.warnings['guideline-no-municipality']).toBe(1);
    expect(s.otherSources.transformer.kw).toBeCloseTo(100, 9);
    // the same run told it is in Tokyo: 60,000 m² meets both Tokyo rules
    const s2 = await runStage('potential', run, { transformers: t, municipality: '13101' });
    expect(s2.platform!.counts['tokyo-development']!.buildings).toBe(1);
    expect(s2.platform!.counts['tokyo-acceptance']!.buildings).toBe(1);
  });
});
