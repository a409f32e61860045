/**
 * The README's list of scenario/batch keys ("Scenario files", "Keys") names every option of every stage and nothing
 * else, so the documentation of the one spelling cannot drift from the stage registry.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stages, STAGES } from '../../engine/stages/index.js';

const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
const start = readme.indexOf('Keys (each command');
const block = readme.slice(start, readme.indexOf('\n\n', start));

/** The keys the README lists for a stage: the words after "STAGE:" up to the next "STAGE:" or the end. */
function listed(stage: string): string[] {
  const m = new RegExp(`(?:^|[\\s.])${stage}: ([\\s\\S]*?)(?=(?:^- |\\. )(?:${STAGES.join('|')}): |\\n- |$)`).exec(block);
  if (!m) return [];
  // drop parenthesised explanations, then take the identifiers
  return m[1]!.replace(/\([^)]*\)/g, '').split(/[,\s]+/).map((w) => w.replace(/[.]$/, '')).filter((w) => /^[A-Za-z][A-Za-z0-9_]*$/.test(w));
}

describe('README keys = stage registry keys', () => {
  it('has the key list', () => expect(start).toBeGreaterThan(0));
  for (const stage of STAGES) {
    it(stage, () => {
      expect(new Set(listed(stage))).toEqual(new Set(Object.keys(stages[stage].fields)));
    });
  }
});
