/**
 * District-heating potential areas by the Hotmaps method (HotMaps/dh_potential, CM_TUW4 district_heating_potential.py),
 * reproduced step by step on a heat-density raster in MWh/(ha·a):
 *  1. filtered = density where density > cellThreshold (strictly greater, as `hdm_arr * (hdm_arr > pix_threshold)`), else 0;
 *  2. binary_dilation then binary_erosion of (filtered != 0) with a 3x3 square of ones and scipy's default
 *     border_value = 0 (so cells on the raster edge are never in an area);
 *  3. 8-connected labelling (structure np.ones((3,3)));
 *  4. an area is kept when the sum of *filtered* density over its cells >= areaThreshold (GWh/a x 1000);
 *  5. each kept area's demand is the sum of the *unfiltered* density over its cells (DHPotential), so cells added by
 *     the closing count with their own (below-threshold) demand.
 * Hotmaps sums MWh/ha values of 1-ha cells; on other cell sizes heatplan multiplies by the cell area in ha, and the
 * 3x3 element still spans 3x3 cells (document the cell size). NaN (nodata) counts as 0, as Hotmaps' nodata 0 does.
 */
import { InputError } from '../errors.js';
import { cellAreaHa, type GridSpec } from '../grid/grid.js';
import { close3x3 } from '../grid/morphology.js';
import { labelComponents } from '../grid/labels.js';

export const HOTMAPS_DEFAULTS = {
  /** MWh/(ha·a); HotMaps/dh_potential constant.py `pix_threshold` default. */
  cellThresholdMWhPerHa: 333,
  /** GWh/a; HotMaps/dh_potential constant.py `DH_threshold` default. */
  areaThresholdGWh: 30,
  source: 'HotMaps/dh_potential (cm/app/constant.py defaults; CM_TUW4/district_heating_potential.py algorithm)',
} as const;

export interface HotmapsOptions {
  /** Cell threshold, MWh/(ha·a); cells strictly above it seed areas. Default 333. */
  cellThresholdMWhPerHa?: number;
  /** Area threshold, GWh/a; areas whose above-threshold demand is >= it are kept. Default 30. */
  areaThresholdGWh?: number;
  /** Value assumed outside the raster by the erosion: 0 = scipy/Hotmaps (default), 1 = keep edge cells. */
  borderValue?: 0 | 1;
  /** File name for error messages. */
  file?: string;
}

export interface PotentialArea {
  /** 1-based id, in row-major order of the area's first cell (scipy's label order). */
  id: number;
  /** Cells in the area (after closing). */
  cells: number;
  /** Of which strictly above the cell threshold. */
  cellsAboveThreshold: number;
  /** Annual demand of all the area's cells, MWh/a (Hotmaps' DHPotential). */
  demandMWh: number;
  /** Annual demand of the above-threshold cells, MWh/a (what the area threshold is tested on). */
  demandAboveThresholdMWh: number;
  /** Land area, ha. */
  landHa: number;
  /** [colMin, rowMin, colMax, rowMax] of the area's cells. */
  cellBox: [number, number, number, number];
}

export interface HotmapsResult {
  /** Area id per cell (0 = none), row-major over the input grid. */
  areaId: Int32Array;
  areas: PotentialArea[];
  /** Connected components before the area threshold. */
  candidates: number;
  /** Demand of the whole input raster, MWh/a. */
  totalDemandMWh: number;
  /** Demand inside all kept areas, MWh/a. */
  areasDemandMWh: number;
  cellThresholdMWhPerHa: number;
  areaThresholdGWh: number;
}

/**
 * Hotmaps DH potential areas on `density` (MWh/(ha·a) per cell, NaN = nodata). Returns per-cell area ids and per-area sums.
 */
export function hotmapsAreas(grid: GridSpec, density: ArrayLike<number>, opts: HotmapsOptions = {}): HotmapsResult {
  const cellT = opts.cellThresholdMWhPerHa ?? HOTMAPS_DEFAULTS.cellThresholdMWhPerHa;
  const areaT = opts.areaThresholdGWh ?? HOTMAPS_DEFAULTS.areaThresholdGWh;
  if (!(cellT >= 0) || !Number.isFinite(cellT)) throw new RangeError(`cell threshold must be >= 0 MWh/ha, got ${cellT}`);
  if (!(areaT >= 0) || !Number.isFinite(areaT)) throw new RangeError(`area threshold must be >= 0 GWh/a, got ${areaT}`);
  const { width, height } = grid;
  const n = width * height;
  if (density.length !== n) throw new RangeError(`density has ${density.length} cells, grid ${width} x ${height}`);
  const ha = cellAreaHa(grid);
  const seed = new Uint8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = density[i]!;
    if (v !== v) continue;
    if (v < 0 || v === Infinity) {
      throw new InputError('demand-negative', 'heat density must be a finite value >= 0 MWh/ha', {
        file: opts.file,
        record: `cell col ${i % width} row ${Math.floor(i / width)}`,
        value: v,
        hint: 'mark missing cells as nodata instead',
      });
    }
    total += v * ha;
    if (v > cellT) seed[i] = 1;
  }
  const closed = close3x3(seed, width, height, { borderValue: opts.borderValue ?? 0 });
  const { labels, count } = labelComponents(closed, width, height, { connectivity: 8 });
  const above = new Float64Array(count + 1);
  const all = new Float64Array(count + 1);
  const nCells = new Float64Array(count + 1);
  const nAbove = new Float64Array(count + 1);
  const box = new Int32Array((count + 1) * 4);
  for (let l = 1; l <= count; l++) {
    box[l * 4] = width;
    box[l * 4 + 1] = height;
    box[l * 4 + 2] = -1;
    box[l * 4 + 3] = -1;
  }
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      const i = o + c;
      const l = labels[i]!;
      if (!l) continue;
      const v = density[i]!;
      const mwh = v === v ? v * ha : 0;
      all[l] += mwh;
      nCells[l]++;
      if (seed[i]) {
        above[l] += mwh;
        nAbove[l]++;
      }
      const b = l * 4;
      if (c < box[b]!) box[b] = c;
      if (r < box[b + 1]!) box[b + 1] = r;
      if (c > box[b + 2]!) box[b + 2] = c;
      if (r > box[b + 3]!) box[b + 3] = r;
    }
  }
  const newId = new Int32Array(count + 1);
  const areas: PotentialArea[] = [];
  const limitMWh = areaT * 1000;
  for (let l = 1; l <= count; l++) {
    if (!(above[l]! >= limitMWh)) continue;
    newId[l] = areas.length + 1;
    areas.push({
      id: areas.length + 1,
      cells: nCells[l]!,
      cellsAboveThreshold: nAbove[l]!,
      demandMWh: all[l]!,
      demandAboveThresholdMWh: above[l]!,
      landHa: nCells[l]! * ha,
      cellBox: [box[l * 4]!, box[l * 4 + 1]!, box[l * 4 + 2]!, box[l * 4 + 3]!],
    });
  }
  const areaId = new Int32Array(n);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l) areaId[i] = newId[l]!;
  }
  for (const a of areas) inside += a.demandMWh;
  return {
    areaId,
    areas,
    candidates: count,
    totalDemandMWh: total,
    areasDemandMWh: inside,
    cellThresholdMWhPerHa: cellT,
    areaThresholdGWh: areaT,
  };
}
