/**
 * FlatGeobuf layers of the run folder (buildings.fgb, network.fgb), written and read feature by feature: a city's
 * million buildings never become one string or one buffer (FlatGeobuf 3, https://flatgeobuf.org; GDAL, QGIS read it).
 *
 * - writeFgb: the header (geometry type, columns, feature count, CRS as EPSG code, metadata), then each feature as
 *   the format's size-prefixed flatbuffer, gathered into chunks of about 1 MiB, through a temporary file renamed into
 *   place (engine/io/write.ts: a failed or killed write leaves no partial file). No spatial index (index node size 0).
 * - readFgbLayer: the features back, with the collection members the GeoJSON twin has, exactly as that twin's
 *   JSON.parse gives them: the same keys in the same order, null where the GeoJSON has null. A reader that needs few
 *   outlines says which (option `geometry`, from each feature's properties): the others come back with geometry null,
 *   their coordinates never decoded (most of a network's or a city's read time otherwise).
 *
 * Columns are typed (bool, int, double, string; json for objects, lists and columns of mixed types); a null (or a
 * non-finite number, which JSON writes as null) is absent from the feature's properties, as the format wants. A layer's
 * "shapes" (the ordered key lists of its features, nulls included) and the collection's other members (`files`,
 * `properties`) are in the header's metadata (JSON, key `heatplan`); with more than one shape a column `hp_shape`
 * says which list a feature has. The flatbuffers tables are built and read with the flatgeobuf package's generated
 * classes and geometry functions; the property bytes are the format's (column index u16, then the value).
 */
import { open, stat } from 'node:fs/promises';
import * as flatbuffers from 'flatbuffers';
import { Column } from 'flatgeobuf/lib/mjs/flat-geobuf/column.js';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { Crs } from 'flatgeobuf/lib/mjs/flat-geobuf/crs.js';
import { Feature } from 'flatgeobuf/lib/mjs/flat-geobuf/feature.js';
import type { Geometry as FgbGeometry } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { Header } from 'flatgeobuf/lib/mjs/flat-geobuf/header.js';
import { buildGeometry, type IParsedGeometry } from 'flatgeobuf/lib/mjs/generic/geometry.js';
import { fromGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import { parseGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import { fromByteBuffer, type HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { calcTreeSize } from 'flatgeobuf/lib/mjs/packedrtree.js';
import { InputError } from '../errors.js';
import { withOutputFile } from './write.js';

/** Magic bytes of FlatGeobuf 3 ("fgb", 3, "fgb", 0). */
const MAGIC = new Uint8Array([0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]);
/** The column that says which key list (shape) a feature has, where a layer has more than one. */
export const SHAPE_COLUMN = 'hp_shape';
/** Version of the metadata layout below. */
const META_VERSION = 1;

export type FgbColumnType = 'bool' | 'int' | 'double' | 'string' | 'json';
export interface FgbColumn {
  name: string;
  type: FgbColumnType;
}
export type FgbGeometryType = 'Unknown' | 'Point' | 'LineString' | 'Polygon' | 'MultiPoint' | 'MultiLineString' | 'MultiPolygon';

/** What a layer holds: geometry type (Unknown: mixed, each feature says), typed columns, the features' key lists. */
export interface FgbLayout {
  geometryType: FgbGeometryType;
  columns: FgbColumn[];
  /** Every key list (in order) a feature of the layer has; null values included, undefined ones not. */
  shapes: string[][];
}

/** A GeoJSON geometry (lon/lat or x/y), or one already flat in the format's form (xy, ends, parts). */
export type FgbWritableGeometry = { type: string; coordinates: unknown } | { flat: IParsedGeometry };
export interface FgbWritableFeature {
  geometry: FgbWritableGeometry | null;
  properties: Record<string, unknown> | null;
}

const COLUMN_TYPES: Record<FgbColumnType, ColumnType> = {
  bool: ColumnType.Bool,
  int: ColumnType.Int,
  double: ColumnType.Double,
  string: ColumnType.String,
  json: ColumnType.Json,
};
const GEOMETRY_TYPES: Record<FgbGeometryType, GeometryType> = {
  Unknown: GeometryType.Unknown,
  Point: GeometryType.Point,
  LineString: GeometryType.LineString,
  Polygon: GeometryType.Polygon,
  MultiPoint: GeometryType.MultiPoint,
  MultiLineString: GeometryType.MultiLineString,
  MultiPolygon: GeometryType.MultiPolygon,
};

/** A value as JSON gives it back: null for null and non-finite numbers, undefined for undefined and functions. */
function jsonValue(v: unknown): unknown {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v) ?? 'null');
  return v;
}

const isInt32 = (v: number): boolean => Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;

/** Column kinds a key's values take, as bits (inferLayout). */
const K_BOOL = 1, K_INT = 2, K_DOUBLE = 4, K_STRING = 8, K_JSON = 16;

/** A node of the layout's trie of key lists: one per distinct key prefix, holding the last key's kinds. */
interface LayoutNode {
  next: Map<string, LayoutNode>;
  /** the kinds of this node's key (shared by every node of that key name) */
  kinds: { bits: number };
  /** where a key list ends here, its index in `shapes` (-1: none yet) */
  shape: number;
}

/**
 * A feature given piece by piece, without a feature object: its properties in order (each key once; undefined values
 * and functions are skipped, non-finite numbers are null, as JSON writes them), then `end` with its geometry in the
 * format's flat form (the type's GeometryType, xy pairs; or null). A writer's `end` may return a promise: the feature
 * is taken, and the next one must wait for it (the chunk it filled being written).
 */
export interface FgbFeatureSink {
  prop(key: string, value: unknown): void;
  end(geometry: IParsedGeometry | null): Promise<void> | void;
}

/** The kind bit of a property value (0: null), or -1 where the key is skipped (undefined, functions, symbols). */
function kindBit(raw: unknown): number {
  const t = typeof raw;
  // primitives classified directly; objects (toJSON, lists, nested) as JSON gives them back (jsonValue)
  if (t === 'number') return Number.isFinite(raw as number) ? (isInt32(raw as number) ? K_INT : K_DOUBLE) : 0;
  if (t === 'string') return K_STRING;
  if (t === 'boolean') return K_BOOL;
  if (raw === null) return 0;
  if (t === 'undefined' || t === 'function' || t === 'symbol') return -1;
  const v = jsonValue(raw);
  if (v === undefined) return -1;
  if (v === null) return 0;
  if (typeof v === 'boolean') return K_BOOL;
  if (typeof v === 'number') return isInt32(v) ? K_INT : K_DOUBLE;
  if (typeof v === 'string') return K_STRING;
  return K_JSON;
}

/**
 * The layout of the features given to it (one pass, see inferLayout): a sink, so that a writer that makes its
 * features from columns (the network, engine/network/geojson.ts) never builds them as objects for this pass.
 */
export class FgbLayoutSink implements FgbFeatureSink {
  // columns in the order their key first appears (a key first seen with a null value too)
  private readonly kinds = new Map<string, { bits: number }>();
  private readonly shapes: string[][] = [];
  private readonly root: LayoutNode = { next: new Map(), kinds: { bits: 0 }, shape: -1 };
  // the current feature's keys, reused: a new key list is copied out only when first met
  private readonly keys: string[] = [];
  private n = 0;
  private node = this.root;
  private geomType: string | undefined;
  private mixedGeom = false;

  prop(k: string, raw: unknown): void {
    const bit = kindBit(raw);
    if (bit < 0) return;
    this.keys[this.n++] = k;
    let c = this.node.next.get(k);
    if (!c) {
      let kk = this.kinds.get(k);
      if (!kk) this.kinds.set(k, (kk = { bits: 0 }));
      this.node.next.set(k, (c = { next: new Map(), kinds: kk, shape: -1 }));
    }
    c.kinds.bits |= bit;
    this.node = c;
  }

  end(geometry: IParsedGeometry | null): void {
    this.endTyped(geometry ? GeometryType[geometry.type]! : undefined);
  }

  /** `end` with the geometry's type name (GeoJSON's, or the format's), undefined without a geometry. */
  endTyped(gt: string | undefined): void {
    if (this.node.shape < 0) {
      this.node.shape = this.shapes.length;
      this.shapes.push(this.keys.slice(0, this.n));
    }
    if (gt !== undefined && !this.mixedGeom) {
      if (this.geomType === undefined) this.geomType = gt;
      else if (gt !== this.geomType) this.mixedGeom = true;
    }
    this.n = 0;
    this.node = this.root;
  }

  layout(): FgbLayout {
    const columns: FgbColumn[] = [];
    for (const [name, { bits }] of this.kinds) {
      let type: FgbColumnType;
      if (bits === 0) type = 'string';
      else if (bits === K_BOOL) type = 'bool';
      else if (bits === K_INT) type = 'int';
      else if (bits === K_DOUBLE || bits === (K_INT | K_DOUBLE)) type = 'double';
      else if (bits === K_STRING) type = 'string';
      else type = 'json';
      columns.push({ name, type });
    }
    const gt = !this.mixedGeom && this.geomType !== undefined ? this.geomType : 'Unknown';
    return { geometryType: (gt in GEOMETRY_TYPES ? gt : 'Unknown') as FgbGeometryType, columns, shapes: this.shapes };
  }
}

/**
 * The layout of `features` (one pass over them): each key's column type from every value it takes (bool, int where all
 * are 32-bit integers, double where numbers, string, json otherwise), the key lists in order of first appearance, and
 * the geometry type (Unknown where features have different ones).
 */
export function inferLayout(features: Iterable<FgbWritableFeature>): FgbLayout {
  const sink = new FgbLayoutSink();
  const hasOwn = Object.prototype.hasOwnProperty;
  for (const f of features) {
    const props = f.properties;
    // for-in in own-key order, as Object.entries (own enumerable string keys; plain objects inherit none)
    if (props) for (const k in props) if (hasOwn.call(props, k)) sink.prop(k, props[k]);
    const g = f.geometry;
    sink.endTyped(g ? ('flat' in g ? GeometryType[g.flat.type]! : g.type) : undefined);
  }
  return sink.layout();
}

export interface FgbWriteOptions {
  /** EPSG code of the coordinates (4326: WGS84 lon/lat, as the run's GeoJSON). */
  epsg: number;
  /** Layer name (GDAL's layer name). */
  name: string;
  /** The GeoJSON twin's other members, in its order; `features` marks where the features go. */
  members?: Record<string, unknown>;
  /** MultiPolygons of one part are read back as Polygons (the twin writes a Polygon wherever there is one part). */
  singlePartAsPolygon?: boolean;
  /** Order of each feature's members in the twin (default type, properties, geometry). */
  featureOrder?: ('type' | 'properties' | 'geometry')[];
  /** Bytes gathered before each write (default 1 MiB). */
  chunkBytes?: number;
}

/** A node of the trie of a layout's key lists: the shape index where a key list ends here (-1: none). */
interface ShapeNode {
  next: Map<string, ShapeNode>;
  shape: number;
  /** the column of the key that leads here (-1 at the root, or where the layout has no such column) */
  ci: number;
}

/** The header's metadata: what GeoJSON has and the format's columns do not. */
interface FgbMeta {
  version: number;
  shapes: string[][];
  members: Record<string, unknown>;
  /** Order of a feature's members (type, properties, geometry) in the twin. */
  feature: string[];
  /** One-part MultiPolygons are the twin's Polygons. */
  singlePartAsPolygon?: boolean;
}

function buildHeader(layout: FgbLayout, columns: FgbColumn[], count: number, o: FgbWriteOptions, meta: FgbMeta): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const cols = columns.map((c) => {
    const name = b.createString(c.name);
    Column.startColumn(b);
    Column.addName(b, name);
    Column.addType(b, COLUMN_TYPES[c.type]);
    Column.addNullable(b, true);
    return Column.endColumn(b);
  });
  const colsVec = Header.createColumnsVector(b, cols);
  const name = b.createString(o.name);
  const org = b.createString('EPSG');
  const metadata = b.createString(JSON.stringify({ heatplan: meta }));
  Crs.startCrs(b);
  Crs.addOrg(b, org);
  Crs.addCode(b, o.epsg);
  const crs = Crs.endCrs(b);
  Header.startHeader(b);
  Header.addName(b, name);
  Header.addGeometryType(b, GEOMETRY_TYPES[layout.geometryType]);
  Header.addColumns(b, colsVec);
  Header.addFeaturesCount(b, BigInt(count));
  Header.addIndexNodeSize(b, 0);
  Header.addCrs(b, crs);
  Header.addMetadata(b, metadata);
  b.finishSizePrefixed(Header.endHeader(b));
  return b.asUint8Array();
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Write `count` features to `path` as FlatGeobuf (see the file header), one at a time, through a temporary file
 * renamed into place. `features` must yield exactly `count` features, each of a key list in `layout.shapes` and with
 * values of its columns' types; anything else is a programming error (thrown as Error, no file left).
 */
export async function writeFgb(path: string, features: Iterable<FgbWritableFeature>, count: number, layout: FgbLayout, o: FgbWriteOptions): Promise<void> {
  const hasOwn = Object.prototype.hasOwnProperty;
  await writeFgbFeatures(path, count, layout, o, async (sink) => {
    for (const f of features) {
      const props = f.properties;
      if (props) for (const k in props) if (hasOwn.call(props, k)) sink.prop(k, props[k]);
      const g = f.geometry;
      const wait = sink.end(g ? ('flat' in g ? g.flat : parseGeometry(g as never)) : null);
      if (wait) await wait;
    }
  });
}

/**
 * writeFgb with the features given to a sink (FgbFeatureSink: each property, then the geometry) by `emit`, which
 * must await what the sink's `end` returns. The same bytes as writeFgb of the same features as objects.
 */
export async function writeFgbFeatures(path: string, count: number, layout: FgbLayout, o: FgbWriteOptions, emit: (sink: FgbFeatureSink) => Promise<void>): Promise<void> {
  const limit = o.chunkBytes ?? 1 << 20;
  const multi = layout.shapes.length > 1;
  const columns = multi ? [...layout.columns, { name: SHAPE_COLUMN, type: 'int' as const }] : layout.columns;
  const colIndex = new Map(columns.map((c, i) => [c.name, i]));
  const colTypes = columns.map((c) => c.type);
  const trie: ShapeNode = { next: new Map(), shape: -1, ci: -1 };
  layout.shapes.forEach((keys, i) => {
    let t = trie;
    for (const k of keys) {
      let c = t.next.get(k);
      if (!c) t.next.set(k, (c = { next: new Map(), shape: -1, ci: colIndex.get(k) ?? -1 }));
      t = c;
    }
    if (t.shape < 0) t.shape = i;
  });
  const header = buildHeader(layout, columns, count, o, { version: META_VERSION, shapes: layout.shapes, members: o.members ?? { features: null }, feature: o.featureOrder ?? ['type', 'properties', 'geometry'], ...(o.singlePartAsPolygon ? { singlePartAsPolygon: true } : {}) });
  await withOutputFile(path, async (out) => {
    let chunk = Buffer.allocUnsafe(Math.max(limit, 1 << 16));
    let at = 0;
    /** the bytes appended to the chunk; a full chunk is written first (the promise to wait for) */
    const put = (bytes: Uint8Array): Promise<void> | undefined => {
      let wait: Promise<void> | undefined;
      if (at + bytes.length > chunk.length) {
        if (at) wait = out.write(chunk.subarray(0, at));
        chunk = Buffer.allocUnsafe(Math.max(limit, bytes.length));
        at = 0;
      }
      chunk.set(bytes, at);
      at += bytes.length;
      return wait;
    };
    await put(MAGIC);
    await put(header);
    const b = new flatbuffers.Builder(4096);
    let pbuf = new Uint8Array(4096);
    let view = new DataView(pbuf.buffer);
    let n = 0;
    const room = (p: number, size: number): void => {
      if (p + size <= pbuf.length) return;
      const bigger = new Uint8Array(Math.max(pbuf.length * 2, p + size));
      bigger.set(pbuf);
      pbuf = bigger;
      view = new DataView(pbuf.buffer);
    };
    // the feature being given: its property bytes so far, its place in the trie of the layout's key lists (followed
    // key by key: no per-feature strings or arrays), its keys (for the message of a key list the layout lacks)
    let pos = 0;
    let node: ShapeNode | undefined = trie;
    const keys: string[] = [];
    const sink: FgbFeatureSink = {
      prop(k, raw) {
        const v = jsonValue(raw);
        if (v === undefined) return;
        keys.push(k);
        node = node?.next.get(k);
        if (v === null) return;
        // the column from the trie node the key led to (one lookup per property), else by name
        const ci = node && node.ci >= 0 ? node.ci : colIndex.get(k);
        if (ci === undefined) throw new Error(`writeFgb ${path}: feature ${n} has property "${k}", not a column of the layout`);
        room(pos, 2);
        view.setUint16(pos, ci, true);
        pos += 2;
        pos = putValue(colTypes[ci]!, v, pos, k, n);
      },
      end(g) {
        if (n >= count) throw new Error(`writeFgb ${path}: more features than the ${count} declared`);
        const si = node ? node.shape : -1;
        if (si < 0) throw new Error(`writeFgb ${path}: feature ${n} has keys ${keys.join(',')}, not a key list of the layout`);
        if (multi) {
          room(pos, 6);
          view.setUint16(pos, columns.length - 1, true);
          view.setInt32(pos + 2, si, true);
          pos += 6;
        }
        b.clear();
        // the property bytes as one vector (the generated createPropertiesVector adds them byte by byte: the same bytes)
        const propsOff = pos > 0 ? b.createByteVector(pbuf.subarray(0, pos)) : 0;
        const geomOff = g ? buildGeometry(b, g) : 0;
        Feature.startFeature(b);
        if (geomOff) Feature.addGeometry(b, geomOff);
        if (propsOff) Feature.addProperties(b, propsOff);
        b.finishSizePrefixed(Feature.endFeature(b));
        n++;
        pos = 0;
        node = trie;
        keys.length = 0;
        return put(b.asUint8Array());
      },
    };
    await emit(sink);
    if (n !== count) throw new Error(`writeFgb ${path}: ${n} features written, ${count} declared`);
    if (at) await out.write(chunk.subarray(0, at));

    function wrongType(type: FgbColumnType, v: unknown, k: string, i: number): Error {
      return new Error(`writeFgb ${path}: feature ${i} property "${k}" = ${JSON.stringify(v)} is not of its column's type ${type}`);
    }
    function putValue(type: FgbColumnType, v: unknown, p: number, k: string, i: number): number {
      switch (type) {
        case 'bool':
          if (typeof v !== 'boolean') throw wrongType(type, v, k, i);
          room(p, 1);
          pbuf[p] = v ? 1 : 0;
          return p + 1;
        case 'int':
          if (typeof v !== 'number' || !isInt32(v)) throw wrongType(type, v, k, i);
          room(p, 4);
          view.setInt32(p, v, true);
          return p + 4;
        case 'double':
          if (typeof v !== 'number') throw wrongType(type, v, k, i);
          room(p, 8);
          view.setFloat64(p, v + 0, true); // -0 + 0 = 0: JSON has no negative zero
          return p + 8;
        case 'string':
        case 'json': {
          if (type === 'string' && typeof v !== 'string') throw wrongType(type, v, k, i);
          const text = type === 'string' ? (v as string) : JSON.stringify(v);
          // UTF-8 takes at most 3 bytes per UTF-16 unit; encoded in place, no buffer per string
          room(p, 4 + 3 * text.length);
          const { written } = textEncoder.encodeInto(text, pbuf.subarray(p + 4));
          view.setUint32(p, written, true);
          return p + 4 + written;
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// reading

/** A feature as read: GeoJSON, with the twin's keys in its order. */
export interface FgbFeature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}

export interface FgbReadOptions<T> {
  /** Called for each feature with its index; its result is kept in `features` (keep only what is needed). */
  map?: (feature: FgbFeature, index: number) => T;
  /**
   * Whether a feature's geometry is decoded, decided from its properties as read (default: every feature's). A
   * feature for which it returns false is given `geometry: null`, its coordinates never made into arrays; its geometry
   * bytes are still checked (a damaged file is an error either way), so a null here does not mean the file has none.
   */
  geometry?: (properties: Record<string, unknown>, index: number) => boolean;
  /** Error code of a damaged file (default 'fgb-bad'). */
  code?: string;
  /** Hint of that error. */
  hint?: string;
  /** Bytes per read (default 4 MiB). */
  chunkBytes?: number;
}

/** What readFgbLayer returns: the GeoJSON twin's members (type, files, properties, ...) and the features, mapped. */
export type FgbCollection<T> = Record<string, unknown> & { type: 'FeatureCollection'; features: T[] };

/** Header facts of a FlatGeobuf file. */
export interface FgbInfo {
  geometryType: string;
  featuresCount: number;
  epsg: number | null;
  columns: { name: string; type: string }[];
}

/**
 * Read a FlatGeobuf file feature by feature (chunks of `chunkBytes`, never the whole file). A file that is not
 * FlatGeobuf, is cut short or damaged is an InputError (`code`) naming the file and the feature (index from 0) where
 * it breaks; file-system errors are thrown as they are (ENOENT etc.). Files by other writers are read too (members
 * then just `type`, properties in column order, nulls absent).
 */
export async function readFgbLayer<T = FgbFeature>(path: string, opts: FgbReadOptions<T> = {}): Promise<FgbCollection<T> & { info: FgbInfo }> {
  const fail = (message: string, record?: number | string, value?: unknown): InputError =>
    new InputError(opts.code ?? 'fgb-bad', message, { file: path, record, value, hint: opts.hint });
  const size = (await stat(path)).size;
  const fh = await open(path, 'r');
  try {
    const chunkBytes = Math.max(opts.chunkBytes ?? 4 << 20, 64);
    // the buffer keeps each byte at its file offset mod 8, so the format's aligned float64 vectors stay aligned
    let buf = new Uint8Array(new ArrayBuffer(chunkBytes + 8));
    let view = new DataView(buf.buffer);
    let bytes = Buffer.from(buf.buffer); // the same memory, for its UTF-8 decoder
    let bufStart = 0; // file offset of buf[base]
    let base = 0;
    let filled = 0; // bytes of the file in buf from base
    /** Make the file bytes [pos, pos + len) available in buf; false where the file ends before. */
    const ensure = async (pos: number, len: number): Promise<boolean> => {
      if (pos + len > size) return false;
      if (pos >= bufStart && pos + len <= bufStart + filled) return true;
      const keep = pos >= bufStart && pos < bufStart + filled ? bufStart + filled - pos : 0;
      const src = base + (pos - bufStart);
      const nbase = pos % 8;
      const need = Math.max(len, chunkBytes) + 8;
      if (need > buf.length) {
        const nb = new Uint8Array(new ArrayBuffer(need));
        if (keep) nb.set(buf.subarray(src, src + keep), nbase);
        buf = nb;
        view = new DataView(buf.buffer);
        bytes = Buffer.from(buf.buffer);
      } else if (keep) buf.copyWithin(nbase, src, src + keep);
      base = nbase;
      bufStart = pos;
      filled = keep;
      const want = Math.min(buf.length - base, size - pos) - keep;
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(buf, base + keep + got, want - got, pos + keep + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      filled = keep + got;
      return pos + len <= bufStart + filled;
    };
    if (!(await ensure(0, 12))) throw fail(`not a FlatGeobuf file: ${size} bytes, shorter than its magic bytes and header length`, 'header');
    for (let i = 0; i < 8; i++) {
      if (i !== 7 && buf[base + i] !== MAGIC[i]) throw fail('not a FlatGeobuf 3 file (magic bytes "fgb\\x03fgb")', 'header', Buffer.from(buf.subarray(base, base + 8)).toString('hex'));
    }
    const headerLen = view.getUint32(base + 8, true);
    if (!(await ensure(8, 4 + headerLen))) throw fail(`the FlatGeobuf file is cut short inside its header (${headerLen} bytes declared, ${size - 12} in the file)`, 'header');
    let header: HeaderMeta;
    try {
      const bb = new flatbuffers.ByteBuffer(buf.subarray(base + (8 - bufStart), base + (8 - bufStart) + 4 + headerLen));
      header = fromByteBuffer(bb);
    } catch (e) {
      throw fail(`the FlatGeobuf header cannot be read (${(e as Error).message})`, 'header');
    }
    const columns = header.columns ?? [];
    let meta: FgbMeta | undefined;
    if (header.metadata) {
      try {
        const m = (JSON.parse(header.metadata) as { heatplan?: FgbMeta }).heatplan;
        if (m && Array.isArray(m.shapes) && m.members && typeof m.members === 'object') meta = m;
      } catch {
        // another writer's metadata: not ours
      }
    }
    const shapeCol = meta && meta.shapes.length > 1 ? columns.findIndex((c) => c.name === SHAPE_COLUMN) : -1;
    if (meta && meta.shapes.length > 1 && shapeCol < 0) throw fail(`the FlatGeobuf header lists ${meta.shapes.length} key lists but has no ${SHAPE_COLUMN} column`, 'header');
    // per key list, the column of each key (-1: none), and the order of a feature's members
    const colOf = new Map(columns.map((c, i) => [c.name, i]));
    const shapeCols = meta ? meta.shapes.map((sh) => sh.map((key) => colOf.get(key) ?? -1)) : [];
    const order = meta && Array.isArray(meta.feature) && meta.feature.length === 3 ? meta.feature : ['type', 'properties', 'geometry'];
    const layer: LayerRead = {
      header, columns, types: Int32Array.from(columns, (c) => c.type), values: new Array(columns.length), set: new Int32Array(columns.length + 1),
      meta, shapeCol, shapeCols, makeProps: meta ? meta.shapes.map((sh, i) => propsMaker(sh, shapeCols[i]!)) : [], order,
    };
    let pos = 12 + headerLen;
    if (header.indexNodeSize > 0 && header.featuresCount > 0) pos += calcTreeSize(header.featuresCount, header.indexNodeSize);
    const features: T[] = [];
    const map = opts.map;
    const wantGeometry = opts.geometry;
    let k = 0;
    // the next feature is most often in the buffer already: no await (a promise per feature) then
    const inBuf = (p: number, l: number): boolean => p >= bufStart && p + l <= bufStart + filled;
    while (pos < size) {
      if (!inBuf(pos, 4) && !(await ensure(pos, 4))) throw fail(`the FlatGeobuf file is cut short: feature ${k} has ${size - pos} of the 4 bytes of its length`, k);
      const len = view.getUint32(base + (pos - bufStart), true);
      if (!inBuf(pos, 4 + len) && !(await ensure(pos, 4 + len))) throw fail(`the FlatGeobuf file is cut short: feature ${k} ends ${pos + 4 + len - size} bytes past the end of the file`, k, len);
      const start = base + (pos - bufStart);
      let feature: FgbFeature;
      try {
        feature = readFeature(buf, view, bytes, start, len, layer, wantGeometry, k);
      } catch (e) {
        throw fail(`the FlatGeobuf file is damaged at feature ${k} (byte ${pos}): ${(e as Error).message}`, k);
      }
      features.push(map ? map(feature, k) : (feature as T));
      k++;
      pos += 4 + len;
    }
    if (header.featuresCount > 0 && k !== header.featuresCount) throw fail(`the FlatGeobuf file is cut short: its header declares ${header.featuresCount} features, the file holds ${k}`, k);
    const info: FgbInfo = {
      geometryType: GeometryType[header.geometryType] ?? String(header.geometryType),
      featuresCount: k,
      epsg: header.crs && (header.crs.org ?? 'EPSG').toUpperCase() === 'EPSG' && header.crs.code > 0 ? header.crs.code : null,
      columns: columns.map((c) => ({ name: c.name, type: ColumnType[c.type] ?? String(c.type) })),
    };
    const out: Record<string, unknown> = {};
    const members = meta?.members ?? { type: 'FeatureCollection', features: null };
    for (const [m, v] of Object.entries(members)) out[m] = m === 'features' ? features : v;
    if (!('features' in out)) out.features = features;
    if (out.type === undefined) out.type = 'FeatureCollection';
    Object.defineProperty(out, 'info', { value: info, enumerable: false });
    return out as FgbCollection<T> & { info: FgbInfo };
  } finally {
    await fh.close();
  }
}


/** Check that a flatbuffers vector lies inside the feature's bytes. */
function inside(a: ArrayBufferView | null, lo: number, hi: number, what: string): void {
  if (a && (a.byteOffset < lo || a.byteOffset + a.byteLength > hi)) throw new Error(`its ${what} runs outside the feature`);
}

function checkGeometry(g: FgbGeometry, lo: number, hi: number, depth: number): void {
  if (depth > 8) throw new Error('its geometry nests too deep');
  const xy = g.xyArray();
  const ends = g.endsArray();
  inside(xy, lo, hi, 'coordinates');
  inside(g.zArray(), lo, hi, 'z coordinates');
  inside(ends, lo, hi, 'ring ends');
  if (xy && ends && ends.length && ends[ends.length - 1]! * 2 > xy.length) throw new Error('its ring ends point past its coordinates');
  for (let i = 0; i < g.partsLength(); i++) {
    const p = g.parts(i);
    if (!p) throw new Error(`its geometry part ${i} is missing`);
    checkGeometry(p, lo, hi, depth + 1);
  }
}

const cutValue = (n: number): Error => new Error(`its properties end inside a value (${n} bytes)`);

/** What the feature reader needs of the layer, made once. */
interface LayerRead {
  header: HeaderMeta;
  columns: NonNullable<HeaderMeta['columns']>;
  /** each column's ColumnType */
  types: Int32Array;
  /** the current feature's value per column (undefined: absent), and which were set (count, then column indices) */
  values: unknown[];
  set: Int32Array;
  meta: FgbMeta | undefined;
  shapeCol: number;
  shapeCols: number[][];
  /** per key list, a function making a feature's properties object from `values` */
  makeProps: ((values: unknown[]) => Record<string, unknown>)[];
  order: string[];
}

/**
 * A function making the properties object of one key list from the column values (absent: null). Generated as one
 * object literal, so every feature of a key list gets the same hidden class at once: adding 20 keys one by one to
 * each of a million objects was the largest part of a read (and later reads of those objects are faster too).
 * A list with "__proto__" (an object literal would set the prototype) gets the key-by-key loop.
 */
function propsMaker(keys: string[], cols: number[]): (values: unknown[]) => Record<string, unknown> {
  if (keys.includes('__proto__')) {
    return (values) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const v = cols[i]! >= 0 ? values[cols[i]!] : undefined;
        Object.defineProperty(out, keys[i]!, { value: v === undefined ? null : v, writable: true, enumerable: true, configurable: true });
      }
      return out;
    };
  }
  // the keys are written as JSON string literals and the indices are integers: no text of the file becomes code
  const body = keys.map((k, i) => `${JSON.stringify(k)}: ${cols[i]! >= 0 ? `v[${cols[i]! | 0}] ?? null` : 'null'}`).join(',\n');
  return new Function('v', `"use strict"; return {\n${body}\n};`) as (values: unknown[]) => Record<string, unknown>;
}

/**
 * UTF-8 bytes [p, p + l) of `b` as a string, exactly as the fatal TextDecoder gives them: Buffer's decoder (no call
 * through the WHATWG decoder for each of a million short strings) where the text has no U+FFFD (what it puts for
 * invalid bytes) and no leading byte-order mark (which TextDecoder drops); else TextDecoder, which throws on invalid
 * UTF-8, as a damaged file must.
 */
function utf8(b: Buffer, p: number, l: number): string {
  const s = b.toString('utf8', p, p + l);
  if (s.indexOf('\uFFFD') < 0 && s.charCodeAt(0) !== 0xfeff) return s;
  return textDecoder.decode(b.subarray(p, p + l));
}

/** A JSON string without escapes, as JSON.stringify writes a plain id: its text is what JSON.parse returns. */
const JSON_PLAIN_STRING = /^"[^"\\\u0000-\u001f]*"$/;
/** The text of a JSON number (RFC 8259's grammar): Number() then gives what JSON.parse gives. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * One feature, GeoJSON-shaped. The geometry's bytes are checked first (a feature damaged in both its geometry and its
 * properties names its geometry, as before the `geometry` option), its coordinates decoded after the properties and
 * only where `wantGeometry` (absent: always) says so.
 */
function readFeature(buf: Uint8Array, bufView: DataView, bufBytes: Buffer, start: number, len: number, layer: LayerRead, wantGeometry: FgbReadOptions<unknown>['geometry'], index: number): FgbFeature {
  const { header, columns, types, values, set, meta, shapeCol } = layer;
  const lo = buf.byteOffset + start + 4, hi = lo + len;
  const bb = new flatbuffers.ByteBuffer(buf.subarray(start, start + 4 + len));
  const f = Feature.getSizePrefixedRootAsFeature(bb);
  const g = f.geometry();
  if (g) {
    checkGeometry(g, lo, hi, 0);
    const type = header.geometryType === GeometryType.Unknown ? g.type() : header.geometryType;
    if (GeometryType[type] === undefined || type === GeometryType.Unknown) throw new Error(`its geometry type ${type} is not one FlatGeobuf defines`);
  }
  const arr = f.propertiesArray();
  inside(arr, lo, hi, 'properties');
  // clear the previous feature's values (only those it set)
  for (let i = 1; i <= set[0]!; i++) values[set[i]!] = undefined;
  set[0] = 0;
  if (arr) {
    // the reader's own view of the chunk (arr lies in it): no DataView per feature
    const view = bufView;
    const bytes = bufBytes;
    const o = arr.byteOffset - bufView.byteOffset;
    const n = arr.byteLength;
    let p = 0;
    while (p < n) {
      if (p + 2 > n) throw cutValue(n);
      const ci = view.getUint16(o + p, true);
      p += 2;
      const c = columns[ci];
      if (!c) throw new Error(`its properties name column ${ci}, the header has ${columns.length}`);
      let v: unknown;
      switch (types[ci]) {
        case ColumnType.Bool:
          if (p + 1 > n) throw cutValue(n);
          v = view.getUint8(o + p) !== 0;
          p += 1;
          break;
        case ColumnType.Byte:
          if (p + 1 > n) throw cutValue(n);
          v = view.getInt8(o + p);
          p += 1;
          break;
        case ColumnType.UByte:
          if (p + 1 > n) throw cutValue(n);
          v = view.getUint8(o + p);
          p += 1;
          break;
        case ColumnType.Short:
          if (p + 2 > n) throw cutValue(n);
          v = view.getInt16(o + p, true);
          p += 2;
          break;
        case ColumnType.UShort:
          if (p + 2 > n) throw cutValue(n);
          v = view.getUint16(o + p, true);
          p += 2;
          break;
        case ColumnType.Int:
          if (p + 4 > n) throw cutValue(n);
          v = view.getInt32(o + p, true);
          p += 4;
          break;
        case ColumnType.UInt:
          if (p + 4 > n) throw cutValue(n);
          v = view.getUint32(o + p, true);
          p += 4;
          break;
        case ColumnType.Long:
          if (p + 8 > n) throw cutValue(n);
          v = Number(view.getBigInt64(o + p, true));
          p += 8;
          break;
        case ColumnType.ULong:
          if (p + 8 > n) throw cutValue(n);
          v = Number(view.getBigUint64(o + p, true));
          p += 8;
          break;
        case ColumnType.Float:
          if (p + 4 > n) throw cutValue(n);
          v = view.getFloat32(o + p, true);
          p += 4;
          break;
        case ColumnType.Double:
          if (p + 8 > n) throw cutValue(n);
          v = view.getFloat64(o + p, true);
          p += 8;
          break;
        case ColumnType.String:
        case ColumnType.DateTime:
        case ColumnType.Json: {
          if (p + 4 > n) throw cutValue(n);
          const l = view.getUint32(o + p, true);
          p += 4;
          if (p + l > n) throw cutValue(n);
          const s = utf8(bytes, o + p, l);
          p += l;
          if (c.type === ColumnType.Json) {
            // a plain string or a number (a mixed column's ids) without JSON.parse: the same value
            if (s.charCodeAt(0) === 0x22 && JSON_PLAIN_STRING.test(s)) v = s.slice(1, -1);
            else if (JSON_NUMBER.test(s)) v = Number(s);
            else
              try {
                v = JSON.parse(s);
              } catch (e) {
                throw new Error(`its json column "${c.name}" is not JSON (${(e as Error).message})`);
              }
          } else v = s;
          break;
        }
        case ColumnType.Binary: {
          if (p + 4 > n) throw cutValue(n);
          const l = view.getUint32(o + p, true);
          p += 4;
          if (p + l > n) throw cutValue(n);
          v = Buffer.from(arr.subarray(p, p + l)).toString('base64');
          p += l;
          break;
        }
        default:
          throw new Error(`column "${c.name}" has a type (${c.type}) FlatGeobuf does not define`);
      }
      if (values[ci] === undefined) set[++set[0]!] = ci;
      values[ci] = v;
    }
  }
  let properties: Record<string, unknown>;
  if (meta) {
    let si = 0;
    if (shapeCol >= 0) {
      si = values[shapeCol] as number;
      if (!layer.shapeCols[si]) throw new Error(`its ${SHAPE_COLUMN} ${String(si)} names no key list of the header (${meta.shapes.length})`);
    }
    properties = layer.makeProps[si] ? layer.makeProps[si]!(values) : {};
  } else {
    properties = {};
    for (let i = 0; i < columns.length; i++) if (values[i] !== undefined) properties[columns[i]!.name] = values[i];
  }
  let geometry: FgbFeature['geometry'] = null;
  if (g && (!wantGeometry || wantGeometry(properties, index))) {
    geometry = fromGeometry(g, header.geometryType) as FgbFeature['geometry'];
    if (meta?.singlePartAsPolygon && geometry!.type === 'MultiPolygon' && (geometry!.coordinates as unknown[]).length === 1) geometry = { type: 'Polygon', coordinates: (geometry!.coordinates as unknown[])[0] };
  }
  const out: Record<string, unknown> = {};
  for (const k of layer.order) out[k] = k === 'type' ? 'Feature' : k === 'properties' ? properties : geometry;
  return out as unknown as FgbFeature;
}
