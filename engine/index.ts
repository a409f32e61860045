/**
 * heatplan's public API: the stage registry and the run-folder readers.
 *
 *   import { runStage, stages, readRun } from 'heatplan';
 *   await runStage('demand', 'out/town', { buildings: ['town.gml'], cell_m: 50 });
 *   await runStage('route', 'out/town', { roads: 'roads.geojson', minKwPerM: 0.17 });
 *   await runStage('simulate', 'out/town', { weather: 'kitami.has' });
 *   const run = await readRun('out/town');   // run.manifest, run.path('network'), ...
 *
 * Options are keyed as in scenario and batch files (`heatplan <command> --help` shows each flag's key); each stage's
 * summary is what its manifest entry records.
 */
export { runStage, stages, parseStageOptions, withDefaults, STAGES } from './stages/index.js';
export type { StageName, StageDef, StageContext, StageOptions, StageSummary, OptionsOf, FieldSpec } from './stages/index.js';
export { runScenario } from './pipeline/runner.js';
export { loadScenario } from './pipeline/load.js';
export { readRun, readDemand, readPotential, readBlocks, readBuildings, readAreas, readRoads, readNetwork, readSim, readHourly, runFile, hasRunFile } from './run/read.js';
export type { RunFolder } from './run/read.js';
export { FILES, CONTRACT_VERSION } from './run/contract.js';
export type * from './run/contract.js';
export { HeatplanError, InputError, CrsError, UsageError, OutputError } from './errors.js';
export { VERSION } from './version.js';
