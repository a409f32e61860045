/** Hourly profiles from the BDEW coefficients and the Japanese room schedules (reads ../shared/datasets/profiles and weather). */
import { expect, it } from 'vitest';
import { bdewBand, bdewDailyFactor, bdewSmoothedTemperature, buildUseProfiles, DEFAULT_USE_PROFILES, hotWaterProfile, loadProfileTables, spaceHeatProfile } from '../../engine/demand/profiles.js';
import { dailyMeans, readWeather } from '../../engine/io/weather.js';
import { data, describeData } from '../helpers/data.js';

it('BDEW daily factor: GKO wind class 0 against hand values from the coefficients', () => {
  // a 2.7172288, b -35.1412563, c 7.1303395, d 0.1418472 (bdew_shlp_sigmoid_factors.csv row 53), by hand:
  const [a, b, c, d] = [2.7172288, -35.1412563, 7.1303395, 0.1418472];
  expect(bdewDailyFactor(-10, a, b, c, d)).toBeCloseTo(2.65569599369517, 12);
  expect(bdewDailyFactor(0, a, b, c, d)).toBeCloseTo(2.0866638934155644, 12);
  expect(bdewDailyFactor(10, a, b, c, d)).toBeCloseTo(0.8063594328651107, 12);
  expect(bdewDailyFactor(20, a, b, c, 0)).toBeCloseTo(0.04797048799320541, 12);
});

it('BDEW temperature bands follow demandlib (ceil, 5 K bands)', () => {
  expect([-30, -15, -14.5, -10, -9.9, 0, 0.1, 5, 5.1, 25, 25.1, 40].map(bdewBand)).toEqual([1, 1, 2, 2, 3, 4, 5, 5, 6, 9, 10, 10]);
  const t = bdewSmoothedTemperature(Float64Array.from([8, 0, 0, 0, 4]));
  expect(t[0]).toBeCloseTo((8 + 0.5 * 4 + 0.25 * 0 + 0.125 * 0) / 1.875, 12);
});

describeData('profiles from the real tables', () => {
  it('every use profile sums to 1 over the year (annual demand preserved)', async () => {
    const w = await readWeather(data('weather/0868195.has'));
    const p = buildUseProfiles(w, Object.keys(DEFAULT_USE_PROFILES), { profilesDir: data('profiles') });
    for (const [, x] of p) {
      expect(x.spaceHeat.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      expect(x.hotWater.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      expect(Math.min(...x.spaceHeat)).toBeGreaterThanOrEqual(0);
    }
  });

  it('office: daily sums follow h(T_smoothed) x F_weekday computed by hand from the CSV rows', async () => {
    const w = await readWeather(data('weather/0868195.has'));
    const t = loadProfileTables(data('profiles'));
    const spec = DEFAULT_USE_PROFILES.office;
    const p = spaceHeatProfile(w, spec, t, 'schedule');
    const [a, b, c] = [2.7172288, -35.1412563, 7.1303395]; // GKO, wind 0
    const F = [1.035, 1.052, 1.045, 1.049, 0.988, 0.886, 0.944]; // GKO Monday..Sunday
    const daily = dailyMeans(w.airC);
    const ts = (d: number) => (daily[d] + 0.5 * daily[d - 1] + 0.25 * daily[d - 2] + 0.125 * daily[d - 3]) / 1.875;
    const day = (d: number) => p.slice(d * 24, d * 24 + 24).reduce((s, v) => s + v, 0);
    const wd = (d: number) => (w.startWeekday + d) % 7;
    // two weekdays (schedule pattern 1): the ratio of their daily sums is the ratio of h x F
    const d1 = [10, 11, 12, 13, 14].find((d) => wd(d) < 5)!;
    const d2 = [200, 201, 202, 203, 204].find((d) => wd(d) < 5)!;
    const h = (d: number) => (a / (1 + Math.pow(b / (ts(d) - 40), c))) * F[wd(d)];
    expect(day(d1) / day(d2)).toBeCloseTo(h(d1) / h(d2), 9);
    // office hours 07-21 only (事務室 pattern 1), nothing on Saturday/Sunday (pattern 2 is zero)
    expect(p[d1 * 24 + 3]).toBe(0);
    expect(p[d1 * 24 + 10]).toBeGreaterThan(0);
    const sat = [20, 21, 22, 23, 24, 25, 26].find((d) => wd(d) === 5)!;
    expect(day(sat)).toBe(0);
  });

  it('hot water: daily load follows 43 - Tw of climate region 1', async () => {
    const w = await readWeather(data('weather/0868195.has'));
    const t = loadProfileTables(data('profiles'));
    const p = hotWaterProfile(w, DEFAULT_USE_PROFILES.lodging, t, 1);
    const daily = dailyMeans(w.airC);
    const day = (d: number) => p.slice(d * 24, d * 24 + 24).reduce((s, v) => s + v, 0);
    const load = (d: number) => 43 - (0.6639 * daily[d] + 3.466);
    expect(day(20) / day(210)).toBeCloseTo(load(20) / load(210), 9);
    // hotel room occupancy 0.5 at night, 0 at midday
    expect(p[20 * 24 + 12]).toBe(0);
    expect(p[20 * 24 + 1]).toBeGreaterThan(0);
  });
});
