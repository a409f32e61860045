/** The server-side conversions for the viewer (grid cells, buildings, binary container) and the hourly parser. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packArrays, unpackArrays } from '../../engine/viewer/pack/format.js';
import { packViewGrid, readViewGrid } from '../../engine/viewer/pack/grid.js';
import { packViewBuildings, readViewBuildings } from '../../engine/viewer/pack/buildings.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { hourFactor, label, parseHourly, series } from '../../viewer/src/hourly.js';
import { SYN_EPSG, SYN_X0, SYN_Y0, writeSyntheticRun, type SyntheticRun } from './synthetic-run.js';

let dir: string;
let run: SyntheticRun;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heatplan-viewdata-'));
  run = await writeSyntheticRun(join(dir, 'run'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ab = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('binary container', () => {
  it('round-trips every array type with 8-byte alignment and the meta', () => {
    const arrays = {
      f64: Float64Array.from([1.5, -2.25, Math.PI]),
      f32: Float32Array.from([0.5, NaN, 3]),
      u32: Uint32Array.from([0, 4_000_000_000]),
      u16: Uint16Array.from([1, 2, 3]),
      u8: Uint8Array.from([255, 0, 7, 9, 11]),
      i32: Int32Array.from([-5, 6]),
    };
    const back = unpackArrays<{ name: string }>(ab(packArrays({ name: '日本' }, arrays)));
    expect(back.meta).toEqual({ name: '日本' });
    for (const [k, v] of Object.entries(arrays)) {
      const got = back.arrays[k]!;
      expect(got.constructor).toBe(v.constructor);
      expect(Array.from(got)).toEqual(Array.from(v));
      expect(got.byteOffset % 8).toBe(0);
    }
  });

  it('rejects a buffer that is not one', () => {
    expect(() => unpackArrays(new ArrayBuffer(16))).toThrow(/not a heatplan viewer buffer/);
  });
});

describe('readViewGrid', () => {
  it('keeps exactly the non-empty cells, with sums and cell centres recomputed independently', async () => {
    const g = await readViewGrid(join(run.dir, 'demand.tif'), { names: ['floor area', 'heat demand', 'peak load'], units: ['m²', 'MWh/a', 'kW'] });
    const nonEmpty = Array.from(run.heat).filter((v) => v !== 0).length;
    expect(g.meta.count).toBe(nonEmpty);
    expect(g.meta.count).toBeLessThan(run.width * run.height);
    expect(g.meta.crs).toBe(`EPSG:${SYN_EPSG}`);
    expect(g.meta.cellSizeM).toBe(100);
    expect(g.meta.bands.map((b) => b.name)).toEqual(['floor area', 'heat demand', 'peak load']);
    const heatSum = Array.from(run.heat).reduce((a, b) => a + b, 0);
    expect(g.meta.bands[1]!.sum).toBeCloseTo(heatSum, 6);
    let s = 0;
    for (const v of g.values[1]!) s += v;
    expect(s).toBeCloseTo(heatSum, 6);
    // every shipped cell: its value is the raster's, and its centre is the projected centre transformed by proj4
    const toLL = proj4(lookupEpsg(SYN_EPSG)!.proj4, 'EPSG:4326');
    for (let k = 0; k < g.meta.count; k++) {
      const i = g.cell[k]!;
      expect(g.values[1]![k]).toBe(run.heat[i]);
      const col = i % run.width;
      const row = Math.floor(i / run.width);
      const [lon, lat] = toLL.forward([SYN_X0 + (col + 0.5) * 100, SYN_Y0 - (row + 0.5) * 100]);
      expect(g.position[2 * k]).toBeCloseTo(lon!, 9);
      expect(g.position[2 * k + 1]).toBeCloseTo(lat!, 9);
    }
    const back = unpackArrays<typeof g.meta>(ab(packViewGrid(g)));
    expect(back.meta.count).toBe(g.meta.count);
    expect(Array.from(back.arrays.b2!)).toEqual(Array.from(g.values[2]!));
  });

  it('uses the file CRS key without a manifest and names a broken file', async () => {
    const g = await readViewGrid(join(run.dir, 'potential.tif'));
    expect(g.meta.crs).toBe(`EPSG:${SYN_EPSG}`);
    expect(g.meta.bands).toHaveLength(2);
    await writeFile(join(dir, 'broken.tif'), 'not a tiff');
    await expect(readViewGrid(join(dir, 'broken.tif'))).rejects.toMatchObject({ name: 'InputError', file: join(dir, 'broken.tif') });
  });
});

describe('readViewBuildings', () => {
  it('ships closed counter-clockwise outer rings and typed columns', async () => {
    const b = await readViewBuildings(join(run.dir, 'buildings.geojson'));
    expect(b.meta.count).toBe(12);
    expect(b.meta.polygons).toBe(12);
    expect(b.startIndices[12]).toBe(b.positions.length / 2);
    for (let p = 0; p < 12; p++) {
      const a = b.startIndices[p]!;
      const e = b.startIndices[p + 1]! - 1;
      expect([b.positions[2 * a], b.positions[2 * a + 1]]).toEqual([b.positions[2 * e], b.positions[2 * e + 1]]);
      let area = 0;
      for (let v = a; v < e; v++) area += b.positions[2 * v]! * b.positions[2 * v + 3]! - b.positions[2 * v + 2]! * b.positions[2 * v + 1]!;
      expect(area).toBeGreaterThan(0);
    }
    expect(b.numbers.floorArea_m2[0]).toBe(run.firstBuilding.floorArea_m2);
    expect(b.meta.ids[0]).toBe(run.firstBuilding.id);
    expect(b.meta.dictionaries.use[b.codes.use[1]!]).toBe('office');
    expect(b.meta.dictionaries.floorAreaSource[b.codes.floorAreaSource[1]!]).toBe('storeys');
    const back = unpackArrays<typeof b.meta>(ab(packViewBuildings(b)));
    expect(Array.from(back.arrays.n_peak_kW!)).toEqual(Array.from(b.numbers.peak_kW));
  });

  it('turns clockwise rings around, splits MultiPolygons, counts features without polygons', async () => {
    const cw = [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]];
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [cw] }, properties: { id: 'a', floorArea_m2: 10 } },
        { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[2, 2], [3, 2], [3, 3]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] }, properties: { id: 'b' } },
        { type: 'Feature', geometry: null, properties: { id: 'c' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [1, 1] }, properties: { id: 'd' } },
      ],
    };
    await writeFile(join(dir, 'b.geojson'), JSON.stringify(fc));
    const b = await readViewBuildings(join(dir, 'b.geojson'));
    expect(b.meta.count).toBe(2);
    expect(b.meta.skipped).toBe(2);
    expect(b.meta.polygons).toBe(3);
    expect(Array.from(b.owner)).toEqual([0, 1, 1]);
    // the clockwise square comes out counter-clockwise, closed: (0,0) (1,0) (1,1) (0,1) (0,0)
    expect(Array.from(b.positions.slice(0, 10))).toEqual([0, 0, 1, 0, 1, 1, 0, 1, 0, 0]);
    // the open triangle gets closed
    expect(b.startIndices[2]! - b.startIndices[1]!).toBe(4);
    expect(Number.isNaN(b.numbers.floorArea_m2[1])).toBe(true);
  });
});

describe('hourly.csv', () => {
  it('parses columns, finds demand and plants, scales hours by the peak', () => {
    const h = parseHourly('hour,demand_kW,losses_kW,boiler_kW,hp_kW,surplus_kW,backup_kW\n0,50,5,40,10,0,5\n1,100,5,60,40,0,5\n2,25,5,30,0,10,0\n');
    expect(h.hours).toBe(3);
    expect(series(h)).toEqual({ demand: 'demand_kW', losses: 'losses_kW', plants: ['boiler_kW', 'hp_kW'], surplus: 'surplus_kW', backup: 'backup_kW' });
    expect(Array.from(h.columns.hp_kW!)).toEqual([10, 40, 0]);
    expect(hourFactor(h, 0)).toBe(0.5);
    expect(hourFactor(h, 1)).toBe(1);
    expect(hourFactor(h, 2)).toBe(0.25);
    expect(hourFactor(undefined, 5)).toBe(1);
    expect(() => parseHourly('hour,demand_kW\n')).toThrow(/no data rows/);
  });

  it('reads the per-scenario layout of the simulation', () => {
    const h = parseHourly('hour,month,air_C,0:demand_kW,0:losses_kW,0:surplus_kW,0:backup_kW,0:plant:biomass-1_kW,1:demand_kW,1:plant:biomass-1_kW\n0,1,-13,80,5,0,10,75,40,40\n1,1,-12,40,5,30,0,75,20,20\n');
    expect(h.scenarios).toEqual(['0', '1']);
    expect(series(h)).toEqual({ demand: '0:demand_kW', losses: '0:losses_kW', plants: ['0:plant:biomass-1_kW'], surplus: '0:surplus_kW', backup: '0:backup_kW' });
    expect(series(h, '1').plants).toEqual(['1:plant:biomass-1_kW']);
    expect(label('0:plant:biomass-1_kW')).toBe('biomass-1');
    expect(hourFactor(h, 1)).toBe(0.5);
  });
});
