/** engine/geom/rings.ts against hand-computed areas, centroids and point-in-ring cases. */
import { describe, expect, it } from 'vitest';
import {
  coordsBBox,
  flatRing,
  orientPolygon,
  orientRing,
  partsBBox,
  pointInPolygon,
  pointInRing,
  polygonArea,
  polygonCentroid,
  polygonsArea,
  polygonsBBox,
  reverseRing,
  ringArea,
  ringCentroid,
  ringSignedArea,
} from '../../engine/geom/rings.js';

const SQUARE = [0, 0, 1, 0, 1, 1, 0, 1]; // unit square, counter-clockwise
const TRIANGLE = [0, 0, 4, 0, 0, 3]; // legs 4 and 3: area 6, centroid (4/3, 1)

describe('ring areas', () => {
  it('signed shoelace area: + counter-clockwise, - clockwise; closing vertex optional', () => {
    expect(ringSignedArea(SQUARE)).toBe(1);
    expect(ringSignedArea([0, 0, 0, 1, 1, 1, 1, 0])).toBe(-1);
    expect(ringSignedArea([...SQUARE, 0, 0])).toBe(1);
    expect(ringSignedArea(TRIANGLE)).toBe(6);
    expect(ringArea([0, 0, 0, 3, 4, 0])).toBe(6);
    // an L-shape: 2x2 minus the 1x1 top-right corner = 3
    expect(ringArea([0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 2])).toBe(3);
    // fewer than 3 vertices: no area
    expect(ringSignedArea([0, 0, 5, 5])).toBe(0);
  });

  it('a vertex range of a flat array; exact with large projected coordinates', () => {
    const c = [9, 9, 9, 9, ...TRIANGLE, 7, 7];
    expect(ringSignedArea(c, 2, 5)).toBe(6);
    const x0 = 4_321_000.123, y0 = 3_210_000.456;
    const big = [x0, y0, x0 + 10, y0, x0 + 10, y0 + 10, x0, y0 + 10];
    expect(ringSignedArea(big)).toBeCloseTo(100, 9);
  });

  it('centroid of a ring; the first vertex for a zero-area ring', () => {
    const [cx, cy] = ringCentroid(TRIANGLE);
    expect(cx).toBeCloseTo(4 / 3, 12);
    expect(cy).toBeCloseTo(1, 12);
    expect(ringCentroid([10, 20, 14, 20, 14, 23, 10, 23])).toEqual([12, 21.5]);
    // clockwise gives the same centroid
    const [ccx, ccy] = ringCentroid([0, 0, 0, 3, 4, 0]);
    expect(ccx).toBeCloseTo(4 / 3, 12);
    expect(ccy).toBeCloseTo(1, 12);
    expect(ringCentroid([5, 5, 6, 6, 7, 7])).toEqual([5, 5]); // collinear
  });

  it('reverse and orient in place', () => {
    const r = [...SQUARE];
    reverseRing(r);
    expect(r).toEqual([0, 1, 1, 1, 1, 0, 0, 0]);
    expect(orientRing(r, 0, 4, true)).toBe(1);
    expect(ringSignedArea(r)).toBe(1);
    expect(orientRing(r, 0, 4, false)).toBe(-1);
    expect(ringSignedArea(r)).toBe(-1);
    const flat = [1, 1, 2, 2, 3, 3];
    expect(orientRing(flat, 0, 3, false)).toBe(0);
    expect(flat).toEqual([1, 1, 2, 2, 3, 3]); // zero area: left alone
  });
});

describe('polygons with holes', () => {
  // 10 x 10 exterior (CCW) with a 2 x 2 hole at (2..4, 2..4) given counter-clockwise too: orientation must not matter
  const coords = Float64Array.from([0, 0, 10, 0, 10, 10, 0, 10, 2, 2, 4, 2, 4, 4, 2, 4]);
  const ringVertex = Uint32Array.from([0, 4, 8]);
  const ringHole = Uint8Array.from([0, 1]);

  it('area = exterior minus holes, with hole flags or with the first ring as the exterior', () => {
    expect(polygonArea(coords, ringVertex, 0, 2, ringHole)).toBe(96);
    expect(polygonArea(coords, ringVertex, 0, 2)).toBe(96);
    expect(polygonArea(coords, ringVertex, 1, 2)).toBe(4); // the hole alone, as its own polygon
    expect(polygonsArea([[coords.subarray(0, 8), coords.subarray(8)]])).toBe(96);
    // two polygons: the holed square and the triangle
    expect(polygonsArea([[coords.subarray(0, 8), coords.subarray(8)], [TRIANGLE]])).toBe(102);
  });

  it('centroid: (100 x (5, 5) - 4 x (3, 3)) / 96', () => {
    const [x, y, a] = polygonCentroid(coords, ringVertex, 0, 2, ringHole);
    expect(a).toBe(96);
    expect(x).toBeCloseTo(488 / 96, 12);
    expect(y).toBeCloseTo(488 / 96, 12);
  });

  it('orientPolygon: exteriors counter-clockwise, holes clockwise; same area and centroid', () => {
    const c = Float64Array.from(coords);
    const [x, y, a] = orientPolygon(c, ringVertex, 0, 2, ringHole);
    expect(a).toBe(96);
    expect(x).toBeCloseTo(488 / 96, 12);
    expect(y).toBeCloseTo(488 / 96, 12);
    expect(ringSignedArea(c, 0, 4)).toBe(100);
    expect(ringSignedArea(c, 4, 8)).toBe(-4);
    expect(Array.from(c.subarray(8))).toEqual([2, 4, 4, 4, 4, 2, 2, 2]);
  });

  it('a degenerate polygon: area 0, centroid at its first vertex', () => {
    expect(polygonCentroid([3, 4, 5, 6, 7, 8], [0, 3], 0, 1)).toEqual([3, 4, 0]);
  });

  it('point in polygon: inside the exterior, not in the hole; several exteriors', () => {
    expect(pointInPolygon(1, 1, coords, ringVertex, 0, 2)).toBe(true);
    expect(pointInPolygon(6, 6, coords, ringVertex, 0, 2)).toBe(true);
    expect(pointInPolygon(3, 3, coords, ringVertex, 0, 2)).toBe(false);
    expect(pointInPolygon(11, 5, coords, ringVertex, 0, 2)).toBe(false);
    const two = [0, 0, 1, 0, 1, 1, 0, 1, 5, 5, 6, 5, 6, 6, 5, 6];
    expect(pointInPolygon(5.5, 5.5, two, [0, 4, 8], 0, 2)).toBe(true);
    expect(pointInPolygon(3, 3, two, [0, 4, 8], 0, 2)).toBe(false);
  });
});

describe('point in ring: interior, exterior, edges and vertices', () => {
  it('interior and exterior points; the closing vertex changes nothing', () => {
    for (const ring of [SQUARE, [...SQUARE, 0, 0], [0, 0, 0, 1, 1, 1, 1, 0]]) {
      expect(pointInRing(0.5, 0.5, ring)).toBe(true);
      expect(pointInRing(1.5, 0.5, ring)).toBe(false);
      expect(pointInRing(-0.5, 0.5, ring)).toBe(false);
      expect(pointInRing(0.5, 1.5, ring)).toBe(false);
    }
    expect(pointInRing(1, 0.5, TRIANGLE)).toBe(true);
    expect(pointInRing(3, 2, TRIANGLE)).toBe(false);
  });

  it('half-open boundary: left and bottom edges inside, right and top outside; only the bottom-left vertex', () => {
    expect(pointInRing(0, 0.5, SQUARE)).toBe(true); // left edge
    expect(pointInRing(0.5, 0, SQUARE)).toBe(true); // bottom edge
    expect(pointInRing(1, 0.5, SQUARE)).toBe(false); // right edge
    expect(pointInRing(0.5, 1, SQUARE)).toBe(false); // top edge
    expect(pointInRing(0, 0, SQUARE)).toBe(true);
    expect(pointInRing(1, 0, SQUARE)).toBe(false);
    expect(pointInRing(1, 1, SQUARE)).toBe(false);
    expect(pointInRing(0, 1, SQUARE)).toBe(false);
    // two squares sharing an edge: a point on it belongs to exactly one of them
    const right = [1, 0, 2, 0, 2, 1, 1, 1];
    expect([pointInRing(1, 0.5, SQUARE), pointInRing(1, 0.5, right)]).toEqual([false, true]);
  });

  it('a vertex range of a flat array; an empty range is outside', () => {
    const c = [50, 50, ...SQUARE];
    expect(pointInRing(0.5, 0.5, c, 1, 5)).toBe(true);
    expect(pointInRing(0.5, 0.5, c, 1, 1)).toBe(false);
  });
});

describe('bounding boxes and positions', () => {
  it('coordsBBox, partsBBox, polygonsBBox; empty is inverted infinity', () => {
    expect(coordsBBox(TRIANGLE)).toEqual([0, 0, 4, 3]);
    expect(coordsBBox([9, 9, ...TRIANGLE], 1, 3)).toEqual([0, 0, 4, 0]);
    expect(coordsBBox([])).toEqual([Infinity, Infinity, -Infinity, -Infinity]);
    expect(partsBBox([SQUARE, [-1, 5, 2, 6]])).toEqual([-1, 0, 2, 6]);
    expect(polygonsBBox([[SQUARE], [[3, -2, 4, -1, 3.5, 7]]])).toEqual([0, -2, 4, 7]);
  });

  it('flatRing: GeoJSON positions to flat coordinates', () => {
    expect(Array.from(flatRing([[1, 2], [3, 4, 99], [5, 6]]))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ringSignedArea(flatRing([[0, 0], [4, 0], [0, 3], [0, 0]]))).toBe(6);
  });
});
