/**
 * The road-graph cache of the route stage (engine/network/graph-cache.ts): on the demo town, the first route call
 * builds the graph and writes road-graph.bin, the second reuses it and gives the identical network.geojson and
 * manifest.route; a damaged or truncated cache is rebuilt with a counted warning, never trusted; other road options
 * or a changed roads file rebuild it without one. The encoding round-trips every array bit for bit.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { demoSteps } from '../../engine/pipeline/demo.js';
import { cachedRoadGraph, decodeRoadGraph, encodeRoadGraph, ROAD_GRAPH_CACHE_VERSION, type RoadsFacts } from '../../engine/network/graph-cache.js';
import { parseCrs } from '../../engine/crs/index.js';
import { Warnings } from '../../engine/util/warnings.js';
import { buildRoadGraph } from '../../engine/network/road-graph.js';
import { FILES } from '../../engine/run/contract.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-graph-cache-'));
const RUN = join(tmp, 'demo');
let routeArgs: string[] = [];

const manifest = () => JSON.parse(readFileSync(join(RUN, FILES.manifest), 'utf8'));
/** manifest.route without what differs between two identical calls (the wall time, how the graph came). */
const routeSummary = () => {
  const { seconds: _s, roads, ...rest } = manifest().route;
  const { graphCache: _g, ...r } = roads;
  return { ...rest, roads: r };
};
/** The network as the route wrote it: network.geojson where the run has it (small networks), else network.fgb. */
const network = () => (existsSync(join(RUN, FILES.network)) ? readFileSync(join(RUN, FILES.network), 'utf8') : readFileSync(join(RUN, 'network.fgb')).toString('base64'));
const route = async (...extra: string[]) => expect(await main([...routeArgs, ...extra, '--quiet']), [...routeArgs, ...extra].join(' ')).toBe(0);

beforeAll(async () => {
  const steps = demoSteps(RUN, undefined);
  const at = steps.findIndex((s) => s[0] === 'route');
  expect(at, 'the demo runs the route stage').toBeGreaterThan(0);
  // the stages the route reads (demand; potential, areas as the demo has them), then the route itself in the tests
  for (const step of steps.slice(0, at)) expect(await main([...step, '--quiet']), step.join(' ')).toBe(0);
  routeArgs = steps[at]!;
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('road graph cached in the run folder', () => {
  let firstNetwork = '';
  let firstSummary: unknown;

  it('the first call builds the graph and writes road-graph.bin; the second reuses it and gives the identical network', async () => {
    expect(existsSync(join(RUN, FILES.roadGraph))).toBe(false);
    await route();
    expect(manifest().route.roads.graphCache).toBe('built');
    expect(existsSync(join(RUN, FILES.roadGraph))).toBe(true);
    firstNetwork = network();
    firstSummary = routeSummary();
    const cacheBytes = readFileSync(join(RUN, FILES.roadGraph));
    await route();
    expect(manifest().route.roads.graphCache).toBe('reused');
    expect(network()).toBe(firstNetwork);
    expect(routeSummary()).toEqual(firstSummary);
    // a reuse does not rewrite the cache
    expect(readFileSync(join(RUN, FILES.roadGraph)).equals(cacheBytes)).toBe(true);
  }, 120_000);

  it('a damaged cache (one payload byte changed) is not trusted: rebuilt with a counted warning, the same network', async () => {
    const file = join(RUN, FILES.roadGraph);
    const b = readFileSync(file);
    b[b.length - 9] ^= 0xff;
    writeFileSync(file, b);
    await route();
    const m = manifest();
    expect(m.route.roads.graphCache).toBe('rebuilt');
    expect(m.route.warnings['road-graph-cache-corrupt']).toBe(1);
    expect(network()).toBe(firstNetwork);
    // rewritten whole: the next call reuses it again, without the warning
    await route();
    expect(manifest().route.roads.graphCache).toBe('reused');
    expect(manifest().route.warnings['road-graph-cache-corrupt']).toBeUndefined();
    expect(routeSummary()).toEqual(firstSummary);
  }, 120_000);

  it('a truncated cache and a file of another kind are rebuilt with the warning', async () => {
    const file = join(RUN, FILES.roadGraph);
    for (const bytes of [readFileSync(file).subarray(0, 1000), Buffer.from('{"not":"a cache"}')]) {
      writeFileSync(file, bytes);
      await route();
      expect(manifest().route.roads.graphCache).toBe('rebuilt');
      expect(manifest().route.warnings['road-graph-cache-corrupt']).toBe(1);
      expect(network()).toBe(firstNetwork);
    }
  }, 120_000);

  it('other road options or a changed roads file rebuild the graph (no warning); the old options then rebuild it again', async () => {
    await route('--exclude-road-classes', 'motorway,trunk,footway,path,steps,cycleway,service');
    expect(manifest().route.roads.graphCache).toBe('rebuilt');
    expect(manifest().route.warnings['road-graph-cache-corrupt']).toBeUndefined();
    await route();
    expect(manifest().route.roads.graphCache).toBe('rebuilt');
    expect(network()).toBe(firstNetwork);
    // the same path with other contents: keyed by the file's sha256, not its name
    const at = routeArgs.indexOf('--roads');
    const roads = join(tmp, 'roads-copy.geojson');
    copyFileSync(routeArgs[at + 1]!, roads);
    const args = routeArgs;
    routeArgs = [...args.slice(0, at + 1), roads, ...args.slice(at + 2)];
    try {
      await route();
      expect(manifest().route.roads.graphCache).toBe('rebuilt');
      await route();
      expect(manifest().route.roads.graphCache).toBe('reused');
      const fc = JSON.parse(readFileSync(roads, 'utf8'));
      fc.features = fc.features.slice(0, -1);
      writeFileSync(roads, JSON.stringify(fc));
      await route();
      expect(manifest().route.roads.graphCache).toBe('rebuilt');
      expect(manifest().route.warnings['road-graph-cache-corrupt']).toBeUndefined();
    } finally {
      routeArgs = args;
    }
  }, 180_000);
});

describe('road-graph cache encoding', () => {
  it('a reused graph counts the read\'s and the build\'s warnings again, as the build did', async () => {
    const run = mkdtempSync(join(tmp, 'warn-'));
    const roads = join(run, 'roads.geojson');
    const l = (c: number[][], hw = 'residential') => ({ type: 'Feature', properties: { highway: hw }, geometry: { type: 'LineString', coordinates: c } });
    writeFileSync(roads, JSON.stringify({ type: 'FeatureCollection', features: [
      l([[142.63, 44.3], [142.632, 44.3]]), l([[142.632, 44.3], [142.632, 44.302]]),
      l([[142.63, 44.3], [142.632, 44.3]]), // the same edge again: counted and dropped
      l([[142.631, 44.301], [142.631, 44.301]]), // one distinct vertex: counted and dropped
      l([[142.63, 44.3], [142.63, 44.31]], 'motorway'), // not a pipe road: left out by class
    ] }));
    const src = { roads, crs: parseCrs('EPSG:6680') };
    const w1 = new Warnings(), w2 = new Warnings();
    const a = await cachedRoadGraph(run, src, { warnings: w1 });
    const b = await cachedRoadGraph(run, src, { warnings: w2 });
    expect([a.origin, b.origin]).toEqual(['built', 'reused']);
    expect(w1.count('road-duplicate-edge')).toBe(1);
    expect(w1.count('road-degenerate-line')).toBe(1);
    expect(w2.list()).toEqual(w1.list());
    expect(b.roads).toEqual(a.roads);
    expect(b.roads.excludedByClass).toEqual({ motorway: 1 });
    expect(b.roadGraph.stats).toEqual(a.roadGraph.stats);
  });

  it('round-trips the CSR arrays, the polylines and numeric and string way ids bit for bit', () => {
    const lines = [
      { id: 7, coords: [0, 0, 100, 0, 200, 0.5] },
      { id: 'way/12', coords: [100, 0, 100, 80, 150, 120] },
      { id: 3.5, coords: [200, 0.5, 100, 80] },
    ];
    const { graph: _g, ...g } = buildRoadGraph(lines);
    const roads: RoadsFacts = { format: 'geojson', sourceCrs: { code: 'EPSG:6680' }, crsAssumed: true, bbox: [0, 0, 200, 120], excludedByClass: { motorway: 2 } };
    const buf = encodeRoadGraph({ version: ROAD_GRAPH_CACHE_VERSION, roads: 'x' }, roads, g, [{ code: 'road-duplicate-edge', count: 2, message: 'm', examples: [{ record: 3, message: 'm' }] }]);
    const { header, roadGraph } = decodeRoadGraph(buf);
    expect(header.roads).toEqual(roads);
    expect(header.warnings[0]).toMatchObject({ code: 'road-duplicate-edge', count: 2 });
    expect(roadGraph.edgeWay).toEqual(g.edgeWay);
    expect(roadGraph.stats).toEqual(g.stats);
    expect(g.edgeWay).toContain('way/12');
    for (const k of ['x', 'y', 'edgeFrom', 'edgeTo', 'edgeLengthM', 'offsets', 'adjNode', 'adjEdge', 'geomOffsets', 'geomXY'] as const) {
      expect([...roadGraph.csr[k]], k).toEqual([...g.csr[k]]);
      expect(roadGraph.csr[k].constructor).toBe(g.csr[k].constructor);
    }
    expect([roadGraph.csr.nodeCount, roadGraph.csr.edgeCount]).toEqual([g.csr.nodeCount, g.csr.edgeCount]);
    // a changed byte anywhere in the arrays is caught by the payload digest
    const bad = Buffer.from(buf);
    bad[bad.length - 20] ^= 1;
    expect(() => decodeRoadGraph(bad)).toThrow(/sha256/);
  });
});
