/**
 * The stage registry: every stage of the pipeline by name, and the one way to run one. `runStage(name, runDir,
 * options)` validates the options against the stage's table (unknown keys name the closest valid key; values are
 * checked and normalised by their schema), applies the defaults, runs the stage's cross-option checks and then the
 * stage. The CLI (engine/cli/stage-command.ts), the scenario runner (engine/pipeline/runner.ts) and batch workers
 * (engine/batch/worker.ts) all come through here, with options as data.
 */
import { UsageError } from '../errors.js';
import { areas } from './areas.js';
import { cost } from './cost.js';
import { demand } from './demand.js';
import { exportStage } from './export.js';
import type { FieldSpec } from './fields.js';
import { map } from './map.js';
import { potential } from './potential.js';
import { report } from './report.js';
import { route } from './route.js';
import { simulate } from './simulate.js';
import { STAGES, type StageContext, type StageDef, type StageName } from './types.js';

export { STAGES, type StageContext, type StageDef, type StageName } from './types.js';
export type { FieldSpec, OptionsOf } from './fields.js';

/** Every stage by name, in pipeline order. */
export const stages = { demand, potential, areas, route, simulate, cost, report, map, export: exportStage } as const;
export type Stages = typeof stages;
/** The options object a stage takes (all keys optional but the required ones; defaults applied by runStage). */
export type StageOptions<N extends StageName> = Parameters<Stages[N]['run']>[1];
/** The summary a stage returns. */
export type StageSummary<N extends StageName> = Awaited<ReturnType<Stages[N]['run']>>;

export function stageDef(name: string): StageDef {
  const s = (stages as Record<string, StageDef>)[name];
  if (!s) throw new UsageError('stage-unknown', `unknown stage "${name}"`, { value: name, hint: `stages: ${STAGES.join(', ')}${hintFor(name, [...STAGES])}` });
  return s;
}

export interface OptionIssue {
  /** The key as the caller wrote it (an old spelling stays as written). */
  key: string;
  message: string;
  /** The value as given (absent for a missing key). */
  value?: unknown;
}

export interface ParsedOptions {
  /** Validated values under their keys (old spellings renamed), without defaults. */
  options: Record<string, unknown>;
  /** Every problem found, each with its key. */
  issues: OptionIssue[];
  /** Old spellings used: [as written, the key now]. */
  renamed: [string, string][];
}

/** Old spellings of each key of a stage: the field's aliases and the kebab-case command-line names. */
function aliasTable(def: StageDef): Map<string, string> {
  const m = new Map<string, string>();
  for (const [key, f] of Object.entries(def.fields) as [string, FieldSpec][]) {
    const flag = f.flag.replace(/^--/, '');
    const camel = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    for (const a of [...(f.aliases ?? []), flag, camel]) if (a !== key && !(a in def.fields)) m.set(a, key);
  }
  return m;
}

/**
 * Check a stage's options given as data (a scenario section, a batch entry, an API call): keys, values, required
 * keys. Returns the normalised values and every issue; nothing is thrown.
 */
export function parseStageOptions(name: StageName, raw: Record<string, unknown>, o: { requireAll?: boolean } = {}): ParsedOptions {
  const def = stageDef(name);
  const aliases = aliasTable(def);
  const options: Record<string, unknown> = {};
  const issues: OptionIssue[] = [];
  const renamed: [string, string][] = [];
  for (const [written, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    let key = written;
    if (!(key in def.fields)) {
      const now = aliases.get(written);
      if (!now) {
        issues.push({ key: written, message: `unknown option "${written}" of stage ${name}${hintFor(written, Object.keys(def.fields))}; valid: ${Object.keys(def.fields).join(', ')}`, value: v });
        continue;
      }
      renamed.push([written, now]);
      key = now;
    }
    const f = def.fields[key] as FieldSpec;
    const r = f.schema.safeParse(v);
    if (!r.success) issues.push({ key: written, message: r.error.issues[0]!.message, value: v });
    else options[key] = r.data;
  }
  if (o.requireAll !== false) {
    for (const [key, f] of Object.entries(def.fields) as [string, FieldSpec][]) {
      if (f.required && options[key] === undefined && !issues.some((i) => i.key === key)) issues.push({ key, message: `missing: expected ${f.expected}` });
    }
  }
  return { options, issues, renamed };
}

/** The options with every default filled in. */
export function withDefaults(name: StageName, options: Record<string, unknown>): Record<string, unknown> {
  const def = stageDef(name);
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(def.fields) as [string, FieldSpec][]) {
    const v = options[key] ?? f.default;
    if (v !== undefined) out[key] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

/** `"did you mean ..."` for a mistyped name. */
export function hintFor(k: string, allowed: string[]): string {
  const g = closestKey(k, allowed);
  return g ? ` (did you mean "${g}"?)` : '';
}

/** The allowed key nearest to `k`: the same name before the unit suffix, one name extending the other, or a small edit. */
export function closestKey(k: string, allowed: string[]): string | undefined {
  const base = (s: string) => s.toLowerCase().split('_')[0]!.replace(/-/g, '');
  const sameBase = allowed.find((a) => base(a) === base(k));
  if (sameBase) return sameBase;
  // "cellsize_m" for "cell_m": one name extends the other
  const extended = allowed.find((a) => Math.min(base(a).length, base(k).length) >= 4 && (base(a).startsWith(base(k)) || base(k).startsWith(base(a))));
  if (extended) return extended;
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(k.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= Math.max(2, Math.floor(k.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length]!;
}

/** " (value: ...)" for an issue whose message does not already quote the value given. */
function valueNote(i: OptionIssue): string {
  if (i.value === undefined || i.message.startsWith('unknown option')) return '';
  const shown = typeof i.value === 'string' ? i.value : JSON.stringify(i.value);
  if (shown === undefined || i.message.includes(shown) || i.message.includes(String(i.value))) return '';
  return ` (value: ${shown.length > 120 ? shown.slice(0, 117) + '...' : shown})`;
}

export interface RunStageOptions extends StageContext {
  /** How the caller names an option in messages (the CLI: its flag; files: the key). Default: the key. */
  optionName?: (key: string) => string;
}

/**
 * Run stage `name` on the run folder `runDir` with `options` (keys as in the stage's table; old spellings are
 * accepted with a note). Throws a UsageError listing every bad option before anything is read or written.
 */
export async function runStage<N extends StageName>(name: N, runDir: string, options: StageOptions<N> | Record<string, unknown> = {}, ctx: RunStageOptions = {}): Promise<StageSummary<N>> {
  const def = stageDef(name);
  const p = parseStageOptions(name, options as Record<string, unknown>);
  const show = ctx.optionName ?? ((k: string) => k);
  if (p.issues.length) {
    const lines = p.issues.map((i) => `${show(i.key)}: ${i.message}${valueNote(i)}`);
    throw new UsageError('stage-options', lines.length === 1 ? `stage ${name}: ${lines[0]}` : `stage ${name}: ${lines.length} bad options:\n  ${lines.join('\n  ')}`);
  }
  for (const [was, now] of p.renamed) ctx.note?.(`note: option "${was}" is now spelled "${now}" (the old spelling is accepted until heatplan 0.3)`);
  const full = withDefaults(name, p.options);
  def.check?.(full);
  // the run is locked for the whole stage, its reading included (the stage's own transaction takes the same lock again)
  const [{ lockRun }, { mkdir }, { dirname, resolve }] = await Promise.all([import('../io/run-folder.js'), import('node:fs/promises'), import('node:path')]);
  // a new run may be asked for in a folder that does not exist yet: the lock and staging folders sit beside the run
  if (def.runArg === 'out' || (name === 'areas' && full.demandRaster !== undefined)) await mkdir(dirname(resolve(runDir)), { recursive: true });
  const lock = await lockRun(runDir, ctx.note ? { note: ctx.note } : {});
  try {
    return (await def.run(runDir, full, ctx)) as StageSummary<N>;
  } finally {
    lock.release();
  }
}
