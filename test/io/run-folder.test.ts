import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest, RunTransaction, withRun } from '../../engine/io/run-folder.js';
import { InputError, UsageError } from '../../engine/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'heatplan-run-'));

describe('RunTransaction', () => {
  it('creates a run only on commit, under a temporary name until then', async () => {
    const dir = join(tmp(), 'run');
    const tx = await RunTransaction.create(dir);
    writeFileSync(tx.path('a.txt'), 'x');
    expect(existsSync(dir)).toBe(false);
    tx.setStage('demand', { buildings: 1 });
    await tx.commit();
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'manifest.json']);
    const m = await readManifest(dir);
    expect(m.stages).toEqual(['demand']);
    expect(m.demand).toEqual({ buildings: 1 });
  });

  it('leaves nothing when the stage throws', async () => {
    const root = tmp();
    const dir = join(root, 'run');
    await expect(withRun(await RunTransaction.create(dir), async (tx) => {
      writeFileSync(tx.path('a.txt'), 'x');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(readdirSync(root)).toEqual([]);
  });

  it('adds a stage to an existing run with the manifest written last; a failed stage changes nothing', async () => {
    const dir = join(tmp(), 'run');
    await withRun(await RunTransaction.create(dir), async (tx) => {
      writeFileSync(tx.path('demand.tif'), 'd');
      tx.setStage('demand', { n: 1 });
    });
    await withRun(await RunTransaction.open(dir), async (tx) => {
      writeFileSync(tx.path('network.geojson'), 'n');
      tx.setStage('route', { n: 2 });
    });
    let m = await readManifest(dir);
    expect(m.stages).toEqual(['demand', 'route']);
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
    await expect(withRun(await RunTransaction.open(dir), async (tx) => {
      writeFileSync(tx.path('sim.json'), 's');
      throw new Error('sim failed');
    })).rejects.toThrow();
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'sim.json'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.heatplan-tmp'))).toEqual([]);
    m = await readManifest(dir);
    expect(m.route).toEqual({ n: 2 });
  });

  it('refuses to replace a folder that is not a run, and to open one without a manifest', async () => {
    const dir = join(tmp(), 'notes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    await expect(RunTransaction.create(dir)).rejects.toThrow(UsageError);
    await expect(RunTransaction.open(dir)).rejects.toThrow(InputError);
    expect(readFileSync(join(dir, 'thesis.docx'), 'utf8')).toBe('precious');
  });
});
