/**
 * The scenario format against the CLI: every scenario key maps to a real option of its stage's command, and every
 * option of a stage (except the ones the runner sets) has a key, so the two cannot drift apart. Plus argv translation
 * of each value kind, checked by parsing the produced command lines with the real commands.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../engine/cli/main.js';
import { parseScenario } from '../../engine/pipeline/load.js';
import { planSteps, showArgv, stageArgv } from '../../engine/pipeline/plan.js';
import { STAGE_SPECS, STAGES } from '../../engine/pipeline/schema.js';

const program = buildProgram();
const command = (name: string): Command => program.commands.find((c) => c.name() === name)!;

describe('scenario keys mirror the stage options', () => {
  for (const stage of STAGES) {
    it(`${stage}: keys <-> options of heatplan ${STAGE_SPECS[stage].command}`, () => {
      const spec = STAGE_SPECS[stage];
      const cmd = command(spec.command);
      expect(cmd, `command ${spec.command} registered`).toBeDefined();
      const longs = new Set(cmd.options.map((o) => o.long!));
      const mapped = new Set<string>();
      for (const [key, f] of Object.entries(spec.fields)) {
        // a negatable boolean (improve, backup, maps) is the command's --no-X option
        const flag = longs.has(f.flag) ? f.flag : '--no-' + f.flag.slice(2);
        expect(longs.has(flag), `${stage}.${key} -> ${f.flag} is an option of ${spec.command}`).toBe(true);
        mapped.add(flag);
      }
      const unmapped = [...longs].filter((l) => !mapped.has(l) && !spec.runnerOptions.includes(l));
      expect(unmapped, `options of ${spec.command} without a scenario key`).toEqual([]);
    });
  }
});

describe('argv translation', () => {
  const file = '/data/town/scenario.yaml';
  const yaml = `
name: town
out: ../runs/town
demand: { buildings: [a.geojson, b.geojson], cell_m: 25, useMapping: [m1.csv, m2.csv], includeBasement: true, hddScaling: sqrt }
potential: { rivers: r.geojson, riverTemp_C: [1,1,2,5,9,13,17,18,15,10,5,2], riverFeatures: [WaterBody, River], riverFlowClass_m3_s: { river: 10, stream: 0.5 } }
route: { roads: roads.geojson, plant: [{ lon: 142.6, lat: 44.3, capacity_kW: 700, type: biomass }, { lon: 142.7, lat: 44.31 }], improve: false, crossings: false, roadClasses: "residential, service" }
simulate: { weather: w.has, backup: false, supply_C: 75 }
report: true
map: [{ format: png, dpi: 100 }, { format: pdf, title: Sheet 2, out: sheets/town.pdf }]
`;
  // skip file checks: none of these files exist
  const s = parseScenario(yaml, file, { skip: STAGES });

  it('resolves paths against the scenario folder and maps values to options', () => {
    expect(s.out).toBe('/data/runs/town');
    const steps = planSteps(s, { verbose: true });
    const argv = Object.fromEntries(steps.map((st) => [st.label, st.argv]));
    expect(argv.demand).toEqual(['demand', '--out', '/data/runs/town', '--buildings', '/data/town/a.geojson', '/data/town/b.geojson', '--cell', '25',
      '--use-mapping', '/data/town/m1.csv', '--use-mapping', '/data/town/m2.csv', '--hdd-scaling', 'sqrt', '--include-basement']);
    expect(argv.potential).toEqual(['potential', '--run', '/data/runs/town', '--rivers', '/data/town/r.geojson', '--river-temp', '1,1,2,5,9,13,17,18,15,10,5,2', '--river-flow-class', 'river=10,stream=0.5', '--river-features', 'WaterBody,River']);
    expect(argv.route).toEqual(['route', '--run', '/data/runs/town', '--roads', '/data/town/roads.geojson', '--plant', '142.6,44.3,700,biomass', '--plant', '142.7,44.31',
      '--road-classes', 'residential,service', '--crossings', 'no', '--no-improve']);
    expect(argv.simulate).toEqual(['simulate', '--run', '/data/runs/town', '--weather', '/data/town/w.has', '--supply-c', '75', '--no-backup']);
    expect(argv.report).toEqual(['report', '/data/runs/town']);
    expect(argv['map[0]']).toEqual(['export-map', '/data/runs/town', '--format', 'png', '--dpi', '100', '--title', 'town']);
    expect(argv['map[1]']).toEqual(['export-map', '/data/runs/town', '--format', 'pdf', '--out', '/data/town/sheets/town.pdf', '--title', 'Sheet 2']);
    expect(steps.filter((st) => st.skip).map((st) => [st.label, st.skip!.reason])).toEqual([['areas', 'not in the scenario'], ['cost', 'not in the scenario'], ['export', 'not in the scenario']]);
  });

  it('the produced command lines parse with the real commands into the intended option values', async () => {
    const steps = planSteps(s, { verbose: true });
    const route = steps.find((st) => st.stage === 'route')!.argv;
    // parse without running the action: a fresh program whose route action only captures the options
    const p = buildProgram();
    let seen: Record<string, unknown> | undefined;
    p.commands.find((c) => c.name() === 'route')!.action((opts: Record<string, unknown>) => {
      seen = opts;
    });
    await p.parseAsync(route, { from: 'user' });
    expect(seen).toMatchObject({ run: '/data/runs/town', roads: '/data/town/roads.geojson', plant: ['142.6,44.3,700,biomass', '142.7,44.31'], improve: false, crossings: 'no', roadClasses: 'residential,service' });
    const demand = steps.find((st) => st.stage === 'demand')!.argv;
    const q = buildProgram();
    q.commands.find((c) => c.name() === 'demand')!.action((opts: Record<string, unknown>) => {
      seen = opts;
    });
    await q.parseAsync(demand, { from: 'user' });
    expect(seen).toMatchObject({ buildings: ['/data/town/a.geojson', '/data/town/b.geojson'], cell: 25, useMapping: ['/data/town/m1.csv', '/data/town/m2.csv'], includeBasement: true, hddScaling: 'sqrt' });
    const potential = steps.find((st) => st.stage === 'potential')!.argv;
    const r = buildProgram();
    r.commands.find((c) => c.name() === 'potential')!.action((opts: Record<string, unknown>) => {
      seen = opts;
    });
    await r.parseAsync(potential, { from: 'user' });
    expect(seen).toMatchObject({ riverFlowClass: { river: 10, stream: 0.5 } });
  });

  it('non-verbose runs pass --quiet; showArgv quotes what a shell would split', () => {
    expect(stageArgv('report', {}, s, false)).toEqual(['report', '/data/runs/town', '--quiet']);
    expect(showArgv(['export-map', '/r', '--title', "it's a town"])).toBe(`heatplan export-map /r --title 'it'\\''s a town'`);
  });
});
