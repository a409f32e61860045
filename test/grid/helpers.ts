/** Test-local helpers for grid tests: building tables from plain rings, a seeded RNG, random simple polygons. */
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, type BuildingTable, type FlatPolygon } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { seededRandom } from '../../engine/util/random.js';

export const CRS_6677 = { ...lookupEpsg(6677)! };

/** A table in EPSG:6677 from buildings given as lists of polygons (exterior then holes, flat x,y rings). */
export function tableOf(buildings: FlatPolygon[][], ids?: string[]): BuildingTable {
  const b = new BuildingTableBuilder(CRS_6677);
  b.beginFile('test.geojson', 'test');
  buildings.forEach((polys, i) => b.add({ id: ids?.[i] ?? `b${i}` }, polys));
  const t = b.finish();
  computeFootprints(t);
  return t;
}

/** Axis-aligned rectangle ring [x0,y0,x1,y1] (orientation fixed later by computeFootprints). */
export const rect = (xa: number, ya: number, xb: number, yb: number): number[] => [xa, ya, xb, ya, xb, yb, xa, yb];

export const rng = seededRandom;

/** A random star-shaped (hence simple) polygon around (cx, cy): nv vertices at sorted angles, radii in [rMin, rMax]. */
export function randomStar(r: () => number, cx: number, cy: number, nv: number, rMin: number, rMax: number, evenAngles = false): number[] {
  // evenAngles: jittered angles, every gap < 180° so (cx, cy) lies inside the ring
  const angles = evenAngles
    ? Array.from({ length: nv }, (_, k) => ((k + 0.45 * r()) * 2 * Math.PI) / nv)
    : Array.from({ length: nv }, () => r() * 2 * Math.PI).sort((a, b) => a - b);
  const ring: number[] = [];
  for (const a of angles) {
    const rad = rMin + (rMax - rMin) * r();
    ring.push(cx + rad * Math.cos(a), cy + rad * Math.sin(a));
  }
  return ring;
}
