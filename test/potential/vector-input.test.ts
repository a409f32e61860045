import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCrs, transformer } from '../../engine/crs/index.js';
import { readSourceFeatures } from '../../engine/potential/vector-input.js';
import { sewagePipes, waterHeatKw } from '../../engine/potential/sewage.js';
import { Warnings } from '../../engine/util/warnings.js';

describe('CityGML sewer lines (test/fixtures/potential/sewer_unf.gml, EPSG:6697 lat-first)', () => {
  it('reads the pipe as a line in the working CRS with its attributes, and gives its heat', async () => {
    const working = parseCrs('EPSG:6670'); // JGD2011 II (Kyushu)
    const f = await readSourceFeatures(resolve(__dirname, '../fixtures/potential/sewer_unf.gml'), working, { cityGmlFeatures: ['SewerPipe'], cityGmlLines: true });
    expect(f.length).toBe(1);
    expect(f[0]!.id).toBe('pipe_1');
    expect(f[0]!.props['uro:flow_m3d']).toBe('1000');
    const [x, y] = transformer(parseCrs('EPSG:6668'), working).forward(130.55, 32.95);
    const l = f[0]!.lines[0]!;
    expect(l[0]).toBeCloseTo(x, 6);
    expect(l[1]).toBeCloseTo(y, 6);
    expect(l[2]! - l[0]!).toBeGreaterThan(900); // 0.01° of longitude ≈ 934 m at 33°N
    const p = sewagePipes(f, [], undefined, new Warnings(), { flowFields: ['uro:flow_m3d'] });
    expect(p[0]!.kw).toBeCloseTo(waterHeatKw(1000 / 86400, 5), 9);
  });
});
