/** Writing the demand stage's outputs into a run folder. */
import { writeFile } from 'node:fs/promises';
import { writeGeoTiff } from '../io/geotiff.js';
import { writeBuildingsGeoJson } from '../io/buildings-output.js';
import { describeInputs, type RunTransaction } from '../io/run-folder.js';
import type { DemandStageResult } from './pipeline.js';

export async function writeDemandOutputs(tx: RunTransaction, r: DemandStageResult, inputs: string[], blocksPath?: string): Promise<void> {
  await writeGeoTiff(tx.path('demand.tif'), r.grid);
  await writeFile(tx.path('blocks.geojson'), JSON.stringify(r.blocks) + '\n');
  await writeBuildingsGeoJson(tx.path('buildings.geojson'), r.table);
  tx.manifest.crs = { code: r.crs.code, name: r.crs.name, reason: r.crs.reason };
  tx.addInputs(await describeInputs(inputs, 'buildings'));
  if (blocksPath) tx.addInputs(await describeInputs([blocksPath], 'blocks'));
  tx.setStage('demand', { ...r.summary, warningDetails: r.warnings.list() });
}
