/**
 * Builds the deck.gl viewer (viewer/ -> viewer/dist) with Vite's programmatic build() when dist is missing or older
 * than any viewer source file or any engine module the viewer bundles (BROWSER_MODULES). Vite is loaded only here,
 * only when a build is needed. `ensureViewerBuilt` is callable on its own (a package build can prebuild the viewer).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VIEWER_DIR = fileURLToPath(new URL('../../viewer/', import.meta.url));
export const VIEWER_DIST = join(VIEWER_DIR, 'dist');

/** The Node-free engine modules viewer/src imports (a change to one of them needs a rebuild too). */
export const BROWSER_MODULES = [
  fileURLToPath(new URL('../run/contract.ts', import.meta.url)),
  fileURLToPath(new URL('../run/summaries.ts', import.meta.url)),
  fileURLToPath(new URL('../style/palette.ts', import.meta.url)),
  fileURLToPath(new URL('./pack/format.ts', import.meta.url)),
  fileURLToPath(new URL('../buildings/table.ts', import.meta.url)),
  fileURLToPath(new URL('./status.ts', import.meta.url)),
];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const f of readdirSync(path)) m = Math.max(m, newestMtime(join(path, f)));
  return m;
}

/** Whether viewer/dist must be (re)built. */
export function viewerNeedsBuild(viewerDir = VIEWER_DIR): boolean {
  const index = join(viewerDir, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  // an installed package: the prebuilt viewer/dist, no sources to build from
  if (!existsSync(join(viewerDir, 'src'))) return false;
  const shared = BROWSER_MODULES.filter(existsSync).map(newestMtime);
  const src = Math.max(newestMtime(join(viewerDir, 'src')), newestMtime(join(viewerDir, 'index.html')), newestMtime(join(viewerDir, 'vite.config.ts')), ...shared);
  return src > statSync(index).mtimeMs;
}

/** Build the viewer if needed; returns the dist folder and whether it was built now. */
export async function ensureViewerBuilt(opts: { force?: boolean; log?: (s: string) => void } = {}): Promise<{ distDir: string; built: boolean }> {
  if (!opts.force && !viewerNeedsBuild()) return { distDir: VIEWER_DIST, built: false };
  opts.log?.('heatplan viewer: building viewer/dist with Vite (once; rebuilt when viewer/src changes)...');
  const { build } = await import('vite');
  await build({ configFile: join(VIEWER_DIR, 'vite.config.ts'), root: VIEWER_DIR, logLevel: 'warn' });
  return { distDir: VIEWER_DIST, built: true };
}
