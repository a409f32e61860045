/**
 * Footprint geometry on the building table: ring cleaning, projection, areas, orientation, centroids. The ring
 * arithmetic (areas, centroids, orientation, boxes) is engine/geom/rings.ts.
 */
import { transformer, type Crs } from '../crs/index.js';
import { coordsBBox, orientPolygon } from '../geom/rings.js';
import type { BuildingTable } from './table.js';

export type RingProblem = 'nan' | 'too-few-points';

/**
 * Check and clean one flat ring [x0, y0, ...]: drops the closing vertex and consecutive duplicates.
 * Returns the cleaned ring, or the reason it cannot be used.
 */
export function cleanRing(ring: ArrayLike<number>): number[] | RingProblem {
  const out: number[] = [];
  const n = ring.length - (ring.length % 2);
  for (let i = 0; i < n; i += 2) {
    const x = ring[i]!, y = ring[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return 'nan';
    const m = out.length;
    if (m >= 2 && out[m - 2] === x && out[m - 1] === y) continue;
    out.push(x, y);
  }
  while (out.length >= 4 && out[0] === out[out.length - 2] && out[1] === out[out.length - 1]) out.length -= 2;
  if (out.length < 6) return 'too-few-points';
  return out;
}

/**
 * Whether ring v0..v1 crosses itself (two non-adjacent edges intersect). O(n²) per ring, fine for
 * footprints (tens of vertices); rings above `maxVertices` are not checked and reported as unknown (null).
 */
export function ringSelfIntersects(coords: ArrayLike<number>, v0: number, v1: number, maxVertices = 2000): boolean | null {
  const n = v1 - v0;
  if (n < 4) return false;
  if (n > maxVertices) return null;
  const X = (k: number) => coords[2 * (v0 + (k % n))]!;
  const Y = (k: number) => coords[2 * (v0 + (k % n)) + 1]!;
  for (let i = 0; i < n; i++) {
    const ax = X(i), ay = Y(i), bx = X(i + 1), by = Y(i + 1);
    const minx = Math.min(ax, bx), maxx = Math.max(ax, bx), miny = Math.min(ay, by), maxy = Math.max(ay, by);
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing edge
      const cx = X(j), cy = Y(j), dx = X(j + 1), dy = Y(j + 1);
      if (Math.max(cx, dx) < minx || Math.min(cx, dx) > maxx || Math.max(cy, dy) < miny || Math.min(cy, dy) > maxy) continue;
      const d1 = orient(cx, cy, dx, dy, ax, ay), d2 = orient(cx, cy, dx, dy, bx, by);
      const d3 = orient(ax, ay, bx, by, cx, cy), d4 = orient(ax, ay, bx, by, dx, dy);
      if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
    }
  }
  return false;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/**
 * Project the table's coordinates into `target` (in place), then orient rings (exteriors CCW, holes CW) and compute
 * footprint area (m², exteriors minus holes) and area-weighted centroids.
 */
export function projectTable(t: BuildingTable, target: Crs): void {
  const tr = transformer(t.crs, target);
  tr.forwardFlat(t.coords);
  t.crs = target;
  computeFootprints(t);
}

/** Orientation, footprint area and centroid for every building, in the table's current (projected) CRS. */
export function computeFootprints(t: BuildingTable): void {
  const { coords, ringVertex, buildingRing, ringHole } = t;
  const out: [number, number, number] = [0, 0, 0];
  for (let b = 0; b < t.count; b++) {
    // exteriors CCW, holes CW; area = exteriors minus holes; area-weighted centroid (first vertex if the area is 0)
    orientPolygon(coords, ringVertex, buildingRing[b]!, buildingRing[b + 1]!, ringHole, out);
    t.cx[b] = out[0];
    t.cy[b] = out[1];
    t.footprintAreaM2[b] = out[2];
  }
}

/** Bounding box [xmin, ymin, xmax, ymax] of the table's coordinates, in its CRS ([w, s, e, n] when lon/lat). */
export function tableBBox(t: BuildingTable): [number, number, number, number] {
  return coordsBBox(t.coords);
}
