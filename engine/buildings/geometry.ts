/**
 * Footprint geometry on the building table: ring cleaning, projection, areas, orientation, centroids.
 */
import { transformer, type Crs } from '../crs/index.js';
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

/** Shoelace signed area of ring `r` of the table (positive = counter-clockwise with y up). */
export function ringSignedArea(coords: ArrayLike<number>, v0: number, v1: number): number {
  let a = 0;
  const n = v1 - v0;
  if (n < 3) return 0;
  // shift to the first vertex to keep precision with large projected coordinates
  const ox = coords[2 * v0]!, oy = coords[2 * v0 + 1]!;
  let px = coords[2 * (v1 - 1)]! - ox, py = coords[2 * (v1 - 1) + 1]! - oy;
  for (let v = v0; v < v1; v++) {
    const x = coords[2 * v]! - ox, y = coords[2 * v + 1]! - oy;
    a += px * y - x * py;
    px = x;
    py = y;
  }
  return a / 2;
}

/** Reverse ring `r`'s vertices in place. */
function reverseRing(coords: Float64Array, v0: number, v1: number): void {
  for (let i = v0, j = v1 - 1; i < j; i++, j--) {
    const x = coords[2 * i]!, y = coords[2 * i + 1]!;
    coords[2 * i] = coords[2 * j]!;
    coords[2 * i + 1] = coords[2 * j + 1]!;
    coords[2 * j] = x;
    coords[2 * j + 1] = y;
  }
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
  for (let b = 0; b < t.count; b++) {
    let area = 0, sx = 0, sy = 0;
    for (let r = buildingRing[b]!; r < buildingRing[b + 1]!; r++) {
      const v0 = ringVertex[r]!, v1 = ringVertex[r + 1]!;
      let a = ringSignedArea(coords, v0, v1);
      const wantPositive = ringHole[r] === 0;
      if ((a > 0) !== wantPositive && a !== 0) {
        reverseRing(coords, v0, v1);
        a = -a;
      }
      // centroid of the ring (signed, so holes subtract)
      const [rcx, rcy] = ringCentroid(coords, v0, v1, a);
      area += a;
      sx += rcx * a;
      sy += rcy * a;
    }
    t.footprintAreaM2[b] = area;
    if (area !== 0) {
      t.cx[b] = sx / area;
      t.cy[b] = sy / area;
    } else {
      const v0 = ringVertex[buildingRing[b]!]!;
      t.cx[b] = coords[2 * v0]!;
      t.cy[b] = coords[2 * v0 + 1]!;
    }
  }
}

/** Area centroid of ring v0..v1 whose signed area is `signedArea` (the first vertex for a zero-area ring). */
export function ringCentroid(coords: ArrayLike<number>, v0: number, v1: number, signedArea: number): [number, number] {
  const ox = coords[2 * v0]!, oy = coords[2 * v0 + 1]!;
  if (signedArea === 0) return [ox, oy];
  let cx = 0, cy = 0;
  let px = coords[2 * (v1 - 1)]! - ox, py = coords[2 * (v1 - 1) + 1]! - oy;
  for (let v = v0; v < v1; v++) {
    const x = coords[2 * v]! - ox, y = coords[2 * v + 1]! - oy;
    const c = px * y - x * py;
    cx += (px + x) * c;
    cy += (py + y) * c;
    px = x;
    py = y;
  }
  return [ox + cx / (6 * signedArea), oy + cy / (6 * signedArea)];
}

/** Bounding box [xmin, ymin, xmax, ymax] of the table's coordinates, in its CRS ([w, s, e, n] when lon/lat). */
export function tableBBox(t: BuildingTable): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const c = t.coords;
  for (let i = 0; i < c.length; i += 2) {
    const x = c[i]!, y = c[i + 1]!;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}
