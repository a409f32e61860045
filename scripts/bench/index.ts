/**
 * `npm run bench [-- NAME...]`: runs heatplan's benchmarks one after another (each in its own process, so peak memory
 * is per benchmark) and prints their tables. Names: the files in scripts/bench without .ts. Each benchmark compares
 * with a peer tool in the same run where that tool is installed (GDAL, networkx, osm-read, Chromium).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
const run = wanted.length ? wanted : all;
const failed: string[] = [];
for (const name of run) {
  console.log(`\n=== bench: ${name} (${new Date().toISOString()}) ===`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, `${name}.ts`)], { stdio: 'inherit' });
  console.log(`=== ${name}: exit ${r.status}, ${((performance.now() - t0) / 1000).toFixed(1)} s ===`);
  if (r.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`benchmarks failed: ${failed.join(', ')}`);
  process.exit(1);
}
