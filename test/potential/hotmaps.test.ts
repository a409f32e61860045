import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromFile } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { hotmapsAreas } from '../../engine/potential/hotmaps.js';
import { data, describeData } from '../helpers/data.js';
import type { GridSpec } from '../../engine/grid/grid.js';

/**
 * Second, deliberately plain implementation of Hotmaps' DHReg/DHRegions/DHPotential: nested loops for the 3x3
 * dilation and erosion (outside = 0), BFS for 8-connected labels, then the two sums. Shares no code with the engine.
 */
function plainHotmaps(d: ArrayLike<number>, w: number, h: number, pix: number, dhGWh: number) {
  const at = (a: ArrayLike<number>, r: number, c: number) => (r < 0 || r >= h || c < 0 || c >= w ? 0 : a[r * w + c]!);
  const filtered = Array.from(d, (v) => (v > pix ? v : 0));
  const dil = new Array<number>(w * h).fill(0);
  const ero = new Array<number>(w * h).fill(0);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      let any = 0;
      for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) if (at(filtered, r + i, c + j) !== 0) any = 1;
      dil[r * w + c] = any;
    }
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      let all = 1;
      for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) if (!at(dil, r + i, c + j)) all = 0;
      ero[r * w + c] = all;
    }
  const lab = new Array<number>(w * h).fill(0);
  const comps: number[][] = [];
  for (let s = 0; s < w * h; s++) {
    if (!ero[s] || lab[s]) continue;
    const cells = [s];
    lab[s] = comps.length + 1;
    for (let k = 0; k < cells.length; k++) {
      const r = Math.floor(cells[k]! / w);
      const c = cells[k]! % w;
      for (let i = -1; i <= 1; i++)
        for (let j = -1; j <= 1; j++) {
          const rr = r + i;
          const cc = c + j;
          if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
          const q = rr * w + cc;
          if (ero[q] && !lab[q]) {
            lab[q] = comps.length + 1;
            cells.push(q);
          }
        }
    }
    comps.push(cells);
  }
  const kept = comps.filter((cells) => cells.reduce((s, q) => s + filtered[q]!, 0) >= dhGWh * 1000);
  kept.sort((a, b) => Math.min(...a) - Math.min(...b));
  return {
    candidates: comps.length,
    demands: kept.map((cells) => cells.reduce((s, q) => s + (d[q]! === d[q]! ? d[q]! : 0), 0)),
    cells: kept.reduce((s, c) => s + c.length, 0),
  };
}

const ha1: GridSpec = { crs: 'EPSG:3035', x0: 0, y0: 0, cellSize: 100, width: 0, height: 0 };

describe('hotmapsAreas on hand-made grids', () => {
  it('keeps an area whose above-threshold sum reaches the area threshold, sums closed-in cells unfiltered', () => {
    // 7 x 5, two dense cells two columns apart with a 100 MWh/ha cell between; everything off the edge
    const w = 7;
    const h = 5;
    const d = new Float64Array(w * h);
    d[2 * w + 2] = 20_000;
    d[2 * w + 3] = 100; // below 333: not a seed, but closed in
    d[2 * w + 4] = 10_000;
    const r = hotmapsAreas({ ...ha1, width: w, height: h }, d);
    expect(r.candidates).toBe(1);
    expect(r.areas.length).toBe(1);
    const a = r.areas[0]!;
    expect(a.cellsAboveThreshold).toBe(2);
    expect(a.demandAboveThresholdMWh).toBe(30_000); // exactly 30 GWh: kept (>=)
    expect(a.demandMWh).toBe(30_100);
    expect(a.cells).toBe(3);
    expect(r.totalDemandMWh).toBe(30_100);
    // just below the area threshold: dropped
    d[2 * w + 4] = 9_999;
    expect(hotmapsAreas({ ...ha1, width: w, height: h }, d).areas.length).toBe(0);
  });

  it('cell threshold is strict (> 333), edge cells never survive with scipy border handling', () => {
    const w = 5;
    const h = 5;
    const d = new Float64Array(w * h).fill(333);
    expect(hotmapsAreas({ ...ha1, width: w, height: h }, d, { areaThresholdGWh: 0 }).candidates).toBe(0);
    d.fill(334);
    const r = hotmapsAreas({ ...ha1, width: w, height: h }, d, { areaThresholdGWh: 0 });
    expect(r.areas[0]!.cells).toBe(9); // the 3x3 interior only
    const keep = hotmapsAreas({ ...ha1, width: w, height: h }, d, { areaThresholdGWh: 0, borderValue: 1 });
    expect(keep.areas[0]!.cells).toBe(25);
  });

  it('scales MWh/ha by cell area on non-hectare cells', () => {
    const w = 5;
    const d = new Float64Array(25);
    d[12] = 1000;
    const r = hotmapsAreas({ ...ha1, cellSize: 50, width: w, height: w }, d, { areaThresholdGWh: 0 });
    expect(r.areas[0]!.demandMWh).toBe(250);
  });

  it('rejects negative density with a typed error', () => {
    const d = new Float64Array(9);
    d[4] = -1;
    expect(() => hotmapsAreas({ ...ha1, width: 3, height: 3 }, d, { file: 'x.tif' })).toThrowError(/x.tif: record cell col 1 row 1/);
  });

  it('equals the plain implementation on random rasters', () => {
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < 20; t++) {
      const w = 3 + Math.floor(rnd() * 40);
      const h = 3 + Math.floor(rnd() * 40);
      const d = Float64Array.from({ length: w * h }, () => (rnd() < 0.4 ? rnd() * 2000 : rnd() < 0.1 ? NaN : rnd() * 300));
      const fast = hotmapsAreas({ ...ha1, width: w, height: h }, d, { areaThresholdGWh: 2 });
      const slow = plainHotmaps(d, w, h, 333, 2);
      expect(fast.candidates).toBe(slow.candidates);
      expect(fast.areas.map((a) => a.demandMWh)).toEqual(slow.demands.map((x) => expect.closeTo(x, 6)) as unknown as number[]);
      expect(fast.areas.reduce((q, a) => q + a.cells, 0)).toBe(slow.cells);
    }
  });
});

async function readTestRaster() {
  const tif = await fromFile(data('rasters/hotmaps_heat_density_test.tif'));
  const im = await tif.getImage();
  const r = (await im.readRasters({ interleave: true })) as unknown as Float32Array;
  return { w: im.getWidth(), h: im.getHeight(), d: Float64Array.from(r) };
}

describeData('hotmapsAreas on the Hotmaps test raster (rasters/hotmaps_heat_density_test.tif)', () => {
  it('matches the plain implementation with the defaults (333 MWh/ha, 30 GWh/a)', async () => {
    const { w, h, d } = await readTestRaster();
    const grid = { ...ha1, width: w, height: h };
    const fast = hotmapsAreas(grid, d);
    const slow = plainHotmaps(d, w, h, 333, 30);
    expect(fast.candidates).toBe(slow.candidates);
    expect(fast.areas.length).toBe(slow.demands.length);
    expect(fast.areas.length).toBeGreaterThan(0);
    fast.areas.forEach((a, i) => expect(a.demandMWh).toBeCloseTo(slow.demands[i]!, 4));
    expect(fast.areas.reduce((q, a) => q + a.cells, 0)).toBe(slow.cells);
    // golden figures, derived by the two implementations above and scipy (see README): keep them in sync
    expect(fast.areas.length).toBe(GOLDEN.count);
    expect(fast.areasDemandMWh).toBeCloseTo(GOLDEN.areasDemandMWh, 1);
    expect(fast.totalDemandMWh).toBeCloseTo(GOLDEN.totalDemandMWh, 1);
  });

  const scipyOk = spawnSync('python3', ['-c', 'import scipy.ndimage, numpy'], { encoding: 'utf8' }).status === 0;
  if (!scipyOk) console.warn('\n*** SKIPPING scipy cross-check of hotmapsAreas: python3-scipy not installed (apt-get install python3-scipy) ***\n');
  (scipyOk ? it : it.skip)('matches scipy.ndimage running the Hotmaps steps on the same raster', async () => {
    const { w, h, d } = await readTestRaster();
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-hotmaps-'));
    try {
      const raw = join(dir, 'hdm.f64');
      writeFileSync(raw, Buffer.from(d.buffer));
      for (const [pix, dh] of [
        [333, 30],
        [100, 5],
        [50, 1],
      ] as const) {
        const out = execFileSync('python3', [resolve(__dirname, '../fixtures/potential/hotmaps_reference.py'), raw, String(h), String(w), String(pix), String(dh)], {
          encoding: 'utf8',
        });
        const ref = JSON.parse(out) as { candidates: number; count: number; demands: number[]; cells: number; cellIndexSum: number; total: number };
        const fast = hotmapsAreas({ ...ha1, width: w, height: h }, d, { cellThresholdMWhPerHa: pix, areaThresholdGWh: dh });
        expect(fast.candidates).toBe(ref.candidates);
        expect(fast.areas.length).toBe(ref.count);
        fast.areas.forEach((a, i) => expect(a.demandMWh).toBeCloseTo(ref.demands[i]!, 3));
        let cells = 0;
        let idxSum = 0;
        fast.areaId.forEach((v, i) => {
          if (v) {
            cells++;
            idxSum += i;
          }
        });
        expect(cells).toBe(ref.cells);
        expect(idxSum).toBe(ref.cellIndexSum);
        expect(fast.totalDemandMWh).toBeCloseTo(ref.total, 2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const GOLDEN = { count: 19, areasDemandMWh: 2_901_112.01, totalDemandMWh: 7_035_005.53 };
