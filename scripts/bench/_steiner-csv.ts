/**
 * heatplan's Steiner tree on an edge list and terminal list written as CSV (`heatplan route --export-graph
 * --export-terminals`, or scripts/bench/route.ts): the counterpart of networkx_steiner.py, so that both are timed as
 * whole processes reading the same files. Prints JSON: tree length, seconds for the tree alone (the first and only
 * call in this process: cold), terminals. Not a benchmark itself (`_` prefix); scripts/bench/route.ts runs it.
 * Usage: node --import tsx scripts/bench/_steiner-csv.ts EDGES.csv TERMINALS.csv [mehlhorn|default]
 */
import { readFileSync } from 'node:fs';
import { buildCsr } from '../../engine/network/csr.js';
import { keyPathExchange } from '../../engine/network/improve.js';
import { steinerMehlhorn } from '../../engine/network/steiner.js';

const [edgesFile, termsFile, method = 'default'] = process.argv.slice(2);
const lines = readFileSync(edgesFile!, 'utf8').split('\n');
const head = lines[0]!.split(',');
const iFrom = head.indexOf('from'), iTo = head.indexOf('to'), iLen = head.indexOf('length_m');
const from: number[] = [], to: number[] = [], len: number[] = [];
let n = 0;
for (let k = 1; k < lines.length; k++) {
  if (!lines[k]) continue;
  const f = lines[k]!.split(',');
  const a = Number(f[iFrom]), b = Number(f[iTo]);
  from.push(a);
  to.push(b);
  len.push(Number(f[iLen]));
  n = Math.max(n, a + 1, b + 1);
}
const terminals = [
  ...new Set(
    readFileSync(termsFile!, 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l)
      .map((l) => Number(l.split(',')[0])),
  ),
].sort((a, b) => a - b);
const g = buildCsr({ x: new Float64Array(n), y: new Float64Array(n), from, to, lengthM: len });
const t0 = performance.now();
const s = steinerMehlhorn(g, terminals);
let lengthM = s.lengthM;
if (method !== 'mehlhorn') {
  const isT = new Uint8Array(n);
  for (const v of terminals) isT[v] = 1;
  lengthM = keyPathExchange(g, s.edges, isT, [terminals[0]!]).lengthM;
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ length_m: lengthM, seconds, terminals: terminals.length, method }));
