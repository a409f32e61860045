/**
 * Resilience of a network in a grid outage (seed 000: plants with CHP and storage keep hospitals and shelters
 * supplied in a disaster): for an outage of N hours starting at a given hour, hour by hour, which plants can still run
 * and whether the network can deliver the critical facilities' heat, and with CHP the electric power left after the
 * network's pumps. The rules, each an option where it is a choice:
 *
 * - the grid is down: electric plants (heat pumps, electric boilers) stop; the pumps need power, so without CHP power
 *   (or with less CHP power than the pumps draw that hour) the network delivers nothing;
 * - fuels as stocked: a fuel-fired plant runs while its fuel lasts, given as full-load hours of stock per fuel
 *   (`fuelStockHours`; default gas: unlimited, the premise of seed 000's CHP case that medium-pressure gas keeps
 *   flowing: ASSUMPTION; every other fuel 0 h unless given); waste heat runs only when `wasteHeatRuns` (default no);
 * - storage starts at `initialCharge` of its energy (default 1, full: ASSUMPTION) and discharges up to its rate;
 * - only critical facilities are supplied (load shedding: ASSUMPTION), plus the network's losses of that hour; each
 *   facility's hourly heat = its annual heat x the network's hourly demand profile (its own profile is not in the
 *   run folder); facilities are served in priority order (role rank), equal ranks in proportion;
 * - a CHP's electric output follows its heat output at the year's power-to-heat ratio from sim.json
 *   (electricityOut_kWh / heat_MWh); a facility's electricity demand is not modelled, so "power" is the hours in
 *   which CHP power is left after the pumps, with the kW left.
 */
import { featuresOfKind, hourlyPrefix, type NetworkCollection, type SimFile } from '../run/contract.js';
import type { HourlyTable } from '../run/read.js';
import type { PlatformResilience } from './types.js';

export interface OutagePlant {
  id: string;
  type: string;
  fuel: string;
  /** Heat output capacity, kW (storage: discharge rate). */
  capacityKw: number;
  /** CHP: kW electric per kW heat (from the simulated year). */
  powerPerHeat?: number;
  /** Storage: energy, kWh. */
  storageKwh?: number;
}

export interface OutageFacility {
  id: string;
  role: string;
  /** Lower is served first. */
  priority: number;
  /** Heat demand in each outage hour, kW. */
  demandKw: ArrayLike<number>;
}

export interface OutageOptions {
  /** Full-load hours of fuel in stock by fuel; Infinity = from the gas grid. */
  fuelStockHours?: Record<string, number>;
  wasteHeatRuns?: boolean;
  initialCharge?: number;
}

export const OUTAGE_DEFAULTS = {
  fuelStockHours: { gas: Infinity } as Record<string, number>,
  wasteHeatRuns: false,
  initialCharge: 1,
  /** Outage length, h, and start (month, day, hour): the 72 h January outage from 1 January 00:00 (ASSUMPTION on the day). */
  hours: 72,
};

export interface OutageResult {
  hours: number;
  /** Per facility: hours its heat was fully met, and hours CHP power was left for it after the pumps. */
  facilities: { id: string; role: string; heatHours: number; powerHours: number; unmet_kWh: number }[];
  /** Hours the network could run at all (pumps powered). */
  pumpedHours: number;
  /** kW of CHP power left after the pumps, each hour (0 without CHP). */
  spareKw: number[];
  storageUsed_kWh: number;
  fuelUsed_kWh: Record<string, number>;
}

/** The outage hour by hour: `lossesKw` and `pumpKw` are the network's own series over the outage hours. */
export function outageSupply(plants: OutagePlant[], facilities: OutageFacility[], lossesKw: ArrayLike<number>, pumpKw: ArrayLike<number>, o: OutageOptions = {}): OutageResult {
  const n = lossesKw.length;
  const stock = { ...OUTAGE_DEFAULTS.fuelStockHours, ...(o.fuelStockHours ?? {}) };
  const wasteRuns = o.wasteHeatRuns ?? OUTAGE_DEFAULTS.wasteHeatRuns;
  const isStorage = (p: OutagePlant) => p.type === 'storage';
  const fired = plants.filter((p) => !isStorage(p) && p.fuel !== 'electricity' && (p.fuel !== 'none' || wasteRuns));
  // remaining fuel as kWh of heat at full load
  const left = new Map(fired.map((p) => [p.id, p.fuel === 'none' ? Infinity : (stock[p.fuel] ?? 0) * p.capacityKw]));
  const stores = plants.filter(isStorage).map((p) => ({ p, soc: (p.storageKwh ?? 0) * (o.initialCharge ?? OUTAGE_DEFAULTS.initialCharge) }));
  const chp = fired.filter((p) => p.type === 'chp');
  const others = fired.filter((p) => p.type !== 'chp');
  const res: OutageResult = { hours: n, facilities: facilities.map((f) => ({ id: f.id, role: f.role, heatHours: 0, powerHours: 0, unmet_kWh: 0 })), pumpedHours: 0, spareKw: [], storageUsed_kWh: 0, fuelUsed_kWh: {} };
  const ranks = [...new Set(facilities.map((f) => f.priority))].sort((a, b) => a - b);
  const use = (p: OutagePlant, kwh: number) => {
    left.set(p.id, left.get(p.id)! - kwh);
    res.fuelUsed_kWh[p.fuel] = (res.fuelUsed_kWh[p.fuel] ?? 0) + kwh;
  };
  for (let h = 0; h < n; h++) {
    const need = facilities.reduce((s, f) => s + f.demandKw[h]!, 0) + lossesKw[h]!;
    // CHP first (it also makes the pumps' power), at the heat the hour needs, at least enough power for the pumps
    let heat = 0, power = 0;
    for (const p of chp) {
      const cap = Math.min(p.capacityKw, left.get(p.id)!);
      if (!(cap > 0)) continue;
      const ratio = p.powerPerHeat ?? 0;
      const forPumps = ratio > 0 ? Math.max(0, pumpKw[h]! - power) / ratio : 0;
      const q = Math.min(cap, Math.max(need - heat, forPumps));
      heat += q;
      power += q * ratio;
      use(p, q);
    }
    const pumped = power >= pumpKw[h]! && (chp.length > 0 || pumpKw[h]! <= 0);
    // without CHP power for the pumps nothing is delivered (a boiler's heat cannot reach anyone)
    let delivered = 0;
    if (pumped) {
      res.pumpedHours++;
      for (const p of others) {
        if (heat >= need) break;
        const q = Math.min(p.capacityKw, left.get(p.id)!, need - heat);
        if (q > 0) {
          heat += q;
          use(p, q);
        }
      }
      for (const s of stores) {
        if (heat >= need) break;
        const q = Math.min(s.p.capacityKw, s.soc, need - heat);
        if (q > 0) {
          heat += q;
          s.soc -= q;
          res.storageUsed_kWh += q;
        }
      }
      delivered = Math.min(heat, need);
    }
    // losses first (the network loses them whatever it delivers), then facilities by rank, equal ranks in proportion
    let avail = Math.max(0, delivered - lossesKw[h]!);
    for (const r of ranks) {
      const group = facilities.map((f, k) => [f, k] as const).filter(([f]) => f.priority === r);
      const want = group.reduce((s, [f]) => s + f.demandKw[h]!, 0);
      const share = want > 0 ? Math.min(1, avail / want) : 1;
      for (const [f, k] of group) {
        const d = f.demandKw[h]!;
        const got = d * share;
        const out = res.facilities[k]!;
        if (got >= d * (1 - 1e-9)) out.heatHours++;
        out.unmet_kWh += d - got;
      }
      avail -= Math.min(avail, want);
    }
    const spare = pumped ? Math.max(0, power - pumpKw[h]!) : 0;
    res.spareKw.push(spare);
    if (spare > 0) for (const f of res.facilities) f.powerHours++;
  }
  for (const f of res.facilities) f.unmet_kWh = Math.round(f.unmet_kWh * 1000) / 1000;
  return res;
}

/** Water in a heat-storage tank, m³: energy / (rho cp dT), rho 1,000 kg/m³, cp 4.186 kJ/(kg·K), dT = supply - return. */
export function tankWaterM3(energyKwh: number, dTK: number): number {
  return (energyKwh * 3600) / (4.186 * dTK) / 1000;
}

export interface RunResilienceOptions extends OutageOptions {
  /** Outage length, h (default 72). */
  hours?: number;
  /** First hour of the outage, 0 = 1 January 00:00 (default 0). */
  startHour?: number;
  /** Storage energy by plant id, kWh; default sim.json's capacity_kWh of the storage plant (0 where neither gives it). */
  storageKwh?: Record<string, number>;
  /** Critical facilities (platform.json's list); default: the run's platform.json. */
  facilities?: { id: string; role: string }[];
}

/** Role rank: hospitals and welfare first, then city halls and offices, then the rest. */
export const rolePriority = (role: string): number => (/hospital|welfare|medical/i.test(role) ? 0 : /city hall|office|government/i.test(role) ? 1 : 2);

/**
 * The outage on every case and network of a simulated run: reads sim.json, hourly.csv and network.geojson through
 * engine/run/read.ts and platform.json's critical facilities. Fields sim.json may lack are tolerated (a CHP without
 * electricityOut_kWh has no power; a storage without an energy in `storageKwh` holds 0 kWh).
 */
export async function resilienceOfRun(run: string, o: RunResilienceOptions = {}): Promise<PlatformResilience> {
  const [{ readSim, readHourly, readNetwork }, { readFile }, { join }, { existsSync }] = await Promise.all([
    import('../run/read.js'),
    import('node:fs/promises'),
    import('node:path'),
    import('node:fs'),
  ]);
  const sim = await readSim(run);
  const hourly = await readHourly(run);
  const net = await readNetwork(run);
  let facilities = o.facilities;
  if (!facilities) {
    const p = join(run, 'platform.json');
    facilities = existsSync(p) ? ((JSON.parse(await readFile(p, 'utf8')) as { critical?: { facilities?: { id: string; role: string }[] } }).critical?.facilities ?? []) : [];
  }
  return resilienceOf(sim, hourly, net, facilities, o);
}

/** The outage on already-read run files (sim.json, hourly.csv, network.geojson) and a list of critical facilities. */
export function resilienceOf(sim: SimFile, hourly: HourlyTable, net: NetworkCollection, facilities: { id: string; role: string }[], o: RunResilienceOptions = {}): PlatformResilience {
  const consumers = new Map(featuresOfKind(net, 'consumer').map((f) => [f.properties.id, f.properties]));
  const N = o.hours ?? OUTAGE_DEFAULTS.hours;
  const start = o.startHour ?? 0;
  const col = (name: string) => hourly.columns.find((c) => c.name === name)?.values;
  const multiCase = sim.cases.length > 1;
  const out = [];
  for (const c of sim.cases) {
    for (const nw of c.networks ?? []) {
      const prefix = hourlyPrefix(multiCase ? c.id : undefined, (c.networks ?? []).length > 1 ? nw.network : undefined);
      const demand = col(`${prefix}demand_kW`);
      const losses = col(`${prefix}losses_kW`);
      const pump = col(`${prefix}pump_kW`);
      const window = (a: Float64Array | undefined) => Float64Array.from({ length: N }, (_, h) => a?.[(start + h) % hourly.hours] ?? 0);
      const yearKwh = demand ? demand.reduce((s, v) => s + v, 0) : 0;
      const plantIds = new Set((nw.plants ?? []).map((p) => p.id));
      const members = facilities.filter((f) => {
        const cp = consumers.get(f.id);
        return cp && (c.networks.length === 1 || cp.plant === undefined || plantIds.has(String(cp.plant)));
      });
      const plants: OutagePlant[] = (nw.plants ?? []).map((p) => ({
        id: p.id,
        type: p.type,
        fuel: p.fuel,
        capacityKw: p.capacity_kW ?? 0,
        powerPerHeat: p.type === 'chp' && p.heat_MWh > 0 && typeof p.electricityOut_kWh === 'number' ? p.electricityOut_kWh / (p.heat_MWh * 1000) : undefined,
        storageKwh: p.type === 'storage' ? (o.storageKwh?.[p.id] ?? (typeof p.capacity_kWh === 'number' ? p.capacity_kWh : 0)) : undefined,
      }));
      const d = window(demand);
      const fac: OutageFacility[] = members.map((f) => {
        const heat = Number(consumers.get(f.id)!.heat_MWh) * 1000;
        return { id: f.id, role: f.role, priority: rolePriority(f.role), demandKw: d.map((v) => (yearKwh > 0 ? (heat * v) / yearKwh : 0)) };
      });
      const r = outageSupply(plants, fac, window(losses), window(pump), o);
      const dT = (nw.parameters?.supplyC ?? NaN) - (nw.parameters?.returnC ?? NaN);
      const storageKwh = plants.reduce((s, p) => s + (p.storageKwh ?? 0), 0);
      out.push({
        case: c.id,
        network: nw.network,
        chp: plants.some((p) => p.type === 'chp'),
        storage: { energy_kWh: storageKwh, water_m3: dT > 0 ? tankWaterM3(storageKwh, dT) : null, dT_K: dT > 0 ? dT : null },
        series: { demand: !!demand, losses: !!losses, pump: !!pump },
        ...r,
      });
    }
  }
  const stock: Record<string, number | 'unlimited'> = Object.fromEntries(Object.entries({ ...OUTAGE_DEFAULTS.fuelStockHours, ...(o.fuelStockHours ?? {}) }).map(([k, v]) => [k, Number.isFinite(v) ? v : 'unlimited']));
  return { outage: { startHour: start, hours: N, fuelStockHours_h: stock, initialCharge: o.initialCharge ?? OUTAGE_DEFAULTS.initialCharge, wasteHeatRuns: o.wasteHeatRuns ?? OUTAGE_DEFAULTS.wasteHeatRuns }, networks: out };
}

/**
 * Compute the outage on a simulated run and write it into platform.json's `resilience` (beside the guideline checks;
 * platform.json is created if the potential stage did not write one), in one run transaction. For the report and
 * the plan sheets, which read platform.json. The simulate stage computes the same within its own transaction
 * (engine/sim/run.ts) when the run has a platform.json and a network with CHP or storage.
 */
export async function writeResilience(run: string, o: RunResilienceOptions = {}) {
  const [{ RunTransaction, withRun }, { readFile, writeFile }, { join }, { existsSync }] = await Promise.all([
    import('../io/run-folder.js'),
    import('node:fs/promises'),
    import('node:path'),
    import('node:fs'),
  ]);
  const r = await resilienceOfRun(run, o);
  const file = join(run, 'platform.json');
  const prev = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {};
  const tx = await RunTransaction.open(run);
  return withRun(tx, async (tx) => {
    await writeFile(tx.path('platform.json'), JSON.stringify({ ...prev, resilience: r }) + '\n');
    return r;
  });
}
