/**
 * Batch transformation of flat coordinate arrays [x0, y0, x1, y1, ...] between two CRSs, without proj4's per-point
 * overhead. proj4 stays the source of the definitions (its parsed projection objects, their constants and their
 * forward/inverse) and the reference: where both CRSs share the datum, proj4's own transform does only
 * "source inverse -> (no datum step) -> destination forward" per point, and this module does exactly that, on one
 * reused point, with proj4's operations in proj4's order, so the results are bit-for-bit proj4's
 * (test/crs/flat.test.ts checks that for every CRS in definitions.ts). What it skips per point: parsing and copying
 * the coordinate array, three object allocations, the datum comparison, the axis and z bookkeeping.
 *
 * Extended Transverse Mercator (proj4's `etmerc`, which `+proj=tmerc` and `+proj=utm` use: the JGD2011/JGD2000/Tokyo
 * plane zones and every UTM zone) is compiled here: proj4's forward/inverse call seven small helpers and allocate a
 * two-element array per point in the complex Clenshaw sum; the compiled form is the same arithmetic inlined (one
 * Math.exp shared by sinh and cosh, which proj4 computes twice on the same argument). Other projections (Pseudo-
 * Mercator, whose +nadgrids=@null gives it no datum, and LAEA) use the proj4 object's own forward/inverse on the
 * reused point. Between two equal definitions the path is a copy, as heatplan's transformer always did.
 *
 * Lon/lat to lon/lat on one datum (WGS84 -> JGD2011 geographic, GRS80 and WGS84 being one ellipsoid to proj4) is not
 * made a copy: proj4 goes through radians and back, which moves a coordinate by an ulp, and a footprint's sliver in a
 * grid cell moved by 3e-9 m changes by more than 1e-9 of itself; two multiplications keep the results proj4's bits.
 *
 * Where a datum shift is needed (Tokyo <-> JGD2011, a towgs84 on either side, a grid shift) proj4's per-point path is
 * used unchanged.
 */
import proj4 from 'proj4';

/** A CRS as this module needs it: its proj4 definition (a proj4 string or WKT). */
export interface FlatCrs {
  proj4: string;
}

/** What a batch transformation does: 'identity' (the same definition: a copy), 'same-datum' (no datum step), 'proj4' (a datum shift: proj4 per point). */
export type FlatPath = 'identity' | 'same-datum' | 'proj4';

interface Pt {
  x: number;
  y: number;
  z: number;
}

/** proj4's parsed projection object: the fields heatplan reads (all set by proj4's Proj and the projection's init). */
interface ProjObject {
  projName: string;
  datumCode?: string;
  datum?: { datum_type: number; a: number; es: number; datum_params?: number[] };
  to_meter?: number;
  from_greenwich?: number;
  long_wrap?: number;
  over?: boolean;
  approx?: boolean;
  a: number;
  x0: number;
  y0: number;
  long0: number;
  Qn?: number;
  Zb?: number;
  cbg?: number[];
  cgb?: number[];
  utg?: number[];
  gtu?: number[];
  forward(p: Pt): Pt | number | null | undefined;
  inverse(p: Pt): Pt | number | null | undefined;
}

// proj4's constants (lib/constants/values.js), the same literals so that the products are the same doubles
const D2R = 0.01745329251994329577;
const R2D = 57.29577951308232088;
const SPI = 3.14159265359;
const TWO_PI = Math.PI * 2;
// proj4's datum types (lib/constants/values.js)
const PJD_3PARAM = 1;
const PJD_7PARAM = 2;
const PJD_GRIDSHIFT = 3;
const PJD_NODATUM = 5;
/** |Ce| limit of proj4's etmerc (outside it, forward and inverse give Infinity). */
const ETMERC_CE_MAX = 2.623395162778;

interface Plan {
  path: FlatPath;
  /** Transform xy (pairs) into out; out may be xy. */
  run(xy: ArrayLike<number>, out: Float64Array | number[]): void;
}

const plans = new Map<string, Plan>();

/** Which path transformFlat takes between `from` and `to`. */
export function flatPath(from: FlatCrs, to: FlatCrs): FlatPath {
  return plan(from, to).path;
}

/**
 * Transform the flat [x0, y0, x1, y1, ...] array `xy` from `from` to `to` (traditional axis order: x = lon/easting)
 * into `out` (a new Float64Array when omitted; `xy` itself for in place) and return it. Gives what proj4 gives point by
 * point, to the bit: a position proj4 cannot transform is NaN, and a non-finite input coordinate throws proj4's
 * TypeError ('coordinates must be finite numbers').
 */
export function transformFlat<T extends Float64Array | number[] = Float64Array>(from: FlatCrs, to: FlatCrs, xy: ArrayLike<number>, out?: T): T {
  if (xy.length % 2 !== 0) throw new RangeError(`transformFlat: a flat x,y array has an even length, got ${xy.length}`);
  const o = (out ?? new Float64Array(xy.length)) as T;
  if (o.length < xy.length) throw new RangeError(`transformFlat: out holds ${o.length} numbers, xy ${xy.length}`);
  plan(from, to).run(xy, o);
  return o;
}

/** The compiled transformation between two CRSs (cached by their definitions). */
export function flatTransform(from: FlatCrs, to: FlatCrs): (xy: ArrayLike<number>, out: Float64Array | number[]) => void {
  return plan(from, to).run;
}

function plan(from: FlatCrs, to: FlatCrs): Plan {
  const key = `${from.proj4}\u0000${to.proj4}`;
  let p = plans.get(key);
  if (!p) {
    p = makePlan(from.proj4, to.proj4);
    plans.set(key, p);
  }
  return p;
}

function makePlan(fromDef: string, toDef: string): Plan {
  if (fromDef === toDef) {
    return {
      path: 'identity',
      run(xy, out) {
        if ((out as ArrayLike<number>) !== xy) for (let i = 0; i < xy.length; i++) out[i] = xy[i]!;
      },
    };
  }
  const src = new proj4.Proj(fromDef) as unknown as ProjObject;
  const dst = new proj4.Proj(toDef) as unknown as ProjObject;
  // +lon_wrap on a lon/lat destination is rare in heatplan's inputs: proj4's path
  if (!sameDatum(src, dst) || (dst.projName === 'longlat' && dst.long_wrap !== undefined)) return proj4Plan(fromDef, toDef);
  const s = side(src), d = side(dst);
  return { path: 'same-datum', run: (xy, out) => sameDatumLoop(xy, out, s, d) };
}

/** One side of a same-datum transformation: how its coordinates become radians lon/lat and back. */
interface Side {
  kind: typeof LONLAT | typeof ETMERC | typeof OWN;
  /** ETMERC: [a, Qn, Zb, x0, y0, long0, cbg[6], cgb[6], gtu[6], utg[6]] (see K_*). */
  k: Float64Array;
  proj: ProjObject;
  fromGreenwich: number | undefined;
  toMeter: number | undefined;
}
const LONLAT = 0, ETMERC = 1, OWN = 2;
const K_CBG = 6, K_CGB = 12, K_GTU = 18, K_UTG = 24;

function side(p: ProjObject): Side {
  const kind = p.projName === 'longlat' ? LONLAT : isEtmerc(p) ? ETMERC : OWN;
  const k = new Float64Array(30);
  if (kind === ETMERC) {
    k.set([p.a, p.Qn!, p.Zb!, p.x0, p.y0, p.long0]);
    k.set(p.cbg!, K_CBG);
    k.set(p.cgb!, K_CGB);
    k.set(p.gtu!, K_GTU);
    k.set(p.utg!, K_UTG);
  }
  return { kind, k, proj: p, fromGreenwich: p.from_greenwich, toMeter: p.to_meter };
}

/** Results of etmercForward / etmercInverse (x, y), reused: the caller reads them at once. */
const R = new Float64Array(2);

/**
 * proj4's transformInternal where it does no datum step (lib/transform.js), over the flat array: source units ->
 * radians lon/lat (x D2R, or the projection's inverse) -> destination units (x R2D, or its forward), with proj4's
 * checks (non-finite input throws; a projection that gives no point gives NaN, as proj4's converter does).
 */
function sameDatumLoop(xy: ArrayLike<number>, out: Float64Array | number[], s: Side, d: Side): void {
  const p: Pt = { x: 0, y: 0, z: 0 };
  const sk = s.k, dk = d.k, sKind = s.kind, dKind = d.kind;
  const sGreenwich = s.fromGreenwich, dGreenwich = d.fromGreenwich, sMeter = s.toMeter, dMeter = d.toMeter;
  for (let i = 0; i < xy.length; i += 2) {
    let x = xy[i]!, y = xy[i + 1]!;
    // proj4's checkSanity, the same error
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new TypeError('coordinates must be finite numbers');
    if (sKind === LONLAT) {
      x = x * D2R;
      y = y * D2R;
    } else if (sKind === ETMERC) {
      etmercInverse(sk, x, y);
      x = R[0]!;
      y = R[1]!;
    } else {
      if (sMeter) {
        x = x * sMeter;
        y = y * sMeter;
      }
      p.x = x;
      p.y = y;
      p.z = 0;
      const r = s.proj.inverse(p);
      if (!r || typeof r !== 'object') {
        out[i] = out[i + 1] = NaN;
        continue;
      }
      x = r.x;
      y = r.y;
    }
    if (sGreenwich) x += sGreenwich;
    if (dGreenwich) x = x - dGreenwich;
    if (dKind === LONLAT) {
      x = x * R2D;
      y = y * R2D;
    } else if (dKind === ETMERC) {
      etmercForward(dk, x, y);
      x = R[0]!;
      y = R[1]!;
    } else {
      p.x = x;
      p.y = y;
      p.z = 0;
      const r = d.proj.forward(p);
      if (!r || typeof r !== 'object') {
        out[i] = out[i + 1] = NaN;
        continue;
      }
      x = r.x;
      y = r.y;
      if (dMeter) {
        x = x / dMeter;
        y = y / dMeter;
      }
    }
    out[i] = x;
    out[i + 1] = y;
  }
}

/** proj4's own per-point path (datum shifts): one converter, one reused input array. */
function proj4Plan(fromDef: string, toDef: string): Plan {
  const conv = proj4(fromDef, toDef);
  const q = [0, 0];
  return {
    path: 'proj4',
    run(xy, out) {
      for (let i = 0; i < xy.length; i += 2) {
        q[0] = xy[i]!;
        q[1] = xy[i + 1]!;
        const r = conv.forward(q);
        out[i] = r[0]!;
        out[i + 1] = r[1]!;
      }
    },
  };
}

/**
 * Whether proj4's transform between these two would do no datum work: neither side routed through WGS84 (its
 * checkNotWGS), and its datum_transform returning the point as it is (equal datums, 'none', or the same ellipsoid
 * without parameters). The conditions are proj4's (lib/transform.js, lib/datum_transform.js), so that the fast path is
 * taken exactly where proj4 itself would do nothing.
 */
function sameDatum(s: ProjObject, d: ProjObject): boolean {
  const sd = s.datum, dd = d.datum;
  if (!sd || !dd) return false;
  const shifts = (t: number) => t === PJD_3PARAM || t === PJD_7PARAM || t === PJD_GRIDSHIFT;
  if ((shifts(sd.datum_type) && d.datumCode !== 'WGS84') || (shifts(dd.datum_type) && s.datumCode !== 'WGS84')) return false;
  if (sd.datum_type === PJD_GRIDSHIFT || dd.datum_type === PJD_GRIDSHIFT) return false;
  if (sd.datum_type === PJD_NODATUM || dd.datum_type === PJD_NODATUM) return true;
  const params = (t: number) => t === PJD_3PARAM || t === PJD_7PARAM;
  if (sd.datum_type === dd.datum_type && sd.a === dd.a && Math.abs(sd.es - dd.es) <= 0.00000000005) {
    if (sd.datum_type === PJD_3PARAM) return sd.datum_params!.slice(0, 3).every((v, i) => v === dd.datum_params![i]);
    if (sd.datum_type === PJD_7PARAM) return sd.datum_params!.slice(0, 7).every((v, i) => v === dd.datum_params![i]);
    return true;
  }
  return sd.es === dd.es && sd.a === dd.a && !params(sd.datum_type) && !params(dd.datum_type);
}

/** Whether proj4 set up this projection as its Extended Transverse Mercator (etmerc init's constants, no +approx). */
function isEtmerc(p: ProjObject): boolean {
  return (
    !p.approx && !p.over && (p.to_meter === undefined || p.to_meter === 1) && !p.from_greenwich &&
    [p.cbg, p.cgb, p.utg, p.gtu].every((c) => Array.isArray(c) && c.length === 6) &&
    typeof p.Qn === 'number' && typeof p.Zb === 'number' &&
    ['tmerc', 'etmerc', 'utm'].includes(p.projName)
  );
}

// proj4's helpers (lib/common/*.js), the same expressions
const sign = (x: number) => (x < 0 ? -1 : 1);
const adjustLon = (x: number) => (Math.abs(x) <= SPI ? x : x - sign(x) * TWO_PI);
function hypot(x: number, y: number): number {
  x = Math.abs(x);
  y = Math.abs(y);
  const a = Math.max(x, y);
  const b = Math.min(x, y) / (a ? a : 1);
  return a * Math.sqrt(1 + Math.pow(b, 2));
}
function log1py(x: number): number {
  const y = 1 + x;
  const z = y - 1;
  return z === 0 ? x : (x * Math.log(y)) / z;
}
function asinhy(x: number): number {
  let y = Math.abs(x);
  y = log1py(y * (1 + y / (hypot(1, y) + 1)));
  return x < 0 ? -y : y;
}
/** proj4's gatg on the six coefficients k[o..o+5]. */
function gatg(k: Float64Array, o: number, B: number): number {
  const cos2B = 2 * Math.cos(2 * B);
  let i = 5;
  let h1 = k[o + 5]!;
  let h2 = 0;
  let h = 0;
  while (--i >= 0) {
    h = -h2 + cos2B * h1 + k[o + i]!;
    h2 = h1;
    h1 = h;
  }
  return B + h * Math.sin(2 * B);
}

/**
 * proj4's etmerc forward (lib/projections/etmerc.js), constants in k (see Side): radians lon/lat -> metres in R.
 * clens_cmplx is inlined into two results instead of an array.
 */
function etmercForward(k: Float64Array, lam: number, phi: number): void {
  let Ce = adjustLon(lam - k[5]!);
  let Cn = phi;
  Cn = gatg(k, K_CBG, Cn);
  const sinCn = Math.sin(Cn), cosCn = Math.cos(Cn), sinCe = Math.sin(Ce), cosCe = Math.cos(Ce);
  Cn = Math.atan2(sinCn, cosCe * cosCn);
  Ce = Math.atan2(sinCe * cosCn, hypot(sinCn, cosCn * cosCe));
  Ce = asinhy(Math.tan(Ce));
  clensCmplx(k, K_GTU, 2 * Cn, 2 * Ce);
  Cn = Cn + CC[0]!;
  Ce = Ce + CC[1]!;
  if (Math.abs(Ce) <= ETMERC_CE_MAX) {
    const a = k[0]!, Qn = k[1]!;
    R[0] = a * (Qn * Ce) + k[3]!;
    R[1] = a * (Qn * Cn + k[2]!) + k[4]!;
  } else {
    R[0] = Infinity;
    R[1] = Infinity;
  }
}

/** proj4's etmerc inverse: metres -> radians lon/lat in R. */
function etmercInverse(k: Float64Array, x: number, y: number): void {
  const a = k[0]!, Qn = k[1]!;
  let Ce = (x - k[3]!) * (1 / a);
  let Cn = (y - k[4]!) * (1 / a);
  Cn = (Cn - k[2]!) / Qn;
  Ce = Ce / Qn;
  if (Math.abs(Ce) <= ETMERC_CE_MAX) {
    clensCmplx(k, K_UTG, 2 * Cn, 2 * Ce);
    Cn = Cn + CC[0]!;
    Ce = Ce + CC[1]!;
    // proj4's sinh: (e^x - 1/e^x) / 2
    const e = Math.exp(Ce);
    Ce = Math.atan((e - 1 / e) / 2);
    const sinCn = Math.sin(Cn), cosCn = Math.cos(Cn), sinCe = Math.sin(Ce), cosCe = Math.cos(Ce);
    Cn = Math.atan2(sinCn * cosCe, hypot(sinCe, cosCe * cosCn));
    Ce = Math.atan2(sinCe, cosCe * cosCn);
    R[0] = adjustLon(Ce + k[5]!);
    R[1] = gatg(k, K_CGB, Cn);
  } else {
    R[0] = Infinity;
    R[1] = Infinity;
  }
}

/** The two results of clensCmplx (real, imaginary), reused: the caller reads them at once. */
const CC = new Float64Array(2);

/**
 * proj4's clens_cmplx on the six coefficients k[o..o+5]: the complex Clenshaw sum; sinh and cosh of arg_i from one
 * Math.exp (proj4 calls it twice on the same argument: the same double).
 */
function clensCmplx(k: Float64Array, o: number, argR: number, argI: number): void {
  const sinR = Math.sin(argR), cosR = Math.cos(argR);
  const e = Math.exp(argI);
  const sinhI = (e - 1 / e) / 2, coshI = (e + 1 / e) / 2;
  let r = 2 * cosR * coshI;
  let i = -2 * sinR * sinhI;
  let j = 5;
  let hr = k[o + 5]!;
  let hi1 = 0, hr1 = 0, hi = 0, hr2 = 0, hi2 = 0;
  while (--j >= 0) {
    hr2 = hr1;
    hi2 = hi1;
    hr1 = hr;
    hi1 = hi;
    hr = -hr2 + r * hr1 - i * hi1 + k[o + j]!;
    hi = -hi2 + i * hr1 + r * hi1;
  }
  r = sinR * coshI;
  i = cosR * sinhI;
  CC[0] = r * hr - i * hi;
  CC[1] = r * hi + i * hr;
}
