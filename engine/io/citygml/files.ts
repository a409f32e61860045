/**
 * Input paths for the CityGML readers: single .gml / .gml.gz files, folders of tiles, and tile lists
 * (a .txt file with one path per line, relative to the list), expanded to one sorted, de-duplicated file list.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';

export const GML_FILE = /\.gml(\.gz)?$/i;

/** Expand `paths` into the CityGML files to read, in order: folders give their *.gml / *.gml.gz files sorted by name. */
export function resolveCityGmlFiles(paths: string[]): string[] {
  if (paths.length === 0) {
    throw new InputError('citygml-no-files', 'no CityGML input given', { hint: 'pass .gml or .gml.gz files, or a folder of tiles' });
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const addFile = (p: string): void => {
    const abs = resolve(p);
    if (!seen.has(abs)) {
      seen.add(abs);
      out.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError('citygml-not-found', 'CityGML input does not exist', { file: p, hint: 'check the path' });
    }
    if (st.isDirectory()) {
      const names = readdirSync(p).filter((n) => GML_FILE.test(n)).sort();
      if (names.length === 0) {
        throw new InputError('citygml-no-files', 'folder holds no .gml or .gml.gz files', {
          file: p,
          hint: 'point at the folder that holds the tiles (PLATEAU: udx/bldg)',
        });
      }
      for (const n of names) addFile(join(p, n));
    } else if (/\.(txt|lst)$/i.test(p)) {
      const lines = readFileSync(p, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      if (lines.length === 0) throw new InputError('citygml-no-files', 'tile list is empty', { file: p });
      for (const l of lines) {
        const q = resolve(dirname(p), l);
        for (const f of resolveCityGmlFiles([q])) addFile(f);
      }
    } else {
      addFile(p);
    }
  }
  return out;
}
