/**
 * PLATEAU CityGML buildings -> BuildingTableBuilder, streamed tile by tile (one building's state in memory at a time).
 *
 * Attributes: bldg:usage, bldg:storeysAboveGround / storeysBelowGround, bldg:measuredHeight (children of the Building
 * or BuildingPart), uro:totalFloorArea and uro:buildingFootprintArea inside uro:BuildingDetailAttribute (i-UR 2/3) or
 * uro:BuildingDetails (i-UR 1). Other totalFloorArea elements (e.g. uro:LargeCustomerFacilityAttribute, the floor area
 * of one shop) are not the building's and are ignored. 9999, 99999 and negative values (-9999) mean unknown -> NaN;
 * 0 is also unknown for storeys above ground and the two areas (no building has none).
 *
 * Footprint, first source that yields a valid polygon: bldg:lod0FootPrint, bldg:lod0RoofEdge, the ground of
 * bldg:lod1Solid (polygons at the solid's lowest z), the LOD2 bldg:GroundSurface polygons. Parts
 * (bldg:consistsOfBuildingPart): one table row per Building; its footprint is its own if it has one, else the parts'
 * footprints as separate polygons; a missing parent attribute is taken from the parts (see aggregateParts).
 *
 * Use: bldg:usage (Building_usage, 401-461), refined by the national detailed code where the building carries one:
 * uro:detailedUsage, else uro:orgUsage2 (i-UR BuildingDetailAttribute), when that value is a code of the national
 * detailed list (BuildingDetailAttribute_detailedUsage.xml: 4 digits, 4011-4611, or 6 digits, 401101-...) under the
 * building's usage, i.e. its first three digits are the bldg:usage code (4225 病院 under 422 文教厚生施設). The table's
 * useCode stays bldg:usage as found; the detailed code is recorded per file and building (engine/io/citygml/
 * detailed-usage.ts) and the use mapping takes it (engine/buildings/use-taxonomy.ts, falling back to the usage where
 * the table has no row for it). Both attributes also hold city-specific code lists in some downloads (Osaka 2022's
 * detailedUsage 1110-1930, Yokosuka's orgUsage2 10-200): a value that is not under the usage is recorded as such and
 * counted when the table is categorised ('detailed-usage-other-list'); the building keeps bldg:usage.
 *
 * Municipality: uro:city of each building (BuildingIDAttribute) is counted per file and recorded for the climate
 * choice (engine/io/citygml/municipality.ts).
 */
import { basename } from 'node:path';
import type { RingProblem } from '../../buildings/geometry.js';
import type { BuildingTableBuilder, RawBuilding } from '../../buildings/table.js';
import type { ProgressFn } from '../../util/progress.js';
import type { Warnings } from '../../util/warnings.js';
import { resolveCityGmlFiles } from './files.js';
import { cleanPolygon, planarArea, polygonsSelfIntersect, solidGround, type CleanPolygon } from './footprint.js';
import { GmlGeometryReader, type RawPolygon } from './gml-geometry.js';
import { recordDetailedUsage, type DetailedUse } from './detailed-usage.js';
import { normaliseMunicipalityCode, recordMunicipalities } from './municipality.js';
import { detachString, streamCityGml } from './xml-stream.js';

export type FootprintSource = 'lod0FootPrint' | 'lod0RoofEdge' | 'lod1Solid' | 'lod2GroundSurface';

export interface CityGmlReadSummary {
  files: number;
  /** Bytes on disk and uncompressed XML bytes parsed. */
  fileBytes: number;
  xmlBytes: number;
  /** bldg:Building elements seen, and rows added to the table. */
  buildingsSeen: number;
  buildings: number;
  /** bldg:BuildingPart elements seen (merged into their Building). */
  buildingParts: number;
  /** Buildings dropped, by warning code ('no-footprint', 'geometry-nan', 'geometry-too-few-points'). */
  dropped: Record<string, number>;
  /** Rows by the footprint source used ('parts' when the footprint came from BuildingParts). */
  footprintSource: Record<FootprintSource | 'parts', number>;
  /** Rows with a known value (not absent, not a 9999/-9999 sentinel). */
  attributes: { usage: number; detailedUsage: number; storeysAbove: number; storeysBelow: number; heightM: number; totalFloorArea: number; footprintArea: number };
  /** Buildings by uro:city (municipality code). */
  municipalities: Record<string, number>;
  /** Rows kept although a footprint ring crosses itself. */
  selfIntersecting: number;
  /** srsName values met. */
  srsNames: string[];
  seconds: number;
}

export interface CityGmlReadOptions {
  onProgress?: ProgressFn;
  /** Vertical tolerance (m) for the ground polygons of an LOD1 solid; default 0.05 m (an assumption: PLATEAU LOD1 bases are flat). */
  solidGroundToleranceM?: number;
}

type AttrKey = 'usage' | 'storeysAbove' | 'storeysBelow' | 'heightM' | 'totalFloorArea' | 'footprintArea' | 'detailedUsage' | 'orgUsage2' | 'city';
/** Attributes kept as text (codes), not numbers. */
const TEXT_ATTRS = new Set<AttrKey>(['usage', 'detailedUsage', 'orgUsage2', 'city']);
const DIRECT_ATTRS: Record<string, AttrKey> = {
  usage: 'usage',
  storeysAboveGround: 'storeysAbove',
  storeysBelowGround: 'storeysBelow',
  measuredHeight: 'heightM',
};
const DETAIL_ATTRS: Record<string, AttrKey> = { totalFloorArea: 'totalFloorArea', buildingFootprintArea: 'footprintArea', detailedUsage: 'detailedUsage', orgUsage2: 'orgUsage2' };
const DETAIL_PARENTS = new Set(['BuildingDetailAttribute', 'BuildingDetails']);

interface Owner {
  id: string;
  depth: number;
  usage?: string;
  /** uro:detailedUsage and uro:orgUsage2 as found (a national or a city-specific code). */
  detailedUsage?: string;
  orgUsage2?: string;
  /** uro:city (BuildingIDAttribute), the municipality code. */
  city?: string;
  storeysAbove: number;
  storeysBelow: number;
  heightM: number;
  totalFloorArea: number;
  footprintArea: number;
  lod0FootPrint: CleanPolygon[];
  lod0RoofEdge: CleanPolygon[];
  lod1Solid: CleanPolygon[];
  lod2GroundSurface: CleanPolygon[];
  solidRaw: RawPolygon[];
  /** First ring problem met (reported if nothing usable remains). */
  problem?: RingProblem;
  ringsDropped: number;
  parts: Owner[];
}

const newOwner = (id: string, depth: number): Owner => ({
  id,
  depth,
  storeysAbove: NaN,
  storeysBelow: NaN,
  heightM: NaN,
  totalFloorArea: NaN,
  footprintArea: NaN,
  lod0FootPrint: [],
  lod0RoofEdge: [],
  lod1Solid: [],
  lod2GroundSurface: [],
  solidRaw: [],
  ringsDropped: 0,
  parts: [],
});

/** PLATEAU numeric attribute -> number, NaN for unknown (9999, 99999, negative sentinels, non-numbers). */
export function plateauNumber(text: string, zeroIsUnknown: boolean): number {
  const t = text.trim();
  if (t === '') return NaN;
  const v = Number(t);
  if (!Number.isFinite(v) || v < 0 || v === 9999 || v === 99999 || (zeroIsUnknown && v === 0)) return NaN;
  return v;
}

const SOURCES: FootprintSource[] = ['lod0FootPrint', 'lod0RoofEdge', 'lod1Solid', 'lod2GroundSurface'];

/** A code of the national detailed-usage list's shape: 4 or 6 digits starting with 4 (4011-4611, 401101-...). */
const NATIONAL_DETAILED = /^4\d{3}(\d{2})?$/;
/** The attributes refineUsage reads, in its order. */
const DETAILED_ATTRIBUTES = ['uro:detailedUsage', 'uro:orgUsage2'];

/**
 * The use code of a building from bldg:usage and its detailed codes (see the file's doc): the first detailed code
 * (uro:detailedUsage, then uro:orgUsage2) that is a national detailed code under the usage, else the usage.
 * `ignored` names a detailed value that was present but is not under the usage (another code list).
 */
export function refineUsage(usage: string | undefined, detailed: (string | undefined)[]): { code: string | undefined; refinedBy?: number; ignored?: string; ignoredBy?: number } {
  let ignored: string | undefined;
  let ignoredBy: number | undefined;
  for (let k = 0; k < detailed.length; k++) {
    const d = detailed[k]?.trim();
    // absent, or PLATEAU's unknown sentinel (9999 and the like)
    if (!d || /^9{4,}$/.test(d)) continue;
    if (NATIONAL_DETAILED.test(d) && (usage === undefined || d.startsWith(usage))) return { code: d, refinedBy: k };
    if (ignored === undefined) {
      ignored = d;
      ignoredBy = k;
    }
  }
  return ignored === undefined ? { code: usage } : { code: usage, ignored, ignoredBy };
}

function chosen(o: Owner): { source?: FootprintSource; polygons: CleanPolygon[] } {
  for (const s of SOURCES) if (o[s].length > 0) return { source: s, polygons: o[s] };
  return { polygons: [] };
}

/**
 * Fill the parent's missing attributes from its parts: usage of the part with the largest floor area (given, else
 * footprint x storeys, else footprint); storeys as the footprint-weighted mean (so footprint x storeys keeps the parts'
 * total floor area estimate); height the maximum; total floor area and footprint area the sum when every part has one.
 */
function aggregateParts(b: Owner, warnings: Warnings, file: string): void {
  const parts = b.parts;
  if (parts.length === 0) return;
  const area = parts.map((p) => planarArea(chosen(p).polygons));
  if (b.usage === undefined) {
    // weight: given floor areas when every part with a usage has one, else footprint x storeys (1 when unknown)
    const withUse = parts.filter((p) => p.usage !== undefined);
    const allGiven = withUse.every((p) => Number.isFinite(p.totalFloorArea));
    let best = -1, bestW = -Infinity;
    const codes = new Set<string>();
    parts.forEach((p, i) => {
      if (p.usage === undefined) return;
      codes.add(p.usage);
      const w = allGiven ? p.totalFloorArea : area[i]! * (Number.isFinite(p.storeysAbove) ? p.storeysAbove : 1);
      if (w > bestW) {
        bestW = w;
        best = i;
      }
    });
    if (best >= 0) b.usage = parts[best]!.usage;
    if (codes.size > 1) {
      warnings.add('building-parts-mixed-use', 'BuildingParts of one Building have different bldg:usage; the use of the largest part is taken', {
        file,
        record: b.id,
        message: `parts' usage codes ${[...codes].join(', ')}; took ${b.usage}`,
      });
    }
  }
  const weighted = (k: 'storeysAbove' | 'storeysBelow'): number => {
    let s = 0, w = 0;
    for (let i = 0; i < parts.length; i++) {
      const v = parts[i]![k];
      if (!Number.isFinite(v)) return NaN;
      s += v * area[i]!;
      w += area[i]!;
    }
    return w > 0 ? s / w : NaN;
  };
  const sum = (k: 'totalFloorArea' | 'footprintArea'): number => parts.reduce((s, p) => s + p[k], 0);
  if (Number.isNaN(b.storeysAbove)) b.storeysAbove = weighted('storeysAbove');
  if (Number.isNaN(b.storeysBelow)) b.storeysBelow = weighted('storeysBelow');
  if (Number.isNaN(b.heightM)) {
    const h = Math.max(...parts.map((p) => p.heightM));
    b.heightM = Number.isFinite(h) ? h : NaN;
  }
  if (Number.isNaN(b.totalFloorArea)) b.totalFloorArea = sum('totalFloorArea');
  if (Number.isNaN(b.footprintArea)) b.footprintArea = sum('footprintArea');
}

const DROP_MESSAGES: Record<string, string> = {
  'no-footprint': 'building has no footprint geometry (no lod0FootPrint/lod0RoofEdge, lod1Solid or LOD2 GroundSurface): dropped',
  'geometry-nan': 'every footprint ring has non-numeric coordinates or a coordinate count that does not fit srsDimension: building dropped',
  'geometry-too-few-points': 'every footprint ring has fewer than 3 distinct vertices: building dropped',
};

/**
 * Read PLATEAU CityGML buildings from files, .gml.gz files, folders of tiles or tile lists into `builder`
 * (whose CRS must be geographic lon/lat, e.g. EPSG:6668), streaming each file; drops and problems go to `warnings`.
 */
export async function readCityGmlBuildings(
  paths: string[],
  builder: BuildingTableBuilder,
  warnings: Warnings,
  opts: CityGmlReadOptions = {},
): Promise<CityGmlReadSummary> {
  const t0 = performance.now();
  const files = resolveCityGmlFiles(paths);
  const tol = opts.solidGroundToleranceM ?? 0.05;
  const summary: CityGmlReadSummary = {
    files: 0,
    fileBytes: 0,
    xmlBytes: 0,
    buildingsSeen: 0,
    buildings: 0,
    buildingParts: 0,
    dropped: {},
    footprintSource: { lod0FootPrint: 0, lod0RoofEdge: 0, lod1Solid: 0, lod2GroundSurface: 0, parts: 0 },
    attributes: { usage: 0, detailedUsage: 0, storeysAbove: 0, storeysBelow: 0, heightM: 0, totalFloorArea: 0, footprintArea: 0 },
    municipalities: {},
    selfIntersecting: 0,
    srsNames: [],
    seconds: 0,
  };
  const srsNames = new Set<string>();
  for (let fi = 0; fi < files.length; fi++) {
    const file = files[fi]!;
    opts.onProgress?.(fi, files.length, basename(file));
    builder.beginFile(file, 'plateau');
    const geo = new GmlGeometryReader(builder.crs, file);
    const cities = new Map<string, number>();
    const detailed = new Map<string, DetailedUse>();
    const stats = await streamCityGml(file, buildingHandler(file, geo, builder, warnings, summary, tol, cities, detailed));
    recordMunicipalities(file, cities);
    recordDetailedUsage(file, detailed);
    for (const [c, n] of cities) summary.municipalities[c] = (summary.municipalities[c] ?? 0) + n;
    if (geo.assumedSrs) {
      warnings.add('crs-assumed', `no srsName in the file: ${'EPSG:6697'} (PLATEAU, latitude first) assumed`, { file });
    }
    for (const s of geo.srsNames) srsNames.add(s);
    summary.files++;
    summary.fileBytes += stats.fileBytes;
    summary.xmlBytes += stats.xmlBytes;
  }
  opts.onProgress?.(files.length, files.length, 'done');
  summary.srsNames = [...srsNames];
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

function buildingHandler(
  file: string,
  geo: GmlGeometryReader,
  builder: BuildingTableBuilder,
  warnings: Warnings,
  summary: CityGmlReadSummary,
  tol: number,
  cities: Map<string, number>,
  detailed: Map<string, DetailedUse>,
) {
  const names: string[] = [];
  /** Building, then nested BuildingParts. */
  const owners: Owner[] = [];
  let geomTarget: FootprintSource | null = null;
  let geomDepth = 0;
  let attrKey: AttrKey | null = null;
  let attrDepth = 0;
  let attrText = '';

  geo.record = () => owners[0]?.id;
  geo.onPolygon = (p) => {
    const o = owners[owners.length - 1];
    if (!o || geomTarget === null) return;
    if (geomTarget === 'lod1Solid') {
      o.solidRaw.push(p);
      return;
    }
    addClean(o, geomTarget, p);
  };

  function addClean(o: Owner, target: FootprintSource, p: RawPolygon): void {
    const r = cleanPolygon(p);
    o.ringsDropped += r.holesDropped;
    if (r.polygon) o[target].push(r.polygon);
    else {
      o.ringsDropped++;
      o.problem ??= r.problem;
    }
  }

  function finishBuilding(b: Owner): void {
    summary.buildingsSeen++;
    let { source, polygons } = chosen(b);
    let src: FootprintSource | 'parts' | undefined = source;
    if (polygons.length === 0 && b.parts.length > 0) {
      polygons = b.parts.flatMap((p) => chosen(p).polygons);
      src = 'parts';
    }
    aggregateParts(b, warnings, file);
    if (polygons.length === 0) {
      const problem = b.problem ?? b.parts.find((p) => p.problem)?.problem;
      const code = problem === 'nan' ? 'geometry-nan' : problem === 'too-few-points' ? 'geometry-too-few-points' : 'no-footprint';
      warnings.add(code, DROP_MESSAGES[code]!, { file, record: b.id });
      summary.dropped[code] = (summary.dropped[code] ?? 0) + 1;
      return;
    }
    const dropped = b.ringsDropped + b.parts.reduce((s, p) => s + p.ringsDropped, 0);
    if (dropped > 0) {
      warnings.add('footprint-ring-dropped', 'footprint rings with NaN coordinates or < 3 distinct vertices were left out; the building is kept with its valid rings', {
        file,
        record: b.id,
        message: `${dropped} ring(s) left out`,
      });
    }
    if (polygonsSelfIntersect(polygons)) {
      summary.selfIntersecting++;
      warnings.add('self-intersecting-footprint', 'footprint ring crosses itself (checked in lon/lat); building kept as is, its area may be off', {
        file,
        record: b.id,
      });
    }
    // the detailed codes of the Building, else of the part whose usage it took
    const det = b.detailedUsage || b.orgUsage2 ? b : (b.parts.find((p) => p.usage === b.usage && (p.detailedUsage || p.orgUsage2)) ?? b);
    const use = refineUsage(b.usage, [det.detailedUsage, det.orgUsage2]);
    if (use.refinedBy !== undefined) detailed.set(b.id, { code: use.code, attribute: DETAILED_ATTRIBUTES[use.refinedBy]! });
    else if (use.ignored !== undefined) detailed.set(b.id, { ignored: use.ignored, attribute: DETAILED_ATTRIBUTES[use.ignoredBy!]! });
    if (b.city !== undefined) cities.set(b.city, (cities.get(b.city) ?? 0) + 1);
    const raw: RawBuilding = {
      id: b.id,
      // bldg:usage as found; a detailed code is recorded beside the table (recordDetailedUsage)
      useCode: b.usage,
      storeysAbove: b.storeysAbove,
      storeysBelow: b.storeysBelow,
      heightM: b.heightM,
      givenFloorAreaM2: b.totalFloorArea,
      givenFootprintAreaM2: b.footprintArea,
    };
    builder.add(raw, polygons);
    summary.buildings++;
    summary.footprintSource[src!]++;
    const a = summary.attributes;
    if (use.code !== undefined && use.code !== '') a.usage++;
    if (use.refinedBy !== undefined) a.detailedUsage++;
    if (Number.isFinite(b.storeysAbove)) a.storeysAbove++;
    if (Number.isFinite(b.storeysBelow)) a.storeysBelow++;
    if (Number.isFinite(b.heightM)) a.heightM++;
    if (Number.isFinite(b.totalFloorArea)) a.totalFloorArea++;
    if (Number.isFinite(b.footprintArea)) a.footprintArea++;
  }

  return {
    record: () => owners[0]?.id,
    open(local: string, attrs: Record<string, string>, depth: number): void {
      names[depth] = local;
      if (local === 'Building' || local === 'BuildingPart') {
        const gid = attrs['gml:id'];
        const id = gid !== undefined ? detachString(gid) : `${local}#${summary.buildingsSeen + 1}`;
        if (local === 'BuildingPart') summary.buildingParts++;
        // a Building nested in a Building is not valid CityGML; treat it like a part
        owners.push(newOwner(id, depth));
        geomTarget = null;
        geo.active = false;
      } else if (owners.length > 0) {
        const o = owners[owners.length - 1]!;
        if (depth === o.depth + 1) {
          if (local === 'lod0FootPrint' || local === 'lod0RoofEdge') {
            geomTarget = local;
          } else if (local === 'lod1Solid' && o.lod0FootPrint.length + o.lod0RoofEdge.length === 0) {
            geomTarget = 'lod1Solid';
            o.solidRaw = [];
          } else {
            const k = DIRECT_ATTRS[local];
            if (k) {
              attrKey = k;
              attrDepth = depth;
              attrText = '';
            }
          }
          if (geomTarget !== null && geomDepth === 0) {
            geomDepth = depth;
            geo.active = true;
          }
        } else if (
          local === 'lod2MultiSurface' &&
          names[depth - 1] === 'GroundSurface' &&
          geomTarget === null &&
          o.lod0FootPrint.length + o.lod0RoofEdge.length + o.lod1Solid.length === 0
        ) {
          geomTarget = 'lod2GroundSurface';
          geomDepth = depth;
          geo.active = true;
        } else if (DETAIL_PARENTS.has(names[depth - 1]!)) {
          const k = DETAIL_ATTRS[local];
          if (k) {
            attrKey = k;
            attrDepth = depth;
            attrText = '';
          }
        } else if (local === 'city' && names[depth - 1] === 'BuildingIDAttribute') {
          attrKey = 'city';
          attrDepth = depth;
          attrText = '';
        }
      }
      geo.open(local, attrs, depth);
    },
    text(t: string): void {
      if (attrKey !== null) attrText += t;
      else geo.text(t);
    },
    close(local: string, depth: number): void {
      geo.close(local, depth);
      if (attrKey !== null && depth === attrDepth) {
        const o = owners[owners.length - 1]!;
        if (attrKey === 'usage') o.usage ??= detachString(attrText.trim()) || undefined;
        else if (attrKey === 'detailedUsage' || attrKey === 'orgUsage2') o[attrKey] ??= detachString(attrText.trim()) || undefined;
        else if (attrKey === 'city') {
          const code = normaliseMunicipalityCode(attrText);
          // the Building's own code; a part's is its Building's
          if (code !== undefined) owners[0]!.city ??= code;
        } else if (!TEXT_ATTRS.has(attrKey)) {
          const v = plateauNumber(attrText, attrKey !== 'storeysBelow');
          if (Number.isNaN(o[attrKey])) o[attrKey] = v;
        }
        attrKey = null;
        attrText = '';
      }
      if (geomTarget !== null && depth === geomDepth) {
        const o = owners[owners.length - 1]!;
        if (geomTarget === 'lod1Solid') {
          for (const p of solidGround(o.solidRaw, tol)) addClean(o, 'lod1Solid', p);
          o.solidRaw = [];
        }
        geomTarget = null;
        geomDepth = 0;
        geo.active = false;
      }
      const o = owners[owners.length - 1];
      if (o && depth === o.depth) {
        owners.pop();
        geomTarget = null;
        geomDepth = 0;
        geo.active = false;
        if (owners.length === 0) finishBuilding(o);
        else owners[0]!.parts.push(o);
      }
    },
  };
}
