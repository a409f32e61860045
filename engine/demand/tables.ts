/**
 * Demand data tables: intensity by use category and the climate regions of Japan. Both are CSV files with a
 * source column; users replace them with `--intensity FILE` / `--climate FILE`.
 */
import { fileURLToPath } from 'node:url';
import { CATEGORY_INDEX, USE_CATEGORIES, type UseCategory } from '../buildings/table.js';
import { InputError } from '../errors.js';
import { readCsv, requireColumns } from '../util/csv.js';

export const DEFAULT_INTENSITY = fileURLToPath(new URL('./intensity.csv', import.meta.url));
export const DEFAULT_CLIMATE = fileURLToPath(new URL('./climate-regions.csv', import.meta.url));

export interface IntensityRow {
  category: UseCategory;
  /** Space heating at the reference climate (region 6 by default), kWh per m² floor area per year. */
  spaceHeatRefKwhM2a: number;
  /**
   * Hot water volume at 43 °C, litres per m² of served room area per year (non-residential: builelib's per-room value
   * of the use's main room type); used where no per-person value is given.
   */
  hotWaterLM2a: number;
  /** Share of the floor area that is the served room type hotWaterLM2a holds for (column hotWaterServedShare; 1 when absent). */
  hotWaterServedShare: number;
  /** Residential: hot water at 43 °C, litres per person per day (column hotWater_L_person_day); undefined = per m². */
  hotWaterLPersonDay?: number;
  /** Residential: persons per dwelling (column personsPerDwelling). */
  personsPerDwelling?: number;
  /** Residential: floor area per dwelling, m² (column m2PerDwelling): dwellings = floor area / it (at least 1). */
  m2PerDwelling?: number;
  /** Residential: dwellings per building (column dwellingsPerBuilding, a detached house: 1); takes precedence over m2PerDwelling. */
  dwellingsPerBuilding?: number;
  defaultStoreys: number;
  /** Storeys from measured height: 1 + floor((h - heightOffsetM) / storeyHeightM) (columns storeyHeight_m, heightOffset_m; 4.2 and 4.89 m when absent). */
  storeyHeightM: number;
  heightOffsetM: number;
  storeySource: string;
  source: string;
  /**
   * Annual cooling demand, kWh per m² floor area per year, by climate region 1-8 (index region - 1); undefined where
   * the table gives no value (no cited source: the use's cooling is then 0 and reported, never estimated).
   */
  coolKwhM2a: (number | undefined)[];
  /** Design cooling peak, W per m² floor area, by climate region 1-8 (index region - 1). */
  coolPeakWm2: (number | undefined)[];
  coolSource: string;
  coolYear: string;
  /**
   * Space heating, kWh per m² floor area per year, by climate region 1-8 (columns heat_kWh_m2a_r1..8), and its design
   * peak, W/m² (heatPeak_W_m2_r1..8): derived from the national room-load model where the use has a room type
   * (scripts/derive-intensity.ts); undefined elsewhere (then spaceHeatRef_kWh_m2a x the degree-day ratio).
   */
  heatKwhM2a: (number | undefined)[];
  heatPeakWm2: (number | undefined)[];
  /** builelib building type / room type whose room-load model gives the heating and cooling (column roomLoadRoom). */
  roomLoadRoom?: [string, string];
}

/** Climate regions the cooling columns are given for (cool_kWh_m2a_r1..8, coolPeak_W_m2_r1..8). */
export const COOLING_REGIONS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export const coolColumn = (region: number) => `cool_kWh_m2a_r${region}`;
export const coolPeakColumn = (region: number) => `coolPeak_W_m2_r${region}`;
export const heatColumn = (region: number) => `heat_kWh_m2a_r${region}`;
export const heatPeakColumn = (region: number) => `heatPeak_W_m2_r${region}`;

export interface ClimateRegion {
  region: number;
  city: string;
  lat: number;
  lon: number;
  hdd18Kd: number;
  meanTempC: number;
  designTempC: number;
  /** Mains water temperature Tw = a·Toa + b (METHODS.md s.2). */
  hwA: number;
  hwB: number;
  source: string;
}

function num(v: string | undefined, file: string, record: number, col: string): number {
  const x = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(x))
    throw new InputError('table-number', `column ${col} must be a number`, { file, record, value: v });
  return x;
}

/** An optional number: '' or a missing column is undefined; anything else must be a number. */
function optNum(v: string | undefined, file: string, record: number, col: string): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  return num(v.trim(), file, record, col);
}

/** The roomLoadRoom column: `building type/room type` of builelib's tables, or empty. */
function roomOf(v: string | undefined, file: string, record: number): [string, string] | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const parts = v.split('/').map((s) => s.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new InputError('intensity-room', 'roomLoadRoom must be "building type/room type" of builelib (e.g. 事務所等/事務室)', { file, record, value: v });
  return [parts[0], parts[1]];
}

export function loadIntensity(file = DEFAULT_INTENSITY): IntensityRow[] {
  const rows = readCsv(file);
  requireColumns(rows, ['category', 'spaceHeatRef_kWh_m2a', 'hotWater_L_m2a', 'defaultStoreys', 'source'], file);
  const out: IntensityRow[] = new Array(USE_CATEGORIES.length);
  rows.forEach((r, k) => {
    const cat = r.category as UseCategory;
    if (!(cat in CATEGORY_INDEX)) throw new InputError('intensity-category', 'unknown category', { file, record: k + 2, value: r.category });
    const row: IntensityRow = {
      category: cat,
      spaceHeatRefKwhM2a: num(r.spaceHeatRef_kWh_m2a, file, k + 2, 'spaceHeatRef_kWh_m2a'),
      hotWaterLM2a: num(r.hotWater_L_m2a, file, k + 2, 'hotWater_L_m2a'),
      defaultStoreys: num(r.defaultStoreys, file, k + 2, 'defaultStoreys'),
      source: r.source ?? '',
      coolKwhM2a: COOLING_REGIONS.map((g) => optNum(r[coolColumn(g)], file, k + 2, coolColumn(g))),
      coolPeakWm2: COOLING_REGIONS.map((g) => optNum(r[coolPeakColumn(g)], file, k + 2, coolPeakColumn(g))),
      coolSource: r.coolSource ?? '',
      coolYear: r.coolYear ?? '',
      heatKwhM2a: COOLING_REGIONS.map((g) => optNum(r[heatColumn(g)], file, k + 2, heatColumn(g))),
      heatPeakWm2: COOLING_REGIONS.map((g) => optNum(r[heatPeakColumn(g)], file, k + 2, heatPeakColumn(g))),
      roomLoadRoom: roomOf(r.roomLoadRoom, file, k + 2),
      storeyHeightM: optNum(r.storeyHeight_m, file, k + 2, 'storeyHeight_m') ?? 4.2,
      heightOffsetM: optNum(r.heightOffset_m, file, k + 2, 'heightOffset_m') ?? 4.89,
      storeySource: r.storeySource ?? (r.storeyHeight_m ? '' : 'PLATEAU sewage-heat tool default 1 + floor((h - 4.89) / 4.2)'),
      hotWaterServedShare: optNum(r.hotWaterServedShare, file, k + 2, 'hotWaterServedShare') ?? 1,
      hotWaterLPersonDay: optNum(r.hotWater_L_person_day, file, k + 2, 'hotWater_L_person_day'),
      personsPerDwelling: optNum(r.personsPerDwelling, file, k + 2, 'personsPerDwelling'),
      m2PerDwelling: optNum(r.m2PerDwelling, file, k + 2, 'm2PerDwelling'),
      dwellingsPerBuilding: optNum(r.dwellingsPerBuilding, file, k + 2, 'dwellingsPerBuilding'),
    };
    if (!(row.storeyHeightM > 0) || row.heightOffsetM < 0)
      throw new InputError('intensity-range', 'storeyHeight_m must be > 0 and heightOffset_m >= 0', { file, record: k + 2, value: `${row.storeyHeightM} / ${row.heightOffsetM}` });
    if (row.hotWaterServedShare < 0 || row.hotWaterServedShare > 1)
      throw new InputError('intensity-range', 'hotWaterServedShare must be between 0 and 1', { file, record: k + 2, value: row.hotWaterServedShare });
    if (row.hotWaterLPersonDay !== undefined) {
      if (row.hotWaterLPersonDay < 0 || !(row.personsPerDwelling! > 0) || !((row.m2PerDwelling ?? 0) > 0 || (row.dwellingsPerBuilding ?? 0) > 0))
        throw new InputError('intensity-dwelling', 'hot water per person needs personsPerDwelling > 0 and m2PerDwelling or dwellingsPerBuilding > 0', { file, record: k + 2, value: r.category });
    }
    if (row.spaceHeatRefKwhM2a < 0 || row.hotWaterLM2a < 0 || row.defaultStoreys <= 0)
      throw new InputError('intensity-range', 'intensities must be >= 0 and default storeys > 0', { file, record: k + 2, value: r });
    COOLING_REGIONS.forEach((g, j) => {
      const ha = row.heatKwhM2a[j], hp = row.heatPeakWm2[j];
      if ((ha === undefined) !== (hp === undefined))
        throw new InputError('intensity-heating', `${heatColumn(g)} and ${heatPeakColumn(g)} must be given together (annual space heat and its design peak)`, { file, record: k + 2, value: `${ha ?? ''} / ${hp ?? ''}` });
      if ((ha ?? 0) < 0 || (hp ?? 0) < 0) throw new InputError('intensity-range', 'space-heating intensities must be >= 0', { file, record: k + 2, value: `${ha} / ${hp}` });
      const a = row.coolKwhM2a[j], p = row.coolPeakWm2[j];
      if ((a === undefined) !== (p === undefined))
        throw new InputError('intensity-cooling', `${coolColumn(g)} and ${coolPeakColumn(g)} must be given together (annual cooling and its design peak)`, { file, record: k + 2, value: `${a ?? ''} / ${p ?? ''}` });
      if ((a ?? 0) < 0 || (p ?? 0) < 0) throw new InputError('intensity-range', 'cooling intensities must be >= 0', { file, record: k + 2, value: `${a} / ${p}` });
      if (a !== undefined && !row.coolSource)
        throw new InputError('intensity-cooling-source', 'a cooling intensity needs its source (coolSource column)', { file, record: k + 2, value: r.category });
    });
    out[CATEGORY_INDEX[cat]] = row;
  });
  const missing = USE_CATEGORIES.filter((_, i) => !out[i]);
  if (missing.length) throw new InputError('intensity-missing', `no row for categories ${missing.join(', ')}`, { file });
  return out;
}

export function loadClimate(file = DEFAULT_CLIMATE): ClimateRegion[] {
  const rows = readCsv(file);
  requireColumns(rows, ['region', 'city', 'lat', 'lon', 'hdd18_Kd', 'meanTemp_C', 'designTemp_C', 'hwFormulaA', 'hwFormulaB'], file);
  return rows.map((r, k) => ({
    region: num(r.region, file, k + 2, 'region'),
    city: r.city ?? '',
    lat: num(r.lat, file, k + 2, 'lat'),
    lon: num(r.lon, file, k + 2, 'lon'),
    hdd18Kd: num(r.hdd18_Kd, file, k + 2, 'hdd18_Kd'),
    meanTempC: num(r.meanTemp_C, file, k + 2, 'meanTemp_C'),
    designTempC: num(r.designTemp_C, file, k + 2, 'designTemp_C'),
    hwA: num(r.hwFormulaA, file, k + 2, 'hwFormulaA'),
    hwB: num(r.hwFormulaB, file, k + 2, 'hwFormulaB'),
    source: r.source ?? '',
  }));
}
