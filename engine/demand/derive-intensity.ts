/**
 * The derivation of the default heating and cooling intensities (engine/demand/intensity.csv) from the national
 * non-residential calculation: for each use category mapped to a builelib building type / room type, the room-load
 * model (room-load.ts) on the reference-year weather of each climate region 1-8 (datasets/weather, the HASP files the
 * national calculation uses) gives the annual space heating and cooling per m² and the highest hourly load (the design
 * peak the hourly profiles reach on that weather). scripts/derive-intensity.ts writes them into the table; a test
 * recomputes them and fails when the table is stale.
 */
import { readWeather } from '../io/weather.js';
import { referenceWeatherFile } from '../util/data-dir.js';
import { DEFAULT_STANDARD_ROOM, loadRoomLoadTables, roomLoads, type StandardRoom } from './room-load.js';
import { readHaspRadiation } from './solar.js';

/**
 * The room type whose model stands for each use category (the use's main room; a whole building also has corridors,
 * lobbies and toilets with lower loads: no cited room mix per use exists, so the main room is taken for the floor).
 */
export const ROOM_OF_USE: Record<string, [string, string]> = {
  office: ['事務所等', '事務室'],
  public_office: ['事務所等', '事務室'],
  commercial: ['物販店舗等', '大型店の売場'],
  lodging: ['ホテル等', '客室'],
  education: ['学校等', '小中学校の教室'],
  medical_welfare: ['病院等', '病室'],
};

export interface DerivedRegion {
  region: number;
  heat_kWh_m2a: number;
  heatPeak_W_m2: number;
  cool_kWh_m2a: number;
  coolPeak_W_m2: number;
  operatingHours: number;
}

/** Annual loads and peaks of one room type in each of the 8 regions, on each region's reference weather. */
export async function deriveRoom(room: [string, string], standard: StandardRoom = DEFAULT_STANDARD_ROOM): Promise<DerivedRegion[]> {
  const t = loadRoomLoadTables();
  const out: DerivedRegion[] = [];
  for (let region = 1; region <= 8; region++) {
    const file = referenceWeatherFile(region);
    const w = await readWeather(file);
    const L = roomLoads(t, { region, buildingType: room[0], roomType: room[1], airC: w.airC, radiation: readHaspRadiation(file), room: standard });
    let h = 0, c = 0, ph = 0, pc = 0;
    for (const v of L.heatWhM2Day) h += v;
    for (const v of L.coolWhM2Day) c += v;
    for (const v of L.heatWm2) if (v > ph) ph = v;
    for (const v of L.coolWm2) if (v > pc) pc = v;
    out.push({ region, heat_kWh_m2a: h / 1000, heatPeak_W_m2: ph, cool_kWh_m2a: c / 1000, coolPeak_W_m2: pc, operatingHours: L.operatingHours });
  }
  return out;
}

/** Rounded as written to the table (0.1 kWh/m²·a, 0.1 W/m²). */
export const round1 = (v: number) => Math.round(v * 10) / 10;

export const DERIVATION_SOURCE = (room: [string, string], standard: StandardRoom = DEFAULT_STANDARD_ROOM) =>
  `national non-residential calculation room-load model (builelib ac_room_heat_gain_area1..8 ${room[0]}/${room[1]}, schedules common_room_usage_schedule, calendar, operation modes; outdoor air without heat recovery) on each region's reference-year HASP weather; ${standard.source}; scripts/derive-intensity.ts`;
