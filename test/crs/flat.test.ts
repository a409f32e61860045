/**
 * transformFlat (engine/crs/flat.ts) against proj4 point by point, for every CRS heatplan defines: random positions in
 * each CRS's area of use, forward (WGS84 lon/lat -> CRS) and inverse (CRS -> WGS84), and between CRSs. Where both
 * sides share the datum the batch path does proj4's arithmetic in proj4's order, so the expected error is zero (the
 * tolerance asserted is the issue's aim, 1e-9 m / 1e-12°; the maximum error measured is asserted to be exactly 0).
 * Where a datum shift is needed (Tokyo) it is proj4's per-point path.
 */
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { areaOfUse, flatPath, knownEpsgCodes, lookupEpsg, transformer, transformFlat, WGS84, type Crs } from '../../engine/crs/index.js';

/** Seeded uniform [0, 1) (Park-Miller), so a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const crs = (code: string): Crs => ({ ...lookupEpsg(code)! });

/** Random lon/lat positions where `code` is used: its area of use, within ±3° of a TM zone's central meridian. */
function positions(code: string, n: number, seed: number): Float64Array {
  const r = rng(seed);
  const d = crs(code);
  const m = /\+lon_0=([\d.-]+)/.exec(d.proj4);
  const utm = /\+zone=(\d+)/.exec(d.proj4);
  const a = areaOfUse(code);
  let [w, s, e, nn] = a ? [a.west, a.south, a.east, a.north] : [122, 20, 154, 46];
  if (m) [w, e] = [Number(m[1]) - 3, Number(m[1]) + 3];
  if (utm) [w, e] = [-180 + 6 * (Number(utm[1]) - 1), -174 + 6 * (Number(utm[1]) - 1)];
  if (code === 'EPSG:3035' || code === 'EPSG:4258' || code === 'EPSG:3857') [w, s, e, nn] = [-10, 35, 30, 70];
  // keep clear of the poles and the UTM limits' exact edges, where both are right but the test says nothing
  s = Math.max(s, -80);
  nn = Math.min(nn, 84);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = w + (e - w) * r();
    out[2 * i + 1] = s + (nn - s) * r();
  }
  return out;
}

/**
 * proj4 point by point, as heatplan's transformer did before transformFlat; between two CRSs with the same definition
 * (WGS84 -> WGS84, JGD2011 -> JGD2000, whose definitions are one string) a copy, as that transformer also did (proj4
 * would take the position through radians or its projection and back, a few 1e-14° or 1e-9 m off).
 */
function perPoint(from: Crs, to: Crs, xy: Float64Array): Float64Array {
  if (from.proj4 === to.proj4) return Float64Array.from(xy);
  const conv = proj4(from.proj4, to.proj4);
  const out = new Float64Array(xy.length);
  for (let i = 0; i < xy.length; i += 2) {
    const p = conv.forward([xy[i]!, xy[i + 1]!]);
    out[i] = p[0]!;
    out[i + 1] = p[1]!;
  }
  return out;
}

/** Largest |a - b| over the array (Infinity/NaN must match exactly: then they count as 0). */
function maxErr(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue;
    const d = Math.abs(a[i]! - b[i]!);
    m = Math.max(m, Number.isNaN(d) ? Infinity : d);
  }
  return m;
}

const N = 400;

describe('transformFlat against proj4, every CRS in definitions.ts', () => {
  const codes = knownEpsgCodes();
  it('covers every defined CRS (19 zones x 3 plane datums, 120 WGS84 UTM, 11 ETRS89 UTM, 8 others)', () => {
    expect(codes.length).toBe(19 * 3 + 120 + 11 + 8);
  });
  let seed = 1;
  for (const code of codes) {
    const s = seed++;
    it(`${code}: forward from WGS84 and inverse to it`, () => {
      const c = crs(code);
      const ll = positions(code, N, s);
      const fwd = transformFlat(WGS84, c, ll);
      const refF = perPoint(WGS84, c, ll);
      const tol = c.geographic ? 1e-12 : 1e-9;
      expect(maxErr(fwd, refF)).toBeLessThanOrEqual(tol);
      expect(maxErr(fwd, refF)).toBe(0);
      const inv = transformFlat(c, WGS84, fwd);
      const refI = perPoint(c, WGS84, refF);
      expect(maxErr(inv, refI)).toBeLessThanOrEqual(tol);
      expect(maxErr(inv, refI)).toBe(0);
      // and it is a projection, not a copy: the round trip comes back to the input within 1e-8° (proj4's etmerc is
      // good to a few nm, LAEA and Pseudo-Mercator likewise); through the Tokyo datum's 3-parameter shift, whose
      // inverse in proj4 is not exact, within 1e-6° (0.1 m)
      const tokyo = /bessel/.test(c.proj4);
      if (!c.geographic || tokyo) expect(maxErr(inv, ll)).toBeLessThan(tokyo ? 1e-6 : 1e-8);
      // Tokyo-datum CRSs shift the datum: proj4's own path; the others share WGS84's (Pseudo-Mercator has no datum
      // in its definition, +nadgrids=@null: proj4 does no datum step either)
      expect(flatPath(WGS84, c)).toBe(tokyo ? 'proj4' : c.proj4 === WGS84.proj4 ? 'identity' : 'same-datum');
    });
  }
});

describe('transformFlat between projected CRSs and across datums', () => {
  it('JGD2011 zone VI -> zone VII and JGD2000 zone VI (same datum): proj4 to the bit', () => {
    const ll = positions('EPSG:6674', N, 99);
    const xy = transformFlat(WGS84, crs('EPSG:6674'), ll);
    for (const to of ['EPSG:6675', 'EPSG:2448', 'EPSG:32653', 'EPSG:6668']) {
      const got = transformFlat(crs('EPSG:6674'), crs(to), xy);
      // JGD2000's definition is JGD2011's (both tied to ITRF, towgs84 = 0): the same string, a copy
      expect(flatPath(crs('EPSG:6674'), crs(to))).toBe(to === 'EPSG:2448' ? 'identity' : 'same-datum');
      expect(maxErr(got, perPoint(crs('EPSG:6674'), crs(to), xy))).toBe(0);
    }
  });

  it('datum shift (Tokyo zone VI -> JGD2011 zone VI) takes proj4 per point, and the shift is there (hundreds of m)', () => {
    const ll = positions('EPSG:6674', N, 7);
    const tokyo = crs('EPSG:30166'), jgd = crs('EPSG:6674');
    const xy = transformFlat(WGS84, tokyo, ll);
    expect(flatPath(tokyo, jgd)).toBe('proj4');
    const got = transformFlat(tokyo, jgd, xy);
    expect(maxErr(got, perPoint(tokyo, jgd, xy))).toBe(0);
    // the Tokyo datum lies about 400-500 m from JGD2011 in Kansai (GSI's TKY2JGD: about 450 m)
    const shift = Math.hypot(got[0]! - xy[0]!, got[1]! - xy[1]!);
    expect(shift).toBeGreaterThan(300);
    expect(shift).toBeLessThan(600);
  });

  it('a zone origin maps to (0, 0): zone VI origin 36°N 136°E', () => {
    const xy = transformFlat(WGS84, crs('EPSG:6674'), [136, 36]);
    expect(Math.abs(xy[0]!)).toBeLessThan(1e-9);
    expect(Math.abs(xy[1]!)).toBeLessThan(1e-9);
  });

  it('in place, into number[], and into a given out array', () => {
    const c = crs('EPSG:32654');
    const ll = positions('EPSG:32654', 50, 3);
    const ref = perPoint(WGS84, c, ll);
    const inPlace = Float64Array.from(ll);
    expect(transformFlat(WGS84, c, inPlace, inPlace)).toBe(inPlace);
    expect(maxErr(inPlace, ref)).toBe(0);
    const arr = Array.from(ll);
    transformFlat(WGS84, c, arr, arr);
    expect(maxErr(Float64Array.from(arr), ref)).toBe(0);
    const out = new Float64Array(ll.length);
    transformFlat(WGS84, c, ll, out);
    expect(maxErr(out, ref)).toBe(0);
  });

  it('the Transformer (forward, forwardFlat) gives proj4 to the bit', () => {
    const c = crs('EPSG:6677');
    const ll = positions('EPSG:6677', 100, 5);
    const ref = perPoint(WGS84, c, ll);
    const tr = transformer(WGS84, c);
    const flat = Float64Array.from(ll);
    tr.forwardFlat(flat);
    expect(maxErr(flat, ref)).toBe(0);
    const [x, y] = tr.forward(ll[0]!, ll[1]!);
    expect([x, y]).toEqual([ref[0], ref[1]]);
  });

  it('what proj4 cannot do: a non-finite coordinate throws proj4\'s TypeError; far outside the zone is Infinity as in proj4', () => {
    const c = crs('EPSG:6674');
    expect(() => transformFlat(WGS84, c, [136, NaN])).toThrow(TypeError);
    expect(() => transformFlat(WGS84, c, [Infinity, 36])).toThrow(/finite/);
    // 120° from the central meridian: outside etmerc's domain in both
    const far = transformFlat(WGS84, c, [-104, 10]);
    const ref = perPoint(WGS84, c, Float64Array.from([-104, 10]));
    expect(maxErr(far, ref)).toBe(0);
    const back = transformFlat(c, WGS84, [1e8, 1e8]);
    expect(maxErr(back, perPoint(c, WGS84, Float64Array.from([1e8, 1e8])))).toBe(0);
    expect(() => transformFlat(WGS84, c, [1, 2, 3])).toThrow(RangeError);
    expect(() => transformFlat(WGS84, c, [1, 2, 3, 4], new Float64Array(2))).toThrow(RangeError);
  });

  it('a CRS only known by its proj4 string (not an EPSG code) takes the same path', () => {
    const p4: Crs = { code: 'custom', name: 'custom tmerc', proj4: '+proj=tmerc +lat_0=35 +lon_0=135 +k=0.9999 +x_0=1000 +y_0=2000 +ellps=GRS80 +units=m +no_defs', geographic: false, latFirst: false };
    const ll = positions('EPSG:6674', 100, 11);
    expect(flatPath(WGS84, p4)).toBe('same-datum');
    expect(maxErr(transformFlat(WGS84, p4, ll), perPoint(WGS84, p4, ll))).toBe(0);
    const ft: Crs = { ...p4, proj4: '+proj=tmerc +lat_0=35 +lon_0=135 +k=0.9999 +ellps=GRS80 +units=us-ft +no_defs' };
    expect(maxErr(transformFlat(WGS84, ft, ll), perPoint(WGS84, ft, ll))).toBe(0);
  });
});
