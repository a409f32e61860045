/**
 * Batch benchmark: a synthetic city of about 1,000,000 buildings made of the Osaka tiles (../shared/datasets/osaka,
 * 11,684 PLATEAU buildings) repeated with offsets, written as GeoJSON copies to a temp folder, run as one tiled area
 * (`heatplan batch`, stages demand + areas) on 1 and 2 workers. Wall time and peak RSS of the whole batch process
 * (worker threads share it) come from /usr/bin/time -v. The reference is the same city as one untiled `heatplan demand`
 * run in a single process (--single), the run tiling is meant to keep memory bounded against.
 *
 *   npx tsx scripts/bench/batch.ts [--buildings 1000000] [--tile 10000] [--workers 1,2] [--single] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { syntheticCity } from './_synthetic-city.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const target = Number(arg('buildings', '1000000'));
const tileM = Number(arg('tile', '10000'));
const workerCounts = arg('workers', '1,2').split(',').map(Number);
const single = process.argv.includes('--single');
const keep = process.argv.includes('--keep');
const ROOT = resolve(import.meta.dirname, '..', '..');
const DATA = resolve(process.env.HEATPLAN_DATA ?? join(ROOT, '..', 'shared', 'datasets'));

const { dir, files, copies, perCopy, yaml } = await syntheticCity(DATA, target, tileM, 'heatplan-bench-batch-');
writeFileSync(join(dir, 'batch.yaml'), yaml);
console.error(`synthetic city: ${copies} copies x ${perCopy} = ${(copies * perCopy).toLocaleString('en-US')} buildings in ${dir}`);

/** Run a heatplan command under /usr/bin/time -v: wall seconds and max RSS (MB) of the process and its threads. */
function timedRss(args: string[]): { wallS: number; rssMb: number } {
  const t0 = performance.now();
  const out = execFileSync('/bin/sh', ['-c', `/usr/bin/time -v ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/heatplan.mjs'))} ${args.map((a) => JSON.stringify(a)).join(' ')} --quiet 2>&1 >/dev/null`], { maxBuffer: 1 << 26 }).toString();
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(out);
  return { wallS: (performance.now() - t0) / 1000, rssMb: m ? Number(m[1]) / 1024 : NaN };
}

const rows: { run: string; wallS: number; rssMb: number; buildings: number; heatMWh: number }[] = [];
for (const wk of workerCounts) {
  const out = join(dir, `out-${wk}`);
  const r = timedRss(['batch', join(dir, 'batch.yaml'), '--out', out, '--workers', String(wk)]);
  const m = JSON.parse(readFileSync(join(out, 'city', 'manifest.json'), 'utf8'));
  rows.push({ run: `batch tiled ${tileM / 1000} km, ${wk} worker(s), ${m.demand.tiles.run.length} tiles`, ...r, buildings: m.demand.buildings, heatMWh: m.demand.annualHeat_MWh });
  rmSync(out, { recursive: true, force: true });
}
if (single) {
  const out = join(dir, 'out-single');
  const r = timedRss(['demand', '--buildings', ...files, '--out', out, '--scheme', 'plateau', '--use-column', 'usage', '--storeys-column', 'storeys', '--height-column', 'height', '--floor-area-column', 'floor', '--id-column', 'id', '--crs', 'EPSG:6674', '--climate-region', '6']);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  rows.push({ run: 'single demand run, untiled (reference)', ...r, buildings: m.demand.buildings, heatMWh: m.demand.annualHeat_MWh });
}
console.log(`\nheatplan batch benchmark, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log('| run | buildings | annual heat MWh/a | wall s | peak RSS MB |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.run} | ${r.buildings.toLocaleString('en-US')} | ${r.heatMWh.toFixed(0)} | ${r.wallS.toFixed(1)} | ${r.rssMb.toFixed(0)} |`);
if (!keep) rmSync(dir, { recursive: true, force: true });
