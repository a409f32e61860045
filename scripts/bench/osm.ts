/**
 * Benchmark: OSM PBF scan (engine/io/osm-pbf.ts) on the Heidelberg extract, keeping every highway way and every
 * building (ways and building multipolygons), as the road graph and the building reader need them.
 * Compared in the same command with osm-read (the npm PBF parser heatplan could have used; it decodes every node,
 * way and relation into objects) and with GDAL's OSM driver (ogr2ogr to GeoJSON of the same highway lines and
 * building polygons), where ogr2ogr is installed.
 *
 *   npx tsx scripts/bench/osm.ts [--runs 3] [--file path.osm.pbf] [--buildings-file path.osm.pbf] [--no-peers]
 *
 * (The Heidelberg extract has roads but only 5 buildings, so readOsmBuildings is timed on Liechtenstein, 8,993.)
 *
 * Prints wall time (median of runs after one warm-up), elements/s (nodes + ways + relations in the file per second)
 * and peak RSS (/usr/bin/time -v on a fresh process for each tool, so one tool's heap does not count for another).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readOsmBuildings } from '../../engine/io/osm-buildings.js';
import { scanOsmPbfWithStats } from '../../engine/io/osm-pbf.js';
import { BuildingTableBuilder } from '../../engine/buildings/table.js';
import { WGS84 } from '../../engine/crs/index.js';
import { Warnings } from '../../engine/util/warnings.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : def;
};
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets'));
const FILE = resolve(opt('--file', join(DATA, 'heidelberg', 'heidelberg.osm.pbf')));
// Heidelberg's extract (openrouteservice test data) has roads but only 5 buildings: buildings are timed on Liechtenstein
const BUILDINGS_FILE = resolve(opt('--buildings-file', join(DATA, 'liechtenstein', 'liechtenstein.osm.pbf')));
const RUNS = Number(opt('--runs', '3'));
const PEERS = !args.includes('--no-peers');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const keepWay = (t: Record<string, string>): boolean => t.highway !== undefined || (t.building !== undefined && t.building !== 'no');
const keepRelation = (t: Record<string, string>): boolean =>
  t.building !== undefined && t.building !== 'no' && (t.type === 'multipolygon' || t.type === 'building');

/** One timed run of a tool inside this process; returns a sink value so the work is not optimised away. */
async function runOnce(tool: string): Promise<{ ms: number; elements: number; kept: string }> {
  const t0 = performance.now();
  if (tool === 'heatplan-scan') {
    const { scan, stats } = await scanOsmPbfWithStats(FILE, { keepWay, keepRelation });
    return {
      ms: performance.now() - t0,
      elements: stats.nodesSeen + stats.waysSeen + stats.relationsSeen,
      kept: `${scan.ways.length} ways, ${scan.relations.length} relations, ${scan.nodes.size} nodes (${stats.passes} passes)`,
    };
  }
  if (tool === 'heatplan-buildings') {
    const b = new BuildingTableBuilder(WGS84);
    const s = await readOsmBuildings(BUILDINGS_FILE, b, new Warnings());
    return { ms: performance.now() - t0, elements: 0, kept: `${s.buildings} buildings (${s.fromRelations} relations), liechtenstein` };
  }
  if (tool === 'osm-read') {
    const require = createRequire(import.meta.url);
    const osmread = require('osm-read') as { parse(o: Record<string, unknown>): void };
    let n = 0, kept = 0;
    await new Promise<void>((res, rej) =>
      osmread.parse({
        filePath: FILE,
        node: () => n++,
        way: (w: { tags: Record<string, string> }) => {
          n++;
          if (keepWay(w.tags)) kept++;
        },
        relation: () => n++,
        endDocument: () => res(),
        error: (msg: unknown) => rej(new Error(String(msg))),
      }),
    );
    return { ms: performance.now() - t0, elements: n, kept: `${kept} ways (decodes all; no node lookup)` };
  }
  throw new Error(`unknown tool ${tool}`);
}

/** Child mode: warm-up + runs of one tool, JSON on stdout. */
async function child(tool: string): Promise<void> {
  await runOnce(tool);
  const ms: number[] = [];
  let last = { ms: 0, elements: 0, kept: '' };
  for (let r = 0; r < RUNS; r++) {
    last = await runOnce(tool);
    ms.push(last.ms);
  }
  process.stdout.write(JSON.stringify({ ms: median(ms), elements: last.elements, kept: last.kept }) + '\n');
}

function peakRssMb(stderr: string): number {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Row {
  tool: string;
  ms: number;
  elementsPerS: number;
  rssMb: number;
  kept: string;
}

function runChild(tool: string): Row {
  const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const r = spawnSync('/usr/bin/time', ['-v', tsx, import.meta.filename, '--child', tool, '--file', FILE, '--buildings-file', BUILDINGS_FILE, '--runs', String(RUNS)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; elements: number; kept: string };
  return { tool, ms: out.ms, elementsPerS: out.elements / (out.ms / 1000), rssMb: peakRssMb(r.stderr), kept: out.kept };
}

function runOgr(totalElements: number): Row | null {
  if (!existsSync('/usr/bin/ogr2ogr')) {
    console.log('ogr2ogr not installed (Debian gdal-bin): GDAL comparison skipped');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-bench-osm-'));
  try {
    const ms: number[] = [];
    let rss = 0;
    for (let r = 0; r <= RUNS; r++) {
      const t0 = performance.now();
      // two layers, as heatplan's two readers need: highway lines and building polygons
      for (const [layer, where] of [['lines', 'highway IS NOT NULL'], ['multipolygons', "building IS NOT NULL AND building <> 'no'"]] as const) {
        const out = join(dir, `${layer}-${r}.geojson`);
        const p = spawnSync('/usr/bin/time', ['-v', 'ogr2ogr', '-f', 'GeoJSON', out, FILE, layer, '-where', where], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(`ogr2ogr failed: ${p.stderr}`);
        rss = Math.max(rss, peakRssMb(p.stderr));
      }
      if (r > 0) ms.push(performance.now() - t0); // run 0 is the warm-up
    }
    const m = median(ms);
    return { tool: 'ogr2ogr (GDAL OSM driver -> GeoJSON)', ms: m, elementsPerS: totalElements / (m / 1000), rssMb: rss, kept: 'highway lines + building polygons, written out' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const ci = args.indexOf('--child');
  if (ci >= 0) return child(args[ci + 1]!);
  if (!existsSync(FILE)) {
    console.error(`bench/osm: ${FILE} not found (set HEATPLAN_DATA)`);
    process.exit(1);
  }
  console.log(`OSM PBF scan benchmark: ${FILE}; buildings: ${BUILDINGS_FILE}`);
  console.log(`node ${process.version}, ${RUNS} runs after 1 warm-up, median; peak RSS of a fresh process (/usr/bin/time -v)`);
  const rows: Row[] = [runChild('heatplan-scan'), runChild('heatplan-buildings')];
  if (PEERS) {
    rows.push(runChild('osm-read'));
    const ogr = runOgr(rows[0]!.elementsPerS * (rows[0]!.ms / 1000));
    if (ogr) rows.push(ogr);
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${pad('tool', 40)} ${pad('median s', 9)} ${pad('elements/s', 12)} ${pad('peak RSS MB', 12)} kept`);
  for (const r of rows) {
    const eps = Number.isFinite(r.elementsPerS) && r.elementsPerS > 0 ? Math.round(r.elementsPerS).toLocaleString('en') : '-';
    console.log(`${pad(r.tool, 40)} ${pad((r.ms / 1000).toFixed(3), 9)} ${pad(eps, 12)} ${pad(r.rssMb.toFixed(0), 12)} ${r.kept}`);
  }
}

await main();
