/**
 * Scenario field kinds: each key of a scenario section is a zod schema with a message that says what was expected
 * (with the unit), a CLI flag it maps to, and how a value becomes that flag's arguments. One table per stage
 * (schema.ts) is built from these, so validation, argv translation and the README's key list cannot drift apart.
 */
import { z } from 'zod';

/** What a path key names: an input that must exist, an output to write, or an input folder. */
export type PathKind = 'in' | 'out';

export interface FieldSpec {
  /** zod schema of the value (messages say what was expected). */
  schema: z.ZodType;
  /** What is expected, for messages and docs: "a number of metres (m)". */
  expected: string;
  /** CLI long option the key maps to ('--cell'); a negatable boolean maps false to '--no-' + name. */
  flag: string;
  /** The value is a path (or list of paths) relative to the scenario file. */
  path?: PathKind;
  /** The key must be given when its section is. */
  required?: boolean;
  /** Command-line arguments for a validated value (paths already absolute). */
  toArgs(value: unknown): string[];
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

interface Unit {
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

export interface NumOpts {
  /** value must be > 0 */
  positive?: boolean;
  /** value must be >= min */
  min?: number;
  max?: number;
  int?: boolean;
}

/** A number in `unit` (or unitless), mapped to `flag`. */
export function num(flag: string, unit: Unit | string | undefined, o: NumOpts = {}, what?: string): FieldSpec {
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
  return { schema: s, expected, flag, toArgs: (v) => [flag, String(v)] };
}

/** A non-empty string. */
export function str(flag: string, what = 'a text'): FieldSpec {
  const expected = what;
  return {
    schema: z.string({ error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty string` }),
    expected,
    flag,
    toArgs: (v) => [flag, String(v)],
  };
}

/** A coordinate reference system code such as EPSG:6677. */
export function crs(flag: string): FieldSpec {
  const expected = 'a CRS code like "EPSG:6677"';
  return {
    schema: z
      .string({ error: typeMsg(expected) })
      .regex(/^EPSG:\d+$/i, { error: typeMsg(expected) }),
    expected,
    flag,
    toArgs: (v) => [flag, String(v)],
  };
}

/** One of a few words. */
export function oneOf(flag: string, values: readonly string[]): FieldSpec {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    schema: z.enum(values as [string, ...string[]], { error: typeMsg(expected) }),
    expected,
    flag,
    toArgs: (v) => [flag, String(v)],
  };
}

/** true/false. `negatable`: the option is on by default and false maps to --no-NAME; else true maps to the flag. */
export function bool(flag: string, negatable = false): FieldSpec {
  const expected = 'true or false';
  return {
    schema: z.boolean({ error: typeMsg(expected) }),
    expected,
    flag,
    toArgs: (v) => (negatable ? (v ? [] : ['--no-' + flag.slice(2)]) : v ? [flag] : []),
  };
}

/** A path relative to the scenario file; `list`: one path or a list of them. */
export function path(flag: string, kind: PathKind, what: string, o: { list?: boolean; repeat?: boolean } = {}): FieldSpec {
  const expected = o.list ? `a path or a list of paths (${what})` : `a path (${what})`;
  const one = z.string({ error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty string` });
  const schema = o.list
    ? z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(one, { error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty list` }))
    : one;
  return {
    schema,
    expected,
    flag,
    path: kind,
    // a variadic option takes all values after one flag; a repeatable one takes the flag before each value
    toArgs: (v) => (Array.isArray(v) ? (o.repeat ? v.flatMap((p) => [flag, String(p)]) : [flag, ...v.map(String)]) : [flag, String(v)]),
  };
}

/** Words as a list or one comma-separated string, passed comma-joined. */
export function words(flag: string, what: string): FieldSpec {
  const expected = `a list of ${what} (or one comma-separated string)`;
  const one = z.string({ error: typeMsg(expected) }).regex(/^[^,\s][^,]*$/, { error: `expected ${expected}: empty or comma-containing item` });
  return {
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
      z.array(one, { error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty list` }),
    ),
    expected,
    flag,
    toArgs: (v) => [flag, (v as string[]).join(',')],
  };
}

/** One temperature or 12 monthly temperatures (°C), passed comma-joined. */
export function temps(flag: string): FieldSpec {
  const expected = 'a temperature in °C, or a list of 12 monthly means (January first)';
  const t = z.number({ error: (iss) => numberMessage('a temperature in °C', { name: 'degrees Celsius', symbol: 'C' }, iss.input) });
  return {
    schema: z.preprocess(
      (v) => (typeof v === 'number' ? [v] : v),
      z.array(t, { error: (iss) => numberMessage(expected, { name: 'degrees Celsius', symbol: 'C' }, iss.input) }).refine((a) => a.length === 1 || a.length === 12, {
        error: typeMsg(expected),
      }),
    ),
    expected,
    flag,
    toArgs: (v) => [flag, (v as number[]).join(',')],
  };
}

/** Plants given by position: a list of { lon, lat, capacity_kW?, type? } (degrees WGS84), each one --plant. */
export function plantList(flag: string): FieldSpec {
  const expected = 'a list of plants { lon, lat, capacity_kW, type } (degrees, kW)';
  const deg = (what: string) => z.number({ error: (iss) => numberMessage(`${what} in degrees (WGS84)`, { name: 'degrees', symbol: '°' }, iss.input) });
  const plant = z.strictObject(
    {
      lon: deg('a longitude').min(-180, { error: 'expected a longitude -180..180' }).max(180, { error: 'expected a longitude -180..180' }),
      lat: deg('a latitude').min(-90, { error: 'expected a latitude -90..90' }).max(90, { error: 'expected a latitude -90..90' }),
      capacity_kW: num('', { name: 'kilowatts', symbol: 'kW' }, { positive: true }).schema.optional(),
      type: z.string({ error: (iss) => `expected a plant type word, got ${describeValue(iss.input)}` }).regex(/^[^,]+$/, { error: 'expected a plant type without commas' }).optional(),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : `expected a plant { lon, lat, capacity_kW, type }, got ${describeValue(iss.input)}`) },
  );
  return {
    schema: z.array(plant, { error: typeMsg(expected) }).min(1, { error: `expected ${expected}, got an empty list` }),
    expected,
    flag,
    toArgs: (v) =>
      (v as { lon: number; lat: number; capacity_kW?: number; type?: string }[]).flatMap((p) => {
        const parts = [p.lon, p.lat];
        const s = parts.join(',') + (p.capacity_kW !== undefined || p.type ? `,${p.capacity_kW ?? ''}` : '') + (p.type ? `,${p.type}` : '');
        return [flag, s];
      }),
  };
}

export const required = (f: FieldSpec): FieldSpec => ({ ...f, required: true });

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

/** A table of flows by water class, e.g. { river: 10, stream: 0.5 } (m³/s), passed as 'river=10,stream=0.5'. */
export function flowsByClass(flag: string): FieldSpec {
  const expected = 'a map of water class to flow in m³/s, e.g. { river: 10, stream: 0.5 }';
  const flow = z.number({ error: (iss) => numberMessage('a flow in m³/s', { name: 'cubic metres per second', symbol: 'm3/s' }, iss.input) }).min(0, {
    error: 'expected a flow >= 0 m³/s',
  });
  return {
    schema: z
      .record(z.string().regex(/^[^=,\s]+$/, { error: 'expected a class name without =, commas or spaces' }), flow, { error: typeMsg(expected) })
      .refine((o) => Object.keys(o).length > 0, { error: `expected ${expected}, got an empty map` }),
    expected,
    flag,
    toArgs: (v) => [flag, Object.entries(v as Record<string, number>).map(([k, q]) => `${k}=${q}`).join(',')],
  };
}
