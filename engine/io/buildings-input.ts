/**
 * Building input dispatch: one function that reads any mix of PLATEAU CityGML (.gml, .gml.gz, folders of tiles),
 * OSM PBF, shapefile and GeoJSON into one lon/lat building table.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { checkLonLatTable, dropImplausibleFootprints } from '../buildings/geometry.js';
import { BuildingTableBuilder, type BuildingTable } from '../buildings/table.js';
import { lookupEpsg } from '../crs/index.js';
import { InputError } from '../errors.js';
import type { ProgressFn } from '../util/progress.js';
import type { Warnings } from '../util/warnings.js';
import { readCityGmlBuildings } from './citygml/buildings.js';
import { readOsmBuildings } from './osm-buildings.js';
import { readVectorBuildings, type AttributeMapping } from './vector-buildings.js';

export type BuildingFormat = 'citygml' | 'osm' | 'shapefile' | 'geojson';

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

/** Format of one input path, from its name (and, for folders, their content). */
export function detectFormat(path: string): BuildingFormat {
  if (!existsSync(path)) throw new InputError('file-missing', 'input does not exist', { file: path });
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path);
    if (names.some((n) => /\.gml(\.gz)?$/i.test(n))) return 'citygml';
    throw new InputError('input-folder', 'folder holds no CityGML tiles (*.gml, *.gml.gz)', { file: path, hint: 'pass files directly for other formats' });
  }
  const p = path.toLowerCase();
  if (p.endsWith('.gml') || p.endsWith('.gml.gz') || p.endsWith('.xml')) return 'citygml';
  if (p.endsWith('.osm.pbf') || p.endsWith('.pbf')) return 'osm';
  if (p.endsWith('.shp')) return 'shapefile';
  if (p.endsWith('.geojson') || p.endsWith('.json')) return 'geojson';
  throw new InputError('input-format', `unknown building file type "${extname(path)}"`, {
    file: path,
    hint: 'heatplan reads .gml/.gml.gz (PLATEAU CityGML, or a folder of tiles), .osm.pbf, .shp, .geojson',
  });
}

/**
 * Read every input into one table in lon/lat (EPSG:6668 ≈ WGS84). Buildings whose footprint no building can have
 * are dropped and counted ('footprint-too-large', engine/buildings/geometry.ts MAX_FOOTPRINT_SPAN_M).
 */
export async function readBuildingInputs(paths: string[], warnings: Warnings, opts: BuildingInputOptions = {}): Promise<BuildingTable> {
  if (paths.length === 0) throw new InputError('no-input', 'no building input given', { hint: 'pass --buildings PATH...' });
  const builder = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
  const gml: string[] = [];
  for (const p of paths) {
    const f = detectFormat(p);
    if (f === 'citygml') gml.push(p);
  }
  if (gml.length) await readCityGmlBuildings(gml, builder, warnings, { onProgress: opts.onProgress });
  for (const p of paths) {
    const f = detectFormat(p);
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
