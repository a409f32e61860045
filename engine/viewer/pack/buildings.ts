/**
 * buildings.geojson as viewer data: every footprint's outer ring as one flat lon/lat Float64Array with start indices
 * (deck.gl's binary polygon layout), and the building attributes as typed columns plus small dictionaries. 100,000
 * buildings stay a handful of typed arrays. Holes (courtyards) are not drawn: the viewer shows the outer ring; demand
 * numbers are the building's own and do not depend on it.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import { flatRing, ringSignedArea } from '../../geom/rings.js';
import { BUILDING_ARRAYS, BUILDING_CODES, BUILDING_NUMBERS, packArrays, type PackedArray, type ViewBuildingsMeta } from './format.js';

export { BUILDING_CODES, BUILDING_NUMBERS, type ViewBuildingsMeta } from './format.js';

export interface ViewBuildings {
  meta: ViewBuildingsMeta;
  /** lon, lat pairs of all rings, each ring closed and counter-clockwise. */
  positions: Float64Array;
  /** Vertex index where polygon p starts; length polygons + 1. */
  startIndices: Uint32Array;
  /** Building row of polygon p. */
  owner: Uint32Array;
  numbers: Record<(typeof BUILDING_NUMBERS)[number], Float32Array>;
  codes: Record<(typeof BUILDING_CODES)[number], Uint16Array>;
}

type Ring = number[][];

/** Features as the buildings reader takes them: buildings.geojson's (engine/run/read.ts readBuildings) or any polygons. */
interface BuildingsLike {
  features: readonly { geometry?: { type: string; coordinates: unknown } | null; properties?: object | null }[];
}

/** Read a GeoJSON file of buildings (WGS84) into columns for the viewer. */
export async function readViewBuildings(path: string): Promise<ViewBuildings> {
  let fc: { type?: string; features?: BuildingsLike['features'] };
  try {
    fc = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new InputError('view-bad-geojson', `cannot read GeoJSON: ${(e as Error).message}`, { file: path });
  }
  if (!fc || !Array.isArray(fc.features)) throw new InputError('view-bad-geojson', 'not a FeatureCollection', { file: path, value: fc?.type });
  return viewBuildings(fc as BuildingsLike, path);
}

/** A run's buildings (buildings.geojson, as engine/run/read.ts readBuildings reads it) as columns for the viewer. */
export function viewBuildings(fc: BuildingsLike, path: string): ViewBuildings {
  const feats = fc.features;
  const rings: Ring[] = [];
  const ringOwner: number[] = [];
  const rows: number[] = [];
  let skipped = 0;
  for (let f = 0; f < feats.length; f++) {
    const g = feats[f]!.geometry;
    const outers: Ring[] =
      g?.type === 'Polygon' ? [(g.coordinates as Ring[])[0]!] : g?.type === 'MultiPolygon' ? (g.coordinates as Ring[][]).map((p) => p[0]!) : [];
    const ok = outers.filter((r) => Array.isArray(r) && r.length >= 3);
    if (!ok.length) {
      skipped++;
      continue;
    }
    const row = rows.length;
    rows.push(f);
    for (const r of ok) {
      rings.push(r);
      ringOwner.push(row);
    }
  }
  let nv = 0;
  for (const r of rings) nv += closed(r) ? r.length : r.length + 1;
  const positions = new Float64Array(nv * 2);
  const startIndices = new Uint32Array(rings.length + 1);
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  let v = 0;
  rings.forEach((r, p) => {
    startIndices[p] = v;
    const n = closed(r) ? r.length - 1 : r.length;
    const ccw = ringSignedArea(flatRing(r), 0, n) > 0;
    for (let j = 0; j <= n; j++) {
      const q = r[ccw ? j % n : (n - (j % n)) % n]!;
      const lon = q[0]!;
      const lat = q[1]!;
      positions[2 * v] = lon;
      positions[2 * v + 1] = lat;
      if (lon < bbox[0]) bbox[0] = lon;
      if (lat < bbox[1]) bbox[1] = lat;
      if (lon > bbox[2]) bbox[2] = lon;
      if (lat > bbox[3]) bbox[3] = lat;
      v++;
    }
  });
  startIndices[rings.length] = v;
  const count = rows.length;
  const numbers = Object.fromEntries(BUILDING_NUMBERS.map((k) => [k, new Float32Array(count)])) as ViewBuildings['numbers'];
  const codes = Object.fromEntries(BUILDING_CODES.map((k) => [k, new Uint16Array(count)])) as ViewBuildings['codes'];
  const dicts = Object.fromEntries(BUILDING_CODES.map((k) => [k, [] as string[]])) as ViewBuildingsMeta['dictionaries'];
  const dictIndex = Object.fromEntries(BUILDING_CODES.map((k) => [k, new Map<string, number>()])) as Record<string, Map<string, number>>;
  const ids: string[] = new Array(count);
  for (let row = 0; row < count; row++) {
    const p = (feats[rows[row]!]!.properties ?? {}) as Record<string, unknown>;
    ids[row] = String(p.id ?? rows[row]);
    for (const k of BUILDING_NUMBERS) {
      const x = p[k];
      numbers[k][row] = typeof x === 'number' ? x : NaN;
    }
    for (const k of BUILDING_CODES) {
      const s = p[k] === undefined || p[k] === null ? '' : String(p[k]);
      let i = dictIndex[k]!.get(s);
      if (i === undefined) {
        i = dicts[k].length;
        dicts[k].push(s);
        dictIndex[k]!.set(s, i);
      }
      codes[k][row] = i;
    }
  }
  return {
    meta: { file: path, count, polygons: rings.length, ids, dictionaries: dicts, bbox, skipped },
    positions,
    startIndices,
    owner: Uint32Array.from(ringOwner),
    numbers,
    codes,
  };
}

/** Buildings in the viewer's binary container (format.ts BUILDING_ARRAYS: positions, startIndices, owner, n_<column>, c_<column>). */
export function packViewBuildings(b: ViewBuildings): Uint8Array {
  const arrays: Record<string, PackedArray> = {
    [BUILDING_ARRAYS.positions]: b.positions,
    [BUILDING_ARRAYS.startIndices]: b.startIndices,
    [BUILDING_ARRAYS.owner]: b.owner,
  };
  for (const k of BUILDING_NUMBERS) arrays[BUILDING_ARRAYS.number(k)] = b.numbers[k];
  for (const k of BUILDING_CODES) arrays[BUILDING_ARRAYS.code(k)] = b.codes[k];
  return packArrays(b.meta, arrays);
}

function closed(r: Ring): boolean {
  const a = r[0]!;
  const b = r[r.length - 1]!;
  return a[0] === b[0] && a[1] === b[1];
}
