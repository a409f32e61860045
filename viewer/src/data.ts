/** Loads what the run folder has, through the viewer server (/api/ for binary layers, /run/ for files). */
import { NETWORK_CHUNK_URL, ROADS_CHUNK_URL, unpackArrays, type Unpacked, type ViewBuildingsMeta, type ViewExtent, type ViewGridMeta, type ViewNetworkMeta, type ViewRoadsMeta } from '../../engine/viewer/pack/format.js';
import { FILES, type PlatformFile, type RunFileName, type SimFile } from '../../engine/run/contract.js';
import type { RunStatus } from '../../engine/viewer/status.js';
import { parseHourly, type Hourly } from './hourly.js';

/** Meta of a grid payload (demand.tif, potential.tif) and of the buildings payload: engine/viewer/pack/format.ts. */
export type GridMeta = ViewGridMeta;
export type BuildingsMeta = ViewBuildingsMeta;
/** network.geojson as the server packs it (GET /api/network.bin, engine/viewer/pack/network.ts): typed arrays, no features. */
export type NetworkData = Unpacked<ViewNetworkMeta>;
/** roads.geojson as the server packs it (GET /api/roads.bin, engine/viewer/pack/roads.ts): flat paths and columns. */
export type RoadsData = Unpacked<ViewRoadsMeta>;

/** A run GeoJSON feature as the layers read it (blocks, areas: contract types in engine/run/contract.ts). */
export interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates: any } | null;
  properties: Record<string, any>;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
  properties?: Record<string, any>;
}

/** The manifest input role of the potential stage's river file (engine/potential/stage.ts records it as 'rivers'). */
export const WATER_INPUT_ROLE = 'rivers';

export interface RunData {
  status: RunStatus;
  /** Base map tiles: an XYZ URL, or the server's /api/tiles of a local MBTiles file with its zoom levels. */
  tiles: { url: string; attribution: string; minZoom?: number; maxZoom?: number } | null;
  demand?: Unpacked<GridMeta>;
  potential?: Unpacked<GridMeta>;
  buildings?: Unpacked<BuildingsMeta>;
  /** blocks.geojson, fetched when its layer is first switched on (loadBlocks: it is off by default, 95 MB at a city). */
  blocks?: FeatureCollection;
  /** The blocks' extent (GET /api/extent/blocks.json), loaded with the run to frame it. */
  blocksExtent?: ViewExtent;
  areas?: FeatureCollection;
  roads?: RoadsData;
  /** A city's road graph in levels of detail (roads.meta.lod): the chunks loaded so far, by index (layers/roads-lod.ts). */
  roadChunks: Map<number, RoadsData>;
  network?: NetworkData;
  /**
   * A city's network in levels of detail (network.meta.lod): the chunks loaded so far, by index (layers/network-lod.ts);
   * empty for a network drawn whole.
   */
  networkChunks: Map<number, NetworkData>;
  /** Water bodies and waterways of the potential stage's river input (WGS84), when the run has one. */
  water?: FeatureCollection;
  sim?: SimFile;
  /** platform.json (issue 19): guideline flags, critical facilities, the outage once simulate wrote it. */
  platform?: PlatformFile;
  hourly?: Hourly;
  /** Files that exist but could not be read, with why. */
  errors: { file: string; message: string }[];
}

async function ok(r: Response, what: string): Promise<Response> {
  if (!r.ok) {
    let msg = `${r.status} ${r.statusText}`;
    try {
      const j = await r.json();
      if (j?.error) msg = j.error;
    } catch {
      /* not JSON */
    }
    throw new Error(`${what}: ${msg}`);
  }
  return r;
}

/** Load every layer whose file is present; a file that fails is recorded in `errors`, the rest still loads. */
export async function loadRun(base = ''): Promise<RunData> {
  const status = (await (await ok(await fetch(`${base}api/status`), 'status')).json()) as RunStatus;
  const config = (await (await ok(await fetch(`${base}api/config`), 'config')).json()) as { tiles: RunData['tiles'] };
  const has = (n: RunFileName) => status.files.some((f) => f.name === n && f.present);
  const data: RunData = { status, tiles: config.tiles, networkChunks: new Map(), roadChunks: new Map(), errors: [] };
  const jobs: Promise<void>[] = [];
  const job = (file: RunFileName, fn: () => Promise<void>) => {
    if (!has(file)) return;
    jobs.push(fn().catch((e: Error) => void data.errors.push({ file, message: e.message })));
  };
  const bin = async (url: string, what: string) => unpackArrays<any>(await (await ok(await fetch(base + url), what)).arrayBuffer());
  const run = async (file: RunFileName) => ok(await fetch(`${base}run/${file}`), file);
  const json = async (file: RunFileName) => (await run(file)).json();
  job(FILES.demand, async () => void (data.demand = await bin('api/grid/demand.bin', FILES.demand)));
  job(FILES.potential, async () => void (data.potential = await bin('api/grid/potential.bin', FILES.potential)));
  job(FILES.buildings, async () => void (data.buildings = await bin('api/buildings.bin', FILES.buildings)));
  job(FILES.blocks, async () => void (data.blocksExtent = (await (await ok(await fetch(`${base}api/extent/blocks.json`), FILES.blocks)).json()) as ViewExtent));
  job(FILES.areas, async () => void (data.areas = await json(FILES.areas)));
  job(FILES.roads, async () => void (data.roads = await bin('api/roads.bin', FILES.roads)));
  job(FILES.network, async () => void (data.network = await bin('api/network.bin', FILES.network)));
  job(FILES.sim, async () => void (data.sim = await json(FILES.sim)));
  // platform.json is optional (the potential stage writes it and names it in manifest.potential.platform): not in the
  // status list of files a run lacks, fetched when the manifest names it
  if ((status.manifest?.potential as { platform?: { file?: string } } | undefined)?.platform?.file) jobs.push((async () => void (data.platform = await json(FILES.platform)))().catch((e: Error) => void data.errors.push({ file: FILES.platform, message: e.message })));
  job(FILES.hourly, async () => void (data.hourly = parseHourly(await (await run(FILES.hourly)).text())));
  // the potential stage's river input, converted by the server (engine/viewer/server.ts /api/water.geojson)
  if (status.manifest?.inputs?.some((i) => i.role === WATER_INPUT_ROLE)) {
    jobs.push(
      (async () => void (data.water = (await (await ok(await fetch(`${base}api/water.geojson`), 'water')).json()) as FeatureCollection))().catch(
        (e: Error) => void data.errors.push({ file: 'water (river input of the potential stage)', message: e.message }),
      ),
    );
  }
  await Promise.all(jobs);
  return data;
}

/** Chunk `i` of a city's network (GET /api/network/chunk/N.bin: the layout of the whole network, engine/viewer/pack/network.ts). */
export async function loadNetworkChunk(i: number, base = ''): Promise<NetworkData> {
  return unpackArrays<ViewNetworkMeta>(await (await ok(await fetch(base + NETWORK_CHUNK_URL(i)), `network chunk ${i}`)).arrayBuffer());
}

/** Chunk `i` of a city's road graph (GET /api/roads/chunk/N.bin: the layout of the whole graph, engine/viewer/pack/roads.ts). */
export async function loadRoadsChunk(i: number, base = ''): Promise<RoadsData> {
  return unpackArrays<ViewRoadsMeta>(await (await ok(await fetch(base + ROADS_CHUNK_URL(i)), `road graph chunk ${i}`)).arrayBuffer());
}

/** Whether the run folder has file `n` (the status the run was loaded with). */
export const hasFile = (data: RunData, n: RunFileName): boolean => data.status.files.some((f) => f.name === n && f.present);

/**
 * Fetch blocks.geojson into data.blocks (once; the layer is off by default, so the first render does not wait for
 * it). A failure is recorded in data.errors and not retried.
 */
let blocksLoad: Promise<void> | undefined;
export function loadBlocks(data: RunData, base = ''): Promise<void> {
  if (data.blocks || !hasFile(data, FILES.blocks)) return Promise.resolve();
  blocksLoad ??= (async () => {
    data.blocks = (await (await ok(await fetch(`${base}run/${FILES.blocks}`), FILES.blocks)).json()) as FeatureCollection;
  })().catch((e: Error) => void data.errors.push({ file: FILES.blocks, message: e.message }));
  return blocksLoad;
}
