/**
 * Road lines for the network stage: OSM PBF (highway=*), shapefiles (.shp with .prj) and GeoJSON lines, projected to
 * the working CRS. Which road classes may carry pipes is an option (OSM `highway` values; for shapefiles/GeoJSON the
 * `highway` property when present, else every line). Bridges, tunnels and layers are kept so that the graph builder
 * does not join roads that only cross over each other.
 *
 * CRS of the roads: OSM is WGS84; shapefiles and GeoJSON follow openVector's rule (engine/io/vector.ts): `roadsCrs`
 * if given, else the .prj or GeoJSON `crs` member, else WGS84 for GeoJSON (RFC 7946; coordinates outside lon/lat
 * range are a CrsError naming --roads-crs); a shapefile without .prj needs `roadsCrs`. The caller checks that roads
 * and buildings overlap.
 *
 * Not read, each with a message saying why and how to convert (README, "Roads for a Japanese town"): GeoPackage
 * (.gpkg, needs a SQLite reader: none is installed, Node 20 has no node:sqlite), FlatGeobuf (.fgb, needs the
 * flatgeobuf package, not installed), zips, and PLATEAU downloads, whose udx/tran holds road areas (polygons), not
 * the centre lines routing follows.
 */
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { transformer, WGS84, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import type { ProgressFn } from '../util/progress.js';
import type { RoadLine } from '../network/road-graph.js';
import { scanOsmPbf } from './osm-pbf.js';
import { partsBBox } from '../geom/rings.js';
import { openVector, type VectorGeometry } from './vector.js';
import { hasUdx, plateauFolder, zipHolds } from './plateau.js';
import { openZip } from './zip.js';

/**
 * highway=* values that do not carry pipes by default. ASSUMPTION (no source in METHODS.md): motorways and trunk roads
 * are not dug up for distribution pipes; construction/proposed/abandoned ways do not exist yet or any more; steps,
 * platforms, corridors, elevators, raceways, bus guideways and escape lanes are not streets.
 */
export const DEFAULT_EXCLUDED_HIGHWAYS = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'construction',
  'proposed',
  'abandoned',
  'disused',
  'razed',
  'platform',
  'steps',
  'corridor',
  'elevator',
  'raceway',
  'bus_guideway',
  'escape',
  'via_ferrata',
  'bus_stop',
  'rest_area',
  'services',
];

export interface ReadRoadsOptions {
  /** working CRS the lines are projected to */
  crs: Crs;
  /** CRS of a roads shapefile/GeoJSON (wins over the file's declaration) */
  roadsCrs?: Crs;
  /** only these highway values carry pipes (default: all but `exclude`) */
  include?: string[];
  /** highway values that do not carry pipes (default DEFAULT_EXCLUDED_HIGHWAYS) */
  exclude?: string[];
  warnings?: Warnings;
  onProgress?: ProgressFn;
}

export interface RoadsRead {
  lines: RoadLine[];
  format: 'osm-pbf' | 'shapefile' | 'geojson';
  sourceCrs: Crs;
  /** whether the source CRS was not declared (GeoJSON without a crs member and no roadsCrs: WGS84 by RFC 7946) */
  crsAssumed: boolean;
  /** [minX, minY, maxX, maxY] in the working CRS */
  bbox: [number, number, number, number];
  /** lines left out because their class does not carry pipes, by class */
  excludedByClass: Record<string, number>;
}

const truthy = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && !['no', 'false', '0', ''].includes(v.toLowerCase()));

/** Read road lines from `path` (format by extension); see the file header. */
export async function readRoads(path: string, opts: ReadRoadsOptions): Promise<RoadsRead> {
  if (!existsSync(path)) throw new InputError('file-not-found', 'roads file not found', { file: path });
  await refuseUnreadable(path);
  if ((await stat(path)).isDirectory()) throw new InputError('roads-bad-format', 'roads path is a folder; pass a .osm.pbf, .shp or .geojson file', { file: path });
  const warnings = opts.warnings ?? new Warnings();
  const exclude = new Set(opts.exclude ?? DEFAULT_EXCLUDED_HIGHWAYS);
  const include = opts.include ? new Set(opts.include) : undefined;
  const excludedByClass: Record<string, number> = {};
  const carries = (hw: string | undefined): boolean => {
    if (hw === undefined) return true;
    const ok = include ? include.has(hw) : !exclude.has(hw);
    if (!ok) excludedByClass[hw] = (excludedByClass[hw] ?? 0) + 1;
    return ok;
  };
  const lower = path.toLowerCase();
  let result: Omit<RoadsRead, 'bbox' | 'excludedByClass'>;
  if (lower.endsWith('.pbf')) result = await readPbf(path, opts, carries, warnings);
  else result = await readVectorRoads(path, opts, carries, warnings);
  const bbox = partsBBox(result.lines.map((l) => l.coords));
  if (result.lines.length === 0) {
    throw new InputError('roads-empty', 'no road lines that may carry pipes', {
      file: path,
      value: excludedByClass,
      hint: 'check the file and --road-classes / --exclude-road-classes',
    });
  }
  return { ...result, bbox, excludedByClass };
}

async function readPbf(path: string, opts: ReadRoadsOptions, carries: (hw?: string) => boolean, warnings: Warnings): Promise<Omit<RoadsRead, 'bbox' | 'excludedByClass'>> {
  const scan = await scanOsmPbf(path, {
    keepWay: (t) => t.highway !== undefined && t.area !== 'yes' && carries(t.highway),
    onProgress: opts.onProgress,
  });
  const tr = transformer(WGS84, opts.crs);
  const lines: RoadLine[] = [];
  for (const w of scan.ways) {
    // a clipped extract can lack nodes: the way is cut there
    let coords: number[] = [];
    let ids: number[] = [];
    const flush = (): void => {
      if (ids.length >= 2) lines.push(wayLine(w, coords, ids));
      coords = [];
      ids = [];
    };
    for (const ref of w.refs) {
      const ll = scan.nodes.get(ref);
      if (!ll) {
        warnings.add('road-missing-node', 'way refers to a node missing from the extract; cut there', { file: path, record: `way ${w.id}` });
        flush();
        continue;
      }
      const [x, y] = tr.forward(ll[0], ll[1]);
      coords.push(x, y);
      ids.push(ref);
    }
    flush();
  }
  return { lines, format: 'osm-pbf', sourceCrs: WGS84, crsAssumed: false };
}

function wayLine(w: { id: number; tags: Record<string, string> }, coords: number[], ids: number[]): RoadLine {
  const layer = Number.parseInt(w.tags.layer ?? '0', 10);
  return {
    id: `way ${w.id}`,
    coords,
    nodeIds: ids,
    highway: w.tags.highway,
    bridge: truthy(w.tags.bridge),
    tunnel: truthy(w.tags.tunnel),
    layer: Number.isFinite(layer) ? layer : 0,
  };
}

type Geom = VectorGeometry | null;

function featureLines(
  geom: Geom,
  props: Record<string, unknown> | null,
  record: string | number,
  file: string,
  carries: (hw?: string) => boolean,
  warnings: Warnings,
  out: { id: string | number; coords: number[]; props: Record<string, unknown> }[],
): void {
  const p = props ?? {};
  if (!geom) {
    warnings.add('road-no-geometry', 'road feature without geometry skipped', { file, record });
    return;
  }
  const hw = typeof p.highway === 'string' ? p.highway : undefined;
  if (!carries(hw)) return;
  const parts: unknown[] =
    geom.type === 'LineString' ? [geom.coordinates] : geom.type === 'MultiLineString' ? (geom.coordinates as unknown[]) : [];
  if (parts.length === 0) {
    warnings.add('road-not-line', 'road feature that is not a (Multi)LineString skipped', { file, record, message: `geometry type ${geom.type}` });
    return;
  }
  parts.forEach((part, k) => {
    const coords: number[] = [];
    for (const c of part as number[][]) {
      if (!Array.isArray(c) || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
        throw new InputError('road-bad-coordinate', 'road line has an invalid coordinate', { file, record, value: c });
      }
      coords.push(c[0]!, c[1]!);
    }
    out.push({ id: parts.length > 1 ? `${record}.${k}` : record, coords, props: p });
  });
}

/** Road lines of a shapefile or GeoJSON (openVector), projected to the working CRS. */
async function readVectorRoads(path: string, opts: ReadRoadsOptions, carries: (hw?: string) => boolean, warnings: Warnings): Promise<Omit<RoadsRead, 'bbox' | 'excludedByClass'>> {
  const file = await openVector(path, {
    what: 'roads',
    sourceCrs: opts.roadsCrs,
    crsOption: '--roads-crs',
    warnings,
    codes: { format: 'roads-bad-format' },
  });
  const raw: { id: string | number; coords: number[]; props: Record<string, unknown> }[] = [];
  // ids as before: the GeoJSON feature id, else the 0-based feature / record index
  for await (const f of file.features()) featureLines(f.geometry, f.properties, f.id ?? f.record - 1, path, carries, warnings, raw);
  const tr = transformer(file.crs, opts.crs);
  const lines: RoadLine[] = raw.map((r) => {
    const xy = Float64Array.from(r.coords);
    tr.forwardFlat(xy);
    const layer = Number.parseInt(String(r.props.layer ?? '0'), 10);
    return {
      id: r.id,
      coords: xy,
      highway: typeof r.props.highway === 'string' ? r.props.highway : undefined,
      bridge: truthy(r.props.bridge),
      tunnel: truthy(r.props.tunnel),
      layer: Number.isFinite(layer) ? layer : 0,
    };
  });
  return { lines, format: file.format, sourceCrs: file.crs, crsAssumed: file.crsFrom === 'rfc7946' };
}

const CONVERT = 'convert it: `ogr2ogr -f GeoJSON roads.geojson IN [layer]` (GDAL), or use an OSM extract (.osm.pbf; README "Roads for a Japanese town")';
const TRAN = 'PLATEAU has roads only as area polygons (udx/tran), not the centre lines pipes are routed along; use an OSM extract of the town (.osm.pbf; README "Roads for a Japanese town")';

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Road inputs heatplan knows but does not read: an InputError saying why and what to do instead. */
async function refuseUnreadable(path: string): Promise<void> {
  const lower = path.toLowerCase();
  if ((await stat(path)).isDirectory()) {
    let plateau: boolean;
    try {
      plateau = plateauFolder(path) !== undefined;
    } catch {
      plateau = true; // several city folders
    }
    if (plateau) throw new InputError('roads-plateau', `the roads path is a PLATEAU download: ${TRAN}`, { file: path });
    return;
  }
  if (lower.endsWith('.gpkg')) {
    const sqlite = (await head(path, 16)).toString('latin1') === 'SQLite format 3\0';
    throw new InputError(
      'roads-gpkg-unsupported',
      sqlite
        ? 'GeoPackage roads need a SQLite reader, and this installation has none (Node 22.5+ has node:sqlite; Node 20 does not, and no SQLite package is installed)'
        : 'the .gpkg file is not a GeoPackage (no SQLite header)',
      { file: path, hint: CONVERT },
    );
  }
  if (lower.endsWith('.fgb')) {
    const magic = (await head(path, 8)).subarray(0, 3).toString('latin1') === 'fgb';
    throw new InputError('roads-fgb-unsupported', magic ? 'FlatGeobuf roads need the flatgeobuf package, which is not installed' : 'the .fgb file is not FlatGeobuf (no fgb magic bytes)', {
      file: path,
      hint: CONVERT,
    });
  }
  if (lower.endsWith('.zip')) {
    const zip = await openZip(path);
    if (hasUdx(zip)) throw new InputError('roads-plateau', `the roads path is a PLATEAU city zip: ${TRAN}`, { file: path });
    throw new InputError('roads-zip', `roads are not read from inside a zip; ${zipHolds(zip)}`, {
      file: path,
      hint: 'unzip it and pass the road file (.osm.pbf, .shp with its .dbf/.prj, .geojson)',
    });
  }
}
