/** Writing the demand stage's outputs into a run folder. */
import { writeFeatureCollection, type WritableCollection } from '../io/geojson-stream.js';
import { writeGeoTiff } from '../io/geotiff.js';
import { writeBuildingsFgb, writeBuildingsGeoJson } from '../io/buildings-output.js';
import { describeInputs, type RunTransaction } from '../io/run-folder.js';
import { FILES, geojsonTwin, type GeojsonTwinMode } from '../run/contract.js';
import type { DemandStageResult } from './pipeline.js';

/** How the large vector layers are written (stage options geojson, geojsonMaxFeatures). */
export interface LayerWriteOptions {
  geojson?: GeojsonTwinMode;
  geojsonMaxFeatures?: number;
  /** One line for the terminal (the stage's note). */
  note?: (line: string) => void;
}

export async function writeDemandOutputs(tx: RunTransaction, r: DemandStageResult, inputs: string[], blocksPath?: string, o: LayerWriteOptions = {}): Promise<void> {
  await writeGeoTiff(tx.path(FILES.demand), r.grid);
  // feature by feature (the bytes JSON.stringify gives): a city's 10 m grid cells outgrow V8's longest string
  await writeFeatureCollection(tx.path(FILES.blocks), r.blocks as unknown as WritableCollection);
  // buildings.geojson for small runs, then buildings.fgb always (read feature by feature, GDAL and QGIS open it):
  // the .fgb last, so that a twin changed later is newer than it (engine/run/read.ts runFile)
  const twin = geojsonTwin(o.geojson, r.table.count, o.geojsonMaxFeatures);
  if (twin.write) await writeBuildingsGeoJson(tx.path(FILES.buildings), r.table);
  else {
    tx.remove(FILES.buildings);
    o.note?.(`${FILES.buildings} not written (${twin.reason}); ${FILES.buildingsFgb} holds the buildings`);
  }
  await writeBuildingsFgb(tx.path(FILES.buildingsFgb), r.table);
  tx.manifest.crs = { code: r.crs.code, name: r.crs.name, reason: r.crs.reason };
  tx.addInputs(await describeInputs(inputs, 'buildings'));
  if (blocksPath) tx.addInputs(await describeInputs([blocksPath], 'blocks'));
  tx.setStage('demand', {
    ...r.summary,
    warningDetails: r.warnings.list(),
    layers: { buildings: { fgb: FILES.buildingsFgb, features: r.table.count, geojson: twin.write ? FILES.buildings : null, geojsonReason: twin.reason } },
  });
}
