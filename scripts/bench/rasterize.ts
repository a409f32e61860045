/**
 * Benchmark: exact-coverage rasterization (engine/grid/rasterize-exact.ts) against gdal_rasterize (centre-point and
 * all-touched), on the Osaka PLATEAU footprints (68 tiles, ~11.7k buildings) and a scale case of ~1,000,000 footprints
 * (the Osaka footprints repeated with offsets), at 100 m and 10 m cells. The value burnt is the footprint area (m²), so
 * the exact method's band total must equal the summed footprint area and GDAL's total error is visible.
 *
 *   npx tsx scripts/bench/rasterize.ts [--runs 3] [--copies 86] [--no-gdal]
 *
 * GDAL burns value / footprint area with -add, so its band total x cell area estimates the value total; centre-point
 * loses small buildings that hold no cell centre and all-touched counts every touched cell in full.
 * Prints buildings/s (median of runs after one warm-up), peak RSS, and band totals vs the building total.
 * GDAL times are the gdal_rasterize command alone (the polygons are written once to FlatGeobuf beforehand), peak RSS
 * from /usr/bin/time -v. Those rows compare heatplan's in-process call on footprints in memory with a whole GDAL
 * process reading a file; the "whole process" rows compare like with like: one heatplan process
 * (scripts/bench/_rasterize-file.ts: read the GeoJSON, rasterize exactly, write a GeoTIFF) against one gdal_rasterize
 * process, both reading the same GeoJSON file, alternated, medians of the runs after a warm-up of each.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { computeFootprints, projectTable, tableBBox } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, concatTables, type BuildingTable } from '../../engine/buildings/table.js';
import { chooseWorkingCrs, epsgNumber, lookupEpsg } from '../../engine/crs/index.js';
import { gridForBBox, gridSum, type GridSpec } from '../../engine/grid/grid.js';
import { rasterizeBuildings, type RasterizeStats } from '../../engine/grid/rasterize-exact.js';
import { readGeoTiff } from '../../engine/io/geotiff.js';
import { readCityGmlBuildings } from '../../engine/io/citygml/buildings.js';
import { Warnings } from '../../engine/util/warnings.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const RUNS = opt('--runs', 3);
const COPIES = opt('--copies', 86);
const GDAL = !args.includes('--no-gdal') && existsSync('/usr/bin/gdal_rasterize') && existsSync('/usr/bin/ogr2ogr');
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets'));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number): string => (bytes / 1048576).toFixed(0);

function bbox(t: BuildingTable): [number, number, number, number] {
  return tableBBox(t); // works in any CRS: plain min/max of the coordinates
}

/**
 * The Osaka table repeated `copies` times, copy k shifted by (53.7 m · (k mod 10), 41.3 m · ⌊k / 10⌋): the copies
 * overlap (each footprint is rasterized on its own, so that does not matter) and the grid stays city-sized.
 */
function replicate(t: BuildingTable, copies: number): BuildingTable {
  const parts: BuildingTable[] = [];
  for (let k = 0; k < copies; k++) {
    const ox = (k % 10) * 53.7, oy = Math.floor(k / 10) * 41.3;
    const coords = new Float64Array(t.coords.length);
    for (let i = 0; i < coords.length; i += 2) {
      coords[i] = t.coords[i]! + ox;
      coords[i + 1] = t.coords[i + 1]! + oy;
    }
    parts.push({ ...t, coords, files: [`copy${k}`] });
  }
  const all = concatTables(parts);
  computeFootprints(all);
  return all;
}

interface Row {
  case: string;
  buildings: number;
  cellM: number;
  tool: string;
  seconds: number;
  perSecond: number;
  peakRssMB: string;
  total: number;
  relError: number;
  /** Σ|cell - exact cell| / Σ exact: how far each cell is from the exact coverage. */
  cellL1: number;
}

function benchOurs(name: string, t: BuildingTable, spec: GridSpec, want: number): Row & { band: Float64Array } {
  const values = [t.footprintAreaM2];
  let sink = 0;
  rasterizeBuildings(t, spec, values); // warm-up
  const times: number[] = [];
  let band: Float64Array | undefined;
  const stats = {} as RasterizeStats;
  for (let r = 0; r < RUNS; r++) {
    const s = performance.now();
    band = rasterizeBuildings(t, spec, values, { stats })[0]!;
    times.push((performance.now() - s) / 1000);
    sink += band[0]!;
  }
  if (sink === -1) console.log(sink);
  const total = gridSum(band!);
  const sec = median(times);
  return {
    case: name, buildings: t.count, cellM: spec.cellSize, tool: `heatplan exact (${stats.multiCell} split)`, seconds: sec,
    perSecond: t.count / sec, peakRssMB: mb(process.resourceUsage().maxRSS * 1024), total, relError: (total - want) / want,
    cellL1: 0, band: band!,
  };
}

/** Write the footprints as GeoJSON in the working CRS, then FlatGeobuf with ogr2ogr (not timed); both files kept. */
async function writeFgb(t: BuildingTable, dir: string, name: string): Promise<{ fgb: string; gj: string }> {
  const gj = join(dir, `${name}.geojson`);
  const epsg = epsgNumber(t.crs);
  const out = createWriteStream(gj);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::${epsg}"}},"features":[\n`);
  for (let b = 0; b < t.count; b++) {
    const polys: string[] = [];
    let cur: string[] = [];
    for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
      const pts: string[] = [];
      const v0 = t.ringVertex[r]!, v1 = t.ringVertex[r + 1]!;
      for (let v = v0; v <= v1; v++) {
        const w = v === v1 ? v0 : v;
        pts.push(`[${t.coords[2 * w]!.toFixed(3)},${t.coords[2 * w + 1]!.toFixed(3)}]`);
      }
      if (t.ringHole[r] === 0 && cur.length) {
        polys.push(`[${cur.join(',')}]`);
        cur = [];
      }
      cur.push(`[${pts.join(',')}]`);
    }
    if (cur.length) polys.push(`[${cur.join(',')}]`);
    await write(`${b ? ',\n' : ''}{"type":"Feature","properties":{"value":${t.footprintAreaM2[b]},"density":${t.footprintAreaM2[b]! > 0 ? 1 : 0}},"geometry":{"type":"MultiPolygon","coordinates":[${polys.join(',')}]}}`);
  }
  await write(']}\n');
  await new Promise<void>((r) => out.end(() => r()));
  const fgb = join(dir, `${name}.fgb`);
  execFileSync('/usr/bin/ogr2ogr', ['-f', 'FlatGeobuf', fgb, gj]);
  return { fgb, gj };
}

/** One process under /usr/bin/time -v: wall s, peak RSS kB, stdout. */
function timedProcess(cmd: string, args: string[]): { sec: number; rssKb: number; stdout: string } {
  const s = performance.now();
  const p = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const sec = (performance.now() - s) / 1000;
  if (p.status !== 0) throw new Error(`${cmd} failed: ${p.stderr.slice(-800)}`);
  return { sec, rssKb: Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(p.stderr)?.[1] ?? 0), stdout: p.stdout };
}

/** Whole processes from the same GeoJSON file: heatplan exact (read, rasterize, write) and gdal_rasterize (centre). */
function benchWhole(name: string, t: BuildingTable, gj: string, spec: GridSpec, want: number, dir: string): Row[] {
  const xmax = spec.x0 + spec.width * spec.cellSize, ymin = spec.y0 - spec.height * spec.cellSize;
  const hpOut = join(dir, `hp-${spec.cellSize}.tif`), gdOut = join(dir, `gdal-whole-${spec.cellSize}.tif`);
  const hpArgs = ['--import', 'tsx', join(import.meta.dirname, '_rasterize-file.ts'), gj, t.crs.code, String(spec.cellSize), String(spec.x0), String(spec.y0), String(spec.width), String(spec.height), hpOut];
  const gdArgs = ['-q', '-a', 'density', '-add', '-init', '0', '-ot', 'Float64', '-tr', String(spec.cellSize), String(spec.cellSize), '-te', String(spec.x0), String(ymin), String(xmax), String(spec.y0), gj, gdOut];
  const hp: number[] = [], gd: number[] = [];
  let hpRss = 0, gdRss = 0, hpTotal = NaN;
  for (let r = 0; r <= RUNS; r++) {
    rmSync(gdOut, { force: true });
    const a = timedProcess(process.execPath, hpArgs);
    const b = timedProcess('/usr/bin/gdal_rasterize', gdArgs);
    if (r === 0) continue; // warm-up of each (file cache, tsx's compile cache)
    hp.push(a.sec);
    gd.push(b.sec);
    hpRss = Math.max(hpRss, a.rssKb);
    gdRss = Math.max(gdRss, b.rssKb);
    hpTotal = JSON.parse(a.stdout.trim().split('\n').pop()!).total;
  }
  const row = (tool: string, sec: number, rss: number, total: number): Row => ({
    case: name, buildings: t.count, cellM: spec.cellSize, tool, seconds: sec, perSecond: t.count / sec, peakRssMB: mb(rss * 1024), total, relError: (total - want) / want, cellL1: NaN,
  });
  return [
    row('heatplan exact, whole process from the GeoJSON', median(hp), hpRss, hpTotal),
    row('gdal_rasterize -add (centre), whole process from the same GeoJSON', median(gd), gdRss, NaN),
  ];
}

async function benchGdal(name: string, t: BuildingTable, fgb: string, spec: GridSpec, want: number, allTouched: boolean, dir: string, exact: Float64Array): Promise<Row> {
  const out = join(dir, `gdal-${name}-${spec.cellSize}${allTouched ? '-at' : ''}.tif`);
  const xmax = spec.x0 + spec.width * spec.cellSize, ymin = spec.y0 - spec.height * spec.cellSize;
  // burn value / footprint area (here 1 m²/m²) into each cell GDAL selects, added up: band total x cell area is
  // GDAL's estimate of the value total (-a value alone would put a whole building's value into every selected cell)
  const gdalArgs = ['-q', '-a', 'density', '-add', '-init', '0', '-ot', 'Float64', '-tr', String(spec.cellSize), String(spec.cellSize),
    '-te', String(spec.x0), String(ymin), String(xmax), String(spec.y0), ...(allTouched ? ['-at'] : []), fgb, out];
  const times: number[] = [];
  let rss = 0;
  for (let r = 0; r <= RUNS; r++) {
    rmSync(out, { force: true });
    const s = performance.now();
    const p = spawnSync('/usr/bin/time', ['-v', '/usr/bin/gdal_rasterize', ...gdalArgs], { encoding: 'utf8' });
    const sec = (performance.now() - s) / 1000;
    if (p.status !== 0) throw new Error(`gdal_rasterize failed: ${p.stderr}`);
    if (r > 0) times.push(sec); // first run is the warm-up (file cache)
    rss = Math.max(rss, Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(p.stderr)?.[1] ?? 0));
  }
  const r = await readGeoTiff(out);
  const cellArea = spec.cellSize * spec.cellSize;
  const g = r.bands[0]!;
  const total = gridSum(g) * cellArea;
  let l1 = 0, sumExact = 0;
  for (let i = 0; i < exact.length; i++) {
    l1 += Math.abs((g[i]! === g[i]! ? g[i]! : 0) * cellArea - exact[i]!);
    sumExact += exact[i]!;
  }
  const sec = median(times);
  return {
    case: name, buildings: t.count, cellM: spec.cellSize, tool: allTouched ? 'gdal_rasterize -add -at' : 'gdal_rasterize -add (centre)',
    seconds: sec, perSecond: t.count / sec, peakRssMB: mb(rss * 1024), total, relError: (total - want) / want, cellL1: l1 / sumExact,
  };
}

async function main(): Promise<void> {
  const osakaDir = join(DATA, 'osaka');
  if (!existsSync(osakaDir)) throw new Error(`Osaka tiles not found at ${osakaDir} (set HEATPLAN_DATA)`);
  const tiles = readdirSync(osakaDir).filter((f) => f.endsWith('.gml.gz')).map((f) => join(osakaDir, f));
  const t0 = performance.now();
  const b = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
  await readCityGmlBuildings(tiles, b, new Warnings());
  const osaka = b.finish();
  const crs = chooseWorkingCrs(tableBBox(osaka));
  projectTable(osaka, crs);
  console.error(`read ${osaka.count} Osaka buildings from ${tiles.length} tiles in ${((performance.now() - t0) / 1000).toFixed(1)} s; CRS ${crs.code}`);
  const big = replicate(osaka, COPIES);
  console.error(`scale case: ${big.count} footprints (${COPIES} copies)`);

  const dir = mkdtempSync(join(tmpdir(), 'heatplan-bench-'));
  const rows: Row[] = [];
  try {
    for (const [name, t] of [['osaka', osaka], [`osaka x${COPIES}`, big]] as const) {
      const want = t.footprintAreaM2.reduce((a, v) => a + v, 0);
      const files = GDAL ? await writeFgb(t, dir, name.replace(/\W+/g, '_')) : undefined;
      const fgb = files?.fgb ?? '';
      for (const cell of [100, 10]) {
        const spec = gridForBBox(crs.code, bbox(t), cell);
        console.error(`${name} @ ${cell} m: grid ${spec.width} x ${spec.height}`);
        const ours = benchOurs(name, t, spec, want);
        rows.push(ours);
        if (GDAL) {
          rows.push(await benchGdal(name, t, fgb, spec, want, false, dir, ours.band));
          rows.push(await benchGdal(name, t, fgb, spec, want, true, dir, ours.band));
          rows.push(...benchWhole(name, t, files!.gj, spec, want, dir));
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nrasterize benchmark: ${RUNS} runs (median), node ${process.version}, 2-core shared machine`);
  console.log('| case | buildings | cell m | tool | s | buildings/s | peak RSS MB | band total m² | total error | cell L1 error vs exact |');
  console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.case} | ${r.buildings} | ${r.cellM} | ${r.tool} | ${r.seconds.toFixed(3)} | ${Math.round(r.perSecond).toLocaleString('en')} | ` +
      `${r.peakRssMB} | ${Number.isNaN(r.total) ? '-' : r.total.toExponential(6)} | ${Number.isNaN(r.total) ? '-' : `${(r.relError * 100).toExponential(2)} %`} | ${Number.isNaN(r.cellL1) ? '-' : `${(r.cellL1 * 100).toFixed(1)} %`} |`);
  }
}

await main();
