/**
 * RunTransaction.remove (issue 18): a stage that no longer writes a file of the run (a GeoJSON twin) removes it with its
 * commit, never before: a failed stage leaves it, an interrupted commit past its commit point is finished by the next
 * start-up with the removal.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverRun, RunTransaction, withRun } from '../../engine/io/run-folder.js';

async function runWithTwin(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'heatplan-remove-')), 'run');
  await withRun(await RunTransaction.create(dir), async (tx) => {
    writeFileSync(tx.path('network.geojson'), 'old twin');
    writeFileSync(tx.path('network.fgb'), 'old');
    tx.setStage('route', { n: 1 });
  });
  return dir;
}

describe('RunTransaction.remove', () => {
  it('removes the file at commit, with the new files in place', async () => {
    const dir = await runWithTwin();
    await withRun(await RunTransaction.open(dir), async (tx) => {
      writeFileSync(tx.path('network.fgb'), 'new');
      tx.remove('network.geojson');
      expect(existsSync(join(dir, 'network.geojson'))).toBe(true); // not before the commit
      tx.setStage('route', { n: 2 });
    });
    expect(existsSync(join(dir, 'network.geojson'))).toBe(false);
    expect(readFileSync(join(dir, 'network.fgb'), 'utf8')).toBe('new');
  });

  it('a failed stage removes nothing', async () => {
    const dir = await runWithTwin();
    await expect(
      withRun(await RunTransaction.open(dir), async (tx) => {
        tx.remove('network.geojson');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readFileSync(join(dir, 'network.geojson'), 'utf8')).toBe('old twin');
  });

  it('a file written again after remove() is kept', async () => {
    const dir = await runWithTwin();
    await withRun(await RunTransaction.open(dir), async (tx) => {
      tx.remove('network.geojson');
      writeFileSync(tx.path('network.geojson'), 'new twin');
      tx.setStage('route', { n: 3 });
    });
    expect(readFileSync(join(dir, 'network.geojson'), 'utf8')).toBe('new twin');
  });

  it('an interrupted commit past its commit point is finished with the removal', async () => {
    const dir = await runWithTwin();
    // what a process killed between the commit mark and the renames leaves (pid 2^22 + 1: above Linux's pid_max)
    const staging = join(dir, `.heatplan-tmp-${2 ** 22 + 1}-1`);
    mkdirSync(staging);
    writeFileSync(join(staging, 'network.fgb'), 'new');
    writeFileSync(join(staging, 'manifest.json'), readFileSync(join(dir, 'manifest.json')));
    writeFileSync(join(staging, '.heatplan-commit'), JSON.stringify({ files: ['network.fgb'], removed: ['network.geojson'] }) + '\n');
    const lines: string[] = [];
    recoverRun(dir, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/finished the interrupted commit/);
    expect(existsSync(join(dir, 'network.geojson'))).toBe(false);
    expect(readFileSync(join(dir, 'network.fgb'), 'utf8')).toBe('new');
    expect(existsSync(staging)).toBe(false);
  });
});
