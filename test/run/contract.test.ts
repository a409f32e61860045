/**
 * The run-folder contract (engine/run/contract.ts) pinned against a demo run: every stage of the demo town runs
 * through the CLI once (the path test/export/demo.test.ts takes, here with the simulation), then the manifest's key
 * structure per stage, sim.json's, the raster bands, the GeoJSON feature kinds and properties, the hourly.csv header
 * and the folder's file names are compared with golden files in test/fixtures/contract/. Numbers are compared at a few
 * significant digits; timing, version, hashes and machine paths are masked. UPDATE_GOLDEN=1 rewrites the golden files.
 * The typed readers (engine/run/read.ts) read the run, and name the file when it is missing or malformed.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { demoSteps, KITAMI_WEATHER, simulateSkipReason } from '../../engine/pipeline/demo.js';
import { readGeoTiff } from '../../engine/io/geotiff.js';
import {
  DEMAND_BANDS,
  FILES,
  NETWORK_KINDS,
  POTENTIAL_BANDS,
  SOURCE_NAMES,
  STAGE_KEYS,
  type RunFeatureCollection,
} from '../../engine/run/contract.js';
import { readAreas, readBlocks, readBuildings, readDemand, readHourly, readNetwork, readPotential, readRoads, readRun, readSim } from '../../engine/run/read.js';
import { checkGolden, normalise } from './golden.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-contract-'));
const RUN = join(tmp, 'demo');
const WEATHER = resolve(KITAMI_WEATHER);
const SKIP_SIM = simulateSkipReason(WEATHER);
const paths = { '<run>': RUN, '<tmp>': tmp };

beforeAll(async () => {
  if (SKIP_SIM) console.warn(`*** contract test: ${SKIP_SIM}; sim.json and hourly.csv not pinned ***`);
  for (const step of demoSteps(RUN, SKIP_SIM ? undefined : WEATHER)) expect(await main([...step, '--quiet']), step.join(' ')).toBe(0);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Fail with the golden file's readable difference, if any. */
function pin(name: string, value: unknown): void {
  const diff = checkGolden(name, value);
  if (diff) expect.fail(diff);
}

/** A property's JSON types over all features: 'number', 'string|null', ... */
const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Geometry types, and per feature kind (or for all features) the property names in order with their JSON types. */
function collectionShape(fc: RunFeatureCollection<{ geometry: { type: string } | null; properties: object }, unknown>, byKind: boolean) {
  const kinds: Record<string, { geometry: string[]; properties: Record<string, string> }> = {};
  for (const f of fc.features) {
    const p = f.properties as Record<string, unknown>;
    const k = byKind ? String(p.kind) : '*';
    const e = (kinds[k] ??= { geometry: [], properties: {} });
    const g = f.geometry?.type ?? 'null';
    if (!e.geometry.includes(g)) e.geometry.push(g);
    for (const [name, v] of Object.entries(p)) {
      const types = new Set((e.properties[name] ?? '').split('|').filter(Boolean));
      types.add(typeOf(v));
      e.properties[name] = [...types].sort().join('|');
    }
  }
  // geometry type lists sorted: feature order is not the contract
  for (const e of Object.values(kinds)) e.geometry.sort();
  return kinds;
}

describe('the run-folder contract of a demo run', () => {
  it('file names: the run holds the contract files of every stage the demo runs', () => {
    const files = readdirSync(RUN).sort();
    const known = new Set<string>(Object.values(FILES));
    expect(files.filter((f) => !known.has(f)), 'files outside the contract').toEqual([]);
    pin('files', files);
  });

  it('manifest.json: the key structure of every stage summary', async () => {
    const { manifest } = await readRun(RUN);
    expect(manifest.stages).toEqual(STAGE_KEYS.filter((k) => !(SKIP_SIM && k === 'sim')));
    // the golden manifest is that of the whole demo (without a simulation its inputs and stages differ)
    if (!SKIP_SIM) pin('manifest', normalise(manifest, { paths }));
  });

  it('sim.json: the key structure of the simulation results', async () => {
    if (SKIP_SIM) return;
    pin('sim', normalise(await readSim(RUN), { paths }));
  });

  it('rasters: band names and units of demand.tif and potential.tif as the contract declares them', async () => {
    const out: Record<string, unknown> = {};
    for (const f of [FILES.demand, FILES.potential]) {
      const r = await readGeoTiff(join(RUN, f));
      out[f] = { crs: r.crs, cellSize: r.cellSize, width: r.width, height: r.height, bands: r.names.map((name, i) => ({ name, unit: r.units[i] })) };
    }
    expect((out[FILES.demand] as { bands: unknown }).bands).toEqual(DEMAND_BANDS);
    expect((out[FILES.potential] as { bands: unknown }).bands).toEqual(POTENTIAL_BANDS);
    pin('rasters', out);
  });

  it('GeoJSON: feature kinds, geometry types and property names of network, blocks, buildings, areas and roads', async () => {
    const network = await readNetwork(RUN);
    const kinds = collectionShape(network, true);
    expect(Object.keys(kinds).every((k) => (NETWORK_KINDS as readonly string[]).includes(k))).toBe(true);
    const areas = await readAreas(RUN);
    const buildings = await readBuildings(RUN);
    pin('geojson', {
      [FILES.network]: { properties: normalise(network.properties, { paths }), kinds },
      [FILES.blocks]: collectionShape(await readBlocks(RUN), false),
      [FILES.buildings]: { files: normalise(buildings.files, { paths }), features: collectionShape(buildings, false) },
      [FILES.areas]: { properties: Object.keys(areas.properties ?? {}), features: collectionShape(areas, false) },
      [FILES.roads]: collectionShape(await readRoads(RUN), true),
    });
  });

  it('hourly.csv: the header, every column placed by the contract', async () => {
    if (SKIP_SIM) return;
    const h = await readHourly(RUN);
    const sim = await readSim(RUN);
    expect(h.hours).toBe(sim.weather.hours);
    expect(h.columns.filter((c) => c.kind === 'other').map((c) => c.name)).toEqual([]);
    // one case scope per scenario case (the demo has several cases, one network each)
    const scopes = new Set(h.columns.flatMap((c) => ('scopes' in c ? [c.scopes.join(':')] : [])));
    expect([...scopes]).toEqual(sim.cases.map((c) => c.id));
    pin('hourly', { hours: h.hours, header: h.columns.map((c) => c.name) });
  });
});

describe('typed readers', () => {
  it('read the demo run as the contract types say', async () => {
    const { manifest } = await readRun(RUN);
    expect(manifest.route!.thresholds.minKwPerM).toBe(0.17);
    expect(Object.keys(manifest.potential!.kwBySource)).toEqual([...SOURCE_NAMES]);
    const d = await readDemand(RUN, { crs: manifest.crs!.code });
    expect(d.annualHeat.reduce((s, x) => s + (x > 0 ? x : 0), 0)).toBeCloseTo(manifest.demand!.grid.annualHeat_MWh, 3);
    const p = await readPotential(RUN);
    expect(p.names).toEqual(POTENTIAL_BANDS.map((b) => b.name));
    const net = await readNetwork(RUN);
    expect(net.properties!.minKwPerM).toBe(manifest.route!.thresholds.minKwPerM);
    expect(net.features.filter((f) => f.properties.kind === 'consumer')).toHaveLength(manifest.route!.consumers);
    if (!SKIP_SIM) expect((await readSim(RUN)).summary.heatDelivered_MWh).toBe(manifest.sim!.heatDelivered_MWh);
  });

  it('name the file when it is missing or malformed', async () => {
    const dir = join(tmp, 'broken');
    await main(['demand', ...demoSteps(dir, undefined)[0]!.slice(1), '--quiet']);
    await expect(readNetwork(dir)).rejects.toMatchObject({ name: 'InputError', code: 'run-missing-file', file: join(dir, FILES.network) });
    await expect(readNetwork(dir)).rejects.toThrow(/heatplan route/);
    writeFileSync(join(dir, FILES.network), '{"type":"FeatureCollection","features":[');
    await expect(readNetwork(dir)).rejects.toMatchObject({ code: 'run-bad-file', file: join(dir, FILES.network) });
    writeFileSync(join(dir, FILES.network), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: { kind: 'pipeline' } }] }));
    await expect(readNetwork(dir)).rejects.toMatchObject({ code: 'run-bad-file', record: 0, value: 'pipeline' });
    writeFileSync(join(dir, FILES.sim), '[]');
    await expect(readSim(dir)).rejects.toMatchObject({ code: 'run-bad-file', file: join(dir, FILES.sim) });
    writeFileSync(join(dir, FILES.hourly), 'time,demand_kW\n0,1\n');
    await expect(readHourly(dir)).rejects.toMatchObject({ code: 'run-bad-file', file: join(dir, FILES.hourly) });
    // demand.tif in place of potential.tif: three bands, not the contract's six
    copyFileSync(join(dir, FILES.demand), join(dir, FILES.potential));
    await expect(readPotential(dir)).rejects.toMatchObject({ code: 'run-bad-file', file: join(dir, FILES.potential) });
    await expect(readDemand(dir, { crs: 'EPSG:6669' })).rejects.toMatchObject({ code: 'raster-crs-mismatch' });
    writeFileSync(join(dir, FILES.manifest), JSON.stringify({ created: 'x', stages: [] }));
    await expect(readRun(dir)).rejects.toMatchObject({ code: 'run-bad-manifest', file: join(dir, FILES.manifest) });
    await expect(readRun(join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'run-missing' });
  });
});
