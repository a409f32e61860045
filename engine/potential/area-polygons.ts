/**
 * Outlines of labelled cell regions as polygons: the boundary edges between a region's cells and the rest are chained
 * into rings, exteriors counter-clockwise and holes clockwise (RFC 7946), in grid CRS metres. Where two cells of a
 * region touch only at a corner the walk turns towards the region, so every ring is simple and such parts become
 * separate polygons of one MultiPolygon.
 */
import { flatRing, pointInRing, ringSignedArea } from '../geom/rings.js';
import type { GridSpec } from '../grid/grid.js';

/** [x, y] positions in grid CRS metres. */
export type Ring = [number, number][];
/** Polygons (each: exterior ring, then holes) per label 1..count. */
export type LabelPolygons = Ring[][][];

// directions on the vertex lattice (col right, row down), in counter-clockwise order as seen on a map (y up)
const DC = [1, 0, -1, 0]; // E, N, W, S
const DR = [0, -1, 0, 1];

/** Polygons of every label 1..count of `labels` (row-major over `grid`, 0 = none). */
export function labelPolygons(grid: GridSpec, labels: Int32Array, count: number): LabelPolygons {
  const { width: w, height: h, x0, y0, cellSize: cs } = grid;
  const vw = w + 1;
  // 4 direction bits of outgoing boundary edges per lattice vertex
  const out = new Uint8Array(vw * (h + 1));
  const lab = (c: number, r: number) => (c < 0 || r < 0 || c >= w || r >= h ? 0 : labels[r * w + c]!);
  const vertexLabel = new Int32Array(vw * (h + 1));
  const add = (c: number, r: number, dir: number, l: number) => {
    const v = r * vw + c;
    out[v] |= 1 << dir;
    vertexLabel[v] = l;
  };
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const l = labels[r * w + c]!;
      if (!l) continue;
      // interior on the left when walking counter-clockwise (map orientation)
      if (lab(c, r + 1) !== l) add(c, r + 1, 0, l); // bottom side, going east
      if (lab(c + 1, r) !== l) add(c + 1, r + 1, 1, l); // right side, going north
      if (lab(c, r - 1) !== l) add(c + 1, r, 2, l); // top side, going west
      if (lab(c - 1, r) !== l) add(c, r, 3, l); // left side, going south
    }
  }
  const rings: { label: number; ring: Ring; area: number; probe: [number, number] }[] = [];
  for (let v0 = 0; v0 < out.length; v0++) {
    while (out[v0]) {
      let d0 = 0;
      while (!(out[v0]! & (1 << d0))) d0++;
      const label = vertexLabel[v0]!;
      const ring: Ring = [];
      let v = v0;
      let d = d0;
      out[v] &= ~(1 << d);
      const c0 = v0 % vw;
      const r0 = (v0 - c0) / vw;
      ring.push([x0 + c0 * cs, y0 - r0 * cs]);
      for (;;) {
        v = v + DR[d]! * vw + DC[d]!;
        const bits = out[v]!;
        // prefer left turn, then straight, then right; the start edge counts as available to close the ring
        let next = -1;
        for (const nd of [(d + 1) & 3, d, (d + 3) & 3]) {
          if (bits & (1 << nd) || (v === v0 && nd === d0)) {
            next = nd;
            break;
          }
        }
        if (next < 0) throw new Error(`area outline: open boundary at vertex ${v}`);
        if (v === v0 && next === d0) break;
        if (next !== d) {
          const c = v % vw;
          ring.push([x0 + c * cs, y0 - ((v - c) / vw) * cs]);
        }
        out[v] &= ~(1 << next);
        d = next;
      }
      // the start vertex may be mid-edge; drop it when it is not a corner
      if (ring.length > 2) {
        const a = ring[ring.length - 1]!;
        const b = ring[0]!;
        const c = ring[1]!;
        if ((a[0] === b[0] && b[0] === c[0]) || (a[1] === b[1] && b[1] === c[1])) ring.shift();
      }
      // a ring through a vertex twice (a region closing a loop through a corner contact) is cut there into simple rings
      for (const part of splitAtRepeats(ring)) {
        part.push([part[0]![0], part[0]![1]]);
        rings.push({ label, ring: part, area: ringSignedArea(flatRing(part)), probe: rightOfFirstEdge(part, cs) });
      }
    }
  }
  const result: LabelPolygons = Array.from({ length: count + 1 }, () => []);
  const holes: typeof rings = [];
  for (const r of rings) {
    if (r.area > 0) result[r.label]!.push([r.ring]);
    else holes.push(r);
  }
  for (const hole of holes) {
    const polys = result[hole.label]!;
    let host = polys.length === 1 ? polys[0] : polys.find((p) => pointInRing(hole.probe[0], hole.probe[1], flatRing(p[0]!)));
    if (!host) host = polys[0];
    host?.push(hole.ring);
  }
  return result;
}

/** Cut a closed vertex loop (no closing duplicate) at repeated vertices into loops that visit each vertex once. */
function splitAtRepeats(ring: Ring): Ring[] {
  const out: Ring[] = [];
  const stack: [number, number][] = [];
  const pos = new Map<string, number>();
  for (const p of [...ring, ring[0]!]) {
    const k = `${p[0]},${p[1]}`;
    const at = pos.get(k);
    if (at !== undefined) {
      const loop = stack.splice(at);
      for (const q of loop) pos.delete(`${q[0]},${q[1]}`);
      if (loop.length >= 3) out.push(loop);
    }
    pos.set(k, stack.length);
    stack.push(p);
  }
  return out;
}

/** Centre of the cell to the right of the ring's first edge (outside the region: inside the hole for a hole ring). */
function rightOfFirstEdge(ring: Ring, cs: number): [number, number] {
  const [ax, ay] = ring[0]!;
  const [bx, by] = ring[1]!;
  const len = Math.hypot(bx - ax, by - ay);
  const ux = (bx - ax) / len, uy = (by - ay) / len;
  // half a cell along the edge from its start, half a cell to its right (map orientation: right of (ux, uy) = (uy, -ux))
  return [ax + ux * cs * 0.5 + uy * cs * 0.5, ay + uy * cs * 0.5 - ux * cs * 0.5];
}

/**
 * Area of polygons in m²: the sum of the rings' signed areas, which is exteriors minus holes for rings oriented as
 * labelPolygons orients them (and shows a wrongly oriented ring by its sign).
 */
export function polygonsAreaM2(polys: Ring[][]): number {
  let a = 0;
  for (const p of polys) for (const r of p) a += ringSignedArea(flatRing(r));
  return a;
}
