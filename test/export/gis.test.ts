/**
 * `heatplan export`: the GeoPackage read back with GDAL's ogrinfo (one layer per kind, its geometry type, its feature
 * count), SQLite's own integrity check, the QGIS styles with the classes and the 0.17 kW/m break, the CSVs' BOM and
 * Japanese text read back (by our parser and by GDAL's CSV driver), the MWh/ha raster, and bad output paths.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, OutputError, UsageError } from '../../engine/errors.js';
import { parseCsv } from '../../engine/export/csv.js';
import { exportRun, EXPORT_LAYERS } from '../../engine/export/gis.js';
import { readGeoTiff } from '../../engine/io/geotiff.js';
import { runStage } from '../../engine/stages/index.js';
import { writeSyntheticRun } from './synthetic-run.js';
import { demandToContract, havePeer, ogrLayers, peer } from './peer-tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-export-'));
const RUN = join(tmp, 'run');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const JA_ID = '大阪市北区-建物１';
beforeAll(async () => {
  await writeSyntheticRun(RUN);
  await demandToContract(RUN);
  // a building with a Japanese id and source path (as PLATEAU ids and folder names can be)
  const b = JSON.parse(readFileSync(join(RUN, 'buildings.geojson'), 'utf8'));
  b.features[0].properties.id = JA_ID;
  b.features[0].properties.file = 0;
  b.files = ['/データ/大阪市/51357309_bldg_6697_op.gml'];
  writeFileSync(join(RUN, 'buildings.geojson'), JSON.stringify(b));
});

/** ogrinfo's geometry type names of the GeoPackage layers. */
const OGR_TYPE: Record<string, string> = { MULTIPOLYGON: 'Multi Polygon', LINESTRING: 'Line String', POINT: 'Point' };

describe('heatplan export', () => {
  it('GeoPackage: ogrinfo lists one layer per kind with its geometry type and feature count; SQLite integrity ok', async () => {
    const r = await runStage('export', RUN, { lang: 'ja' });
    expect(r.dir).toBe(join(RUN, 'export'));
    const gpkg = join(r.dir, 'heatplan.gpkg');
    expect(r.layers.map((l) => [l.name, l.geometryType, l.features])).toEqual([
      ['buildings', 'MULTIPOLYGON', 6],
      ['blocks', 'MULTIPOLYGON', 2],
      ['areas', 'MULTIPOLYGON', 1],
      ['pipes', 'LINESTRING', 2],
      ['services', 'LINESTRING', 1],
      ['consumers', 'POINT', 2],
      ['dropped', 'POINT', 1],
      ['plants', 'POINT', 1],
    ]);
    // the file starts as an SQLite 3 database marked as a GeoPackage (application_id 'GPKG')
    const head = readFileSync(gpkg).subarray(0, 100);
    expect(head.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(head.subarray(68, 72).toString('latin1')).toBe('GPKG');
    if (havePeer('python3')) {
      const check = peer('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("pragma integrity_check").fetchone()[0]); print(len(c.execute("pragma foreign_key_check").fetchall()))', gpkg]);
      expect(check.trim().split('\n')).toEqual(['ok', '0']);
    }
    if (!havePeer('ogrinfo')) return;
    const layers = ogrLayers(gpkg);
    // one layer per kind, in order, with its geometry type; then QGIS's style table (no geometry)
    expect(layers).toEqual([...EXPORT_LAYERS.map((l) => [l.name, OGR_TYPE[l.geometryType]]), ['layer_styles', 'None']]);
    for (const l of r.layers) {
      const info = peer('ogrinfo', ['-ro', '-so', gpkg, l.name]);
      expect(info, l.name).toContain(`Feature Count: ${l.features}`);
      expect(info).toMatch(/ID\["EPSG",4326\]/);
    }
    // attribute values and geometry read back by GDAL
    const b = peer('ogrinfo', ['-ro', '-q', gpkg, 'buildings', '-where', "use = 'office'"]);
    expect(b).toContain(`id (String) = ${JA_ID}`);
    expect(b).toContain('use_label (String) = 業務施設');
    expect(b).toContain('source_file (String) = /データ/大阪市/51357309_bldg_6697_op.gml');
    expect(b).toMatch(/MULTIPOLYGON \(\(\(13\d\.\d+ 3\d\.\d+/);
    const p = peer('ogrinfo', ['-ro', '-q', gpkg, 'pipes']);
    expect(p).toContain('kw_per_m (Real) = 0.12');
    expect(p).toContain('meets_kw_per_m (Integer(Boolean)) = 0');
    expect(p).toMatch(/LINESTRING \(13\d\.\d+ 3\d\.\d+,/);
  });

  it('QGIS styles: in layer_styles (default for each layer) and as .qml; pipes break at 0.17 kW/m, blocks at 333 MWh/(ha·a), buildings by use', async () => {
    const r = await exportRun(RUN, { lang: 'ja', out: join(tmp, 'styled') });
    const pipes = readFileSync(join(r.dir, 'styles', 'pipes.qml'), 'utf8');
    expect(pipes).toContain('type="RuleRenderer"');
    // [min, max) classes: below and at-or-above the route threshold
    expect(pipes).toContain('filter="&quot;kw_per_m&quot; &gt;= 0.085 AND &quot;kw_per_m&quot; &lt; 0.17"');
    expect(pipes).toContain('filter="&quot;kw_per_m&quot; &gt;= 0.17 AND &quot;kw_per_m&quot; &lt; 0.34"');
    expect(pipes).toContain('label="≥ 0.34 kW/m"');
    // warm colours below the break, cool above (palette PIPE_COLORS)
    expect(pipes).toMatch(/name="line_color" value="215,25,28,255"[\s\S]*name="line_color" value="253,174,97,255"[\s\S]*name="line_color" value="171,217,233,255"/);
    const blocks = readFileSync(join(r.dir, 'styles', 'blocks.qml'), 'utf8');
    expect(blocks).toContain('&quot;density_MWh_per_ha_a&quot; &gt;= 150 AND &quot;density_MWh_per_ha_a&quot; &lt; 333');
    expect(blocks).toContain('label="≥ 700 MWh/(ha·a)"');
    const buildings = readFileSync(join(r.dir, 'styles', 'buildings.qml'), 'utf8');
    expect(buildings).toContain('type="categorizedSymbol" attr="use"');
    expect(buildings).toContain('value="office" label="業務施設"');
    expect(buildings).toContain('value="residential_detached" label="住宅"');
    for (const f of readdirSync(join(r.dir, 'styles'))) expect(readFileSync(join(r.dir, 'styles', f), 'utf8')).toMatch(/^<!DOCTYPE qgis[\s\S]*<\/qgis>\n$/);
    if (!havePeer('ogrinfo')) return;
    const rows = peer('ogrinfo', ['-ro', '-q', join(r.dir, 'heatplan.gpkg'), '-sql', 'SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles ORDER BY id']);
    expect([...rows.matchAll(/f_table_name \(String\) = (\w+)/g)].map((m) => m[1])).toEqual(EXPORT_LAYERS.map((l) => l.name));
    expect(rows).not.toMatch(/useAsDefault \(\w+\) = 0/);
    expect(rows).toContain('&quot;kw_per_m&quot; &gt;= 0.17');
  });

  it('a route threshold other than 0.17 moves the pipe break (from the manifest)', async () => {
    const dir = join(tmp, 'threshold');
    await writeSyntheticRun(dir);
    await demandToContract(dir);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.route.thresholds.minKwPerM = 0.25;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const r = await exportRun(dir);
    const pipes = readFileSync(join(r.dir, 'styles', 'pipes.qml'), 'utf8');
    expect(pipes).toContain('&quot;kw_per_m&quot; &gt;= 0.25 AND &quot;kw_per_m&quot; &lt; 0.5');
    expect(parseCsv(readFileSync(join(r.dir, 'pipes.csv'), 'utf8')).map((x) => x[3])).toEqual(['meets_kw_per_m', 'true', 'false']);
  });

  it('CSV: UTF-8 with BOM, CRLF, Japanese text intact (our reader and GDAL CSV driver); one row per building, pipe, area', async () => {
    const r = await exportRun(RUN, { lang: 'ja', out: join(tmp, 'csv') });
    expect(r.csv).toEqual([
      { file: 'buildings.csv', rows: 6 },
      { file: 'pipes.csv', rows: 2 },
      { file: 'areas.csv', rows: 1 },
    ]);
    const bytes = readFileSync(join(r.dir, 'buildings.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    expect(text).toContain('\r\n');
    const rows = parseCsv(text);
    const h = rows[0]!;
    expect(h.slice(0, 4)).toEqual(['id', 'use', 'use_label', 'useCode']);
    expect(rows).toHaveLength(7);
    const first = Object.fromEntries(h.map((k, i) => [k, rows[1]![i]]));
    expect(first).toMatchObject({ id: JA_ID, use: 'office', use_label: '業務施設', source_file: '/データ/大阪市/51357309_bldg_6697_op.gml', heat_MWh: '100' });
    expect(rows.map((x) => x[h.indexOf('use_label')])).toEqual(['use_label', '業務施設', '商業施設', '住宅', '共同住宅', '文教厚生施設', '用途不明・その他']);
    const pipes = parseCsv(readFileSync(join(r.dir, 'pipes.csv'), 'utf8'));
    expect(pipes[0]!.slice(0, 4)).toEqual(['id', 'kw_per_m', 'kw_per_m_class', 'meets_kw_per_m']);
    expect(pipes.slice(1).map((x) => x.slice(0, 4))).toEqual([
      ['p1', '0.5', '≥ 0.34 kW/m', 'true'],
      ['p2', '0.12', '0.085 – 0.17 kW/m', 'false'],
    ]);
    expect(parseCsv(readFileSync(join(r.dir, 'areas.csv'), 'utf8'))).toEqual([
      ['id', 'method', 'demand_MWh'],
      ['1', '', '31000'],
    ]);
    // English use names with lang en
    const en = await exportRun(RUN, { out: join(tmp, 'csv-en') });
    expect(parseCsv(readFileSync(join(en.dir, 'buildings.csv'), 'utf8'))[1]![2]).toBe('Office');
    if (!havePeer('ogrinfo')) return;
    // GDAL's CSV driver skips the BOM: the first column is named "id", and the Japanese id reads back as written
    const g = peer('ogrinfo', ['-ro', '-q', join(r.dir, 'buildings.csv'), 'buildings', '-where', "use = 'office'"]);
    expect(g).toContain(`id (String) = ${JA_ID}`);
    expect(g).toContain('use_label (String) = 業務施設');
  });

  it('heat density raster in MWh/ha (Hotmaps unit): annual heat per cell / cell area in ha, band unit stated', async () => {
    const r = await exportRun(RUN, { out: join(tmp, 'raster') });
    const dens = await readGeoTiff(r.heatDensity!);
    const demand = await readGeoTiff(join(RUN, 'demand.tif'));
    expect(dens.names).toEqual(['heat_density']);
    expect(dens.units).toEqual(['MWh/ha']);
    expect(dens.crs).toBe(demand.crs);
    // 100 m cells = 1 ha: the same numbers; empty cells are nodata (0, as Hotmaps)
    for (let i = 0; i < demand.bands[1]!.length; i++) {
      const v = demand.bands[1]![i]!;
      if (v > 0) expect(dens.bands[0]![i]).toBeCloseTo(v / 1, 3);
      else expect(dens.bands[0]![i] === 0 || Number.isNaN(dens.bands[0]![i])).toBe(true);
    }
    const readme = readFileSync(join(r.dir, 'README.txt'), 'utf8');
    expect(readme).toContain('unit MWh/ha');
    expect(readme).toContain('2 annual_heat MWh/a per cell');
    if (!havePeer('gdalinfo')) return;
    const info = peer('gdalinfo', [r.heatDensity!]);
    expect(info).toContain('Unit Type: MWh/ha');
    expect(info).toContain('NoData Value=0');
  });

  it('bad output: a path under a file, a file in the way, a folder export did not write, the run folder itself: clear error, nothing written', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const under = join(file, 'export');
    const e1 = await exportRun(RUN, { out: under }).catch((e) => e);
    expect(e1).toBeInstanceOf(OutputError);
    expect((e1 as Error).message).toContain(under);
    expect((e1 as Error).message).toMatch(/cannot write: .*ENOTDIR/);
    expect(readdirSync(tmp).filter((f) => f.includes('heatplan-tmp'))).toEqual([]);

    const e2 = await exportRun(RUN, { out: file }).catch((e) => e);
    expect(e2).toBeInstanceOf(UsageError);
    expect((e2 as Error).message).toContain('is a file, not a folder');
    expect(readFileSync(file, 'utf8')).toBe('x');

    const foreign = join(tmp, 'documents');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'letter.txt'), 'keep me');
    const e3 = await exportRun(RUN, { out: foreign }).catch((e) => e);
    expect(e3).toBeInstanceOf(UsageError);
    expect((e3 as Error).message).toContain('did not write');
    expect(readdirSync(foreign)).toEqual(['letter.txt']);

    await expect(exportRun(RUN, { out: RUN })).rejects.toThrow(/would replace the run folder/);
    expect(existsSync(join(RUN, 'manifest.json'))).toBe(true);
  });

  it('bad input: a broken run file fails before writing; the previous export stays as it was, no staging folder left', async () => {
    const dir = join(tmp, 'broken');
    await writeSyntheticRun(dir);
    await demandToContract(dir);
    const first = await exportRun(dir);
    const before = readFileSync(join(first.dir, 'export.json'), 'utf8');
    writeFileSync(join(dir, 'network.geojson'), '{"type": "FeatureCollection", "features": [');
    const e = await exportRun(dir).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain('network.geojson');
    expect(readFileSync(join(first.dir, 'export.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.includes('heatplan-'))).toEqual([]);
    // a second export replaces the first in one swap
    writeFileSync(join(dir, 'network.geojson'), '{"type": "FeatureCollection", "features": []}');
    const again = await exportRun(dir);
    expect(again.layers.find((l) => l.name === 'pipes')!.features).toBe(0);
    expect(readdirSync(dir).filter((f) => f.includes('heatplan-'))).toEqual([]);
  });
});
