/**
 * Guideline checks on a run's buildings, blocks and supply areas: which of them meet a threshold of their
 * municipality's DHC guideline (engine/platform/guidelines.ts), listed per area. A rule applies to a building when
 * the building's municipality (engine/platform/municipality.ts) is among the rule's codes; to a block or an area when
 * one of the buildings inside is. `compare` also evaluates every other municipality's rules on the same buildings, as
 * a what-if kept apart from the rules that apply ("would Tokyo's rule catch these buildings?").
 *
 * - development rules: a building's own floor area, a block's or an area's floor area (or land, site_area rules)
 *   against the threshold: the size from which the city asks a (re)development to consider DHC;
 * - acceptance rules: each building's floor area; a block or an area lists the buildings inside that meet it.
 * Floor areas are those of the demand stage (buildings.geojson floorArea_m2 with its floorAreaSource).
 */
import Flatbush from 'flatbush';
import { pointInRing, ringCentroid } from '../geom/rings.js';
import { meets, ruleCovers, useMatches, type GuidelineRule } from './guidelines.js';
import type { GuidelineCheck, ZoneResult } from './types.js';

export type { GuidelineCheck, ZoneResult } from './types.js';

export interface CheckBuilding {
  id: string;
  lon: number;
  lat: number;
  floorM2: number;
  use: string;
  /** Municipality code (5 digits) or null. */
  code: number | null;
}

export interface CheckZone {
  id: string;
  /** Floor area, m²; null: the sum of the buildings inside is used. */
  floorM2: number | null;
  landM2: number;
  /** Polygons in lon/lat: rings as flat [lon, lat, ...], exterior first. */
  polygons: Float64Array[][];
  /** A grid cell standing in for a block (no --blocks): its land is not a development site, site_area rules skip it. */
  cell?: boolean;
}



export interface CheckInput {
  rules: GuidelineRule[];
  buildings: CheckBuilding[];
  blocks: CheckZone[];
  areas?: CheckZone[];
  compare?: boolean;
}

/** Flag buildings, blocks and areas meeting the guideline rules of their municipality. */
export function checkGuidelines(inp: CheckInput): GuidelineCheck {
  const { rules, buildings } = inp;
  const codes = new Set(buildings.map((b) => b.code).filter((c): c is number => c !== null));
  const appliesSomewhere = (r: GuidelineRule) => [...codes].some((c) => ruleCovers(r, c));
  const counts: GuidelineCheck['counts'] = {};
  for (const r of rules) counts[r.rule] = { applies: appliesSomewhere(r), buildings: 0, blocks: 0, areas: inp.areas ? 0 : null, ...(inp.compare ? { whatIf: { buildings: 0, blocks: 0, areas: inp.areas ? 0 : null } } : {}) };
  // buildings
  const bHits: string[][] = [];
  const bWhat: string[][] = [];
  const outB: GuidelineCheck['buildings'] = [];
  buildings.forEach((b, k) => {
    const hit: string[] = [];
    const what: string[] = [];
    for (const r of rules) {
      if (!r.appliesTo.includes('building') || r.quantity !== 'floor_area') continue;
      if (!useMatches(r, b.use) || !meets(r, b.floorM2)) continue;
      if (b.code !== null && ruleCovers(r, b.code)) {
        hit.push(r.rule);
        counts[r.rule]!.buildings++;
      } else if (inp.compare) {
        what.push(r.rule);
        counts[r.rule]!.whatIf!.buildings++;
      }
    }
    bHits[k] = hit;
    bWhat[k] = what;
    if (hit.length || what.length) outB.push({ id: b.id, lon: b.lon, lat: b.lat, floorArea_m2: b.floorM2, use: b.use, municipality: b.code, rules: hit, ...(inp.compare ? { whatIf: what } : {}) });
  });
  const blocks = zoneResults(inp.blocks, 'block', inp, bHits, bWhat, counts);
  let areas: ZoneResult[] | null = null;
  if (inp.areas) {
    areas = zoneResults(inp.areas, 'area', inp, bHits, bWhat, counts);
    // the blocks meeting a development rule, listed in the area holding their centroid
    const idx = zoneIndex(inp.areas);
    inp.blocks.forEach((z, k) => {
      const br = blocks[k]!;
      if (!br.rules.length) return;
      const [x, y] = zoneCentroid(z);
      for (const a of idx.within(x, y)) {
        const ar = areas![a]!;
        ar.blocks ??= {};
        for (const r of br.rules) (ar.blocks[r] ??= []).push(z.id);
      }
    });
  }
  return {
    rules: rules.map((r) => {
      const { codes: _c, file, line, ...rest } = r;
      return { ...rest, codes: r.codesText, applies: counts[r.rule]!.applies, table: file, line };
    }),
    buildings: outB,
    // blocks are many: only those with a flag (areas are few and all listed)
    blocks: blocks.filter((z) => z.rules.length || Object.keys(z.buildings).length || z.whatIf?.length || z.whatIfBuildings),
    areas,
    counts,
  };
}

function zoneResults(
  zones: CheckZone[],
  level: 'block' | 'area',
  inp: CheckInput,
  bHits: string[][],
  bWhat: string[][],
  counts: GuidelineCheck['counts'],
): ZoneResult[] {
  const idx = zoneIndex(zones);
  const runCodes = [...new Set(inp.buildings.map((b) => b.code).filter((c): c is number => c !== null))];
  const inside: number[][] = zones.map(() => []);
  inp.buildings.forEach((b, k) => {
    for (const z of idx.within(b.lon, b.lat)) inside[z]!.push(k);
  });
  return zones.map((z, zi) => {
    const members = inside[zi]!;
    // a zone without a building centroid inside (a cell holding only parts of footprints) takes the run's one municipality
    const own = [...new Set(members.map((k) => inp.buildings[k]!.code).filter((c): c is number => c !== null))].sort((a, b) => a - b);
    const muni = own.length === 0 && runCodes.length === 1 ? runCodes : own;
    const floor = z.floorM2 ?? members.reduce((s, k) => s + inp.buildings[k]!.floorM2, 0);
    const res: ZoneResult = { id: z.id, floorArea_m2: round(floor), floorAreaFrom: z.floorM2 === null ? 'buildings' : 'zone', land_m2: round(z.landM2), municipalities: muni, rules: [], buildings: {} };
    const what: string[] = [];
    for (const r of inp.rules) {
      const applies = muni.some((c) => ruleCovers(r, c));
      if (r.appliesTo.includes(level) && !(z.cell && r.quantity === 'site_area')) {
        const v = r.quantity === 'floor_area' ? floor : z.landM2;
        if (meets(r, v)) {
          if (applies) {
            res.rules.push(r.rule);
            counts[r.rule]![level === 'block' ? 'blocks' : 'areas']!++;
          } else if (inp.compare) {
            what.push(r.rule);
            const w = counts[r.rule]!.whatIf!;
            if (level === 'block') w.blocks++;
            else w.areas = (w.areas ?? 0) + 1;
          }
        }
      }
      const ids = members.filter((k) => bHits[k]!.includes(r.rule)).map((k) => inp.buildings[k]!.id);
      if (ids.length) res.buildings[r.rule] = ids;
      if (inp.compare) {
        const w = members.filter((k) => bWhat[k]!.includes(r.rule)).map((k) => inp.buildings[k]!.id);
        if (w.length) (res.whatIfBuildings ??= {})[r.rule] = w;
      }
    }
    if (inp.compare) res.whatIf = what;
    return res;
  });
}

/** Zones indexed by bounding box; `within(x, y)` gives the zones whose polygons hold the point. */
function zoneIndex(zones: CheckZone[]): { within(x: number, y: number): number[] } {
  if (zones.length === 0) return { within: () => [] };
  const fb = new Flatbush(zones.length);
  for (const z of zones) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of z.polygons)
      for (let i = 0; i < (p[0]?.length ?? 0); i += 2) {
        const x = p[0]![i]!, y = p[0]![i + 1]!;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    if (!(x0 <= x1)) x0 = x1 = y0 = y1 = NaN;
    fb.add(x0, y0, x1, y1);
  }
  fb.finish();
  return {
    within(x, y) {
      return fb.search(x, y, x, y).filter((k) => zones[k]!.polygons.some((p) => inPolygon(x, y, p)));
    },
  };
}

function inPolygon(x: number, y: number, rings: Float64Array[]): boolean {
  if (!rings[0] || !pointInRing(x, y, rings[0])) return false;
  for (let r = 1; r < rings.length; r++) if (pointInRing(x, y, rings[r]!)) return false;
  return true;
}

/** Area centroid of a zone's first exterior ring, in lon/lat (blocks are small: the plane formula is enough to say which area holds them). */
function zoneCentroid(z: CheckZone): [number, number] {
  const r = z.polygons[0]?.[0];
  return r && r.length >= 6 ? ringCentroid(r) : [NaN, NaN];
}

const round = (v: number) => Math.round(v * 10) / 10;
