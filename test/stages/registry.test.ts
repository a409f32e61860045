/**
 * The stage registry: one option table per stage behind the CLI, scenario files, batch files and the API. A command
 * line and the scenario section it stands for give runStage the same options; bad options are refused with the key,
 * what was expected and the closest valid key; old spellings are accepted and reported; the stage tables' defaults
 * match the implementation constants they mirror.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../engine/cli/main.js';
import { commandOptions } from '../../engine/cli/stage-command.js';
import { UsageError } from '../../engine/errors.js';
import { LAYER_NAMES } from '../../engine/export/map/load.js';
import { DEFAULT_SIZING } from '../../engine/network/sizing.js';
import { parseScenario } from '../../engine/pipeline/load.js';
import { planSteps } from '../../engine/pipeline/plan.js';
import { SEWAGE_DEFAULTS } from '../../engine/potential/sewage.js';
import { MAP_LAYERS } from '../../engine/stages/map.js';
import { SEWAGE_DT_K } from '../../engine/stages/potential.js';
import { parseStageOptions, runStage, stages, STAGES, withDefaults } from '../../engine/stages/index.js';

const DEMO = resolve(__dirname, '../../datasets/demo');
const tmp = mkdtempSync(join(tmpdir(), 'heatplan-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Parse a command line with the real CLI and return the values its action would hand to runStage. */
async function cliOptions(argv: string[]): Promise<Record<string, unknown>> {
  const p = buildProgram();
  const cmd = p.commands.find((c) => c.name() === argv[0])!;
  const def = Object.values(stages).find((d) => d.command === argv[0])!;
  let seen: Record<string, unknown> | undefined;
  cmd.action(() => {
    seen = commandOptions(def, cmd.opts());
  });
  await p.parseAsync(argv, { from: 'user' });
  return seen!;
}

describe('a command line and its scenario section give runStage the same options', () => {
  const yaml = `
name: town
out: ${tmp}/town
demand: { buildings: [${DEMO}/buildings.geojson], cell_m: 25, useMapping: [${DEMO}/blocks.geojson], includeBasement: true, hddScaling: sqrt, climateRegion: 3 }
potential: { rivers: ${DEMO}/river.geojson, riverTemp_C: [1,1,2,5,9,13,17,18,15,10,5,2], riverFeatures: [WaterBody, River], riverFlowClass_m3_s: { river: 10, stream: 0.5 } }
areas: { method: blocks, gap_m: 40, keepEdge: true }
route: { roads: ${DEMO}/roads.geojson, plant: [{ lon: 142.6, lat: 44.3, capacity_kW: 700, type: biomass }, { lon: 142.7, lat: 44.31 }], improve: false, crossings: false, roadClasses: "residential, service", maxService_m: 80 }
simulate: { weather: ${DEMO}/roads.geojson, backup: false, supply_C: 75, electricityFactor_MJ_kWh: 8.64 }
report: { maps: false }
map: [{ format: png, dpi: 100, layers: [demand, network] }, { format: pdf, title: Sheet 2, size: a3 }]
`;
  const s = parseScenario(yaml, join(tmp, 'scenario.yaml'), { skip: STAGES });
  for (const step of planSteps(s, { verbose: true })) {
    if (step.skip) continue;
    it(step.label, async () => {
      const fromFile = parseStageOptions(step.stage, step.options);
      expect(fromFile.issues).toEqual([]);
      const fromCli = parseStageOptions(step.stage, await cliOptions(step.argv));
      expect(fromCli.issues).toEqual([]);
      expect(withDefaults(step.stage, fromCli.options)).toEqual(withDefaults(step.stage, fromFile.options));
    });
  }
});

describe('options as data', () => {
  it('an unknown key names the stage, the key and the closest valid key; nothing is run', async () => {
    const e = await runStage('demand', join(tmp, 'never'), { buildings: ['x.geojson'], cel_m: 50 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(/^stage demand: cel_m: unknown option "cel_m" of stage demand \(did you mean "cell_m"\?\); valid: buildings, crs, cell_m/);
  });

  it('every bad value at once, with what was expected and the unit', () => {
    const p = parseStageOptions('route', { roads: 'r.geojson', minKwPerM: -1, maxService_m: '50 m', consumers: 'cells' });
    expect(p.issues).toEqual([
      { key: 'minKwPerM', message: 'expected a non-negative number of kW per metre (design output / (2 x route length); 0 = off, kW/m): it must be >= 0, got number -1', value: -1 },
      { key: 'maxService_m', message: 'expected a positive number of metres (m), got the string "50 m"; write the number alone: 50', value: '50 m' },
      { key: 'consumers', message: 'expected one of "buildings", "blocks", got the string "cells"', value: 'cells' },
    ]);
    expect(parseStageOptions('route', {}).issues).toEqual([{ key: 'roads', message: 'missing: expected a path (roads: OSM .pbf, .gpkg, .fgb, .shp or .geojson lines)' }]);
  });

  it('old spellings (command-line names, kebab or camel case) are renamed and reported', () => {
    const p = parseStageOptions('demand', { buildings: 'a.gml', cell: 50, 'hdd-scaling': 'sqrt', meanTemp: 5 });
    expect(p.issues).toEqual([]);
    expect(p.options).toEqual({ buildings: ['a.gml'], cell_m: 50, hddScaling: 'sqrt', meanTemp_C: 5 });
    expect(p.renamed).toEqual([['cell', 'cell_m'], ['hdd-scaling', 'hddScaling'], ['meanTemp', 'meanTemp_C']]);
  });

  it('defaults come from the table; the ones that mirror implementation constants equal them', () => {
    expect(withDefaults('route', { roads: 'r' })).toMatchObject({ minKwPerM: 0.17, minMwhPerM: 1.5, supply_C: DEFAULT_SIZING.supplyC, return_C: DEFAULT_SIZING.returnC, improve: true, consumers: 'buildings' });
    expect(SEWAGE_DT_K).toBe(SEWAGE_DEFAULTS.dTK);
    expect([...MAP_LAYERS]).toEqual([...LAYER_NAMES]);
  });

  it('a cross-option rule of a stage is checked before it runs', async () => {
    await expect(runStage('potential', join(tmp, 'never'), {})).rejects.toThrow(/give at least one source: sewers, rivers, ground or wasteHeat/);
  });
});

describe('runStage on the demo town', () => {
  it('demand then areas through the API write the run the CLI writes', async () => {
    const dir = join(tmp, 'api');
    const notes: string[] = [];
    const d = await runStage('demand', dir, {
      buildings: [join(DEMO, 'buildings.geojson')], scheme: 'plateau', useColumn: 'usage', storeysColumn: 'storeys', floorAreaColumn: 'floorArea',
      heightColumn: 'height', idColumn: 'id', climateRegion: 1, cell: 50,
    }, { note: (l) => notes.push(l) });
    expect(notes).toEqual(['note: option "cell" is now spelled "cell_m" (the old spelling is accepted until heatplan 0.3)']);
    expect(d.buildings).toBe(205);
    expect(d.cellSize_m).toBe(50);
    const a = await runStage('areas', dir, { method: 'blocks' });
    expect(a.totalDemand_MWh).toBeCloseTo(d.annualHeat_MWh, 3);
  });
});

describe('impossible options are refused before a stage runs', () => {
  const dir = join(tmp, 'never-run');
  it.each([
    ['route', { roads: 'r.geojson', supply_C: 40, return_C: 60 }, /supply_C \(--supply\) 40 °C must be above return_C \(--return\) 60 °C/],
    ['simulate', { weather: 'w.has', supply_C: 50, return_C: 50 }, /supply_C \(--supply-c\) 50 °C must be above return_C/],
    ['demand', { buildings: ['b.gml'], designTemp_C: 30 }, /designTemp_C \(--design-temp\) 30 °C is not below the heating base of 18 °C/],
    ['demand', { buildings: ['b.gml'], designTemp_C: 2, meanTemp_C: -1 }, /designTemp_C 2 °C is above meanTemp_C -1 °C/],
    ['demand', { buildings: ['b.gml'], hdd_Kd: -100 }, /hdd_Kd: expected a non-negative number of kelvin-days .*it must be >= 0/],
    ['demand', { buildings: ['b.gml'], hddScaling: 'cubic' }, /hddScaling: expected one of "linear", "sqrt", got the string "cubic"/],
    ['route', { roads: 'r.geojson', crossings: 'maybe' }, /crossings: expected true or false \(yes or no\), got the string "maybe"/],
    ['route', { roads: 'r.geojson', plant: ['142.63,95,700,biomass'] }, /plant: expected a latitude -90\.\.90 \(value: \["142\.63,95,700,biomass"\]\)/],
  ] as const)('%s %j', async (stage, options, message) => {
    const e = await runStage(stage, dir, options).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(message);
  });
});
