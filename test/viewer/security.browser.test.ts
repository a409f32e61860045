/**
 * The viewer server's defences in real headless Chromium (issue 17, item 4): the viewer loads and draws under its
 * Content-Security-Policy without a single violation (and the policy is enforced), the --tiles host is allowed only
 * when given, a page whose name is rebound to 127.0.0.1 (DNS rebinding, simulated with --host-resolver-rules) gets
 * nothing of the run, and a foreign page can neither fetch nor embed the run's files.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { ensureViewerBuilt } from '../../engine/viewer/build.js';
import { writeSyntheticRun, type SyntheticRun } from './synthetic-run.js';
import { CHROMIUM, colouredPixels, HAVE_CHROMIUM, MAP_BG, pixel, shot } from './browser.js';

if (!HAVE_CHROMIUM) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} not found: CI requires Debian's chromium for the viewer's browser tests (apt-get install chromium)`);
  console.warn(`\n*** SKIPPING viewer security browser tests: ${CHROMIUM} not found (apt-get install chromium) ***\n`);
}
const describeBrowser = (HAVE_CHROMIUM ? describe : describe.skip) as typeof describe;

/** The colour of every base-map tile the test's tile server sends. */
const TILE_RGB: [number, number, number] = [20, 90, 230];

function solidPng(w: number, h: number, rgb: [number, number, number]): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) png.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  return PNG.sync.write(png);
}

/**
 * A foreign site and XYZ tile host on 127.0.0.1 (the browser reaches it as tiles.test and evil.test): /{z}/{x}/{y}.png
 * is a solid tile any origin may fetch (Access-Control-Allow-Origin: *), /page.html a blank page to run a foreign
 * origin's script in.
 */
async function startForeignSite(): Promise<{ server: Server; port: number; tiles: string[] }> {
  const tile = solidPng(256, 256, TILE_RGB);
  const tiles: string[] = [];
  const server = createServer((req, res) => {
    if (/^\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) {
      tiles.push(req.url!);
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': tile.length, 'access-control-allow-origin': '*' });
      return void res.end(tile);
    }
    if (req.url === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<!doctype html><title>foreign site</title>');
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, port: (server.address() as { port: number }).port, tiles };
}

interface Watched {
  page: Page;
  /** securitypolicyviolation events of the page: "directive blocked-URI". */
  violations: () => Promise<string[]>;
  /** Console messages about the Content-Security-Policy. */
  cspConsole: string[];
  errors: string[];
}

/** A new page that records every CSP violation (event and console) from its first script on. */
async function watchedPage(browser: Browser): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const cspConsole: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy|Refused to/i.test(m.text())) cspConsole.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    (window as any).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__csp.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return { page, violations: () => page.evaluate(() => (window as any).__csp as string[]), cspConsole, errors };
}

/** Open the viewer at `url` in `w.page` and wait for its first complete frame; the page's response headers. */
async function openWatched(w: Watched, url: string): Promise<Record<string, string>> {
  const resp = await w.page.goto(url);
  expect(resp!.status()).toBe(200);
  await w.page.waitForFunction(() => (window as any).__heatplan?.ready || (window as any).__heatplan?.error, null, { timeout: 90_000 });
  const err = await w.page.evaluate(() => (window as any).__heatplan.error as string | undefined);
  if (err || w.errors.length) throw new Error(`viewer failed: ${err ?? w.errors.join('; ')}`);
  return resp!.headers();
}

describeBrowser('viewer security in headless Chromium', () => {
  let dir: string;
  let run: SyntheticRun;
  let distDir: string;
  let srv: ViewServer;
  let foreign: Awaited<ReturnType<typeof startForeignSite>>;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-viewer-security-'));
    run = await writeSyntheticRun(join(dir, 'run'));
    // an image in the run folder (as a map export would be) for the embedding test
    await writeFile(join(run.dir, 'map.png'), solidPng(8, 8, [200, 0, 0]));
    distDir = (await ensureViewerBuilt()).distDir;
    srv = await startViewServer({ runDir: run.dir, distDir, port: 0 });
    foreign = await startForeignSite();
    // launchChromium's flags, and two names that resolve to 127.0.0.1 as a rebinding attacker's would
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--ignore-gpu-blocklist',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP evil.test 127.0.0.1, MAP tiles.test 127.0.0.1',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await new Promise((ok) => foreign?.server.close(ok));
    await rm(dir, { recursive: true, force: true });
  });

  it('loads and draws the viewer under its CSP with no violation, and the CSP is enforced', async () => {
    const w = await watchedPage(browser);
    const headers = await openWatched(w, srv.url);
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    const p = w.page;
    expect(await p.locator('#status').textContent()).toBe('12 buildings, 64 grid cells');
    const s = await shot(p);
    expect(colouredPixels(s, MAP_BG)).toBeGreaterThan(0.3 * s.png.width * s.png.height);
    // what builds HTML with inline styles: the legend (layer toggles), the tooltip, the chart's key, the slider
    for (const id of ['demand', 'network', 'consumers']) {
      await p.locator(`input[data-layer="${id}"]`).setChecked(false);
      await p.locator(`input[data-layer="${id}"]`).setChecked(true);
    }
    const [x, y] = await p.evaluate((ll) => (window as any).__heatplan.project(ll), [run.firstBuilding.lon, run.firstBuilding.lat]);
    await p.mouse.move(x, y);
    await p.locator('#tooltip').waitFor({ state: 'visible', timeout: 10_000 });
    await p.locator('#hour').fill('4380');
    await p.evaluate(() => (window as any).__heatplan.nextFrame());
    await p.waitForTimeout(200);
    expect(await w.violations()).toEqual([]);
    expect(w.cspConsole).toEqual([]);
    expect(w.errors).toEqual([]);
    // enforced: an injected inline script does not run, and is reported
    await p.evaluate(() => {
      const el = document.createElement('script');
      el.textContent = 'window.__inlineRan = true';
      document.body.appendChild(el);
    });
    await p.waitForFunction(() => (window as any).__csp.length > 0, null, { timeout: 5_000 });
    expect(await p.evaluate(() => (window as any).__inlineRan)).toBeUndefined();
    expect((await w.violations())[0]).toMatch(/^script-src/);
    for (const t0 = Date.now(); w.cspConsole.length === 0 && Date.now() - t0 < 5_000; ) await p.waitForTimeout(50);
    expect(w.cspConsole.join('\n')).toMatch(/script-src/);
    await p.close();
  });

  it('allows the --tiles host when given (the base map draws, no violation) and refuses it otherwise', async () => {
    const tilesUrl = `http://tiles.test:${foreign.port}/{z}/{x}/{y}.png`;
    const s2 = await startViewServer({ runDir: run.dir, distDir, port: 0, tiles: { url: tilesUrl, attribution: 'test tiles' } });
    try {
      const w = await watchedPage(browser);
      await openWatched(w, s2.url);
      const p = w.page;
      const ids = (await p.evaluate(() => (window as any).__heatplan.layerIds)) as string[];
      expect(ids).toContain('basemap');
      // only the base map shown: it covers the map in the tiles' colour
      for (const id of ids) if (id !== 'basemap') await p.locator(`input[data-layer="${id}"]`).setChecked(false);
      let c: [number, number, number] = [0, 0, 0];
      const near = () => c.every((v, k) => Math.abs(v - TILE_RGB[k]!) < 12);
      for (const t0 = Date.now(); !near() && Date.now() - t0 < 20_000; ) {
        await p.evaluate(() => (window as any).__heatplan.nextFrame());
        await p.waitForTimeout(100);
        const s = await shot(p);
        c = pixel(s, s.x + s.png.width / 2, s.y + s.png.height / 2);
      }
      expect(near(), `map centre ${c}, tile colour ${TILE_RGB}`).toBe(true);
      expect(foreign.tiles.length).toBeGreaterThan(0);
      expect(await w.violations()).toEqual([]);
      expect(w.cspConsole).toEqual([]);
      await p.close();
    } finally {
      await s2.close();
    }
    // the viewer without --tiles may not fetch from that host, nor load images from it
    const w = await watchedPage(browser);
    await openWatched(w, srv.url);
    const got = await w.page.evaluate(async (u) => {
      const fetched = await fetch(u).then(
        (r) => `status ${r.status}`,
        (e: Error) => `refused: ${e.name}`,
      );
      const img = await new Promise<string>((ok) => {
        const i = new Image();
        i.onload = () => ok('loaded');
        i.onerror = () => ok('refused');
        i.src = u;
      });
      return { fetched, img };
    }, `http://tiles.test:${foreign.port}/0/0/0.png`);
    expect(got).toEqual({ fetched: 'refused: TypeError', img: 'refused' });
    const v = await w.violations();
    expect(v.some((s) => s.startsWith('connect-src http://tiles.test'))).toBe(true);
    expect(v.some((s) => s.startsWith('img-src http://tiles.test'))).toBe(true);
    await w.page.close();
  });

  it('gives a page whose name is rebound to 127.0.0.1 (DNS rebinding) nothing of the run', async () => {
    const p = await browser.newPage();
    const resp = await p.goto(`http://evil.test:${srv.port}/`);
    expect(resp!.status()).toBe(421);
    expect(await p.content()).not.toContain('heatplan viewer');
    // the rebound page's own "same-origin" fetches
    const got = await p.evaluate(async () => {
      const out: { url: string; status: number; text: string }[] = [];
      for (const url of ['/run/manifest.json', '/api/status', '/api/config', '/run/buildings.geojson', '/api/buildings.bin', '/']) {
        const r = await fetch(url);
        out.push({ url, status: r.status, text: await r.text() });
      }
      return out;
    });
    for (const g of got) {
      expect(g.status, g.url).toBe(421);
      expect(g.text, g.url).not.toContain('EPSG');
      expect(g.text, g.url).not.toContain(run.dir);
      expect(g.text.length, g.url).toBeLessThan(200);
    }
    await p.close();
  });

  it('a foreign page can neither fetch nor embed the run files', async () => {
    const p = await browser.newPage();
    await p.goto(`http://evil.test:${foreign.port}/page.html`);
    const got = await p.evaluate(async (base) => {
      const fetched = await fetch(`${base}run/manifest.json`).then(
        async (r) => `read ${(await r.text()).length} bytes`,
        (e: Error) => `refused: ${e.name}`,
      );
      // no-cors embedding carries no Origin: Cross-Origin-Resource-Policy is what stops it
      const img = await new Promise<string>((ok) => {
        const i = new Image();
        i.onload = () => ok(`loaded ${i.naturalWidth}x${i.naturalHeight}`);
        i.onerror = () => ok('refused');
        i.src = `${base}run/map.png`;
      });
      return { fetched, img };
    }, srv.url);
    expect(got).toEqual({ fetched: 'refused: TypeError', img: 'refused' });
    await p.close();
  });
});
