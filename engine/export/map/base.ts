/**
 * The base layer of a plan sheet, drawn from the run's own data, quietly under the thematic layers:
 * - roads: the road graph the network was routed on (roads.geojson, engine/run/read.ts readRoads);
 * - water: the potential stage's river/water input (manifest inputs of role 'rivers': PLATEAU wtr WaterBody
 *   polygons, GeoJSON/shapefile lines or polygons, read with engine/potential/vector-input.ts), and the water of every
 *   OSM extract the run read (buildings or roads .pbf, read with engine/io/osm-pbf.ts): natural=water areas and
 *   multipolygons, riverbanks, reservoirs and basins, waterway centre lines and the coastline (as a line: the sea
 *   cannot be filled from an extract's coastline pieces).
 * - names: place names the inputs carry (engine/export/map/names.ts): PLATEAU building names, OSM street, water and
 *   place names.
 * A base file that has moved or cannot be read is a counted warning, not an error: the thematic sheet stands without it.
 *
 * Raster tiles the user has (MBTiles) are read by engine/export/map/tiles.ts for the sheet's frame; PMTiles are not
 * (no reader installed).
 */
import { existsSync } from 'node:fs';
import { transformer, WGS84, type Crs } from '../../crs/index.js';
import { joinRings } from '../../io/osm-buildings.js';
import { scanOsmPbf } from '../../io/osm-pbf.js';
import { readSourceFeatures } from '../../potential/vector-input.js';
import { hasRunFile, readRoads } from '../../run/read.js';
import { Warnings } from '../../util/warnings.js';
import type { RunLayers } from './load.js';
import { partsBBox } from '../../geom/rings.js';
import type { TileImage } from './tiles.js';
import { NAMED_HIGHWAYS, plateauBuildingNames, lineMiddle, ringCentre, streetNames, type PlaceName } from './names.js';

export type Bbox = [number, number, number, number];

/** Base-layer geometry in the working CRS (flat [x, y, ...] metres). */
export interface BaseLayer {
  /** Road graph edges. */
  roads: Float64Array[];
  /** Water areas: each polygon's rings (exterior first). */
  waterAreas: Float64Array[][];
  /** Water centre lines and coastline pieces, with a class for the line width. */
  waterLines: { part: Float64Array; kind: 'river' | 'stream' | 'coast' }[];
  /** The files the water came from. */
  waterFiles: string[];
  /** Place names the inputs carry, working CRS anchors. */
  names: PlaceName[];
  /** The files the names came from. */
  nameFiles: string[];
  /** A local raster tile file resampled onto the map frame (engine/export/map/tiles.ts), drawn under everything. */
  tiles?: TileImage;
}

const OSM_FILE = /\.(osm\.pbf|pbf)$/i;
const AREA_TAGS = (t: Record<string, string>) =>
  t.natural === 'water' || t.waterway === 'riverbank' || t.waterway === 'dock' || t.landuse === 'reservoir' || t.landuse === 'basin' || t.natural === 'bay';
const LINE_WATERWAYS = new Set(['river', 'stream', 'canal', 'drain', 'ditch', 'tidal_channel']);

const bboxOf = (parts: Float64Array[]): Bbox => partsBBox(parts);

/** Whether two boxes meet. */
export const meets = (a: Bbox, b: Bbox): boolean => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** The water of an OSM extract, projected to `crs`, keeping what meets `bbox`. */
async function osmWater(path: string, crs: Crs, bbox: Bbox, out: BaseLayer): Promise<void> {
  const waterWay = (t: Record<string, string>) => AREA_TAGS(t) || LINE_WATERWAYS.has(t.waterway ?? '') || t.natural === 'coastline';
  const namedStreet = (t: Record<string, string>) => !!t.name && NAMED_HIGHWAYS.has(t.highway ?? '');
  const namedPlace = (t: Record<string, string>) => !!t.name && !!t.place && !t.highway;
  const keepWay = (t: Record<string, string>) => waterWay(t) || namedStreet(t) || namedPlace(t);
  const scan = await scanOsmPbf(path, { keepWay, keepRelation: (t) => t.type === 'multipolygon' && AREA_TAGS(t) });
  const streets: { name: string; part: Float64Array }[] = [];
  const namesBefore = out.names.length;
  const tr = transformer(WGS84, crs);
  const coords = (refs: number[]): Float64Array | undefined => {
    const xy: number[] = [];
    for (const r of refs) {
      const ll = scan.nodes.get(r);
      if (ll) xy.push(ll[0], ll[1]);
    }
    if (xy.length < 4) return undefined;
    const a = Float64Array.from(xy);
    tr.forwardFlat(a);
    return a;
  };
  const inRel = new Set<number>();
  const wayById = new Map(scan.ways.map((w) => [w.id, w]));
  for (const r of scan.relations) {
    const outer: number[][] = [];
    const inner: number[][] = [];
    for (const m of r.members) {
      if (m.type !== 'way') continue;
      const w = wayById.get(m.ref);
      if (!w) continue;
      inRel.add(w.id);
      (m.role === 'inner' ? inner : outer).push(w.refs);
    }
    const rings = joinRings([...outer, ...inner]);
    if (rings) {
      const parts = rings.map(coords).filter((a): a is Float64Array => !!a);
      if (parts.length && meets(bboxOf(parts), bbox)) {
        out.waterAreas.push(parts);
        if (r.tags.name) {
          const c = ringCentre(parts[0]!);
          out.names.push({ x: c.x, y: c.y, text: r.tags.name, kind: 'water', weight: c.size });
        }
      }
    } else {
      // clipped by the extract's edge: the pieces as shore lines
      for (const refs of [...outer, ...inner]) {
        const a = coords(refs);
        if (a && meets(bboxOf([a]), bbox)) out.waterLines.push({ part: a, kind: 'coast' });
      }
    }
  }
  for (const w of scan.ways) {
    if (inRel.has(w.id) && !keepWay(w.tags)) continue;
    const a = coords(w.refs);
    if (!a || !meets(bboxOf([a]), bbox)) continue;
    if (!waterWay(w.tags)) {
      if (namedStreet(w.tags)) streets.push({ name: w.tags.name!, part: a });
      else if (namedPlace(w.tags)) {
        const c = ringCentre(a);
        out.names.push({ x: c.x, y: c.y, text: w.tags.name!, kind: w.tags.place === 'city_block' || w.tags.place === 'plot' ? 'block' : 'place', weight: c.size });
      }
      continue;
    }
    if (w.tags.name) {
      const closedWater = w.refs.length > 3 && w.refs[0] === w.refs[w.refs.length - 1] && AREA_TAGS(w.tags);
      if (closedWater) {
        const c = ringCentre(a);
        out.names.push({ x: c.x, y: c.y, text: w.tags.name, kind: 'water', weight: c.size });
      } else if (LINE_WATERWAYS.has(w.tags.waterway ?? '')) {
        const m = lineMiddle(a);
        out.names.push({ x: m.x, y: m.y, text: w.tags.name, kind: 'water', weight: m.length });
      }
    }
    const closed = w.refs.length > 3 && w.refs[0] === w.refs[w.refs.length - 1];
    if (AREA_TAGS(w.tags) && closed) {
      if (!inRel.has(w.id)) out.waterAreas.push([a]);
    } else if (w.tags.natural === 'coastline' || AREA_TAGS(w.tags)) out.waterLines.push({ part: a, kind: 'coast' });
    else out.waterLines.push({ part: a, kind: w.tags.waterway === 'river' || w.tags.waterway === 'canal' ? 'river' : 'stream' });
  }
  out.names.push(...streetNames(streets));
  if (out.names.length > namesBefore) out.nameFiles.push(path);
}

/** Water features of a potential-stage river input (PLATEAU wtr, GeoJSON, shapefile), projected to `crs`. */
async function riverInputWater(path: string, crs: Crs, bbox: Bbox, out: BaseLayer): Promise<void> {
  // the potential stage counted this file's problems already: the sheet does not count them again
  const feats = await readSourceFeatures(path, crs, { cityGmlFeatures: ['WaterBody'], what: 'water', warnings: new Warnings() });
  for (const f of feats) {
    for (const poly of f.polygons) if (poly.length && meets(bboxOf(poly), bbox)) out.waterAreas.push(poly);
    for (const l of f.lines) if (meets(bboxOf([l]), bbox)) out.waterLines.push({ part: l, kind: 'river' });
  }
}

/**
 * Read the base layer of `run` for the ground box `bbox` (working CRS): roads when the run has roads.geojson, water
 * from its river input and its OSM extracts.
 */
export async function loadBaseLayer(run: RunLayers, bbox: Bbox, warnings: Warnings): Promise<BaseLayer> {
  const out: BaseLayer = { roads: [], waterAreas: [], waterLines: [], waterFiles: [], names: [], nameFiles: [] };
  if (hasRunFile(run.dir, 'roads')) {
    const fc = await readRoads(run.dir);
    const tr = transformer(WGS84, run.crs);
    for (const f of fc.features) {
      const g = f.geometry as { type?: string; coordinates?: unknown } | null;
      const lines = g?.type === 'LineString' ? [g.coordinates as number[][]] : g?.type === 'MultiLineString' ? (g.coordinates as number[][][]) : [];
      for (const l of lines) {
        if (!Array.isArray(l) || l.length < 2) continue;
        const a = new Float64Array(l.length * 2);
        for (let i = 0; i < l.length; i++) {
          a[2 * i] = Number(l[i]![0]);
          a[2 * i + 1] = Number(l[i]![1]);
        }
        tr.forwardFlat(a);
        if (a.every(Number.isFinite) && meets(bboxOf([a]), bbox)) out.roads.push(a);
      }
    }
  }
  const seen = new Set<string>();
  for (const r of run.manifest.inputs ?? []) {
    const p = typeof r?.path === 'string' ? r.path : '';
    if (!p || seen.has(p)) continue;
    const osm = OSM_FILE.test(p);
    if (!osm && r.role !== 'rivers') continue;
    seen.add(p);
    if (!existsSync(p)) {
      warnings.add('base-water-missing', 'base layer: an input the water is drawn from is no longer where the run read it; water not drawn from it', { file: p });
      continue;
    }
    const before = out.waterAreas.length + out.waterLines.length;
    try {
      if (osm) await osmWater(p, run.crs, bbox, out);
      else await riverInputWater(p, run.crs, bbox, out);
    } catch (e) {
      warnings.add('base-water-unreadable', 'base layer: water could not be read from an input; not drawn', { file: p, message: (e as Error).message });
      continue;
    }
    if (out.waterAreas.length + out.waterLines.length > before) out.waterFiles.push(p);
  }
  await buildingNames(run, bbox, out, warnings);
  return out;
}

/** Names of PLATEAU buildings (gml:name) at their centroids, for the buildings drawn on the sheet. */
async function buildingNames(run: RunLayers, bbox: Bbox, out: BaseLayer, warnings: Warnings): Promise<void> {
  if (!run.buildings?.length) return;
  const files = [...new Set((run.manifest.inputs ?? []).filter((r) => r?.role === 'buildings' && typeof r.path === 'string' && /\.gml(\.gz)?$/i.test(r.path)).map((r) => r.path as string))];
  if (!files.length) return;
  // a zip entry (city.zip!/udx/bldg/….gml) is there when its zip is
  const present = files.filter((f) => existsSync(f.includes('!/') ? f.slice(0, f.indexOf('!/')) : f));
  if (present.length < files.length) warnings.add('base-names-missing', 'base layer: building files the names are read from are no longer where the run read them; their names not drawn', { file: files.find((f) => !existsSync(f))!, message: `${files.length - present.length} of ${files.length} files` });
  let names: Map<string, string>;
  try {
    names = await plateauBuildingNames(present);
  } catch (e) {
    warnings.add('base-names-unreadable', 'base layer: building names could not be read; not drawn', { file: present[0]!, message: (e as Error).message });
    return;
  }
  if (!names.size) return;
  let any = false;
  for (const f of run.buildings) {
    const name = names.get(String(f.props.id ?? ''));
    if (!name) continue;
    const x = Number(f.props.x);
    const y = Number(f.props.y);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !meets([x, y, x, y], bbox)) continue;
    out.names.push({ x, y, text: name, kind: 'building', weight: Number(f.props.floorArea_m2) || 0 });
    any = true;
  }
  if (any) out.nameFiles.push(...present);
}
