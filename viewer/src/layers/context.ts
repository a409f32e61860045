/** What every layer factory gets: the loaded run and the view state the panel controls. */
import type { RunData } from '../data.js';

export interface LayerContext {
  data: RunData;
  /** Hour of the year the time slider is at (0-based). */
  hour: number;
  /** Demand at `hour` over the year's peak demand (0..1), from hourly.csv; 1 without it. */
  hourFactor: number;
  /** Draw the demand grid as columns. */
  extruded: boolean;
  /** The network's linear heat density threshold, kW/m (colour break). */
  thresholdKwPerM: number;
}

/** Default kW/m threshold when network.geojson does not state one (METHODS.md, seed 003: 0.17 kW/m). */
export const DEFAULT_THRESHOLD_KW_PER_M = 0.17;
