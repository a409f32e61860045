/**
 * The viewer's local base map: `heatplan view RUN --tiles town.mbtiles` serves the MBTiles file's raster tiles at
 * /api/tiles/{z}/{x}/{y} (XYZ rows from the north; MBTiles stores TMS rows from the south), names them in
 * /api/config with their zoom levels and attribution, so the base map needs no network. Bad files (missing, not
 * SQLite, vector tiles, no attribution, PMTiles) are errors before the server starts.
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMbtiles } from '../../engine/export/map/mbtiles.js';
import { buildSqlite, type SqlValue } from '../../engine/export/sqlite.js';
import { LOCAL_TILES_URL, startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { runView } from '../../engine/viewer/view.js';
import { InputError } from '../../engine/errors.js';
import { writeSyntheticRun } from './synthetic-run.js';

function get(port: number, path: string): Promise<{ status: number; body: Buffer; type: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, body: Buffer.concat(chunks), type: String(res.headers['content-type']) }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** A tile's bytes: any bytes do for the server, which passes them through; each tile's own are told apart. */
const bytesOf = (z: number, x: number, y: number) => Buffer.from(`\x89PNG tile ${z}/${x}/${y}`);
function mbtiles(meta: Record<string, string>, tiles: [number, number, number][]): Uint8Array {
  return buildSqlite([
    { name: 'metadata', sql: 'CREATE TABLE metadata (name text, value text)', rows: Object.entries(meta).map(([k, v]) => [k, v] as SqlValue[]) },
    {
      name: 'tiles',
      sql: 'CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)',
      rows: tiles.map(([z, x, y]) => [z, x, 2 ** z - 1 - y, bytesOf(z, x, y)]),
    },
  ]);
}

let dir: string;
let runDir: string;
let srv: ViewServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heatplan-view-tiles-'));
  runDir = join(dir, 'run');
  await writeSyntheticRun(runDir);
  const dist = join(dir, 'dist');
  await mkdir(dist);
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>viewer</title>');
  const file = join(dir, 'town.mbtiles');
  await writeFile(file, mbtiles({ name: 'town', format: 'png', attribution: '<a href="https://maps.gsi.go.jp">地理院タイル</a>' }, [[15, 28_264, 13_207], [16, 56_529, 26_415]]));
  const mb = await openMbtiles(file, 'view-tiles');
  srv = await startViewServer({ runDir, distDir: dist, port: 0, tiles: { url: LOCAL_TILES_URL, attribution: mb.attribution, minZoom: mb.minZoom, maxZoom: mb.maxZoom }, mbtiles: mb });
});
afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('local MBTiles base map in the viewer', () => {
  it('serves each tile at its XYZ address with its format, and 404 where the file has none', async () => {
    const t = await get(srv.port, '/api/tiles/16/56529/26415');
    expect(t.status).toBe(200);
    expect(t.type).toBe('image/png');
    expect(t.body.equals(bytesOf(16, 56_529, 26_415))).toBe(true);
    expect((await get(srv.port, '/api/tiles/15/28264/13207')).body.equals(bytesOf(15, 28_264, 13_207))).toBe(true);
    // the TMS row of that tile, asked as an XYZ row, is another (empty) tile
    expect((await get(srv.port, `/api/tiles/16/56529/${2 ** 16 - 1 - 26_415}`)).status).toBe(404);
    expect((await get(srv.port, '/api/tiles/16/0/0')).status).toBe(404);
    expect((await get(srv.port, '/api/tiles/16/../../manifest.json')).status).toBe(404);
  });

  it('/api/config names the local tiles, their zoom levels and the attribution without markup', async () => {
    const c = JSON.parse((await get(srv.port, '/api/config')).body.toString());
    expect(c.tiles).toEqual({ url: '/api/tiles/{z}/{x}/{y}', attribution: '地理院タイル', minZoom: 15, maxZoom: 16 });
  });

  it('bad tile files: an error before the viewer starts, naming the file', async () => {
    const cases: [string, Uint8Array | string | undefined, string, string?][] = [
      ['missing.mbtiles', undefined, 'view-tiles-not-found'],
      ['text.mbtiles', 'not sqlite', 'view-tiles-corrupt'],
      ['vector.mbtiles', mbtiles({ format: 'pbf', attribution: 'x' }, [[14, 1, 1]]), 'view-tiles-vector'],
      ['no-credit.mbtiles', mbtiles({ format: 'png' }, [[14, 1, 1]]), 'view-tiles-attribution'],
      ['city.pmtiles', 'PMTiles', 'view-tiles-pmtiles'],
    ];
    for (const [name, content, code] of cases) {
      const path = join(dir, name);
      if (content !== undefined) await writeFile(path, content);
      const e = await runView(runDir, { tiles: path, open: false, port: '0' }).catch((x) => x);
      expect(e, name).toBeInstanceOf(InputError);
      expect(e.code, name).toBe(code);
      expect(e.file, name).toBe(path);
      expect(e.message, name).toMatch(/the viewer was not started/);
    }
  });
});
