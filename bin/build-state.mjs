/**
 * Whether heatplan's compiled build can run: dist/cli/main.js present and, in a clone (the TypeScript sources beside
 * it), not older than those sources. Used by bin/heatplan.mjs on every start (about a millisecond: it stats some 150
 * files), by scripts/build.mjs (which writes the stamp) and by the package tests. Plain JavaScript, Node built-ins only.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder above bin/). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Written last by scripts/build.mjs, with the time the build started as its mtime. */
export const STAMP = join('dist', 'build-info.json');
/** What the build compiles or bundles: the build is stale when any of these changed after the build started. */
export const SOURCES = ['engine', 'viewer/src', 'viewer/index.html', 'viewer/vite.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];

/** Newest mtime under `path` (files and folders, so a deleted file counts too), with the file it belongs to. */
function newest(path) {
  let best = { ms: 0, file: path };
  let s;
  try {
    s = statSync(path);
  } catch {
    return best;
  }
  best = { ms: s.mtimeMs, file: path };
  if (s.isDirectory()) {
    for (const name of readdirSync(path)) {
      const n = newest(join(path, name));
      if (n.ms > best.ms) best = n;
    }
  }
  return best;
}

/**
 * @param {string} [root] package root
 * @returns {{ ok: boolean, built: boolean, sources: boolean, reason?: string }} ok: run dist; built: dist/cli/main.js
 *   exists; sources: engine/cli/main.ts exists (a clone); reason: why not ok.
 */
export function buildState(root = ROOT) {
  const built = existsSync(join(root, 'dist', 'cli', 'main.js'));
  const sources = existsSync(join(root, 'engine', 'cli', 'main.ts'));
  if (!built) return { ok: false, built, sources, reason: 'no compiled build in dist/' };
  if (!sources) return { ok: true, built, sources };
  let stamp;
  try {
    stamp = statSync(join(root, STAMP)).mtimeMs;
  } catch {
    return { ok: false, built, sources, reason: `dist/ has no ${STAMP.slice(5)} (not built by npm run build, or a build is running)` };
  }
  for (const src of SOURCES) {
    const n = newest(join(root, src));
    if (n.ms > stamp) return { ok: false, built, sources, reason: `dist/ is older than ${relative(root, n.file)}` };
  }
  return { ok: true, built, sources };
}
