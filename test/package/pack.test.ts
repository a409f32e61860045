/**
 * The npm package as a user gets it: build into a staging copy of the project (scripts/build.mjs --root, so the
 * workspace's own dist/ is never rewritten under other tests), `npm pack` it, `npm install` the tarball into a fresh
 * project (from the npm cache where it can: --prefer-offline), then, with plain Node and no tsx:
 *   - the `heatplan` command (bin -> dist/cli/main.js) answers --version and --help, serves a run in the prebuilt
 *     viewer (`heatplan view`, no Vite) and runs a batch on worker threads (no tsx),
 *   - `import('heatplan')` runs demand -> route -> simulate on the demo town through the public API
 *     (`stages`, `runStage(name, runDir, options)`, `readRun(dir)`) with the data the package ships,
 *   - a TypeScript consumer (module NodeNext) type-checks against the package's .d.ts,
 * and checks what the tarball holds and that the install needs none of the build tools.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** The environment of a user's shell: no loader or npm settings inherited from the test runner. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|NODE_OPTIONS$|VITEST|TSX)/i.test(k)) env[k] = v;
  return env;
}

/** Run a command as a user would (clean environment); killed after `timeoutS` (a hang fails the test, not the run). */
function sh(cmd: string, args: string[], cwd: string, timeoutS = 240): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 256 << 20, timeout: timeoutS * 1000, killSignal: 'SIGKILL' });
}

function must(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let tmp: string;
let stage: string;
let consumer: string;
let installed: string;
let tarball: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
const timings: Record<string, number> = {};

function timed<T>(name: string, f: () => T): T {
  const t = performance.now();
  try {
    return f();
  } finally {
    timings[name] = Math.round(performance.now() - t);
  }
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatplan-pack-'));
  // 1. a staging copy of what `files` may pick from, built there
  stage = join(tmp, 'stage');
  mkdirSync(stage);
  for (const f of ['package.json', 'README.md', 'bin', 'datasets']) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
  for (const f of ['LICENSE', 'LICENSE.md', 'LICENCE']) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(stage, f));
  timed('build', () => must(sh(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--root', stage], ROOT), 'npm run build (scripts/build.mjs --root)'));
  // 2. npm pack (the build is done: --ignore-scripts keeps `prepare` from running again)
  const packed = timed('pack', () => must(sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], stage), 'npm pack'));
  tarball = (JSON.parse(packed) as (typeof tarball)[])[0]!;
  // 3. a fresh project installing the tarball
  consumer = join(tmp, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'heatplan-consumer', private: true, type: 'module' }, null, 2));
  timed('install', () =>
    must(sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(tmp, tarball.filename)], consumer, 600), 'npm install of the tarball'),
  );
  installed = join(consumer, 'node_modules', PKG.name);
}, 900_000);

afterAll(() => {
  console.log(`package test: tarball ${tarball?.filename} ${(tarball?.size / 1e6).toFixed(2)} MB (unpacked ${(tarball?.unpackedSize / 1e6).toFixed(2)} MB, ${tarball?.files.length} files); ms ${JSON.stringify(timings)}`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm package', () => {
  it('holds the compiled engine, its tables, the prebuilt viewer, the datasets and the bin, and no TypeScript sources', () => {
    const files = new Set(tarball.files.map((f) => f.path));
    for (const f of [
      'package.json', 'README.md', 'bin/heatplan.mjs', 'bin/build-state.mjs',
      'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/build-info.json',
      'dist/demand/intensity.csv', 'dist/demand/climate-regions.csv', 'dist/buildings/use-mapping.csv',
      'viewer/dist/index.html', 'datasets/demo/demo.yaml', 'datasets/demo/buildings.geojson', 'datasets/weather/0868195.has',
    ]) {
      expect(files, f).toContain(f);
    }
    const sources = [...files].filter((f) => /\.(ts|mts|cts)$/.test(f) && !/\.d\.(ts|mts|cts)$/.test(f));
    expect(sources).toEqual([]);
    expect([...files].filter((f) => /^(engine|test|scripts|viewer\/src|node_modules)\//.test(f))).toEqual([]);
  });

  it('installs without the build tools (tsx, vite, typescript, deck.gl are devDependencies)', () => {
    for (const dev of ['tsx', 'vite', 'typescript', '@deck.gl/core', 'vitest', 'dependency-cruiser']) {
      expect(existsSync(join(consumer, 'node_modules', dev)), `${dev} installed with the package`).toBe(false);
    }
  });

  it('runs the heatplan command from the compiled build', () => {
    const bin = join(consumer, 'node_modules', '.bin', 'heatplan');
    const v = sh(bin, ['--version'], consumer);
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(PKG.version);
    const help = sh(bin, ['--help'], consumer);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: heatplan/);
    const demand = sh(bin, ['demand', '--help'], consumer);
    expect(demand.status, demand.stderr).toBe(0);
    expect(demand.stdout).toMatch(/--buildings/);
  });

  it('runs demand -> route -> simulate on the demo town through the public API (plain Node)', () => {
    cpSync(join(__dirname, 'fixtures/consumer-smoke.mjs'), join(consumer, 'smoke.mjs'));
    const run = join(tmp, 'run');
    const r = timed('api-run', () => sh(process.execPath, ['smoke.mjs', run], consumer));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      entry: string;
      stages: string[];
      demand: { buildings: number; annualHeat_MWh: number };
      route: { consumers: number; trench_m: number };
      sim: { heatDelivered_MWh: number; cases?: unknown[] };
      manifest: Record<string, unknown>;
    };
    expect(out.entry).toBe(pathToFileURL(join(installed, 'dist/index.js')).href);
    expect(out.stages).toEqual(expect.arrayContaining(['demand', 'potential', 'areas', 'route', 'simulate', 'report', 'map']));
    expect(out.demand.buildings).toBeGreaterThan(100);
    expect(out.demand.annualHeat_MWh).toBeGreaterThan(0);
    expect(out.route.consumers).toBeGreaterThan(0);
    expect(out.route.trench_m).toBeGreaterThan(0);
    expect(out.sim.heatDelivered_MWh).toBeGreaterThan(0);
    expect(out.manifest).toHaveProperty('demand');
    expect(out.manifest).toHaveProperty('route');
    expect(out.manifest).toHaveProperty('sim');
    for (const f of ['manifest.json', 'demand.tif', 'buildings.geojson', 'network.geojson', 'sim.json', 'hourly.csv']) expect(existsSync(join(run, f)), f).toBe(true);
  }, 300_000);

  it('serves the run in the prebuilt viewer with `heatplan view` (no Vite installed)', async () => {
    const run = join(tmp, 'run');
    expect(existsSync(join(run, 'manifest.json')), 'the API test writes the run first').toBe(true);
    const child = spawn(join(consumer, 'node_modules', '.bin', 'heatplan'), ['view', run, '--no-open', '--port', '0'], { cwd: consumer, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    try {
      const url = await Promise.race([
        new Promise<string>((ok) => {
          const poll = setInterval(() => {
            const m = /https?:\/\/127\.0\.0\.1:\d+\S*/.exec(stdout);
            if (m) {
              clearInterval(poll);
              ok(m[0]);
            }
          }, 50);
          setTimeout(() => clearInterval(poll), 60_000);
        }),
        exited.then((code) => Promise.reject(new Error(`heatplan view exited ${code}:\n${stdout}${stderr}`))),
        new Promise<never>((_, no) => setTimeout(() => no(new Error(`heatplan view printed no address in 60 s:\n${stdout}${stderr}`)), 60_000)),
      ]);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/heatplan viewer/);
      expect(stderr).not.toMatch(/building viewer|vite/i);
    } finally {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('runs a one-area batch on worker threads from the compiled build (workers without tsx)', () => {
    const dir = join(tmp, 'batch');
    mkdirSync(dir, { recursive: true });
    const demo = join(installed, 'datasets', 'demo');
    writeFileSync(
      join(dir, 'batch.yaml'),
      [
        'stages: [demand]',
        'cell: 50',
        'demand: { scheme: plateau, useColumn: usage, storeysColumn: storeys, floorAreaColumn: floorArea, heightColumn: height, idColumn: id, climateRegion: 1 }',
        'areas:',
        `  - { name: demo, buildings: ${JSON.stringify(join(demo, 'buildings.geojson'))} }`,
      ].join('\n') + '\n',
    );
    const r = sh(join(consumer, 'node_modules', '.bin', 'heatplan'), ['batch', join(dir, 'batch.yaml'), '--out', join(dir, 'out'), '--workers', '1', '--quiet'], consumer, 120);
    expect(r.signal, 'heatplan batch did not finish in 120 s').toBe(null);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(existsSync(join(dir, 'out', 'demo', 'manifest.json'))).toBe(true);
  }, 300_000);

  it('type-checks a TypeScript consumer (module NodeNext) against the package .d.ts', () => {
    const dir = join(consumer, 'ts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'check.ts'),
      [
        "import { readRun, runStage, stages } from 'heatplan';",
        'export async function use(dir: string): Promise<string[]> {',
        "  const summary = await runStage('demand', dir, { buildings: ['b.geojson'] });",
        '  const run = await readRun(dir);',
        '  return [String(summary), String(run), ...Object.keys(stages)];',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [], typeRoots: [] },
        files: ['check.ts'],
      }),
    );
    // the consumer folder sits inside a "type": "module" project, so check.ts is an ES module
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const r = sh(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], dir);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
