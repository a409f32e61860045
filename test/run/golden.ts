/**
 * Golden files for the run-folder contract: a value is normalised (numbers to a few significant digits, timing,
 * version, hash and machine paths masked), flattened to one `path = value` line per leaf in key order, and compared
 * with test/fixtures/contract/<name>.json line by line. A mismatch fails with the changed lines (- golden, + now);
 * UPDATE_GOLDEN=1 rewrites the golden files instead.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/contract/', import.meta.url));
export const UPDATE = process.env.UPDATE_GOLDEN === '1';
const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Significant digits numbers are compared with. */
export const DIGITS = 3;

/** Keys whose values depend on the machine, the clock or the version: replaced by a placeholder. */
const MASKED: Record<string, string> = {
  version: '<version>',
  created: '<time>',
  updated: '<time>',
  finished: '<time>',
  seconds: '<seconds>',
  sha256: '<sha256>',
  bytes: '<bytes>',
};

export interface NormaliseOptions {
  /** Folder paths to replace by a placeholder, e.g. { '<run>': runDir }. */
  paths?: Record<string, string>;
}

/** Round to DIGITS significant digits (integers below 10^DIGITS stay exact). */
export const roundSig = (x: number): number => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(DIGITS)) : x);

export function normalise(v: unknown, o: NormaliseOptions = {}, key?: string): unknown {
  if (key !== undefined && key in MASKED && v !== null && v !== undefined) return MASKED[key];
  if (typeof v === 'number') return roundSig(v);
  if (typeof v === 'string') return normalisePath(v, o);
  if (Array.isArray(v)) return v.map((x) => normalise(x, o));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x, o, k)]));
  return v;
}

function normalisePath(s: string, o: NormaliseOptions): string {
  // longest first: a run folder inside the repository is named as the run folder
  const roots = Object.entries({ ...o.paths, '<repo>': REPO }).sort((a, b) => b[1].length - a[1].length);
  let out = s;
  for (const [name, p] of roots) out = out.split(p).join(name);
  return out;
}

/** One `path = JSON value` line per leaf, in key order (so a reordered key shows as a change too). */
export function flatten(v: unknown, path = '', out: string[] = []): string[] {
  if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${path} = []`);
    v.forEach((x, i) => flatten(x, `${path}[${i}]`, out));
  } else if (v && typeof v === 'object') {
    const e = Object.entries(v);
    if (e.length === 0) out.push(`${path} = {}`);
    for (const [k, x] of e) flatten(x, path ? `${path}.${k}` : k, out);
  } else out.push(`${path} = ${JSON.stringify(v)}`);
  return out;
}

/** Lines of `a` and `b` not on their longest common subsequence, as '- ' and '+ ' lines in order. */
export function lineDiff(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  // LCS table, last row first (the files are a few thousand lines)
  const w = m + 1;
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1]! + 1 : Math.max(t[(i + 1) * w + j]!, t[i * w + j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) (i++, j++);
    else if (i < n && (j === m || t[(i + 1) * w + j]! >= t[i * w + j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}

/**
 * Compare `value` (already normalised) with golden file `name`; returns undefined when equal (or rewritten), else
 * the readable difference.
 */
export function checkGolden(name: string, value: unknown, maxLines = 80): string | undefined {
  const file = join(GOLDEN_DIR, `${name}.json`);
  const text = JSON.stringify(value, null, 2) + '\n';
  if (UPDATE) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return undefined;
  }
  if (!existsSync(file)) return `golden file ${file} is missing: write it with UPDATE_GOLDEN=1 npx vitest run test/run/`;
  const golden = JSON.parse(readFileSync(file, 'utf8'));
  const d = lineDiff(flatten(golden), flatten(value));
  if (d.length === 0) return undefined;
  const shown = d.slice(0, maxLines);
  return [
    `the run-folder contract changed: ${name} differs from ${file} (- golden, + this run; numbers at ${DIGITS} significant digits)`,
    ...shown.map((l) => `  ${l}`),
    ...(d.length > shown.length ? [`  ... ${d.length - shown.length} more changed lines`] : []),
    `if the change is intended (and the readers, the viewer and the docs follow it), rewrite the golden files: UPDATE_GOLDEN=1 npx vitest run test/run/`,
  ].join('\n');
}
