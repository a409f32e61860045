/**
 * Builds the deck.gl viewer (viewer/ -> viewer/dist) with Vite's programmatic build() when dist is missing or older
 * than any viewer source file. Vite is loaded only here, only when a build is needed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VIEWER_DIR = fileURLToPath(new URL('../../viewer/', import.meta.url));
export const VIEWER_DIST = join(VIEWER_DIR, 'dist');

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
  const src = Math.max(newestMtime(join(viewerDir, 'src')), newestMtime(join(viewerDir, 'index.html')), newestMtime(join(viewerDir, 'vite.config.ts')));
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
