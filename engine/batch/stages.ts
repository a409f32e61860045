/**
 * The stages a batch runs, in pipeline order (the stage registry's), which run-folder record proves a stage is done,
 * and which inputs it needs (an area that lacks them reports the stage as skipped, with the reason).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stages } from '../stages/index.js';
import { STAGES, type StageName } from '../stages/types.js';
import { FILES } from '../run/contract.js';

export type { StageName } from '../stages/types.js';
export const STAGE_ORDER = STAGES;

/** Name under which a stage records itself in manifest.stages (report and map write files only). */
export const MANIFEST_STAGE: Partial<Record<StageName, string>> = Object.fromEntries(STAGES.filter((s) => stages[s].manifestKey).map((s) => [s, stages[s].manifestKey!]));

/** Options the batch sets itself; a batch file may not set them. */
export const BATCH_OWNED_OPTIONS = new Set(['run', 'out', 'json', 'quiet', 'buildings', 'force']);

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
  if (stage === 'report') return existsSync(join(dir, FILES.report));
  // the export stage's GeoPackage in its default folder (engine/export/gis.ts EXPORT_DIR)
  if (stage === 'export') return existsSync(join(dir, 'export', 'heatplan.gpkg'));
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => /^map\.(png|pdf|svg)$/.test(f));
}
