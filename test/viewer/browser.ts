/**
 * Helpers for the viewer's browser tests and benchmark: Debian's chromium driven by playwright-core, headless, WebGL
 * through SwiftShader (no GPU on the test machines), screenshots read with pngjs.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

export const CHROMIUM = process.env.HEATPLAN_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
    ],
  });
}

/** Open the viewer at `url` and wait (up to `timeoutMs`) until its first frame with every layer loaded (or its error). */
export async function openViewer(browser: Browser, url: string, size = { width: 1200, height: 800 }, timeoutMs = 90_000): Promise<Page> {
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => (window as any).__heatplan?.ready || (window as any).__heatplan?.error, null, { timeout: timeoutMs });
  const err = await page.evaluate(() => (window as any).__heatplan.error as string | undefined);
  if (err || errors.length) throw new Error(`viewer failed: ${err ?? errors.join('; ')}`);
  return page;
}

export interface Shot {
  png: PNG;
  /** Page offset of the shot's top-left corner. */
  x: number;
  y: number;
}

/** Screenshot of an element (default the map). */
export async function shot(page: Page, selector = '#map'): Promise<Shot> {
  const el = page.locator(selector);
  const box = (await el.boundingBox())!;
  const png = PNG.sync.read(await el.screenshot());
  return { png, x: box.x, y: box.y };
}

/** RGB at page position (px, py) of a shot. */
export function pixel(s: Shot, px: number, py: number): [number, number, number] {
  const x = Math.round(px - s.x);
  const y = Math.round(py - s.y);
  const i = (y * s.png.width + x) * 4;
  return [s.png.data[i]!, s.png.data[i + 1]!, s.png.data[i + 2]!];
}

/** Pixels whose colour differs from `bg` by more than `tol` in any channel. */
export function colouredPixels(s: Shot, bg: [number, number, number], tol = 12): number {
  let n = 0;
  const d = s.png.data;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - bg[0]) > tol || Math.abs(d[i + 1]! - bg[1]) > tol || Math.abs(d[i + 2]! - bg[2]) > tol) n++;
  return n;
}

/** Pixels that differ between two same-size shots. */
export function diffPixels(a: Shot, b: Shot, tol = 8): number {
  let n = 0;
  const x = a.png.data;
  const y = b.png.data;
  for (let i = 0; i < x.length; i += 4)
    if (Math.abs(x[i]! - y[i]!) > tol || Math.abs(x[i + 1]! - y[i + 1]!) > tol || Math.abs(x[i + 2]! - y[i + 2]!) > tol) n++;
  return n;
}

/** The map's background colour (viewer/src/style.css #map). */
export const MAP_BG: [number, number, number] = [0xf4, 0xf3, 0xef];
