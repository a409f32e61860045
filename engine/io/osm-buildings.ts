/**
 * OpenStreetMap buildings from an .osm.pbf file into the building table (WGS84 lon/lat, transformed into the
 * builder's CRS when that is another one).
 *
 * - Closed ways tagged building=* (not building=no) are footprints.
 * - Relations type=multipolygon with building=* are assembled from their outer and inner member ways; open member
 *   ways are joined end to end into rings (as osmium and GDAL do), inners go to the outer that contains them.
 *   Relations type=building with building=* use their `outline` member ways the same way, unless that outline is
 *   already a building way (then the way is the building and the relation is not counted twice).
 * - Old-style multipolygons (only type=multipolygon on the relation, building=* on an outer way) are read as GDAL
 *   reads them: the relation with the outer way's tags is the building, the outer way is not added by itself.
 * - useCode: the building value ('house', 'apartments', 'yes', ...); for building=yes the first of amenity, shop,
 *   office present, as 'amenity=school', so the use mapping can tell a school from a house.
 * - storeysAbove from building:levels, storeysBelow from building:levels:underground, heightM from height.
 *   Lists like '3;4' (a building with parts of different heights) give their mean: an assumption, documented in
 *   the README. Unparsable values are counted ('bad-levels', 'bad-levels-underground', 'bad-height', 'bad-roof-levels')
 *   and left NaN.
 * - roof:levels: OSM counts the floors inside the roof apart ("building:levels: number of above-ground levels,
 *   excluding levels in the roof"; "roof:levels: number of floors within the roof", OSM wiki Key:building:levels and
 *   Key:roof:levels). Where both are given, storeysAbove = building:levels + roof:levels: a roof floor counted as a
 *   whole storey of floor area, an ASSUMPTION (an attic floor is smaller than the footprint, by no cited share),
 *   counted per building ('roof-levels-counted'). roof:levels without building:levels says nothing of the storeys
 *   below the roof and is not used (the height or default rule applies).
 * - Dropped geometry is counted by reason: 'unclosed-way', 'missing-nodes' (outside the extract), 'too-few-points',
 *   'nan', 'unclosed-ring' and 'missing-member' (multipolygons), 'no-outer'. Not drops but counted: 'duplicate-outline'
 *   (type=building relation whose outline is a building way), 'merged-outer-way' (a building way that is the outer of
 *   a building multipolygon: the relation is the building).
 */
import { cleanRing, notLonLat, notLonLatError } from '../buildings/geometry.js';
import { pointInRing, ringArea } from '../geom/rings.js';
import { transformer, WGS84 } from '../crs/index.js';
import type { BuildingTableBuilder, FlatPolygon, RawBuilding } from '../buildings/table.js';
import type { ProgressFn } from '../util/progress.js';
import type { Warnings } from '../util/warnings.js';
import { scanOsmPbf, type OsmRelation, type OsmScan, type OsmWay } from './osm-pbf.js';

export interface OsmBuildingsOptions {
  onProgress?: ProgressFn;
}

export interface OsmBuildingsSummary {
  /** Buildings added to the builder. */
  buildings: number;
  fromWays: number;
  fromRelations: number;
  /** Buildings dropped (counted by reason in warnings). */
  dropped: number;
  /** Buildings with a parsed building:levels. */
  withLevels: number;
}

const isBuilding = (t: Record<string, string>): boolean => t.building !== undefined && t.building !== 'no';
/** An old-style multipolygon: the tags live on the outer way, the relation has only type=multipolygon. */
const isOldStyleMultipolygon = (t: Record<string, string>): boolean => {
  for (const k in t) if (k !== 'type' && k !== 'created_by') return false;
  return t.type === 'multipolygon';
};
const keepRelation = (t: Record<string, string>): boolean =>
  (isBuilding(t) && (t.type === 'multipolygon' || t.type === 'building')) || isOldStyleMultipolygon(t);

/** Read the buildings of an OSM PBF file into `builder` (coordinates transformed from WGS84 into the builder's CRS). */
export async function readOsmBuildings(
  path: string,
  builder: BuildingTableBuilder,
  warnings: Warnings,
  opts: OsmBuildingsOptions = {},
): Promise<OsmBuildingsSummary> {
  const scan = await scanOsmPbf(path, { keepWay: isBuilding, keepRelation, onProgress: opts.onProgress });
  return addOsmBuildings(scan, path, builder, warnings);
}

/** The building step on an existing scan (so a caller that scanned once for roads and buildings can reuse it). */
export function addOsmBuildings(scan: OsmScan, path: string, builder: BuildingTableBuilder, warnings: Warnings): OsmBuildingsSummary {
  builder.beginFile(path, 'osm');
  // OSM is WGS84 lon/lat; a no-op for a WGS84 builder, near one for JGD2011/ETRS89 lon/lat
  const tr = transformer(WGS84, builder.crs);
  // OSM coordinates are lon/lat by definition: a node outside the range (a damaged or hand-made file) is an error
  // naming the record, checked before the transformation (proj4 would throw on it or turn it into nonsense)
  const project = (xy: number[], record: string): void => {
    for (let i = 0; i < xy.length; i += 2) {
      const why = notLonLat(xy[i]!, xy[i + 1]!);
      if (why)
        throw notLonLatError(why, {
          file: path,
          record,
          value: [xy[i]!, xy[i + 1]!],
          action: 'an OSM node is not a lon/lat position',
          hint: 'OSM data is WGS84 lon/lat: the .pbf is damaged or was written wrong; download or export it again',
        });
    }
    tr.forwardFlat(xy);
  };
  const sum: OsmBuildingsSummary = { buildings: 0, fromWays: 0, fromRelations: 0, dropped: 0, withLevels: 0 };
  const drop = (code: string, message: string, record: string) => {
    warnings.add(code, message, { file: path, record });
    sum.dropped++;
  };
  const wayById = new Map<number, OsmWay>();
  for (const w of scan.ways) wayById.set(w.id, w);

  // Relations first: a building way that is an outer of a building multipolygon which could be built is the same
  // building (GDAL reads it so), and is not added a second time by itself.
  const consumed = new Set<number>();
  const built: { record: string; tags: Record<string, string>; polys: FlatPolygon[] }[] = [];
  for (const rel of scan.relations) {
    let tags = rel.tags;
    if (isOldStyleMultipolygon(rel.tags)) {
      // old style: the building tags are on an outer way
      const tagged = rel.members.find((m) => m.type === 'way' && m.role !== 'inner' && isBuilding(wayById.get(m.ref)?.tags ?? {}));
      if (!tagged) continue; // not a building (a wood, a landuse area)
      tags = { ...wayById.get(tagged.ref)!.tags, type: 'multipolygon' };
    } else if (!keepRelation(rel.tags)) continue; // a scan made for other purposes too
    const record = `relation/${rel.id}`;
    const polys = relationPolygons({ ...rel, tags }, wayById, scan.nodes, (xy) => project(xy, record));
    if (polys === 'duplicate-outline') {
      warnings.add(polys, RELATION_PROBLEMS[polys], { file: path, record });
      continue;
    }
    if (typeof polys === 'string') {
      drop(polys, RELATION_PROBLEMS[polys], record);
      continue;
    }
    built.push({ record, tags, polys });
    if (tags.type !== 'multipolygon') continue;
    for (const m of rel.members) {
      if (m.type !== 'way' || m.role === 'inner' || consumed.has(m.ref) || !isBuilding(wayById.get(m.ref)?.tags ?? {})) continue;
      consumed.add(m.ref);
      warnings.add('merged-outer-way', 'OSM building way that is the outer of a building multipolygon; counted once, as the relation', { file: path, record: `way/${m.ref}` });
    }
  }

  for (const w of scan.ways) {
    if (!isBuilding(w.tags) || consumed.has(w.id)) continue; // a relation member only
    const record = `way/${w.id}`;
    const refs = w.refs;
    if (refs.length < 2 || refs[0] !== refs[refs.length - 1]) {
      drop('unclosed-way', 'OSM building way is not closed; dropped', record);
      continue;
    }
    const ring = wayCoords(refs, scan.nodes);
    if (ring) project(ring, record);
    if (!ring) {
      drop('missing-nodes', 'OSM building way uses nodes missing from the extract; dropped', record);
      continue;
    }
    const clean = cleanRing(ring);
    if (typeof clean === 'string') {
      drop(clean, ringProblemMessage(clean), record);
      continue;
    }
    const raw = attributes(w.tags, record, path, warnings);
    if (raw.storeysAbove === raw.storeysAbove && raw.storeysAbove !== undefined) sum.withLevels++;
    builder.add(raw, [[clean]]);
    sum.buildings++;
    sum.fromWays++;
  }

  for (const { record, tags, polys } of built) {
    const raw = attributes(tags, record, path, warnings);
    if (raw.storeysAbove === raw.storeysAbove && raw.storeysAbove !== undefined) sum.withLevels++;
    builder.add(raw, polys);
    sum.buildings++;
    sum.fromRelations++;
  }
  return sum;
}

const RELATION_PROBLEMS = {
  'unclosed-ring': 'OSM building multipolygon has member ways that do not join into closed rings; dropped',
  'missing-member': 'OSM building multipolygon has member ways or nodes missing from the extract; dropped',
  'no-outer': 'OSM building relation has no usable outer ring; dropped',
  'duplicate-outline': 'OSM type=building relation whose outline is already a building way; counted once, as the way',
  'too-few-points': 'OSM building ring has fewer than 3 distinct points; dropped',
  nan: 'OSM building ring has non-finite coordinates; dropped',
} as const;
type RelationProblem = keyof typeof RELATION_PROBLEMS;

function ringProblemMessage(p: 'nan' | 'too-few-points'): string {
  return RELATION_PROBLEMS[p];
}

/** Flat lon/lat coordinates of a node list, or null when a node is missing. */
function wayCoords(refs: number[], nodes: Map<number, [number, number]>): number[] | null {
  const out = new Array<number>(refs.length * 2);
  for (let i = 0; i < refs.length; i++) {
    const p = nodes.get(refs[i]!);
    if (!p) return null;
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  }
  return out;
}

/** Polygons (outer + its holes) of a building relation, or why it cannot be built. */
function relationPolygons(
  r: OsmRelation,
  wayById: Map<number, OsmWay>,
  nodes: Map<number, [number, number]>,
  project: (xy: number[]) => void,
): FlatPolygon[] | RelationProblem {
  const outerRole = r.tags.type === 'building' ? (role: string) => role === 'outline' : (role: string) => role === 'outer' || role === '';
  const outerWays: number[][] = [];
  const innerWays: number[][] = [];
  for (const m of r.members) {
    if (m.type !== 'way') continue;
    const isOuter = outerRole(m.role);
    const isInner = r.tags.type !== 'building' && m.role === 'inner';
    if (!isOuter && !isInner) continue;
    const w = wayById.get(m.ref);
    if (!w) return 'missing-member';
    if (r.tags.type === 'building' && isOuter && isBuilding(w.tags)) return 'duplicate-outline';
    (isOuter ? outerWays : innerWays).push(w.refs);
  }
  if (outerWays.length === 0) return 'no-outer';
  const outers = joinRings(outerWays);
  const inners = joinRings(innerWays);
  if (outers === null || inners === null) return 'unclosed-ring';
  const outerCoords: number[][] = [];
  for (const ring of outers) {
    const c = wayCoords(ring, nodes);
    if (!c) return 'missing-member';
    project(c);
    const clean = cleanRing(c);
    if (typeof clean === 'string') return clean;
    outerCoords.push(clean);
  }
  const polys: FlatPolygon[] = outerCoords.map((o) => [o]);
  for (const ring of inners) {
    const c = wayCoords(ring, nodes);
    if (!c) return 'missing-member';
    project(c);
    const clean = cleanRing(c);
    if (typeof clean === 'string') continue; // a degenerate hole removes nothing
    // the hole belongs to the smallest outer that contains its first vertex
    let best = -1;
    let bestArea = Infinity;
    for (let k = 0; k < outerCoords.length; k++) {
      if (!pointInRing(clean[0]!, clean[1]!, outerCoords[k]!)) continue;
      const a = ringArea(outerCoords[k]!);
      if (a < bestArea) {
        bestArea = a;
        best = k;
      }
    }
    if (best >= 0) polys[best]!.push(clean);
  }
  return polys;
}

/**
 * Join way node lists into closed rings by shared end nodes (reversing ways where needed).
 * Returns the rings as node id lists (closed: first === last), or null when some ways do not close.
 */
export function joinRings(ways: number[][]): number[][] | null {
  const rings: number[][] = [];
  const open: number[][] = [];
  for (const w of ways) {
    if (w.length < 2) continue;
    if (w[0] === w[w.length - 1]) rings.push(w);
    else open.push(w);
  }
  const used = new Uint8Array(open.length);
  for (let i = 0; i < open.length; i++) {
    if (used[i]) continue;
    used[i] = 1;
    const ring = open[i]!.slice();
    let closed = false;
    for (;;) {
      const end = ring[ring.length - 1]!;
      if (end === ring[0]) {
        closed = true;
        break;
      }
      let next = -1;
      let reversed = false;
      for (let j = 0; j < open.length; j++) {
        if (used[j]) continue;
        const o = open[j]!;
        if (o[0] === end) {
          next = j;
          break;
        }
        if (o[o.length - 1] === end) {
          next = j;
          reversed = true;
          break;
        }
      }
      if (next < 0) break;
      used[next] = 1;
      const seg = reversed ? open[next]!.slice().reverse() : open[next]!;
      for (let k = 1; k < seg.length; k++) ring.push(seg[k]!);
    }
    if (!closed) return null;
    rings.push(ring);
  }
  return rings;
}

const USE_FALLBACK_KEYS = ['amenity', 'shop', 'office'] as const;

/** Building attributes from OSM tags; unparsable numbers are counted and left NaN. */
export function attributes(tags: Record<string, string>, record: string, file: string, warnings: Warnings): RawBuilding {
  let useCode = tags.building ?? '';
  if (useCode === 'yes') {
    for (const k of USE_FALLBACK_KEYS) {
      const v = tags[k];
      if (v !== undefined && v !== '' && v !== 'no') {
        useCode = `${k}=${v}`;
        break;
      }
    }
  }
  const num = (key: string, code: string, parse: (s: string) => number): number => {
    const v = tags[key];
    if (v === undefined) return NaN;
    const n = parse(v);
    if (Number.isNaN(n)) warnings.add(code, `OSM ${key} value cannot be read as a number; left unknown`, { file, record, message: `${key}=${v}` });
    return n;
  };
  let storeysAbove = num('building:levels', 'bad-levels', parseLevels);
  const roof = num('roof:levels', 'bad-roof-levels', parseLevels);
  if (roof > 0 && storeysAbove >= 0) {
    storeysAbove += roof;
    warnings.add('roof-levels-counted', 'OSM roof:levels added to building:levels as whole storeys of floor area (ASSUMPTION: an attic floor is smaller than the footprint; engine/io/osm-buildings.ts)', {
      file,
      record,
      message: `building:levels=${tags['building:levels']} + roof:levels=${tags['roof:levels']}`,
    });
  }
  return {
    id: record,
    useCode,
    storeysAbove,
    storeysBelow: num('building:levels:underground', 'bad-levels-underground', parseLevels),
    heightM: num('height', 'bad-height', parseHeightM),
  };
}

/** building:levels: '3', '2.5', '3;4' (mean of a list). NaN when not a non-negative number. */
export function parseLevels(s: string): number {
  const parts = s.split(';').map((p) => p.trim());
  let sum = 0;
  for (const p of parts) {
    if (!/^\d+(?:\.\d+)?$/.test(p)) return NaN;
    sum += Number(p);
  }
  return sum / parts.length;
}

/** height: '12', '12.5 m', '12m', "40'" / '40 ft' (feet), in metres. NaN otherwise. */
export function parseHeightM(s: string): number {
  const t = s.trim();
  let m = /^(\d+(?:\.\d+)?)\s*(?:m|meters?|metres?)?$/i.exec(t);
  if (m) return Number(m[1]);
  m = /^(\d+(?:\.\d+)?)\s*(?:ft|feet|')$/i.exec(t);
  if (m) return Number(m[1]) * 0.3048;
  m = /^(\d+)'\s*(\d+(?:\.\d+)?)"$/.exec(t);
  if (m) return Number(m[1]) * 0.3048 + Number(m[2]) * 0.0254;
  return NaN;
}
