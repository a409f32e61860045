/**
 * The media a network carries: hot water, chilled water or both (two pipe pairs in one trench). For each medium the
 * design temperatures the pipes are sized at, the design temperature difference to the ground that the per-pipe
 * W/m figures are quoted at, and the equivalent full hours that turn a design W/m into annual MWh:
 *   heat:  design dT = (T_supply + T_return) / 2 - T_ground; annual = sum over hours of max(0, (T_supply(h) +
 *          T_return) / 2 - T_ground), T_supply(h) from the supply curve of the outdoor temperature when one is given
 *          (weather needed), else constant; T_ground = ground_C (METHODS.md 5, 10 °C default);
 *   cold:  gains from the ground, design dT = max over hours of T_ground(h) - (T_supply + T_return) / 2; annual = sum
 *          of max(0, T_ground(h) - T_mean) (hours where the chilled water is warmer than the ground are not
 *          credited); T_ground(h) is the weather's ground temperature at pipe depth (the simulation's model), or the
 *          constant ground_C without weather.
 */
import { UsageError } from '../errors.js';
import type { Weather } from '../io/weather.js';
import type { SizingOptions } from './sizing.js';

export type Medium = 'heat' | 'cold';
export type Carries = 'heat' | 'cold' | 'both';

/** A supply temperature curve: outdoor °C -> supply °C, linear between points, flat outside (sorted by outdoor). */
export type SupplyCurve = readonly [number, number][];

/** Parse 'Tout:Tsupply' pairs ('-15:80,0:75,15:65' or a list of them); errors name the value. */
export function parseSupplyCurve(v: readonly string[] | string, returnC: number, flag = '--supply-curve'): SupplyCurve {
  const parts = typeof v === 'string' ? v.split(',') : v;
  const pts: [number, number][] = [];
  for (const p of parts) {
    const m = /^\s*([-+]?\d+(?:\.\d+)?)\s*:\s*([-+]?\d+(?:\.\d+)?)\s*$/.exec(p);
    if (!m) throw new UsageError('route-bad-supply-curve', `${flag} expects outdoor:supply pairs in °C, e.g. -15:80,0:75,15:65`, { value: p });
    const tout = Number(m[1]), ts = Number(m[2]);
    if (!(ts > returnC)) throw new UsageError('route-temperatures', `${flag}: supply ${ts} °C at outdoor ${tout} °C is not above the return temperature ${returnC} °C`, { value: p });
    pts.push([tout, ts]);
  }
  if (pts.length === 0) throw new UsageError('route-bad-supply-curve', `${flag} needs at least one outdoor:supply pair`, { value: String(v) });
  pts.sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < pts.length; k++) if (pts[k]![0] === pts[k - 1]![0]) throw new UsageError('route-bad-supply-curve', `${flag}: outdoor temperature ${pts[k]![0]} °C given twice`, { value: String(v) });
  return pts;
}

/** Supply temperature at outdoor temperature t, °C. */
export function supplyAt(curve: SupplyCurve, t: number): number {
  if (t <= curve[0]![0]) return curve[0]![1];
  const last = curve[curve.length - 1]!;
  if (t >= last[0]) return last[1];
  for (let k = 1; k < curve.length; k++) {
    const [x1, y1] = curve[k]!;
    if (t <= x1) {
      const [x0, y0] = curve[k - 1]!;
      return y0 + ((t - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return last[1];
}

export interface MediumSetup {
  medium: Medium;
  sizing: SizingOptions;
  /** ground temperature the design W/m figures refer to, °C */
  groundDesignC: number;
  /** design temperature difference water - ground (heat) or ground - water (cold), K */
  designDeltaK: number;
  /** annual sum of the hourly difference / designDeltaK: loss MWh/a = design W/m x length x equivalentHours / 1e6 */
  equivalentHours: number;
  /** how the annual figure was obtained (text for the outputs) */
  basis: string;
}

/** Design and annual temperature differences of a medium; see the file header. */
export function mediumSetup(medium: Medium, sizing: SizingOptions, o: { groundC: number; weather?: Weather; supplyCurve?: SupplyCurve; hoursPerYear: number }): MediumSetup {
  const meanC = (sizing.supplyC + sizing.returnC) / 2;
  if (medium === 'heat') {
    const designDeltaK = meanC - o.groundC;
    if (!o.weather || !o.supplyCurve) {
      return { medium, sizing, groundDesignC: o.groundC, designDeltaK, equivalentHours: designDeltaK > 0 ? o.hoursPerYear : 0, basis: `constant ${sizing.supplyC}/${sizing.returnC} °C against ground ${o.groundC} °C, ${o.hoursPerYear} h` };
    }
    let sum = 0;
    for (let h = 0; h < o.weather.hours; h++) sum += Math.max(0, (supplyAt(o.supplyCurve, o.weather.airC[h]!) + sizing.returnC) / 2 - o.groundC);
    return {
      medium,
      sizing,
      groundDesignC: o.groundC,
      designDeltaK,
      equivalentHours: designDeltaK > 0 ? sum / designDeltaK : 0,
      basis: `supply curve ${o.supplyCurve.map(([a, b]) => `${a}:${b}`).join(',')} °C on ${o.weather.file}, return ${sizing.returnC} °C, ground ${o.groundC} °C`,
    };
  }
  if (!o.weather) {
    const designDeltaK = o.groundC - meanC;
    return { medium, sizing, groundDesignC: o.groundC, designDeltaK, equivalentHours: designDeltaK > 0 ? o.hoursPerYear : 0, basis: `constant ${sizing.supplyC}/${sizing.returnC} °C against ground ${o.groundC} °C, ${o.hoursPerYear} h` };
  }
  let max = -Infinity, sum = 0;
  for (let h = 0; h < o.weather.hours; h++) {
    const g = o.weather.groundC[h]!;
    max = Math.max(max, g);
    sum += Math.max(0, g - meanC);
  }
  const designDeltaK = max - meanC;
  return {
    medium,
    sizing,
    groundDesignC: max,
    designDeltaK,
    equivalentHours: designDeltaK > 0 ? sum / designDeltaK : 0,
    basis: `${sizing.supplyC}/${sizing.returnC} °C against the hourly ground temperature of ${o.weather.file} (${o.weather.groundSource}; design at its maximum ${max.toFixed(2)} °C)`,
  };
}
