/**
 * Coincident design loads (engine/network/loads.ts): the day-bound peak search against brute force, and the design
 * load of the plant pipe against the simulation's own coincident peak (engine/sim/demand.ts networkDemand on the same
 * weather and profiles): equal by construction. Uses the bundled Kitami reference year (datasets/weather).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildUseProfiles } from '../../engine/demand/profiles.js';
import { readWeather, weatherFromArray } from '../../engine/io/weather.js';
import { AGG_FIXED, coincidentModel, diversityModel, type LoadConsumer } from '../../engine/network/loads.js';
import { loadConsumers, planNetwork, type ConsumerInput } from '../../engine/network/plan.js';
import { networkDemand } from '../../engine/sim/demand.js';
import { bundledWeatherDir } from '../../engine/util/data-dir.js';
import { graphOf, rng } from './helpers.js';

const USES = ['residential_detached', 'residential_apartment', 'office', 'education', 'commercial', 'lodging'];

describe('coincident peak search', () => {
  it('the day-bound search finds the same hour maximum as brute force', () => {
    const r = rng(7);
    const air = new Float64Array(8760).map((_, h) => 5 - 15 * Math.cos((2 * Math.PI * h) / 8760) + 4 * Math.sin((2 * Math.PI * h) / 24));
    const w = weatherFromArray(air);
    const profiles = buildUseProfiles(w, USES, { climateRegion: 5 });
    const cs: LoadConsumer[] = [];
    for (let i = 0; i < 40; i++) {
      const heat = 5 + 200 * r();
      const hw = r() * 0.5;
      const use = USES[i % USES.length]!;
      // cooling only where the use has a cooling profile: then the cooling peak is the search's alone
      const cool = profiles.get(use)!.cooling.some((x) => x > 0) ? 100 * r() : 0;
      cs.push({ use, heatMWh: heat, spaceHeatMWh: heat * (1 - hw), hotWaterMWh: heat * hw, peakKw: 0, coolMWh: cool, coolPeakKw: 0 });
    }
    const m = coincidentModel(cs, profiles);
    expect(m.missingCooling).toEqual([]);
    expect(cs.some((c) => c.coolMWh > 0)).toBe(true);
    for (let trial = 0; trial < 8; trial++) {
      const agg = new Float64Array(m.width);
      const chosen = cs.map((_, k) => k).filter(() => r() < 0.4);
      for (const k of chosen) m.add(agg, 0, k, 1);
      for (const medium of ['heat', 'cold'] as const) {
        let brute = 0;
        for (let h = 0; h < 8760; h++) {
          let s = 0;
          for (const k of chosen) {
            const p = profiles.get(cs[k]!.use)!;
            s += medium === 'heat' ? 1000 * (cs[k]!.spaceHeatMWh * p.spaceHeat[h]! + cs[k]!.hotWaterMWh * p.hotWater[h]!) : 1000 * cs[k]!.coolMWh * p.cooling[h]!;
          }
          brute = Math.max(brute, s);
        }
        const got = medium === 'heat' ? m.heatKw(agg, 0) : m.coolKw(agg, 0);
        expect(got).toBeCloseTo(brute, 6);
        if (medium === 'cold') expect(peakProfiledCool(m, agg)).toBeCloseTo(brute, 6);
      }
    }
  });

  it('adding and removing consumers is exact (subtrees subtract)', () => {
    const m = diversityModel([{ use: 'x', heatMWh: 10, spaceHeatMWh: 10, hotWaterMWh: 0, peakKw: 40, coolMWh: 0, coolPeakKw: 0 }, { use: 'x', heatMWh: 5, spaceHeatMWh: 5, hotWaterMWh: 0, peakKw: 20, coolMWh: 0, coolPeakKw: 0 }]);
    const agg = new Float64Array(m.width);
    m.add(agg, 0, 0, 1);
    m.add(agg, 0, 1, 1);
    expect(m.heatKw(agg, 0)).toBeCloseTo(0.81 * 60, 12);
    m.add(agg, 0, 1, -1);
    expect(m.heatKw(agg, 0)).toBeCloseTo(40, 12);
  });
});

/** The coincident cooling peak of the profiled columns alone (brute force over the model's own series). */
function peakProfiledCool(m: ReturnType<typeof coincidentModel>, agg: Float64Array): number {
  const s = m.series(agg, 0, 'cold')!;
  let best = 0;
  for (const v of s) best = Math.max(best, v);
  return best;
}

describe('design load of the plant pipe = the simulated coincident peak', () => {
  it('on the Kitami reference year, heat and cooling', async () => {
    const w = await readWeather(join(bundledWeatherDir(), '0868195.has'));
    const r = rng(3);
    // a street of 30 consumers of mixed uses, 20 m apart, 8 m off the road
    const n = 30;
    const nodes: [number, number][] = [];
    for (let i = 0; i <= n; i++) nodes.push([20 * i, 0]);
    const g = graphOf(nodes, nodes.slice(1).map((_, i) => [i, i + 1] as [number, number]));
    const consumers: ConsumerInput[] = [];
    for (let i = 0; i < n; i++) {
      const heat = 20 + 300 * r();
      consumers.push({ id: `b${i}`, x: 20 * (i + 1), y: 8, heatMWh: heat, spaceHeatMWh: heat * 0.7, hotWaterMWh: heat * 0.3, peakKw: heat / 2, coolMWh: 50 * r(), coolPeakKw: 30, use: USES[i % USES.length] });
    }
    const profiles = buildUseProfiles(w, USES, { climateRegion: 1 });
    const res = planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0 }] }, { profiles, pruneBy: [], carries: 'both' });
    expect(res.summary.loads).toBe('coincident');
    expect(res.consumers.length).toBe(n);
    const lc = loadConsumers(consumers);
    const sim = networkDemand(
      consumers.map((c, i) => ({ id: c.id, use: c.use!, spaceHeatMWh: lc[i]!.spaceHeatMWh, hotWaterMWh: lc[i]!.hotWaterMWh, peakKw: c.peakKw, coolMWh: c.coolMWh, coolPeakKw: c.coolPeakKw })),
      w,
      { useProfiles: profiles },
    );
    let peak = 0;
    for (const v of sim.totalKw) peak = Math.max(peak, v);
    const plantPipe = res.pipes.find((p) => p.from === res.plants[0]!.node)!;
    expect(plantPipe.designKw).toBeCloseTo(peak, 6);
    expect(res.plants[0]!.outputKw).toBeCloseTo(peak, 6);
    expect(res.summary.media!.heat!.design_kW).toBeCloseTo(peak, 6);
    // the diversity fit gives another figure on the same consumers (it is kept as an option)
    const div = planNetwork({ graph: g, consumers, plants: [{ id: 'P', x: 0, y: 0 }] }, { pruneBy: [], loads: 'diversity' });
    expect(div.plants[0]!.outputKw).toBeCloseTo((0.62 + 0.38 / n) * consumers.reduce((s, c) => s + c.peakKw, 0), 9);
    // cooling: the profiled uses' coincident peak plus the diversified peaks of those without a cooling profile
    let cool = 0;
    const noProfile = consumers.filter((c) => !profiles.get(c.use!)!.cooling.some((x) => x > 0) && c.coolMWh! > 0);
    const profiled = consumers.filter((c) => profiles.get(c.use!)!.cooling.some((x) => x > 0));
    for (let h = 0; h < w.hours; h++) {
      let s = 0;
      for (const c of profiled) s += 1000 * c.coolMWh! * profiles.get(c.use!)!.cooling[h]!;
      cool = Math.max(cool, s);
    }
    const extra = noProfile.length ? (0.62 + 0.38 / noProfile.length) * noProfile.reduce((s, c) => s + c.coolPeakKw!, 0) : 0;
    expect(res.plants[0]!.outputCoolKw).toBeCloseTo(cool + extra, 6);
    if (noProfile.length) expect(res.warnings.counts()['route-cooling-no-profile']).toBe(noProfile.length);
    // annual pumping energy needs the hourly series: present with coincident loads
    expect(res.summary.media!.heat!.pumping.energy_MWh_a).toBeGreaterThan(0);
    expect(AGG_FIXED).toBeGreaterThan(0);
  });
});

describe('a single consumer\'s design load (service pipes)', () => {
  it('equals the coincident peak of an aggregate holding only that consumer, bit for bit', () => {
    const w = weatherFromArray(Array.from({ length: 8760 }, (_, h) => 5 + 12 * Math.sin((2 * Math.PI * (h - 2000)) / 8760) + 4 * Math.sin((2 * Math.PI * h) / 24)));
    const uses = ['office', 'residential_detached', 'commercial', 'residential_apartment'];
    const profiles = buildUseProfiles(w, uses, { climateRegion: 6 });
    const r = rng(31);
    const cs: LoadConsumer[] = Array.from({ length: 300 }, (_, k) => {
      const heat = 1 + 500 * r();
      const sh = k % 7 === 0 ? 0 : k % 11 === 0 ? heat : heat * r();
      return { spaceHeatMWh: sh, hotWaterMWh: heat - sh, heatMWh: heat, peakKw: heat, coolMWh: 0, coolPeakKw: 0, use: uses[k % uses.length]! };
    });
    const m = coincidentModel(cs, profiles);
    for (let k = 0; k < cs.length; k++) {
      const one = new Float64Array(m.width);
      m.add(one, 0, k, 1);
      expect(m.consumerHeatKw(k)).toBe(m.heatKw(one, 0));
    }
  });
});

describe('the coincident peak search', () => {
  it('is the largest hour of the aggregate, the same value as summing every hour', () => {
    const w = weatherFromArray(Array.from({ length: 8760 }, (_, h) => 8 + 14 * Math.sin((2 * Math.PI * (h - 2100)) / 8760) + 5 * Math.sin((2 * Math.PI * h) / 24)));
    const uses = ['office', 'residential_detached', 'commercial', 'residential_apartment', 'education'];
    const profiles = buildUseProfiles(w, uses, { climateRegion: 6 });
    const r = rng(41);
    const cs: LoadConsumer[] = Array.from({ length: 200 }, (_, k) => {
      const heat = 1 + 300 * r();
      const sh = heat * r();
      return { spaceHeatMWh: sh, hotWaterMWh: heat - sh, heatMWh: heat, peakKw: heat, coolMWh: 0, coolPeakKw: 0, use: uses[k % uses.length]! };
    });
    const m = coincidentModel(cs, profiles);
    const series = uses.flatMap((u) => [profiles.get(u)!.spaceHeat, profiles.get(u)!.hotWater]);
    for (let trial = 0; trial < 60; trial++) {
      const agg = new Float64Array(m.width);
      const n = 1 + Math.floor(r() * (trial % 3 === 0 ? 3 : 60));
      for (let j = 0; j < n; j++) m.add(agg, 0, Math.floor(r() * cs.length), 1);
      // brute force over every hour, the columns summed in the same order
      let best = 0;
      for (let h = 0; h < 8760; h++) {
        let s = 0;
        for (let c = 0; c < series.length; c++) {
          const a = agg[AGG_FIXED + c]!;
          if (a !== 0) s += a * (1000 * series[c]![h]!);
        }
        if (s > best) best = s;
      }
      expect(m.heatKw(agg, 0)).toBe(best);
    }
  });
});
