/**
 * Daily and hourly heating and cooling loads per m² of a room, by the national non-residential calculation (建築物
 * 省エネ法, WEBPRO engineering reference 2.4-2.5) as ported in builelib (systems/airconditioning.py):
 *
 * - steady heat gains through walls and windows from the daily mean outdoor temperature against the season's set
 *   point (22 / 24 / 26 °C in heating / intermediate / cooling season), solar gains on the walls (absorptance x 0.04)
 *   and windows (η x incidence-corrected direct + sky radiation), night radiation losses (0.9 x 0.04 x U·A);
 * - the room load regression of builelib's ac_room_heat_gain_area1..8.json: per building type, room type, region,
 *   day before (air-conditioned or off) and season, load = coefficient x heat gain + intercept, clipped, separately
 *   for cooling and heating and the solar part;
 * - internal gains: lighting, people (W per person by work intensity 1-5: 92, 106, 119, 131, 145 W) and equipment,
 *   reference W/m² x the hourly ratios of the room's schedule (common_room_usage_schedule.json) on the day's calendar
 *   pattern (common_calendar.json);
 * - the outdoor-air load of a ventilation system without heat recovery (engineering reference 2.5.3): 1.293 kg/m³ x
 *   outdoor air m³/(h·m²) x (outdoor enthalpy over the operating hours - room enthalpy 38.81 / 47.81 / 52.91 kJ/kg).
 *   Warm outdoor air adds to the day's cooling; cold outdoor air first offsets the room's cooling, the rest adds to
 *   heating (heatplan's reading of one air-handling unit per room; builelib splits it per AHU with bypass and
 *   economiser rules that need a system description a city-wide planner does not have).
 * Hourly: the day's load spread evenly over the room's operating hours (builelib's QroomHc / QroomHh).
 *
 * The envelope is not known for city-wide buildings: `StandardRoom` gives it per m² of floor, with a documented
 * default (DEFAULT_STANDARD_ROOM) that a planner overrides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { bundledPath } from '../util/data-dir.js';
import { dailyIncident, type HourlyRadiation } from './solar.js';

/** Envelope of the standard room, per m² of room floor area. */
export interface StandardRoom {
  /** Exterior envelope area (opaque wall + windows) per m² of floor, m²/m². */
  envelopePerFloor: number;
  /** Window share of the envelope area, 0-1. */
  windowShare: number;
  /** Opaque wall U-value, W/(m²·K). */
  wallU: number;
  /** Window U-value, W/(m²·K). */
  windowU: number;
  /** Window solar heat gain coefficient (η), -. */
  windowEta: number;
  /** Solar absorptance of the wall (builelib's default when none is given: 0.8). */
  wallAbsorptance: number;
  /** Orientations the envelope faces, equal shares (azimuth, degrees: 0 south, 90 west, 180 north, 270 east). */
  azimuthsDeg: number[];
  /** Where the numbers come from (written into the derived table's source column). */
  source: string;
}

/**
 * builelib's verification case ACtest_Case017 (a WEBPRO sample office room in Chiyoda-ku: 200 m² room, 180 m²
 * exterior envelope, 60 m² of windows, wall U 0.92, window U 4.5, η 0.45), with the envelope spread evenly over the
 * four orientations as the standard-value calculation (builelib standard_ac.py) loops them. It is a perimeter room:
 * deep-plan buildings have less envelope per m² (override envelopePerFloor).
 */
export const DEFAULT_STANDARD_ROOM: StandardRoom = {
  envelopePerFloor: 180 / 200,
  windowShare: 60 / 180,
  wallU: 0.92,
  windowU: 4.5,
  windowEta: 0.45,
  wallAbsorptance: 0.8,
  azimuthsDeg: [180, 270, 0, 90],
  source:
    'envelope: builelib tests/airconditioning/ACtest_Case017 sample office room (0.9 m2 envelope per m2 floor, 1/3 windows, wall U 0.92, window U 4.5, eta 0.45) averaged over N/E/S/W',
};

type Season = '冷房期' | '暖房期' | '中間期';
interface Lin { 係数: number; 切片: number; 補正切片: number }
interface SeasonCoeff { 外気温変動: { 冷房負荷: Lin; 暖房負荷: Lin }; 日射量変動: { 冷房負荷: Lin } }
type RoomCoeff = Record<string, Record<Season, SeasonCoeff>>;
type CoeffTable = Record<string, Record<string, RoomCoeff>>;

interface ScheduleEntry {
  カレンダーパターン: string;
  空調運転パターン: string | null;
  照明発熱参照値: number;
  人体発熱参照値: number;
  機器発熱参照値: number;
  作業強度指数: number;
  外気導入量: number;
  スケジュール: Record<'室同時使用率' | '照明発熱密度比率' | '人体発熱密度比率' | '機器発熱密度比率', Record<string, number[]>>;
}

interface AreaEntry { 緯度: number; 経度: number; 気象データファイル名: string; 空調運転モードタイプ: string }

export interface RoomLoadTables {
  dir: string;
  coeff: (region: number) => CoeffTable;
  schedule: Record<string, Record<string, ScheduleEntry>>;
  calendar: Record<string, (number | string)[]>;
  operationMode: Record<string, string[]>;
  area: Record<string, AreaEntry>;
  files: { schedule: string; calendar: string; operationMode: string; area: string; coeff: (region: number) => string };
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new InputError('room-load-table', `cannot read the national calculation's table: ${(e as Error).message}`, {
      file,
      hint: 'the bundled datasets/builelib and datasets/profiles folders hold these files; reinstall heatplan',
    });
  }
}

let cached: RoomLoadTables | undefined;

/** The builelib tables of the room-load model (bundled in datasets/builelib and datasets/profiles). */
export function loadRoomLoadTables(): RoomLoadTables {
  if (cached) return cached;
  const dir = bundledPath('builelib');
  const coeffCache = new Map<number, CoeffTable>();
  const coeffFile = (r: number) => join(dir, `ac_room_heat_gain_area${r}.json`);
  const files = {
    schedule: join(bundledPath('profiles'), 'common_room_usage_schedule.json'),
    calendar: join(dir, 'common_calendar.json'),
    operationMode: join(dir, 'ac_operation_mode.json'),
    area: join(dir, 'common_area.json'),
    coeff: coeffFile,
  };
  cached = {
    dir,
    coeff: (r) => {
      if (!(Number.isInteger(r) && r >= 1 && r <= 8))
        throw new InputError('room-load-region', 'the room-load model needs a Japanese climate region 1-8', { value: r });
      let c = coeffCache.get(r);
      if (!c) coeffCache.set(r, (c = readJson<CoeffTable>(coeffFile(r))));
      return c;
    },
    schedule: readJson(files.schedule),
    calendar: readJson(files.calendar),
    operationMode: readJson(files.operationMode),
    area: readJson(files.area),
    files,
  };
  return cached;
}

/** W per person by work intensity index 1-5 (builelib commons.get_roomHeatGain). */
const PERSON_W = [NaN, 92, 106, 119, 131, 145];
/** Room set points by season (builelib airconditioning.py: °C and enthalpy kJ/kg). */
const SET_C: Record<string, number> = { 冷房: 26, 中間: 24, 暖房: 22 };
const SET_H: Record<string, number> = { 冷房: 52.91, 中間: 47.81, 暖房: 38.81 };
const SEASON: Record<string, Season> = { 冷房: '冷房期', 中間: '中間期', 暖房: '暖房期' };

const enthalpy = (t: number, x: number) => 1.006 * t + (1.86 * t + 2501) * x;

export interface RoomLoadInput {
  region: number;
  buildingType: string;
  roomType: string;
  /** Hourly outdoor air temperature, °C (8,760 values). */
  airC: Float64Array;
  /** Hourly radiation and humidity (the region's reference-year HASP file when the weather has none). */
  radiation: HourlyRadiation;
  room?: StandardRoom;
  /** Latitude/longitude for the sun position (default: the region's reference city, common_area.json). */
  latDeg?: number;
  lonDeg?: number;
}

export interface RoomLoads {
  /** Daily cooling and heating loads, Wh per m² of floor per day (both >= 0). */
  coolWhM2Day: Float64Array;
  heatWhM2Day: Float64Array;
  /** Hourly loads, W/m² (the day's load / its operating hours, in the operating hours). */
  coolWm2: Float64Array;
  heatWm2: Float64Array;
  /** Operating (air-conditioning) hours per year. */
  operatingHours: number;
}

/** Heating and cooling loads of one room type per m², by the national method (module comment). */
export function roomLoads(tables: RoomLoadTables, inp: RoomLoadInput): RoomLoads {
  const room = inp.room ?? DEFAULT_STANDARD_ROOM;
  const key = `${inp.region}地域`;
  const area = tables.area[key];
  if (!area) throw new InputError('room-load-region', 'climate region not in common_area.json', { file: tables.files.area, value: inp.region });
  const coeffAll = tables.coeff(inp.region);
  const rc = coeffAll[inp.buildingType]?.[inp.roomType];
  if (!rc)
    throw new InputError('room-load-room', 'no room-load coefficients for this building and room type', {
      file: tables.files.coeff(inp.region),
      value: `${inp.buildingType} / ${inp.roomType}`,
      hint: `room types of ${inp.buildingType}: ${Object.keys(coeffAll[inp.buildingType] ?? {}).join(', ') || '(building type unknown)'}`,
    });
  const sch = tables.schedule[inp.buildingType]?.[inp.roomType];
  if (!sch || !sch.空調運転パターン || sch.空調運転パターン === '非空調')
    throw new InputError('room-load-room', 'the room type has no air-conditioning schedule', { file: tables.files.schedule, value: `${inp.buildingType} / ${inp.roomType}` });
  const cal = tables.calendar[sch.カレンダーパターン];
  const mode = tables.operationMode[area.空調運転モードタイプ];
  if (!cal || !mode) throw new InputError('room-load-table', 'calendar pattern or operation mode missing', { file: tables.files.calendar, value: `${sch.カレンダーパターン} / ${area.空調運転モードタイプ}` });
  const days = Math.floor(inp.airC.length / 24);
  if (days < 365)
    throw new InputError('weather-too-short', 'the room-load model needs a full year of hourly weather', { value: `${inp.airC.length} hours` });
  const rad = inp.radiation;
  if (rad.directNormalWm2.length < days * 24) throw new InputError('weather-too-short', 'radiation series shorter than the temperature series', { value: rad.directNormalWm2.length });
  const lat = inp.latDeg ?? area.緯度, lon = inp.lonDeg ?? area.経度;

  // envelope per m² floor, split evenly over the orientations
  const wallA = room.envelopePerFloor * (1 - room.windowShare);
  const winA = room.envelopePerFloor * room.windowShare;
  const uaWall = room.wallU * wallA, uaWin = room.windowU * winA, iaWin = room.windowEta * winA;
  const nDir = room.azimuthsDeg.length;
  const solarWall = new Float64Array(days), solarWin = new Float64Array(days), nightV = new Float64Array(days);
  for (const az of room.azimuthsDeg) {
    const s = dailyIncident(rad, lat, lon, 135, az, 90);
    for (let d = 0; d < days; d++) {
      solarWall[d] += (s.direct[d]! + s.sky[d]!) / nDir;
      // windows of "performance value" input (builelib: IA/0.88 x (direct_ita x 0.89 + sky x 0.808))
      solarWin[d] += ((s.directGlass[d]! * 0.89 + s.sky[d]! * 0.808) / 0.88) / nDir;
      nightV[d] = s.night[d]!;
    }
  }

  const patternOf = (d: number) => `パターン${cal[Math.min(d, cal.length - 1)]}`;
  const occ = (d: number) => sch.スケジュール.室同時使用率[patternOf(d)] ?? [];
  const opHours = (d: number) => occ(d).reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
  const ratioSum = (name: '照明発熱密度比率' | '人体発熱密度比率' | '機器発熱密度比率', d: number) => (sch.スケジュール[name][patternOf(d)] ?? []).reduce((s, v) => s + v, 0);
  const personW = sch.人体発熱参照値 * (PERSON_W[sch.作業強度指数] ?? NaN);
  // day mode of the room (WEBPRO: pattern 1 crossing midnight = night, 24 h = all day, else day) for the outdoor enthalpy
  const p1 = (sch.スケジュール.室同時使用率['パターン1'] ?? []).map((v) => (v > 0 ? 1 : 0));
  const dayMode = p1.reduce((s: number, v) => s + v, 0) === 24 ? 'all' : p1[0] === 1 && p1[23] === 1 ? 'night' : 'day';
  const dayHours = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const hum = rad.humidityKgKg;

  const coolD = new Float64Array(days), heatD = new Float64Array(days);
  const coolH = new Float64Array(days * 24), heatH = new Float64Array(days * 24);
  let operating = 0;
  const allDay = '終日空調' in rc;
  for (let d = 0; d < days; d++) {
    const hrs = opHours(d);
    if (hrs <= 0) continue;
    operating += hrs;
    const onoff = allDay ? '終日空調' : d > 0 && opHours(d - 1) > 0 ? '前日空調' : '前日休み';
    const m = mode[Math.min(d, mode.length - 1)]!;
    const season = SEASON[m];
    const c = rc[onoff]?.[season!];
    if (!c) throw new InputError('room-load-table', 'room-load coefficients lack a day type or season', { file: tables.files.coeff(inp.region), value: `${inp.buildingType} / ${inp.roomType} / ${onoff} / ${m}` });
    let tMean = 0;
    for (let h = 0; h < 24; h++) tMean += inp.airC[d * 24 + h]!;
    tMean /= 24;
    const dT = tMean - SET_C[m]!;
    const qT = (uaWall + uaWin) * dT * 24 - (uaWall + uaWin) * 0.9 * 0.04 * nightV[d]!; // temperature + night radiation, Wh/m²
    const qS = uaWall * room.wallAbsorptance * 0.04 * solarWall[d]! + iaWin * solarWin[d]!;
    // builelib: the heating season uses the plain intercepts for the temperature terms, the others the corrected ones
    const ic = (l: Lin) => (season === '暖房期' ? l.切片 : l.補正切片);
    let ctc = c.外気温変動.冷房負荷.係数 * qT + ic(c.外気温変動.冷房負荷);
    let cth = c.外気温変動.暖房負荷.係数 * qT + ic(c.外気温変動.暖房負荷);
    let csr = c.日射量変動.冷房負荷.係数 * qS + c.日射量変動.冷房負荷.切片;
    if (ctc < 0) ctc = 0;
    if (cth > 0) cth = 0;
    if (csr < 0) csr = 0;
    let qc = ctc;
    let qh = cth + csr;
    if (qh > 0) {
      qc += qh;
      qh = 0;
    }
    qh += sch.照明発熱参照値 * ratioSum('照明発熱密度比率', d) + personW * ratioSum('人体発熱密度比率', d) + sch.機器発熱参照値 * ratioSum('機器発熱密度比率', d);
    if (qh > 0) {
      qc += qh;
      qh = 0;
    }
    // outdoor air over the operating hours (builelib 2.5.3, no heat recovery), Wh/m² per day
    let qoa = 0;
    if (hum && sch.外気導入量 > 0) {
      const hours = dayMode === 'all' ? Array.from({ length: 24 }, (_, k) => k) : dayMode === 'day' ? dayHours : [0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23];
      let t = 0, x = 0;
      for (const h of hours) {
        t += inp.airC[d * 24 + h]!;
        x += hum[d * 24 + h]!;
      }
      const hoa = enthalpy(t / hours.length, x / hours.length);
      qoa = ((hoa - SET_H[m]!) * sch.外気導入量 * 1.293) / 3.6 * hrs; // kJ/kg x m³/(h·m²) x kg/m³ / 3.6 = W/m²; x h
    }
    // warm outdoor air adds to the cooling; cold outdoor air first offsets the room's cooling, then adds to heating
    let cool: number, heat: number;
    if (qoa >= 0) {
      cool = qc + qoa;
      heat = -qh;
    } else {
      const off = Math.min(qc, -qoa);
      cool = qc - off;
      heat = -qh + (-qoa - off);
    }
    coolD[d] = cool;
    heatD[d] = heat;
    const o = occ(d);
    for (let h = 0; h < 24; h++) {
      if (!(o[h]! > 0)) continue;
      coolH[d * 24 + h] = cool / hrs;
      heatH[d * 24 + h] = heat / hrs;
    }
  }
  return { coolWhM2Day: coolD, heatWhM2Day: heatD, coolWm2: coolH, heatWm2: heatH, operatingHours: operating };
}
