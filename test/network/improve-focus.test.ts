/**
 * The key-path exchange's focused passes (engine/network/improve.ts onePass): after the first pass only the key paths
 * whose best reconnection can have changed are computed. The claim is exactness: the focused search gives the same
 * tree, edge for edge and pass for pass, as computing every key path in every pass (`focus: false`), on random graphs
 * with one plant and with several, and on Heidelberg's roads; and it computes fewer key paths.
 */
import { describe, expect, it } from 'vitest';
import { chooseWorkingCrs } from '../../engine/crs/index.js';
import { readRoads } from '../../engine/io/roads.js';
import { components } from '../../engine/network/csr.js';
import { keyPathExchange } from '../../engine/network/improve.js';
import { buildRoadGraph } from '../../engine/network/road-graph.js';
import { steinerMehlhorn } from '../../engine/network/steiner.js';
import { data, describeData } from '../helpers/data.js';
import { isSteinerTree, randomGraph, rng } from './helpers.js';

const mask = (n: number, ts: number[]): Uint8Array => {
  const m = new Uint8Array(n);
  for (const t of ts) m[t] = 1;
  return m;
};

describe('focused key-path exchange', () => {
  it('gives the tree of the full passes, edge for edge, on 300 random graphs (one plant and several)', () => {
    const r = rng(11);
    let multiPass = 0;
    let full = 0, focused = 0, heapedFull = 0, heapedFocused = 0;
    for (let k = 0; k < 300; k++) {
      const n = k < 100 ? 60 : k < 250 ? 250 : 800;
      const g = randomGraph(n, Math.floor(n * (0.6 + r())), r);
      const T: number[] = [];
      const want = k < 100 ? 6 + (k % 12) : 20 + (k % 60);
      while (T.length < want) {
        const v = Math.floor(r() * n);
        if (!T.includes(v)) T.push(v);
      }
      const plants = k % 4 === 3 ? T.slice(0, 3) : [T[0]!];
      const group = T.map((_, i) => (i < plants.length ? 0 : i));
      const s = steinerMehlhorn(g, T, { group });
      const isT = mask(g.nodeCount, T);
      const a = keyPathExchange(g, s.edges, isT, plants, { maxPasses: 100, focus: false });
      const b = keyPathExchange(g, s.edges, isT, plants, { maxPasses: 100 });
      expect([...b.edges], `graph ${k}`).toEqual([...a.edges]);
      expect(b.passes).toBe(a.passes);
      expect(b.exchanges).toBe(a.exchanges);
      expect(b.lengthM).toBe(a.lengthM);
      expect(b.evaluated).toBeLessThanOrEqual(a.evaluated);
      if (plants.length === 1) expect(isSteinerTree(g, b.edges, T)).toBe(true);
      if (a.passes > 2) multiPass++;
      full += a.evaluated;
      focused += b.evaluated;
      expect(b.heaped).toBeLessThanOrEqual(a.heaped);
      heapedFull += a.heaped;
      heapedFocused += b.heaped;
    }
    // the cases exercise later passes, and the focus leaves key paths out there, and the heaps of the subtrees
    // no computed key path reads
    expect(multiPass).toBeGreaterThan(30);
    expect(focused).toBeLessThan(full);
    expect(heapedFocused).toBeLessThan(heapedFull);
  });
});

describeData('focused key-path exchange on Heidelberg', () => {
  it('gives the tree of the full passes for 300 and 3,000 terminals spread over the city, computing fewer key paths', async () => {
    const crs = chooseWorkingCrs([8.6, 49.35, 8.75, 49.45]);
    const roads = await readRoads(data('heidelberg/heidelberg.osm.pbf'), { crs });
    const g = buildRoadGraph(roads.lines).csr;
    const comp = components(g);
    let big = 0;
    for (let k = 1; k < comp.count; k++) if (comp.nodes[k]! > comp.nodes[big]!) big = k;
    for (const count of [300, 3000]) {
      const r = rng(5 + count);
      const set = new Set<number>();
      while (set.size < count) {
        const v = Math.floor(r() * g.nodeCount);
        if (comp.label[v] === big) set.add(v);
      }
      const T = [...set];
      const s = steinerMehlhorn(g, T);
      const isT = mask(g.nodeCount, T);
      const a = keyPathExchange(g, s.edges, isT, [T[0]!], { focus: false });
      const b = keyPathExchange(g, s.edges, isT, [T[0]!]);
      expect([...b.edges]).toEqual([...a.edges]);
      expect(b.passes).toBe(a.passes);
      expect(b.passes).toBeGreaterThan(2);
      expect(b.evaluated).toBeLessThan(a.evaluated);
    }
  }, 120_000);
});
