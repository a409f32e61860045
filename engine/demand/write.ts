/** Writing the demand stage's outputs into a run folder. */
import { writeFeatureCollection, type WritableCollection } from '../io/geojson-stream.js';
import { writeGeoTiff } from '../io/geotiff.js';
import { writeBuildingsGeoJson } from '../io/buildings-output.js';
import { describeInputs, type RunTransaction } from '../io/run-folder.js';
import { FILES } from '../run/contract.js';
import type { DemandStageResult } from './pipeline.js';

export async function writeDemandOutputs(tx: RunTransaction, r: DemandStageResult, inputs: string[], blocksPath?: string): Promise<void> {
  await writeGeoTiff(tx.path(FILES.demand), r.grid);
  // feature by feature (the bytes JSON.stringify gives): a city's 10 m grid cells outgrow V8's longest string
  await writeFeatureCollection(tx.path(FILES.blocks), r.blocks as unknown as WritableCollection);
  await writeBuildingsGeoJson(tx.path(FILES.buildings), r.table);
  tx.manifest.crs = { code: r.crs.code, name: r.crs.name, reason: r.crs.reason };
  tx.addInputs(await describeInputs(inputs, 'buildings'));
  if (blocksPath) tx.addInputs(await describeInputs([blocksPath], 'blocks'));
  tx.setStage('demand', { ...r.summary, warningDetails: r.warnings.list() });
}
