/**
 * Scenarios: variants of one town as edits to consumers and plants (seed 003's cases), read from YAML and validated
 * with zod (errors name the file and key). Each case is simulated; surplus and backup (kerosene) are compared with the
 * first case (case 0), whose constant plant output is kept for every case, as in seed 003.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { buildUseProfiles, type ProfileOptions } from '../demand/profiles.js';
import { InputError } from '../errors.js';
import type { Weather } from '../io/weather.js';
import { Warnings } from '../util/warnings.js';
import { greenhousePeakKw, type GreenhouseOptions } from './greenhouse.js';
import type { SimConsumer, SimNetwork, SimPipe } from './network-input.js';
import { checkPlantUnits, plantFromRecord, plantRecordSchema, type BackupSpec, type PlantSpec } from './plants.js';
import { simulateNetwork, type NetworkSimResult, type SimOptions } from './simulate.js';

const id = z.union([z.string(), z.number()]).transform(String);
const addConsumer = z
  .object({
    id,
    use: z.string().default('greenhouse'),
    area_m2: z.number().positive().optional(),
    spaceHeat_MWh: z.number().nonnegative().optional(),
    hotWater_MWh: z.number().nonnegative().optional(),
    heat_MWh: z.number().nonnegative().optional(),
    attachTo: id.optional(),
    at: z.tuple([z.number(), z.number()]).optional(),
    pipe_m: z.number().nonnegative().default(0),
  })
  .strict()
  .refine((c) => c.area_m2 !== undefined || c.heat_MWh !== undefined || c.spaceHeat_MWh !== undefined || c.hotWater_MWh !== undefined, {
    message: 'give area_m2 (greenhouse) or heat_MWh / spaceHeat_MWh / hotWater_MWh',
  });
const plantOverride = plantRecordSchema.partial().extend({ id, remove: z.boolean().optional() });
const caseSchema = z
  .object({
    id,
    name: z.string().optional(),
    extends: z.array(id).default([]),
    addConsumers: z.array(addConsumer).default([]),
    removeConsumers: z.array(id).default([]),
    scaleDemand: z.array(z.object({ use: z.string().optional(), id: id.optional(), factor: z.number().nonnegative() }).strict()).default([]),
    plants: z.array(plantOverride).default([]),
  })
  .strict();
export const scenarioSchema = z
  .object({
    name: z.string().optional(),
    plants: z.array(plantRecordSchema).optional(),
    backup: z.object({ fuel: z.string().default('kerosene'), efficiency: z.number().positive().max(1.2).default(0.85), capacity_kW: z.number().positive().optional(), enabled: z.boolean().default(true) }).strict().optional(),
    greenhouse: z.object({ insideC: z.number().optional(), peakUWm2K: z.number().positive().optional(), dailyMeanUWm2K: z.number().positive().optional(), nightStartHour: z.number().int().min(0).max(23).optional(), nightEndHour: z.number().int().min(0).max(23).optional() }).strict().optional(),
    electricityPrimary_MJ_per_kWh: z.number().positive().optional(),
    cases: z.array(caseSchema).min(1),
  })
  .strict();
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioCase = z.output<typeof caseSchema>;

/** Parse and validate scenario YAML text. */
export function parseScenario(text: string, file: string): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new InputError('scenario-bad-yaml', `not valid YAML: ${(e as Error).message}`, { file });
  }
  const rawPlants = (raw as { plants?: unknown[] } | null)?.plants;
  if (Array.isArray(rawPlants)) rawPlants.forEach((p, i) => checkPlantUnits(p, file, `plants.${i}`));
  const rawCases = (raw as { cases?: { plants?: unknown[] }[] } | null)?.cases;
  if (Array.isArray(rawCases)) rawCases.forEach((c, ci) => Array.isArray(c?.plants) && c.plants.forEach((p, i) => checkPlantUnits(p, file, `cases.${ci}.plants.${i}`)));
  const r = scenarioSchema.safeParse(raw);
  if (!r.success) {
    const iss = r.error.issues[0];
    throw new InputError('scenario-invalid', `${iss.message}`, { file, record: iss.path.join('.') || '(root)', value: pathGet(raw, iss.path) });
  }
  const ids = new Set<string>();
  for (const [i, c] of r.data.cases.entries()) {
    if (ids.has(c.id)) throw new InputError('scenario-invalid', 'duplicate case id', { file, record: `cases.${i}.id`, value: c.id });
    for (const e of c.extends) if (!ids.has(e)) throw new InputError('scenario-invalid', 'extends must name an earlier case', { file, record: `cases.${i}.extends`, value: e });
    ids.add(c.id);
  }
  return r.data;
}

function pathGet(v: unknown, path: PropertyKey[]): unknown {
  let x = v;
  for (const k of path) x = x && typeof x === 'object' ? (x as Record<PropertyKey, unknown>)[k] : undefined;
  return x;
}

export async function readScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError('scenario-missing', `cannot read scenario file: ${(e as Error).message}`, { file });
  }
  return parseScenario(text, file);
}

/** Apply a case (and the cases it extends) to a network and plant list. */
export function applyCase(
  scenario: Scenario, c: ScenarioCase, net: SimNetwork, plants: PlantSpec[], weather: Weather, file: string, gh?: GreenhouseOptions, warnings?: Warnings,
): { network: SimNetwork; plants: PlantSpec[] } {
  let out = { network: { ...net, consumers: [...net.consumers], pipes: [...net.pipes] }, plants: [...plants] };
  for (const e of c.extends) out = applyCase(scenario, scenario.cases.find((x) => x.id === e)!, out.network, out.plants, weather, file, gh, warnings);
  const ci = scenario.cases.indexOf(c);
  const where = (k: string) => `cases.${ci}.${k}`;
  const known = new Set(out.network.consumers.map((x) => x.id));
  const cut = new Set(net.droppedIds ?? []);
  for (const rid of c.removeConsumers) {
    // a building the route stage cut is not in the network: removing it changes nothing, and the run says so
    if (!known.has(rid) && cut.has(rid)) {
      warnings?.add('scenario-consumer-not-connected', 'removeConsumers names a building the route stage did not connect: nothing to remove', { file, record: where('removeConsumers'), message: rid });
      continue;
    }
    if (!known.has(rid)) throw new InputError('scenario-unknown-consumer', 'removeConsumers names a consumer not in the network', { file, record: where('removeConsumers'), value: rid, hint: 'give the id of a connected consumer (network.geojson, kind consumer)' });
  }
  const removed = new Set(c.removeConsumers);
  out.network.consumers = out.network.consumers.filter((x) => !removed.has(x.id));
  // a removed consumer's service pipe goes with it (its loss is no longer the network's)
  if (net.services) out.network.services = net.services.filter((x) => !removed.has(x.consumer));
  for (const s of c.scaleDemand) {
    if (s.id !== undefined && !known.has(s.id) && cut.has(s.id)) {
      warnings?.add('scenario-consumer-not-connected', 'scaleDemand names a building the route stage did not connect: nothing to scale', { file, record: where('scaleDemand'), message: s.id });
      continue;
    }
    if (s.id !== undefined && !known.has(s.id)) throw new InputError('scenario-unknown-consumer', 'scaleDemand names a consumer not in the network', { file, record: where('scaleDemand'), value: s.id });
    out.network.consumers = out.network.consumers.map((x) =>
      (s.id !== undefined ? x.id === s.id : s.use !== undefined ? x.use === s.use : true)
        ? { ...x, spaceHeatMWh: x.spaceHeatMWh * s.factor, hotWaterMWh: x.hotWaterMWh * s.factor, peakKw: x.peakKw * s.factor }
        : x,
    );
  }
  const meanLoss = (() => {
    let l = 0, w = 0;
    for (const p of out.network.pipes) if (Number.isFinite(p.lossWPerM)) {
      l += p.lengthM;
      w += p.lengthM * p.lossWPerM;
    }
    return l > 0 ? w / l : 0;
  })();
  for (const [k, a] of c.addConsumers.entries()) {
    if (a.attachTo !== undefined && !known.has(a.attachTo) && !out.network.consumers.some((x) => x.id === a.attachTo)) {
      throw new InputError('scenario-unknown-consumer', 'attachTo names a consumer not in the network', { file, record: where(`addConsumers.${k}.attachTo`), value: a.attachTo });
    }
    const host = out.network.consumers.find((x) => x.id === a.attachTo);
    const isGh = a.area_m2 !== undefined && a.heat_MWh === undefined && a.spaceHeat_MWh === undefined && a.hotWater_MWh === undefined;
    const sh = a.spaceHeat_MWh ?? (a.heat_MWh !== undefined ? a.heat_MWh - (a.hotWater_MWh ?? 0) : 0);
    const consumer: SimConsumer = {
      id: a.id, use: a.use, spaceHeatMWh: isGh ? 0 : sh, hotWaterMWh: isGh ? 0 : a.hotWater_MWh ?? 0,
      peakKw: isGh ? greenhousePeakKw(weather, a.area_m2!, gh) : 0, greenhouseAreaM2: isGh ? a.area_m2 : undefined,
      lon: a.at?.[0] ?? host?.lon, lat: a.at?.[1] ?? host?.lat,
    };
    out.network.consumers.push(consumer);
    if (a.pipe_m > 0) {
      const pipe: SimPipe = { id: `${a.id}-pipe`, from: '', to: '', lengthM: a.pipe_m, dn: NaN, lossWPerM: meanLoss, peakKw: consumer.peakKw };
      out.network.pipes.push(pipe);
    }
  }
  for (const [k, o] of c.plants.entries()) {
    const i = out.plants.findIndex((p) => p.id === o.id);
    if (o.remove) {
      if (i < 0) throw new InputError('scenario-unknown-plant', 'plant to remove not found', { file, record: where(`plants.${k}.id`), value: o.id });
      out.plants.splice(i, 1);
      continue;
    }
    if (i >= 0) {
      const cur = out.plants[i];
      const merged = plantRecordSchema.safeParse({ ...specToRecord(cur), ...stripUndefined(o) });
      if (!merged.success) throw new InputError('scenario-invalid', merged.error.issues[0].message, { file, record: where(`plants.${k}`), value: o });
      out.plants[i] = plantFromRecord(merged.data, file, where(`plants.${k}`));
    } else {
      const r = plantRecordSchema.safeParse(o);
      if (!r.success) throw new InputError('scenario-invalid', `new plant: ${r.error.issues[0].path.join('.')} ${r.error.issues[0].message}`, { file, record: where(`plants.${k}`), value: o });
      out.plants.push(plantFromRecord(r.data, file, where(`plants.${k}`)));
    }
  }
  return out;
}

const stripUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function specToRecord(p: PlantSpec): Record<string, unknown> {
  return stripUndefined({
    id: p.id, type: p.type, capacity_kW: p.capacityKw, fuel: p.fuel, efficiency: p.efficiency, minLoadFraction: p.minLoadFraction,
    belowMinLoad: p.belowMinLoad, mode: p.mode, constant_kW: p.constantKw, merit: p.merit, source: p.source, source_C: p.sourceC,
    carnotEta: p.carnotEta, maxCop: p.maxCop, electricEfficiency: p.electricEfficiency, capacity_kWh: p.capacityKwh,
    lossPerHour: p.lossPerHour, initialFraction: p.initialFraction, network: p.network,
    builelib: p.builelib, cop: p.cop, units: p.units, stagingControl: p.stagingControl, supplyWater_C: p.supplyWaterC,
    auxiliary_kW: p.auxiliaryKw, primaryPump_kW: p.primaryPumpKw, coolingTowerFan_kW: p.coolingTowerFanKw,
    coolingTowerPump_kW: p.coolingTowerPumpKw, charge: p.charge, chargeHours: p.chargeHours, chargeBy: p.chargeBy, storageOnly: p.storageOnly,
  });
}

export interface CaseResult {
  id: string;
  name?: string;
  networks: NetworkSimResult[];
  /** Sums over networks. */
  surplus_MWh: number;
  surplus_MJ_per_day: number;
  backupFuel_MJ: number;
  backupFuel_MJ_per_day: number;
  /** Change against case 0: surplus in % and backup fuel (kerosene) in MJ/day (seed 003's figures). */
  surplusChangePct: number;
  backupFuelChange_MJ_per_day: number;
}

/** Backup and greenhouse settings of a scenario as simulation options. */
export function scenarioOptions(s: Scenario | undefined): Partial<SimOptions> {
  if (!s) return {};
  const backup: Partial<BackupSpec> | undefined = s.backup
    ? { fuel: s.backup.fuel, efficiency: s.backup.efficiency, capacityKw: s.backup.capacity_kW ?? Infinity, enabled: s.backup.enabled }
    : undefined;
  return { ...(backup ? { backup } : {}), ...(s.greenhouse ? { greenhouse: s.greenhouse } : {}), ...(s.electricityPrimary_MJ_per_kWh ? { electricityPrimaryMjPerKwh: s.electricityPrimary_MJ_per_kWh } : {}) };
}

/** Run every case of a scenario over the networks; case 0 fixes the constant outputs. */
export function runScenario(
  scenario: Scenario, file: string, networks: SimNetwork[], weather: Weather, basePlants: PlantSpec[] | undefined, options: SimOptions = {},
): CaseResult[] {
  const warnings = options.warnings ?? new Warnings();
  const opts: SimOptions = { ...options, ...scenarioOptions(scenario), warnings };
  const plantsFor = (net: SimNetwork): PlantSpec[] => {
    if (scenario.plants) return scenario.plants.map((r, i) => plantFromRecord(plantRecordSchema.parse(r), file, `plants.${i}`)).filter((p) => !p.network || p.network === net.id || networks.length === 1);
    return basePlants?.filter((p) => !p.network || p.network === net.id || networks.length === 1) ?? net.plants;
  };
  // profiles once for all cases
  const uses = new Set<string>();
  for (const n of networks) for (const c of n.consumers) if (!(c.greenhouseAreaM2! > 0)) uses.add(c.use);
  for (const c of scenario.cases) for (const a of c.addConsumers) if (a.heat_MWh !== undefined || a.spaceHeat_MWh !== undefined || a.hotWater_MWh !== undefined) uses.add(a.use);
  const useProfiles = new Map(opts.useProfiles ?? []);
  const missing = [...uses].filter((u) => !useProfiles.has(u));
  if (missing.length) for (const [u, p] of buildUseProfiles(weather, missing, opts.profiles as ProfileOptions | undefined)) useProfiles.set(u, p);
  const constant = new Map<string, Map<string, number>>();
  const results: CaseResult[] = [];
  for (const c of scenario.cases) {
    const nets: NetworkSimResult[] = [];
    for (const net of networks) {
      const applied = applyCase(scenario, c, net, plantsFor(net), weather, file, opts.greenhouse, warnings);
      const r = simulateNetwork(applied.network, weather, applied.plants, { ...opts, useProfiles, constantKw: constant.get(net.id) });
      if (!constant.has(net.id)) constant.set(net.id, new Map(Object.entries(r.parameters.constantKw)));
      nets.push(r);
    }
    const surplus = nets.reduce((s, r) => s + r.annual.surplus_MWh, 0);
    const fuel = nets.reduce((s, r) => s + r.annual.backupFuel_MJ, 0);
    const days = weather.hours / 24;
    const base = results[0];
    results.push({
      id: c.id, name: c.name, networks: nets, surplus_MWh: surplus, surplus_MJ_per_day: (surplus * 3600) / days,
      backupFuel_MJ: fuel, backupFuel_MJ_per_day: fuel / days,
      surplusChangePct: base ? (base.surplus_MWh > 0 ? (100 * (surplus - base.surplus_MWh)) / base.surplus_MWh : 0) : 0,
      backupFuelChange_MJ_per_day: base ? (fuel - base.backupFuel_MJ) / days : 0,
    });
  }
  return results;
}
