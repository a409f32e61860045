/**
 * engine/cost/network-read.ts: the cost stage's feature-by-feature read of network.fgb / network.geojson keeps each
 * network's pipes and consumers (the priced figures, file order; ids by their index among the kind where absent) and
 * the plant ids, the same from both forms; networks in the order their first pipe names them, then those with
 * consumers only; errors as the whole-collection read gave them: a kind outside the contract before a bad pipe, a bad
 * pipe before a bad consumer, whichever comes first in the file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCostNetwork } from '../../engine/cost/network-read.js';
import { inferLayout, writeFgb, type FgbWritableFeature } from '../../engine/io/fgb.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-cost-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const pt = (x: number) => ({ type: 'Point', coordinates: [135 + x / 1000, 34.6] });
const line = (x: number) => ({ type: 'LineString', coordinates: [[135 + x / 1000, 34.6], [135.0005 + x / 1000, 34.6001]] });
type P = Record<string, unknown>;
const feat = (geometry: { type: string; coordinates: unknown }, properties: P) => ({ type: 'Feature', geometry, properties });

const FEATURES = [
  // a consumer of B before any pipe: B still comes after A, whose pipe is first
  feat(pt(0), { kind: 'consumer', id: 'b1', network: 'B', heat_MWh: 2, peak_kW: 3, service_m: 4, branch: 7, plant: 'P2', use: 'office', floorArea_m2: 500 }),
  feat(pt(1), { kind: 'dropped', id: 'd1', reason: 'far', heat_MWh: 9 }),
  feat(line(2), { kind: 'pipe', id: 10, network: 'A', from: 0, to: 1, length_m: 5.5, DN: 50, branch: 0, plant: 'P1', loss_W_per_m: 12.5 }),
  feat(line(3), { kind: 'pipe', id: 11, network: 'B', from: 0, to: 2, length_m: 6, DN: 65, branch: 1 }),
  feat(line(4), { kind: 'service', consumer: 'a1', length_m: 3 }),
  feat(pt(5), { kind: 'plant', id: 'P1', type: 'biomass', capacity_kW: 500 }),
  feat(pt(6), { kind: 'plant', id: 'P2', type: 'gas_boiler', capacity_kW: 300 }),
  feat(pt(7), { kind: 'consumer', id: 'a1', network: 'A', heat_MWh: 1.25, peak_kW: 0.5, branch: 0 }),
  feat(pt(8), { kind: 'consumer', id: 'c1', network: 'C', heat_MWh: 3, peak_kW: 2, cool_MWh: 1, service_m: null }),
  // no id: its index among the pipes (2)
  feat(line(9), { kind: 'pipe', network: 'A', from: 1, to: 3, length_m: 7, DN: 40, branch: 2, plant: 'P1' }),
];

async function run(name: string, features: unknown[], form: 'fgb' | 'geojson', top: P = { type: 'FeatureCollection', properties: { supply_C: 80 } }): Promise<string> {
  const dir = join(tmp, `${name}-${form}`);
  mkdirSync(dir, { recursive: true });
  if (form === 'geojson') writeFileSync(join(dir, 'network.geojson'), JSON.stringify({ ...top, features }));
  else {
    const fs = features as FgbWritableFeature[];
    await writeFgb(join(dir, 'network.fgb'), fs, fs.length, inferLayout(fs), { epsg: 4326, name: 'network', members: { ...top, features: null } });
  }
  return dir;
}

describe('readCostNetwork', () => {
  for (const form of ['fgb', 'geojson'] as const) {
    it(`${form}: each network's pipes and consumers, the plant ids`, async () => {
      const r = await readCostNetwork(await run('ok', FEATURES, form));
      expect(r.file.endsWith(`network.${form}`)).toBe(true);
      expect([...r.parts.keys()]).toEqual(['A', 'B', 'C']);
      expect(r.parts.get('A')).toEqual({
        pipes: [
          { id: 10, from: 0, to: 1, length_m: 5.5, DN: 50, branch: 0, plant: 'P1' },
          { id: 2, from: 1, to: 3, length_m: 7, DN: 40, branch: 2, plant: 'P1' },
        ],
        consumers: [{ id: 'a1', branch: 0, heat_MWh: 1.25, peak_kW: 0.5, cool_MWh: 0, service_m: 0 }],
      });
      expect(r.parts.get('B')).toEqual({
        pipes: [{ id: 11, from: 0, to: 2, length_m: 6, DN: 65, branch: 1 }],
        consumers: [{ id: 'b1', branch: 7, heat_MWh: 2, peak_kW: 3, cool_MWh: 0, service_m: 4, plant: 'P2' }],
      });
      expect(r.parts.get('C')).toEqual({ pipes: [], consumers: [{ id: 'c1', branch: -1, heat_MWh: 3, peak_kW: 2, cool_MWh: 1, service_m: 0 }] });
      expect(r.plantIds).toEqual(['P1', 'P2']);
    });

    it(`${form}: without a network property, one network named "network"`, async () => {
      const fs = FEATURES.map((f) => ({ ...f, properties: Object.fromEntries(Object.entries(f.properties).filter(([k]) => k !== 'network')) }));
      const r = await readCostNetwork(await run('one', fs, form));
      expect([...r.parts.keys()]).toEqual(['network']);
      expect(r.parts.get('network')!.pipes.map((p) => p.id)).toEqual([10, 11, 2]);
      expect(r.parts.get('network')!.consumers.map((c) => c.id)).toEqual(['b1', 'a1', 'c1']);
    });

    it(`${form}: a kind outside the contract is named before an earlier bad pipe; a bad pipe before an earlier bad consumer`, async () => {
      const badPipe = feat(line(20), { kind: 'pipe', id: 20, from: 0, to: 1, length_m: -1, DN: 50, branch: 0 });
      const badConsumer = feat(pt(21), { kind: 'consumer', id: 'x', heat_MWh: 'lots', peak_kW: 1 });
      const badKind = feat(pt(22), { kind: 'valve', id: 'v' });
      await expect(readCostNetwork(await run('kind', [...FEATURES, badPipe, badConsumer, badKind], form))).rejects.toMatchObject({
        code: 'run-bad-file', record: FEATURES.length + 2, value: 'valve', message: expect.stringMatching(/feature kind must be one of pipe, service, consumer, dropped, plant/),
      });
      await expect(readCostNetwork(await run('pipe', [...FEATURES, badConsumer, badPipe], form))).rejects.toMatchObject({
        code: 'cost-bad-network', record: 'pipe 20', value: -1, message: expect.stringMatching(/pipe 20: length_m must be a number >= 0/),
        file: expect.stringMatching(new RegExp(`pipe-${form}/network\\.${form}$`)),
      });
      await expect(readCostNetwork(await run('consumer', [...FEATURES, badConsumer], form))).rejects.toMatchObject({ code: 'cost-bad-network', record: 'consumer x', value: 'lots' });
    });
  }

  it('no network file: run-missing-file with the command that writes it', async () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir, { recursive: true });
    await expect(readCostNetwork(dir)).rejects.toMatchObject({ code: 'run-missing-file', hint: expect.stringMatching(/heatplan route/) });
  });

  it('geojson: a member that is not a Feature, or a file that is not a FeatureCollection, is run-bad-file', async () => {
    await expect(readCostNetwork(await run('notfeature', [FEATURES[0], { type: 'Point', coordinates: [0, 0] }], 'geojson'))).rejects.toMatchObject({ code: 'run-bad-file', record: 1, message: expect.stringMatching(/not a GeoJSON Feature/) });
    await expect(readCostNetwork(await run('notfc', FEATURES, 'geojson', { type: 'GeometryCollection' }))).rejects.toMatchObject({ code: 'run-bad-file', message: expect.stringMatching(/not a GeoJSON FeatureCollection/) });
  });
});
