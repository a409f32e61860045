/**
 * Issue 17 item 7: `areas --demand-raster` of another place must not replace a run's areas. The Hotmaps test raster
 * (near Paris, EPSG:3035) against the demo town's run (Hokkaido, EPSG:6680): refused with a clean error naming the
 * raster and both extents in lon/lat, the run folder unchanged; a raster on the run's own area is taken.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readGeoTiff, writeGeoTiff } from '../../engine/io/geotiff.js';
import { data, describeData } from '../helpers/data.js';
import { DEMO, expectCleanRefusal, heatplan, snapshot, tempDir } from '../robustness/cli.js';
import { rmSync } from 'node:fs';

const tmp = tempDir('raster-overlap');
const RUN = join(tmp, 'demo');
const HOTMAPS = data('rasters/hotmaps_heat_density_test.tif');

beforeAll(async () => {
  if (!existsSync(HOTMAPS)) return;
  const d = (f: string) => join(DEMO, f);
  const demand = await heatplan(['demand', '--out', RUN, '--buildings', d('buildings.geojson'), '--cell', '50', '--blocks', d('blocks.geojson'), '--use-column', 'usage', '--floor-area-column', 'floorArea', '--storeys-column', 'storeys', '--height-column', 'height', '--id-column', 'id', '--scheme', 'plateau', '--climate-region', '1', '--quiet']);
  expect(demand.code, demand.stderr).toBe(0);
  const areas = await heatplan(['areas', '--run', RUN, '--method', 'hotmaps', '--area-threshold', '5', '--quiet']);
  expect(areas.code, areas.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeData('areas --demand-raster far from the run', () => {
  it('refuses the Hotmaps raster (Paris) on the demo run (Hokkaido), naming the file and both extents; nothing written', async () => {
    const before = snapshot(RUN);
    const areasBefore = readFileSync(join(RUN, 'areas.geojson'));
    const r = await heatplan(['areas', '--run', RUN, '--demand-raster', HOTMAPS]);
    expectCleanRefusal(r);
    expect(r.stderr).toContain('hotmaps_heat_density_test.tif');
    expect(r.stderr).toMatch(/does not overlap the run's demand grid/);
    // both extents in lon/lat: the raster's near Paris, the run's in Hokkaido
    expect(r.stderr).toMatch(/lon 1\.\d+\.\.2\.\d+, lat 48\.\d+\.\.49\.\d+/);
    expect(r.stderr).toMatch(/lon 142\.\d+\.\.142\.\d+, lat 44\.\d+\.\.44\.\d+/);
    expect(r.stderr).toMatch(/new run folder|covers the run's area/);
    expect(readFileSync(join(RUN, 'areas.geojson')).equals(areasBefore)).toBe(true);
    expect(snapshot(RUN)).toEqual(before);
  }, 60_000);

  it('takes a raster on the run\'s own area', async () => {
    // heat density (MWh/ha) of the run's own demand grid, in its CRS
    const g = await readGeoTiff(join(RUN, 'demand.tif'));
    const ha = (g.cellSize * g.cellSize) / 10_000;
    const own = join(tmp, 'own.tif');
    await writeGeoTiff(own, { crs: g.crs, x0: g.x0, y0: g.y0, cellSize: g.cellSize, width: g.width, height: g.height, bands: [g.bands[1]!.map((v) => v / ha)], names: ['density'], units: ['MWh/ha'] });
    const r = await heatplan(['areas', '--run', RUN, '--demand-raster', own, '--area-threshold', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(RUN, 'manifest.json'), 'utf8'));
    expect(m.inputs.some((i: { role: string; path: string }) => i.role === 'demand-raster' && i.path === own)).toBe(true);
  }, 60_000);
});
