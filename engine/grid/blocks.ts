/**
 * Block aggregation: building floor area, heat demand and peak summed per city block (街区) or, without a block layer,
 * per grid cell, with the land-use measures planners compare: heat density MWh/(ha·a) and plot ratio (floor / land).
 * A building that straddles blocks is split by the exact area of footprint ∩ block.
 */
import { intersect } from '@turf/intersect';
import Flatbush from 'flatbush';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { cleanRing } from '../buildings/geometry.js';
import type { BuildingTable, FlatPolygon } from '../buildings/table.js';
import { transformer, WGS84, type Crs, type Transformer } from '../crs/index.js';
import { InputError } from '../errors.js';
import { coordsBBox, flatRing, orientPolygon, pointInPolygon, polygonsArea } from '../geom/rings.js';
import { readVector } from '../io/vector.js';
import type { Warnings } from '../util/warnings.js';
import type { GridSpec } from './grid.js';
import type { BlockProperties } from '../run/contract.js';

/** Block polygons in a projected CRS, flat like the building table. Rings oriented: exteriors CCW, holes CW. */
export interface BlockLayer {
  count: number;
  crs: Crs;
  id: string[];
  /** Block k owns rings blockRing[k] .. blockRing[k+1]-1. */
  blockRing: Uint32Array;
  /** Ring r owns vertices ringVertex[r] .. ringVertex[r+1]-1 (no closing duplicate). */
  ringVertex: Uint32Array;
  ringHole: Uint8Array;
  coords: Float64Array;
  /** Land area of each block (exteriors minus holes), m². */
  areaM2: Float64Array;
  /** File the blocks came from, for messages. */
  file?: string;
}

/** Build a block layer from polygons (exterior then holes, flat x,y rings) already in `crs`; orients the rings. */
export function blockLayerFromPolygons(crs: Crs, blocks: { id: string; polygons: FlatPolygon[] }[], file?: string): BlockLayer {
  const coords: number[] = [];
  const ringVertex = [0];
  const ringHole: number[] = [];
  const blockRing = [0];
  for (const b of blocks) {
    for (const poly of b.polygons) {
      poly.forEach((ring, r) => {
        let n = ring.length - (ring.length % 2);
        if (n >= 4 && ring[0] === ring[n - 2] && ring[1] === ring[n - 1]) n -= 2;
        for (let i = 0; i < n; i++) coords.push(ring[i]!);
        ringVertex.push(coords.length / 2);
        ringHole.push(r === 0 ? 0 : 1);
      });
    }
    blockRing.push(ringHole.length);
  }
  const layer: BlockLayer = {
    count: blocks.length,
    crs,
    id: blocks.map((b) => b.id),
    blockRing: Uint32Array.from(blockRing),
    ringVertex: Uint32Array.from(ringVertex),
    ringHole: Uint8Array.from(ringHole),
    coords: Float64Array.from(coords),
    areaM2: new Float64Array(blocks.length),
    file,
  };
  const out: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < layer.count; k++) layer.areaM2[k] = orientPolygon(layer.coords, layer.ringVertex, layer.blockRing[k]!, layer.blockRing[k + 1]!, layer.ringHole, out)[2];
  return layer;
}

export interface ReadBlocksOptions {
  /** Property holding the block id (default: 'id', then the feature index). */
  idField?: string;
  /** CRS of the coordinates: wins over the file's .prj / `crs` member (GeoJSON default: WGS84 per RFC 7946). */
  sourceCrs?: string;
}

/**
 * Read block polygons from GeoJSON (.geojson/.json) or a shapefile (.shp with .dbf and .prj) and project them to
 * `targetCrs`; the file's CRS follows openVector's rule (engine/io/vector.ts). Non-polygon features and unusable rings
 * are skipped and counted in `warnings`. Unreadable files are InputError 'blocks-bad-file', other formats
 * 'blocks-format'.
 */
export async function readBlockPolygons(path: string, targetCrs: Crs, warnings: Warnings, opts: ReadBlocksOptions = {}): Promise<BlockLayer> {
  const { file, features } = await readVector(path, {
    what: 'block',
    sourceCrs: opts.sourceCrs,
    warnings,
    codes: { invalid: 'blocks-bad-file', format: 'blocks-format', notFound: 'blocks-bad-file' },
  });
  const tr = transformer(file.crs, targetCrs);
  const blocks: { id: string; polygons: FlatPolygon[] }[] = [];
  for (const f of features) {
    const g = f.geometry;
    const id = String(f.properties[opts.idField ?? 'id'] ?? f.id ?? f.record - 1);
    const polys = (g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : []) as Position[][][];
    if (!polys.length) {
      warnings.add('blocks-not-polygon', 'block feature without polygon geometry skipped', { file: path, record: id });
      continue;
    }
    const out: FlatPolygon[] = [];
    for (const poly of polys) {
      const rings: number[][] = [];
      for (const [r, ring] of poly.entries()) {
        const flat = new Float64Array(ring.length * 2);
        ring.forEach((p, k) => {
          flat[2 * k] = Number(p[0]);
          flat[2 * k + 1] = Number(p[1]);
        });
        tr.forwardFlat(flat);
        const c = cleanRing(flat);
        if (typeof c === 'string') {
          warnings.add('blocks-bad-ring', `block ring skipped (${c})`, { file: path, record: id });
          if (r === 0) break;
          continue;
        }
        rings.push(c);
      }
      if (rings.length) out.push(rings);
    }
    if (out.length) blocks.push({ id, polygons: out });
  }
  if (!blocks.length) throw new InputError('blocks-empty', 'block layer has no usable polygons', { file: path });
  return blockLayerFromPolygons(targetCrs, blocks, path);
}

/** Per-block sums. `buildings` is the sum of building shares (a building split 60/40 adds 0.6 and 0.4). */
export interface BlockTotals {
  floorAreaM2: Float64Array;
  heatMWh: Float64Array;
  peakKw: Float64Array;
  buildings: Float64Array;
  /** Buildings that overlap no block, with their totals (also counted in warnings as 'outside-blocks'). */
  outside: { buildings: number; floorAreaM2: number; heatMWh: number; peakKw: number };
}

export interface BlockValues {
  floorAreaM2: ArrayLike<number>;
  heatMWh: ArrayLike<number>;
  peakKw: ArrayLike<number>;
}

/**
 * Sum building values per block. Each building is split over the blocks it overlaps by the exact area of footprint ∩
 * block (flatbush on block boxes; containment fast path; polygon intersection otherwise). The shares of a building
 * that overlaps blocks are normalised to 1, so a building reaching past its block's edge (onto a road) stays whole in
 * its blocks; a building overlapping no block is reported in `outside` and in warnings ('outside-blocks').
 * Values default to the table's floorAreaM2, heatMWh and peakKw; the table must be in the blocks' CRS.
 */
export function aggregateToBlocks(table: BuildingTable, blocks: BlockLayer, warnings: Warnings, values: BlockValues = table): BlockTotals {
  if (table.crs.proj4 !== blocks.crs.proj4) {
    throw new RangeError(`aggregateToBlocks: buildings (${table.crs.code}) and blocks (${blocks.crs.code}) must be in the same CRS`);
  }
  const nB = blocks.count;
  const res: BlockTotals = {
    floorAreaM2: new Float64Array(nB), heatMWh: new Float64Array(nB), peakKw: new Float64Array(nB), buildings: new Float64Array(nB),
    outside: { buildings: 0, floorAreaM2: 0, heatMWh: 0, peakKw: 0 },
  };
  const index = new Flatbush(Math.max(1, nB));
  for (let k = 0; k < nB; k++) {
    const bb = coordsBBox(blocks.coords, blocks.ringVertex[blocks.blockRing[k]!]!, blocks.ringVertex[blocks.blockRing[k + 1]!]!);
    index.add(bb[0], bb[1], bb[2], bb[3]);
  }
  if (nB === 0) index.add(0, 0, 0, 0);
  index.finish();
  const blockGeo: (Feature<Polygon | MultiPolygon> | undefined)[] = new Array(nB);
  const geoOf = (k: number): Feature<Polygon | MultiPolygon> =>
    (blockGeo[k] ??= toGeoJsonPolygon(blocks.coords, blocks.ringVertex, blocks.ringHole, blocks.blockRing[k]!, blocks.blockRing[k + 1]!));
  const hits: number[] = [], shares: number[] = [];
  for (let b = 0; b < table.count; b++) {
    const rA = table.buildingRing[b]!, rB = table.buildingRing[b + 1]!;
    const vA = table.ringVertex[rA]!, vB = table.ringVertex[rB]!;
    const [x0, y0, x1, y1] = coordsBBox(table.coords, vA, vB);
    const area = table.footprintAreaM2[b]!;
    hits.length = shares.length = 0;
    const cands = nB ? index.search(x0, y0, x1, y1) : [];
    for (const k of cands) {
      if (area > 0 && bboxInsideBlock(blocks, k, x0, y0, x1, y1)) {
        hits.push(k);
        shares.push(area);
        continue;
      }
      if (!(area > 0)) {
        // degenerate footprint: the block holding its centroid
        if (pointInBlock(blocks, k, table.cx[b]!, table.cy[b]!)) {
          hits.push(k);
          shares.push(1);
        }
        continue;
      }
      const inter = intersect({
        type: 'FeatureCollection',
        features: [toGeoJsonPolygon(table.coords, table.ringVertex, table.ringHole, rA, rB), geoOf(k)],
      });
      const a = inter ? planarArea(inter.geometry) : 0;
      if (a > 0) {
        hits.push(k);
        shares.push(a);
      }
    }
    const fa = values.floorAreaM2[b]!, h = values.heatMWh[b]!, p = values.peakKw[b]!;
    let sum = 0;
    for (const s of shares) sum += s;
    if (!(sum > 0)) {
      res.outside.buildings++;
      res.outside.floorAreaM2 += fa;
      res.outside.heatMWh += h;
      res.outside.peakKw += p;
      warnings.add('outside-blocks', 'building overlaps no block: its demand is not in any block', {
        file: table.files[table.fileIndex[b]!], record: table.id[b], message: `building outside every block (${h.toFixed(1)} MWh/a)`,
      });
      continue;
    }
    if (area > 0 && sum > area * (1 + 1e-6)) {
      warnings.add('blocks-overlap', 'blocks overlap: a building was split over overlapping blocks by their relative overlap', {
        file: blocks.file, record: table.id[b],
      });
    }
    for (let i = 0; i < hits.length; i++) {
      const k = hits[i]!, f = shares[i]! / sum;
      res.floorAreaM2[k] += fa * f;
      res.heatMWh[k] += h * f;
      res.peakKw[k] += p * f;
      res.buildings[k] += f;
    }
  }
  return res;
}

/** Whether the box lies inside block k: its centre is inside and no block edge touches the box. */
function bboxInsideBlock(L: BlockLayer, k: number, x0: number, y0: number, x1: number, y1: number): boolean {
  const c = L.coords;
  for (let r = L.blockRing[k]!; r < L.blockRing[k + 1]!; r++) {
    const v0 = L.ringVertex[r]!, v1 = L.ringVertex[r + 1]!;
    let px = c[2 * (v1 - 1)]!, py = c[2 * (v1 - 1) + 1]!;
    for (let v = v0; v < v1; v++) {
      const x = c[2 * v]!, y = c[2 * v + 1]!;
      if (segmentTouchesBox(px, py, x, y, x0, y0, x1, y1)) return false;
      px = x;
      py = y;
    }
  }
  return pointInBlock(L, k, (x0 + x1) / 2, (y0 + y1) / 2);
}

/** Even-odd point in polygon over all rings of block k. */
function pointInBlock(L: BlockLayer, k: number, px: number, py: number): boolean {
  return pointInPolygon(px, py, L.coords, L.ringVertex, L.blockRing[k]!, L.blockRing[k + 1]!);
}

/** Liang-Barsky: does segment a-b meet the closed box? */
function segmentTouchesBox(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): boolean {
  if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) return false;
  let t0 = 0, t1 = 1;
  const dx = bx - ax, dy = by - ay;
  const p = [-dx, dx, -dy, dy], q = [ax - x0, x1 - ax, ay - y0, y1 - ay];
  for (let i = 0; i < 4; i++) {
    const pi = p[i]!, qi = q[i]!;
    if (pi === 0) {
      if (qi < 0) return false;
    } else {
      const t = qi / pi;
      if (pi < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/** Rings rA..rB-1 as a GeoJSON (Multi)Polygon in the same planar coordinates; holes follow their exterior. */
function toGeoJsonPolygon(c: ArrayLike<number>, ringVertex: ArrayLike<number>, ringHole: ArrayLike<number>, rA: number, rB: number): Feature<Polygon | MultiPolygon> {
  const polys: Position[][][] = [];
  for (let r = rA; r < rB; r++) {
    const ring: Position[] = [];
    const v0 = ringVertex[r]!, v1 = ringVertex[r + 1]!;
    for (let v = v0; v < v1; v++) ring.push([c[2 * v]!, c[2 * v + 1]!]);
    ring.push([c[2 * v0]!, c[2 * v0 + 1]!]);
    if (ringHole[r] === 0 || polys.length === 0) polys.push([ring]);
    else polys[polys.length - 1]!.push(ring);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: polys } };
}

/** Planar area (m²) of a GeoJSON polygon in projected coordinates (turf's area is geodesic, for lon/lat only). */
function planarArea(g: Polygon | MultiPolygon): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polygonsArea(polys.map((poly) => poly.map(flatRing)));
}

/** The properties of one block or cell feature in blocks.geojson (the run-folder contract's). */
export type { BlockProperties } from '../run/contract.js';

function props(id: string, landM2: number, fa: number, heat: number, peak: number, n: number): BlockProperties {
  const landHa = landM2 / 10_000;
  return {
    id,
    floorArea_m2: round(fa, 2),
    heat_MWh: round(heat, 3),
    peak_kW: round(peak, 2),
    land_m2: round(landM2, 2),
    land_ha: round(landHa, 6),
    density_MWh_per_ha_a: landHa > 0 ? round(heat / landHa, 3) : 0,
    plotRatio: landM2 > 0 ? round(fa / landM2, 4) : 0,
    buildings: round(n, 4),
  };
}

const round = (v: number, d: number): number => {
  const f = 10 ** d;
  return Math.round(v * f) / f;
};

/** blocks.geojson from a block layer and its totals, in WGS84 lon/lat (`toWgs84` from the blocks' CRS). */
export function blocksToGeoJson(blocks: BlockLayer, totals: BlockTotals, toWgs84: Transformer = transformer(blocks.crs, WGS84)): FeatureCollection<Polygon | MultiPolygon, BlockProperties> {
  const features: Feature<Polygon | MultiPolygon, BlockProperties>[] = [];
  for (let k = 0; k < blocks.count; k++) {
    const f = toGeoJsonPolygon(blocks.coords, blocks.ringVertex, blocks.ringHole, blocks.blockRing[k]!, blocks.blockRing[k + 1]!);
    const geom = f.geometry as MultiPolygon;
    for (const poly of geom.coordinates) for (const ring of poly) for (const p of ring) {
      const [lon, lat] = toWgs84.forward(p[0]!, p[1]!);
      p[0] = round(lon, 7);
      p[1] = round(lat, 7);
    }
    const geometry: Polygon | MultiPolygon = geom.coordinates.length === 1 ? { type: 'Polygon', coordinates: geom.coordinates[0]! } : geom;
    features.push({
      type: 'Feature', geometry,
      properties: props(blocks.id[k]!, blocks.areaM2[k]!, totals.floorAreaM2[k]!, totals.heatMWh[k]!, totals.peakKw[k]!, totals.buildings[k]!),
    });
  }
  return { type: 'FeatureCollection', features };
}

export interface CellBands {
  floorAreaM2: ArrayLike<number>;
  heatMWh: ArrayLike<number>;
  peakKw: ArrayLike<number>;
  /** Optional band of building shares (rasterize a column of 1s). */
  buildings?: ArrayLike<number>;
}

/**
 * Without a block layer: one block feature per non-empty grid cell (floor area > 0 or heat > 0), land area = cell
 * area, in WGS84 lon/lat (`toWgs84` from the grid's CRS). Ids are 'r{row}c{col}'.
 */
export function gridCellsAsBlocks(spec: GridSpec, bands: CellBands, toWgs84: Transformer): FeatureCollection<Polygon, BlockProperties> {
  const features: Feature<Polygon, BlockProperties>[] = [];
  const land = spec.cellSize * spec.cellSize;
  for (let row = 0; row < spec.height; row++) {
    for (let col = 0; col < spec.width; col++) {
      const i = row * spec.width + col;
      const fa = bands.floorAreaM2[i]!, h = bands.heatMWh[i]!;
      if (!(fa > 0 || h > 0)) continue;
      const xa = spec.x0 + col * spec.cellSize, xb = xa + spec.cellSize;
      const ya = spec.y0 - (row + 1) * spec.cellSize, yb = ya + spec.cellSize;
      const ring: Position[] = [[xa, ya], [xb, ya], [xb, yb], [xa, yb], [xa, ya]].map(([x, y]) => {
        const [lon, lat] = toWgs84.forward(x!, y!);
        return [round(lon, 7), round(lat, 7)];
      });
      const p = props(`r${row}c${col}`, land, fa, h, bands.peakKw[i]!, bands.buildings?.[i] ?? 0);
      p.row = row;
      p.col = col;
      features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: p });
    }
  }
  return { type: 'FeatureCollection', features };
}
