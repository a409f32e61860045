/**
 * MBTiles 1.3 files (SQLite: `tiles` with zoom_level, tile_column, tile_row in TMS order, tile_data; `metadata` with
 * format, attribution, minzoom, maxzoom), opened through sql.js for the plan sheet's base tiles
 * (engine/export/map/tiles.ts) and the viewer's local base map (engine/viewer/server.ts /api/tiles). Raster tiles
 * only. Refused, each an InputError naming the file (`code` prefixed by the caller: 'map-tiles-...' or
 * 'view-tiles-...'): missing ('-not-found'), PMTiles ('-pmtiles': no reader), not SQLite or no tiles table
 * ('-corrupt'), vector tiles ('-vector'), no tiles at all ('-outside'), no attribution in the metadata and none given
 * ('-attribution').
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import initSqlJs from 'sql.js';
import { InputError } from '../../errors.js';

export interface Mbtiles {
  path: string;
  /** metadata name, format (png, jpg, webp), attribution (tags stripped) */
  name?: string;
  format: string;
  attribution: string;
  minZoom: number;
  maxZoom: number;
  /** The tile at XYZ z/x/y (y from the north), or undefined. */
  tile(z: number, x: number, y: number): Uint8Array | undefined;
  /** Rows of tiles at zoom z with columns x0..x1 and XYZ rows y0..y1. */
  tiles(z: number, x0: number, x1: number, y0: number, y1: number): { x: number; y: number; data: Uint8Array }[];
  close(): void;
}

let sqlJs: Promise<initSqlJs.SqlJsStatic> | undefined;

/** Open an MBTiles file; `code` prefixes the error codes, `attribution` is used where the metadata has none. */
export async function openMbtiles(path: string, code: 'map-tiles' | 'view-tiles', attribution?: string): Promise<Mbtiles> {
  const what = code === 'map-tiles' ? 'no sheet written' : 'the viewer was not started';
  if (!existsSync(path)) throw new InputError(`${code}-not-found`, `tile file not found; ${what}`, { file: path, hint: 'give a local .mbtiles file of raster tiles, or leave tiles out' });
  if (path.toLowerCase().endsWith('.pmtiles')) {
    throw new InputError(`${code}-pmtiles`, `PMTiles files are not read (no PMTiles reader is installed); ${what}`, { file: path, hint: 'convert to MBTiles (pmtiles convert IN.pmtiles OUT.mbtiles) or leave tiles out' });
  }
  const bytes = await readFile(path);
  if (bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') {
    throw new InputError(`${code}-corrupt`, `the tile file is not an MBTiles file (no SQLite header); ${what}`, { file: path, hint: 'give an .mbtiles file of raster tiles' });
  }
  sqlJs ??= initSqlJs();
  const SQL = await sqlJs;
  const db = new SQL.Database(bytes);
  const q = (sql: string, params: (number | string)[] = []): unknown[][] => {
    try {
      return db.exec(sql, params)[0]?.values ?? [];
    } catch (e) {
      throw new InputError(`${code}-corrupt`, `the MBTiles file cannot be read (${(e as Error).message}); ${what}`, { file: path });
    }
  };
  try {
    const meta = new Map<string, string>();
    if (q("SELECT name FROM sqlite_master WHERE name = 'metadata'").length > 0) for (const [k, v] of q('SELECT name, value FROM metadata')) meta.set(String(k), String(v));
    if (q("SELECT name FROM sqlite_master WHERE name = 'tiles'").length === 0) {
      throw new InputError(`${code}-corrupt`, `the file is SQLite but not MBTiles: it has no tiles table; ${what}`, { file: path });
    }
    const format = (meta.get('format') ?? 'png').toLowerCase();
    if (format === 'pbf' || format === 'mvt') {
      throw new InputError(`${code}-vector`, `the MBTiles file holds vector tiles (format ${format}), which are not drawn; ${what}`, { file: path, value: format, hint: 'give raster tiles (png, jpg, webp)' });
    }
    const credit = meta.get('attribution')?.replace(/<[^>]*>/g, '').trim() || attribution?.trim();
    if (!credit) {
      throw new InputError(`${code}-attribution`, `the MBTiles file names no attribution in its metadata, and the tiles must be credited; ${what}`, {
        file: path,
        hint: code === 'map-tiles' ? 'give tilesAttribution (--tiles-attribution TEXT), e.g. "地理院タイル" for GSI tiles' : 'give --attribution TEXT, e.g. "地理院タイル" for GSI tiles',
      });
    }
    const [zmin, zmax] = (q('SELECT min(zoom_level), max(zoom_level) FROM tiles')[0] ?? []).map((v) => (v === null ? NaN : Number(v))) as [number, number];
    if (!Number.isFinite(zmin)) throw new InputError(`${code}-outside`, `the MBTiles file holds no tiles; ${what}`, { file: path });
    return {
      path,
      name: meta.get('name'),
      format,
      attribution: credit,
      minZoom: zmin,
      maxZoom: zmax,
      tile(z, x, y) {
        const d = q('SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?', [z, x, 2 ** z - 1 - y])[0]?.[0];
        return d instanceof Uint8Array ? d : undefined;
      },
      tiles(z, x0, x1, y0, y1) {
        const N = 2 ** z;
        return q('SELECT tile_column, tile_row, tile_data FROM tiles WHERE zoom_level = ? AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?', [z, x0, x1, N - 1 - y1, N - 1 - y0])
          .filter((r) => r[2] instanceof Uint8Array)
          .map(([c, r, d]) => ({ x: Number(c), y: N - 1 - Number(r), data: d as Uint8Array }));
      },
      close: () => db.close(),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
