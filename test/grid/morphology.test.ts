import { describe, expect, it } from 'vitest';
import { close3x3, dilate3x3, erode3x3 } from '../../engine/grid/morphology.js';
import { labelComponents, sumByLabel } from '../../engine/grid/labels.js';

/** Brute force: explicit 3x3 neighbourhoods, outside = border value. */
function bruteMorph(m: Uint8Array, w: number, h: number, op: 'dilate' | 'erode', border = 0): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      let any = false;
      let all = true;
      for (let dr = -1; dr <= 1; dr++)
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          const v = rr < 0 || rr >= h || cc < 0 || cc >= w ? border : m[rr * w + cc]!;
          if (v) any = true;
          else all = false;
        }
      out[r * w + c] = (op === 'dilate' ? any : all) ? 1 : 0;
    }
  return out;
}

/** Brute force BFS labelling, numbering in scan order of first cell. */
function bfsLabels(m: Uint8Array, w: number, h: number, eight: boolean): { labels: Int32Array; count: number } {
  const labels = new Int32Array(m.length);
  let count = 0;
  for (let s = 0; s < m.length; s++) {
    if (!m[s] || labels[s]) continue;
    labels[s] = ++count;
    const queue = [s];
    while (queue.length) {
      const i = queue.pop()!;
      const r = Math.floor(i / w);
      const c = i % w;
      for (let dr = -1; dr <= 1; dr++)
        for (let dc = -1; dc <= 1; dc++) {
          if (!eight && dr !== 0 && dc !== 0) continue;
          const rr = r + dr;
          const cc = c + dc;
          if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
          const j = rr * w + cc;
          if (m[j] && !labels[j]) {
            labels[j] = count;
            queue.push(j);
          }
        }
    }
  }
  return { labels, count };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('3x3 morphology', () => {
  it('dilation and erosion of a single cell, hand-checked', () => {
    const m = new Uint8Array(25);
    m[12] = 1; // centre of 5x5
    const d = dilate3x3(m, 5, 5);
    expect([...d].filter(Boolean).length).toBe(9);
    expect(d[6]).toBe(1);
    expect(d[0]).toBe(0);
    expect([...erode3x3(d, 5, 5)].filter(Boolean)).toEqual([1]);
    expect(erode3x3(d, 5, 5)[12]).toBe(1);
  });

  it('erosion clears edge cells with border 0 (scipy default) and keeps them with border 1', () => {
    const full = new Uint8Array(12).fill(1); // 4 x 3
    const e0 = erode3x3(full, 4, 3);
    expect([...e0]).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect([...erode3x3(full, 4, 3, { borderValue: 1 })].every((v) => v === 1)).toBe(true);
  });

  it('closing bridges gaps of up to two clear cells', () => {
    const w = 7;
    const m = new Uint8Array(w * 5);
    m[2 * w + 2] = 1;
    m[2 * w + 4] = 1;
    const c = close3x3(m, w, 5);
    expect(c[2 * w + 3]).toBe(1);
    expect(labelComponents(c, w, 5).count).toBe(1);
    // two clear cells between still join (dilation fills both); three clear cells between stay apart
    const m2 = new Uint8Array(9 * 5);
    m2[2 * 9 + 2] = 1;
    m2[2 * 9 + 5] = 1;
    expect(labelComponents(close3x3(m2, 9, 5), 9, 5).count).toBe(1);
    const m3 = new Uint8Array(9 * 5);
    m3[2 * 9 + 2] = 1;
    m3[2 * 9 + 6] = 1;
    expect(labelComponents(close3x3(m3, 9, 5), 9, 5).count).toBe(2);
  });

  it('matches brute force on random masks (both borders)', () => {
    const rnd = lcg(42);
    for (let t = 0; t < 30; t++) {
      const w = 1 + Math.floor(rnd() * 40);
      const h = 1 + Math.floor(rnd() * 40);
      const p = rnd();
      const m = new Uint8Array(w * h).map(() => (rnd() < p ? 1 : 0));
      expect(dilate3x3(m, w, h)).toEqual(bruteMorph(m, w, h, 'dilate'));
      expect(erode3x3(m, w, h)).toEqual(bruteMorph(m, w, h, 'erode', 0));
      expect(erode3x3(m, w, h, { borderValue: 1 })).toEqual(bruteMorph(m, w, h, 'erode', 1));
    }
  });
});

describe('connected-component labels', () => {
  it('8- vs 4-connectivity on a diagonal', () => {
    const m = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(labelComponents(m, 3, 3).count).toBe(1);
    expect(labelComponents(m, 3, 3, { connectivity: 4 }).count).toBe(3);
  });

  it('numbers components in scan order of their first cell, like scipy', () => {
    // a U shape whose right arm starts first on row 0 only through the left arm: one component labelled 1
    const m = Uint8Array.from([
      0, 1, 0, 1, //
      0, 1, 0, 1, //
      0, 1, 1, 1, //
      1, 0, 0, 0,
    ]);
    const { labels, count } = labelComponents(m, 4, 4);
    expect(count).toBe(1);
    expect(labels[3]).toBe(1);
    const m2 = Uint8Array.from([0, 0, 1, 1, 0, 0, 0, 0, 1]);
    const l2 = labelComponents(m2, 3, 3);
    expect([...l2.labels]).toEqual([0, 0, 1, 2, 0, 0, 0, 0, 3]);
  });

  it('equals BFS labelling on random masks, and sums per label', () => {
    const rnd = lcg(7);
    for (let t = 0; t < 30; t++) {
      const w = 1 + Math.floor(rnd() * 60);
      const h = 1 + Math.floor(rnd() * 60);
      const p = rnd() * 0.7;
      const m = new Uint8Array(w * h).map(() => (rnd() < p ? 1 : 0));
      for (const conn of [4, 8] as const) {
        const a = labelComponents(m, w, h, { connectivity: conn });
        const b = bfsLabels(m, w, h, conn === 8);
        expect(a.count).toBe(b.count);
        expect(a.labels).toEqual(b.labels);
      }
      const vals = Float64Array.from({ length: w * h }, () => rnd());
      const { labels, count } = labelComponents(m, w, h);
      const s = sumByLabel(labels, count, vals);
      let tot = 0;
      for (const v of vals) tot += v;
      expect(s.reduce((x, y) => x + y, 0)).toBeCloseTo(tot, 9);
    }
  });
});
