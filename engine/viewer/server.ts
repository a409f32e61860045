/**
 * The viewer's HTTP server: serves the built viewer (viewer/dist), the run folder's files under /run/, and binary
 * conversions of the big layers under /api/ (grid cells and building footprints as typed arrays). Binds 127.0.0.1
 * only. Every requested path is resolved and must stay inside its root (also after following symlinks): anything
 * else is refused with 403.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep, basename } from 'node:path';
import { UsageError } from '../errors.js';
import { DEMAND_BAND_LABELS, FILES, type RunFileKey } from '../run/contract.js';
import { readBuildings, readRun, runFile } from '../run/read.js';
import { packViewGrid, readViewGrid } from './pack/grid.js';
import { packViewBuildings, viewBuildings } from './pack/buildings.js';
import { RUN_FILES, type RunFileStatus, type RunStatus } from './status.js';

export { RUN_FILES, type RunFileStatus, type RunStatus } from './status.js';

/** Which of the viewer's files a run folder has. */
export async function runStatus(runDir: string): Promise<RunStatus> {
  const files: RunFileStatus[] = [];
  for (const f of RUN_FILES) {
    const s = await stat(join(runDir, f.name)).catch(() => undefined);
    files.push({ ...f, present: !!s?.isFile(), bytes: s?.isFile() ? s.size : 0 });
  }
  let manifest: RunStatus['manifest'] = null;
  let manifestError: string | undefined;
  if (files[0]!.present) {
    try {
      manifest = (await readRun(runDir)).manifest;
    } catch (e) {
      manifestError = (e as Error).message;
    }
  }
  return { run: basename(runDir), files, missing: files.filter((f) => !f.present).map((f) => f.name), manifest, manifestError };
}

export interface TileConfig {
  /** XYZ tile URL template with {z}/{x}/{y}, e.g. GSI's https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png */
  url: string;
  /** Attribution shown on the map, e.g. '地理院タイル' / 'GSI Tiles'. */
  attribution: string;
}

export interface ViewServerOptions {
  runDir: string;
  /** The built viewer (index.html + assets). */
  distDir: string;
  /** Port to listen on; default 5178. */
  port?: number;
  /** If the port is in use: false (default) tries the next ports, up to `portTries`; true fails at once. */
  strictPort?: boolean;
  /** Ports tried when not strict; default 20. */
  portTries?: number;
  tiles?: TileConfig;
}

export interface ViewServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export const DEFAULT_VIEW_PORT = 5178;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.tif': 'image/tiff',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.bin': 'application/octet-stream',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * Resolve URL path `urlPath` under `root`; undefined when it escapes root (.., encoded ../, absolute paths,
 * NUL bytes, symlinks pointing outside).
 */
export async function resolveInside(root: string, urlPath: string): Promise<string | undefined> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  const absRoot = resolve(root);
  const p = resolve(absRoot, '.' + (rel.startsWith('/') ? rel : '/' + rel));
  if (p !== absRoot && !p.startsWith(absRoot + sep)) return undefined;
  const real = await realpath(p).catch(() => p);
  const realRoot = await realpath(absRoot).catch(() => absRoot);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
  return p;
}

/** Start the viewer server on 127.0.0.1. */
export async function startViewServer(opts: ViewServerOptions): Promise<ViewServer> {
  const runDir = resolve(opts.runDir);
  const distDir = resolve(opts.distDir);
  const s = await stat(runDir).catch(() => undefined);
  if (!s?.isDirectory()) throw new UsageError('view-no-run', 'run folder not found', { file: runDir, hint: 'pass the folder a heatplan command wrote (--out)' });
  const cache = new Map<string, Promise<Uint8Array>>();
  const cached = (key: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> => {
    let p = cache.get(key);
    if (!p) {
      p = make();
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    return p;
  };
  /** The run's working CRS (manifest.crs.code); rasters without a CRS key are read in it. */
  const crsOf = async (): Promise<string | undefined> => (await readRun(runDir).catch(() => undefined))?.manifest.crs?.code;

  const api: Record<string, () => Promise<Uint8Array | object>> = {
    '/api/status': () => runStatus(runDir),
    '/api/config': async () => ({ tiles: opts.tiles ?? null }),
    // band names and units from the GeoTIFF's metadata; demand.tif's display labels (by band position) where it has none
    '/api/grid/demand.bin': () =>
      cached('demand', async () =>
        packViewGrid(
          await readViewGrid(runFile(runDir, 'demand'), {
            crs: await crsOf(),
            names: DEMAND_BAND_LABELS.map((b) => b.name),
            units: DEMAND_BAND_LABELS.map((b) => b.unit),
          }),
        ),
      ),
    '/api/grid/potential.bin': () => cached('potential', async () => packViewGrid(await readViewGrid(runFile(runDir, 'potential'), { crs: await crsOf() }))),
    '/api/buildings.bin': () => cached('buildings', async () => packViewBuildings(viewBuildings(await readBuildings(runDir), runFile(runDir, 'buildings')))),
  };
  /** The run file each binary endpoint converts. */
  const apiFile: Record<string, RunFileKey> = {
    '/api/grid/demand.bin': 'demand',
    '/api/grid/potential.bin': 'potential',
    '/api/buildings.bin': 'buildings',
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (rawPath.startsWith('/api/')) {
      const fn = api[rawPath];
      if (!fn) return send(res, 404, 'application/json', JSON.stringify({ error: `no such endpoint ${rawPath}` }));
      const needs = apiFile[rawPath];
      if (needs && !(await stat(runFile(runDir, needs)).catch(() => undefined))) {
        return send(res, 404, 'application/json', JSON.stringify({ error: `${FILES[needs]} is not in the run folder` }));
      }
      try {
        const r = await fn();
        if (r instanceof Uint8Array) return send(res, 200, 'application/octet-stream', r);
        return send(res, 200, 'application/json', JSON.stringify(r));
      } catch (e) {
        return send(res, 422, 'application/json', JSON.stringify({ error: (e as Error).message }));
      }
    }
    let root = distDir;
    let rel = rawPath;
    if (rawPath === '/run' || rawPath.startsWith('/run/')) {
      root = runDir;
      rel = rawPath.slice(4);
    } else if (rawPath === '/') rel = '/index.html';
    const p = await resolveInside(root, rel);
    if (!p) return send(res, 403, 'text/plain', 'forbidden: path outside the served folder');
    const st = await stat(p).catch(() => undefined);
    if (!st?.isFile()) return send(res, 404, 'text/plain', `not found: ${rawPath}`);
    res.writeHead(200, {
      'content-type': MIME[extname(p).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(p).pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, 'text/plain', String((e as Error).message)));
  });
  const first = opts.port ?? DEFAULT_VIEW_PORT;
  const tries = opts.strictPort ? 1 : (opts.portTries ?? 20);
  let port = -1;
  for (let k = 0; k < tries; k++) {
    const want = first === 0 ? 0 : first + k;
    const err = await listen(server, want);
    if (!err) {
      port = (server.address() as { port: number }).port;
      break;
    }
    if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
  }
  if (port < 0) {
    throw new UsageError(
      'view-port-in-use',
      tries === 1 ? `port ${first} on 127.0.0.1 is in use` : `ports ${first}-${first + tries - 1} on 127.0.0.1 are all in use`,
      { value: first, hint: 'pass another --port (or --port 0 for any free port)' },
    );
  }
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    port,
    server,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections?.();
      server.close(() => ok());
    }),
  };
}

function listen(server: Server, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((ok) => {
    const onErr = (e: NodeJS.ErrnoException) => {
      server.off('listening', onOk);
      ok(e);
    };
    const onOk = () => {
      server.off('error', onErr);
      ok(undefined);
    };
    server.once('error', onErr);
    server.once('listening', onOk);
    server.listen(port, '127.0.0.1');
  });
}

function send(res: ServerResponse, code: number, type: string, body: string | Uint8Array): void {
  if (res.headersSent) return void res.end();
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache' });
  res.end(body);
}
