/**
 * The building table: one struct of arrays for all buildings of a run, whatever format they came from.
 * Footprint rings live in one flat coordinate array with offsets (flatbush/supercluster style), so the table
 * can be handed to a worker or written out without per-building objects.
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

export interface BuildingTable {
  count: number;
  /** CRS of `coords` and `cx`/`cy`. */
  crs: Crs;
  /** Source identifier (gml:id, OSM way/relation id, feature index). */
  id: string[];
  /** Index into `files` of the file each building came from. */
  fileIndex: Uint32Array;
  files: string[];
  /** Use code scheme per file: 'plateau', 'osm', or a user scheme name for mapped shapefile/GeoJSON columns. */
  fileScheme: string[];
  /** Source use code as found ('411', 'house', a survey code); '' when absent. */
  useCode: string[];
  /** Index into USE_CATEGORIES. */
  category: Uint8Array;
  /** Source attributes, NaN = unknown (PLATEAU's 9999/-9999 become NaN). */
  storeysAbove: Float32Array;
  storeysBelow: Float32Array;
  heightM: Float32Array;
  givenFloorAreaM2: Float64Array;
  givenFootprintAreaM2: Float64Array;
  /** Footprint rings: building b owns rings buildingRing[b] .. buildingRing[b+1]-1. */
  buildingRing: Uint32Array;
  /** Ring r owns vertices ringVertex[r] .. ringVertex[r+1]-1 (no closing duplicate); coords holds x,y pairs. */
  ringVertex: Uint32Array;
  /** 1 for a hole, 0 for an exterior ring. After `normalizeOrientation` exteriors are CCW and holes CW. */
  ringHole: Uint8Array;
  coords: Float64Array;
  /** Derived (zero until computed). */
  footprintAreaM2: Float64Array;
  cx: Float64Array;
  cy: Float64Array;
  floorAreaM2: Float64Array;
  /** Index into FLOOR_AREA_RULES. */
  floorAreaRule: Uint8Array;
  /** Storeys used for the floor area (NaN where the given floor area was used). */
  storeysUsed: Float32Array;
  spaceHeatMWh: Float64Array;
  hotWaterMWh: Float64Array;
  heatMWh: Float64Array;
  peakKw: Float64Array;
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

/**
 * Accumulates buildings from any number of files with bounded overhead: geometry goes straight into growable
 * typed arrays, so a reader can stream tile after tile without keeping parsed documents alive.
 */
export class BuildingTableBuilder {
  private readonly ids: string[] = [];
  private readonly useCodes: string[] = [];
  private readonly categories: number[] = [];
  private readonly fileIdx: number[] = [];
  private readonly num = { sa: new GrowF64(), sb: new GrowF64(), h: new GrowF64(), gfa: new GrowF64(), gfp: new GrowF64() };
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
    this.num.sa.push(nanIfMissing(b.storeysAbove));
    this.num.sb.push(nanIfMissing(b.storeysBelow));
    this.num.h.push(nanIfMissing(b.heightM));
    this.num.gfa.push(nanIfMissing(b.givenFloorAreaM2));
    this.num.gfp.push(nanIfMissing(b.givenFootprintAreaM2));
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
    const category = new Uint8Array(count);
    for (let i = 0; i < count; i++) category[i] = this.categories[i]!;
    return {
      count,
      crs: this.crs,
      id: this.ids,
      fileIndex: Uint32Array.from(this.fileIdx),
      files: this.files,
      fileScheme: this.fileScheme,
      useCode: this.useCodes,
      category,
      storeysAbove: Float32Array.from(this.num.sa.done()),
      storeysBelow: Float32Array.from(this.num.sb.done()),
      heightM: Float32Array.from(this.num.h.done()),
      givenFloorAreaM2: this.num.gfa.done(),
      givenFootprintAreaM2: this.num.gfp.done(),
      buildingRing: this.buildingRing.done(),
      ringVertex: this.ringVertex.done(),
      ringHole: Uint8Array.from(this.ringHole),
      coords: this.coords.done(),
      footprintAreaM2: new Float64Array(count),
      cx: new Float64Array(count),
      cy: new Float64Array(count),
      floorAreaM2: new Float64Array(count),
      floorAreaRule: new Uint8Array(count),
      storeysUsed: new Float32Array(count).fill(NaN),
      spaceHeatMWh: new Float64Array(count),
      hotWaterMWh: new Float64Array(count),
      heatMWh: new Float64Array(count),
      peakKw: new Float64Array(count),
    };
  }
}

/** Category 255 marks "not decided by the reader": the use mapping decides it. */
export const CATEGORY_UNSET = 255;

/** Concatenate tables in the same CRS (tiles, several inputs). */
export function concatTables(tables: BuildingTable[]): BuildingTable {
  if (tables.length === 1) return tables[0]!;
  if (tables.length === 0) throw new Error('concatTables: no tables');
  const crs = tables[0]!.crs;
  const b = new BuildingTableBuilder(crs);
  const out = b.finish();
  const count = tables.reduce((s, t) => s + t.count, 0);
  const rings = tables.reduce((s, t) => s + t.ringHole.length, 0);
  const coordsLen = tables.reduce((s, t) => s + t.coords.length, 0);
  const res: BuildingTable = {
    ...out,
    count,
    id: tables.flatMap((t) => t.id),
    files: tables.flatMap((t) => t.files),
    fileScheme: tables.flatMap((t) => t.fileScheme),
    useCode: tables.flatMap((t) => t.useCode),
    fileIndex: new Uint32Array(count),
    category: new Uint8Array(count),
    storeysAbove: new Float32Array(count),
    storeysBelow: new Float32Array(count),
    heightM: new Float32Array(count),
    givenFloorAreaM2: new Float64Array(count),
    givenFootprintAreaM2: new Float64Array(count),
    buildingRing: new Uint32Array(count + 1),
    ringVertex: new Uint32Array(rings + 1),
    ringHole: new Uint8Array(rings),
    coords: new Float64Array(coordsLen),
    footprintAreaM2: new Float64Array(count),
    cx: new Float64Array(count),
    cy: new Float64Array(count),
    floorAreaM2: new Float64Array(count),
    floorAreaRule: new Uint8Array(count),
    storeysUsed: new Float32Array(count),
    spaceHeatMWh: new Float64Array(count),
    hotWaterMWh: new Float64Array(count),
    heatMWh: new Float64Array(count),
    peakKw: new Float64Array(count),
  };
  let bo = 0, ro = 0, vo = 0, fo = 0;
  for (const t of tables) {
    if (t.crs.proj4 !== crs.proj4) throw new Error(`concatTables: CRS differ (${t.crs.code} vs ${crs.code})`);
    for (let i = 0; i < t.count; i++) res.fileIndex[bo + i] = t.fileIndex[i]! + fo;
    for (const k of ['category', 'storeysAbove', 'storeysBelow', 'heightM', 'givenFloorAreaM2', 'givenFootprintAreaM2',
      'footprintAreaM2', 'cx', 'cy', 'floorAreaM2', 'floorAreaRule', 'storeysUsed', 'spaceHeatMWh', 'hotWaterMWh',
      'heatMWh', 'peakKw'] as const) {
      (res[k] as Float64Array).set(t[k] as Float64Array, bo);
    }
    for (let i = 0; i < t.count; i++) res.buildingRing[bo + i] = t.buildingRing[i]! + ro;
    for (let r = 0; r < t.ringHole.length; r++) res.ringVertex[ro + r] = t.ringVertex[r]! + vo / 2;
    res.ringHole.set(t.ringHole, ro);
    res.coords.set(t.coords, vo);
    bo += t.count;
    ro += t.ringHole.length;
    vo += t.coords.length;
    fo += t.files.length;
  }
  res.buildingRing[count] = rings;
  res.ringVertex[rings] = coordsLen / 2;
  return res;
}
