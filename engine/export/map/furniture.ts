/**
 * Map furniture: scale bar, north arrow, CRS note and data attribution.
 */
import { transformer, WGS84, type Crs } from '../../crs/index.js';
import type { Manifest } from '../../io/run-folder.js';
import type { DrawingBuilder } from './model.js';
import { words, type Lang } from './i18n.js';
import { dataSources } from './sources.js';
import { formatDistance, formatScale, scaleBar, type ScaleBar } from './scale.js';

/**
 * Draw a scale bar with its left end at (x, y) (top of the bar), at scale 1:`scale`, no longer than `maxMm`.
 * The group 'scalebar' carries the scale and lengths as data attributes. Returns the bar and the height used, mm.
 */
export function drawScaleBar(b: DrawingBuilder, x: number, y: number, scale: number, maxMm: number, fs = 1, lang: Lang = 'en'): { bar: ScaleBar; heightMm: number } {
  const bar = scaleBar(scale, maxMm);
  const segMm = bar.lengthMm / bar.segments;
  const h = 1.6 * fs;
  const t = 2.5 * fs;
  b.group({ id: 'scalebar', data: { scale, 'length-m': bar.lengthM, 'length-mm': +bar.lengthMm.toFixed(4) } }, () => {
    for (let i = 0; i < bar.segments; i++) {
      b.rect(x + i * segMm, y + t * 1.4, segMm, h, { fill: i % 2 === 0 ? '#000000' : '#ffffff', stroke: '#000000', strokeWidthMm: 0.2 });
    }
    const mid = bar.segments % 2 === 0 ? bar.segments / 2 : undefined;
    b.text(x, y + t, '0', t, { anchor: 'middle' });
    if (mid !== undefined) b.text(x + mid * segMm, y + t, formatDistance((bar.lengthM * mid) / bar.segments, bar.unit), t, { anchor: 'middle' });
    b.text(x + bar.lengthMm, y + t, `${formatDistance(bar.lengthM, bar.unit)} ${bar.unit}`, t, { anchor: 'middle' });
  });
  b.text(x, y + t * 1.4 + h + t * 1.25, words(lang).scale(formatScale(scale)), t, { bold: true });
  return { bar, heightMm: t * 1.4 + h + t * 1.25 + 1 };
}

/** A north arrow pointing to grid north, its tip at (cx, y), `sizeMm` tall. Returns the height used, mm. */
export function drawNorthArrow(b: DrawingBuilder, cx: number, y: number, sizeMm: number, fs = 1): number {
  const t = 3 * fs;
  b.group({ id: 'north-arrow', data: { north: 'grid' } }, () => {
    b.text(cx, y + t, 'N', t, { anchor: 'middle', bold: true });
    const top = y + t + 0.8;
    const w = sizeMm * 0.32;
    // two halves, one filled, so the arrow reads in black-and-white print
    b.add({ kind: 'path', parts: [Float64Array.from([cx, top, cx - w, top + sizeMm, cx, top + sizeMm * 0.72])], closed: true, fill: '#000000', stroke: '#000000', strokeWidthMm: 0.2 });
    b.add({ kind: 'path', parts: [Float64Array.from([cx, top, cx + w, top + sizeMm, cx, top + sizeMm * 0.72])], closed: true, fill: '#ffffff', stroke: '#000000', strokeWidthMm: 0.2 });
  });
  return t + 0.8 + sizeMm + 1;
}

/**
 * Meridian convergence at a point of the working CRS: the angle from grid north to true north, degrees,
 * positive when true north lies east (clockwise) of grid north.
 */
export function gridConvergenceDeg(crs: Crs, x: number, y: number): number {
  const inv = transformer(crs, WGS84);
  const fwd = transformer(WGS84, crs);
  const [lon, lat] = inv.forward(x, y);
  const [x2, y2] = fwd.forward(lon, lat + 0.001);
  return (Math.atan2(x2 - x, y2 - y) * 180) / Math.PI;
}

/** The CRS note: name and code, and what the north arrow shows. */
export function crsNote(crs: Crs, convergenceDeg: number, lang: Lang = 'en'): string[] {
  const w = words(lang);
  return [w.crsLine(crs.name, /^EPSG:/.test(crs.code) ? crs.code : undefined), w.northLine(convergenceDeg)];
}

/**
 * The data sources a run's inputs show, one line per dataset with its licence (engine/export/map/sources.ts).
 * `cjk`: a font with Japanese glyphs is available (Japanese names of Japanese datasets are added).
 */
export function attributionLines(manifest: Manifest, cjk: boolean, lang: Lang = 'en'): string[] {
  return dataSources(manifest, lang, cjk).map((s) => s.text);
}
