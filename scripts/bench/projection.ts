/**
 * Benchmark: projecting a city's footprint vertices, proj4 point by point (what heatplan's transformer did before
 * engine/crs/flat.ts: one proj4 converter, `conv.forward([x, y])` per vertex) against transformFlat (the batch path
 * over the flat array), in the same run, alternated, on the same numbers.
 *
 *   npx tsx scripts/bench/projection.ts [--runs 5] [--copies 86]
 *
 * Data: the Osaka PLATEAU tiles' footprint vertices (../shared/datasets/osaka, 11,684 buildings) in lon/lat, copied
 * `copies` times side by side as the city benchmark's copies are (86 copies: 1,004,824 footprints). Directions: the
 * demand stage's two, lon/lat (JGD2011, EPSG:6668) -> plane zone VI (EPSG:6674) when the readers' table is projected,
 * and zone VI -> WGS84 when buildings are written; and WGS84 -> UTM 53N (EPSG:32653) for the UTM path.
 * Prints medians of the runs after one warm-up of each, the ratio, the largest difference between the two (0: the
 * batch path does proj4's arithmetic), and peak RSS.
 * Peer, where GDAL is installed: gdaltransform (PROJ) on the same vertices, lon/lat -> zone VI, one whole process
 * reading and writing text (not like with like: most of its time is parsing and printing numbers), its CPU time and
 * peak RSS from /usr/bin/time -v, and the largest difference from transformFlat (an independent implementation of
 * the same Transverse Mercator; it prints 15 significant digits, 1e-8 m at 100 km from the origin).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import proj4 from 'proj4';
import { tableBBox } from '../../engine/buildings/geometry.js';
import { lookupEpsg, transformFlat, type Crs } from '../../engine/crs/index.js';
import { readBuildingInputs } from '../../engine/io/buildings-input.js';
import { Warnings } from '../../engine/util/warnings.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const RUNS = opt('--runs', 5);
const COPIES = opt('--copies', 86);
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const crs = (code: string): Crs => ({ ...lookupEpsg(code)! });

const t = await readBuildingInputs([join(DATA, 'osaka')], new Warnings());
const [w, s, e, n] = tableBBox(t);
// the city benchmark's layout (scripts/bench/_synthetic-city.ts): copies on a square grid, 5 % apart
const cols = Math.ceil(Math.sqrt(COPIES));
const dLon = (e - w) * 1.05, dLat = (n - s) * 1.05;
const per = t.coords.length;
const ll = new Float64Array(per * COPIES);
for (let k = 0; k < COPIES; k++) {
  const ox = (k % cols) * dLon, oy = Math.floor(k / cols) * dLat;
  for (let i = 0; i < per; i += 2) {
    ll[k * per + i] = t.coords[i]! + ox;
    ll[k * per + i + 1] = t.coords[i + 1]! + oy;
  }
}
const vertices = ll.length / 2;
console.log(`${(t.count * COPIES).toLocaleString('en-US')} footprints (${COPIES} copies of Osaka's ${t.count.toLocaleString('en-US')}), ${vertices.toLocaleString('en-US')} vertices, table CRS ${t.crs.code}`);

/** proj4 per point, as heatplan's transformer was: one converter, one reused input array, proj4's result array. */
function perPoint(from: Crs, to: Crs, xy: Float64Array, out: Float64Array): void {
  const conv = proj4(from.proj4, to.proj4);
  const p = [0, 0];
  for (let i = 0; i < xy.length; i += 2) {
    p[0] = xy[i]!;
    p[1] = xy[i + 1]!;
    const r = conv.forward(p);
    out[i] = r[0]!;
    out[i + 1] = r[1]!;
  }
}

interface Row { what: string; proj4Ms: number; flatMs: number; proj4CpuMs: number; flatCpuMs: number; maxDiff: number }
/** Milliseconds of wall time and of this process's CPU time (user + system) that fn takes. */
function timed(fn: () => void): [number, number] {
  const c0 = process.cpuUsage(), t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return [performance.now() - t0, (c.user + c.system) / 1000];
}
const rows: Row[] = [];
let sink = 0;
function bench(what: string, from: Crs, to: Crs, input: Float64Array): Float64Array {
  const a = new Float64Array(input.length), b = new Float64Array(input.length);
  const tp: number[] = [], tf: number[] = [], cp: number[] = [], cf: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    const [p, pc] = timed(() => perPoint(from, to, input, a));
    const [f, fc] = timed(() => transformFlat(from, to, input, b));
    if (r > 0) {
      tp.push(p);
      tf.push(f);
      cp.push(pc);
      cf.push(fc);
    }
    sink += a[r]! + b[r]!;
  }
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
  rows.push({ what, proj4Ms: median(tp), flatMs: median(tf), proj4CpuMs: median(cp), flatCpuMs: median(cf), maxDiff });
  return b;
}

const lonlat = t.crs;
const zone6 = crs('EPSG:6674');
const plane = bench(`${lonlat.code} -> EPSG:6674 (project the read table)`, lonlat, zone6, ll);
bench('EPSG:6674 -> EPSG:4326 (write buildings in WGS84)', zone6, crs('EPSG:4326'), plane);
bench('EPSG:4326 -> EPSG:32653 (UTM 53N)', crs('EPSG:4326'), crs('EPSG:32653'), ll);

console.log(`node ${process.version}, ${RUNS} runs after 1 warm-up, medians of wall and CPU time, alternated in one process`);
console.log('| direction | proj4 per point, wall (CPU) | transformFlat, wall (CPU) | ratio wall (CPU) | max difference |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const rate = (ms: number, cpu: number) => `${(ms / 1000).toFixed(3)} s (${(cpu / 1000).toFixed(3)} s), ${(vertices / (ms / 1000) / 1e6).toFixed(2)} M vertices/s`;
  console.log(`| ${r.what} | ${rate(r.proj4Ms, r.proj4CpuMs)} | ${rate(r.flatMs, r.flatCpuMs)} | ${(r.proj4Ms / r.flatMs).toFixed(2)}x (${(r.proj4CpuMs / r.flatCpuMs).toFixed(2)}x) | ${r.maxDiff} |`);
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

// the peer: PROJ through gdaltransform, the same vertices from a text file, one run
if (existsSync('/usr/bin/gdaltransform') && existsSync('/usr/bin/time') && !args.includes('--no-gdal')) {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-bench-projection-'));
  try {
    const input = join(dir, 'in.txt'), output = join(dir, 'out.txt');
    const lines: string[] = [];
    for (let i = 0; i < ll.length; i += 2) lines.push(`${ll[i]} ${ll[i + 1]}`);
    writeFileSync(input, lines.join('\n') + '\n');
    lines.length = 0;
    const fin = openSync(input, 'r'), fout = openSync(output, 'w');
    const t0 = performance.now();
    // EPSG:6668 is lat/lon in EPSG's order; gdaltransform takes x = lon as given (traditional GIS order)
    const r = spawnSync('/usr/bin/time', ['-v', 'gdaltransform', '-s_srs', lonlat.code, '-t_srs', 'EPSG:6674', '-output_xy'], { stdio: [fin, fout, 'pipe'], encoding: 'utf8' });
    const wall = (performance.now() - t0) / 1000;
    closeSync(fin);
    closeSync(fout);
    const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]);
    const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) / 1024;
    const ours = transformFlat(lonlat, zone6, ll);
    const text = readFileSync(output, 'utf8');
    let k = 0, maxDiff = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      const [x, y] = line.split(' ').map(Number);
      maxDiff = Math.max(maxDiff, Math.abs(x! - ours[k]!), Math.abs(y! - ours[k + 1]!));
      k += 2;
    }
    if (r.status !== 0 || k !== ll.length) console.log(`gdaltransform failed (exit ${r.status}, ${k / 2} of ${vertices} points): ${r.stderr.slice(-300)}`);
    else
      console.log(
        `peer gdaltransform (PROJ), ${lonlat.code} -> EPSG:6674, whole process, text in and out: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU ` +
          `(${(vertices / cpu / 1e6).toFixed(2)} M vertices/s of CPU), ${rss.toFixed(0)} MB; largest difference from transformFlat ${maxDiff.toExponential(2)} m`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (sink === -1) console.log(sink);
