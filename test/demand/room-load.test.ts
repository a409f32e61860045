/**
 * The national room-load model (engine/demand/room-load.ts), the intensity table derived from it and the hourly
 * profiles that follow it: a hand-computed day from builelib's coefficients, the stale-table check, the issue's
 * "offices in regions 6-8 cool more than they heat", and design peak = profile peak on the same weather.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORY_INDEX } from '../../engine/buildings/table.js';
import { oneBuilding } from '../helpers/one-building.js';
import { computeDemand, coolingColumns } from '../../engine/demand/annual.js';
import { loadClimate } from '../../engine/demand/tables.js';
import { derivedIntensityTable } from '../../engine/demand/derive-table.js';
import { buildUseProfiles } from '../../engine/demand/profiles.js';
import { loadRoomLoadTables, roomLoads, type StandardRoom } from '../../engine/demand/room-load.js';
import { dailyIncident, declination, type HourlyRadiation } from '../../engine/demand/solar.js';
import { DEFAULT_INTENSITY, loadIntensity } from '../../engine/demand/tables.js';
import { readWeather } from '../../engine/io/weather.js';
import { bundledPath, referenceWeatherFile } from '../../engine/util/data-dir.js';

const HOURS = 8760;
const constant = (v: number) => new Float64Array(HOURS).fill(v);
const dark = (): HourlyRadiation => ({ directNormalWm2: constant(0), diffuseHorizontalWm2: constant(0), nightHorizontalWm2: constant(0), humidityKgKg: constant(0.01) });
/** A room without envelope (builelib's "all interior" case): loads are intercepts, internal and outdoor-air gains. */
const interior: StandardRoom = { envelopePerFloor: 0, windowShare: 0, wallU: 0, windowU: 0, windowEta: 0, wallAbsorptance: 0.8, azimuthsDeg: [0], source: 'test' };

describe('room-load model', () => {
  it('an interior office room in region 6, one cooling-season weekday, by hand from the coefficients', () => {
    const t = loadRoomLoadTables();
    const L = roomLoads(t, { region: 6, buildingType: '事務所等', roomType: '事務室', airC: constant(30), radiation: dark(), room: interior });
    const coeff = JSON.parse(readFileSync(join(bundledPath('builelib'), 'ac_room_heat_gain_area6.json'), 'utf8'))['事務所等']['事務室'];
    const sch = JSON.parse(readFileSync(join(bundledPath('profiles'), 'common_room_usage_schedule.json'), 'utf8'))['事務所等']['事務室'];
    const cal = JSON.parse(readFileSync(join(bundledPath('builelib'), 'common_calendar.json'), 'utf8'));
    const mode = JSON.parse(readFileSync(join(bundledPath('builelib'), 'ac_operation_mode.json'), 'utf8'))['温暖地'];
    // a day in the cooling season whose calendar pattern and the day before's are both pattern 1 (a working day)
    const A: number[] = cal[sch['カレンダーパターン']];
    const d = [...A.keys()].find((k) => k > 0 && mode[k] === '冷房' && A[k] === 1 && A[k - 1] === 1)!;
    const c = coeff['前日空調']['冷房期'];
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    const p = 'パターン1';
    const internal = sch['照明発熱参照値'] * sum(sch['スケジュール']['照明発熱密度比率'][p]) + sch['人体発熱参照値'] * 119 * sum(sch['スケジュール']['人体発熱密度比率'][p]) + sch['機器発熱参照値'] * sum(sch['スケジュール']['機器発熱密度比率'][p]);
    expect(sch['作業強度指数']).toBe(3); // 119 W per person
    const ctc = Math.max(0, c['外気温変動']['冷房負荷']['補正切片']);
    let qh = Math.min(0, c['外気温変動']['暖房負荷']['補正切片']) + Math.max(0, c['日射量変動']['冷房負荷']['切片']);
    let qc = ctc;
    if (qh > 0) (qc += qh), (qh = 0);
    qh += internal;
    if (qh > 0) (qc += qh), (qh = 0);
    const hours = sum(sch['スケジュール']['室同時使用率'][p].map((v: number) => (v > 0 ? 1 : 0)));
    // outdoor air over the day hours 6-17 (the office is a day room): 1.293 kg/m³ x V x (h_oa - 52.91 kJ/kg)
    const hoa = 1.006 * 30 + (1.86 * 30 + 2501) * 0.01;
    const qoa = ((hoa - 52.91) * sch['外気導入量'] * 1.293) / 3.6 * hours;
    expect(qoa).toBeGreaterThan(0);
    expect(L.coolWhM2Day[d]).toBeCloseTo(qc + qoa, 9);
    expect(L.heatWhM2Day[d]).toBeCloseTo(-qh, 9);
    // hourly: the day's load spread evenly over its operating hours
    const occ: number[] = sch['スケジュール']['室同時使用率'][p];
    for (let h = 0; h < 24; h++) expect(L.coolWm2[d * 24 + h]).toBeCloseTo(occ[h]! > 0 ? (qc + qoa) / hours : 0, 9);
  });

  it('the sun: declination near the solstices and a south wall getting more direct sun in winter than a north one', () => {
    expect(declination(6, 21)).toBeCloseTo((23.44 * Math.PI) / 180, 1);
    expect(declination(12, 21)).toBeCloseTo((-23.44 * Math.PI) / 180, 1);
    const rad: HourlyRadiation = { directNormalWm2: constant(500), diffuseHorizontalWm2: constant(100), nightHorizontalWm2: constant(50) };
    const south = dailyIncident(rad, 35, 135, 135, 0, 90), north = dailyIncident(rad, 35, 135, 135, 180, 90);
    expect(south.direct[0]!).toBeGreaterThan(north.direct[0]! + 1000);
    // vertical walls see half the sky and half the night radiation of the horizontal
    expect(south.night[0]).toBeCloseTo((24 * 50) / 2, 9);
  });

  it('bad input: a room type the tables do not have, and a weather year too short', () => {
    const t = loadRoomLoadTables();
    expect(() => roomLoads(t, { region: 6, buildingType: '事務所等', roomType: '宇宙船', airC: constant(20), radiation: dark() })).toThrow(/no room-load coefficients.*事務所等 \/ 宇宙船|room-load/);
    expect(() => roomLoads(t, { region: 6, buildingType: '事務所等', roomType: '事務室', airC: new Float64Array(24 * 30), radiation: dark() })).toThrow(/full year/);
    expect(() => roomLoads(t, { region: 9, buildingType: '事務所等', roomType: '事務室', airC: constant(20), radiation: dark() })).toThrow(/region/);
  });
});

describe('the derived intensity table', () => {
  it('is up to date: the derivation run again gives the shipped CSV byte for byte', async () => {
    const text = readFileSync(DEFAULT_INTENSITY, 'utf8');
    expect(await derivedIntensityTable(text)).toBe(text);
  });

  it('offices in regions 6-8 have more cooling than heating, and the other way round in regions 1-2', () => {
    const o = loadIntensity()[CATEGORY_INDEX.office]!;
    for (const r of [6, 7, 8]) expect(o.coolKwhM2a[r - 1]!).toBeGreaterThan(o.heatKwhM2a[r - 1]!);
    for (const r of [1, 2]) expect(o.heatKwhM2a[r - 1]!).toBeGreaterThan(o.coolKwhM2a[r - 1]!);
    // every row with a room type carries its source and year
    for (const row of loadIntensity()) if (row.roomLoadRoom) expect(row.coolSource).toMatch(/room-load model/), expect(row.coolYear).not.toBe('');
  });

  it('design peak = the hourly profile peak on the same weather (regions 1, 6 and 8)', async () => {
    const table = loadIntensity();
    for (const region of [1, 6, 8]) {
      const w = await readWeather(referenceWeatherFile(region));
      const p = buildUseProfiles(w, ['office', 'medical_welfare'], { climateRegion: region });
      for (const use of ['office', 'medical_welfare'] as const) {
        const row = table[CATEGORY_INDEX[use]]!;
        const j = region - 1;
        const maxOf = (a: Float64Array) => a.reduce((m, v) => (v > m ? v : m), 0);
        // per m²: annual kWh x the highest hourly share = the peak W/m² (both rounded to 0.1 in the table)
        const coolPeak = row.coolKwhM2a[j]! * 1000 * maxOf(p.get(use)!.cooling);
        // tolerance: the table's rounding of the annual value (±0.05 kWh) and of the peak (±0.05 W)
        expect(Math.abs(coolPeak - row.coolPeakWm2[j]!)).toBeLessThan(0.05 + (0.05 / row.coolKwhM2a[j]!) * row.coolPeakWm2[j]! + 1e-9);
        if (row.heatKwhM2a[j]! > 1) {
          const heatPeak = row.heatKwhM2a[j]! * 1000 * maxOf(p.get(use)!.spaceHeat);
          expect(Math.abs(heatPeak - row.heatPeakWm2[j]!)).toBeLessThan(0.05 + (0.05 / row.heatKwhM2a[j]!) * row.heatPeakWm2[j]! + 1e-9);
        }
      }
    }
  });
});

describe('the README calibration table', () => {
  it('is the one scripts/calibration.ts writes from the shipped tables', async () => {
    const { calibrationTable, CALIBRATION_START, CALIBRATION_END } = await import('../../engine/demand/calibration.js');
    const { projectRoot } = await import('../../engine/util/data-dir.js');
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    const a = readme.indexOf(CALIBRATION_START), b = readme.indexOf(CALIBRATION_END);
    expect(a).toBeGreaterThan(0);
    expect(readme.slice(a + CALIBRATION_START.length, b).trim()).toBe(calibrationTable().trim());
  });
});

describe('buildings by the derived table, by hand', () => {
  const one = oneBuilding;
  it('an office of 1,000 m², a hotel of 5,000 m² and a hospital of 8,000 m², in regions 6 and 7', () => {
    const table = loadIntensity();
    const climates = loadClimate();
    for (const region of [6, 7]) {
      const climate = climates.find((c) => c.region === region)!;
      const tw = climate.hwA * climate.meanTempC + climate.hwB;
      for (const [use, fa] of [['office', 1000], ['lodging', 5000], ['medical_welfare', 8000]] as const) {
        const row = table[CATEGORY_INDEX[use]]!;
        const t = one(use, fa);
        computeDemand(t, table, { climate });
        const j = region - 1;
        const sh = (fa * row.heatKwhM2a[j]!) / 1000;
        const hw = (fa * row.hotWaterServedShare * row.hotWaterLM2a * 4.2 * (43 - tw)) / 3600 / 1000;
        expect(t.spaceHeatMWh[0]).toBeCloseTo(sh, 9);
        expect(t.hotWaterMWh[0]).toBeCloseTo(hw, 9);
        // design peak: the model's peak W/m² + hot water over 1,500 full-load hours
        expect(t.peakKw[0]).toBeCloseTo((fa * row.heatPeakWm2[j]!) / 1000 + (hw * 1000) / 1500, 9);
        expect(coolingColumns(t).coolMWh[0]).toBeCloseTo((fa * row.coolKwhM2a[j]!) / 1000, 9);
        expect(coolingColumns(t).coolPeakKw[0]).toBeCloseTo((fa * row.coolPeakWm2[j]!) / 1000, 9);
      }
    }
    // the region changes the result: the same office cools more and heats less in region 7 than in 6
    const o = table[CATEGORY_INDEX.office]!;
    expect(o.coolKwhM2a[6]!).toBeGreaterThan(o.coolKwhM2a[5]!);
    expect(o.heatKwhM2a[6]!).toBeLessThan(o.heatKwhM2a[5]!);
  });

  it('outside Japan: intensityRegion takes a region\'s columns, space heat scaled by degree days; without it no cooling', () => {
    const table = loadIntensity();
    const helsinki = { region: 0, city: 'Helsinki', lat: 60.2, lon: 24.9, hdd18Kd: 4400, meanTempC: 6, designTempC: -20, hwA: 0.6639, hwB: 3.466, source: 'test' };
    const t = one('office', 1000);
    computeDemand(t, table, { climate: helsinki, intensityRegion: 1 });
    const o = table[CATEGORY_INDEX.office]!;
    expect(t.spaceHeatMWh[0]).toBeCloseTo((1000 * o.heatKwhM2a[0]! * (4400 / 4613)) / 1000, 9);
    expect(coolingColumns(t).coolMWh[0]).toBeCloseTo((1000 * o.coolKwhM2a[0]!) / 1000, 9);
    const u = one('office', 1000);
    const tot = computeDemand(u, table, { climate: helsinki });
    expect(coolingColumns(u).coolMWh[0]).toBe(0);
    expect(tot.coolingNotGiven).toEqual(['office']);
    expect(u.spaceHeatMWh[0]).toBeCloseTo((1000 * o.spaceHeatRefKwhM2a * (4400 / 1822)) / 1000, 9);
  });
});
