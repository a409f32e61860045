/**
 * What the viewer server reports about a run folder (GET /api/status). No Node imports: the browser viewer
 * (viewer/src/data.ts) uses these types too.
 */
import { FILES, type Manifest, type RunFileName } from '../run/contract.js';

/** Files the viewer looks for in a run folder, with what each one shows (the manifest first). */
export const RUN_FILES: { name: RunFileName; shows: string }[] = [
  { name: FILES.manifest, shows: 'run summary' },
  { name: FILES.demand, shows: 'demand density grid' },
  { name: FILES.blocks, shows: 'blocks' },
  { name: FILES.buildings, shows: 'buildings by use' },
  { name: FILES.potential, shows: 'heat-source potentials' },
  { name: FILES.areas, shows: 'supply areas' },
  { name: FILES.roads, shows: 'road graph' },
  { name: FILES.network, shows: 'network, consumers, cut-off consumers, plants' },
  { name: FILES.sim, shows: 'simulation summary' },
  { name: FILES.hourly, shows: 'hourly chart and time slider' },
];

export interface RunFileStatus {
  name: RunFileName;
  shows: string;
  present: boolean;
  /** Size of the file read, bytes. */
  bytes: number;
  /** buildings and network: the file read, the FlatGeobuf form (buildings.fgb) where the run has it, else `name`. */
  reads?: string;
}

/** A stage whose outputs predate a re-run of a stage it depends on (manifest.stale, engine/io/run-folder.ts staleList). */
export interface StaleStageStatus {
  /** Manifest key: potential, areas, route, sim, report or map. */
  stage: string;
  /** The stage whose re-run made it stale. */
  since: string;
  /** When (ISO time). */
  at: string;
  /** The command that refreshes it: `heatplan simulate`. */
  rerun: string;
}

export interface RunStatus {
  run: string;
  files: RunFileStatus[];
  /** Names of the files that are absent. */
  missing: RunFileName[];
  manifest: Manifest | null;
  /** Why manifest.json could not be read, if it could not. */
  manifestError?: string;
  /** Stale stages, in pipeline order (empty when none or no manifest). */
  stale: StaleStageStatus[];
}
