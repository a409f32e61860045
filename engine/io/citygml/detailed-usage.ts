/**
 * PLATEAU detailed use codes the building table has no column for: per file and building, the national detailed code
 * (uro:detailedUsage, else uro:orgUsage2) that refines bldg:usage, or the value that was found but is another code
 * list. The CityGML reader records them as it streams a file (replacing an earlier record of the same path); the use
 * mapping (engine/buildings/use-taxonomy.ts assignCategories) reads them when it categorises the table built from it.
 * The table's useCode stays bldg:usage as found.
 *
 * Files are keyed by their tile name (fileKey): a zip entry is read from a temporary copy of the same base name and
 * the table then names it `<zip>!/<entry>`; both give one key.
 */
import { fileKey } from './municipality.js';

/** The detailed use of one building: `code` a national detailed code under its usage; `ignored` a value that is not. */
export interface DetailedUse {
  code?: string;
  ignored?: string;
  /** The attribute the value came from: 'uro:detailedUsage' or 'uro:orgUsage2'. */
  attribute: string;
}

const byFile = new Map<string, Map<string, DetailedUse>>();

/** Record the detailed uses met in `file` (building id -> detailed use), replacing an earlier record of the path. */
export function recordDetailedUsage(file: string, uses: Map<string, DetailedUse>): void {
  if (uses.size === 0) byFile.delete(fileKey(file));
  else byFile.set(fileKey(file), uses);
}

/** The detailed use recorded for building `id` of `file`, if any. */
export function detailedUsageOf(file: string | undefined, id: string | undefined): DetailedUse | undefined {
  if (file === undefined || id === undefined) return undefined;
  return byFile.get(fileKey(file))?.get(id);
}

/**
 * The detailed uses recorded for `file`, removed from the record (the use mapping takes them once, when it categorises
 * the table read from the file; reading the file again records them again). Keeps a city's worth of records from
 * staying in memory for the life of a batch worker.
 */
export function takeDetailedUsage(file: string | undefined): Map<string, DetailedUse> | undefined {
  if (file === undefined) return undefined;
  const k = fileKey(file);
  const m = byFile.get(k);
  byFile.delete(k);
  return m;
}
