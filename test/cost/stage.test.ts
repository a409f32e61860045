/**
 * The cost stage on the demo town (synthetic: datasets/demo, its illustrative ASSUMPTION cost table): the demo's
 * stages through the CLI into a temp run, then costs.json, costs.csv and manifest.cost checked for consistency, and
 * bad cost tables refused with the file, row and value named and nothing written.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../engine/cli/main.js';
import type { CostsFile } from '../../engine/cost/run.js';
import { parseCsv } from '../../engine/export/csv.js';
import { demoSteps, KITAMI_WEATHER } from '../../engine/pipeline/demo.js';
import { readRun } from '../../engine/run/read.js';
import { SUMMARY_COLUMNS, summaryRow } from '../../engine/batch/summary.js';
import { buildReportHtml } from '../../engine/export/report.js';
import { exportMap } from '../../engine/export/map.js';
import { fmt } from '../../engine/export/report-summary.js';
import { runStage } from '../../engine/stages/index.js';
import { bundledPath } from '../../engine/util/data-dir.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-cost-'));
const RUN = join(tmp, 'demo');
const DEMO_COSTS = bundledPath('costs', 'demo-assumptions.csv');

beforeAll(async () => {
  // the demo's stages up to the cost stage; the simulation without the demo's scenario file (one case, as routed), so
  // that this test depends on the network and the simulation, not on which buildings the scenario's cases name
  for (const step of demoSteps(RUN, KITAMI_WEATHER)) {
    if (['report', 'map', 'export'].includes(step[0]!)) continue;
    const i = step.indexOf('--scenario');
    const argv = step[0] === 'simulate' && i >= 0 ? [...step.slice(0, i), ...step.slice(i + 2)] : step;
    expect(await main([...argv, '--quiet']), argv.join(' ')).toBe(0);
  }
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const costs = () => JSON.parse(readFileSync(join(RUN, 'costs.json'), 'utf8')) as CostsFile;

describe('heatplan cost on the demo town', () => {
  it('records its summary in the manifest after the simulation', async () => {
    const { manifest } = await readRun(RUN);
    expect(manifest.stages.slice(-2)).toEqual(['sim', 'cost']);
    const s = manifest.cost!;
    expect(s.currency).toBe('JPY');
    expect(s.cases.map((c) => c.id)).toEqual(['0']);
    expect(s.assumptions).toBeGreaterThan(0);
    expect(s.warnings['cost-assumption']).toBe(s.assumptions);
    expect(s.lcohNetwork_per_kWh).toBeGreaterThan(0);
    // the CostSummary keys of engine/run/contract.ts, in the order written (the contract's golden manifest adds them
    // when test/run/contract.test.ts is regenerated)
    expect(Object.keys(s)).toEqual([
      'currency', 'priceYears', 'discountRate_pct', 'period_a', 'pipeCost', 'surface', 'backupSold', 'case', 'networks', 'capital', 'capitalByPart',
      'annualCost', 'revenue', 'connectedHeat_MWh', 'networkHeat_MWh', 'lcohNetwork_per_kWh', 'lcohSystem_per_kWh', 'lcoc_per_kWh', 'npv',
      'paybackSimple_a', 'paybackDiscounted_a', 'cases', 'sensitivity', 'assumptions', 'tables', 'warnings', 'seconds',
    ]);
    expect(manifest.inputs.filter((i) => i.role === 'cost').map((i) => i.path.split('/').pop())).toEqual(['defaults.csv', 'demo-assumptions.csv']);
  });

  it('capital is the sum of its parts; LCOH x heat is the annual cost', async () => {
    const f = costs();
    const c = f.networks[0]!.cases[0]!;
    const parts = c.capital.parts.reduce((a, p) => a + p.capital, 0);
    expect(Math.abs(parts - c.capital.total)).toBeLessThan(1e-6 * c.capital.total);
    const byDn = c.capital.network.pipesByDn.reduce((a, d) => a + d.capital, 0);
    expect(Math.abs(byDn - c.capital.network.pipes)).toBeLessThan(1e-6 * byDn);
    expect(Math.abs(c.lcohNetwork! * c.heat.network_MWh * 1000 - (c.annual.annuity + c.annual.running))).toBeLessThan(1e-6 * c.annual.running);
    // the simulation's heat: network heat + backup = delivered
    expect(Math.abs(c.heat.network_MWh + c.heat.backup_MWh - c.heat.delivered_MWh)).toBeLessThan(1e-6);
    // every figure used is listed with its source; the EUR pipe rows converted with the table's fx row
    const c1 = f.table.find((t) => t.item === 'pipe_c1')!;
    expect(c1.currency).toBe('EUR');
    expect(c1.value).toBeCloseTo(c1.valueAsWritten * f.table.find((t) => t.item === 'fx')!.value, 9);
    for (const t of f.table) expect(t.source.length).toBeGreaterThan(0);
  });

  it('sensitivities go the right way', () => {
    const sens = costs().networks[0]!.cases[0]!.sensitivities;
    const v = (w: string) => sens.find((x) => x.what === w)!.lcohNetwork!;
    expect(v('pipe cost -30 %')).toBeLessThan(v('as computed'));
    expect(v('pipe cost +30 %')).toBeGreaterThan(v('as computed'));
    expect(v('discount rate -1 point')).toBeLessThan(v('as computed'));
    expect(v('discount rate +1 point')).toBeGreaterThan(v('as computed'));
  });

  it('costs.csv: UTF-8 with BOM, one row per case and network', () => {
    const text = readFileSync(join(RUN, 'costs.csv'), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text);
    expect(rows[0]![0]).toBe('case');
    expect(rows.slice(1).map((r) => r[0])).toEqual(['0']);
    const col = rows[0]!.indexOf('lcoh_network_per_kWh');
    expect(Number(rows[1]![col])).toBeCloseTo(costs().networks[0]!.cases[0]!.lcohNetwork!, 5);
  });

  it('a marginal-cost limit lists the branches to cut and estimates LCOH without them', async () => {
    const before = costs().networks[0]!.marginal.consumers;
    const limit = [...before].map((c) => c.costPerMWh).sort((a, b) => a - b)[Math.floor(before.length * 0.8)]!;
    const s = await runStage('cost', RUN, { costs: [DEMO_COSTS], currency: 'JPY', maxMarginal_per_MWh: limit });
    expect(s.costPruning).toBeDefined();
    const p = costs().networks[0]!.costPruning!;
    expect(p.keptHeat_MWh + p.cutHeat_MWh).toBeCloseTo(s.connectedHeat_MWh, 3);
    for (const id of p.cutBranches) expect(costs().networks[0]!.marginal.branches.find((b) => b.branch === id)!.costPerMWh).toBeGreaterThan(limit);
    await runStage('cost', RUN, { costs: [DEMO_COSTS], currency: 'JPY' });
  });
});

describe('report', () => {
  it('shows the cost key figures, the sensitivities and the cost table with ASSUMPTION rows marked', async () => {
    const { html } = await buildReportHtml(RUN, { maps: false });
    const s = (await readRun(RUN)).manifest.cost!;
    expect(html).toContain('<h3>Costs (JPY');
    expect(html).toContain(`${fmt(s.lcohNetwork_per_kWh!, 2)}&nbsp;JPY/kWh`);
    for (const w of ['pipe cost -30 %', 'pipe cost +30 %', 'discount rate -1 point', 'discount rate +1 point', 'Cost table used', '<strong>ASSUMPTION</strong>', 'Persson &amp; Werner 2011']) expect(html).toContain(w);
    const ja = (await buildReportHtml(RUN, { maps: false, lang: 'ja' })).html;
    expect(ja).toContain('熱の均等化原価');
  });
});

describe('plan sheet', () => {
  it('carries the cost key figure line', async () => {
    const out = join(tmp, 'sheet.svg');
    await exportMap(RUN, { format: 'svg', out });
    const svg = readFileSync(out, 'utf8').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(svg).toContain('Costs: LCOH');
    expect(svg).toContain('JPY/kWh (network heat)');
  });
});

describe('batch summary', () => {
  it('carries the cost columns of the area\'s manifest', async () => {
    const { row } = await summaryRow({ name: 'demo', status: 'done', error: '', ran: ['cost'], reused: [], skipped: [], retries: 0, seconds: 1 }, RUN);
    const m = (await readRun(RUN)).manifest.cost!;
    for (const c of ['cost_currency', 'cost_capital', 'cost_annual', 'cost_lcoh_network_per_kWh', 'cost_lcoh_system_per_kWh', 'cost_npv']) expect(SUMMARY_COLUMNS).toContain(c);
    expect(row.cost_currency).toBe('JPY');
    expect(row.cost_capital).toBe(m.capital);
    expect(row.cost_lcoh_network_per_kWh).toBeCloseTo(m.lcohNetwork_per_kWh!, 4);
    expect(row.cost_npv).toBe(m.npv);
  });
});

describe('hourly electricity tariff', () => {
  it('a flat tariff at the electricity_price gives the flat price\'s cost; a peak-hour tariff costs more where pumping runs then', async () => {
    const flat = costs().networks[0]!.cases[0]!.annual.electricity;
    const hours = readFileSync(join(RUN, 'hourly.csv'), 'utf8').split(/\r?\n/).filter((l) => l.trim()).length - 1;
    const write = (name: string, price: (h: number) => number) => {
      const f = join(tmp, name);
      writeFileSync(f, ['hour,value,unit,currency,priceYear,source', ...Array.from({ length: hours }, (_, h) => (h === 0 ? `0,${price(0)},JPY/kWh,JPY,2024,ASSUMPTION: test` : `${h},${price(h)},,,,`))].join('\n') + '\n');
      return f;
    };
    await runStage('cost', RUN, { costs: [DEMO_COSTS], currency: 'JPY', electricityTariff: write('flat.csv', () => 30) });
    const f = costs();
    expect(f.tariff!.hours).toBe(hours);
    // to hourly.csv's rounding of pump_kW
    expect(Math.abs(f.networks[0]!.cases[0]!.annual.electricity - flat)).toBeLessThan(1e-5 * flat);
    // 60 JPY/kWh in January (hours 0-743), 30 after: the cost lies between the flat 30 and 60 prices
    await runStage('cost', RUN, { costs: [DEMO_COSTS], currency: 'JPY', electricityTariff: write('winter.csv', (h) => (h < 744 ? 60 : 30)) });
    const e = costs().networks[0]!.cases[0]!.annual.electricity;
    expect(e).toBeGreaterThan(flat);
    expect(e).toBeLessThan(2 * flat);
    // a tariff of the wrong length is refused, naming the file
    const short = join(tmp, 'short.csv');
    writeFileSync(short, 'hour,value,unit,currency,priceYear,source\n0,30,JPY/kWh,JPY,2024,test\n');
    const err = await runStage('cost', RUN, { costs: [DEMO_COSTS], currency: 'JPY', electricityTariff: short }).then(() => undefined, (x: unknown) => x as Error & { code: string });
    expect(err?.code).toBe('tariff-hours');
    expect(err!.message).toContain('short.csv');
    await runStage('cost', RUN, { costs: [DEMO_COSTS], currency: 'JPY' });
  });
});

describe('candidate plant sites', () => {
  it('a run with two plants ranks them on LCOH, each over the heat it produces', async () => {
    const run2 = join(tmp, 'two-plants');
    cpSync(RUN, run2, { recursive: true });
    const roads = bundledPath('demo', 'roads.geojson');
    expect(await main(['route', '--run', run2, '--roads', roads, '--plant', '142.6389533,44.3020249,700,biomass_boiler', '--plant', '142.6296754,44.3014711,400,gas_boiler', '--quiet'])).toBe(0);
    expect(await main(['simulate', '--run', run2, '--weather', KITAMI_WEATHER, '--quiet'])).toBe(0);
    const extra = join(tmp, 'gas.csv');
    writeFileSync(extra, [
      'item,key,value,unit,currency,priceYear,source',
      'plant_capex,gas_boiler,30000,JPY/kW,JPY,2024,ASSUMPTION: test',
      'plant_fixed_om,gas_boiler,1000,JPY/kW/a,JPY,2024,ASSUMPTION: test',
      'plant_variable_om,gas_boiler,300,JPY/MWh,JPY,2024,ASSUMPTION: test',
      'lifetime,gas_boiler,20,a,,,ASSUMPTION: test',
      'fuel_price,gas,120,JPY/Nm3,JPY,2024,ASSUMPTION: test',
    ].join('\n') + '\n');
    const s = await runStage('cost', run2, { costs: [DEMO_COSTS, extra], currency: 'JPY' });
    const f = JSON.parse(readFileSync(join(run2, 'costs.json'), 'utf8')) as CostsFile;
    const sites = f.networks[0]!.sites!;
    expect(sites.ranked.map((x) => x.plant).sort()).toEqual(['plant-1', 'plant-2']);
    const l = sites.ranked.map((x) => x.lcoh ?? Infinity);
    expect(l[0]).toBeLessThanOrEqual(l[1]!);
    expect(s.sites!.map((x) => x.plant)).toEqual(sites.ranked.map((x) => x.plant));
    // Nm3 priced through the simulation's 45 MJ/Nm3 (METHODS.md 7)
    const gas = f.networks[0]!.cases[0]!.capital.plants.find((p) => p.type === 'gas_boiler')!;
    const simGas = JSON.parse(readFileSync(join(run2, 'sim.json'), 'utf8')).cases[0].networks[0].plants.find((p: { type: string }) => p.type === 'gas_boiler');
    expect(gas.fuelCost).toBeCloseTo((simGas.fuel_MJ / 45) * 120, 6);
  }, 120_000);
});

describe('bad cost tables: file, row and value named, nothing written', () => {
  const HEADER = 'item,key,value,unit,currency,priceYear,source\n';
  const bad = (name: string, text: string) => {
    const f = join(tmp, name);
    writeFileSync(f, text);
    return f;
  };
  const unchanged = async (f: string, extra: Record<string, unknown>, code: RegExp, ...inMessage: string[]) => {
    const before = statSync(join(RUN, 'costs.json')).mtimeMs;
    const text = readFileSync(join(RUN, 'costs.json'), 'utf8');
    const e = await runStage('cost', RUN, { costs: [DEMO_COSTS, f], currency: 'JPY', ...extra }).then(() => undefined, (x: unknown) => x as Error & { code: string; file?: string });
    expect(e, 'the stage must fail').toBeDefined();
    expect(e!.name).toBe('InputError');
    expect(e!.code).toMatch(code);
    for (const s of inMessage) expect(e!.message).toContain(s);
    expect(statSync(join(RUN, 'costs.json')).mtimeMs).toBe(before);
    expect(readFileSync(join(RUN, 'costs.json'), 'utf8')).toBe(text);
    return e!;
  };

  it('a row without currency', async () => {
    const f = bad('no-currency.csv', HEADER + 'heat_price,*,12,JPY/kWh,,2024,my quote\n');
    const e = await unchanged(f, {}, /^cost-no-currency$/, 'no-currency.csv', 'row 2', 'heat_price');
    expect(e.file).toBe(f);
  });

  it('a row without price year', async () => {
    await unchanged(bad('no-year.csv', HEADER + 'fuel_price,kerosene,110,JPY/L,JPY,,my quote\n'), {}, /^cost-no-year$/, 'no-year.csv', 'row 2', 'fuel_price kerosene');
  });

  it('a negative price', async () => {
    await unchanged(bad('negative.csv', HEADER + '# a comment line\nelectricity_price,*,-5,JPY/kWh,JPY,2024,my quote\n'), {}, /^cost-negative$/, 'negative.csv', 'row 3', '-5');
  });

  it('a table without the currency column', async () => {
    await unchanged(bad('no-col.csv', 'item,key,value,unit,priceYear,source\n'), {}, /^cost-table-columns$/, 'no-col.csv', '"currency"');
  });

  it('a wrong unit', async () => {
    await unchanged(bad('unit.csv', HEADER + 'heat_price,*,12,JPY/MWh,JPY,2024,my quote\n'), {}, /^cost-bad-unit$/, 'unit.csv', 'JPY/MWh', 'JPY/kWh');
  });

  it('a DN with no cost row (per-DN pipe costs)', async () => {
    const e = await unchanged(bad('dn.csv', HEADER + 'pipe_dn,50,150000,JPY/m,JPY,2024,my quote\n'), { pipeCost: 'dn-table' }, /^cost-missing$/, 'pipe_dn,200', 'dn.csv');
    expect(e.message).not.toContain('pipe_dn,50:');
  });

  it('figures no table gives are listed together (no invented default)', async () => {
    const before = readFileSync(join(RUN, 'costs.json'), 'utf8');
    const e = await runStage('cost', RUN, {}).then(() => undefined, (x: unknown) => x as Error & { code: string });
    expect(e?.code).toBe('cost-missing');
    for (const item of ['plant_capex,biomass', 'fuel_price,wood_chip', 'fuel_price,kerosene', 'service_pipe,*', 'substation_fixed,*', 'lifetime,biomass']) expect(e!.message).toContain(item);
    expect(readFileSync(join(RUN, 'costs.json'), 'utf8')).toBe(before);
  });

  it('through the CLI: exit code 1, one line naming the file, the row and the value; --no-defaults reads only --costs', async () => {
    const f = bad('cli-negative.csv', HEADER + 'heat_price,*,-1,JPY/kWh,JPY,2024,my quote\n');
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
    try {
      expect(await main(['cost', '--run', RUN, '--costs', DEMO_COSTS, '--costs', f, '--currency', 'JPY', '--quiet'])).toBe(1);
      expect(err.join('')).toMatch(/^heatplan: error: .*cli-negative\.csv.*row 2.*heat_price.*-1/s);
      expect(err.join('')).not.toMatch(/\bat .*\.ts:\d+/); // no stack
      err.length = 0;
      expect(await main(['cost', '--run', RUN, '--costs', DEMO_COSTS, '--currency', 'JPY', '--no-defaults', '--quiet'])).toBe(1);
      expect(err.join('')).toContain('pipe_c1,pw2011');
      expect(err.join('')).toContain('lifetime,pipes');
    } finally {
      spy.mockRestore();
    }
  });

  it('a row in another currency without an exchange rate', async () => {
    const e = await runStage('cost', RUN, { costs: [DEMO_COSTS], currency: 'EUR' }).then(() => undefined, (x: unknown) => x as Error & { code: string });
    expect(e?.code).toBe('cost-currency-mixed');
    expect(e!.message).toContain('demo-assumptions.csv');
  });
});

describe('a network with pipes over the catalogue, simulated and costed', () => {
  it('the simulation warns of its pump head, the cost stage of the electricity it prices; report and plan sheet say overstated', async () => {
    const run3 = join(tmp, 'over-capacity');
    cpSync(RUN, run3, { recursive: true });
    // one pipe marked as the route marks a pipe no catalogue pipe carries, in network.geojson (written after
    // network.fgb, the simulation reads the newer twin: engine/run/read.ts runFile)
    const netFile = join(run3, 'network.geojson');
    const net = JSON.parse(readFileSync(netFile, 'utf8'));
    const pipe = net.features.find((f: { properties: { kind: string } }) => f.properties.kind === 'pipe');
    pipe.properties.overCapacity = true;
    expect(net.properties.pumping.heat.head_kPa).toBeGreaterThan(0);
    writeFileSync(netFile, JSON.stringify(net));
    const later = new Date(Date.now() + 5000);
    utimesSync(netFile, later, later);
    const sim = demoSteps(run3, KITAMI_WEATHER).find((s) => s[0] === 'simulate')!;
    const i = sim.indexOf('--scenario');
    expect(await main([...sim.slice(0, i), ...sim.slice(i + 2), '--quiet'])).toBe(0);
    const m1 = (await readRun(run3)).manifest;
    expect(m1.sim!.warnings['pump-head-over-capacity']).toBe(1);
    const simJson = JSON.parse(readFileSync(join(run3, 'sim.json'), 'utf8'));
    const w = simJson.warnings.find((x: { code: string }) => x.code === 'pump-head-over-capacity');
    expect(w.examples[0].message).toMatch(/^1 of \d+ pipes over capacity, pump head [\d,]+ kPa; split the supply among more plants/);
    await runStage('cost', run3, { costs: [DEMO_COSTS], currency: 'JPY' });
    const m2 = (await readRun(run3)).manifest;
    expect(m2.cost!.warnings['cost-pump-head-over-capacity']).toBe(1);
    const { html } = await buildReportHtml(run3, { maps: false });
    expect(html).toContain('Overstated: the pump electricity priced comes from a pump head through pipes loaded above the largest catalogue pipe');
    expect(html).toContain('overstated: the pump head runs through pipes loaded above the largest catalogue pipe');
    const out = join(tmp, 'over-capacity.svg');
    await exportMap(run3, { format: 'svg', out });
    const svg = readFileSync(out, 'utf8').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(svg).toContain('overstated (pump electricity from a pump head through pipes over the catalogue)');
    expect(svg).toContain('overstated (pump head through pipes over the catalogue)');
    // the demo itself has none of this
    expect((await readRun(RUN)).manifest.cost!.warnings['cost-pump-head-over-capacity']).toBeUndefined();
    expect((await buildReportHtml(RUN, { maps: false })).html).not.toMatch(/[Oo]verstated/);
  });
});
