/**
 * Buildings from a shapefile (.shp + .dbf, optional .prj and .cpg) or a GeoJSON file, with the attribute columns
 * named by an AttributeMapping (e.g. a Japanese land-use survey, 都市計画基礎調査, or a city's building register).
 *
 * ```ts
 * await readVectorBuildings('tatemono.shp', builder, warnings, { mapping: { use: '建物用途', floorArea: '延床面積', storeys: '地上階数' } });
 * ```
 *
 * - Encoding of the .dbf: opts.encoding, else the .cpg ('SJIS', 'CP932', 'Shift_JIS', 'UTF-8', '1252', ...), else the
 *   dBase language driver byte (0x13 = Shift_JIS, as Japanese ArcGIS writes), else UTF-8 (counted as
 *   'encoding-assumed'). GeoJSON is UTF-8 (RFC 8259) unless opts.encoding says otherwise.
 * - CRS: the .prj (OGC/ESRI WKT, via parseCrs), else opts.crs, else for GeoJSON the legacy `crs` member
 *   (`{"type":"name","properties":{"name":"EPSG:6677"}}`), else lon/lat WGS84 (RFC 7946). A shapefile with neither
 *   .prj nor opts.crs is a CrsError. x is always easting/longitude (shapefile and GeoJSON axis order). Coordinates are
 *   transformed into the builder's CRS.
 * - Polygon and MultiPolygon features; other types are dropped and counted ('not-polygon', 'no-geometry').
 *   Rings go through cleanRing ('too-few-points', 'nan'); a bad hole is left out ('bad-hole').
 * - Numbers (floorArea, storeys, storeysBelow, height, footprintArea) are read from numeric or text columns; empty
 *   values are NaN and counted ('missing-<field>'), unreadable ones too ('bad-<field>'). The use code is kept as a
 *   string ('411', '住宅'); a `category` column must hold heatplan category names ('bad-category' otherwise).
 * - Errors: a mapping column that is not in the file (InputError 'unknown-column', listing the columns there are),
 *   a missing .dbf ('shp-missing-dbf'), a broken .shp ('shp-truncated'/'shp-corrupt' with the record number),
 *   unreadable GeoJSON ('geojson-invalid').
 */
import { existsSync, readFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import * as shapefile from 'shapefile';
import { cleanRing } from '../buildings/geometry.js';
import { USE_CATEGORIES, type BuildingTableBuilder, type FlatPolygon, type RawBuilding, type UseCategory } from '../buildings/table.js';
import { CrsError, InputError } from '../errors.js';
import { parseCrs, transformer, WGS84, type Crs, type Transformer } from '../crs/index.js';
import type { ProgressFn } from '../util/progress.js';
import type { Warnings } from '../util/warnings.js';

/** Source column names for building attributes. Every named column must exist in the file. */
export interface AttributeMapping {
  /** Identifier column (default: the 1-based record number). */
  id?: string;
  /** Use code column, kept as a string for the use mapping. */
  use?: string;
  /** Total floor area, m². */
  floorArea?: string;
  /** Storeys above ground. */
  storeys?: string;
  /** Storeys below ground. */
  storeysBelow?: string;
  /** Building height, m. */
  height?: string;
  /** Footprint (building) area, m². */
  footprintArea?: string;
  /** A column holding heatplan category names (USE_CATEGORIES). */
  category?: string;
}

export interface VectorBuildingsOptions {
  mapping: AttributeMapping;
  /** Text encoding of the .dbf (or GeoJSON): overrides .cpg. */
  encoding?: string;
  /** Use code scheme name recorded for the file (default 'custom'). */
  scheme?: string;
  /** CRS of the coordinates when the file does not declare one. */
  crs?: string;
  onProgress?: ProgressFn;
}

export interface VectorBuildingsSummary {
  buildings: number;
  dropped: number;
  crs: string;
  encoding: string;
  columns: string[];
}

type Props = Record<string, unknown>;
interface Geometry {
  type: string;
  coordinates?: unknown;
}

const NUMERIC_FIELDS = [
  ['floorArea', 'givenFloorAreaM2'],
  ['storeys', 'storeysAbove'],
  ['storeysBelow', 'storeysBelow'],
  ['height', 'heightM'],
  ['footprintArea', 'givenFootprintAreaM2'],
] as const;

/** Read a .shp or .geojson/.json file of building footprints into `builder`. */
export async function readVectorBuildings(
  path: string,
  builder: BuildingTableBuilder,
  warnings: Warnings,
  opts: VectorBuildingsOptions,
): Promise<VectorBuildingsSummary> {
  const ext = extname(path).toLowerCase();
  if (!existsSync(path)) throw new InputError('file-not-found', 'building file not found', { file: path, hint: 'check the path' });
  if (ext === '.shp') return readShapefile(path, builder, warnings, opts);
  if (ext === '.geojson' || ext === '.json') return readGeoJson(path, builder, warnings, opts);
  throw new InputError('unknown-format', `cannot read '${ext}' building files`, {
    file: path,
    hint: 'use a shapefile (.shp with .dbf) or GeoJSON (.geojson/.json); convert others with ogr2ogr',
  });
}

/** Feeds features to the builder: mapping, numbers, geometry, warnings. */
class FeatureSink {
  readonly sum: VectorBuildingsSummary;
  private readonly tr: Transformer;
  constructor(
    private readonly path: string,
    private readonly builder: BuildingTableBuilder,
    private readonly warnings: Warnings,
    private readonly mapping: AttributeMapping,
    src: Crs,
    encoding: string,
    columns: string[],
  ) {
    checkColumns(path, mapping, columns);
    this.tr = transformer(src, builder.crs);
    this.sum = { buildings: 0, dropped: 0, crs: src.code, encoding, columns };
  }

  private drop(code: string, message: string, record: number): void {
    this.warnings.add(code, message, { file: this.path, record });
    this.sum.dropped++;
  }

  add(record: number, props: Props, geom: Geometry | null, fallbackId: string): void {
    if (!geom) return this.drop('no-geometry', 'feature has no geometry; dropped', record);
    let polys: unknown[];
    if (geom.type === 'Polygon') polys = [geom.coordinates];
    else if (geom.type === 'MultiPolygon') polys = Array.isArray(geom.coordinates) ? geom.coordinates : [];
    else return this.drop('not-polygon', `feature is a ${geom.type}, not a Polygon or MultiPolygon; dropped`, record);
    const out: FlatPolygon[] = [];
    let problem: string | undefined;
    for (const poly of polys) {
      if (!Array.isArray(poly) || poly.length === 0) continue;
      const rings: number[][] = [];
      for (let r = 0; r < poly.length; r++) {
        const flat = flattenRing(poly[r]);
        if (flat) this.tr.forwardFlat(flat);
        const clean = flat ? cleanRing(flat) : 'nan';
        if (typeof clean === 'string') {
          if (r === 0) {
            problem = clean;
            break;
          }
          this.warnings.add('bad-hole', 'polygon hole with too few points or bad coordinates; left out', { file: this.path, record });
          continue;
        }
        rings.push(clean);
      }
      if (rings.length > 0 && problem === undefined) out.push(rings);
      if (problem !== undefined) break;
    }
    if (problem === 'nan') return this.drop('nan', 'polygon has non-finite coordinates; dropped', record);
    if (problem !== undefined || out.length === 0)
      return this.drop('too-few-points', 'polygon ring has fewer than 3 distinct points; dropped', record);
    this.builder.add(this.attributes(record, props, fallbackId), out);
    this.sum.buildings++;
  }

  private attributes(record: number, props: Props, fallbackId: string): RawBuilding {
    const m = this.mapping;
    const raw: RawBuilding = { id: fallbackId };
    if (m.id) {
      const v = props[m.id];
      if (v !== null && v !== undefined && String(v).trim() !== '') raw.id = String(v).trim();
    }
    if (m.use) {
      const v = props[m.use];
      raw.useCode = v === null || v === undefined ? '' : String(v).trim();
    }
    for (const [field, key] of NUMERIC_FIELDS) {
      const col = m[field];
      if (!col) continue;
      raw[key] = this.number(props[col], field, col, record);
    }
    if (m.category) {
      const v = props[m.category];
      const s = v === null || v === undefined ? '' : String(v).trim();
      if ((USE_CATEGORIES as readonly string[]).includes(s)) raw.category = s as UseCategory;
      else
        this.warnings.add('bad-category', `column ${m.category} holds a value that is not a heatplan category; use mapped from the use code`, {
          file: this.path,
          record,
          message: `${m.category}=${s}`,
        });
    }
    return raw;
  }

  private number(v: unknown, field: string, col: string, record: number): number {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
    } else if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) {
      this.warnings.add(`missing-${kebab(field)}`, `column ${col} (${field}) is empty; left unknown`, { file: this.path, record });
      return NaN;
    } else if (typeof v === 'string') {
      const s = v.trim().replace(/,/g, '');
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
    }
    this.warnings.add(`bad-${kebab(field)}`, `column ${col} (${field}) is not a number; left unknown`, {
      file: this.path,
      record,
      message: `${col}=${String(v)}`,
    });
    return NaN;
  }
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function checkColumns(path: string, mapping: AttributeMapping, columns: string[]): void {
  for (const [field, col] of Object.entries(mapping)) {
    if (col === undefined || col === '') continue;
    if (!columns.includes(col))
      throw new InputError('unknown-column', `the mapping names column '${col}' (${field}), which is not in the file`, {
        file: path,
        value: col,
        hint: `columns in the file: ${columns.join(', ') || '(none)'}`,
      });
  }
}

/** A GeoJSON ring [[x, y], ...] as a flat array, or null when it is not one. */
function flattenRing(ring: unknown): number[] | null {
  if (!Array.isArray(ring)) return null;
  const out = new Array<number>(ring.length * 2);
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i] as unknown;
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') return null;
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapefile

/** TextDecoder label for a .cpg / --encoding value. */
export function normalizeEncoding(label: string, ctx: { file?: string } = {}): string {
  const s = label.trim().toLowerCase().replace(/^ansi\s*/, '');
  const table: Record<string, string> = {
    sjis: 'shift_jis', 'shift-jis': 'shift_jis', shift_jis: 'shift_jis', cp932: 'shift_jis', '932': 'shift_jis',
    'windows-31j': 'shift_jis', ms932: 'shift_jis', 'x-sjis': 'shift_jis',
    utf8: 'utf-8', 'utf-8': 'utf-8', '65001': 'utf-8',
    '1252': 'windows-1252', cp1252: 'windows-1252', 'windows-1252': 'windows-1252',
    'eucjp': 'euc-jp', 'euc-jp': 'euc-jp', '20932': 'euc-jp', '51932': 'euc-jp',
    '936': 'gbk', cp936: 'gbk', '950': 'big5', cp950: 'big5', '949': 'euc-kr', cp949: 'euc-kr',
    '88591': 'iso-8859-1', '8859_1': 'iso-8859-1', 'iso-8859-1': 'iso-8859-1', latin1: 'iso-8859-1',
  };
  const name = table[s] ?? s;
  try {
    return new TextDecoder(name).encoding;
  } catch {
    throw new InputError('bad-encoding', `unknown text encoding '${label}'`, {
      file: ctx.file,
      value: label,
      hint: "use e.g. 'Shift_JIS', 'CP932', 'UTF-8', 'windows-1252'",
    });
  }
}

/** dBase language driver ids (byte 29 of the .dbf header) that name an encoding. */
const LDID: Record<number, string> = { 0x13: 'shift_jis', 0x7b: 'shift_jis', 0x4d: 'gbk', 0x4f: 'big5', 0x57: 'windows-1252', 0x03: 'windows-1252' };

interface DbfHeader {
  records: number;
  columns: string[];
  ldid: number;
}

async function readDbfHeader(dbf: string, decoder: TextDecoder): Promise<DbfHeader> {
  const fh = await openFile(dbf, 'r');
  try {
    const head = Buffer.alloc(32);
    const { bytesRead } = await fh.read(head, 0, 32, 0);
    if (bytesRead < 32) throw new InputError('dbf-corrupt', '.dbf file is too short for a dBase header', { file: dbf });
    const headerLen = head.readUInt16LE(8);
    const body = Buffer.alloc(Math.max(0, headerLen - 32));
    await fh.read(body, 0, body.length, 32);
    const columns: string[] = [];
    for (let n = 0; n + 32 <= body.length && body[n] !== 0x0d; n += 32) {
      let j = 0;
      while (j < 11 && body[n + j] !== 0) j++;
      columns.push(decoder.decode(body.subarray(n, n + j)));
    }
    return { records: head.readUInt32LE(4), columns, ldid: head[29]! };
  } finally {
    await fh.close();
  }
}

/**
 * Walk the .shp record headers to find where the file is cut or corrupt: returns null when it is whole, else the
 * 1-based record number and byte offset of the first bad record.
 */
function checkShp(shp: string): { record: number; offset: number; why: string } | null {
  const buf = readFileSync(shp);
  if (buf.length < 100 || buf.readInt32BE(0) !== 9994) return { record: 0, offset: 0, why: 'not a shapefile (bad file code in the header)' };
  const declared = buf.readInt32BE(24) * 2;
  let off = 100, rec = 1;
  while (off < buf.length) {
    if (off + 8 > buf.length) return { record: rec, offset: off, why: 'the record header is cut off' };
    const len = buf.readInt32BE(off + 4) * 2;
    if (len < 4) return { record: rec, offset: off, why: `record length ${len} bytes` };
    if (off + 8 + len > buf.length) return { record: rec, offset: off, why: `the record needs ${len} bytes, ${buf.length - off - 8} are left` };
    off += 8 + len;
    rec++;
  }
  if (declared !== buf.length) return { record: rec, offset: off, why: `the header says ${declared} bytes, the file has ${buf.length}` };
  return null;
}

function sidecar(path: string, ext: string): string | undefined {
  const base = path.slice(0, -extname(path).length);
  for (const e of [ext, ext.toUpperCase()]) if (existsSync(base + e)) return base + e;
  return undefined;
}

function sourceCrs(path: string, prj: string | undefined, opts: VectorBuildingsOptions, warnings: Warnings, geojsonCrs?: string): Crs {
  if (prj) {
    const text = readFileSync(prj, 'utf8');
    const crs = parseCrs(text, { file: prj });
    if (opts.crs) warnings.add('crs-option-ignored', 'the file declares its CRS (.prj); the --crs option was not used', { file: path });
    return crs;
  }
  if (opts.crs) return parseCrs(opts.crs, { file: path });
  if (geojsonCrs !== undefined) {
    if (/CRS84$/i.test(geojsonCrs)) return WGS84;
    return parseCrs(geojsonCrs, { file: path });
  }
  return WGS84;
}

async function readShapefile(path: string, builder: BuildingTableBuilder, warnings: Warnings, opts: VectorBuildingsOptions): Promise<VectorBuildingsSummary> {
  const dbf = sidecar(path, '.dbf');
  if (!dbf)
    throw new InputError('shp-missing-dbf', 'the shapefile has no .dbf (attribute table) beside it', {
      file: path,
      hint: 'copy the .dbf (and .prj, .cpg, .shx) with the .shp',
    });
  const prj = sidecar(path, '.prj');
  if (!prj && !opts.crs)
    throw new CrsError('crs-missing', 'the shapefile has no .prj and no CRS was given', {
      file: path,
      hint: 'pass --crs EPSG:N (e.g. EPSG:6677 for JGD2011 plane zone IX)',
    });
  const bad = checkShp(path);
  if (bad)
    throw new InputError(bad.record === 0 ? 'shp-corrupt' : 'shp-truncated', `broken .shp: ${bad.why}`, {
      file: path,
      record: bad.record === 0 ? undefined : `${bad.record} (byte ${bad.offset})`,
      hint: 'the file was cut short or damaged; copy it again',
    });

  let encoding: string;
  let assumed = false;
  const cpg = sidecar(path, '.cpg');
  if (opts.encoding) encoding = normalizeEncoding(opts.encoding, { file: path });
  else if (cpg) encoding = normalizeEncoding(readFileSync(cpg, 'utf8'), { file: cpg });
  else {
    const ldid = (await readDbfHeader(dbf, new TextDecoder('utf-8'))).ldid;
    encoding = LDID[ldid] ?? 'utf-8';
    assumed = LDID[ldid] === undefined;
  }
  if (assumed)
    warnings.add('encoding-assumed', 'no .cpg and no language driver in the .dbf: text read as UTF-8 (pass --encoding, e.g. Shift_JIS)', { file: path });
  const header = await readDbfHeader(dbf, new TextDecoder(encoding));
  const src = sourceCrs(path, prj, opts, warnings);
  builder.beginFile(path, opts.scheme ?? 'custom');
  const sink = new FeatureSink(path, builder, warnings, opts.mapping, src, encoding, header.columns);

  let source: Awaited<ReturnType<typeof shapefile.open>>;
  try {
    source = await shapefile.open(path, dbf, { encoding });
  } catch (e) {
    throw new InputError('shp-corrupt', `cannot open the shapefile: ${(e as Error).message}`, { file: path });
  }
  const total = Math.max(header.records, 1);
  for (let record = 1; ; record++) {
    let r: { done: boolean; value?: { properties?: Props; geometry?: Geometry | null } };
    try {
      r = (await source.read()) as typeof r;
    } catch (e) {
      throw new InputError('shp-corrupt', `cannot read the shapefile record: ${(e as Error).message}`, { file: path, record });
    }
    if (r.done) {
      if (record - 1 !== header.records)
        warnings.add('dbf-count-mismatch', `.shp has ${record - 1} records, the .dbf ${header.records}`, { file: path });
      break;
    }
    sink.add(record, r.value?.properties ?? {}, r.value?.geometry ?? null, String(record));
    if (record % 1000 === 0) opts.onProgress?.(record, total, basename(path));
  }
  opts.onProgress?.(total, total, basename(path));
  return sink.sum;
}

// ---------------------------------------------------------------------------------------------------------------
// GeoJSON

async function readGeoJson(path: string, builder: BuildingTableBuilder, warnings: Warnings, opts: VectorBuildingsOptions): Promise<VectorBuildingsSummary> {
  const encoding = opts.encoding ? normalizeEncoding(opts.encoding, { file: path }) : 'utf-8';
  let doc: { type?: string; features?: unknown; crs?: { properties?: { name?: unknown } }; geometry?: unknown };
  try {
    doc = JSON.parse(new TextDecoder(encoding).decode(readFileSync(path)).replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError('geojson-invalid', `not valid JSON: ${(e as Error).message}`, { file: path });
  }
  let features: { type?: string; id?: unknown; properties?: Props | null; geometry?: Geometry | null }[];
  if (doc && doc.type === 'FeatureCollection' && Array.isArray(doc.features)) features = doc.features;
  else if (doc && doc.type === 'Feature') features = [doc as (typeof features)[number]];
  else
    throw new InputError('geojson-invalid', 'not a GeoJSON FeatureCollection or Feature', {
      file: path,
      value: doc && typeof doc === 'object' ? doc.type : typeof doc,
    });
  const legacy = doc.crs?.properties?.name;
  const src = sourceCrs(path, undefined, opts, warnings, typeof legacy === 'string' ? legacy : undefined);
  const columns = new Set<string>();
  for (const f of features) if (f && f.properties && typeof f.properties === 'object') for (const k of Object.keys(f.properties)) columns.add(k);
  builder.beginFile(path, opts.scheme ?? 'custom');
  const sink = new FeatureSink(path, builder, warnings, opts.mapping, src, encoding, [...columns]);
  for (let i = 0; i < features.length; i++) {
    const f = features[i]!;
    const record = i + 1;
    if (!f || f.type !== 'Feature') {
      throw new InputError('geojson-invalid', 'FeatureCollection member is not a Feature', { file: path, record });
    }
    const fid = f.id !== undefined && f.id !== null ? String(f.id) : String(record);
    sink.add(record, f.properties ?? {}, f.geometry ?? null, fid);
    if (record % 1000 === 0) opts.onProgress?.(record, features.length, basename(path));
  }
  opts.onProgress?.(features.length, features.length, basename(path));
  return sink.sum;
}
