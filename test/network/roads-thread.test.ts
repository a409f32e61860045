/**
 * roads.geojson written in a worker thread (engine/network/roads-write.ts, roads-worker.ts) on Heidelberg's road
 * graph: the same bytes as the main thread's write; a worker that dies is counted and the file written again; a path
 * that cannot be written gives the main thread's error; a cancelled worker leaves no file at the path.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCrs, type Crs } from '../../engine/crs/index.js';
import { readRoads } from '../../engine/io/roads.js';
import type { CsrGraph } from '../../engine/network/csr.js';
import { buildRoadGraph } from '../../engine/network/road-graph.js';
import { startRoadsGeojson } from '../../engine/network/roads-write.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-roads-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeData('roads.geojson in a worker thread, Heidelberg', () => {
  let g: CsrGraph;
  let crs: Crs;
  beforeAll(async () => {
    crs = parseCrs('EPSG:32632');
    g = buildRoadGraph((await readRoads(data('heidelberg/heidelberg.osm.pbf'), { crs })).lines).csr;
  }, 120_000);

  const write = async (name: string, thread: 'always' | 'never') => {
    const warnings = new Warnings();
    const path = join(tmp, name);
    await startRoadsGeojson(path, g, crs, { warnings, thread }).finish();
    return { bytes: readFileSync(path), warnings: warnings.list() };
  };

  it('writes the bytes the main thread writes, and leaves the graph usable', async () => {
    const here = await write('here.geojson', 'never');
    const x0 = g.x[0];
    const there = await write('there.geojson', 'always');
    expect(g.edgeCount).toBeGreaterThan(40_000);
    expect(there.bytes.equals(here.bytes)).toBe(true);
    expect(there.warnings).toEqual([]);
    // the arrays were copied to the thread, not moved: still here
    expect(g.x.length).toBe(g.nodeCount);
    expect(g.x[0]).toBe(x0);
    const fc = JSON.parse(there.bytes.toString('utf8'));
    expect(fc.features.length).toBe(g.edgeCount);
  }, 120_000);

  it('a worker that dies is counted (roads-thread-failed) and the file written here, the same bytes', async () => {
    const here = await write('here2.geojson', 'never');
    process.env.HEATPLAN_ROADS_THREAD_CRASH = '1';
    try {
      const died = await write('died.geojson', 'always');
      expect(died.bytes.equals(here.bytes)).toBe(true);
      expect(died.warnings.map((w) => [w.code, w.count])).toEqual([['roads-thread-failed', 1]]);
      expect(died.warnings[0]!.examples[0]!.message).toMatch(/exit code 86/);
    } finally {
      delete process.env.HEATPLAN_ROADS_THREAD_CRASH;
    }
  }, 120_000);

  it('a path that cannot be written gives the main thread\'s error, and no warning', async () => {
    const errors: string[] = [];
    for (const thread of ['never', 'always'] as const) {
      const warnings = new Warnings();
      const e = await startRoadsGeojson(join(tmp, 'no-such-folder', 'roads.geojson'), g, crs, { warnings, thread }).finish().catch((x: Error) => x);
      expect(e, thread).toBeInstanceOf(Error);
      // the temporary file's name differs by its time stamp
      errors.push(`${(e as Error).name}: ${(e as Error).message}`.replace(/\.tmp-\d+-\d+/, '.tmp-N'));
      expect(warnings.count()).toBe(0);
    }
    expect(errors[1]).toBe(errors[0]);
    expect(errors[0]).toContain('no-such-folder');
  }, 120_000);

  it('a cancelled worker leaves no file at the path', async () => {
    const path = join(tmp, 'cancelled.geojson');
    const w = startRoadsGeojson(path, g, crs, { warnings: new Warnings(), thread: 'always' });
    await w.cancel();
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(path)).toBe(false);
  }, 60_000);
});
