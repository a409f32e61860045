/**
 * The viewer server's /api/water.geojson: the water bodies of the potential stage's river input (named in the
 * manifest, outside the run folder) as WGS84 GeoJSON. Reads ../shared/datasets/tamana (PLATEAU buildings and water
 * body), copied into a temporary folder so that the test can change the river file under the server.
 */
import { appendFile, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { startViewServer, type ViewServer, type WaterCollection } from '../../engine/viewer/server.js';
import { data, describeData } from '../helpers/data.js';

describeData('viewer server: water from the run river input', () => {
  let dir: string;
  let river: string;
  let withWater: ViewServer;
  let without: ViewServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-water-'));
    river = join(dir, '493034_wtr_6697_op.gml');
    await copyFile(data('tamana/493034_wtr_6697_op.gml'), river);
    const bldg = data('tamana/49303425_bldg_6697_op.gml');
    expect(await main(['demand', '--buildings', bldg, '--out', join(dir, 'a'), '--quiet'])).toBe(0);
    expect(await main(['potential', '--run', join(dir, 'a'), '--rivers', river, '--river-flow', '5', '--river-temp', '15', '--quiet'])).toBe(0);
    expect(await main(['demand', '--buildings', bldg, '--out', join(dir, 'b'), '--quiet'])).toBe(0);
    // the dist folder is not read by the API
    withWater = await startViewServer({ runDir: join(dir, 'a'), distDir: dir, port: 0 });
    without = await startViewServer({ runDir: join(dir, 'b'), distDir: dir, port: 0 });
  });
  afterAll(async () => {
    await withWater?.close();
    await without?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the PLATEAU water body as closed WGS84 polygons near Tamana', async () => {
    const r = await fetch(withWater.url + 'api/water.geojson');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    const fc = (await r.json()) as WaterCollection;
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.properties.files).toEqual([river]);
    expect(fc.features.length).toBe(740);
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('Polygon');
      const ring = (f.geometry.coordinates as number[][][])[0]!;
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const [lon, lat] of ring) {
        expect(lon).toBeGreaterThan(130.5);
        expect(lon).toBeLessThan(130.6);
        expect(lat).toBeGreaterThan(32.9);
        expect(lat).toBeLessThan(33.0);
      }
    }
  });

  it('says why when the run has no river input, or the river file changed since the potential stage', async () => {
    const r = await fetch(without.url + 'api/water.geojson');
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: string }).error).toContain('no river input');
    await appendFile(river, '\n');
    // a fresh server: the first one keeps the water it already converted
    const s2 = await startViewServer({ runDir: join(dir, 'a'), distDir: dir, port: 0 });
    try {
      const r2 = await fetch(s2.url + 'api/water.geojson');
      expect(r2.status).toBe(422);
      expect(((await r2.json()) as { error: string }).error).toContain('changed since the potential stage read it');
    } finally {
      await s2.close();
    }
  });
});
