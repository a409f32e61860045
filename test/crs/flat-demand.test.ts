/**
 * The demand stage gives the same results with transformFlat (engine/crs/flat.ts) as with proj4 point by point (the
 * path heatplan's transformer took before): every numeric column of the building table, the grid's bands, the blocks
 * and the totals, equal to 1e-9 relative (the bound), and measured identical to the bit (asserted too): the 68
 * Osaka PLATEAU tiles (../shared/datasets/osaka, 11,684 buildings; EPSG:6697 -> lon/lat -> zone VI), Helsinki's OSM
 * extract and the demo town's GeoJSON (WGS84 -> JGD2011 lon/lat -> UTM 35N / zone XII).
 */
import { resolve } from 'node:path';
import proj4 from 'proj4';
import { describe, expect, it, vi } from 'vitest';
import type { FlatCrs } from '../../engine/crs/flat.js';
import { BUILDING_COLUMNS } from '../../engine/buildings/table.js';
import type { DemandStageOptions, DemandStageResult } from '../../engine/demand/pipeline.js';
import { data, describeData } from '../helpers/data.js';

/** How many points the per-point stand-in transformed (so the comparison cannot pass with the stand-in unused). */
let perPointCalls = 0;

/** transformer's flat path as it was: proj4 point by point, a copy between equal definitions (stands in for flatTransform and transformFlat). */
function perPointTransform(from: FlatCrs, to: FlatCrs): (xy: ArrayLike<number>, out: Float64Array | number[]) => void {
  if (from.proj4 === to.proj4) return (xy, out) => { for (let i = 0; i < xy.length; i++) out[i] = xy[i]!; };
  const conv = proj4(from.proj4, to.proj4);
  return (xy, out) => {
    for (let i = 0; i < xy.length; i += 2) {
      const r = conv.forward([xy[i]!, xy[i + 1]!]);
      out[i] = r[0]!;
      out[i + 1] = r[1]!;
      perPointCalls++;
    }
  };
}

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue;
    m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300));
  }
  return m;
};

/** The demand stage with transformFlat, then with proj4 per point (engine/crs/flat.js mocked): largest relative difference per output. */
async function both(o: DemandStageOptions): Promise<{ fast: DemandStageResult; slow: DemandStageResult; errs: Record<string, number> }> {
  vi.resetModules();
  const fast = await (await import('../../engine/demand/pipeline.js')).runDemandStage(o);
  vi.resetModules();
  vi.doMock('../../engine/crs/flat.js', async (importOriginal) => ({
    ...(await importOriginal<object>()),
    flatTransform: perPointTransform,
    transformFlat: (from: FlatCrs, to: FlatCrs, xy: ArrayLike<number>, out?: Float64Array | number[]) => {
      const o = out ?? new Float64Array(xy.length);
      perPointTransform(from, to)(xy, o);
      return o;
    },
  }));
  const before = perPointCalls;
  let slow: DemandStageResult;
  try {
    slow = await (await import('../../engine/demand/pipeline.js')).runDemandStage(o);
  } finally {
    vi.doUnmock('../../engine/crs/flat.js');
    vi.resetModules();
  }
  // the stand-in was used: every vertex at least once
  expect(perPointCalls - before).toBeGreaterThan(fast.table.coords.length / 2);
  expect(slow.table.count).toBe(fast.table.count);
  expect(fast.crs.code).toBe(slow.crs.code);
  const errs: Record<string, number> = {};
  for (const c of BUILDING_COLUMNS) {
    if (c.kind === 'string') continue;
    const a = (fast.table as unknown as Record<string, ArrayLike<number>>)[c.name]!;
    const b = (slow.table as unknown as Record<string, ArrayLike<number>>)[c.name]!;
    errs[c.name] = relErr(a, b);
  }
  fast.grid.bands.forEach((band, i) => (errs[`band ${i + 1}`] = relErr(band, slow.grid.bands[i]!)));
  errs.annualHeat_MWh = relErr([fast.summary.annualHeat_MWh], [slow.summary.annualHeat_MWh]);
  return { fast, slow, errs };
}

describeData('demand stage: transformFlat against proj4 per point', () => {
  it('Osaka, 68 PLATEAU tiles: the same table, grid and blocks, to the bit', { timeout: 240_000 }, async () => {
    const { fast, slow, errs } = await both({ buildings: [data('osaka')] });
    expect(fast.table.count).toBe(11684);
    expect(JSON.stringify(fast.blocks)).toBe(JSON.stringify(slow.blocks));
    for (const [k, e] of Object.entries(errs)) expect(e, k).toBeLessThanOrEqual(1e-9);
    expect(Math.max(...Object.values(errs))).toBe(0);
  });

  it('Helsinki OSM (WGS84 -> UTM 35N): to the bit', { timeout: 120_000 }, async () => {
    const { fast, errs } = await both({ buildings: [data('helsinki/helsinki.osm.pbf')], climate: { hdd18Kd: 4400, meanTempC: 6, designTempC: -20 } });
    expect(fast.crs.code).toBe('EPSG:32635');
    for (const [k, e] of Object.entries(errs)) expect(e, k).toBeLessThanOrEqual(1e-9);
    expect(Math.max(...Object.values(errs))).toBe(0);
  });
});

describe('demand stage, demo town GeoJSON (WGS84 -> zone XII): transformFlat against proj4 per point', () => {
  it('to the bit', { timeout: 120_000 }, async () => {
    const demo = resolve(__dirname, '../../datasets/demo');
    const { fast, errs } = await both({
      buildings: [resolve(demo, 'buildings.geojson')],
      scheme: 'plateau',
      mapping: { id: 'id', use: 'usage', storeys: 'storeys', floorArea: 'floorArea', height: 'height' },
      climate: { region: 1 },
      cellM: 50,
    });
    expect(fast.table.count).toBeGreaterThan(100);
    for (const [k, e] of Object.entries(errs)) expect(e, k).toBeLessThanOrEqual(1e-9);
    expect(Math.max(...Object.values(errs))).toBe(0);
  });
});
