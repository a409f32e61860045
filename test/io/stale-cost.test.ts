/** The cost stage prices the network and the simulation: re-running either makes it stale (engine/io/run-folder.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependentsOf, staleList, STAGE_COMMAND } from '../../engine/io/run-folder.js';
import type { Manifest } from '../../engine/run/contract.js';

describe('cost goes stale with route and simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-stale-cost-'));
  const m = { demand: {}, route: {}, sim: {}, cost: {} } as unknown as Manifest;
  it('route -> sim, cost; sim -> cost; demand -> route, sim, cost', () => {
    expect(dependentsOf('route', m, dir)).toEqual(['sim', 'cost']);
    expect(dependentsOf('sim', m, dir)).toEqual(['cost']);
    expect(dependentsOf('demand', m, dir)).toEqual(['route', 'sim', 'cost']);
    // a run without a cost stage has nothing of it to mark
    expect(dependentsOf('sim', { demand: {}, route: {}, sim: {} } as unknown as Manifest, dir)).toEqual([]);
  });
  it('the stale list names the command that refreshes it', () => {
    const s = staleList({ ...m, stale: { cost: { since: 'sim', at: '2026-12-02T00:00:00Z' } } } as unknown as Manifest);
    expect(s.map((x) => [x.stage, x.since])).toEqual([['cost', 'sim']]);
    expect(STAGE_COMMAND.cost).toBe('cost');
  });
});
