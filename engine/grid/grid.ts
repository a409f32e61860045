/**
 * The Grid: a north-up raster in a projected CRS. Cell (col, row) covers
 * x in [x0 + col·cellSize, x0 + (col+1)·cellSize] and y in [y0 - (row+1)·cellSize, y0 - row·cellSize];
 * data is row-major (i = row·width + col), NaN = no data. x0/y0 is the north-west corner, as in GeoTIFF.
 */
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
