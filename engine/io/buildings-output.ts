/**
 * buildings.geojson and buildings.fgb: every building with its footprint (WGS84) and derived values, streamed so a city
 * of a million buildings never becomes one string.
 */
import { FLOOR_AREA_RULES, USE_CATEGORIES, type BuildingTable } from '../buildings/table.js';
import { transformer, WGS84 } from '../crs/index.js';
import { coolingColumns } from '../demand/annual.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import type { IParsedGeometry } from 'flatgeobuf/lib/mjs/generic/geometry.js';
import { writeFgbFeatures, type FgbColumn } from './fgb.js';
import { withOutputFile } from './write.js';

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10000) / 10000;

/**
 * Write buildings.geojson, feature by feature in chunks of about 1 MiB, through a temporary file renamed into place;
 * a failed write is an OutputError naming `path` and leaves no partial file.
 */
export async function writeBuildingsGeoJson(path: string, t: BuildingTable): Promise<void> {
  await withOutputFile(path, (out) => writeFeatures(t, (s) => out.write(s)));
}

/** A finite number as JSON writes it (String(x) is JSON's number form), else null. */
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** The properties of building `b` as buildings.geojson and buildings.fgb hold them, given to `put` in their order. */
function putBuildingProperties(t: BuildingTable, cc: ReturnType<typeof coolingColumns>, b: number, put: (key: string, value: unknown) => void): void {
  put('id', t.id[b]);
  put('file', t.fileIndex[b]);
  put('use', USE_CATEGORIES[t.category[b]!]);
  put('useCode', t.useCode[b]);
  put('floorArea_m2', r2(t.floorAreaM2[b]!));
  put('floorAreaSource', FLOOR_AREA_RULES[t.floorAreaRule[b]!]);
  put('storeys', Number.isNaN(t.storeysUsed[b]!) ? null : t.storeysUsed[b]);
  put('height_m', Number.isNaN(t.heightM[b]!) ? null : r2(t.heightM[b]!));
  put('footprint_m2', r2(t.footprintAreaM2[b]!));
  put('spaceHeat_MWh', r4(t.spaceHeatMWh[b]!));
  put('hotWater_MWh', r4(t.hotWaterMWh[b]!));
  // the sum of the rounded parts, so that readers find heat = space heat + hot water exactly
  put('heat_MWh', r4(r4(t.spaceHeatMWh[b]!) + r4(t.hotWaterMWh[b]!)));
  put('peak_kW', r4(t.peakKw[b]!));
  put('cool_MWh', r4(cc.coolMWh[b]!));
  put('coolPeak_kW', r4(cc.coolPeakKw[b]!));
  put('x', r2(t.cx[b]!));
  put('y', r2(t.cy[b]!));
}

/** The properties of building `b` as an object (putBuildingProperties). */
function buildingProperties(t: BuildingTable, cc: ReturnType<typeof coolingColumns>, b: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  putBuildingProperties(t, cc, b, (k, v) => {
    o[k] = v;
  });
  return o;
}

/** Column types of buildings.fgb, in buildings.geojson's property order. */
const BUILDING_FGB_COLUMNS: FgbColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'file', type: 'int' },
  { name: 'use', type: 'string' },
  { name: 'useCode', type: 'string' },
  ...(['floorArea_m2'] as const).map((name) => ({ name, type: 'double' as const })),
  { name: 'floorAreaSource', type: 'string' },
  ...(['storeys', 'height_m', 'footprint_m2', 'spaceHeat_MWh', 'hotWater_MWh', 'heat_MWh', 'peak_kW', 'cool_MWh', 'coolPeak_kW', 'x', 'y'] as const).map((name) => ({ name, type: 'double' as const })),
];

/**
 * Write buildings.fgb: the features of buildings.geojson (same footprints to 1e-7°, same properties, `files` in the
 * header's metadata) as FlatGeobuf MultiPolygons in EPSG:4326, one building at a time (engine/io/fgb.ts), through a
 * temporary file renamed into place. Single-part footprints are read back as the Polygons buildings.geojson has.
 */
export async function writeBuildingsFgb(path: string, t: BuildingTable): Promise<void> {
  const keys = BUILDING_FGB_COLUMNS.map((c) => c.name);
  const shapes = [keys];
  // a reader that gave no id or use code: the GeoJSON leaves the key out (JSON.stringify drops undefined)
  const noId = t.id.some((v) => v === undefined), noCode = t.useCode.some((v) => v === undefined);
  if (noCode) shapes.push(keys.filter((k) => k !== 'useCode'));
  if (noId) shapes.push(keys.filter((k) => k !== 'id'));
  if (noId && noCode) shapes.push(keys.filter((k) => k !== 'id' && k !== 'useCode'));
  const o = { epsg: 4326, name: 'buildings', members: { type: 'FeatureCollection', features: null, files: t.files }, singlePartAsPolygon: true };
  await writeFgbFeatures(path, t.count, { geometryType: 'MultiPolygon', columns: BUILDING_FGB_COLUMNS, shapes }, o, async (sink) => {
    const cc = coolingColumns(t);
    const put = (k: string, v: unknown): void => sink.prop(k, v);
    const geometry = fgbGeometry(t);
    for (let b = 0; b < t.count; b++) {
      putBuildingProperties(t, cc, b, put);
      const wait = sink.end(geometry(b));
      if (wait) await wait;
    }
  });
}

/**
 * Building b's vertices in lon/lat, projected at once into a buffer that grows to the largest building (valid until
 * the next call): what both writers take their geometry from.
 */
function buildingLonLat(t: BuildingTable): (b: number) => Float64Array {
  const tr = transformer(t.crs, WGS84);
  let xy = new Float64Array(2 * 64);
  return (b) => {
    const v0 = t.ringVertex[t.buildingRing[b]!]!, v1 = t.ringVertex[t.buildingRing[b + 1]!]!;
    if (2 * (v1 - v0) > xy.length) xy = new Float64Array(2 * (v1 - v0) * 2);
    const pts = xy.subarray(0, 2 * (v1 - v0));
    pts.set(t.coords.subarray(2 * v0, 2 * v1));
    tr.forwardFlat(pts);
    return pts;
  };
}

/**
 * Building b's footprint as the format's flat MultiPolygon (fgbGeometry(t)(b)): each polygon's rounded lon/lat pairs
 * a view of one buffer that grows to the largest building (valid until the next call; the writer copies them into
 * the feature at once), so that a city's six million vertices are not pushed into arrays building by building.
 */
function fgbGeometry(t: BuildingTable): (b: number) => IParsedGeometry {
  const lonLat = buildingLonLat(t);
  const rd = (v: number) => Math.round(v * 1e7) / 1e7;
  let out = new Float64Array(2 * 80);
  return (b) => {
    const v0 = t.ringVertex[t.buildingRing[b]!]!;
    const pts = lonLat(b);
    // every ring closed: at most one vertex more per ring than the building has
    const need = 2 * (t.ringVertex[t.buildingRing[b + 1]!]! - v0 + t.buildingRing[b + 1]! - t.buildingRing[b]!);
    if (need > out.length) out = new Float64Array(2 * need);
    const parts: IParsedGeometry[] = [];
    let start = -1; // where the current polygon's pairs start in `out` (pairs), -1: none yet
    let at = 0;
    let ends: number[] = [];
    const close = (): void => {
      const ring = out.subarray(2 * start, 2 * at);
      // buildGeometry writes `ends` where they are given at all: one ring has none
      parts.push({ type: GeometryType.Polygon, xy: ring, ...(ends.length > 1 ? { ends } : {}) } as unknown as IParsedGeometry);
    };
    for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
      const hole = t.ringHole[r] !== 0;
      if (hole && start < 0) continue; // a hole without an outer ring is left out, as in buildings.geojson
      if (!hole) {
        if (start >= 0) close();
        start = at;
        ends = [];
      }
      const first = t.ringVertex[r]! - v0;
      for (let v = first; v < t.ringVertex[r + 1]! - v0; v++) {
        out[2 * at] = rd(pts[2 * v]!);
        out[2 * at + 1] = rd(pts[2 * v + 1]!);
        at++;
      }
      out[2 * at] = rd(pts[2 * first]!);
      out[2 * at + 1] = rd(pts[2 * first + 1]!);
      at++;
      ends.push(at - start);
    }
    if (start >= 0) close();
    return { type: GeometryType.MultiPolygon, xy: [], parts } as unknown as IParsedGeometry;
  };
}

async function writeFeatures(t: BuildingTable, write: (s: string) => Promise<void>): Promise<void> {
  const lonLat = buildingLonLat(t);
  const cc = coolingColumns(t);
  let buf = '{"type":"FeatureCollection","features":[\n';
  for (let b = 0; b < t.count; b++) {
    const v0 = t.ringVertex[t.buildingRing[b]!]!;
    const pts = lonLat(b);
    // the geometry as JSON.stringify would write it: [[[lon,lat],...]] per polygon, holes after their outer ring
    let polys = 0;
    let g = '';
    for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
      const hole = t.ringHole[r] !== 0;
      if (hole && polys === 0) continue; // a hole without an outer ring is left out
      let ring = '[';
      const first = t.ringVertex[r]! - v0;
      for (let v = first; v < t.ringVertex[r + 1]! - v0; v++) ring += `${v > first ? ',' : ''}[${num(Math.round(pts[2 * v]! * 1e7) / 1e7)},${num(Math.round(pts[2 * v + 1]! * 1e7) / 1e7)}]`;
      ring += `,[${num(Math.round(pts[2 * first]! * 1e7) / 1e7)},${num(Math.round(pts[2 * first + 1]! * 1e7) / 1e7)}]]`;
      if (hole) g += `,${ring}`;
      else g += `${polys++ ? ']' : ''}${polys > 1 ? ',' : ''}[${ring}`;
    }
    if (polys) g += ']';
    const props = buildingProperties(t, cc, b);
    const geometry = polys === 1 ? `{"type":"Polygon","coordinates":${g}}` : `{"type":"MultiPolygon","coordinates":[${g}]}`;
    buf += `${b ? ',\n' : ''}{"type":"Feature","properties":${JSON.stringify(props)},"geometry":${geometry}}`;
    if (buf.length >= 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf + `\n],"files":${JSON.stringify(t.files)}}\n`);
}
