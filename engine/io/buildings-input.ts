/**
 * Building input dispatch: one function that reads any mix of PLATEAU CityGML (.gml, .gml.gz, folders of tiles, and
 * PLATEAU downloads as published: the city .zip, its unzipped folder or its udx/ folder, whose udx/bldg is read;
 * engine/io/plateau.ts), OSM PBF, shapefile and GeoJSON into one lon/lat building table.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { checkLonLatTable, dropImplausibleFootprints } from '../buildings/geometry.js';
import { BuildingTableBuilder, type BuildingTable } from '../buildings/table.js';
import { lookupEpsg } from '../crs/index.js';
import { InputError } from '../errors.js';
import type { InputRecord } from '../run/contract.js';
import type { ProgressFn } from '../util/progress.js';
import { Warnings } from '../util/warnings.js';
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
  for (const s of sources) {
    const p = s.input;
    const f = s.format;
    if (f === 'osm') await readOsmBuildings(p, builder, warnings, { onProgress: opts.onProgress });
    else if (f === 'shapefile' || f === 'geojson') {
      await readVectorBuildings(p, builder, warnings, {
        mapping: opts.mapping ?? {},
        encoding: opts.encoding,
        scheme: opts.scheme,
        crs: opts.sourceCrs,
        onProgress: opts.onProgress,
      });
    }
  }
  const table = builder.finish();
  // the last check before anyone projects the table: every coordinate a lon/lat position (each reader checked its
  // own records; CrsError 'not-lonlat' naming the file and record), and no footprint larger than a building (a ring
  // crossing the antimeridian spans the globe in lon/lat and would make the CRS and the grid span it too)
  checkLonLatTable(table);
  return dropImplausibleFootprints(table, warnings);
}
