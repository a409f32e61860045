/**
 * Annual heat demand (space heating and hot water separately) and design peak per building.
 *
 * Space heating: intensity at the reference climate (kWh/m²·a, table) x HDD18(site) / HDD18(reference), linear by
 * default (THERMOS uses sqrt; `hddScaling: 'sqrt'`). Greenhouses: ground area x 1.9 W/m²K x HDD18 x 24 h.
 * Hot water: litres/m²·a x 4.2 kJ/(L·K) x (43 °C - Tw), Tw = a·Toa + b with the site's annual mean Toa (METHODS.md s.2).
 * Peak: space heating through the same degree-day model, H = Q / (HDD·24 h), peak = H x (18 °C - design temperature);
 * hot water as annual / full-load hours (an option); greenhouse 5.6 W/m²K x (18 °C - design temperature).
 */
import { CATEGORY_INDEX, type BuildingTable } from '../buildings/table.js';
import type { ClimateRegion, IntensityRow } from './tables.js';

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
}

export interface DemandTotals {
  floorArea_m2: number;
  spaceHeat_MWh: number;
  hotWater_MWh: number;
  annualHeat_MWh: number;
  peak_kW: number;
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
  };
}

/** Annual mean mains water temperature, °C, from the region's formula (METHODS.md s.2). */
export function mainsWaterTemp(c: ClimateRegion): number {
  return c.hwA * c.meanTempC + c.hwB;
}

export function computeDemand(t: BuildingTable, intensity: IntensityRow[], o: DemandOptions): DemandTotals {
  const p = resolvedDemandParameters(o);
  const ratio = p.hdd18_Kd / p.refHdd18_Kd;
  const scale = p.hddScaling === 'sqrt' ? Math.sqrt(ratio) : ratio;
  const kwhPerL = (4.2 * (p.hotWaterTemp_C - p.mainsWaterTemp_C)) / 3600; // kJ/L -> kWh/L
  const degreeHours = p.hdd18_Kd * 24; // K·h
  const dT = Math.max(0, p.baseTemp_C - p.designTemp_C);
  const gh = CATEGORY_INDEX.greenhouse;
  const tot: DemandTotals = { floorArea_m2: 0, spaceHeat_MWh: 0, hotWater_MWh: 0, annualHeat_MWh: 0, peak_kW: 0 };
  for (let i = 0; i < t.count; i++) {
    const c = t.category[i]!;
    const row = intensity[c]!;
    const fa = t.floorAreaM2[i]!;
    let shKwh: number, peakSh: number;
    if (c === gh) {
      const ground = t.footprintAreaM2[i]!;
      shKwh = (ground * p.greenhouseMean_W_m2K * degreeHours) / 1000;
      peakSh = (ground * p.greenhousePeak_W_m2K * dT) / 1000;
    } else {
      shKwh = fa * row.spaceHeatRefKwhM2a * scale;
      peakSh = degreeHours > 0 ? (shKwh / degreeHours) * dT : 0;
    }
    const hwKwh = Math.max(0, fa * row.hotWaterLM2a * kwhPerL);
    const peakHw = hwKwh / p.hotWaterFullLoadHours_h;
    t.spaceHeatMWh[i] = shKwh / 1000;
    t.hotWaterMWh[i] = hwKwh / 1000;
    t.heatMWh[i] = (shKwh + hwKwh) / 1000;
    t.peakKw[i] = peakSh + peakHw;
    tot.floorArea_m2 += fa;
    tot.spaceHeat_MWh += t.spaceHeatMWh[i]!;
    tot.hotWater_MWh += t.hotWaterMWh[i]!;
    tot.annualHeat_MWh += t.heatMWh[i]!;
    tot.peak_kW += t.peakKw[i]!;
  }
  return tot;
}
