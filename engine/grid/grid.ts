/**
 * The Grid: a north-up raster in a projected CRS. Cell (col, row) covers
 * x in [x0 + col·cellSize, x0 + (col+1)·cellSize] and y in [y0 - (row+1)·cellSize, y0 - row·cellSize];
 * data is row-major (i = row·width + col), NaN = no data. x0/y0 is the north-west corner, as in GeoTIFF.
 */
import { InputError } from '../errors.js';

export interface GridSpec {
  /** EPSG code ('EPSG:6676') or proj4 string of the projected CRS. */
  crs: string;
  /** West edge, m. */
  x0: number;
  /** North edge, m. */
  y0: number;
  /** Cell edge length, m. */
  cellSize: number;
  width: number;
  height: number;
}

export interface Grid<T extends Float32Array | Float64Array = Float64Array> extends GridSpec {
  data: T;
}

/** Several co-registered bands with names and units (a run's demand.tif, potential.tif). */
export interface Raster extends GridSpec {
  bands: Float64Array[];
  names: string[];
  units: string[];
}

/**
 * A grid spec covering bbox [xmin, ymin, xmax, ymax] whose edges are snapped to multiples of cellSize, so that
 * separate runs (tiles of a batch, two scenarios) share cell boundaries and can be merged cell by cell.
 */
export function gridForBBox(crs: string, bbox: [number, number, number, number], cellSize: number): GridSpec {
  if (!(cellSize > 0) || !Number.isFinite(cellSize)) throw new RangeError(`cell size must be a positive number of metres, got ${cellSize}`);
  const [xmin, ymin, xmax, ymax] = bbox;
  const x0 = Math.floor(xmin / cellSize) * cellSize;
  const y0 = Math.ceil(ymax / cellSize) * cellSize;
  const x1 = Math.max(x0 + cellSize, Math.ceil(xmax / cellSize) * cellSize);
  const y1 = Math.min(y0 - cellSize, Math.floor(ymin / cellSize) * cellSize);
  return { crs, x0, y0, cellSize, width: Math.round((x1 - x0) / cellSize), height: Math.round((y0 - y1) / cellSize) };
}

export function cellCount(g: GridSpec): number {
  return g.width * g.height;
}

/**
 * Default largest grid a stage makes, in cells (the demand stage's `maxCells`, --max-cells). Grids are whole in
 * memory: demand holds 3 Float64 bands (24 bytes a cell, 240 MB at this limit), the potential stage about ten (some
 * 800 MB), and the grid-cell blocks one GeoJSON feature per cell with demand. 10 million cells is a 316 km square at
 * the default 100 m cell (most prefectures), or a 32 km square (a large city) at 10 m, while a wrong cell size
 * (--cell 1 over a city) or a stray building far away is refused before anything is allocated instead of exhausting
 * the memory. A judgement of what an ordinary machine holds, not a measured limit: raise it with --max-cells where
 * the machine has the memory.
 */
export const DEFAULT_MAX_CELLS = 10_000_000;

/** Bytes of one Float64 cell value. */
const CELL_BYTES = 8;

export interface GridSizeLimit {
  /** Largest number of cells allowed. */
  maxCells: number;
  /** Float64 bands the caller will allocate over the grid (for the bytes in the message). */
  bands: number;
  /** How the caller names the limit (default: 'maxCells, --max-cells'). */
  option?: string;
  /** Why the grid is this large (extent in lon/lat, the records that stretch it); called only when refusing. */
  explain?: () => string;
}

/** "1.2 GB", "240 MB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} bytes`;
  if (n >= 1e12) return `${(n / 1e12).toPrecision(3)} TB`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(0)} MB`;
  return `${Math.ceil(n / 1e3)} kB`;
}

const big = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
const km = (m: number) => (Number.isFinite(m) ? (m >= 10_000 ? `${big(m / 1000)} km` : m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${+m.toFixed(1)} m`) : String(m));

/**
 * Refuse a grid above `limit.maxCells` (or one whose size is not a finite number) before anything is allocated:
 * InputError 'grid-too-large' with the size in cells and bytes, the extent in metres, the cell size and the
 * caller's explanation (extent in lon/lat, the records farthest out).
 */
export function checkGridSize(spec: GridSpec, limit: GridSizeLimit): void {
  const cells = spec.width * spec.height;
  if (Number.isFinite(cells) && cells <= limit.maxCells) return;
  const wM = spec.width * spec.cellSize, hM = spec.height * spec.cellSize;
  const extent = `[${big(spec.x0)}, ${big(spec.y0 - hM)}, ${big(spec.x0 + wM)}, ${big(spec.y0)}] m in ${spec.crs}`;
  const why = limit.explain?.();
  throw new InputError(
    'grid-too-large',
    `a grid of ${big(spec.width)} x ${big(spec.height)} = ${big(cells)} cells of ${spec.cellSize} m ` +
      `(${limit.bands} band${limit.bands === 1 ? '' : 's'}: ${formatBytes(cells * limit.bands * CELL_BYTES)}) is above the limit of ${big(limit.maxCells)} cells ` +
      `(${limit.option ?? 'maxCells, --max-cells'}): the extent is ${km(wM)} x ${km(hM)}, ${extent}${why ? `; ${why}` : ''}`,
    {
      hint: 'use a larger cell (--cell), remove or fix the buildings far from the rest (wrong coordinates or CRS), or raise the limit (--max-cells) if the machine has the memory',
    },
  );
}

/** Cell area, hectares. */
export function cellAreaHa(g: GridSpec): number {
  return (g.cellSize * g.cellSize) / 10_000;
}

/** Centre of cell i, in grid CRS metres. */
export function cellCentre(g: GridSpec, i: number): [number, number] {
  const col = i % g.width;
  const row = (i - col) / g.width;
  return [g.x0 + (col + 0.5) * g.cellSize, g.y0 - (row + 0.5) * g.cellSize];
}

export function sameGrid(a: GridSpec, b: GridSpec): boolean {
  return a.crs === b.crs && a.x0 === b.x0 && a.y0 === b.y0 && a.cellSize === b.cellSize && a.width === b.width && a.height === b.height;
}

/** Sum of the finite values. */
export function gridSum(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v === v) s += v;
  }
  return s;
}
