/**
 * The nearest road segment of each consumer (engine/network/connect.ts nearestTapColumns) against brute force over
 * every segment: the same edge (ties to the lower index), distance, foot point and distance along the edge, within and
 * beyond its first box search, with and without a service-length limit; and a segment within the limit is found where
 * the box-nearest segments all lie beyond it.
 */
import { describe, expect, it } from 'vitest';
import { nearestTapColumns, segmentIndex } from '../../engine/network/connect.js';
import { graphOf, rng } from './helpers.js';

/** Brute force: the nearest segment (straight edges: one segment per edge), ties to the lower edge index. */
function brute(nodes: [number, number][], edges: [number, number][], x: number, y: number): { edge: number; d: number; px: number; py: number; along: number } {
  let best = { edge: -1, d: Infinity, px: NaN, py: NaN, along: 0 };
  edges.forEach(([a, b], e) => {
    const [x0, y0] = nodes[a]!, [x1, y1] = nodes[b]!;
    const dx = x1 - x0, dy = y1 - y0;
    const l2 = dx * dx + dy * dy;
    let t = l2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const px = x0 + t * dx, py = y0 + t * dy;
    const d = Math.hypot(x - px, y - py);
    if (d < best.d) best = { edge: e, d, px, py, along: t * Math.hypot(dx, dy) };
  });
  return best;
}

describe('nearest segment of a point', () => {
  it('equals brute force over every segment, near and far from the network, with and without a limit', () => {
    const r = rng(23);
    for (let trial = 0; trial < 6; trial++) {
      const nodes: [number, number][] = [];
      const edges: [number, number][] = [];
      // streets in one corner of a 2 km square: points elsewhere are beyond the first box search
      const span = trial % 2 ? 300 : 1200;
      for (let i = 0; i < 150; i++) nodes.push([r() * span, r() * span]);
      for (let i = 1; i < nodes.length; i++) edges.push([i, Math.floor(r() * i)]);
      for (let k = 0; k < 60; k++) edges.push([Math.floor(r() * nodes.length), Math.floor(r() * nodes.length)]);
      const g = graphOf(nodes, edges);
      const si = segmentIndex(g);
      const xs: number[] = [], ys: number[] = [];
      // half among the streets, half anywhere in the square
      for (let p = 0; p < 400; p++) {
        xs.push(r() * (p % 2 ? span : 2000));
        ys.push(r() * (p % 2 ? span : 2000));
      }
      // points on a node and on an edge: distance 0, ties between the edges meeting there
      xs.push(nodes[3]![0], (nodes[edges[5]![0]]![0] + nodes[edges[5]![1]]![0]) / 2);
      ys.push(nodes[3]![1], (nodes[edges[5]![0]]![1] + nodes[edges[5]![1]]![1]) / 2);
      for (const limit of [Infinity, 80]) {
        const t = nearestTapColumns(g, si, xs, ys, limit);
        let beyondProbe = 0;
        for (let p = 0; p < xs.length; p++) {
          const b = brute(nodes, edges, xs[p]!, ys[p]!);
          if (b.d > 50) beyondProbe++;
          if (b.d > limit) {
            expect(t.edge[p], `point ${p}`).toBe(-1);
            continue;
          }
          expect(t.edge[p], `point ${p}`).toBe(b.edge);
          expect(t.distM[p]).toBe(b.d);
          expect(t.px[p]).toBeCloseTo(b.px, 9);
          expect(t.py[p]).toBeCloseTo(b.py, 9);
          expect(t.alongM[p]).toBeCloseTo(b.along, 9);
        }
        // both paths of the bound are exercised: points within 50 m of a street and points beyond
        expect(beyondProbe).toBeGreaterThan(50);
        expect(beyondProbe).toBeLessThan(xs.length - 50);
      }
    }
  });

  it('finds a segment within the limit where the four box-nearest segments lie beyond it', () => {
    // four long diagonals whose boxes hold the point (box distance 0) but which pass 100 m from it, and a short
    // street 40 m away: with a 50 m limit the street is the tap
    const d = 100 * Math.SQRT2;
    const nodes: [number, number][] = [
      [-500, -500 + d], [500, 500 + d],
      [-500, -500 - d], [500, 500 - d],
      [-500 + d, -500], [500 + d, 500],
      [-500 - d, -500], [500 - d, 500],
      [-5, 40], [5, 40],
    ];
    const g = graphOf(nodes, [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
    const t = nearestTapColumns(g, segmentIndex(g), [0], [0], 50);
    expect(t.edge[0]).toBe(4);
    expect(t.distM[0]).toBeCloseTo(40, 12);
  });
});
