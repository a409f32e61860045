/**
 * Footprint polygons from CityGML geometry: ring cleaning with counted problems, the ground of an LOD1 solid,
 * and lon/lat areas used only as relative weights.
 */
import { cleanRing, ringSelfIntersects, type RingProblem } from '../../buildings/geometry.js';
import { polygonsArea } from '../../geom/rings.js';
import type { RawPolygon } from './gml-geometry.js';

/** A cleaned polygon: exterior ring then holes, flat x,y without closing vertex. */
export type CleanPolygon = number[][];

export interface CleanResult {
  polygon?: CleanPolygon;
  /** Why the exterior ring was rejected. */
  problem?: RingProblem;
  /** Holes rejected by cleanRing (the polygon is kept without them). */
  holesDropped: number;
}

/** Clean every ring of `p` with cleanRing; a failing exterior rejects the polygon, a failing hole only itself. */
export function cleanPolygon(p: RawPolygon): CleanResult {
  const ext = cleanRing(p.rings[0] ?? []);
  if (typeof ext === 'string') return { problem: ext, holesDropped: 0 };
  const out: CleanPolygon = [ext];
  let holesDropped = 0;
  for (let r = 1; r < p.rings.length; r++) {
    const h = cleanRing(p.rings[r]!);
    if (typeof h === 'string') holesDropped++;
    else out.push(h);
  }
  return { polygon: out, holesDropped };
}

/**
 * The ground of an LOD1 solid: the polygons whose vertices all lie within `toleranceM` of the solid's lowest z
 * (PLATEAU's LOD1 solids are extruded footprints, so this is the footprint at terrain height).
 */
export function solidGround(polys: RawPolygon[], toleranceM: number): RawPolygon[] {
  let zMin = Infinity;
  for (const p of polys) if (p.zMin < zMin) zMin = p.zMin;
  if (!Number.isFinite(zMin)) return [];
  return polys.filter((p) => p.zMax <= zMin + toleranceM);
}

/** Whether any ring of the polygons crosses itself (unchecked rings above 2,000 vertices count as not crossing). */
export function polygonsSelfIntersect(polys: CleanPolygon[]): boolean {
  for (const poly of polys) for (const ring of poly) if (ringSelfIntersects(ring, 0, ring.length / 2) === true) return true;
  return false;
}

/** |Area| of the polygons in their own units (degrees² for lon/lat): a relative weight only. */
export function planarArea(polys: CleanPolygon[]): number {
  return Math.abs(polygonsArea(polys));
}
