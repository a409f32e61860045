/**
 * splitAtTaps (engine/network/connect.ts) writes the split graph into typed arrays (issue 18: a city splits half a
 * million edges at a million taps). Its result must be the one of the straightforward version it replaced, array for
 * array and bit for bit: that version is kept here as the reference (per-edge lists, per-piece coordinate arrays,
 * buildCsr), and both are run on Heidelberg's OSM roads with taps from points scattered over the town (many taps per
 * edge, taps within the merge distance of each other and of the edge ends, points beyond the service length) and on
 * random graphs whose edges are straight or polylines.
 */
import { describe, expect, it } from 'vitest';
import { parseCrs } from '../../engine/crs/index.js';
import { buildRoadGraphOf } from '../../engine/network/graph-cache.js';
import { buildCsr, type CsrGraph } from '../../engine/network/csr.js';
import { nearestTapColumns, segmentIndex, splitAtTaps, tapColumns, type Tap, type TapColumns } from '../../engine/network/connect.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';
import { randomGraph, rng } from './helpers.js';

/** The version splitAtTaps replaced (engine/network/connect.ts before the typed arrays), as the reference. */
function referenceSplit(g: CsrGraph, tapsIn: Tap[] | TapColumns, mergeM = 0.5): { graph: CsrGraph; tapNode: Int32Array; origEdge: Uint32Array } {
  const taps = Array.isArray(tapsIn) ? tapColumns(tapsIn) : (tapsIn as TapColumns);
  const byEdge = new Map<number, number[]>();
  for (let i = 0; i < taps.length; i++) {
    const e = taps.edge[i]!;
    if (e < 0) continue;
    let l = byEdge.get(e);
    if (!l) byEdge.set(e, (l = []));
    l.push(i);
  }
  const x: number[] = Array.from(g.x);
  const y: number[] = Array.from(g.y);
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const geometry: number[][] = [];
  const origEdge: number[] = [];
  const tapNode = new Int32Array(taps.length).fill(-1);
  const xy = g.geomXY;
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.geomOffsets[e]!, b = g.geomOffsets[e + 1]!;
    const list = byEdge.get(e);
    if (!list) {
      from.push(g.edgeFrom[e]!);
      to.push(g.edgeTo[e]!);
      len.push(g.edgeLengthM[e]!);
      geometry.push(Array.from(xy.subarray(2 * a, 2 * b)));
      origEdge.push(e);
      continue;
    }
    const cum = [0];
    for (let i = a; i < b - 1; i++) cum.push(cum[cum.length - 1]! + Math.hypot(xy[2 * i + 2]! - xy[2 * i]!, xy[2 * i + 3]! - xy[2 * i + 1]!));
    const total = cum[cum.length - 1]!;
    const scale = total > 0 ? g.edgeLengthM[e]! / total : 1;
    list.sort((p, q) => taps.alongM[p]! - taps.alongM[q]!);
    const cuts: { along: number; node: number; px: number; py: number }[] = [];
    for (const ti of list) {
      const along = taps.alongM[ti]!, tpx = taps.px[ti]!, tpy = taps.py[ti]!;
      if (along <= mergeM) tapNode[ti] = g.edgeFrom[e]!;
      else if (total - along <= mergeM) tapNode[ti] = g.edgeTo[e]!;
      else {
        const lastCut = cuts[cuts.length - 1];
        if (lastCut && along - lastCut.along <= mergeM) tapNode[ti] = lastCut.node;
        else {
          const node = x.length;
          x.push(tpx);
          y.push(tpy);
          cuts.push({ along, node, px: tpx, py: tpy });
          tapNode[ti] = node;
        }
      }
    }
    let prevNode = g.edgeFrom[e]!;
    let prevAlong = 0;
    let seg: number[] = [xy[2 * a]!, xy[2 * a + 1]!];
    let vi = 1;
    const pushPiece = (endNode: number, endAlong: number, ex: number, ey: number): void => {
      seg.push(ex, ey);
      from.push(prevNode);
      to.push(endNode);
      len.push((endAlong - prevAlong) * scale);
      geometry.push(seg);
      origEdge.push(e);
      prevNode = endNode;
      prevAlong = endAlong;
      seg = [ex, ey];
    };
    for (const c of cuts) {
      while (vi < b - a && cum[vi]! < c.along) {
        seg.push(xy[2 * (a + vi)]!, xy[2 * (a + vi) + 1]!);
        vi++;
      }
      pushPiece(c.node, c.along, c.px, c.py);
    }
    while (vi < b - a - 1) {
      seg.push(xy[2 * (a + vi)]!, xy[2 * (a + vi) + 1]!);
      vi++;
    }
    pushPiece(g.edgeTo[e]!, total, xy[2 * (b - 1)]!, xy[2 * (b - 1) + 1]!);
  }
  const graph = buildCsr({ x, y, from, to, lengthM: len, geometry });
  return { graph, tapNode, origEdge: Uint32Array.from(origEdge) };
}

const ARRAYS = ['x', 'y', 'edgeFrom', 'edgeTo', 'edgeLengthM', 'offsets', 'adjNode', 'adjEdge', 'geomOffsets', 'geomXY'] as const;

/** Both splits of `g` at the taps of points (xs, ys); every array compared by its bytes. */
function expectSameSplit(g: CsrGraph, xs: Float64Array, ys: Float64Array, maxDistM: number, mergeM: number): { taps: number; newNodes: number } {
  const taps = nearestTapColumns(g, segmentIndex(g), xs, ys, maxDistM);
  const got = splitAtTaps(g, taps, mergeM);
  const want = referenceSplit(g, taps, mergeM);
  expect(got.graph.nodeCount).toBe(want.graph.nodeCount);
  expect(got.graph.edgeCount).toBe(want.graph.edgeCount);
  for (const k of ARRAYS) {
    const a = got.graph[k], b = want.graph[k];
    expect(a.constructor, k).toBe(b.constructor);
    expect(a.length, k).toBe(b.length);
    expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), k).toBe(true);
  }
  expect([...got.tapNode]).toEqual([...want.tapNode]);
  expect([...got.origEdge]).toEqual([...want.origEdge]);
  let n = 0;
  for (let i = 0; i < taps.length; i++) if (taps.edge[i]! >= 0) n++;
  return { taps: n, newNodes: got.graph.nodeCount - g.nodeCount };
}

describe('splitAtTaps against the reference split', () => {
  it('gives the reference graph, node numbers and edge origins on random graphs (straight and polyline edges)', () => {
    const r = rng(31);
    let newNodes = 0;
    for (let k = 0; k < 30; k++) {
      const n = 20 + Math.floor(r() * 200);
      const straight = randomGraph(n, Math.floor(n * (0.3 + r())), r);
      // the same graph with a kinked polyline per edge (a vertex off the chord), so that cuts fall between vertices
      const geometry = Array.from({ length: straight.edgeCount }, (_, e) => {
        const a = straight.edgeFrom[e]!, b = straight.edgeTo[e]!;
        const mx = (straight.x[a]! + straight.x[b]!) / 2 + (r() - 0.5) * 4, my = (straight.y[a]! + straight.y[b]!) / 2 + (r() - 0.5) * 4;
        return [straight.x[a]!, straight.y[a]!, mx, my, straight.x[b]!, straight.y[b]!];
      });
      const kinked = buildCsr({ x: straight.x, y: straight.y, from: straight.edgeFrom, to: straight.edgeTo, lengthM: straight.edgeLengthM, geometry });
      for (const g of [straight, kinked]) {
        const m = Math.floor(r() * 300);
        const xs = new Float64Array(m), ys = new Float64Array(m);
        for (let i = 0; i < m; i++) {
          // points copied with a few centimetres' offset now and then: taps within the merge distance of each other
          const j = i > 0 && r() < 0.2 ? i - 1 : -1;
          xs[i] = j >= 0 ? xs[j]! + r() * 0.3 : r() * 120 - 10;
          ys[i] = j >= 0 ? ys[j]! + r() * 0.3 : r() * 120 - 10;
        }
        newNodes += expectSameSplit(g, xs, ys, 2 + r() * 10, r() < 0.3 ? 0 : 0.5).newNodes;
      }
    }
    expect(newNodes).toBeGreaterThan(1000);
  });
});

describeData('splitAtTaps against the reference split, Heidelberg', () => {
  it("gives the reference graph on Heidelberg's roads with 40,000 points scattered over the town", async () => {
    const { roadGraph } = await buildRoadGraphOf({ roads: data('heidelberg/heidelberg.osm.pbf'), crs: parseCrs('EPSG:32632') }, new Warnings());
    const g = roadGraph.csr;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let v = 0; v < g.nodeCount; v++) {
      x0 = Math.min(x0, g.x[v]!), x1 = Math.max(x1, g.x[v]!);
      y0 = Math.min(y0, g.y[v]!), y1 = Math.max(y1, g.y[v]!);
    }
    const r = rng(7);
    const m = 40_000;
    const xs = new Float64Array(m), ys = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      // half near a road node (taps at and around edge ends), half anywhere in the town's box
      if (i % 2) {
        const v = Math.floor(r() * g.nodeCount);
        xs[i] = g.x[v]! + (r() - 0.5) * 4;
        ys[i] = g.y[v]! + (r() - 0.5) * 4;
      } else {
        xs[i] = x0 + r() * (x1 - x0);
        ys[i] = y0 + r() * (y1 - y0);
      }
    }
    const s = expectSameSplit(g, xs, ys, 150, 0.5);
    expect(s.taps).toBeGreaterThan(20_000);
    expect(s.newNodes).toBeGreaterThan(10_000);
  }, 120_000);
});
