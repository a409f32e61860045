/**
 * Solar and sky radiation on a wall of given azimuth and tilt, summed per day, as the national non-residential
 * calculation computes them (builelib climate.py `solarRadiationByAzimuth`, after the HASP textbook: declination and
 * equation of time by del04/eqt04, incidence-angle characteristic of standard glass, vertical sky radiation with a
 * ground reflectance of 0.1, long-wave night radiation halved on vertical walls). Inputs are the hourly series of the
 * weather: direct normal, diffuse horizontal and horizontal night (long-wave) radiation in W/m², hour-ending.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

export interface HourlyRadiation {
  /** Direct normal radiation, W/m² (hour-ending, one value per hour of the year). */
  directNormalWm2: Float64Array;
  /** Diffuse (sky) radiation on the horizontal, W/m². */
  diffuseHorizontalWm2: Float64Array;
  /** Net long-wave (night) radiation of a horizontal surface, W/m². */
  nightHorizontalWm2: Float64Array;
  /** Absolute humidity of the outdoor air, kg/kg(DA) (HASP element 2), when the weather gives it. */
  humidityKgKg?: Float64Array;
}

/** Daily sums, Wh/m² per day, on one wall orientation. */
export interface DailyIncident {
  direct: Float64Array;
  /** Direct radiation weighted by the incidence-angle characteristic of standard glass (normalised by 0.89). */
  directGlass: Float64Array;
  sky: Float64Array;
  night: Float64Array;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Day number of the HASP textbook formula (builelib del04/eqt04). */
function dayNumber(month: number, day: number): number {
  return Math.floor(30 * (month - 1) + Math.floor((month + Math.floor(month / 8)) / 2) - Math.floor((month + 7) / 10) + day);
}

/** Solar declination, rad (builelib climate.py del04). */
export function declination(month: number, day: number): number {
  const w = (dayNumber(month, day) * 2 * Math.PI) / 366;
  return 0.006322 - 0.405748 * Math.cos(w + 0.153231) - 0.00588 * Math.cos(2 * w - 0.207099) - 0.003233 * Math.cos(3 * w + 0.620129);
}

/** Equation of time, hours (builelib climate.py eqt04, HASP textbook p. 24). */
export function equationOfTime(month: number, day: number): number {
  const w = (dayNumber(month, day) * 2 * Math.PI) / 366;
  return -0.0002786409 + 0.1227715 * Math.cos(w + 1.498311) - 0.1654575 * Math.cos(2 * w - 1.261546) - 0.00535383 * Math.cos(3 * w - 1.1571);
}

/** [month, day] of each day of the year (365 days; 366 with 29 February in a leap year). */
export function calendarDays(days: number): [number, number][] {
  const out: [number, number][] = [];
  const leap = days === 366;
  for (let m = 1; m <= 12 && out.length < days; m++) {
    const n = DAYS_IN_MONTH[m - 1]! + (leap && m === 2 ? 1 : 0);
    for (let d = 1; d <= n && out.length < days; d++) out.push([m, d]);
  }
  return out;
}

/**
 * Daily radiation on a surface of azimuth `azimuthDeg` (0 south, 90 west, 180 north, 270 east, as builelib) and tilt
 * `tiltDeg` (0 horizontal, 90 vertical) at latitude/longitude in degrees; `stdLonDeg` is the time zone's meridian
 * (135 for Japan).
 */
export function dailyIncident(rad: HourlyRadiation, latDeg: number, lonDeg: number, stdLonDeg: number, azimuthDeg: number, tiltDeg: number): DailyIncident {
  const hours = rad.directNormalWm2.length;
  const days = Math.floor(hours / 24);
  const r = Math.PI / 180;
  const sinPhi = Math.sin(latDeg * r), cosPhi = Math.cos(latDeg * r);
  const sinAlp = Math.sin(azimuthDeg * r), cosAlp = Math.cos(azimuthDeg * r);
  const sinBet = Math.sin(tiltDeg * r), cosBet = Math.cos(tiltDeg * r);
  const out: DailyIncident = { direct: new Float64Array(days), directGlass: new Float64Array(days), sky: new Float64Array(days), night: new Float64Array(days) };
  const cal = calendarDays(days);
  for (let d = 0; d < days; d++) {
    const [month, day] = cal[d]!;
    const dec = declination(month, day);
    const eqt = equationOfTime(month, day);
    const sinDel = Math.sin(dec), cosDel = Math.cos(dec);
    let sd = 0, sg = 0, ss = 0, sn = 0;
    for (let h = 0; h < 24; h++) {
      const k = d * 24 + h;
      const iod = rad.directNormalWm2[k]!, ios = rad.diffuseHorizontalWm2[k]!, inn = rad.nightHorizontalWm2[k]!;
      const t = h + 1;
      const tim = (15 * t + 15 * eqt + lonDeg - stdLonDeg - 180) * r;
      const sinh = sinPhi * sinDel + cosPhi * cosDel * Math.cos(tim);
      const cosh = Math.sqrt(Math.max(0, 1 - sinh * sinh));
      const sinA = cosh > 0 ? (cosDel * Math.sin(tim)) / cosh : 0;
      const cosA = cosh > 0 ? (sinh * sinPhi - sinDel) / (cosh * cosPhi) : 0;
      let sinh2 = sinh * cosBet + cosh * sinBet * (cosA * cosAlp + sinA * sinAlp);
      if (sinh2 < 0) sinh2 = 0;
      const ita = 2.392 * sinh2 - 3.8636 * sinh2 ** 3 + 3.7568 * sinh2 ** 5 - 1.3952 * sinh2 ** 7;
      sd += iod * sinh2;
      sg += (iod * sinh2 * ita) / 0.89;
      if (tiltDeg === 90) ss += 0.5 * ios + 0.1 * 0.5 * (ios + iod * sinh);
      else if (tiltDeg === 0) ss += ios;
      else ss += ((1 + cosBet) / 2) * ios + ((1 - cosBet) / 2) * 0.8 * (ios + iod * sinh);
      sn += inn;
    }
    out.direct[d] = sd;
    out.directGlass[d] = sg;
    out.sky[d] = ss;
    out.night[d] = tiltDeg === 90 ? sn / 2 : sn;
  }
  return out;
}

/**
 * The radiation and humidity lines of a HASP file (elements 2-5 of each day's 7 lines; builelib readHaspClimateData:
 * humidity x / 10,000 kg/kg, radiation kcal/(m²·h) x 4.18 x 1000 / 3600 W/m²). The temperature line and the layout
 * checks are engine/io/weather.ts's; this reads the same file for the room-load model.
 */
export function readHaspRadiation(file: string): HourlyRadiation {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('weather-missing', `cannot read weather file: ${(e as Error).message}`, { file });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length >= 80);
  const series: number[][] = [[], [], [], []];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const el = Number(line[79]);
    if (el < 2 || el > 5) continue;
    for (let h = 0; h < 24; h++) {
      const f = line.slice(3 * h, 3 * h + 3);
      const v = Number(f);
      if (f.trim() === '' || !Number.isFinite(v))
        throw new InputError('weather-bad-value', `HASP element ${el} field for hour ${h + 1} is not a number`, { file, record: `line ${i + 1}`, value: f });
      series[el - 2]!.push(el === 2 ? v / 10000 : (v * 4.18 * 1000) / 3600);
    }
  }
  const n = series[1]!.length;
  if (n === 0 || series.some((s) => s.length !== n))
    throw new InputError('weather-bad-line', 'HASP file lacks complete humidity/radiation lines (elements 2-5)', { file, value: series.map((s) => s.length).join('/') });
  return {
    humidityKgKg: Float64Array.from(series[0]!),
    directNormalWm2: Float64Array.from(series[1]!),
    diffuseHorizontalWm2: Float64Array.from(series[2]!),
    nightHorizontalWm2: Float64Array.from(series[3]!),
  };
}
