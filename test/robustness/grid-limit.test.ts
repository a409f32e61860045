/**
 * Issue 17 item 2: the grid's size is computed before anything is allocated and refused above maxCells
 * (--max-cells, default DEFAULT_MAX_CELLS in engine/grid/grid.ts), naming the size, the extent in metres and lon/lat,
 * the cell size and the buildings that stretch it. Before: `--cell 1` on Osaka ran 136 s into a V8 heap abort;
 * `--cell 0.001`, a building on another continent gave a RangeError stack (exit 70).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planTiles, type ScanResult } from '../../engine/batch/tiles.js';
import { InputError } from '../../engine/errors.js';
import { checkGridSize, DEFAULT_MAX_CELLS, gridForBBox } from '../../engine/grid/grid.js';
import { runStage } from '../../engine/stages/index.js';
import { data, describeData } from '../helpers/data.js';
import { expectCleanRefusal, heatplan, leftovers, tempDir } from './cli.js';

const square = (lon: number, lat: number, d = 0.0002) => [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]];
function geojson(dir: string, name: string, polys: number[][][][]): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify({ type: 'FeatureCollection', features: polys.map((c, i) => ({ type: 'Feature', id: `b${i + 1}`, properties: {}, geometry: { type: 'Polygon', coordinates: c } })) }));
  return p;
}

describeData('grid limit on real data', () => {
  it('Osaka (68 tiles) at --cell 1 is refused quickly, naming size, extent, cell and buildings; no run folder left', async () => {
    const dir = tempDir('grid');
    const out = join(dir, 'osaka');
    // the unfixed engine ran 136 s into a heap abort: 60 s is far above the ~3 s the refusal takes
    const r = await heatplan(['demand', '--buildings', data('osaka'), '--out', out, '--cell', '1'], 60_000);
    expectCleanRefusal(r);
    expect(r.seconds).toBeLessThan(60);
    expect(r.stderr).toMatch(/cells of 1 m/);
    expect(r.stderr).toMatch(/above the limit of 10,000,000 cells \(maxCells, --max-cells\)/);
    expect(r.stderr).toMatch(/\d+(\.\d)? GB/); // the bytes of the bands
    expect(r.stderr).toMatch(/extent is 1\d(\.\d)? km x 2\d(\.\d)? km/); // in metres
    expect(r.stderr).toMatch(/135\.\d+°E\.\.135\.\d+°E and 34\.\d+°N\.\.34\.\d+°N/); // in lon/lat
    expect(r.stderr).toMatch(/\d{8}_bldg_6697_op\.gml\.gz: bldg_[0-9a-f-]+ \(/); // file and record farthest out
    expect(existsSync(out)).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('grid limit', () => {
  it('--cell 0.001 on two buildings is refused (was: RangeError stack, exit 70)', async () => {
    const dir = tempDir('grid');
    const f = geojson(dir, 'b.geojson', [square(139.7, 35.68), square(139.701, 35.681)]);
    const r = await heatplan(['demand', '--buildings', f, '--out', join(dir, 'run'), '--cell', '0.001'], 60_000);
    expectCleanRefusal(r);
    expect(r.stderr).toMatch(/cells of 0\.001 m .* is above the limit/);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('buildings on two continents are refused, naming both records and where they are', async () => {
    const dir = tempDir('grid');
    const f = geojson(dir, 'two.geojson', [square(139.7, 35.68), square(139.7005, 35.6805), square(13.4, 52.52)]);
    const r = await heatplan(['demand', '--buildings', f, '--out', join(dir, 'run'), '--hdd', '3000'], 60_000);
    expectCleanRefusal(r);
    expect(r.stderr).toMatch(/grid of [\d,]+ x [\d,]+ = [\d,]+ cells of 100 m/);
    // the building far from the median centre (Tokyo) comes first
    expect(r.stderr).toMatch(/farthest from the median centre \(near 139\.70\d+°E 35\.68\d+°N\): [^;]*two\.geojson: b3 \(13\.4000°E 52\.5200°N, \d+\.\d km out\)/);
    expect(r.stderr).toMatch(/13\.4000°E\.\.139\.70\d+°E and 35\.68\d+°N\.\.52\.52\d+°N/);
  });

  it('maxCells is an option of the demand stage, with the documented default', async () => {
    const dir = tempDir('grid');
    const f = geojson(dir, 'b.geojson', [square(139.7, 35.68), square(139.71, 35.69)]);
    // about 10 x 12 cells of 100 m: refused at 50, accepted at the default
    const e = await runStage('demand', join(dir, 'small'), { buildings: [f], hdd_Kd: 3000, maxCells: 50 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('grid-too-large');
    expect((e as InputError).message).toMatch(/above the limit of 50 cells/);
    expect(existsSync(join(dir, 'small'))).toBe(false);
    const ok = await runStage('demand', join(dir, 'ok'), { buildings: [f], hdd_Kd: 3000 });
    expect(ok.grid.width * ok.grid.height).toBeLessThan(DEFAULT_MAX_CELLS);
    expect(DEFAULT_MAX_CELLS).toBe(10_000_000);
  });

  it('checkGridSize: non-finite sizes are refused too; the limit itself is allowed', () => {
    const spec = gridForBBox('EPSG:6677', [0, 0, 1000, 1000], 10); // 100 x 100
    expect(() => checkGridSize(spec, { maxCells: 10_000, bands: 3 })).not.toThrow();
    expect(() => checkGridSize(spec, { maxCells: 9_999, bands: 3 })).toThrow(/10,000 cells of 10 m \(3 bands: 240 kB\) is above the limit of 9,999 cells/);
    expect(() => checkGridSize({ ...spec, width: NaN }, { maxCells: 10_000, bands: 3 })).toThrow(InputError);
  });

  it('a tiled batch area is refused at planning, before any tile runs, naming the files far out', () => {
    const scans: ScanResult[] = [
      { file: '/data/tokyo-a.gml', count: 10, bbox: [139.70, 35.68, 139.71, 35.69], warnings: [] },
      { file: '/data/tokyo-b.gml', count: 10, bbox: [139.71, 35.68, 139.72, 35.69], warnings: [] },
      { file: '/data/berlin.gml', count: 1, bbox: [13.40, 52.52, 13.41, 52.53], warnings: [] },
    ];
    let e: unknown;
    try {
      planTiles(scans, { hdd_Kd: 3000 }, { nx: 2, ny: 2 });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('grid-too-large');
    expect((e as InputError).message).toMatch(/files farthest from the median centre .*: \/data\/berlin\.gml \(/);
    // within the limit the plan carries it to every tile and the merge
    const plan = planTiles(scans.slice(0, 2), { hdd_Kd: 3000, maxCells: 5000 }, { nx: 2, ny: 2 });
    expect(plan.maxCells).toBe(5000);
  });
});
