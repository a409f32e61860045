/**
 * A city's buildings in spatial chunks, for the frame time: above CHUNKED_ABOVE_POLYGONS footprints the buildings layer
 * is one SolidPolygonLayer per cell of a CHUNK_GRID x CHUNK_GRID grid over the buildings' extent (a footprint goes to
 * the cell of its first vertex), and the Deck's layerFilter (main.ts) skips, in every render and picking pass, the
 * chunks outside the viewport and all of them while a median footprint is smaller than one pixel (the demand grid
 * shows where the buildings are; the legend says from which zoom the footprints are drawn). Measured with 1,004,824
 * buildings under SwiftShader: one layer of every footprint takes 14 s a frame (README Benchmarks). Runs below the
 * limit are drawn as one layer, as before. Colours are the same per-vertex use colours, copied chunk by chunk.
 */
import type { Layer, Viewport } from '@deck.gl/core';
import { BUILDING_ARRAYS, type Unpacked } from '../../../engine/viewer/pack/format.js';
import type { BuildingsMeta } from '../data.js';
import { haversineM } from '../scalebar.js';

/**
 * ASSUMPTION (a rendering threshold, not a planning figure): footprints above which the buildings are chunked. The
 * 1,004,824-building run needs it (14 s frames as one layer); the 100,000-building synthetic run draws a frame in
 * about 0.4 s as one layer (README Benchmarks) and stays one layer, as do the real towns.
 */
export const CHUNKED_ABOVE_POLYGONS = 200_000;
/** ASSUMPTION (rendering): chunks per side of the grid over the buildings' extent (256 chunks, about 4,000 footprints each at 1,000,000). */
export const CHUNK_GRID = 16;

export interface BuildingChunk {
  /** Layer id: `buildings` + '-' + the chunk's cell. */
  id: string;
  /** [west, south, east, north] of the chunk's vertices, degrees. */
  bbox: [number, number, number, number];
  /** The chunk's footprints as deck.gl binary polygons (positions and colours copied in chunk order). */
  length: number;
  startIndices: Uint32Array;
  positions: Float64Array;
  colors: Uint8Array;
  /** Polygon index in the whole payload of the chunk's polygon i (what picking and the tooltip need). */
  polygon: Uint32Array;
}

/** The buildings split into chunks (every polygon in exactly one, in payload order within it). */
export function chunkBuildings(b: Unpacked<BuildingsMeta>, colors: Uint8Array, grid = CHUNK_GRID): BuildingChunk[] {
  const starts = b.arrays[BUILDING_ARRAYS.startIndices] as Uint32Array;
  const pos = b.arrays[BUILDING_ARRAYS.positions] as Float64Array;
  const n = b.meta.polygons;
  const [w, s, e, nn] = b.meta.bbox;
  const cellOf = new Uint32Array(n);
  const count = new Uint32Array(grid * grid);
  const vcount = new Uint32Array(grid * grid);
  for (let p = 0; p < n; p++) {
    const v = starts[p]!;
    const cx = Math.min(grid - 1, Math.max(0, Math.floor(((pos[2 * v]! - w) / Math.max(e - w, 1e-12)) * grid)));
    const cy = Math.min(grid - 1, Math.max(0, Math.floor(((pos[2 * v + 1]! - s) / Math.max(nn - s, 1e-12)) * grid)));
    const c = cy * grid + cx;
    cellOf[p] = c;
    count[c]!++;
    vcount[c]! += starts[p + 1]! - v;
  }
  const out: BuildingChunk[] = [];
  const at = new Map<number, { ch: BuildingChunk; k: number; v: number }>();
  for (let c = 0; c < grid * grid; c++) {
    if (!count[c]) continue;
    const ch: BuildingChunk = {
      id: `buildings-${c}`,
      bbox: [Infinity, Infinity, -Infinity, -Infinity],
      length: count[c]!,
      startIndices: new Uint32Array(count[c]! + 1),
      positions: new Float64Array(2 * vcount[c]!),
      colors: new Uint8Array(4 * vcount[c]!),
      polygon: new Uint32Array(count[c]!),
    };
    out.push(ch);
    at.set(c, { ch, k: 0, v: 0 });
  }
  for (let p = 0; p < n; p++) {
    const t = at.get(cellOf[p]!)!;
    const { ch } = t;
    const a = starts[p]!;
    const z = starts[p + 1]!;
    ch.startIndices[t.k] = t.v;
    ch.polygon[t.k] = p;
    ch.positions.set(pos.subarray(2 * a, 2 * z), 2 * t.v);
    ch.colors.set(colors.subarray(4 * a, 4 * z), 4 * t.v);
    for (let v = a; v < z; v++) {
      const lon = pos[2 * v]!;
      const lat = pos[2 * v + 1]!;
      if (lon < ch.bbox[0]) ch.bbox[0] = lon;
      if (lat < ch.bbox[1]) ch.bbox[1] = lat;
      if (lon > ch.bbox[2]) ch.bbox[2] = lon;
      if (lat > ch.bbox[3]) ch.bbox[3] = lat;
    }
    t.k++;
    t.v += z - a;
  }
  for (const t of at.values()) t.ch.startIndices[t.k] = t.v;
  return out;
}

/**
 * The median extent of the footprints, m: the larger side of each footprint's lon/lat box (great-circle), over up to
 * 10,001 footprints spread evenly through the payload.
 */
export function medianFootprintM(b: Unpacked<BuildingsMeta>): number {
  const starts = b.arrays[BUILDING_ARRAYS.startIndices] as Uint32Array;
  const pos = b.arrays[BUILDING_ARRAYS.positions] as Float64Array;
  const n = b.meta.polygons;
  const step = Math.max(1, Math.floor(n / 10_000));
  const sides: number[] = [];
  for (let p = 0; p < n; p += step) {
    let [w, s, e, nn] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let v = starts[p]!; v < starts[p + 1]!; v++) {
      w = Math.min(w, pos[2 * v]!);
      e = Math.max(e, pos[2 * v]!);
      s = Math.min(s, pos[2 * v + 1]!);
      nn = Math.max(nn, pos[2 * v + 1]!);
    }
    sides.push(Math.max(haversineM([w, s], [e, s]), haversineM([w, s], [w, nn])));
  }
  sides.sort((x, y) => x - y);
  return sides[Math.floor(sides.length / 2)] ?? 0;
}

/** Ground metres per CSS pixel at the viewport's centre (along the screen's horizontal). */
function metresPerPixel(vp: Viewport): number {
  const cx = vp.width / 2;
  const cy = vp.height / 2;
  return haversineM(vp.unproject([cx - 50, cy]), vp.unproject([cx + 50, cy])) / 100;
}

/** Chunk layer id -> its box and the footprint size, m (set by the buildings layer, read by the layer filter). */
const chunkInfo = new Map<string, { bbox: [number, number, number, number]; footprintM: number }>();
const mpp = new WeakMap<Viewport, number>();

export function registerChunk(id: string, bbox: [number, number, number, number], footprintM: number): void {
  chunkInfo.set(id, { bbox, footprintM });
}

/** Whether a median footprint covers at least one pixel in `vp` (footprints smaller than that are not drawn). */
export function footprintsVisible(vp: Viewport, footprintM: number): boolean {
  let m = mpp.get(vp);
  if (m === undefined) mpp.set(vp, (m = metresPerPixel(vp)));
  return footprintM >= m;
}

/** Deck layerFilter: a buildings chunk is drawn (and picked) when it meets the viewport and its footprints are visible. */
export function chunkFilter({ layer, viewport }: { layer: Layer; viewport: Viewport }): boolean {
  const id = layer.id.split('-').slice(0, 2).join('-');
  const c = chunkInfo.get(id);
  if (!c) return true;
  if (!footprintsVisible(viewport, c.footprintM)) return false;
  const [w, s, e, n] = (viewport as unknown as { getBounds(): [number, number, number, number] }).getBounds();
  return !(c.bbox[2] < w || c.bbox[0] > e || c.bbox[3] < s || c.bbox[1] > n);
}
