import { expect, it } from 'vitest';
import { projectTable, tableBBox } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder } from '../../engine/buildings/table.js';
import { chooseWorkingCrs, lookupEpsg } from '../../engine/crs/index.js';
import { gridForBBox, gridSum } from '../../engine/grid/grid.js';
import { CoverageScratch, rasterizeBuildings, type RasterizeStats } from '../../engine/grid/rasterize-exact.js';
import { readCityGmlBuildings } from '../../engine/io/citygml/buildings.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';

describeData('exact rasterization of real footprints (tamana/49303425_bldg_6697_op.gml)', () => {
  it('Tamana: projected to the plane zone, band totals equal building totals at 100 m and 10 m', async () => {
    const b = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
    await readCityGmlBuildings([data('tamana/49303425_bldg_6697_op.gml')], b, new Warnings());
    const t = b.finish();
    expect(t.count).toBeGreaterThan(200);
    const crs = chooseWorkingCrs(tableBBox(t));
    expect(crs.code).toBe('EPSG:6670'); // Kumamoto: zone II
    projectTable(t, crs);
    let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
    for (let i = 0; i < t.coords.length; i += 2) {
      xmin = Math.min(xmin, t.coords[i]!);
      xmax = Math.max(xmax, t.coords[i]!);
      ymin = Math.min(ymin, t.coords[i + 1]!);
      ymax = Math.max(ymax, t.coords[i + 1]!);
    }
    // footprint area as the value: a band total equal to the summed footprints checks geometry and conservation
    const footprint = t.footprintAreaM2;
    const ones = new Float64Array(t.count).fill(1);
    const want = footprint.reduce((a, v) => a + v, 0);
    for (const cell of [100, 10]) {
      const spec = gridForBBox(crs.code, [xmin, ymin, xmax, ymax], cell);
      const stats = {} as RasterizeStats;
      const [fa, n] = rasterizeBuildings(t, spec, [footprint, ones], { stats });
      expect(Math.abs(gridSum(fa!) - want) / want).toBeLessThan(1e-6);
      expect(gridSum(n!)).toBeCloseTo(t.count, 6);
      expect(stats.zeroArea).toBe(0);
      // no cell holds more footprint than its own area (exactness: a centre-point method would break this at 10 m)
      let maxShare = 0;
      for (const v of fa!) maxShare = Math.max(maxShare, v / (cell * cell));
      expect(maxShare).toBeLessThanOrEqual(1 + 1e-9);
      if (cell === 10) expect(stats.multiCell).toBeGreaterThan(t.count / 2);
    }
    // the covered area of every building equals its footprint area
    const spec = gridForBBox(crs.code, [xmin, ymin, xmax, ymax], 10);
    const s = new CoverageScratch(spec);
    for (let i = 0; i < t.count; i++) {
      const k = s.cover(t.coords, t.ringVertex, t.buildingRing[i]!, t.buildingRing[i + 1]!);
      let a = 0;
      for (let j = 0; j < k; j++) a += s.areas[j]!;
      expect(Math.abs(a - footprint[i]!)).toBeLessThan(1e-6 * footprint[i]! + 1e-9);
    }
  });
});
