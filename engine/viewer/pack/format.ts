/**
 * The viewer's binary container, both halves: the server packs typed arrays (engine/viewer/pack/grid.ts,
 * buildings.ts), the browser unpacks them as views into one ArrayBuffer (no copies) that deck.gl takes as binary
 * attributes. No Node imports: viewer/src imports this file.
 *
 * Layout: 'HPV1', uint32 (LE) JSON length, JSON { meta, arrays: [{ name, type, length, offset }] }, zero padding to
 * 8 bytes, then each array at its 8-byte-aligned offset (relative to the data section).
 *
 * Also here: what the payloads hold (their meta and array names), so server and browser share one declaration.
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

// ---------------------------------------------------------------------------------------------------------------
// the network payload (GET /api/network.bin)

/**
 * Numeric columns shipped per pipe (Float32, NaN where absent): network.geojson's PipeProperties
 * (engine/run/contract.ts), named as there. `cool_DN` is the chilled-water pair of a network that carries cold.
 */
export const PIPE_NUMBERS = ['DN', 'design_kW', 'kw_per_m', 'mwh_per_m_a', 'loss_W_per_m', 'loss_MWh_a', 'loss_share', 'length_m', 'velocity_m_s', 'cool_DN'] as const;
/**
 * Id columns per pipe (Float64: exact for any integer; NaN where absent): its id and branch. A value that is not a
 * number (a hand-made file's 'p0') is NaN there and kept as text in the meta's pipeText.
 */
export const PIPE_IDS = ['id', 'branch'] as const;
/** Numeric columns per service line (ServiceProperties). */
export const SERVICE_NUMBERS = ['length_m', 'DN', 'loss_W_per_m'] as const;
/** Numeric columns per connected consumer (ConsumerProperties; floorArea_m2 is the building's own, when it has one). */
export const CONSUMER_NUMBERS = ['heat_MWh', 'peak_kW', 'floorArea_m2', 'service_m'] as const;
/** Numeric columns per cut-off consumer (DroppedProperties). */
export const DROPPED_NUMBERS = ['heat_MWh', 'peak_kW'] as const;
/** Numeric columns per plant (PlantProperties; capacity_kW NaN where null). */
export const PLANT_NUMBERS = ['capacity_kW', 'output_kW'] as const;
/** Text columns per point kind, shipped as Uint16 indices into a dictionary of the meta. */
export const POINT_CODES = { consumer: ['use'], dropped: ['use', 'reason'], plant: ['type', 'fuel'] } as const;

export type NetworkLineKind = 'pipe' | 'service';
export type NetworkPointKind = keyof typeof POINT_CODES;

export interface ViewNetworkMeta {
  file: string;
  /** network.geojson's collection properties as written (temperatures, the kW/m threshold minKwPerM, ...). */
  properties: Record<string, unknown>;
  /** Features of each kind packed (rows of its columns), and paths drawn for the line kinds (a MultiLineString draws several). */
  counts: { pipe: number; service: number; consumer: number; dropped: number; plant: number };
  paths: { pipe: number; service: number };
  /** Ids of the point kinds by row (strings as in the file). */
  ids: { consumer: string[]; dropped: string[]; plant: string[] };
  /** Dictionaries of the point kinds' text columns (POINT_CODES); '' for absent. */
  dictionaries: { consumer: { use: string[] }; dropped: { use: string[]; reason: string[] }; plant: { type: string[]; fuel: string[] } };
  /**
   * A service line's consumer: s_consumer holds the consumer's row; a service whose consumer id is not among the
   * connected consumers has -1 there and its id here (by service row).
   */
  serviceConsumerIds: Record<string, string>;
  /** Pipe ids and branches that are not numbers, as text by pipe row (PIPE_IDS). */
  pipeText: Record<(typeof PIPE_IDS)[number], Record<string, string>>;
  /** [west, south, east, north] of every packed coordinate, degrees. */
  bbox: [number, number, number, number];
  /** Features skipped for want of a geometry of their kind (counted, never silent), by kind. */
  skipped: Record<string, number>;
  /**
   * A city's network in levels of detail (NETWORK_LOD_ABOVE features or more; absent below: the whole network in this
   * payload, as before): this payload holds the mains and the plants, the chunks the rest (NETWORK_CHUNK_URL).
   */
  lod?: ViewNetworkLod;
}

/**
 * ASSUMPTION (a rendering threshold, not a planning figure): drawn network features (pipes, service lines, consumers,
 * cut-off consumers) from which the viewer gets the network in levels of detail. The 1,519,219-feature network of the
 * million-building run draws a frame in tens of seconds under SwiftShader as one payload; the demo and the real towns
 * (Osaka: about 20,000) stay far below and are served whole, as before.
 */
export const NETWORK_LOD_ABOVE = 200_000;
/** ASSUMPTION (rendering): about this many pipes in the opening payload, the largest design loads (the legend names the load). */
export const NETWORK_MAINS_BUDGET = 30_000;
/** ASSUMPTION (rendering): features per chunk aimed at (the grid's side is chosen from it, 4 to 64 chunks a side). */
export const NETWORK_CHUNK_FEATURES = 2_000;
/** ASSUMPTION (rendering): the chunks are drawn when the map's width spans at most this many chunk widths. */
export const NETWORK_DETAIL_CHUNKS_ACROSS = 4;
/** Where chunk `i` of a network in levels of detail is served (engine/viewer/server.ts). */
export const NETWORK_CHUNK_URL = (i: number): string => `api/network/chunk/${i}.bin`;

/** Features of each kind (rows), without plants. */
export interface NetworkKindCounts {
  pipe: number;
  service: number;
  consumer: number;
  dropped: number;
}

/** How a network in levels of detail is split (ViewNetworkMeta.lod). */
export interface ViewNetworkLod {
  /** Chunks per side of the grid over the network's extent (bbox); chunk i is cell (i % grid, floor(i / grid)) from south-west. */
  grid: number;
  /** [west, south, east, north] of the grid, degrees (the network's extent). */
  bbox: [number, number, number, number];
  /** The non-empty chunks: their index, the box of their features' coordinates and what each holds. */
  chunks: { i: number; bbox: [number, number, number, number]; counts: NetworkKindCounts }[];
  /** Pipes of this design load (kW) and above are in the opening payload, the mains (0: every pipe is). */
  mainsMinKw: number;
  /** Pipes in the opening payload. */
  mains: number;
  /** Every feature of the network by kind (the opening payload's counts are the mains and plants only). */
  total: NetworkKindCounts & { plant: number };
  /** Largest pipe design load and consumer peak over the whole network, kW (the width and radius scales). */
  maxDesignKw: number;
  maxPeakKw: number;
}

/** Array names of the network payload. */
export const NETWORK_ARRAYS = {
  /** lon, lat pairs of the paths of a line kind ('pipe', 'service'). */
  positions: (k: NetworkLineKind): string => `${k}_positions`,
  /** Vertex index where path p starts; length paths + 1. */
  startIndices: (k: NetworkLineKind): string => `${k}_startIndices`,
  /** Feature row of path p. */
  owner: (k: NetworkLineKind): string => `${k}_owner`,
  /** lon, lat of each point of a point kind. */
  point: (k: NetworkPointKind): string => `${k}_position`,
  /** A numeric column of a kind ('pipe:DN', 'consumer:peak_kW', ...). */
  number: (k: NetworkLineKind | NetworkPointKind, col: string): string => `${k}:${col}`,
  /** A text column of a point kind, dictionary indices. */
  code: (k: NetworkPointKind, col: string): string => `${k}:code:${col}`,
  /** Consumer row of each service line (-1: not a connected consumer). */
  serviceConsumer: 'service_consumer',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// spatial chunks, shared by the network's and the road graph's levels of detail

/** A grid of spatial chunks over a layer's extent, as the opening payload of a layer in levels of detail lists it. */
export interface ViewChunkGrid {
  /** Chunks per side of the grid over `bbox`; chunk i is cell (i % grid, floor(i / grid)) from south-west. */
  grid: number;
  /** [west, south, east, north] of the grid, degrees (the layer's extent). */
  bbox: [number, number, number, number];
  /** The non-empty chunks: their index and the box of their features' coordinates. */
  chunks: readonly { i: number; bbox: [number, number, number, number] }[];
}

// ---------------------------------------------------------------------------------------------------------------
// a file's extent (GET /api/extent/blocks.json, engine/viewer/pack/extent.ts)

/** A run GeoJSON file's features and the [west, south, east, north] of their coordinates, degrees (null: none). */
export interface ViewExtent {
  file: string;
  features: number;
  bbox: [number, number, number, number] | null;
}

// ---------------------------------------------------------------------------------------------------------------
// the road graph payload (GET /api/roads.bin)

/**
 * Id columns per road segment (Float64: exact for any integer; NaN where absent): roads.geojson's RoadProperties
 * (engine/run/contract.ts) edge, from and to nodes and connected component, named as there.
 */
export const ROAD_IDS = ['edge', 'from', 'to', 'component'] as const;
/** Numeric columns per road segment (Float32, NaN where absent). */
export const ROAD_NUMBERS = ['length_m'] as const;

export interface ViewRoadsMeta {
  file: string;
  /** Features packed (rows of the columns) and paths drawn (a MultiLineString draws several). */
  count: number;
  paths: number;
  /** [west, south, east, north] of every packed coordinate, degrees. */
  bbox: [number, number, number, number];
  /** Features without a LineString or MultiLineString geometry, skipped (counted, never silent). */
  skipped: number;
  /**
   * A city's road graph in levels of detail (ROADS_LOD_ABOVE segments or more; absent below: the whole graph in this
   * payload): this payload holds the long segments, the chunks the rest (ROADS_CHUNK_URL).
   */
  lod?: ViewRoadsLod;
}

/**
 * ASSUMPTION (a rendering threshold, not a planning figure): road segments from which the viewer gets the road graph
 * in levels of detail. The million-building run's graph has 1,476,259 segments (the street file's 569,010 edges noded
 * at every tap), 300 MB of GeoJSON; the demo's has a few hundred and is served whole, as before.
 */
export const ROADS_LOD_ABOVE = 100_000;
/**
 * ASSUMPTION (rendering): at most this many segments in the opening payload: the longest, whole length classes
 * (powers of two of metres) from the top down while they fit, so what is drawn at every zoom is every segment of
 * that length or more (the legend names the length), never an arbitrary part of a class.
 */
export const ROADS_OVERVIEW_BUDGET = 30_000;
/** ASSUMPTION (rendering): segments per chunk aimed at (the grid's side is chosen from it, 4 to 64 chunks a side). */
export const ROADS_CHUNK_FEATURES = 4_000;
/** ASSUMPTION (rendering): the chunks are drawn when the map's width spans at most this many chunk widths. */
export const ROADS_DETAIL_CHUNKS_ACROSS = 4;
/** Where chunk `i` of a road graph in levels of detail is served (engine/viewer/server.ts). */
export const ROADS_CHUNK_URL = (i: number): string => `api/roads/chunk/${i}.bin`;

/** How a road graph in levels of detail is split (ViewRoadsMeta.lod). */
export interface ViewRoadsLod extends ViewChunkGrid {
  chunks: { i: number; bbox: [number, number, number, number]; count: number }[];
  /** Segments of this length (m) and longer are in the opening payload (null: none is, no length class fits the budget). */
  minLengthM: number | null;
  /** Segments in the opening payload. */
  overview: number;
  /** Every segment of the graph. */
  total: number;
}

/** Array names of the road graph payload. */
export const ROAD_ARRAYS = {
  /** lon, lat pairs of all paths. */
  positions: 'positions',
  /** Vertex index where path p starts; length paths + 1. */
  startIndices: 'startIndices',
  /** Feature row of path p. */
  owner: 'owner',
  /** A numeric or id column (ROAD_NUMBERS, ROAD_IDS). */
  number: (col: string): string => `n_${col}`,
} as const;
