/**
 * GeoPackage (OGC 12-128r18) road layers for the route stage, through sql.js (SQLite compiled to WebAssembly: no
 * native build, Node 20 has no node:sqlite). The file is read whole into memory (sql.js works on a buffer), so a
 * GeoPackage far larger than the town's roads costs its size in RAM; cut it to the town first (ogr2ogr -spat).
 *
 * Layer: the feature table named by `layer`; without it the one table of gpkg_contents whose geometry type is a
 * (MULTI)LINESTRING (or a generic GEOMETRY table when no line table exists); several candidates are an InputError
 * listing them. CRS: `sourceCrs` wins, else the layer's srs_id in gpkg_spatial_ref_sys (organization EPSG + code,
 * else its WKT definition); srs_id 0 and -1 ("undefined geographic/cartesian") need `sourceCrs`. Geometry blobs: the
 * GeoPackage header (magic GP, flags, srs_id, envelope) then ISO or extended WKB; Z and M are dropped. Only
 * LineString and MultiLineString rows become roads; the caller counts the others.
 */
import { readFile } from 'node:fs/promises';
import initSqlJs from 'sql.js';
import { parseCrs, type Crs } from '../crs/index.js';
import { CrsError, InputError } from '../errors.js';
import type { VectorFeature, VectorGeometry } from './vector.js';

export interface GpkgLayerRead {
  layer: string;
  /** every feature table of the file with its geometry type */
  layers: { name: string; geometryType: string }[];
  crs: Crs;
  crsFrom: 'option' | 'gpkg';
  features: VectorFeature[];
}

let sqlJs: Promise<initSqlJs.SqlJsStatic> | undefined;

/** The layer's features with GeoJSON-like geometries (coordinates in the layer's CRS, x = easting/longitude). */
export async function readGpkgLayer(path: string, opts: { layer?: string; sourceCrs?: Crs; crsOption: string }): Promise<GpkgLayerRead> {
  const bytes = await readFile(path);
  if (bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') {
    throw new InputError('roads-gpkg-corrupt', 'the .gpkg file is not a GeoPackage (no SQLite header)', { file: path, value: bytes.subarray(0, 16).toString('latin1').replace(/[^\x20-\x7e]/g, '.') });
  }
  sqlJs ??= initSqlJs();
  const SQL = await sqlJs;
  let db: initSqlJs.Database;
  try {
    db = new SQL.Database(bytes);
  } catch (e) {
    throw new InputError('roads-gpkg-corrupt', `the GeoPackage cannot be opened: ${(e as Error).message}`, { file: path });
  }
  try {
    const q = (sql: string, params: (string | number)[] = []): unknown[][] => {
      try {
        return db.exec(sql, params)[0]?.values ?? [];
      } catch (e) {
        throw new InputError('roads-gpkg-corrupt', `the GeoPackage cannot be read (${(e as Error).message})`, { file: path, record: sql.split(' ').slice(0, 6).join(' ') });
      }
    };
    const layers = q(
      "SELECT c.table_name, g.column_name, upper(g.geometry_type_name), g.srs_id FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features' ORDER BY c.table_name",
    ).map(([name, column, type, srs]) => ({ name: String(name), column: String(column), geometryType: String(type), srsId: Number(srs) }));
    const list = layers.map((l) => `${l.name} (${l.geometryType})`).join(', ') || 'none';
    let chosen = opts.layer !== undefined ? layers.find((l) => l.name === opts.layer) : undefined;
    if (opts.layer !== undefined && !chosen) {
      throw new InputError('roads-gpkg-layer', `the GeoPackage has no feature layer "${opts.layer}"; its layers: ${list}`, { file: path, value: opts.layer, hint: 'set roadsLayer (--roads-layer NAME) to one of them' });
    }
    if (!chosen) {
      const lines = layers.filter((l) => /LINESTRING$/.test(l.geometryType));
      const generic = layers.filter((l) => l.geometryType === 'GEOMETRY' || l.geometryType === 'GEOMETRYCOLLECTION');
      const candidates = lines.length > 0 ? lines : generic;
      if (candidates.length !== 1) {
        throw new InputError(
          candidates.length === 0 ? 'roads-gpkg-no-lines' : 'roads-gpkg-layer',
          candidates.length === 0 ? `the GeoPackage holds no line layer; its feature layers: ${list}` : `the GeoPackage holds ${candidates.length} line layers; say which holds the roads: ${list}`,
          { file: path, hint: 'set roadsLayer (--roads-layer NAME)' },
        );
      }
      chosen = candidates[0]!;
    }
    const crs = opts.sourceCrs ?? gpkgCrs(q, chosen.srsId, path, opts.crsOption);
    const features: VectorFeature[] = [];
    let stmt: initSqlJs.Statement;
    try {
      stmt = db.prepare(`SELECT * FROM "${chosen.name.replace(/"/g, '""')}"`);
    } catch (e) {
      throw new InputError('roads-gpkg-corrupt', `the GeoPackage layer cannot be read (${(e as Error).message})`, { file: path, record: chosen.name });
    }
    try {
      const cols = stmt.getColumnNames();
      let record = 0;
      while (stmt.step()) {
        record++;
        const row = stmt.get();
        const properties: Record<string, unknown> = {};
        let geometry: VectorGeometry | null = null;
        let fid: number | undefined;
        cols.forEach((c, k) => {
          const v = row[k];
          if (c === chosen!.column) geometry = v instanceof Uint8Array ? gpkgGeometry(v, path, record) : null;
          else if (c === 'fid' && typeof v === 'number') fid = v;
          else properties[c] = v instanceof Uint8Array ? undefined : v;
        });
        features.push({ record, id: fid, properties, geometry });
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError('roads-gpkg-corrupt', `the GeoPackage layer cannot be read (${(e as Error).message})`, { file: path, record: `${chosen.name} row ${features.length + 1}` });
    } finally {
      stmt.free();
    }
    return { layer: chosen.name, layers: layers.map(({ name, geometryType }) => ({ name, geometryType })), crs, crsFrom: opts.sourceCrs ? 'option' : 'gpkg', features };
  } finally {
    db.close();
  }
}

function gpkgCrs(q: (sql: string, p?: (string | number)[]) => unknown[][], srsId: number, path: string, crsOption: string): Crs {
  if (srsId === 0 || srsId === -1) {
    throw new CrsError('crs-missing', `the GeoPackage layer's CRS is undefined (srs_id ${srsId}): pass ${crsOption} EPSG:N`, { file: path, value: srsId });
  }
  const row = q('SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId])[0];
  if (!row) throw new InputError('roads-gpkg-corrupt', `srs_id ${srsId} of the layer is not in gpkg_spatial_ref_sys`, { file: path, value: srsId });
  const [org, code, def] = row;
  if (String(org).toUpperCase() === 'EPSG') return parseCrs(`EPSG:${code}`, { file: path });
  return parseCrs(String(def), { file: path });
}

/** GeoPackage binary geometry -> GeoJSON-like geometry (Z/M dropped); null for an empty geometry. */
export function gpkgGeometry(b: Uint8Array, file: string, record: number): VectorGeometry | null {
  const bad = (why: string): never => {
    throw new InputError('roads-gpkg-corrupt', `geometry blob: ${why}`, { file, record });
  };
  if (b.length < 8 || b[0] !== 0x47 || b[1] !== 0x50) bad('no GeoPackage header (magic GP)');
  const flags = b[3]!;
  if (flags & 0x10) return null; // empty geometry
  const envelope = [0, 32, 48, 48, 64][(flags >> 1) & 7];
  if (envelope === undefined) bad(`envelope indicator ${(flags >> 1) & 7}`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8 + envelope!;
  const readGeom = (): VectorGeometry => {
    if (at + 5 > b.length) bad('truncated WKB');
    const le = b[at] === 1;
    let type = dv.getUint32(at + 1, le);
    at += 5;
    let dims = 2;
    // extended WKB (PostGIS) flags, then ISO 1000/2000/3000 offsets
    if (type & 0x20000000) {
      at += 4; // SRID
    }
    if (type & 0x80000000) dims++;
    if (type & 0x40000000) dims++;
    type &= 0x0fffffff;
    if (type >= 1000) {
      dims = 2 + (Math.floor(type / 1000) === 3 ? 2 : 1);
      type %= 1000;
    }
    const u32 = (): number => {
      if (at + 4 > b.length) bad('truncated WKB');
      const v = dv.getUint32(at, le);
      at += 4;
      return v;
    };
    const points = (): number[][] => {
      const n = u32();
      if (at + n * dims * 8 > b.length) bad('truncated WKB');
      const out: number[][] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = [dv.getFloat64(at, le), dv.getFloat64(at + 8, le)];
        at += dims * 8;
      }
      return out;
    };
    switch (type) {
      case 1: {
        if (at + dims * 8 > b.length) bad('truncated WKB');
        const p = [dv.getFloat64(at, le), dv.getFloat64(at + 8, le)];
        at += dims * 8;
        return { type: 'Point', coordinates: p };
      }
      case 2:
        return { type: 'LineString', coordinates: points() };
      case 3: {
        const n = u32();
        return { type: 'Polygon', coordinates: Array.from({ length: n }, points) };
      }
      case 4:
      case 5:
      case 6:
      case 7: {
        const n = u32();
        const parts = Array.from({ length: n }, readGeom);
        if (type === 7) return { type: 'GeometryCollection', geometries: parts };
        return { type: ['MultiPoint', 'MultiLineString', 'MultiPolygon'][type - 4]!, coordinates: parts.map((p) => p.coordinates) };
      }
      default:
        return bad(`WKB geometry type ${type} (curves and surfaces are not read)`);
    }
  };
  return readGeom();
}
