/**
 * Benchmark: Hotmaps supply-area detection (threshold, 3x3 closing, 8-connected labels, area sums) on a seeded
 * synthetic heat-density raster of N x N cells (default 5,000 x 5,000 = 25 M cells), heatplan vs scipy.ndimage running
 * the same steps (test/fixtures/potential/hotmaps_reference.py's algorithm) on the same raster, when python3-scipy is
 * installed. Also times the heatplan blocks method on cells and the area outlines (polygons).
 *   npx tsx scripts/bench/areas.ts [N=5000] [runs=3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hotmapsAreas } from '../../engine/potential/hotmaps.js';
import { labelPolygons } from '../../engine/potential/area-polygons.js';
import type { GridSpec } from '../../engine/grid/grid.js';

const N = Number(process.argv[2] ?? 5000);
const RUNS = Number(process.argv[3] ?? 3);

/** Seeded clustered density: 'towns' as Gaussian blobs of dense cells plus sparse scatter, MWh/ha. */
function makeRaster(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const d = new Float32Array(n * n);
  const towns = Math.round((n * n) / 40_000);
  for (let t = 0; t < towns; t++) {
    const cx = rnd() * n, cy = rnd() * n, r = 3 + rnd() * 25, peak = 200 + rnd() * 1500;
    const R = Math.ceil(r * 2.5);
    for (let y = Math.max(0, Math.floor(cy - R)); y < Math.min(n, cy + R); y++)
      for (let x = Math.max(0, Math.floor(cx - R)); x < Math.min(n, cx + R); x++) {
        const q = ((x - cx) ** 2 + (y - cy) ** 2) / (r * r);
        if (rnd() < 0.85) d[y * n + x] += peak * Math.exp(-q);
      }
  }
  for (let i = 0; i < d.length; i++) if (rnd() < 0.02) d[i] += rnd() * 400;
  return d;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
let sink = 0;

const raster = makeRaster(N);
const grid: GridSpec = { crs: 'EPSG:3035', x0: 0, y0: N * 100, cellSize: 100, width: N, height: N };
const rss0 = process.memoryUsage().rss;
let peakRss = rss0;
const t: number[] = [];
let result!: ReturnType<typeof hotmapsAreas>;
hotmapsAreas(grid, raster); // warm-up
for (let k = 0; k < RUNS; k++) {
  const a = performance.now();
  result = hotmapsAreas(grid, raster);
  t.push(performance.now() - a);
  sink += result.areas.length;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const tp: number[] = [];
for (let k = 0; k < Math.max(1, RUNS - 1); k++) {
  const a = performance.now();
  const p = labelPolygons(grid, result.areaId, result.areas.length);
  tp.push(performance.now() - a);
  sink += p.length;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

let scipyMs: number | undefined;
let scipyCount: number | undefined;
let scipyPeakMb: number | undefined;
if (spawnSync('python3', ['-c', 'import scipy.ndimage'], { encoding: 'utf8' }).status === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-bench-'));
  try {
    const raw = join(dir, 'd.f32');
    writeFileSync(raw, Buffer.from(raster.buffer));
    const py = `
import sys, time, json, resource
import numpy as np
from scipy.ndimage import binary_dilation, binary_erosion, label
n = ${N}
hdm = np.fromfile(sys.argv[1], dtype='<f4').reshape((n, n)).astype(float)
def run():
    filtered = hdm * (hdm > 333)
    s = np.ones((3, 3)).astype(int)
    closed = binary_erosion(binary_dilation(filtered, structure=s), structure=s)
    labels, k = label(closed, structure=s)
    above = np.bincount(labels.ravel(), weights=filtered.ravel(), minlength=k + 1)
    keep = above >= 30000; keep[0] = False
    regions = keep[labels]
    labels2, k2 = label(regions, structure=s)
    pot = np.bincount(labels2.ravel(), weights=hdm.ravel(), minlength=k2 + 1)
    return k2
run()
ts = []
for _ in range(${RUNS}):
    a = time.perf_counter(); k2 = run(); ts.append((time.perf_counter() - a) * 1000)
ts.sort()
print(json.dumps({"ms": ts[len(ts)//2], "count": int(k2), "peakMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;
    const out = JSON.parse(execFileSync('python3', ['-c', py, raw], { encoding: 'utf8', maxBuffer: 1 << 20 }));
    scipyMs = out.ms;
    scipyCount = out.count;
    scipyPeakMb = out.peakMb;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else console.warn('python3-scipy not installed: no scipy comparison');

const mb = (b: number) => (b / 2 ** 20).toFixed(0);
console.log(`\nHotmaps areas on ${N} x ${N} = ${(N * N / 1e6).toFixed(1)} M cells (seeded synthetic, 333 MWh/ha, 30 GWh/a); ${cpus()[0]?.model ?? ''}, node ${process.version}`);
console.log('| implementation | median ms | Mcells/s | areas | peak memory |');
console.log('|---|---:|---:|---:|---:|');
console.log(`| heatplan hotmapsAreas | ${median(t).toFixed(0)} | ${((N * N) / median(t) / 1000).toFixed(1)} | ${result.areas.length} | RSS ${mb(peakRss)} MB (input raster ${mb(raster.byteLength)} MB) |`);
console.log(`| heatplan labelPolygons (outlines) | ${median(tp).toFixed(0)} | ${((N * N) / median(tp) / 1000).toFixed(1)} | ${result.areas.length} | |`);
if (scipyMs !== undefined) console.log(`| scipy.ndimage (same steps) | ${scipyMs.toFixed(0)} | ${((N * N) / scipyMs / 1000).toFixed(1)} | ${scipyCount} | maxrss ${scipyPeakMb!.toFixed(0)} MB |`);
if (scipyCount !== undefined && scipyCount !== result.areas.length) {
  console.error(`MISMATCH: heatplan ${result.areas.length} areas, scipy ${scipyCount}`);
  process.exitCode = 1;
}
if (sink < 0) console.log(sink);
