import { chooseWorkingCrs } from '/work/main/engine/crs/index.js';
import { readRoads } from '/work/main/engine/io/roads.js';
import { keyPathExchange } from '/work/main/engine/network/improve.js';
import { planNetwork, type ConsumerInput } from '/work/main/engine/network/plan.js';
import { buildRoadGraph } from '/work/main/engine/network/road-graph.js';
import { steinerMehlhorn } from '/work/main/engine/network/steiner.js';
import { components } from '/work/main/engine/network/csr.js';
function rng(seed: number) { let a = seed >>> 0; return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
const roads = await readRoads('/work/shared/datasets/heidelberg/heidelberg.osm.pbf', { crs: chooseWorkingCrs([8.6, 49.35, 8.75, 49.45]) });
const g = buildRoadGraph(roads.lines).csr;
const comp = components(g); let big = 0; for (let k = 1; k < comp.count; k++) if (comp.nodes[k]! > comp.nodes[big]!) big = k;
const centre = comp.label.findIndex((l) => l === big);
for (const n of [1000, 10000]) {
  const r = rng(7 + n); const radiusM = n >= 5000 ? 4000 : 2000; const out: ConsumerInput[] = [];
  while (out.length < n) { const e = Math.floor(r() * g.edgeCount); const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
    if (comp.label[a] !== big || Math.hypot(g.x[a]! - g.x[centre]!, g.y[a]! - g.y[centre]!) > radiusM) continue;
    const t = r(); const dx = g.x[b]! - g.x[a]!, dy = g.y[b]! - g.y[a]!; const l = Math.hypot(dx, dy) || 1; const off = 10 + 20 * r(); const heat = 30 + 400 * r() * r();
    out.push({ id: `c${out.length}`, x: g.x[a]! + t * dx - (dy / l) * off, y: g.y[a]! + t * dy + (dx / l) * off, heatMWh: heat, peakKw: 1 }); }
  const all = planNetwork({ graph: g, consumers: out }, { minKwPerM: 0, minMwhPerMA: 0, improve: false });
  const sg = all.graph; const terminals = [...new Set([all.plants[0]!.node, ...all.consumers.map((c) => c.node)])];
  const isT = new Uint8Array(sg.nodeCount); for (const v of terminals) isT[v] = 1;
  for (let rep = 0; rep < 6; rep++) {
    const s = steinerMehlhorn(sg, terminals);
    for (const mp of [1, 2, 3, 8]) {
      const t0 = performance.now(); const imp = keyPathExchange(sg, s.edges, isT, [terminals[0]!], { maxPasses: mp }); const dt = performance.now() - t0;
      if (rep === 5) console.log(n, 'maxPasses', mp, 'passes', imp.passes, 'exch', imp.exchanges, 'len', imp.lengthM.toFixed(0), 'ms', dt.toFixed(1), 'tree edges', s.edges.length, 'nodes', sg.nodeCount);
    }
  }
}
