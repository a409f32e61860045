/**
 * Viewer benchmark in headless Chromium (SwiftShader WebGL, no GPU): time to first render and median frame time for
 * (a) the Osaka buildings run (out/osaka, from `npx heatplan demand --buildings ../shared/datasets/osaka --out out/osaka`;
 * skipped with a note when absent), (b) a synthetic 100,000-building run and (c) a synthetic 1,000-x-1,000-cell grid
 * (1,000,000 cells, every one non-empty). Also the server-side conversion time (GeoTIFF/GeoJSON -> binary) and peak RSS.
 * Usage: npx tsx scripts/bench/viewer.ts [--runs 3] [--frames 30]
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startViewServer } from '../../engine/viewer/server.js';
import { ensureViewerBuilt } from '../../engine/viewer/build.js';
import { writeSyntheticRun } from '../../test/viewer/synthetic-run.js';
import { HAVE_CHROMIUM, launchChromium, openViewer, CHROMIUM } from '../../test/viewer/browser.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('--runs', 3);
const FRAMES = arg('--frames', 30);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

interface Row {
  case: string;
  buildings: number;
  cells: number;
  convertMs: number;
  firstRenderMs: number;
  frameMs: number;
  rssMB: number;
}

async function measure(name: string, runDir: string, distDir: string): Promise<Row> {
  const srv = await startViewServer({ runDir, distDir, port: 0 });
  const browser = await launchChromium();
  try {
    // server-side conversion, timed on its own (cached afterwards, as in `heatplan view`)
    const t0 = performance.now();
    await Promise.all(['api/grid/demand.bin', 'api/buildings.bin'].map((p) => fetch(srv.url + p).then((r) => r.arrayBuffer())));
    const convertMs = performance.now() - t0;
    const first: number[] = [];
    const frames: number[] = [];
    let buildings = 0;
    let cells = 0;
    for (let r = 0; r < RUNS + 1; r++) {
      const page = await openViewer(browser, srv.url);
      const res = await page.evaluate((n) => {
        const h = (window as any).__heatplan;
        h.benchFrames(5); // warm-up
        return {
          first: h.firstRenderMs as number,
          frames: h.benchFrames(n) as number[],
          buildings: h.data.buildings?.meta.count ?? 0,
          cells: h.data.demand?.meta.count ?? 0,
        };
      }, FRAMES);
      await page.close();
      if (r === 0) continue; // first page load warms the browser's caches
      first.push(res.first);
      frames.push(median(res.frames));
      buildings = res.buildings;
      cells = res.cells;
    }
    return { case: name, buildings, cells, convertMs, firstRenderMs: median(first), frameMs: median(frames), rssMB: process.memoryUsage().rss / 2 ** 20 };
  } finally {
    await browser.close();
    await srv.close();
  }
}

async function main(): Promise<void> {
  if (!HAVE_CHROMIUM) {
    console.error(`viewer bench: ${CHROMIUM} not found (apt-get install chromium)`);
    process.exitCode = 1;
    return;
  }
  const { distDir } = await ensureViewerBuilt({ log: (s) => console.error(s) });
  const tmp = await mkdtemp(join(tmpdir(), 'heatplan-bench-viewer-'));
  const rows: Row[] = [];
  try {
    const osaka = resolve('out/osaka');
    if (existsSync(join(osaka, 'buildings.geojson'))) rows.push(await measure('Osaka buildings (out/osaka)', osaka, distDir));
    else console.error(`viewer bench: ${osaka} not found; run npx heatplan demand --buildings ../shared/datasets/osaka --out out/osaka`);
    const b = await writeSyntheticRun(join(tmp, 'b100k'), { width: 400, height: 400, cellSizeM: 25, buildings: 100_000, omit: ['network.geojson'] });
    rows.push(await measure('synthetic 100,000 buildings', b.dir, distDir));
    const g = await writeSyntheticRun(join(tmp, 'g1m'), { width: 1000, height: 1000, cellSizeM: 100, buildings: 12, denseGrid: true });
    rows.push(await measure('synthetic 1,000,000-cell grid', g.dir, distDir));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  console.log(`\nviewer benchmark: headless Chromium (SwiftShader, no GPU), ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, runs=${RUNS}, frames=${FRAMES}`);
  console.log('| case | buildings | grid cells | server conversion ms | first render ms (median) | frame ms (median) | node RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.case} | ${r.buildings.toLocaleString('en-US')} | ${r.cells.toLocaleString('en-US')} | ${r.convertMs.toFixed(0)} | ${r.firstRenderMs.toFixed(0)} | ${r.frameMs.toFixed(1)} | ${r.rssMB.toFixed(0)} |`);
}

await main();
