/**
 * Potential-stage input checks: a sewer flow above MAX_SEWER_FLOW_M3_PER_DAY (engine/potential/sewage.ts) and an
 * empty source layer (engine/potential/stage.ts emptySources).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { writeGeoTiff } from '../../engine/io/geotiff.js';
import { RunTransaction, withRun } from '../../engine/io/run-folder.js';
import { MAX_SEWER_FLOW_M3_PER_DAY, sewagePipes } from '../../engine/potential/sewage.js';
import type { SourceFeature } from '../../engine/potential/vector-input.js';
import { runStage } from '../../engine/stages/index.js';
import { Warnings } from '../../engine/util/warnings.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-source-bounds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const line = (id: string, xy: number[], props: Record<string, unknown> = {}): SourceFeature => ({ id, props, lines: [Float64Array.from(xy)], polygons: [], points: [] });

/** A run folder with a hand-made 3 x 3 demand.tif in EPSG:6677 at the zone's origin. */
async function makeRun(name: string) {
  const dir = join(tmp, name);
  const tx = await RunTransaction.create(dir);
  await withRun(tx, async (tx) => {
    const bands = [new Float64Array(9).fill(5000), new Float64Array(9).fill(100), new Float64Array(9).fill(50)];
    await writeGeoTiff(tx.path('demand.tif'), { crs: 'EPSG:6677', x0: 0, y0: 0, cellSize: 100, width: 3, height: 3, bands, names: ['floor', 'heat', 'peak'], units: ['m2', 'MWh/a', 'kW'] }, { type: 'float64' });
    tx.manifest.crs = { code: 'EPSG:6677', name: 'EPSG:6677' };
    tx.setStage('demand', {});
  });
  return dir;
}

const fc = (name: string, features: unknown[]) => {
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:6677' } }, features }));
  return p;
};

describe('sewer flow bound', () => {
  it('1e300 m³/day (a non-finite kW) is InputError sewage-flow-implausible naming the file, record and value', () => {
    const run = () => sewagePipes([line('1', [0, 0, 100, 0], { flow_m3_day: 1e300 })], [], undefined, new Warnings(), { file: 'sewers.geojson' });
    expect(run).toThrow(InputError);
    expect(run).toThrow(/sewers\.geojson: record 1: sewer flow above 1e\+8 m³\/day.*\(value: 1e\+300\)/);
    expect(() => sewagePipes([line('s', [0, 0, 1, 0], { flow_winter: 10, flow_summer: 2e8 })], [], undefined, new Warnings())).toThrow(/record s: .*\(value: 200000000\)/);
  });

  it('the largest plausible flow is kept', () => {
    expect(MAX_SEWER_FLOW_M3_PER_DAY).toBe(1e8);
    const p = sewagePipes([line('trunk', [0, 0, 100, 0], { flow_m3_day: 5e6 })], [], undefined, new Warnings());
    expect(Number.isFinite(p[0]!.kw)).toBe(true);
  });
});

describe('empty source layers', () => {
  const sewer = { type: 'Feature', properties: { id: 's1', flow_m3d: 2000 }, geometry: { type: 'LineString', coordinates: [[0, -50], [300, -50]] } };
  const waste = { type: 'Feature', properties: { id: 'inc', kw: 3000, temp_c: 90 }, geometry: { type: 'Point', coordinates: [150, -150] } };

  it('an empty sewer layer as the only source is InputError source-empty naming the file; the run is untouched', async () => {
    const dir = await makeRun('only');
    const sewers = fc('sewers-empty.geojson', []);
    const e = await runStage('potential', dir, { sewers }).then(() => undefined, (x: unknown) => x as InputError);
    expect(e).toBeInstanceOf(InputError);
    expect(e!.code).toBe('source-empty');
    expect(e!.message).toMatch(/sewers-empty\.geojson: the sewers layer holds no features/);
    expect(existsSync(join(dir, 'potential.tif'))).toBe(false);
    // every given layer empty: still an error, naming both
    const wasteEmpty = fc('waste-empty.geojson', []);
    await expect(runStage('potential', dir, { sewers, wasteHeat: wasteEmpty })).rejects.toThrow(/sewers-empty\.geojson, .*waste-empty\.geojson: the sewers and waste-heat layers hold no features/);
  });

  it('with another source given, an empty layer is a counted warning', async () => {
    const dir = await makeRun('other');
    const s = await runStage('potential', dir, { sewers: fc('sewers-empty2.geojson', []), wasteHeat: fc('waste.geojson', [waste]) });
    expect(s.warnings['source-empty']).toBe(1);
    expect(s.kwBySource.waste_heat).toBe(3000);
    const s2 = await runStage('potential', dir, { sewers: fc('sewers.geojson', [sewer]) });
    expect(s2.warnings['source-empty']).toBeUndefined();
  });
});
