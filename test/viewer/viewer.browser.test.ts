/**
 * The viewer in real headless Chromium: it loads a run, its layers draw coloured pixels where they should, toggling a
 * layer changes the picture, hovering a building shows its floor area, the time slider changes the chart and the map,
 * and a run with missing files says which.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { ensureViewerBuilt } from '../../engine/viewer/build.js';
import { writeSyntheticRun, type SyntheticRun } from './synthetic-run.js';
import { fmt } from '../../viewer/src/format.js';
import { colouredPixels, diffPixels, HAVE_CHROMIUM, launchChromium, MAP_BG, openViewer, pixel, shot, CHROMIUM } from './browser.js';

if (!HAVE_CHROMIUM) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} not found: CI requires Debian's chromium for the viewer's browser tests (apt-get install chromium)`);
  console.warn(`\n*** SKIPPING viewer browser tests: ${CHROMIUM} not found (apt-get install chromium) ***\n`);
}
const describeBrowser = (HAVE_CHROMIUM ? describe : describe.skip) as typeof describe;

describeBrowser('viewer in headless Chromium', () => {
  let dir: string;
  let run: SyntheticRun;
  let srv: ViewServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-viewer-'));
    run = await writeSyntheticRun(join(dir, 'run'));
    const { distDir } = await ensureViewerBuilt();
    srv = await startViewServer({ runDir: run.dir, distDir, port: 0 });
    browser = await launchChromium();
    page = await openViewer(browser, srv.url);
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const project = (lonLat: [number, number]) => page.evaluate((p) => (window as any).__heatplan.project(p) as [number, number], lonLat);
  const toggle = async (id: string, on: boolean) => {
    await page.locator(`input[data-layer="${id}"]`).setChecked(on);
    await page.evaluate(() => (window as any).__heatplan.nextFrame());
    await page.waitForTimeout(50);
  };

  it('loads the run and lists its layers', async () => {
    const ids = await page.evaluate(() => (window as any).__heatplan.layerIds as string[]);
    expect(ids).toEqual(['demand', 'potential-0', 'potential-1', 'blocks', 'areas', 'buildings', 'roads', 'network', 'consumers', 'dropped', 'plants']);
    expect(await page.locator('#status').textContent()).toBe('12 buildings, 64 grid cells');
    expect(await page.locator('#missing').isHidden()).toBe(true);
    expect(await page.locator('#legend').textContent()).toContain('MWh/(ha·a)');
    expect(await page.locator('#legend').textContent()).toContain('kW/m');
  });

  it('draws the layers: grid cells, buildings and the plant are coloured where they are', async () => {
    const s = await shot(page);
    // most of the map is covered by the grid
    expect(colouredPixels(s, MAP_BG)).toBeGreaterThan(0.3 * s.png.width * s.png.height);
    // the hottest cell (the grid's middle) is dark red: ramp top (177, 0, 38) over the background
    const g = await page.evaluate(() => {
      const d = (window as any).__heatplan.data.demand;
      const v = d.arrays.b1 as Float32Array;
      let k = 0;
      for (let i = 0; i < v.length; i++) if (v[i]! > v[k]!) k = i;
      return [d.arrays.position[2 * k], d.arrays.position[2 * k + 1]] as [number, number];
    });
    const [hx, hy] = await project(g);
    const hot = pixel(s, hx + 15, hy + 15);
    expect(hot[0]).toBeGreaterThan(150);
    expect(hot[1]).toBeLessThan(60);
    // the plant is a dark disc
    // the network from the server's binary form (GET /api/network.bin): the plant's lon/lat is its position pair
    const plant = await page.evaluate(() => {
      const a = (window as any).__heatplan.data.network.arrays.plant_position as Float64Array;
      return [a[0], a[1]] as [number, number];
    });
    const [px, py] = await project(plant);
    expect(Math.max(...pixel(s, px, py))).toBeLessThan(80);
  });

  it('toggling a layer changes the picture, and toggling back restores it', async () => {
    const before = await shot(page);
    await toggle('demand', false);
    const off = await shot(page);
    expect(diffPixels(before, off)).toBeGreaterThan(0.2 * before.png.width * before.png.height);
    await toggle('demand', true);
    const again = await shot(page);
    expect(diffPixels(before, again)).toBeLessThan(0.001 * before.png.width * before.png.height);
  });

  it('buildings are coloured by use; hovering one shows its floor area and where it came from', async () => {
    for (const id of ['consumers', 'network', 'dropped', 'demand', 'areas']) await toggle(id, false);
    const [x, y] = await project([run.firstBuilding.lon, run.firstBuilding.lat]);
    const s = await shot(page);
    // building 0 is a 'detached house': Set2's first colour (102, 194, 165)
    const c = pixel(s, x, y);
    expect(Math.abs(c[0] - 102)).toBeLessThan(12);
    expect(Math.abs(c[1] - 194)).toBeLessThan(12);
    expect(Math.abs(c[2] - 165)).toBeLessThan(12);
    await page.mouse.move(x, y);
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await page.locator('#tooltip').textContent())!;
    expect(text).toContain(`building ${run.firstBuilding.id}`);
    expect(text).toContain(`floor area${run.firstBuilding.floorArea_m2.toLocaleString('en-US')} m²`);
    expect(text).toContain('given in the source data');
    await page.mouse.move(5, 5);
    for (const id of ['consumers', 'network', 'dropped', 'demand', 'areas']) await toggle(id, true);
  });

  it('hovering grid cells shows their own values (image pixel -> cell, rows counted from the north)', async () => {
    const others = ['areas', 'buildings', 'network', 'consumers', 'dropped', 'plants'];
    for (const id of others) await toggle(id, false);
    // two cells in different rows and columns, each with a value known from the synthetic grid
    const cells = await page.evaluate(() => {
      const d = (window as any).__heatplan.data.demand;
      const pick = (k: number) => ({ lonLat: [d.arrays.position[2 * k], d.arrays.position[2 * k + 1]], cell: d.arrays.cell[k] as number });
      return [pick(3), pick(d.meta.count - 4)];
    });
    for (const c of cells) {
      const [x, y] = await project(c.lonLat as [number, number]);
      await page.mouse.move(x, y);
      await page.waitForFunction((cell) => document.getElementById('tooltip')!.textContent!.includes(`col ${cell % 10}, row ${Math.floor(cell / 10)}`), c.cell, { timeout: 10_000 });
      const text = (await page.locator('#tooltip').textContent())!;
      expect(text).toContain(`heat demand${run.heat[c.cell]!.toLocaleString('en-US')} MWh/a`);
    }
    await page.mouse.move(5, 5);
    for (const id of others) await toggle(id, true);
  });

  it('hovering a pipe shows DN, load, kW/m and loss', async () => {
    for (const id of ['consumers', 'dropped', 'plants']) await toggle(id, false);
    const pipe = await page.evaluate(() => {
      // pipe p0 (a text id, kept in the meta) and its first path's first two vertices in the binary arrays
      const net = (window as any).__heatplan.data.network;
      const row = Number(Object.entries(net.meta.pipeText.id).find(([, id]) => id === 'p0')![0]);
      const path = (net.arrays.pipe_owner as Uint32Array).indexOf(row);
      const v = (net.arrays.pipe_startIndices as Uint32Array)[path]!;
      const pos = net.arrays.pipe_positions as Float64Array;
      const a = [pos[2 * v]!, pos[2 * v + 1]!];
      const b = [pos[2 * v + 2]!, pos[2 * v + 3]!];
      // 20 % along from the plant: the part of p0 that no other pipe shares
      return [a[0] + 0.2 * (b[0] - a[0]), a[1] + 0.2 * (b[1] - a[1])] as [number, number];
    });
    const [x, y] = await project(pipe);
    await page.mouse.move(x, y);
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await page.locator('#tooltip').textContent())!;
    expect(text).toContain('pipe p0');
    expect(text).toContain('DN125');
    expect(text).toMatch(/linear density[\d.]+ kW\/m/);
    expect(text).toContain('22 W/m, 80 MWh/a');
    await page.mouse.move(5, 5);
    for (const id of ['consumers', 'dropped', 'plants']) await toggle(id, true);
  });

  it('the network is typed arrays from /api/network.bin: no features in the page; a consumer and a pipe hover with their own rows', async () => {
    const fc = JSON.parse(await readFile(join(run.dir, 'network.geojson'), 'utf8'));
    const count = (k: string) => fc.features.filter((f: any) => f.properties.kind === k).length;
    const info = await page.evaluate(() => {
      const n = (window as any).__heatplan.data.network;
      const pos = n.arrays.pipe_positions as Float64Array;
      const starts = n.arrays.pipe_startIndices as Uint32Array;
      // a consumer pipe's second leg (the street corner to its consumer) 90 % along, for the consumer farthest from
      // the street: no other pipe runs there (a nearer consumer's pipe in that column ends before it)
      const owner = n.arrays.pipe_owner as Uint32Array;
      let best = -1;
      let far = -1;
      for (let p = 0; p < owner.length; p++) {
        if (starts[p + 1]! - starts[p]! !== 3) continue;
        const v1 = starts[p]! + 1;
        const d = Math.abs(pos[2 * v1 + 3]! - pos[2 * v1 + 1]!);
        if (d > far) (far = d), (best = p);
      }
      const v = starts[best]! + 1;
      const pipeId = n.meta.pipeText.id[String(owner[best])] as string;
      const at = (t: number) => [pos[2 * v]! + t * (pos[2 * v + 2]! - pos[2 * v]!), pos[2 * v + 1]! + t * (pos[2 * v + 3]! - pos[2 * v + 1]!)];
      return {
        features: 'features' in n,
        typed: pos instanceof Float64Array && n.arrays.consumer_position instanceof Float64Array,
        counts: n.meta.counts,
        consumer: { lonLat: [n.arrays.consumer_position[0], n.arrays.consumer_position[1]] as [number, number], id: n.meta.ids.consumer[0] as string, peak: n.arrays['consumer:peak_kW'][0] as number },
        pipe: at(0.9) as [number, number],
        pipeId,
      };
    });
    expect(info.features).toBe(false);
    expect(info.typed).toBe(true);
    expect(info.counts).toEqual({ pipe: count('pipe'), service: count('service'), consumer: count('consumer'), dropped: count('dropped'), plant: count('plant') });
    for (const id of ['plants', 'dropped', 'buildings', 'areas', 'demand']) await toggle(id, false);
    const [cx, cy] = await project(info.consumer.lonLat);
    await page.mouse.move(cx, cy);
    await page.waitForFunction((id) => document.getElementById('tooltip')!.textContent!.includes(`consumer ${id}`), info.consumer.id, { timeout: 10_000 });
    const text = (await page.locator('#tooltip').textContent())!;
    expect(text).toContain(`peak load${fmt(info.consumer.peak)} kW`);
    expect(text).toContain('service line5 m');
    await page.mouse.move(5, 5);
    await toggle('consumers', false);
    const [px, py] = await project(info.pipe);
    await page.mouse.move(px, py);
    await page.waitForFunction((id) => document.getElementById('tooltip')!.textContent!.includes(`pipe ${id}`), info.pipeId, { timeout: 10_000 });
    const tip = (await page.locator('#tooltip').textContent())!;
    // the synthetic run's consumer pipe p<k> is on branch b<k>, DN 32, 12 W/m, 3 MWh/a
    expect(info.pipeId).toMatch(/^p[1-9]\d*$/);
    expect(tip).toContain('DN32');
    expect(tip).toContain(`branchb${info.pipeId.slice(1)}`);
    expect(tip).toContain('12 W/m, 3 MWh/a');
    await page.mouse.move(5, 5);
    for (const id of ['plants', 'dropped', 'buildings', 'areas', 'demand', 'consumers']) await toggle(id, true);
  });

  it('moving the time slider changes the chart and the map', async () => {
    const chart0 = await shot(page, '#chart');
    const map0 = await shot(page);
    const label0 = await page.locator('#hour-label').textContent();
    // hour 0 is the winter peak of the synthetic series; 4380 is mid-summer, when consumers' loads are lowest
    await page.locator('#hour').fill('4380');
    await page.evaluate(() => (window as any).__heatplan.nextFrame());
    await page.waitForTimeout(100);
    expect(await page.evaluate(() => (window as any).__heatplan.state.hour)).toBe(4380);
    const chart1 = await shot(page, '#chart');
    const map1 = await shot(page);
    expect(await page.locator('#hour-label').textContent()).not.toBe(label0);
    expect(diffPixels(chart0, chart1)).toBeGreaterThan(100);
    expect(diffPixels(map0, map1)).toBeGreaterThan(200);
    // less load: with only the consumers shown, their discs cover fewer pixels in summer than in winter
    const others = ['demand', 'areas', 'buildings', 'network', 'dropped', 'plants'];
    for (const id of others) await toggle(id, false);
    const summer = colouredPixels(await shot(page), MAP_BG);
    await page.locator('#hour').fill('0');
    await page.evaluate(() => (window as any).__heatplan.nextFrame());
    const winter = colouredPixels(await shot(page), MAP_BG);
    expect(summer).toBeGreaterThan(0);
    expect(summer).toBeLessThan(0.8 * winter);
    for (const id of others) await toggle(id, true);
  });

  it('a run with missing files shows what it has and says what it has not', async () => {
    const part = await writeSyntheticRun(join(dir, 'partial'), { omit: ['potential.tif', 'hourly.csv', 'network.geojson', 'roads.geojson'] });
    const s2 = await startViewServer({ runDir: part.dir, distDir: (await ensureViewerBuilt()).distDir, port: 0 });
    try {
      const p2 = await openViewer(browser, s2.url);
      const missing = (await p2.locator('#missing').textContent())!;
      for (const f of ['potential.tif', 'hourly.csv', 'network.geojson', 'roads.geojson']) expect(missing).toContain(f);
      expect(missing).not.toContain('demand.tif');
      expect(await p2.evaluate(() => (window as any).__heatplan.layerIds)).toEqual(['demand', 'blocks', 'areas', 'buildings']);
      expect(await p2.locator('#time').textContent()).toContain('hourly.csv is not in this run');
      expect(colouredPixels(await shot(p2), MAP_BG)).toBeGreaterThan(10_000);
      await p2.close();
    } finally {
      await s2.close();
    }
  });
});

describeBrowser('viewer on the demo run (npx heatplan demo)', () => {
  let dir: string;
  let srv: ViewServer;
  let browser: Browser;
  let page: Page;
  let firstBuilding: { id: string; floorArea_m2: number; ring: number[][] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-viewer-demo-'));
    const { main } = await import('../../engine/cli/main.js');
    const code = await main(['demo', '--out', join(dir, 'demo')]);
    if (code !== 0) throw new Error(`heatplan demo failed with exit code ${code}`);
    const fc = JSON.parse(await readFile(join(dir, 'demo', 'buildings.geojson'), 'utf8'));
    const f = fc.features.find((q: any) => q.geometry?.type === 'Polygon' && q.properties.footprint_m2 > 80);
    firstBuilding = { id: f.properties.id, floorArea_m2: f.properties.floorArea_m2, ring: f.geometry.coordinates[0] };
    const { distDir } = await ensureViewerBuilt();
    srv = await startViewServer({ runDir: join(dir, 'demo'), distDir, port: 0 });
    browser = await launchChromium();
    page = await openViewer(browser, srv.url);
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every stage of the demo, draws it, hovers a building and follows the time slider', async () => {
    const ids = await page.evaluate(() => (window as any).__heatplan.layerIds as string[]);
    // a layer's file that could not be read is in data.errors: shown when a layer is missing
    const errors = await page.evaluate(() => JSON.stringify((window as any).__heatplan.data.errors));
    for (const id of ['demand', 'buildings', 'network', 'consumers', 'plants']) expect(ids, errors).toContain(id);
    const s = await shot(page);
    expect(colouredPixels(s, MAP_BG)).toBeGreaterThan(0.2 * s.png.width * s.png.height);
    // hover the building's centre (mean of its ring) with only the buildings shown
    for (const id of ids) if (id !== 'buildings') await page.locator(`input[data-layer="${id}"]`).setChecked(false);
    await page.evaluate(() => (window as any).__heatplan.nextFrame());
    const ring = firstBuilding.ring.slice(0, -1);
    const c: [number, number] = [ring.reduce((a, p) => a + p[0]!, 0) / ring.length, ring.reduce((a, p) => a + p[1]!, 0) / ring.length];
    const [x, y] = await page.evaluate((p) => (window as any).__heatplan.project(p), c);
    await page.mouse.move(x, y);
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await page.locator('#tooltip').textContent())!;
    expect(text).toContain(`building ${firstBuilding.id}`);
    expect(text).toContain(`floor area${fmt(firstBuilding.floorArea_m2)} m²`);
    await page.mouse.move(5, 5);
    for (const id of ids) if (id !== 'buildings') await page.locator(`input[data-layer="${id}"]`).setChecked(true);
    // the simulation's hourly series drives chart and map
    const chart0 = await shot(page, '#chart');
    const map0 = await shot(page);
    await page.locator('#hour').fill('4380');
    await page.evaluate(() => (window as any).__heatplan.nextFrame());
    expect(diffPixels(chart0, await shot(page, '#chart'))).toBeGreaterThan(100);
    expect(diffPixels(map0, await shot(page))).toBeGreaterThan(50);
  });
});
