/**
 * Pumping from the sized pipes (METHODS.md 5): the pressure drop of the critical path (the plant-to-consumer path,
 * service pipe included, with the largest sum of Pa/m x length, supply and return) at the design (coincident) flow,
 * plus the pressure difference across the critical consumer's substation and across the plant. At part load the
 * friction terms fall with the square of the flow while the differential pressure held at the critical substation
 * does not fall below a minimum:
 *   head(x) = max(minDp, substationDp x^2) + (pathDp + plantDp) x^2,  x = flow / design flow
 *   power(x) = head(x) x V_design x / eta
 * Substation, plant and minimum differential pressures and the pump efficiency have no source in METHODS.md: they are
 * options labelled ASSUMPTION.
 */

export interface PumpingOptions {
  /** pressure difference across the critical consumer's substation at design flow, kPa (ASSUMPTION) */
  substationDpKpa: number;
  /** pressure drop across the plant at design flow, kPa (ASSUMPTION) */
  plantDpKpa: number;
  /** minimum differential pressure held at the critical substation at part load, kPa (ASSUMPTION) */
  minDpKpa: number;
  /** pump and motor efficiency, 0..1 (ASSUMPTION; the simulation's 0.6) */
  pumpEfficiency: number;
}

export const DEFAULT_PUMPING: PumpingOptions = { substationDpKpa: 50, plantDpKpa: 50, minDpKpa: 50, pumpEfficiency: 0.6 };

export interface PumpingResult {
  /** route length of the critical path (trench), m, and the consumer at its end (index) */
  criticalPath_m: number;
  criticalConsumer: number;
  /** supply + return friction along it at design flow, kPa */
  pathDp_kPa: number;
  head_kPa: number;
  /** design volume flow at the plant, m³/h */
  flow_m3_h: number;
  /** design pump power, kW (electric) */
  power_kW: number;
  /** annual pump electricity, MWh/a (needs the hourly load: coincident loads), else null */
  energy_MWh_a: number | null;
}

/**
 * Pumping for one plant's network: `pathPa` = friction from the plant to each consumer (supply + return), Pa, with its
 * trench length; `designKw` the plant's design load and `hourlyKw` the hourly load through the plant (or undefined).
 */
export function pumping(
  paths: { consumer: number; pathPa: number; pathM: number }[],
  designKw: number,
  hourlyKw: Float64Array | undefined,
  water: { densityKgM3: number; cpKjKgK: number; deltaK: number },
  o: PumpingOptions,
): PumpingResult {
  let crit = { consumer: -1, pathPa: 0, pathM: 0 };
  for (const p of paths) if (p.pathPa > crit.pathPa || crit.consumer < 0) crit = p;
  const pathKpa = crit.pathPa / 1000;
  const head = Math.max(o.minDpKpa, o.substationDpKpa) + pathKpa + o.plantDpKpa;
  const vDesign = designKw > 0 && water.deltaK > 0 ? designKw / (water.cpKjKgK * water.deltaK) / water.densityKgM3 : 0; // m³/s
  const power = (head * vDesign) / o.pumpEfficiency; // kPa x m³/s = kW
  let energy: number | null = null;
  if (hourlyKw && designKw > 0) {
    let e = 0;
    for (let h = 0; h < hourlyKw.length; h++) {
      const x = Math.max(0, hourlyKw[h]!) / designKw;
      if (x <= 0) continue;
      const hd = Math.max(o.minDpKpa, o.substationDpKpa * x * x) + (pathKpa + o.plantDpKpa) * x * x;
      e += (hd * vDesign * x) / o.pumpEfficiency;
    }
    energy = e / 1000;
  }
  return {
    criticalPath_m: crit.pathM,
    criticalConsumer: crit.consumer,
    pathDp_kPa: pathKpa,
    head_kPa: head,
    flow_m3_h: vDesign * 3600,
    power_kW: power,
    energy_MWh_a: energy,
  };
}
