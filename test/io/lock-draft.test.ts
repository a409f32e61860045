/**
 * The run lock appears whole or not at all (a draft hard-linked to its name): a kill leaves at most a draft, which the
 * next command removes when its process is gone; a lock is never an empty file that blocks the next command.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockRun } from '../../engine/io/run-folder.js';

describe('run lock drafts', () => {
  it('a dead process\'s draft is removed, the lock is written whole and released', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'heatplan-lockdraft-'));
    const run = join(parent, 'run');
    // pid 2^22 + 1 is above Linux's pid_max: no such process
    const dead = join(parent, `run.heatplan-lock.${2 ** 22 + 1}-0.draft`);
    writeFileSync(dead, '');
    const l = await lockRun(run, { note: () => {} });
    expect(existsSync(dead)).toBe(false);
    const info = JSON.parse(readFileSync(join(parent, 'run.heatplan-lock'), 'utf8'));
    expect(info.pid).toBe(process.pid);
    // no draft of this process is left beside the run
    expect(readdirSync(parent).filter((n) => n.endsWith('.draft'))).toEqual([]);
    l.release();
    expect(existsSync(join(parent, 'run.heatplan-lock'))).toBe(false);
  });
});
