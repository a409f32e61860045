/** The simulate stage: hourly simulation of the run's network (sim.json, hourly.csv). */
import { UsageError } from '../errors.js';
import type { SimSummary } from '../run/contract.js';
import { OUTAGE_DEFAULTS } from '../platform/resilience.js';
import { parseSupplyCurve } from '../network/medium.js';
import { bool, num, oneOf, path, required, supplyAboveReturn, U, words } from './fields.js';
import { defineStage } from './types.js';

const f = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(v));

export const simulateFields = {
  weather: required(path('--weather', 'in', 'hourly weather: HASP .has, CSV or EPW', { help: 'hourly weather: HASP .has, CSV (timestep,temperature or timestamped) or EPW' })),
  plants: path('--plants', 'in', 'plants YAML/JSON', { help: "plants file (YAML/JSON list of plants, or {plants, backup}); replaces the network's plants" }),
  scenario: path('--scenario', 'in', 'simulation cases YAML', { help: 'scenario YAML: cases as edits to consumers and plants' }),
  profiles: path('--profiles', 'in', 'folder with the BDEW CSVs and room schedules', { help: "folder with the BDEW CSVs and common_room_usage_schedule.json (default: the project's datasets/profiles)" }),
  electricityFactor_MJ_kWh: num('--electricity-factor', U.MJkWh, { positive: true }, 'electricity primary energy factor', {
    default: 9.76,
    aliases: ['electricityFactor'],
    help: 'electricity primary energy factor: 9.76 or 8.64 (or another value)',
  }),
  electricityCo2_kg_kWh: num('--electricity-co2', U.kgkWh, { min: 0 }, 'electricity CO2 factor', { aliases: ['electricityCo2'], help: 'electricity CO2 factor (default 0.434, an assumption)' }),
  supply_C: num('--supply-c', U.C, {}, 'supply temperature', { aliases: ['supplyC'], help: 'supply temperature °C (default: network.geojson, else 70)' }),
  return_C: num('--return-c', U.C, {}, 'return temperature', { aliases: ['returnC'], help: 'return temperature °C (default: network.geojson, else 50)' }),
  designGround_C: num('--design-ground-c', U.C, {}, 'ground temperature of the design losses', { aliases: ['designGroundC'], help: "ground temperature of the pipes' design losses °C (default: network.geojson, else 10)" }),
  ground_C: num('--ground-c', U.C, {}, 'constant ground temperature', { aliases: ['groundC'], help: 'constant ground temperature °C instead of the sinusoid model' }),
  groundDepth_m: num('--ground-depth', U.m, { positive: true }, 'pipe depth', { aliases: ['groundDepth'], help: 'pipe depth for the ground model (default 1.0)' }),
  startWeekday: num('--start-weekday', undefined, { int: true, min: 0, max: 6 }, 'weekday of 1 January, 0 = Monday', { help: 'weekday of 1 January, 0 = Monday (default: from the file, else Monday)' }),
  climateRegion: num('--climate-region', undefined, { int: true, min: 1, max: 8 }, 'Japanese climate region', { help: 'Japanese climate region 1-8 for mains water temperature (default: from the weather)' }),
  backup: bool('--backup', true, { help: 'backup heaters for demand the plants cannot meet (--no-backup: it is unmet)' }),
  nonFossil: oneOf('--non-fossil', ['law', 'counted'] as const, {
    default: 'law',
    help: "wood and unused heat in the primary energy: law = 0 (the building law counts fossil fuels and the heat and power made from them, METHODS.md 7), counted = 1 MJ/MJ",
  }),
  chpCredit_MJ_kWh: num('--chp-credit', U.MJkWh, { min: 0 }, 'CHP electricity credit', { aliases: ['chpCredit'], help: 'credit per kWh of CHP electricity (default: the electricity factor; 0 for none); the result also shows the range over 9.76, 8.64 and none' }),
  allocation: oneOf('--allocation', ['energy', 'exergy', 'heat', 'cold'] as const, {
    default: 'energy',
    help: "split of a heat-recovery heat pump's input between heat and cold: energy = by heat and cold made (ASSUMPTION: the JHSBA 2017 guideline's rule was not found), exergy = Carnot-weighted, heat or cold = all to one side",
  }),
  partLoadCurves: bool('--part-load-curves', true, { help: "builelib part-load, capacity and input curves of the machines (--no-part-load-curves: rated efficiency/COP at every load)" }),
  auxiliaries: oneOf('--auxiliaries', ['builelib-sample', 'none'] as const, {
    default: 'builelib-sample',
    help: "auxiliary power of machines not given in the plants file: builelib-sample = per kW rated as builelib's sample building's machine (datasets/plants/auxiliaries.csv), none = 0",
  }),
  chilledSupply_C: num('--chilled-supply-c', U.C, {}, 'chilled-water supply temperature', { aliases: ['chilledSupplyC'], help: 'chilled-water supply temperature °C (default 7, an ASSUMPTION)' }),
  chilledReturn_C: num('--chilled-return-c', U.C, {}, 'chilled-water return temperature', { aliases: ['chilledReturnC'], help: 'chilled-water return temperature °C (default 14, an ASSUMPTION)' }),
  supplyCurve: words('--supply-curve', 'outdoor:supply °C pairs, or none', {
    help: "supply temperature as a curve of outdoor temperature for the hourly pipe losses, e.g. -15:80,0:75,15:65 (linear between, flat outside); default the route's (network.geojson supplyCurve) unless --supply-c is given; none: constant supply",
  }),
  outage_h: num('--outage', U.h, { positive: true, int: true }, 'grid outage length', {
    default: OUTAGE_DEFAULTS.hours,
    aliases: ['outageHours'],
    help: "grid outage (seed 000 resilience) run on a network with CHP or heat storage when the run has platform.json; 72 h is the issue's January case (ASSUMPTION: no cited design length), written to platform.json resilience",
  }),
  outageStart_h: num('--outage-start', U.h, { int: true, min: 0 }, 'first hour of the outage, 0 = 1 January 00:00', {
    default: 0,
    aliases: ['outageStart'],
    help: 'first hour of the outage in the weather year, 0 = 1 January 00:00 (default 0: ASSUMPTION on the day, a January outage as the issue asks)',
  }),
  resilience: bool('--resilience', true, { help: 'run the grid outage when the run has platform.json and a network with CHP or storage (--no-resilience: not run)' }),
  reference: oneOf('--reference', ['individual'] as const, { help: 'individual: the individual-supply reference case (every building heats itself with the backup heaters; no network losses, pumping or plant factor)' }),
};

export const simulate = defineStage({
  name: 'simulate',
  command: 'simulate',
  description: 'hourly simulation of the network: demand profiles, pipe losses, plants, surplus, backup, primary energy (writes sim.json, hourly.csv)',
  runArg: 'run',
  manifestKey: 'sim',
  fields: simulateFields,
  check(o) {
    const why = supplyAboveReturn(o.supply_C, o.return_C, ['--supply-c', '--return-c']);
    if (why) throw new UsageError('sim-temperatures', why, { value: `${o.supply_C}/${o.return_C}` });
    if (o.chilledSupply_C !== undefined && o.chilledReturn_C !== undefined && !(o.chilledReturn_C > o.chilledSupply_C)) {
      throw new UsageError('sim-temperatures', 'the chilled-water return temperature must be above its supply temperature', { value: `${o.chilledSupply_C}/${o.chilledReturn_C}` });
    }
  },
  async run(runDir, o) {
    const { runSimulateStage } = await import('../sim/run.js');
    // --supply-curve none: constant supply; pairs: parsed as the route parses them (errors name the value)
    const supplyCurve = o.supplyCurve?.length
      ? o.supplyCurve.length === 1 && o.supplyCurve[0]!.toLowerCase() === 'none' ? null : parseSupplyCurve(o.supplyCurve, o.return_C ?? -Infinity, '--supply-curve').map(([a, b]) => [a, b] as [number, number])
      : undefined;
    const r = await runSimulateStage({
      runDir,
      weatherPath: o.weather!,
      plantsPath: o.plants,
      scenarioPath: o.scenario,
      weather: { groundC: o.ground_C, groundDepthM: o.groundDepth_m, startWeekday: o.startWeekday, climateRegion: o.climateRegion },
      profiles: { profilesDir: o.profiles, climateRegion: o.climateRegion },
      electricityPrimaryMjPerKwh: o.electricityFactor_MJ_kWh,
      electricityCo2KgPerKwh: o.electricityCo2_kg_kWh,
      supplyC: o.supply_C,
      returnC: o.return_C,
      designGroundC: o.designGround_C,
      ...(o.backup === false ? { backup: { enabled: false } } : {}),
      nonFossil: o.nonFossil,
      ...(o.chpCredit_MJ_kWh !== undefined ? (o.chpCredit_MJ_kWh === 0 ? { chpCredit: false } : { chpCreditMjPerKwh: o.chpCredit_MJ_kWh }) : {}),
      allocation: o.allocation,
      partLoadCurves: o.partLoadCurves,
      auxiliaries: o.auxiliaries,
      chilledSupplyC: o.chilledSupply_C,
      chilledReturnC: o.chilledReturn_C,
      reference: o.reference,
      ...(supplyCurve !== undefined ? { supplyCurve } : {}),
      resilience: o.resilience === false ? false : { hours: o.outage_h, startHour: o.outageStart_h },
    });
    const c0 = r.cases[0];
    return {
      ...r.summary,
      caseChanges: r.cases.slice(1).map((c) => ({ id: c.id, name: c.name, surplusChangePct: c.surplusChangePct, backupFuelChange_MJ_per_day: c.backupFuelChange_MJ_per_day, against: c0?.id })),
    } as SimStageSummary;
  },
  details: (s) => simDetails(s),
  line: (s) =>
    `${s.supply && s.supply !== 'network' ? `${s.supply} (no network, losses, pumping or plant factor): ` : ''}${f(s.networks)} network(s), ${f(s.consumers)} consumers; delivered ${f(s.heatDelivered_MWh)} MWh, produced ${f(s.produced_MWh)} MWh, ` +
    `losses ${f(s.losses_MWh)} MWh, surplus ${f(s.surplus_MWh)} MWh, backup ${f(s.backup_MWh)} MWh (${f(s.backupKerosene_L)} L kerosene); ` +
    `plant PE factor (告示 265: plant primary energy / heat sold ${f(s.heatSold_MWh)} MWh) heat ${typeof s.primaryEnergyFactor === 'number' ? s.primaryEnergyFactor.toFixed(3) : 'n/a'}` +
    `${typeof s.coldPrimaryEnergyFactor === 'number' ? `, cold ${s.coldPrimaryEnergyFactor.toFixed(3)} (sold ${f(s.coldSold_MWh)} MWh)` : ''}` +
    `${typeof s.combinedPrimaryEnergyFactor === 'number' && typeof s.coldPrimaryEnergyFactor === 'number' ? `, combined ${s.combinedPrimaryEnergyFactor.toFixed(3)}` : ''} (default 1.36)` +
    `${s.chpCreditRange?.length ? `, CHP credit range ${s.chpCreditRange.map((c) => `${c.credit_MJ_per_kWh ?? 'none'}: ${typeof c.heat === 'number' ? c.heat.toFixed(3) : 'n/a'}`).join(' / ')}` : ''}; ` +
    `individual heaters ${f(s.individualHeat_MWh ?? s.backup_MWh)} MWh (not in the plant factor); CO2 ${f(s.co2_t)} t, unmet hours ${f(s.unmetHours)}` +
    (s.resilience ? `\n  resilience (${s.resilience.outage_h} h grid outage from hour ${s.resilience.startHour}, platform.json): ${s.resilience.networks} network(s) with CHP or storage, ${s.resilience.facilitiesHeatedThroughout} of ${s.resilience.facilities} critical facilities heated throughout, pumps powered ${s.resilience.pumpedHoursMin === s.resilience.pumpedHoursMax ? s.resilience.pumpedHoursMin : `${s.resilience.pumpedHoursMin}-${s.resilience.pumpedHoursMax}`} h, storage ${f(s.resilience.storage_kWh)} kWh${s.resilience.storageWater_m3 !== null ? ` (${f(s.resilience.storageWater_m3)} m³ water)` : ''}` : '') +
    s.caseChanges.map((c) => `\n  case ${c.id}${c.name ? ` (${c.name})` : ''}: surplus ${c.surplusChangePct.toFixed(1)} %, backup fuel ${c.backupFuelChange_MJ_per_day.toFixed(0)} MJ/day vs case ${c.against}`).join(''),
});

/** Warnings on the terminal, one line each (they are in manifest.sim too). */
function simDetails(s: SimStageSummary): string[] {
  return Object.entries(s.warnings ?? {}).map(([code, n]) => `warning ${code}: ${n.toLocaleString('en-US')}`);
}

/** manifest.sim as the simulate stage writes it, plus each case's change against case 0 (returned, not written). */
export type SimStageSummary = SimSummary & {
  caseChanges: { id: string | number; name?: string; surplusChangePct: number; backupFuelChange_MJ_per_day: number; against?: string | number }[];
};
