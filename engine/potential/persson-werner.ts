/**
 * Persson & Werner's distribution-capital model, as METHODS.md §4 gives it (after HotMaps/dh_economic_assessment,
 * without its intercept bug): plot ratio e = floor area / land area; effective width w = 137.5·e + 5 m for e <= 0.4,
 * else 60 m; trench length per land area L = 1/w; average pipe diameter d = 0.0486·ln(Q/L [GJ/m]) + 0.0007 m
 * (0.02 m below 1.5 GJ/m); capital cost per metre of trench C1 + C2·d (212 EUR/m, 4,464 EUR/m²).
 */

export const PERSSON_WERNER = {
  /** EUR per m of trench. */
  c1EurPerM: 212,
  /** EUR per m of trench per m of diameter. */
  c2EurPerM2: 4464,
  source: 'Persson & Werner, as in HotMaps/dh_economic_assessment (METHODS.md §4; intercept 0.0007 m as published)',
};

/** Effective width w, m, from the plot ratio e (floor area / land area). */
export function effectiveWidthM(plotRatio: number): number {
  return plotRatio <= 0.4 ? 137.5 * plotRatio + 5 : 60;
}

export interface DistributionEstimate {
  plotRatio: number;
  effectiveWidthM: number;
  /** Trench length, m (land area / w). */
  trenchM: number;
  /** Annual demand per m of trench, MWh/(m·a). */
  linearHeatDensityMWhPerM: number;
  /** Average pipe diameter, m. */
  diameterM: number;
  /** Distribution capital cost, EUR (trench x (C1 + C2·d)). */
  capitalEur: number;
}

/**
 * Trench length, linear heat density, diameter and distribution capital of an area with `landM2` of land,
 * `floorM2` of floor area (or a given plot ratio) and `heatMWh` of annual demand.
 */
export function perssonWerner(landM2: number, floorM2: number | undefined, heatMWh: number, opts: { plotRatio?: number } = {}): DistributionEstimate {
  const e = opts.plotRatio ?? (floorM2 !== undefined && landM2 > 0 ? floorM2 / landM2 : NaN);
  const w = Number.isFinite(e) ? effectiveWidthM(e) : 60;
  const trench = landM2 / w;
  const qPerL = trench > 0 ? heatMWh / trench : 0;
  const gjPerM = qPerL * 3.6;
  const d = gjPerM < 1.5 ? 0.02 : 0.0486 * Math.log(gjPerM) + 0.0007;
  return {
    plotRatio: e,
    effectiveWidthM: w,
    trenchM: trench,
    linearHeatDensityMWhPerM: qPerL,
    diameterM: d,
    capitalEur: trench * (PERSSON_WERNER.c1EurPerM + PERSSON_WERNER.c2EurPerM2 * d),
  };
}
