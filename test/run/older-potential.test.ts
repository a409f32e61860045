/** A run written before issue 19 has a 6-band potential.tif: readers still take it; other counts are refused. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridForBBox } from '../../engine/grid/grid.js';
import { writeGeoTiff } from '../../engine/io/geotiff.js';
import { readPotential } from '../../engine/run/read.js';
import { FILES, POTENTIAL_BANDS } from '../../engine/run/contract.js';

async function potentialTif(bands: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-oldpot-'));
  const g = gridForBBox('EPSG:6677', [0, 0, 300, 200], 100);
  const n = g.width * g.height;
  await writeGeoTiff(join(dir, FILES.potential), {
    ...g,
    bands: Array.from({ length: bands }, (_, i) => new Float64Array(n).fill(i + 1)),
    names: [...POTENTIAL_BANDS.slice(0, bands).map((b): string => b.name), ...Array.from({ length: Math.max(0, bands - POTENTIAL_BANDS.length) }, (_, i) => `extra${i}`)],
    units: Array.from({ length: bands }, () => 'kW'),
  });
  return dir;
}

describe('potential.tif of older runs', () => {
  it('6 bands (before the seed-000 source layers) are read; the sources, coverage and suitability by position', async () => {
    const p = await readPotential(await potentialTif(6));
    expect(p.bands).toHaveLength(6);
    expect(p.sources.sewage[0]).toBe(1);
    expect(p.suitability[0]).toBe(6);
  });
  it('the current 11 bands are read; 7 bands are refused naming the counts', async () => {
    expect((await readPotential(await potentialTif(POTENTIAL_BANDS.length))).bands).toHaveLength(POTENTIAL_BANDS.length);
    await expect(readPotential(await potentialTif(7))).rejects.toThrow(/7 bands, the contract 11 \(older runs: 6\)/);
  });
});
