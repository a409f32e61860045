/**
 * Benchmark: plan-sheet export time per map (PNG 300 dpi A4, PDF, SVG) in-process, as a batch runner calls
 * `exportMap`, against the browser-per-map approach (headless Chromium rendering the same SVG to a PNG) when
 * Chromium is installed.
 *
 *   npx tsx scripts/bench/export.ts [RUN_DIR] [--buildings N] [--runs R]
 *
 * Without RUN_DIR: a seeded synthetic town (default 5,000 buildings, 50 m demand grid, a tree network) in a temp
 * folder, written with the engine's own GeoTIFF writer. Prints median and min seconds per map and peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupEpsg, transformer, WGS84 } from '../../engine/crs/index.js';
import { writeGeoTiff } from '../../engine/io/geotiff.js';
import { exportMap } from '../../engine/export/map.js';
import { USE_COLORS } from '../../engine/style/palette.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const runArg = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
const N_BUILDINGS = opt('--buildings', 5000);
const RUNS = opt('--runs', 5);

/** mulberry32: a small seeded PRNG so the synthetic town is the same every run. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function syntheticTown(dir: string, n: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const crs = lookupEpsg('EPSG:6670')!;
  const toWgs = transformer(crs, WGS84);
  const ll = (x: number, y: number) => toWgs.forward(x, y);
  const rand = rng(42);
  const side = Math.sqrt(n) * 35; // ~35 m per building
  const X0 = -42_000;
  const Y0 = -6_000;
  const uses = Object.keys(USE_COLORS);
  const cell = 50;
  const W = Math.ceil(side / cell);
  const heat = new Float64Array(W * W);
  const feats: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = X0 + rand() * side;
    const y = Y0 - rand() * side;
    const h = 4 + rand() * 10;
    const use = uses[Math.floor(rand() * uses.length)]!;
    const ring = [ll(x - h, y - h), ll(x + h, y - h), ll(x + h, y + h), ll(x - h, y + h), ll(x - h, y - h)];
    const mwh = 20 + rand() * 200;
    heat[Math.min(W - 1, Math.floor((Y0 - y) / cell)) * W + Math.min(W - 1, Math.floor((x - X0) / cell))]! += mwh;
    feats.push(JSON.stringify({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { id: `b${i}`, use, heat_MWh: mwh } }));
  }
  await writeFile(join(dir, 'buildings.geojson'), `{"type":"FeatureCollection","features":[${feats.join(',')}]}`);
  await writeGeoTiff(join(dir, 'demand.tif'), {
    crs: 'EPSG:6670', x0: X0, y0: Y0, cellSize: cell, width: W, height: W,
    bands: [heat.map((v) => v * 4), heat, heat.map((v) => v * 0.5)], names: ['floor area', 'annual heat', 'peak'], units: ['m2', 'MWh/a', 'kW'],
  });
  // a comb network: one trunk, a branch every 100 m, consumers along the branches
  const net: string[] = [];
  const line = (pts: [number, number][], props: object) => JSON.stringify({ type: 'Feature', geometry: { type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) }, properties: props });
  const point = (x: number, y: number, props: object) => JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: ll(x, y) }, properties: props });
  const yTrunk = Y0 - side / 2;
  net.push(line([[X0, yTrunk], [X0 + side, yTrunk]], { kind: 'pipe', DN: 150, kw_per_m: 1.2, length_m: side }));
  net.push(point(X0, yTrunk, { kind: 'plant', id: 'p', capacity_kW: 5000 }));
  for (let bx = X0 + 50; bx < X0 + side; bx += 100) {
    net.push(line([[bx, Y0], [bx, Y0 - side]], { kind: 'pipe', DN: 50, kw_per_m: rand() * 0.5, length_m: side }));
    for (let by = Y0 - 25; by > Y0 - side; by -= 50) {
      net.push(line([[bx, by], [bx + 15, by]], { kind: 'service', length_m: 15 }));
      net.push(point(bx + 15, by, rand() < 0.9 ? { kind: 'consumer', id: 'c' } : { kind: 'dropped', id: 'd', reason: 'below-threshold' }));
    }
  }
  await writeFile(join(dir, 'network.geojson'), `{"type":"FeatureCollection","features":[${net.join(',')}]}`);
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({
      heatplan: { version: 'bench' }, created: '', updated: '', stages: ['demand', 'route'],
      crs: { code: 'EPSG:6670', name: crs.name }, inputs: [{ path: 'town.gml', role: 'buildings', bytes: 0, sha256: '' }],
      route: { minKwPerM: 0.17 },
    }),
  );
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'heatplan-bench-export-'));
  const run = runArg ?? join(tmp, 'town');
  if (!runArg) await syntheticTown(run, N_BUILDINGS);
  if (!existsSync(join(run, 'manifest.json'))) throw new Error(`${run} is not a run folder`);
  let peakRss = process.memoryUsage().rss;
  const cases = [
    { name: 'SVG A4', opts: { format: 'svg' as const } },
    { name: 'PDF A4', opts: { format: 'pdf' as const } },
    { name: 'PNG A4 300 dpi', opts: { format: 'png' as const, dpi: 300 } },
    { name: 'PNG A3 landscape 300 dpi', opts: { format: 'png' as const, dpi: 300, size: 'A3' as const, landscape: true } },
  ];
  const rows: string[][] = [];
  let sink = 0;
  for (const c of cases) {
    const out = join(tmp, `map.${c.opts.format}`);
    await exportMap(run, { ...c.opts, out }); // warm-up (font registration, JIT)
    const t: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await exportMap(run, { ...c.opts, out });
      t.push(r.seconds);
      sink += r.scale;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    rows.push([c.name, median(t).toFixed(3), Math.min(...t).toFixed(3), (statSync(out).size / 1024).toFixed(0)]);
  }
  // peer: a browser per map (headless Chromium screenshots the SVG sheet), the approach the export avoids
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
  if (chromium) {
    const svg = join(tmp, 'map.svg');
    await exportMap(run, { format: 'svg', out: svg });
    const t: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      const t0 = performance.now();
      execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${join(tmp, 'chromium.png')}`, '--window-size=2480,3508', `file://${svg}`], { stdio: 'ignore', timeout: 120_000 });
      t.push((performance.now() - t0) / 1000);
    }
    rows.push(['peer: Chromium headless, SVG -> PNG 2480x3508 (per map)', median(t).toFixed(3), Math.min(...t).toFixed(3), (statSync(join(tmp, 'chromium.png')).size / 1024).toFixed(0)]);
  } else rows.push(['peer: Chromium not installed', '-', '-', '-']);

  const head = ['case', 'median s/map', 'min s/map', 'KiB'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  console.log(`heatplan export-map benchmark: ${runArg ? `run ${runArg}` : `synthetic town, ${N_BUILDINGS} buildings, seed 42`}; ${RUNS} runs after a warm-up`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB; node ${process.version}; (sink ${sink})`);
  if (process.env.KEEP_BENCH_RUN) console.log(`kept ${run}`);
  else rmSync(tmp, { recursive: true, force: true });
}

await main();
