/**
 * Typed readers of a run folder (engine/run/contract.ts): each reads one file, checks it against the contract and
 * throws an InputError naming the file when it is missing ('run-missing-file', with the command that writes it) or
 * malformed ('run-bad-file'). Buildings and network are read from their FlatGeobuf form (buildings.fgb, network.fgb)
 * where the run has it, else from the GeoJSON (runs before issue 18). They read heatplan 0.1 run folders
 * (CONTRACT_VERSION), key by key as the contract declares them: no reader tries alternative keys.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCrs } from '../crs/index.js';
import { InputError } from '../errors.js';
import type { Raster } from '../grid/grid.js';
import { readFgbLayer } from '../io/fgb.js';
import { readFeatureCollection } from '../io/geojson-stream.js';
import { readGeoTiff } from '../io/geotiff.js';
import { readManifest } from '../io/run-folder.js';
import {
  CONTRACT_VERSION,
  DEMAND_BANDS,
  FILES,
  FILE_WRITER,
  NETWORK_KINDS,
  parseHourlyColumn,
  POTENTIAL_BANDS,
  type AreasCollection,
  type BlocksCollection,
  type BuildingsCollection,
  type HourlyColumn,
  type Manifest,
  type NetworkCollection,
  type RoadsCollection,
  type RunFileKey,
  type SimFile,
  type VectorLayer,
  VECTOR_LAYERS,
} from './contract.js';

/** A run folder whose manifest has been read. */
export interface RunFolder {
  /** Absolute path of the folder. */
  dir: string;
  manifest: Manifest;
  /** Path of a run file. */
  path(key: RunFileKey): string;
  /** Whether the run has the file. */
  has(key: RunFileKey): boolean;
}

/** The FlatGeobuf form of a layer's GeoJSON key (buildings -> buildingsFgb), if it has one. */
const fgbOf = (key: RunFileKey): RunFileKey | undefined => (key in VECTOR_LAYERS ? VECTOR_LAYERS[key as VectorLayer].fgb : undefined);

/**
 * Path of run file `key` in `dir`. For the large vector layers (`buildings`, `network`) the file the readers take:
 * the .fgb where the run has it, else the .geojson (runs before issue 18, batch merges). A .geojson changed after the
 * .fgb (by hand or by a tool; the stages write the twin first and the .fgb last) is taken instead, as the newer data.
 */
export const runFile = (dir: string, key: RunFileKey): string => {
  const fgb = fgbOf(key);
  const geojson = join(dir, FILES[key]);
  if (!fgb) return geojson;
  const f = statSync(join(dir, FILES[fgb]), { throwIfNoEntry: false });
  if (!f?.isFile()) return geojson;
  const g = statSync(geojson, { throwIfNoEntry: false });
  return g && g.mtimeMs > f.mtimeMs ? geojson : join(dir, FILES[fgb]);
};

/** Whether `dir` holds run file `key` (for `buildings` and `network`: the .fgb or the .geojson). */
export const hasRunFile = (dir: string, key: RunFileKey): boolean => existsSync(runFile(dir, key));

const bad = (file: string, message: string, value?: unknown, record?: string | number): InputError =>
  new InputError('run-bad-file', message, { file, value, record, hint: `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun the stage that writes it` });

async function requireFile(dir: string, key: RunFileKey): Promise<string> {
  const file = runFile(dir, key);
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) {
    const fgb = fgbOf(key);
    throw new InputError('run-missing-file', `${fgb ? `neither ${FILES[fgb]} nor ${FILES[key]} is` : `${FILES[key]} is not`} in the run folder`, { file, hint: `run \`${FILE_WRITER[key]}\` on this run first` });
  }
  return file;
}

/**
 * manifest.json, checked for the keys every heatplan 0.1 run has (heatplan.version, created, inputs, stages).
 * Errors: 'run-missing' (no manifest: not a run folder), 'run-bad-manifest'.
 */
export async function readRun(dir: string): Promise<RunFolder> {
  const abs = resolve(dir);
  const manifest = await readManifest(abs);
  const file = join(abs, FILES.manifest);
  const fail = (what: string, value?: unknown) =>
    new InputError('run-bad-manifest', `manifest.json is not a heatplan ${CONTRACT_VERSION} manifest: ${what}`, { file, value });
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw fail('not a JSON object');
  if (typeof manifest.heatplan?.version !== 'string') throw fail('no heatplan.version', manifest.heatplan);
  if (!Array.isArray(manifest.stages)) throw fail('stages is not a list', manifest.stages);
  if (!Array.isArray(manifest.inputs)) throw fail('inputs is not a list', manifest.inputs);
  return { dir: abs, manifest, path: (key) => runFile(abs, key), has: (key) => hasRunFile(abs, key) };
}

// ---------------------------------------------------------------------------------------------------------------
// rasters

export interface RasterReadOptions {
  /** The run's working CRS ('EPSG:6680'): the raster must be in it ('raster-crs-mismatch'). */
  crs?: string;
}

/**
 * Band counts of older runs that readers still accept (their first bands are the contract's, by position and name):
 * potential.tif had 6 bands before the seed-000 source layers (issue 19); demand.tif is read only with its 5 bands.
 */
const OLDER_BAND_COUNTS: Record<'demand' | 'potential', number[]> = { demand: [], potential: [6] };

async function readRunRaster(dir: string, key: 'demand' | 'potential', bandCount: number, o: RasterReadOptions): Promise<Raster & { file: string }> {
  const file = await requireFile(dir, key);
  const r = await readGeoTiff(file);
  if (o.crs && r.crs !== o.crs && parseCrs(r.crs, { file }).proj4 !== parseCrs(o.crs).proj4) {
    throw new InputError('raster-crs-mismatch', `raster CRS ${r.crs} is not the run's working CRS ${o.crs}`, {
      file,
      value: r.crs,
      hint: 'the run folder mixes files of different runs; rerun the stage that wrote it',
    });
  }
  if (r.bands.length !== bandCount && !OLDER_BAND_COUNTS[key].includes(r.bands.length))
    throw bad(file, `${FILES[key]} has ${r.bands.length} bands, the contract ${bandCount}${OLDER_BAND_COUNTS[key].length ? ` (older runs: ${OLDER_BAND_COUNTS[key].join(', ')})` : ''}`, r.names);
  return { ...r, file };
}

/** demand.tif: bands floor area m², annual heat MWh/a, peak kW per cell (DEMAND_BANDS, by position). */
export interface DemandRaster extends Raster {
  file: string;
  floorArea: Float64Array;
  annualHeat: Float64Array;
  peak: Float64Array;
}

export async function readDemand(dir: string, o: RasterReadOptions = {}): Promise<DemandRaster> {
  const r = await readRunRaster(dir, 'demand', DEMAND_BANDS.length, o);
  return { ...r, floorArea: r.bands[0]!, annualHeat: r.bands[1]!, peak: r.bands[2]! };
}

/** potential.tif: the four source bands (kW), coverage and suitability (POTENTIAL_BANDS, by position and name). */
export interface PotentialRaster extends Raster {
  file: string;
  sources: { sewage: Float64Array; river: Float64Array; ground: Float64Array; waste_heat: Float64Array };
  coverage: Float64Array;
  suitability: Float64Array;
}

export async function readPotential(dir: string, o: RasterReadOptions = {}): Promise<PotentialRaster> {
  const r = await readRunRaster(dir, 'potential', POTENTIAL_BANDS.length, o);
  POTENTIAL_BANDS.slice(0, r.bands.length).forEach((b, i) => {
    if (r.names[i] !== b.name) throw bad(r.file, `band ${i + 1} of potential.tif is "${r.names[i]}", the contract "${b.name}"`, r.names);
  });
  const [sewage, river, ground, waste_heat, coverage, suitability] = r.bands as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { ...r, sources: { sewage, river, ground, waste_heat }, coverage, suitability };
}

// ---------------------------------------------------------------------------------------------------------------
// JSON files

async function readJsonFile(dir: string, key: RunFileKey): Promise<{ file: string; value: unknown }> {
  const file = await requireFile(dir, key);
  const text = await readFile(file, 'utf8');
  try {
    return { file, value: JSON.parse(text) };
  } catch (e) {
    throw bad(file, `not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * A GeoJSON file of the run, read feature by feature (engine/io/geojson-stream.ts): a city's buildings.geojson or
 * network.geojson is larger than the longest string V8 can hold and is never read as one. Each feature is checked
 * (a GeoJSON Feature, properties {} where null) and then given to `keep`, whose result is what the collection holds.
 */
async function readCollection<F = unknown>(
  dir: string,
  key: RunFileKey,
  keep?: (feature: F, index: number) => F,
): Promise<{ file: string; fc: { type: 'FeatureCollection'; features: F[]; properties?: unknown } }> {
  const file = await requireFile(dir, key);
  const hint = `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun \`${FILE_WRITER[key]}\``;
  const map = (f: unknown, i: number): F => {
    const ft = f as { type?: unknown; properties?: unknown } | null;
    if (!ft || typeof ft !== 'object' || ft.type !== 'Feature') throw bad(file, 'not a GeoJSON Feature', ft?.type, i);
    if (ft.properties === undefined || ft.properties === null) (ft as { properties: object }).properties = {};
    return keep ? keep(ft as F, i) : (ft as F);
  };
  // the FlatGeobuf form where the run has it: the same features and members as the GeoJSON twin (engine/io/fgb.ts)
  const value = file.endsWith('.fgb') ? await readFgbLayer(file, { code: 'run-bad-file', hint, map }) : await readFeatureCollection(file, { code: 'run-bad-file', hint, map });
  const fc = value as { type?: unknown; features?: unknown };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw bad(file, 'not a GeoJSON FeatureCollection', fc?.type);
  return { file, fc: fc as { type: 'FeatureCollection'; features: F[] } };
}

/** Options of the readers of large vector files. */
export interface CollectionReadOptions<F> {
  /**
   * What to keep of each feature (checked already): for a city of a million buildings, keep only what is used and
   * the collection stays small. Default: the whole feature.
   */
  keep?: (feature: F, index: number) => F;
}

/** blocks.geojson. */
export async function readBlocks(dir: string): Promise<BlocksCollection> {
  return (await readCollection(dir, 'blocks')).fc as BlocksCollection;
}

/** buildings.fgb, else buildings.geojson (the same collection: features, then `files`). */
export async function readBuildings(dir: string, o: CollectionReadOptions<BuildingsCollection['features'][number]> = {}): Promise<BuildingsCollection> {
  return (await readCollection(dir, 'buildings', o.keep)).fc as BuildingsCollection;
}

/** areas.geojson. */
export async function readAreas(dir: string): Promise<AreasCollection> {
  return (await readCollection(dir, 'areas')).fc as AreasCollection;
}

/** roads.geojson. */
export async function readRoads(dir: string): Promise<RoadsCollection> {
  return (await readCollection(dir, 'roads')).fc as RoadsCollection;
}

/** network.fgb, else network.geojson; every feature has a `kind` of NETWORK_KINDS. */
export async function readNetwork(dir: string): Promise<NetworkCollection> {
  const { file, fc } = await readCollection(dir, 'network');
  fc.features.forEach((f, i) => {
    const kind = (f as { properties: { kind?: unknown } }).properties.kind;
    if (!(NETWORK_KINDS as readonly unknown[]).includes(kind)) throw bad(file, `feature kind must be one of ${NETWORK_KINDS.join(', ')}`, kind, i);
  });
  if (fc.properties === undefined || fc.properties === null) fc.properties = {};
  return fc as NetworkCollection;
}

/** sim.json. */
export async function readSim(dir: string): Promise<SimFile> {
  const { file, value } = await readJsonFile(dir, 'sim');
  const s = value as Partial<SimFile> | null;
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw bad(file, 'not a JSON object');
  if (!Array.isArray(s.cases)) throw bad(file, 'no list of cases', s.cases);
  if (!s.summary || typeof s.summary !== 'object') throw bad(file, 'no summary', s.summary);
  return s as SimFile;
}

// ---------------------------------------------------------------------------------------------------------------
// hourly.csv

export type HourlyTableColumn = (HourlyColumn | { name: string; kind: 'other' }) & { values: Float64Array };

/** hourly.csv as columns (the hour column included), each classified by the contract. */
export interface HourlyTable {
  file: string;
  hours: number;
  columns: HourlyTableColumn[];
}

/** Split one CSV header line (fields quoted with "" where they hold a comma or quote). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') (s += '"'), (i += 2);
        else if (line[i] === '"') break;
        else s += line[i++];
      }
      out.push(s);
      i += 2;
    } else {
      const j = line.indexOf(',', i);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i, end).trim());
      i = end + 1;
    }
  }
  return out;
}

export async function readHourly(dir: string): Promise<HourlyTable> {
  const file = await requireFile(dir, 'hourly');
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw bad(file, 'empty file');
  const header = csvFields(lines[0]!);
  if (header[0] !== 'hour') throw bad(file, 'the first column must be "hour"', header[0], 1);
  const hours = lines.length - 1;
  const columns: HourlyTableColumn[] = header.map((name) => ({ ...(parseHourlyColumn(name) ?? { name, kind: 'other' as const }), values: new Float64Array(hours) }));
  for (let r = 0; r < hours; r++) {
    const cells = lines[r + 1]!.split(',');
    if (cells.length !== header.length) throw bad(file, `row has ${cells.length} fields, the header ${header.length}`, undefined, r + 2);
    for (let c = 0; c < columns.length; c++) columns[c]!.values[r] = Number(cells[c]);
  }
  return { file, hours, columns };
}
