/**
 * A cooling-led Osaka DHC case on real data (issue 12): the demand stage on the 68 PLATEAU tiles of
 * ../shared/datasets/osaka, the 500 m square with the most heat + cold (Yamaguchi & Shimoda's DHC squares, METHODS.md
 * 4) as one network of its buildings, and a plant of inverter turbo chillers, gas absorption chillers and ice storage
 * (cold) with gas hot-water generators (heat), simulated on the region-6 reference year with and without builelib's
 * part-load curves. The Osaka dataset has no roads: the network has no pipes, so no conduit losses (stated in the
 * printed result). The plant is the case's design, not engine defaults: capacities are shares of the square's design
 * cooling and heating peaks (a planner's choice), the turbo COP 6.0 is an ASSUMPTION of the case (no catalogue value in
 * the sources), the absorption COP 703/639 = 1.10 and the heating efficiency 588/701 = 0.839 (HHV) are those of
 * builelib's sample building's machine (tests/whole_building/Builelib_inputSheet_sample_001_input.json, AR1).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FILES } from '../../engine/run/contract.js';
import { runSimulateStage } from '../../engine/sim/run.js';
import { runStage } from '../../engine/stages/index.js';
import { bundledPath } from '../../engine/util/data-dir.js';
import { data, describeData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-osaka-dhc-'));
const RUN = join(tmp, 'osaka');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface B { id: string; use: string; x: number; y: number; heat_MWh: number; spaceHeat_MWh: number; hotWater_MWh: number; peak_kW: number; cool_MWh?: number; coolPeak_kW?: number }

describeData('Osaka cooling-led DHC: turbo + absorption + ice storage, with and without part-load curves', () => {
  let square: B[] = [];
  beforeAll(async () => {
    await runStage('demand', RUN, { buildings: [data('osaka')], climateRegion: 6 });
    const fc = JSON.parse(readFileSync(join(RUN, FILES.buildings), 'utf8')) as { features: { properties: B }[] };
    const sq = new Map<string, B[]>();
    for (const f of fc.features) {
      const k = `${Math.floor(f.properties.x / 500)},${Math.floor(f.properties.y / 500)}`;
      let l = sq.get(k);
      if (!l) sq.set(k, (l = []));
      l.push(f.properties);
    }
    const total = (l: B[]) => l.reduce((s, b) => s + b.heat_MWh + (b.cool_MWh ?? 0), 0);
    square = [...sq.values()].sort((a, b) => total(b) - total(a))[0].filter((b) => b.heat_MWh > 0 || (b.cool_MWh ?? 0) > 0);
    // the square's buildings as the consumers of one network (no roads in the dataset: no pipes)
    writeFileSync(join(RUN, FILES.network), JSON.stringify({
      type: 'FeatureCollection', properties: { supply_C: 80, return_C: 50, ground_C: 15 },
      features: square.map((b) => ({ type: 'Feature', geometry: null, properties: { kind: 'consumer', id: b.id, use: b.use, heat_MWh: b.heat_MWh, spaceHeat_MWh: b.spaceHeat_MWh, hotWater_MWh: b.hotWater_MWh, peak_kW: b.peak_kW, cool_MWh: b.cool_MWh ?? 0, coolPeak_kW: b.coolPeak_kW ?? 0 } })),
    }));
  }, 300_000);

  it('factors for heat and cold beside 1.36, each machine\'s hours and energy, the balance every hour', async () => {
    const coolPeak = square.reduce((s, b) => s + (b.coolPeak_kW ?? 0), 0), heatPeak = square.reduce((s, b) => s + b.peak_kW, 0);
    const plants = [
      { id: 'ice', type: 'ice_storage', capacity_kW: Math.round(0.15 * coolPeak), capacity_kWh: Math.round(1.5 * coolPeak), chargeHours: [22, 7], merit: 1 },
      { id: 'inv-turbo', type: 'inverter_turbo_chiller', capacity_kW: Math.round(0.5 * coolPeak), units: 3, cop: 6.0, merit: 2 },
      { id: 'absorption', type: 'absorption_chiller', capacity_kW: Math.round(0.4 * coolPeak), units: 2, cop: 703 / 639, merit: 3 },
      { id: 'gas-hw', type: 'HotWaterGenerator_CityGas', capacity_kW: Math.round(1.1 * heatPeak), units: 3, efficiency: 588 / 701 },
    ];
    const pf = join(tmp, 'osaka-plants.json');
    writeFileSync(pf, JSON.stringify(plants));
    const weather = bundledPath('weather', '6158195.has');
    const results: Record<string, Awaited<ReturnType<typeof runSimulateStage>>> = {};
    for (const [name, partLoadCurves] of [['curves', true], ['rated', false]] as const) {
      const dir = join(tmp, name);
      mkdirSync(dir);
      for (const f of [FILES.manifest, FILES.network, FILES.buildings]) writeFileSync(join(dir, f), readFileSync(join(RUN, f)));
      results[name] = await runSimulateStage({ runDir: dir, weatherPath: weather, plantsPath: pf, partLoadCurves, weather: { climateRegion: 6 } });
    }
    const n = results.curves.cases[0].networks[0], m = results.rated.cases[0].networks[0];
    const a = n.annual, x = n.hourly;
    // the balance every hour, heat and cold
    let heatErr = 0, coldErr = 0;
    for (let h = 0; h < x.demandKw.length; h++) {
      let ph = 0, pc = 0;
      for (const p of n.plants) if (p.type !== 'storage' && p.type !== 'cold_storage') (p.side === 'heat' ? (ph += x.plantKw[p.id][h]) : (pc += x.plantKw[p.id][h]));
      heatErr = Math.max(heatErr, Math.abs(x.soldKw[h] + x.lossesKw[h] + x.surplusKw[h] - (ph + x.storageOutKw[h] - x.storageInKw[h])));
      coldErr = Math.max(coldErr, Math.abs(x.coldSoldKw[h] + x.coldGainsKw[h] - (pc + x.coldStorageOutKw[h] - x.coldStorageInKw[h])));
    }
    expect(heatErr).toBeLessThan(1e-9);
    expect(coldErr).toBeLessThan(1e-9);
    expect(a.coldDemand_MWh).toBeGreaterThan(a.heatSold_MWh!); // cooling-led
    expect(a.coldUnmet_MWh!).toBeLessThan(0.01 * a.coldDemand_MWh!);
    expect(a.coldStorageOut_MWh!).toBeGreaterThan(0);
    expect(a.coldPrimaryEnergyFactor).toBeGreaterThan(0);
    expect(m.annual.coldPrimaryEnergyFactor).not.toBeCloseTo(a.coldPrimaryEnergyFactor!, 3);
    const line = (r: typeof n, label: string) =>
      `${label}: heat ${r.annual.primaryEnergyFactor.toFixed(3)}, cold ${r.annual.coldPrimaryEnergyFactor?.toFixed(3)}, combined ${r.annual.combinedPrimaryEnergyFactor?.toFixed(3)} kJ/kJ (default 1.36)`;
    console.log([
      `Osaka DHC square: ${square.length} buildings, heat sold ${a.heatSold_MWh!.toFixed(0)} MWh/a, cold sold ${a.coldSold_MWh!.toFixed(0)} MWh/a (unmet ${a.coldUnmet_MWh!.toFixed(1)} MWh), design peaks heat ${heatPeak.toFixed(0)} kW, cold ${coolPeak.toFixed(0)} kW; no pipes (no roads in the dataset)`,
      line(n, 'with builelib part-load curves'), line(m, 'rated COP / efficiency at every load'),
      ...n.plants.map((p) => `  ${p.id}: ${p.runningHours} h, ${p.unitHours ?? 0} unit-hours, ${p.side === 'heat' ? `heat ${p.heat_MWh.toFixed(0)}` : `cold ${(p.cold_MWh ?? 0).toFixed(0)}`} MWh, fuel ${(p.fuel_MJ / 1000).toFixed(0)} GJ, electricity ${(p.electricity_kWh / 1000).toFixed(0)} MWh, auxiliaries ${((p.auxiliary_kWh ?? 0) / 1000).toFixed(0)} MWh` +
        ` (rated: ${(() => { const q = m.plants.find((y) => y.id === p.id)!; return `fuel ${(q.fuel_MJ / 1000).toFixed(0)} GJ, electricity ${(q.electricity_kWh / 1000).toFixed(0)} MWh`; })()})`),
    ].join('\n'));
  }, 300_000);
});
