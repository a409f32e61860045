/**
 * The map's scale bar: a 1-2-5 ground length that fits in at most MAX_PX pixels, measured at the centre of the map
 * along the screen's horizontal (great-circle distance between the two unprojected ends; Web Mercator's scale
 * changes with latitude, so the bar holds for the map's centre).
 */
import type { Viewport } from '@deck.gl/core';

export const SCALE_BAR_MAX_PX = 120;

export interface ScaleBar {
  /** Ground length the bar stands for, m. */
  metres: number;
  /** Bar width in CSS pixels. */
  px: number;
  label: string;
}

/** Great-circle distance between two lon/lat points, m (spherical Earth, R = 6,371,008.8 m). */
export function haversineM(a: readonly number[], b: readonly number[]): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b[1]! - a[1]!) * rad;
  const dLon = (b[0]! - a[0]!) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1]! * rad) * Math.cos(b[1]! * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The largest 1-2-5 length not above `m`. */
export function niceFloor(m: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(m)));
  for (const k of [5, 2, 1]) if (k * p <= m * (1 + 1e-9)) return k * p;
  return p;
}

export const lengthLabel = (m: number): string => (m >= 1000 ? `${(m / 1000).toLocaleString('en-US')} km` : `${m.toLocaleString('en-US')} m`);

/** Measure the scale at the viewport's centre and draw the bar into `el` (a .bar child and a label span). */
export function scaleBar(vp: Viewport, el: HTMLElement, _map: DOMRect): ScaleBar | null {
  const cx = vp.width / 2;
  const cy = vp.height / 2;
  const a = vp.unproject([cx - 50, cy]);
  const b = vp.unproject([cx + 50, cy]);
  const mPerPx = haversineM(a, b) / 100;
  if (!(mPerPx > 0) || !Number.isFinite(mPerPx)) {
    el.hidden = true;
    return null;
  }
  const metres = niceFloor(mPerPx * SCALE_BAR_MAX_PX);
  const px = metres / mPerPx;
  const label = lengthLabel(metres);
  el.hidden = false;
  const html = `<div class="bar" style="width:${px.toFixed(1)}px"></div><span>${label}</span>`;
  // called after every frame: touch the DOM only when the bar changed
  if (el.innerHTML !== html) el.innerHTML = html;
  return { metres, px, label };
}
