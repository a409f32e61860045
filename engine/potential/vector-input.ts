/**
 * Reading heat-source vectors (sewer lines, rivers, waste-heat points) from GeoJSON, shapefiles and PLATEAU CityGML
 * into the run's working CRS. Geometry is kept by kind: polylines, polygons (rings, no closing vertex) and points.
 * GeoJSON and shapefiles are opened by openVector (engine/io/vector.ts), so their CRS follows its one rule:
 * `sourceCrs`, else the .prj / `crs` member, else WGS84 for GeoJSON; a shapefile without either is a CrsError.
 * A PLATEAU download as published (the city .zip, its folder or its udx folder) gives the layer the features live in
 * (WaterBody: udx/wtr; sewer pipes: udx/unf), and a folder of .gml files gives them all (engine/io/plateau.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Geometry, Position } from 'geojson';
import { transformer, WGS84, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { readCityGmlLines } from '../io/citygml/lines.js';
import { readCityGmlPolygons } from '../io/citygml/polygons.js';
import { scanOsmPbf } from '../io/osm-pbf.js';
import { forEachLayerFile, moveWarnings, plateauLayout, requireLayer, type PlateauLayout } from '../io/plateau.js';
import { openVector } from '../io/vector.js';
import { Warnings } from '../util/warnings.js';

export interface SourceFeature {
  /** Feature id (property id, gml:id) or 1-based index. */
  id: string;
  props: Record<string, unknown>;
  /** Polylines, flat [x0, y0, x1, y1, ...] in the working CRS. */
  lines: Float64Array[];
  /** Polygons: rings (exterior first), flat, no closing vertex, working CRS. */
  polygons: Float64Array[][];
  /** Points, flat [x, y, ...]. */
  points: number[];
}

export interface VectorReadOptions {
  /** CityGML feature local names to read (e.g. ['WaterBody']). */
  cityGmlFeatures?: string[];
  /** Read CityGML curves (gml:LineString) instead of polygons: sewer pipes. */
  cityGmlLines?: boolean;
  /** CRS of GeoJSON/shapefile coordinates: wins over the .prj / `crs` member; GeoJSON defaults to WGS84 (RFC 7946). */
  sourceCrs?: string;
  /** Text encoding of the .dbf (wins over the .cpg). */
  encoding?: string;
  /** What the file holds, for messages (default 'source'). */
  what?: string;
  warnings?: Warnings;
}

/** Read `path` (.geojson/.json, .shp, .gml/.gml.gz) into features in `working` CRS. */
export async function readSourceFeatures(path: string, working: Crs, opts: VectorReadOptions = {}): Promise<SourceFeature[]> {
  if (!existsSync(path)) throw new InputError('file-missing', 'input does not exist', { file: path });
  const p = path.toLowerCase();
  if (p.endsWith('.gml') || p.endsWith('.gml.gz')) return readCityGmlSource(path, working, opts);
  if (p.endsWith('.zip') || statSync(path).isDirectory()) return readPlateauSource(path, working, opts);
  if (p.endsWith('.pbf')) return readOsmWater(path, working);
  const file = await openVector(path, { what: opts.what ?? 'source', sourceCrs: opts.sourceCrs, encoding: opts.encoding, warnings: opts.warnings });
  const t = transformer(file.crs, working);
  const out: SourceFeature[] = [];
  for await (const f of file.features()) {
    const id = String(f.properties.id ?? f.id ?? f.record);
    const sf: SourceFeature = { id, props: { ...f.properties }, lines: [], polygons: [], points: [] };
    if (!f.geometry) {
      opts.warnings?.add('vector-no-geometry', 'feature without geometry left out', { file: path, record: id });
      continue;
    }
    addGeometry(f.geometry as Geometry, sf, t, path, id);
    out.push(sf);
  }
  return out;
}

async function readCityGmlSource(path: string, working: Crs, opts: VectorReadOptions): Promise<SourceFeature[]> {
  const names = opts.cityGmlFeatures ?? ['WaterBody'];
  if (opts.cityGmlLines) return readCityGmlLines(path, names, working);
  const r = await readCityGmlPolygons(path, names, { crs: working, warnings: opts.warnings });
  return r.features.map((f) => ({
    id: f.id,
    props: { ...f.attributes },
    lines: [],
    polygons: f.polygons.map((poly) => poly.map((ring) => Float64Array.from(ring))),
    points: [],
  }));
}

/** The PLATEAU layer (udx/<layer>) that holds each CityGML feature type read as a heat source. */
const FEATURE_LAYER: Record<string, string> = { WaterBody: 'wtr', SewerPipe: 'unf', Pipe: 'unf', DrainagePipe: 'unf' };

/**
 * A PLATEAU download (zip, city folder, udx folder): the CityGML files of the layer the features live in, one at a
 * time; a plain folder of .gml files (udx/wtr itself): all of them. Features of every file, in path order.
 */
async function readPlateauSource(path: string, working: Crs, opts: VectorReadOptions): Promise<SourceFeature[]> {
  const what = opts.what ?? 'source';
  const names = opts.cityGmlFeatures ?? ['WaterBody'];
  let layout: PlateauLayout | undefined;
  const gmlHere = statSync(path).isDirectory() ? readdirSync(path).filter((n) => /\.gml(\.gz)?$/i.test(n)).sort() : [];
  if (gmlHere.length === 0) layout = await plateauLayout(path);
  if (!layout) {
    if (gmlHere.length === 0) {
      throw new InputError('source-folder', `the ${what} folder holds no CityGML files (*.gml) and is not a PLATEAU download (no udx/)`, {
        file: path,
        hint: 'pass a .geojson, .shp or .gml file, a folder of .gml files, or a PLATEAU city .zip or folder',
      });
    }
    const out: SourceFeature[] = [];
    for (const n of gmlHere) out.push(...(await readCityGmlSource(join(path, n), working, opts)));
    return out;
  }
  const layer = FEATURE_LAYER[names[0]!];
  if (!layer) {
    throw new InputError('source-not-plateau', `a PLATEAU download gives ${what} features of types ${Object.keys(FEATURE_LAYER).join(', ')}; ${names.join(', ')} are not among them`, {
      file: path,
      hint: 'pass the layer\'s .gml files or folder instead',
    });
  }
  requireLayer(layout, layer, `${what} (${names.join(', ')})`);
  const out: SourceFeature[] = [];
  await forEachLayerFile(layout, layer, async (file, shown) => {
    const local = new Warnings();
    const feats = await readCityGmlSource(file, working, { ...opts, warnings: local });
    if (opts.warnings) moveWarnings(local, opts.warnings, file, shown);
    out.push(...feats);
  });
  return out;
}

function flat(ps: Position[], t: ReturnType<typeof transformer>, path: string, id: string, dropClosing: boolean): Float64Array {
  const n = dropClosing && ps.length > 1 && ps[0]![0] === ps[ps.length - 1]![0] && ps[0]![1] === ps[ps.length - 1]![1] ? ps.length - 1 : ps.length;
  const a = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = Number(ps[i]![0]);
    const y = Number(ps[i]![1]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new InputError('vector-bad-coordinate', 'coordinate is not a finite number', { file: path, record: id, value: ps[i] });
    a[2 * i] = x;
    a[2 * i + 1] = y;
  }
  t.forwardFlat(a);
  return a;
}

function addGeometry(g: Geometry, sf: SourceFeature, t: ReturnType<typeof transformer>, path: string, id: string): void {
  switch (g.type) {
    case 'Point':
      sf.points.push(...flat([g.coordinates], t, path, id, false));
      break;
    case 'MultiPoint':
      sf.points.push(...flat(g.coordinates, t, path, id, false));
      break;
    case 'LineString':
      sf.lines.push(flat(g.coordinates, t, path, id, false));
      break;
    case 'MultiLineString':
      for (const l of g.coordinates) sf.lines.push(flat(l, t, path, id, false));
      break;
    case 'Polygon':
      sf.polygons.push(g.coordinates.map((r) => flat(r, t, path, id, true)));
      break;
    case 'MultiPolygon':
      for (const p of g.coordinates) sf.polygons.push(p.map((r) => flat(r, t, path, id, true)));
      break;
    case 'GeometryCollection':
      for (const c of g.geometries) addGeometry(c, sf, t, path, id);
      break;
  }
}

/** First finite number among `props[names]`; undefined when none is present; NaN when present but not a number. */
export function numberProp(props: Record<string, unknown>, names: string[]): number | undefined {
  for (const n of names) {
    const v = props[n];
    if (v === undefined || v === null || v === '') continue;
    const x = typeof v === 'number' ? v : Number(String(v).trim());
    return Number.isFinite(x) ? x : NaN;
  }
  return undefined;
}

/** OSM waterway classes read as river sources (centre lines). */
export const OSM_WATERWAYS = new Set(['river', 'stream', 'canal', 'drain', 'ditch', 'tidal_channel']);

/**
 * Water from an OSM extract: `waterway=*` lines of the classes above and closed `natural=water` ways with a flowing
 * `water=*` (river, canal, stream). Tags become properties, so `waterway` is the class a `--river-flow-class` default
 * applies to. Multipolygon riverbanks are not assembled: the centre line carries the flow.
 */
async function readOsmWater(path: string, working: Crs): Promise<SourceFeature[]> {
  const flowingArea = (t: Record<string, string>) => t.natural === 'water' && ['river', 'canal', 'stream', 'oxbow'].includes(t.water ?? '');
  const scan = await scanOsmPbf(path, { keepWay: (t) => OSM_WATERWAYS.has(t.waterway ?? '') || flowingArea(t) });
  const tr = transformer(WGS84, working);
  const out: SourceFeature[] = [];
  for (const w of scan.ways) {
    const xy: number[] = [];
    for (const r of w.refs) {
      const ll = scan.nodes.get(r);
      if (ll) xy.push(ll[0], ll[1]);
    }
    if (xy.length < 4) continue;
    const a = Float64Array.from(xy);
    tr.forwardFlat(a);
    const sf: SourceFeature = { id: `way ${w.id}`, props: { ...w.tags }, lines: [], polygons: [], points: [] };
    const closed = w.refs.length > 3 && w.refs[0] === w.refs[w.refs.length - 1];
    if (flowingArea(w.tags) && closed) sf.polygons.push([a.subarray(0, a.length - 2)]);
    else sf.lines.push(a);
    out.push(sf);
  }
  return out;
}
