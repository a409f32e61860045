/**
 * transformFlat against PROJ (through GDAL's gdaltransform, where installed): an implementation independent of proj4js
 * of the same Transverse Mercator (Poder/Engsager's, which both use for tmerc and UTM). gdaltransform prints 15
 * significant digits, so the agreement asserted is 1e-8 m for metres under 10,000 km (the printed resolution, not
 * the methods' difference) and 1e-12° for lon/lat.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupEpsg, transformFlat, WGS84, type Crs } from '../../engine/crs/index.js';

const GDALTRANSFORM = '/usr/bin/gdaltransform';
const HAVE = existsSync(GDALTRANSFORM);
if (!HAVE) console.warn('\n*** SKIPPING transformFlat against PROJ: gdaltransform not installed (Debian gdal-bin) ***\n');

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** PROJ's answer for flat x,y pairs (traditional GIS order both ways, as heatplan's transformer takes them). */
function proj(from: string, to: string, xy: Float64Array): Float64Array {
  const lines: string[] = [];
  for (let i = 0; i < xy.length; i += 2) lines.push(`${xy[i]} ${xy[i + 1]}`);
  const out = execFileSync(GDALTRANSFORM, ['-s_srs', from, '-t_srs', to, '-output_xy'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  return Float64Array.from(out.trim().split('\n').flatMap((l) => l.trim().split(/\s+/).map(Number)));
}

const crs = (code: string): Crs => ({ ...lookupEpsg(code)! });
const maxAbs = (a: Float64Array, b: Float64Array) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe.skipIf(!HAVE)('transformFlat against PROJ (gdaltransform)', () => {
  // a plane zone per part of Japan and UTM zones north and south
  const cases: [string, number, number, number, number][] = [
    ['EPSG:6674', 133.5, 138.5, 33, 37], // zone VI (Osaka), ±2.5° of its meridian
    ['EPSG:6680', 140.5, 144, 42, 45.5], // zone XII (Sapporo)
    ['EPSG:6683', 126, 129, 24, 28], // zone XV (Okinawa)
    ['EPSG:32654', 138, 144, 0, 84], // UTM 54N
    ['EPSG:32756', 150, 156, -80, 0], // UTM 56S (Sydney)
    ['EPSG:25832', 6, 12, 0, 84], // ETRS89 / UTM 32N
  ];
  for (const [code, w, e, s, n] of cases) {
    it(`${code}: forward and inverse agree to PROJ's printed digits`, () => {
      const r = rng(code.length * 7919 + Number(code.slice(5)));
      const ll = new Float64Array(2 * 500);
      for (let i = 0; i < ll.length; i += 2) {
        ll[i] = w + (e - w) * r();
        ll[i + 1] = s + (n - s) * r();
      }
      const c = crs(code);
      const xy = transformFlat(WGS84, c, ll);
      expect(maxAbs(xy, proj('EPSG:4326', code, ll))).toBeLessThan(1e-8);
      expect(maxAbs(transformFlat(c, WGS84, xy), proj(code, 'EPSG:4326', xy))).toBeLessThan(1e-12);
    });
  }
});
