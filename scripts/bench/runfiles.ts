/**
 * Run-folder files at scale (issue 18): the demand stage with and without the GeoJSON twin of buildings.fgb (wall time
 * and peak RSS of the whole process, /usr/bin/time -v), the sizes of buildings.fgb and buildings.geojson, and reading
 * each back in its own process: heatplan's streaming readers (engine/io/fgb.ts, engine/io/geojson-stream.ts, keeping
 * what the route stage keeps of a building) and GDAL (ogrinfo iterating every feature) on the same two files, so
 * every pair compares like with like (whole processes on the same files).
 *
 *   npx tsx scripts/bench/runfiles.ts                       # the demo town's buildings (small; always runs)
 *   npx tsx scripts/bench/runfiles.ts --city /tmp/heatplan-bench-city-XXXX --out /tmp/fgb-1m
 *
 * --city: a folder made by scripts/bench/city.ts (its city.json lists the building files: 1,004,824 buildings from
 * 86 copies of the Osaka tiles); the demand command is city.ts's. --out: where the two runs go (default: a temporary
 * folder, removed at the end unless --keep). The kept city's own run is never written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'heatplan.mjs');
const argv = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const cityDir = arg('city', '');
const outArg = arg('out', '');
const out = outArg ? resolve(outArg) : mkdtempSync(join(tmpdir(), 'heatplan-bench-runfiles-'));
const keep = argv.includes('--keep') || !!outArg;
const hasTime = existsSync('/usr/bin/time');
const hasOgr = spawnSync('ogrinfo', ['--version']).status === 0;

/** The demand command: city.ts's for a city, the demo scenario's demand options for the demo town. */
function demandArgs(run: string): string[] {
  if (cityDir) {
    const city = JSON.parse(readFileSync(join(cityDir, 'city.json'), 'utf8')) as { files: string[] };
    return ['demand', '--buildings', ...city.files, '--out', run, '--scheme', 'plateau', '--use-column', 'usage', '--storeys-column', 'storeys', '--height-column', 'height', '--floor-area-column', 'floor', '--id-column', 'id', '--crs', 'EPSG:6674', '--climate-region', '6', '--quiet'];
  }
  const demo = join(ROOT, 'datasets', 'demo');
  return ['demand', '--buildings', join(demo, 'buildings.geojson'), '--out', run, '--cell', '50', '--blocks', join(demo, 'blocks.geojson'), '--use-column', 'usage', '--floor-area-column', 'floorArea', '--storeys-column', 'storeys', '--height-column', 'height', '--id-column', 'id', '--scheme', 'plateau', '--climate-region', '1', '--quiet'];
}

interface Timed {
  wallS: number;
  /** user + system CPU seconds (the OS's): steadier than wall time on a shared machine */
  cpuS: number;
  rssMb: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a whole process under /usr/bin/time -v: wall time (ours) and peak RSS (the OS's). */
function timed(cmd: string, args: string[]): Timed {
  const t0 = performance.now();
  const r = hasTime ? spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }) : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const u = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? ''), k = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const cpuS = u && k ? Number(u[1]) + Number(k[1]) : NaN;
  return { wallS, cpuS, rssMb: m ? Number(m[1]) / 1024 : NaN, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const mib = (f: string): string => (existsSync(f) ? `${(statSync(f).size / 2 ** 20).toFixed(1)} MiB` : '-');
const rows: string[][] = [];
const row = (what: string, t: Timed | undefined, note: string) =>
  rows.push([
    what,
    t ? (t.status === 0 ? `${t.wallS.toFixed(1)} s` : `failed (exit ${t.status})`) : '-',
    t && Number.isFinite(t.cpuS) ? `${t.cpuS.toFixed(1)} s` : '-',
    t && Number.isFinite(t.rssMb) ? `${t.rssMb.toFixed(0)} MB` : '-',
    note,
  ]);
/** Seconds between two files' last writes (the demand stage writes blocks.geojson, buildings.geojson, buildings.fgb in turn). */
const between = (a: string, b: string): string => (existsSync(a) && existsSync(b) ? `${((statSync(b).mtimeMs - statSync(a).mtimeMs) / 1000).toFixed(1)} s` : '-');

const runs = { never: join(out, 'run-never'), always: join(out, 'run-always') };
for (const mode of ['never', 'always'] as const) {
  rmSync(runs[mode], { recursive: true, force: true });
  const t = timed(process.execPath, [BIN, ...demandArgs(runs[mode]), '--geojson', mode]);
  if (t.status !== 0) console.error(t.stderr.slice(-2000));
  const m = t.status === 0 ? JSON.parse(readFileSync(join(runs[mode], 'manifest.json'), 'utf8')) : undefined;
  const f = (n: string) => join(runs[mode], n);
  const writes = mode === 'never' ? `writing buildings.fgb ${between(f('blocks.geojson'), f('buildings.fgb'))}` : `writing buildings.geojson ${between(f('blocks.geojson'), f('buildings.geojson'))}, buildings.fgb ${between(f('buildings.geojson'), f('buildings.fgb'))}`;
  row(`demand --geojson ${mode}`, t, m ? `${m.demand.buildings.toLocaleString('en-US')} buildings; buildings.fgb ${mib(f('buildings.fgb'))}, buildings.geojson ${mib(f('buildings.geojson'))}; ${writes} (from the files' modification times)` : '');
}

// reading buildings back, each reader in its own process, keeping what the route stage keeps (id, x, y, heat, peak)
const fgb = join(runs.always, 'buildings.fgb'), geojson = join(runs.always, 'buildings.geojson');
const reader = (kind: 'fgb' | 'geojson', file: string) => `
  const { ${kind === 'fgb' ? 'readFgbLayer: read' : 'readFeatureCollection: read'} } = await import(${JSON.stringify(join(ROOT, 'engine', 'io', kind === 'fgb' ? 'fgb.ts' : 'geojson-stream.ts'))});
  let heat = 0;
  const t0 = performance.now();
  const fc = await read(${JSON.stringify(file)}, { map: (f) => { const p = f.properties; heat += p.heat_MWh; return { id: p.id, x: p.x, y: p.y, heat: p.heat_MWh, peak: p.peak_kW }; } });
  console.log(JSON.stringify({ features: fc.features.length, heat_MWh: Math.round(heat * 1e4) / 1e4, readS: (performance.now() - t0) / 1000 }));`;
const results: Record<string, { features: number; heat_MWh: number; readS: number }> = {};
for (const [kind, file] of [['fgb', fgb], ['geojson', geojson]] as const) {
  if (!existsSync(file)) continue;
  const t = timed(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', reader(kind, file)]);
  if (t.status !== 0) console.error(t.stderr.slice(-2000));
  const r = t.status === 0 ? (JSON.parse(t.stdout.trim().split('\n').pop()!) as (typeof results)[string]) : undefined;
  if (r) results[kind] = r;
  row(`heatplan reads buildings.${kind} (streamed)`, t, r ? `${r.features.toLocaleString('en-US')} features, read ${r.readS.toFixed(1)} s in-process, heat ${r.heat_MWh.toLocaleString('en-US')} MWh/a` : '');
}
if (results.fgb && results.geojson && (results.fgb.features !== results.geojson.features || results.fgb.heat_MWh !== results.geojson.heat_MWh)) {
  console.error(`buildings.fgb and buildings.geojson differ: ${JSON.stringify(results)}`);
  process.exitCode = 1;
}
if (hasOgr) {
  for (const file of [fgb, geojson]) {
    if (!existsSync(file)) continue;
    // every feature read (attributes and geometry parsed), little printed
    const t = timed('ogrinfo', ['-ro', '-al', '-q', '-fields=NO', '-geom=NO', file]);
    row(`GDAL ogrinfo reads ${file.endsWith('.fgb') ? 'buildings.fgb' : 'buildings.geojson'}`, t, `${(t.stdout.match(/^OGRFeature/gm) ?? []).length.toLocaleString('en-US')} features`);
  }
} else console.log('(ogrinfo not installed: no GDAL comparison)');

console.log(`\nrun-folder files (${cityDir ? `city ${cityDir}` : 'demo town'}; ${new Date().toISOString()}; node ${process.version}; runs in ${out})\n`);
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(', ')}`);
console.log('| step | wall time | CPU (user + sys) | peak RSS | notes |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (!keep) rmSync(out, { recursive: true, force: true });
