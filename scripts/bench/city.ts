/**
 * City benchmark: about 1,000,000 buildings end to end, each stage as a whole `heatplan` process with its wall time and
 * peak RSS from the OS (/usr/bin/time -v). The city is the batch benchmark's: copies of the Osaka tiles
 * (../shared/datasets/osaka, 11,684 PLATEAU buildings) side by side as GeoJSON (scripts/bench/_synthetic-city.ts), in
 * a temp folder. Osaka comes without roads, so the city gets a synthetic street grid (GeoJSON lines, `--street-m`
 * apart, highway=residential, one line per block side so the graph is noded at every crossing). Stages: demand, route
 * with a consumer per building (plant suggested), and the viewer's server converting buildings.geojson for the
 * browser (/api/buildings.bin) and serving network.geojson.
 *
 *   npx tsx scripts/bench/city.ts [--buildings 1000000] [--street-m 200] [--stages demand,route,view] [--dir D] [--keep]
 *
 * --dir reuses a folder made by an earlier --keep run (the city and the run in it are kept; stages not asked for are
 * not rerun).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { syntheticCity } from './_synthetic-city.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const target = Number(arg('buildings', '1000000'));
const streetM = Number(arg('street-m', '200'));
const stages = arg('stages', 'demand,route,view').split(',');
const keep = process.argv.includes('--keep');
const ROOT = resolve(import.meta.dirname, '..', '..');
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(ROOT, '..', 'shared', 'datasets'));
const BIN = join(ROOT, 'bin', 'heatplan.mjs');

interface City {
  dir: string;
  files: string[];
  buildings: number;
}

/** The synthetic city (reused from `--dir` when it holds one). */
async function makeCity(): Promise<City> {
  const given = arg('dir', '');
  if (given && existsSync(join(given, 'city.json'))) return JSON.parse(readFileSync(join(given, 'city.json'), 'utf8'));
  const c = await syntheticCity(DATA, target, 10000, 'heatplan-bench-city-');
  const city = { dir: c.dir, files: c.files, buildings: c.copies * c.perCopy };
  writeFileSync(join(c.dir, 'city.json'), JSON.stringify(city));
  console.error(`synthetic city: ${c.copies} copies x ${c.perCopy} = ${city.buildings.toLocaleString('en-US')} buildings in ${c.dir}`);
  return city;
}

/**
 * A street grid for the city: a lattice `streetM` apart (in lon/lat steps at the city's mean latitude) over every
 * 1 km cell that holds a footprint vertex, plus arterials along every second 1 km line across the whole extent. Every
 * cell has a side on an arterial (one of i, i + 1 is even), so the grid is one component. One line per lattice side:
 * the graph is noded at every crossing.
 */
function makeStreets(city: City): string {
  const roads = join(city.dir, `streets-${streetM}m.geojson`);
  if (existsSync(roads)) return roads;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const pts: number[] = [];
  for (const f of city.files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\[(1\d\d\.\d+),(\d\d\.\d+)\]/g)) {
      const lon = Number(m[1]), lat = Number(m[2]);
      pts.push(lon, lat);
      if (lon < w) w = lon;
      if (lon > e) e = lon;
      if (lat < s) s = lat;
      if (lat > n) n = lat;
    }
  }
  const lat0 = (s + n) / 2;
  const dLat = streetM / 111_320, dLon = streetM / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const cellSteps = Math.max(1, Math.round(1000 / streetM));
  const nx = Math.ceil((e - w) / dLon / cellSteps) + 1, ny = Math.ceil((n - s) / dLat / cellSteps) + 1;
  const occupied = new Uint8Array(nx * ny);
  for (let k = 0; k < pts.length; k += 2) occupied[Math.floor((pts[k + 1]! - s) / dLat / cellSteps) * nx + Math.floor((pts[k]! - w) / dLon / cellSteps)] = 1;
  // lattice sides by (i, j, direction): 0 = towards i + 1, 1 = towards j + 1
  const W = nx * cellSteps + 1;
  const sides = new Set<number>();
  const side = (i: number, j: number, d: number) => sides.add((j * W + i) * 2 + d);
  for (let cj = 0; cj < ny; cj++) {
    for (let ci = 0; ci < nx; ci++) {
      if (!occupied[cj * nx + ci]) continue;
      for (let a = 0; a <= cellSteps; a++) {
        for (let b = 0; b < cellSteps; b++) {
          side(ci * cellSteps + b, cj * cellSteps + a, 0);
          side(ci * cellSteps + a, cj * cellSteps + b, 1);
        }
      }
    }
  }
  for (let j = 0; j <= ny * cellSteps; j += 2 * cellSteps) for (let i = 0; i < nx * cellSteps; i++) side(i, j, 0);
  for (let i = 0; i <= nx * cellSteps; i += 2 * cellSteps) for (let j = 0; j < ny * cellSteps; j++) side(i, j, 1);
  const P = (i: number, j: number) => `[${(w + i * dLon).toFixed(7)},${(s + j * dLat).toFixed(7)}]`;
  const lines: string[] = [];
  for (const k of sides) {
    const d = k & 1, ij = k >> 1;
    const i = ij % W, j = Math.floor(ij / W);
    lines.push(`{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[${P(i, j)},${d ? P(i, j + 1) : P(i + 1, j)}]}}`);
  }
  writeFileSync(roads, `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`);
  console.error(`streets: ${lines.length.toLocaleString('en-US')} segments ${streetM} m apart over ${occupied.reduce((a, b) => a + b, 0)} occupied 1 km cells`);
  return roads;
}

/** User + system CPU seconds from /usr/bin/time -v's report (the figure that holds on a loaded machine). */
const cpuSeconds = (report: string): number =>
  Number(/User time \(seconds\): ([\d.]+)/.exec(report)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(report)?.[1] ?? NaN);

/** One heatplan command as a whole process under /usr/bin/time -v: wall s, peak RSS MB, exit status, last output. */
function timed(args: string[]): { wallS: number; cpuS: number; rssMb: number; ok: boolean; tail: string } {
  const t0 = performance.now();
  const p = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...args], { maxBuffer: 1 << 28, encoding: 'utf8' });
  const out = `${p.stdout}\n${p.stderr}`;
  const ok = p.status === 0;
  const wallS = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(out);
  const tail = out.split('\n').filter((l) => l.trim() && !/^\t/.test(l)).slice(-3).join(' | ');
  return { wallS, cpuS: cpuSeconds(out), rssMb: m ? Number(m[1]) / 1024 : NaN, ok, tail };
}

/** The viewer's server on the run: time until /api/buildings.bin and /run/network.geojson are answered, peak RSS. */
async function viewTimed(run: string): Promise<{ wallS: number; cpuS: number; rssMb: number; ok: boolean; tail: string }> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  // its own process group: /usr/bin/time ignores SIGINT, so the server is stopped through the group
  const child = spawn('/usr/bin/time', ['-v', process.execPath, BIN, 'view', run, '--port', String(port), '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.on('data', () => undefined);
  const t0 = performance.now();
  const statuses: string[] = [];
  try {
    for (let k = 0; k < 200; k++) {
      const r = await fetch(`http://127.0.0.1:${port}/api/status`).catch(() => undefined);
      if (r?.ok) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    statuses.push(`server up after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const path of ['/api/buildings.bin', ...(existsSync(join(run, 'network.geojson')) ? ['/run/network.geojson'] : [])]) {
      const t = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = await r.arrayBuffer();
      statuses.push(`${path} ${r.status} ${(body.byteLength / 2 ** 20).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    process.kill(-child.pid!, 'SIGINT');
  }
  const wallS = (performance.now() - t0) / 1000;
  await new Promise((res) => child.on('close', res));
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  return { wallS, cpuS: cpuSeconds(err), rssMb: m ? Number(m[1]) / 1024 : NaN, ok: statuses.filter((s) => s.startsWith('/')).every((s) => / 200 /.test(s)), tail: statuses.join(', ') };
}

const city = await makeCity();
const roads = stages.includes('route') ? makeStreets(city) : '';
const run = join(city.dir, 'run');
mkdirSync(city.dir, { recursive: true });
const rows: { stage: string; wallS: number; cpuS: number; rssMb: number; ok: boolean; tail: string }[] = [];
const size = (f: string) => (existsSync(f) ? `${(statSync(f).size / 2 ** 20).toFixed(0)} MB` : '-');
if (stages.includes('demand')) {
  const r = timed(['demand', '--buildings', ...city.files, '--out', run, '--scheme', 'plateau', '--use-column', 'usage', '--storeys-column', 'storeys', '--height-column', 'height', '--floor-area-column', 'floor', '--id-column', 'id', '--crs', 'EPSG:6674', '--climate-region', '6', '--quiet']);
  rows.push({ stage: `demand (buildings.geojson ${size(join(run, 'buildings.geojson'))})`, ...r });
}
if (stages.includes('route')) {
  const r = timed(['route', '--run', run, '--roads', roads, '--quiet']);
  let extra = '';
  if (r.ok) {
    const m = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
    extra = `, ${m.route.consumers.toLocaleString('en-US')} consumers, trench ${(m.route.trench_m / 1000).toFixed(0)} km`;
  }
  rows.push({ stage: `route, a consumer per building (network.geojson ${size(join(run, 'network.geojson'))}${extra})`, ...r });
}
if (stages.includes('view')) rows.push({ stage: 'view: server converts and serves buildings.bin and network.geojson', ...(await viewTimed(run)) });
console.log(`\nheatplan city benchmark, ${city.buildings.toLocaleString('en-US')} buildings, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log('| stage | wall s | CPU s (user + sys) | peak RSS MB | result |');
console.log('|---|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.stage} | ${r.wallS.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${r.rssMb.toFixed(0)} | ${r.ok ? 'ok' : 'FAILED'}${r.tail ? `: ${r.tail}` : ''} |`);
if (!keep && !arg('dir', '')) rmSync(city.dir, { recursive: true, force: true });
