/**
 * Tiled demand for large inputs. Method:
 * 1. scan: every input file is read once on its own (in parallel on the pool) for its lon/lat extent and the reader's
 *    warnings (dropped records are counted here, once per file, never per tile);
 * 2. plan: the working CRS and the climate are fixed for the whole area from the union extent (as a single run picks
 *    them), and the projected extent is cut into tiles whose edges are multiples of the cell size;
 * 3. tile: a tile reads the files whose extent (plus an overlap margin) meets it, projects them, and keeps the
 *    buildings whose footprint centroid lies in the tile (owner rule: each building in exactly one tile, however many
 *    tiles read it). Its grid, snapped to the cell size, covers its owned buildings' full footprints, so a building
 *    straddling a tile border still rasterizes into every cell it covers;
 * 4. merge: tile grids are summed cell by cell into the city grid (the union of the snapped tile grids, which is the
 *    grid a single run would make), building records are concatenated, summaries added.
 * Roads are not tiled: route and later stages run on the merged city folder.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { tableBBox, projectTable } from '../buildings/geometry.js';
import type { BuildingTable } from '../buildings/table.js';
import { chooseWorkingCrs, lookupEpsg, parseCrs, transformer, WGS84, type Crs } from '../crs/index.js';
import { resolveClimate, type ClimateChoice } from '../demand/climate.js';
import { addGridCooling, demandByUse, demandParameters, deriveBuildingDemand, DROP_CODES, rasterizeDemand, stretchingFiles, type DerivationOptions } from '../demand/pipeline.js';
import { DEFAULT_CLIMATE, loadClimate, type ClimateRegion } from '../demand/tables.js';
import { InputError } from '../errors.js';
import { gridCellsAsBlocks } from '../grid/blocks.js';
import { checkGridSize, DEFAULT_MAX_CELLS, gridForBBox, gridSum, type GridSpec } from '../grid/grid.js';
import type { RasterizeStats } from '../grid/rasterize-exact.js';
import { readBuildingInputs, type BuildingInputOptions } from '../io/buildings-input.js';
import { writeBuildingsGeoJson } from '../io/buildings-output.js';
import { writeGeoTiff } from '../io/geotiff.js';
import { describeInputs, RunTransaction, withRun } from '../io/run-folder.js';
import { Warnings, type WarningSummary } from '../util/warnings.js';
import type { DemandOptions } from '../demand/stage.js';
import type { TilesSpec } from './config.js';
import { subsetTable } from './subset.js';
import { DEMAND_BANDS, FILES, type DemandSummary } from '../run/contract.js';
import { withOutputStream } from '../io/write.js';

/** Demand options of a tiled area: the demand stage's own options (engine/stages/demand.ts). */
export type DemandOpts = DemandOptions;

const LONLAT: Crs = { ...lookupEpsg(6668)! };

/** Input paths with CityGML folders expanded to their tiles (each file is scanned and selected on its own). */
export function expandInputs(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (existsSync(p) && statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (/\.gml(\.gz)?$/i.test(f)) out.push(resolve(p, f));
    } else out.push(resolve(p));
  }
  return out;
}

/** The batch file's demand options that shape each building's derivation, as the demand stage takes them. */
export function derivationOptions(o: DemandOpts): DerivationOptions {
  return {
    useMapping: o.useMapping,
    intensity: o.intensity,
    includeBasement: o.includeBasement === true,
    hddScaling: o.hddScaling === 'sqrt' ? 'sqrt' : 'linear',
  };
}

export function readOptions(o: DemandOpts): BuildingInputOptions {
  return {
    mapping: { use: o.useColumn, floorArea: o.floorAreaColumn, storeys: o.storeysColumn, height: o.heightColumn, id: o.idColumn },
    scheme: o.scheme ?? 'custom',
    encoding: o.encoding,
    sourceCrs: o.sourceCrs,
  };
}

export interface ScanResult {
  file: string;
  count: number;
  /** lon/lat [w, s, e, n]; null for a file without buildings. */
  bbox: [number, number, number, number] | null;
  warnings: WarningSummary[];
}

/** Scan task: one file's extent and reader warnings. */
export async function scanFile(file: string, o: DemandOpts): Promise<ScanResult> {
  const w = new Warnings();
  const t = await readBuildingInputs([file], w, readOptions(o));
  return { file, count: t.count, bbox: t.count ? tableBBox(t) : null, warnings: w.list() };
}

export interface TilePlan {
  key: string;
  crs: { code: string; name: string; reason: string };
  climate: ClimateRegion & { reason: string };
  climateWarnings: WarningSummary[];
  cellM: number;
  /** Largest grid of the area, in cells (the demand option maxCells): checked on the plan, every tile and the merge. */
  maxCells: number;
  /** South-west corner of tile (0, 0), m, and tile edge lengths, m. */
  x0: number;
  y0: number;
  tileW: number;
  tileH: number;
  nx: number;
  ny: number;
  files: string[];
  /** Projected extent of each file (with the overlap margin). */
  fileBoxes: ([number, number, number, number] | null)[];
  tiles: { i: number; j: number; files: number[] }[];
}

/** Plan the tiles of an area from the scans of its files. `overlapM` widens each file's extent. */
export function planTiles(scans: ScanResult[], o: DemandOpts, spec: TilesSpec, overlapM = 100): TilePlan {
  const boxes = scans.map((s) => s.bbox).filter((b): b is [number, number, number, number] => b !== null);
  if (!boxes.length) throw new InputError('no-buildings', 'no usable buildings in the input', { file: scans.map((s) => s.file).join(', ') });
  const ll: [number, number, number, number] = [
    Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3])),
  ];
  let crs: Crs;
  if (o.crs) {
    crs = { ...parseCrs(String(o.crs)), reason: `given with --crs ${o.crs}` };
    if (crs.geographic) throw new InputError('crs-geographic', 'the working CRS (crs, --crs) must be projected (metres)', { value: String(o.crs), hint: 'give a projected CRS such as a JGD2011 plane zone (EPSG:6669-6687) or UTM, or leave crs out to have one chosen' });
  } else crs = chooseWorkingCrs(ll);
  const tr = transformer(LONLAT, crs);
  const fileBoxes = scans.map((s) => (s.bbox ? projectBox(s.bbox, tr, overlapM) : null));
  const all = projectBox(ll, tr, 0);
  const cellM = o.cell_m ?? 100;
  // the merged city grid is whole in memory: refuse it now, before any tile runs (the files far out are named)
  const maxCells = o.maxCells ?? DEFAULT_MAX_CELLS;
  checkGridSize(gridForBBox(crs.code, all, cellM), { maxCells, bands: DEMAND_BANDS.length, explain: () => stretchingFiles(scans) });
  const centre = transformer(crs, WGS84).forward((all[0] + all[2]) / 2, (all[1] + all[3]) / 2);
  const cw = new Warnings();
  const regions = loadClimate(o.climateTable ?? DEFAULT_CLIMATE);
  const choice: ClimateChoice = { region: o.climateRegion, hdd18Kd: o.hdd_Kd, meanTempC: o.meanTemp_C, designTempC: o.designTemp_C };
  const climate = resolveClimate(regions, choice, centre, cw);
  const x0 = Math.floor(all[0] / cellM) * cellM, y0 = Math.floor(all[1] / cellM) * cellM;
  let tileW: number, tileH: number, nx: number, ny: number;
  if (spec.size !== undefined) {
    tileW = tileH = Math.ceil(spec.size / cellM) * cellM;
    nx = Math.max(1, Math.ceil((all[2] - x0) / tileW));
    ny = Math.max(1, Math.ceil((all[3] - y0) / tileH));
  } else {
    nx = spec.nx!;
    ny = spec.ny!;
    tileW = Math.max(cellM, Math.ceil((all[2] - x0) / nx / cellM) * cellM);
    tileH = Math.max(cellM, Math.ceil((all[3] - y0) / ny / cellM) * cellM);
  }
  const tiles: TilePlan['tiles'] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      // outer tiles reach to infinity: the owner rule clamps, so a building outside the planned extent still has a tile
      const tx0 = i === 0 ? -Infinity : x0 + i * tileW, tx1 = i === nx - 1 ? Infinity : x0 + (i + 1) * tileW;
      const ty0 = j === 0 ? -Infinity : y0 + j * tileH, ty1 = j === ny - 1 ? Infinity : y0 + (j + 1) * tileH;
      const files: number[] = [];
      fileBoxes.forEach((b, k) => {
        if (b && b[2] >= tx0 && b[0] <= tx1 && b[3] >= ty0 && b[1] <= ty1) files.push(k);
      });
      if (files.length) tiles.push({ i, j, files });
    }
  }
  const files = scans.map((s) => s.file);
  const key = createHash('sha256').update(JSON.stringify({ crs: crs.code, cellM, x0, y0, tileW, tileH, nx, ny, files, o, climate })).digest('hex').slice(0, 12);
  return { key, crs: { code: crs.code, name: crs.name, reason: crs.reason ?? '' }, climate, climateWarnings: cw.list(), cellM, maxCells, x0, y0, tileW, tileH, nx, ny, files, fileBoxes, tiles };
}


/** Projected bbox of a lon/lat box, sampled along its edges, widened by `marginM`. */
function projectBox(b: [number, number, number, number], tr: ReturnType<typeof transformer>, marginM: number): [number, number, number, number] {
  let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
  const N = 16;
  for (let k = 0; k <= N; k++) {
    const f = k / N;
    for (const [lon, lat] of [[b[0] + f * (b[2] - b[0]), b[1]], [b[0] + f * (b[2] - b[0]), b[3]], [b[0], b[1] + f * (b[3] - b[1])], [b[2], b[1] + f * (b[3] - b[1])]] as const) {
      const [x, y] = tr.forward(lon, lat);
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
  }
  return [xmin - marginM, ymin - marginM, xmax + marginM, ymax + marginM];
}

export interface TileTask {
  plan: TilePlan;
  tile: { i: number; j: number; files: number[] };
  demand: DemandOpts;
  /** Output path prefix: <prefix>.json (written last), .bin (bands), .ndjson (building features). */
  prefix: string;
}

export interface TileResult {
  i: number;
  j: number;
  spec: GridSpec | null;
  buildings: number;
  floorAreaSource: Record<string, number>;
  byUse: Record<string, { buildings: number; floorArea_m2: number; annualHeat_MWh: number }>;
  totals: { floorArea_m2: number; spaceHeat_MWh: number; hotWater_MWh: number; annualHeat_MWh: number; peak_kW: number };
  rasterize: RasterizeStats;
  warnings: WarningSummary[];
  parameters: Record<string, unknown>;
  seconds: number;
}

/** Tile task: demand of the buildings the tile owns; writes the tile's bands and building records. */
export async function runTile(task: TileTask): Promise<TileResult> {
  const t0 = performance.now();
  if (existsSync(`${task.prefix}.json`)) return JSON.parse(await readFile(`${task.prefix}.json`, 'utf8')) as TileResult;
  const { plan, tile, demand: o } = task;
  const files = tile.files.map((k) => plan.files[k]!);
  // reader warnings were counted by the scans (a file read by several tiles would count them several times)
  const table = await readBuildingInputs(files, new Warnings(), readOptions(o));
  const crs: Crs = { ...parseCrs(plan.crs.code), reason: plan.crs.reason };
  projectTable(table, crs);
  const keep = ownedBuildings(table, plan, tile.i, tile.j);
  const t = subsetTable(table, keep);
  const warnings = new Warnings();
  const dopts = derivationOptions(o);
  const derived = deriveBuildingDemand(t, dopts, plan.climate, warnings);
  const { floorAreaSource, totals } = derived;
  let rstats: RasterizeStats = { buildings: 0, singleCell: 0, multiCell: 0, zeroArea: 0, negativeCoverage: 0 };
  let spec: GridSpec | null = null;
  let bands: Float64Array[] = [];
  if (t.count) {
    const r = rasterizeDemand(t, crs, plan.cellM, warnings, undefined, plan.maxCells);
    spec = { crs: r.grid.crs, x0: r.grid.x0, y0: r.grid.y0, cellSize: r.grid.cellSize, width: r.grid.width, height: r.grid.height };
    bands = r.grid.bands;
    rstats = r.stats;
  }
  const byUse = demandByUse(t);
  // building records carry the file's index in the area's file list, not in this tile's
  const global = new Map(plan.files.map((f, k) => [resolve(f), k]));
  for (let b = 0; b < t.count; b++) t.fileIndex[b] = global.get(resolve(t.files[t.fileIndex[b]!]!)) ?? 0;
  t.files = plan.files;
  // temporary names per process and thread: two attempts of one tile (a queue worker that lost its lock and still
  // runs, beside the one that took the job over) never write into each other's files; each renames its own whole
  const tmp = `tmp-${process.pid}-${threadId}`;
  await writeBuildingsGeoJson(`${task.prefix}.ndjson.${tmp}`, t);
  const bin = new Float64Array(bands.reduce((s, b) => s + b.length, 0));
  let off = 0;
  for (const b of bands) {
    bin.set(b, off);
    off += b.length;
  }
  await writeFile(`${task.prefix}.bin.${tmp}`, new Uint8Array(bin.buffer));
  const res: TileResult = {
    i: tile.i, j: tile.j, spec, buildings: t.count, floorAreaSource, byUse, totals, rasterize: rstats, warnings: warnings.list(),
    parameters: demandParameters(derived, dopts),
    seconds: (performance.now() - t0) / 1000,
  };
  await rename(`${task.prefix}.ndjson.${tmp}`, `${task.prefix}.ndjson`);
  await rename(`${task.prefix}.bin.${tmp}`, `${task.prefix}.bin`);
  await writeFile(`${task.prefix}.json.${tmp}`, JSON.stringify(res));
  await rename(`${task.prefix}.json.${tmp}`, `${task.prefix}.json`);
  return res;
}

/** Indices of the buildings whose centroid lies in tile (i, j); outer tiles take everything beyond them. */
export function ownedBuildings(t: BuildingTable, p: Pick<TilePlan, 'x0' | 'y0' | 'tileW' | 'tileH' | 'nx' | 'ny'>, i: number, j: number): Uint32Array {
  const out: number[] = [];
  for (let b = 0; b < t.count; b++) {
    const ti = Math.min(p.nx - 1, Math.max(0, Math.floor((t.cx[b]! - p.x0) / p.tileW)));
    const tj = Math.min(p.ny - 1, Math.max(0, Math.floor((t.cy[b]! - p.y0) / p.tileH)));
    if (ti === i && tj === j) out.push(b);
  }
  return Uint32Array.from(out);
}


export interface MergeTask {
  dir: string;
  plan: TilePlan;
  scans: ScanResult[];
  prefixes: string[];
}

/** Merge task: sum the tiles into the city's run folder (demand stage), committed in one transaction. */
export async function mergeTiles(m: MergeTask): Promise<DemandSummary> {
  const t0 = performance.now();
  const tiles: TileResult[] = [];
  for (const p of m.prefixes) tiles.push(JSON.parse(await readFile(`${p}.json`, 'utf8')) as TileResult);
  const specs = tiles.map((t) => t.spec).filter((s): s is GridSpec => s !== null);
  if (!specs.length) throw new InputError('no-buildings', 'no usable buildings in the input', { file: m.plan.files.join(', ') });
  const cs = m.plan.cellM;
  const xmin = Math.min(...specs.map((s) => s.x0)), ymax = Math.max(...specs.map((s) => s.y0));
  const xmax = Math.max(...specs.map((s) => s.x0 + s.width * cs)), ymin = Math.min(...specs.map((s) => s.y0 - s.height * cs));
  const spec = gridForBBox(m.plan.crs.code, [xmin, ymin, xmax, ymax], cs);
  checkGridSize(spec, { maxCells: m.plan.maxCells ?? DEFAULT_MAX_CELLS, bands: DEMAND_BANDS.length, explain: () => stretchingFiles(m.scans) });
  const n = spec.width * spec.height;
  const bands = DEMAND_BANDS.map(() => new Float64Array(n));
  for (let k = 0; k < tiles.length; k++) {
    const s = tiles[k]!.spec;
    if (!s) continue;
    const buf = await readFile(`${m.prefixes[k]}.bin`);
    const data = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    const dc = Math.round((s.x0 - spec.x0) / cs), dr = Math.round((spec.y0 - s.y0) / cs);
    const tn = s.width * s.height;
    for (let b = 0; b < DEMAND_BANDS.length; b++) {
      const dst = bands[b]!;
      for (let r = 0; r < s.height; r++) {
        const so = b * tn + r * s.width, d0 = (r + dr) * spec.width + dc;
        for (let c = 0; c < s.width; c++) dst[d0 + c]! += data[so + c]!;
      }
    }
  }
  const summary = mergedSummary(m, tiles, spec, bands, t0);
  const crs: Crs = { ...parseCrs(m.plan.crs.code), reason: m.plan.crs.reason };
  const tx = await RunTransaction.create(m.dir);
  await withRun(tx, async (tx) => {
    await writeGeoTiff(tx.path(FILES.demand), { ...spec, bands, names: DEMAND_BANDS.map((b) => b.name), units: DEMAND_BANDS.map((b) => b.unit) });
    const blocks = gridCellsAsBlocks(spec, { floorAreaM2: bands[0]!, heatMWh: bands[1]!, peakKw: bands[2]! }, transformer(crs, WGS84));
    addGridCooling(blocks, spec, bands[3]!, bands[4]!);
    await writeFile(tx.path(FILES.blocks), JSON.stringify(blocks) + '\n');
    (summary.blocks as Record<string, unknown>).count = blocks.features.length;
    await concatBuildings(tx.path(FILES.buildings), m.prefixes.map((p) => `${p}.ndjson`), m.plan.files);
    tx.manifest.crs = { code: crs.code, name: crs.name, reason: crs.reason };
    tx.addInputs(await describeInputs(m.plan.files, 'buildings'));
    tx.setStage('demand', summary);
  });
  return summary;
}

function mergedSummary(m: MergeTask, tiles: TileResult[], spec: GridSpec, bands: Float64Array[], t0: number): DemandSummary {
  const w = new Warnings();
  const fromList = (list: WarningSummary[]) => {
    for (const x of list) {
      w.addMany(x.code, x.message, x.count);
    }
  };
  for (const s of m.scans) fromList(s.warnings);
  fromList(m.plan.climateWarnings);
  for (const t of tiles) fromList(t.warnings);
  const dropped: Record<string, number> = {};
  for (const s of m.scans) for (const x of s.warnings) if (DROP_CODES.has(x.code)) dropped[x.code] = (dropped[x.code] ?? 0) + x.count;
  const add = (a: Record<string, number>, b: Record<string, number>) => {
    for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
  };
  const floorAreaSource: Record<string, number> = {};
  const byUse: TileResult['byUse'] = {};
  const rasterize: DemandSummary['rasterize'] = { buildings: 0, singleCell: 0, multiCell: 0, zeroArea: 0, negativeCoverage: 0 };
  const totals = { floorArea_m2: 0, spaceHeat_MWh: 0, hotWater_MWh: 0, annualHeat_MWh: 0, peak_kW: 0 };
  for (const t of tiles) {
    add(floorAreaSource, t.floorAreaSource);
    add(rasterize as unknown as Record<string, number>, t.rasterize as unknown as Record<string, number>);
    for (const [u, v] of Object.entries(t.byUse)) {
      const e = (byUse[u] ??= { buildings: 0, floorArea_m2: 0, annualHeat_MWh: 0 });
      e.buildings += v.buildings;
      e.floorArea_m2 += v.floorArea_m2;
      e.annualHeat_MWh += v.annualHeat_MWh;
    }
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += t.totals[k];
  }
  let cellsWithDemand = 0;
  for (let i = 0; i < bands[1]!.length; i++) if (bands[1]![i]! > 0) cellsWithDemand++;
  const warnDetails = w.list();
  return {
    buildings: tiles.reduce((s, t) => s + t.buildings, 0),
    dropped,
    warnings: w.counts(),
    floorAreaSource,
    byUse,
    ...totals,
    grid: { floorArea_m2: gridSum(bands[0]!), annualHeat_MWh: gridSum(bands[1]!), peak_kW: gridSum(bands[2]!), width: spec.width, height: spec.height, cellsWithDemand },
    crs: m.plan.crs.code,
    crsReason: m.plan.crs.reason,
    cellSize_m: m.plan.cellM,
    blocks: { source: 'grid cells', count: 0, outsideBuildings: 0 },
    parameters: { ...(tiles[0]?.parameters ?? {}), climateReason: m.plan.climate.reason, climateSource: m.plan.climate.source, climateTable: DEFAULT_CLIMATE },
    rasterize,
    tiles: {
      method: 'owner rule: each building belongs to the tile holding its footprint centroid; tile grids snapped to the cell size and summed',
      nx: m.plan.nx, ny: m.plan.ny, tileWidth_m: m.plan.tileW, tileHeight_m: m.plan.tileH, origin: [m.plan.x0, m.plan.y0],
      run: tiles.map((t) => ({ i: t.i, j: t.j, buildings: t.buildings, seconds: t.seconds })),
    },
    seconds: tiles.reduce((s, t) => s + t.seconds, 0) + (performance.now() - t0) / 1000,
    warningDetails: warnDetails,
  };
}

/** buildings.geojson of the city from the tiles' streamed files, without holding them in memory. */
async function concatBuildings(out: string, parts: string[], files: string[]): Promise<void> {
  await withOutputStream(out, async (ws) => {
    await ws.write('{"type":"FeatureCollection","features":[\n');
    let first = true;
    for (const p of parts) {
      const rl = createInterface({ input: createReadStream(p), crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line.startsWith('{"type":"Feature"')) continue;
        await ws.write((first ? '' : ',\n') + (line.endsWith(',') ? line.slice(0, -1) : line));
        first = false;
      }
    }
    await ws.write(`\n],"files":${JSON.stringify(files)}}\n`);
  });
}

/** Folder of an area's tile files (per plan, so a changed plan never reuses stale tiles). */
export const tileFolder = (outDir: string, name: string, key: string) => join(outDir, '.tiles', `${name}-${key}`);

export async function ensureDir(d: string): Promise<void> {
  await mkdir(d, { recursive: true });
}

export async function removeTiles(outDir: string, name: string): Promise<void> {
  const base = join(outDir, '.tiles');
  if (!existsSync(base)) return;
  for (const f of readdirSync(base)) if (f.length === name.length + 13 && f.startsWith(`${name}-`) && /^[0-9a-f]{12}$/.test(f.slice(name.length + 1))) await rm(join(base, f), { recursive: true, force: true });
  if (readdirSync(base).length === 0) await rm(base, { recursive: true, force: true });
}
