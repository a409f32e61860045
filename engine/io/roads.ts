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
 * GeoPackage (.gpkg, through sql.js: engine/io/roads-gpkg.ts; `layer` picks the feature table, else the one line
 * table) and FlatGeobuf (.fgb, through the flatgeobuf package: engine/io/roads-fgb.ts) read the same way: the layer's
 * own CRS (or `roadsCrs`), the `highway` attribute when present, lon/lat range checked when geographic.
 *
 * Not read, each with a message saying why and what to do instead (README, "Roads for a Japanese town"): zips, and
 * PLATEAU downloads, whose udx/tran holds road areas (polygons), not the centre lines routing follows.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { transformer, WGS84, type Crs } from '../crs/index.js';
import { CrsError, InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import type { ProgressFn } from '../util/progress.js';
import type { RoadLine } from '../network/road-graph.js';
import { scanOsmPbf } from './osm-pbf.js';
import { partsBBox } from '../geom/rings.js';
import { openVector, type VectorGeometry } from './vector.js';
import { hasUdx, plateauFolder, zipHolds } from './plateau.js';
import { openZip } from './zip.js';
import { readGpkgLayer } from './roads-gpkg.js';
import { readFgb } from './roads-fgb.js';

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
  /** CRS of a roads shapefile/GeoJSON/GeoPackage/FlatGeobuf (wins over the file's declaration) */
  roadsCrs?: Crs;
  /** the GeoPackage feature table holding the roads (default: its one line layer) */
  layer?: string;
  /** only these highway values carry pipes (default: all but `exclude`) */
  include?: string[];
  /** highway values that do not carry pipes (default DEFAULT_EXCLUDED_HIGHWAYS) */
  exclude?: string[];
  warnings?: Warnings;
  onProgress?: ProgressFn;
}

export interface RoadsRead {
  lines: RoadLine[];
  format: 'osm-pbf' | 'shapefile' | 'geojson' | 'gpkg' | 'fgb';
  /** the GeoPackage layer read */
  layer?: string;
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
  if ((await stat(path)).isDirectory()) throw new InputError('roads-bad-format', 'roads path is a folder; pass a .osm.pbf, .gpkg, .fgb, .shp or .geojson file', { file: path });
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
  else if (lower.endsWith('.gpkg') || lower.endsWith('.fgb')) result = await readLayerRoads(path, opts, carries, warnings);
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
  const lines = projectLines(raw, file.crs, opts.crs);
  return { lines, format: file.format, sourceCrs: file.crs, crsAssumed: file.crsFrom === 'rfc7946' };
}

type RawLine = { id: string | number; coords: number[]; props: Record<string, unknown> };

/** Raw lines in `from` -> RoadLines in the working CRS, with highway, bridge, tunnel and layer from the attributes. */
function projectLines(raw: RawLine[], from: Crs, to: Crs): RoadLine[] {
  const tr = transformer(from, to);
  return raw.map((r) => {
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
}

/** Road lines of a GeoPackage layer or a FlatGeobuf file, projected to the working CRS. */
async function readLayerRoads(path: string, opts: ReadRoadsOptions, carries: (hw?: string) => boolean, warnings: Warnings): Promise<Omit<RoadsRead, 'bbox' | 'excludedByClass'>> {
  const gpkg = path.toLowerCase().endsWith('.gpkg');
  const crsOption = 'roadsCrs (--roads-crs)';
  const read = gpkg ? await readGpkgLayer(path, { layer: opts.layer, sourceCrs: opts.roadsCrs, crsOption }) : await readFgb(path, { sourceCrs: opts.roadsCrs, crsOption });
  if (!gpkg && opts.layer !== undefined) warnings.add('roads-layer-ignored', 'roadsLayer applies to GeoPackage files only; a FlatGeobuf file holds one layer', { file: path, message: `roadsLayer ${opts.layer} ignored` });
  const raw: RawLine[] = [];
  for (const f of read.features) {
    // ids: the feature id (GeoPackage fid), else the 1-based row
    featureLines(f.geometry, f.properties, f.id ?? f.record, path, carries, warnings, raw);
  }
  if (read.crs.geographic) {
    for (const r of raw) {
      for (let i = 0; i < r.coords.length; i += 2) {
        const lon = r.coords[i]!, lat = r.coords[i + 1]!;
        if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
          throw new CrsError('crs-lonlat-range', `not lon/lat: pass ${crsOption}: roads: the layer's CRS is ${read.crs.code}, lon/lat, but this coordinate is not (|lon| <= 180, |lat| <= 90)`, {
            file: path,
            record: r.id,
            value: [lon, lat],
            hint: 'the file looks projected: pass the source CRS with --roads-crs EPSG:N',
          });
        }
      }
    }
  }
  const layer = 'layer' in read ? read.layer : undefined;
  return { lines: projectLines(raw, read.crs, opts.crs), format: gpkg ? 'gpkg' : 'fgb', layer, sourceCrs: read.crs, crsAssumed: false };
}

const TRAN = 'PLATEAU has roads only as area polygons (udx/tran), not the centre lines pipes are routed along; use an OSM extract of the town (.osm.pbf; README "Roads for a Japanese town")';

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
  if (lower.endsWith('.zip')) {
    const zip = await openZip(path);
    if (hasUdx(zip)) throw new InputError('roads-plateau', `the roads path is a PLATEAU city zip: ${TRAN}`, { file: path });
    throw new InputError('roads-zip', `roads are not read from inside a zip; ${zipHolds(zip)}`, {
      file: path,
      hint: 'unzip it and pass the road file (.osm.pbf, .gpkg, .fgb, .shp with its .dbf/.prj, .geojson)',
    });
  }
}
