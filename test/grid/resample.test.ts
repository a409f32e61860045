import { describe, expect, it } from 'vitest';
import { resampleToGrid, type SourceRaster } from '../../engine/grid/resample.js';
import { gridSum, type GridSpec } from '../../engine/grid/grid.js';
import { transformer, parseCrs } from '../../engine/crs/index.js';

/** 4 x 4 source of 250 m cells in EPSG:6677, values 1..16 (an amount per cell, e.g. kW). */
const src250: SourceRaster = {
  crs: 'EPSG:6677',
  x0: -1000,
  y0: 1000,
  resX: 250,
  resY: 250,
  width: 4,
  height: 4,
  data: Float64Array.from({ length: 16 }, (_, i) => i + 1),
};
const g100: GridSpec = { crs: 'EPSG:6677', x0: -1000, y0: 1000, cellSize: 100, width: 10, height: 10 };

describe('resampleToGrid, same CRS', () => {
  it('250 m -> 100 m extensive keeps the total where the grid covers the raster', () => {
    const r = resampleToGrid(src250, g100, { kind: 'extensive' });
    expect(r.method).toBe('area-exact');
    expect(gridSum(r.data)).toBeCloseTo(136, 9);
    // cell (0,0) lies inside source cell 1 (value 1): 100²/250² of it
    expect(r.data[0]).toBeCloseTo(0.16, 12);
    // cell (2,0) straddles source cells 1 and 2 half-half: (50·100/62500)·1 + (50·100/62500)·2
    expect(r.data[2]).toBeCloseTo(0.08 + 0.16, 12);
  });

  it('a grid covering part of the raster keeps exactly that part', () => {
    const part: GridSpec = { ...g100, width: 5, height: 5 }; // the NW 500 x 500 m = source cells 1,2,5,6
    const r = resampleToGrid(src250, part, { kind: 'extensive' });
    expect(gridSum(r.data)).toBeCloseTo(1 + 2 + 5 + 6, 9);
  });

  it('intensive, area method: area-weighted mean; 100 m -> 250 m average of 6.25 cells', () => {
    const r = resampleToGrid(src250, g100, { kind: 'intensive', method: 'area' });
    expect(r.data[2]).toBeCloseTo(1.5, 12);
    // back to coarser: a uniform 100 m field of 40 W/m stays 40
    const fine: SourceRaster = { ...src250, resX: 100, resY: 100, width: 10, height: 10, data: new Float64Array(100).fill(40) };
    const coarse: GridSpec = { crs: 'EPSG:6677', x0: -1000, y0: 1000, cellSize: 250, width: 4, height: 4 };
    const rc = resampleToGrid(fine, coarse);
    expect([...rc.data].every((v) => Math.abs(v - 40) < 1e-12)).toBe(true);
  });

  it('intensive onto a finer grid interpolates bilinearly between cell centres', () => {
    const r = resampleToGrid(src250, g100);
    expect(r.method).toBe('bilinear');
    // a linear field is reproduced exactly inside: value = col + 4·row + 1 at centres
    const x = -1000 + 4.5 * 100;
    const y = 1000 - 3.5 * 100;
    const fx = (x + 1000) / 250 - 0.5;
    const fy = (1000 - y) / 250 - 0.5;
    expect(r.data[3 * 10 + 4]).toBeCloseTo(fx + 4 * fy + 1, 12);
  });

  it('nodata everywhere, no overlap, no CRS: typed errors', () => {
    expect(() => resampleToGrid({ ...src250, data: new Float64Array(16).fill(NaN) }, g100, { file: 'a.tif' })).toThrowError(/a.tif: the raster holds only nodata/);
    expect(() => resampleToGrid({ ...src250, x0: 1e6 }, g100, { file: 'b.tif' })).toThrowError(/does not overlap/);
    expect(() => resampleToGrid({ ...src250, crs: '' }, g100)).toThrowError(/no coordinate reference system/);
    try {
      resampleToGrid({ ...src250, x0: 1e6 }, g100);
    } catch (e) {
      expect((e as Error).name).toBe('InputError');
    }
  });
});

describe('resampleToGrid, other CRS', () => {
  it('a constant field stays constant; an extensive field keeps its total within 0.5 %', () => {
    // source in UTM 53N around Tokyo-ish longitudes, target in JGD2011 zone IX
    const t = transformer(parseCrs('EPSG:6677'), parseCrs('EPSG:32654'));
    const [ux, uy] = t.forward(0, 0);
    const src: SourceRaster = { crs: 'EPSG:32654', x0: Math.round(ux) - 2000, y0: Math.round(uy) + 2000, resX: 250, resY: 250, width: 16, height: 16, data: new Float64Array(256).fill(5) };
    const g: GridSpec = { crs: 'EPSG:6677', x0: -1000, y0: 1000, cellSize: 100, width: 20, height: 20 };
    const r = resampleToGrid(src, g);
    expect(r.method).toBe('area-supersampled');
    expect([...r.data].every((v) => Math.abs(v - 5) < 1e-12)).toBe(true);
    const e = resampleToGrid(src, g, { kind: 'extensive' });
    // 5 per 62,500 m² over 4 km² of grid = 320
    expect(gridSum(e.data) / 320).toBeGreaterThan(0.995);
    expect(gridSum(e.data) / 320).toBeLessThan(1.005);
  });
});
