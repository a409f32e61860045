/**
 * Scenario validation: each kind of bad input gives a ScenarioError naming the file, the line and the key path and
 * saying what was expected; all problems come in one error; valid files resolve paths against their folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest, loadScenario, parseScenario, ScenarioError } from '../../engine/pipeline/load.js';
import { UsageError } from '../../engine/errors.js';

const FIX = resolve(__dirname, '../fixtures/pipeline');
const DEMO = resolve(__dirname, '../../datasets/demo');

async function problems(file: string): Promise<ScenarioError> {
  const e = await loadScenario(join(FIX, file)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(ScenarioError);
  expect(e).toBeInstanceOf(UsageError); // exit code 2 in the CLI
  return e as ScenarioError;
}

describe('scenario errors name file, line, key and what was expected', () => {
  it('unknown key: lists the allowed keys and the likely meant one', async () => {
    const e = await problems('unknown-key.yaml');
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ key: 'demand.cellsize_m', line: 4 });
    expect(e.message).toContain('unknown-key.yaml:4: demand.cellsize_m: unknown key "cellsize_m" (did you mean "cell_m"?)');
    expect(e.message).toMatch(/allowed here: buildings, crs, cell_m, blocks, .*includeBasement/);
  });

  it('wrong types: every one reported, with the expected type', async () => {
    const e = await problems('wrong-type.yaml');
    expect(e.issues.map((i) => [i.key, i.line])).toEqual([
      ['demand.climateRegion', 4],
      ['demand.includeBasement', 5],
    ]);
    expect(e.issues[0]!.message).toBe('expected an integer 1-8 (Japanese climate region), got the string "one"');
    expect(e.issues[1]!.message).toBe('expected true or false, got the string "yes"');
    expect(e.message).toMatch(/^2 problems in scenario .*wrong-type\.yaml:\n {2}.*wrong-type\.yaml:4: demand\.climateRegion/);
  });

  it('missing file: the resolved path and the folder it was resolved against', async () => {
    const e = await problems('missing-file.yaml');
    expect(e.issues).toEqual([
      { key: 'demand.blocks', line: 4, message: `file not found: ${join(FIX, 'no-such-blocks.geojson')} (paths are relative to the scenario file's folder ${FIX})` },
    ]);
  });

  it('units written into values: the unit named, the fix said', async () => {
    const e = await problems('wrong-unit.yaml');
    const byKey = Object.fromEntries(e.issues.map((i) => [i.key, i.message]));
    expect(byKey['demand.cell_m']).toBe('expected a positive number of metres (grid cell size, m), got the string "50m"; write the number alone: 50');
    expect(byKey['route.maxService_m']).toBe('expected a positive number of metres (m), got the string "0.15 km"; "km" is not the unit here: give the value in metres (m) as a plain number');
  });

  it('a unit suffix other than the one the key has is an unknown key pointing at the right one', () => {
    const text = `out: run\ndemand:\n  buildings: ${DEMO}/buildings.geojson\n  cell_km: 0.05\n`;
    const e = catchIt(() => parseScenario(text, join(FIX, 'inline.yaml')));
    expect(e.issues[0]!.message).toContain('unknown key "cell_km" (did you mean "cell_m"?)');
  });

  it('range, enum, list and nested-object errors, in file order', () => {
    const text = [
      'out: run',
      'demand: { buildings: [], cell_m: -5 }',
      'areas: { method: cells }',
      'potential: { rivers: x.geojson, riverTemp_C: [1, 2, 3] }',
      'route: { roads: y.geojson, plant: [{ lon: 200, lat: 44 }] }',
      'map: { format: png, size: A5 }',
      'simulation: { weather: w.has }',
    ].join('\n');
    const e = catchIt(() => parseScenario(text, join(FIX, 'inline.yaml'), { skip: ['potential', 'route'] }));
    const got = e.issues.map((i) => `${i.line} ${i.key}: ${i.message}`);
    expect(got).toEqual([
      '2 demand.buildings: expected a path or a list of paths (PLATEAU CityGML .gml/.gml.gz or folder of tiles, OSM .pbf, .shp or .geojson), got an empty list',
      '2 demand.cell_m: expected a positive number of metres (grid cell size, m): it must be > 0, got number -5',
      '3 areas.method: expected one of "hotmaps", "blocks", got the string "cells"',
      '4 potential.riverTemp_C: expected a temperature in °C, or a list of 12 monthly means (January first), got a list of 3',
      '5 route.plant[0].lon: expected a longitude -180..180',
      '6 map.size: expected one of "A4", "A3", got the string "A5"',
      '7 simulation: unknown key "simulation" (did you mean "simulate"?); allowed here: name, description, out, demand, potential, areas, route, simulate, cost, report, map, export',
    ]);
  });

  it('YAML syntax errors and non-mapping files', () => {
    const e1 = catchIt(() => parseScenario('out: run\ndemand:\n  buildings: [a.geojson\n', join(FIX, 'inline.yaml')));
    expect(e1.issues[0]!.key).toBe('(YAML syntax)');
    expect(e1.issues[0]!.line).toBeGreaterThan(0);
    const e2 = catchIt(() => parseScenario('- a\n- b\n', join(FIX, 'inline.yaml')));
    expect(e2.issues[0]).toMatchObject({ key: '(top level)', message: 'expected a mapping (key: value), got a list of 2' });
    const e3 = catchIt(() => parseScenario('out: a\nout: b\n', join(FIX, 'inline.yaml')));
    expect(e3.issues[0]!.message).toMatch(/unique/i);
  });

  it('no out, no stage, or stages without demand and no run folder', () => {
    const e = catchIt(() => parseScenario('name: x\n', join(FIX, 'inline.yaml')));
    expect(e.issues.map((i) => i.key)).toEqual(['out', '(top level)']);
    const e2 = catchIt(() => parseScenario(`out: nowhere\nroute: { roads: ${DEMO}/roads.geojson }\n`, join(FIX, 'inline.yaml')));
    expect(e2.issues[0]!.message).toMatch(/no demand section and .*nowhere is not a run folder/);
  });

  it('a missing scenario file', async () => {
    const e = await problems('does-not-exist.yaml');
    expect(e.message).toMatch(/does-not-exist\.yaml: \(file\): cannot read the scenario file: not found/);
  });
});

describe('valid scenarios', () => {
  it('the demo scenario validates; paths are absolute, relative to its folder', async () => {
    const s = await loadScenario(join(DEMO, 'demo.yaml'), { skip: ['simulate'] });
    expect(s.name).toBe('heatplan demo town');
    expect(s.out).toBe(resolve(DEMO, '../../out/demo'));
    expect(s.demand!.buildings).toEqual([join(DEMO, 'buildings.geojson')]);
    expect(s.route!.roads).toBe(join(DEMO, 'roads.geojson'));
    expect(s.report).toEqual({});
    expect(s.map).toEqual([{ format: 'png' }]);
  });

  it('--out overrides out (relative to the working directory)', async () => {
    const s = await loadScenario(join(FIX, 'small.yaml'), { out: 'some/where' });
    expect(s.out).toBe(resolve('some/where'));
  });

  it('closest() suggests by unit-less name or small edit distance, not at random', () => {
    const allowed = ['cell_m', 'blocks', 'climateRegion'];
    expect(closest('cell', allowed)).toBe('cell_m');
    expect(closest('climateregion', allowed)).toBe('climateRegion');
    expect(closest('blokcs', allowed)).toBe('blocks');
    expect(closest('weather', allowed)).toBeUndefined();
  });
});

function catchIt(f: () => unknown): ScenarioError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('section shorthands', () => {
  it('an empty section runs the stage with its defaults; true/false for report and map', () => {
    const run = mkdtempSync(join(tmpdir(), 'heatplan-scenario-'));
    writeFileSync(join(run, 'manifest.json'), '{}');
    const s = parseScenario(`out: ${run}\nareas:\nreport: true\nmap: false\n`, join(DEMO, 'x.yaml'));
    rmSync(run, { recursive: true });
    expect(s.areas).toEqual({});
    expect(s.report).toEqual({});
    expect(s.map).toBeUndefined();
    const e = catchIt(() => parseScenario(`out: run\ndemand:\n`, join(FIX, 'inline.yaml')));
    expect(e.issues[0]).toMatchObject({ key: 'demand.buildings', line: 2 });
    expect(e.issues[0]!.message).toMatch(/^missing: expected a path or a list of paths/);
  });
});
