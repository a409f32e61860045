/**
 * Option kinds of the stages. Each option of a stage is one FieldSpec: its key (the one spelling used by scenario and
 * batch files and the library API, with the unit as a suffix where it takes a number with a unit: `cell_m`,
 * `supply_C`), the zod schema that validates and normalises a value (with messages that say what was expected and in
 * which unit), the command-line option it appears as (`--cell`), its help text and default. The CLI, the scenario
 * loader, the batch loader and `runStage` are all built from these tables (engine/stages/*.ts), so an option cannot
 * mean one thing on the command line and another in a file. No Node imports: this module is pure data and zod.
 */
import { z } from 'zod';

/** What a path key names: an input that must exist, or an output to write. */
export type PathKind = 'in' | 'out';

/** How the value is written on the command line. */
export type CliKind =
  | { kind: 'value'; placeholder: string; parse?: (v: string) => unknown }
  /** repeatable: the flag before each value, collected into a list */
  | { kind: 'repeat'; placeholder: string; parse?: (v: string) => unknown }
  /** variadic: all values after one flag */
  | { kind: 'variadic'; placeholder: string }
  /** a switch; `negatable` options are on by default and written --no-NAME */
  | { kind: 'switch'; negatable: boolean };

export interface FieldSpec<T = unknown> {
  /** zod schema of the value; accepts the command-line string forms too (e.g. "yes"/"no", "lon,lat") and normalises. */
  schema: z.ZodType<T>;
  /** What is expected, for messages and docs: "a positive number of metres (grid cell size, m)". */
  expected: string;
  /** Command-line long option ('--cell'); for a negatable switch, the positive name ('--improve', written --no-improve). */
  flag: string;
  /** The command line's own form of the option. */
  cli: CliKind;
  /** One line of help for `--help` (the unit and default are added). */
  help?: string;
  /** The value the stage uses when the option is not given (undefined: the stage decides, e.g. "from the data"). */
  default?: T;
  /** The value is a path (or list of paths); in files, relative to the file. */
  path?: PathKind;
  /** The key must be given. */
  required?: boolean;
  /** Old spellings of the key accepted with a deprecation warning (scenario and batch files). */
  aliases?: string[];
  /** Command-line arguments that stand for a validated value (for display: `heatplan run --check`, manifests). */
  toArgs(value: T): string[];
}

/** A compact description of a value for messages: the string "50m", the number 3, a list, an object. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return 'a mapping (key: value pairs)';
}

/** zod error function: "missing: expected X" for an absent required key, else "expected X, got Y". */
const typeMsg = (expected: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `missing: expected ${expected}` : `expected ${expected}, got ${describeValue(iss.input)}`;

export interface Unit {
  /** "metres" */
  name: string;
  /** "m" */
  symbol: string;
}

const NUM_WITH_UNIT = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(.*?)\s*$/i;
const normUnit = (s: string) => s.toLowerCase().replace(/[\s·*]/g, '').replace('²', '2').replace('³', '3');

/** Message for a value that is not a number: names the unit, and for "50 m" says to write the number alone. */
function numberMessage(expected: string, unit: Unit | undefined, input: unknown): string {
  if (input === undefined) return `missing: expected ${expected}`;
  let msg = `expected ${expected}, got ${describeValue(input)}`;
  if (typeof input === 'string') {
    const m = NUM_WITH_UNIT.exec(input);
    if (m && unit && m[2] && normUnit(m[2]) === normUnit(unit.symbol)) msg += `; write the number alone: ${Number(m[1])}`;
    else if (m && unit && m[2]) msg += `; "${m[2]}" is not the unit here: give the value in ${unit.name} (${unit.symbol}) as a plain number`;
    else if (m && !m[2]) msg += '; write it without quotes';
  }
  return msg;
}

/** Command-line number parsers: the message names the flag and the rule ("--cell must be a positive number"). */
export class CliValueError extends Error {}

function cliNumber(flag: string, o: NumOpts): (v: string) => number {
  return (v: string) => {
    const x = Number(v);
    const bad = (rule: string) => new CliValueError(`${flag} must be ${rule}, got "${v}"`);
    if (o.int && o.min !== undefined && o.max !== undefined) {
      if (!Number.isInteger(x) || x < o.min || x > o.max) throw bad(`an integer ${o.min}-${o.max}`);
      return x;
    }
    if (!Number.isFinite(x) || v.trim() === '') throw bad(o.positive ? 'a positive number' : o.min === 0 ? 'a number >= 0' : 'a number');
    if (o.positive && x <= 0) throw bad('a positive number');
    if (o.min === 0 && x < 0) throw bad('a number >= 0');
    return x;
  };
}

export interface NumOpts {
  /** value must be > 0 */
  positive?: boolean;
  /** value must be >= min */
  min?: number;
  max?: number;
  int?: boolean;
}

interface Common<T> {
  help?: string;
  default?: T;
  aliases?: string[];
}

/** A number in `unit` (or unitless), on the command line as `flag <placeholder>`. */
export function num(flag: string, unit: Unit | string | undefined, o: NumOpts = {}, what?: string, c: Common<number> = {}): FieldSpec<number> {
  const u = typeof unit === 'string' ? undefined : unit;
  const range = o.int && o.min !== undefined && o.max !== undefined ? ` ${o.min}-${o.max}` : '';
  const expected =
    (o.int ? `an integer${range}` : `a ${o.positive ? 'positive ' : o.min === 0 ? 'non-negative ' : ''}number`) +
    (u ? ` of ${u.name}` : typeof unit === 'string' ? ` ${unit}` : '') +
    (what || u ? ` (${[what, u?.symbol].filter(Boolean).join(', ')})` : '');
  const err = (iss: { input?: unknown }) => numberMessage(expected, u, iss.input);
  const bad = (why: string) => (iss: { input?: unknown }) => `expected ${expected}${why}, got ${describeValue(iss.input)}`;
  let s = z.number({ error: err });
  if (o.int) s = s.int({ error: bad('') });
  if (o.positive) s = s.positive({ error: bad(': it must be > 0') });
  if (o.min !== undefined) s = s.min(o.min, { error: bad(`: it must be >= ${o.min}`) });
  if (o.max !== undefined) s = s.max(o.max, { error: bad(`: it must be <= ${o.max}`) });
  const placeholder = u?.symbol ?? (o.int ? 'n' : 'x');
  return { schema: s, expected, flag, cli: { kind: 'value', placeholder, parse: cliNumber(flag, o) }, ...c, toArgs: (v) => [flag, String(v)] };
}

/** A non-empty string. */
export function str(flag: string, what = 'a text', c: Common<string> & { placeholder?: string } = {}): FieldSpec<string> {
  const expected = what;
  return {
    schema: z.string({ error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty string` }),
    expected,
    flag,
    cli: { kind: 'value', placeholder: c.placeholder ?? 'text' },
    ...c,
    toArgs: (v) => [flag, String(v)],
  };
}

/** A coordinate reference system code such as EPSG:6677. */
export function crs(flag: string, c: Common<string> = {}): FieldSpec<string> {
  const expected = 'a CRS code like "EPSG:6677"';
  return {
    schema: z.string({ error: typeMsg(expected) }).regex(/^EPSG:\d+$/i, { error: typeMsg(expected) }),
    expected,
    flag,
    cli: { kind: 'value', placeholder: 'EPSG:N' },
    ...c,
    toArgs: (v) => [flag, String(v)],
  };
}

/** One of a few words (`upper`: compared in upper case, as paper sizes). */
export function oneOf<T extends string>(flag: string, values: readonly T[], c: Common<T> & { upper?: boolean } = {}): FieldSpec<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  const e = z.enum(values as unknown as [T, ...T[]], { error: typeMsg(expected) });
  return {
    schema: (c.upper ? z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), e) : e) as unknown as z.ZodType<T>,
    expected,
    flag,
    cli: { kind: 'value', placeholder: values.join('|') },
    ...c,
    toArgs: (v) => [flag, String(v)],
  };
}

/** true/false. `negatable`: on by default and written --no-NAME; else the flag alone means true. */
export function bool(flag: string, negatable = false, c: Common<boolean> = {}): FieldSpec<boolean> {
  const expected = 'true or false';
  return {
    schema: z.boolean({ error: typeMsg(expected) }),
    expected,
    flag,
    cli: { kind: 'switch', negatable },
    default: negatable,
    ...c,
    toArgs: (v) => (negatable ? (v ? [] : ['--no-' + flag.slice(2)]) : v ? [flag] : []),
  };
}

/** true/false written as a word on the command line (`--crossings yes|no`); no default: the stage decides. */
export function yesNo(flag: string, c: Common<boolean> = {}): FieldSpec<boolean> {
  const expected = 'true or false (yes or no)';
  const word = (v: unknown) => (typeof v === 'string' && /^(yes|true|1)$/i.test(v) ? true : typeof v === 'string' && /^(no|false|0)$/i.test(v) ? false : v);
  return {
    schema: z.preprocess(word, z.boolean({ error: typeMsg(expected) })) as unknown as z.ZodType<boolean>,
    expected,
    flag,
    cli: { kind: 'value', placeholder: 'yes|no' },
    ...c,
    toArgs: (v) => [flag, v ? 'yes' : 'no'],
  };
}

/** A path; `list`: one path or a list of them (`repeat`: the flag before each on the command line). */
export function path(flag: string, kind: PathKind, what: string, o: { list?: false } & Common<string>): FieldSpec<string>;
export function path(flag: string, kind: PathKind, what: string, o: { list: true; repeat?: boolean } & Common<string[]>): FieldSpec<string[]>;
export function path(flag: string, kind: PathKind, what: string): FieldSpec<string>;
export function path(flag: string, kind: PathKind, what: string, o: { list?: boolean; repeat?: boolean } & Common<any> = {}): FieldSpec<any> {
  const expected = o.list ? `a path or a list of paths (${what})` : `a path (${what})`;
  const one = z.string({ error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty string` });
  const schema = o.list
    ? z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(one, { error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty list` }))
    : one;
  const { list, repeat, ...c } = o;
  return {
    schema: schema as z.ZodType<string | string[]>,
    expected,
    flag,
    path: kind,
    cli: list ? (repeat ? { kind: 'repeat', placeholder: 'path' } : { kind: 'variadic', placeholder: 'path...' }) : { kind: 'value', placeholder: 'path' },
    ...c,
    // a variadic option takes all values after one flag; a repeatable one takes the flag before each value
    toArgs: (v) => (Array.isArray(v) ? (repeat ? v.flatMap((p) => [flag, String(p)]) : [flag, ...v.map(String)]) : [flag, String(v)]),
  };
}

/** Words as a list or one comma-separated string, passed comma-joined. */
export function words(flag: string, what: string, c: Common<string[]> = {}): FieldSpec<string[]> {
  const expected = `a list of ${what} (or one comma-separated string)`;
  const one = z.string({ error: typeMsg(expected) }).regex(/^[^,\s][^,]*$/, { error: `expected ${expected}: empty or comma-containing item` });
  return {
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
      z.array(one, { error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty list` }),
    ) as unknown as z.ZodType<string[]>,
    expected,
    flag,
    cli: { kind: 'value', placeholder: 'list' },
    ...c,
    toArgs: (v) => [flag, v.join(',')],
  };
}

/** One temperature or 12 monthly temperatures (°C), passed comma-joined. */
export function temps(flag: string, c: Common<number[]> = {}): FieldSpec<number[]> {
  const expected = 'a temperature in °C, or a list of 12 monthly means (January first)';
  const C = { name: 'degrees Celsius', symbol: 'C' };
  const t = z.number({ error: (iss) => numberMessage('a temperature in °C', C, iss.input) });
  const parse = (v: string) => {
    const a = v.split(',').map(Number);
    if (!(a.length === 1 || a.length === 12) || a.some((x) => !Number.isFinite(x))) throw new CliValueError(`${flag} needs 1 or 12 comma-separated °C values, got "${v}"`);
    return a;
  };
  return {
    schema: z.preprocess(
      (v) => (typeof v === 'number' ? [v] : v),
      z.array(t, { error: (iss) => numberMessage(expected, C, iss.input) }).refine((a) => a.length === 1 || a.length === 12, { error: typeMsg(expected) }),
    ) as unknown as z.ZodType<number[]>,
    expected,
    flag,
    cli: { kind: 'value', placeholder: 'C[,..12]', parse },
    ...c,
    toArgs: (v) => [flag, v.join(',')],
  };
}

/** A plant given by position: degrees WGS84, optional capacity (kW) and type. */
export interface PlantPosition {
  lon: number;
  lat: number;
  capacity_kW?: number;
  type?: string;
}

/** "lon,lat[,capacity_kW[,type]]" (the command line's form) as a plant record; other values pass to the schema as they are. */
function plantWord(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const parts = v.split(',').map((p) => p.trim());
  if (parts.length < 2 || parts.length > 4) return v;
  const n = (s: string | undefined) => (s === undefined || s === '' ? undefined : /^[-+0-9.eE]+$/.test(s) ? Number(s) : s);
  const out: Record<string, unknown> = { lon: n(parts[0]), lat: n(parts[1]) };
  if (parts[2] !== undefined && parts[2] !== '') out.capacity_kW = n(parts[2]);
  if (parts[3]) out.type = parts[3];
  return out;
}

/** Plants given by position: a list of { lon, lat, capacity_kW?, type? } (or "lon,lat[,kW[,type]]" strings). */
export function plantList(flag: string, c: Common<PlantPosition[]> = {}): FieldSpec<PlantPosition[]> {
  const expected = 'a list of plants { lon, lat, capacity_kW, type } (degrees, kW)';
  const deg = (what: string) => z.number({ error: (iss) => numberMessage(`${what} in degrees (WGS84)`, { name: 'degrees', symbol: '°' }, iss.input) });
  const plant = z.strictObject(
    {
      lon: deg('a longitude').min(-180, { error: 'expected a longitude -180..180' }).max(180, { error: 'expected a longitude -180..180' }),
      lat: deg('a latitude').min(-90, { error: 'expected a latitude -90..90' }).max(90, { error: 'expected a latitude -90..90' }),
      capacity_kW: num('', { name: 'kilowatts', symbol: 'kW' }, { positive: true }).schema.optional(),
      type: z.string({ error: (iss) => `expected a plant type word, got ${describeValue(iss.input)}` }).regex(/^[^,]+$/, { error: 'expected a plant type without commas' }).optional(),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : `expected a plant { lon, lat, capacity_kW, type } or "lon,lat[,capacity_kW[,type]]" (degrees, kW), got ${describeValue(iss.input)}`) },
  );
  return {
    schema: z.preprocess(
      (v) => (Array.isArray(v) ? v.map(plantWord) : v),
      z.array(plant, { error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty list` }),
    ) as unknown as z.ZodType<PlantPosition[]>,
    expected,
    flag,
    cli: { kind: 'repeat', placeholder: 'lon,lat[,kW[,type]]' },
    ...c,
    toArgs: (v) =>
      v.flatMap((p) => {
        const s = [p.lon, p.lat].join(',') + (p.capacity_kW !== undefined || p.type ? `,${p.capacity_kW ?? ''}` : '') + (p.type ? `,${p.type}` : '');
        return [flag, s];
      }),
  };
}

/** A table of flows by water class, e.g. { river: 10, stream: 0.5 } (m³/s); on the command line 'river=10,stream=0.5'. */
export function flowsByClass(flag: string, c: Common<Record<string, number>> = {}): FieldSpec<Record<string, number>> {
  const expected = 'a map of water class to flow in m³/s, e.g. { river: 10, stream: 0.5 }';
  const flow = z.number({ error: (iss) => numberMessage('a flow in m³/s', { name: 'cubic metres per second', symbol: 'm3/s' }, iss.input) }).min(0, {
    error: 'expected a flow >= 0 m³/s',
  });
  const parse = (v: string) => {
    const out: Record<string, number> = {};
    for (const part of v.split(',')) {
      const m = /^\s*([^=\s]+)\s*=\s*([0-9.eE+-]+)\s*$/.exec(part);
      const q = m ? Number(m[2]) : NaN;
      if (!m || !(q >= 0)) throw new CliValueError(`${flag} expects CLASS=M3S pairs separated by commas (e.g. river=10,stream=0.5), got "${part}"`);
      out[m[1]!] = q;
    }
    return out;
  };
  return {
    schema: z
      .record(z.string().regex(/^[^=,\s]+$/, { error: 'expected a class name without =, commas or spaces' }), flow, { error: typeMsg(expected) })
      .refine((o) => Object.keys(o).length > 0, { error: `expected ${expected}, got an empty map` }),
    expected,
    flag,
    cli: { kind: 'value', placeholder: 'class=m3/s,...', parse },
    ...c,
    toArgs: (v) => [flag, Object.entries(v).map(([k, q]) => `${k}=${q}`).join(',')],
  };
}

export const required = <T>(f: FieldSpec<T>): FieldSpec<T> => ({ ...f, required: true });

export const U = {
  m: { name: 'metres', symbol: 'm' },
  K: { name: 'kelvin', symbol: 'K' },
  C: { name: 'degrees Celsius', symbol: 'C' },
  Kd: { name: 'kelvin-days', symbol: 'Kd' },
  h: { name: 'hours', symbol: 'h' },
  GWh: { name: 'GWh a year', symbol: 'GWh' },
  m3day: { name: 'm³ a day', symbol: 'm3/day' },
  m3s: { name: 'm³ a second', symbol: 'm3/s' },
  MWhHa: { name: 'MWh per hectare and year', symbol: 'MWh/ha' },
  MWhM: { name: 'MWh per metre and year', symbol: 'MWh/m' },
  kWM: { name: 'kW per metre', symbol: 'kW/m' },
  PaM: { name: 'pascal per metre', symbol: 'Pa/m' },
  MJkWh: { name: 'MJ of primary energy per kWh', symbol: 'MJ/kWh' },
  kgkWh: { name: 'kg CO2 per kWh', symbol: 'kg/kWh' },
} as const;

/** The typed options of a stage from its field table: every key optional (defaults are applied by runStage). */
export type OptionsOf<F extends Record<string, FieldSpec<any>>> = { [K in keyof F]?: F[K] extends FieldSpec<infer T> ? T : never };

/** Supply must be hotter than return (the flow that carries the heat); `flags` name the two options on the command line. */
export function supplyAboveReturn(supply: number | undefined, ret: number | undefined, flags: [string, string]): string | undefined {
  if (supply === undefined || ret === undefined || supply > ret) return undefined;
  return `supply_C (${flags[0]}) ${supply} °C must be above return_C (${flags[1]}) ${ret} °C`;
}
