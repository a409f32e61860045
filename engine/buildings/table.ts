/**
 * The building table: one struct of arrays for all buildings of a run, whatever format they came from.
 * Footprint rings live in one flat coordinate array with offsets (flatbush/supercluster style), so the table
 * can be handed to a worker or written out without per-building objects. Its columns are declared once, in
 * BUILDING_COLUMNS; building, concatenating, subsetting and the viewer's columns follow that list.
 */
import type { Crs } from '../crs/index.js';

/** Demand categories. Index in this list = value stored in `BuildingTable.category`. */
export const USE_CATEGORIES = [
  'office',
  'commercial',
  'lodging',
  'residential_detached',
  'residential_apartment',
  'education',
  'medical_welfare',
  'public_office',
  'factory_warehouse',
  'greenhouse',
  'unheated',
  'unknown',
] as const;
export type UseCategory = (typeof USE_CATEGORIES)[number];
export const CATEGORY_INDEX: Record<UseCategory, number> = Object.fromEntries(
  USE_CATEGORIES.map((c, i) => [c, i]),
) as Record<UseCategory, number>;
export const UNKNOWN_CATEGORY = CATEGORY_INDEX.unknown;

/** How a building's floor area was obtained (METHODS.md section 1, in order of preference). */
export const FLOOR_AREA_RULES = [
  'given', // total floor area attribute (uro:totalFloorArea, a survey column)
  'storeys', // footprint x storeys above ground
  'height', // footprint x storeys estimated from measured height
  'default', // footprint x default storeys of the use category (an assumption)
] as const;
export type FloorAreaRule = (typeof FLOOR_AREA_RULES)[number];

/** Element type of a column: a string array or a typed array. */
export type ColumnKind = 'string' | 'u8' | 'u32' | 'f32' | 'f64';
/** What a column holds one value for (a vertex: two values, x and y). */
export type ColumnDim = 'building' | 'ring' | 'vertex' | 'file';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  per: ColumnDim;
  /** The values are indices into this dimension (re-based when tables are concatenated or cut). */
  index?: ColumnDim;
  /** An offsets column: one value more than `per` has items; item i owns index values col[i] .. col[i+1]-1. */
  offsets?: true;
  /** Supplied by readers: the RawBuilding field of the same name, NaN when missing. */
  raw?: true;
  /** Value of a derived column before it is computed (default 0). */
  init?: number;
  /** Property name in buildings.geojson (engine/io/buildings-output.ts). */
  property?: string;
  /** Shipped to the viewer (engine/viewer/pack/buildings.ts): a Float32 number column or a Uint16 dictionary code. */
  view?: 'number' | 'code';
}

/**
 * The building table's columns, declared once: building the table (BuildingTableBuilder), concatenating tables
 * (concatTables), cutting subsets (copyBuildings, engine/batch/subset.ts) and the viewer's columns
 * (VIEW_NUMBER_PROPERTIES, VIEW_CODE_PROPERTIES) all follow this list, and the BuildingTable type is made from it.
 * Order matters only for the viewer: its number and code columns are shipped in this order.
 */
export const BUILDING_COLUMNS = [
  /** Source identifier (gml:id, OSM way/relation id, feature index). */
  { name: 'id', kind: 'string', per: 'building', property: 'id' },
  /** Index into `files` of the file each building came from. */
  { name: 'fileIndex', kind: 'u32', per: 'building', index: 'file', property: 'file' },
  /** Index into USE_CATEGORIES (CATEGORY_UNSET until the use mapping decides). */
  { name: 'category', kind: 'u8', per: 'building', property: 'use', view: 'code' },
  /** Source use code as found ('411', 'house', a survey code); '' when absent. */
  { name: 'useCode', kind: 'string', per: 'building', property: 'useCode', view: 'code' },
  /** Source attributes, NaN = unknown (PLATEAU's 9999/-9999 become NaN). */
  { name: 'storeysAbove', kind: 'f32', per: 'building', raw: true },
  { name: 'storeysBelow', kind: 'f32', per: 'building', raw: true },
  { name: 'heightM', kind: 'f32', per: 'building', raw: true, property: 'height_m' },
  { name: 'givenFloorAreaM2', kind: 'f64', per: 'building', raw: true },
  { name: 'givenFootprintAreaM2', kind: 'f64', per: 'building', raw: true },
  /** Derived (zero until computed). */
  { name: 'floorAreaM2', kind: 'f64', per: 'building', property: 'floorArea_m2', view: 'number' },
  /** Index into FLOOR_AREA_RULES. */
  { name: 'floorAreaRule', kind: 'u8', per: 'building', property: 'floorAreaSource', view: 'code' },
  { name: 'footprintAreaM2', kind: 'f64', per: 'building', property: 'footprint_m2', view: 'number' },
  /** Area centroid, in the table's CRS. */
  { name: 'cx', kind: 'f64', per: 'building', property: 'x' },
  { name: 'cy', kind: 'f64', per: 'building', property: 'y' },
  /** Storeys used for the floor area (NaN where the given floor area was used). */
  { name: 'storeysUsed', kind: 'f32', per: 'building', init: NaN, property: 'storeys', view: 'number' },
  { name: 'spaceHeatMWh', kind: 'f64', per: 'building', property: 'spaceHeat_MWh', view: 'number' },
  { name: 'hotWaterMWh', kind: 'f64', per: 'building', property: 'hotWater_MWh', view: 'number' },
  { name: 'heatMWh', kind: 'f64', per: 'building', property: 'heat_MWh', view: 'number' },
  { name: 'peakKw', kind: 'f64', per: 'building', property: 'peak_kW', view: 'number' },
  /** Annual cooling, MWh/a, and design cooling peak, kW (engine/demand/annual.ts; 0 where the table gives none). */
  { name: 'coolMWh', kind: 'f64', per: 'building', property: 'cool_MWh', view: 'number' },
  { name: 'coolPeakKw', kind: 'f64', per: 'building', property: 'coolPeak_kW', view: 'number' },
  /** Footprint rings: building b owns rings buildingRing[b] .. buildingRing[b+1]-1. */
  { name: 'buildingRing', kind: 'u32', per: 'building', index: 'ring', offsets: true },
  /** Ring r owns vertices ringVertex[r] .. ringVertex[r+1]-1 (no closing duplicate); coords holds x,y pairs. */
  { name: 'ringVertex', kind: 'u32', per: 'ring', index: 'vertex', offsets: true },
  /** 1 for a hole, 0 for an exterior ring. After computeFootprints exteriors are CCW and holes CW. */
  { name: 'ringHole', kind: 'u8', per: 'ring' },
  /** x, y of every vertex, in the table's CRS. */
  { name: 'coords', kind: 'f64', per: 'vertex' },
  /** Source files. */
  { name: 'files', kind: 'string', per: 'file' },
  /** Use code scheme per file: 'plateau', 'osm', or a user scheme name for mapped shapefile/GeoJSON columns. */
  { name: 'fileScheme', kind: 'string', per: 'file' },
] as const satisfies readonly ColumnSpec[];

export type BuildingColumn = (typeof BUILDING_COLUMNS)[number];
export type BuildingColumnName = BuildingColumn['name'];
type ArrayOf<K extends ColumnKind> = K extends 'string'
  ? string[]
  : K extends 'u8'
    ? Uint8Array
    : K extends 'u32'
      ? Uint32Array
      : K extends 'f32'
        ? Float32Array
        : Float64Array;
/** The columns as typed arrays (string arrays for text), by BUILDING_COLUMNS. */
export type BuildingColumns = { [C in BuildingColumn as C['name']]: ArrayOf<C['kind']> };

/** One table for all buildings of a run: BUILDING_COLUMNS plus the count and the CRS of `coords` and `cx`/`cy`. */
export interface BuildingTable extends BuildingColumns {
  count: number;
  crs: Crs;
}

type ViewColumn<V> = Extract<BuildingColumn, { view: V }>;
/** buildings.geojson properties the viewer gets as Float32 columns, in column order. */
export type ViewNumberProperty = ViewColumn<'number'>['property'];
/** buildings.geojson properties the viewer gets as dictionary codes, in column order. */
export type ViewCodeProperty = ViewColumn<'code'>['property'];
const viewProperties = (v: 'number' | 'code'): string[] =>
  (BUILDING_COLUMNS as readonly ColumnSpec[]).flatMap((c) => (c.view === v && c.property ? [c.property] : []));
export const VIEW_NUMBER_PROPERTIES = viewProperties('number') as readonly ViewNumberProperty[];
export const VIEW_CODE_PROPERTIES = viewProperties('code') as readonly ViewCodeProperty[];

/** A new column of `n` values of `kind`. */
function allocColumn(kind: ColumnKind, n: number): string[] | Uint8Array | Uint32Array | Float32Array | Float64Array {
  switch (kind) {
    case 'string':
      return new Array<string>(n);
    case 'u8':
      return new Uint8Array(n);
    case 'u32':
      return new Uint32Array(n);
    case 'f32':
      return new Float32Array(n);
    case 'f64':
      return new Float64Array(n);
  }
}

/** Attributes a reader supplies for one building. Missing numbers are NaN or undefined. */
export interface RawBuilding {
  id: string;
  useCode?: string;
  storeysAbove?: number;
  storeysBelow?: number;
  heightM?: number;
  givenFloorAreaM2?: number;
  givenFootprintAreaM2?: number;
  /** A category decided by the reader itself (e.g. a mapped survey column); otherwise mapped later from useCode. */
  category?: UseCategory;
}

/** One polygon: exterior ring then holes, each a flat [x0, y0, x1, y1, ...] array (closing vertex optional). */
export type FlatPolygon = ArrayLike<number>[];

class GrowF64 {
  a: Float64Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Float64Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) this.grow(this.n + 1);
    this.a[this.n++] = v;
  }
  grow(min: number): void {
    let cap = this.a.length * 2;
    while (cap < min) cap *= 2;
    const b = new Float64Array(cap);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  done(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

class GrowU32 {
  a: Uint32Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Uint32Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Uint32Array {
    return this.a.slice(0, this.n);
  }
}

const nanIfMissing = (v: number | undefined): number => (v === undefined || !Number.isFinite(v) ? NaN : v);

type RawColumn = Extract<BuildingColumn, { raw: true }>;
const RAW_COLUMNS = BUILDING_COLUMNS.filter((c): c is RawColumn => 'raw' in c && c.raw === true);

/**
 * Accumulates buildings from any number of files with bounded overhead: geometry goes straight into growable
 * typed arrays, so a reader can stream tile after tile without keeping parsed documents alive.
 */
export class BuildingTableBuilder {
  private readonly ids: string[] = [];
  private readonly useCodes: string[] = [];
  private readonly categories: number[] = [];
  private readonly fileIdx: number[] = [];
  /** One growable array per reader-supplied attribute column (RAW_COLUMNS order). */
  private readonly raw = RAW_COLUMNS.map(() => new GrowF64());
  private readonly coords = new GrowF64(1 << 16);
  private readonly ringVertex = new GrowU32();
  private readonly buildingRing = new GrowU32();
  private readonly ringHole: number[] = [];
  readonly files: string[] = [];
  readonly fileScheme: string[] = [];
  private currentFile = -1;

  constructor(readonly crs: Crs) {
    this.ringVertex.push(0);
    this.buildingRing.push(0);
  }

  get count(): number {
    return this.ids.length;
  }

  /** Start a new source file; subsequent buildings belong to it. */
  beginFile(path: string, scheme: string): void {
    this.files.push(path);
    this.fileScheme.push(scheme);
    this.currentFile = this.files.length - 1;
  }

  /**
   * Add one building. Rings must already be valid (finite, at least 3 distinct vertices): use
   * `cleanRing` from ./geometry.js to check them and count what is dropped.
   */
  add(b: RawBuilding, polygons: FlatPolygon[]): void {
    if (this.currentFile < 0) throw new Error('BuildingTableBuilder.add before beginFile');
    this.ids.push(b.id);
    this.useCodes.push(b.useCode ?? '');
    this.categories.push(b.category === undefined ? 255 : CATEGORY_INDEX[b.category]);
    this.fileIdx.push(this.currentFile);
    for (let k = 0; k < RAW_COLUMNS.length; k++) this.raw[k]!.push(nanIfMissing(b[RAW_COLUMNS[k]!.name]));
    for (const poly of polygons) {
      for (let r = 0; r < poly.length; r++) {
        const ring = poly[r]!;
        let n = ring.length;
        // drop the closing vertex if present
        if (n >= 4 && ring[0] === ring[n - 2] && ring[1] === ring[n - 1]) n -= 2;
        for (let i = 0; i < n; i++) this.coords.push(ring[i]!);
        this.ringVertex.push(this.coords.n / 2);
        this.ringHole.push(r === 0 ? 0 : 1);
      }
    }
    this.buildingRing.push(this.ringHole.length);
  }

  finish(): BuildingTable {
    const count = this.ids.length;
    const out: Record<string, unknown> = { count, crs: this.crs };
    for (const c of BUILDING_COLUMNS as readonly ColumnSpec[]) out[c.name] = this.column(c, count);
    return out as unknown as BuildingTable;
  }

  /** Column `c` of the finished table: what the builder gathered, a reader attribute, or a derived column's init. */
  private column(c: ColumnSpec, count: number): unknown {
    switch (c.name) {
      case 'id':
        return this.ids;
      case 'useCode':
        return this.useCodes;
      case 'fileIndex':
        return Uint32Array.from(this.fileIdx);
      case 'category':
        return Uint8Array.from(this.categories);
      case 'buildingRing':
        return this.buildingRing.done();
      case 'ringVertex':
        return this.ringVertex.done();
      case 'ringHole':
        return Uint8Array.from(this.ringHole);
      case 'coords':
        return this.coords.done();
      case 'files':
        return this.files;
      case 'fileScheme':
        return this.fileScheme;
    }
    if (c.raw) {
      const g = this.raw[RAW_COLUMNS.findIndex((r) => r.name === c.name)]!.done();
      return c.kind === 'f32' ? Float32Array.from(g) : g;
    }
    if (c.per !== 'building' || c.kind === 'string') throw new Error(`BuildingTableBuilder: no source for column ${c.name}`);
    const a = allocColumn(c.kind, count) as Float64Array;
    if (c.init !== undefined && c.init !== 0) a.fill(c.init);
    return a;
  }
}

/** Category 255 marks "not decided by the reader": the use mapping decides it. */
export const CATEGORY_UNSET = 255;

/** Buildings of table t to copy: `keep` (indices into t, in output order) or all of them; t's files come along. */
export interface BuildingPart {
  t: BuildingTable;
  keep?: ArrayLike<number>;
}

/**
 * A new table of the parts' buildings, in order, copying every column of BUILDING_COLUMNS: per-building and per-ring
 * values are gathered, per-vertex values copied building by building, every part's files appended; offsets columns
 * (buildingRing, ringVertex) are rebuilt from the item sizes and other index columns (fileIndex) shifted by the
 * part's first file. concatTables and subsetTable are this.
 */
export function copyBuildings(crs: Crs, parts: BuildingPart[]): BuildingTable {
  interface Gather {
    t: BuildingTable;
    /** source index of each new item, per dimension (vertices: [from, to) ranges) */
    building: Uint32Array;
    ring: Uint32Array;
    vertex: number[];
    at: Record<ColumnDim, number>;
  }
  const total: Record<ColumnDim, number> = { building: 0, ring: 0, vertex: 0, file: 0 };
  const gathers: Gather[] = parts.map(({ t, keep }) => {
    if (t.crs.proj4 !== crs.proj4) throw new Error(`copyBuildings: CRS differ (${t.crs.code} vs ${crs.code})`);
    const building = keep ? Uint32Array.from(keep) : Uint32Array.from({ length: t.count }, (_, b) => b);
    let nr = 0;
    for (let i = 0; i < building.length; i++) nr += t.buildingRing[building[i]! + 1]! - t.buildingRing[building[i]!]!;
    const ring = new Uint32Array(nr);
    const vertex: number[] = [];
    let ir = 0, nv = 0;
    for (let i = 0; i < building.length; i++) {
      const r0 = t.buildingRing[building[i]!]!, r1 = t.buildingRing[building[i]! + 1]!;
      for (let r = r0; r < r1; r++) ring[ir++] = r;
      const v0 = t.ringVertex[r0]!, v1 = t.ringVertex[r1]!;
      if (v1 === v0) continue;
      // consecutive buildings: one range
      if (vertex.length && vertex[vertex.length - 1] === v0) vertex[vertex.length - 1] = v1;
      else vertex.push(v0, v1);
      nv += v1 - v0;
    }
    const g: Gather = { t, building, ring, vertex, at: { ...total } };
    total.building += building.length;
    total.ring += nr;
    total.vertex += nv;
    total.file += t.files.length;
    return g;
  });
  const out: Record<string, unknown> = { count: total.building, crs };
  for (const c of BUILDING_COLUMNS as readonly ColumnSpec[]) {
    const n = total[c.per] * (c.per === 'vertex' ? 2 : 1) + (c.offsets ? 1 : 0);
    const dst = allocColumn(c.kind, n);
    for (const g of gathers) {
      const src = (g.t as unknown as Record<string, typeof dst>)[c.name]!;
      const o = g.at[c.per];
      if (c.per === 'vertex') {
        let p = 2 * o;
        for (let i = 0; i < g.vertex.length; i += 2) {
          const a = 2 * g.vertex[i]!, b = 2 * g.vertex[i + 1]!;
          (dst as Float64Array).set((src as Float64Array).subarray(a, b), p);
          p += b - a;
        }
      } else if (c.per === 'file') {
        for (let i = 0; i < src.length; i++) dst[o + i] = src[i]!;
      } else if (c.offsets) {
        offsetsOf(dst as Uint32Array, src as Uint32Array, g[c.per], o, g.at[c.index!]);
      } else if (c.index) {
        shiftedOf(dst as Uint32Array, src as Uint32Array, g[c.per], o, g.at[c.index]);
      } else {
        GATHER[c.kind](dst, src, g[c.per], o);
      }
    }
    if (c.offsets) (dst as Uint32Array)[n - 1] = total[c.index!];
    out[c.name] = dst;
  }
  return out as unknown as BuildingTable;
}

// one gather loop per element type, so that each stays monomorphic (the copy of a city's table is a hot path)
type Gatherer = (dst: unknown, src: unknown, list: Uint32Array, o: number) => void;
const GATHER: Record<ColumnKind, Gatherer> = {
  string: ((dst: string[], src: string[], list: Uint32Array, o: number) => {
    for (let i = 0; i < list.length; i++) dst[o + i] = src[list[i]!]!;
  }) as unknown as Gatherer,
  u8: ((dst: Uint8Array, src: Uint8Array, list: Uint32Array, o: number) => {
    for (let i = 0; i < list.length; i++) dst[o + i] = src[list[i]!]!;
  }) as unknown as Gatherer,
  u32: ((dst: Uint32Array, src: Uint32Array, list: Uint32Array, o: number) => {
    for (let i = 0; i < list.length; i++) dst[o + i] = src[list[i]!]!;
  }) as unknown as Gatherer,
  f32: ((dst: Float32Array, src: Float32Array, list: Uint32Array, o: number) => {
    for (let i = 0; i < list.length; i++) dst[o + i] = src[list[i]!]!;
  }) as unknown as Gatherer,
  f64: ((dst: Float64Array, src: Float64Array, list: Uint32Array, o: number) => {
    for (let i = 0; i < list.length; i++) dst[o + i] = src[list[i]!]!;
  }) as unknown as Gatherer,
};

/** An offsets column of the gathered items: each item's first index at its new position (start `base`). */
function offsetsOf(dst: Uint32Array, src: Uint32Array, list: Uint32Array, o: number, base: number): void {
  let pos = base;
  for (let i = 0; i < list.length; i++) {
    const q = list[i]!;
    dst[o + i] = pos;
    pos += src[q + 1]! - src[q]!;
  }
}

/** An index column of the gathered items, shifted by `delta` (fileIndex: the part's first file). */
function shiftedOf(dst: Uint32Array, src: Uint32Array, list: Uint32Array, o: number, delta: number): void {
  for (let i = 0; i < list.length; i++) dst[o + i] = src[list[i]!]! + delta;
}

/** Concatenate tables in the same CRS (tiles, several inputs). */
export function concatTables(tables: BuildingTable[]): BuildingTable {
  if (tables.length === 1) return tables[0]!;
  if (tables.length === 0) throw new Error('concatTables: no tables');
  return copyBuildings(tables[0]!.crs, tables.map((t) => ({ t })));
}

/** The buildings `keep` (indices into `t`, ascending for a table in t's order) with their rings and vertices, and t's files. */
export function subsetTable(t: BuildingTable, keep: ArrayLike<number>): BuildingTable {
  return copyBuildings(t.crs, [{ t, keep }]);
}
