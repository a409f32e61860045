/**
 * The hand-written posList number parser against Number(): bit-identical values on seeded random decimals
 * (fast path and fallback), NaN for tokens that are not decimal numbers.
 */
import { describe, expect, it } from 'vitest';
import { NumberBuffer, parseNumberList } from '../../engine/io/citygml/numbers.js';

/** mulberry32: seeded, so a failure can be reproduced. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const parse = (s: string): number[] => {
  const b = new NumberBuffer();
  parseNumberList(s, b);
  return Array.from(b.a.subarray(0, b.n));
};

describe('parseNumberList', () => {
  it('matches Number() bit for bit on 200,000 random decimals', () => {
    const r = rng(42);
    const toks: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const kind = r();
      let s: string;
      if (kind < 0.4) s = (r() * 360 - 180).toFixed(Math.floor(r() * 18)); // coordinates, up to 17 decimals
      else if (kind < 0.6) s = String(r() * 10 ** Math.floor(r() * 30 - 15)); // shortest round-trip, may use e-notation
      else if (kind < 0.8) s = `${Math.floor(r() * 1e6)}.${String(Math.floor(r() * 1e12)).padStart(12, '0')}e${Math.floor(r() * 60 - 30)}`;
      else s = String(Math.floor(r() * 2 ** 53) * (r() < 0.5 ? -1 : 1)) + (r() < 0.5 ? '.' : '');
      toks.push(s);
    }
    const got = parse(' \n\t' + toks.join(r() < 0.5 ? ' ' : '\n  ') + '\n');
    expect(got.length).toBe(toks.length);
    for (let i = 0; i < toks.length; i++) {
      if (!Object.is(got[i], Number(toks[i]))) throw new Error(`token ${toks[i]}: got ${got[i]}, Number() gives ${Number(toks[i])}`);
    }
  });

  it('keeps the count honest: junk becomes NaN, never skipped', () => {
    expect(parse('1 abc 2.5 0x10 - . 1e 3e2 -0 +4 .5 5.')).toEqual([1, NaN, 2.5, NaN, NaN, NaN, NaN, 300, -0, 4, 0.5, 5]);
    expect(Object.is(parse('-0')[0], -0)).toBe(true);
    expect(parse('')).toEqual([]);
    expect(parse('   \n ')).toEqual([]);
  });
});
