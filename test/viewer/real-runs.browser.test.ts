/**
 * The viewer on real runs (issue 15, item 3), in headless Chromium. The runs are made here from
 * ../shared/datasets: Helsinki (helsinki/helsinki.osm.pbf: demand -> potential with the extract's waterways as the
 * river input -> areas -> route with one plant -> a plain `simulate` on weather/0868195.has, then the same run
 * simulated again with three cases), Osaka (the 68 PLATEAU tiles in osaka/: demand -> areas) and Tamana
 * (tamana/49303425_bldg_6697_op.gml: demand -> potential with the PLATEAU water body tamana/493034_wtr_6697_op.gml).
 *
 * Each bug the issue lists has its test: the hourly chart and slider after a plain simulate (a `plant:` column is
 * not a scenario), the case selector, the summary that stopped after 60 rows, cut-off consumers (off by default,
 * quiet grey), the extruded 3D grid, water, roads, the scale bar, labelled suitability classes and the fixed
 * MWh/(ha·a) demand classes (the √ ramp as an option), potential bands of sources not given left out of the layer
 * list, use names in words. Set HEATPLAN_VIEWER_SHOTS=DIR to keep a screenshot of each run.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { ensureViewerBuilt } from '../../engine/viewer/build.js';
import { hexToRgb, PLANT_SERIES_COLORS, SUITABILITY_CLASSES, VIEWER_BASE_STYLE, viewerDemandClasses } from '../../engine/style/palette.js';
import { fmt } from '../../viewer/src/format.js';
import { CHROMIUM, colouredPixels, diffPixels, HAVE_CHROMIUM, launchChromium, MAP_BG, openViewer, pixel, shot, type Shot } from './browser.js';
import { data, HAVE_DATA } from '../helpers/data.js';

if (!HAVE_CHROMIUM) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} not found: CI requires Debian's chromium for the viewer's browser tests (apt-get install chromium)`);
  console.warn(`\n*** SKIPPING viewer real-run browser tests: ${CHROMIUM} not found (apt-get install chromium) ***\n`);
}
const describeReal = (HAVE_CHROMIUM && HAVE_DATA ? describe : describe.skip) as typeof describe;

const h = (page: Page) => ({
  eval: <T>(fn: string) => page.evaluate(fn) as Promise<T>,
  frame: () => page.evaluate(() => (window as any).__heatplan.nextFrame()),
  project: (ll: [number, number]) => page.evaluate((p) => (window as any).__heatplan.project(p) as [number, number], ll),
});

/** Only the given layers shown (the others unchecked), then a drawn frame. */
async function only(page: Page, ids: string[]): Promise<void> {
  await page.evaluate((x) => (window as any).__heatplan.showOnly(x), ids);
  await page.evaluate(() => (window as any).__heatplan.nextFrame());
  await page.waitForTimeout(100);
}

/** `rgb` drawn with `alpha` (0-255) over the map's background. */
const over = (rgb: readonly number[], alpha: number, bg: readonly number[] = MAP_BG): [number, number, number] =>
  [0, 1, 2].map((k) => Math.round((rgb[k]! * alpha + bg[k]! * (255 - alpha)) / 255)) as [number, number, number];
const near = (a: readonly number[], b: readonly number[], tol: number) => a.every((v, k) => Math.abs(v - b[k]!) <= tol);

/** Pixels of a shot within `tol` of `rgb`. */
function count(s: Shot, rgb: readonly number[], tol = 10): number {
  let n = 0;
  const d = s.png.data;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - rgb[0]!) <= tol && Math.abs(d[i + 1]! - rgb[1]!) <= tol && Math.abs(d[i + 2]! - rgb[2]!) <= tol) n++;
  return n;
}

/** Mean green channel of the pixels that are not background (lower = darker / redder on YlOrRd). */
function meanGreen(s: Shot): number {
  let g = 0;
  let n = 0;
  const d = s.png.data;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i]! - MAP_BG[0]) <= 6 && Math.abs(d[i + 1]! - MAP_BG[1]) <= 6 && Math.abs(d[i + 2]! - MAP_BG[2]) <= 6) continue;
    g += d[i + 1]!;
    n++;
  }
  return n ? g / n : 255;
}

async function keepShot(page: Page, name: string): Promise<void> {
  const dir = process.env.HEATPLAN_VIEWER_SHOTS;
  if (dir) writeFileSync(join(dir, `${name}.png`), await page.screenshot());
}

describeReal('viewer on real runs (Helsinki, Osaka, Tamana)', () => {
  let dir: string;
  let browser: Browser;
  const servers: ViewServer[] = [];
  const runs = { helsinki: '', cases: '', osaka: '', tamana: '' };
  const pages: Record<keyof typeof runs, Page | undefined> = { helsinki: undefined, cases: undefined, osaka: undefined, tamana: undefined };
  let distDir: string;

  const run = async (argv: string[]) => {
    const code = await main([...argv, '--quiet']);
    if (code !== 0) throw new Error(`heatplan ${argv.join(' ')} failed with exit code ${code}`);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-viewer-real-'));
    const pbf = data('helsinki/helsinki.osm.pbf');
    const weather = data('weather/0868195.has');
    runs.helsinki = join(dir, 'helsinki');
    const plants = join(dir, 'helsinki-plants.geojson');
    await writeFile(plants, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'chp-1', type: 'biomass_boiler', capacity_kW: 30000, fuel: 'wood_chip' }, geometry: { type: 'Point', coordinates: [24.9443, 60.1716] } }] }));
    await run(['demand', '--buildings', pbf, '--out', runs.helsinki, '--hdd', '4400', '--mean-temp', '6', '--design-temp', '-20']);
    await run(['potential', '--run', runs.helsinki, '--rivers', pbf, '--river-flow', '5', '--river-temp', '8']);
    await run(['areas', '--run', runs.helsinki]);
    await run(['route', '--run', runs.helsinki, '--roads', pbf, '--plants', plants]);
    // the same network with three cases, in a copy (the plain run stays as it is)
    runs.cases = join(dir, 'helsinki-cases');
    await cp(runs.helsinki, runs.cases, { recursive: true });
    await run(['simulate', '--run', runs.helsinki, '--weather', weather]);
    const net = JSON.parse(await readFile(join(runs.cases, 'network.geojson'), 'utf8'));
    const big = net.features.filter((f: any) => f.properties.kind === 'consumer').sort((a: any, b: any) => b.properties.heat_MWh - a.properties.heat_MWh).map((f: any) => f.properties.id as string);
    const scenario = join(dir, 'helsinki-cases.yaml');
    await writeFile(
      scenario,
      [
        'name: Helsinki cases',
        'plants:',
        '  - { id: chp-1, type: biomass, capacity_kW: 30000, fuel: wood_chip, mode: constant, efficiency: 0.8 }',
        'backup: { fuel: kerosene, efficiency: 0.85 }',
        'cases:',
        '  - { id: "0", name: as routed }',
        `  - { id: "1", name: two largest consumers leave, removeConsumers: [${JSON.stringify(big[0])}, ${JSON.stringify(big[1])}] }`,
        `  - id: "2"\n    name: largest consumer doubles\n    scaleDemand:\n      - { id: ${JSON.stringify(big[0])}, factor: 2 }`,
        '',
      ].join('\n'),
    );
    await run(['simulate', '--run', runs.cases, '--weather', weather, '--scenario', scenario]);
    runs.osaka = join(dir, 'osaka');
    await run(['demand', '--buildings', data('osaka'), '--out', runs.osaka]);
    await run(['areas', '--run', runs.osaka]);
    runs.tamana = join(dir, 'tamana');
    await run(['demand', '--buildings', data('tamana/49303425_bldg_6697_op.gml'), '--out', runs.tamana]);
    await run(['potential', '--run', runs.tamana, '--rivers', data('tamana/493034_wtr_6697_op.gml'), '--river-flow', '5', '--river-temp', '15']);
    distDir = (await ensureViewerBuilt()).distDir;
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The viewer on run `k` (opened once, then reused), with every layer at its default. */
  const open = async (k: keyof typeof runs): Promise<Page> => {
    if (!pages[k]) {
      const srv = await startViewServer({ runDir: runs[k], distDir, port: 0 });
      servers.push(srv);
      const page = await openViewer(browser, srv.url);
      const gl: string[] = [];
      page.on('console', (m) => void (/GL_INVALID|WebGL: INVALID/i.test(m.text()) && gl.push(m.text())));
      (page as any).__glErrors = gl;
      pages[k] = page;
      await keepShot(page, k);
    }
    return pages[k]!;
  };
  /** Back to the viewer's default layers (what a user sees on opening the run). */
  const defaults = async (page: Page) => {
    const on = await page.evaluate(() => {
      const hp = (window as any).__heatplan;
      return hp.layerIds.filter((id: string) => !['blocks', 'dropped'].includes(id) && !id.startsWith('potential-'));
    });
    await only(page, on);
  };

  it('Helsinki after a plain simulate: the hourly chart and the time slider show the plant column (plant:chp-1_kW)', async () => {
    const csv = (await readFile(join(runs.helsinki, 'hourly.csv'), 'utf8')).split('\n');
    const head = csv[0]!.split(',');
    expect(head).toContain('plant:chp-1_kW');
    expect(head.some((c) => /^\d+:/.test(c))).toBe(false);
    const page = await open('helsinki');
    expect(await page.evaluate(() => (window as any).__heatplan.data.hourly.scenarios)).toEqual([]);
    expect(await page.evaluate(() => (window as any).__heatplan.caseIds)).toEqual(['0']);
    expect(await page.locator('#hour').getAttribute('max')).toBe('8759');
    expect(await page.locator('#case').count()).toBe(0);
    expect(await page.locator('#chart-legend').textContent()).toContain('chp-1 (supply)');
    // the readout has the plant's output at hour 0, as in hourly.csv
    const row0 = csv[1]!.split(',');
    const plant0 = Math.round(Number(row0[head.indexOf('plant:chp-1_kW')]));
    const demand0 = Math.round(Number(row0[head.indexOf('demand_kW')]));
    expect(plant0).toBeGreaterThan(0);
    expect(await page.locator('#readout').textContent()).toContain(`demand ${demand0.toLocaleString('en-US')} kW; plants chp-1 ${plant0.toLocaleString('en-US')} kW`);
    // the plant's stacked area is drawn in its colour (alpha 0.6 over white)
    const plantRgb = hexToRgb(PLANT_SERIES_COLORS[0]!).map((c) => Math.round(0.6 * c + 0.4 * 255));
    const chart0 = await shot(page, '#chart');
    expect(count(chart0, plantRgb, 8)).toBeGreaterThan(2000);
    // the slider moves the chart's cursor, the readout and the map's loads
    const map0 = await shot(page);
    await page.locator('#hour').fill('4380');
    await h(page).frame();
    await page.waitForTimeout(100);
    const row = csv[4381]!.split(',');
    expect(await page.locator('#readout').textContent()).toContain(`plants chp-1 ${Math.round(Number(row[head.indexOf('plant:chp-1_kW')])).toLocaleString('en-US')} kW`);
    expect(diffPixels(chart0, await shot(page, '#chart'))).toBeGreaterThan(100);
    expect(diffPixels(map0, await shot(page))).toBeGreaterThan(200);
    await page.locator('#hour').fill('0');
    await h(page).frame();
  });

  it('Helsinki with three cases: a case selector drives the chart, the readout and the map', async () => {
    const csv = (await readFile(join(runs.cases, 'hourly.csv'), 'utf8')).split('\n');
    const head = csv[0]!.split(',');
    expect(head).toContain('1:plant:chp-1_kW');
    const page = await open('cases');
    expect(await page.evaluate(() => (window as any).__heatplan.caseIds)).toEqual(['0', '1', '2']);
    const options = await page.locator('#case option').allTextContents();
    expect(options).toEqual(['case 0: as routed', 'case 1: two largest consumers leave', 'case 2: largest consumer doubles']);
    // winter hour: case 1 has less demand than case 0, case 2 more
    await page.locator('#hour').fill('400');
    await h(page).frame();
    const at = (col: string) => Math.round(Number(csv[401]!.split(',')[head.indexOf(col)])).toLocaleString('en-US');
    const chart0 = await shot(page, '#chart');
    const map0 = await shot(page);
    expect(await page.locator('#readout').textContent()).toContain(`case 0: as routed. demand ${at('0:demand_kW')} kW`);
    await page.locator('#case').selectOption('1');
    await h(page).frame();
    await page.waitForTimeout(100);
    expect(await page.evaluate(() => (window as any).__heatplan.state.caseId)).toBe('1');
    expect(await page.locator('#readout').textContent()).toContain(`case 1: two largest consumers leave. demand ${at('1:demand_kW')} kW; plants chp-1 ${at('1:plant:chp-1_kW')} kW`);
    expect(diffPixels(chart0, await shot(page, '#chart'))).toBeGreaterThan(50);
    // consumers' discs follow the case's demand at the hour (a different share of its own peak)
    expect(diffPixels(map0, await shot(page))).toBeGreaterThan(20);
    await page.locator('#case').selectOption('2');
    await h(page).frame();
    expect(await page.locator('#readout').textContent()).toContain(`demand ${at('2:demand_kW')} kW`);
  });

  it('Helsinki: the summary shows the network and simulation results (no 60-row cut), key figures first', async () => {
    const page = await open('helsinki');
    const m = JSON.parse(await readFile(join(runs.helsinki, 'manifest.json'), 'utf8'));
    const text = (await page.locator('#summary').textContent())!;
    expect(text).toContain('Network');
    expect(text).toContain(`trench length${fmt(m.route.trench_m, 0)} m`);
    expect(text).toContain(`consumers connected${fmt(m.route.consumers, 0)}`);
    expect(text).toContain('Simulation');
    expect(text).toContain(`heat delivered${fmt(m.sim.heatDelivered_MWh, 0)} MWh/a`);
    expect(text).toContain(`CO₂${fmt(m.sim.co2_t, 0)} t/a`);
    expect(text).toContain('Heat-source potentials');
    expect(text).toContain(`areas${fmt(m.areas.count, 0)} (hotmaps)`);
    // the key figures come before the folded detail; every stage's detail is there in full
    expect(text.indexOf('Heat demand')).toBeLessThan(text.indexOf('All figures'));
    for (const k of ['demand', 'potential', 'areas', 'route', 'sim', 'sim.json']) expect(await page.locator(`#summary details[data-stage="${k}"]`).count()).toBe(1);
    const route = (await page.locator('#summary details[data-stage="route"]').textContent())!;
    expect(route).toContain(`route.graph.edges${fmt(m.route.graph.edges, 2)}`);
    expect(await page.locator('#summary tr').count()).toBeGreaterThan(200);
  });

  it('Helsinki: consumers cut off are off by default and, when shown, small grey rings (no red)', async () => {
    const page = await open('helsinki');
    const net = JSON.parse(await readFile(join(runs.helsinki, 'network.geojson'), 'utf8'));
    expect(net.features.filter((f: any) => f.properties.kind === 'dropped').length).toBeGreaterThan(50);
    expect(await page.evaluate(() => (window as any).__heatplan.state.visible.dropped)).toBe(false);
    expect(await page.locator('input[data-layer="dropped"]').isChecked()).toBe(false);
    // the checkbox works (a hidden layer draws nothing, a shown one its rings)
    await only(page, []);
    const none = await shot(page);
    await only(page, ['dropped']);
    const s = await shot(page);
    const n = diffPixels(none, s, 12);
    expect(n).toBeGreaterThan(300);
    // every pixel the rings changed is grey: no channel stands out (the red rings were [200, 0, 0])
    let coloured = 0;
    const d = s.png.data;
    const d0 = none.png.data;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.max(Math.abs(d[i]! - d0[i]!), Math.abs(d[i + 1]! - d0[i + 1]!), Math.abs(d[i + 2]! - d0[i + 2]!)) <= 12) continue;
      if (Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 25) coloured++;
    }
    expect(coloured).toBe(0);
    // and they cover little of the map
    expect(n).toBeLessThan(0.01 * s.png.width * s.png.height);
    expect(await page.locator('#legend').textContent()).toContain('consumer cut off by the route stage');
    await defaults(page);
  });

  it('Helsinki: roads are drawn as a base layer and the scale bar matches the map', async () => {
    const page = await open('helsinki');
    expect(await page.evaluate(() => (window as any).__heatplan.state.visible.roads)).toBe(true);
    await only(page, ['roads']);
    const s = await shot(page);
    expect(count(s, over(VIEWER_BASE_STYLE.road, VIEWER_BASE_STYLE.road[3]), 6)).toBeGreaterThan(5000);
    await only(page, []);
    expect(count(await shot(page), over(VIEWER_BASE_STYLE.road, VIEWER_BASE_STYLE.road[3]), 6)).toBeLessThan(200);
    await defaults(page);
    // the scale bar: label, width, and a check against two projected points that far apart on the ground
    const sb = (await page.evaluate(() => (window as any).__heatplan.scaleBar())) as { metres: number; px: number; label: string };
    expect(await page.locator('#scalebar').isVisible()).toBe(true);
    expect(await page.locator('#scalebar').textContent()).toBe(sb.label);
    expect(sb.px).toBeGreaterThan(30);
    expect(sb.px).toBeLessThanOrEqual(120);
    const bar = (await page.locator('#scalebar .bar').boundingBox())!;
    expect(Math.abs(bar.width - sb.px)).toBeLessThan(1.5);
    const c = (await page.evaluate(() => {
      const vp = (window as any).__heatplan.deck.getViewports()[0];
      return [vp.longitude, vp.latitude];
    })) as [number, number];
    const dLon = (sb.metres / (6_371_008.8 * Math.cos((c[1] * Math.PI) / 180))) * (180 / Math.PI);
    const [x0] = await h(page).project(c);
    const [x1] = await h(page).project([c[0] + dLon, c[1]]);
    expect(Math.abs(x1 - x0 - sb.px) / sb.px).toBeLessThan(0.02);
    // zooming in shortens the ground length
    const before = sb.metres;
    await page.mouse.move(400, 400);
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(600);
    await h(page).frame();
    const after = (await page.evaluate(() => (window as any).__heatplan.scaleBar())) as { metres: number };
    expect(after.metres).toBeLessThan(before);
    await page.evaluate(() => (window as any).__heatplan.resetView());
    expect(((await page.evaluate(() => (window as any).__heatplan.scaleBar())) as { metres: number }).metres).toBe(before);
  });

  it('water: the river input is drawn (Tamana PLATEAU water body, Helsinki OSM waterways)', async () => {
    const tam = await open('tamana');
    expect(await tam.evaluate(() => (window as any).__heatplan.layerIds)).toContain('water');
    const wt = await tam.evaluate(() => (window as any).__heatplan.data.water);
    expect(wt.features.length).toBe(740);
    expect(wt.features.every((f: any) => f.geometry.type === 'Polygon')).toBe(true);
    await only(tam, ['water']);
    const s = await shot(tam);
    const fill = over(VIEWER_BASE_STYLE.waterFill, VIEWER_BASE_STYLE.waterFill[3]);
    expect(count(s, fill, 8)).toBeGreaterThan(100);
    expect(await tam.locator('#legend').textContent()).toContain('water (river input of the potential stage)');
    // the river is in view though it lies outside the demand grid
    for (const f of wt.features.filter((_: unknown, i: number) => i % 50 === 0)) {
      const [x, y] = await h(tam).project(f.geometry.coordinates[0][0]);
      expect(x >= s.x && x < s.x + s.png.width && y >= s.y && y < s.y + s.png.height).toBe(true);
    }
    await defaults(tam);
    const hel = await open('helsinki');
    const wh = await hel.evaluate(() => (window as any).__heatplan.data.water);
    expect(wh.features.length).toBeGreaterThan(0);
    expect(wh.features.every((f: any) => f.geometry.type === 'LineString')).toBe(true);
    await only(hel, []);
    const dry = await shot(hel);
    await only(hel, ['water']);
    const wet = await shot(hel);
    expect(diffPixels(dry, wet)).toBeGreaterThan(100);
    expect(count(wet, over(VIEWER_BASE_STYLE.waterLine, 255), 12)).toBeGreaterThan(30);
    await defaults(hel);
  });

  it('Tamana and Helsinki: only the heat sources the potential stage was given are listed; uses are named in the legend', async () => {
    const tam = await open('tamana');
    const labels = await tam.locator('#layers label').allTextContents();
    const pot = labels.filter((l) => l.includes('potential:'));
    // Tamana's potential was given the river only: the sewage, ground, waste-heat (and other) bands are NaN everywhere
    expect(pot.map((l) => l.trim())).toEqual(['potential: river_kW (kW)', 'potential: coverage (ratio)', 'potential: suitability (class)']);
    const hel = await open('helsinki');
    await defaults(hel);
    const legend = (await hel.locator('#legend').textContent()) ?? '';
    // use names as words, not the category keys
    expect(legend).toContain('Residential apartment');
    expect(legend).not.toContain('residential_apartment');
  });

  it('Helsinki: suitability is drawn in labelled classes', async () => {
    const page = await open('helsinki');
    const ids = (await page.evaluate(() => (window as any).__heatplan.layerIds)) as string[];
    const bands = (await page.evaluate(() => (window as any).__heatplan.data.potential.meta.bands)) as { name: string }[];
    const k = bands.findIndex((b) => b.name === 'suitability');
    expect(k).toBeGreaterThanOrEqual(0);
    expect(ids).toContain(`potential-${k}`);
    await only(page, [`potential-${k}`]);
    const legend = (await page.locator('#legend').textContent())!;
    for (const c of SUITABILITY_CLASSES.slice(1)) expect(legend).toContain(`${c.value}: `);
    expect(legend).toContain('dense enough for a network, no heat source within reach');
    const m = JSON.parse(await readFile(join(runs.helsinki, 'manifest.json'), 'utf8'));
    expect(legend).toContain(`(${fmt(m.potential.suitability.counts['2'], 0)} cells)`);
    // a cell of each class present is drawn in its class colour (alpha 200 over the background)
    const cells = (await page.evaluate((b) => {
      const g = (window as any).__heatplan.data.potential;
      const v = g.arrays[`b${b}`] as Float32Array;
      const out: Record<number, [number, number]> = {};
      for (let i = 0; i < v.length; i++) if (v[i]! > 0 && !out[v[i]!]) out[v[i]!] = [g.arrays.position[2 * i], g.arrays.position[2 * i + 1]];
      return out;
    }, k)) as Record<string, [number, number]>;
    expect(Object.keys(cells).length).toBeGreaterThanOrEqual(3);
    const s = await shot(page);
    for (const [cls, ll] of Object.entries(cells)) {
      const [x, y] = await h(page).project(ll);
      const want = over(SUITABILITY_CLASSES[Number(cls)]!.color, 200);
      expect(near(pixel(s, x, y), want, 10), `class ${cls} at ${x},${y}: ${pixel(s, x, y)} vs ${want}`).toBe(true);
    }
    await defaults(page);
  });

  it('Osaka: demand density in fixed MWh/(ha·a) classes by default (not washed out), the √ ramp as an option', async () => {
    const page = await open('osaka');
    expect(await page.evaluate(() => (window as any).__heatplan.state.demandScale)).toBe('classes');
    const classes = viewerDemandClasses(333);
    const legend = (await page.locator('#legend').textContent())!;
    for (const c of classes) expect(legend).toContain(c.label);
    expect(legend).toContain('MWh/(ha·a)');
    await only(page, ['demand']);
    // cells at or above 700 MWh/(ha·a) (100 m cells: MWh/a per cell = MWh/ha) are the top class colour
    const dense = (await page.evaluate(() => {
      const g = (window as any).__heatplan.data.demand;
      const v = g.arrays.b1 as Float32Array;
      const out: [number, number][] = [];
      for (let i = 0; i < v.length && out.length < 40; i++) if (v[i]! >= 900 && v[i]! < 5000) out.push([g.arrays.position[2 * i], g.arrays.position[2 * i + 1]]);
      return out;
    })) as [number, number][];
    expect(dense.length).toBeGreaterThan(10);
    const top = over(classes[classes.length - 1]!.color, 220);
    const cls = await shot(page);
    let hits = 0;
    for (const ll of dense) {
      const [x, y] = await h(page).project(ll);
      if (near(pixel(cls, x, y), top, 10)) hits++;
    }
    expect(hits).toBeGreaterThan(0.8 * dense.length);
    // on the √ ramp to Osaka's maximum (15,000 MWh/(ha·a)) the same cells are pale
    await page.locator('#demand-scale').selectOption('sqrt');
    await h(page).frame();
    await page.waitForTimeout(100);
    expect(await page.locator('#legend').textContent()).toContain('colour ∝ √value');
    const sq = await shot(page);
    const [x, y] = await h(page).project(dense[0]!);
    expect(pixel(sq, x, y)[1]).toBeGreaterThan(150);
    // the picture as a whole: classes are much darker than the ramp
    expect(meanGreen(cls)).toBeLessThan(meanGreen(sq) - 30);
    await page.locator('#demand-scale').selectOption('classes');
    await defaults(page);
  });

  it('Osaka: the extruded 3D grid draws columns (and no WebGL errors)', async () => {
    const page = await open('osaka');
    await only(page, ['demand']);
    const flat = await shot(page);
    await page.locator('#extrude').setChecked(true);
    await page.waitForTimeout(300);
    await h(page).frame();
    await h(page).frame();
    const ext = await shot(page);
    expect(await page.evaluate(() => (window as any).__heatplan.deck.props.layers.filter((l: any) => l.props.visible).map((l: any) => l.id))).toEqual(['demand-3d']);
    expect(colouredPixels(ext, MAP_BG)).toBeGreaterThan(20_000);
    expect(diffPixels(flat, ext)).toBeGreaterThan(20_000);
    // the columns are lit class colours: some pixels close to the top class's red
    const top = viewerDemandClasses(333).at(-1)!.color;
    let reds = 0;
    const d = ext.png.data;
    for (let i = 0; i < d.length; i += 4) if (d[i]! > 120 && d[i + 1]! < 60 && d[i + 2]! < 70 && Math.abs(d[i]! - top[0]) < 90) reds++;
    expect(reds).toBeGreaterThan(500);
    expect((page as any).__glErrors).toEqual([]);
    await keepShot(page, 'osaka-3d');
    // back to 2D: the flat picture again
    await page.locator('#extrude').setChecked(false);
    await page.waitForTimeout(300);
    await h(page).frame();
    expect(diffPixels(flat, await shot(page))).toBeLessThan(0.01 * flat.png.width * flat.png.height);
    await defaults(page);
  });
});
