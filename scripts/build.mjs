#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm install` in a clone builds): the package's compiled form.
 *   1. tsc -p tsconfig.build.json: engine/*.ts -> dist/*.js + .d.ts. dist/ mirrors engine/ at the same depth below the
 *      package root, so every `new URL('../..', import.meta.url)` in the engine (package.json, datasets/, viewer/)
 *      points at the same place from dist/ as from engine/.
 *   2. the runtime files beside the modules (every non-.ts file under engine/: the CSV tables) copied into dist/.
 *   3. the deck.gl viewer bundled by Vite into viewer/dist, the folder `heatplan view` serves (the package ships it,
 *      so a user's machine needs neither Vite nor deck.gl).
 *   4. dist/build-info.json, written last with the build's start time as mtime: bin/build-state.mjs compares it with
 *      the sources to decide whether dist/ is current.
 * Options: --root DIR writes DIR/dist and DIR/viewer/dist instead (the package tests build into a staging folder);
 * --no-viewer skips step 3.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outRoot = resolve(opt('--root') ?? ROOT);
const dist = join(outRoot, 'dist');
const viewerOut = join(outRoot, 'viewer', 'dist');
const started = new Date();
const log = (s) => process.stderr.write(`build: ${s}\n`);
const t0 = performance.now();
const secs = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

// 1. TypeScript
rmSync(dist, { recursive: true, force: true });
const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  log('typescript is not installed (a devDependency): install with `npm install` (not --omit=dev) to build');
  process.exit(1);
}
let t = performance.now();
const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { stdio: 'inherit' });
if (r.status !== 0) {
  log(`tsc failed (exit ${r.status})`);
  process.exit(1);
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const tsVersion = JSON.parse(readFileSync(join(dirname(tsc), '..', 'package.json'), 'utf8')).version;
log(`tsc ${tsVersion}: engine -> ${relative(ROOT, dist) || dist} in ${secs(t)}`);

// 2. runtime files the modules read beside themselves
function assets(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return assets(p);
    return e.name.endsWith('.ts') ? [] : [p];
  });
}
const engine = join(ROOT, 'engine');
const copied = assets(engine);
for (const f of copied) {
  const to = join(dist, relative(engine, f));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(f, to);
}
log(`copied ${copied.length} runtime file(s): ${copied.map((f) => relative(engine, f)).join(', ')}`);

// 3. the viewer
if (!args.includes('--no-viewer')) {
  t = performance.now();
  let vite;
  try {
    vite = await import('vite');
  } catch {
    log('vite is not installed (a devDependency): install with `npm install` (not --omit=dev) to build the viewer');
    process.exit(1);
  }
  const viewer = join(ROOT, 'viewer');
  await vite.build({ configFile: join(viewer, 'vite.config.ts'), root: viewer, logLevel: 'warn', build: { outDir: viewerOut, emptyOutDir: true } });
  log(`vite ${vite.version}: viewer -> ${relative(ROOT, viewerOut) || viewerOut} in ${secs(t)}`);
}

// 4. the stamp
const stamp = join(dist, 'build-info.json');
writeFileSync(stamp, JSON.stringify({ name: pkg.name, version: pkg.version, builtAt: started.toISOString(), node: process.version, typescript: tsVersion }, null, 2) + '\n');
utimesSync(stamp, started, started);
log(`done in ${secs(t0)}`);
