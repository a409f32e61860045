import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { writeGeoTiff } from '../../engine/io/geotiff.js';
import { plantFromPotential } from '../../engine/network/plant-from-potential.js';

const names = ['sewage_kW', 'river_kW', 'ground_kW', 'waste_heat_kW', 'coverage', 'suitability'];
const spec = { crs: 'EPSG:6680', x0: 1000, y0: 5000, cellSize: 100, width: 3, height: 2 };

async function run(bands: number[][]) {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-pp-'));
  await writeGeoTiff(join(dir, 'potential.tif'), { ...spec, bands: bands.map((b) => Float64Array.from(b)), names, units: names.map(() => 'kW') }, { type: 'float64' });
  return dir;
}

describe('plantFromPotential', () => {
  it('takes the cell with the most heat over all sources, typed by its largest source', async () => {
    const dir = await run([
      [0, 50, 0, 0, 0, 0], // sewage
      [0, 0, 0, 0, 120, 0], // river
      [NaN, NaN, NaN, NaN, NaN, NaN], // ground not given
      [0, 80, 0, 0, 10, 0], // waste heat
      [9, 9, 9, 9, 999, 9], // coverage: never counted as heat
      [4, 4, 4, 4, 4, 4],
    ]);
    const r = await plantFromPotential(dir, 'EPSG:6680');
    // cell 1 has 130 kW, cell 4 has 130 kW too: the first wins; cell 1's largest source is waste heat (80)
    expect(r.band).toBe('waste_heat_kW');
    expect(r.plant).toMatchObject({ type: 'waste_heat', capacityKw: 80, x: 1150, y: 4950 });
    expect(r.cellKw).toEqual({ sewage_kW: 50, river_kW: 0, ground_kW: 0, waste_heat_kW: 80 });
  });
  it('makes a river heat pump where the river dominates', async () => {
    const dir = await run([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 500], [NaN, NaN, NaN, NaN, NaN, NaN], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
    const r = await plantFromPotential(dir, 'EPSG:6680');
    expect(r.plant).toMatchObject({ type: 'heat_pump', source: 'river', fuel: 'electricity', capacityKw: 500, x: 1250, y: 4850 });
  });
  it('refuses a raster without heat, in another CRS, or missing', async () => {
    const empty = await run(names.map(() => [0, 0, 0, 0, 0, 0]));
    await expect(plantFromPotential(empty, 'EPSG:6680')).rejects.toThrow(/no cell with available heat/);
    await expect(plantFromPotential(empty, 'EPSG:6677')).rejects.toThrow(InputError);
    await expect(plantFromPotential(mkdtempSync(join(tmpdir(), 'x-')), 'EPSG:6680')).rejects.toThrow(/no potential.tif/);
  });
});
