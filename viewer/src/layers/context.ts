/** What every layer factory gets: the loaded run and the view state the panel controls. */
import type { RunData } from '../data.js';

/** How demand density is coloured: fixed MWh/(ha·a) classes (default) or a continuous ramp on a √ scale to the maximum. */
export type DemandScale = 'classes' | 'sqrt';

export interface LayerContext {
  data: RunData;
  /** Hour of the year the time slider is at (0-based). */
  hour: number;
  /** Demand at `hour` over the year's peak demand (0..1) of the case shown, from hourly.csv; 1 without it. */
  hourFactor: number;
  /** Draw the demand grid as columns. */
  extruded: boolean;
  /** The network's linear heat density threshold, kW/m (colour break). */
  thresholdKwPerM: number;
  /** Demand-density colouring of the grid and the blocks. */
  demandScale: DemandScale;
}

/** Default kW/m threshold when network.geojson does not state one (METHODS.md, seed 003: 0.17 kW/m). */
export const DEFAULT_THRESHOLD_KW_PER_M = 0.17;
