/**
 * Issue 17 item 8: `batch --worker-memory 16` respawned dying workers forever at 100 % CPU. The CLI now refuses a
 * heap below MIN_WORKER_MEMORY_MB, and the pool gives up after MAX_BOOT_FAILURES workers in a row die before they
 * are ready, failing what waits with "worker heap too small (--worker-memory N MB): give at least M MB".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../engine/batch/batch.js';
import { MAX_BOOT_FAILURES, MIN_WORKER_MEMORY_MB } from '../../engine/batch/pool.js';
import { DEMO, expectCleanRefusal, heatplan, tempDir } from './cli.js';

function batchFile(): { file: string; out: string } {
  const dir = tempDir('workers');
  const file = join(dir, 'batch.yaml');
  writeFileSync(file, `stages: [demand]
areas:
  - name: town
    buildings: ${join(DEMO, 'buildings.geojson')}
    demand: { climateRegion: 1 }
  - name: town2
    buildings: ${join(DEMO, 'buildings.geojson')}
    demand: { climateRegion: 1 }
`);
  return { file, out: join(dir, 'out') };
}

describe('worker heap too small', () => {
  it('batch --worker-memory 16 is refused at once with the minimum (exit 2, no stack)', async () => {
    const { file, out } = batchFile();
    const r = await heatplan(['batch', file, '--out', out, '--workers', '1', '--worker-memory', '16'], 30_000);
    expectCleanRefusal(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`worker heap too small (--worker-memory 16 MB): give at least ${MIN_WORKER_MEMORY_MB} MB`);
    expect(r.seconds).toBeLessThan(30);
  });

  it('the pool gives up after a few workers die at start: every area fails with the message, in bounded time', async () => {
    const { file, out } = batchFile();
    const t0 = performance.now();
    // the API has no minimum of its own: this is the pool's boot-failure count at work
    const r = await runBatch({ file, out, workers: 2, workerMemoryMb: 16, quiet: true });
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeLessThan(60);
    expect(r.failed).toBe(2);
    for (const a of r.areas) expect(a.error).toBe(`worker heap too small (--worker-memory 16 MB): give at least ${MIN_WORKER_MEMORY_MB} MB`);
    // a few replacements, not a respawn loop: at most MAX_BOOT_FAILURES in a row, plus those already starting
    expect(r.crashes).toBeLessThanOrEqual(MAX_BOOT_FAILURES + 2);
  });

  it(`the documented minimum (${MIN_WORKER_MEMORY_MB} MB) runs a small town`, async () => {
    const { file, out } = batchFile();
    const r = await heatplan(['batch', file, '--out', out, '--workers', '1', '--worker-memory', String(MIN_WORKER_MEMORY_MB), '--quiet'], 120_000);
    expect(r.code, r.stderr).toBe(0);
  });
});
