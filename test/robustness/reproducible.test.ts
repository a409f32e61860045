/**
 * Issue 17, "same inputs give byte-identical outputs": the demo run twice into two folders, and once more into the
 * first, gives the same bytes in every file but manifest.json (sim.json without wall times or the run's absolute path,
 * report.html without the clock or the run folder's path, map.png without times); manifest.json (where timings and
 * absolute paths belong) is the same once times, durations and the run folders' paths are masked. Two PDF exports of
 * one run are byte-identical too, and SOURCE_DATE_EPOCH dates the PDF.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heatplan, tempDir } from './cli.js';

const tmp = tempDir('repro');
const A = join(tmp, 'a', 'demo');
const B = join(tmp, 'b', 'demo');
const runs: Record<string, Buffer>[] = [];

/** Every file under `dir` by relative path. */
function files(dir: string, rel = '', out: Record<string, Buffer> = {}): Record<string, Buffer> {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) files(dir, r, out);
    else out[r] = readFileSync(join(dir, r));
  }
  return out;
}

/** The first byte where `a` and `b` differ (-1: identical), with a little text around it. */
function firstDifference(a: Buffer, b: Buffer): { at: number; a: string; b: string } {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === n && a.length === b.length) return { at: -1, a: '', b: '' };
  const show = (x: Buffer) => JSON.stringify(x.subarray(Math.max(0, i - 40), i + 40).toString('latin1'));
  return { at: i, a: show(a), b: show(b) };
}

/** Every file but manifest.json byte-identical: names the first differing file and byte. */
function expectSameBytes(x: Record<string, Buffer>, y: Record<string, Buffer>, what: string): void {
  expect(Object.keys(y), `${what}: file names`).toEqual(Object.keys(x));
  for (const f of Object.keys(x)) {
    if (f === 'manifest.json') continue;
    const d = firstDifference(x[f]!, y[f]!);
    if (d.at >= 0) expect.fail(`${what}: ${f} differs at byte ${d.at} (of ${x[f]!.length} / ${y[f]!.length}):\n  ${d.a}\n  ${d.b}`);
  }
}

/** manifest.json with times, durations and the run folders' absolute paths masked. */
function maskedManifest(bytes: Buffer, runDir: string): unknown {
  const mask = (v: unknown, key?: string): unknown => {
    if (key && /^(created|updated|finished|started|seconds)$/.test(key)) return '<time>';
    if (typeof v === 'string') return v.split(runDir).join('<run>');
    if (Array.isArray(v)) return v.map((x) => mask(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x, k)]));
    return v;
  };
  return mask(JSON.parse(bytes.toString('utf8')));
}

beforeAll(async () => {
  for (const out of [A, B, A]) {
    const r = await heatplan(['demo', '--out', out, '--quiet'], 240_000, { SOURCE_DATE_EPOCH: '' });
    expect(r.code, r.stderr).toBe(0);
    runs.push(files(out));
  }
}, 600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the demo run twice gives the same bytes', () => {
  it('writes the same files in two folders, and again into the first', () => {
    expect(Object.keys(runs[0]!)).toEqual(expect.arrayContaining(['sim.json', 'report.html', 'map.png', 'hourly.csv', 'demand.tif']));
    expectSameBytes(runs[0]!, runs[1]!, `${A} vs ${B}`);
    expectSameBytes(runs[0]!, runs[2]!, `${A} vs ${A} again`);
  });

  it('keeps times and absolute run paths out of every file but manifest.json', () => {
    for (const [f, bytes] of Object.entries(runs[1]!)) {
      if (f === 'manifest.json' || !/\.(json|geojson|html|csv)$/.test(f)) continue;
      const text = bytes.toString('utf8');
      expect(text.includes(B), `${f} names the run folder ${B}`).toBe(false);
      expect(text.includes(tmp), `${f} names ${tmp}`).toBe(false);
      expect(/\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d/.test(text), `${f} holds a time stamp`).toBe(false);
    }
    const sim = JSON.parse(runs[1]!['sim.json']!.toString('utf8'));
    expect(sim.summary.seconds).toBeUndefined();
    // the wall time stays in the manifest
    expect(typeof JSON.parse(runs[1]!['manifest.json']!.toString('utf8')).sim.seconds).toBe('number');
  });

  it('gives the same manifest.json once times, durations and run paths are masked', () => {
    const m = [maskedManifest(runs[0]!['manifest.json']!, A), maskedManifest(runs[1]!['manifest.json']!, B), maskedManifest(runs[2]!['manifest.json']!, A)];
    expect(m[1]).toEqual(m[0]);
    expect(m[2]).toEqual(m[0]);
  });

  it('exports the same PDF twice from one run, dated by SOURCE_DATE_EPOCH when set', async () => {
    const pdf = async (name: string, env: NodeJS.ProcessEnv = { SOURCE_DATE_EPOCH: '' }) => {
      const out = join(tmp, name);
      const r = await heatplan(['export-map', A, '--format', 'pdf', '--out', out, '--quiet'], 120_000, env);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out);
    };
    const p1 = await pdf('one.pdf');
    await new Promise((res) => setTimeout(res, 1100));
    const p2 = await pdf('two.pdf');
    const d = firstDifference(p1, p2);
    expect(d.at, `the two PDFs differ at byte ${d.at}:\n  ${d.a}\n  ${d.b}`).toBe(-1);
    const e1 = await pdf('epoch1.pdf', { SOURCE_DATE_EPOCH: '1700000000' });
    const e2 = await pdf('epoch2.pdf', { SOURCE_DATE_EPOCH: '1700000000' });
    expect(firstDifference(e1, e2).at).toBe(-1);
    // the date is in the document ID's hash: another date, another ID
    expect(firstDifference(e1, p1).at).toBeGreaterThanOrEqual(0);
  }, 300_000);
});
