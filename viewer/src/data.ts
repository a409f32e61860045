/** Loads what the run folder has, through the viewer server (/api/ for binary layers, /run/ for files). */
import { unpackArrays, type Unpacked } from './binary.js';
import { parseHourly, type Hourly } from './hourly.js';
import type { RunStatus } from '../../engine/export/run-status.js';

export interface GridMeta {
  crs: string;
  cellSizeM: number;
  width: number;
  height: number;
  count: number;
  bands: { name: string; unit: string; min: number; max: number; sum: number }[];
  bbox: [number, number, number, number];
  corners: [number, number][];
}
export interface BuildingsMeta {
  count: number;
  polygons: number;
  ids: string[];
  dictionaries: { use: string[]; useCode: string[]; floorAreaSource: string[] };
  bbox: [number, number, number, number];
  skipped: number;
}

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

export interface RunData {
  status: RunStatus;
  tiles: { url: string; attribution: string } | null;
  demand?: Unpacked<GridMeta>;
  potential?: Unpacked<GridMeta>;
  buildings?: Unpacked<BuildingsMeta>;
  blocks?: FeatureCollection;
  areas?: FeatureCollection;
  roads?: FeatureCollection;
  network?: FeatureCollection;
  sim?: Record<string, unknown>;
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
  const has = (n: string) => status.files.some((f) => f.name === n && f.present);
  const data: RunData = { status, tiles: config.tiles, errors: [] };
  const jobs: Promise<void>[] = [];
  const job = (file: string, fn: () => Promise<void>) => {
    if (!has(file)) return;
    jobs.push(fn().catch((e: Error) => void data.errors.push({ file, message: e.message })));
  };
  const bin = async (url: string, what: string) => unpackArrays<any>(await (await ok(await fetch(base + url), what)).arrayBuffer());
  const json = async (file: string) => (await ok(await fetch(`${base}run/${file}`), file)).json();
  job('demand.tif', async () => void (data.demand = await bin('api/grid/demand.bin', 'demand.tif')));
  job('potential.tif', async () => void (data.potential = await bin('api/grid/potential.bin', 'potential.tif')));
  job('buildings.geojson', async () => void (data.buildings = await bin('api/buildings.bin', 'buildings.geojson')));
  job('blocks.geojson', async () => void (data.blocks = await json('blocks.geojson')));
  job('areas.geojson', async () => void (data.areas = await json('areas.geojson')));
  job('roads.geojson', async () => void (data.roads = await json('roads.geojson')));
  job('network.geojson', async () => void (data.network = await json('network.geojson')));
  job('sim.json', async () => void (data.sim = await json('sim.json')));
  job('hourly.csv', async () => void (data.hourly = parseHourly(await (await ok(await fetch(`${base}run/hourly.csv`), 'hourly.csv')).text())));
  await Promise.all(jobs);
  return data;
}
