/**
 * `heatplan view DIR` as a function: checks the options, builds the viewer when its bundle is missing or out of date,
 * starts the server for the run folder on 127.0.0.1 and opens a browser. `tiles` is an XYZ URL template (fetched by
 * the browser) or a local MBTiles file of raster tiles (served by the viewer's server at /api/tiles/{z}/{x}/{y}).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { FILES } from '../run/contract.js';
import { ensureViewerBuilt } from './build.js';
import { DEFAULT_VIEW_PORT, LOCAL_TILES_URL, startViewServer, type ViewServer } from './server.js';
import { openMbtiles } from '../export/map/mbtiles.js';

export interface ViewOptions {
  port?: string;
  open?: boolean;
  tiles?: string;
  attribution?: string;
  rebuild?: boolean;
}

/** Start the viewer for `dir`; resolves with the running server (the CLI keeps it open until Ctrl-C). */
export async function runView(dir: string, opts: ViewOptions): Promise<ViewServer> {
  // only a run folder is served: never a folder of other files someone pointed the viewer at
  if (!existsSync(join(dir, FILES.manifest))) {
    throw new InputError('run-missing', `not a heatplan run folder (no ${FILES.manifest}): the viewer serves run folders only`, {
      file: resolve(dir),
      hint: 'give the folder a stage wrote (heatplan demand --out DIR, heatplan run, heatplan demo)',
    });
  }
  let port = DEFAULT_VIEW_PORT;
  if (opts.port !== undefined) {
    port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('view-bad-port', '--port must be an integer 0-65535', { value: opts.port });
  }
  if (opts.attribution && !opts.tiles) throw new UsageError('view-attribution', '--attribution needs --tiles', { value: opts.attribution });
  // a local MBTiles file: served by the viewer's own server, so the base map needs no network
  const local = opts.tiles !== undefined && (/\.(mbtiles|pmtiles)$/i.test(opts.tiles) || (existsSync(opts.tiles) && !/\{z\}/.test(opts.tiles)));
  const mbtiles = local ? await openMbtiles(resolve(opts.tiles!), 'view-tiles', opts.attribution) : undefined;
  if (opts.tiles && !local && !/\{z\}.*\{x\}.*\{y\}|\{z\}.*\{y\}.*\{x\}/.test(opts.tiles)) {
    throw new UsageError('view-bad-tiles', '--tiles must be an XYZ URL template with {z}, {x} and {y}', {
      value: opts.tiles,
      hint: 'e.g. https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png with --attribution "地理院タイル"',
    });
  }
  if (opts.tiles && !local && !opts.attribution) throw new UsageError('view-attribution', '--tiles needs --attribution (the tile provider requires it)', { value: opts.tiles });
  const { distDir } = await ensureViewerBuilt({ force: opts.rebuild, log: (s) => process.stderr.write(s + '\n') });
  const server = await startViewServer({
    runDir: dir,
    distDir,
    port,
    // an explicitly requested port that is busy is an error; the default port moves on to the next free one
    strictPort: opts.port !== undefined && port !== 0,
    tiles: mbtiles
      ? { url: LOCAL_TILES_URL, attribution: mbtiles.attribution, minZoom: mbtiles.minZoom, maxZoom: mbtiles.maxZoom }
      : opts.tiles
        ? { url: opts.tiles, attribution: opts.attribution! }
        : undefined,
    mbtiles,
  });
  process.stdout.write(`heatplan viewer: ${server.url}\n`);
  if (opts.open !== false) openBrowser(server.url);
  return server;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const p = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    p.on('error', () => process.stderr.write(`heatplan viewer: could not start a browser (${cmd}); open ${url} yourself\n`));
    p.unref();
  } catch {
    /* no browser: the address is printed */
  }
}

