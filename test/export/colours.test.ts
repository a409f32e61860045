/**
 * Plan-sheet colours never collide: CIEDE2000 checked against published test data, then every legend colour a sheet
 * can show against every building-use fill and every demand class (and the use fills and demand classes among
 * themselves), at SHEET_MIN_DELTA_E (12; why 12: engine/style/palette.ts). Then the same on a drawn sheet: the legend
 * swatches read back from the SVG. Cut-off consumers are small grey dots, not red rings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportMap } from '../../engine/export/map.js';
import {
  colourDistance,
  deltaE2000,
  DEMAND_COLORS,
  hexToLab,
  hexToRgb,
  potentialScale,
  sheetPotentialScale,
  SHEET_MIN_DELTA_E,
  SHEET_POTENTIAL_COLORS,
  SHEET_PIPE_COLORS,
  SHEET_STYLE,
  SHEET_USE_COLORS,
  STYLE,
} from '../../engine/style/palette.js';
import { byId, parseXml, walk } from './svg-read.js';
import { PLATFORM_STYLE } from '../../engine/export/map/platform-style.js';
import { writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-colours-'));
const RUN = join(tmp, 'run');
beforeAll(async () => writeSyntheticRun(RUN));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('CIEDE2000', () => {
  it('matches Sharma, Wu & Dalal (2005) test data', () => {
    // pairs 1, 7, 17, 25 and 34 of the paper's table 1
    const pairs: [number[], number[], number][] = [
      [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
      [[50, 0, 0], [50, -1, 2], 2.3669],
      [[50, 2.5, 0], [73, 25, -18], 27.1492],
      [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
      [[22.7233, 20.0904, -46.694], [23.0331, 14.973, -42.5619], 2.0373],
    ];
    for (const [a, b, de] of pairs) {
      expect(deltaE2000(a, b)).toBeCloseTo(de, 4);
      expect(deltaE2000(b, a)).toBeCloseTo(de, 4);
    }
    expect(hexToLab('#ffffff')[0]).toBeCloseTo(100, 3);
    expect(colourDistance('#123456', '#123456')).toBe(0);
  });
});

/** Every colour a sheet's legend can show, by what it stands for. */
function legendColours(): Record<string, string> {
  const c: Record<string, string> = {};
  DEMAND_COLORS.forEach((x, i) => (c[`demand class ${i + 1}`] = x));
  for (const [u, x] of Object.entries(SHEET_USE_COLORS)) c[`use ${u}`] = x;
  SHEET_PIPE_COLORS.forEach((x, i) => (c[`pipe class ${i + 1}`] = x));
  c['supply area'] = SHEET_STYLE.areaStroke;
  c['plant'] = SHEET_STYLE.plantFill;
  c['connected building'] = SHEET_STYLE.consumer;
  c['building not connected'] = SHEET_STYLE.dropped;
  c['service line'] = SHEET_STYLE.serviceStroke;
  c['road'] = SHEET_STYLE.road;
  c['water'] = SHEET_STYLE.waterFill;
  c['water line'] = SHEET_STYLE.waterStroke;
  // the platform view (issue 19): guideline ring and critical facility dot
  c['guideline ring'] = PLATFORM_STYLE.guidelineRing;
  c['critical facility'] = PLATFORM_STYLE.criticalFill;
  return c;
}

describe('sheet colours never collide', () => {
  it(`every legend colour differs from every use fill and demand class by ΔE00 >= ${SHEET_MIN_DELTA_E}`, () => {
    const all = legendColours();
    const fills = Object.entries(all).filter(([k]) => k.startsWith('use ') || k.startsWith('demand '));
    const bad: string[] = [];
    let min = Infinity;
    for (const [ka, a] of Object.entries(all)) {
      for (const [kb, b] of fills) {
        if (ka === kb) continue;
        // the demand ramp's own classes are ordered steps of one hue; they are checked below
        if (ka.startsWith('demand ') && kb.startsWith('demand ')) continue;
        const d = colourDistance(a, b);
        min = Math.min(min, d);
        if (d < SHEET_MIN_DELTA_E) bad.push(`${ka} ${a} ~ ${kb} ${b}: ΔE00 ${d.toFixed(1)}`);
      }
    }
    expect(bad).toEqual([]);
    console.log(`smallest ΔE00 between a legend colour and a use fill or demand class: ${min.toFixed(1)}`);
    // adjacent classes of the demand ramp stay apart too (they are 16-22 apart)
    for (let i = 1; i < DEMAND_COLORS.length; i++) expect(colourDistance(DEMAND_COLORS[i - 1]!, DEMAND_COLORS[i]!)).toBeGreaterThan(SHEET_MIN_DELTA_E);
    // the pipe classes among themselves
    for (let i = 1; i < SHEET_PIPE_COLORS.length; i++) expect(colourDistance(SHEET_PIPE_COLORS[i - 1]!, SHEET_PIPE_COLORS[i]!)).toBeGreaterThan(SHEET_MIN_DELTA_E);
  });

  it('the potential classes are apart from the use fills drawn over them, the demand ramp and each other', () => {
    const pot = sheetPotentialScale(500).classes.map((c) => c.color);
    expect(pot).toEqual(SHEET_POTENTIAL_COLORS);
    const fills = Object.entries(legendColours()).filter(([k]) => k.startsWith('use ') || k.startsWith('demand '));
    const bad: string[] = [];
    for (const p of pot) for (const [k, c] of fills) if (colourDistance(p, c) < SHEET_MIN_DELTA_E) bad.push(`${p} ~ ${k} ${c}: ${colourDistance(p, c).toFixed(1)}`);
    for (let i = 1; i < pot.length; i++) if (colourDistance(pot[i - 1]!, pot[i]!) < SHEET_MIN_DELTA_E) bad.push(`classes ${i} and ${i + 1}`);
    expect(bad).toEqual([]);
    // the viewer's blues (the old sheet ramp) would have met the white of unknown-use buildings and the water
    expect(colourDistance(potentialScale(500).classes[0]!.color, SHEET_USE_COLORS.unknown!)).toBeLessThan(SHEET_MIN_DELTA_E);
  });

  it('the colours the old sheets used did collide (what this fixes)', () => {
    expect(colourDistance('#e31a1c', DEMAND_COLORS[3]!)).toBeLessThan(SHEET_MIN_DELTA_E); // commercial vs 333-700
    expect(colourDistance('#ff7f00', DEMAND_COLORS[2]!)).toBeLessThan(SHEET_MIN_DELTA_E); // lodging vs 150-333
    expect(STYLE.dropped).toBe('#e31a1c'); // the red rings of cut-off buildings: the commercial fill
  });

  it('on a drawn sheet: the legend swatches of different entries are apart, cut-off consumers are small grey dots', async () => {
    const out = join(tmp, 'all.svg');
    await exportMap(RUN, { layers: 'demand,areas,buildings,network', out });
    const svg = parseXml(readFileSync(out, 'utf8'));
    const legend = byId(svg, 'legend')!;
    // every legend entry's swatch colour (fills of rects and circles, strokes of lines), entry by entry
    const items: { entry: string; colour: string; line: boolean }[] = [];
    for (const g of legend.children.filter((n) => n.name === 'g' && /^legend-/.test(n.attrs.id ?? ''))) {
      const labels = g.children.filter((n) => n.name === 'text').map((t) => t.text);
      let k = 0;
      for (const n of g.children) {
        const line = n.name === 'path';
        const c = line ? n.attrs.stroke : n.attrs.fill;
        if (!(n.name === 'rect' || n.name === 'circle' || n.name === 'path') || !c) continue;
        items.push({ entry: `${g.attrs.id} #${k + 1} (${labels.join(' | ').slice(0, 60)})`, colour: c.toLowerCase(), line });
        k++;
      }
    }
    expect(items.length).toBeGreaterThan(12);
    const bad: string[] = [];
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i]!;
        const b = items[j]!;
        // two line symbols (pipe classes, service lines, roads) are told apart by width and dash as well
        if (a.line && b.line) continue;
        const d = colourDistance(a.colour, b.colour);
        if (d < SHEET_MIN_DELTA_E) bad.push(`${a.entry} ${a.colour} ~ ${b.entry} ${b.colour}: ${d.toFixed(1)}`);
      }
    }
    expect(bad).toEqual([]);

    // cut-off consumers: grey, no stroke, at most 0.35 mm
    const dropped = [...walk(byId(svg, 'layer-dropped')!)].filter((n) => n.name === 'circle');
    expect(dropped.length).toBe(1);
    for (const c of dropped) {
      const [r, g, b] = hexToRgb(c.attrs.fill!);
      expect(r === g && g === b).toBe(true);
      expect(c.attrs.stroke).toBeUndefined();
      expect(Number(c.attrs.r)).toBeLessThanOrEqual(0.35);
      expect(colourDistance(c.attrs.fill!, '#ff0000')).toBeGreaterThan(25);
      expect(colourDistance(c.attrs.fill!, STYLE.dropped)).toBeGreaterThan(25);
    }
  });
});

