/**
 * The viewer's binary container, both halves: the server packs typed arrays (engine/viewer/pack/grid.ts,
 * buildings.ts), the browser unpacks them as views into one ArrayBuffer (no copies) that deck.gl takes as binary
 * attributes. No Node imports: viewer/src imports this file.
 *
 * Layout: 'HPV1', uint32 (LE) JSON length, JSON { meta, arrays: [{ name, type, length, offset }] }, zero padding to
 * 8 bytes, then each array at its 8-byte-aligned offset (relative to the data section).
 *
 * Also here: what the two payloads hold (their meta and array names), so server and browser share one declaration.
 */
import { VIEW_CODE_PROPERTIES, VIEW_NUMBER_PROPERTIES } from '../../buildings/table.js';

export type PackedArray = Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array | Int32Array;
/** @deprecated the same as PackedArray (the browser half's old name). */
export type TypedArray = PackedArray;

const MAGIC = 'HPV1';

const CTORS: Record<string, new (b: ArrayBuffer, o: number, n: number) => PackedArray> = {
  Float64Array,
  Float32Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Int32Array,
};

interface ArrayEntry {
  name: string;
  type: string;
  length: number;
  offset: number;
}

/** Pack named typed arrays and a JSON-able meta object into one buffer (server side). */
export function packArrays(meta: unknown, arrays: Record<string, PackedArray>): Uint8Array {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    const type = a.constructor.name;
    if (!Object.hasOwn(CTORS, type)) throw new TypeError(`view-pack: unsupported array type ${type} for ${name}`);
    entries.push({ name, type, length: a.length, offset });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const json = new TextEncoder().encode(JSON.stringify({ meta, arrays: entries }));
  const headLen = Math.ceil((8 + json.length) / 8) * 8;
  const out = new Uint8Array(headLen + offset);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  for (const e of entries) {
    const a = arrays[e.name]!;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), headLen + e.offset);
  }
  return out;
}

export interface Unpacked<M> {
  meta: M;
  arrays: Record<string, PackedArray>;
}

/** Read a packed buffer (browser side): the meta and views into `buf`, no copies. */
export function unpackArrays<M>(buf: ArrayBuffer): Unpacked<M> {
  const dv = new DataView(buf);
  const magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  if (magic !== MAGIC) throw new Error(`not a heatplan viewer buffer (magic ${JSON.stringify(magic)})`);
  const jsonLen = dv.getUint32(4, true);
  const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, jsonLen))) as { meta: M; arrays: ArrayEntry[] };
  const base = Math.ceil((8 + jsonLen) / 8) * 8;
  const arrays: Record<string, PackedArray> = {};
  for (const e of head.arrays) {
    const C = Object.hasOwn(CTORS, e.type) ? CTORS[e.type] : undefined;
    if (!C) throw new Error(`unknown array type ${e.type}`);
    arrays[e.name] = new C(buf, base + e.offset, e.length);
  }
  return { meta: head.meta, arrays };
}

// ---------------------------------------------------------------------------------------------------------------
// the grid payload (GET /api/grid/demand.bin, /api/grid/potential.bin)

export interface ViewBand {
  name: string;
  unit: string;
  /** Smallest and largest finite value, and the sum over the grid, in the band's unit. */
  min: number;
  max: number;
  sum: number;
  /** Cells with a finite value (0: the band is NaN everywhere, a heat source that was not given). */
  finite: number;
}

export interface ViewGridMeta {
  file: string;
  crs: string;
  /** Cell edge, m (in the raster's projected CRS). */
  cellSizeM: number;
  width: number;
  height: number;
  /** Cells shipped (any band finite and non-zero). */
  count: number;
  bands: ViewBand[];
  /** [west, south, east, north] of the shipped cell centres, degrees. */
  bbox: [number, number, number, number];
  /** The raster's outer corners in lon/lat: bottom-left, top-left, top-right, bottom-right (deck.gl BitmapLayer bounds). */
  corners: [number, number][];
}

/** Array names of the grid payload: lon/lat of each shipped cell's centre, its row-major cell index, one column per band. */
export const GRID_ARRAYS = {
  position: 'position',
  cell: 'cell',
  band: (b: number): string => `b${b}`,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// the buildings payload (GET /api/buildings.bin)

/**
 * Numeric columns shipped per building (Float32, NaN where absent): buildings.geojson properties, as the building
 * table's column list (engine/buildings/table.ts BUILDING_COLUMNS, `view: 'number'`) declares them.
 */
export const BUILDING_NUMBERS = VIEW_NUMBER_PROPERTIES;
/** Text columns shipped per building as Uint16 indices into a dictionary (BUILDING_COLUMNS, `view: 'code'`). */
export const BUILDING_CODES = VIEW_CODE_PROPERTIES;
export type BuildingNumber = (typeof BUILDING_NUMBERS)[number];
export type BuildingCode = (typeof BUILDING_CODES)[number];

export interface ViewBuildingsMeta {
  file: string;
  /** Buildings (rows of the columns). */
  count: number;
  /** Polygons drawn (a MultiPolygon building draws several). */
  polygons: number;
  ids: string[];
  dictionaries: Record<BuildingCode, string[]>;
  bbox: [number, number, number, number];
  /** Features without polygon geometry, skipped (counted, never silent). */
  skipped: number;
}

/** Array names of the buildings payload. */
export const BUILDING_ARRAYS = {
  /** lon, lat pairs of all rings, each ring closed and counter-clockwise. */
  positions: 'positions',
  /** Vertex index where polygon p starts; length polygons + 1. */
  startIndices: 'startIndices',
  /** Building row of polygon p. */
  owner: 'owner',
  number: (k: BuildingNumber): string => `n_${k}`,
  code: (k: BuildingCode): string => `c_${k}`,
} as const;
