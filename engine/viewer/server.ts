/**
 * The viewer's HTTP server: serves the built viewer (viewer/dist), the run folder's files under /run/, and binary
 * conversions of the big layers under /api/ (grid cells, building footprints and the network as typed arrays).
 * Binds 127.0.0.1 only, and answers only requests addressed to a loopback name on its port without a foreign Origin
 * (421/403 otherwise: DNS rebinding, cross-site requests; see security.ts), with its security headers on every answer.
 * Every requested path is resolved and must stay inside its root (also after following symlinks): anything else is
 * refused with 403.
 *
 * Files change under it: a stage commits by renaming a staging folder over the run. A file is opened before the
 * answer starts and sent from that descriptor (a whole version, old or new); a file gone by then is a 404, a file
 * that fails or shrinks mid-transfer cuts that connection off. Each such event is one log line; no stream, socket
 * or server error is left unhandled, and a client that goes away only stops its own transfer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { extname, join, resolve, sep, basename } from 'node:path';
import { UsageError } from '../errors.js';
import { DEMAND_BAND_LABELS, FILES, VECTOR_LAYERS, type RunFileKey, type VectorLayer } from '../run/contract.js';
import { readBuildings, readRun, runFile } from '../run/read.js';
import { sha256File, staleList } from '../io/run-folder.js';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { packViewGrid, readViewGrid } from './pack/grid.js';
import { buildingsPacker, packViewBuildings } from './pack/buildings.js';
import { networkLevels, packViewNetwork, readViewNetwork } from './pack/network.js';
import { packViewRoads, readViewRoads, roadLevels } from './pack/roads.js';
import { readViewExtent } from './pack/extent.js';
import { RUN_FILES, type RunFileStatus, type RunStatus } from './status.js';
import { contentSecurityPolicy, refuseRequest, securityHeaders, tileSource } from './security.js';
import type { Mbtiles } from '../export/map/mbtiles.js';

export { RUN_FILES, type RunFileStatus, type RunStatus } from './status.js';

/** Which of the viewer's files a run folder has. */
export async function runStatus(runDir: string): Promise<RunStatus> {
  const files: RunFileStatus[] = [];
  for (const f of RUN_FILES) {
    // buildings and network: the file the readers take, the FlatGeobuf form where the run has it (engine/run/read.ts)
    const layer = (Object.keys(VECTOR_LAYERS) as VectorLayer[]).find((k) => FILES[VECTOR_LAYERS[k].geojson] === f.name);
    const path = layer ? runFile(runDir, VECTOR_LAYERS[layer].geojson) : join(runDir, f.name);
    const s = await stat(path).catch(() => undefined);
    files.push({ ...f, present: !!s?.isFile(), bytes: s?.isFile() ? s.size : 0, ...(layer && s?.isFile() ? { reads: basename(path) } : {}) });
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
  return { run: basename(runDir), files, missing: files.filter((f) => !f.present).map((f) => f.name), manifest, manifestError, stale: staleList(manifest, runDir) };
}

export interface TileConfig {
  /** XYZ tile URL template with {z}/{x}/{y}, e.g. GSI's https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png */
  url: string;
  /** Attribution shown on the map, e.g. '地理院タイル' / 'GSI Tiles'. */
  attribution: string;
  /** Zoom levels the source holds (a local MBTiles file's); the map over-zooms past the last one. */
  minZoom?: number;
  maxZoom?: number;
}

/** Where the server serves the tiles of a local MBTiles file (ViewServerOptions.mbtiles). */
export const LOCAL_TILES_URL = '/api/tiles/{z}/{x}/{y}';
const TILE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };

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
  /** A local MBTiles file whose tiles are served at LOCAL_TILES_URL (engine/export/map/mbtiles.ts). */
  mbtiles?: Mbtiles;
  /** Where the server's log lines go (a file that changed under it, an unexpected error); default stderr. */
  log?: (line: string) => void;
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
  /** The port listened on (set once listening): the only one the Host and Origin of a request may name. */
  let port = -1;
  const log = (msg: string) => {
    try {
      (opts.log ?? ((l: string) => void process.stderr.write(l + '\n')))(`heatplan viewer: ${msg}`);
    } catch {
      /* a log that fails must not take the server down */
    }
  };
  const headers = securityHeaders(contentSecurityPolicy(opts.tiles?.url));
  if (opts.tiles && /^[a-z][a-z0-9+.-]*:/i.test(opts.tiles.url) && !tileSource(opts.tiles.url)) {
    log(`--tiles ${opts.tiles.url}: not an http(s) URL with a plain host name, so the viewer's Content-Security-Policy cannot allow it; the base map will not load`);
  }
  /**
   * Binary conversions, each kept while the run files it is made from are unchanged (same inode, size and mtime):
   * a stage that commits into the run being viewed replaces them, and the next request converts the new ones.
   */
  const cache = new Map<string, { sig: string; p: Promise<unknown> }>();
  const signature = async (keys: RunFileKey[]): Promise<string> =>
    (await Promise.all(keys.map((k) => stat(runFile(runDir, k)).then((s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => '-')))).join('|');
  const cached = async <T = Uint8Array>(key: string, from: RunFileKey[], make: () => Promise<T>): Promise<T> => {
    const sig = await signature(from);
    const hit = cache.get(key);
    if (hit && hit.sig === sig) return hit.p as Promise<T>;
    const p = make();
    cache.set(key, { sig, p });
    p.catch(() => {
      if (cache.get(key)?.p === p) cache.delete(key);
    });
    return p;
  };
  let water: { sig: string; p: Promise<WaterCollection> } | undefined;
  /** The run's working CRS (manifest.crs.code); rasters without a CRS key are read in it. */
  const crsOf = async (): Promise<string | undefined> => (await readRun(runDir).catch(() => undefined))?.manifest.crs?.code;

  const api: Record<string, () => Promise<Uint8Array | object>> = {
    '/api/status': () => runStatus(runDir),
    '/api/config': async () => ({ tiles: opts.tiles ?? null }),
    // band names and units from the GeoTIFF's metadata; demand.tif's display labels (by band position) where it has none
    '/api/grid/demand.bin': () =>
      cached('demand', ['demand', 'manifest'], async () =>
        packViewGrid(
          await readViewGrid(runFile(runDir, 'demand'), {
            crs: await crsOf(),
            names: DEMAND_BAND_LABELS.map((b) => b.name),
            units: DEMAND_BAND_LABELS.map((b) => b.unit),
          }),
        ),
      ),
    '/api/grid/potential.bin': () => cached('potential', ['potential', 'manifest'], async () => packViewGrid(await readViewGrid(runFile(runDir, 'potential'), { crs: await crsOf() }))),
    // read feature by feature, each packed as it is parsed and none kept (a city's file is larger than a string)
    '/api/buildings.bin': () =>
      cached('buildings', ['buildings'], async () => {
        const packer = buildingsPacker(runFile(runDir, 'buildings'));
        await readBuildings(runDir, { keep: (f) => (packer.add(f), PACKED) as typeof f });
        return packViewBuildings(packer.done());
      }),
    // pipes, service lines and points packed feature by feature as the file is read (a city's network.geojson is
    // larger than a string, and its features are not kept: pack/network.ts); a city's network in levels of detail:
    // the mains and plants here, the rest in spatial chunks (/api/network/chunk/N.bin)
    '/api/network.bin': async () => (await networkPayloads()).overview,
    // the route stage's road graph, packed segment by segment as the file is read (a city's roads.geojson is 300 MB);
    // a city's in levels of detail: the long segments here, the rest in spatial chunks (/api/roads/chunk/N.bin)
    '/api/roads.bin': async () => (await roadsPayloads()).overview,
    // the blocks' extent, for framing the run: blocks.geojson itself is fetched only when its layer is switched on
    '/api/extent/blocks.json': () => cached('blocks-extent', ['blocks'], () => readViewExtent(runFile(runDir, 'blocks'))),
    // the potential stage's river input (a file outside the run, named in the manifest) as WGS84 GeoJSON
    '/api/water.geojson': async () => {
      const sig = await signature(['manifest']);
      if (water?.sig !== sig) {
        const p = waterGeoJson(runDir);
        water = { sig, p };
        p.catch(() => {
          if (water?.p === p) water = undefined;
        });
      }
      return water.p;
    },
  };
  /** The network's payloads: the whole network, or the opening payload and the chunks of a city's (pack/network.ts networkLevels). */
  const networkPayloads = () =>
    cached('network', ['network'], async () => {
      const n = await readViewNetwork(runFile(runDir, 'network'));
      const lv = networkLevels(n);
      if (!lv) return { overview: packViewNetwork(n), chunk: (_i: number): Uint8Array | undefined => undefined };
      // a chunk is packed when it is first asked for (705 chunks of a million consumers: 2.6 s all at once)
      const packed = new Map<number, Uint8Array>();
      const chunk = (i: number): Uint8Array | undefined => {
        const c = lv.chunks[i];
        if (!c) return undefined;
        let b = packed.get(i);
        if (!b) packed.set(i, (b = packViewNetwork(c)));
        return b;
      };
      return { overview: packViewNetwork(lv.overview), chunk };
    });
  /** The road graph's payloads: the whole graph, or the opening payload and the chunks of a city's (pack/roads.ts roadLevels). */
  const roadsPayloads = () =>
    cached('roads', ['roads'], async () => {
      const r = await readViewRoads(runFile(runDir, 'roads'));
      const lv = roadLevels(r);
      if (!lv) return { overview: packViewRoads(r), chunk: (_i: number): Uint8Array | undefined => undefined };
      // every chunk packed at once and only the bytes kept (the million-building run's 400 chunks: 70 ms, 112 MB,
      // instead of the unpacked parts and a packed copy of each chunk asked for)
      const packed = lv.chunks.map((c) => (c ? packViewRoads(c) : undefined));
      return { overview: packViewRoads(lv.overview), chunk: (i: number): Uint8Array | undefined => packed[i] };
    });
  /** The run file each binary endpoint converts. */
  const apiFile: Record<string, RunFileKey> = {
    '/api/grid/demand.bin': 'demand',
    '/api/grid/potential.bin': 'potential',
    '/api/buildings.bin': 'buildings',
    '/api/network.bin': 'network',
    '/api/roads.bin': 'roads',
    '/api/extent/blocks.json': 'blocks',
  };

  /** Send file `p` (inside its root) as the answer; `cacheControl` for its header. */
  const sendFile = async (req: IncomingMessage, res: ServerResponse, p: string, rawPath: string, cacheControl: string): Promise<void> => {
    const st = await stat(p).catch(() => undefined);
    if (!st?.isFile()) return send(res, 404, 'text/plain', `not found: ${rawPath}`);
    // it was there a moment ago: from here on it is read through one descriptor, whatever is renamed over it
    let fh: FileHandle;
    let size: number;
    try {
      fh = await open(p, 'r');
    } catch (e) {
      log(`${rawPath}: gone before it could be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); answered 404`);
      return send(res, 404, 'text/plain', `not found: ${rawPath}`);
    }
    try {
      const s2 = await fh.stat();
      if (!s2.isFile()) throw new Error('not a file');
      size = s2.size;
    } catch (e) {
      await fh.close().catch(() => {});
      log(`${rawPath}: gone before it could be read (${(e as Error).message}); answered 404`);
      return send(res, 404, 'text/plain', `not found: ${rawPath}`);
    }
    if (res.destroyed) return void (await fh.close().catch(() => {}));
    res.writeHead(200, {
      'content-type': MIME[extname(p).toLowerCase()] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': cacheControl,
    });
    if (req.method === 'HEAD' || size === 0) {
      await fh.close().catch(() => {});
      return void res.end();
    }
    // exactly `size` bytes; the stream closes the descriptor when it ends, fails or is destroyed
    const stream = fh.createReadStream({ start: 0, end: size - 1 });
    let sent = 0;
    stream.on('data', (c: Buffer | string) => void (sent += c.length));
    stream.on('error', (e) => {
      log(`${rawPath}: ${e.message} after ${sent} of ${size} bytes; response cut off`);
      res.destroy();
    });
    stream.on('end', () => {
      if (sent === size) return void res.end();
      // the file shrank in place while it was sent: the promised length cannot be kept, so end the connection
      log(`${rawPath}: the file shrank to ${sent} of ${size} bytes while it was sent; response cut off`);
      res.destroy();
    });
    // done, or the client went away: stop reading and let go of the file
    res.on('close', () => stream.destroy());
    stream.pipe(res, { end: false });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    const refused = refuseRequest(req.headers.host, req.headers.origin, port);
    if (refused) return send(res, refused.status, 'text/plain', refused.message);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (!rawPath.startsWith('/')) return send(res, 400, 'text/plain', 'bad request');
    if (rawPath.startsWith('/api/tiles/')) {
      // a local MBTiles file's tile, or 404 (outside the file's zooms or area: the map shows nothing there)
      const m = /^\/api\/tiles\/(\d{1,2})\/(\d{1,8})\/(\d{1,8})$/.exec(rawPath);
      const t = m && opts.mbtiles ? opts.mbtiles.tile(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
      if (!t) return send(res, 404, 'application/json', JSON.stringify({ error: `no tile ${rawPath}` }));
      return send(res, 200, TILE_TYPES[opts.mbtiles!.format] ?? 'application/octet-stream', t);
    }
    const chunk = /^\/api\/(network|roads)\/chunk\/(\d{1,6})\.bin$/.exec(rawPath);
    if (chunk) {
      // a chunk of a city's network or road graph (its index from the opening payload's meta.lod.chunks); 404 for any other
      const payloads = chunk[1] === 'network' ? networkPayloads : roadsPayloads;
      const body = await payloads().then((p) => p.chunk(Number(chunk[2])), () => undefined);
      if (!body) return send(res, 404, 'application/json', JSON.stringify({ error: `no ${chunk[1] === 'network' ? 'network' : 'road graph'} chunk ${chunk[2]}` }));
      return send(res, 200, 'application/octet-stream', body);
    }
    if (rawPath.startsWith('/api/')) {
      const fn = api[rawPath];
      if (!fn) return send(res, 404, 'application/json', JSON.stringify({ error: `no such endpoint ${rawPath}` }));
      const needs = apiFile[rawPath];
      if (needs && !(await stat(runFile(runDir, needs)).catch(() => undefined))) {
        const fgb = needs in VECTOR_LAYERS ? FILES[VECTOR_LAYERS[needs as VectorLayer].fgb] : undefined;
        return send(res, 404, 'application/json', JSON.stringify({ error: `${fgb ? `neither ${fgb} nor ${FILES[needs]} is` : `${FILES[needs]} is not`} in the run folder` }));
      }
      try {
        const r = await fn();
        if (r instanceof Uint8Array) return send(res, 200, 'application/octet-stream', r);
        return send(res, 200, 'application/json', JSON.stringify(r));
      } catch (e) {
        // the message names the run file it is about (a conversion's errors that do not are prefixed with it)
        const msg = (e as Error).message;
        const file = needs ? basename(runFile(runDir, needs)) : undefined;
        return send(res, 422, 'application/json', JSON.stringify({ error: file && !msg.includes(file) ? `${file}: ${msg}` : msg }));
      }
    }
    let root = distDir;
    let rel = rawPath;
    let cacheControl = 'no-cache';
    if (rawPath === '/run' || rawPath.startsWith('/run/')) {
      root = runDir;
      rel = rawPath.slice(4);
      cacheControl = 'no-store';
    } else if (rawPath === '/') rel = '/index.html';
    const p = await resolveInside(root, rel);
    if (!p) return send(res, 403, 'text/plain', 'forbidden: path outside the served folder');
    return sendFile(req, res, p, rawPath, cacheControl);
  };

  /** Errors of a connection whose other end is gone: nothing to answer, nothing to log. */
  const clientGone = (e: NodeJS.ErrnoException) => ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED'].includes(e.code ?? '');
  const server = createServer((req, res) => {
    req.on('error', (e: NodeJS.ErrnoException) => void (clientGone(e) || log(`${req.url}: request: ${e.message}`)));
    res.on('error', (e: NodeJS.ErrnoException) => void (clientGone(e) || log(`${req.url}: response: ${e.message}`)));
    handle(req, res).catch((e) => {
      log(`${req.url}: ${(e as Error).message}`);
      try {
        send(res, 500, 'text/plain', 'internal error');
      } catch {
        res.destroy();
      }
    });
  });
  // socket errors before or between requests (a client that resets, a malformed request) are Node's own
  // clientError handling: answered 400 where still possible, the socket destroyed; never an 'error' of the server
  const first = opts.port ?? DEFAULT_VIEW_PORT;
  const tries = opts.strictPort ? 1 : (opts.portTries ?? 20);
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
  // errors of the listening server from now on (EMFILE on accept and the like) are logged; it keeps serving
  server.on('error', (e) => log(`server: ${e.message}`));
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

/** GET /api/water.geojson: the water bodies (Polygon) and waterways (LineString) of a run's river input, WGS84. */
export interface WaterCollection {
  type: 'FeatureCollection';
  /** The river input files converted (absolute paths as in the manifest). */
  properties: { files: string[] };
  features: { type: 'Feature'; geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'LineString'; coordinates: number[][] }; properties: { id: string; file: number } }[];
}

/** The manifest input role of the potential stage's river file. */
export const WATER_INPUT_ROLE = 'rivers';

/**
 * Read the river input(s) the manifest records for the potential stage, as that stage read them (CityGML WaterBody,
 * GeoJSON, shapefile or OSM waterways), and return their geometry in WGS84. Only geometry leaves the server, and
 * only of a file whose size and SHA-256 still match the manifest's record.
 */
async function waterGeoJson(runDir: string): Promise<WaterCollection> {
  const { manifest } = await readRun(runDir);
  const inputs = manifest.inputs.filter((i) => i.role === WATER_INPUT_ROLE);
  if (!inputs.length) throw new Error('the run has no river input (heatplan potential --rivers)');
  if (!manifest.crs?.code) throw new Error('manifest.json has no working CRS');
  const working = parseCrs(manifest.crs.code);
  const back = transformer(working, WGS84);
  const out: WaterCollection = { type: 'FeatureCollection', properties: { files: inputs.map((i) => i.path) }, features: [] };
  for (const [k, inp] of inputs.entries()) {
    const st = await stat(inp.path).catch(() => undefined);
    if (!st?.isFile()) throw new Error(`river input ${inp.path} is not there any more`);
    if (st.size !== inp.bytes || (await sha256File(inp.path)) !== inp.sha256) throw new Error(`river input ${inp.path} changed since the potential stage read it`);
    const ll = (flat: Float64Array): number[][] => {
      const a = Float64Array.from(flat);
      back.forwardFlat(a);
      const pts: number[][] = [];
      for (let i = 0; i + 1 < a.length; i += 2) pts.push([Math.round(a[i]! * 1e7) / 1e7, Math.round(a[i + 1]! * 1e7) / 1e7]);
      return pts;
    };
    // loaded only here: the readers of every vector format are not needed to serve anything else
    const { readSourceFeatures } = await import('../potential/vector-input.js');
    for (const f of await readSourceFeatures(inp.path, working, { cityGmlFeatures: ['WaterBody'] })) {
      for (const poly of f.polygons) {
        const rings = poly.map(ll).filter((r) => r.length >= 3).map((r) => [...r, r[0]!]);
        if (rings.length) out.features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: rings }, properties: { id: f.id, file: k } });
      }
      for (const line of f.lines) {
        const pts = ll(line);
        if (pts.length >= 2) out.features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: pts }, properties: { id: f.id, file: k } });
      }
    }
  }
  return out;
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

/** What the buildings reader keeps of a feature once it is packed: one shared empty placeholder. */
const PACKED: unknown = Object.freeze({ type: 'Feature', geometry: null, properties: {} });

/** A whole answer; run data and refusals are not to be stored by the browser (no-store). */
function send(res: ServerResponse, code: number, type: string, body: string | Uint8Array): void {
  if (res.destroyed) return;
  if (res.headersSent) return void res.destroy();
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
