/**
 * The stages a batch can run, in pipeline order: which CLI command runs each, which run-folder record proves it is
 * done, and which inputs it needs (an area that lacks them reports the stage as skipped, with the reason).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const STAGE_ORDER = ['demand', 'potential', 'areas', 'route', 'simulate', 'report', 'map'] as const;
export type StageName = (typeof STAGE_ORDER)[number];

/** CLI command of each stage (engine/cli/<command>.ts). */
export const STAGE_COMMAND: Record<StageName, string> = {
  demand: 'demand',
  potential: 'potential',
  areas: 'areas',
  route: 'route',
  simulate: 'simulate',
  report: 'report',
  map: 'export-map',
};

/** Name under which a stage records itself in manifest.stages (report and map write files only). */
export const MANIFEST_STAGE: Partial<Record<StageName, string>> = {
  demand: 'demand',
  potential: 'potential',
  areas: 'areas',
  route: 'route',
  simulate: 'sim',
};

/** Options the batch sets itself; a batch file may not set them. */
export const BATCH_OWNED_OPTIONS = new Set(['run', 'out', 'json', 'quiet', 'buildings']);

/** Option values that are file paths, resolved relative to the batch file. */
export const PATH_OPTIONS = new Set([
  'buildings', 'roads', 'plants', 'weather', 'scenario', 'blocks', 'useMapping', 'intensity', 'climateTable', 'sewers',
  'sewagePoints', 'rivers', 'ground', 'wasteHeat', 'demandRaster', 'profiles', 'exportGraph', 'exportTerminals',
]);

const POTENTIAL_SOURCES = ['sewers', 'rivers', 'ground', 'wasteHeat'];

/** Why `stage` cannot run for an area with these per-stage options (undefined: it can). */
export function skipReason(stage: StageName, opts: Record<string, Record<string, unknown>>, skipped: Set<StageName>): string | undefined {
  const o = opts[stage] ?? {};
  switch (stage) {
    case 'potential':
      return POTENTIAL_SOURCES.some((k) => o[k] !== undefined) ? undefined : 'no heat-source input (potential: sewers, rivers, ground or wasteHeat)';
    case 'route':
      return o.roads === undefined ? 'no roads given for the area' : undefined;
    case 'simulate':
      if (skipped.has('route')) return 'no network: route was skipped';
      return o.weather === undefined ? 'no weather file given for the area (simulate needs weather)' : undefined;
    default:
      return undefined;
  }
}

/** Is `stage` recorded as done in run folder `dir` whose manifest lists `manifestStages`? */
export function stageDone(stage: StageName, dir: string, manifestStages: string[]): boolean {
  const m = MANIFEST_STAGE[stage];
  if (m) return manifestStages.includes(m);
  if (stage === 'report') return existsSync(join(dir, 'report.html'));
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => /^map\.(png|pdf|svg)$/.test(f));
}
