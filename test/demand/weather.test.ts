/**
 * Demand's --weather (issue 11 step 5): degree days, annual mean and design temperature from a weather file, so that
 * --hdd is not needed outside Japan; bad weather files are errors naming the file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { climateFromWeather, runDemandStage } from '../../engine/demand/pipeline.js';
import { loadClimate } from '../../engine/demand/tables.js';
import { readWeather, weatherFromArray } from '../../engine/io/weather.js';
import { data, describeData } from '../helpers/data.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KITAMI = join(ROOT, 'datasets/weather/0868195.has');

describe('climate from a weather file', () => {
  it('a constant 10 °C year: HDD18 = 365 x 8 K·d, mean and design 10 °C (by hand)', () => {
    const c = climateFromWeather(weatherFromArray(new Float64Array(8760).fill(10)));
    expect(c.hdd18Kd).toBeCloseTo(365 * 8, 9);
    expect(c.meanTempC).toBeCloseTo(10, 12);
    expect(c.designTempC).toBe(10);
  });

  it("Kitami's HASP reference year gives region 1's table values (computed from the same file)", async () => {
    const c = climateFromWeather(await readWeather(KITAMI));
    const r1 = loadClimate().find((r) => r.region === 1)!;
    expect(Math.abs(c.hdd18Kd - r1.hdd18Kd)).toBeLessThan(1);
    expect(c.meanTempC).toBeCloseTo(r1.meanTempC, 1);
    expect(c.designTempC).toBeCloseTo(r1.designTempC, 0);
  });
});

describeData('demand with --weather outside Japan', () => {
  it('Helsinki with a weather file instead of --hdd; a weather file too short is refused naming it', async () => {
    const r = await runDemandStage({ buildings: [data('helsinki/helsinki.osm.pbf')], weather: KITAMI });
    expect(r.summary.parameters.hdd18_Kd).toBeCloseTo(climateFromWeather(await readWeather(KITAMI)).hdd18Kd, 6);
    expect(String(r.summary.parameters.climateReason)).toContain('0868195.has');
    // a given value wins over the file's
    const g = await runDemandStage({ buildings: [data('helsinki/helsinki.osm.pbf')], weather: KITAMI, climate: { hdd18Kd: 4400 } });
    expect(g.summary.parameters.hdd18_Kd).toBe(4400);
    const short = join(mkdtempSync(join(tmpdir(), 'heatplan-weather-')), 'short.csv');
    writeFileSync(short, 'temperature\n' + Array.from({ length: 100 }, () => '5').join('\n') + '\n');
    await expect(runDemandStage({ buildings: [data('helsinki/helsinki.osm.pbf')], weather: short })).rejects.toThrow();
    await runDemandStage({ buildings: [data('helsinki/helsinki.osm.pbf')], weather: short }).catch((e: Error & { file?: string }) => {
      expect(`${e.message} ${JSON.stringify(e)}`).toContain('short.csv');
    });
  });
});
