/**
 * What the viewer server reports about a run folder (GET /api/status). No Node imports: the browser viewer
 * (viewer/src/data.ts) uses these types too.
 */
/** Files the viewer looks for in a run folder, with what each one shows. */
export const RUN_FILES: { name: string; shows: string }[] = [
  { name: 'manifest.json', shows: 'run summary' },
  { name: 'demand.tif', shows: 'demand density grid' },
  { name: 'blocks.geojson', shows: 'blocks' },
  { name: 'buildings.geojson', shows: 'buildings by use' },
  { name: 'potential.tif', shows: 'heat-source potentials' },
  { name: 'areas.geojson', shows: 'supply areas' },
  { name: 'roads.geojson', shows: 'road graph' },
  { name: 'network.geojson', shows: 'network, consumers, cut-off consumers, plants' },
  { name: 'sim.json', shows: 'simulation summary' },
  { name: 'hourly.csv', shows: 'hourly chart and time slider' },
];

export interface RunFileStatus {
  name: string;
  shows: string;
  present: boolean;
  bytes: number;
}

export interface RunStatus {
  run: string;
  files: RunFileStatus[];
  /** Names of the files that are absent. */
  missing: string[];
  manifest: Record<string, unknown> | null;
  /** Why manifest.json could not be read, if it could not. */
  manifestError?: string;
}
