/**
 * Cooling beside heating (issue 11 step 1): per-building annual cooling and design cooling peak from the intensity
 * table's cooling columns by use and climate region, demand.tif's cooling bands, blocks and summary. Hand-computed
 * buildings; the grid and block totals of every band equal the building totals.
 */
import { oneBuilding } from '../helpers/one-building.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATEGORY_INDEX, USE_CATEGORIES, type UseCategory } from '../../engine/buildings/table.js';
import { computeDemand, coolingColumns } from '../../engine/demand/annual.js';
import { runDemandStage } from '../../engine/demand/pipeline.js';
import { DEFAULT_INTENSITY, loadClimate, loadIntensity } from '../../engine/demand/tables.js';
import { readCsv } from '../../engine/util/csv.js';
import { gridSum } from '../../engine/grid/grid.js';
import { DEMAND_BAND, DEMAND_BANDS } from '../../engine/run/contract.js';

const DEMO = resolve(dirname(fileURLToPath(import.meta.url)), '../../datasets/demo');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

/** The shipped intensity table with cooling values for some uses and regions (test values, not defaults). */
function tableWithCooling(dir: string, values: Partial<Record<UseCategory, Record<number, [number, number]>>>, edit?: (r: Record<string, string>) => void): string {
  const rows = readCsv(DEFAULT_INTENSITY);
  const header = Object.keys(rows[0]!);
  for (const r of rows) {
    const v = values[r.category as UseCategory];
    if (v) {
      for (const [g, [a, p]] of Object.entries(v)) {
        r[`cool_kWh_m2a_r${g}`] = String(a);
        r[`coolPeak_W_m2_r${g}`] = String(p);
      }
      r.coolSource = 'test values';
      r.coolYear = '2026';
    }
    edit?.(r);
  }
  const q = (x: string | undefined) => `"${(x ?? '').replace(/"/g, '""')}"`;
  const file = join(dir, `intensity-${++tables}.csv`);
  writeFileSync(file, [header.join(','), ...rows.map((r) => header.map((h) => q(r[h])).join(','))].join('\n') + '\n');
  return file;
}
let tables = 0;


let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-cooling-'));
});

describe('cooling intensities', () => {
  it('the shipped table: the room-load model gives office cooling; uses without a room type get none and are reported', () => {
    const intensity = loadIntensity();
    const r6 = loadClimate().find((r) => r.region === 6)!;
    const t = oneBuilding('office', 1000);
    computeDemand(t, intensity, { climate: r6 });
    const office = intensity[CATEGORY_INDEX.office]!;
    expect(office.coolKwhM2a[5]).toBeGreaterThan(0);
    expect(coolingColumns(t).coolMWh[0]).toBeCloseTo((1000 * office.coolKwhM2a[5]!) / 1000, 9);
    expect(coolingColumns(t).coolPeakKw[0]).toBeCloseTo((1000 * office.coolPeakWm2[5]!) / 1000, 9);
    const h = oneBuilding('residential_detached', 120);
    const tot = computeDemand(h, intensity, { climate: r6 });
    expect(coolingColumns(h).coolMWh[0]).toBe(0);
    expect(tot.coolingNotGiven).toEqual(['residential_detached']);
    // unheated buildings and greenhouses are given as 0 (not cooled), not left open
    const u = intensity[CATEGORY_INDEX.unheated]!;
    expect(u.coolKwhM2a).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('an office of 1,000 m² in region 6 and a hospital of 2,500 m² in regions 6 and 7, by hand', () => {
    const file = tableWithCooling(tmp, { office: { 6: [90, 70], 7: [110, 75] }, medical_welfare: { 6: [120, 60], 7: [150, 65] } });
    const intensity = loadIntensity(file);
    const regions = loadClimate();
    const r6 = regions.find((r) => r.region === 6)!, r7 = regions.find((r) => r.region === 7)!;
    const office = oneBuilding('office', 1000);
    const tot = computeDemand(office, intensity, { climate: r6 });
    expect(coolingColumns(office).coolMWh[0]).toBeCloseTo(90, 12); // 1,000 m² x 90 kWh/m²a
    expect(coolingColumns(office).coolPeakKw[0]).toBeCloseTo(70, 12); // 1,000 m² x 70 W/m²
    expect(tot.cooling_MWh).toBeCloseTo(90, 12);
    expect(tot.coolingNotGiven).toEqual([]);
    // heat is unchanged by cooling: space heat + hot water
    expect(office.heatMWh[0]).toBeCloseTo(office.spaceHeatMWh[0]! + office.hotWaterMWh[0]!, 12);
    for (const [c, k, a, p] of [[r6, 6, 120, 60], [r7, 7, 150, 65]] as const) {
      const h = oneBuilding('medical_welfare', 2500);
      computeDemand(h, intensity, { climate: c });
      expect(coolingColumns(h).coolMWh[0], `region ${k}`).toBeCloseTo((2500 * a) / 1000, 12);
      expect(coolingColumns(h).coolPeakKw[0], `region ${k}`).toBeCloseTo((2500 * p) / 1000, 12);
    }
  });

  it('a table with an annual cooling value but no peak, or no source, is refused naming the file and column', () => {
    const noPeak = tableWithCooling(tmp, { office: { 6: [90, 70] } }, (r) => {
      if (r.category === 'office') r.coolPeak_W_m2_r6 = '';
    });
    expect(() => loadIntensity(noPeak)).toThrow(/coolPeak_W_m2_r6/);
    let file: unknown;
    try {
      loadIntensity(noPeak);
    } catch (e) {
      file = (e as { details?: { file?: string }; file?: string }).details?.file ?? (e as { file?: string }).file ?? String(e);
    }
    expect(JSON.stringify(file)).toContain(noPeak.split('/').pop());
    const noSource = tableWithCooling(tmp, { office: { 6: [90, 70] } }, (r) => {
      if (r.category === 'office') r.coolSource = '';
    });
    expect(() => loadIntensity(noSource)).toThrow(/source/);
  });
});

describe('cooling through the demand stage', () => {
  const demo = (extra: Record<string, unknown> = {}) => ({
    buildings: [join(DEMO, 'buildings.geojson')],
    scheme: 'plateau',
    mapping: { use: 'usage', storeys: 'storeys', floorArea: 'floorArea', height: 'height', id: 'id' },
    climate: { region: 6 },
    cellM: 50,
    ...extra,
  });

  it('demand.tif has the cooling bands after the three heat bands', () => {
    expect(DEMAND_BANDS.map((b) => b.name)).toEqual(['floor_area', 'annual_heat', 'peak', 'annual_cooling', 'cooling_peak']);
    expect(DEMAND_BAND).toMatchObject({ floorArea: 0, annualHeat: 1, peak: 2, annualCooling: 3, coolingPeak: 4 });
  });

  it('grid cells, blocks and summary carry heat and cold; every band sums to the building totals', async () => {
    const intensity = tableWithCooling(tmp, {
      office: { 6: [90, 70] }, commercial: { 6: [80, 60] }, residential_detached: { 6: [10, 15] },
      residential_apartment: { 6: [12, 14] }, education: { 6: [30, 40] }, medical_welfare: { 6: [120, 60] },
      public_office: { 6: [90, 70] }, lodging: { 6: [70, 50] }, factory_warehouse: { 6: [5, 10] }, unknown: { 6: [10, 15] },
    });
    const r = await runDemandStage(demo({ intensity }));
    const t = r.table, cc = coolingColumns(t);
    let heat = 0, cool = 0, coolPeak = 0, fa = 0;
    for (let i = 0; i < t.count; i++) {
      heat += t.heatMWh[i]!;
      cool += cc.coolMWh[i]!;
      coolPeak += cc.coolPeakKw[i]!;
      fa += t.floorAreaM2[i]!;
    }
    expect(cool).toBeGreaterThan(0);
    expect(r.grid.bands).toHaveLength(5);
    expect(rel(gridSum(r.grid.bands[DEMAND_BAND.annualCooling]!), cool)).toBeLessThan(1e-9);
    expect(rel(gridSum(r.grid.bands[DEMAND_BAND.coolingPeak]!), coolPeak)).toBeLessThan(1e-9);
    expect(rel(gridSum(r.grid.bands[DEMAND_BAND.annualHeat]!), heat)).toBeLessThan(1e-9);
    expect(rel(gridSum(r.grid.bands[DEMAND_BAND.floorArea]!), fa)).toBeLessThan(1e-9);
    const c = r.summary.cooling!;
    expect(c.cooling_MWh).toBeCloseTo(cool, 9);
    expect(c.coolingPeak_kW).toBeCloseTo(coolPeak, 9);
    expect(c.heatAndCooling_MWh).toBeCloseTo(heat + cool, 9);
    expect(c.grid.cooling_MWh).toBeCloseTo(cool, 6);
    expect(c.notGiven).toEqual([]);
    // by use: heat and cold separately and together
    const byUse = Object.values(r.summary.byUse);
    expect(byUse.reduce((s, u) => s + (u.cooling_MWh ?? 0), 0)).toBeCloseTo(cool, 6);
    expect(byUse.reduce((s, u) => s + (u.heatAndCooling_MWh ?? 0), 0)).toBeCloseTo(heat + cool, 6);
    // grid-cell blocks: cooling, its density and heat + cold, rounded to 0.001 per block
    type P = { heat_MWh: number; cool_MWh: number; coolPeak_kW: number; heatCool_MWh: number; land_ha: number; coolDensity_MWh_per_ha_a: number; heatCoolDensity_MWh_per_ha_a: number };
    const props = r.blocks.features.map((f) => f.properties as P);
    const n = props.length;
    expect(Math.abs(props.reduce((s, p) => s + p.cool_MWh, 0) - cool)).toBeLessThanOrEqual(0.0005 * n + 1e-9 * cool);
    expect(Math.abs(props.reduce((s, p) => s + p.coolPeak_kW, 0) - coolPeak)).toBeLessThanOrEqual(0.0005 * n + 1e-9 * coolPeak);
    expect(Math.abs(props.reduce((s, p) => s + p.heatCool_MWh, 0) - heat - cool)).toBeLessThanOrEqual(0.0015 * n + 1e-9 * (heat + cool));
    for (const p of props) {
      expect(p.coolDensity_MWh_per_ha_a).toBeCloseTo(p.cool_MWh / p.land_ha, 1);
      expect(p.heatCoolDensity_MWh_per_ha_a).toBeCloseTo((p.heat_MWh + p.cool_MWh) / p.land_ha, 1);
    }
    // density over the cells with demand, MWh/(ha·a)
    const cells = r.blocks.features.length;
    expect(c.density_MWh_per_ha_a.cooling).toBeCloseTo(cool / ((cells * 50 * 50) / 1e4), 3);

    // with block polygons: the same totals per block
    const rb = await runDemandStage(demo({ intensity, blocks: join(DEMO, 'blocks.geojson') }));
    const pb = rb.blocks.features.map((f) => f.properties as P);
    const inside = rb.summary.blocks.outsideBuildings === 0 ? cool : undefined;
    expect(pb.every((p) => typeof p.cool_MWh === 'number')).toBe(true);
    if (inside !== undefined) expect(Math.abs(pb.reduce((s, p) => s + p.cool_MWh, 0) - inside)).toBeLessThanOrEqual(0.0005 * pb.length + 1e-9 * cool);
  });

  it('uses without a cooling value are named and counted (dwellings of the demo town)', async () => {
    const r = await runDemandStage(demo());
    expect(r.summary.cooling!.notGiven).toContain('residential_detached');
    const cc = coolingColumns(r.table);
    // one warning per building with floor area whose use has no cooling value (unheated and greenhouses are 0, given)
    const intensity = loadIntensity();
    const open = [...Array(r.table.count).keys()].filter((i) => r.table.floorAreaM2[i]! > 0 && intensity[r.table.category[i]!]!.coolKwhM2a[r.summary.parameters.climateRegion as number - 1] === undefined);
    expect(r.summary.warnings['cooling-not-given']).toBe(open.length);
    const sum = [...cc.coolMWh].reduce((a, v) => a + v, 0);
    expect(r.summary.cooling!.cooling_MWh).toBeCloseTo(sum, 6);
    expect(r.grid.bands).toHaveLength(5);
  });
});
