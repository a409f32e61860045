/**
 * The demand stage on a run folder: a new run, built in its transaction, from the stage's options.
 *
 * A new run replaces the folder as a whole. Over a run that holds more than a demand stage (later stages, report,
 * plan sheets, any other file) that would delete those results, so it is refused (UsageError 'run-exists', exit
 * code 2) listing the stages and files that would go, unless `force` (--force) is given.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { buildingInputNotes, describeBuildingInputs, resolveBuildingInputs } from '../io/buildings-input.js';
import { MANIFEST, RunTransaction, withRun } from '../io/run-folder.js';
import { FILES } from '../run/contract.js';
import type { OptionsOf } from '../stages/fields.js';
import type { demandFields } from '../stages/demand.js';
import type { StageContext } from '../stages/types.js';
import { runDemandStage, type DemandSummary } from './pipeline.js';
import { writeDemandOutputs } from './write.js';

export type DemandOptions = OptionsOf<typeof demandFields>;

/** The files the demand stage writes: a run holding only these loses nothing a new demand run does not write again. */
const DEMAND_FILES = new Set<string>([MANIFEST, FILES.demand, FILES.blocks, FILES.buildings, FILES.buildingsFgb]);
const MAP_FILES = [FILES.mapPng, FILES.mapPdf, FILES.mapSvg];

/** What a run folder holds: its stages (manifest keys, then report and map when their files are there) and entries. */
export interface RunContents {
  stages: string[];
  /** Every file and folder (folders with a trailing '/'), sorted; heatplan's own staging leftovers left out. */
  files: string[];
}

/** The stages and files of the run at `dir`; undefined when there is no run there (no manifest.json). */
export function runContents(dir: string): RunContents | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch {
    return undefined;
  }
  let stages: string[] = [];
  try {
    const m = JSON.parse(text) as { stages?: unknown };
    if (Array.isArray(m.stages)) stages = m.stages.map(String);
  } catch {
    // an unreadable manifest: the files still say what is there
  }
  const files = readdirSync(dir)
    .filter((n) => !n.startsWith('.heatplan-'))
    .map((n) => (statSync(join(dir, n), { throwIfNoEntry: false })?.isDirectory() ? `${n}/` : n))
    .sort();
  if (files.includes(FILES.report) && !stages.includes('report')) stages.push('report');
  if (MAP_FILES.some((f) => files.includes(f)) && !stages.includes('map')) stages.push('map');
  return { stages, files };
}

/** What a new demand run at `dir` deletes that it does not write again; undefined when that is nothing. */
export function removedByDemand(dir: string): RunContents | undefined {
  const c = runContents(dir);
  if (!c) return undefined;
  const stages = c.stages.filter((s) => s !== 'demand');
  const files = c.files.filter((f) => !DEMAND_FILES.has(f));
  return stages.length || files.length ? { stages, files } : undefined;
}

/** `stages potential, route, sim; files a, b, c`, for messages. */
export function describeContents(c: RunContents): string {
  const parts: string[] = [];
  if (c.stages.length) parts.push(`stage${c.stages.length === 1 ? '' : 's'} ${c.stages.join(', ')}`);
  if (c.files.length) parts.push(`file${c.files.length === 1 ? '' : 's'} ${c.files.join(', ')}`);
  return parts.join('; ');
}

export async function runDemand(runDir: string, o: DemandOptions, ctx: StageContext = {}): Promise<DemandSummary> {
  const tx = await RunTransaction.create(runDir);
  const r = await withRun(tx, async (tx) => {
    // under the run's lock: nothing else changes the folder between this look and the commit
    const removed = removedByDemand(tx.dir);
    if (removed && !o.force) {
      throw new UsageError('run-exists', `the run folder holds results that a new demand run would delete: ${describeContents(removed)} (demand writes a new run: only demand.tif, blocks.geojson, buildings.fgb, buildings.geojson and manifest.json are written again)`, {
        file: tx.dir,
        hint: 'give --force (force: true) to replace the run, or choose another --out; to redo a later stage, run that stage on the run instead',
      });
    }
    if (removed) ctx.note?.(`replacing the run (--force): removes ${describeContents(removed)}`);
    const sources = await resolveBuildingInputs(o.buildings!);
    for (const line of buildingInputNotes(sources)) ctx.note?.(line);
    const r = await runDemandStage({
      buildings: o.buildings!,
      crs: o.crs,
      cellM: o.cell_m,
      maxCells: o.maxCells,
      blocks: o.blocks,
      mapping: { use: o.useColumn, floorArea: o.floorAreaColumn, storeys: o.storeysColumn, height: o.heightColumn, id: o.idColumn },
      scheme: o.scheme,
      useMapping: o.useMapping ?? [],
      encoding: o.encoding,
      sourceCrs: o.sourceCrs,
      intensity: o.intensity,
      climateTable: o.climateTable,
      climate: { region: o.climateRegion, hdd18Kd: o.hdd_Kd, meanTempC: o.meanTemp_C, designTempC: o.designTemp_C },
      weather: o.weather,
      hddScaling: o.hddScaling,
      includeBasement: o.includeBasement,
      storeyHeightM: o.storeyHeight_m,
      heightOffsetM: o.heightOffset_m,
      residentialHotWater: o.residentialHotWater,
      personsPerDwelling: o.personsPerDwelling,
      m2PerDwelling: o.m2PerDwelling,
      hotWaterPerPersonLDay: o.hotWaterPerPerson_L_day,
      hotWaterPerDwellingLDay: o.hotWaterPerDwelling_L_day,
      intensityRegion: o.intensityRegion,
      municipalityRegions: o.municipalityRegions,
      onProgress: ctx.onProgress,
    });
    // the manifest names what was read: a PLATEAU download's udx/bldg files (a zip's entries), not only the path given
    tx.addInputs(await describeBuildingInputs(sources));
    await writeDemandOutputs(tx, r, [], o.blocks, { geojson: o.geojson, geojsonMaxFeatures: o.geojsonMaxFeatures, note: ctx.note });
    return r;
  });
  return r.summary;
}
