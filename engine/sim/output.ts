/**
 * Run-folder outputs of the simulation: sim.json (annual and monthly results per case, network and plant), hourly.csv
 * (the 8,760 h series) and the manifest's `sim` summary.
 */
import { monthOfHour, type Weather } from '../io/weather.js';
import { withOutputStream } from '../io/write.js';
import type { CaseResult } from './scenario.js';
import type { HourlyResult } from './simulate.js';
import { CONDUIT_MODEL, PRIORITY_RULES } from './sheet-text.js';
import {
  HOURLY_COLD_SERIES,
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
      networks: c.networks.map((n) => ({ network: n.network, consumers: n.consumers, parameters: { ...n.parameters, backup: { ...n.parameters.backup, capacityKw: Number.isFinite(n.parameters.backup.capacityKw) ? n.parameters.backup.capacityKw : null } }, annual: n.annual, monthly: n.monthly, plants: n.plants, byUse_MWh: n.byUse_MWh, case: n.case, factor: n.factor, machines: n.machines })),
    }) as SimCaseRecord),
  };
}

/** Manifest summary of the first case (sums over networks) plus the case comparison. */
export function simSummary(cases: CaseResult[]): SimTotals {
  const base = cases[0].networks;
  const s = (f: (a: CaseResult['networks'][number]['annual']) => number) => base.reduce((t, n) => t + f(n.annual), 0);
  const delivered = s((a) => a.heatDelivered_MWh);
  const pe = s((a) => a.primaryEnergy_GJ);
  const heatPe = base.reduce((t, n) => t + n.factor.heat.primary_GJ, 0), heatSold = base.reduce((t, n) => t + n.factor.heat.sold_GJ, 0);
  const coldPe = base.reduce((t, n) => t + n.factor.cold.primary_GJ, 0), coldSold = base.reduce((t, n) => t + n.factor.cold.sold_GJ, 0);
  const reference = base.every((n) => n.case !== 'network');
  const individualPe = s((a) => a.individual?.primaryEnergy_GJ ?? 0);
  const chp = base.reduce((t, n) => t + n.annual.chpElectricity_kWh, 0);
  const credit = base[0]?.parameters.chpCreditMjPerKwh ?? 0;
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
    primaryEnergyFactor: !reference && heatSold > 0 ? heatPe / heatSold : null,
    defaultPrimaryEnergyFactor: 1.36,
    copPrimary: !reference && heatPe > 0 ? heatSold / heatPe : null,
    co2_t: s((a) => a.co2_t),
    unmetHours: Math.max(0, ...base.map((n) => n.annual.unmetHours)),
    backupHours: Math.max(0, ...base.map((n) => n.annual.backupHours)),
    heatSold_MWh: heatSold / 3.6,
    individualHeat_MWh: s((a) => a.individual?.heat_MWh ?? 0),
    coldSold_MWh: coldSold / 3.6,
    coldPrimaryEnergyFactor: coldSold > 0 ? coldPe / coldSold : null,
    combinedPrimaryEnergyFactor: !reference && heatSold + coldSold > 0 ? (heatPe + coldPe) / (heatSold + coldSold) : null,
    areaPrimaryEnergyPerHeat: delivered > 0 ? (heatPe + individualPe) / (delivered * 3.6) : null,
    ...(chp > 0 ? {
      chpCreditRange: [9.76, 8.64, null].map((c) => {
        const shift = ((credit ?? 0) - (c ?? 0)) * chp / 1000;
        return { credit_MJ_per_kWh: c, heat: heatSold > 0 ? (heatPe + shift) / heatSold : null, combined: heatSold + coldSold > 0 ? (heatPe + coldPe + shift) / (heatSold + coldSold) : null };
      }),
    } : {}),
    nonFossil: base[0]?.parameters.nonFossil,
    supply: reference ? 'individual-supply reference' : 'network',
    cases: cases.map((c) => ({ id: c.id, name: c.name, surplus_MJ_per_day: c.surplus_MJ_per_day, backupFuel_MJ_per_day: c.backupFuel_MJ_per_day, surplusChangePct: c.surplusChangePct, backupFuelChange_MJ_per_day: c.backupFuelChange_MJ_per_day })),
  }) as SimTotals;
}

/** The simulation's hourly series behind each hourly.csv series column (engine/run/contract.ts HOURLY_SERIES). */
const SERIES_FIELD: Record<HourlySeries, Exclude<keyof HourlyResult, 'plantKw' | 'plantHeatKw'>> = {
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
  sold_kW: 'soldKw',
  aux_kW: 'auxKw',
  coldDemand_kW: 'coldDemandKw',
  coldGains_kW: 'coldGainsKw',
  coldSold_kW: 'coldSoldKw',
  coldProduced_kW: 'coldProducedKw',
  coldUnmet_kW: 'coldUnmetKw',
  coldStorageIn_kW: 'coldStorageInKw',
  coldStorageOut_kW: 'coldStorageOutKw',
  coldPump_kW: 'coldPumpKw',
  serviceLosses_kW: 'serviceLossesKw',
  coldServiceGains_kW: 'coldServiceGainsKw',
  electricity_kW: 'electricityKw',
  electricityOut_kW: 'electricityOutKw',
};

/** Write hourly.csv (columns: engine/run/contract.ts): time and weather columns, then per case and network the series in kW. */
export async function writeHourlyCsv(path: string, cases: CaseResult[], weather: Weather): Promise<void> {
  const cols: { name: string; v: Float64Array }[] = [];
  const multiCase = cases.length > 1;
  for (const c of cases) for (const n of c.networks) {
    const pre = hourlyPrefix(multiCase ? c.id : undefined, c.networks.length > 1 ? n.network : undefined);
    const h = n.hourly;
    const withCold = n.plants.some((p) => p.side === 'cold' || p.side === 'both');
    for (const k of HOURLY_SERIES) if (withCold || !HOURLY_COLD_SERIES.includes(k)) cols.push({ name: pre + k, v: h[SERIES_FIELD[k]] });
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

const csvCell = (v: unknown) => {
  const s = typeof v === 'number' ? String(r3(v)) : v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** sim-sheet.csv: one table of sections a reviewer reads top to bottom: machines, rules, conduit model, terms, factors, monthly balances. */
export async function writeSimSheetCsv(path: string, cases: CaseResult[]): Promise<void> {
  await withOutputStream(path, async (out) => {
    const row = (...v: unknown[]) => out.write(v.map(csvCell).join(',') + '\n');
    await row('section', 'case', 'network', 'item', 'side', 'plant', 'quantity', 'unit', 'factor', 'primary_GJ', 'source / note');
    for (const c of cases) for (const n of c.networks) {
      const k = [c.id, n.network];
      for (const p of n.plants) {
        const out = p.side === 'heat' ? p.heat_MWh : p.cold_MWh ?? 0;
        await row('machine year', ...k, `${p.runningHours} h running, ${p.unitHours ?? 0} unit-hours, full-load hours ${r3(p.fullLoadHours)}; ${p.side === 'both' ? `cold ${r3(p.cold_MWh ?? 0)} MWh, heat ${r3(p.heat_MWh)} MWh` : `${p.side} out ${r3(out)} MWh`}; fuel ${r3(p.fuel_MJ)} MJ (HHV); electricity ${r3(p.electricity_kWh)} kWh; auxiliaries ${r3(p.auxiliary_kWh ?? 0)} kWh${p.meanCop ? `; mean COP / efficiency ${r3(p.meanCop)}` : ''}`, p.side ?? 'heat', p.id, out, 'MWh', '', p.primaryEnergy_GJ, 'primary energy of the plant (credit included)');
      }
      for (const m of n.machines) await row('machine', ...k, `${m.type}${m.builelib ? ` (${m.builelib})` : ''}, ${m.units} unit(s), ${m.mode}${Number.isFinite(m.merit) ? `, merit ${m.merit}` : ''}`, m.side, m.id, '', '', '', '', [m.curveSource, ...m.auxiliaries].join('; '));
      for (const r of PRIORITY_RULES) await row('priority rule', ...k, r, '', '', '', '', '', '', '');
      for (const r of CONDUIT_MODEL) await row('conduit model', ...k, r, '', '', '', '', '', '', '');
      const q = n.parameters;
      const sc = q.supplyCurve?.length ? `supply curve ${q.supplyCurve.map(([o, t]) => `${o}:${t}`).join(',')} °C (outdoor:supply), return ${q.returnC} °C` : `constant ${q.supplyC}/${q.returnC} °C`;
      await row('conduit model', ...k, 'pipe length', 'heat', '', q.pipeLength_m ?? 0, 'm', '', '', `design loss of mains and service pipes ${r3(q.designLoss_kW ?? 0)} kW at ${q.designSupplyC ?? q.supplyC}/${q.designReturnC ?? q.returnC} °C, ground ${q.designGroundC} °C; hourly: ${sc}`);
      await row('conduit model', ...k, 'service pipe length', 'heat', '', q.serviceLength_m ?? 0, 'm', '', '', `design loss ${r3(q.serviceDesignLoss_kW ?? 0)} kW (network.geojson kind service)`);
      await row('conduit model', ...k, 'network pumps: design pressure', 'heat', '', q.designPressurePa / 1000, 'kPa', '', '', `design flow ${r3(q.designFlowM3s)} m3/s`);
      if (q.coldDesignFlowM3s) await row('conduit model', ...k, 'chilled-water pumps: design pressure', 'cold', '', (q.coldDesignPressurePa ?? 0) / 1000, 'kPa', '', '', `design flow ${r3(q.coldDesignFlowM3s)} m3/s at ${q.chilledSupplyC}/${q.chilledReturnC} °C`);
      for (const t of n.factor.terms) await row('numerator term', ...k, t.item, t.side, t.plant ?? '', t.quantity, t.unit, t.factor, t.primary_GJ, t.factorSource);
      for (const sd of ['heat', 'cold', 'combined'] as const) {
        const f = n.factor[sd];
        await row('denominator', ...k, `${sd} sold at the customer meters`, sd, '', f.sold_GJ, 'GJ', '', '', sd === 'heat' ? `delivered heat minus the individual heaters' heat = plant heat + storage out - storage in - surplus - losses (mains ${r3((n.annual.mainsLosses_MWh ?? n.annual.losses_MWh) * 3.6)} GJ, service pipes ${r3((n.annual.serviceLosses_MWh ?? 0) * 3.6)} GJ)` : sd === 'cold' ? `cold made + storage out - storage in - gains (mains ${r3((n.annual.mainsColdGains_MWh ?? 0) * 3.6)} GJ, service pipes ${r3((n.annual.serviceColdGains_MWh ?? 0) * 3.6)} GJ)` : '');
        await row('factor', ...k, `${sd} primary energy factor (${n.factor.definition})`, sd, '', f.factor, 'kJ/kJ', '', f.primary_GJ, `default for heat bought from others ${n.factor.default} (告示 265); convention ${n.factor.convention}; allocation: ${n.factor.allocationText}`);
      }
      for (const r of n.factor.chpCreditRange) await row('CHP credit range', ...k, `credit ${r.credit_MJ_per_kWh ?? 'none'} MJ/kWh`, 'heat', '', r.heat, 'kJ/kJ', '', '', `combined ${r.combined ?? ''}`);
      const a = n.annual;
      if (a.individual) await row('individual heaters', ...k, `${a.individual.fuel} heaters in the buildings (seed 003 backup), efficiency ${a.individual.efficiency}`, 'heat', '', a.individual.heat_MWh, 'MWh', '', a.individual.primaryEnergy_GJ, `fuel ${r3(a.individual.fuel_MJ)} MJ${a.individual.fuelUnits ? ` = ${r3(a.individual.fuelUnits)} ${a.individual.fuelUnit}` : ''}; not sold by the network, not in the plant factor`);
      await row('conduit losses', ...k, 'mains (kind pipe)', 'heat', '', a.mainsLosses_MWh ?? a.losses_MWh, 'MWh', '', '', 'made by the plants, not sold: in the plant produced term, not in the denominator');
      await row('conduit losses', ...k, 'service pipes (kind service)', 'heat', '', a.serviceLosses_MWh ?? 0, 'MWh', '', '', 'made by the plants, not sold: in the plant produced term, not in the denominator');
      if (a.coldGains_MWh) {
        await row('conduit gains', ...k, 'chilled-water mains', 'cold', '', a.mainsColdGains_MWh ?? a.coldGains_MWh, 'MWh', '', '', 'cold made to remove ground gains, not sold');
        await row('conduit gains', ...k, 'chilled-water service pipes', 'cold', '', a.serviceColdGains_MWh ?? 0, 'MWh', '', '', 'cold made to remove ground gains, not sold');
      }
      await row('annual balance', ...k, 'heat: sold + losses + surplus = plant produced + storage out - storage in', 'heat', '', (a.heatSold_MWh ?? 0) + a.losses_MWh + a.surplus_MWh, 'MWh', '', '', `plant produced ${r3(a.plantProduced_MWh ?? 0)} + storage out ${r3(a.storageOut_MWh)} - in ${r3(a.storageIn_MWh)}`);
      await row('annual balance', ...k, 'cold: sold + gains = cold produced + storage out - storage in', 'cold', '', (a.coldSold_MWh ?? 0) + (a.coldGains_MWh ?? 0), 'MWh', '', '', `produced ${r3(a.coldProduced_MWh ?? 0)} + storage out ${r3(a.coldStorageOut_MWh ?? 0)} - in ${r3(a.coldStorageIn_MWh ?? 0)}; unmet ${r3(a.coldUnmet_MWh ?? 0)}`);
      const mo = n.monthly as typeof n.monthly & Partial<Record<'heatSold_MWh' | 'coldSold_MWh' | 'coldDemand_MWh', number[]>>;
      for (let m = 0; m < 12; m++) {
        await row('monthly', ...k, `month ${m + 1}: demand ${r3(mo.demand_MWh[m])}, sold ${r3(mo.heatSold_MWh?.[m] ?? 0)}, losses ${r3(mo.losses_MWh[m])}, surplus ${r3(mo.surplus_MWh[m])}, individual ${r3(mo.backup_MWh[m])}, cold demand ${r3(mo.coldDemand_MWh?.[m] ?? 0)}, cold sold ${r3(mo.coldSold_MWh?.[m] ?? 0)}`, '', '', mo.primaryEnergy_GJ[m], 'GJ plant primary energy', '', mo.primaryEnergy_GJ[m], 'hourly balances: hourly.csv');
      }
    }
  });
}
