/**
 * Annual heat demand (space heating and hot water separately) and design peak per building.
 *
 * Space heating: intensity at the reference climate (kWh/m²·a, table) x HDD18(site) / HDD18(reference), linear by
 * default (THERMOS uses sqrt; `hddScaling: 'sqrt'`). Greenhouses: ground area x 1.9 W/m²K x HDD18 x 24 h.
 * Hot water: volume x 4.2 kJ/(L·K) x (43 °C - Tw), Tw = a·Toa + b with the site's annual mean Toa (METHODS.md s.2).
 * The volume (issue 11): residential per person, persons = dwellings x persons per dwelling, dwellings = 1 per detached
 * house or floor area / m² per dwelling (at least 1); non-residential litres per m² of the served room type x the share
 * of the floor area that is that room (hotWaterServedShare). Options override the table's residential values.
 * Peak: space heating through the same degree-day model, H = Q / (HDD·24 h), peak = H x (18 °C - design temperature);
 * hot water as annual / full-load hours (an option); greenhouse 5.6 W/m²K x (18 °C - design temperature).
 * Cooling (issue 11): floor area x the table's annual cooling intensity of the building's use in the site's climate
 * region (kWh/m²·a, cool_kWh_m2a_r1..8), design cooling peak = floor area x the region's peak intensity (W/m²,
 * coolPeak_W_m2_r1..8). A use or region without a value in the table gets no cooling and is reported (`notGiven`),
 * never estimated. Cooling is kept beside heat: heat_MWh stays space heating + hot water.
 */
import { CATEGORY_INDEX, USE_CATEGORIES, type BuildingTable } from '../buildings/table.js';
import type { Warnings } from '../util/warnings.js';
import type { ClimateRegion, IntensityRow } from './tables.js';
import { REGION_HDD18 } from './profiles.js';

export interface DemandOptions {
  climate: ClimateRegion;
  /** HDD18 of the climate the intensity table refers to, K·d (default 1,822: region 6, Okayama). */
  refHdd18Kd?: number;
  hddScaling?: 'linear' | 'sqrt';
  /** Hot-water supply temperature, °C (METHODS.md: 43). */
  hotWaterTempC?: number;
  /** Full-load hours of hot-water demand for the design peak, h/a. ASSUMPTION default 1,500. */
  hotWaterFullLoadHours?: number;
  /** Greenhouse loss coefficients, W/(m²·K) of ground area (METHODS.md s.2: 1.9 daily mean, 5.6 peak). */
  greenhouseMeanWm2K?: number;
  greenhousePeakWm2K?: number;
  /** Indoor base temperature of the degree days, °C (18). */
  baseTempC?: number;
  /**
   * Residential hot water basis: 'per-dwelling' (persons x litres per person, the table's hotWater_L_person_day) or
   * 'per-m2' (the table's hotWater_L_m2a, heatplan 0.1's rule, about twice the national average per dwelling).
   * Default 'per-dwelling' (issue 11: the method the household statistics support).
   */
  residentialHotWater?: 'per-dwelling' | 'per-m2';
  /** Residential hot water overrides (else the intensity table's): persons per dwelling, m² per dwelling, L/person·day. */
  personsPerDwelling?: number;
  m2PerDwelling?: number;
  hotWaterPerPersonLDay?: number;
  /** Residential hot water per dwelling, L/day at 43 °C: replaces persons x litres per person. */
  hotWaterPerDwellingLDay?: number;
  /**
   * Outside Japan (climate region 0): the Japanese climate region 1-8 whose intensity columns (room-load heating and
   * cooling) stand in for the site, space heat scaled by the degree-day ratio to that region's reference year.
   * Default none: cooling not given, space heat = spaceHeatRef x the degree-day ratio to region 6.
   */
  intensityRegion?: number;
}

/** The default residential hot-water basis (see DemandOptions.residentialHotWater). */
export const DEFAULT_RESIDENTIAL_HOT_WATER = 'per-dwelling' as const;

/** Dwellings of a residential building by the row's rule (undefined for a row on the per-m² basis). */
export function dwellingsOf(row: IntensityRow, floorAreaM2: number, o: Pick<DemandOptions, 'm2PerDwelling' | 'residentialHotWater'> = {}): number | undefined {
  if (row.hotWaterLPersonDay === undefined || (o.residentialHotWater ?? DEFAULT_RESIDENTIAL_HOT_WATER) !== 'per-dwelling') return undefined;
  if (row.dwellingsPerBuilding !== undefined && row.dwellingsPerBuilding > 0) return row.dwellingsPerBuilding;
  const m2 = o.m2PerDwelling ?? row.m2PerDwelling!;
  return Math.max(1, floorAreaM2 / m2);
}

/** Hot water volume of one building, litres a year at 43 °C. */
export function hotWaterLitres(row: IntensityRow, floorAreaM2: number, o: DemandOptions): number {
  const d = dwellingsOf(row, floorAreaM2, o);
  if (d === undefined) return floorAreaM2 * row.hotWaterServedShare * row.hotWaterLM2a;
  if (floorAreaM2 <= 0) return 0;
  const perDwellingDay = o.hotWaterPerDwellingLDay ?? (o.personsPerDwelling ?? row.personsPerDwelling!) * (o.hotWaterPerPersonLDay ?? row.hotWaterLPersonDay!);
  return d * perDwellingDay * 365;
}

export interface DemandTotals {
  floorArea_m2: number;
  spaceHeat_MWh: number;
  hotWater_MWh: number;
  annualHeat_MWh: number;
  peak_kW: number;
  cooling_MWh: number;
  coolingPeak_kW: number;
  /** Use categories with floor area but no cooling value for the region in the table. */
  coolingNotGiven: string[];
}

/** Per-building cooling: annual MWh/a and design peak kW (the building table's coolMWh / coolPeakKw columns). */
export interface CoolingColumns {
  coolMWh: Float64Array;
  coolPeakKw: Float64Array;
}

/** The cooling columns of `t` (zeros until computeDemand has run on it), kept for the callers of the old side table. */
export function coolingColumns(t: BuildingTable): CoolingColumns {
  return { coolMWh: t.coolMWh, coolPeakKw: t.coolPeakKw };
}

export function resolvedDemandParameters(o: DemandOptions) {
  return {
    climateRegion: o.climate.region,
    climateCity: o.climate.city,
    hdd18_Kd: o.climate.hdd18Kd,
    refHdd18_Kd: o.refHdd18Kd ?? 1822,
    hddScaling: o.hddScaling ?? 'linear',
    meanTemp_C: o.climate.meanTempC,
    designTemp_C: o.climate.designTempC,
    mainsWaterTemp_C: mainsWaterTemp(o.climate),
    hotWaterTemp_C: o.hotWaterTempC ?? 43,
    hotWaterFullLoadHours_h: o.hotWaterFullLoadHours ?? 1500,
    greenhouseMean_W_m2K: o.greenhouseMeanWm2K ?? 1.9,
    greenhousePeak_W_m2K: o.greenhousePeakWm2K ?? 5.6,
    baseTemp_C: o.baseTempC ?? 18,
    residentialHotWater: o.residentialHotWater ?? DEFAULT_RESIDENTIAL_HOT_WATER,
    personsPerDwelling: o.personsPerDwelling ?? 'intensity table',
    m2PerDwelling: o.m2PerDwelling ?? 'intensity table',
    hotWaterPerPerson_L_day: o.hotWaterPerPersonLDay ?? 'intensity table',
    hotWaterPerDwelling_L_day: o.hotWaterPerDwellingLDay ?? null,
    intensityRegion: o.intensityRegion ?? null,
  };
}

/** Annual mean mains water temperature, °C, from the region's formula (METHODS.md s.2). */
export function mainsWaterTemp(c: ClimateRegion): number {
  return c.hwA * c.meanTempC + c.hwB;
}

/** The warning of a building whose use has no cooling value for the region (one per building, as tiles add up). */
export const COOLING_NOT_GIVEN = 'cooling-not-given';
const COOLING_NOT_GIVEN_MESSAGE =
  "no cooling intensity for the building's use in the climate region in the intensity table: its cooling is 0, not estimated (give --intensity with cool_kWh_m2a_rN and coolPeak_W_m2_rN)";

export function computeDemand(t: BuildingTable, intensity: IntensityRow[], o: DemandOptions, warnings?: Warnings): DemandTotals {
  const p = resolvedDemandParameters(o);
  const ratio = p.hdd18_Kd / p.refHdd18_Kd;
  const scale = p.hddScaling === 'sqrt' ? Math.sqrt(ratio) : ratio;
  const kwhPerL = (4.2 * (p.hotWaterTemp_C - p.mainsWaterTemp_C)) / 3600; // kJ/L -> kWh/L
  const degreeHours = p.hdd18_Kd * 24; // K·h
  const dT = Math.max(0, p.baseTemp_C - p.designTemp_C);
  const gh = CATEGORY_INDEX.greenhouse;
  const tot: DemandTotals = { floorArea_m2: 0, spaceHeat_MWh: 0, hotWater_MWh: 0, annualHeat_MWh: 0, peak_kW: 0, cooling_MWh: 0, coolingPeak_kW: 0, coolingNotGiven: [] };
  const cool = coolingColumns(t);
  // the climate region's cooling column (regions 1-8; none outside Japan, region 0)
  const rj = Number.isInteger(p.climateRegion) && p.climateRegion >= 1 && p.climateRegion <= 8 ? p.climateRegion - 1 : -1;
  // the table's region columns in use: the site's region, or outside Japan the region the user names (intensityRegion)
  const ir = o.intensityRegion;
  const tj = rj >= 0 ? rj : ir !== undefined && ir >= 1 && ir <= 8 ? ir - 1 : -1;
  // outside Japan with intensityRegion: space heat scaled by the site's HDD18 against that region's reference HDD18
  const scaleFrom = (j: number) => {
    const r = (p.hdd18_Kd / (REGION_HDD18[j + 1] ?? p.hdd18_Kd));
    return p.hddScaling === 'sqrt' ? Math.sqrt(r) : r;
  };
  const notGiven = new Set<number>();
  for (let i = 0; i < t.count; i++) {
    const c = t.category[i]!;
    const row = intensity[c]!;
    const fa = t.floorAreaM2[i]!;
    let shKwh: number, peakSh: number;
    if (c === gh) {
      const ground = t.footprintAreaM2[i]!;
      shKwh = (ground * p.greenhouseMean_W_m2K * degreeHours) / 1000;
      peakSh = (ground * p.greenhousePeak_W_m2K * dT) / 1000;
    } else if (tj >= 0 && row.heatKwhM2a[tj] !== undefined) {
      // the room-load model's value for the region (intermittent operation: its peak is the model's highest hour)
      shKwh = fa * row.heatKwhM2a[tj]!;
      peakSh = (fa * row.heatPeakWm2[tj]!) / 1000;
      if (rj < 0) shKwh *= scaleFrom(tj);
    } else {
      shKwh = fa * row.spaceHeatRefKwhM2a * scale;
      peakSh = degreeHours > 0 ? (shKwh / degreeHours) * dT : 0;
    }
    const hwKwh = Math.max(0, hotWaterLitres(row, fa, o) * kwhPerL);
    const peakHw = hwKwh / p.hotWaterFullLoadHours_h;
    t.spaceHeatMWh[i] = shKwh / 1000;
    t.hotWaterMWh[i] = hwKwh / 1000;
    t.heatMWh[i] = (shKwh + hwKwh) / 1000;
    t.peakKw[i] = peakSh + peakHw;
    const ca = tj >= 0 ? row.coolKwhM2a[tj] : undefined;
    const cp = tj >= 0 ? row.coolPeakWm2[tj] : undefined;
    if (ca === undefined || cp === undefined) {
      if (fa > 0) {
        notGiven.add(c);
        warnings?.add(COOLING_NOT_GIVEN, COOLING_NOT_GIVEN_MESSAGE, { file: t.files[t.fileIndex[i]!], record: t.id[i], message: `${USE_CATEGORIES[c]} in region ${p.climateRegion || '(none: outside Japan)'}` });
      }
      cool.coolMWh[i] = 0;
      cool.coolPeakKw[i] = 0;
    } else {
      cool.coolMWh[i] = (fa * ca) / 1000;
      cool.coolPeakKw[i] = (fa * cp) / 1000;
    }
    tot.cooling_MWh += cool.coolMWh[i]!;
    tot.coolingPeak_kW += cool.coolPeakKw[i]!;
    tot.floorArea_m2 += fa;
    tot.spaceHeat_MWh += t.spaceHeatMWh[i]!;
    tot.hotWater_MWh += t.hotWaterMWh[i]!;
    tot.annualHeat_MWh += t.heatMWh[i]!;
    tot.peak_kW += t.peakKw[i]!;
  }
  tot.coolingNotGiven = [...notGiven].sort((a, b) => a - b).map((c) => USE_CATEGORIES[c]!);
  return tot;
}
