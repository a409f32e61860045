/**
 * The demand stage on real data: every input format, grid totals equal building totals, reported counts match.
 * Reads ../shared/datasets: tamana/, yokosuka/, osaka/ (68 tiles), helsinki/.
 */
import { expect, it } from 'vitest';
import { runDemandStage } from '../../engine/demand/pipeline.js';
import { gridSum } from '../../engine/grid/grid.js';
import { data, describeData } from '../helpers/data.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

function checkConservation(r: Awaited<ReturnType<typeof runDemandStage>>) {
  const t = r.table;
  let fa = 0, heat = 0, peak = 0;
  for (let i = 0; i < t.count; i++) {
    fa += t.floorAreaM2[i]!;
    heat += t.heatMWh[i]!;
    peak += t.peakKw[i]!;
    expect(Number.isFinite(t.heatMWh[i]!)).toBe(true);
  }
  expect(rel(gridSum(r.grid.bands[0]!), fa)).toBeLessThan(1e-6);
  expect(rel(gridSum(r.grid.bands[1]!), heat)).toBeLessThan(1e-6);
  expect(rel(gridSum(r.grid.bands[2]!), peak)).toBeLessThan(1e-6);
  expect(rel(r.summary.annualHeat_MWh, heat)).toBeLessThan(1e-12);
  const rules = Object.values(r.summary.floorAreaSource).reduce((a, b) => a + b, 0);
  expect(rules).toBe(t.count);
  // blocks (grid cells here) hold the same demand, up to their rounding to 0.001 MWh per block
  const blockHeat = r.blocks.features.reduce((s, f) => s + (f.properties as { heat_MWh: number }).heat_MWh, 0);
  expect(Math.abs(blockHeat - heat)).toBeLessThanOrEqual(0.0005 * r.blocks.features.length + 1e-9 * heat);
}

describeData('demand stage on real data', () => {
  it('Tamana PLATEAU: zone II, floor area as the file says', async () => {
    const r = await runDemandStage({ buildings: [data('tamana/49303425_bldg_6697_op.gml')] });
    expect(r.table.count).toBe(242);
    expect(r.crs.code).toBe('EPSG:6670');
    // uro:totalFloorArea present on 181 buildings (the 182nd value in the file is a shop's area, see test/io/citygml.test.ts)
    expect(r.summary.floorAreaSource.given).toBe(181);
    const first = r.table.id.indexOf('bldg_57558474-1061-4f38-8d68-83341e29e37b');
    expect(r.table.useCode[first]).toBe('422');
    expect(r.table.floorAreaM2[first]).toBe(1148);
    expect(r.summary.parameters.climateRegion).toBeGreaterThanOrEqual(6);
    checkConservation(r);
  });

  it('Yokosuka PLATEAU: zone IX', async () => {
    const r = await runDemandStage({ buildings: [data('yokosuka/52397519_bldg_6697_op.gml')], cellM: 50 });
    expect(r.table.count).toBe(13);
    expect(r.crs.code).toBe('EPSG:6677');
    checkConservation(r);
  });

  it('all 68 Osaka tiles as one area: 11,684 buildings, floor area from storeys or height', async () => {
    const r = await runDemandStage({ buildings: [data('osaka')] });
    expect(r.table.count).toBe(11684);
    expect(r.crs.code).toBe('EPSG:6674');
    expect(r.summary.floorAreaSource.given).toBe(0); // no uro:totalFloorArea in these tiles
    expect(r.summary.floorAreaSource.storeys).toBe(7692);
    expect(r.summary.floorAreaSource.storeys + r.summary.floorAreaSource.height + r.summary.floorAreaSource.default).toBe(11684);
    expect(r.summary.warnings['use-missing']).toBe(11684 - 7715);
    checkConservation(r);
  });

  it('Helsinki OSM: UTM 35N, needs degree days outside Japan', async () => {
    await expect(runDemandStage({ buildings: [data('helsinki/helsinki.osm.pbf')] })).rejects.toThrow(/--hdd/);
    const r = await runDemandStage({ buildings: [data('helsinki/helsinki.osm.pbf')], climate: { hdd18Kd: 4400, meanTempC: 6, designTempC: -20 } });
    expect(r.crs.code).toBe('EPSG:32635');
    expect(r.table.count).toBe(444);
    expect(r.summary.dropped['missing-nodes']).toBeGreaterThan(0);
    checkConservation(r);
  });
});
