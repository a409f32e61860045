/**
 * Plants, fuels and their factors (METHODS.md 6, 7). A plant is a plain record; its hourly conversion (efficiency,
 * heat-pump COP from source and supply temperature, builelib part-load curves in machines.ts) is computed from it.
 * Every default that METHODS.md does not give is marked as an assumption and can be overridden per plant.
 * Efficiencies and COPs of fuel-fired machines are on gross calorific values (HHV), as the fuel values are
 * (METHODS.md 7: Japanese accounting is on HHV).
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import type { Weather } from '../io/weather.js';
import { findBuilelibType, type MachineCurves } from './curves.js';

export const PLANT_TYPES = [
  'biomass', 'gas_boiler', 'kerosene_boiler', 'heat_pump', 'chp', 'waste_heat', 'storage',
  'chiller', 'absorption_chiller', 'heat_recovery_hp', 'cold_storage',
] as const;
export type PlantType = (typeof PLANT_TYPES)[number];
/** What a plant type supplies: heat, cold, or both at once (heat-recovery heat pumps). */
export const PLANT_SIDE: Record<PlantType, 'heat' | 'cold' | 'both'> = {
  biomass: 'heat', gas_boiler: 'heat', kerosene_boiler: 'heat', heat_pump: 'heat', chp: 'heat', waste_heat: 'heat', storage: 'heat',
  chiller: 'cold', absorption_chiller: 'cold', heat_recovery_hp: 'both', cold_storage: 'cold',
};
/** The builelib type a heatplan type alias stands for when the record names none (curve source of the machine). */
const ALIAS_BUILELIB: Record<string, string> = {
  turbo_chiller: 'ターボ冷凍機', chiller: 'ターボ冷凍機', inverter_turbo_chiller: 'インバータターボ冷凍機', inv_turbo_chiller: 'インバータターボ冷凍機',
  absorption_chiller: '吸収式冷凍機(都市ガス)', absorption: '吸収式冷凍機(都市ガス)', heat_recovery_hp: 'パッケージエアコンディショナ(水冷式熱回収形)',
  heat_recovery_heat_pump: 'パッケージエアコンディショナ(水冷式熱回収形)', hr_heat_pump: 'パッケージエアコンディショナ(水冷式熱回収形)',
};

const TYPE_ALIASES: Record<string, PlantType> = {
  biomass: 'biomass', wood: 'biomass', wood_chip: 'biomass', woodchip: 'biomass', biomass_boiler: 'biomass',
  gas: 'gas_boiler', gas_boiler: 'gas_boiler', boiler: 'gas_boiler',
  kerosene: 'kerosene_boiler', kerosene_boiler: 'kerosene_boiler', oil: 'kerosene_boiler', oil_boiler: 'kerosene_boiler',
  heat_pump: 'heat_pump', hp: 'heat_pump', heatpump: 'heat_pump',
  chp: 'chp', cogeneration: 'chp', cgs: 'chp',
  waste_heat: 'waste_heat', wasteheat: 'waste_heat', excess_heat: 'waste_heat',
  storage: 'storage', thermal_storage: 'storage', tank: 'storage', heat_storage: 'storage',
  chiller: 'chiller', turbo_chiller: 'chiller', inverter_turbo_chiller: 'chiller', inv_turbo_chiller: 'chiller',
  absorption_chiller: 'absorption_chiller', absorption: 'absorption_chiller',
  heat_recovery_hp: 'heat_recovery_hp', heat_recovery_heat_pump: 'heat_recovery_hp', hr_heat_pump: 'heat_recovery_hp',
  cold_storage: 'cold_storage', chilled_water_storage: 'cold_storage', ice_storage: 'cold_storage', water_storage: 'cold_storage',
};

export interface PlantSpec {
  id: string;
  type: PlantType;
  /** Output capacity of all units together, kW: heat, or cold for chillers and heat-recovery heat pumps (storage: maximum charge/discharge rate). */
  capacityKw: number;
  /** Fuel: 'wood_chip', 'kerosene', 'gas', 'electricity', 'none' (waste heat). */
  fuel: string;
  /** Heat out / fuel in, HHV (gross calorific value, as the fuel values). Defaults by type: see DEFAULT_EFFICIENCY. */
  efficiency?: number;
  /** builelib type (ac_heat_source_performance.json) whose curves the machine follows; none: constant efficiency / COP. */
  builelib?: string;
  /** Rated output / rated input (cold for chillers and heat-recovery heat pumps; HHV for fuels), at builelib's rating. */
  cop?: number;
  /** Identical units of this machine (number control stages them), default 1. */
  units?: number;
  /** Number control (台数制御): run only as many units as the load needs (default true); false: all units whenever on. */
  stagingControl?: boolean;
  /** Supply water temperature of the machine for its supply-temperature curve, °C (default: the network's supply). */
  supplyWaterC?: number;
  /** Auxiliaries per unit, kW electric: 補機, primary pump, cooling-tower fan, cooling-tower pump (defaults: datasets/plants/auxiliaries.csv). */
  auxiliaryKw?: number;
  primaryPumpKw?: number;
  coolingTowerFanKw?: number;
  coolingTowerPumpKw?: number;
  /** Storage: 'surplus' charges from output above the load (default for heat), 'night' charges in the charge hours (default for cold). */
  charge?: 'surplus' | 'night';
  /** Storage charge hours [first, last] hour of day (default 22-7: a night-tariff window, an ASSUMPTION). */
  chargeHours?: [number, number];
  /** Storage: the machines (plant ids) that charge it, default every machine of its side. */
  chargeBy?: string[];
  /** Machine that only charges storage (e.g. a brine turbo chiller making ice, builelib ブラインターボ冷凍機(蓄熱時)). */
  storageOnly?: boolean;
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

/**
 * Default heat/fuel efficiencies by type, HHV. biomass 0.75: midpoint of the 60-90 % in METHODS.md 7; gas 0.9 and
 * kerosene 0.85 are ASSUMPTIONS (no source found; give the machine's HHV efficiency). Chillers and heat-recovery heat
 * pumps have no default: their rated COP must be given.
 */
export const DEFAULT_EFFICIENCY: Record<PlantType, number> = {
  biomass: 0.75, gas_boiler: 0.9, kerosene_boiler: 0.85, heat_pump: 1, chp: 0.45, waste_heat: 1, storage: 1,
  chiller: NaN, absorption_chiller: NaN, heat_recovery_hp: NaN, cold_storage: 1,
};
const DEFAULT_FUEL: Record<PlantType, string> = {
  biomass: 'wood_chip', gas_boiler: 'gas', kerosene_boiler: 'kerosene', heat_pump: 'electricity', chp: 'gas', waste_heat: 'none', storage: 'none',
  chiller: 'electricity', absorption_chiller: 'gas', heat_recovery_hp: 'electricity', cold_storage: 'none',
};
const DEFAULT_MERIT: Record<PlantType, number> = {
  waste_heat: 0, chp: 1, biomass: 2, heat_pump: 3, storage: 3.5, gas_boiler: 4, kerosene_boiler: 5,
  heat_recovery_hp: 0, cold_storage: 1, chiller: 2, absorption_chiller: 3,
};
export const CARNOT_ETA: Record<string, number> = { air: 0.4, sewage: 0.5, river: 0.5, ground: 0.55 };

export interface FuelSpec {
  /** Energy per unit (HHV, gross), MJ, and the unit name. */
  mjPerUnit?: number;
  unit?: string;
  /** kg CO2 per MJ of fuel. */
  co2KgPerMj: number;
  /** Primary energy per MJ of fuel (HHV) for a fossil fuel; non-fossil inputs follow the convention option instead. */
  primaryPerMj: number;
  /** Fossil (counted by the building law's definition of energy) or not (wood, unused heat: the convention decides). */
  fossil: boolean;
  source: string;
}

/** Fuels (METHODS.md 7), all on HHV. Wood: CO2 0 (biogenic) is an assumption. */
export const FUELS: Record<string, FuelSpec> = {
  kerosene: { mjPerUnit: 36.7, unit: 'L', co2KgPerMj: 2.49 / 36.7, primaryPerMj: 1, fossil: true, source: 'METHODS.md 7: 36.7 GJ/kL (HHV), 2.49 kg CO2/L' },
  gas: { mjPerUnit: 45, unit: 'Nm3', co2KgPerMj: 2.29 / 45, primaryPerMj: 1, fossil: true, source: 'METHODS.md 7: city gas 13A 45 MJ/Nm3 (総発熱量, HHV), 2.29 kg CO2/m3' },
  wood_chip: { co2KgPerMj: 0, primaryPerMj: 1, fossil: false, source: 'non-fossil: 0 by the law (METHODS.md 7) or 1:1 (convention "counted"); biogenic CO2 not counted (assumption)' },
  none: { co2KgPerMj: 0, primaryPerMj: 1, fossil: false, source: 'unused / waste heat (ごみ排熱 etc.): 0 by the law (METHODS.md 7) or 1:1 per MJ of heat used (convention "counted")' },
};

/**
 * How non-fossil fuels and unused heat count in the primary energy: 'law' (default): 0, as the building law defines
 * energy (fossil fuels and the heat and electricity made from them, METHODS.md 7); 'counted': 1 MJ per MJ.
 */
export type NonFossilConvention = 'law' | 'counted';
export const NON_FOSSIL_CONVENTIONS: readonly NonFossilConvention[] = ['law', 'counted'];

/** Primary energy per MJ of a fuel (HHV) under a convention. */
export function primaryPerMjOf(fuel: string, convention: NonFossilConvention = 'law'): number {
  const f = FUELS[fuel];
  if (!f) return 0;
  return f.fossil ? f.primaryPerMj : convention === 'counted' ? f.primaryPerMj : 0;
}
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
    builelib: z.string().optional(),
    cop: z.number().positive().max(30).optional(),
    units: z.number().int().min(1).optional(),
    stagingControl: z.boolean().optional(),
    supplyWater_C: z.number().optional(),
    auxiliary_kW: z.number().nonnegative().optional(),
    primaryPump_kW: z.number().nonnegative().optional(),
    coolingTowerFan_kW: z.number().nonnegative().optional(),
    coolingTowerPump_kW: z.number().nonnegative().optional(),
    charge: z.enum(['surplus', 'night']).optional(),
    chargeHours: z.tuple([z.number().int().min(0).max(23), z.number().int().min(0).max(23)]).optional(),
    chargeBy: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
    storageOnly: z.boolean().optional(),
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
    capacity_kWh: z.number().optional(),
    lossPerHour: z.number().min(0).max(1).optional(),
    initialFraction: z.number().min(0).max(1).optional(),
    network: z.union([z.string(), z.number()]).transform(String).optional(),
  })
  .passthrough();
export type PlantRecord = z.input<typeof plantRecordSchema>;

/** Keys of a plant record that carry a unit, by the bare name a user may write without it. */
const UNIT_KEYS: Record<string, string> = {
  capacity: 'capacity_kW (kW; storage: capacity_kW is the charge/discharge rate and capacity_kWh the energy, kWh)',
  capacity_kw: 'capacity_kW', capacitykw: 'capacity_kW', constant: 'constant_kW (kW)', constant_kw: 'constant_kW', energy: 'capacity_kWh (kWh)',
  capacity_kwh: 'capacity_kWh', storage: 'capacity_kWh (kWh)', source_c: 'source_C', sourcetemp: 'source_C (°C)', supplywater: 'supplyWater_C (°C)',
  supplywater_c: 'supplyWater_C', auxiliary: 'auxiliary_kW (kW)', primarypump: 'primaryPump_kW (kW)', coolingtowerfan: 'coolingTowerFan_kW (kW)',
  coolingtowerpump: 'coolingTowerPump_kW (kW)', output: 'capacity_kW (kW)', power: 'capacity_kW (kW)',
};

/**
 * Check a raw plant record before the schema: a key written without its unit (capacity: 700) is an error that names
 * the key and the spelling with the unit, instead of "capacity_kW: Required".
 */
export function checkPlantUnits(raw: unknown, file: string, record: string | number): void {
  if (!raw || typeof raw !== 'object') return;
  const known = new Set(Object.keys(plantRecordSchema.shape));
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (known.has(k)) continue;
    const want = UNIT_KEYS[k.toLowerCase().replace(/[-\s]/g, '')] ?? UNIT_KEYS[k.toLowerCase()];
    if (want) {
      const id = (raw as Record<string, unknown>).id;
      throw new InputError('plant-no-unit', `plant ${id !== undefined ? String(id) : ''} key "${k}" has no unit (or the wrong one)`.replace('  ', ' '), {
        file, record, value: { [k]: v }, hint: `write ${want}: plant keys carry their unit (capacity_kW, capacity_kWh, constant_kW, source_C, supplyWater_C, auxiliary_kW)`,
      });
    }
  }
}

const BUILELIB_FUEL: Record<string, string> = { 電力: 'electricity', ガス: 'gas', 灯油: 'kerosene', 温水: 'none', 蒸気: 'none' };

/** The heatplan type of a builelib machine: by the sides its curves cover and its fuel. */
function typeOfBuilelib(m: MachineCurves, file: string, record: string | number): PlantType {
  if (/熱回収/.test(m.name)) return 'heat_recovery_hp';
  const mode = m.cooling ?? m.heating;
  if (!mode || /地域熱供給|熱交換器|デシカ/.test(m.name) || /^地盤/.test(mode.source)) {
    throw new InputError('plant-bad-type', `builelib type ${m.name} (${m.id}) is not a plant machine heatplan can simulate`, {
      file, record, value: m.name, hint: 'district-heat purchases, heat exchangers, desiccant units and ground-source types (地盤) are not supported; name a chiller, boiler, absorption chiller or heat pump type',
    });
  }
  if (m.cooling) return m.cooling.fuel === '電力' ? 'chiller' : 'absorption_chiller';
  const fuel = m.heating!.fuel;
  return fuel === '電力' ? 'heat_pump' : fuel === '灯油' ? 'kerosene_boiler' : 'gas_boiler';
}

/** Turn a validated plant record into a PlantSpec (type alias or builelib type resolved, fuel defaulted). */
export function plantFromRecord(rec: z.output<typeof plantRecordSchema>, file: string, record: string | number): PlantSpec {
  const key = rec.type.trim().toLowerCase();
  let type: PlantType | undefined = TYPE_ALIASES[key];
  let curves: MachineCurves | undefined;
  const named = rec.builelib ?? (type ? ALIAS_BUILELIB[key] : rec.type);
  if (named !== undefined) {
    curves = findBuilelibType(named);
    if (!curves && (rec.builelib !== undefined || !type)) {
      throw new InputError('plant-bad-type', rec.builelib !== undefined ? 'builelib type not in ac_heat_source_performance.json' : 'unknown plant type', {
        file, record: `${record} (plant ${rec.id})`, value: named,
        hint: `use one of ${Object.keys(TYPE_ALIASES).join(', ')}, or a builelib type name or ID (datasets/builelib/ac_heat_source_performance.json, e.g. ターボ冷凍機 / TurboChiller)`,
      });
    }
    if (!type && curves) type = typeOfBuilelib(curves, file, record);
    if (curves && rec.builelib !== undefined) typeOfBuilelib(curves, file, record); // supported at all
  }
  if (!type) throw new InputError('plant-bad-type', 'unknown plant type', { file, record, value: rec.type });
  const where = `${record} (plant ${rec.id})`;
  if (type === 'storage' || type === 'cold_storage') {
    if (rec.capacity_kWh === undefined) throw new InputError('plant-bad-storage', 'a storage plant needs capacity_kWh (its energy content, kWh)', { file, record: where, value: rec });
    if (!(rec.capacity_kWh > 0)) throw new InputError('plant-bad-storage', 'storage capacity_kWh must be above 0', { file, record: where, value: rec.capacity_kWh, hint: 'give the tank\'s usable content in kWh, or remove the storage' });
    if (type === 'cold_storage' && rec.charge === 'surplus') throw new InputError('plant-bad-storage', 'cold storage charges on its schedule (charge: night, chargeHours) only: the cold side makes no surplus', { file, record: where, value: rec.charge });
  }
  const builelibFuel = curves ? BUILELIB_FUEL[(PLANT_SIDE[type] === 'heat' ? curves.heating : curves.cooling ?? curves.heating)?.fuel ?? ''] : undefined;
  if (curves && !rec.fuel && builelibFuel === undefined) {
    throw new InputError('plant-bad-fuel', `builelib type ${curves.name} burns a fuel heatplan has no HHV value for`, { file, record: where, value: (curves.cooling ?? curves.heating)?.fuel, hint: `give fuel: one of ${Object.keys(FUELS).join(', ')}, electricity` });
  }
  const defaultFuel = type === 'absorption_chiller' && curves?.cooling?.fuel === '温水' ? 'none' : builelibFuel ?? DEFAULT_FUEL[type];
  const fuel = fuelKey(rec.fuel ?? defaultFuel);
  if (fuel !== 'electricity' && !FUELS[fuel]) {
    throw new InputError('plant-bad-fuel', 'unknown fuel', { file, record: where, value: rec.fuel, hint: `use one of ${[...Object.keys(FUELS), 'electricity'].join(', ')}` });
  }
  if ((type === 'chiller' || type === 'absorption_chiller' || type === 'heat_recovery_hp') && rec.cop === undefined) {
    throw new InputError('plant-no-cop', `a ${type.replace(/_/g, ' ')} needs its rated cop (rated cold output / rated input${fuel === 'electricity' ? ', electric' : fuel === 'none' ? ', driving heat' : ', fuel on HHV'})`, {
      file, record: where, value: rec, hint: 'heatplan has no default COP for chillers: give cop from the machine\'s data sheet (builelib\'s curves scale it)',
    });
  }
  if (curves && fuel === 'electricity' && rec.cop === undefined) {
    throw new InputError('plant-no-cop', `an electric builelib machine (${curves.name}) needs its rated cop (rated output / rated electric input)`, {
      file, record: where, value: rec, hint: 'give cop from the machine\'s data sheet: builelib\'s curves scale the rated input, they do not give it',
    });
  }
  if (curves && rec.source_C !== undefined) {
    const m = PLANT_SIDE[type] === 'heat' ? curves.heating : curves.cooling;
    const cap = m?.capacity ?? [];
    if (cap.length && cap[cap.length - 1].upper > cap[0].lower && (rec.source_C < cap[0].lower || rec.source_C > cap[cap.length - 1].upper)) {
      throw new InputError('plant-curve-range', `source_C is outside the range of ${curves.name}'s capacity curve (${cap[0].lower}-${cap[cap.length - 1].upper} °C)`, {
        file, record: where, value: rec.source_C, hint: 'builelib\'s curves are defined on that source (cooling-water / outdoor) temperature range only',
      });
    }
  }
  if (curves && rec.supplyWater_C !== undefined) {
    const m = PLANT_SIDE[type] === 'heat' ? curves.heating : curves.cooling;
    const tw = m?.supplyTemp[0];
    if (tw && tw.upper > tw.lower && (rec.supplyWater_C < tw.lower || rec.supplyWater_C > tw.upper)) {
      throw new InputError('plant-curve-range', `supplyWater_C is outside the range of ${curves.name}'s supply-temperature curve (${tw.lower}-${tw.upper} °C)`, {
        file, record: where, value: rec.supplyWater_C, hint: 'builelib\'s curve is defined on that range only; give a supply temperature inside it or another machine type',
      });
    }
  }
  return {
    id: rec.id, type, capacityKw: rec.capacity_kW, fuel, efficiency: rec.efficiency, minLoadFraction: rec.minLoadFraction,
    belowMinLoad: rec.belowMinLoad, mode: rec.mode, constantKw: rec.constant_kW, merit: rec.merit, source: rec.source,
    sourceC: rec.source_C, carnotEta: rec.carnotEta, maxCop: rec.maxCop, electricEfficiency: rec.electricEfficiency,
    capacityKwh: rec.capacity_kWh, lossPerHour: rec.lossPerHour, initialFraction: rec.initialFraction, network: rec.network,
    builelib: curves?.name, cop: rec.cop, units: rec.units, stagingControl: rec.stagingControl, supplyWaterC: rec.supplyWater_C,
    auxiliaryKw: rec.auxiliary_kW, primaryPumpKw: rec.primaryPump_kW, coolingTowerFanKw: rec.coolingTowerFan_kW,
    coolingTowerPumpKw: rec.coolingTowerPump_kW, charge: rec.charge, chargeHours: rec.chargeHours, chargeBy: rec.chargeBy, storageOnly: rec.storageOnly,
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
