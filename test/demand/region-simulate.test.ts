/**
 * The simulate stage warns (counted in manifest.sim.warnings) when its weather is not the climate region the run's
 * demand used (issue 11 step 5): the demo town's demand is region 1 (Shimokawa, Hokkaido); simulated with region 1's
 * reference year (Kitami) there is no warning, with region 6's (Okayama) there is one. Reads only the bundled demo
 * (datasets/demo) and reference years (datasets/weather).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runStage } from '../../engine/stages/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = join(ROOT, 'datasets/demo');

describe('simulate: weather region against the demand region', () => {
  it('is silent for the matching reference year and counts one warning for another region', async () => {
    const run = join(mkdtempSync(join(tmpdir(), 'heatplan-region-sim-')), 'demo');
    await runStage('demand', run, {
      buildings: [join(DEMO, 'buildings.geojson')], scheme: 'plateau', useColumn: 'usage', storeysColumn: 'storeys', floorAreaColumn: 'floorArea',
      heightColumn: 'height', idColumn: 'id', climateRegion: 1, cell_m: 50,
    });
    await runStage('route', run, { roads: join(DEMO, 'roads.geojson'), plants: join(DEMO, 'plants.geojson') });
    const sim = () => (JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as { sim: { warnings: Record<string, number> } }).sim.warnings;
    await runStage('simulate', run, { weather: join(ROOT, 'datasets/weather/0868195.has') });
    expect(sim()['weather-region-mismatch'] ?? 0).toBe(0);
    await runStage('simulate', run, { weather: join(ROOT, 'datasets/weather/6158195.has') });
    expect(sim()['weather-region-mismatch']).toBe(1);
  }, 120_000);
});
