/**
 * engine/cost/json-stream.ts: the streamed JSON file is byte for byte JSON.stringify(value, null, indent) + '\n', for
 * every indentation, with long arrays sliced at any size (down to one element) and nested at any depth, and flushed
 * in chunks of any size.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonStreamed } from '../../engine/cost/json-stream.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-json-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const row = (i: number) => ({ id: `c${i}"\n\u00e9\u2028`, branch: i % 3 === 0 ? -1 : i, heat_MWh: i / 7, costPerMWh: i % 5 === 0 ? Infinity : i % 7 === 0 ? NaN : -0, tags: i % 4 ? [i, 'x', null, true] : [], extra: undefined, nested: { f: () => 1, deep: [[i], {}] } });
const VALUES: Record<string, unknown> = {
  'a costs.json-like file': {
    currency: 'JPY', priceYears: [2011, 2024], settings: { backupSold: false, rate: 0.04 }, empty: {}, none: [], nothing: null,
    networks: [{ network: 'a', marginal: { branches: Array.from({ length: 11 }, (_, i) => ({ branch: i, parent: i - 1 })), consumers: Array.from({ length: 23 }, (_, i) => row(i)) } }, { network: 'b', marginal: { branches: [], consumers: [row(1)] } }],
    warnings: [{ code: 'w', count: 2, examples: [{ file: '/x/y.csv', record: 'row 2' }] }],
  },
  'a long array of long arrays': Array.from({ length: 9 }, (_, i) => Array.from({ length: i }, (_, j) => (j % 2 ? [j, [j, [j]]] : { j, s: [[], [[]]] }))),
  'an array with holes of JSON': [1, undefined, () => 2, Symbol('s'), NaN, 'x', { a: undefined }, [undefined]],
  'a string': 'plain "text"\n',
  'a number': 1e21,
};

describe('writeJsonStreamed', () => {
  for (const [name, value] of Object.entries(VALUES)) {
    it(`${name}: the text of JSON.stringify at every indentation, slice and chunk size`, async () => {
      for (const indent of [0, 1, 2, 4]) {
        const want = JSON.stringify(value, null, indent) + '\n';
        for (const rowsFrom of [1, 2, 3, 5, 2048]) {
          for (const chunkChars of [1, 64, 1 << 20]) {
            const f = join(tmp, `v-${indent}-${rowsFrom}-${chunkChars}.json`);
            await writeJsonStreamed(f, value, { indent, rowsFrom, chunkChars });
            expect(readFileSync(f, 'utf8'), `indent ${indent}, rowsFrom ${rowsFrom}, chunkChars ${chunkChars}`).toBe(want);
          }
        }
      }
    });
  }

  it('100,000 rows in slices: the same text, read back as the same data', async () => {
    const value = { rows: Array.from({ length: 100_000 }, (_, i) => ({ id: String(i), v: i * 0.1, w: i % 9 ? i : null })) };
    const f = join(tmp, 'big.json');
    await writeJsonStreamed(f, value, { indent: 1 });
    const text = readFileSync(f, 'utf8');
    expect(text).toBe(JSON.stringify(value, null, 1) + '\n');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('a value without JSON text is refused and no file is left', async () => {
    const f = join(tmp, 'undefined.json');
    await expect(writeJsonStreamed(f, undefined)).rejects.toThrow(/no JSON text/);
    expect(() => readFileSync(f)).toThrow();
  });

  it('a folder that does not exist is an OutputError naming the file', async () => {
    const f = join(tmp, 'no', 'such', 'dir.json');
    await expect(writeJsonStreamed(f, { a: 1 })).rejects.toMatchObject({ path: f, errno: 'ENOENT' });
  });
});
