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
import { parseNetworkGeojson } from './network-input.js';
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
}

/** Run the simulate stage on a run folder; returns the case results and the manifest summary. */
export async function runSimulateStage(o: SimulateStageOptions): Promise<{ cases: CaseResult[]; summary: SimSummary; dir: string }> {
  if (!o.weatherPath) throw new UsageError('sim-no-weather', 'no weather file given', { hint: 'give weather (--weather PATH): HASP .has, CSV or EPW' });
  const t0 = performance.now();
  const warnings = new Warnings();
  const tx = await RunTransaction.open(o.runDir);
  return withRun(tx, async (tx) => {
    const netFile = join(tx.dir, FILES.network);
    let text: string;
    try {
      text = await readFile(netFile, 'utf8');
    } catch {
      throw new InputError('sim-no-network', 'run folder has no network.geojson', { file: netFile, hint: 'run `heatplan route --run DIR` first' });
    }
    const networks = parseNetworkGeojson(text, netFile, warnings);
    const weather = await readWeather(o.weatherPath, { ...(o.weather ?? {}), warnings });
    checkWeatherAgainstDemand(weather, tx.manifest.demand, warnings);
    const pf = o.plantsPath ? await readPlantsFile(o.plantsPath) : undefined;
    const scenario: Scenario = o.scenarioPath ? await readScenario(o.scenarioPath) : { cases: [{ id: '0', name: 'as routed', extends: [], addConsumers: [], removeConsumers: [], scaleDemand: [], plants: [] }] };
    const { runDir: _r, weatherPath: _w, weather: _wo, plantsPath: _p, scenarioPath: _s, ...simOpts } = o;
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
    const inputs = [o.weatherPath, o.plantsPath, o.scenarioPath].filter((x): x is string => !!x);
    tx.addInputs(await describeInputs(inputs, 'simulate'));
    tx.setStage('sim', summary);
    return { cases, summary, dir: tx.dir };
  });
}
