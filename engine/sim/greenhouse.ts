/**
 * Greenhouse heating load from the weather (METHODS.md 2, 堀口 1984): peak = area x U x (Tin - Tout) with the Hokkaido
 * daily peak coefficient U = 5.6 W/m²K, each day's energy capped at area x 1.9 W/m²K (maximum daily mean
 * coefficient) x (Tin - T_day) x 24 h. Heated at night only (solar gains cover the day): a night-time load.
 */
import type { Weather } from '../io/weather.js';

export interface GreenhouseOptions {
  /** Inside set-point, °C; default 15 (an assumption: no value in METHODS.md). */
  insideC?: number;
  /** Peak heat-loss coefficient, W/(m²K); default 5.6 (堀口 1984). */
  peakUWm2K?: number;
  /** Daily-mean coefficient cap, W/(m²K); default 1.9 (堀口 1984). */
  dailyMeanUWm2K?: number;
  /** First and last heated hour of the night, local hour of day; default 17 and 7 (17:00-08:00, an assumption). */
  nightStartHour?: number;
  nightEndHour?: number;
}

/** Hourly greenhouse heat load, kW, for a floor area in m². */
export function greenhouseLoadKw(weather: Weather, areaM2: number, opts: GreenhouseOptions = {}): Float64Array {
  const tin = opts.insideC ?? 15;
  const up = opts.peakUWm2K ?? 5.6;
  const um = opts.dailyMeanUWm2K ?? 1.9;
  const s = opts.nightStartHour ?? 17;
  const e = opts.nightEndHour ?? 7;
  const night = (h: number) => (s <= e ? h >= s && h <= e : h >= s || h <= e);
  const out = new Float64Array(weather.hours);
  for (let d = 0; d * 24 < weather.hours; d++) {
    let raw = 0, mean = 0;
    for (let h = 0; h < 24; h++) {
      const t = weather.airC[d * 24 + h];
      mean += t / 24;
      const q = night(h) ? (areaM2 * up * Math.max(0, tin - t)) / 1000 : 0;
      out[d * 24 + h] = q;
      raw += q;
    }
    const cap = (areaM2 * um * Math.max(0, tin - mean) * 24) / 1000;
    if (raw > cap) {
      const f = raw > 0 ? cap / raw : 0;
      for (let h = 0; h < 24; h++) out[d * 24 + h] *= f;
    }
  }
  return out;
}

/** Design peak, kW: area x U x (Tin - lowest air temperature of the year). */
export function greenhousePeakKw(weather: Weather, areaM2: number, opts: GreenhouseOptions = {}): number {
  let tmin = Infinity;
  for (const t of weather.airC) tmin = Math.min(tmin, t);
  return (areaM2 * (opts.peakUWm2K ?? 5.6) * Math.max(0, (opts.insideC ?? 15) - tmin)) / 1000;
}
