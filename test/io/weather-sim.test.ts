/** Weather readers for the simulation: HASP, CSV, EPW; bad input; ground model. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { groundTemperature, heatingDegreeDays, parseEpw, parseHasp, parseWeatherCsv, readWeather } from '../../engine/io/weather.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';

/** A HASP text of `days` days: temperature line = T x 10 + 500 per hour; weekday code 5 on day 1. */
function hasp(days: number, tempOf: (d: number, h: number) => number): string {
  const lines: string[] = [];
  for (let d = 0; d < days; d++) {
    const tail = (el: number) => ` 0 1${String((d % 31) + 1).padStart(2, ' ')}${el === 1 ? 0 : ((d + 4) % 7) + 1}${el}`;
    lines.push(Array.from({ length: 24 }, (_, h) => String(Math.round(tempOf(d, h) * 10 + 500)).padStart(3, ' ')).join('') + tail(1));
    for (let el = 2; el <= 7; el++) lines.push(Array.from({ length: 24 }, () => '  0').join('') + tail(el));
  }
  return lines.join('\n') + '\n';
}

describe('HASP', () => {
  it('decodes T x 10 + 500 for every hour and reads the weekday', () => {
    const w = parseHasp(hasp(365, (d, h) => -20 + d * 0.1 + h * 0.1), 'x.has');
    expect(w.hours).toBe(8760);
    expect(w.airC[0]).toBeCloseTo(-20, 9);
    expect(w.airC[23]).toBeCloseTo(-17.7, 9);
    expect(w.airC[24 * 100 + 5]).toBeCloseTo(-20 + 10 + 0.5, 9);
    expect(w.startWeekday).toBe(3); // code 5 with 1 = Sunday: Thursday
  });
  it('wrong length and impossible values are InputErrors naming the file and record', () => {
    expect(() => parseHasp(hasp(364, () => 0), 'short.has')).toThrow(/short\.has.*8,760/);
    const bad = hasp(365, () => 0).replace(/^500/, ' x0');
    expect(() => parseHasp(bad, 'bad.has')).toThrow(InputError);
    expect(() => parseHasp(bad, 'bad.has')).toThrow(/bad\.has: record line 1: .*hour 1/);
    const cold = 'temperature\n' + Array.from({ length: 8760 }, (_, i) => (i === 243 ? '-90' : '0')).join('\n');
    expect(() => parseWeatherCsv(cold, 'cold.csv')).toThrow(/cold\.csv: record hour 243 .*-90/);
  });
});

describe('CSV and EPW', () => {
  const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  it('reads timestep,temperature and fills short gaps with a counted warning', () => {
    const text = 'timestep,temperature\n' + rows(8760, (i) => `${i + 1},${i >= 100 && i < 103 ? '' : String(i % 24)}`);
    const warnings = new Warnings();
    const w = parseWeatherCsv(text, 'w.csv', { warnings });
    expect(w.airC[101]).toBeCloseTo(99 % 24 + ((103 % 24) - (99 % 24)) * (2 / 4), 9);
    expect(warnings.count('weather-gap-filled')).toBe(1);
  });
  it('long gaps are errors', () => {
    const text = 'timestep,temperature\n' + rows(8760, (i) => `${i + 1},${i >= 100 && i < 120 ? 'NaN' : '1'}`);
    expect(() => parseWeatherCsv(text, 'w.csv')).toThrow(/w\.csv: record hours 100\.\.119: 20 missing hours/);
  });
  it('timestamps give the weekday of 1 January; a ground column is used as given', () => {
    const text = 'time,temperature,ground\n' + rows(8760, (i) => `${new Date(Date.UTC(2023, 0, 1) + i * 3600e3).toISOString()},2,7`);
    const w = parseWeatherCsv(text, 'w.csv');
    expect(w.startWeekday).toBe(6); // 2023-01-01 was a Sunday
    expect(w.groundSource).toBe('given');
    expect(w.groundC[5000]).toBe(7);
  });
  it('wrong length is an error', () => {
    expect(() => parseWeatherCsv('temperature\n1\n2\n', 'w.csv')).toThrow(/found 2/);
  });
  it('EPW dry bulb in field 7', () => {
    const head = Array.from({ length: 8 }, (_, i) => (i === 7 ? 'DATA PERIODS,1,1,Data,Tuesday, 1/ 1,12/31' : `HEADER${i}`)).join('\n');
    const text = head + '\n' + rows(8760, (i) => `2001,1,1,${(i % 24) + 1},60,x,${(i % 10) - 3},0,50`);
    const w = parseEpw(text, 'w.epw');
    expect(w.airC[4]).toBe(1);
    expect(w.startWeekday).toBe(1);
  });
});

describe('ground temperature', () => {
  it('damps and lags the annual air wave', () => {
    const air = Float64Array.from({ length: 8760 }, (_, h) => 8 - 12 * Math.cos((2 * Math.PI * h) / 8760));
    const g = groundTemperature(air, { groundDepthM: 1, soilDiffusivityM2s: 0.5e-6 });
    const d = Math.sqrt((2 * 0.5e-6) / ((2 * Math.PI) / (8760 * 3600)));
    let mn = Infinity, at = 0;
    g.forEach((v, i) => { if (v < mn) { mn = v; at = i; } });
    expect(mn).toBeCloseTo(8 - 12 * Math.exp(-1 / d), 3);
    expect(at).toBeCloseTo(((1 / d) / (2 * Math.PI)) * 8760, -1);
  });
});

describeData('real HASP files (../shared/datasets/weather)', () => {
  it('Kitami 0868195.has: range -24.5..32.7 °C and HDD18 4,613 (METHODS.md 2)', async () => {
    const w = await readWeather(data('weather/0868195.has'));
    expect(Math.min(...w.airC)).toBeCloseTo(-24.5, 9);
    expect(Math.max(...w.airC)).toBeCloseTo(32.7, 9);
    expect(heatingDegreeDays(w.airC)).toBeCloseTo(4613, -1);
    expect(w.climateRegion).toBe(1);
  });
  it('Iwamizawa 0598195.has: HDD18 4,054; demandlib CSV reads 8,760 h', async () => {
    expect(heatingDegreeDays((await readWeather(data('weather/0598195.has'))).airC)).toBeCloseTo(4054, -1);
    expect((await readWeather(data('weather/demandlib_example_data.csv'))).hours).toBe(8760);
  });
});

describe('bundled reference-year weather (datasets/weather)', () => {
  it('each of the 8 HASP files reads with the climate region common_area.json gives it', async () => {
    const { bundledPath } = await import('../../engine/util/data-dir.js');
    const { readFileSync } = await import('node:fs');
    const area = JSON.parse(readFileSync(bundledPath('weather', 'common_area.json'), 'utf8')) as Record<string, { 地域区分番号: string; 気象データファイル名: string }>;
    const regions = Object.values(area).map((a) => [a.気象データファイル名, Number(a.地域区分番号)] as const);
    expect(regions).toHaveLength(8);
    for (const [file, region] of regions) {
      const w = await readWeather(bundledPath('weather', file));
      expect(w.climateRegion, file).toBe(region);
    }
  });
});
