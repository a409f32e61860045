/**
 * Benchmark: reading road layers for the route stage (engine/io/roads.ts) in each format, on the Heidelberg extract's
 * highways: the OSM PBF itself, and the same lines as a GeoPackage (sql.js) and a FlatGeobuf (flatgeobuf) that GDAL's
 * ogr2ogr writes from it (skipped where ogr2ogr is not installed), all projected to UTM 32N.
 *
 *   npx tsx scripts/bench/roads.ts [--runs 3] [--file path.osm.pbf]
 *
 * Prints lines read, wall time (median of runs after one warm-up) and lines/s, and the RSS after the runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCrs } from '../../engine/crs/index.js';
import { readRoads } from '../../engine/io/roads.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : def;
};
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets'));
const FILE = resolve(opt('--file', join(DATA, 'heidelberg', 'heidelberg.osm.pbf')));
const RUNS = Number(opt('--runs', '3'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const crs = parseCrs('EPSG:32632');

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-bench-roads-'));
try {
  const files: [string, string][] = [['osm-pbf', FILE]];
  const gdal = spawnSync('ogr2ogr', ['--version'], { encoding: 'utf8' });
  if (gdal.status === 0) {
    const gpkg = join(tmp, 'roads.gpkg');
    const fgb = join(tmp, 'roads.fgb');
    spawnSync('ogr2ogr', ['-f', 'GPKG', gpkg, FILE, 'lines', '-where', 'highway IS NOT NULL', '-nln', 'roads'], { stdio: 'ignore' });
    spawnSync('ogr2ogr', ['-f', 'FlatGeobuf', fgb, gpkg], { stdio: 'ignore' });
    files.push(['gpkg', gpkg], ['fgb', fgb]);
  } else console.log('ogr2ogr not installed: GeoPackage and FlatGeobuf rows skipped');
  console.log(`| format | file MB | lines | median s | lines/s |`);
  console.log(`|---|---|---|---|---|`);
  let sink = 0;
  for (const [name, path] of files) {
    const times: number[] = [];
    let lines = 0;
    for (let k = 0; k <= RUNS; k++) {
      const t0 = performance.now();
      const r = await readRoads(path, { crs });
      const ms = performance.now() - t0;
      lines = r.lines.length;
      sink += r.lines[0]!.coords[0]!;
      if (k > 0) times.push(ms);
    }
    const s = median(times) / 1000;
    console.log(`| ${name} | ${(statSync(path).size / 1e6).toFixed(1)} | ${lines} | ${s.toFixed(3)} | ${Math.round(lines / s).toLocaleString('en-US')} |`);
  }
  console.log(`RSS after the runs ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (sink ${sink.toFixed(0)})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
