/**
 * HEATPLAN_PROGRESS=log (engine/util/progress.ts): a stage's steps as lines on any stderr, one per step (a repeated
 * label is not written again), with the seconds since the task started, and a line when it finishes; quiet writes none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from '../../engine/util/progress.js';

describe('progress as log lines', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  it('writes one line per step label and one when the task finishes', () => {
    vi.stubEnv('HEATPLAN_PROGRESS', 'log');
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    const bar = progressBar('route');
    bar.update(1, 6, 'connecting consumers');
    bar.update(1, 6, 'connecting consumers');
    bar.update(2, 6, 'Steiner tree, round 1');
    bar.stop();
    expect(lines.map((l) => l.replace(/at [0-9.]+ s/, 'at T'))).toEqual(['route: connecting consumers at T\n', 'route: Steiner tree, round 1 at T\n', 'route: finished at T\n']);
    expect(lines[0]).toMatch(/^route: connecting consumers at \d+\.\d s\n$/);
  });
  it('writes nothing when quiet', () => {
    vi.stubEnv('HEATPLAN_PROGRESS', 'log');
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const bar = progressBar('route', { quiet: true });
    bar.update(1, 2, 'a');
    bar.stop();
    expect(write).not.toHaveBeenCalled();
  });
});
