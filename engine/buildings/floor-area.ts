/**
 * Floor area by METHODS.md section 1's order of preference: the given total floor area; footprint x storeys above
 * ground; footprint x storeys estimated from measured height (PLATEAU sewage-heat tool: 1 + floor((h - 4.89) / 4.2));
 * footprint x the category's default storeys (an assumption, counted). The rule used is recorded per building.
 */
import type { Warnings } from '../util/warnings.js';
import { FLOOR_AREA_RULES, USE_CATEGORIES, type BuildingTable } from './table.js';

/**
 * Plausibility bounds of the attributes read per building. A value above its bound is no building's (a unit error, a
 * sentinel such as 9999, a typo); it is dropped with a counted warning naming the file, the record and the value,
 * and the next floor-area rule applies, as for a missing value. One bad attribute in a city does not stop the run.
 *  - MAX_STOREYS: storeys above ground of the tallest building, Burj Khalifa (Dubai): 163 (CTBUH). Japan's tallest,
 *    Azabudai Hills Mori JP Tower, has 64. Also the bound for storeys below ground (no building has more below than
 *    the tallest has above; the deepest basements have a few tens).
 *  - MAX_HEIGHT_M: height of the tallest building, Burj Khalifa: 828 m (CTBUH).
 *  - Floor area: at most footprint x MAX_STOREYS (no building has more floors over its footprint than the tallest),
 *    and at most MAX_FLOOR_AREA_M2 whatever the footprint (a footprint of 0 m² or a lost part): 1e7 m², more than
 *    five times the largest building by floor area (New Century Global Center, Chengdu, about 1.7 million m²).
 */
export const MAX_STOREYS = 163;
export const MAX_HEIGHT_M = 828;
export const MAX_FLOOR_AREA_M2 = 1e7;

export interface FloorAreaOptions {
  /** Default storeys per category index (from the intensity table). */
  defaultStoreys: ArrayLike<number>;
  /** Count storeys below ground as heated floor area (default false: METHODS.md uses storeys above ground). */
  includeBasement?: boolean;
  /** Storey estimate from height: storeys = 1 + floor((h - offsetM) / storeyM). Defaults 4.89 m and 4.2 m. */
  heightOffsetM?: number;
  storeyHeightM?: number;
  /**
   * Storey height and offset per category index (the intensity table's storeyHeight_m and heightOffset_m: dwellings
   * are lower than offices, issue 11); used where heightOffsetM / storeyHeightM are not given for all uses.
   */
  storeyHeightByCategory?: ArrayLike<number>;
  heightOffsetByCategory?: ArrayLike<number>;
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
    const implausible = (code: string, what: string, value: number, bound: string) =>
      warnings.add(code, `${what} above ${bound}, which no building has: value dropped, the next floor-area rule applies (engine/buildings/floor-area.ts)`, {
        file: t.files[t.fileIndex[i]!],
        record: t.id[i],
        message: `${what} ${value}${code === 'floor-area-implausible' ? ` m² (footprint ${Math.round(fp)} m²)` : code === 'height-implausible' ? ' m' : ''} dropped`,
      });
    // values above the plausibility bounds are dropped (set unknown in the table, so the outputs do not carry them)
    const givenRaw = t.givenFloorAreaM2[i]!;
    if (givenRaw > 0 && (givenRaw > MAX_FLOOR_AREA_M2 || (fp > 0 && givenRaw > fp * MAX_STOREYS))) {
      implausible('floor-area-implausible', 'floor area', givenRaw, givenRaw > MAX_FLOOR_AREA_M2 ? `${MAX_FLOOR_AREA_M2.toExponential(0)} m² (MAX_FLOOR_AREA_M2)` : `footprint x ${MAX_STOREYS} storeys (MAX_STOREYS)`);
      t.givenFloorAreaM2[i] = NaN;
    }
    if (t.storeysAbove[i]! > MAX_STOREYS) {
      implausible('storeys-implausible', 'storeys above ground', t.storeysAbove[i]!, `${MAX_STOREYS} (MAX_STOREYS, Burj Khalifa)`);
      t.storeysAbove[i] = NaN;
    }
    if (opts.includeBasement && t.storeysBelow[i]! > MAX_STOREYS) {
      implausible('storeys-implausible', 'storeys below ground', t.storeysBelow[i]!, `${MAX_STOREYS} (MAX_STOREYS)`);
      t.storeysBelow[i] = NaN;
    }
    if (t.heightM[i]! > MAX_HEIGHT_M) {
      implausible('height-implausible', 'height', t.heightM[i]!, `${MAX_HEIGHT_M} m (MAX_HEIGHT_M, Burj Khalifa)`);
      t.heightM[i] = NaN;
    }
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
      const c = t.category[i]!;
      storeys = storeysFromHeight(h, opts.heightOffsetM ?? opts.heightOffsetByCategory?.[c] ?? off, opts.storeyHeightM ?? opts.storeyHeightByCategory?.[c] ?? sh) + sb;
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
