/**
 * The calculation sheet (issue 12): `heatplan simulate` writes sim-sheet.csv whose numerator terms add up to the factor
 * in the manifest, and report.html's plant section lists every machine with its curve source, the rules, the conduit
 * model and the terms. Bundled data only (the region-6 reference year and the profile tables in datasets/).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { parseCsv } from '../../engine/export/csv.js';
import { simSectionHtml } from '../../engine/export/report-sim.js';
import { bundledPath } from '../../engine/util/data-dir.js';

it('sim-sheet.csv adds up to the manifest factors; report.html shows machines, rules, conduit model and terms', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-sheet-'));
  const now = new Date().toISOString();
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ heatplan: { version: 'test' }, created: now, updated: now, inputs: [], stages: ['route'] }));
  const consumer = (id: string, heat: number, cool: number, lon: number) => ({
    type: 'Feature', geometry: { type: 'Point', coordinates: [lon, 34.69] },
    properties: { kind: 'consumer', id, use: 'office', heat_MWh: heat, spaceHeat_MWh: heat * 0.8, hotWater_MWh: heat * 0.2, peak_kW: heat / 2, cool_MWh: cool, coolPeak_kW: cool / 1.5 },
  });
  const pipe = (id: number, from: number, to: number, length_m: number) => ({
    type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.5, 34.69], [135.501, 34.69]] },
    properties: { kind: 'pipe', id, from, to, length_m, DN: 150, loss_W_per_m: 25, peak_kW: 3000 },
  });
  writeFileSync(join(dir, 'network.geojson'), JSON.stringify({
    type: 'FeatureCollection', properties: { supply_C: 80, return_C: 50, ground_C: 15 },
    features: [consumer('a', 2000, 6000, 135.5), consumer('b', 1500, 4000, 135.501), pipe(1, 0, 1, 300), pipe(2, 1, 2, 200),
      // a service pipe pair to consumer a (route stage kind service): its loss is in the sheet and in losses_MWh
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.5, 34.69], [135.5001, 34.69]] }, properties: { kind: 'service', consumer: 'a', length_m: 40, DN: 50, loss_W_per_m: 18 } }],
  }));
  const plants = join(dir, '..', `sheet-plants-${Date.now()}.yaml`);
  writeFileSync(plants, [
    '- { id: ice, type: ice_storage, capacity_kW: 800, capacity_kWh: 6000 }',
    '- { id: turbo, type: ターボ冷凍機, capacity_kW: 4000, cop: 5.5, units: 2 }',
    '- { id: abs, type: absorption_chiller, capacity_kW: 3000, cop: 1.1 }',
    '- { id: boiler, type: gas_boiler, builelib: 温水ボイラ(都市ガス), capacity_kW: 2500, efficiency: 0.86 }',
    '',
  ].join('\n'));
  expect(await main(['simulate', '--run', dir, '--weather', bundledPath('weather', '6158195.has'), '--plants', plants, '--quiet'])).toBe(0);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).sim;
  const rows = parseCsv(readFileSync(join(dir, 'sim-sheet.csv'), 'utf8'));
  const head = rows[0];
  const col = (name: string) => head.indexOf(name);
  const body = rows.slice(1);
  const terms = body.filter((r) => r[col('section')] === 'numerator term');
  const pe = (side: string) => terms.filter((r) => r[col('side')] === side).reduce((s, r) => s + Number(r[col('primary_GJ')]), 0);
  const sold = (side: string) => Number(body.find((r) => r[col('section')] === 'denominator' && r[col('side')] === side)![col('quantity')]);
  // rounded to 0.001 in the sheet: the factors agree to that precision
  expect(pe('heat') / sold('heat')).toBeCloseTo(m.primaryEnergyFactor, 2);
  expect(pe('cold') / sold('cold')).toBeCloseTo(m.coldPrimaryEnergyFactor, 2);
  expect(body.filter((r) => r[col('section')] === 'machine').map((r) => r[col('plant')])).toEqual(['ice', 'turbo', 'abs', 'boiler']);
  expect(body.filter((r) => r[col('section')] === 'machine year').map((r) => r[col('plant')])).toEqual(['ice', 'turbo', 'abs', 'boiler']);
  expect(body.find((r) => r[col('section')] === 'machine year' && r[col('plant')] === 'turbo')![col('item')]).toMatch(/\d+ h running, \d+ unit-hours.*cold out/);
  expect(body.find((r) => r[col('section')] === 'machine' && r[col('plant')] === 'turbo')![col('source / note')]).toMatch(/ターボ冷凍機 \(TurboChiller\).*ac_heat_source_performance\.json/);
  expect(body.some((r) => r[col('section')] === 'priority rule')).toBe(true);
  expect(body.find((r) => r[col('section')] === 'conduit model' && r[col('item')] === 'pipe length')![col('quantity')]).toBe('500');
  expect(body.find((r) => r[col('section')] === 'conduit model' && r[col('item')] === 'service pipe length')![col('quantity')]).toBe('40');
  const sim = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8'));
  const a = sim.cases[0].networks[0].annual;
  const conduit = (item: string) => Number(body.find((r) => r[col('section')] === 'conduit losses' && r[col('item')] === item)![col('quantity')]);
  expect(a.serviceLosses_MWh).toBeGreaterThan(0);
  expect(conduit('service pipes (kind service)')).toBeCloseTo(a.serviceLosses_MWh, 3);
  expect(conduit('mains (kind pipe)') + conduit('service pipes (kind service)')).toBeCloseTo(a.losses_MWh, 2);
  // the service pipes' share of the losses is their share of the design W (one ground, one temperature model)
  expect(a.serviceLosses_MWh / a.losses_MWh).toBeCloseTo((40 * 18) / (500 * 25 + 40 * 18), 4); // sim.json rounds to 0.001 MWh
  const hourly = readFileSync(join(dir, 'hourly.csv'), 'utf8').split('\n')[0];
  for (const c of ['sold_kW', 'aux_kW', 'coldDemand_kW', 'coldSold_kW', 'coldStorageIn_kW', 'plant:turbo_kW', 'serviceLosses_kW', 'coldServiceGains_kW', 'electricity_kW', 'electricityOut_kW']) expect(hourly.split(',')).toContain(c);
  expect(sim.cases[0].networks[0].plants.find((p: { id: string }) => p.id === 'ice').capacity_kWh).toBe(6000);
  const html = simSectionHtml(dir, JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  for (const s of ['calculation sheet', 'ターボ冷凍機', '温水ボイラ(都市ガス)', 'Priority rules', 'Conduit model', 'network pumping (chilled water)', '1.36']) expect(html).toContain(s);
}, 120_000);
