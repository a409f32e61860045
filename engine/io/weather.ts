/**
 * Hourly weather for the simulation: HASP (Japanese reference years), CSV (`timestep,temperature` or timestamped) and
 * EPW. Air temperature in °C per hour, hour 0 = 00:00-01:00 on 1 January; ground temperature from air temperature
 * (annual sinusoid damped and lagged with depth) or given.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../errors.js';
import { Warnings } from '../util/warnings.js';

export interface Weather {
  /** File the series came from. */
  file: string;
  format: 'hasp' | 'csv' | 'epw' | 'array';
  /** Number of hours (8,760, or 8,784 in a leap year). */
  hours: number;
  /** Outdoor air temperature, °C, one value per hour. */
  airC: Float64Array;
  /** Ground temperature at pipe depth, °C, one value per hour. */
  groundC: Float64Array;
  /** How groundC was obtained. */
  groundSource: 'sinusoid' | 'given' | 'constant';
  /** Weekday of 1 January, 0 = Monday ... 6 = Sunday. */
  startWeekday: number;
  /** Leap year (8,784 h): February has 29 days. */
  leap: boolean;
  /** Japanese climate region 1-8, when known from the file (HASP reference-year file names) or given. */
  climateRegion?: number;
}

export interface WeatherOptions {
  /** Weekday of 1 January (0 = Monday ... 6 = Sunday) where the file does not say; default 0 (an assumption). */
  startWeekday?: number;
  /** Ground temperature: a constant °C, or the sinusoid model (default). */
  groundC?: number;
  /** Depth of the pipes' centre for the ground model, m; default 1.0 (METHODS.md 5: cover 0.8-1.0 m). */
  groundDepthM?: number;
  /** Soil thermal diffusivity, m²/s; default 0.5e-6 (an assumption: a moist mineral soil; no value in METHODS.md). */
  soilDiffusivityM2s?: number;
  /** Longest run of missing hours that is filled by linear interpolation (counted warning); longer gaps are errors. Default 6. */
  maxGapHours?: number;
  /** Plausible air temperature range, °C; values outside it are errors. Default [-60, 60]. */
  validRangeC?: [number, number];
  climateRegion?: number;
  warnings?: Warnings;
}

/** HASP reference-year files (builelib common_area.json) by file name, for the climate region. */
/** Climate region of each reference-year HASP file, as builelib's common_area.json names them (datasets/weather). */
export const HASP_REGION: Record<string, number> = {
  '0868195.has': 1, '0598195.has': 2, '2248195.has': 3, '3938195.has': 4, '3338195.has': 5, '6158195.has': 6,
  '7948195.has': 7, '8318195.has': 8,
};

/** Read a weather file, choosing the reader by extension (.has HASP, .epw EPW, otherwise CSV). */
export async function readWeather(path: string, opts: WeatherOptions = {}): Promise<Weather> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError('weather-missing', `cannot read weather file: ${(e as Error).message}`, { file: path });
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.has')) return parseHasp(text, path, opts);
  if (lower.endsWith('.epw')) return parseEpw(text, path, opts);
  return parseWeatherCsv(text, path, opts);
}

/**
 * HASP text format: 7 lines a day, each line 24 three-digit fields (hours 1-24) then year (cols 73-74), month (75-76),
 * day (77-78), weekday (79) and element number (80). Element 1 is temperature coded as T x 10 + 500 (builelib's
 * reader: (x - 500) / 10). The weekday code of element 2 lines is read as 1 = Sunday ... 7 = Saturday (an assumption
 * about the HASP convention; set startWeekday to override).
 */
export function parseHasp(text: string, file: string, opts: WeatherOptions = {}): Weather {
  const lines = text.split(/\r?\n/);
  // trailing blank lines and a DOS end-of-file mark (Ctrl-Z, as the reference-year files end)
  while (lines.length && /^[\s\x1a]*$/.test(lines[lines.length - 1])) lines.pop();
  const days: number[][] = [];
  let firstWeekdayCode: number | undefined;
  const missing: boolean[] = [];
  for (let i = 0; i < lines.length; i++) {
    checkHaspLine(lines, i, file);
    const line = lines[i].padEnd(80, ' ');
    const element = line[79];
    if (element === '2' && firstWeekdayCode === undefined) {
      const w = Number(line[78]);
      if (w >= 1 && w <= 7) firstWeekdayCode = w;
    }
    if (element !== '1') continue;
    const vals: number[] = [];
    for (let h = 0; h < 24; h++) {
      const f = line.slice(3 * h, 3 * h + 3);
      if (f.trim() === '') {
        vals.push(NaN);
        missing.push(true);
        continue;
      }
      const v = Number(f);
      if (!Number.isFinite(v)) {
        throw new InputError('weather-bad-value', `HASP temperature field for hour ${h + 1} is not a number`, {
          file, record: `line ${i + 1}`, value: f, hint: 'each line holds 24 three-digit fields (T x 10 + 500)',
        });
      }
      vals.push((v - 500) / 10);
    }
    days.push(vals);
  }
  if (days.length === 0) {
    throw new InputError('weather-empty', 'no temperature lines (element 1 in column 80) in HASP file', {
      file, hint: 'a HASP file has 7 lines a day; check the file is HASP text',
    });
  }
  const air = Float64Array.from(days.flat());
  const start = opts.startWeekday ?? (firstWeekdayCode !== undefined ? (firstWeekdayCode + 5) % 7 : 0);
  const region = opts.climateRegion ?? HASP_REGION[basename(file)];
  return finishWeather(air, file, 'hasp', { ...opts, startWeekday: start, climateRegion: region }, undefined);
}

/**
 * The layout of HASP line `i` (0-based): 80 columns, element number (column 80) 1..7 in turn, the date (year, month,
 * day in columns 73-78) the same on the 7 lines of a day. A line that breaks it (random bytes, a line cut or split,
 * a day's line missing) is an InputError 'weather-bad-line' naming the file, the line and the day, instead of the
 * day being skipped and the year coming out short.
 */
function checkHaspLine(lines: string[], i: number, file: string): void {
  const line = lines[i].replace(/\s+$/, '');
  const day = Math.floor(i / 7) + 1;
  const want = String((i % 7) + 1);
  const first = lines[i - (i % 7)]!;
  const date = (l: string) => l.slice(72, 78);
  // the date as the day's first line gives it (month/day), when that line has one
  const md = first.replace(/\s+$/, '').length === 80 && /^[ \d]{2}[ \d]\d[ \d]\d$/.test(date(first)) ? ` (${Number(first.slice(74, 76))}/${Number(first.slice(76, 78))})` : '';
  let why: string | undefined;
  if (line.length !== 80) why = `the line has ${line.length} columns, not 80`;
  else if (line[79] !== want) why = `column 80 holds element ${JSON.stringify(line[79])}, expected ${want} (line ${(i % 7) + 1} of the day's 7)`;
  else if (i % 7 !== 0 && date(line) !== date(first)) why = `the date columns 73-78 ${JSON.stringify(date(line))} differ from the day's first line ${JSON.stringify(date(first))}`;
  if (why)
    throw new InputError('weather-bad-line', `HASP day ${day}${md}: ${why}`, {
      file,
      record: `line ${i + 1}`,
      value: line.length > 80 ? line.slice(0, 80) + '...' : line,
      hint: 'each day is 7 lines of 80 columns (24 three-digit fields, date, weekday, element 1-7); the file is damaged: copy it again',
    });
}

/**
 * CSV: a header row, then one row per hour. Temperature column named temperature/temp/air_c/T (case-insensitive),
 * an optional timestamp column (time/timestamp/date/datetime, ISO 8601) that gives the weekday of 1 January, and an
 * optional ground column (ground/ground_c/tground) that is used as given.
 */
export function parseWeatherCsv(text: string, file: string, opts: WeatherOptions = {}): Weather {
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (rows.length < 2) throw new InputError('weather-empty', 'CSV weather file has no data rows', { file });
  const sep = rows[0].includes(';') && !rows[0].includes(',') ? ';' : ',';
  const header = rows[0].split(sep).map((s) => s.trim().toLowerCase().replace(/^"|"$/g, ''));
  const find = (names: string[]) => header.findIndex((h) => names.includes(h));
  const ti = find(['temperature', 'temp', 'air_c', 't', 'airc', 'temp_air', 'temperature_c', 'air_temperature']);
  if (ti < 0) {
    throw new InputError('weather-no-column', 'CSV weather file has no temperature column', {
      file, record: 'header', value: rows[0], hint: 'name the column `temperature` (°C)',
    });
  }
  const di = find(['time', 'timestamp', 'date', 'datetime']);
  const gi = find(['ground', 'ground_c', 'tground', 'groundc']);
  const n = rows.length - 1;
  const air = new Float64Array(n);
  const ground = gi >= 0 ? new Float64Array(n) : undefined;
  for (let r = 1; r <= n; r++) {
    const cells = rows[r].split(sep);
    const s = (cells[ti] ?? '').trim();
    air[r - 1] = s === '' || s.toLowerCase() === 'nan' || s.toLowerCase() === 'na' ? NaN : Number(s);
    if (s !== '' && !Number.isFinite(air[r - 1]) && !/^(nan|na)$/i.test(s)) {
      throw new InputError('weather-bad-value', 'temperature is not a number', { file, record: `line ${r + 1}`, value: s });
    }
    if (ground) {
      const g = Number((cells[gi] ?? '').trim());
      if (!Number.isFinite(g)) throw new InputError('weather-bad-value', 'ground temperature is not a number', { file, record: `line ${r + 1}`, value: cells[gi] });
      ground[r - 1] = g;
    }
  }
  if (di >= 0) checkHourly(rows, sep, di, file);
  let start = opts.startWeekday;
  if (start === undefined && di >= 0) {
    const first = rows[1].split(sep)[di]?.trim().replace(/^"|"$/g, '');
    const d = new Date(first ?? '');
    if (Number.isNaN(d.getTime())) {
      throw new InputError('weather-bad-time', 'timestamp is not an ISO 8601 date', { file, record: 'line 2', value: first });
    }
    if (d.getUTCMonth() !== 0 || d.getUTCDate() !== 1) {
      throw new InputError('weather-bad-time', 'the series must start on 1 January', { file, record: 'line 2', value: first, hint: 'give a full calendar year of hourly values' });
    }
    start = (d.getUTCDay() + 6) % 7;
  }
  return finishWeather(air, file, 'csv', { ...opts, startWeekday: start }, ground);
}

/** A CSV timestamp in ms: ISO 8601 date and time, read as UTC where it carries no offset (no daylight-saving jumps). */
function csvTimeMs(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2}))?(?::(\d{2}(?:\.\d+)?))?)?$/.exec(s);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  return new Date(s).getTime();
}

/**
 * The timestamps of a CSV weather file step by one hour, row by row: a missing hour (a gap), a repeated one or a
 * timestamp that is no date is an InputError naming the line and the two timestamps.
 */
function checkHourly(rows: string[], sep: string, di: number, file: string): void {
  let prev = NaN;
  let prevText = '';
  for (let r = 1; r < rows.length; r++) {
    const text = (rows[r].split(sep)[di] ?? '').trim().replace(/^"|"$/g, '');
    const t = csvTimeMs(text);
    if (Number.isNaN(t)) throw new InputError('weather-bad-time', 'timestamp is not an ISO 8601 date', { file, record: `line ${r + 1}`, value: text });
    if (r > 1 && t - prev !== 3600e3) {
      const hours = (t - prev) / 3600e3;
      throw new InputError('weather-gap', `timestamps ${prevText} and ${text} are ${Number.isInteger(hours) ? hours : hours.toFixed(2)} h apart, not 1 h: ${hours > 1 ? 'hours are missing' : 'an hour is repeated or out of order'}`, {
        file, record: `line ${r + 1}`, value: text, hint: 'give one row per hour of the whole year, in order',
      });
    }
    prev = t;
    prevText = text;
  }
}

/**
 * EPW: 8 header lines, then one comma-separated row per hour; month, day and hour (1-24) in fields 2-4, dry-bulb
 * temperature in field 7 (index 6), 99.9 = missing. The hour field must run 1..24 row after row: a row missing or
 * repeated inside the year is an InputError 'weather-gap' naming the line, the date and hour found and the hour
 * expected, not a year shifted by it (whole days missing leave the hours in step and are the length check's).
 */
export function parseEpw(text: string, file: string, opts: WeatherOptions = {}): Weather {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const body = lines.slice(8);
  const air = new Float64Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const f = body[i].split(',');
    if (f.length < 7) throw new InputError('weather-bad-value', 'EPW data row has fewer than 7 fields', { file, record: `line ${i + 9}`, value: body[i] });
    const h = Number(f[3]);
    const hour = (i % 24) + 1;
    if (h !== hour) {
      throw new InputError('weather-gap', `EPW row for ${f[1]}/${f[2]} hour ${h} where hour ${hour} was expected: an hour is missing or repeated`, {
        file, record: `line ${i + 9}`, value: f.slice(0, 4).join(','), hint: 'give one row per hour of the whole year, in order (EPW fields year,month,day,hour)',
      });
    }
    const v = Number(f[6]);
    air[i] = v >= 99.9 || !Number.isFinite(v) ? NaN : v;
  }
  let start = opts.startWeekday;
  const dataPeriods = lines.find((l) => l.toUpperCase().startsWith('DATA PERIODS'));
  if (start === undefined && dataPeriods) {
    const names = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
    const w = dataPeriods.split(',').map((s) => s.trim().toLowerCase()).find((s) => names.includes(s));
    if (w) start = names.indexOf(w);
  }
  return finishWeather(air, file, 'epw', { ...opts, startWeekday: start }, undefined);
}

/** Build a Weather from an hourly air-temperature array (already validated or not): checks, gap filling, ground model. */
export function weatherFromArray(airC: ArrayLike<number>, opts: WeatherOptions & { file?: string } = {}): Weather {
  return finishWeather(Float64Array.from(airC), opts.file ?? '(array)', 'array', opts, undefined);
}

function finishWeather(
  air: Float64Array,
  file: string,
  format: Weather['format'],
  opts: WeatherOptions,
  givenGround: Float64Array | undefined,
): Weather {
  const n = air.length;
  if (n !== 8760 && n !== 8784) {
    throw new InputError('weather-length', `weather must hold 8,760 or 8,784 hourly values, found ${n}`, {
      file, value: n, hint: 'give one full year of hourly values (HASP: 365 days x 7 lines)',
    });
  }
  const [lo, hi] = opts.validRangeC ?? [-60, 60];
  for (let i = 0; i < n; i++) {
    const v = air[i];
    if (!Number.isNaN(v) && (v < lo || v > hi)) {
      throw new InputError('weather-impossible', `air temperature ${v} °C at hour ${i} is outside the plausible range ${lo}..${hi} °C`, {
        file, record: `hour ${i} (day ${Math.floor(i / 24) + 1}, ${i % 24}:00)`, value: v, hint: 'check the file\'s units and coding',
      });
    }
  }
  fillGaps(air, file, opts.maxGapHours ?? 6, opts.warnings);
  const ground = givenGround ?? (opts.groundC !== undefined ? new Float64Array(n).fill(opts.groundC) : groundTemperature(air, opts));
  const start = opts.startWeekday ?? 0;
  if (!Number.isInteger(start) || start < 0 || start > 6) {
    throw new InputError('weather-bad-weekday', 'startWeekday must be 0 (Monday) .. 6 (Sunday)', { file, value: start });
  }
  return {
    file, format, hours: n, airC: air, groundC: ground,
    groundSource: givenGround ? 'given' : opts.groundC !== undefined ? 'constant' : 'sinusoid',
    startWeekday: start, leap: n === 8784, climateRegion: opts.climateRegion,
  };
}

/** Fill runs of NaN up to maxGap hours by linear interpolation (counted warning); longer runs are errors. */
function fillGaps(a: Float64Array, file: string, maxGap: number, warnings?: Warnings): void {
  const n = a.length;
  let i = 0;
  while (i < n) {
    if (!Number.isNaN(a[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && Number.isNaN(a[j])) j++;
    const len = j - i;
    if (len > maxGap) {
      throw new InputError('weather-gap', `${len} missing hours in a row from hour ${i}`, {
        file, record: `hours ${i}..${j - 1}`, value: len, hint: `gaps of up to ${maxGap} h are interpolated; fill longer gaps in the file`,
      });
    }
    const before = i > 0 ? a[i - 1] : a[j];
    const after = j < n ? a[j] : a[i - 1];
    for (let k = i; k < j; k++) a[k] = before + ((after - before) * (k - i + 1)) / (len + 1);
    warnings?.add('weather-gap-filled', 'missing weather hours filled by linear interpolation', { file, record: `hours ${i}..${j - 1}` });
    i = j;
  }
}

/**
 * Ground temperature at depth z from air temperature: the annual first harmonic of air temperature (least squares),
 * damped by exp(-z/d) and lagged by z/d radians, d = sqrt(2 alpha / omega) (Kusuda-type conduction model).
 */
export function groundTemperature(airC: Float64Array, opts: { groundDepthM?: number; soilDiffusivityM2s?: number } = {}): Float64Array {
  const n = airC.length;
  const z = opts.groundDepthM ?? 1.0;
  const alpha = opts.soilDiffusivityM2s ?? 0.5e-6;
  const w = (2 * Math.PI) / n; // per hour
  let mean = 0, a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    mean += airC[i];
    a += airC[i] * Math.cos(w * i);
    b += airC[i] * Math.sin(w * i);
  }
  mean /= n;
  a *= 2 / n;
  b *= 2 / n;
  const omega = (2 * Math.PI) / (n * 3600); // rad/s
  const d = Math.sqrt((2 * alpha) / omega);
  const damp = Math.exp(-z / d);
  const lag = z / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + damp * (a * Math.cos(w * i - lag) + b * Math.sin(w * i - lag));
  return out;
}

/** Daily mean of an hourly series (length hours/24). */
export function dailyMeans(hourly: Float64Array): Float64Array {
  const days = Math.floor(hourly.length / 24);
  const out = new Float64Array(days);
  for (let d = 0; d < days; d++) {
    let s = 0;
    for (let h = 0; h < 24; h++) s += hourly[d * 24 + h];
    out[d] = s / 24;
  }
  return out;
}

/** Heating degree-days below baseC (default 18, METHODS.md 2) from daily means. */
export function heatingDegreeDays(airC: Float64Array, baseC = 18): number {
  let s = 0;
  for (const t of dailyMeans(airC)) if (t < baseC) s += baseC - t;
  return s;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Month (0-11) of every hour. */
export function monthOfHour(hours: number): Uint8Array {
  const leap = hours === 8784;
  const out = new Uint8Array(hours);
  let h = 0;
  for (let m = 0; m < 12; m++) {
    const days = MONTH_DAYS[m] + (leap && m === 1 ? 1 : 0);
    for (let k = 0; k < days * 24 && h < hours; k++) out[h++] = m;
  }
  return out;
}
