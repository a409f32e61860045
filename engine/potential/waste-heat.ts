/**
 * Waste heat from points (incinerators, factories, substations) with an available heat flow (kW) and a temperature
 * (°C). Temperature is kept per source and summarised: below the network's supply temperature it needs a heat pump.
 */
import { InputError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';
import { numberProp, type SourceFeature } from './vector-input.js';

export const WASTE_HEAT_DEFAULTS = {
  /** m; Hotmaps' 1 km band around point sources (treatment plants, METHODS.md §6), assumption for other plants. */
  accessM: 1000,
  /** h/a of availability when a source gives no MWh/a: assumption (all year). */
  hours: 8760,
  kwFields: ['kw', 'kW', 'capacity_kW', 'heat_kW', 'power_kw'],
  tempFields: ['temp_c', 'temperature', 'tempC', 'T'],
  mwhFields: ['mwh_a', 'MWh', 'heat_MWh'],
};

export interface WasteHeatSource {
  id: string;
  x: number;
  y: number;
  kw: number;
  tempC?: number;
  mwhA: number;
}

export function wasteHeatSources(features: SourceFeature[], warnings: Warnings, opts: { file?: string; hours?: number } = {}): WasteHeatSource[] {
  const out: WasteHeatSource[] = [];
  const d = WASTE_HEAT_DEFAULTS;
  for (const f of features) {
    const kw = numberProp(f.props, d.kwFields);
    if (kw === undefined) {
      warnings.add('waste-heat-no-kw', `waste-heat point without a kW attribute (${d.kwFields.join(', ')}) left out`, { file: opts.file, record: f.id });
      continue;
    }
    if (!(kw >= 0)) throw new InputError('waste-heat-bad-kw', 'waste heat must be a number >= 0 kW', { file: opts.file, record: f.id, value: kw });
    if (f.points.length === 0) {
      warnings.add('waste-heat-not-point', 'waste-heat feature without point geometry left out', { file: opts.file, record: f.id });
      continue;
    }
    const t = numberProp(f.props, d.tempFields);
    if (t === undefined) warnings.add('waste-heat-no-temperature', 'waste-heat point without a temperature', { file: opts.file, record: f.id });
    const mwh = numberProp(f.props, d.mwhFields);
    out.push({
      id: f.id,
      x: f.points[0]!,
      y: f.points[1]!,
      kw,
      tempC: t !== undefined && Number.isFinite(t) ? t : undefined,
      mwhA: mwh !== undefined && mwh >= 0 ? mwh : (kw * (opts.hours ?? d.hours)) / 1000,
    });
  }
  return out;
}
