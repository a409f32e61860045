/**
 * Which municipality (市区町村) the buildings of a run are in, as the data says it: PLATEAU's uro:city of each building
 * (i-UR BuildingIDAttribute, the 5-digit 全国地方公共団体コード without check digit, e.g. 43206 Tamana, 14201 Yokosuka,
 * 27104 Osaka Konohana ward) and the city code a PLATEAU download is named with (`43206_tamana-shi_city_2024_...`).
 *
 * The CityGML reader records the codes it met per file as it streams (recordMunicipalities); the climate choice asks
 * for the codes of a table's files afterwards (municipalitiesOfFiles). The record is per process and per tile name
 * (fileKey: the file's base name without .gz, as a zip entry's temporary copy and `<zip>!/<entry>` both give it),
 * replaced each time a file is read, so it is the content the table was just built from.
 */
import { basename } from 'node:path';

/** One municipality met in the data: its code, the buildings that carry it and where the code came from. */
export interface MunicipalitySeen {
  /** 全国地方公共団体コード, 5 digits (prefecture 2 + municipality 3), no check digit. */
  code: string;
  buildings: number;
  /** 'uro:city' (the buildings' attribute) or 'download name' (the PLATEAU city download's file or folder name). */
  source: 'uro:city' | 'download name';
}

const byFile = new Map<string, Map<string, number>>();

/** The key of a CityGML file in the records: its base name without .gz, characters other than \w . - as '_'. */
export function fileKey(file: string): string {
  return basename(file.replace(/^.*!\//, '')).replace(/\.gz$/i, '').replace(/[^\w.\-]/g, '_');
}

/** Record the uro:city codes met in `file` (code -> buildings), replacing an earlier record of the same path. */
export function recordMunicipalities(file: string, counts: Map<string, number>): void {
  if (counts.size === 0) byFile.delete(fileKey(file));
  else byFile.set(fileKey(file), new Map(counts));
}

/** The uro:city codes recorded for `file` (code -> buildings), for a worker thread to hand them to the main thread. */
export function recordedMunicipalities(file: string): Map<string, number> | undefined {
  return byFile.get(fileKey(file));
}

/** A 5-digit municipality code (or the 6-digit form with its check digit, which is dropped); undefined otherwise. */
export function normaliseMunicipalityCode(text: string): string | undefined {
  const t = text.trim();
  if (/^\d{5}$/.test(t)) return t;
  if (/^\d{6}$/.test(t)) return t.slice(0, 5);
  return undefined;
}

/**
 * The city code of a PLATEAU download in a path: a folder or zip named `<5 digits>_<name>_city_<year>_citygml_...`
 * (PLATEAU's naming, e.g. `43206_tamana-shi_city_2024_citygml_1_op.zip!/udx/bldg/...`). Undefined when none.
 */
export function downloadMunicipality(path: string): string | undefined {
  const m = /(?:^|[\\/!])(\d{5})_[a-z0-9-]+_(?:city|ku|town|village)_\d{4}_citygml/i.exec(path);
  return m ? m[1] : undefined;
}

/**
 * Municipalities of the buildings of a table: uro:city counts of every file read (by building), else, for a file
 * without them, the download's city code for all its buildings. Sorted by buildings, most first.
 */
export function municipalitiesOfFiles(files: readonly string[], buildingsPerFile: ArrayLike<number>): MunicipalitySeen[] {
  const out = new Map<string, MunicipalitySeen>();
  const add = (code: string, n: number, source: MunicipalitySeen['source']) => {
    const e = out.get(code);
    if (e) e.buildings += n;
    else out.set(code, { code, buildings: n, source });
  };
  files.forEach((f, i) => {
    const rec = byFile.get(fileKey(f));
    if (rec) for (const [code, n] of rec) add(code, n, 'uro:city');
    else {
      const code = downloadMunicipality(f);
      if (code && (buildingsPerFile[i] ?? 0) > 0) add(code, buildingsPerFile[i]!, 'download name');
    }
  });
  return [...out.values()].sort((a, b) => b.buildings - a.buildings || a.code.localeCompare(b.code));
}
