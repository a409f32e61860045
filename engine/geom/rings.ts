/**
 * Planar ring and polygon geometry over flat coordinates, the layout of the building table (engine/buildings/table.ts)
 * and the block layer: one array [x0, y0, x1, y1, ...] holds every vertex; ring r is vertices
 * ringVertex[r] .. ringVertex[r+1]-1; a polygon (or a building) is rings r0 .. r1-1, exterior first, with an optional
 * per-ring hole flag. A standalone ring is just its flat array: the vertex range defaults to all of it.
 *
 * - A closing vertex (last = first) is optional everywhere: it adds a zero-length edge, which changes no result.
 * - Signed areas are positive for counter-clockwise rings with y up (map orientation). The shoelace sum is taken
 *   relative to the ring's first vertex, which keeps precision with large projected coordinates.
 * - Polygon areas are exteriors minus holes (|area| of each ring, so ring orientation does not matter).
 * - Point in ring / polygon is the even-odd crossing test. A point exactly on the boundary is decided by the
 *   half-open rule of that test (with exact coordinates): on a left or bottom edge of an axis-parallel ring it is
 *   inside, on a right or top edge outside, so of a square only the bottom-left corner is inside. Points on slanted
 *   edges are subject to rounding; callers that need "touches" must test edges themselves.
 * - Bounding boxes are [xmin, ymin, xmax, ymax]; an empty range gives [Infinity, Infinity, -Infinity, -Infinity].
 *
 * No Node imports: the viewer may use this module.
 */

/** Flat coordinates [x0, y0, x1, y1, ...]. */
export type FlatCoords = ArrayLike<number>;
/** Flat coordinates that may be written (reversing, orienting). */
export type MutableCoords = { [i: number]: number; readonly length: number };
/** [xmin, ymin, xmax, ymax] */
export type BBox = [number, number, number, number];

const nVertices = (c: FlatCoords): number => c.length >> 1;

/** Shoelace signed area of vertices v0..v1-1 (positive = counter-clockwise with y up); 0 for fewer than 3 vertices. */
export function ringSignedArea(coords: FlatCoords, v0 = 0, v1 = nVertices(coords)): number {
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

/** Absolute area of vertices v0..v1-1. */
export function ringArea(coords: FlatCoords, v0 = 0, v1 = nVertices(coords)): number {
  return Math.abs(ringSignedArea(coords, v0, v1));
}

/**
 * Area centroid of vertices v0..v1-1, given their signed area (computed when omitted); the first vertex for a
 * zero-area ring.
 */
export function ringCentroid(coords: FlatCoords, v0 = 0, v1 = nVertices(coords), signedArea = ringSignedArea(coords, v0, v1)): [number, number] {
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

/** Reverse vertices v0..v1-1 in place. */
export function reverseRing(coords: MutableCoords, v0 = 0, v1 = nVertices(coords)): void {
  for (let i = v0, j = v1 - 1; i < j; i++, j--) {
    const x = coords[2 * i]!, y = coords[2 * i + 1]!;
    coords[2 * i] = coords[2 * j]!;
    coords[2 * i + 1] = coords[2 * j + 1]!;
    coords[2 * j] = x;
    coords[2 * j + 1] = y;
  }
}

/**
 * Orient vertices v0..v1-1 in place: counter-clockwise when `ccw`, else clockwise (a zero-area ring is left as it is).
 * Returns the signed area after orienting (the area before, negated when the ring was reversed).
 */
export function orientRing(coords: MutableCoords, v0: number, v1: number, ccw: boolean): number {
  const a = ringSignedArea(coords, v0, v1);
  if (a !== 0 && a > 0 !== ccw) {
    reverseRing(coords, v0, v1);
    return -a;
  }
  return a;
}

/** Even-odd test of (x, y) against vertices v0..v1-1 (boundary: see the module header). */
export function pointInRing(x: number, y: number, coords: FlatCoords, v0 = 0, v1 = nVertices(coords)): boolean {
  let inside = false;
  if (v1 <= v0) return false;
  let xj = coords[2 * (v1 - 1)]!, yj = coords[2 * (v1 - 1) + 1]!;
  for (let v = v0; v < v1; v++) {
    const xi = coords[2 * v]!, yi = coords[2 * v + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    xj = xi;
    yj = yi;
  }
  return inside;
}

/** Bounding box of vertices v0..v1-1 (for a building or block: ringVertex[r0] .. ringVertex[r1]). */
export function coordsBBox(coords: FlatCoords, v0 = 0, v1 = nVertices(coords)): BBox {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let v = v0; v < v1; v++) {
    const x = coords[2 * v]!, y = coords[2 * v + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

// ---------------------------------------------------------------------------------------------------------------
// Polygons in the flat table layout: rings r0..r1-1 of (coords, ringVertex), holes flagged by ringHole (or, without
// it, every ring after r0)

/** Area, centroid and (optionally) orientation in one pass: the one implementation behind the polygon functions. */
function sweep(
  coords: MutableCoords,
  ringVertex: ArrayLike<number>,
  r0: number,
  r1: number,
  ringHole: ArrayLike<number> | undefined,
  orient: boolean,
  centroid: boolean,
  out: [number, number, number],
): [number, number, number] {
  let area = 0, sx = 0, sy = 0;
  for (let r = r0; r < r1; r++) {
    const v0 = ringVertex[r]!, v1 = ringVertex[r + 1]!;
    const hole = ringHole ? ringHole[r] !== 0 : r > r0;
    const a = orient ? orientRing(coords, v0, v1, !hole) : ringSignedArea(coords, v0, v1);
    // exteriors add, holes subtract, whatever the orientation (oriented rings: w === a)
    const w = hole ? -Math.abs(a) : Math.abs(a);
    area += w;
    if (centroid) {
      const [rcx, rcy] = ringCentroid(coords, v0, v1, a);
      sx += rcx * w;
      sy += rcy * w;
    }
  }
  if (area !== 0) {
    out[0] = sx / area;
    out[1] = sy / area;
  } else {
    const v0 = ringVertex[r0]!;
    out[0] = coords[2 * v0]!;
    out[1] = coords[2 * v0 + 1]!;
  }
  out[2] = area;
  return out;
}

/** Area of the polygon made of rings r0..r1-1: exteriors minus holes. */
export function polygonArea(coords: FlatCoords, ringVertex: ArrayLike<number>, r0: number, r1: number, ringHole?: ArrayLike<number>): number {
  return sweep(coords as MutableCoords, ringVertex, r0, r1, ringHole, false, false, [0, 0, 0])[2];
}

/**
 * Area centroid [x, y, area] of rings r0..r1-1 (holes subtract); the first vertex of ring r0 when the area is 0.
 * `out` avoids an allocation in loops over many polygons.
 */
export function polygonCentroid(
  coords: FlatCoords,
  ringVertex: ArrayLike<number>,
  r0: number,
  r1: number,
  ringHole?: ArrayLike<number>,
  out: [number, number, number] = [0, 0, 0],
): [number, number, number] {
  return sweep(coords as MutableCoords, ringVertex, r0, r1, ringHole, false, true, out);
}

/**
 * Orient rings r0..r1-1 in place (exteriors counter-clockwise, holes clockwise) and return the polygon's
 * [centroid x, centroid y, area] as polygonCentroid does.
 */
export function orientPolygon(
  coords: MutableCoords,
  ringVertex: ArrayLike<number>,
  r0: number,
  r1: number,
  ringHole?: ArrayLike<number>,
  out: [number, number, number] = [0, 0, 0],
): [number, number, number] {
  return sweep(coords, ringVertex, r0, r1, ringHole, true, true, out);
}

/** Even-odd test of (x, y) over all rings r0..r1-1 (several exteriors and their holes; boundary: see the header). */
export function pointInPolygon(x: number, y: number, coords: FlatCoords, ringVertex: ArrayLike<number>, r0: number, r1: number): boolean {
  let inside = false;
  for (let r = r0; r < r1; r++) if (pointInRing(x, y, coords, ringVertex[r]!, ringVertex[r + 1]!)) inside = !inside;
  return inside;
}

// ---------------------------------------------------------------------------------------------------------------
// Polygons as separate flat rings (exterior first, then holes), as readers produce them

/** Exteriors minus holes of polygons given as separate flat rings, each polygon's first ring its exterior. */
export function polygonsArea(polygons: ArrayLike<ArrayLike<number>>[]): number {
  let a = 0;
  for (const poly of polygons) {
    for (let r = 0; r < poly.length; r++) {
      const s = ringArea(poly[r]!);
      a += r === 0 ? s : -s;
    }
  }
  return a;
}

/** Bounding box of several flat coordinate arrays (rings, lines). */
export function partsBBox(parts: ArrayLike<ArrayLike<number>>): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k < parts.length; k++) {
    const [x0, y0, x1, y1] = coordsBBox(parts[k]!);
    if (x0 < b[0]) b[0] = x0;
    if (y0 < b[1]) b[1] = y0;
    if (x1 > b[2]) b[2] = x1;
    if (y1 > b[3]) b[3] = y1;
  }
  return b;
}

/** Bounding box of polygons given as separate flat rings. */
export function polygonsBBox(polygons: ArrayLike<ArrayLike<number>>[]): BBox {
  const rings: ArrayLike<number>[] = [];
  for (const poly of polygons) for (let r = 0; r < poly.length; r++) rings.push(poly[r]!);
  return partsBBox(rings);
}

/** A ring of positions ([[x, y], ...], GeoJSON style) as flat coordinates, closing vertex kept if present. */
export function flatRing(positions: ArrayLike<ArrayLike<number>>): Float64Array {
  const out = new Float64Array(2 * positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    out[2 * i] = p[0]!;
    out[2 * i + 1] = p[1]!;
  }
  return out;
}
