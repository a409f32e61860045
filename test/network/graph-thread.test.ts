/**
 * The road graph read and built in a worker thread while the route stage reads its buildings
 * (engine/network/graph-cache.ts startRoadGraph, engine/network/graph-worker.ts), on Heidelberg's OSM roads: the same
 * graph array for array, the same warnings and the same cache file bytes as the build in the main thread; a check
 * that fails leaves no cache file; bad roads give the main thread's error; a worker that dies is counted and the
 * graph built again; a cancelled worker stops. And through the route stage: the same network either way.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCrs } from '../../engine/crs/index.js';
import { startRoadGraph, type RoadGraphThread, type RoadsFacts } from '../../engine/network/graph-cache.js';
import { FILES } from '../../engine/run/contract.js';
import { Warnings } from '../../engine/util/warnings.js';
import { main } from '../../engine/cli/main.js';
import { demoSteps } from '../../engine/pipeline/demo.js';
import { data, describeData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-graph-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let k = 0;
const freshRun = (): string => mkdtempSync(join(tmp, `run-${k++}-`));

/** Build Heidelberg's graph in a fresh run folder with `thread`; the result, the warnings and the cache file's bytes. */
async function build(thread: RoadGraphThread, roads = data('heidelberg/heidelberg.osm.pbf'), check?: (r: RoadsFacts) => void) {
  const run = freshRun();
  const warnings = new Warnings();
  const labels: string[] = [];
  const g = await startRoadGraph(run, { roads, crs: parseCrs('EPSG:32632') }, { warnings, thread, onProgress: (_d, _t, l) => l && labels.push(l) }).finish(check);
  const file = join(run, FILES.roadGraph);
  return { g, warnings: warnings.list(), cache: existsSync(file) ? readFileSync(file) : undefined, labels };
}

describeData('road graph in a worker thread, Heidelberg', () => {
  /** the main thread's build, made once for the tests that compare with it */
  let mainBuild: ReturnType<typeof build> | undefined;
  const mainOnce = () => (mainBuild ??= build('never'));

  it('gives the graph, the warnings and the cache file of the main-thread build, bit for bit', async () => {
    const main = await mainOnce();
    const worker = await build('always');
    expect(main.g.thread).toBe(false);
    expect(worker.g.thread, 'the worker thread built it (not the fallback in the main thread)').toBe(true);
    expect(worker.g.origin).toBe('built');
    const a = main.g.roadGraph.csr, b = worker.g.roadGraph.csr;
    expect(b.nodeCount).toBe(a.nodeCount);
    expect(b.edgeCount).toBe(a.edgeCount);
    expect(a.edgeCount).toBeGreaterThan(40_000);
    for (const name of ['x', 'y', 'edgeFrom', 'edgeTo', 'edgeLengthM', 'offsets', 'adjNode', 'adjEdge', 'geomOffsets', 'geomXY'] as const) {
      expect(b[name].constructor, name).toBe(a[name].constructor);
      expect(Buffer.from(b[name].buffer, b[name].byteOffset, b[name].byteLength).equals(Buffer.from(a[name].buffer, a[name].byteOffset, a[name].byteLength)), name).toBe(true);
    }
    expect(worker.g.roadGraph.edgeWay).toEqual(main.g.roadGraph.edgeWay);
    expect(worker.g.roadGraph.stats).toEqual(main.g.roadGraph.stats);
    expect(worker.g.roads).toEqual(main.g.roads);
    expect(worker.warnings).toEqual(main.warnings);
    expect(main.cache && worker.cache && worker.cache.equals(main.cache)).toBe(true);
    // the worker's progress reaches the caller
    expect(worker.labels.length).toBeGreaterThan(0);
  }, 120_000);

  it('a check that fails stops before anything is cached, with the check\'s error', async () => {
    const stop = (r: RoadsFacts) => {
      throw new Error(`no overlap with ${r.format}`);
    };
    for (const thread of ['never', 'always'] as const) {
      const run = freshRun();
      await expect(startRoadGraph(run, { roads: data('heidelberg/heidelberg.osm.pbf'), crs: parseCrs('EPSG:32632') }, { warnings: new Warnings(), thread }).finish(stop)).rejects.toThrow('no overlap with osm-pbf');
      expect(existsSync(join(run, FILES.roadGraph)), thread).toBe(false);
    }
  }, 120_000);

  it('a worker that dies is counted (road-graph-thread-failed) and the graph built in the main thread, the same', async () => {
    const main = await mainOnce();
    process.env.HEATPLAN_GRAPH_THREAD_CRASH = '1';
    try {
      const died = await build('always');
      expect(died.g.thread).toBe(false);
      expect(died.warnings.find((w) => w.code === 'road-graph-thread-failed')?.count).toBe(1);
      expect(died.warnings.find((w) => w.code === 'road-graph-thread-failed')?.examples[0]?.message).toMatch(/exit code 86/);
      expect(died.warnings.filter((w) => w.code !== 'road-graph-thread-failed')).toEqual(main.warnings);
      expect(died.cache && main.cache && died.cache.equals(main.cache)).toBe(true);
    } finally {
      delete process.env.HEATPLAN_GRAPH_THREAD_CRASH;
    }
  }, 120_000);

  it('a cancelled worker stops and writes nothing', async () => {
    const run = freshRun();
    const s = startRoadGraph(run, { roads: data('heidelberg/heidelberg.osm.pbf'), crs: parseCrs('EPSG:32632') }, { warnings: new Warnings(), thread: 'always' });
    // let the cache lookup start the worker, then stop it
    await new Promise((r) => setTimeout(r, 300));
    await s.cancel();
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(run, FILES.roadGraph))).toBe(false);
  }, 60_000);
});

describe('road graph in a worker thread, bad roads', () => {
  it('a damaged roads file gives the main thread\'s error, with file and record, and no cache file', async () => {
    const bad = join(tmp, 'bad-roads.geojson');
    writeFileSync(bad, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[135.5,34.6],[135.51,NaN]]}}]}');
    const errors: string[] = [];
    for (const thread of ['never', 'always'] as const) {
      const run = freshRun();
      const e = await startRoadGraph(run, { roads: bad, crs: parseCrs('EPSG:6674') }, { warnings: new Warnings(), thread }).finish().catch((x: Error) => x);
      expect(e, thread).toBeInstanceOf(Error);
      errors.push(`${(e as Error).name}: ${(e as Error).message}`);
      expect(existsSync(join(run, FILES.roadGraph)), thread).toBe(false);
    }
    expect(errors[1]).toBe(errors[0]);
    expect(errors[0]).toContain(bad);
  }, 60_000);

  it('the route stage gives the same network and summary with the graph built in a thread or not (the demo town)', async () => {
    const run = join(tmp, 'demo');
    const steps = demoSteps(run, undefined);
    const at = steps.findIndex((s) => s[0] === 'route');
    for (const step of steps.slice(0, at)) expect(await main([...step, '--quiet']), step.join(' ')).toBe(0);
    const { runRouteStage } = await import('../../engine/network/stage.js');
    const manifest = JSON.parse(readFileSync(join(run, FILES.manifest), 'utf8'));
    const args = steps[at]!;
    const roads = args[args.indexOf('--roads') + 1]!;
    const out: string[] = [];
    for (const thread of ['never', 'always'] as const) {
      rmSync(join(run, FILES.roadGraph), { force: true });
      const r = await runRouteStage({ run, roads, roadGraphThread: thread }, manifest.crs);
      const { seconds: _s, ...summary } = r.summary;
      // the features iterated (a lazy list: JSON.stringify of it alone would say {})
      const features = [...r.geojson.features];
      expect(features.length).toBeGreaterThan(100);
      out.push(JSON.stringify({ summary, properties: r.geojson.properties, features }));
    }
    expect(out[1]).toBe(out[0]);
  }, 300_000);
});
