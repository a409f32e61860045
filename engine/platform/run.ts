/**
 * The platform view of a run (seed 000): municipal guideline checks and critical facilities, from the run's
 * buildings.geojson, blocks.geojson and (where present) areas.geojson, into platform.json. The potential stage runs it
 * (it knows the run's buildings and the municipality before the areas exist); the areas stage lists the flags per area
 * again when it writes new areas (relistAreas). Nothing here reads the simulation.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MultiPolygon, Polygon } from 'geojson';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { InputError } from '../errors.js';
import { pointInRing } from '../geom/rings.js';
import { FILES, type AreaFeature } from '../run/contract.js';
import { hasRunFile, readAreas, readBlocks, readBuildings } from '../run/read.js';
import { Warnings } from '../util/warnings.js';
import { checkGuidelines, type CheckBuilding, type CheckZone, type GuidelineCheck } from './check.js';
import { criticalFacilities, readCriticalList, type CriticalFacility } from './critical.js';
import { defaultGuidelinesFile, normaliseCode, readGuidelines, ruleCovers, type GuidelineRule } from './guidelines.js';
import { fileMunicipality, type FileMunicipality } from './municipality.js';
import type { PlatformFile, PlatformOptions, PlatformSummary } from './types.js';

export type { PlatformFile, PlatformOptions, PlatformSummary } from './types.js';

/** The platform.json file of a run (contract FILES.platform). */
export const PLATFORM_FILE = 'platform.json';




/** Compute the platform view of `run` (working CRS `crs`); returns platform.json's content and the manifest summary. */
export async function platformView(run: string, crs: string, o: PlatformOptions, warnings: Warnings, areasOverride?: AreaFeature[]): Promise<{ file: PlatformFile; summary: PlatformSummary } | undefined> {
  if (!hasRunFile(run, 'buildings')) {
    warnings.add('platform-no-buildings', 'no buildings.fgb or buildings.geojson in the run (demand from a raster): no guideline checks and no critical facilities');
    return undefined;
  }
  const table = resolve(o.guidelines ?? defaultGuidelinesFile());
  const rules = readGuidelines(table);
  const fc = await readBuildings(run);
  const toWgs = transformer(parseCrs(crs), WGS84);
  // municipality: the option, else per input file from the data
  const byFile: FileMunicipality[] = [];
  let forced: number | null = null;
  if (o.municipality !== undefined) forced = municipalityCode(o.municipality, rules, table);
  else for (const f of fc.files ?? []) byFile.push(await fileMunicipality(f));
  const buildings: (CheckBuilding & { heatMWh: number; peakKw: number })[] = fc.features.map((f) => {
    const p = f.properties;
    const [lon, lat] = toWgs.forward(p.x, p.y);
    const code = forced ?? byFile[p.file]?.code ?? null;
    return { id: p.id, lon, lat, floorM2: p.floorArea_m2, use: p.use, code, heatMWh: p.heat_MWh, peakKw: p.peak_kW };
  });
  const codes = [...new Set(buildings.map((b) => b.code).filter((c): c is number => c !== null))].sort((a, b) => a - b);
  const unknown = buildings.filter((b) => b.code === null).length;
  if (unknown) warnings.addMany('guideline-no-municipality', 'buildings whose municipality is not known (no PLATEAU code in their file): no guideline applies to them; give municipality (--municipality CODE|NAME)', unknown);
  const names = codes.map((c) => nameOf(c, rules));
  for (const c of codes) if (!rules.some((r) => ruleCovers(r, c))) warnings.add('guideline-none-for-municipality', `the guideline table has no rule for municipality ${c}`, { file: table, record: String(c) });
  const blocks = zonesOf((await readBlocks(run)).features.map((f) => ({ id: String(f.properties.id), floorM2: f.properties.floorArea_m2, landM2: f.properties.land_m2, geometry: f.geometry, cell: f.properties.row !== undefined })));
  const areaFeatures = areasOverride ?? (existsSync(join(run, FILES.areas)) ? (await readAreas(run)).features : undefined);
  const areas = areaFeatures
    ? zonesOf(areaFeatures.map((f, k) => {
        const p = f.properties as Record<string, unknown>;
        const floor = typeof p.floorArea_m2 === 'number' ? p.floorArea_m2 : null;
        const land = typeof p.land_ha === 'number' ? p.land_ha * 10_000 : 0;
        return { id: String(p.id ?? k + 1), floorM2: floor, landM2: land, geometry: f.geometry };
      }))
    : undefined;
  const check = checkGuidelines({ rules, buildings, blocks, areas, compare: o.compareGuidelines });
  // critical facilities
  const list = o.criticalFacilities ? readCriticalList(o.criticalFacilities) : undefined;
  const uses = o.criticalUses ?? ['medical_welfare', 'public_office'];
  const facilities = criticalFacilities(buildings, { uses, list, listFile: o.criticalFacilities, warnings });
  let byArea: Record<string, string[]> | null = null;
  if (areas) {
    byArea = {};
    for (const a of areas) byArea[a.id] = facilities.filter((f) => a.polygons.some((p) => inside(f.lon, f.lat, p))).map((f) => f.id);
  }
  const how = o.municipality !== undefined ? 'option' : [...new Set(byFile.map((b) => b.how ?? 'unknown'))].join(', ') || 'unknown';
  const applying = check.rules.filter((r) => r.applies).map((r) => r.rule);
  const file: PlatformFile = {
    options: { ...o, guidelines: table },
    municipality: { codes, names, how, byFile },
    guidelines: check,
    critical: { facilities, byArea, uses, source: 'use categories of the demand stage (engine/buildings/use-mapping.csv) and the user list; shelters come only from the user list' },
  };
  const pick = (k: 'counts' | 'whatIf') =>
    Object.fromEntries(
      check.rules
        .filter((r) => (k === 'counts' ? r.applies : !r.applies))
        .map((r) => {
          const c = check.counts[r.rule]!;
          const v = k === 'counts' ? c : c.whatIf!;
          return [r.rule, { buildings: v.buildings, blocks: v.blocks, areas: v.areas }];
        }),
    );
  const roles: Record<string, number> = {};
  for (const f of facilities) roles[f.role] = (roles[f.role] ?? 0) + 1;
  const summary: PlatformSummary = {
    file: PLATFORM_FILE,
    municipality: { codes, names, how },
    guidelinesTable: table,
    rulesApplying: applying,
    counts: pick('counts'),
    ...(o.compareGuidelines ? { whatIf: pick('whatIf') } : {}),
    criticalFacilities: roles,
  };
  return { file, summary };
}

/**
 * The areas stage wrote new areas: list the guideline flags and critical facilities per area again with the options
 * platform.json was made with. Returns the new summary, or undefined when the run has no platform.json.
 */
export async function relistAreas(run: string, outPath: string, crs: string, areas: AreaFeature[]): Promise<PlatformSummary | undefined> {
  const path = join(run, PLATFORM_FILE);
  if (!existsSync(path)) return undefined;
  let prev: PlatformFile;
  try {
    prev = JSON.parse(await readFile(path, 'utf8')) as PlatformFile;
  } catch (e) {
    throw new InputError('run-bad-file', `platform.json is not JSON: ${(e as Error).message}`, { file: path, hint: 'rerun the potential stage' });
  }
  // the same inputs as the potential stage's run, whose summary counted their warnings already
  const r = await platformView(run, crs, prev.options ?? {}, new Warnings(), areas);
  if (!r) return undefined;
  await writeFile(outPath, JSON.stringify(r.file) + '\n');
  return r.summary;
}

/** Write platform.json at `path`. */
export async function writePlatform(path: string, f: PlatformFile): Promise<void> {
  await writeFile(path, JSON.stringify(f) + '\n');
}

/** The `municipality` option as a code: 5/6 digits, or a name (English or Japanese) of the table. */
function municipalityCode(v: string, rules: GuidelineRule[], table: string): number {
  const s = v.trim();
  if (/^\d{5,6}$/.test(s)) return normaliseCode(s);
  const r = rules.find((x) => x.municipality.toLowerCase() === s.toLowerCase() || x.municipalityJa === s);
  if (!r) {
    const known = [...new Set(rules.map((x) => `${x.municipality} (${x.municipalityJa})`))].join(', ');
    throw new InputError('municipality-unknown', `municipality "${v}" is neither a JIS code nor a name in the guideline table`, { file: table, value: v, hint: `give a 5-digit code or one of ${known}` });
  }
  return r.codes[0]![0];
}

const nameOf = (code: number, rules: GuidelineRule[]): string => {
  const r = rules.find((x) => ruleCovers(x, code));
  return r ? `${r.municipality} ${r.municipalityJa}`.trim() : String(code);
};

function zonesOf(list: { id: string; floorM2: number | null; landM2: number; geometry: Polygon | MultiPolygon | null; cell?: boolean }[]): CheckZone[] {
  return list.map((z) => {
    const g = z.geometry;
    const polys = !g ? [] : g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    return {
      id: z.id,
      floorM2: typeof z.floorM2 === 'number' && Number.isFinite(z.floorM2) ? z.floorM2 : null,
      landM2: Number.isFinite(z.landM2) ? z.landM2 : 0,
      polygons: polys.map((p) => p.map((ring) => Float64Array.from(ring.flatMap((c) => [c[0]!, c[1]!])))),
      ...(z.cell ? { cell: true } : {}),
    };
  });
}

/** (x, y) inside a polygon given as flat rings (exterior first, then holes). */
function inside(x: number, y: number, rings: Float64Array[]): boolean {
  return !!rings[0] && pointInRing(x, y, rings[0]) && !rings.slice(1).some((r) => pointInRing(x, y, r));
}
