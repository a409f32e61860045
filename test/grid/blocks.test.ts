import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { area as geodesicArea } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { transformer, WGS84 } from '../../engine/crs/index.js';
import { aggregateToBlocks, blockLayerFromPolygons, blocksToGeoJson, gridCellsAsBlocks, readBlockPolygons } from '../../engine/grid/blocks.js';
import type { GridSpec } from '../../engine/grid/grid.js';
import { rasterizeBuildings } from '../../engine/grid/rasterize-exact.js';
import { Warnings } from '../../engine/util/warnings.js';
import { CRS_6677, randomStar, rect, rng, tableOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'heatplan-blocks-'));

/** Two 100 x 100 m blocks side by side; block A has a 20 x 20 m courtyard (hole). */
function twoBlocks() {
  return blockLayerFromPolygons(CRS_6677, [
    { id: 'A', polygons: [[rect(0, 0, 100, 100), rect(60, 60, 80, 80)]] },
    { id: 'B', polygons: [[rect(100, 0, 200, 100)]] },
  ]);
}

describe('aggregateToBlocks: hand cases', () => {
  const t = tableOf([
    [[rect(10, 10, 20, 20)]], // inside A: 100 m²
    [[rect(94, 40, 110, 50)]], // across A|B: 60 m² in A, 100 m² in B
    [[rect(50, -5, 60, 5)]], // half on the road south of A: stays whole in A
    [[rect(300, 300, 310, 310)]], // outside every block
    [[rect(65, 65, 75, 75)]], // in A's courtyard: outside
  ], ['in', 'across', 'road', 'far', 'court']);
  t.floorAreaM2.set([100, 160, 100, 100, 100]);
  t.heatMWh.set([10, 16, 10, 7, 3]);
  t.peakKw.set([5, 8, 5, 4, 2]);
  const blocks = twoBlocks();

  it('land areas with holes', () => {
    expect(Array.from(blocks.areaM2)).toEqual([9600, 10000]);
  });

  it('splits a building across two blocks by area; counts buildings outside', () => {
    const w = new Warnings();
    const r = aggregateToBlocks(t, blocks, w);
    expect(r.heatMWh[0]).toBeCloseTo(10 + 16 * (60 / 160) + 10, 12);
    expect(r.heatMWh[1]).toBeCloseTo(16 * (100 / 160), 12);
    expect(r.floorAreaM2[0]).toBeCloseTo(100 + 60 + 100, 10);
    expect(r.floorAreaM2[1]).toBeCloseTo(100, 10);
    expect(r.peakKw[1]).toBeCloseTo(5, 12);
    expect(r.buildings[0]).toBeCloseTo(2 + 60 / 160, 12);
    expect(r.outside).toEqual({ buildings: 2, floorAreaM2: 200, heatMWh: 10, peakKw: 6 });
    expect(w.count('outside-blocks')).toBe(2);
    expect(w.list().find((x) => x.code === 'outside-blocks')!.examples.map((e) => e.record)).toEqual(['far', 'court']);
    // conservation: blocks + outside = buildings
    const total = r.heatMWh[0]! + r.heatMWh[1]! + r.outside.heatMWh;
    expect(total).toBeCloseTo(46, 12);
  });

  it('blocks.geojson: WGS84 polygons with density and plot ratio', () => {
    const r = aggregateToBlocks(t, blocks, new Warnings());
    const fc = blocksToGeoJson(blocks, r);
    expect(fc.features).toHaveLength(2);
    const a = fc.features[0]!.properties;
    expect(a.id).toBe('A');
    expect(a.land_ha).toBeCloseTo(0.96, 9);
    expect(a.density_MWh_per_ha_a).toBeCloseTo(26 / 0.96, 2);
    expect(a.plotRatio).toBeCloseTo(260 / 9600, 4);
    const g = fc.features[0]!.geometry;
    expect(g.type).toBe('Polygon');
    // EPSG:6677 origin is 36°N 139°50'E
    const [lon, lat] = (g.type === 'Polygon' ? g.coordinates[0]![0]! : [0, 0]) as number[];
    expect(lon).toBeCloseTo(139 + 50 / 60, 3);
    expect(lat).toBeCloseTo(36, 3);
    // geodesic area of the output polygon ≈ land area (plane-zone scale factor 0.9999 near the origin)
    expect(geodesicArea(fc.features[0]!) / 9600).toBeCloseTo(1.0002, 3);
  });

  it('random buildings on blocks that are grid cells: same split as exact rasterization', () => {
    const r = rng(99);
    const spec: GridSpec = { crs: 'EPSG:6677', x0: 0, y0: 300, cellSize: 100, width: 3, height: 3 };
    const cells = [];
    for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) {
      cells.push({ id: `r${row}c${col}`, polygons: [[rect(col * 100, 300 - (row + 1) * 100, (col + 1) * 100, 300 - row * 100)]] });
    }
    const layer = blockLayerFromPolygons(CRS_6677, cells);
    const polys = Array.from({ length: 300 }, () => [[randomStar(r, 30 + 240 * r(), 30 + 240 * r(), 3 + Math.floor(8 * r()), 3, 28, true)]]);
    const tb = tableOf(polys);
    for (let b = 0; b < tb.count; b++) {
      tb.heatMWh[b] = 1 + 100 * r();
      tb.floorAreaM2[b] = 50 + 500 * r();
      tb.peakKw[b] = 10 * r();
    }
    const w = new Warnings();
    const agg = aggregateToBlocks(tb, layer, w);
    const [heat, fa] = rasterizeBuildings(tb, spec, [tb.heatMWh, tb.floorAreaM2]);
    for (let k = 0; k < 9; k++) {
      expect(agg.heatMWh[k]).toBeCloseTo(heat![k]!, 6);
      expect(agg.floorAreaM2[k]).toBeCloseTo(fa![k]!, 6);
    }
    expect(agg.outside.buildings).toBe(0);
    expect(w.count()).toBe(0);
    const total = tb.heatMWh.reduce((a, v) => a + v, 0);
    expect(Math.abs(agg.heatMWh.reduce((a, v) => a + v, 0) - total) / total).toBeLessThan(1e-12);
  });
});

describe('gridCellsAsBlocks', () => {
  it('one feature per non-empty cell with cell land area', () => {
    const spec: GridSpec = { crs: 'EPSG:6677', x0: 1000, y0: 2000, cellSize: 100, width: 2, height: 2 };
    const bands = { floorAreaM2: [5000, 0, 0, 200], heatMWh: [500, 0, 0, 10], peakKw: [300, 0, 0, 9], buildings: [3.5, 0, 0, 1] };
    const fc = gridCellsAsBlocks(spec, bands, transformer(CRS_6677, WGS84));
    expect(fc.features.map((f) => f.properties.id)).toEqual(['r0c0', 'r1c1']);
    const p = fc.features[0]!.properties;
    expect([p.land_ha, p.density_MWh_per_ha_a, p.plotRatio, p.buildings, p.row, p.col]).toEqual([1, 500, 0.5, 3.5, 0, 0]);
    // the south-west corner of cell r1c1 back in EPSG:6677
    const back = transformer(WGS84, CRS_6677).forward(...(fc.features[1]!.geometry.coordinates[0]![0]! as [number, number]));
    expect(back[0]).toBeCloseTo(1100, 1);
    expect(back[1]).toBeCloseTo(1800, 1);
  });
});

describe('readBlockPolygons', () => {
  const fc = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { id: 'k1' }, geometry: { type: 'Polygon', coordinates: [[[139.83, 36.0], [139.831, 36.0], [139.831, 36.001], [139.83, 36.001], [139.83, 36.0]]] } },
      { type: 'Feature', properties: { id: 'k2' }, geometry: { type: 'LineString', coordinates: [[139.83, 36.0], [139.831, 36.0]] } },
    ],
  };

  it('GeoJSON (WGS84) projected to the working CRS; non-polygons counted', async () => {
    const p = join(dir, 'blocks.geojson');
    writeFileSync(p, JSON.stringify(fc));
    const w = new Warnings();
    const layer = await readBlockPolygons(p, CRS_6677, w);
    expect(layer.count).toBe(1);
    expect(layer.id).toEqual(['k1']);
    expect(w.count('blocks-not-polygon')).toBe(1);
    const geo = geodesicArea(fc.features[0] as never);
    expect(layer.areaM2[0]! / geo).toBeCloseTo(0.9998, 3);
  });

  it.skipIf(!existsSync('/usr/bin/ogr2ogr'))('shapefile with .prj (made with ogr2ogr)', async () => {
    const src = join(dir, 'b.geojson');
    writeFileSync(src, JSON.stringify({ ...fc, features: [fc.features[0]] }));
    const shp = join(dir, 'b.shp');
    execFileSync('/usr/bin/ogr2ogr', ['-f', 'ESRI Shapefile', '-t_srs', 'EPSG:6677', shp, src]);
    const layer = await readBlockPolygons(shp, CRS_6677, new Warnings());
    const fromJson = await readBlockPolygons(src, CRS_6677, new Warnings());
    expect(layer.id).toEqual(['k1']);
    expect(layer.areaM2[0]).toBeCloseTo(fromJson.areaM2[0]!, 3);
  });

  it('bad inputs are InputErrors naming the file', async () => {
    const p = join(dir, 'bad.geojson');
    writeFileSync(p, '{"type": "Feature"');
    await expect(readBlockPolygons(p, CRS_6677, new Warnings())).rejects.toMatchObject({ name: 'InputError', code: 'blocks-bad-file', file: p });
    const e = join(dir, 'empty.geojson');
    writeFileSync(e, JSON.stringify({ type: 'FeatureCollection', features: [] }));
    await expect(readBlockPolygons(e, CRS_6677, new Warnings())).rejects.toMatchObject({ code: 'blocks-empty' });
    await expect(readBlockPolygons(join(dir, 'x.kml'), CRS_6677, new Warnings())).rejects.toMatchObject({ code: 'blocks-format' });
  });
});
