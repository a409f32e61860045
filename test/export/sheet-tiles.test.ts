/**
 * Local raster tiles under a plan sheet (issue 15, item 2: "optional local raster tiles, offline-safe"): an MBTiles
 * file written here (heatplan's SQLite writer, tiles drawn with @napi-rs/canvas) whose every tile is painted in a
 * colour that encodes its own x and y at its zoom. Every pixel of the resampled image must carry the colour of the
 * tile that holds that pixel's ground position, worked out by hand from Web Mercator, so the georeferencing through
 * the working CRS is checked pixel by pixel. Bad tile files (missing, not SQLite, SQLite without tiles, vector
 * tiles, a tile that does not decode, tiles elsewhere, no attribution, PMTiles): a clear error and no sheet written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupEpsg, transformer, WGS84 } from '../../engine/crs/index.js';
import { buildMapSheet, exportMap } from '../../engine/export/map.js';
import type { ImagePrim } from '../../engine/export/map/model.js';
import { buildSqlite, type SqlValue } from '../../engine/export/sqlite.js';
import { InputError } from '../../engine/errors.js';
import { parseXml, walk, byId } from './svg-read.js';
import { SYN_CRS, SYN_GRID, writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-sheet-tiles-'));
const RUN = join(tmp, 'run');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const Z = 16;
const N = 2 ** Z;
const tileX = (lon: number) => Math.floor(((lon + 180) / 360) * N);
const tileY = (lat: number) => {
  const s = Math.sin((lat * Math.PI) / 180);
  return Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * N);
};
/** The colour of tile (x, y): red and green the low bits of x and y, blue fixed. */
const colourOf = (x: number, y: number): [number, number, number] => [(x * 37) % 256, (y * 53) % 256, 200];

function tilePng(x: number, y: number): Uint8Array {
  const c = createCanvas(256, 256);
  const ctx = c.getContext('2d');
  const [r, g, b] = colourOf(x, y);
  ctx.fillStyle = `rgb(${r},${g},${b})`;
  ctx.fillRect(0, 0, 256, 256);
  return c.toBuffer('image/png');
}

function mbtiles(o: { tiles?: { x: number; y: number; data?: Uint8Array }[]; meta?: Record<string, string>; noTiles?: boolean } = {}): Uint8Array {
  const meta = { name: 'test tiles', format: 'png', attribution: 'Test tiles CC0', minzoom: String(Z), maxzoom: String(Z), ...o.meta };
  const tables = [{ name: 'metadata', sql: 'CREATE TABLE metadata (name text, value text)', rows: Object.entries(meta).map(([k, v]) => [k, v] as SqlValue[]) }];
  if (!o.noTiles) {
    tables.push({
      name: 'tiles',
      sql: 'CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)',
      // MBTiles rows are TMS: row 0 at the south
      rows: (o.tiles ?? []).map((t) => [Z, t.x, N - 1 - t.y, t.data ?? tilePng(t.x, t.y)]),
    });
  }
  return buildSqlite(tables);
}

const crs = lookupEpsg(SYN_CRS)!;
const toLL = transformer(crs, WGS84);
/** Every tile at zoom Z over the synthetic run's grid, with a margin. */
function gridTiles(): { x: number; y: number }[] {
  const g = SYN_GRID;
  const [lon0, lat1] = toLL.forward(g.x0 - 1500, g.y0 + 1500);
  const [lon1, lat0] = toLL.forward(g.x0 + g.width * g.cellSize + 1500, g.y0 - g.height * g.cellSize - 1500);
  const out: { x: number; y: number }[] = [];
  for (let x = tileX(lon0); x <= tileX(lon1); x++) for (let y = tileY(lat1); y <= tileY(lat0); y++) out.push({ x, y });
  return out;
}

let TILES: string;
beforeAll(async () => {
  await writeSyntheticRun(RUN);
  TILES = join(tmp, 'area.mbtiles');
  writeFileSync(TILES, mbtiles({ tiles: gridTiles() }));
});

describe('MBTiles raster tiles under the sheet', () => {
  it('each pixel has the colour of the tile holding its ground position (Web Mercator, by hand)', async () => {
    const { drawing, info } = await buildMapSheet(RUN, { layers: 'demand,network', tiles: TILES });
    const start = drawing.prims.findIndex((p) => p.kind === 'group' && p.id === 'base-tiles');
    expect(start).toBeGreaterThan(-1);
    const img = drawing.prims[start + 1] as ImagePrim;
    expect(img.kind).toBe('image');
    // the image covers the map frame exactly
    const f = info.view.frame;
    expect(img.x).toBeCloseTo(f.x, 6);
    expect(img.y).toBeCloseTo(f.y, 6);
    expect(img.w).toBeCloseTo(f.w, 6);
    expect(img.h).toBeCloseTo(f.h, 6);
    const k = info.view.scale / 1000;
    let checked = 0;
    let wrong = 0;
    for (let r = 3; r < img.height; r += 17) {
      for (let c = 5; c < img.width; c += 19) {
        const x = info.view.cx + ((c + 0.5) / img.width - 0.5) * f.w * k;
        const y = info.view.cy - ((r + 0.5) / img.height - 0.5) * f.h * k;
        const [lon, lat] = toLL.forward(x, y);
        const want = colourOf(tileX(lon), tileY(lat));
        const i = 4 * (r * img.width + c);
        const got = [img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!];
        checked++;
        // a pixel centre within a few cm of a tile edge may fall either side: allow those, count them
        if (got.some((v, j) => v !== want[j])) wrong++;
        expect(img.rgba[i + 3]).toBe(255);
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(wrong / checked).toBeLessThan(0.01);
  });

  it('the sheet credits the tiles: a source line with the attribution and file, a legend item; SVG and PNG written', async () => {
    const out = join(tmp, 'tiles.svg');
    await exportMap(RUN, { layers: 'demand,network', tiles: TILES, out });
    const svg = parseXml(readFileSync(out, 'utf8'));
    const texts = [...walk(byId(svg, 'attribution')!)].filter((n) => n.name === 'text').map((n) => n.text).join(' ');
    expect(texts).toContain('Base tiles: Test tiles CC0 (area.mbtiles)');
    expect(byId(svg, 'base-tiles')).toBeDefined();
    const ja = await buildMapSheet(RUN, { layers: 'demand', tiles: TILES, lang: 'ja' });
    expect(ja.info.attribution).toContain('背景タイル：Test tiles CC0（area.mbtiles）');
    // without attribution in the metadata: the option gives it
    const bare = join(tmp, 'bare.mbtiles');
    writeFileSync(bare, mbtiles({ tiles: gridTiles(), meta: { attribution: '' } }));
    const r = await buildMapSheet(RUN, { layers: 'demand', tiles: bare, tilesAttribution: '地理院タイル' });
    expect(r.info.attribution.some((l) => l.includes('地理院タイル'))).toBe(true);
    const png = join(tmp, 'tiles.png');
    await exportMap(RUN, { layers: 'demand', tiles: TILES, out: png, dpi: 72 });
    expect(existsSync(png)).toBe(true);
  });

  it('bad tile files: a clear error naming the file, and no sheet written', async () => {
    const cases: [string, Uint8Array | string | undefined, string][] = [
      ['missing.mbtiles', undefined, 'map-tiles-not-found'],
      ['text.mbtiles', 'not a database at all', 'map-tiles-corrupt'],
      ['no-tiles.mbtiles', mbtiles({ noTiles: true }), 'map-tiles-corrupt'],
      ['vector.mbtiles', mbtiles({ tiles: gridTiles().slice(0, 1), meta: { format: 'pbf' } }), 'map-tiles-vector'],
      ['broken-tile.mbtiles', mbtiles({ tiles: gridTiles().map((t) => ({ ...t, data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) })) }), 'map-tiles-corrupt'],
      ['elsewhere.mbtiles', mbtiles({ tiles: [{ x: 10, y: 10 }] }), 'map-tiles-outside'],
      ['no-credit.mbtiles', mbtiles({ tiles: gridTiles(), meta: { attribution: '' } }), 'map-tiles-attribution'],
      ['city.pmtiles', 'PMTiles\x03', 'map-tiles-pmtiles'],
    ];
    for (const [name, content, code] of cases) {
      const path = join(tmp, name);
      if (content !== undefined) writeFileSync(path, content);
      const out = join(tmp, `${name}.png`);
      const e = await exportMap(RUN, { layers: 'demand', tiles: path, out }).catch((x) => x);
      expect(e, name).toBeInstanceOf(InputError);
      expect(e.code, name).toBe(code);
      expect(e.file, name).toBe(path);
      expect(e.message, name).toMatch(/no sheet written/);
      expect(existsSync(out), name).toBe(false);
    }
  });
});
