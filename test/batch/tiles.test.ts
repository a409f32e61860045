/** Tiled demand on the real Osaka tiles (../shared/datasets/osaka, 68 PLATEAU files): 2 x 2 tiles vs one run. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { expandInputs, mergeTiles, planTiles, runTile, scanFile, type ScanResult, type TilePlan } from '../../engine/batch/tiles.js';
import { runDemandStage, type DemandStageResult } from '../../engine/demand/pipeline.js';
import { readGeoTiff } from '../../engine/io/geotiff.js';
import { data, describeData } from '../helpers/data.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describeData('tiled demand (Osaka tiles, 2 x 2)', () => {
  let single: DemandStageResult;
  let plan: TilePlan;
  let merged: Record<string, any>;
  let dir: string;
  const out = mkdtempSync(join(tmpdir(), 'heatplan-tiles-'));

  beforeAll(async () => {
    const osaka = data('osaka');
    single = await runDemandStage({ buildings: [osaka] });
    const scans: ScanResult[] = [];
    for (const f of expandInputs([osaka])) scans.push(await scanFile(f, {}));
    plan = planTiles(scans, {}, { nx: 2, ny: 2 });
    const prefixes: string[] = [];
    for (const tile of plan.tiles) {
      const prefix = join(out, `tile-${tile.i}-${tile.j}`);
      await runTile({ plan, tile, demand: {}, prefix });
      prefixes.push(prefix);
    }
    dir = join(out, 'city');
    merged = await mergeTiles({ dir, plan, scans, prefixes });
  });

  it('cuts the city into tiles that read only nearby files', () => {
    expect(plan.crs.code).toBe(single.crs.code);
    expect(plan.tiles.length).toBe(4);
    for (const t of plan.tiles) expect(t.files.length).toBeLessThan(plan.files.length);
    // every tile got some buildings, and the border must be crossed by buildings for this test to mean anything
    expect(merged.tiles.run.every((t: { buildings: number }) => t.buildings > 0)).toBe(true);
  });

  it('totals equal the single run to 1e-9 relative, building by building counts', () => {
    const s = single.summary;
    expect(merged.buildings).toBe(s.buildings);
    for (const k of ['floorArea_m2', 'spaceHeat_MWh', 'hotWater_MWh', 'annualHeat_MWh', 'peak_kW'] as const) expect(rel(merged[k], s[k])).toBeLessThan(1e-9);
    for (const k of ['floorArea_m2', 'annualHeat_MWh', 'peak_kW'] as const) expect(rel(merged.grid[k], s.grid[k])).toBeLessThan(1e-9);
    expect(merged.grid.width).toBe(s.grid.width);
    expect(merged.grid.height).toBe(s.grid.height);
    expect(merged.floorAreaSource).toEqual(s.floorAreaSource);
    expect(merged.dropped).toEqual(s.dropped);
    expect(merged.warnings).toEqual(s.warnings);
    for (const [u, v] of Object.entries(s.byUse)) {
      expect(merged.byUse[u].buildings).toBe(v.buildings);
      expect(rel(merged.byUse[u].annualHeat_MWh, v.annualHeat_MWh)).toBeLessThan(1e-9);
    }
  });

  it('the merged grid equals the single grid cell by cell (buildings straddling tile borders included)', async () => {
    const g = await readGeoTiff(join(dir, 'demand.tif'));
    expect([g.x0, g.y0, g.width, g.height]).toEqual([single.grid.x0, single.grid.y0, single.grid.width, single.grid.height]);
    let maxDiff = 0, maxVal = 0;
    for (let b = 0; b < 3; b++) {
      const a = g.bands[b]!, s = single.grid.bands[b]!;
      for (let i = 0; i < s.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - s[i]!));
        maxVal = Math.max(maxVal, Math.abs(s[i]!));
      }
    }
    // demand.tif stores float32: compare to float32 rounding of the largest cell
    expect(maxDiff / maxVal).toBeLessThan(1e-6);
  });

  it('every building appears exactly once in buildings.geojson', () => {
    const fc = JSON.parse(readFileSync(join(dir, 'buildings.geojson'), 'utf8'));
    const ids = fc.features.map((f: any) => f.properties.id as string);
    expect(ids.length).toBe(single.table.count);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...single.table.id].sort());
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.stages).toEqual(['demand']);
    expect(m.crs.code).toBe(single.crs.code);
  });
});
