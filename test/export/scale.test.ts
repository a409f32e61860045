import { describe, expect, it } from 'vitest';
import { chooseScale, formatScale, niceScales, paperSize, scaleBar } from '../../engine/export/map/scale.js';
import { classColor, demandDensityScale, formatBound, pipeKwPerMScale } from '../../engine/style/palette.js';

describe('map scale', () => {
  it('nice scales are 1, 2, 2.5, 5 x 10^k', () => {
    expect(niceScales(1000, 50_000)).toEqual([1000, 2000, 2500, 5000, 10_000, 20_000, 25_000, 50_000]);
  });

  it('chooses the smallest nice scale that fits the extent (hand-computed)', () => {
    // 800 m into 190 mm with 2 % margins each side: 800 000 mm / 182.4 mm = 1:4,386 -> 1:5,000
    expect(chooseScale(800, 100, 190, 200)).toBe(5000);
    // 2,000 m x 3,000 m into 190 x 180 mm: height rules, 3e6 / 172.8 = 17,361 -> 1:20,000
    expect(chooseScale(2000, 3000, 190, 180)).toBe(20_000);
    // exactly fitting is allowed: 1,000 m into 100 mm usable = 1:10,000
    expect(chooseScale(1000, 10, 100, 100, 0)).toBe(10_000);
    expect(chooseScale(1000.1, 10, 100, 100, 0)).toBe(20_000);
  });

  it('scale bar: a round ground length whose drawn length is its length at the scale', () => {
    const b = scaleBar(5000, 50); // up to 250 m -> 200 m, 40 mm
    expect([b.lengthM, b.lengthMm, b.unit, b.segments]).toEqual([200, 40, 'm', 4]);
    const c = scaleBar(25_000, 50); // up to 1,250 m -> 1 km, 40 mm
    expect([c.lengthM, c.lengthMm, c.unit]).toEqual([1000, 40, 'km']);
    const d = scaleBar(2500, 36); // up to 90 m -> 50 m, 20 mm
    expect([d.lengthM, d.lengthMm, d.segments]).toEqual([50, 20, 5]);
    for (const s of niceScales(500, 1e6)) {
      const x = scaleBar(s, 45);
      expect((x.lengthMm * s) / 1000).toBeCloseTo(x.lengthM, 9);
      expect(x.lengthMm).toBeLessThanOrEqual(45 + 1e-9);
      expect(x.lengthMm).toBeGreaterThan(45 / 2.5 - 1e-9); // 1-2-5 steps: never less than 40 % of the room
    }
    expect(formatScale(10_000)).toBe('1:10,000');
  });

  it('paper sizes in mm', () => {
    expect(paperSize('A4', false)).toEqual({ widthMm: 210, heightMm: 297 });
    expect(paperSize('A3', true)).toEqual({ widthMm: 420, heightMm: 297 });
  });
});

describe('colour scales', () => {
  it('demand classes break at the area threshold; pipe classes at the kW/m threshold', () => {
    const d = demandDensityScale(333);
    expect(d.classes.map((c) => c.label)).toEqual(['< 50', '50 – 150', '150 – 333', '333 – 700', '≥ 700']);
    expect(classColor(d, 332.9)).toBe(d.classes[2]!.color);
    expect(classColor(d, 333)).toBe(d.classes[3]!.color);
    expect(classColor(d, NaN)).toBeUndefined();
    const p = pipeKwPerMScale(0.17);
    expect(p.classes.map((c) => c.label)).toEqual(['< 0.085', '0.085 – 0.17', '0.17 – 0.34', '≥ 0.34']);
    expect(classColor(p, 0.1699)).toBe('#fdae61');
    expect(classColor(p, 0.17)).toBe('#abd9e9');
    // a custom area threshold above 700 still gives sorted, distinct breaks
    expect(demandDensityScale(800).classes.map((c) => c.label)).toEqual(['< 50', '50 – 150', '150 – 700', '700 – 800', '≥ 800']);
    expect(formatBound(12345.6)).toBe('12,346');
  });
});
