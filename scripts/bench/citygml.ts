/**
 * Benchmark: the streaming PLATEAU CityGML reader (engine/io/citygml/buildings.ts) on the 68 gzipped Osaka tiles
 * (11,684 buildings, 103.7 MB of XML), against its own floors (gunzip + UTF-8 decode alone; gunzip + saxes with no-op
 * handlers) and a peer: GDAL's GML driver (ogr2ogr of the same tiles through an OGR VRT union layer to GeoJSONSeq,
 * LOD1 solids converted to multipolygons: it reads and writes all geometry and attributes, so it does more output
 * work than heatplan's reader, which keeps only footprints). Like with like, both as whole processes from the same
 * tiles writing GeoJSONSeq footprints: `node --import tsx scripts/bench/_citygml-file.ts` (heatplan's reader, then id
 * and footprint per building) against ogr2ogr with 2D output and only gml_id kept (-dim XY -select gml_id), in the same run.
 *
 *   npx tsx scripts/bench/citygml.ts [--runs 3] [--no-gdal]
 *
 * One warm-up, then the median of --runs runs each. Peak RSS / heap of the reader are sampled in-process between
 * chunks (process.memoryUsage); GDAL's from /usr/bin/time -v.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { BuildingTableBuilder } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { readCityGmlBuildings, type CityGmlReadSummary } from '../../engine/io/citygml/buildings.js';
import { Warnings } from '../../engine/util/warnings.js';

const args = process.argv.slice(2);
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;
const GDAL = !args.includes('--no-gdal') && existsSync('/usr/bin/ogr2ogr') && existsSync('/usr/bin/time');
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets'));
const DIR = join(DATA, 'osaka');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.gml.gz')).sort().map((f) => join(DIR, f));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let peakRss = 0, peakHeap = 0;
const sample = (): void => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) peakRss = m.rss;
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
};

async function gunzipOnly(): Promise<number> {
  let n = 0;
  const dec = new TextDecoder();
  for (const f of FILES) {
    for await (const c of createReadStream(f, { highWaterMark: 1 << 16 }).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      n += dec.decode(c, { stream: true }).length;
    }
  }
  return n;
}

async function saxesOnly(): Promise<number> {
  let tags = 0;
  const dec = new TextDecoder();
  for (const f of FILES) {
    const p = new SaxesParser({ position: true });
    p.on('opentag', () => void tags++);
    p.on('text', () => {});
    p.on('closetag', () => {});
    for await (const c of createReadStream(f, { highWaterMark: 1 << 16 }).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      p.write(dec.decode(c, { stream: true }));
    }
    p.close();
  }
  return tags;
}

async function reader(): Promise<CityGmlReadSummary> {
  const b = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
  const s = await readCityGmlBuildings([DIR], b, new Warnings(), { onProgress: sample });
  sample();
  const t = b.finish();
  if (t.count !== s.buildings) throw new Error('count mismatch');
  return s;
}

async function timeRuns<T>(fn: () => Promise<T>): Promise<{ s: number; out: T }> {
  let out = await fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    out = await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return { s: median(times), out };
}

function gdal(extra: string[] = []): { s: number; rssMb: number; features: number } | null {
  const tmp = mkdtempSync(join(tmpdir(), 'heatplan-bench-citygml-'));
  try {
    const vrt = join(tmp, 'union.vrt');
    const layers = FILES.map((f, i) => `<OGRVRTLayer name="t${i}"><SrcDataSource>/vsigzip/${f}</SrcDataSource><SrcLayer>Building</SrcLayer></OGRVRTLayer>`);
    writeFileSync(vrt, `<OGRVRTDataSource><OGRVRTUnionLayer name="buildings">${layers.join('')}</OGRVRTUnionLayer></OGRVRTDataSource>`);
    const times: number[] = [];
    let rss = 0, features = 0;
    for (let r = 0; r <= RUNS; r++) {
      const out = join(tmp, 'out.geojsons');
      const t0 = performance.now();
      const p = spawnSync('/usr/bin/time', ['-v', 'ogr2ogr', '-f', 'GeoJSONSeq', '-nlt', 'MULTIPOLYGON', ...extra, out, vrt], { encoding: 'utf8' });
      const s = (performance.now() - t0) / 1000;
      if (p.status !== 0) return null;
      if (r > 0) times.push(s);
      rss = Math.max(rss, Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(p.stderr)?.[1] ?? 0) / 1024);
      features = spawnSync('wc', ['-l', out], { encoding: 'utf8' }).stdout.trim().split(/\s+/).map(Number)[0]!;
      rmSync(out);
    }
    return { s: median(times), rssMb: rss, features };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const xmlChars = await gunzipOnly();
const gz = await timeRuns(gunzipOnly);
const sx = await timeRuns(saxesOnly);
peakRss = 0;
peakHeap = 0;
const rd = await timeRuns(reader);
const s = rd.out;
const g = GDAL ? gdal() : null;
const g2 = GDAL ? gdal(['-dim', 'XY', '-select', 'gml_id']) : null;

/** heatplan's reader as a whole process writing footprints (scripts/bench/_citygml-file.ts), like ogr2ogr. */
function wholeHeatplan(): { s: number; rssMb: number } {
  const tmp = mkdtempSync(join(tmpdir(), 'heatplan-bench-citygml-'));
  try {
    const times: number[] = [];
    let rss = 0;
    for (let r = 0; r <= RUNS; r++) {
      const t0 = performance.now();
      const p = spawnSync('/usr/bin/time', ['-v', process.execPath, '--import', 'tsx', join(import.meta.dirname, '_citygml-file.ts'), join(tmp, 'out.geojsons'), DIR], { encoding: 'utf8' });
      const sec = (performance.now() - t0) / 1000;
      if (p.status !== 0) throw new Error(`_citygml-file failed: ${p.stderr.slice(-500)}`);
      if (r > 0) times.push(sec);
      rss = Math.max(rss, Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(p.stderr)?.[1] ?? 0) / 1024);
    }
    return { s: median(times), rssMb: rss };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
const wh = wholeHeatplan();

const MB = s.xmlBytes / 1e6;
const rows: string[][] = [
  ['step', 'seconds', 'buildings/s', 'MB/s (XML)', 'peak RSS MB'],
  ['gunzip + decode only', gz.s.toFixed(2), '', (MB / gz.s).toFixed(1), ''],
  ['gunzip + saxes (no-op handlers)', sx.s.toFixed(2), '', (MB / sx.s).toFixed(1), ''],
  ['heatplan readCityGmlBuildings', rd.s.toFixed(2), (s.buildings / rd.s).toFixed(0), (MB / rd.s).toFixed(1), (peakRss / 1048576).toFixed(0)],
];
if (g) rows.push(['GDAL ogr2ogr GML -> GeoJSONSeq (whole process, all attributes, 3D)', g.s.toFixed(2), (g.features / g.s).toFixed(0), (MB / g.s).toFixed(1), g.rssMb.toFixed(0)]);
rows.push(['heatplan reader -> GeoJSONSeq footprints (whole process)', wh.s.toFixed(2), (s.buildings / wh.s).toFixed(0), (MB / wh.s).toFixed(1), wh.rssMb.toFixed(0)]);
if (g2) rows.push(['GDAL ogr2ogr -dim XY -select gml_id (whole process)', g2.s.toFixed(2), (g2.features / g2.s).toFixed(0), (MB / g2.s).toFixed(1), g2.rssMb.toFixed(0)]);
if (g2) rows.push(['ratio ogr2ogr -dim XY / heatplan, whole processes', (g2.s / wh.s).toFixed(2) + 'x', '', '', '']);
const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`CityGML reader, Osaka: ${s.files} tiles, ${s.buildings} buildings, ${MB.toFixed(1)} MB XML (${xmlChars} chars), ` +
  `${(s.fileBytes / 1e6).toFixed(1)} MB gzipped; median of ${RUNS} runs after a warm-up; ${cpus().length} x ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
for (const r of rows) console.log(r.map((v, c) => (c === 0 ? v.padEnd(w[c]!) : v.padStart(w[c]!))).join('  '));
console.log(`reader peak heap used ${(peakHeap / 1048576).toFixed(0)} MB; attributes: ${JSON.stringify(s.attributes)}` + (g ? `; GDAL features ${g.features}` : ''));
