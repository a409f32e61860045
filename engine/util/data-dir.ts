/**
 * Where the reference tables the engine reads at run time live: the project's own `datasets/` folder (profiles/,
 * weather/, builelib/; see datasets/README.md). Found from this module's location, so it works from the TypeScript
 * sources (engine/util/data-dir.ts) and from a compiled build (dist/engine/util/data-dir.js) alike: the first folder
 * upwards holding a package.json named "heatplan" is the project root. Nothing here reads ../shared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

const PACKAGE_NAME = 'heatplan';

let rootCache: string | undefined;

/** The project root: the nearest folder above this module with a package.json whose name is "heatplan". */
export function projectRoot(): string {
  if (rootCache) return rootCache;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return (rootCache = dir);
      } catch {
        // an unreadable package.json is not the project's: keep walking up
      }
    }
    if (dirname(dir) === dir) break;
  }
  throw new InputError('datasets-missing', `no package.json named "${PACKAGE_NAME}" found above the engine`, {
    file: start,
    hint: 'the engine finds its bundled datasets/ folder beside the project package.json; reinstall heatplan',
  });
}

/**
 * Path of a file or folder under the project's datasets/, without checking that it exists (for defaults that are
 * checked later with their own message, e.g. the demo's loud skip of the simulation).
 */
export function bundledPath(...rel: string[]): string {
  return join(projectRoot(), 'datasets', ...rel);
}

function bundled(rel: string, what: string): string {
  const p = bundledPath(rel);
  if (!existsSync(p)) {
    throw new InputError('datasets-missing', `bundled ${what} not found`, {
      file: p,
      hint: 'the project ships it in datasets/ (see datasets/README.md); restore it from the repository',
    });
  }
  return p;
}

/** The project's datasets/ folder. */
export const datasetsDir = (): string => bundled('', 'datasets folder');
/** BDEW coefficient CSVs and the builelib room-use schedules (the default of `--profiles`). */
export const bundledProfilesDir = (): string => bundled('profiles', 'profile tables folder');
/** Reference-year HASP weather of the 8 climate regions and common_area.json. */
export const bundledWeatherDir = (): string => bundled('weather', 'weather folder');
/** builelib database tables. */
export const builelibDir = (): string => bundled('builelib', 'builelib tables folder');

/** The bundled reference-year HASP weather file of a Japanese climate region 1-8 (from weather/common_area.json). */
export function referenceWeatherFile(region: number): string {
  if (!Number.isInteger(region) || region < 1 || region > 8) {
    throw new InputError('bad-climate-region', 'climate region must be an integer 1-8', { value: region });
  }
  const areaFile = join(bundledWeatherDir(), 'common_area.json');
  if (!existsSync(areaFile)) throw new InputError('datasets-missing', 'bundled climate region table not found', { file: areaFile, hint: 'restore datasets/weather/ from the repository' });
  let areas: Record<string, { 地域区分番号?: string; 気象データファイル名?: string }>;
  try {
    areas = JSON.parse(readFileSync(areaFile, 'utf8'));
  } catch (e) {
    throw new InputError('datasets-bad-table', `not valid JSON: ${(e as Error).message}`, { file: areaFile });
  }
  const entry = areas[`${region}地域`] ?? Object.values(areas).find((a) => a?.地域区分番号 === String(region));
  const name = entry?.気象データファイル名;
  if (typeof name !== 'string' || !name) {
    throw new InputError('datasets-bad-table', `no weather file (気象データファイル名) for climate region ${region}`, { file: areaFile, record: `${region}地域` });
  }
  return bundled(join('weather', name), `weather file of climate region ${region}`);
}
