/**
 * The simulate stage reads the network feature by feature (engine/sim/network-input.ts readNetworkFile), keeping the
 * simulation's records only. It must give exactly what a whole-file parse gives (parseNetworkGeojson of the text): the
 * same networks, the same warnings, the same errors in the same order, and so the same simulation, on hand-made
 * collections (members after the features, several networks, service pipes resolved late) and on the demo town and
 * Helsinki as the route stage writes them (network.geojson and network.fgb).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { readWeather } from '../../engine/io/weather.js';
import { demoSteps, KITAMI_WEATHER } from '../../engine/pipeline/demo.js';
import { parseNetworkGeojson, readNetworkFile, type SimNetwork } from '../../engine/sim/network-input.js';
import { simulateNetwork } from '../../engine/sim/simulate.js';
import { Warnings } from '../../engine/util/warnings.js';
import { plantFromRecord, plantRecordSchema } from '../../engine/sim/plants.js';

const BOILER = () => [plantFromRecord(plantRecordSchema.parse({ id: 'b', type: 'gas_boiler', capacity_kW: 1e6 }), 'test', 'b')];

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-sim-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DATA = process.env.HEATPLAN_DATA ?? join(__dirname, '..', '..', '..', 'shared', 'datasets');
const HELSINKI = join(DATA, 'helsinki', 'helsinki.osm.pbf');

/** Both reads of one file: networks and warnings (the file names in them are the same file). */
async function bothReads(file: string) {
  const ws = new Warnings(), wp = new Warnings();
  const streamed = await readNetworkFile(file, ws);
  const parsed = parseNetworkGeojson(readFileSync(file, 'utf8'), file, wp);
  return { streamed, parsed, ws: ws.list(), wp: wp.list() };
}

const pt = (id: string, p: Record<string, unknown>) => ({ type: 'Feature', properties: { id, ...p }, geometry: { type: 'Point', coordinates: [142.6, 44.3] } });
const line = (p: Record<string, unknown>) => ({ type: 'Feature', properties: p, geometry: { type: 'LineString', coordinates: [[142.6, 44.3], [142.61, 44.3]] } });

describe('streamed network read = whole-file parse (hand-made)', () => {
  it('collection members after the features, two networks, a late network named by a service pipe, dropped ids', async () => {
    const features = [
      pt('a', { kind: 'consumer', use: 'office', spaceHeat_MWh: 10, hotWater_MWh: 2, peak_kW: 9, network: 'n1' }),
      pt('b', { kind: 'consumer', heat_MWh: 5, network: 'n2' }),
      line({ kind: 'pipe', id: 'p1', from: 'x', to: 'y', length_m: 120, DN: 50, loss_W_per_m: 17.7, peak_kW: 9, network: 'n1' }),
      line({ kind: 'service', consumer: 'a', length_m: 12, loss_W_per_m: 9.5 }),
      line({ kind: 'service', consumer: 'zz', length_m: 3, loss_W_per_m: 1, network: 'n3' }),
      pt('d1', { kind: 'dropped', reason: 'far', network: 'n2' }),
      pt('plant-1', { kind: 'plant', capacity_kW: 700, type: 'gas_boiler', network: 'n1' }),
      pt('plant-2', { kind: 'plant', capacity_kW: null, output_kW: 12.3, network: 'n2' }),
    ];
    const file = join(tmp, 'members-last.geojson');
    // type and properties after the features: the streamed reader only sees them at the end
    writeFileSync(file, JSON.stringify({ features, type: 'FeatureCollection', properties: { supply_C: 80, return_C: 50, ground_C: 8, supplyCurve: [[-15, 80], [15, 65]], pumping: { heat: { head_kPa: 300, pumpEfficiency: 0.6 } } } }));
    const { streamed, parsed, ws, wp } = await bothReads(file);
    expect(streamed).toEqual(parsed);
    expect(ws).toEqual(wp);
    expect(streamed.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    expect(streamed[0]!.services).toEqual([{ consumer: 'a', lengthM: 12, lossWPerM: 9.5 }]);
    expect(streamed[1]!.droppedIds).toEqual(['d1']);
    expect(streamed[2]!.services?.[0]?.consumer).toBe('zz');
    for (const n of streamed) expect([n.supplyC, n.returnC, n.designGroundC, n.pumping?.heat?.headPa]).toEqual([80, 50, 8, 300000]);
    // JSON key order too: sim.json and the sheet write what they are given
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(parsed));
  });

  it('errors in the order of a whole-file parse: the type, then the collection properties, then the first bad feature', async () => {
    const bad = pt('c', { kind: 'consumer' });
    const cases: [object, string][] = [
      [{ features: [bad], type: 'Feature' }, 'network-bad-geojson'],
      [{ type: 'FeatureCollection', features: [bad], properties: { return_C: 50, supplyCurve: [[0, 40]] } }, 'network-bad-supply-curve'],
      [{ type: 'FeatureCollection', features: [pt('ok', { kind: 'consumer', heat_MWh: 1 }), bad, line({ kind: 'pipe', length_m: -1 })] }, 'network-bad-value'],
      [{ type: 'FeatureCollection', features: [] }, 'network-empty'],
    ];
    for (const [fc, code] of cases) {
      const file = join(tmp, `bad-${code}.geojson`);
      writeFileSync(file, JSON.stringify(fc));
      const a = await readNetworkFile(file).then(() => undefined, (e) => e);
      const b = (() => {
        try {
          parseNetworkGeojson(readFileSync(file, 'utf8'), file);
        } catch (e) {
          return e;
        }
      })();
      expect(a?.code, code).toBe(code);
      expect(a?.message).toBe((b as Error).message);
      expect(a?.record).toBe((b as { record?: unknown }).record);
    }
  });
});

/** The simulation of each network with a given gas boiler: the annual results, read both ways. */
async function simulateBoth(file: string, weatherFile: string) {
  const weather = await readWeather(weatherFile);
  const { streamed, parsed } = await bothReads(file);
  const sim = (nets: SimNetwork[]) => nets.map((n) => simulateNetwork(n, weather, BOILER()).annual);
  return { a: sim(streamed), b: sim(parsed), consumers: streamed.reduce((t, n) => t + n.consumers.length, 0) };
}

describe('the demo town and Helsinki: the same networks and simulation, read feature by feature', () => {
  const DEMO = join(tmp, 'demo');
  const HEL = join(tmp, 'helsinki');
  beforeAll(async () => {
    const steps = demoSteps(DEMO, undefined);
    const at = steps.findIndex((s) => s[0] === 'route');
    for (const step of steps.slice(0, at + 1)) expect(await main([...step, '--quiet']), step.join(' ')).toBe(0);
    if (existsSync(HELSINKI)) {
      expect(await main(['demand', '--buildings', HELSINKI, '--out', HEL, '--quiet', '--hdd', '4400', '--mean-temp', '6', '--design-temp', '-20'])).toBe(0);
      expect(await main(['route', '--run', HEL, '--roads', HELSINKI, '--plant', '24.94,60.17,50000,gas_boiler', '--quiet'])).toBe(0);
    } else if (process.env.CI === 'true') throw new Error(`${HELSINKI} is missing`);
    else console.warn(`*** sim network-stream test: ${HELSINKI} not found, the Helsinki case is skipped ***`);
  }, 300_000);

  for (const [name, dir] of [['demo', DEMO], ['Helsinki', HEL]] as const) {
    it(`${name}: network.geojson and network.fgb read feature by feature give the whole parse's networks and annual results (1e-9)`, async () => {
      if (!existsSync(join(dir, 'manifest.json'))) return;
      const geo = join(dir, 'network.geojson');
      const { a, b, consumers } = await simulateBoth(geo, KITAMI_WEATHER);
      expect(consumers).toBeGreaterThan(50);
      expect(a).toEqual(b);
      const fgb = join(dir, 'network.fgb');
      if (existsSync(fgb)) {
        const fromFgb = (await readNetworkFile(fgb)).map((n) => ({ ...n, file: geo }));
        const fromGeo = await readNetworkFile(geo);
        expect(fromFgb.length).toBe(fromGeo.length);
        const weather = await readWeather(KITAMI_WEATHER);
        for (let k = 0; k < fromGeo.length; k++) {
          expect(fromFgb[k]!.consumers.length).toBe(fromGeo[k]!.consumers.length);
          const plant = BOILER();
          const x = simulateNetwork(fromFgb[k]!, weather, plant).annual, y = simulateNetwork(fromGeo[k]!, weather, plant).annual;
          for (const key of ['demand_MWh', 'losses_MWh', 'produced_MWh', 'heatSold_MWh', 'primaryEnergy_GJ', 'pumping_kWh'] as const) {
            const xv = Number(x[key]), yv = Number(y[key]);
            expect(Number.isFinite(yv), key).toBe(true);
            expect(Math.abs(xv - yv), key).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(yv)));
          }
        }
      }
    }, 120_000);
  }
});
