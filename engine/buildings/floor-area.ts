/**
 * Floor area by METHODS.md section 1's order of preference: the given total floor area; footprint x storeys above
 * ground; footprint x storeys estimated from measured height (PLATEAU sewage-heat tool: 1 + floor((h - 4.89) / 4.2));
 * footprint x the category's default storeys (an assumption, counted). The rule used is recorded per building.
 */
import type { Warnings } from '../util/warnings.js';
import { FLOOR_AREA_RULES, USE_CATEGORIES, type BuildingTable } from './table.js';

export interface FloorAreaOptions {
  /** Default storeys per category index (from the intensity table). */
  defaultStoreys: ArrayLike<number>;
  /** Count storeys below ground as heated floor area (default false: METHODS.md uses storeys above ground). */
  includeBasement?: boolean;
  /** Storey estimate from height: storeys = 1 + floor((h - offsetM) / storeyM). Defaults 4.89 m and 4.2 m. */
  heightOffsetM?: number;
  storeyHeightM?: number;
}

/** Storeys estimated from measured height (PLATEAU Sewage-thermal-matching-system, CalculateHeatDemand.py). */
export function storeysFromHeight(heightM: number, offsetM = 4.89, storeyM = 4.2): number {
  return Math.max(1, 1 + Math.floor((heightM - offsetM) / storeyM));
}

export function deriveFloorArea(t: BuildingTable, opts: FloorAreaOptions, warnings: Warnings): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(FLOOR_AREA_RULES.map((r) => [r, 0]));
  const off = opts.heightOffsetM ?? 4.89;
  const sh = opts.storeyHeightM ?? 4.2;
  for (let i = 0; i < t.count; i++) {
    const fp = t.footprintAreaM2[i]!;
    const given = t.givenFloorAreaM2[i]!;
    const sa = t.storeysAbove[i]!;
    const sb = opts.includeBasement && t.storeysBelow[i]! > 0 ? t.storeysBelow[i]! : 0;
    const h = t.heightM[i]!;
    let rule: number;
    let storeys = NaN;
    if (given > 0) {
      rule = 0;
      t.floorAreaM2[i] = given;
    } else if (sa >= 1) {
      rule = 1;
      storeys = sa + sb;
    } else if (h > 0) {
      rule = 2;
      storeys = storeysFromHeight(h, off, sh) + sb;
    } else {
      rule = 3;
      storeys = opts.defaultStoreys[t.category[i]!]!;
      warnings.add('floor-area-default', 'no floor area, storeys or height: footprint x default storeys of the use category (assumption)', {
        file: t.files[t.fileIndex[i]!],
        record: t.id[i],
        message: `${USE_CATEGORIES[t.category[i]!]}: ${storeys} storeys assumed`,
      });
    }
    if (rule !== 0) t.floorAreaM2[i] = fp * storeys;
    t.storeysUsed[i] = storeys;
    t.floorAreaRule[i] = rule;
    counts[FLOOR_AREA_RULES[rule]!]!++;
  }
  return counts;
}
