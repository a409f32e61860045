/**
 * Viewer benchmark in headless Chromium (SwiftShader WebGL, no GPU): time to first render and median frame time for
 * (a) the Osaka buildings run (out/osaka, from `npx heatplan demand --buildings ../shared/datasets/osaka --out out/osaka`;
 * skipped with a note when absent), (b) a synthetic 100,000-building run, (c) a synthetic 1,000-x-1,000-cell grid
 * (1,000,000 cells, every one non-empty) and (d) every run folder given with --run (a city of a million buildings and
 * its network: README "Benchmarks"). The server runs in its own process, as `heatplan view` runs it
 * (test/viewer/serve-child.ts): its conversion time (GeoTIFF/GeoJSON -> the binary payloads of /api/) and its peak
 * RSS (VmHWM of /proc/<pid>/status, from the OS) are its own, not this process's.
 * A city's network in levels of detail is also timed zoomed in on its densest chunk (its chunks fetched and drawn),
 * and the network's and the road graph's opening payloads on their own (the first requests to a fresh server). The first render is until the
 * GPU has drawn it (SwiftShader finishes long after deck.gl gave the commands: that time is in brackets).
 * Usage: npx tsx scripts/bench/viewer.ts [--runs 3] [--frames 30] [--warmup 5] [--run DIR]... [--with-network DIR]... [--network-dir DIR]
 *   [--no-synthetic] [--shots DIR] [--layer-costs]
 *   --layer-costs: also the opening frame with no layer shown and with each shown layer alone (which layer costs it).
 *   --shots DIR: a PNG of the map of each case's first page load, for checking by eye.
 *   --with-network DIR: the run DIR (buildings.geojson, no network yet) with a SYNTHETIC network.geojson added in a
 *     copy (hard links to DIR's files; DIR is not written): a consumer at every building's outer-ring vertex mean, a
 *     service line 0.0001° south from it, and a pipe from each service end to the next building's where that is
 *     within 0.003° (file order). A load test of the viewer at one consumer per building, not a route result: its
 *     pipe sizes and loads are the building's own peak, no network calculation. --network-dir DIR: where these copies
 *     go and stay, reused by the next call (default: a temporary folder, removed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureViewerBuilt } from '../../engine/viewer/build.js';
import { hasRunFile, readBuildings } from '../../engine/run/read.js';
import { writeFeatureCollection } from '../../engine/io/geojson-stream.js';
import { writeSyntheticRun } from '../../test/viewer/synthetic-run.js';
import { HAVE_CHROMIUM, launchChromium, openViewer, CHROMIUM } from '../../test/viewer/browser.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const RUNS = arg('--runs', 3);
const FRAMES = arg('--frames', 30);
/** Frames drawn before the timed ones, at each view. */
const WARMUP = arg('--warmup', 5);
const RUN_DIRS = argv.flatMap((a, i) => (a === '--run' && argv[i + 1] ? [resolve(argv[i + 1]!)] : []));
const SHOTS = argv.includes('--shots') ? resolve(argv[argv.indexOf('--shots') + 1]!) : undefined;
const SYNTHETIC = !argv.includes('--no-synthetic');
/** Also time the opening frame with nothing drawn and with each of its layers alone (which layer costs the frame). */
const LAYER_COSTS = argv.includes('--layer-costs');
const NET_DIRS = argv.flatMap((a, i) => (a === '--with-network' && argv[i + 1] ? [resolve(argv[i + 1]!)] : []));
/** Where the copies with a synthetic network go and stay (reused by the next call); default a temporary folder, removed. */
const NET_OUT = argv.includes('--network-dir') ? resolve(argv[argv.indexOf('--network-dir') + 1]!) : undefined;
/** A page load of a city's run takes minutes under SwiftShader on 2 cores. */
const LOAD_TIMEOUT_MS = 15 * 60_000;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const SERVE_CHILD = fileURLToPath(new URL('../../test/viewer/serve-child.ts', import.meta.url));

interface Row {
  case: string;
  buildings: number;
  cells: number;
  pipes: number;
  consumers: number;
  /** Bytes of the binary payloads the browser loads first (demand.bin, buildings.bin, network.bin, roads.bin). */
  payloadMB: number;
  /** Each of those payloads, MB. */
  payloads: string;
  convertMs: number;
  /** The network's opening payload alone (GET /api/network.bin on a fresh server), ms; NaN without a network. */
  networkFirstMs: number;
  /** The road graph's opening payload alone (GET /api/roads.bin after the network's), ms; NaN without roads.geojson. */
  roadsFirstMs: number;
  loadedMs: number;
  /** Until the first frame was drawn by the GPU (SwiftShader draws long after deck.gl gave the commands). */
  firstRenderMs: number;
  /** Until deck.gl had given the first frame's commands (what firstRenderMs measured before). */
  firstSubmitMs: number;
  frameMs: number;
  /** A city's network in levels of detail: the frame zoomed in on its densest chunk (chunks loaded and drawn), ms; NaN otherwise. */
  zoomedFrameMs: number;
  zoomedAt: string;
  /** The same zoomed-in frame with the roads layer hidden (the road graph's share of it), ms; NaN without roads. */
  zoomedNoRoadsMs: number;
  /** The browser tab's JS heap after the first render, MB (performance.memory). */
  heapMB: number;
  /** --layer-costs: the opening frame with no layer shown ('none') and with each layer shown alone, ms (medians over runs). */
  layerFrames: Record<string, number>;
  serverPeakMB: number;
}

/** The server in its own process; resolves with its port once it listens. */
function serve(runDir: string, distDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVE_CHILD, runDir, distDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => void (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) ok({ child, url: `http://127.0.0.1:${m[1]}/` });
    });
    child.on('exit', (code) => fail(new Error(`viewer server exited (${code}): ${err.slice(-2000)}`)));
  });
}

/** GET `url`'s body length in bytes (node:http: no header timeout; a city's conversion takes minutes). */
function getBytes(url: string): Promise<number> {
  return new Promise((ok, fail) => {
    get(url, (res) => {
      let n = 0;
      const head: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (head.length < 4) head.push(c);
      });
      res.on('end', () => (res.statusCode === 200 ? ok(n) : fail(new Error(`${url}: HTTP ${res.statusCode} ${Buffer.concat(head).toString().slice(0, 500)}`))));
      res.on('error', fail);
    }).on('error', fail);
  });
}

/**
 * A copy of run `src` (hard links, or copies across file systems) in `out` with a synthetic network.geojson of one
 * consumer per building (see the usage above). Returns the number of consumers.
 */
async function withSyntheticNetwork(src: string, out: string): Promise<number> {
  await mkdir(out, { recursive: true });
  for (const f of await readdir(src)) {
    if (f.startsWith('.') || f === 'network.geojson' || f === 'network.fgb') continue;
    await link(join(src, f), join(out, f)).catch(() => copyFile(join(src, f), join(out, f)));
  }
  const pos: number[] = [];
  const ids: string[] = [];
  const peak: number[] = [];
  const heat: number[] = [];
  const uses: string[] = [];
  await readBuildings(src, {
    keep: (f) => {
      const g = f.geometry as { type: string; coordinates: number[][][] | number[][][][] } | null;
      const ring = (g?.type === 'Polygon' ? g.coordinates[0] : g?.type === 'MultiPolygon' ? (g.coordinates as number[][][][])[0]?.[0] : undefined) as number[][] | undefined;
      if (ring?.length) {
        let x = 0;
        let y = 0;
        for (const q of ring) (x += q[0]!), (y += q[1]!);
        pos.push(x / ring.length, y / ring.length);
        const p = f.properties as unknown as Record<string, unknown>;
        ids.push(String(p.id ?? ids.length));
        peak.push(Number(p.peak_kW) || 0);
        heat.push(Number(p.heat_MWh) || 0);
        uses.push(String(p.use ?? ''));
      }
      return null as unknown as typeof f;
    },
  });
  const n = ids.length;
  const r7 = (x: number) => Math.round(x * 1e7) / 1e7;
  function* features(): Generator<object> {
    for (let i = 0; i + 1 < n; i++) {
      const [ax, ay, bx, by] = [pos[2 * i]!, pos[2 * i + 1]! - 1e-4, pos[2 * i + 2]!, pos[2 * i + 3]! - 1e-4];
      if (Math.abs(bx - ax) > 0.003 || Math.abs(by - ay) > 0.003) continue;
      const len = Math.hypot((bx - ax) * 91_000, (by - ay) * 111_000);
      yield { type: 'Feature', geometry: { type: 'LineString', coordinates: [[r7(ax), r7(ay)], [r7(bx), r7(by)]] }, properties: { kind: 'pipe', id: i, from: i, to: i + 1, length_m: len, DN: 32, design_kW: peak[i], kw_per_m: len > 0 ? peak[i]! / (2 * len) : 0, mwh_per_m_a: len > 0 ? heat[i]! / len : 0, loss_W_per_m: 12, loss_MWh_a: (12 * len * 8760) / 1e6, loss_share: 0.05, velocity_m_s: 0.5, branch: i % 1000 } };
    }
    for (let i = 0; i < n; i++) {
      const [x, y] = [r7(pos[2 * i]!), r7(pos[2 * i + 1]!)];
      yield { type: 'Feature', geometry: { type: 'LineString', coordinates: [[x, y], [x, r7(y - 1e-4)]] }, properties: { kind: 'service', consumer: ids[i], length_m: 11.1 } };
      yield { type: 'Feature', geometry: { type: 'Point', coordinates: [x, y] }, properties: { kind: 'consumer', id: ids[i], use: uses[i], heat_MWh: heat[i], peak_kW: peak[i], service_m: 11.1, branch: i % 1000 } };
    }
    yield { type: 'Feature', geometry: { type: 'Point', coordinates: [r7(pos[0]!), r7(pos[1]!)] }, properties: { kind: 'plant', id: 'synthetic', type: 'boiler', capacity_kW: null, fuel: null } };
  }
  await writeFeatureCollection(join(out, 'network.geojson'), { type: 'FeatureCollection', properties: { minKwPerM: 0.17, synthetic: 'viewer load test (scripts/bench/viewer.ts --with-network), not a route result' }, features: { [Symbol.iterator]: features } });
  return n;
}

/** Peak resident memory of process `pid` so far, MB (VmHWM). */
async function peakRssMB(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(s);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function measure(name: string, runDir: string, distDir: string): Promise<Row> {
  const { child, url } = await serve(runDir, distDir);
  const browser = await launchChromium();
  try {
    // server-side conversion, timed on its own (cached afterwards, as in `heatplan view`)
    // the network's opening payload first, on its own (time to the first network payload of a fresh server)
    let networkFirstMs = NaN;
    if (hasRunFile(runDir, 'network')) {
      const tn = performance.now();
      await getBytes(url + 'api/network.bin');
      networkFirstMs = performance.now() - tn;
    }
    let roadsFirstMs = NaN;
    if (hasRunFile(runDir, 'roads')) {
      const tr = performance.now();
      await getBytes(url + 'api/roads.bin');
      roadsFirstMs = performance.now() - tr;
    }
    const t0 = performance.now();
    const bins = [
      ...(hasRunFile(runDir, 'demand') ? ['api/grid/demand.bin'] : []),
      ...(hasRunFile(runDir, 'buildings') ? ['api/buildings.bin'] : []),
      ...(hasRunFile(runDir, 'network') ? ['api/network.bin'] : []),
      ...(hasRunFile(runDir, 'roads') ? ['api/roads.bin'] : []),
    ];
    const sizes = await Promise.all(bins.map((p) => getBytes(url + p)));
    const convertMs = performance.now() - t0;
    const first: number[] = [];
    const submit: number[] = [];
    const loaded: number[] = [];
    const frames: number[] = [];
    const zoomed: number[] = [];
    const zoomedNoRoads: number[] = [];
    let zoomedAt = '';
    const layerFrames: Record<string, number[]> = {};
    let counts = { buildings: 0, cells: 0, pipes: 0, consumers: 0, heapMB: NaN };
    for (let r = 0; r < RUNS + 1; r++) {
      const page = await openViewer(browser, url, { width: 1200, height: 800 }, LOAD_TIMEOUT_MS);
      const res = await page.evaluate(async ([n, warm, costs]) => {
        const h = (window as any).__heatplan;
        h.benchFrames(warm); // warm-up
        const open = h.benchFrames(n) as number[];
        // the opening view with nothing shown, then with each shown layer alone (its chunks in view loaded), then as opened
        const alone: Record<string, number[]> = {};
        if (costs) {
          const shown = (h.layerIds as string[]).filter((id) => h.state.visible[id]);
          for (const id of ['none', ...shown]) {
            await h.showOnly(id === 'none' ? [] : [id]);
            // deck.gl takes the new layer list in its next animation frame: until then a redraw draws the old one
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            h.benchFrames(warm);
            alone[id] = h.benchFrames(n);
          }
          await h.showOnly(shown);
        }
        // a city's network: zoomed in on its densest chunk, just past the zoom its chunks are drawn from
        let zoomedFrames: number[] = [];
        let noRoads: number[] = [];
        let at = '';
        const lod = h.data.network?.meta.lod;
        if (lod) {
          // no named inner functions here: tsx would wrap them in a __name helper the page does not have
          let c = lod.chunks[0];
          let most = -1;
          for (const x of lod.chunks) {
            const k = x.counts.pipe + x.counts.service + x.counts.consumer + x.counts.dropped;
            if (k > most) (most = k), (c = x);
          }
          const z = h.lod().detailZoom + 0.2;
          const t = performance.now();
          await h.viewAt((c.bbox[0] + c.bbox[2]) / 2, (c.bbox[1] + c.bbox[3]) / 2, z);
          const loadMs = performance.now() - t;
          h.benchFrames(warm);
          zoomedFrames = h.benchFrames(n);
          if (h.data.roads && h.state.visible.roads) {
            await h.setVisible('roads', false);
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            h.benchFrames(warm);
            noRoads = h.benchFrames(n);
            await h.setVisible('roads', true);
          }
          const l = h.lod();
          const rl = h.roadsLod();
          const roadsAt = rl ? `, ${rl.inView.length} road graph chunks` : '';
          at = `zoom ${z.toFixed(1)} on chunk ${c.i}: ${l.inView.length} network chunks${roadsAt} in view, loaded and drawn in ${loadMs.toFixed(0)} ms`;
          await h.resetView();
        }
        return {
          alone,
          zoomedFrames,
          noRoads,
          at,
          open,
          submit: h.firstSubmitMs as number,
          first: h.firstRenderMs as number,
          loaded: h.loadedMs as number,
          frames: open,
          buildings: h.data.buildings?.meta.count ?? 0,
          cells: h.data.demand?.meta.count ?? 0,
          pipes: h.data.network?.meta.counts.pipe ?? 0,
          consumers: h.data.network?.meta.counts.consumer ?? 0,
          heapMB: ((performance as any).memory?.usedJSHeapSize ?? NaN) / 2 ** 20,
        };
      }, [FRAMES, WARMUP, LAYER_COSTS] as const);
      if (r === 0 && SHOTS) {
        // a frame of a city takes seconds under SwiftShader: a generous timeout for the screenshot's stable frames
        await mkdir(SHOTS, { recursive: true });
        const box = (await page.locator('#map').boundingBox())!;
        await writeFile(join(SHOTS, `${name.replace(/[^\w.-]+/g, '_')}.png`), await page.screenshot({ clip: box, timeout: 10 * 60_000 }));
      }
      await page.close();
      // the first page load warms the browser's caches (kept only when a single run is asked for)
      if (r === 0 && RUNS > 0) continue;
      first.push(res.first);
      submit.push(res.submit);
      loaded.push(res.loaded);
      frames.push(median(res.frames));
      if (res.zoomedFrames.length) zoomed.push(median(res.zoomedFrames));
      if (res.noRoads.length) zoomedNoRoads.push(median(res.noRoads));
      zoomedAt = res.at;
      for (const [id, f] of Object.entries(res.alone)) (layerFrames[id] ??= []).push(median(f));
      counts = res;
    }
    return {
      case: name,
      ...counts,
      payloadMB: sizes.reduce((a, b) => a + b, 0) / 2 ** 20,
      payloads: bins.map((p, i) => `${p} ${(sizes[i]! / 2 ** 20).toFixed(2)} MB`).join(', '),
      convertMs,
      networkFirstMs,
      roadsFirstMs,
      loadedMs: median(loaded),
      firstRenderMs: median(first),
      firstSubmitMs: median(submit),
      frameMs: median(frames),
      zoomedFrameMs: zoomed.length ? median(zoomed) : NaN,
      zoomedNoRoadsMs: zoomedNoRoads.length ? median(zoomedNoRoads) : NaN,
      zoomedAt,
      layerFrames: Object.fromEntries(Object.entries(layerFrames).map(([id, f]) => [id, median(f)])),
      serverPeakMB: await peakRssMB(child.pid!),
    };
  } finally {
    await browser.close();
    child.kill('SIGTERM');
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
    if (SYNTHETIC) {
      const osaka = resolve('out/osaka');
      if (existsSync(join(osaka, 'buildings.geojson'))) rows.push(await measure('Osaka buildings (out/osaka)', osaka, distDir));
      else console.error(`viewer bench: ${osaka} not found; run npx heatplan demand --buildings ../shared/datasets/osaka --out out/osaka`);
      const b = await writeSyntheticRun(join(tmp, 'b100k'), { width: 400, height: 400, cellSizeM: 25, buildings: 100_000, omit: ['network.geojson'] });
      rows.push(await measure('synthetic 100,000 buildings', b.dir, distDir));
      const g = await writeSyntheticRun(join(tmp, 'g1m'), { width: 1000, height: 1000, cellSizeM: 100, buildings: 12, denseGrid: true });
      rows.push(await measure('synthetic 1,000,000-cell grid', g.dir, distDir));
    }
    for (const d of NET_DIRS) {
      const out = join(NET_OUT ?? tmp, `${basename(d)}-synthetic-network`);
      if (!NET_OUT || !existsSync(join(out, 'network.geojson'))) {
        const t0 = performance.now();
        const n = await withSyntheticNetwork(d, out);
        console.error(`viewer bench: ${out}: synthetic network of ${n.toLocaleString('en-US')} consumers written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
      rows.push(await measure(`run ${basename(d)} + synthetic network`, out, distDir));
    }
    for (const d of RUN_DIRS) {
      if (!existsSync(d)) throw new Error(`viewer bench: --run ${d}: no such folder`);
      rows.push(await measure(`run ${basename(d)}`, d, distDir));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  console.log(`\nviewer benchmark: headless Chromium (SwiftShader, no GPU), ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, runs=${RUNS}, frames=${FRAMES}`);
  console.log('| case | buildings | grid cells | pipes | consumers | payload MB | network opening payload ms | roads opening payload ms | server conversion ms | server peak RSS MB | loaded ms | first render ms, GPU done (commands given) (median) | frame ms (median) | frame ms zoomed in (median) | the same, roads hidden | tab JS heap MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.case} | ${r.buildings.toLocaleString('en-US')} | ${r.cells.toLocaleString('en-US')} | ${r.pipes.toLocaleString('en-US')} | ${r.consumers.toLocaleString('en-US')} | ${r.payloadMB.toFixed(1)} | ${Number.isNaN(r.networkFirstMs) ? '–' : r.networkFirstMs.toFixed(0)} | ${Number.isNaN(r.roadsFirstMs) ? '–' : r.roadsFirstMs.toFixed(0)} | ${r.convertMs.toFixed(0)} | ${r.serverPeakMB.toFixed(0)} | ${r.loadedMs.toFixed(0)} | ${r.firstRenderMs.toFixed(0)} (${r.firstSubmitMs.toFixed(0)}) | ${r.frameMs.toFixed(1)} | ${Number.isNaN(r.zoomedFrameMs) ? '–' : `${r.zoomedFrameMs.toFixed(1)} (${r.zoomedAt})`} | ${Number.isNaN(r.zoomedNoRoadsMs) ? '–' : r.zoomedNoRoadsMs.toFixed(1)} | ${r.heapMB.toFixed(0)} |`,
    );
  for (const r of rows) console.log(`${r.case}: ${r.payloads}`);
  for (const r of rows) {
    const l = Object.entries(r.layerFrames);
    if (l.length) console.log(`${r.case}: opening frame ms, nothing shown and each layer alone (median): ${l.map(([id, ms]) => `${id} ${ms.toFixed(1)}`).join(', ')}`);
  }
}

await main();
