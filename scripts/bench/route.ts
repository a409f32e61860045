/**
 * Route benchmark on Heidelberg (~41,000 pipe-carrying edges, ../shared/datasets/heidelberg/heidelberg.osm.pbf):
 * the whole planNetwork (connect, Steiner, key-path exchange, pruning, sizing) for consumers sampled near the city
 * centre (`--sizes`, clustered) and over the whole city (`--spread`), and the Steiner step against networkx's
 * steiner_tree (method mehlhorn) on the same exported graph and terminals, like with like:
 *   - in-process: heatplan's warm median (after a warm-up) and its cold first call in a fresh process, against
 *     networkx's one call (its only call: Python has no JIT to warm up);
 *   - whole process from the same two CSV files: `node --import tsx scripts/bench/_steiner-csv.ts` (reads, builds
 *     the graph, Mehlhorn + key-path exchange; its start-up includes tsx compiling the sources) against
 *     `python3 networkx_steiner.py`, alternated, medians of `RUNS`.
 * Length ratio heatplan / networkx and time ratios per row. Seeded; peak RSS.
 * Usage: npx tsx scripts/bench/route.ts [--runs 3] [--sizes 1000,10000] [--spread 10000,100000] [--no-networkx]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chooseWorkingCrs } from '../../engine/crs/index.js';
import { readRoads } from '../../engine/io/roads.js';
import { components, type CsrGraph } from '../../engine/network/csr.js';
import { edgeListCsv } from '../../engine/network/geojson.js';
import { keyPathExchange } from '../../engine/network/improve.js';
import { planNetwork, type ConsumerInput } from '../../engine/network/plan.js';
import { buildRoadGraph } from '../../engine/network/road-graph.js';
import { steinerMehlhorn } from '../../engine/network/steiner.js';
import { seededRandom } from '../../engine/util/random.js';
import { buildUseProfiles } from '../../engine/demand/profiles.js';
import { readWeather } from '../../engine/io/weather.js';
import { referenceWeatherFile } from '../../engine/util/data-dir.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const RUNS = Number(arg('--runs', '3'));
const SIZES = arg('--sizes', '1000,10000').split(',').filter(Boolean).map(Number);
const SPREAD = arg('--spread', '10000,100000').split(',').filter(Boolean).map(Number);
const NX = !process.argv.includes('--no-networkx');
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets'));

const rng = seededRandom;
/** Uses given to the sampled consumers in turn for the coincident-load rows. */
const USES = ['residential_detached', 'residential_apartment', 'office', 'commercial'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
let peakRss = 0;
const rss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

/** Consumers on random edges of the largest component within `radiusM` of its first node, 10-30 m off the road. */
function sample(g: CsrGraph, n: number, seed: number, radiusM: number): ConsumerInput[] {
  const comp = components(g);
  let big = 0;
  for (let k = 1; k < comp.count; k++) if (comp.nodes[k]! > comp.nodes[big]!) big = k;
  const centre = comp.label.findIndex((l) => l === big);
  const r = rng(seed);
  const out: ConsumerInput[] = [];
  while (out.length < n) {
    const e = Math.floor(r() * g.edgeCount);
    const a = g.edgeFrom[e]!, b = g.edgeTo[e]!;
    if (comp.label[a] !== big || Math.hypot(g.x[a]! - g.x[centre]!, g.y[a]! - g.y[centre]!) > radiusM) continue;
    const t = r();
    const dx = g.x[b]! - g.x[a]!, dy = g.y[b]! - g.y[a]!;
    const l = Math.hypot(dx, dy) || 1;
    const off = 10 + 20 * r();
    const heat = 30 + 400 * r() * r();
    out.push({ id: `c${out.length}`, x: g.x[a]! + t * dx - (dy / l) * off, y: g.y[a]! + t * dy + (dx / l) * off, heatMWh: heat, peakKw: 0.0004963 * heat * 1000 + 21.84 });
  }
  return out;
}

async function main(): Promise<void> {
  const file = join(DATA, 'heidelberg', 'heidelberg.osm.pbf');
  const crs = chooseWorkingCrs([8.6, 49.35, 8.75, 49.45]);
  let t0 = performance.now();
  const roads = await readRoads(file, { crs });
  const t1 = performance.now();
  const rg = buildRoadGraph(roads.lines);
  const t2 = performance.now();
  rss();
  const g = rg.csr;
  console.log(`Heidelberg: ${roads.lines.length} ways -> ${g.nodeCount} nodes, ${g.edgeCount} edges; read ${((t1 - t0) / 1000).toFixed(2)} s, graph ${((t2 - t1) / 1000).toFixed(2)} s`);
  const rows: Record<string, string | number>[] = [];
  const profiles = buildUseProfiles(await readWeather(referenceWeatherFile(6)), USES, { climateRegion: 6 });
  const tmp = mkdtempSync(join(tmpdir(), 'heatplan-bench-route-'));
  const cases = [...SIZES.map((n) => ({ n, radius: n >= 5000 ? 4000 : 2000, where: 'centre' })), ...SPREAD.map((n) => ({ n, radius: Infinity, where: 'city' }))];
  for (const { n, radius, where } of cases) {
    const consumers = sample(g, n, 7 + n, radius);
    // whole stage, default thresholds
    planNetwork({ graph: g, consumers }); // warm-up
    const times: number[] = [];
    let res!: ReturnType<typeof planNetwork>;
    for (let k = 0; k < RUNS; k++) {
      t0 = performance.now();
      res = planNetwork({ graph: g, consumers });
      times.push(performance.now() - t0);
      rss();
    }
    // the same consumers with uses and coincident design loads (the route stage's default when it has weather):
    // hourly profiles of the region-6 reference year, uses in turn; against the diversity fit above
    const withUse = consumers.map((c, i) => ({ ...c, use: USES[i % USES.length] }));
    planNetwork({ graph: g, consumers: withUse }, { loads: 'coincident', profiles }); // warm-up
    const cTimes: number[] = [];
    let cres!: ReturnType<typeof planNetwork>;
    for (let k = 0; k < RUNS; k++) {
      t0 = performance.now();
      cres = planNetwork({ graph: g, consumers: withUse }, { loads: 'coincident', profiles });
      cTimes.push(performance.now() - t0);
      rss();
    }
    // Steiner only, all consumers (thresholds off) on the split graph: heatplan vs networkx
    const all = planNetwork({ graph: g, consumers }, { minKwPerM: 0, minMwhPerMA: 0, improve: false });
    const sg = all.graph;
    const terminals = [...new Set([all.plants[0]!.node, ...all.consumers.map((c) => c.node)])];
    const isT = new Uint8Array(sg.nodeCount);
    for (const v of terminals) isT[v] = 1;
    const mTimes: number[] = [];
    const kTimes: number[] = [];
    let mLen = 0, kLen = 0, kPasses = 0, kExchanges = 0;
    steinerMehlhorn(sg, terminals);
    for (let k = 0; k < RUNS; k++) {
      t0 = performance.now();
      const s = steinerMehlhorn(sg, terminals);
      const tm = performance.now();
      const imp = keyPathExchange(sg, s.edges, isT, [terminals[0]!]);
      const tk = performance.now();
      mTimes.push(tm - t0);
      kTimes.push(tk - t0);
      mLen = s.lengthM;
      kLen = imp.lengthM;
      kPasses = imp.passes;
      kExchanges = imp.exchanges;
      rss();
    }
    let nx: { length_m: number; seconds: number; networkx: string } | undefined;
    let whole: { hp: number; nx: number; hpCold: number; hpLen: number } | undefined;
    if (NX) {
      const ef = join(tmp, `edges-${where}-${n}.csv`), tf = join(tmp, `terminals-${where}-${n}.csv`);
      writeFileSync(ef, edgeListCsv(sg));
      writeFileSync(tf, 'node,kind\n' + terminals.map((v) => `${v},t`).join('\n') + '\n');
      // whole processes from the same files, alternated; each one's own in-process figure from its JSON line
      const hpWall: number[] = [], nxWall: number[] = [], hpCold: number[] = [];
      let hpLen = NaN;
      for (let k = 0; k < RUNS; k++) {
        let t = performance.now();
        const h = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '_steiner-csv.ts'), ef, tf], { encoding: 'utf8', maxBuffer: 1 << 26 });
        hpWall.push(performance.now() - t);
        if (h.status === 0) {
          const j = JSON.parse(h.stdout.trim().split('\n').pop()!);
          hpCold.push(j.seconds);
          hpLen = j.length_m;
        } else console.error(`_steiner-csv failed: ${h.stderr.slice(-500)}`);
        t = performance.now();
        const p = spawnSync('python3', [join(import.meta.dirname, 'networkx_steiner.py'), ef, tf, 'mehlhorn'], { encoding: 'utf8', maxBuffer: 1 << 26 });
        nxWall.push(performance.now() - t);
        if (p.status === 0) nx = JSON.parse(p.stdout.trim().split('\n').pop()!);
        else console.error(`networkx failed: ${p.stderr.slice(-500)}`);
      }
      if (hpCold.length) whole = { hp: median(hpWall) / 1000, nx: median(nxWall) / 1000, hpCold: median(hpCold), hpLen };
    }
    const s = res.summary;
    rows.push({
      consumers: `${n} ${where}`,
      'plan s (median)': (median(times) / 1000).toFixed(2),
      connected: s.consumers,
      'plan s coincident loads (median)': (median(cTimes) / 1000).toFixed(2),
      'coincident / diversity time': (median(cTimes) / median(times)).toFixed(2) + 'x',
      'connected coincident': cres.summary.consumers,
      'trench m': s.trench_m.toFixed(0),
      'kW/m': s.kwPerM.toFixed(3),
      'loss %': (100 * s.lossShare).toFixed(1),
      'mehlhorn s': (median(mTimes) / 1000).toFixed(3),
      'mehlhorn+KPE s': (median(kTimes) / 1000).toFixed(3),
      'mehlhorn m': mLen.toFixed(0),
      'heatplan m': kLen.toFixed(0),
      'KPE gain %': ((100 * (mLen - kLen)) / mLen).toFixed(2),
      'KPE passes/exch': `${kPasses}/${kExchanges}`,
      'networkx s': nx ? nx.seconds.toFixed(2) : '-',
      'networkx m': nx ? nx.length_m.toFixed(0) : '-',
      'length ratio': nx ? (kLen / nx.length_m).toFixed(4) : '-',
      'in-process: nx / heatplan warm': nx ? (nx.seconds / (median(kTimes) / 1000)).toFixed(1) + 'x' : '-',
      'nx / Mehlhorn warm': nx ? (nx.seconds / (median(mTimes) / 1000)).toFixed(1) + 'x' : '-',
      'heatplan cold s': whole ? whole.hpCold.toFixed(3) : '-',
      'nx / heatplan cold': nx && whole ? (nx.seconds / whole.hpCold).toFixed(1) + 'x' : '-',
      'whole process s (heatplan / nx)': whole ? `${whole.hp.toFixed(2)} / ${whole.nx.toFixed(2)}` : '-',
      'whole process nx / heatplan': whole ? (whole.nx / whole.hp).toFixed(1) + 'x' : '-',
      'csv length ratio': whole && nx ? (whole.hpLen / nx.length_m).toFixed(4) : '-',
    });
  }
  for (const r of rows) {
    console.log(`\n${r.consumers} consumers`);
    for (const [k, v] of Object.entries(r)) if (k !== 'consumers') console.log(`  ${k}: ${v}`);
  }
  console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; node ${process.version}; ${RUNS} runs after a warm-up`);
}

await main();
