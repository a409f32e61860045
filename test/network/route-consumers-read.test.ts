/**
 * The route stage reads the run's buildings.geojson feature by feature (engine/io/geojson-stream.ts): the consumers
 * equal those of the whole-file parse, a broken file names the feature and says to rerun demand, and a missing file
 * says to run demand first (the hint "Invalid string length ... run heatplan demand" of a city-sized file is gone).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCrs } from '../../engine/crs/index.js';
import { readRunConsumers } from '../../engine/network/stage.js';
import { FILES } from '../../engine/run/contract.js';
import { Warnings } from '../../engine/util/warnings.js';

const crs = parseCrs('EPSG:6674');
const building = (i: number, withXY = true) => ({
  type: 'Feature',
  properties: { id: `b${i}`, use: 'office', heat_MWh: 10 + i, peak_kW: 5 + i, ...(withXY ? { x: -1000 + i, y: 2000 - i } : {}) },
  geometry: { type: 'Polygon', coordinates: [[[135.5, 34.6], [135.5001, 34.6], [135.5001, 34.6001], [135.5, 34.6]]] },
});

describe('route: reading the run\'s buildings', () => {
  it('reads the consumers of a streamed buildings.geojson, the outline only where x/y are missing', async () => {
    const run = mkdtempSync(join(tmpdir(), 'heatplan-route-read-'));
    const features = [building(0), building(1, false), building(2)];
    writeFileSync(join(run, FILES.buildings), `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n],"files":["a.gml"]}\n`);
    const w = new Warnings();
    const cs = await readRunConsumers(run, crs, w);
    expect(cs.map((c) => c.id)).toEqual(['b0', 'b1', 'b2']);
    expect(cs[0]).toMatchObject({ x: -1000, y: 2000, heatMWh: 10, peakKw: 5, props: { use: 'office' } });
    expect(cs[2]).toMatchObject({ x: -998, y: 1998, heatMWh: 12, peakKw: 7 });
    // b1 has no centroid: taken from its outline, projected, and counted
    expect(Number.isFinite(cs[1]!.x) && Number.isFinite(cs[1]!.y)).toBe(true);
    expect(w.counts()['building-no-centroid']).toBe(1);
  });

  it('names the broken feature and says to rerun demand; a missing file says to run demand first', async () => {
    const run = mkdtempSync(join(tmpdir(), 'heatplan-route-read-'));
    writeFileSync(join(run, FILES.buildings), `{"type":"FeatureCollection","features":[\n${JSON.stringify(building(0))},\n{"type":"Feature","properties":{"id":"b1",}}\n]}`);
    const e = await readRunConsumers(run, crs, new Warnings()).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'InputError', code: 'route-bad-buildings', file: join(run, FILES.buildings), record: 1 });
    expect((e as Error).message).toMatch(/feature 1/);
    expect((e as Error).message).toMatch(/rerun `heatplan demand`/);
    const empty = mkdtempSync(join(tmpdir(), 'heatplan-route-read-'));
    await expect(readRunConsumers(empty, crs, new Warnings())).rejects.toMatchObject({ code: 'route-no-buildings', hint: 'run `heatplan demand` into this run folder first' });
  });
});
