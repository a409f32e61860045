/**
 * Exact-coverage rasterization: the area of polygon ∩ cell for every cell a polygon touches, computed from the
 * polygon's edges alone (no sampling, no clipping of polygons against cells).
 *
 * Method (signed area by edge contribution, as in exactextract): a polygon's area is -∮ (y - yref) dx, the signed sum
 * of the trapezoids between each edge and a reference line below it. Each edge is split at the vertical and horizontal
 * grid lines it crosses; a piece inside cell (row, col) contributes its trapezoid down to the cell's south edge to that
 * cell, and a full strip (-dx · cellSize) to every cell south of it in the same column. The strips are added as
 * differences and summed down each column once per polygon, so the cost is O(edge pieces + window cells).
 * Rings must be oriented as `computeFootprints` leaves them: exteriors counter-clockwise, holes clockwise (y up), so
 * holes subtract and several polygons of one building add.
 */
import { coordsBBox, ringSignedArea } from '../geom/rings.js';
import type { BuildingTable } from '../buildings/table.js';
import { InputError } from '../errors.js';
import type { ProgressFn } from '../util/progress.js';
import type { Warnings } from '../util/warnings.js';
import type { GridSpec } from './grid.js';
import type { RasterizeStats } from '../run/summaries.js';

/**
 * Reusable scratch state for coverage computations on one grid: buffers over a polygon's window of cells, allocated
 * once and grown on demand. Results of the last `cover` call are in `cells[0..n)` (grid cell index) and
 * `areas[0..n)` (m², may be slightly negative for invalid, self-overlapping rings).
 */
export class CoverageScratch {
  /** Grid cell indices of the last result. */
  cells = new Int32Array(256);
  /** Covered area (m²) of each cell in `cells`. */
  areas = new Float64Array(256);
  n = 0;
  /** Part-cell trapezoid sums, window-local, in cell units. */
  private acc = new Float64Array(256);
  /** Full-strip differences to be summed down each window column, in cell units. */
  private diff = new Float64Array(256);
  private readonly invCs: number;
  private readonly cs2: number;

  constructor(readonly spec: GridSpec) {
    this.invCs = 1 / spec.cellSize;
    this.cs2 = spec.cellSize * spec.cellSize;
  }

  /**
   * Coverage of the polygon made of rings rStart..rEnd-1 (ring r's vertices are ringVertex[r]..ringVertex[r+1]-1 in
   * the flat x,y array `coords`, no closing duplicate), clipped to the grid. Returns the number of cells written to
   * `cells`/`areas`; cells with zero area are left out.
   */
  cover(coords: ArrayLike<number>, ringVertex: ArrayLike<number>, rStart: number, rEnd: number): number {
    const { spec, invCs } = this;
    const [xmin, ymin, xmax, ymax] = coordsBBox(coords, ringVertex[rStart]!, ringVertex[rEnd]!);
    this.n = 0;
    if (!(xmin <= xmax)) return 0;
    // window of cells the bbox touches, clipped to the grid
    let c0 = Math.floor((xmin - spec.x0) * invCs), c1 = Math.floor((xmax - spec.x0) * invCs);
    let r0 = Math.floor((spec.y0 - ymax) * invCs), r1 = Math.floor((spec.y0 - ymin) * invCs);
    // a max edge exactly on a grid line touches the next cell only along a line
    if (c1 > c0 && spec.x0 + c1 * spec.cellSize === xmax) c1--;
    if (r1 > r0 && spec.y0 - r1 * spec.cellSize === ymin) r1--;
    if (c1 < 0 || r1 < 0 || c0 >= spec.width || r0 >= spec.height) return 0;
    if (c0 < 0) c0 = 0;
    if (r0 < 0) r0 = 0;
    if (c1 >= spec.width) c1 = spec.width - 1;
    if (r1 >= spec.height) r1 = spec.height - 1;
    const W = c1 - c0 + 1, H = r1 - r0 + 1;
    if (W === 1 && H === 1 && xmin >= spec.x0 + c0 * spec.cellSize && xmax <= spec.x0 + (c0 + 1) * spec.cellSize &&
      ymax <= spec.y0 - r0 * spec.cellSize && ymin >= spec.y0 - (r0 + 1) * spec.cellSize) {
      // fast path: the whole polygon lies in one cell
      let a = 0;
      for (let r = rStart; r < rEnd; r++) a += ringSignedArea(coords, ringVertex[r]!, ringVertex[r + 1]!);
      if (a === 0) return 0;
      this.ensureOut(1);
      this.cells[0] = r0 * spec.width + c0;
      this.areas[0] = a;
      this.n = 1;
      return 1;
    }
    const size = W * H;
    if (this.acc.length < size) {
      let cap = this.acc.length;
      while (cap < size) cap *= 2;
      this.acc = new Float64Array(cap);
      this.diff = new Float64Array(cap);
    }
    const acc = this.acc, diff = this.diff;
    const wx0 = spec.x0 + c0 * spec.cellSize, wy0 = spec.y0 - r0 * spec.cellSize;
    for (let r = rStart; r < rEnd; r++) {
      const v0 = ringVertex[r]!, v1 = ringVertex[r + 1]!;
      if (v1 - v0 < 3) continue;
      let pu = (coords[2 * (v1 - 1)]! - wx0) * invCs, pv = (wy0 - coords[2 * (v1 - 1) + 1]!) * invCs;
      for (let v = v0; v < v1; v++) {
        const u = (coords[2 * v]! - wx0) * invCs, w = (wy0 - coords[2 * v + 1]!) * invCs;
        if (u !== pu) walkEdge(pu, pv, u, w, W, H, acc, diff);
        pu = u;
        pv = w;
      }
    }
    // sum strips down each column, collect non-zero cells, clear the window for the next polygon
    this.ensureOut(size);
    let n = 0;
    const gw = spec.width, cs2 = this.cs2;
    for (let c = 0; c < W; c++) {
      let run = 0;
      for (let r = 0; r < H; r++) {
        const k = r * W + c;
        run += diff[k]!;
        const a = acc[k]! + run;
        acc[k] = 0;
        diff[k] = 0;
        if (a !== 0) {
          this.cells[n] = (r0 + r) * gw + c0 + c;
          this.areas[n] = a * cs2;
          n++;
        }
      }
    }
    this.n = n;
    return n;
  }

  private ensureOut(size: number): void {
    if (this.cells.length >= size) return;
    let cap = this.cells.length;
    while (cap < size) cap *= 2;
    this.cells = new Int32Array(cap);
    this.areas = new Float64Array(cap);
  }
}

/**
 * Walk one edge (window-local cell units: u east, v south), split it at grid lines, and add each piece's signed
 * trapezoid. Pieces west/east of the window are dropped (columns are independent); pieces north of it add their strip
 * to the whole column; pieces south of it add nothing.
 */
function walkEdge(u0: number, v0: number, u1: number, v1: number, W: number, H: number, acc: Float64Array, diff: Float64Array): void {
  const du = u1 - u0, dv = v1 - v0;
  const su = du > 0 ? 1 : -1;
  const sv = dv > 0 ? 1 : dv < 0 ? -1 : 0;
  let nu = su > 0 ? Math.floor(u0) + 1 : Math.ceil(u0) - 1;
  let nv = sv > 0 ? Math.floor(v0) + 1 : Math.ceil(v0) - 1;
  let tu = (su > 0 ? nu < u1 : nu > u1) ? (nu - u0) / du : 2;
  let tv = sv !== 0 && (sv > 0 ? nv < v1 : nv > v1) ? (nv - v0) / dv : 2;
  let ua = u0, va = v0;
  for (;;) {
    let ub: number, vb: number, last = false;
    if (tu >= 1 && tv >= 1) {
      ub = u1;
      vb = v1;
      last = true;
    } else if (tu <= tv) {
      ub = nu;
      vb = tu === tv ? nv : v0 + tu * dv;
      if (tu === tv) {
        nv += sv;
        tv = (sv > 0 ? nv < v1 : nv > v1) ? (nv - v0) / dv : 2;
      }
      nu += su;
      tu = (su > 0 ? nu < u1 : nu > u1) ? (nu - u0) / du : 2;
    } else {
      vb = nv;
      ub = u0 + tv * du;
      nv += sv;
      tv = (sv > 0 ? nv < v1 : nv > v1) ? (nv - v0) / dv : 2;
    }
    const d = ub - ua;
    if (d !== 0) {
      const col = Math.floor((ua + ub) * 0.5);
      if (col >= 0 && col < W) {
        const vm = (va + vb) * 0.5;
        const row = Math.floor(vm);
        if (row < 0) diff[col] -= d;
        else if (row < H) {
          const k = row * W + col;
          acc[k] -= d * (row + 1 - vm);
          if (row + 1 < H) diff[k + W] -= d;
        }
      }
    }
    if (last) return;
    ua = ub;
    va = vb;
  }
}


const scratchByGrid = new WeakMap<GridSpec, CoverageScratch>();

/**
 * Exact coverage of one polygon (rings rStart..rEnd-1 of `coords`/`ringVertex`, exteriors CCW, holes CW) on `spec`:
 * calls `onCell(cellIndex, areaM2)` for every grid cell it overlaps (parts outside the grid are clipped off).
 * For many polygons, make one `CoverageScratch` and call `cover` directly.
 */
export function polygonCoverage(
  coords: ArrayLike<number>,
  ringVertex: ArrayLike<number>,
  rStart: number,
  rEnd: number,
  spec: GridSpec,
  onCell: (cellIndex: number, areaM2: number) => void,
): void {
  let s = scratchByGrid.get(spec);
  if (!s) {
    s = new CoverageScratch(spec);
    scratchByGrid.set(spec, s);
  }
  const n = s.cover(coords, ringVertex, rStart, rEnd);
  for (let i = 0; i < n; i++) onCell(s.cells[i]!, s.areas[i]!);
}

export type { RasterizeStats } from '../run/summaries.js';

export interface RasterizeOptions {
  /** Filled with counts (pass an object to receive them). */
  stats?: RasterizeStats;
  /** Zero-area footprints and negative coverage are counted here as well ('zero-area-footprint', 'invalid-footprint'). */
  warnings?: Warnings;
  onProgress?: ProgressFn;
}

/**
 * Rasterize building values onto `spec` by exact footprint coverage: building b's value values[k][b] is split over
 * the cells its footprint covers in proportion to area(footprint ∩ cell) / area(footprint). Returns one row-major band
 * per value column (0 where no building). Band totals equal building totals to rounding.
 * The table must be in the grid's CRS with footprints computed (`projectTable`/`computeFootprints`); a building
 * outside the grid is an error (make the grid from the data's extent), a non-finite value too.
 */
export function rasterizeBuildings(
  table: BuildingTable,
  spec: GridSpec,
  values: ArrayLike<number>[],
  opts: RasterizeOptions = {},
): Float64Array[] {
  const size = spec.width * spec.height;
  const bands = values.map(() => new Float64Array(size));
  const stats: RasterizeStats = opts.stats ?? { buildings: 0, singleCell: 0, multiCell: 0, zeroArea: 0, negativeCoverage: 0 };
  stats.buildings = table.count;
  stats.singleCell = stats.multiCell = stats.zeroArea = stats.negativeCoverage = 0;
  const K = values.length;
  for (let k = 0; k < K; k++) {
    if (values[k]!.length !== table.count) {
      throw new RangeError(`rasterizeBuildings: value column ${k} has ${values[k]!.length} entries for ${table.count} buildings`);
    }
  }
  const { coords, ringVertex, buildingRing } = table;
  const xmaxG = spec.x0 + spec.width * spec.cellSize, yminG = spec.y0 - spec.height * spec.cellSize;
  const s = new CoverageScratch(spec);
  const vals = new Float64Array(K);
  const progressEvery = 1 << 16;
  for (let b = 0; b < table.count; b++) {
    if (opts.onProgress && b % progressEvery === 0) opts.onProgress(b, table.count, 'rasterize');
    let any = false;
    for (let k = 0; k < K; k++) {
      const v = values[k]![b]!;
      if (!Number.isFinite(v)) {
        throw new InputError('value-not-finite', `building value column ${k} is not a finite number`, {
          file: table.files[table.fileIndex[b]!], record: table.id[b], value: v,
        });
      }
      vals[k] = v;
      if (v !== 0) any = true;
    }
    const rA = buildingRing[b]!, rB = buildingRing[b + 1]!;
    // the whole footprint must lie on the grid
    for (let v = ringVertex[rA]!, vEnd = ringVertex[rB]!; v < vEnd; v++) {
      const x = coords[2 * v]!, y = coords[2 * v + 1]!;
      if (!(x >= spec.x0 && x <= xmaxG && y <= spec.y0 && y >= yminG)) {
        throw new InputError('building-outside-grid', `building footprint lies outside the grid [${spec.x0}, ${yminG}, ${xmaxG}, ${spec.y0}] (${spec.crs})`, {
          file: table.files[table.fileIndex[b]!], record: table.id[b], value: [x, y],
          hint: 'make the grid from the extent of the projected buildings (gridForBBox)',
        });
      }
    }
    const n = rB > rA ? s.cover(coords, ringVertex, rA, rB) : 0;
    let total = 0, negSum = 0;
    for (let i = 0; i < n; i++) {
      const a = s.areas[i]!;
      if (a > 0) total += a;
      else negSum -= a;
    }
    // cells touched only along a line get ±rounding noise; a real negative coverage is an invalid (self-crossing) ring
    const neg = negSum > 1e-9 * total;
    if (!(total > 0)) {
      stats.zeroArea++;
      opts.warnings?.add('zero-area-footprint', 'footprint has zero area: its values were put in the cell of its centroid', {
        file: table.files[table.fileIndex[b]!], record: table.id[b],
      });
      const cx = table.cx[b]!, cy = table.cy[b]!;
      let col = Math.floor((cx - spec.x0) / spec.cellSize), row = Math.floor((spec.y0 - cy) / spec.cellSize);
      col = Math.min(Math.max(col, 0), spec.width - 1);
      row = Math.min(Math.max(row, 0), spec.height - 1);
      const cell = row * spec.width + col;
      for (let k = 0; k < K; k++) bands[k]![cell] += vals[k]!;
      continue;
    }
    if (neg) {
      stats.negativeCoverage++;
      opts.warnings?.add('invalid-footprint', 'footprint rings overlap themselves (negative coverage in some cell, clamped to 0)', {
        file: table.files[table.fileIndex[b]!], record: table.id[b],
      });
    }
    if (n === 1) stats.singleCell++;
    else stats.multiCell++;
    if (!any) continue;
    // normalise by the summed coverage (equal to the footprint area for valid rings) so totals are conserved exactly
    const inv = 1 / total;
    for (let i = 0; i < n; i++) {
      const a = s.areas[i]!;
      if (!(a > 0)) continue;
      const f = a * inv, cell = s.cells[i]!;
      for (let k = 0; k < K; k++) bands[k]![cell] += vals[k]! * f;
    }
  }
  opts.onProgress?.(table.count, table.count, 'rasterize');
  return bands;
}
