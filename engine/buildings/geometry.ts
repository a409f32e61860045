/**
 * Footprint geometry on the building table: ring cleaning, projection, areas, orientation, centroids. The ring
 * arithmetic (areas, centroids, orientation, boxes) is engine/geom/rings.ts.
 */
import { transformFlat, type Crs } from '../crs/index.js';
import { CrsError } from '../errors.js';
import { coordsBBox, orientPolygon } from '../geom/rings.js';
import type { Warnings } from '../util/warnings.js';
import { subsetTable, type BuildingTable } from './table.js';

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

/** Why (x, y) is not a lon/lat position (a non-finite number, out of range), or undefined when it is one. */
export function notLonLat(x: number, y: number): string | undefined {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return 'a coordinate is not a finite number';
  if (Math.abs(x) > 180 || Math.abs(y) > 90) return 'outside |lon| <= 180, |lat| <= 90';
  return undefined;
}

/** The CrsError 'not-lonlat' for coordinates read or held as lon/lat that are not: file, record, value, what to do. */
export function notLonLatError(
  why: string,
  ctx: { file?: string; record?: string | number; value: [number, number]; detail?: string; hint?: string; action?: string },
): CrsError {
  const action = ctx.action ?? "pass --source-crs (sourceCrs) with the file's CRS";
  return new CrsError('not-lonlat', `not lon/lat: ${action}: ${why}${ctx.detail ? ` (${ctx.detail})` : ''}`, {
    file: ctx.file,
    record: ctx.record,
    value: ctx.value.map((v) => (Number.isFinite(v) ? v : String(v))),
    hint: ctx.hint ?? 'the coordinates are not longitude/latitude degrees: give the CRS they are in (--source-crs EPSG:N for shapefile/GeoJSON), or fix the record',
  });
}

/**
 * Throw notLonLatError for the first building of a lon/lat table with a coordinate that is not a finite lon/lat
 * position (every reader checks its own records; this is the last check before projection, where proj4 would fail
 * with a TypeError or turn the value into nonsense).
 */
export function checkLonLatTable(t: BuildingTable): void {
  if (!t.crs.geographic) return;
  const c = t.coords;
  for (let i = 0; i < c.length; i += 2) {
    const why = notLonLat(c[i]!, c[i + 1]!);
    if (why === undefined) continue;
    const b = buildingOfVertex(t, i / 2);
    throw notLonLatError(why, { file: t.files[t.fileIndex[b]!], record: t.id[b], value: [c[i]!, c[i + 1]!], detail: `the building table is lon/lat, ${t.crs.code}` });
  }
}

/** The building owning vertex v (binary search over the ring and building offsets). */
function buildingOfVertex(t: BuildingTable, v: number): number {
  const upper = (a: Uint32Array, x: number, n: number) => {
    let lo = 0, hi = n;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (a[m + 1]! <= x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const ring = upper(t.ringVertex, v, t.ringVertex.length - 1);
  return upper(t.buildingRing, ring, t.count);
}

/**
 * Project the table's coordinates into `target` (in place), then orient rings (exteriors CCW, holes CW) and compute
 * footprint area (m², exteriors minus holes) and area-weighted centroids. A lon/lat table is checked first
 * (checkLonLatTable: CrsError 'not-lonlat' naming the file and record).
 */
export function projectTable(t: BuildingTable, target: Crs): void {
  checkLonLatTable(t);
  // one batch over the whole flat coordinate array (engine/crs/flat.ts), in place
  transformFlat(t.crs, target, t.coords, t.coords);
  t.crs = target;
  computeFootprints(t);
}

/**
 * Largest footprint extent a building can have, m: the longer side of its bounding box. A safety bound, not a
 * measured quantity: the longest buildings are of the order of 2 km (Kansai International Airport's Terminal 1 is
 * about 1.7 km long; the largest factory halls are of the same order), and 10 km is several times that, so no real
 * building is dropped, while a footprint that is a coordinate error is: a wrong CRS, a ring crossing the antimeridian
 * (in lon/lat it spans the globe), a stray vertex, a building projected far outside its CRS's zone. Such a footprint
 * would stretch the grid over thousands of kilometres and give its building an absurd floor area and demand.
 */
export const MAX_FOOTPRINT_SPAN_M = 10_000;

/** Metres per degree of latitude (mean), for the lon/lat extent of a footprint (a size check, not a measurement). */
const M_PER_DEG = 111_320;

/**
 * The table without buildings whose footprint is not one a building can have: an extent (longer side of the
 * bounding box) above `maxSpanM`, or (projected tables) a coordinate the projection made non-finite. Each is dropped
 * with a counted warning naming the file and record ('footprint-too-large', 'footprint-not-projectable'). A lon/lat
 * table is measured in approximate metres (degrees x 111.32 km, longitude x cos(latitude)), so the check works
 * before projection too (a ring crossing the antimeridian spans 360° of longitude). Returns `t` itself when nothing
 * is dropped.
 */
export function dropImplausibleFootprints(t: BuildingTable, warnings: Warnings, maxSpanM = MAX_FOOTPRINT_SPAN_M): BuildingTable {
  const keep = plausibleFootprints(t, warnings, maxSpanM);
  return keep ? subsetTable(t, keep) : t;
}

/** dropImplausibleFootprints' test: the indices of the buildings to keep, or undefined when all are kept. */
export function plausibleFootprints(t: BuildingTable, warnings: Warnings, maxSpanM = MAX_FOOTPRINT_SPAN_M): number[] | undefined {
  const { coords, ringVertex, buildingRing } = t;
  const geographic = t.crs.geographic;
  const keep: number[] = [];
  for (let b = 0; b < t.count; b++) {
    const v0 = ringVertex[buildingRing[b]!]!, v1 = ringVertex[buildingRing[b + 1]!]!;
    let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity, finite = true;
    for (let v = v0; v < v1; v++) {
      const x = coords[2 * v]!, y = coords[2 * v + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        finite = false;
        break;
      }
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
    const where = { file: t.files[t.fileIndex[b]!], record: t.id[b] };
    if (!finite) {
      warnings.add('footprint-not-projectable', `footprint has coordinates the projection into ${t.crs.code} cannot represent (too far from the CRS's area); building dropped`, where);
      continue;
    }
    const cos = geographic ? Math.max(Math.cos((((ymin + ymax) / 2) * Math.PI) / 180), 0) : 1;
    const dx = (xmax - xmin) * (geographic ? M_PER_DEG * cos : 1), dy = (ymax - ymin) * (geographic ? M_PER_DEG : 1);
    const span = Math.max(dx, dy);
    if (span > maxSpanM) {
      const why = geographic && xmax - xmin > 180 ? 'the ring crosses the antimeridian (180°), so in lon/lat it spans the globe' : 'a coordinate error (wrong CRS, stray vertex)';
      warnings.add('footprint-too-large', `footprint extent is above ${maxSpanM / 1000} km, larger than any building (MAX_FOOTPRINT_SPAN_M): a coordinate error (wrong CRS, a ring crossing the antimeridian, a stray vertex); building dropped`, {
        ...where,
        message: `extent ${(span / 1000).toFixed(1)} km${geographic ? ' (lon/lat, approximate)' : ` in ${t.crs.code}`}: ${why}`,
      });
      continue;
    }
    keep.push(b);
  }
  return keep.length === t.count ? undefined : keep;
}

/** The first vertex of every building, [x0, y0, x1, y1, ...] in the table's CRS (lon/lat before projection). */
export function firstVertices(t: BuildingTable): Float64Array {
  const out = new Float64Array(2 * t.count);
  for (let b = 0; b < t.count; b++) {
    const v = t.ringVertex[t.buildingRing[b]!]!;
    out[2 * b] = t.coords[2 * v]!;
    out[2 * b + 1] = t.coords[2 * v + 1]!;
  }
  return out;
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
