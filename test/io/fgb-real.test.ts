/**
 * buildings.fgb on real towns (issue 18): the demand stage on a PLATEAU tile of Tamana and on Liechtenstein's OSM
 * buildings (multipolygons with holes) writes buildings.fgb whose every feature (properties, key order, footprint,
 * and the `files` member) equals buildings.geojson's; GDAL reads the same feature count and the EPSG code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { readFgbLayer } from '../../engine/io/fgb.js';
import { readFeatureCollection } from '../../engine/io/geojson-stream.js';
import { data, describeData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-fgb-real-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const hasOgr = spawnSync('ogrinfo', ['--version']).status === 0;

describeData('buildings.fgb against buildings.geojson on real towns', () => {
  const towns: [string, string[]][] = [
    ['tamana', ['--buildings', data('tamana/49303425_bldg_6697_op.gml'), '--climate-region', '7']],
    ['liechtenstein', ['--buildings', data('liechtenstein/liechtenstein.osm.pbf'), '--hdd', '3300', '--mean-temp', '10', '--design-temp', '-12']],
  ];
  for (const [name, args] of towns) {
    it(name, async () => {
      const run = join(tmp, name);
      expect(await main(['demand', ...args, '--out', run, '--geojson', 'always', '--quiet'])).toBe(0);
      const fgb = await readFgbLayer(join(run, 'buildings.fgb'));
      const gj = await readFeatureCollection(join(run, 'buildings.geojson'));
      expect(fgb.features.length).toBeGreaterThan(100);
      expect(fgb.features.length).toBe(gj.features!.length);
      let multi = 0;
      fgb.features.forEach((f, i) => {
        const g = gj.features![i] as { properties: Record<string, unknown>; geometry: { type: string } };
        expect(Object.keys(f.properties), `feature ${i}`).toEqual(Object.keys(g.properties));
        for (const k of Object.keys(g.properties)) expect(f.properties[k], `feature ${i} ${k}`).toStrictEqual(g.properties[k]);
        expect(f.geometry, `feature ${i} geometry`).toStrictEqual(g.geometry);
        if (g.geometry.type === 'MultiPolygon' || (g.geometry as unknown as { coordinates: unknown[] }).coordinates.length > 1) multi++;
      });
      expect(fgb.files).toStrictEqual(gj.files);
      if (name === 'liechtenstein') expect(multi, 'footprints with holes or several parts').toBeGreaterThan(0);
      if (hasOgr) {
        const info = execFileSync('ogrinfo', ['-so', '-al', join(run, 'buildings.fgb')], { encoding: 'utf8' });
        expect(info).toContain(`Feature Count: ${fgb.features.length}\n`);
        expect(info).toMatch(/Geometry: Multi Polygon/);
        expect(info).toMatch(/ID\["EPSG",4326\]\]/);
      }
    }, 120_000);
  }
});
