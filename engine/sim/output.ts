/**
 * Run-folder outputs of the simulation: sim.json (annual and monthly results per case, network and plant), hourly.csv
 * (the 8,760 h series) and the manifest's `sim` summary.
 */
import { monthOfHour, type Weather } from '../io/weather.js';
import { withOutputStream } from '../io/write.js';
import type { CaseResult } from './scenario.js';
import type { HourlyResult } from './simulate.js';
import {
  HOURLY_SERIES,
  HOURLY_TIME_COLUMNS,
  HOURLY_WEATHER_COLUMNS,
  hourlyPlantColumn,
  hourlyPrefix,
  type HourlySeries,
  type SimCaseRecord,
  type SimFile,
  type SimTotals,
} from '../run/contract.js';

const r3 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v);

function roundDeep(v: unknown): unknown {
  if (typeof v === 'number') return r3(v);
  if (Array.isArray(v)) return v.map(roundDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}

/** sim.json content: everything but the hourly arrays, rounded to 0.001. */
export function simJson(cases: CaseResult[], weather: Weather, extra: Pick<SimFile, 'summary' | 'warnings'>): SimFile {
  return {
    weather: { file: weather.file, format: weather.format, hours: weather.hours, groundSource: weather.groundSource, startWeekday: weather.startWeekday, climateRegion: weather.climateRegion },
    ...extra,
    cases: cases.map((c) => roundDeep({
      id: c.id, name: c.name, surplus_MWh: c.surplus_MWh, surplus_MJ_per_day: c.surplus_MJ_per_day, backupFuel_MJ: c.backupFuel_MJ,
      backupFuel_MJ_per_day: c.backupFuel_MJ_per_day, surplusChangePct: c.surplusChangePct, backupFuelChange_MJ_per_day: c.backupFuelChange_MJ_per_day,
      networks: c.networks.map((n) => ({ network: n.network, consumers: n.consumers, parameters: { ...n.parameters, backup: { ...n.parameters.backup, capacityKw: Number.isFinite(n.parameters.backup.capacityKw) ? n.parameters.backup.capacityKw : null } }, annual: n.annual, monthly: n.monthly, plants: n.plants, byUse_MWh: n.byUse_MWh })),
    }) as SimCaseRecord),
  };
}

/** Manifest summary of the first case (sums over networks) plus the case comparison. */
export function simSummary(cases: CaseResult[]): SimTotals {
  const base = cases[0].networks;
  const s = (f: (a: CaseResult['networks'][number]['annual']) => number) => base.reduce((t, n) => t + f(n.annual), 0);
  const delivered = s((a) => a.heatDelivered_MWh);
  const pe = s((a) => a.primaryEnergy_GJ);
  return roundDeep({
    case: cases[0].id,
    networks: base.length,
    consumers: base.reduce((t, n) => t + n.consumers, 0),
    heatDelivered_MWh: delivered,
    produced_MWh: s((a) => a.produced_MWh),
    losses_MWh: s((a) => a.losses_MWh),
    surplus_MWh: s((a) => a.surplus_MWh),
    backup_MWh: s((a) => a.backup_MWh),
    backupFuel_MJ: s((a) => a.backupFuel_MJ),
    backupKerosene_L: s((a) => a.backupKerosene_L ?? 0),
    primaryEnergy_GJ: pe,
    primaryEnergyFactor: delivered > 0 ? pe / (delivered * 3.6) : null,
    defaultPrimaryEnergyFactor: 1.36,
    copPrimary: pe > 0 ? (delivered * 3.6) / pe : null,
    co2_t: s((a) => a.co2_t),
    unmetHours: Math.max(0, ...base.map((n) => n.annual.unmetHours)),
    backupHours: Math.max(0, ...base.map((n) => n.annual.backupHours)),
    cases: cases.map((c) => ({ id: c.id, name: c.name, surplus_MJ_per_day: c.surplus_MJ_per_day, backupFuel_MJ_per_day: c.backupFuel_MJ_per_day, surplusChangePct: c.surplusChangePct, backupFuelChange_MJ_per_day: c.backupFuelChange_MJ_per_day })),
  }) as SimTotals;
}

/** The simulation's hourly series behind each hourly.csv series column (engine/run/contract.ts HOURLY_SERIES). */
const SERIES_FIELD: Record<HourlySeries, Exclude<keyof HourlyResult, 'plantKw'>> = {
  demand_kW: 'demandKw',
  losses_kW: 'lossesKw',
  delivered_kW: 'deliveredKw',
  produced_kW: 'producedKw',
  surplus_kW: 'surplusKw',
  backup_kW: 'backupKw',
  unmet_kW: 'unmetKw',
  pump_kW: 'pumpKw',
  storageIn_kW: 'storageInKw',
  storageOut_kW: 'storageOutKw',
};

/** Write hourly.csv (columns: engine/run/contract.ts): time and weather columns, then per case and network the series in kW. */
export async function writeHourlyCsv(path: string, cases: CaseResult[], weather: Weather): Promise<void> {
  const cols: { name: string; v: Float64Array }[] = [];
  const multiCase = cases.length > 1;
  for (const c of cases) for (const n of c.networks) {
    const pre = hourlyPrefix(multiCase ? c.id : undefined, c.networks.length > 1 ? n.network : undefined);
    const h = n.hourly;
    for (const k of HOURLY_SERIES) cols.push({ name: pre + k, v: h[SERIES_FIELD[k]] });
    for (const [id, v] of Object.entries(h.plantKw)) cols.push({ name: hourlyPlantColumn(pre, id), v });
  }
  const month = monthOfHour(weather.hours);
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  // every write awaited: a full disk is an OutputError naming the file (and the partial file removed), not a crash
  await withOutputStream(path, async (out) => {
    await out.write([...HOURLY_TIME_COLUMNS, ...HOURLY_WEATHER_COLUMNS, ...cols.map((c) => esc(c.name))].join(',') + '\n');
    for (let i = 0; i < weather.hours; i++) {
      const row = [i, month[i] + 1, Math.floor(i / 24) + 1, i % 24, r3(weather.airC[i]), r3(weather.groundC[i])];
      for (const c of cols) row.push(r3(c.v[i]));
      await out.write(row.join(',') + '\n');
    }
  });
}
