/**
 * The one reader of vector files: GeoJSON (.geojson/.json) and shapefiles (.shp with .dbf, optional .prj and .cpg,
 * through the `shapefile` package). Buildings, blocks, roads, plants and heat-source inputs all open their files here
 * and get the same features, the same CRS rule, the same encodings and the same errors.
 *
 * ```ts
 * const f = await openVector('tatemono.shp', { what: 'buildings', sourceCrs: opts.sourceCrs });
 * for await (const feat of f.features()) ... // feat.record, feat.properties, feat.geometry; f.crs, f.crsFrom
 * ```
 *
 * CRS of the coordinates, one rule for every input (`crsFrom` says which branch decided):
 *  1. 'option': an explicit `sourceCrs` wins (EPSG:N, proj4, WKT or a Crs). Where the file declares another CRS the
 *     override is counted as warning 'crs-declaration-overridden'.
 *  2. 'prj' / 'geojson-crs': the file's own declaration: a shapefile's .prj (OGC/ESRI WKT via parseCrs), a GeoJSON
 *     file's legacy `crs` member (`{"type":"name","properties":{"name":"EPSG:6677"}}`; OGC CRS84 is WGS84).
 *  3. 'rfc7946': GeoJSON without either is WGS84 lon/lat (RFC 7946).
 *  4. A shapefile with neither option nor .prj is an error: CrsError 'crs-missing', naming the file and the option.
 * x is always easting/longitude (shapefile and GeoJSON axis order), whatever the EPSG axis order.
 * Every coordinate must be a finite number (1e999 in a JSON file is Infinity, a .shp may hold NaN) and, when the CRS
 * is geographic, lon/lat: |lon| <= 180 and |lat| <= 90; else CrsError 'crs-lonlat-range' "not lon/lat: pass
 * --source-crs (sourceCrs)" names the file, the record and the value ("the file looks projected: pass the source
 * CRS"). A position that is not two numbers is left to the caller (readers count it as a broken ring).
 *
 * Text encoding of attributes: `encoding` wins, else the .cpg ('SJIS', 'CP932', 'Shift_JIS', 'UTF-8', '1252', ...),
 * else the dBase language driver byte (0x13 = Shift_JIS, as Japanese ArcGIS writes), else UTF-8 (counted as warning
 * 'encoding-assumed'). GeoJSON is UTF-8 (RFC 8259; a BOM is skipped) unless `encoding` says otherwise.
 *
 * Errors (InputError unless said): 'file-not-found'; 'unknown-format' (not .shp/.geojson/.json); 'geojson-invalid'
 * (not JSON, not a FeatureCollection or Feature, a member that is not a Feature); 'shp-missing-dbf';
 * 'shp-truncated' (with the record number and byte offset) and 'shp-corrupt'; 'dbf-truncated' (a .dbf shorter than
 * the records its header declares, with the record it ends in) and 'dbf-corrupt'; 'bad-encoding';
 * CrsError 'crs-missing', 'crs-lonlat-range', 'crs-unknown', and 'crs-outside-area' (a declared UTM or Japan plane CRS
 * none of whose features lies in the CRS's area of use, engine/crs areaOfUse). Callers whose own codes are documented may rename the
 * format / invalid / not-found codes (`codes`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as shapefile from 'shapefile';
import { areaOfUse, inAreaOfUse, parseCrs, transformer, WGS84, type Crs } from '../crs/index.js';
import { CrsError, InputError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';

/** A GeoJSON geometry as found (coordinates not yet checked beyond the lon/lat range). */
export interface VectorGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: VectorGeometry[];
}

export interface VectorFeature {
  /** 1-based record number: the shapefile record, the GeoJSON feature's position. */
  record: number;
  /** The GeoJSON feature's `id` member, when present. */
  id?: string | number;
  properties: Record<string, unknown>;
  geometry: VectorGeometry | null;
}

/** Which branch of the CRS rule decided (see the module header). */
export type CrsFrom = 'option' | 'prj' | 'geojson-crs' | 'rfc7946';

export interface OpenVectorOptions {
  /** What the file holds, for messages: 'buildings', 'blocks', 'roads', 'sewers', 'rivers', 'plants', ... */
  what: string;
  /** CRS of the coordinates; wins over the file's declaration. */
  sourceCrs?: string | Crs;
  /** The option that sets `sourceCrs`, named in messages (default '--source-crs'). */
  crsOption?: string;
  /** Text encoding of the attributes; wins over .cpg and the .dbf language driver. */
  encoding?: string;
  warnings?: Warnings;
  /** Codes used instead of 'unknown-format', 'geojson-invalid'/'shp-corrupt'/'shp-truncated'/'dbf-corrupt', 'file-not-found'. */
  codes?: { format?: string; invalid?: string; notFound?: string };
}

export interface VectorFile {
  path: string;
  format: 'shapefile' | 'geojson';
  /** CRS of the coordinates as found in the file. */
  crs: Crs;
  crsFrom: CrsFrom;
  /** TextDecoder name of the attribute encoding ('utf-8', 'shift_jis', ...). */
  encoding: string;
  /** Attribute columns: the .dbf fields, or every property name of the GeoJSON features. */
  columns: string[];
  /** Records: the .dbf header's count, or the number of GeoJSON features. */
  count: number;
  /** The features in file order (read once for a shapefile). */
  features(): AsyncGenerator<VectorFeature, void, undefined>;
}

/** Open `path` (format by extension) and decide its CRS and encoding; see the module header. */
export async function openVector(path: string, opts: OpenVectorOptions): Promise<VectorFile> {
  const codes = opts.codes ?? {};
  const ext = extname(path).toLowerCase();
  const format = ext === '.shp' ? 'shapefile' : ext === '.geojson' || ext === '.json' ? 'geojson' : undefined;
  if (!format)
    throw new InputError(codes.format ?? 'unknown-format', `cannot read '${ext}' ${opts.what} files`, {
      file: path,
      hint: 'use a shapefile (.shp with .dbf) or GeoJSON (.geojson/.json); convert others with ogr2ogr',
    });
  if (!existsSync(path) || statSync(path).isDirectory())
    throw new InputError(codes.notFound ?? 'file-not-found', `${opts.what} file not found`, { file: path, hint: 'check the path' });
  return format === 'shapefile' ? openShapefile(path, opts) : openGeoJson(path, opts);
}

/** openVector and every feature in memory. */
export async function readVector(path: string, opts: OpenVectorOptions): Promise<{ file: VectorFile; features: VectorFeature[] }> {
  const file = await openVector(path, opts);
  const features: VectorFeature[] = [];
  for await (const f of file.features()) features.push(f);
  return { file, features };
}

// ---------------------------------------------------------------------------------------------------------------
// CRS

const optionName = (opts: OpenVectorOptions): string => opts.crsOption ?? '--source-crs';

/** The CRS rule: option, else the declaration, else (GeoJSON) WGS84, else CrsError 'crs-missing'. */
function decideCrs(path: string, format: 'shapefile' | 'geojson', declared: { crs: Crs; from: 'prj' | 'geojson-crs' } | undefined, opts: OpenVectorOptions): { crs: Crs; from: CrsFrom } {
  if (opts.sourceCrs !== undefined && opts.sourceCrs !== '') {
    const crs = typeof opts.sourceCrs === 'string' ? parseCrs(opts.sourceCrs, { file: path }) : opts.sourceCrs;
    if (declared && declared.crs.proj4 !== crs.proj4)
      opts.warnings?.add('crs-declaration-overridden', `the file declares its CRS (${declared.from === 'prj' ? '.prj' : 'crs member'}); ${optionName(opts)} was used instead`, {
        file: path,
        message: `declared ${declared.crs.code}, used ${crs.code}`,
      });
    return { crs, from: 'option' };
  }
  if (declared) return declared;
  if (format === 'geojson') return { crs: WGS84, from: 'rfc7946' };
  throw new CrsError('crs-missing', `the ${opts.what} shapefile has no .prj and no CRS was given`, {
    file: path,
    hint: `add the .prj or pass ${optionName(opts)} EPSG:N (e.g. EPSG:6677 for JGD2011 plane zone IX)`,
  });
}

/** A GeoJSON `crs` member's name as a Crs (OGC CRS84 = WGS84). */
function geojsonCrs(name: string, path: string): Crs {
  if (/CRS84$/i.test(name.trim())) return WGS84;
  return parseCrs(name, { file: path });
}

/**
 * The first position of `g` with a coordinate that is not a finite number, or (`lonLat`) outside lon/lat range;
 * undefined when there is none.
 */
function badPosition(g: VectorGeometry | null, lonLat: boolean): number[] | undefined {
  if (!g) return undefined;
  if (g.type === 'GeometryCollection') {
    for (const c of g.geometries ?? []) {
      const bad = badPosition(c, lonLat);
      if (bad) return bad;
    }
    return undefined;
  }
  return walk(g.coordinates, lonLat);
}

function walk(c: unknown, lonLat: boolean): number[] | undefined {
  if (!Array.isArray(c)) return undefined;
  if (typeof c[0] === 'number') {
    const x = c[0], y = c[1];
    // a position that is not two numbers is the caller's to count (a broken ring); a number that is not finite
    // (1e999 in JSON is Infinity, NaN in a .shp) is never a coordinate in any CRS
    if (typeof y !== 'number') return undefined;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return c as number[];
    if (lonLat && (Math.abs(x) > 180 || Math.abs(y) > 90)) return c as number[];
    return undefined;
  }
  for (const p of c) {
    const bad = walk(p, lonLat);
    if (bad) return bad;
  }
  return undefined;
}

/** The option that sets the CRS, with its key in scenario and batch files: '--source-crs (sourceCrs)'. */
const optionWithKey = (opts: OpenVectorOptions): string => {
  const flag = optionName(opts);
  return `${flag} (${flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())})`;
};

/**
 * Wrap a feature stream with the coordinate check: every coordinate a finite number and, when the CRS is geographic,
 * in lon/lat range. Either failure is CrsError 'crs-lonlat-range' "not lon/lat: pass --source-crs" naming the file,
 * the record and the value.
 */
async function* checked(file: Omit<VectorFile, 'features'>, opts: OpenVectorOptions, source: AsyncGenerator<VectorFeature, void, undefined>): AsyncGenerator<VectorFeature, void, undefined> {
  const lonLat = file.crs.geographic;
  const area = declaredArea(file);
  for await (const f of source) {
    if (area) area.see(f);
    const bad = badPosition(f.geometry, lonLat);
    if (bad) {
      const finite = Number.isFinite(bad[0]) && Number.isFinite(bad[1]);
      const from = file.crsFrom === 'option' ? optionName(opts) : file.crsFrom === 'prj' ? 'the .prj' : file.crsFrom === 'rfc7946' ? 'RFC 7946' : 'the crs member';
      const why = !finite
        ? `this coordinate is not a finite number (in ${file.crs.code}, from ${from})`
        : file.crsFrom === 'rfc7946'
          ? 'GeoJSON without a crs member is lon/lat (RFC 7946), but this coordinate is not'
          : `the CRS is ${file.crs.code} (from ${from}), lon/lat, but this coordinate is not`;
      throw new CrsError('crs-lonlat-range', `not lon/lat: pass ${optionWithKey(opts)}: ${opts.what}: ${why} (|lon| <= 180, |lat| <= 90)`, {
        file: file.path,
        record: f.record,
        value: bad.slice(0, 2).map((v) => (Number.isFinite(v) ? v : String(v))),
        hint: finite
          ? `the file looks projected: pass the source CRS with ${optionName(opts)} EPSG:N`
          : `fix the record; if the file is projected, pass the source CRS with ${optionName(opts)} EPSG:N`,
      });
    }
    yield f;
  }
  area?.finish(opts);
}

/** The first position of `g` with two finite numbers, if any. */
function firstPosition(g: VectorGeometry | null): [number, number] | undefined {
  if (!g) return undefined;
  if (g.type === 'GeometryCollection') {
    for (const c of g.geometries ?? []) {
      const p = firstPosition(c);
      if (p) return p;
    }
    return undefined;
  }
  let c: unknown = g.coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  if (!Array.isArray(c)) return undefined;
  const [x, y] = c as unknown[];
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y) ? [x, y] : undefined;
}

/**
 * The area-of-use check of a CRS the file declares (.prj or crs member) where its definition fixes an area
 * (engine/crs/definitions.ts areaOfUse: UTM zones, Japan's plane systems): every feature's first position is taken
 * to lon/lat; when not one of them lies in the area, the declaration cannot be the data's CRS (zone IX metres under
 * a UTM 54N .prj land on the equator, south of the zone's hemisphere): CrsError 'crs-outside-area' naming the file,
 * the CRS, its area and the first record. A CRS given with --source-crs is the user's word and is not checked.
 */
function declaredArea(file: Omit<VectorFile, 'features'>) {
  if (file.crs.geographic || (file.crsFrom !== 'prj' && file.crsFrom !== 'geojson-crs')) return undefined;
  const area = areaOfUse(file.crs.code);
  if (!area) return undefined;
  const toLonLat = transformer(file.crs, WGS84);
  let seen = 0, inside = 0;
  let first: { record: number; lonLat: [number, number] } | undefined;
  return {
    see(f: VectorFeature): void {
      const p = firstPosition(f.geometry);
      if (!p) return;
      const [lon, lat] = toLonLat.forward(p[0], p[1]);
      seen++;
      if (inAreaOfUse(area, lon, lat)) inside++;
      else if (!first) first = { record: f.record, lonLat: [Math.round(lon * 1e4) / 1e4, Math.round(lat * 1e4) / 1e4] };
    },
    finish(opts: OpenVectorOptions): void {
      if (seen === 0 || inside > 0 || !first) return;
      const from = file.crsFrom === 'prj' ? 'the .prj' : 'the crs member';
      const [lon, lat] = first.lonLat;
      throw new CrsError(
        'crs-outside-area',
        `${opts.what}: ${from} says ${file.crs.code} (${file.crs.name}), defined over ${area.text}, but none of the ${seen} features lies there (record ${first.record} is at ${Number.isFinite(lon) ? `${lon}, ${lat}` : 'no lon/lat position'}): the declaration is not the data's CRS`,
        {
          file: file.path,
          record: first.record,
          value: p2(first.lonLat),
          hint: `pass the data's CRS with ${optionWithKey(opts)} EPSG:N (e.g. EPSG:6677 for JGD2011 plane zone IX); given there, ${file.crs.code} is used as it is`,
        },
      );
    },
  };
}

const p2 = (p: [number, number]) => p.map((v) => (Number.isFinite(v) ? v : String(v)));

// ---------------------------------------------------------------------------------------------------------------
// GeoJSON

async function openGeoJson(path: string, opts: OpenVectorOptions): Promise<VectorFile> {
  const invalid = opts.codes?.invalid ?? 'geojson-invalid';
  const encoding = opts.encoding ? normalizeEncoding(opts.encoding, { file: path }) : 'utf-8';
  let doc: { type?: string; features?: unknown; crs?: { properties?: { name?: unknown } } };
  try {
    doc = JSON.parse(new TextDecoder(encoding).decode(readFileSync(path)).replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError(invalid, `not valid JSON: ${(e as Error).message}`, { file: path });
  }
  type RawFeature = { type?: string; id?: unknown; properties?: Record<string, unknown> | null; geometry?: VectorGeometry | null };
  let raw: RawFeature[];
  if (doc && doc.type === 'FeatureCollection' && Array.isArray(doc.features)) raw = doc.features as RawFeature[];
  else if (doc && doc.type === 'Feature') raw = [doc as RawFeature];
  else
    throw new InputError(invalid, 'not a GeoJSON FeatureCollection or Feature', {
      file: path,
      value: doc && typeof doc === 'object' ? doc.type : typeof doc,
    });
  const columns = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const f = raw[i];
    if (!f || typeof f !== 'object' || f.type !== 'Feature')
      throw new InputError(invalid, 'FeatureCollection member is not a Feature', { file: path, record: i + 1 });
    if (f.properties && typeof f.properties === 'object') for (const k of Object.keys(f.properties)) columns.add(k);
  }
  const name = doc.crs?.properties?.name;
  const declared = typeof name === 'string' && name.trim() !== '' ? { crs: geojsonCrs(name, path), from: 'geojson-crs' as const } : undefined;
  const { crs, from } = decideCrs(path, 'geojson', declared, opts);
  const info = { path, format: 'geojson' as const, crs, crsFrom: from, encoding, columns: [...columns], count: raw.length };
  async function* all(): AsyncGenerator<VectorFeature, void, undefined> {
    for (let i = 0; i < raw.length; i++) {
      const f = raw[i]!;
      const id = typeof f.id === 'string' || typeof f.id === 'number' ? f.id : undefined;
      yield { record: i + 1, id, properties: f.properties && typeof f.properties === 'object' ? f.properties : {}, geometry: f.geometry ?? null };
    }
  }
  return { ...info, features: () => checked(info, opts, all()) };
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
  /** Bytes of the header (bytes 8-9) and of one record (bytes 10-11), as the header states them. */
  headerLen: number;
  recordLen: number;
  /** Size of the .dbf file, bytes. */
  size: number;
}

async function readDbfHeader(dbf: string, decoder: TextDecoder, invalid: string): Promise<DbfHeader> {
  const fh = await openFile(dbf, 'r');
  try {
    const head = Buffer.alloc(32);
    const { bytesRead } = await fh.read(head, 0, 32, 0);
    if (bytesRead < 32) throw new InputError(invalid, '.dbf file is too short for a dBase header', { file: dbf });
    const headerLen = head.readUInt16LE(8);
    const body = Buffer.alloc(Math.max(0, headerLen - 32));
    await fh.read(body, 0, body.length, 32);
    const columns: string[] = [];
    for (let n = 0; n + 32 <= body.length && body[n] !== 0x0d; n += 32) {
      let j = 0;
      while (j < 11 && body[n + j] !== 0) j++;
      columns.push(decoder.decode(body.subarray(n, n + j)));
    }
    return { records: head.readUInt32LE(4), columns, ldid: head[29]!, headerLen, recordLen: head.readUInt16LE(10), size: (await fh.stat()).size };
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

/**
 * Check the .dbf's size against its header: the records it declares (count x record length after the header) must
 * all be there, else the file was cut and the attributes of the last records would be lost without a word. Returns
 * null when whole, else the 1-based record the file ends in and its byte offset. (The closing 0x1A is optional.)
 */
export function checkDbfSize(h: Pick<DbfHeader, 'records' | 'headerLen' | 'recordLen' | 'size'>): { record: number; offset: number; why: string } | null {
  if (h.headerLen < 33 || h.recordLen < 1) return { record: 0, offset: 0, why: `the header states ${h.headerLen} header bytes and ${h.recordLen}-byte records` };
  const need = h.headerLen + h.records * h.recordLen;
  if (h.size >= need) return null;
  if (h.size < h.headerLen) return { record: 0, offset: h.size, why: `the file ends inside its ${h.headerLen}-byte header (${h.size} bytes)` };
  const whole = Math.floor((h.size - h.headerLen) / h.recordLen);
  return {
    record: whole + 1,
    offset: h.headerLen + whole * h.recordLen,
    why: `the header declares ${h.records} records of ${h.recordLen} bytes (${need} bytes with the header), the file has ${h.size}: cut in record ${whole + 1}`,
  };
}

/** The file beside `path` with extension `ext` (lower or upper case), if there is one. */
function sidecar(path: string, ext: string): string | undefined {
  const base = path.slice(0, -extname(path).length);
  for (const e of [ext, ext.toUpperCase()]) if (existsSync(base + e)) return base + e;
  return undefined;
}

async function openShapefile(path: string, opts: OpenVectorOptions): Promise<VectorFile> {
  const dbf = sidecar(path, '.dbf');
  if (!dbf)
    throw new InputError('shp-missing-dbf', `the ${opts.what} shapefile has no .dbf (attribute table) beside it`, {
      file: path,
      hint: 'copy the .dbf (and .prj, .cpg, .shx) with the .shp',
    });
  const prj = sidecar(path, '.prj');
  const declared = prj ? { crs: parseCrs(readFileSync(prj, 'utf8'), { file: prj }), from: 'prj' as const } : undefined;
  const { crs, from } = decideCrs(path, 'shapefile', declared, opts);
  const bad = checkShp(path);
  if (bad)
    throw new InputError(opts.codes?.invalid ?? (bad.record === 0 ? 'shp-corrupt' : 'shp-truncated'), `broken .shp: ${bad.why}`, {
      file: path,
      record: bad.record === 0 ? undefined : `${bad.record} (byte ${bad.offset})`,
      hint: 'the file was cut short or damaged; copy it again',
    });
  const invalid = opts.codes?.invalid ?? 'shp-corrupt';

  let encoding: string;
  const cpg = sidecar(path, '.cpg');
  if (opts.encoding) encoding = normalizeEncoding(opts.encoding, { file: path });
  else if (cpg) encoding = normalizeEncoding(readFileSync(cpg, 'utf8'), { file: cpg });
  else {
    const ldid = (await readDbfHeader(dbf, new TextDecoder('utf-8'), opts.codes?.invalid ?? 'dbf-corrupt')).ldid;
    encoding = LDID[ldid] ?? 'utf-8';
    if (LDID[ldid] === undefined)
      opts.warnings?.add('encoding-assumed', 'no .cpg and no language driver in the .dbf: text read as UTF-8 (pass --encoding, e.g. Shift_JIS)', { file: path });
  }
  const header = await readDbfHeader(dbf, new TextDecoder(encoding), opts.codes?.invalid ?? 'dbf-corrupt');
  const cutDbf = checkDbfSize(header);
  if (cutDbf)
    throw new InputError(opts.codes?.invalid ?? (cutDbf.record === 0 ? 'dbf-corrupt' : 'dbf-truncated'), `broken .dbf (attribute table): ${cutDbf.why}`, {
      file: dbf,
      record: cutDbf.record === 0 ? undefined : `${cutDbf.record} (byte ${cutDbf.offset})`,
      hint: 'the file was cut short or damaged; copy it again',
    });
  const info = { path, format: 'shapefile' as const, crs, crsFrom: from, encoding, columns: header.columns, count: header.records };

  async function* all(): AsyncGenerator<VectorFeature, void, undefined> {
    let source: Awaited<ReturnType<typeof shapefile.open>>;
    try {
      source = await shapefile.open(path, dbf, { encoding });
    } catch (e) {
      throw new InputError(invalid, `cannot open the shapefile: ${(e as Error).message}`, { file: path });
    }
    let finished = false;
    try {
      for (let record = 1; ; record++) {
        let r: { done: boolean; value?: { properties?: Record<string, unknown> | null; geometry?: VectorGeometry | null } };
        try {
          r = (await source.read()) as typeof r;
        } catch (e) {
          throw new InputError(invalid, `cannot read the shapefile record: ${(e as Error).message}`, { file: path, record });
        }
        if (r.done) {
          finished = true;
          if (record - 1 !== header.records)
            opts.warnings?.add('dbf-count-mismatch', `.shp has ${record - 1} records, the .dbf ${header.records}`, { file: path });
          return;
        }
        yield { record, properties: r.value?.properties ?? {}, geometry: r.value?.geometry ?? null };
      }
    } finally {
      if (!finished) await source.cancel().catch(() => undefined);
    }
  }
  return { ...info, features: () => checked(info, opts, all()) };
}
