/**
 * Use taxonomy: source use codes (PLATEAU Building_usage 401-461, OSM building/amenity/shop tags, survey codes)
 * mapped to heatplan's demand categories through a replaceable CSV table (scheme, code, category, label, note).
 */
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { takeDetailedUsage, type DetailedUse } from '../io/citygml/detailed-usage.js';
import { readCsv, requireColumns } from '../util/csv.js';
import type { Warnings } from '../util/warnings.js';
import { CATEGORY_INDEX, CATEGORY_UNSET, USE_CATEGORIES, type BuildingTable, type UseCategory } from './table.js';

export const DEFAULT_USE_MAPPING = fileURLToPath(new URL('./use-mapping.csv', import.meta.url));

export interface UseMapping {
  file: string;
  /** scheme -> code -> category index */
  table: Map<string, Map<string, number>>;
}

export function loadUseMapping(paths: string[] = [DEFAULT_USE_MAPPING]): UseMapping {
  const table = new Map<string, Map<string, number>>();
  for (const file of paths) {
    const rows = readCsv(file);
    requireColumns(rows, ['scheme', 'code', 'category'], file);
    rows.forEach((r, k) => {
      const cat = r.category as UseCategory;
      if (!(cat in CATEGORY_INDEX))
        throw new InputError('use-mapping-category', 'unknown demand category', { file, record: k + 2, value: r.category, hint: `use one of ${USE_CATEGORIES.join(', ')}` });
      let m = table.get(r.scheme!);
      if (!m) table.set(r.scheme!, (m = new Map()));
      m.set(r.code!, CATEGORY_INDEX[cat]); // later files override earlier ones
    });
  }
  return { file: paths.join(';'), table };
}

/**
 * Category index for one code in a scheme, or undefined when unmapped. OSM keys like 'shop=bakery' fall back to
 * 'shop=*'. PLATEAU detailed codes fall back to the code they refine: a 6-digit code (422601 診療所) to its 4 digits
 * (4226), a 4-digit code to its 3-digit bldg:usage (4226 -> 422), so a table without detailed rows maps a refined
 * building as its usage.
 */
export function lookupUse(m: UseMapping, scheme: string, code: string): number | undefined {
  const s = m.table.get(scheme);
  if (!s) return undefined;
  const direct = s.get(code);
  if (direct !== undefined) return direct;
  const eq = code.indexOf('=');
  if (eq > 0) return s.get(code.slice(0, eq) + '=*');
  if (scheme === 'plateau' && /^4\d{3}(\d{2})?$/.test(code)) return s.get(code.slice(0, 4)) ?? s.get(code.slice(0, 3));
  return undefined;
}

/**
 * Set `table.category` for every building the reader did not categorise. Buildings without a use code, or with a code
 * the table does not know, become 'unknown' and are counted ('use-missing', 'use-unmapped').
 */
export function assignCategories(t: BuildingTable, m: UseMapping, warnings: Warnings): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(USE_CATEGORIES.map((c) => [c, 0]));
  // PLATEAU files' detailed codes, taken once per file (engine/io/citygml/detailed-usage.ts)
  const detailed: (Map<string, DetailedUse> | undefined)[] = t.files.map((f, k) => (t.fileScheme[k] === 'plateau' ? takeDetailedUsage(f) : undefined));
  for (let i = 0; i < t.count; i++) {
    if (t.category[i] === CATEGORY_UNSET) {
      const code = t.useCode[i]!;
      const scheme = t.fileScheme[t.fileIndex[i]!]!;
      const file = t.files[t.fileIndex[i]!];
      let c: number | undefined;
      // PLATEAU: the national detailed code the CityGML reader found beside bldg:usage (engine/io/citygml/buildings.ts)
      const detail = detailed[t.fileIndex[i]!]?.get(t.id[i]!);
      if (detail?.ignored !== undefined) {
        warnings.add('detailed-usage-other-list', 'uro:detailedUsage / uro:orgUsage2 holds a code that is not a national detailed-usage code under bldg:usage (a city-specific code list): not used, the building keeps bldg:usage', {
          file,
          record: t.id[i],
          message: `bldg:usage ${code || '(none)'}, ${detail.attribute} ${detail.ignored}`,
        });
      }
      if (detail?.code !== undefined) {
        c = lookupUse(m, scheme, detail.code);
        const byUsage = code === '' ? undefined : lookupUse(m, scheme, code);
        if (c !== undefined && c !== byUsage) {
          warnings.add('use-from-detailed-usage', 'the use category comes from the national detailed-usage code, not from bldg:usage (e.g. a hospital, 4225, inside 422 文教厚生施設)', {
            file,
            record: t.id[i],
            message: `bldg:usage ${code || '(none)'} -> ${detail.attribute} ${detail.code}: ${USE_CATEGORIES[c]}`,
          });
        }
      }
      if (c !== undefined) {
        // categorised by the detailed code
      } else if (code === '') {
        warnings.add('use-missing', 'building has no use attribute; treated as unknown use', { file: t.files[t.fileIndex[i]!], record: t.id[i] });
      } else {
        c = lookupUse(m, scheme, code);
        if (c === undefined)
          warnings.add('use-unmapped', 'use code not in the use mapping table; treated as unknown use', {
            file: t.files[t.fileIndex[i]!],
            record: t.id[i],
            message: `${scheme} code "${code}" is not mapped`,
          });
      }
      t.category[i] = c ?? CATEGORY_INDEX.unknown;
    }
    counts[USE_CATEGORIES[t.category[i]!]!]!++;
  }
  return counts;
}
