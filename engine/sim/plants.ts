/**
 * Plants, fuels and their factors (METHODS.md 6, 7). A plant is a plain record; its hourly conversion (efficiency,
 * heat-pump COP from source and supply temperature) is computed here. Every default that METHODS.md does not give is
 * marked as an assumption and can be overridden per plant.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { Weather } from '../io/weather.js';

export const PLANT_TYPES = ['biomass', 'gas_boiler', 'kerosene_boiler', 'heat_pump', 'chp', 'waste_heat', 'storage'] as const;
export type PlantType = (typeof PLANT_TYPES)[number];

const TYPE_ALIASES: Record<string, PlantType> = {
  biomass: 'biomass', wood: 'biomass', wood_chip: 'biomass', woodchip: 'biomass', biomass_boiler: 'biomass',
  gas: 'gas_boiler', gas_boiler: 'gas_boiler', boiler: 'gas_boiler',
  kerosene: 'kerosene_boiler', kerosene_boiler: 'kerosene_boiler', oil: 'kerosene_boiler', oil_boiler: 'kerosene_boiler',
  heat_pump: 'heat_pump', hp: 'heat_pump', heatpump: 'heat_pump',
  chp: 'chp', cogeneration: 'chp', cgs: 'chp',
  waste_heat: 'waste_heat', wasteheat: 'waste_heat', excess_heat: 'waste_heat',
  storage: 'storage', thermal_storage: 'storage', tank: 'storage',
};

export interface PlantSpec {
  id: string;
  type: PlantType;
  /** Heat output capacity, kW (storage: maximum charge/discharge rate). */
  capacityKw: number;
  /** Fuel: 'wood_chip', 'kerosene', 'gas', 'electricity', 'none' (waste heat). */
  fuel: string;
  /** Heat out / fuel in (LHV). Defaults by type: see DEFAULT_EFFICIENCY. */
  efficiency?: number;
  /** Minimum output as a fraction of capacity (biomass default 0.3, an assumption; others 0). */
  minLoadFraction?: number;
  /** Below minimum load: run at minimum and count the excess as surplus ('surplus', default), or switch off. */
  belowMinLoad?: 'surplus' | 'off';
  /** 'constant': seed 003's base plant at constant output; 'merit' (default): follows load in merit order. */
  mode?: 'merit' | 'constant';
  /** Constant output, kW; default min(capacity, case-0 peak load). */
  constantKw?: number;
  /** Merit rank, lower runs first; default by type (waste heat 0, CHP 1, biomass 2, heat pump 3, storage 3.5, gas 4, kerosene 5). */
  merit?: number;
  /** Heat pump source. */
  source?: 'sewage' | 'river' | 'ground' | 'air';
  /** Heat pump source temperature, °C, constant (overrides the source's series). */
  sourceC?: number;
  /** Heat pump Carnot fraction eta (METHODS.md 6: 0.4 air, 0.5 water, 0.55 ground loop). */
  carnotEta?: number;
  /** Heat pump COP cap (default 8, an assumption: guards against a source near the sink temperature). */
  maxCop?: number;
  /** CHP electric efficiency (electricity out / fuel in); default 0.35 (an assumption). */
  electricEfficiency?: number;
  /** Storage: energy capacity, kWh. */
  capacityKwh?: number;
  /** Storage: fraction of content lost per hour; default 0.001 (an assumption). */
  lossPerHour?: number;
  /** Storage: content at hour 0 as a fraction of capacity; default 0.5. */
  initialFraction?: number;
  /** Network the plant feeds (multi-network files). */
  network?: string;
}

export interface BackupSpec {
  /** Backup fuel (seed 003: kerosene heaters). */
  fuel: string;
  /** Heat out / fuel in; default 0.85 (an assumption, no value in METHODS.md). */
  efficiency: number;
  /** Backup capacity, kW; default unlimited. */
  capacityKw: number;
  enabled: boolean;
}

export const DEFAULT_BACKUP: BackupSpec = { fuel: 'kerosene', efficiency: 0.85, capacityKw: Infinity, enabled: true };

/** Default heat/fuel efficiencies by type. biomass 0.75: midpoint of the 60-90 % in METHODS.md 7; the others are assumptions. */
export const DEFAULT_EFFICIENCY: Record<PlantType, number> = {
  biomass: 0.75, gas_boiler: 0.9, kerosene_boiler: 0.85, heat_pump: 1, chp: 0.45, waste_heat: 1, storage: 1,
};
const DEFAULT_FUEL: Record<PlantType, string> = {
  biomass: 'wood_chip', gas_boiler: 'gas', kerosene_boiler: 'kerosene', heat_pump: 'electricity', chp: 'gas', waste_heat: 'none', storage: 'none',
};
const DEFAULT_MERIT: Record<PlantType, number> = { waste_heat: 0, chp: 1, biomass: 2, heat_pump: 3, storage: 3.5, gas_boiler: 4, kerosene_boiler: 5 };
export const CARNOT_ETA: Record<string, number> = { air: 0.4, sewage: 0.5, river: 0.5, ground: 0.55 };

export interface FuelSpec {
  /** Energy per unit (LHV), MJ, and the unit name. */
  mjPerUnit?: number;
  unit?: string;
  /** kg CO2 per MJ of fuel. */
  co2KgPerMj: number;
  /** Primary energy per MJ of fuel. */
  primaryPerMj: number;
  source: string;
}

/** Fuels (METHODS.md 7). Wood: CO2 0 (biogenic) and primary energy counted 1:1 are assumptions. */
export const FUELS: Record<string, FuelSpec> = {
  kerosene: { mjPerUnit: 36.7, unit: 'L', co2KgPerMj: 2.49 / 36.7, primaryPerMj: 1, source: 'METHODS.md 7: 36.7 GJ/kL, 2.49 kg CO2/L' },
  gas: { mjPerUnit: 45, unit: 'Nm3', co2KgPerMj: 2.29 / 45, primaryPerMj: 1, source: 'METHODS.md 7: city gas 13A 45 MJ/Nm3, 2.29 kg CO2/m3' },
  wood_chip: { co2KgPerMj: 0, primaryPerMj: 1, source: 'assumption: biogenic CO2 not counted; primary energy = wood energy' },
  none: { co2KgPerMj: 0, primaryPerMj: 0, source: 'waste heat: no fuel' },
};
const FUEL_ALIASES: Record<string, string> = { wood: 'wood_chip', woodchip: 'wood_chip', biomass: 'wood_chip', city_gas: 'gas', '13a': 'gas', lng: 'gas', oil: 'kerosene', waste_heat: 'none', electricity: 'electricity', power: 'electricity' };

export function fuelKey(fuel: string): string {
  const f = fuel.trim().toLowerCase();
  return FUEL_ALIASES[f] ?? f;
}

/** Plant record as written in network.geojson or a plants file (snake-case keys with units). */
export const plantRecordSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    type: z.string(),
    capacity_kW: z.number().positive(),
    // network.geojson writes fuel: null for a plant given by position and type only: the type's default fuel then
    fuel: z.string().nullish().transform((f) => f ?? undefined),
    efficiency: z.number().positive().max(1.2).optional(),
    minLoadFraction: z.number().min(0).max(1).optional(),
    belowMinLoad: z.enum(['surplus', 'off']).optional(),
    mode: z.enum(['merit', 'constant']).optional(),
    constant_kW: z.number().nonnegative().optional(),
    merit: z.number().optional(),
    source: z.enum(['sewage', 'river', 'ground', 'air']).optional(),
    source_C: z.number().optional(),
    carnotEta: z.number().positive().max(1).optional(),
    maxCop: z.number().positive().optional(),
    electricEfficiency: z.number().min(0).max(1).optional(),
    capacity_kWh: z.number().positive().optional(),
    lossPerHour: z.number().min(0).max(1).optional(),
    initialFraction: z.number().min(0).max(1).optional(),
    network: z.union([z.string(), z.number()]).transform(String).optional(),
  })
  .passthrough();
export type PlantRecord = z.input<typeof plantRecordSchema>;

/** Turn a validated plant record into a PlantSpec (type alias resolved, fuel defaulted). */
export function plantFromRecord(rec: z.output<typeof plantRecordSchema>, file: string, record: string | number): PlantSpec {
  const type = TYPE_ALIASES[rec.type.trim().toLowerCase()];
  if (!type) {
    throw new InputError('plant-bad-type', 'unknown plant type', { file, record, value: rec.type, hint: `use one of ${Object.keys(TYPE_ALIASES).join(', ')}` });
  }
  if (type === 'storage' && !rec.capacity_kWh) {
    throw new InputError('plant-bad-storage', 'a storage plant needs capacity_kWh', { file, record, value: rec });
  }
  const fuel = fuelKey(rec.fuel ?? DEFAULT_FUEL[type]);
  if (fuel !== 'electricity' && !FUELS[fuel]) {
    throw new InputError('plant-bad-fuel', 'unknown fuel', { file, record, value: rec.fuel, hint: `use one of ${[...Object.keys(FUELS), 'electricity'].join(', ')}` });
  }
  return {
    id: rec.id, type, capacityKw: rec.capacity_kW, fuel, efficiency: rec.efficiency, minLoadFraction: rec.minLoadFraction,
    belowMinLoad: rec.belowMinLoad, mode: rec.mode, constantKw: rec.constant_kW, merit: rec.merit, source: rec.source,
    sourceC: rec.source_C, carnotEta: rec.carnotEta, maxCop: rec.maxCop, electricEfficiency: rec.electricEfficiency,
    capacityKwh: rec.capacity_kWh, lossPerHour: rec.lossPerHour, initialFraction: rec.initialFraction, network: rec.network,
  };
}

export const meritOf = (p: PlantSpec): number => p.merit ?? DEFAULT_MERIT[p.type];
export const efficiencyOf = (p: PlantSpec): number => p.efficiency ?? DEFAULT_EFFICIENCY[p.type];
export const minLoadOf = (p: PlantSpec): number => p.minLoadFraction ?? (p.type === 'biomass' ? 0.3 : 0);

/** Hourly source temperature of a heat pump, °C. Sewage 15 °C and river = daily mean air floored at 2 °C are assumptions. */
export function heatPumpSourceC(p: PlantSpec, weather: Weather): Float64Array {
  const n = weather.hours;
  if (p.sourceC !== undefined) return new Float64Array(n).fill(p.sourceC);
  switch (p.source ?? 'air') {
    case 'air':
      return weather.airC;
    case 'ground':
      return weather.groundC;
    case 'sewage':
      return new Float64Array(n).fill(15);
    case 'river': {
      const out = new Float64Array(n);
      for (let d = 0; d * 24 < n; d++) {
        let s = 0;
        for (let h = 0; h < 24; h++) s += weather.airC[d * 24 + h];
        const v = Math.max(2, s / 24);
        for (let h = 0; h < 24; h++) out[d * 24 + h] = v;
      }
      return out;
    }
  }
}

/** COP = eta x T_sink / (T_sink - T_source), kelvin (METHODS.md 6), capped at maxCop. */
export function heatPumpCop(sinkC: number, sourceC: number, eta: number, maxCop = 8): number {
  const ts = sinkC + 273.15;
  const dt = sinkC - sourceC;
  if (dt <= 0) return maxCop;
  return Math.min(maxCop, (eta * ts) / dt);
}
