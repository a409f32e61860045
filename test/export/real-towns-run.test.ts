/**
 * Real towns start to finish through `heatplan run`, as a new user would (issue 15, "Must show"), and what their plan
 * sheets show. Tamana (tamana/49303425_bldg_6697_op.gml, the PLATEAU river tamana/493034_wtr_6697_op.gml, weather of
 * climate region 7 weather/7948195.has as the demand stage chooses): the datasets hold no street layer for it, so a
 * street grid over the tile's own extent (100 m, the lines the tile's mesh code gives) is written here as a
 * GeoPackage, the road format a Japanese municipality hands out. Helsinki (helsinki/helsinki.osm.pbf for buildings,
 * water and roads, one plant). Osaka (the 68 tiles of osaka/, streets as a FlatGeobuf grid over the tiles' mesh
 * extents, 150 m apart; consumers per grid cell, a gas boiler in the largest supply area). Tamana's plant: a 1 MW gas boiler beside the city hall (the largest consumer). Checked on each: every stage in the manifest, the default sheet framing the network
 * (Tamana: a three-building network without supply areas, framed with the town's demand, not alone at 1:1,000), water
 * and place names on the sheet (玉名市役所 from PLATEAU's gml:name; Helsinki's street names from OSM), report.html
 * and the GeoPackage export written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { serialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { FeatureCollection } from 'geojson';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { buildGeoPackage } from '../../engine/export/gpkg.js';
import { standardScales } from '../../engine/export/map/scale.js';
import { data, describeData } from '../helpers/data.js';
import { byId, parseXml, readMapFrame, walk, type XNode } from './svg-read.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-real-towns-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[]): Promise<void> {
  const code = await main([...argv, '--quiet']);
  if (code !== 0) throw new Error(`heatplan ${argv.join(' ')} exited ${code}`);
}

const texts = (n: XNode | undefined): string[] => (n ? [...walk(n)].filter((x) => x.name === 'text').map((x) => x.text ?? '') : []);
const paths = (n: XNode | undefined): XNode[] => (n ? [...walk(n)].filter((x) => x.name === 'path' || x.name === 'image') : []);

/**
 * Street grid over third-level mesh 49303425 (lat 32°56'00"-32°56'30", lon 130°33'45"-130°34'30"), 100 m apart with
 * a 100 m margin: a stand-in for a municipality's road layer, with an OSM-style highway class.
 */
function tamanaStreets(): Uint8Array {
  const lat0 = 32 + 56 / 60, lat1 = 32 + 56.5 / 60, lon0 = 130 + 33.75 / 60, lon1 = 130 + 34.5 / 60;
  const dLat = 100 / 111_000;
  const dLon = 100 / (111_000 * Math.cos(((lat0 + lat1) / 2) * (Math.PI / 180)));
  const features: { geometry: { type: 'LineString'; coordinates: number[][] }; values: (string | null)[] }[] = [];
  for (let la = lat0 - dLat; la <= lat1 + dLat; la += dLat) features.push({ geometry: { type: 'LineString', coordinates: [[lon0 - dLon, la], [lon1 + dLon, la]] }, values: ['residential', '東西の道'] });
  for (let lo = lon0 - dLon; lo <= lon1 + dLon; lo += dLon) features.push({ geometry: { type: 'LineString', coordinates: [[lo, lat0 - dLat], [lo, lat1 + dLat]] }, values: ['residential', '南北の道'] });
  // a second line layer, as municipal GeoPackages hold (rail, rivers): the scenario names the road layer
  const rail = [{ geometry: { type: 'LineString' as const, coordinates: [[lon0, lat0], [lon1, lat1]] }, values: ['rail', '鹿児島本線'] }];
  const fields = [{ name: 'highway', type: 'TEXT' as const }, { name: 'name', type: 'TEXT' as const }];
  return buildGeoPackage([
    { name: 'road_centrelines', geometryType: 'LINESTRING', fields, features },
    { name: 'railways', geometryType: 'LINESTRING', fields, features: rail },
  ]);
}

describeData('Tamana start to finish through heatplan run (PLATEAU buildings and river, GeoPackage streets)', () => {
  const dir = join(tmp, 'tamana');
  const out = join(dir, 'run');
  beforeAll(async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'streets.gpkg'), tamanaStreets());
    writeFileSync(
      join(dir, 'tamana.yaml'),
      [
        'name: 玉名市 中心部',
        `out: ${out}`,
        'demand:',
        `  buildings: ${data('tamana/49303425_bldg_6697_op.gml')}`,
        '  cell_m: 50',
        'potential:',
        `  rivers: ${data('tamana/493034_wtr_6697_op.gml')}`,
        '  riverFlow_m3_s: 5',
        '  riverTemp_C: 15',
        'areas: { method: blocks }',
        // a gas boiler beside the city hall (60 m south of its centroid), the largest consumer
        "route: { roads: streets.gpkg, roadsLayer: road_centrelines, plant: ['130.56278,32.93469,1000,gas_boiler'] }",
        `simulate: { weather: ${data('weather/7948195.has')} }`,
        'report: { lang: ja }',
        'map:',
        '  - { format: svg, lang: ja, municipality: 玉名市, figure: 図 1 }',
        '  - { format: png, lang: ja, municipality: 玉名市, figure: 図 1, dpi: 72 }',
        'export: { lang: ja }',
        '',
      ].join('\n'),
    );
    await run(['run', join(dir, 'tamana.yaml')]);
  }, 240_000);

  it('without roadsLayer, a GeoPackage of two line layers is an error naming both; the run is left as it was', async () => {
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    const code = await main(['route', '--run', out, '--roads', join(dir, 'streets.gpkg'), '--plant', '130.56278,32.93469,1000,gas_boiler', '--quiet']);
    expect(code).toBe(1);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('every stage ran; the roads came from the GeoPackage layer', () => {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    for (const s of ['demand', 'potential', 'areas', 'route', 'sim']) expect(m[s], s).toBeDefined();
    expect(m.route.roads.format).toBe('gpkg');
    expect(m.route.roads.layer).toBe('road_centrelines');
    expect(m.route.consumers).toBeGreaterThan(0);
    for (const f of ['report.html', 'map.svg', 'map.png', 'export/heatplan.gpkg']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('the default sheet frames the network with the town around it, with water and the city hall named', () => {
    const svg = parseXml(readFileSync(join(out, 'map.svg'), 'utf8'));
    const frame = readMapFrame(svg);
    expect(frame.data.framed).toBe('network,demand');
    const scale = Number(frame.data.scale);
    expect(standardScales()).toContain(scale);
    // the whole 1.2 km x 0.9 km tile's demand in the frame: not the 1:1,000 of the network alone
    expect(scale).toBeGreaterThanOrEqual(5000);
    expect(Number(frame.data['fill-linear'])).toBeGreaterThan(0.5);
    // every building of the run is inside the frame
    const buildings = [...walk(byId(svg, 'layer-buildings')!)].filter((n) => n.name === 'path');
    expect(buildings.length).toBe(242);
    expect(texts(byId(svg, 'base-names'))).toContain('玉名市役所');
    expect(paths(byId(svg, 'base-water')).length).toBeGreaterThan(0);
    const sources = texts(byId(svg, 'attribution')).join('');
    expect(sources).toContain('国土交通省 Project PLATEAU');
    expect(sources).toContain('streets.gpkg');
  });

  it('report.html is the Japanese document with key figures first and the warnings with counts', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<html lang="ja"');
    expect(html.indexOf('主要な数値')).toBeLessThan(html.indexOf('<h2 id="warnings">'));
    expect(html).not.toContain('No warnings recorded');
  });
});

describeData('Helsinki start to finish through heatplan run (OSM buildings, water and roads)', () => {
  const dir = join(tmp, 'helsinki');
  const out = join(dir, 'run');
  beforeAll(async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const pbf = data('helsinki/helsinki.osm.pbf');
    writeFileSync(
      join(dir, 'plants.geojson'),
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'chp-1', type: 'biomass_boiler', capacity_kW: 30000, fuel: 'wood_chip' }, geometry: { type: 'Point', coordinates: [24.9443, 60.1716] } }] }),
    );
    writeFileSync(
      join(dir, 'helsinki.yaml'),
      [
        'name: Helsinki centre',
        `out: ${out}`,
        `demand: { buildings: ${pbf}, hdd_Kd: 4400, meanTemp_C: 6, designTemp_C: -20, cell_m: 50 }`,
        `potential: { rivers: ${pbf}, riverFlow_m3_s: 5, riverTemp_C: 8 }`,
        'areas: { method: blocks }',
        `route: { roads: ${pbf}, plants: plants.geojson }`,
        `simulate: { weather: ${data('weather/0868195.has')} }`,
        'report: true',
        'map: { format: svg, municipality: City of Helsinki, figure: Fig. 3 }',
        '',
      ].join('\n'),
    );
    await run(['run', join(dir, 'helsinki.yaml')]);
  }, 240_000);

  it('the sheet frames network and areas, filling the frame, with OSM street and water names', () => {
    const svg = parseXml(readFileSync(join(out, 'map.svg'), 'utf8'));
    const frame = readMapFrame(svg);
    expect(frame.data.framed).toBe('network,areas');
    expect(Number(frame.data['fill-linear'])).toBeGreaterThan(0.6);
    const names = texts(byId(svg, 'base-names'));
    // main streets of the centre, one label each
    expect(names).toEqual(expect.arrayContaining(['Mannerheimintie', 'Aleksanterinkatu']));
    expect(new Set(names).size).toBe(names.length);
    expect(paths(byId(svg, 'base-water')).length).toBeGreaterThan(0);
    expect(texts(byId(svg, 'attribution')).join(' ')).toContain('© OpenStreetMap contributors, ODbL');
  });
});

/** South-west corner and size (degrees) of a Japanese third-level mesh (JIS X 0410) from its 8-digit code. */
function mesh3(code: string): { lat: number; lon: number; dLat: number; dLon: number } {
  const d = code.split('').map(Number);
  return { lat: (10 * d[0]! + d[1]!) / 1.5 + d[4]! / 12 + d[6]! / 120, lon: 100 + 10 * d[2]! + d[3]! + d[5]! / 8 + d[7]! / 80, dLat: 1 / 120, dLon: 1 / 80 };
}

describeData('Osaka start to finish through heatplan run (68 PLATEAU tiles, FlatGeobuf streets)', () => {
  const dir = join(tmp, 'osaka');
  const out = join(dir, 'run');
  beforeAll(async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    // streets 150 m apart over the union of the tiles' meshes
    const meshes = readdirSync(data('osaka')).filter((f) => /^\d{8}_bldg/.test(f)).map((f) => mesh3(f.slice(0, 8)));
    const lat0 = Math.min(...meshes.map((m) => m.lat)), lat1 = Math.max(...meshes.map((m) => m.lat + m.dLat));
    const lon0 = Math.min(...meshes.map((m) => m.lon)), lon1 = Math.max(...meshes.map((m) => m.lon + m.dLon));
    const dLat = 150 / 111_000;
    const dLon = 150 / (111_000 * Math.cos(((lat0 + lat1) / 2) * (Math.PI / 180)));
    const fc: FeatureCollection = { type: 'FeatureCollection', features: [] };
    for (let la = lat0; la <= lat1; la += dLat) fc.features.push({ type: 'Feature', properties: { highway: 'residential' }, geometry: { type: 'LineString', coordinates: [[lon0, la], [lon1, la]] } });
    for (let lo = lon0; lo <= lon1; lo += dLon) fc.features.push({ type: 'Feature', properties: { highway: 'residential' }, geometry: { type: 'LineString', coordinates: [[lo, lat0], [lo, lat1]] } });
    writeFileSync(join(dir, 'streets.fgb'), serialize(fc, 4326));
    writeFileSync(
      join(dir, 'osaka.yaml'),
      [
        'name: 大阪市 湾岸部',
        `out: ${out}`,
        `demand: { buildings: ${data('osaka')} }`,
        'areas: { method: hotmaps }',
        // a gas boiler in the largest Hotmaps area (Nanko, 236 cells); one consumer per grid cell
        "route: { roads: streets.fgb, consumers: blocks, plant: ['135.4218,34.6342,80000,gas_boiler'] }",
        `simulate: { weather: ${data('weather/6158195.has')} }`,
        'report: { lang: ja }',
        'map: { format: svg, lang: ja, municipality: 大阪市 }',
        '',
      ].join('\n'),
    );
    await run(['run', join(dir, 'osaka.yaml')]);
  }, 600_000);

  it('every stage ran on the FlatGeobuf streets; the sheet frames network and areas at 1:50,000 or larger, quietly', () => {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    for (const s of ['demand', 'areas', 'route', 'sim']) expect(m[s], s).toBeDefined();
    expect(m.route.roads.format).toBe('fgb');
    const svg = parseXml(readFileSync(join(out, 'map.svg'), 'utf8'));
    const frame = readMapFrame(svg);
    expect(frame.data.framed).toBe('network,areas');
    // the old A4 sheet put Osaka at 1:200,000
    expect(Number(frame.data.scale)).toBeLessThanOrEqual(50_000);
    // cut-off cells as small grey dots, not rings
    const dropped = [...walk(byId(svg, 'layer-dropped')!)].filter((n) => n.name === 'circle');
    expect(dropped.length).toBeGreaterThan(100);
    expect(dropped.every((c) => Number(c.attrs.r) <= 0.3 && c.attrs.stroke === undefined)).toBe(true);
    // PLATEAU's school and station names in the frame
    const names = texts(byId(svg, 'base-names'));
    expect(names.length).toBeGreaterThan(5);
    expect(names.some((n) => /学校|駅|郵便局/.test(n))).toBe(true);
    expect(texts(byId(svg, 'attribution')).join('')).toContain('（68ファイル）');
  });
});
