/**
 * Critical facilities (seed 000: plants with CHP and storage keep hospitals and shelters supplied in a disaster):
 * buildings whose use category is one of `uses` (default medical_welfare: hospitals and welfare, PLATEAU 422 and
 * OSM hospital/clinic/nursing_home as the use mapping gives them; public_office: city halls and government offices,
 * PLATEAU 421), and the buildings of a user list (CSV: id, role, optional name), which also names shelters (schools
 * and halls designated by the city: heatplan holds no shelter list). Listed per supply area.
 */
import { InputError } from '../errors.js';
import { readCsv } from '../util/csv.js';
import type { Warnings } from '../util/warnings.js';
import type { CriticalFacility } from './types.js';

export type { CriticalFacility } from './types.js';

export const CRITICAL_DEFAULTS = {
  uses: ['medical_welfare', 'public_office'] as string[],
  roles: { medical_welfare: 'hospital or welfare facility', public_office: 'city hall or government office', education: 'school (shelter only where the city designates it)' } as Record<string, string>,
};

export interface CriticalBuilding {
  id: string;
  use: string;
  floorM2: number;
  heatMWh: number;
  peakKw: number;
  lon: number;
  lat: number;
}


export interface CriticalListRow {
  id: string;
  role: string;
  name?: string;
  line: number;
}

/** A user list of critical facilities: CSV with columns id, role (and name); errors name the file and line. */
export function readCriticalList(file: string): CriticalListRow[] {
  const rows = readCsv(file);
  if (rows.length && !('id' in rows[0]!)) throw new InputError('critical-column', 'critical-facility list lacks the column "id"', { file, line: 1, value: Object.keys(rows[0]!).join(','), hint: 'columns: id, role, name' });
  return rows.map((r, k) => {
    if (!r.id) throw new InputError('critical-bad-row', 'critical-facility row without a building id', { file, line: k + 2, value: r.id });
    return { id: r.id, role: r.role || 'critical facility (user list)', name: r.name || undefined, line: k + 2 };
  });
}

/** Critical facilities among `buildings`: by use category and by the user list (unknown ids are counted warnings). */
export function criticalFacilities(buildings: CriticalBuilding[], o: { uses?: string[]; list?: CriticalListRow[]; listFile?: string; warnings: Warnings }): CriticalFacility[] {
  const uses = new Set(o.uses ?? CRITICAL_DEFAULTS.uses);
  const listed = new Map((o.list ?? []).map((r) => [r.id, r]));
  const out: CriticalFacility[] = [];
  const found = new Set<string>();
  for (const b of buildings) {
    const row = listed.get(b.id);
    if (!row && !uses.has(b.use)) continue;
    found.add(b.id);
    const base = { id: b.id, use: b.use, floorArea_m2: b.floorM2, heat_MWh: b.heatMWh, peak_kW: b.peakKw, lon: b.lon, lat: b.lat };
    out.push(row ? { ...base, role: row.role, name: row.name, from: 'list' } : { ...base, role: CRITICAL_DEFAULTS.roles[b.use] ?? b.use, from: 'use' });
  }
  for (const r of o.list ?? []) if (!found.has(r.id)) o.warnings.add('critical-unknown-id', 'critical-facility list names a building the run does not have', { file: o.listFile, record: `line ${r.line}: ${r.id}` });
  return out;
}
