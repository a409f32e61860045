import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import type { GridSpec } from '../../engine/grid/grid.js';
import { gridSum } from '../../engine/grid/grid.js';
import { CoverageScratch, polygonCoverage, rasterizeBuildings, type RasterizeStats } from '../../engine/grid/rasterize-exact.js';
import { Warnings } from '../../engine/util/warnings.js';
import { randomStar, rect, rng, tableOf } from './helpers.js';

/** 10 x 10 cells of 10 m, north-west corner (1000, 2000). */
const G: GridSpec = { crs: 'EPSG:6677', x0: 1000, y0: 2000, cellSize: 10, width: 10, height: 10 };
/** Cell index of the cell whose south-west corner is (x, y). */
const cellAt = (g: GridSpec, x: number, y: number): number => Math.round((g.y0 - y) / g.cellSize - 1) * g.width + Math.round((x - g.x0) / g.cellSize);

function coverageMap(rings: number[][], g: GridSpec): Map<number, number> {
  const coords: number[] = [];
  const rv = [0];
  for (const r of rings) {
    coords.push(...r);
    rv.push(coords.length / 2);
  }
  const m = new Map<number, number>();
  polygonCoverage(coords, rv, 0, rings.length, g, (c, a) => m.set(c, (m.get(c) ?? 0) + a));
  return m;
}

/** Rasterize one building (list of polygons) with value 1 and return the non-zero cells. */
function fractions(polys: number[][][], g = G): Map<number, number> {
  const t = tableOf([polys]);
  const [band] = rasterizeBuildings(t, g, [[1]]);
  const m = new Map<number, number>();
  band!.forEach((v, i) => v !== 0 && m.set(i, v));
  return m;
}

describe('rasterizeBuildings: hand-computed cases', () => {
  it('square centred on a grid corner splits into exact quarters', () => {
    const m = fractions([[rect(1015, 1975, 1025, 1985)]]);
    expect(m.size).toBe(4);
    for (const [x, y] of [[1010, 1970], [1020, 1970], [1010, 1980], [1020, 1980]]) expect(m.get(cellAt(G, x!, y!))).toBeCloseTo(0.25, 14);
  });

  it('triangle: 25 + 12.5 + 12.5 m² of 50 m²', () => {
    const m = fractions([[[1005, 1905, 1015, 1905, 1005, 1915]]]);
    expect(m.size).toBe(3);
    expect(m.get(cellAt(G, 1000, 1900))).toBeCloseTo(0.5, 14);
    expect(m.get(cellAt(G, 1010, 1900))).toBeCloseTo(0.25, 14);
    expect(m.get(cellAt(G, 1000, 1910))).toBeCloseTo(0.25, 14);
  });

  it('diamond through grid corners: half of each of four cells', () => {
    const m = coverageMap([[1030, 1950, 1040, 1960, 1030, 1970, 1020, 1960]], G);
    expect(m.size).toBe(4);
    for (const a of m.values()) expect(a).toBeCloseTo(50, 11);
  });

  it('polygon with a hole: 75 m² in each of four cells', () => {
    const outer = rect(1020, 1940, 1040, 1960);
    const hole = rect(1025, 1945, 1035, 1955);
    const t = tableOf([[[outer, hole]]]);
    expect(t.footprintAreaM2[0]).toBeCloseTo(300, 10);
    const m = coverageMap([Array.from(t.coords.subarray(0, 8)), Array.from(t.coords.subarray(8, 16))], G);
    expect(m.size).toBe(4);
    for (const a of m.values()) expect(a).toBeCloseTo(75, 11);
    const f = fractions([[outer, hole]]);
    for (const v of f.values()) expect(v).toBeCloseTo(0.25, 14);
  });

  it('footprint larger than a cell: 22 x 11 m rectangle over 3 x 2 cells', () => {
    // x 1005..1027 -> 5, 10, 7 m; y 1903..1914 -> 7 m in row of 1900, 4 m in row of 1910
    const m = coverageMap([[1005, 1903, 1027, 1903, 1027, 1914, 1005, 1914]], G);
    const want: [number, number, number][] = [
      [1000, 1900, 35], [1010, 1900, 70], [1020, 1900, 49],
      [1000, 1910, 20], [1010, 1910, 40], [1020, 1910, 28],
    ];
    expect(m.size).toBe(6);
    for (const [x, y, a] of want) expect(m.get(cellAt(G, x, y))).toBeCloseTo(a, 10);
  });

  it('footprints on the grid edges', () => {
    // north-west corner cell exactly, and a 5 x 5 square in the south-east corner
    const m = fractions([[rect(1000, 1990, 1010, 2000)]]);
    expect([...m]).toEqual([[0, 1]]);
    const se = fractions([[rect(1095, 1900, 1100, 1905)]]);
    expect([...se]).toEqual([[99, 1]]);
    // straddling the east edge of the grid is outside
    const t = tableOf([[[rect(1095, 1950, 1105, 1955)]]]);
    expect(() => rasterizeBuildings(t, G, [[1]])).toThrow(InputError);
    try {
      rasterizeBuildings(t, G, [[1]]);
    } catch (e) {
      expect((e as InputError).code).toBe('building-outside-grid');
      expect((e as InputError).record).toBe('b0');
    }
  });

  it('building with two polygons: value split 16 : 4 by area', () => {
    const t = tableOf([[[rect(1001, 1991, 1005, 1995)], [rect(1051, 1951, 1053, 1953)]]]);
    const [band] = rasterizeBuildings(t, G, [[100]]);
    expect(band![cellAt(G, 1000, 1990)]).toBeCloseTo(80, 12);
    expect(band![cellAt(G, 1050, 1950)]).toBeCloseTo(20, 12);
    expect(gridSum(band!)).toBeCloseTo(100, 12);
  });

  it('zero-area footprint goes to its centroid cell and is counted', () => {
    const t = tableOf([[[[1031, 1931, 1033, 1931, 1035, 1931]]], [[rect(1001, 1991, 1005, 1995)]]]);
    const stats = {} as RasterizeStats;
    const w = new Warnings();
    const [band] = rasterizeBuildings(t, G, [[7, 3]], { stats, warnings: w });
    expect(band![cellAt(G, 1030, 1930)]).toBe(7);
    expect(band![cellAt(G, 1000, 1990)]).toBe(3);
    expect(stats.zeroArea).toBe(1);
    expect(stats.singleCell).toBe(1);
    expect(w.count('zero-area-footprint')).toBe(1);
  });

  it('self-crossing (bow-tie) footprint: negative coverage clamped, counted, value conserved', () => {
    // bow-tie crossing at (1015, 1955): left lobe counter-clockwise, right lobe clockwise
    const t = tableOf([[[[1005, 1950, 1025, 1960, 1025, 1950, 1005, 1960]]]]);
    const stats = {} as RasterizeStats;
    const [band] = rasterizeBuildings(t, G, [[10]], { stats });
    expect(stats.negativeCoverage).toBe(1);
    expect(gridSum(band!)).toBeCloseTo(10, 12);
    for (const v of band!) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('non-finite values are an InputError naming the building', () => {
    const t = tableOf([[[rect(1001, 1991, 1005, 1995)]]], ['bldg_x']);
    expect(() => rasterizeBuildings(t, G, [[NaN]])).toThrow(/bldg_x/);
  });
});

/**
 * Brute force: count sample points of an N x N lattice per cell inside the polygon (even-odd rule, one scanline per
 * sample row, exact point counts per interval). A lattice square that no boundary piece touches is wholly in or out,
 * so |exact - sampled| <= h² · (squares touched) <= h·L1 + 2h²·pieces, L1 = |dx|+|dy| of the boundary inside the cell.
 */
function sampled(rings: number[][], g: GridSpec, N: number): Map<number, { area: number; bound: number }> {
  const h = g.cellSize / N;
  let ymin = Infinity, ymax = -Infinity;
  for (const r of rings) for (let i = 1; i < r.length; i += 2) (ymin = Math.min(ymin, r[i]!)), (ymax = Math.max(ymax, r[i]!));
  const rowA = Math.max(0, Math.floor((g.y0 - ymax) / g.cellSize)), rowB = Math.min(g.height - 1, Math.floor((g.y0 - ymin) / g.cellSize));
  const counts = new Map<number, number>();
  const xs: number[] = [];
  for (let row = rowA; row <= rowB; row++) {
    for (let i = 0; i < N; i++) {
      const y = g.y0 - row * g.cellSize - (i + 0.5) * h;
      xs.length = 0;
      for (const r of rings) {
        const n = r.length / 2;
        for (let k = 0; k < n; k++) {
          const ax = r[2 * k]!, ay = r[2 * k + 1]!, bx = r[(2 * k + 2) % r.length]!, by = r[(2 * k + 3) % r.length]!;
          if (ay > y !== by > y) xs.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
        }
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        let jA = Math.ceil((xs[k]! - g.x0) / h - 0.5), jB = Math.floor((xs[k + 1]! - g.x0) / h - 0.5);
        jA = Math.max(jA, 0);
        jB = Math.min(jB, g.width * N - 1);
        for (let col = Math.floor(jA / N); col <= Math.floor(jB / N) && jA <= jB; col++) {
          const c = Math.min(jB, (col + 1) * N - 1) - Math.max(jA, col * N) + 1;
          if (c > 0) counts.set(row * g.width + col, (counts.get(row * g.width + col) ?? 0) + c);
        }
      }
    }
  }
  const out = new Map<number, { area: number; bound: number }>();
  const cellsTouched = new Set<number>(counts.keys());
  for (const r of rings) {
    const n = r.length / 2;
    for (let k = 0; k < n; k++) {
      const ax = r[2 * k]!, ay = r[2 * k + 1]!, bx = r[(2 * k + 2) % r.length]!, by = r[(2 * k + 3) % r.length]!;
      const c0 = Math.floor((Math.min(ax, bx) - g.x0) / g.cellSize), c1 = Math.floor((Math.max(ax, bx) - g.x0) / g.cellSize);
      const r0 = Math.floor((g.y0 - Math.max(ay, by)) / g.cellSize), r1 = Math.floor((g.y0 - Math.min(ay, by)) / g.cellSize);
      for (let row = Math.max(0, r0); row <= Math.min(g.height - 1, r1); row++) {
        for (let col = Math.max(0, c0); col <= Math.min(g.width - 1, c1); col++) {
          const l1 = clippedL1(ax, ay, bx, by, g.x0 + col * g.cellSize, g.y0 - (row + 1) * g.cellSize, g.cellSize);
          if (l1 < 0) continue;
          const cell = row * g.width + col;
          cellsTouched.add(cell);
          const o = out.get(cell) ?? { area: 0, bound: 1e-9 };
          o.bound += h * l1 + 2 * h * h;
          out.set(cell, o);
        }
      }
    }
  }
  for (const cell of cellsTouched) {
    const o = out.get(cell) ?? { area: 0, bound: 1e-9 };
    o.area = (counts.get(cell) ?? 0) * h * h;
    out.set(cell, o);
  }
  return out;
}

/** Smallest distance from (px, py) to the edges of a ring. */
function distanceToRing(ring: number[], px: number, py: number): number {
  let d = Infinity;
  const n = ring.length / 2;
  for (let k = 0; k < n; k++) {
    const ax = ring[2 * k]!, ay = ring[2 * k + 1]!, bx = ring[(2 * k + 2) % ring.length]!, by = ring[(2 * k + 3) % ring.length]!;
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    d = Math.min(d, Math.hypot(ax + t * dx - px, ay + t * dy - py));
  }
  return d;
}

/** |dx|+|dy| of segment a-b clipped to the square [x, x+s] x [y, y+s] (Liang-Barsky); -1 if it misses. */
function clippedL1(ax: number, ay: number, bx: number, by: number, x: number, y: number, s: number): number {
  let t0 = 0, t1 = 1;
  const dx = bx - ax, dy = by - ay;
  const p = [-dx, dx, -dy, dy], q = [ax - x, x + s - ax, ay - y, y + s - ay];
  for (let i = 0; i < 4; i++) {
    if (p[i] === 0) {
      if (q[i]! < 0) return -1;
    } else {
      const t = q[i]! / p[i]!;
      if (p[i]! < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
  }
  if (t0 > t1) return -1;
  return (t1 - t0) * (Math.abs(dx) + Math.abs(dy));
}

describe('polygonCoverage against supersampling', () => {
  it('200 random polygons (some with holes, some crossing the grid edge): within the sampling bound', () => {
    const r = rng(42);
    const g: GridSpec = { crs: 'EPSG:6677', x0: 0, y0: 100, cellSize: 10, width: 10, height: 10 };
    const N = 200;
    let worstRatio = 0, cellsChecked = 0;
    for (let p = 0; p < 200; p++) {
      const cx = -10 + 120 * r(), cy = -10 + 120 * r();
      const rMax = 3 + 22 * r();
      const outer = randomStar(r, cx, cy, 3 + Math.floor(r() * 12), rMax * 0.4, rMax, true);
      // star rings come out counter-clockwise (increasing angle, y up)
      const rings = [outer];
      if (p % 4 === 0) {
        // the hole must stay inside the exterior: keep it within the exterior's distance from the centre
        const inner = 0.95 * distanceToRing(outer, cx, cy);
        const hole = randomStar(r, cx, cy, 3 + Math.floor(r() * 6), inner * 0.3, inner);
        const cw: number[] = [];
        for (let k = hole.length - 2; k >= 0; k -= 2) cw.push(hole[k]!, hole[k + 1]!);
        rings.push(cw);
      }
      const exact = coverageMap(rings, g);
      const brute = sampled(rings, g, N);
      for (const [cell, { area, bound }] of brute) {
        const e = exact.get(cell) ?? 0;
        const err = Math.abs(e - area);
        expect(err, `polygon ${p} cell ${cell}: exact ${e} sampled ${area}`).toBeLessThanOrEqual(bound);
        worstRatio = Math.max(worstRatio, err / bound);
        cellsChecked++;
      }
      for (const [cell, a] of exact) if (!brute.has(cell)) expect(a, `polygon ${p}: cell ${cell} only in exact`).toBeCloseTo(0, 9);
    }
    expect(cellsChecked).toBeGreaterThan(1000);
    expect(worstRatio).toBeLessThan(1);
    console.log(`supersampling: ${cellsChecked} cells, worst error / bound = ${worstRatio.toFixed(3)}`);
  });

  it('clips polygons larger than the grid: coverage equals the clipped area', () => {
    const g: GridSpec = { crs: 'EPSG:6677', x0: 0, y0: 30, cellSize: 10, width: 3, height: 3 };
    // square -50..50 covers the whole 30 x 30 grid
    const m = coverageMap([[-50, -50, 50, -50, 50, 50, -50, 50]], g);
    expect(m.size).toBe(9);
    for (const a of m.values()) expect(a).toBeCloseTo(100, 9);
    // triangle reaching past the north edge: y <= 45 - x for x in [0, 30], clipped at y = 30
    const t = coverageMap([[0, 0, 45, 0, 0, 45]], g);
    let total = 0;
    for (const a of t.values()) total += a;
    // area of {0<=x<=30, 0<=y<=min(30, 45-x)} = 15*30 + ∫_15^30 (45-x) dx = 450 + 337.5 - ... = 450 + 225
    expect(total).toBeCloseTo(450 + (45 * 15 - (30 * 30 - 15 * 15) / 2), 9);
  });

  it('CoverageScratch reuse gives identical results', () => {
    const r = rng(7);
    const s = new CoverageScratch(G);
    const ring = randomStar(r, 1050, 1950, 9, 5, 30);
    const rv = [0, ring.length / 2];
    const n1 = s.cover(ring, rv, 0, 1);
    const first = Array.from(s.areas.subarray(0, n1));
    s.cover(randomStar(r, 1020, 1920, 5, 1, 8), rv, 0, 1);
    const n2 = s.cover(ring, rv, 0, 1);
    expect(Array.from(s.areas.subarray(0, n2))).toEqual(first);
  });
});

describe('rasterizeBuildings: conservation', () => {
  it('band totals equal building totals to 1e-9 relative (2,000 random footprints, 3 bands)', () => {
    const r = rng(2024);
    const g: GridSpec = { crs: 'EPSG:6677', x0: -50_000, y0: 120_000, cellSize: 10, width: 300, height: 200 };
    const polys: number[][][][] = [];
    for (let i = 0; i < 2000; i++) {
      const cx = g.x0 + 60 + r() * (g.width * 10 - 120), cy = g.y0 - 60 - r() * (g.height * 10 - 120);
      polys.push([[randomStar(r, cx, cy, 4 + Math.floor(r() * 10), 2, 5 + 40 * r(), true)]]);
    }
    const t = tableOf(polys);
    const vals = [0, 1, 2].map(() => Float64Array.from({ length: t.count }, () => r() * 1000));
    const stats = {} as RasterizeStats;
    const bands = rasterizeBuildings(t, g, vals, { stats });
    for (let k = 0; k < 3; k++) {
      const want = vals[k]!.reduce((a, b) => a + b, 0);
      expect(Math.abs(gridSum(bands[k]!) - want) / want).toBeLessThan(1e-9);
    }
    expect(stats.multiCell + stats.singleCell).toBe(2000);
    expect(stats.multiCell).toBeGreaterThan(1000);
    expect(stats.negativeCoverage).toBe(0);
    // each building's covered area equals its footprint area
    const s = new CoverageScratch(g);
    for (let b = 0; b < t.count; b += 97) {
      const n = s.cover(t.coords, t.ringVertex, t.buildingRing[b]!, t.buildingRing[b + 1]!);
      let a = 0;
      for (let i = 0; i < n; i++) a += s.areas[i]!;
      expect(a).toBeCloseTo(t.footprintAreaM2[b]!, 8);
    }
  });
});
