import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBatchFile, stageArgv } from '../../engine/batch/config.js';
import { buildProgram } from '../../engine/cli/main.js';
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
    loadBatchFile(f, buildProgram());
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
    const c = loadBatchFile(f, buildProgram());
    const dir = join(f, '..');
    expect(c.stages).toEqual(['demand', 'areas', 'route', 'simulate']);
    const [t, h] = c.areas;
    expect(t!.buildings).toEqual([join(dir, 'data/tamana.gml')]);
    expect(t!.options.demand).toMatchObject({ hdd: 3000, cell: 250 });
    expect(t!.options.areas).toEqual({ method: 'blocks' });
    expect(t!.run).toEqual(['demand', 'areas']);
    expect(t!.skipped.map((s) => s.stage)).toEqual(['route', 'simulate']);
    expect(t!.skipped[0]!.reason).toMatch(/no roads/);
    expect(h!.options.demand).toMatchObject({ hdd: 4400, hddScaling: 'sqrt', cell: 100 });
    expect(h!.options.route!.roads).toBe(join(dir, 'data/helsinki.osm.pbf'));
    expect(h!.run).toEqual(['demand', 'areas', 'route', 'simulate']);
    const program = buildProgram();
    expect(stageArgv(program, 'demand', h!, '/o/helsinki')).toEqual([
      'demand', '--out', '/o/helsinki', '--buildings', join(dir, 'data/helsinki.osm.pbf'), '--hdd', '4400', '--cell', '100', '--hdd-scaling', 'sqrt', '--quiet',
    ]);
    expect(stageArgv(program, 'simulate', h!, '/o/helsinki')).toEqual(['simulate', '--run', '/o/helsinki', '--weather', join(dir, 'w/kitami.has'), '--quiet']);
  });

  it('turns switches into flags and --no- flags, lists into repeated options', () => {
    const f = batchFile(`
stages: [route]
areas:
  - { name: a, roads: r.geojson, route: { improve: false, plant: ["1,2", "3,4"] } }
`);
    const a = loadBatchFile(f, buildProgram()).areas[0]!;
    expect(stageArgv(buildProgram(), 'route', a, '/o/a')).toEqual(['route', '--run', '/o/a', '--no-improve', '--plant', '1,2', '--plant', '3,4', '--roads', join(f, '..', 'r.geojson'), '--quiet']);
  });

  it('names file and key of an unknown option', () => {
    const e = loadError('stages: [demand]\nareas:\n  - name: x\n    buildings: b.gml\n    demand: { hddd: 4400 }\n');
    expect(e.code).toBe('batch-option-unknown');
    expect(e.record).toBe('areas[0].demand.hddd');
    expect(e.message).toMatch(/known: .*hdd/);
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
