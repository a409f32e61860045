/**
 * The batch file (YAML): which stages to run and the list of areas, each with its inputs and per-stage options.
 * Validated with zod for shape and against the CLI commands' own options for keys and values, so every option a stage
 * command accepts can be set in the file, and a wrong key or value is an InputError naming the file and the key.
 * Paths are relative to the batch file.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { BATCH_OWNED_OPTIONS, PATH_OPTIONS, skipReason, STAGE_COMMAND, STAGE_ORDER, type StageName } from './stages.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const optionValue = z.union([scalar, z.array(z.union([z.string(), z.number()]))]);
const stageOptions = z.record(z.string(), optionValue);
const paths = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const tilesSchema = z
  .object({
    /** Tile edge, m, in the working CRS (rounded up to a multiple of the cell size). */
    size: z.number().positive().optional(),
    /** Or a fixed number of tiles across the area's extent. */
    nx: z.number().int().positive().optional(),
    ny: z.number().int().positive().optional(),
  })
  .strict()
  .refine((t) => t.size !== undefined || (t.nx !== undefined && t.ny !== undefined), { message: 'tiles needs size (m) or nx and ny' });

/** Keys an area (and the file's top level, as defaults) may hold besides name and the stage objects. */
const areaFields = {
  buildings: paths.optional(),
  roads: z.string().min(1).optional(),
  plants: z.string().min(1).optional(),
  weather: z.string().min(1).optional(),
  scenario: z.string().min(1).optional(),
  crs: z.string().min(1).optional(),
  cell: z.number().positive().optional(),
  tiles: tilesSchema.optional(),
  ...(Object.fromEntries(STAGE_ORDER.map((s) => [s, stageOptions.optional()])) as Record<StageName, z.ZodOptional<typeof stageOptions>>),
};

const areaSchema = z.object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name: letters, digits, . _ - only (it names a folder)'), ...areaFields }).strict();

const { areas: _areasStage, ...topFields } = areaFields;
const fileSchema = z
  .object({
    stages: z.array(z.enum(STAGE_ORDER)).min(1),
    /** Crashed workers: how many times an area is retried (default 2). */
    retries: z.number().int().min(0).max(10).optional(),
    /** Defaults for every area (the only place for defaults of the `areas` stage, whose name the list takes). */
    defaults: z.object(areaFields).strict().optional(),
    areas: z.array(areaSchema).min(1),
    ...topFields,
  })
  .strict();

export type TilesSpec = z.infer<typeof tilesSchema>;

/** One area, resolved: absolute paths, the stages it runs and those it skips, the CLI argv of each stage. */
export interface BatchArea {
  name: string;
  index: number;
  buildings: string[];
  tiles?: TilesSpec;
  /** Per-stage options after defaults and shortcuts (crs, cell, roads, ...) are applied. */
  options: Partial<Record<StageName, Record<string, unknown>>>;
  /** Stages to run, in order. */
  run: StageName[];
  skipped: { stage: StageName; reason: string }[];
}

export interface BatchConfig {
  file: string;
  stages: StageName[];
  retries: number;
  areas: BatchArea[];
}

/** Read and validate a batch file. `program` is the heatplan CLI (for the commands' options). */
export function loadBatchFile(file: string, program: Command): BatchConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('batch-unreadable', `cannot read the batch file: ${(e as Error).message}`, { file });
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const iss = r.error.issues[0]!;
    throw new InputError('batch-invalid', iss.message, { file, record: keyPath(iss.path) || '(root)' });
  }
  const { defaults, areas: areaList, stages: stageList, retries, ...top } = r.data;
  // precedence: area > top-level keys > defaults
  const shared: Record<string, unknown> = { ...(defaults ?? {}) };
  for (const [k, v] of Object.entries(top)) {
    if (STAGE_ORDER.includes(k as StageName)) shared[k] = { ...(shared[k] as object | undefined), ...(v as object) };
    else if (v !== undefined) shared[k] = v;
  }
  const doc = { stages: stageList, retries, areas: areaList };
  const base = dirname(resolve(file));
  const stages = STAGE_ORDER.filter((s) => doc.stages.includes(s));
  const seen = new Set<string>();
  const areas = doc.areas.map((a, index): BatchArea => {
    const where = `areas[${index}]`;
    if (seen.has(a.name)) throw new InputError('batch-duplicate-name', `area name "${a.name}" is used twice`, { file, record: `${where}.name`, value: a.name });
    seen.add(a.name);
    const pick = <K extends keyof typeof a>(k: K) => (a[k] !== undefined ? a[k] : (shared as typeof a)[k]);
    const options: BatchArea['options'] = {};
    for (const s of STAGE_ORDER) {
      const merged = { ...(shared[s] as object | undefined), ...((a as Record<string, unknown>)[s] as object | undefined) } as Record<string, unknown>;
      options[s] = merged;
    }
    const shortcut = (stage: StageName, key: string, v: unknown) => {
      if (v !== undefined && options[stage]![key] === undefined) options[stage]![key] = v;
    };
    const buildingsRaw = pick('buildings');
    const buildings = buildingsRaw === undefined ? [] : (Array.isArray(buildingsRaw) ? buildingsRaw : [buildingsRaw]).map((p) => absPath(base, p));
    if (stages.includes('demand') && buildings.length === 0) {
      throw new InputError('batch-no-buildings', 'the demand stage needs buildings for every area', { file, record: `${where}.buildings` });
    }
    shortcut('demand', 'crs', pick('crs'));
    shortcut('demand', 'cell', pick('cell'));
    shortcut('route', 'roads', pick('roads'));
    shortcut('route', 'plants', pick('plants'));
    shortcut('simulate', 'weather', pick('weather'));
    shortcut('simulate', 'scenario', pick('scenario'));
    for (const s of STAGE_ORDER) {
      const o = options[s]!;
      for (const [k, v] of Object.entries(o)) {
        if (PATH_OPTIONS.has(k)) o[k] = Array.isArray(v) ? v.map((p) => absPath(base, String(p))) : typeof v === 'string' ? absPath(base, v) : v;
      }
      if (stages.includes(s)) validateStageOptions(program, s, o, file, `${where}.${s}`);
    }
    const tiles = pick('tiles');
    if (tiles && options.demand!.blocks !== undefined) {
      throw new InputError('batch-tiles-blocks', 'tiled areas aggregate to grid cells; block polygons (demand.blocks) are not supported with tiles', { file, record: `${where}.tiles` });
    }
    const skippedSet = new Set<StageName>();
    const skipped: BatchArea['skipped'] = [];
    const run: StageName[] = [];
    for (const s of stages) {
      const why = skipReason(s, options as Record<string, Record<string, unknown>>, skippedSet);
      if (why) {
        skippedSet.add(s);
        skipped.push({ stage: s, reason: why });
      } else run.push(s);
    }
    return { name: a.name, index, buildings, tiles, options, run, skipped };
  });
  return { file: resolve(file), stages, retries: doc.retries ?? 2, areas };
}

const absPath = (base: string, p: string) => (isAbsolute(p) ? p : resolve(base, p));
const keyPath = (p: PropertyKey[]) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function command(program: Command, stage: StageName): Command {
  const c = program.commands.find((x) => x.name() === STAGE_COMMAND[stage]);
  if (!c) throw new Error(`batch: the CLI has no command ${STAGE_COMMAND[stage]}`);
  return c;
}

/** Check every key against the stage command's options and every value with the option's own parser. */
function validateStageOptions(program: Command, stage: StageName, o: Record<string, unknown>, file: string, where: string): void {
  const cmd = command(program, stage);
  for (const key of Object.keys(o)) {
    const k = camel(key);
    if (k !== key) {
      o[k] = o[key];
      delete o[key];
    }
    const record = `${where}.${key}`;
    if (BATCH_OWNED_OPTIONS.has(k)) throw new InputError('batch-option-owned', `"${key}" is set by the batch itself`, { file, record });
    const opts = cmd.options.filter((x) => x.attributeName() === k);
    if (opts.length === 0) {
      const known = cmd.options.map((x) => x.attributeName()).filter((n) => !BATCH_OWNED_OPTIONS.has(n));
      throw new InputError('batch-option-unknown', `unknown option for stage ${stage}`, { file, record, hint: `known: ${known.join(', ')}` });
    }
    const v = o[k];
    const valued = opts.find((x) => x.required || x.optional);
    if (typeof v === 'boolean') {
      if (valued) throw new InputError('batch-option-value', `${stage} option "${key}" needs a value, not true/false`, { file, record, value: v });
      continue;
    }
    if (!valued) throw new InputError('batch-option-value', `${stage} option "${key}" is a switch: use true or false`, { file, record, value: String(v) });
    const values = Array.isArray(v) ? v : [v];
    if (values.length > 1 && !valued.variadic && !Array.isArray(valued.defaultValue)) {
      throw new InputError('batch-option-value', `${stage} option "${key}" takes one value`, { file, record, value: JSON.stringify(v) });
    }
    for (const x of values) parseWith(valued, String(x), file, record);
  }
}

function parseWith(opt: Option, v: string, file: string, record: string): void {
  if (opt.argChoices && !opt.argChoices.includes(v)) throw new InputError('batch-option-value', `must be one of ${opt.argChoices.join(', ')}`, { file, record, value: v });
  if (!opt.parseArg) return;
  try {
    opt.parseArg(v, undefined as never);
  } catch (e) {
    throw new InputError('batch-option-value', (e as Error).message, { file, record, value: v });
  }
}

/** CLI argv of one stage for an area whose run folder is `dir`. */
export function stageArgv(program: Command, stage: StageName, area: BatchArea, dir: string): string[] {
  const cmd = command(program, stage);
  const o = area.options[stage] ?? {};
  const argv: string[] = [STAGE_COMMAND[stage]];
  if (stage === 'demand') argv.push('--out', dir, '--buildings', ...area.buildings);
  else if (stage === 'report' || stage === 'map') argv.push(dir);
  else argv.push('--run', dir);
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const opts = cmd.options.filter((x) => x.attributeName() === k);
    if (typeof v === 'boolean') {
      const pos = opts.find((x) => !x.negate);
      const neg = opts.find((x) => x.negate);
      if (v && pos) argv.push(pos.long!);
      if (!v && neg) argv.push(neg.long!);
      continue;
    }
    const valued = opts.find((x) => x.required || x.optional)!;
    for (const x of Array.isArray(v) ? v : [v]) argv.push(valued.long!, String(x));
  }
  argv.push('--quiet');
  return argv;
}
