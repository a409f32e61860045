/**
 * Resampling a raster of any CRS onto a heatplan grid.
 *  - Same CRS, axis-aligned: exact area weighting. Each target cell takes the source cells it overlaps with weights
 *    = overlap area (separable: x overlap x y overlap). Intensive values (W/m, W/(m·K), MWh/ha) become the
 *    area-weighted mean over valid source area; extensive values (a quantity per cell: MWh, kW) are split by overlap
 *    area / source cell area, so totals are kept wherever the target covers the source.
 *  - Intensive values on a target finer than the source (method 'auto'): bilinear interpolation between source cell
 *    centres (a smooth field instead of 250 m blocks); extensive values always use area weighting (conservative).
 *  - Different CRS: each target cell is sampled at n x n sub-points (n so that sub-points are at most half a source
 *    cell apart, 2..16), transformed into the source CRS; intensive: mean of valid samples; extensive: source density
 *    (value / source cell area measured in the target CRS) x sub-cell area.
 * NaN = nodata throughout. Cells with no valid source data are NaN.
 */
import { CrsError, InputError } from '../errors.js';
import { parseCrs, transformer, type Crs } from '../crs/index.js';
import { flatRing, ringArea } from '../geom/rings.js';
import type { GridSpec } from './grid.js';

/** A north-up source raster: x0/y0 = north-west corner, resX/resY = positive pixel sizes in its CRS units. */
export interface SourceRaster {
  /** CRS code/proj4/WKT; required. */
  crs: string;
  x0: number;
  y0: number;
  resX: number;
  resY: number;
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export type ValueKind = 'intensive' | 'extensive';
export type ResampleMethod = 'auto' | 'area' | 'bilinear';

export interface ResampleOptions {
  /** 'intensive' (a density or property; default) or 'extensive' (an amount per cell). */
  kind?: ValueKind;
  method?: ResampleMethod;
  /** Sub-samples per axis per target cell when CRSs differ (default: chosen from the resolutions). */
  samples?: number;
  /** For error messages. */
  file?: string;
}

export interface ResampleResult {
  data: Float64Array;
  /** What was done, for the manifest. */
  method: 'area-exact' | 'bilinear' | 'area-supersampled';
  /** Target cells that got a value. */
  validCells: number;
}

/** Resample `src` onto `target` (see module doc). Throws when the source has no valid data or does not overlap. */
export function resampleToGrid(src: SourceRaster, target: GridSpec, opts: ResampleOptions = {}): ResampleResult {
  if (!src.crs) {
    throw new CrsError('raster-no-crs', 'the raster has no coordinate reference system', {
      file: opts.file,
      hint: 'add one (gdal_edit.py -a_srs EPSG:N) or give a GeoTIFF with GeoKeys',
    });
  }
  if (!(src.resX > 0 && src.resY > 0)) throw new InputError('raster-bad-geometry', 'raster pixel size must be positive', { file: opts.file, value: [src.resX, src.resY] });
  let anyValid = false;
  for (let i = 0; i < src.data.length; i++) {
    const v = src.data[i]!;
    if (v === v) {
      anyValid = true;
      break;
    }
  }
  if (!anyValid) throw new InputError('raster-all-nodata', 'the raster holds only nodata', { file: opts.file, hint: 'check the nodata value and the band' });
  const kind = opts.kind ?? 'intensive';
  const sCrs = parseCrs(src.crs, { file: opts.file });
  const tCrs = parseCrs(target.crs);
  const same = sCrs.proj4 === tCrs.proj4 || numericallySame(sCrs, tCrs, target);
  let res: ResampleResult;
  if (same) {
    const finer = target.cellSize < Math.min(src.resX, src.resY);
    const method = opts.method ?? 'auto';
    if (kind === 'intensive' && (method === 'bilinear' || (method === 'auto' && finer))) res = bilinear(src, target);
    else res = areaExact(src, target, kind);
  } else res = supersample(src, sCrs, target, tCrs, kind, opts.samples);
  if (res.validCells === 0) {
    throw new InputError('raster-no-overlap', 'the raster does not overlap the run grid', {
      file: opts.file,
      value: { raster: [src.x0, src.y0 - src.height * src.resY, src.x0 + src.width * src.resX, src.y0], crs: src.crs, grid: target.crs },
      hint: 'give a raster that covers the study area (check its CRS)',
    });
  }
  return res;
}

/** Two CRS definitions that map the grid's corners and centre onto themselves within 1 mm (e.g. EPSG:3035 and the
 * same LAEA spelled out in GeoKeys) are the same for resampling. */
function numericallySame(a: Crs, b: Crs, g: GridSpec): boolean {
  const t = transformer(b, a);
  const xs = [g.x0, g.x0 + g.width * g.cellSize];
  const ys = [g.y0, g.y0 - g.height * g.cellSize];
  for (const x of [...xs, (xs[0]! + xs[1]!) / 2])
    for (const y of [...ys, (ys[0]! + ys[1]!) / 2]) {
      const [u, v] = t.forward(x, y);
      if (!(Math.abs(u - x) < 1e-3 && Math.abs(v - y) < 1e-3)) return false;
    }
  return true;
}

/** Overlaps of target intervals [a0 + k·t, a0 + (k+1)·t] with source intervals [s0 + j·r, ...]: per k, (j, length) pairs. */
function overlaps1d(a0: number, t: number, n: number, s0: number, r: number, m: number, flip: boolean): { start: Int32Array; idx: Int32Array; len: Float64Array } {
  const start = new Int32Array(n + 1);
  const idx: number[] = [];
  const len: number[] = [];
  for (let k = 0; k < n; k++) {
    start[k] = idx.length;
    // flip: coordinates decrease with index (rows go south)
    const lo = flip ? a0 - (k + 1) * t : a0 + k * t;
    const hi = lo + t;
    const jA = Math.max(0, Math.floor(flip ? (s0 - hi) / r : (lo - s0) / r));
    const jB = Math.min(m - 1, Math.ceil(flip ? (s0 - lo) / r : (hi - s0) / r) - 1);
    for (let j = jA; j <= jB; j++) {
      const sLo = flip ? s0 - (j + 1) * r : s0 + j * r;
      const o = Math.min(hi, sLo + r) - Math.max(lo, sLo);
      if (o > 0) {
        idx.push(j);
        len.push(o);
      }
    }
  }
  start[n] = idx.length;
  return { start, idx: Int32Array.from(idx), len: Float64Array.from(len) };
}

function areaExact(src: SourceRaster, t: GridSpec, kind: ValueKind): ResampleResult {
  const cx = overlaps1d(t.x0, t.cellSize, t.width, src.x0, src.resX, src.width, false);
  const cy = overlaps1d(t.y0, t.cellSize, t.height, src.y0, src.resY, src.height, true);
  const out = new Float64Array(t.width * t.height).fill(NaN);
  const srcArea = src.resX * src.resY;
  let valid = 0;
  for (let r = 0; r < t.height; r++) {
    for (let c = 0; c < t.width; c++) {
      let sw = 0;
      let sv = 0;
      for (let a = cy.start[r]!; a < cy.start[r + 1]!; a++) {
        const row = cy.idx[a]! * src.width;
        const ly = cy.len[a]!;
        for (let b = cx.start[c]!; b < cx.start[c + 1]!; b++) {
          const v = src.data[row + cx.idx[b]!]!;
          if (v !== v) continue;
          const wgt = ly * cx.len[b]!;
          sw += wgt;
          sv += wgt * v;
        }
      }
      if (sw > 0) {
        out[r * t.width + c] = kind === 'intensive' ? sv / sw : sv / srcArea;
        valid++;
      }
    }
  }
  return { data: out, method: 'area-exact', validCells: valid };
}

function bilinear(src: SourceRaster, t: GridSpec): ResampleResult {
  const out = new Float64Array(t.width * t.height).fill(NaN);
  let valid = 0;
  for (let r = 0; r < t.height; r++) {
    const y = t.y0 - (r + 0.5) * t.cellSize;
    const fy = (src.y0 - y) / src.resY - 0.5;
    if (fy < -0.5 || fy > src.height - 0.5) continue;
    for (let c = 0; c < t.width; c++) {
      const x = t.x0 + (c + 0.5) * t.cellSize;
      const fx = (x - src.x0) / src.resX - 0.5;
      if (fx < -0.5 || fx > src.width - 0.5) continue;
      const v = bilinearAt(src, fx, fy);
      if (v === v) {
        out[r * t.width + c] = v;
        valid++;
      }
    }
  }
  return { data: out, method: 'bilinear', validCells: valid };
}

/** Bilinear value at fractional pixel-centre coordinates; edges clamp, nodata neighbours drop out of the weights. */
function bilinearAt(src: SourceRaster, fx: number, fy: number): number {
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  let sw = 0;
  let sv = 0;
  for (let dy = 0; dy <= 1; dy++) {
    const yy = Math.min(src.height - 1, Math.max(0, y0 + dy));
    const wy = dy ? ty : 1 - ty;
    for (let dx = 0; dx <= 1; dx++) {
      const xx = Math.min(src.width - 1, Math.max(0, x0 + dx));
      const w = wy * (dx ? tx : 1 - tx);
      if (w === 0) continue;
      const v = src.data[yy * src.width + xx]!;
      if (v !== v) continue;
      sw += w;
      sv += w * v;
    }
  }
  return sw > 0 ? sv / sw : NaN;
}

function supersample(src: SourceRaster, sCrs: Crs, t: GridSpec, tCrs: Crs, kind: ValueKind, samples?: number): ResampleResult {
  const toSrc = transformer(tCrs, sCrs);
  const toTgt = transformer(sCrs, tCrs);
  // source pixel size in target units, measured at the target grid's centre
  const [mx, my] = toSrc.forward(t.x0 + (t.width * t.cellSize) / 2, t.y0 - (t.height * t.cellSize) / 2);
  const [ax, ay] = toTgt.forward(mx, my);
  const [bx, by] = toTgt.forward(mx + src.resX, my);
  const [cx, cy] = toTgt.forward(mx, my - src.resY);
  const srcPx = Math.min(Math.hypot(bx - ax, by - ay), Math.hypot(cx - ax, cy - ay));
  const n = samples ?? Math.min(16, Math.max(2, Math.ceil((2 * t.cellSize) / (srcPx || t.cellSize))));
  const out = new Float64Array(t.width * t.height).fill(NaN);
  const areaCache = kind === 'extensive' ? new Float64Array(src.width * src.height).fill(NaN) : undefined;
  const sub = t.cellSize / n;
  const subArea = sub * sub;
  const pts = new Float64Array(2 * n * n);
  let valid = 0;
  for (let r = 0; r < t.height; r++) {
    for (let c = 0; c < t.width; c++) {
      let k = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          pts[k++] = t.x0 + c * t.cellSize + (j + 0.5) * sub;
          pts[k++] = t.y0 - r * t.cellSize - (i + 0.5) * sub;
        }
      toSrc.forwardFlat(pts);
      let cnt = 0;
      let sum = 0;
      for (let s = 0; s < n * n; s++) {
        const col = Math.floor((pts[2 * s]! - src.x0) / src.resX);
        const row = Math.floor((src.y0 - pts[2 * s + 1]!) / src.resY);
        if (col < 0 || row < 0 || col >= src.width || row >= src.height) continue;
        const si = row * src.width + col;
        const v = src.data[si]!;
        if (v !== v) continue;
        cnt++;
        if (areaCache) {
          let a = areaCache[si]!;
          if (a !== a) {
            a = cellAreaIn(src, col, row, toTgt);
            areaCache[si] = a;
          }
          sum += (v / a) * subArea;
        } else sum += v;
      }
      if (cnt > 0) {
        out[r * t.width + c] = areaCache ? sum : sum / cnt;
        valid++;
      }
    }
  }
  return { data: out, method: 'area-supersampled', validCells: valid };
}

/** Area of source cell (col,row) in target CRS m², from its 4 corners. */
function cellAreaIn(src: SourceRaster, col: number, row: number, toTgt: ReturnType<typeof transformer>): number {
  const xs = [src.x0 + col * src.resX, src.x0 + (col + 1) * src.resX];
  const ys = [src.y0 - row * src.resY, src.y0 - (row + 1) * src.resY];
  const p = [toTgt.forward(xs[0]!, ys[1]!), toTgt.forward(xs[1]!, ys[1]!), toTgt.forward(xs[1]!, ys[0]!), toTgt.forward(xs[0]!, ys[0]!)];
  return ringArea(flatRing(p));
}
