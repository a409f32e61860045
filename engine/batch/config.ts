/**
 * The batch file (YAML): which stages to run and the list of areas, each with its inputs and per-stage options.
 * Validated with zod for shape and against the stage registry for keys and values (the same option tables as the CLI,
 * scenario files and the API: one spelling per option), so a wrong key or value is an InputError naming the file, the
 * key and the closest valid key. Paths are relative to the batch file.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { FieldSpec } from '../stages/fields.js';
import { parseStageOptions, stages as STAGE_DEFS } from '../stages/index.js';
import { BATCH_OWNED_OPTIONS, skipReason, STAGE_ORDER, type StageName } from './stages.js';

// the values are checked by the stage registry (engine/stages), key by key
const stageOptions = z.record(z.string(), z.unknown());
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
  /** Old option spellings met in the file, each as "record: old is now new". */
  notes: string[];
}

/** Read and validate a batch file. */
export function loadBatchFile(file: string): BatchConfig {
  let raw: unknown;
  const lc = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc, prettyErrors: false });
    if (doc.errors.length) throw doc.errors[0];
    raw = doc.toJS();
  } catch (e) {
    throw new InputError('batch-unreadable', `cannot read the batch file: ${(e as Error).message}`, { file });
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const iss = r.error.issues[0]!;
    const path = iss.path as (string | number)[];
    throw new InputError('batch-invalid', iss.message, { file, line: lineOf(doc, lc, iss.code === 'unrecognized_keys' ? [...path, iss.keys[0]!] : path), record: keyPath(path) || '(root)' });
  }
  return resolveBatch(r.data, file, (record) => lineOf(doc, lc, parseKeyPath(record)));
}

/** "areas[0].demand.hdd" as a path. */
const parseKeyPath = (s: string): (string | number)[] => s.split(/\.|(?=\[)/).filter(Boolean).map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p));

/** 1-based line of the key (or value) at `path` in the YAML document. */
function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    try {
      const parent = n > 1 ? doc.getIn(path.slice(0, n - 1), true) : doc.contents;
      const last = path[n - 1];
      let node: unknown;
      if (isMap(parent)) node = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last))?.key;
      else node = doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lc.linePos(range[0]).line;
    } catch {
      /* try the parent */
    }
  }
  return undefined;
}

/** The validated file with defaults applied and every area's stage options checked; `lineFor` names a key's line. */
function resolveBatch(data: z.infer<typeof fileSchema>, file: string, lineFor: (record: string) => number | undefined): BatchConfig {
  const r = { data };
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
  const notes: string[] = [];
  const areas = doc.areas.map((a, index): BatchArea => {
    const where = `areas[${index}]`;
    if (seen.has(a.name)) throw new InputError('batch-duplicate-name', `area name "${a.name}" is used twice`, { file, line: lineFor(`${where}.name`), record: `${where}.name`, value: a.name });
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
      throw new InputError('batch-no-buildings', 'the demand stage needs buildings for every area', { file, line: lineFor(where), record: `${where}.buildings` });
    }
    shortcut('demand', 'crs', pick('crs'));
    shortcut('demand', 'cell_m', pick('cell'));
    shortcut('route', 'roads', pick('roads'));
    shortcut('route', 'plants', pick('plants'));
    shortcut('simulate', 'weather', pick('weather'));
    shortcut('simulate', 'scenario', pick('scenario'));
    for (const s of STAGE_ORDER) {
      if (!stages.includes(s)) continue;
      const o = validateStageOptions(s, options[s]!, file, `${where}.${s}`, notes, lineFor);
      for (const [k, f] of Object.entries(STAGE_DEFS[s].fields) as [string, FieldSpec][]) {
        const v = o[k];
        if (f.path && v !== undefined) o[k] = Array.isArray(v) ? v.map((p) => absPath(base, String(p))) : absPath(base, String(v));
      }
      options[s] = o;
    }
    const tiles = pick('tiles');
    if (tiles && options.demand!.blocks !== undefined) {
      throw new InputError('batch-tiles-blocks', 'tiled areas aggregate to grid cells; block polygons (demand.blocks) are not supported with tiles', { file, line: lineFor(`${where}.tiles`), record: `${where}.tiles` });
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
  return { file: resolve(file), stages, retries: doc.retries ?? 2, areas, notes };
}

const absPath = (base: string, p: string) => (isAbsolute(p) ? p : resolve(base, p));
const keyPath = (p: PropertyKey[]) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');

/**
 * Check an area's options of one stage against the stage registry (keys, values, old spellings); returns them under
 * their keys. Options the batch sets itself (the run folder, the buildings) are refused.
 */
function validateStageOptions(stage: StageName, o: Record<string, unknown>, file: string, where: string, notes: string[], lineFor: (record: string) => number | undefined): Record<string, unknown> {
  for (const key of Object.keys(o)) {
    const k = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (BATCH_OWNED_OPTIONS.has(k)) throw new InputError('batch-option-owned', `"${key}" is set by the batch itself`, { file, line: lineFor(`${where}.${key}`), record: `${where}.${key}` });
  }
  const p = parseStageOptions(stage, o, { requireAll: false });
  const first = p.issues[0];
  if (first) {
    const unknown = first.message.startsWith('unknown option');
    const known = Object.keys(STAGE_DEFS[stage].fields).filter((n) => !BATCH_OWNED_OPTIONS.has(n));
    throw new InputError(unknown ? 'batch-option-unknown' : 'batch-option-value', unknown ? first.message.replace(/; valid: .*$/, '') : `${stage} option "${first.key}": ${first.message}`, {
      file,
      line: lineFor(`${where}.${first.key}`),
      record: `${where}.${first.key}`,
      ...(unknown ? { hint: `known: ${known.join(', ')}` } : { value: o[first.key] }),
    });
  }
  for (const [was, now] of p.renamed) {
    const line = lineFor(`${where}.${was}`);
    notes.push(`${line ? `line ${line}: ` : ''}${where}.${was} is now spelled ${now} (the old spelling is accepted until heatplan 0.3)`);
  }
  return p.options;
}

/** The options a worker passes to `runStage` for one stage of an area (the demand stage also gets the buildings and force). */
export function areaStageOptions(area: BatchArea, stage: StageName): Record<string, unknown> {
  const o = { ...(area.options[stage] ?? {}) };
  if (stage === 'demand') {
    o.buildings = area.buildings;
    // a batch owns its area folders: a batch run (without --resume) remakes each area's run from its demand stage on
    o.force = true;
  }
  return o;
}
