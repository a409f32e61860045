/**
 * GeoPackage 1.3 writer (OGC 12-128r18) on the SQLite writer of ./sqlite.ts: feature tables in WGS84 (EPSG:4326, lon
 * lat as the run's GeoJSON), one geometry type each, the required metadata tables (gpkg_spatial_ref_sys,
 * gpkg_contents, gpkg_geometry_columns) and QGIS's layer_styles table, from which QGIS applies each layer's style
 * when the layer is added. No spatial index (an optional extension): QGIS and GDAL read the layers without one.
 */
import type { Geometry, Position } from 'geojson';
import { buildSqlite, ident, type SqlTable, type SqlValue } from './sqlite.js';

export type GpkgGeometryType = 'POINT' | 'LINESTRING' | 'MULTIPOLYGON';
export type GpkgFieldType = 'TEXT' | 'INTEGER' | 'REAL' | 'BOOLEAN';

export interface GpkgField {
  name: string;
  type: GpkgFieldType;
}

export interface GpkgLayer {
  name: string;
  /** Title in gpkg_contents.identifier (unique). */
  identifier?: string;
  description?: string;
  geometryType: GpkgGeometryType;
  fields: GpkgField[];
  features: { geometry: Geometry | null; values: SqlValue[] }[];
}

export interface GpkgStyle {
  layer: string;
  name: string;
  qml: string;
  description?: string;
}

/** EPSG:4326 as GeoPackage lists it (the spec's required definition). */
const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';
export const GPKG_SRS_ID = 4326;

// ---------------------------------------------------------------------------------------------------------------
// geometry: GeoPackage binary header + ISO WKB (2D, little-endian)

class Wkb {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  len = 0;

  private room(n: number) {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }
  u8(v: number) {
    this.room(1);
    this.buf[this.len++] = v;
  }
  u32(v: number) {
    this.room(4);
    this.dv.setUint32(this.len, v, true);
    this.len += 4;
  }
  i32(v: number) {
    this.room(4);
    this.dv.setInt32(this.len, v, true);
    this.len += 4;
  }
  f64(v: number) {
    this.room(8);
    this.dv.setFloat64(this.len, v, true);
    this.len += 8;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

interface Env {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

function points(w: Wkb, ring: Position[], env: Env) {
  w.u32(ring.length);
  for (const p of ring) {
    const x = Number(p[0]);
    const y = Number(p[1]);
    w.f64(x);
    w.f64(y);
    if (x < env.minX) env.minX = x;
    if (x > env.maxX) env.maxX = x;
    if (y < env.minY) env.minY = y;
    if (y > env.maxY) env.maxY = y;
  }
}

function polygon(w: Wkb, rings: Position[][], env: Env) {
  w.u8(1);
  w.u32(3);
  w.u32(rings.length);
  for (const r of rings) points(w, r, env);
}

/**
 * The geometry as a GeoPackage blob of `type` (Polygon promoted to MultiPolygon), or null for a missing geometry.
 * Throws for a geometry that is not of the layer's type.
 */
export function gpkgGeometry(g: Geometry | null | undefined, type: GpkgGeometryType, srsId = GPKG_SRS_ID): Uint8Array | null {
  if (!g) return null;
  const body = new Wkb();
  const env: Env = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  if (type === 'POINT' && g.type === 'Point') {
    body.u8(1);
    body.u32(1);
    body.f64(Number(g.coordinates[0]));
    body.f64(Number(g.coordinates[1]));
  } else if (type === 'LINESTRING' && g.type === 'LineString') {
    body.u8(1);
    body.u32(2);
    points(body, g.coordinates, env);
  } else if (type === 'MULTIPOLYGON' && (g.type === 'Polygon' || g.type === 'MultiPolygon')) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    body.u8(1);
    body.u32(6);
    body.u32(polys.length);
    for (const p of polys) polygon(body, p, env);
  } else {
    throw new TypeError(`a ${g.type} geometry in a ${type} layer`);
  }
  const wkb = body.bytes();
  const point = type === 'POINT';
  const empty = !point && !(env.minX <= env.maxX);
  const head = new Wkb();
  head.u8(0x47); // 'G'
  head.u8(0x50); // 'P'
  head.u8(0); // version 1
  // flags: little-endian (bit 0), envelope [minx, maxx, miny, maxy] (bits 1-3 = 1) except for points and empties
  head.u8(point || empty ? 0x01 | (empty ? 0x10 : 0) : 0x03);
  head.i32(srsId);
  if (!point && !empty) {
    head.f64(env.minX);
    head.f64(env.maxX);
    head.f64(env.minY);
    head.f64(env.maxY);
  }
  const h = head.bytes();
  const out = new Uint8Array(h.length + wkb.length);
  out.set(h, 0);
  out.set(wkb, h.length);
  return out;
}

/** Bounding box of a layer's features [minx, miny, maxx, maxy] (undefined when it has none). */
function layerExtent(l: GpkgLayer): [number, number, number, number] | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const x = c[0] as number;
      const y = c[1] as number;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    } else if (Array.isArray(c)) for (const x of c) visit(x);
  };
  for (const f of l.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return minX <= maxX ? [minX, minY, maxX, maxY] : undefined;
}

const GEOMETRY_COLUMN = 'geom';
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The GeoPackage file of `layers` (and `styles` in layer_styles), in memory. */
export function buildGeoPackage(layers: GpkgLayer[], styles: GpkgStyle[] = [], now = new Date()): Uint8Array {
  const stamp = now.toISOString();
  for (const l of layers) {
    if (!NAME_RE.test(l.name) || /^(gpkg_|rtree_|sqlite_)/i.test(l.name) || l.name === 'layer_styles') throw new Error(`gpkg: bad layer name ${l.name}`);
    const seen = new Set(['fid', GEOMETRY_COLUMN]);
    for (const f of l.fields) {
      if (seen.has(f.name.toLowerCase())) throw new Error(`gpkg: field ${f.name} twice in ${l.name}`);
      seen.add(f.name.toLowerCase());
    }
  }
  const tables: SqlTable[] = [];
  tables.push({
    name: 'gpkg_spatial_ref_sys',
    sql: 'CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition  TEXT NOT NULL, description TEXT)',
    rowidColumn: 1,
    rows: [
      ['Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'],
      ['Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'],
      ['WGS 84 geodetic', GPKG_SRS_ID, 'EPSG', 4326, WGS84_WKT, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'],
    ],
  });
  const contents: SqlValue[][] = [];
  for (const l of layers) {
    const e = layerExtent(l);
    contents.push([l.name, 'features', l.identifier ?? l.name, l.description ?? '', stamp, e?.[0] ?? null, e?.[1] ?? null, e?.[2] ?? null, e?.[3] ?? null, GPKG_SRS_ID]);
  }
  if (styles.length) contents.push(['layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', stamp, null, null, null, null, 0]);
  tables.push({
    name: 'gpkg_contents',
    sql: "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    rows: contents,
    autoIndexes: [[0], [2]],
  });
  tables.push({
    name: 'gpkg_geometry_columns',
    sql: 'CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))',
    rows: layers.map((l) => [l.name, GEOMETRY_COLUMN, l.geometryType, GPKG_SRS_ID, 0, 0]),
    autoIndexes: [[0, 1], [0]],
  });
  for (const l of layers) {
    const cols = [`${ident('fid')} INTEGER PRIMARY KEY NOT NULL`, `${ident(GEOMETRY_COLUMN)} ${l.geometryType}`, ...l.fields.map((f) => `${ident(f.name)} ${f.type}`)];
    tables.push({
      name: l.name,
      sql: `CREATE TABLE ${ident(l.name)} (${cols.join(', ')})`,
      rowidColumn: 0,
      rows: l.features.map((f, i) => {
        if (f.values.length !== l.fields.length) throw new Error(`gpkg: ${l.name} feature ${i + 1} has ${f.values.length} values for ${l.fields.length} fields`);
        return [i + 1, gpkgGeometry(f.geometry, l.geometryType), ...f.values.map((v, k) => (l.fields[k]!.type === 'BOOLEAN' && typeof v === 'boolean' ? (v ? 1 : 0) : v))];
      }),
    });
  }
  if (styles.length) {
    tables.push({
      name: 'layer_styles',
      sql: "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY NOT NULL, f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
      rowidColumn: 0,
      rows: styles.map((s, i) => [i + 1, '', '', s.layer, GEOMETRY_COLUMN, s.name, s.qml, '', 1, s.description ?? '', '', '', stamp]),
    });
  }
  return buildSqlite(tables, { applicationId: 0x47504b47, userVersion: 10300 });
}
