/**
 * A plant's machine model hour by hour: maximum output and the input (fuel HHV or electricity) for a given output,
 * with builelib's curves (curves.ts) where the plant names a builelib type, number control over identical units, and
 * the auxiliaries (補機, primary pumps, cooling-tower fans and pumps) as builelib 2.7.16 counts them:
 * 補機 = units on x rated x max(0.3, load ratio); primary pump, tower fan, tower pump = units on x rated.
 * Plants without a builelib type keep a constant efficiency (boilers, CHP, waste heat) or the Carnot-fraction COP
 * (heat pumps, METHODS.md 6).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Weather } from '../io/weather.js';
import { bundledPath } from '../util/data-dir.js';
import { Warnings } from '../util/warnings.js';
import {
  CURVE_SOURCE, findBuilelibType, outsideRange, partLoadRatio, sourceTemperatureC, supplyTempRatio, temperatureRatio, type ModeCurves,
} from './curves.js';
import { CARNOT_ETA, efficiencyOf, heatPumpCop, heatPumpSourceC, PLANT_SIDE, type PlantSpec } from './plants.js';

export type AuxiliaryDefaults = 'builelib-sample' | 'none';
export const AUXILIARY_FILE = 'auxiliaries.csv';

export interface AuxRatio {
  key: 'auxiliary' | 'primaryPump' | 'coolingTowerFan' | 'coolingTowerPump';
  side: 'heat' | 'cold';
  /** kW electric per kW of rated capacity. */
  ratio: number;
  source: string;
}

let auxCache: AuxRatio[] | undefined;
/** datasets/plants/auxiliaries.csv: default auxiliary power per kW of rated capacity, each with its source. */
export function auxiliaryRatios(file = bundledPath('plants', AUXILIARY_FILE)): AuxRatio[] {
  if (auxCache) return auxCache;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('datasets-missing', `cannot read the auxiliary defaults: ${(e as Error).message}`, { file, hint: 'the project ships datasets/plants/auxiliaries.csv' });
  }
  const rows = text.trim().split('\n').slice(1).filter((l) => !l.startsWith('#'));
  auxCache = rows.map((line) => {
    // key,side,applies_to,kW_per_kW_rated,value_kW,rated_kW,"source"
    const m = /^([^,]+),([^,]+),("[^"]*"|[^,]+),([^,]+),([^,]+),([^,]+),"?(.*?)"?$/.exec(line);
    if (!m) throw new InputError('datasets-bad', 'bad line in the auxiliary defaults', { file, value: line });
    return { key: m[1] as AuxRatio['key'], side: m[2] as AuxRatio['side'], ratio: Number(m[5]) / Number(m[6]), source: m[7] };
  });
  return auxCache;
}

export interface MachineOptions {
  /** Apply builelib's part-load, capacity-ratio and input-ratio curves (true) or run at rated efficiency / COP (false). */
  partLoadCurves: boolean;
  auxiliaries: AuxiliaryDefaults;
  /** Heat network supply temperature, °C (heat pumps' sink; supply-temperature curves of heat machines). */
  heatSupplyC: number;
  /** Chilled-water supply temperature, °C (supply-temperature curves of chillers). */
  coldSupplyC: number;
  region?: number;
  warnings: Warnings;
  file: string;
}

/** The auxiliary powers of one unit, kW, and where each came from. */
export interface UnitAuxiliaries {
  auxiliaryKw: number;
  primaryPumpKw: number;
  coolingTowerFanKw: number;
  coolingTowerPumpKw: number;
  sources: string[];
}

/** Result of running a machine for one hour (reused object). */
export interface MachineStep {
  /** Fuel (HHV) or electricity in, kW; unused heat in for waste heat. */
  inputKw: number;
  /** Auxiliary electricity, kW. */
  auxKw: number;
  unitsOn: number;
  loadRatio: number;
}

export interface Machine {
  plant: PlantSpec;
  /** The side this machine's output is counted on ('cold' for heat-recovery heat pumps: heat = cold + input). */
  side: 'heat' | 'cold';
  units: number;
  /** Text for the calculation sheet: which curves, which rated values. */
  curveSource: string;
  /** Rated input per unit, kW (capacity / COP or efficiency). */
  ratedInputKw: number;
  aux: UnitAuxiliaries;
  /** Whether the input is electricity (else fuel or unused heat). */
  electric: boolean;
  /** Maximum output of all units at hour h, kW. */
  maxKw(h: number): number;
  /** Input and auxiliaries for output q kW at hour h (q <= maxKw(h)); writes into `out`. */
  run(h: number, q: number, out: MachineStep): MachineStep;
  /** Hours in which the source temperature lay outside the curves' range (clamped as builelib does). */
  clampedHours: number;
}

const isFuelFired = (p: PlantSpec) => p.fuel !== 'electricity' && p.fuel !== 'none';

function unitAux(p: PlantSpec, side: 'heat' | 'cold', waterCooled: boolean, o: MachineOptions): UnitAuxiliaries {
  const sources: string[] = [];
  // cooling towers reject the cold made plus the input: tower capacity = rated cold x (1 + 1/COP)
  const towerKw = p.capacityKw * (1 + 1 / (p.cop ?? Infinity));
  const d = (key: AuxRatio['key'], given: number | undefined, applies: boolean): number => {
    if (given !== undefined) {
      sources.push(`${key}: ${given} kW given`);
      return given;
    }
    if (o.auxiliaries === 'none' || !applies || p.type === 'storage' || p.type === 'cold_storage') return 0;
    const r = auxiliaryRatios().find((a) => a.key === key && a.side === side) ?? auxiliaryRatios().find((a) => a.key === key);
    if (!r) return 0;
    const tower = key === 'coolingTowerFan' || key === 'coolingTowerPump';
    sources.push(`${key}: ${(r.ratio * 1000).toFixed(3)} W per kW ${tower ? `of cooling-tower capacity (${towerKw.toFixed(0)} kW = rated x (1 + 1/COP))` : 'rated'} (${r.source})`);
    return r.ratio * (tower ? towerKw : p.capacityKw);
  };
  return {
    auxiliaryKw: d('auxiliary', p.auxiliaryKw, isFuelFired(p)),
    primaryPumpKw: d('primaryPump', p.primaryPumpKw, true),
    coolingTowerFanKw: d('coolingTowerFan', p.coolingTowerFanKw, side === 'cold' && waterCooled),
    coolingTowerPumpKw: d('coolingTowerPump', p.coolingTowerPumpKw, side === 'cold' && waterCooled),
    sources,
  };
}

/** Build the machine model of a (non-storage) plant for the weather's year. */
export function buildMachine(p: PlantSpec, weather: Weather, o: MachineOptions): Machine {
  const n = weather.hours;
  const side: 'heat' | 'cold' = PLANT_SIDE[p.type] === 'heat' ? 'heat' : 'cold';
  const units = p.units ?? 1;
  const staging = p.stagingControl ?? true;
  const curves = p.builelib ? findBuilelibType(p.builelib) : undefined;
  const mode: ModeCurves | undefined = curves ? (side === 'heat' ? curves.heating : curves.cooling) : undefined;
  if (curves && !mode) {
    throw new InputError('plant-curve-range', `builelib type ${curves.name} has no ${side === 'heat' ? 'heating' : 'cooling'} characteristics`, { file: o.file, record: p.id, value: curves.name });
  }
  const electric = p.fuel === 'electricity';
  // a heat-recovery heat pump gives its condenser heat to the heat network, not to a cooling tower
  const aux = unitAux(p, side, mode?.source === '水' && p.type !== 'heat_recovery_hp', o);
  const auxRun = (on: number, l: number) => on * (aux.auxiliaryKw * Math.max(0.3, l) + aux.primaryPumpKw + aux.coolingTowerFanKw + aux.coolingTowerPumpKw);
  const capUnit = p.capacityKw / units;
  // the record's capacity_kW is the plant's total over its units
  const auxScale = 1 / units;
  aux.auxiliaryKw *= p.auxiliaryKw !== undefined ? 1 : auxScale;
  aux.primaryPumpKw *= p.primaryPumpKw !== undefined ? 1 : auxScale;
  aux.coolingTowerFanKw *= p.coolingTowerFanKw !== undefined ? 1 : auxScale;
  aux.coolingTowerPumpKw *= p.coolingTowerPumpKw !== undefined ? 1 : auxScale;
  let clampedHours = 0;
  const unitsFor = (q: number, qMaxUnit: number) => (staging ? Math.min(units, Math.max(1, Math.ceil(q / qMaxUnit - 1e-12))) : units);

  if (mode) {
    const cop = p.cop ?? p.efficiency ?? efficiencyOf(p);
    if (!(cop > 0)) throw new InputError('plant-no-cop', `plant ${p.id} needs its rated cop or efficiency`, { file: o.file, record: p.id, value: p.cop });
    const ratedIn = capUnit / cop;
    const tw = p.supplyWaterC ?? (side === 'heat' ? o.heatSupplyC : o.coldSupplyC);
    const g = o.partLoadCurves ? supplyTempRatio(mode.supplyTemp, tw) : 1;
    const t = new Float64Array(n), qMax = new Float64Array(n), eMax = new Float64Array(n);
    for (let h = 0; h < n; h++) {
      const th = p.sourceC ?? sourceTemperatureC(mode, side, weather.airC[h], o.region);
      t[h] = th;
      if (outsideRange(mode.capacity, th) || outsideRange(mode.input, th)) clampedHours++;
      qMax[h] = o.partLoadCurves ? capUnit * temperatureRatio(mode.capacity, th) : capUnit;
      eMax[h] = o.partLoadCurves ? ratedIn * temperatureRatio(mode.input, th) : ratedIn;
      if (!(qMax[h] > 0) || !(eMax[h] > 0)) {
        throw new InputError('plant-curve-range', `builelib curve of ${curves!.name} gives a capacity or input ratio <= 0 at ${th.toFixed(1)} °C`, { file: o.file, record: p.id, value: { hour: h, temperature_C: th } });
      }
    }
    if (clampedHours > 0) o.warnings.addMany('curve-temperature-clamped', 'machine hours whose source temperature lay outside the builelib curve range (clamped to the range, as builelib does)', clampedHours);
    return {
      plant: p, side, units, ratedInputKw: ratedIn, aux, electric, clampedHours,
      curveSource: o.partLoadCurves
        ? `${curves!.name} (${curves!.id}), ${side === 'heat' ? '暖房' : '冷房'} curves; source ${mode.source} (${mode.source === '水' ? (side === 'cold' ? 'cooling water = wet bulb + 3 °C' : '15.5 °C') : mode.source === '空気' ? (side === 'cold' ? 'dry bulb' : 'wet bulb') : 'dry bulb'}${p.sourceC !== undefined ? `; given ${p.sourceC} °C` : ''}); supply ${tw} °C, g = ${g.toFixed(4)}; rated COP ${cop} => ${ratedIn.toFixed(1)} kW in per unit; ${CURVE_SOURCE}`
        : `${curves!.name}: part-load curves off, rated COP ${cop} at every load`,
      maxKw: (h) => units * qMax[h],
      run(h, q, out) {
        if (q <= 0) {
          out.inputKw = 0; out.auxKw = 0; out.unitsOn = 0; out.loadRatio = 0;
          return out;
        }
        const on = unitsFor(q, qMax[h]);
        const l = q / (on * qMax[h]);
        out.unitsOn = on;
        out.loadRatio = l;
        out.inputKw = o.partLoadCurves ? on * eMax[h] * partLoadRatio(mode.partLoad, l, t[h]) * g : q / cop;
        out.auxKw = auxRun(on, l);
        return out;
      },
    };
  }
  // no builelib type: constant efficiency, or the Carnot-fraction COP of METHODS.md 6
  let copH: Float64Array | undefined;
  if (p.type === 'heat_pump') {
    const src = heatPumpSourceC(p, weather);
    const eta = p.carnotEta ?? CARNOT_ETA[p.source ?? 'air'];
    copH = new Float64Array(n);
    for (let h = 0; h < n; h++) copH[h] = heatPumpCop(o.heatSupplyC, src[h], eta, p.maxCop);
  }
  const eff = p.type === 'waste_heat' ? 1 : efficiencyOf(p);
  return {
    plant: p, side, units, ratedInputKw: capUnit / (copH ? copH[0] : eff), aux, electric, clampedHours: 0,
    curveSource: copH
      ? `COP = eta Tsink/(Tsink - Tsource), eta ${p.carnotEta ?? CARNOT_ETA[p.source ?? 'air']} (METHODS.md 6), at every load`
      : p.type === 'waste_heat' ? 'unused heat taken 1:1' : `constant efficiency ${eff} (HHV) at every load${p.efficiency === undefined ? ' (default of the type: an ASSUMPTION unless METHODS.md gives it)' : ''}`,
    maxKw: () => p.capacityKw,
    run(h, q, out) {
      if (q <= 0) {
        out.inputKw = 0; out.auxKw = 0; out.unitsOn = 0; out.loadRatio = 0;
        return out;
      }
      const on = unitsFor(q, capUnit);
      const l = q / (on * capUnit);
      out.unitsOn = on;
      out.loadRatio = l;
      out.inputKw = copH ? q / copH[h] : q / eff;
      out.auxKw = auxRun(on, l);
      return out;
    },
  };
}
