/**
 * A city-sized road graph in the viewer, in headless Chromium: a run folder with a roads.geojson of ROADS_LOD_ABOVE + 3
 * segments on a lattice (every 4th segment 1,500 m long by its length_m, the others shorter) and blocks.geojson
 * around it. At the opening view the map draws the long segments only (the opening payload), the legend says what is
 * hidden and from which zoom; zoomed in past that zoom, the chunks in view are fetched and drawn, a short segment from
 * a chunk is hovered with its own edge, and blocks.geojson is fetched only when the blocks layer is switched on.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { ensureViewerBuilt } from '../../engine/viewer/build.js';
import { writeFeatureCollection } from '../../engine/io/geojson-stream.js';
import { ROADS_LOD_ABOVE } from '../../engine/viewer/pack/format.js';
import { colouredPixels, HAVE_CHROMIUM, launchChromium, MAP_BG, openViewer, shot } from './browser.js';

const describeBrowser = (HAVE_CHROMIUM ? describe : describe.skip) as typeof describe;

/** Lattice: COLS segments a row, each 0.001° of longitude from (135, 34), rows 0.001° apart. */
const N = ROADS_LOD_ABOVE + 3;
const COLS = Math.ceil(Math.sqrt(N));
const at = (i: number): [number, number] => [135 + (i % COLS) * 0.001, 34 + Math.floor(i / COLS) * 0.001];
const LONG = (i: number) => i % 4 === 3;

describeBrowser('viewer: a city-sized road graph in levels of detail', () => {
  let dir: string;
  let srv: ViewServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-viewer-roads-'));
    const run = join(dir, 'run');
    await mkdir(run, { recursive: true });
    function* features(): Generator<object> {
      for (let i = 0; i < N; i++) {
        const [x, y] = at(i);
        yield { type: 'Feature', geometry: { type: 'LineString', coordinates: [[x, y], [x + 0.001, y]] }, properties: { kind: 'road', edge: i, from: i, to: i + 1, length_m: LONG(i) ? 1500 : 40 } };
      }
    }
    await writeFeatureCollection(join(run, 'roads.geojson'), { type: 'FeatureCollection', features: { [Symbol.iterator]: features } });
    const [x1, y1] = [135 + COLS * 0.001, 34 + Math.ceil(N / COLS) * 0.001];
    await writeFile(
      join(run, 'blocks.geojson'),
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[135, 34], [x1, 34], [x1, y1], [135, y1], [135, 34]]] }, properties: { id: 'B1', density_MWh_per_ha_a: 100 } }] }),
    );
    const { distDir } = await ensureViewerBuilt();
    srv = await startViewServer({ runDir: run, distDir, port: 0, log: () => {} });
    browser = await launchChromium();
    page = await openViewer(browser, srv.url);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const h = <T>(fn: string, ...args: unknown[]) => page.evaluate(([f, a]) => (window as any).__heatplan[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
  /** Paths the page has fetched (the browser's resource timing entries). */
  const fetched = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  const roadPixels = async () => {
    const s = await shot(page);
    return colouredPixels(s, MAP_BG, 12);
  };

  it('opens with the long segments only, and the legend says what is hidden and from which zoom', async () => {
    const lod = await h<{ shown: boolean; detailZoom: number; zoom: number; loaded: number; inView: number[] }>('roadsLod');
    expect(lod.shown).toBe(false);
    expect(lod.loaded).toBe(0);
    expect(lod.zoom).toBeLessThan(lod.detailZoom);
    const meta = await page.evaluate(() => {
      const r = (window as any).__heatplan.data.roads;
      return { count: r.meta.count, lod: r.meta.lod, edges: Array.from(r.arrays.n_edge as Float64Array) as number[] };
    });
    expect(meta.lod.total).toBe(N);
    expect(meta.lod.minLengthM).toBe(1024);
    expect(meta.edges.length).toBe(meta.lod.overview);
    expect(meta.edges.every((i) => LONG(i))).toBe(true);
    expect(meta.count).toBe(Array.from({ length: N }, (_, i) => i).filter(LONG).length);
    const legend = (await page.locator('#legend').textContent())!;
    expect(legend).toContain(`road graph of ${N.toLocaleString('en-US')} segments in levels of detail: the ${meta.count.toLocaleString('en-US')} segments of 1,024 m or longer at every zoom`);
    expect(legend).toContain('not drawn; zoom in to see them');
    await h('showOnly', ['roads']);
    expect(await roadPixels()).toBeGreaterThan(1000);
    // blocks.geojson: not fetched (its extent framed the view: the server read it), until the layer is switched on
    expect((await fetched()).filter((p) => p.endsWith('/blocks.geojson'))).toEqual([]);
    expect(await page.evaluate(() => (window as any).__heatplan.data.blocks)).toBeUndefined();
  });

  it('zoomed in past the detail zoom, fetches and draws the chunks in view, and a short segment from a chunk is hovered with its own edge', async () => {
    const lod = await h<{ detailZoom: number }>('roadsLod');
    // the middle of the lattice, at a segment's midpoint
    const i = Math.floor(N / 2) - (Math.floor(N / 2) % 4) + 1;
    expect(LONG(i)).toBe(false);
    const [x, y] = at(i);
    await h('viewAt', x + 0.0005, y, lod.detailZoom + 1.5);
    const now = await h<{ shown: boolean; loaded: number; inView: number[] }>('roadsLod');
    expect(now.shown).toBe(true);
    expect(now.inView.length).toBeGreaterThan(0);
    const loaded = await page.evaluate(() => [...(window as any).__heatplan.data.roadChunks.keys()] as number[]);
    for (const c of now.inView) expect(loaded).toContain(c);
    expect((await fetched()).filter((p) => p.includes('/api/roads/chunk/')).length).toBe(loaded.length);
    expect((await page.locator('#legend').textContent())!).toContain('drawn in view');
    // the short segments fill the rows between the long ones
    const zoomed = await roadPixels();
    expect(zoomed).toBeGreaterThan(1000);
    const [px, py] = await h<[number, number]>('project', [x + 0.0005, y]);
    let text = '';
    for (const dy of [0, 1, -1, 2, -2]) {
      await page.mouse.move(px, py + dy);
      await page.waitForTimeout(150);
      text = (await page.locator('#tooltip').textContent()) ?? '';
      if (text.includes('road edge')) break;
    }
    expect(text).toContain(`road edge ${i}`);
    expect(text).toContain('length40 m');
    await page.mouse.move(5, 5);
  });

  it('fetches blocks.geojson when the blocks layer is switched on, and draws it', async () => {
    await h('resetView');
    await h('showOnly', []);
    const none = await roadPixels();
    await h('setVisible', 'blocks', true);
    expect((await fetched()).filter((p) => p.endsWith('/blocks.geojson')).length).toBe(1);
    expect(await page.evaluate(() => (window as any).__heatplan.data.blocks.features.length)).toBe(1);
    expect(await roadPixels()).toBeGreaterThan(none + 10_000);
  });
});
