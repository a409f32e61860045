/**
 * The simulate stage over a run folder: reads network.geojson, weather, plants and scenario files, simulates every
 * case and network, writes sim.json, hourly.csv and the manifest's `sim` summary in one transaction.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError, UsageError } from '../errors.js';
import { readWeather, type WeatherOptions } from '../io/weather.js';
import { checkWeatherAgainstDemand } from '../demand/climate.js';
import { describeInputs, RunTransaction, withRun } from '../io/run-folder.js';
import { Warnings } from '../util/warnings.js';
import { FILES, type SimSummary } from '../run/contract.js';
import type { SimResilienceSummary } from '../run/summaries.js';
import { readHourly, readNetwork, readSim, runFile } from '../run/read.js';
import { OUTAGE_DEFAULTS, resilienceOf } from '../platform/resilience.js';
import { existsSync } from 'node:fs';
import { readNetworkFile } from './network-input.js';
import { simJson, simSummary, writeHourlyCsv, writeSimSheetCsv } from './output.js';
import { checkPlantUnits, plantFromRecord, plantRecordSchema, type BackupSpec, type PlantSpec } from './plants.js';
import { readScenario, runScenario, type CaseResult, type Scenario } from './scenario.js';
import type { SimOptions } from './simulate.js';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

const plantsFileSchema = z.union([
  z.array(plantRecordSchema),
  z.object({
    plants: z.array(plantRecordSchema),
    backup: z.object({ fuel: z.string().default('kerosene'), efficiency: z.number().positive().max(1.2).default(0.85), capacity_kW: z.number().positive().optional(), enabled: z.boolean().default(true) }).strict().optional(),
  }).strict(),
]);

/** Read a plants file (YAML or JSON): a list of plant records, or { plants: [...], backup: {...} }. */
export async function readPlantsFile(file: string): Promise<{ plants: PlantSpec[]; backup?: Partial<BackupSpec> }> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (e) {
    throw new InputError('plants-unreadable', `cannot read plants file: ${(e as Error).message}`, { file });
  }
  const rawList = Array.isArray(raw) ? raw : (raw as { plants?: unknown } | null)?.plants;
  if (raw === null || raw === undefined || (Array.isArray(rawList) && rawList.length === 0)) {
    throw new InputError('plants-empty', 'the plants file lists no plants', { file, hint: 'a YAML list of plants, e.g. "- { id: boiler-1, type: gas_boiler, capacity_kW: 2000, efficiency: 0.86 }"' });
  }
  if (Array.isArray(rawList)) rawList.forEach((p, i) => checkPlantUnits(p, file, `plants.${i}`));
  const r = plantsFileSchema.safeParse(raw);
  if (!r.success) {
    const iss = r.error.issues[0];
    const at = iss.path.join('.') || '(root)';
    let v: unknown = raw;
    for (const k of iss.path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
    const plantIdx = Array.isArray(raw) ? iss.path[0] : iss.path[1];
    const plant = Array.isArray(rawList) && typeof plantIdx === 'number' ? (rawList[plantIdx] as { id?: unknown } | undefined)?.id : undefined;
    throw new InputError('plants-invalid', `${plant !== undefined ? `plant ${String(plant)}: ` : ''}${iss.path.at(-1) !== undefined ? `${String(iss.path.at(-1))}: ` : ''}${iss.message}`, { file, record: at, value: v });
  }
  const list = Array.isArray(r.data) ? r.data : r.data.plants;
  const plants = list.map((p, i) => plantFromRecord(p, file, `plants.${i}`));
  const b = Array.isArray(r.data) ? undefined : r.data.backup;
  return { plants, backup: b ? { fuel: b.fuel, efficiency: b.efficiency, capacityKw: b.capacity_kW ?? Infinity, enabled: b.enabled } : undefined };
}

/** `file` relative to the first of `dirs` it lies in (a run folder's own file), else unchanged (an input). */
function runRelative(file: string, dirs: string[]): string {
  if (!file || !isAbsolute(file)) return file;
  for (const d of dirs) {
    const r = relative(d, file);
    if (r && !r.startsWith('..') && !isAbsolute(r)) return r.split(sep).join('/');
  }
  return file;
}

export interface SimulateStageOptions extends Omit<SimOptions, 'warnings' | 'constantKw' | 'useProfiles'> {
  runDir: string;
  weatherPath: string;
  weather?: WeatherOptions;
  plantsPath?: string;
  scenarioPath?: string;
  /** The grid outage (engine/platform/resilience.ts) when the run has platform.json and a network with CHP or storage; false: not run. */
  resilience?: false | { hours?: number; startHour?: number };
}

/**
 * Seed 000's outage (issue 19 item 2) on the simulated run, inside the simulate stage's transaction: when the run has
 * platform.json (the potential stage's critical facilities) and a case's network has CHP or heat storage, the outage
 * of engine/platform/resilience.ts on the sim.json and hourly.csv just written, stored as platform.json `resilience`.
 */
async function runResilience(tx: RunTransaction, cases: CaseResult[], o: { hours?: number; startHour?: number }, warnings: Warnings): Promise<SimResilienceSummary | undefined> {
  const platformFile = join(tx.dir, 'platform.json');
  if (!existsSync(platformFile)) return undefined;
  const withChpOrStorage = cases.some((c) => c.networks.some((n) => n.plants.some((p) => p.type === 'chp' || p.type === 'storage')));
  if (!withChpOrStorage) return undefined;
  let platform: Record<string, unknown>;
  try {
    platform = JSON.parse(await readFile(platformFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InputError('platform-bad-json', `platform.json is not valid JSON: ${(e as Error).message}`, { file: platformFile, hint: 'rerun `heatplan potential` on this run' });
  }
  const facilities = ((platform.critical as { facilities?: { id: string; role: string }[] } | undefined)?.facilities ?? []);
  const sim = await readSim(tx.stagingDir);
  const hourly = await readHourly(tx.stagingDir);
  const net = await readNetwork(tx.dir);
  const hours = o.hours ?? OUTAGE_DEFAULTS.hours;
  if (o.startHour !== undefined && o.startHour >= hourly.hours) throw new UsageError('sim-bad-outage-start', `outage start hour ${o.startHour} is beyond the weather year (${hourly.hours} h)`, { value: o.startHour, hint: `0 to ${hourly.hours - 1} (0 = 1 January 00:00)` });
  const r = resilienceOf(sim, hourly, net, facilities, { hours, startHour: o.startHour ?? 0 });
  await writeFile(tx.path('platform.json'), JSON.stringify({ ...platform, resilience: r }) + '\n');
  const nets = r.networks.filter((n) => n.chp || n.storage.energy_kWh > 0);
  if (facilities.length === 0) warnings.add('resilience-no-facilities', 'platform.json lists no critical facilities: the outage ran on none (the potential stage lists them from use codes or a user list)', { file: platformFile });
  for (const n of r.networks) if (n.facilities.some((f) => f.heatHours < n.hours)) warnings.add('resilience-facility-short', 'critical facilities whose heat is not met in every hour of the outage', { file: platformFile, record: `case ${n.case} network ${n.network}`, message: n.facilities.filter((f) => f.heatHours < n.hours).map((f) => `${f.id} (${f.role}): ${f.heatHours} of ${n.hours} h`).join('; ') });
  const first = r.networks.filter((n) => n.case === r.networks[0]?.case);
  const kwh = first.reduce((t, n) => t + n.storage.energy_kWh, 0);
  const water = first.every((n) => n.storage.water_m3 !== null || n.storage.energy_kWh === 0) ? first.reduce((t, n) => t + (n.storage.water_m3 ?? 0), 0) : null;
  return {
    file: 'platform.json', outage_h: hours, startHour: r.outage.startHour, networks: nets.length,
    facilities: nets.reduce((t, n) => t + n.facilities.length, 0),
    facilitiesHeatedThroughout: nets.reduce((t, n) => t + n.facilities.filter((f) => f.heatHours >= n.hours).length, 0),
    pumpedHoursMin: nets.length ? Math.min(...nets.map((n) => n.pumpedHours)) : 0,
    pumpedHoursMax: nets.length ? Math.max(...nets.map((n) => n.pumpedHours)) : 0,
    storage_kWh: Math.round(kwh * 1000) / 1000, storageWater_m3: water === null ? null : Math.round(water * 1000) / 1000,
  };
}

/** Run the simulate stage on a run folder; returns the case results and the manifest summary. */
export async function runSimulateStage(o: SimulateStageOptions): Promise<{ cases: CaseResult[]; summary: SimSummary; dir: string }> {
  if (!o.weatherPath) throw new UsageError('sim-no-weather', 'no weather file given', { hint: 'give weather (--weather PATH): HASP .has, CSV or EPW' });
  const t0 = performance.now();
  const warnings = new Warnings();
  const tx = await RunTransaction.open(o.runDir);
  return withRun(tx, async (tx) => {
    // network.fgb where the run has it (issue 18), else network.geojson
    const netFile = runFile(tx.dir, 'network');
    if (!existsSync(netFile)) throw new InputError('sim-no-network', 'run folder has no network.fgb or network.geojson', { file: netFile, hint: 'run `heatplan route --run DIR` first' });
    // feature by feature, keeping only the simulation's records: a city's network.geojson is longer than the longest
    // string V8 can hold, and its features as objects (geometry included) would take gigabytes
    const networks = await readNetworkFile(netFile, warnings);
    const weather = await readWeather(o.weatherPath, { ...(o.weather ?? {}), warnings });
    checkWeatherAgainstDemand(weather, tx.manifest.demand, warnings);
    const pf = o.plantsPath ? await readPlantsFile(o.plantsPath) : undefined;
    const scenario: Scenario = o.scenarioPath ? await readScenario(o.scenarioPath) : { cases: [{ id: '0', name: 'as routed', extends: [], addConsumers: [], removeConsumers: [], scaleDemand: [], plants: [] }] };
    const { runDir: _r, weatherPath: _w, weather: _wo, plantsPath: _p, scenarioPath: _s, resilience: _res, ...simOpts } = o;
    const cases = runScenario(scenario, o.scenarioPath ?? '(default scenario)', networks, weather, pf?.plants, {
      ...simOpts, ...(pf?.backup ? { backup: { ...(simOpts.backup ?? {}), ...pf.backup } } : {}), warnings,
    });
    const summary: SimSummary = { ...simSummary(cases), weather: { file: weather.file, hours: weather.hours, groundSource: weather.groundSource, climateRegion: weather.climateRegion }, electricityPrimary_MJ_per_kWh: cases[0].networks[0]?.parameters.electricityPrimaryMjPerKwh, warnings: warnings.counts(), seconds: Math.round((performance.now() - t0) / 10) / 100 };
    // sim.json is the same bytes for the same inputs: the wall time stays in manifest.sim only, and the run folder's
    // own files are named relative to the run (a run moved or built in a staging folder names them the same)
    const { seconds: _sec, ...fileSummary } = summary;
    const simWarnings = warnings.list().map((w) => ({ ...w, examples: w.examples.map((e) => (e.file ? { ...e, file: runRelative(e.file, [tx.dir, tx.stagingDir]) } : e)) }));
    await writeFile(tx.path(FILES.sim), JSON.stringify(simJson(cases, weather, { summary: fileSummary, warnings: simWarnings }), null, 1) + '\n');
    await writeHourlyCsv(tx.path(FILES.hourly), cases, weather);
    await writeSimSheetCsv(tx.path(FILES.simSheet), cases);
    const res = o.resilience === false ? undefined : await runResilience(tx, cases, o.resilience ?? {}, warnings);
    if (res) {
      summary.resilience = res;
      summary.warnings = warnings.counts();
    }
    const inputs = [o.weatherPath, o.plantsPath, o.scenarioPath].filter((x): x is string => !!x);
    tx.addInputs(await describeInputs(inputs, 'simulate'));
    tx.setStage('sim', summary);
    return { cases, summary, dir: tx.dir };
  });
}
