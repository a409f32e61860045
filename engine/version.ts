import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './util/data-dir.js';

/** The engine version, from the project's package.json (found from the sources and from a build alike; read once). */
export const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version as string;
  } catch {
    return '0.0.0';
  }
})();
