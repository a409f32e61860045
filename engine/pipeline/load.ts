/**
 * Reading and validating a scenario file: YAML syntax, keys and value types (zod, strict: unknown keys are errors
 * listing the allowed keys), then paths resolved against the file's folder and input files checked to exist. Every
 * problem names the file, the line, the key path and what was expected; all problems are reported at once.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { MANIFEST } from '../io/run-folder.js';
import { describeValue } from '../stages/fields.js';
import { closestKey, parseStageOptions } from '../stages/index.js';
import { allowedKeys, scenarioSchema, STAGE_SPECS, STAGES, type Scenario, type ScenarioSection, type StageName } from './schema.js';

export interface ScenarioIssue {
  /** Key path, dotted: "demand.cell_m", "map[1].format", "(top level)". */
  key: string;
  /** 1-based line in the scenario file, when known. */
  line?: number;
  message: string;
}

/** A scenario file that cannot be used; `issues` holds every problem found. Exit code 2 in the CLI (a UsageError). */
export class ScenarioError extends UsageError {
  readonly scenarioFile: string;
  readonly issues: ScenarioIssue[];
  constructor(file: string, issues: ScenarioIssue[]) {
    const shown = displayPath(file);
    issues = [...issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    const lines = issues.map((i) => `${shown}${i.line ? `:${i.line}` : ''}: ${i.key}: ${i.message}`);
    super('scenario-invalid', lines.length === 1 ? lines[0]! : `${lines.length} problems in scenario ${shown}:\n  ${lines.join('\n  ')}`);
    this.scenarioFile = file;
    this.issues = issues;
  }
}

/** A validated scenario: paths absolute, the run folder decided. */
export interface ResolvedScenario extends Scenario {
  /** Absolute path of the scenario file. */
  file: string;
  /** Absolute run folder. */
  out: string;
  /** Old option spellings met in the file, each as "file:line: stage.old is now stage.new". */
  notes: string[];
}

export interface LoadOptions {
  /** Run folder overriding the scenario's `out` (relative to the working directory). */
  out?: string;
  /** Stages that will not run: their input files are not checked. */
  skip?: Iterable<StageName>;
  /** Edit the parsed YAML before validation (the demo uses it for --weather). Paths set here should be absolute. */
  patch?: (raw: Record<string, unknown>) => void;
}

export const displayPath = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

/** Read, validate and resolve a scenario file; throws ScenarioError listing every problem. */
export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<ResolvedScenario> {
  const abs = resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new ScenarioError(abs, [{ key: '(file)', message: `cannot read the scenario file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}` }]);
  }
  return parseScenario(text, abs, opts);
}

/** Validate scenario text read from `file` (absolute; relative paths in it are resolved against its folder). */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): ResolvedScenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => ({ key: '(YAML syntax)', line: e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! })),
    );
  }
  const raw = (doc.toJS() ?? {}) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError(file, [{ key: '(top level)', line: 1, message: `expected a mapping (key: value), got ${describeValue(raw)}` }]);
  }
  opts.patch?.(raw as Record<string, unknown>);
  const renamed = renameOldSpellings(raw as Record<string, unknown>);
  const r = scenarioSchema.safeParse(raw);
  if (!r.success) {
    // missing files too, so that one pass shows every problem
    const copy = structuredClone(raw) as Record<string, unknown>;
    const files = resolvePaths(copy, file, doc, lc, new Set(opts.skip ?? []), Array.isArray(copy.map));
    throw new ScenarioError(file, [...issuesFromZod(r.error.issues, raw, doc, lc, renamed), ...files]);
  }
  const sc = r.data as Scenario;
  const notes = renamed.map((x) => {
    const line = lineOf(doc, lc, x.path, x.from);
    return `${displayPath(file)}${line ? `:${line}` : ''}: ${keyString([...x.path, x.from])} is now spelled ${x.to} (the old spelling is accepted until heatplan 0.3)`;
  });
  return { ...resolveScenario(sc, file, doc, lc, opts), notes };
}

interface Renamed {
  /** The section's path in the file: ['demand'], ['map', 1]. */
  path: (string | number)[];
  from: string;
  to: string;
}

/** Old spellings of stage options (batch-file and command-line names) renamed in place to the one spelling. */
function renameOldSpellings(raw: Record<string, unknown>): Renamed[] {
  const out: Renamed[] = [];
  for (const stage of STAGES) {
    const v = raw[stage];
    const sections = Array.isArray(v) ? v.map((x, i) => ({ x, path: [stage, i] as (string | number)[] })) : [{ x: v, path: [stage] as (string | number)[] }];
    for (const { x, path } of sections) {
      if (!x || typeof x !== 'object' || Array.isArray(x)) continue;
      const sec = x as Record<string, unknown>;
      const { renamed } = parseStageOptions(stage, sec, { requireAll: false });
      for (const [from, to] of renamed) {
        if (to in sec) continue; // both spellings: the old one is reported as unknown
        const entries = Object.entries(sec).map(([k, val]) => [k === from ? to : k, val] as const);
        for (const k of Object.keys(sec)) delete sec[k];
        for (const [k, val] of entries) sec[k] = val;
        out.push({ path, from, to });
      }
    }
  }
  return out;
}

/** zod issues into scenario issues: key path, line, and for unknown keys the allowed keys and a likely meant one. */
function issuesFromZod(issues: z.core.$ZodIssue[], raw: unknown, doc: Document, lc: LineCounter, renamed: Renamed[] = []): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const iss of issues) {
    const path = iss.path as (string | number)[];
    const rawPath = asWritten(rawPathOf(path, raw), renamed);
    if (iss.code === 'unrecognized_keys') {
      const allowed = allowedKeys(rawPath) ?? [];
      for (const k of iss.keys) {
        const guess = closest(k, allowed);
        out.push({
          key: keyString([...rawPath, k]),
          line: lineOf(doc, lc, rawPath, k),
          message: `unknown key "${k}"${guess ? ` (did you mean "${guess}"?)` : ''}; allowed here: ${allowed.join(', ')}`,
        });
      }
      continue;
    }
    out.push({ key: keyString(rawPath), line: lineOf(doc, lc, rawPath), message: iss.message });
  }
  return out;
}

/** A path with renamed keys back as the file spells them (for messages and line numbers). */
function asWritten(path: (string | number)[], renamed: Renamed[]): (string | number)[] {
  for (const r of renamed) {
    const n = r.path.length;
    if (path.length > n && r.path.every((p, i) => path[i] === p) && path[n] === r.to) return [...path.slice(0, n), r.from, ...path.slice(n + 1)];
  }
  return path;
}

/** `map` may be one mapping in the file but a list after validation: map[0] is then the key "map" in the file. */
function rawPathOf(path: (string | number)[], raw: unknown): (string | number)[] {
  if (path[0] === 'map' && typeof path[1] === 'number' && !Array.isArray((raw as Record<string, unknown>).map)) return ['map', ...path.slice(2)];
  return path;
}

const keyString = (path: (string | number)[]): string =>
  path.length === 0 ? '(top level)' : path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');

/** 1-based line of the value at `path` (or of key `key` in the mapping at `path`). */
function lineOf(doc: Document, lc: LineCounter, path: (string | number)[], key?: string): number | undefined {
  try {
    let node = path.length ? doc.getIn(path, true) : doc.contents;
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      node = pair?.key ?? node;
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
    if (path.length) return lineOf(doc, lc, path.slice(0, -1), String(path[path.length - 1]));
  } catch {
    /* no position: the message still names the key */
  }
  return undefined;
}

/** The allowed key nearest to `k` (edit distance, or same name before the unit suffix). */
export const closest = closestKey;

/**
 * Paths to absolute (relative to the scenario file) and input files checked, in place. Works on validated data and,
 * to report missing files together with type errors, on the raw YAML (values that are not strings are passed over).
 */
function resolvePaths(sc: Record<string, unknown>, file: string, doc: Document, lc: LineCounter, skip: Set<StageName>, mapInFile: boolean): ScenarioIssue[] {
  const base = dirname(file);
  const issues: ScenarioIssue[] = [];
  for (const stage of STAGES) {
    const v = sc[stage];
    if (!v || typeof v !== 'object') continue;
    const sections = Array.isArray(v) ? v.map((x, i) => ({ section: x, path: mapInFile ? [stage, i] : [stage] })) : [{ section: v, path: [stage] }];
    for (const { section, path } of sections) {
      if (!section || typeof section !== 'object') continue;
      const sec = section as Record<string, unknown>;
      for (const [key, f] of Object.entries(STAGE_SPECS[stage].fields)) {
        if (!f.path || sec[key] === undefined) continue;
        const one = (p: unknown, idx?: number) => {
          if (typeof p !== 'string' || !p) return p;
          const a = resolve(base, p);
          if (f.path === 'in' && !skip.has(stage) && !existsSync(a)) {
            const keyPath = idx === undefined ? [...path, key] : [...path, key, idx];
            issues.push({ key: keyString(keyPath), line: lineOf(doc, lc, keyPath), message: `file not found: ${a} (paths are relative to the scenario file's folder ${base})` });
          }
          return a;
        };
        const x = sec[key];
        sec[key] = Array.isArray(x) ? x.map((p, i) => one(p, i)) : one(x);
      }
    }
  }
  return issues;
}

/** The run folder decided, paths resolved and checked, cross-key rules applied. */
function resolveScenario(sc: Scenario, file: string, doc: Document, lc: LineCounter, opts: LoadOptions): Omit<ResolvedScenario, 'notes'> {
  const issues: ScenarioIssue[] = [];
  const out = opts.out !== undefined ? resolve(opts.out) : sc.out !== undefined ? resolve(dirname(file), sc.out) : undefined;
  if (!out) issues.push({ key: 'out', line: 1, message: 'missing: expected the run folder (a path relative to the scenario file), or give --out DIR' });
  const mapInFile = Array.isArray((doc.toJS() as Record<string, unknown> | null)?.map);
  issues.push(...resolvePaths(sc as Record<string, unknown>, file, doc, lc, new Set(opts.skip ?? []), mapInFile));
  const present = STAGES.filter((s) => sc[s] !== undefined);
  if (!present.length) issues.push({ key: '(top level)', line: 1, message: `no stage to run: give at least one of ${STAGES.join(', ')}` });
  if (out && !sc.demand && !existsSync(join(out, MANIFEST)) && !(sc.areas?.demandRaster && present[0] === 'areas')) {
    issues.push({
      key: 'demand',
      line: 1,
      message: `missing: the scenario has no demand section and ${out} is not a run folder (no ${MANIFEST}); add demand, or point out at an existing run`,
    });
  }
  if (sc.route?.plant && sc.route?.plants) issues.push({ key: 'route.plant', line: lineOf(doc, lc, ['route', 'plant']), message: 'give plant (positions) or plants (a file), not both' });
  if (issues.length) throw new ScenarioError(file, issues);
  return { ...sc, file, out: out! };
}
