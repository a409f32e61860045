import { describe, expect, it } from 'vitest';
import { labelPolygons, polygonsAreaM2 } from '../../engine/potential/area-polygons.js';
import { labelComponents } from '../../engine/grid/labels.js';

const spec = (w: number, h: number) => ({ crs: 'EPSG:3035', x0: 1000, y0: 5000, cellSize: 100, width: w, height: h });

describe('labelPolygons', () => {
  it('a single cell is one CCW square in map coordinates', () => {
    const p = labelPolygons(spec(1, 1), Int32Array.from([1]), 1);
    const ring = p[1]![0]![0]!;
    expect(ring.length).toBe(5);
    expect(ring[0]).toEqual(ring[4]);
    expect(new Set(ring.map((q) => q.join(',')))).toEqual(new Set(['1000,4900', '1100,4900', '1100,5000', '1000,5000']));
    expect(polygonsAreaM2(p[1]!)).toBe(10_000); // positive = counter-clockwise
  });

  it('a ring of cells gets one exterior and one hole', () => {
    const m = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1, 1]);
    const { labels, count } = labelComponents(m, 3, 3);
    const p = labelPolygons(spec(3, 3), labels, count);
    expect(p[1]!.length).toBe(1);
    expect(p[1]![0]!.length).toBe(2);
    expect(p[1]![0]![0]!.length).toBe(5); // 4 corners + closing
    expect(polygonsAreaM2(p[1]!)).toBe(8 * 100 * 100);
  });

  it('cells touching at a corner become two simple polygons of one area', () => {
    const m = Uint8Array.from([1, 0, 0, 1]);
    const { labels, count } = labelComponents(m, 2, 2);
    expect(count).toBe(1);
    const p = labelPolygons(spec(2, 2), labels, count);
    expect(p[1]!.length).toBe(2);
    expect(polygonsAreaM2(p[1]!)).toBe(2 * 10_000);
  });

  it('a loop closed through corner contacts becomes a shell and a hole, each ring simple', () => {
    const m = Uint8Array.from([
      0, 1, 1, 1, //
      1, 0, 0, 1, //
      1, 0, 0, 1, //
      1, 1, 1, 1,
    ]);
    const { labels, count } = labelComponents(m, 4, 4);
    expect(count).toBe(1);
    const p = labelPolygons(spec(4, 4), labels, count);
    expect(p[1]!.length).toBe(1);
    expect(p[1]![0]!.length).toBe(2); // shell + hole touching it at the corner contact
    expect(polygonsAreaM2(p[1]!)).toBe(11 * 10_000);
    // two corner contacts: two L-shaped polygons touching at points
    const m2 = Uint8Array.from([0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0]);
    const l2 = labelComponents(m2, 4, 4);
    const p2 = labelPolygons(spec(4, 4), l2.labels, l2.count);
    expect(p2[1]!.length).toBe(2);
    expect(polygonsAreaM2(p2[1]!)).toBe(10 * 10_000);
    for (const ring of p[1]![0]!) expect(new Set(ring.slice(1).map((q) => q.join(','))).size).toBe(ring.length - 1);
  });

  it('keeps each label area on random masks', () => {
    let s = 99;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let t = 0; t < 20; t++) {
      const w = 1 + Math.floor(rnd() * 30);
      const h = 1 + Math.floor(rnd() * 30);
      const m = Uint8Array.from({ length: w * h }, () => (rnd() < 0.5 ? 1 : 0));
      const { labels, count } = labelComponents(m, w, h);
      const polys = labelPolygons(spec(w, h), labels, count);
      for (let l = 1; l <= count; l++) {
        const cells = labels.reduce((n, v) => n + (v === l ? 1 : 0), 0);
        expect(polygonsAreaM2(polys[l]!)).toBeCloseTo(cells * 10_000, 6);
        for (const poly of polys[l]!) {
          expect(polygonsAreaM2([[poly[0]!]])).toBeGreaterThan(0);
          for (const ring of poly) expect(new Set(ring.slice(1).map((q) => q.join(','))).size).toBe(ring.length - 1);
        }
      }
    }
  });
});
