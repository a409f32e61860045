/** The demand stage on a run folder: a new run, built in its transaction, from the stage's options. */
import { RunTransaction, withRun } from '../io/run-folder.js';
import type { OptionsOf } from '../stages/fields.js';
import type { demandFields } from '../stages/demand.js';
import type { StageContext } from '../stages/types.js';
import { runDemandStage, type DemandSummary } from './pipeline.js';
import { writeDemandOutputs } from './write.js';

export type DemandOptions = OptionsOf<typeof demandFields>;

export async function runDemand(runDir: string, o: DemandOptions, ctx: StageContext = {}): Promise<DemandSummary> {
  const tx = await RunTransaction.create(runDir);
  const r = await withRun(tx, async (tx) => {
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
      hddScaling: o.hddScaling,
      includeBasement: o.includeBasement,
      onProgress: ctx.onProgress,
    });
    await writeDemandOutputs(tx, r, o.buildings!, o.blocks);
    return r;
  });
  return r.summary;
}
