/**
 * The viewer's platform view (issue 19) in headless Chromium: with platform.json (named in manifest.potential.platform)
 * the panel lists a "guideline flags and critical facilities" layer, draws a blue ring at the flagged building and a
 * green dot at the critical facility, shows them in the legend and the summary (rules in force, the outage hours), and
 * toggling the layer off removes the marks. platform.json is written by hand for the test at the first building.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { ensureViewerBuilt } from '../../engine/viewer/build.js';
import { writeSyntheticRun, type SyntheticRun } from './synthetic-run.js';
import { diffPixels, HAVE_CHROMIUM, launchChromium, openViewer, pixel, shot } from './browser.js';
import { hexToRgb } from '../../engine/style/palette.js';
import { PLATFORM_STYLE } from '../../engine/export/map/platform-style.js';

const describeBrowser = (HAVE_CHROMIUM ? describe : describe.skip) as typeof describe;

describeBrowser('viewer: platform view', () => {
  let dir: string;
  let run: SyntheticRun;
  let srv: ViewServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-viewer-platform-'));
    run = await writeSyntheticRun(join(dir, 'run'));
    const b = run.firstBuilding;
    const platform = {
      options: { guidelines: 'seed000.csv' },
      municipality: { codes: [14100], names: ['Yokohama'], how: 'option', byFile: [] },
      guidelines: {
        rules: [{ rule: 'yokohama-acceptance', municipality: 'Yokohama', municipalityJa: '横浜市', guideline: 'G', office: 'O', kind: 'acceptance', appliesTo: ['building'], quantity: 'floor_area', use: 'all', operator: '>=', threshold: 3000, unit: 'm2', thresholdM2: 3000, source: 's', note: '', codes: '', codesText: '', applies: true, table: 't', line: 2 }],
        buildings: [{ id: b.id, lon: b.lon, lat: b.lat, floorArea_m2: b.floorArea_m2, use: 'office', municipality: 14100, rules: ['yokohama-acceptance'] }],
        blocks: [],
        areas: null,
        counts: { 'yokohama-acceptance': { applies: true, buildings: 1, blocks: 0, areas: null } },
      },
      // the critical facility 0.0004° east of the flagged building (some 35 m), so the two marks do not overlap
      critical: { facilities: [{ id: 'h1', role: 'hospital', from: 'list', use: 'medical_welfare', floorArea_m2: 100, heat_MWh: 1, peak_kW: 1, lon: b.lon + 0.0004, lat: b.lat }], byArea: null, uses: [], source: 'list' },
      resilience: { outage: { startHour: 0, hours: 72, fuelStockHours_h: {}, initialCharge: 1, wasteHeatRuns: false }, networks: [{ case: '0', network: 'n1', chp: true, storage: { energy_kWh: 1000, water_m3: 28.7, dT_K: 30 }, series: { demand: true, losses: true, pump: true }, hours: 72, facilities: [{ id: 'h1', role: 'hospital', heatHours: 60, powerHours: 40, unmet_kWh: 5 }], pumpedHours: 40, spareKw: [], storageUsed_kWh: 0, fuelUsed_kWh: {} }] },
    };
    await writeFile(join(run.dir, 'platform.json'), JSON.stringify(platform));
    const m = JSON.parse(await readFile(join(run.dir, 'manifest.json'), 'utf8'));
    m.potential = { ...(m.potential ?? {}), platform: { file: 'platform.json' } };
    await writeFile(join(run.dir, 'manifest.json'), JSON.stringify(m));
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

  const toggle = async (id: string, on: boolean) => {
    await page.locator(`input[data-layer="${id}"]`).setChecked(on);
    await page.evaluate(() => (window as any).__heatplan.nextFrame());
    await page.waitForTimeout(50);
  };
  const project = (lonLat: [number, number]) => page.evaluate((p) => (window as any).__heatplan.project(p) as [number, number], lonLat);
  const near = (c: number[], hex: string, tol = 40) => hexToRgb(hex).every((v, i) => Math.abs(c[i]! - v) < tol);

  it('lists the layer, shows it in the legend and the summary', async () => {
    const ids = await page.evaluate(() => (window as any).__heatplan.layerIds as string[]);
    expect(ids).toContain('platform');
    expect(await page.locator('input[data-layer="platform"]').isChecked()).toBe(true);
    const legend = (await page.locator('#legend').textContent())!;
    expect(legend).toContain('building meeting a municipal guideline rule (yokohama-acceptance)');
    expect(legend).toContain('critical facility');
    const summary = (await page.locator('#summary').textContent())!;
    expect(summary).toContain('Platform view: municipal guidelines and critical facilities');
    expect(summary).toContain('1 buildings, 0 blocks');
    expect(summary).toContain('h1 heat 60 h, power 40 h');
    expect(summary).toContain('water 29 m³');
  });

  it('draws the critical facility and the guideline ring, and toggling the layer off removes them', async () => {
    for (const id of ['demand', 'areas', 'buildings', 'network', 'consumers', 'plants', 'roads', 'blocks']) if (await page.locator(`input[data-layer="${id}"]`).count()) await toggle(id, false);
    const b = run.firstBuilding;
    const [cx, cy] = await project([b.lon + 0.0004, b.lat]);
    const [rx, ry] = await project([b.lon, b.lat]);
    const on = await shot(page);
    expect(near(pixel(on, cx, cy), PLATFORM_STYLE.criticalFill)).toBe(true);
    // the ring: 9 px radius, 2.5 px line; some pixel on it is blue
    const ring = [0, 45, 90, 135, 180, 225, 270, 315].map((a) => pixel(on, rx + 9 * Math.cos((a * Math.PI) / 180), ry + 9 * Math.sin((a * Math.PI) / 180)));
    expect(ring.some((c) => near(c, PLATFORM_STYLE.guidelineRing, 90))).toBe(true);
    await toggle('platform', false);
    const off = await shot(page);
    expect(near(pixel(off, cx, cy), PLATFORM_STYLE.criticalFill)).toBe(false);
    expect(diffPixels(on, off)).toBeGreaterThan(50);
  });
});
