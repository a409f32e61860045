/**
 * Building inputs read by two threads (engine/io/buildings-input.ts tailInThread, engine/io/buildings-worker.ts): on
 * copies of the Osaka PLATEAU buildings as GeoJSON (the city benchmark's files, scripts/bench/_synthetic-city.ts),
 * alone and after Osaka's CityGML tiles, and on the 68 tiles alone (the last tiles in the worker), the table is the
 * one-thread table column for column, the warnings are the same, in order, and so are the tiles' municipality and
 * detailed-use records; a worker that dies is counted and its files read in the main thread; a broken file among the
 * worker's gives the main thread's error.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUILDING_COLUMNS, type BuildingTable } from '../../engine/buildings/table.js';
import { readBuildingInputs, type BuildingInputOptions } from '../../engine/io/buildings-input.js';
import { takeDetailedUsage } from '../../engine/io/citygml/detailed-usage.js';
import { resolveCityGmlFiles } from '../../engine/io/citygml/files.js';
import { recordedMunicipalities, recordMunicipalities } from '../../engine/io/citygml/municipality.js';
import { Warnings } from '../../engine/util/warnings.js';
import { syntheticCity, type SyntheticCity } from '../../scripts/bench/_synthetic-city.js';
import { data, DATA_DIR, describeData } from '../helpers/data.js';

const MAPPING: BuildingInputOptions = { mapping: { id: 'id', use: 'usage', storeys: 'storeys', height: 'height', floorArea: 'floor' }, scheme: 'plateau' };

function expectSameTable(a: BuildingTable, b: BuildingTable): void {
  expect(b.count).toBe(a.count);
  expect(b.crs).toEqual(a.crs);
  for (const c of BUILDING_COLUMNS) {
    const x = a[c.name] as ArrayLike<unknown>, y = b[c.name] as ArrayLike<unknown>;
    expect(y.length, c.name).toBe(x.length);
    if (Array.isArray(x)) expect(y, c.name).toEqual(x);
    else {
      const bx = x as unknown as ArrayBufferView, by = y as unknown as ArrayBufferView;
      expect(by.constructor, c.name).toBe(bx.constructor);
      expect(Buffer.from(by.buffer, by.byteOffset, by.byteLength).equals(Buffer.from(bx.buffer, bx.byteOffset, bx.byteLength)), c.name).toBe(true);
    }
  }
}

describeData('building inputs read by two threads, Osaka', () => {
  let city: SyntheticCity;
  beforeAll(async () => {
    city = await syntheticCity(DATA_DIR, 4 * 11_684, 2500, 'heatplan-buildings-thread-');
  }, 180_000);
  afterAll(() => city && rmSync(city.dir, { recursive: true, force: true }));

  const read = async (paths: string[], thread: 'never' | 'always') => {
    const warnings = new Warnings();
    const table = await readBuildingInputs(paths, warnings, { ...MAPPING, thread });
    return { table, warnings: warnings.list() };
  };

  it('GeoJSON copies: the same table, column for column, and the same warnings', async () => {
    expect(city.files.length).toBe(4);
    const one = await read(city.files, 'never');
    const two = await read(city.files, 'always');
    expect(one.table.count).toBe(4 * 11_684);
    expectSameTable(one.table, two.table);
    expect(two.warnings).toEqual(one.warnings);
    expect(one.warnings.length).toBeGreaterThan(0);
  }, 180_000);

  it('CityGML tiles first, then the GeoJSON copies: the same table and warnings', async () => {
    const paths = [data('osaka'), ...city.files];
    const one = await read(paths, 'never');
    const two = await read(paths, 'always');
    expect(one.table.count).toBe(5 * 11_684);
    expectSameTable(one.table, two.table);
    expect(two.warnings).toEqual(one.warnings);
  }, 180_000);

  it('CityGML tiles alone: the last tiles in the worker, the same table, warnings and per-tile records (municipalities, detailed uses)', async () => {
    const files = resolveCityGmlFiles([data('osaka')]);
    expect(files.length).toBe(68);
    // what the reader recorded per tile (module state the demand stage reads later), taken (and cleared) after each
    // read, so that the next read's records are its own
    const records = () =>
      files.map((f) => {
        const r = { m: [...(recordedMunicipalities(f) ?? new Map())], d: [...(takeDetailedUsage(f) ?? new Map())] };
        recordMunicipalities(f, new Map());
        return r;
      });
    const one = await read([data('osaka')], 'never');
    const oneRecords = records();
    const two = await read([data('osaka')], 'always');
    const twoRecords = records();
    expect(one.table.count).toBe(11_684);
    expectSameTable(one.table, two.table);
    expect(two.warnings).toEqual(one.warnings);
    expect(twoRecords).toEqual(oneRecords);
    // the records are not empty where it matters: the last tile (read by the worker) has its municipality
    expect(oneRecords[67]!.m.length).toBeGreaterThan(0);
    expect(oneRecords.some((r) => r.d.length > 0)).toBe(true);
    // and the worker did read them: a crashed worker is counted
    process.env.HEATPLAN_BUILDINGS_THREAD_CRASH = '1';
    try {
      const died = await read([data('osaka')], 'always');
      expectSameTable(one.table, died.table);
      expect(died.warnings.find((w) => w.code === 'buildings-thread-failed')?.count).toBe(1);
    } finally {
      delete process.env.HEATPLAN_BUILDINGS_THREAD_CRASH;
    }
  }, 180_000);

  it('a worker that dies is counted (buildings-thread-failed) and its files read here: the same table', async () => {
    const one = await read(city.files, 'never');
    process.env.HEATPLAN_BUILDINGS_THREAD_CRASH = '1';
    try {
      const died = await read(city.files, 'always');
      expectSameTable(one.table, died.table);
      expect(died.warnings.find((w) => w.code === 'buildings-thread-failed')?.examples[0]?.message).toMatch(/exit code 86/);
      expect(died.warnings.filter((w) => w.code !== 'buildings-thread-failed')).toEqual(one.warnings);
    } finally {
      delete process.env.HEATPLAN_BUILDINGS_THREAD_CRASH;
    }
  }, 180_000);

  it('a broken file among the worker\'s gives the one-thread error, naming the file', async () => {
    const bad = join(city.dir, 'zz-broken.geojson');
    writeFileSync(bad, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[[[135.5,34.6],[135.5001,34.6],[135.5001');
    const paths = [...city.files, bad];
    const errors: string[] = [];
    for (const thread of ['never', 'always'] as const) {
      const e = await readBuildingInputs(paths, new Warnings(), { ...MAPPING, thread }).catch((x: Error) => x);
      expect(e, thread).toBeInstanceOf(Error);
      errors.push(`${(e as Error).name}: ${(e as Error).message}`);
    }
    expect(errors[1]).toBe(errors[0]);
    expect(errors[0]).toContain('zz-broken.geojson');
  }, 180_000);
});
