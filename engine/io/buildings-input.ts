/**
 * Building input dispatch: one function that reads any mix of PLATEAU CityGML (.gml, .gml.gz, folders of tiles, and
 * PLATEAU downloads as published: the city .zip, its unzipped folder or its udx/ folder, whose udx/bldg is read;
 * engine/io/plateau.ts), OSM PBF, shapefile and GeoJSON into one lon/lat building table.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, type Worker } from 'node:worker_threads';
import { extname, join } from 'node:path';
import { checkLonLatTable, dropImplausibleFootprints } from '../buildings/geometry.js';
import { BuildingTableBuilder, concatTables, type BuildingTable } from '../buildings/table.js';
import { lookupEpsg, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import type { InputRecord } from '../run/contract.js';
import type { ProgressFn } from '../util/progress.js';
import { heatplanWorker } from '../util/thread.js';
import { Warnings, type WarningSummary } from '../util/warnings.js';
import type { BuildingsWorkerData, BuildingsWorkerMessage } from './buildings-worker.js';
import { readCityGmlBuildings } from './citygml/buildings.js';
import { describeLayer, forEachLayerFile, moveWarnings, openPlateauZip, plateauFolder, plateauNote, requireLayer, type PlateauLayout } from './plateau.js';
import { describeInputs } from './run-folder.js';
import { readOsmBuildings } from './osm-buildings.js';
import { readVectorBuildings, type AttributeMapping } from './vector-buildings.js';

/** 'plateau-zip': a PLATEAU city .zip as published (its udx/bldg is read entry by entry). */
export type BuildingFormat = 'citygml' | 'osm' | 'shapefile' | 'geojson' | 'plateau-zip';

export interface BuildingInputOptions {
  /** Column mapping for shapefile/GeoJSON inputs. */
  mapping?: AttributeMapping;
  /** Character encoding of shapefile .dbf files when there is no .cpg (e.g. 'shift_jis'). */
  encoding?: string;
  /** Use-code scheme name of shapefile/GeoJSON codes in the use mapping table (default 'custom'). */
  scheme?: string;
  /** CRS of shapefile/GeoJSON inputs: wins over a .prj or crs member, needed for a shapefile without .prj (engine/io/vector.ts). */
  sourceCrs?: string;
  onProgress?: ProgressFn;
  /**
   * Whether the last shapefile/GeoJSON inputs are read in a worker thread while this one reads the rest: 'auto'
   * (default: BUILDINGS_THREAD_MIN_BYTES of them or more, two files or more, two cores or more, from the main thread
   * only), 'always' (two files or more), 'never'. The table and the warnings are the same either way.
   */
  thread?: 'auto' | 'always' | 'never';
}

/**
 * Shapefile/GeoJSON inputs of at least this many bytes in all are read by two threads (readBuildingInputs, `thread:
 * 'auto'`). heatplan's own threshold: a worker thread takes about 0.2 s to start compiled (0.4 s from the sources)
 * and the tables are joined by a copy (0.36-0.91 s for the 1M-building city's 6.1 million vertices), while 32 MiB of
 * GeoJSON (six copies of Osaka's 11,684 buildings, 70,104 footprints) take about 0.8 s to read.
 */
export const BUILDINGS_THREAD_MIN_BYTES = 32 << 20;

/** Bytes of one input as read: a shapefile's .shp and .dbf, else the file. */
function inputBytes(path: string): number {
  const size = (p: string) => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  return extname(path).toLowerCase() === '.shp' ? size(path) + size(path.slice(0, -4) + '.dbf') + size(path.slice(0, -4) + '.DBF') : size(path);
}

/**
 * The shapefile/GeoJSON inputs at the end of `sources` read in a worker thread (buildings-worker.ts), about half of
 * all input bytes, started now; `from` is the first of them. Undefined where `opts.thread` says no, or where there is
 * nothing to split.
 */
function tailInThread(sources: BuildingSource[], crs: Crs, opts: BuildingInputOptions): { from: number; result: Promise<{ table: BuildingTable; warnings: WarningSummary[] } | { failed: string }>; cancel(): Promise<void> } | undefined {
  const mode = opts.thread ?? 'auto';
  if (mode === 'never' || (mode === 'auto' && (!isMainThread || availableParallelism() < 2))) return undefined;
  // a balance, not a measure: a folder of tiles counts as its entry's size (the worker then takes less than half)
  const bytes = sources.map((s) => inputBytes(s.input));
  const total = bytes.reduce((a, b) => a + b, 0);
  let vectorBytes = 0;
  for (let i = 0; i < sources.length; i++) if (sources[i]!.format === 'shapefile' || sources[i]!.format === 'geojson') vectorBytes += bytes[i]!;
  if (mode === 'auto' && vectorBytes < BUILDINGS_THREAD_MIN_BYTES) return undefined;
  // the tail of vector files (those read last, in order) up to half of all bytes; the main thread keeps at least one file
  let from = sources.length, tail = 0;
  while (from > 1 && (sources[from - 1]!.format === 'shapefile' || sources[from - 1]!.format === 'geojson') && tail + bytes[from - 1]! <= total / 2) tail += bytes[--from]!;
  if (from === sources.length || from === 0) return undefined;
  const data: BuildingsWorkerData = { files: sources.slice(from).map((s) => s.input), crs, mapping: opts.mapping ?? {}, encoding: opts.encoding, scheme: opts.scheme, sourceCrs: opts.sourceCrs };
  let worker: Worker | undefined;
  const result = new Promise<{ table: BuildingTable; warnings: WarningSummary[] } | { failed: string }>((resolve) => {
    try {
      worker = heatplanWorker(import.meta.url, './buildings-worker', data);
    } catch (e) {
      return resolve({ failed: `no worker thread: ${(e as Error).message}` });
    }
    let got: { table: BuildingTable; warnings: WarningSummary[] } | undefined;
    let why = '';
    worker.on('message', (m: BuildingsWorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.done, m.total, m.label);
      else if (m.type === 'done') got = { table: m.table as BuildingTable, warnings: m.warnings };
      else why = m.message;
    });
    worker.on('error', (e: Error & { code?: string }) => (why = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : e.message));
    worker.on('exit', (code) => {
      worker = undefined;
      resolve(got ?? { failed: why || `the worker thread stopped (exit code ${code})` });
    });
  });
  return { from, result, cancel: async () => void (await worker?.terminate()) };
}

const FORMATS_HINT = 'heatplan reads .gml/.gml.gz (PLATEAU CityGML, or a folder of tiles), a PLATEAU city .zip, its folder or its udx folder, .osm.pbf, .shp, .geojson';

/** What a folder holds, for messages: its first names, folders marked with '/'. */
function folderContents(path: string): string {
  const ents = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (ents.length === 0) return 'it is empty';
  const shown = ents.slice(0, 12).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  return `it holds ${shown.join(', ')}${ents.length > shown.length ? ` and ${ents.length - shown.length} more` : ''}`;
}

/**
 * Format of one input path, from its name (and, for folders, their content: tiles, or a PLATEAU city folder or udx
 * folder, whose udx/bldg tiles are CityGML).
 */
export function detectFormat(path: string): BuildingFormat {
  if (!existsSync(path)) throw new InputError('file-missing', 'input does not exist', { file: path });
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path);
    if (names.some((n) => /\.gml(\.gz)?$/i.test(n))) return 'citygml';
    if (plateauFolder(path)) return 'citygml';
    throw new InputError('input-folder', `folder holds no CityGML tiles (*.gml, *.gml.gz) and is not a PLATEAU download (no udx/bldg); ${folderContents(path)}`, {
      file: path,
      hint: 'pass the folder of tiles (PLATEAU: udx/bldg), the city folder or its udx folder, or files directly for other formats',
    });
  }
  const p = path.toLowerCase();
  if (p.endsWith('.gml') || p.endsWith('.gml.gz') || p.endsWith('.xml')) return 'citygml';
  if (p.endsWith('.zip')) return 'plateau-zip';
  if (p.endsWith('.osm.pbf') || p.endsWith('.pbf')) return 'osm';
  if (p.endsWith('.shp')) return 'shapefile';
  if (p.endsWith('.geojson') || p.endsWith('.json')) return 'geojson';
  throw new InputError('input-format', `unknown building file type "${extname(path)}"`, { file: path, hint: FORMATS_HINT });
}

/** One building input as read: its format, and for a PLATEAU download where its buildings are (udx/bldg). */
export interface BuildingSource {
  /** The path as given. */
  input: string;
  format: BuildingFormat;
  /** PLATEAU download (zip, city folder or udx folder): its layout; its udx/bldg files are read. */
  plateau?: PlateauLayout;
}

/**
 * Each input's format, with PLATEAU downloads opened: a zip that is not PLATEAU, or a download without udx/bldg, is an
 * InputError here, before anything is read.
 */
export async function resolveBuildingInputs(paths: string[]): Promise<BuildingSource[]> {
  const out: BuildingSource[] = [];
  for (const p of paths) {
    const format = detectFormat(p);
    let plateau: PlateauLayout | undefined;
    if (format === 'plateau-zip') plateau = await openPlateauZip(p);
    else if (format === 'citygml' && statSync(p).isDirectory() && !readdirSync(p).some((n) => /\.gml(\.gz)?$/i.test(n))) plateau = plateauFolder(p);
    if (plateau) requireLayer(plateau, 'bldg', 'buildings');
    out.push({ input: p, format, plateau });
  }
  return out;
}

/** One line per PLATEAU download: where its buildings were found, and what else it holds. */
export function buildingInputNotes(sources: BuildingSource[]): string[] {
  return sources.filter((s) => s.plateau).map((s) => plateauNote(s.plateau!, 'bldg', 'buildings'));
}

/**
 * The manifest's input records of the building inputs (role 'buildings'): files as given, the tiles of a folder, and
 * for a PLATEAU download the udx/bldg files read (for a zip: the zip and each entry, see engine/io/plateau.ts).
 */
export async function describeBuildingInputs(sources: BuildingSource[], role = 'buildings'): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for (const s of sources) {
    if (s.plateau) out.push(...(await describeLayer(s.plateau, 'bldg', role)));
    else if (s.format === 'citygml' && statSync(s.input).isDirectory()) {
      // a folder of tiles: the tiles read (*.gml, *.gml.gz), not whatever else lies beside them
      const tiles = readdirSync(s.input).filter((n) => /\.gml(\.gz)?$/i.test(n)).sort().map((n) => join(s.input, n));
      out.push(...(await describeInputs(tiles, role)));
    } else out.push(...(await describeInputs([s.input], role)));
  }
  return out;
}

/**
 * Read every input into one table in lon/lat (EPSG:6668 ≈ WGS84). Buildings whose footprint no building can have
 * are dropped and counted ('footprint-too-large', engine/buildings/geometry.ts MAX_FOOTPRINT_SPAN_M).
 */
export async function readBuildingInputs(paths: string[], warnings: Warnings, opts: BuildingInputOptions = {}): Promise<BuildingTable> {
  if (paths.length === 0) throw new InputError('no-input', 'no building input given', { hint: 'pass --buildings PATH...' });
  const builder = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
  const sources = await resolveBuildingInputs(paths);
  // the last shapefile/GeoJSON files read in a worker thread meanwhile, where large enough (tailInThread)
  const ahead = tailInThread(sources, builder.crs, opts);
  let fromWorker: { table: BuildingTable; warnings: WarningSummary[] } | undefined;
  try {
    // CityGML first, in one pass (tiles, folders, PLATEAU folders' udx/bldg), then the zips entry by entry, then the rest
    const gml: string[] = [];
    for (const s of sources) {
      if (s.format !== 'citygml') continue;
      if (s.plateau) gml.push(...requireLayer(s.plateau, 'bldg', 'buildings'));
      else gml.push(s.input);
    }
    if (gml.length) await readCityGmlBuildings(gml, builder, warnings, { onProgress: opts.onProgress });
    for (const s of sources) {
      if (s.format !== 'plateau-zip') continue;
      await forEachLayerFile(
        s.plateau!,
        'bldg',
        async (file, shown) => {
          const local = new Warnings();
          await readCityGmlBuildings([file], builder, local);
          // the table names the entry, not its temporary copy
          builder.files[builder.files.length - 1] = shown;
          moveWarnings(local, warnings, file, shown);
        },
        opts.onProgress,
      );
    }
    const vectorOptions = { mapping: opts.mapping ?? {}, encoding: opts.encoding, scheme: opts.scheme, crs: opts.sourceCrs, onProgress: opts.onProgress };
    for (const s of sources.slice(0, ahead?.from ?? sources.length)) {
      const p = s.input;
      const f = s.format;
      if (f === 'osm') await readOsmBuildings(p, builder, warnings, { onProgress: opts.onProgress });
      else if (f === 'shapefile' || f === 'geojson') await readVectorBuildings(p, builder, warnings, vectorOptions);
    }
    if (ahead) {
      const got = await ahead.result;
      if ('table' in got) fromWorker = got;
      else {
        // a worker that failed: its files read here, in order, where bad input gives its error as it always has
        for (const s of sources.slice(ahead.from)) await readVectorBuildings(s.input, builder, warnings, vectorOptions);
        warnings.add('buildings-thread-failed', 'building files could not be read in a worker thread and were read again in the main thread', { file: sources[ahead.from]!.input, message: got.failed });
      }
    }
  } catch (e) {
    await ahead?.cancel();
    throw e;
  }
  let table = builder.finish();
  if (fromWorker) {
    // the worker's files come after this thread's, as in one read: the same table, the same warnings in order
    warnings.mergeList(fromWorker.warnings);
    table = concatTables([table, fromWorker.table]);
  }
  // the last check before anyone projects the table: every coordinate a lon/lat position (each reader checked its
  // own records; CrsError 'not-lonlat' naming the file and record), and no footprint larger than a building (a ring
  // crossing the antimeridian spans the globe in lon/lat and would make the CRS and the grid span it too)
  checkLonLatTable(table);
  return dropImplausibleFootprints(table, warnings);
}
