/**
 * Municipal DHC guidelines as data (seed 000's platform view): which developments a city asks to consider district
 * heating and cooling (a floor area or site area from a threshold) and which buildings it asks to consider accepting
 * heat. One CSV row per rule (datasets/guidelines/seed000.csv, extensible and replaceable by the `guidelines` option):
 *
 *   municipality, municipality_ja, codes (JIS municipality codes: "27100;27102-27128"), guideline, office, rule (id),
 *   kind (development | acceptance), applies_to (building;block;area), quantity (floor_area | site_area),
 *   use (all | residential | non_residential), operator (>= or >), threshold, unit (m2 | m² | ha | km2), source, note
 *
 * Every problem names the file, the 1-based line and the value (an unknown unit, an unknown kind, a threshold that is
 * not a number); nothing is written before the table is read.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { readCsv } from '../util/csv.js';
import { bundledPath } from '../util/data-dir.js';

export const GUIDELINE_COLUMNS = [
  'municipality', 'municipality_ja', 'codes', 'guideline', 'office', 'rule', 'kind', 'applies_to', 'quantity', 'use', 'operator', 'threshold', 'unit', 'source',
] as const;
export const GUIDELINE_KINDS = ['development', 'acceptance'] as const;
export const GUIDELINE_LEVELS = ['building', 'block', 'area'] as const;
export const GUIDELINE_QUANTITIES = ['floor_area', 'site_area'] as const;
export const GUIDELINE_USES = ['all', 'residential', 'non_residential'] as const;
/** Units a threshold may be given in, with the factor to m². */
export const AREA_UNITS: Record<string, number> = { m2: 1, 'm²': 1, ha: 10_000, km2: 1_000_000, 'km²': 1_000_000 };

export type GuidelineKind = (typeof GUIDELINE_KINDS)[number];
export type GuidelineLevel = (typeof GUIDELINE_LEVELS)[number];

export interface GuidelineRule {
  /** Rule id, unique in the table. */
  rule: string;
  municipality: string;
  municipalityJa: string;
  /** JIS municipality code ranges [from, to] (5 digits, inclusive). */
  codes: [number, number][];
  codesText: string;
  guideline: string;
  office: string;
  kind: GuidelineKind;
  appliesTo: GuidelineLevel[];
  quantity: (typeof GUIDELINE_QUANTITIES)[number];
  use: (typeof GUIDELINE_USES)[number];
  operator: '>=' | '>';
  threshold: number;
  unit: string;
  /** The threshold in m². */
  thresholdM2: number;
  source: string;
  note: string;
  /** File and 1-based line of the row. */
  file: string;
  line: number;
}

/** The bundled table of seed 000's guidelines. */
export const defaultGuidelinesFile = (): string => bundledPath('guidelines', 'seed000.csv');

/** Read and check a guideline table. */
export function readGuidelines(file: string = defaultGuidelinesFile()): GuidelineRule[] {
  if (!existsSync(file)) throw new InputError('guidelines-missing', 'guideline table does not exist', { file });
  const rows = readCsv(file);
  if (rows.length === 0) throw new InputError('guidelines-empty', 'guideline table has no rows', { file });
  const have = Object.keys(rows[0]!);
  for (const c of GUIDELINE_COLUMNS)
    if (!have.includes(c)) throw new InputError('guidelines-column', `guideline table lacks the column "${c}"`, { file, line: 1, value: have.join(','), hint: `columns: ${GUIDELINE_COLUMNS.join(', ')}` });
  const seen = new Map<string, number>();
  return rows.map((r, k) => {
    const line = k + 2;
    const fail = (code: string, msg: string, value: unknown, hint?: string): never => {
      throw new InputError(code, msg, { file, line, record: r.rule || `line ${line}`, value, hint });
    };
    const oneOf = <T extends string>(col: string, allowed: readonly T[]): T => {
      const v = r[col]!;
      if (!(allowed as readonly string[]).includes(v)) fail('guidelines-bad-value', `${col} must be one of ${allowed.join(', ')}`, v);
      return v as T;
    };
    if (!r.rule) fail('guidelines-bad-value', 'rule (id) is empty', r.rule);
    if (seen.has(r.rule!)) fail('guidelines-duplicate', `rule id "${r.rule}" is used already on line ${seen.get(r.rule!)}`, r.rule);
    seen.set(r.rule!, line);
    const unit = r.unit!;
    if (!(unit in AREA_UNITS)) fail('guidelines-unit', `unknown unit "${unit}" of the threshold`, unit, `give the threshold in one of ${Object.keys(AREA_UNITS).join(', ')}`);
    const threshold = Number(r.threshold);
    if (r.threshold === '' || !Number.isFinite(threshold) || threshold < 0) fail('guidelines-threshold', 'threshold must be a number >= 0', r.threshold);
    const appliesTo = (r.applies_to ?? '').split(';').map((s) => s.trim()).filter(Boolean);
    if (appliesTo.length === 0) fail('guidelines-bad-value', `applies_to must list ${GUIDELINE_LEVELS.join(', ')} (separated by ;)`, r.applies_to);
    for (const a of appliesTo) if (!(GUIDELINE_LEVELS as readonly string[]).includes(a)) fail('guidelines-bad-value', `applies_to: unknown level "${a}" (${GUIDELINE_LEVELS.join(', ')})`, r.applies_to);
    const quantity = oneOf('quantity', GUIDELINE_QUANTITIES);
    if (quantity === 'site_area' && appliesTo.includes('building')) fail('guidelines-bad-value', "a site_area rule cannot apply to buildings (a building's site is not known): use block;area", r.applies_to);
    const operator = oneOf('operator', ['>=', '>'] as const);
    return {
      rule: r.rule!,
      municipality: r.municipality!,
      municipalityJa: r.municipality_ja ?? '',
      codes: parseCodes(r.codes ?? '', (msg, v) => fail('guidelines-codes', msg, v)),
      codesText: r.codes ?? '',
      guideline: r.guideline!,
      office: r.office!,
      kind: oneOf('kind', GUIDELINE_KINDS),
      appliesTo: appliesTo as GuidelineLevel[],
      quantity,
      use: oneOf('use', GUIDELINE_USES),
      operator,
      threshold,
      unit,
      thresholdM2: threshold * AREA_UNITS[unit]!,
      source: r.source ?? '',
      note: r.note ?? '',
      file,
      line,
    };
  });
}

/** "27100;27102-27128" -> [[27100, 27100], [27102, 27128]]; 6-digit codes (with the check digit) lose it. */
export function parseCodes(text: string, fail: (msg: string, value: string) => never): [number, number][] {
  const out: [number, number][] = [];
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{5,6})(?:-(\d{5,6}))?$/.exec(part);
    if (!m) fail('codes must be JIS municipality codes (5 digits) or ranges a-b, separated by ;', part);
    const a = normaliseCode(m![1]!);
    const b = m![2] ? normaliseCode(m![2]) : a;
    if (b < a) fail('code range ends before it starts', part);
    out.push([a, b]);
  }
  if (out.length === 0) fail('codes is empty: give the JIS municipality codes the guideline applies in', text);
  return out;
}

/** A 5- or 6-digit JIS municipality code as a 5-digit number (the 6th digit is a check digit). */
export const normaliseCode = (s: string): number => Number(s.length === 6 ? s.slice(0, 5) : s);

/** Whether `code` (5 digits) falls in the rule's codes. */
export const ruleCovers = (r: Pick<GuidelineRule, 'codes'>, code: number): boolean => r.codes.some(([a, b]) => code >= a && code <= b);

/** Whether a value (m²) meets the rule's threshold. */
export const meets = (r: Pick<GuidelineRule, 'operator' | 'thresholdM2'>, valueM2: number): boolean =>
  r.operator === '>=' ? valueM2 >= r.thresholdM2 : valueM2 > r.thresholdM2;

/** Whether a heatplan use category is under the rule's use filter (residential_* are residential). */
export function useMatches(r: Pick<GuidelineRule, 'use'>, use: string): boolean {
  if (r.use === 'all') return true;
  const res = use.startsWith('residential');
  return r.use === 'residential' ? res : !res;
}
