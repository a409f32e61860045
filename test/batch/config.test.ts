import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { areaStageOptions, loadBatchFile } from '../../engine/batch/config.js';
import { InputError } from '../../engine/errors.js';

function batchFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-batch-cfg-'));
  const f = join(dir, 'batch.yaml');
  writeFileSync(f, yaml);
  return f;
}

function loadError(yaml: string): InputError {
  const f = batchFile(yaml);
  try {
    loadBatchFile(f);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).file).toBe(f);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('batch file', () => {
  it('resolves paths relative to the file, applies defaults and shortcuts, and reports skipped stages', () => {
    const f = batchFile(`
stages: [simulate, demand, areas, route]
cell: 250
demand: { hdd: 3000 }
defaults:
  areas: { method: blocks }
areas:
  - name: tamana
    buildings: data/tamana.gml
  - name: helsinki
    buildings: [data/helsinki.osm.pbf]
    roads: data/helsinki.osm.pbf
    weather: w/kitami.has
    cell: 100
    demand: { hdd: 4400, hdd-scaling: sqrt }
`);
    const c = loadBatchFile(f);
    const dir = join(f, '..');
    expect(c.stages).toEqual(['demand', 'areas', 'route', 'simulate']);
    const [t, h] = c.areas;
    expect(t!.buildings).toEqual([join(dir, 'data/tamana.gml')]);
    // the file uses the old (command-line) spellings hdd, hdd-scaling, cell: accepted, renamed to the one spelling, noted
    expect(t!.options.demand).toMatchObject({ hdd_Kd: 3000, cell_m: 250 });
    expect(t!.options.areas).toEqual({ method: 'blocks' });
    expect(t!.run).toEqual(['demand', 'areas']);
    expect(t!.skipped.map((s) => s.stage)).toEqual(['route', 'simulate']);
    expect(t!.skipped[0]!.reason).toMatch(/no roads/);
    expect(h!.options.demand).toMatchObject({ hdd_Kd: 4400, hddScaling: 'sqrt', cell_m: 100 });
    expect(h!.options.route!.roads).toBe(join(dir, 'data/helsinki.osm.pbf'));
    expect(h!.run).toEqual(['demand', 'areas', 'route', 'simulate']);
    // what the worker passes to runStage, as data
    expect(areaStageOptions(h!, 'demand')).toEqual({ buildings: [join(dir, 'data/helsinki.osm.pbf')], hdd_Kd: 4400, cell_m: 100, hddScaling: 'sqrt', force: true });
    expect(areaStageOptions(h!, 'simulate')).toEqual({ weather: join(dir, 'w/kitami.has') });
    expect(c.notes).toContain('line 15: areas[1].demand.hdd-scaling is now spelled hddScaling (the old spelling is accepted until heatplan 0.3)');
  });

  it('keeps switches and lists as values; plant strings become plant records', () => {
    const f = batchFile(`
stages: [route]
areas:
  - { name: a, roads: r.geojson, route: { improve: false, plant: ["1,2", "3,4"] } }
`);
    const a = loadBatchFile(f).areas[0]!;
    expect(areaStageOptions(a, 'route')).toEqual({ improve: false, plant: [{ lon: 1, lat: 2 }, { lon: 3, lat: 4 }], roads: join(f, '..', 'r.geojson') });
  });

  it('names file and key of an unknown option', () => {
    const e = loadError('stages: [demand]\nareas:\n  - name: x\n    buildings: b.gml\n    demand: { hddd: 4400 }\n');
    expect(e.code).toBe('batch-option-unknown');
    expect(e.record).toBe('areas[0].demand.hddd');
    expect(e.message).toMatch(/known: .*hdd/);
    // the line of the key and the closest valid key
    expect(e.line).toBe(5);
    expect(e.message).toContain(':5: record areas[0].demand.hddd: unknown option "hddd" of stage demand (did you mean "hdd_Kd"?)');
  });

  it('checks values with the command option parser', () => {
    const e = loadError('stages: [demand]\nareas:\n  - name: x\n    buildings: b.gml\n    demand: { climateRegion: 12 }\n');
    expect(e.code).toBe('batch-option-value');
    expect(e.record).toBe('areas[0].demand.climateRegion');
    expect(e.message).toMatch(/integer 1-8/);
  });

  it('rejects bad shapes, duplicate names, batch-owned options and demand without buildings', () => {
    expect(loadError('stages: [demand]\nareas:\n  - name: x\n    buildings: b.gml\n    cell: -5\n').record).toBe('areas[0].cell');
    expect(loadError('stages: [fly]\nareas: [{ name: x, buildings: b.gml }]\n').record).toBe('stages[0]');
    expect(loadError('stages: [demand]\nareas: [{ name: x, buildings: b.gml }, { name: x, buildings: c.gml }]\n').code).toBe('batch-duplicate-name');
    expect(loadError('stages: [demand]\nareas: [{ name: x, buildings: b.gml, demand: { out: y } }]\n').code).toBe('batch-option-owned');
    expect(loadError('stages: [demand]\nareas: [{ name: x }]\n').code).toBe('batch-no-buildings');
    expect(loadError('stages: [demand]\nareas: [{ name: "../x", buildings: b.gml }]\n').record).toBe('areas[0].name');
    expect(loadError('stages: [demand]\nareas: [{ name: x, buildings: b.gml, tiles: { nx: 2 } }]\n').record).toBe('areas[0].tiles');
    expect(loadError('stages: [demand\n').code).toBe('batch-unreadable');
  });
});
