/**
 * hourly.csv: an hour column, then series in kW. Two layouts are read: plain (demand_kW, losses_kW, <plant>_kW,
 * surplus_kW, backup_kW: a one-case run, or a hand-made file) and the simulation's per-scenario one, where each series
 * is prefixed by the scenario ('0:demand_kW', '0:plant:biomass-1_kW', '0:surplus_kW', ...) next to shared columns
 * (month, air_C, ...). Column names: engine/run/contract.ts (HOURLY_SERIES, hourlyPrefix, hourlyPlantColumn).
 */
import { HOURLY_PLANT_PREFIX, HOURLY_SCOPE_SEPARATOR, type HourlySeries } from '../../engine/run/contract.js';

export interface Hourly {
  hours: number;
  /** Column names in file order, without the hour column. */
  names: string[];
  columns: Record<string, Float32Array>;
  /** Scenario prefixes found ('0', '1', ...); empty for the plain layout. */
  scenarios: string[];
}

export function parseHourly(text: string): Hourly {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error('hourly.csv has no data rows');
  const head = lines[0]!.split(',').map((s) => s.trim());
  const names = head.slice(1);
  const hours = lines.length - 1;
  const columns: Record<string, Float32Array> = {};
  for (const n of names) columns[n] = new Float32Array(hours);
  for (let r = 0; r < hours; r++) {
    const cells = lines[r + 1]!.split(',');
    for (let c = 0; c < names.length; c++) columns[names[c]!]![r] = Number(cells[c + 1]);
  }
  const scenarios = [...new Set(names.map(scopeOf).filter((s): s is string => !!s))];
  return { hours, names, columns, scenarios };
}

/** The series of one scenario (default: the first), by role. */
export interface Series {
  demand?: string;
  losses?: string;
  plants: string[];
  surplus?: string;
  backup?: string;
}

export function series(h: Hourly, scenario = h.scenarios[0]): Series {
  if (scenario !== undefined && h.scenarios.includes(scenario)) {
    const p = scenario + HOURLY_SCOPE_SEPARATOR;
    const col = (s: HourlySeries) => (h.names.includes(p + s) ? p + s : undefined);
    const plants = h.names.filter((n) => n.startsWith(p + HOURLY_PLANT_PREFIX));
    return { demand: col('demand_kW'), losses: col('losses_kW'), plants, surplus: col('surplus_kW'), backup: col('backup_kW') };
  }
  const find = (role: string) => h.names.find((n) => n.toLowerCase().startsWith(role));
  return {
    demand: h.names.find((n) => n === 'demand_kW') ?? find('demand'),
    losses: find('loss'),
    plants: h.names.filter((n) => /_kw$/i.test(n) && !/^(demand|loss|surplus|backup|delivered|produced|unmet|pump|storage)/i.test(n)),
    surplus: find('surplus'),
    backup: find('backup'),
  };
}

/** The scope (case) prefix of a column name, without its separator: '0' of '0:demand_kW'; undefined for 'plant:x_kW'. */
function scopeOf(name: string): string | undefined {
  const i = name.indexOf(HOURLY_SCOPE_SEPARATOR);
  if (i <= 0 || name.startsWith(HOURLY_PLANT_PREFIX)) return undefined;
  return name.slice(0, i);
}

/** Short label of a series column ('0:plant:biomass-1_kW' -> 'biomass-1'). */
export const label = (name: string): string => name.replace(/^[^:]+:/, '').replace(/^plant:/, '').replace(/_kW$/i, '');

/** Demand at hour t over the year's peak demand, 0..1: scales consumers' peak loads to the hour. */
export function hourFactor(h: Hourly | undefined, t: number, scenario?: string): number {
  if (!h) return 1;
  const col = series(h, scenario).demand;
  if (!col) return 1;
  const v = h.columns[col]!;
  let max = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! > max) max = v[i]!;
  return max > 0 ? v[Math.min(v.length - 1, Math.max(0, t))]! / max : 1;
}
