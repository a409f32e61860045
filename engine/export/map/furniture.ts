/**
 * Map furniture: scale bar, north arrow, CRS note and data attribution.
 */
import { basename } from 'node:path';
import { transformer, WGS84, type Crs } from '../../crs/index.js';
import type { Manifest } from '../../io/run-folder.js';
import type { DrawingBuilder } from './model.js';
import { formatDistance, formatScale, scaleBar, type ScaleBar } from './scale.js';

/**
 * Draw a scale bar with its left end at (x, y) (top of the bar), at scale 1:`scale`, no longer than `maxMm`.
 * The group 'scalebar' carries the scale and lengths as data attributes. Returns the bar and the height used, mm.
 */
export function drawScaleBar(b: DrawingBuilder, x: number, y: number, scale: number, maxMm: number, fs = 1): { bar: ScaleBar; heightMm: number } {
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
  b.text(x, y + t * 1.4 + h + t * 1.25, `Scale ${formatScale(scale)}`, t, { bold: true });
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
export function crsNote(crs: Crs, convergenceDeg: number): string[] {
  const a = Math.abs(convergenceDeg);
  const dir = convergenceDeg > 0 ? 'east' : 'west';
  return [
    `Coordinate system: ${crs.name}${/^EPSG:/.test(crs.code) && !crs.name.includes(crs.code) ? ` (${crs.code})` : ''}`,
    `North arrow: grid north${a >= 0.005 ? `; true north is ${a.toFixed(2)}° ${dir} of it at the map centre` : ''}.`,
  ];
}

/** Data sources a run's inputs show, as attribution lines. `cjk`: a font with Japanese glyphs is available. */
export function attributionLines(manifest: Manifest, cjk: boolean): string[] {
  const inputs = Array.isArray(manifest.inputs) ? manifest.inputs : [];
  let plateau = false;
  let osm = false;
  let hotmaps = false;
  let demo = false;
  let other = 0;
  for (const r of inputs) {
    const p = String(r?.path ?? '');
    const role = String(r?.role ?? '');
    const name = basename(p).toLowerCase();
    if (/[\\/]datasets[\\/]demo[\\/]/.test(p)) demo = true;
    else if (/hotmaps/i.test(p) || /hotmaps/i.test(role)) hotmaps = true;
    else if (/\.gml(\.gz)?$/.test(name) || /plateau|citygml/i.test(role)) plateau = true;
    else if (/\.(osm\.pbf|pbf|osm)$/.test(name) || /\bosm\b/i.test(role)) osm = true;
    else other++;
  }
  const lines: string[] = [];
  if (plateau) lines.push(cjk ? 'Buildings: 国土交通省 Project PLATEAU, CC BY 4.0' : 'Buildings: MLIT Project PLATEAU, CC BY 4.0');
  if (osm) lines.push('© OpenStreetMap contributors, ODbL');
  if (hotmaps) lines.push('Hotmaps project (H2020), Apache-2.0');
  if (demo) lines.push('Demo town: synthetic data made by heatplan (datasets/make-demo-town.ts), no real buildings');
  if (other) lines.push(`${plateau || osm || hotmaps || demo ? 'Other data' : 'Data'}: ${other} input file${other === 1 ? '' : 's'} listed in manifest.json`);
  return lines;
}
