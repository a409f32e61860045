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
  const p = buildingsPacker(path);
  for (const f of fc.features) p.add(f);
  return p.done();
}

/** A typed array that grows by doubling (no per-element JS objects); also the network packer's. */
export class Grow<T extends Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array> {
  a: T;
  n = 0;
  constructor(private readonly C: new (n: number) => T) {
    this.a = new C(1024);
  }
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new this.C(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  done(): T {
    return this.a.slice(0, this.n) as T;
  }
}

/**
 * The buildings packed one feature at a time (`add`, in file order), so a reader can hand each feature over as it
 * parses it and keep none (engine/viewer/server.ts: a city's million buildings never exist as objects at once).
 */
export function buildingsPacker(path: string): { add(f: BuildingsLike['features'][number]): void; done(): ViewBuildings } {
  const positions = new Grow(Float64Array);
  const starts = new Grow(Uint32Array);
  const owner = new Grow(Uint32Array);
  const numbers = Object.fromEntries(BUILDING_NUMBERS.map((k) => [k, new Grow(Float32Array)])) as Record<(typeof BUILDING_NUMBERS)[number], Grow<Float32Array>>;
  const codes = Object.fromEntries(BUILDING_CODES.map((k) => [k, new Grow(Uint16Array)])) as Record<(typeof BUILDING_CODES)[number], Grow<Uint16Array>>;
  const dicts = Object.fromEntries(BUILDING_CODES.map((k) => [k, [] as string[]])) as ViewBuildingsMeta['dictionaries'];
  const dictIndex = Object.fromEntries(BUILDING_CODES.map((k) => [k, new Map<string, number>()])) as Record<string, Map<string, number>>;
  const ids: string[] = [];
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  let skipped = 0;
  let index = 0;
  return {
    add(feature) {
      const f = index++;
      const g = feature.geometry;
      const outers: Ring[] =
        g?.type === 'Polygon' ? [(g.coordinates as Ring[])[0]!] : g?.type === 'MultiPolygon' ? (g.coordinates as Ring[][]).map((q) => q[0]!) : [];
      const ok = outers.filter((r) => Array.isArray(r) && r.length >= 3);
      if (!ok.length) {
        skipped++;
        return;
      }
      const row = ids.length;
      for (const r of ok) {
        starts.push(positions.n / 2);
        owner.push(row);
        const n = closed(r) ? r.length - 1 : r.length;
        const ccw = ringSignedArea(flatRing(r), 0, n) > 0;
        for (let j = 0; j <= n; j++) {
          const q = r[ccw ? j % n : (n - (j % n)) % n]!;
          const lon = q[0]!;
          const lat = q[1]!;
          positions.push(lon);
          positions.push(lat);
          if (lon < bbox[0]) bbox[0] = lon;
          if (lat < bbox[1]) bbox[1] = lat;
          if (lon > bbox[2]) bbox[2] = lon;
          if (lat > bbox[3]) bbox[3] = lat;
        }
      }
      const p = (feature.properties ?? {}) as Record<string, unknown>;
      ids.push(String(p.id ?? f));
      for (const k of BUILDING_NUMBERS) {
        const x = p[k];
        numbers[k].push(typeof x === 'number' ? x : NaN);
      }
      for (const k of BUILDING_CODES) {
        const s = p[k] === undefined || p[k] === null ? '' : String(p[k]);
        let i = dictIndex[k]!.get(s);
        if (i === undefined) {
          i = dicts[k].length;
          dicts[k].push(s);
          dictIndex[k]!.set(s, i);
        }
        codes[k].push(i);
      }
    },
    done() {
      const polygons = owner.n;
      starts.push(positions.n / 2);
      return {
        meta: { file: path, count: ids.length, polygons, ids, dictionaries: dicts, bbox, skipped },
        positions: positions.done(),
        startIndices: starts.done(),
        owner: owner.done(),
        numbers: Object.fromEntries(BUILDING_NUMBERS.map((k) => [k, numbers[k].done()])) as ViewBuildings['numbers'],
        codes: Object.fromEntries(BUILDING_CODES.map((k) => [k, codes[k].done()])) as ViewBuildings['codes'],
      };
    },
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
