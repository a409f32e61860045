/**
 * hourly.csv: an hour column, then series in kW. Two layouts are read: plain (demand_kW, losses_kW, plant:<id>_kW,
 * surplus_kW, backup_kW: a one-case one-network run, or a hand-made file with <plant>_kW columns) and the
 * simulation's scoped one, where each series is prefixed by the case and/or the network ('0:demand_kW',
 * '0:plant:biomass-1_kW', '0:net-2:surplus_kW', ...) next to shared columns (month, air_C, ...). Column names and
 * their scopes: engine/run/contract.ts (HOURLY_SERIES, hourlyPrefix, hourlyPlantColumn, parseHourlyColumn).
 */
import { HOURLY_PLANT_PREFIX, HOURLY_SCOPE_SEPARATOR, parseHourlyColumn, type HourlySeries, type SimFile } from '../../engine/run/contract.js';

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
  return factorAt(h.columns[col]!, t);
}

// ---------------------------------------------------------------------------------------------------------------
// cases: the chart's and the map's series of one case, summed over the case's networks

/** One case of hourly.csv: its series summed over its networks (kW per hour). */
export interface HourlyCase {
  id: string;
  /** The case's name from sim.json, if it has one. */
  name?: string;
  demand?: Float32Array;
  losses?: Float32Array;
  surplus?: Float32Array;
  backup?: Float32Array;
  /** One entry per plant id (summed over networks where a plant id repeats). */
  plants: { label: string; values: Float32Array }[];
}

/** The cases of hourly.csv, in file order; sim.json (when given) says whether the first scope is a case or a network. */
export function hourlyCases(h: Hourly, sim?: Partial<SimFile> | null): HourlyCase[] {
  const simCases = Array.isArray(sim?.cases) ? sim!.cases : [];
  const scoped = h.names.map((n) => parseHourlyColumn(n));
  const anyTwo = scoped.some((c) => !!c && 'scopes' in c && c.scopes.length >= 2);
  // first scope is the case when sim.json lists several cases, or (without sim.json) whenever a column is scoped
  const caseFirst = simCases.length ? simCases.length > 1 : anyTwo || h.scenarios.length > 0;
  const defaultId = simCases[0]?.id ?? '0';
  const groups = new Map<string, { series: Map<HourlySeries, string[]>; plants: Map<string, string[]> }>();
  const group = (id: string) => {
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { series: new Map(), plants: new Map() }));
    return g;
  };
  const plain = series(h, undefined);
  scoped.forEach((c, i) => {
    const name = h.names[i]!;
    if (!c) {
      // a hand-made plain file: <plant>_kW columns the contract has no name for
      if (plain.plants.includes(name) && !name.includes(HOURLY_SCOPE_SEPARATOR)) push(group(defaultId).plants, label(name), name);
      return;
    }
    if (!('scopes' in c)) return; // time and weather columns
    const id = caseFirst && c.scopes.length ? c.scopes[0]! : defaultId;
    if (c.kind === 'series') push(group(id).series, c.series, name);
    else push(group(id).plants, c.plant, name);
  });
  if (!groups.size) return [];
  const sum = (cols: string[] | undefined): Float32Array | undefined => {
    if (!cols?.length) return undefined;
    if (cols.length === 1) return h.columns[cols[0]!];
    const out = new Float32Array(h.hours);
    for (const c of cols) {
      const v = h.columns[c]!;
      for (let t = 0; t < out.length; t++) out[t] += v[t]!;
    }
    return out;
  };
  return [...groups].map(([id, g]) => ({
    id,
    name: simCases.find((c) => String(c.id) === id)?.name,
    demand: sum(g.series.get('demand_kW')) ?? (id === defaultId && plain.demand && !parseHourlyColumn(plain.demand) ? h.columns[plain.demand] : undefined),
    losses: sum(g.series.get('losses_kW')),
    surplus: sum(g.series.get('surplus_kW')),
    backup: sum(g.series.get('backup_kW')),
    plants: [...g.plants].map(([p, cols]) => ({ label: p, values: sum(cols)! })),
  }));
}

function push<K>(m: Map<K, string[]>, k: K, v: string): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

const maxCache = new WeakMap<Float32Array, number>();

/** v[t] over the series' maximum, 0..1 (1 without a series or a positive maximum). */
export function factorAt(v: Float32Array | undefined, t: number): number {
  if (!v?.length) return 1;
  let max = maxCache.get(v);
  if (max === undefined) {
    max = 0;
    for (let i = 0; i < v.length; i++) if (v[i]! > max) max = v[i]!;
    maxCache.set(v, max);
  }
  return max > 0 ? v[Math.min(v.length - 1, Math.max(0, t))]! / max : 1;
}
