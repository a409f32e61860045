/**
 * The worker thread of readBuildingInputs (buildings-input.ts): reads the last of the CityGML tiles or of the
 * shapefile/GeoJSON inputs into a table of its own while the main thread reads the others, and posts the finished
 * table (its typed arrays moved, not copied) with the warnings the reads counted and, for CityGML, what the reader
 * recorded per file (municipality codes, detailed uses), which the main thread records as its own read would have.
 * An error is posted as its message only: the main thread then reads those files itself and reports the error as it
 * always has. Test hook HEATPLAN_BUILDINGS_THREAD_CRASH=1: the thread dies before it reads (engine/util/thread.ts).
 */
import { BuildingTableBuilder, type BuildingTable } from '../buildings/table.js';
import type { Crs } from '../crs/index.js';
import { arrayBuffersOf, threadTask } from '../util/thread.js';
import { Warnings, type WarningSummary } from '../util/warnings.js';
import { readCityGmlBuildings } from './citygml/buildings.js';
import { takeDetailedUsage, type DetailedUse } from './citygml/detailed-usage.js';
import { recordedMunicipalities } from './citygml/municipality.js';
import type { AttributeMapping } from './vector-buildings.js';
import { readVectorBuildings } from './vector-buildings.js';

export interface BuildingsWorkerData {
  /** CityGML files, read first (engine/io/citygml/buildings.ts) */
  gml: string[];
  /** shapefile/GeoJSON files, read after them */
  files: string[];
  crs: Crs;
  mapping: AttributeMapping;
  encoding?: string;
  scheme?: string;
  sourceCrs?: string;
}

/** What the CityGML reader recorded of one file in this thread's module state, for the main thread's. */
export interface CityGmlRecords {
  file: string;
  municipalities?: Map<string, number>;
  detailed?: Map<string, DetailedUse>;
}

/** What the worker posts back: its table (typed arrays moved), its warnings and its CityGML files' records. */
export interface BuildingsRead {
  table: BuildingTable;
  warnings: WarningSummary[];
  records: CityGmlRecords[];
}

await threadTask<BuildingsWorkerData, BuildingsRead>('HEATPLAN_BUILDINGS_THREAD_CRASH', async (d, onProgress) => {
  const warnings = new Warnings();
  const builder = new BuildingTableBuilder(d.crs);
  const records: CityGmlRecords[] = [];
  if (d.gml.length) {
    await readCityGmlBuildings(d.gml, builder, warnings, { onProgress });
    for (const file of d.gml) records.push({ file, municipalities: recordedMunicipalities(file), detailed: takeDetailedUsage(file) });
  }
  for (const f of d.files) await readVectorBuildings(f, builder, warnings, { mapping: d.mapping, encoding: d.encoding, scheme: d.scheme, crs: d.sourceCrs, onProgress });
  const table = builder.finish();
  return { value: { table, warnings: warnings.list(), records }, transfer: arrayBuffersOf(Object.values(table)) };
});
