/**
 * Which climate the demand uses: a Japanese climate region (1-8, 省エネ基準地域区分) or, elsewhere, a degree-day
 * climate given by the user. The official region is assigned by municipality; without that table heatplan takes the
 * region of the nearest reference city and says so (override with --climate-region).
 */
import { inJapan } from '../crs/index.js';
import { UsageError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';
import type { ClimateRegion } from './tables.js';

export interface ClimateChoice {
  region?: number;
  hdd18Kd?: number;
  meanTempC?: number;
  designTempC?: number;
}

export function resolveClimate(regions: ClimateRegion[], choice: ClimateChoice, centre: [number, number], warnings: Warnings): ClimateRegion & { reason: string } {
  const [lon, lat] = centre;
  let base: ClimateRegion;
  let reason: string;
  if (choice.region !== undefined) {
    const r = regions.find((x) => x.region === choice.region);
    if (!r) throw new UsageError('climate-region', 'unknown climate region', { value: choice.region, hint: `use one of ${regions.map((x) => x.region).join(', ')}` });
    base = r;
    reason = `climate region ${r.region} given`;
  } else if (inJapan(lon, lat)) {
    let best = regions[0]!;
    let bd = Infinity;
    for (const r of regions) {
      const d = Math.hypot((r.lon - lon) * Math.cos((lat * Math.PI) / 180), r.lat - lat);
      if (d < bd) {
        bd = d;
        best = r;
      }
    }
    base = best;
    reason = `nearest reference city ${best.city} (region ${best.region}); the official region is set by municipality: set climateRegion (--climate-region) to override`;
    warnings.add('climate-region-guessed', reason);
  } else {
    if (choice.hdd18Kd === undefined) {
      throw new UsageError('climate-missing', `data at ${lon.toFixed(3)}, ${lat.toFixed(3)} is outside Japan: give the site's heating degree days`, {
        hint: 'give a weather file (--weather: HASP, CSV, EPW) or hdd_Kd (--hdd, K·d base 18 °C) and preferably meanTemp_C and designTemp_C (--mean-temp, --design-temp, °C)',
      });
    }
    // Outside Japan the Tw formula of regions 3-4 is used (an assumption, stated in the manifest).
    const r34 = regions.find((x) => x.region === 3) ?? regions[0]!;
    base = { ...r34, region: 0, city: 'user climate', lat, lon, source: 'user-given degree days; Tw formula of regions 3-4 (assumption)' };
    reason = 'outside Japan: degree days given by the user';
    if (choice.meanTempC === undefined) warnings.add('climate-mean-temp-assumed', `no --mean-temp: annual mean ${base.meanTempC} °C of region 3 assumed for mains water`);
    if (choice.designTempC === undefined) warnings.add('climate-design-temp-assumed', `no --design-temp: ${base.designTempC} °C of region 3 assumed for peaks`);
  }
  return {
    ...base,
    hdd18Kd: choice.hdd18Kd ?? base.hdd18Kd,
    meanTempC: choice.meanTempC ?? base.meanTempC,
    designTempC: choice.designTempC ?? base.designTempC,
    reason,
  };
}
