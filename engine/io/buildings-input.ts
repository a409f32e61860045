/**
 * Building input dispatch: one function that reads any mix of PLATEAU CityGML (.gml, .gml.gz, folders of tiles, and
 * PLATEAU downloads as published: the city .zip, its unzipped folder or its udx/ folder, whose udx/bldg is read;
 * engine/io/plateau.ts), OSM PBF, shapefile and GeoJSON into one lon/lat building table.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { checkLonLatTable, dropImplausibleFootprints } from '../buildings/geometry.js';
import { BuildingTableBuilder, concatTables, type BuildingTable } from '../buildings/table.js';
import { lookupEpsg, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import type { InputRecord } from '../run/contract.js';
import type { ProgressFn } from '../util/progress.js';
import { runInThread, spareCore, type ThreadMode, type ThreadOutcome } from '../util/thread.js';
import { Warnings, type WarningSummary } from '../util/warnings.js';
import type { BuildingsRead, BuildingsWorkerData } from './buildings-worker.js';
import { recordDetailedUsage } from './citygml/detailed-usage.js';
import { resolveCityGmlFiles } from './citygml/files.js';
import { recordMunicipalities } from './citygml/municipality.js';
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
   * Whether the last shapefile/GeoJSON inputs, or else the last CityGML tiles, are read in a worker thread while this
   * one reads the rest: 'auto' (default: BUILDINGS_THREAD_MIN_BYTES of vector inputs or CITYGML_THREAD_MIN_BYTES of
   * tiles, two files or more, two cores or more, from the main thread only), 'always' (two files or more), 'never'.
   * The table, the warnings and the tiles' records are the same either way.
   */
  thread?: ThreadMode;
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
 * CityGML tiles of at least this many bytes of XML in all (a .gml.gz counted as GML_GZ_RATIO times its size) are
 * read by two threads (readBuildingInputs, `thread: 'auto'`), when the shapefile/GeoJSON inputs are not. heatplan's
 * own threshold, measured as whole demand processes: Osaka's 68 tiles (about 100 MB of XML by this count) gain
 * nothing from a second thread (3.07-3.66 s against 3.35-3.39 s: the worker's start and the two threads slowing
 * each other eat it), six copies of them (408 tiles, 70,104 buildings) 10.7-12.3 s against 16.0-16.6 s.
 */
export const CITYGML_THREAD_MIN_BYTES = 256 << 20;
/** XML bytes per byte of a .gml.gz, for the balance and the threshold only (Osaka's 68 tiles: 104 MB from 5.0 MB). */
const GML_GZ_RATIO = 20;

/** A worker thread reading the last files of one kind, started at once (buildings-worker.ts). */
interface TailRead {
  kind: 'gml' | 'vector';
  /** index of its first file: into `sources` (vector) or into the resolved CityGML files (gml) */
  from: number;
  result: Promise<ThreadOutcome<BuildingsRead>>;
  cancel(): Promise<void>;
}

/** How many of `bytes`' last items, up to half of `total` and leaving the first item, a worker takes (its first index). */
function tailFrom(bytes: number[], total: number, ok: (i: number) => boolean): number {
  let from = bytes.length, tail = 0;
  while (from > 1 && ok(from - 1) && tail + bytes[from - 1]! <= total / 2) tail += bytes[--from]!;
  return from;
}

/**
 * The files read last handed to a worker thread (buildings-worker.ts), about half of all input bytes, started now:
 * the shapefile/GeoJSON inputs at the end of `sources` where they hold BUILDINGS_THREAD_MIN_BYTES, else the last of
 * the CityGML tiles `gmlFiles` where they hold CITYGML_THREAD_MIN_BYTES of XML. Undefined where `opts.thread` says no
 * or there is nothing to split.
 */
function tailInThread(sources: BuildingSource[], gmlFiles: string[], crs: Crs, opts: BuildingInputOptions): TailRead | undefined {
  const mode = opts.thread ?? 'auto';
  if (mode === 'never' || (mode === 'auto' && !spareCore())) return undefined;
  const isVector = (i: number) => sources[i]!.format === 'shapefile' || sources[i]!.format === 'geojson';
  // a balance, not a measure: a folder of tiles counts as its entry's size
  const bytes = sources.map((s) => inputBytes(s.input));
  const gmlBytes = gmlFiles.map((f) => inputBytes(f) * (/\.gz$/i.test(f) ? GML_GZ_RATIO : 1));
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  let vectorBytes = 0;
  for (let i = 0; i < sources.length; i++) if (isVector(i)) vectorBytes += bytes[i]!;
  let data: BuildingsWorkerData | undefined;
  let kind: TailRead['kind'] = 'vector', from = -1;
  if (mode === 'always' ? vectorBytes > 0 : vectorBytes >= BUILDINGS_THREAD_MIN_BYTES) {
    // the sources' bytes with the tiles' XML in place of their inputs' entries
    const total = sum(bytes) + sum(gmlBytes);
    from = tailFrom(bytes, total, isVector);
    if (from > 0 && from < sources.length) data = { gml: [], files: sources.slice(from).map((s) => s.input), crs, mapping: opts.mapping ?? {}, encoding: opts.encoding, scheme: opts.scheme, sourceCrs: opts.sourceCrs };
  } else if (gmlFiles.length > 1 && (mode === 'always' || sum(gmlBytes) >= CITYGML_THREAD_MIN_BYTES)) {
    kind = 'gml';
    from = tailFrom(gmlBytes, sum(gmlBytes), () => true);
    if (from > 0 && from < gmlFiles.length) data = { gml: gmlFiles.slice(from), files: [], crs, mapping: {}, encoding: undefined, scheme: undefined, sourceCrs: undefined };
  }
  if (!data) return undefined;
  const run = runInThread<BuildingsRead>(import.meta.url, './buildings-worker', data, opts.onProgress);
  return { kind, from, result: run.result, cancel: run.cancel };
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
  const crs: Crs = { ...lookupEpsg(6668)! };
  let builder = new BuildingTableBuilder(crs);
  const sources = await resolveBuildingInputs(paths);
  // CityGML first, in one pass (tiles, folders, PLATEAU folders' udx/bldg), then the zips entry by entry, then the rest
  const gml: string[] = [];
  for (const s of sources) {
    if (s.format !== 'citygml') continue;
    if (s.plateau) gml.push(...requireLayer(s.plateau, 'bldg', 'buildings'));
    else gml.push(s.input);
  }
  const gmlFiles = gml.length ? resolveCityGmlFiles(gml) : [];
  // the last CityGML tiles or the last shapefile/GeoJSON files read in a worker thread meanwhile (tailInThread)
  const ahead = tailInThread(sources, gmlFiles, crs, opts);
  /** tables in input order, joined at the end: this thread's, the worker's, this thread's again */
  const parts: BuildingTable[] = [];
  const vectorOptions = { mapping: opts.mapping ?? {}, encoding: opts.encoding, scheme: opts.scheme, crs: opts.sourceCrs, onProgress: opts.onProgress };
  /** the worker's table and warnings in their place (after the files before theirs), or its files read here */
  const takeWorker = async (readHere: () => Promise<void>): Promise<void> => {
    const got = await ahead!.result;
    if ('value' in got) {
      parts.push(builder.finish(), got.value.table);
      builder = new BuildingTableBuilder(crs);
      warnings.mergeList(got.value.warnings);
      // what the CityGML reader recorded per file in the worker's module state, recorded here as this read would
      for (const r of got.value.records) {
        recordMunicipalities(r.file, r.municipalities ?? new Map());
        recordDetailedUsage(r.file, r.detailed ?? new Map());
      }
    } else {
      // a worker that failed: its files read here, in order, where bad input gives its error as it always has
      await readHere();
      warnings.add('buildings-thread-failed', 'building files could not be read in a worker thread and were read again in the main thread', { file: ahead!.kind === 'gml' ? gmlFiles[ahead!.from]! : sources[ahead!.from]!.input, message: got.failed });
    }
  };
  try {
    if (gmlFiles.length) {
      const head = ahead?.kind === 'gml' ? gmlFiles.slice(0, ahead.from) : gmlFiles;
      await readCityGmlBuildings(head, builder, warnings, { onProgress: opts.onProgress });
      if (ahead?.kind === 'gml') await takeWorker(async () => void (await readCityGmlBuildings(gmlFiles.slice(ahead.from), builder, warnings, { onProgress: opts.onProgress })));
    }
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
    for (const s of sources.slice(0, ahead?.kind === 'vector' ? ahead.from : sources.length)) {
      const p = s.input;
      const f = s.format;
      if (f === 'osm') await readOsmBuildings(p, builder, warnings, { onProgress: opts.onProgress });
      else if (f === 'shapefile' || f === 'geojson') await readVectorBuildings(p, builder, warnings, vectorOptions);
    }
    if (ahead?.kind === 'vector') await takeWorker(async () => { for (const s of sources.slice(ahead.from)) await readVectorBuildings(s.input, builder, warnings, vectorOptions); });
  } catch (e) {
    await ahead?.cancel();
    throw e;
  }
  parts.push(builder.finish());
  const table = parts.length === 1 ? parts[0]! : concatTables(parts);
  // the last check before anyone projects the table: every coordinate a lon/lat position (each reader checked its
  // own records; CrsError 'not-lonlat' naming the file and record), and no footprint larger than a building (a ring
  // crossing the antimeridian spans the globe in lon/lat and would make the CRS and the grid span it too)
  checkLonLatTable(table);
  return dropImplausibleFootprints(table, warnings);
}
