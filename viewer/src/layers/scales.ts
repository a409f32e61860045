/**
 * The colour scales of the grid layers, shared by the layers and the legend: demand density in fixed MWh/(ha·a)
 * classes (the plan sheets' classes, with the run's areas cell threshold as a break) or on a continuous √ ramp;
 * potentials on a √ ramp, the suitability band in its labelled classes.
 */
import { areasCellThreshold } from '../../../engine/run/contract.js';
import { BLUES, SUITABILITY_CLASSES, viewerDemandClasses, YL_OR_RD, type RgbaClass } from '../../../engine/style/palette.js';
import type { RunData } from '../data.js';
import { categoryPaint, classPaint, sqrtPaint, type CellPaint } from './grid-colors.js';
import type { DemandScale } from './context.js';
import { memo } from './memo.js';

/** demand.tif's band shown: annual heat demand (MWh/a per cell). */
export { DEMAND_BAND } from '../../../engine/run/contract.js';

/** The demand-density classes of this run: the areas stage's cell threshold as a break (333 MWh/(ha·a) without it). */
export function demandClasses(data: RunData): RgbaClass[] {
  const t = areasCellThreshold(data.status.manifest);
  return memo(data, `demand-classes`, () => viewerDemandClasses(t && t > 0 ? t : undefined));
}

/** Land area of one grid cell, ha. */
export const cellHa = (cellSizeM: number): number => (cellSizeM * cellSizeM) / 10_000;

/** Paint of demand.tif's band `band` (MWh/a per cell) in the chosen scale. */
export function demandPaint(data: RunData, band: number, scale: DemandScale): CellPaint {
  const g = data.demand!;
  if (scale === 'sqrt') return sqrtPaint(YL_OR_RD, g.meta.bands[band]?.max ?? 1);
  return classPaint(demandClasses(data), 1 / cellHa(g.meta.cellSizeM));
}

/** Whether potential.tif's band `i` is the suitability class band. */
export function isSuitabilityBand(data: RunData, i: number): boolean {
  const b = data.potential?.meta.bands[i];
  return !!b && (b.name === 'suitability' || (b.unit === 'class' && /suitab/i.test(b.name)));
}

export function potentialPaint(data: RunData, i: number): CellPaint {
  if (isSuitabilityBand(data, i)) return categoryPaint(SUITABILITY_CLASSES);
  return sqrtPaint(BLUES, data.potential!.meta.bands[i]?.max ?? 1);
}

/** Suitability class labels: the potential stage's own rules where the manifest has them, else the palette's. */
export function suitabilityLabels(data: RunData): { value: number; label: string; color: readonly number[]; count?: number }[] {
  const s = (data.status.manifest?.potential as { suitability?: { rules?: unknown; counts?: Record<string, number> } } | undefined)?.suitability;
  const rules = Array.isArray(s?.rules) ? (s!.rules as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  return SUITABILITY_CLASSES.map((c) => {
    const rule = rules.find((r) => new RegExp(`^${c.value}\\s`).test(r));
    return { value: c.value, label: rule ? rule.replace(/^\d+\s+/, '') : c.label, color: c.color, count: s?.counts?.[String(c.value)] };
  });
}
