/**
 * Plan-sheet layout: title block, map frame at a nice scale, and a panel with legend, north arrow, scale bar, CRS note
 * and attribution. Landscape sheets put the panel at the right, portrait sheets below the map.
 */
import { VERSION } from '../../version.js';
import { DrawingBuilder, wrapText, type Drawing } from './model.js';
import { drawLayers, runExtent, type LayerStyleOptions, type LegendBlock, type View } from './layers.js';
import { attributionLines, crsNote, drawNorthArrow, drawScaleBar, gridConvergenceDeg } from './furniture.js';
import { chooseScale, formatScale, scaleBar, type ScaleBar } from './scale.js';
import type { RunLayers } from './load.js';
import { InputError } from '../../errors.js';
import { basename } from 'node:path';

export interface SheetOptions extends LayerStyleOptions {
  title?: string;
  /** Paper size, mm. */
  widthMm: number;
  heightMm: number;
  /** Force the scale denominator (otherwise the smallest nice scale that fits). */
  scale?: number;
  /** A font with Japanese glyphs is available (attribution in Japanese). */
  cjk?: boolean;
  /** Extra line under the title (default: run folder name and date). */
  subtitle?: string;
}

export interface SheetInfo {
  scale: number;
  scaleBar: ScaleBar;
  view: View;
  legend: LegendBlock[];
  attribution: string[];
  crsNote: string[];
  /** Font scale the panel needed to fit (1 = nominal sizes). */
  fontScale: number;
}

const MARGIN = 10;
const HEADER = 17;
const GAP = 5;

/** Layout of the panel: a list of boxes flowed top-to-bottom through columns. */
interface Box {
  heightMm: number;
  draw: (b: DrawingBuilder, x: number, y: number, w: number) => void;
}

function legendBox(block: LegendBlock, w: number, fs: number): Box {
  const t = 2.6 * fs;
  const row = t * 1.45;
  const titleLines = wrapText(block.unit ? `${block.title} [${block.unit}]` : block.title, t * 1.05, w);
  const noteLines = block.note ? wrapText(block.note, t * 0.85, w) : [];
  const height = titleLines.length * t * 1.3 + block.items.length * row + noteLines.length * t * 1.1 + t * 0.9;
  return {
    heightMm: height,
    draw(b, x, y) {
      b.group({ id: `legend-${block.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, () => {
        let yy = y;
        for (const l of titleLines) {
          yy += t * 1.3;
          b.text(x, yy - t * 0.25, l, t * 1.05, { bold: true });
        }
        for (const it of block.items) {
          const sw = 6 * fs;
          const sh = t * 1.05;
          const top = yy + (row - sh) / 2;
          const cyy = top + sh / 2;
          switch (it.swatch) {
            case 'fill':
              b.rect(x, top, sw, sh, { fill: it.color, fillOpacity: it.opacity, stroke: '#444444', strokeWidthMm: 0.1 });
              break;
            case 'outline':
              b.rect(x, top, sw, sh, { stroke: it.color, strokeWidthMm: Math.max(0.15, it.sizeMm ?? 0.2) });
              break;
            case 'line':
              b.line([x, cyy, x + sw, cyy], { stroke: it.color, strokeWidthMm: it.sizeMm ?? 0.5, dashMm: it.sizeMm !== undefined && it.sizeMm < 0.2 ? [0.6, 0.4] : undefined });
              break;
            case 'point':
              b.add({ kind: 'circle', cx: x + sw / 2, cy: cyy, rMm: Math.max(0.45, it.sizeMm ?? 0.5), fill: it.color });
              break;
            case 'ring':
              b.add({ kind: 'circle', cx: x + sw / 2, cy: cyy, rMm: it.sizeMm ?? 0.7, fill: '#ffffff', stroke: it.color, strokeWidthMm: 0.3 });
              break;
            case 'square':
              b.rect(x + sw / 2 - 1.4, cyy - 1.4, 2.8, 2.8, { fill: it.color, stroke: '#000000', strokeWidthMm: 0.35 });
              break;
          }
          b.text(x + sw + 2, yy + row / 2 + t * 0.35, it.label, t);
          yy += row;
        }
        for (const l of noteLines) {
          yy += t * 1.1;
          b.text(x, yy - t * 0.2, l, t * 0.85, { color: '#444444' });
        }
      });
    },
  };
}

function textBox(id: string, lines: string[], w: number, sizeMm: number, color = '#222222'): Box {
  const wrapped = lines.flatMap((l) => wrapText(l, sizeMm, w));
  return {
    heightMm: wrapped.length * sizeMm * 1.3 + sizeMm * 0.6,
    draw(b, x, y) {
      b.group({ id }, () => wrapped.forEach((l, i) => b.text(x, y + (i + 1) * sizeMm * 1.3 - sizeMm * 0.25, l, sizeMm, { color })));
    },
  };
}

/** Flow boxes through `cols` columns of height `h`; returns positions or undefined if they do not fit. */
function flow(boxes: Box[], cols: number, h: number): { col: number; y: number }[] | undefined {
  const pos: { col: number; y: number }[] = [];
  let col = 0;
  let y = 0;
  for (const box of boxes) {
    if (y > 0 && y + box.heightMm > h) {
      col++;
      y = 0;
    }
    if (col >= cols || box.heightMm > h) return undefined;
    pos.push({ col, y });
    y += box.heightMm + 2;
  }
  return pos;
}

/** Build the plan sheet of `run`'s loaded layers. */
export function buildSheet(run: RunLayers, opts: SheetOptions): { drawing: Drawing; info: SheetInfo } {
  const W = opts.widthMm;
  const H = opts.heightMm;
  const landscape = W > H;
  const frame = landscape
    ? { x: MARGIN, y: MARGIN + HEADER, w: W - 2 * MARGIN - 72 - GAP, h: H - 2 * MARGIN - HEADER }
    : { x: MARGIN, y: MARGIN + HEADER, w: W - 2 * MARGIN, h: H - 2 * MARGIN - HEADER - 78 - GAP };
  const panel = landscape
    ? { x: frame.x + frame.w + GAP, y: frame.y, w: 72, h: frame.h, cols: 1 }
    : { x: MARGIN, y: frame.y + frame.h + GAP, w: W - 2 * MARGIN, h: 78, cols: 3 };
  const ext = runExtent(run);
  if (!ext) {
    throw new InputError('map-empty', 'nothing to draw: the chosen layers hold no features or non-empty cells', {
      file: run.dir,
      value: run.loaded,
    });
  }
  const scale = opts.scale ?? chooseScale(ext[2] - ext[0], ext[3] - ext[1], frame.w, frame.h);
  const view: View = { scale, cx: (ext[0] + ext[2]) / 2, cy: (ext[1] + ext[3]) / 2, frame };
  const title = opts.title ?? `Heat planning map: ${basename(run.dir)}`;
  const b = new DrawingBuilder();

  // paper background (PNG has no transparency on paper)
  b.rect(0, 0, W, H, { fill: '#ffffff' });
  b.group({ id: 'title' }, () => {
    b.text(MARGIN, MARGIN + 7, title, 6.2, { bold: true });
    const sub = opts.subtitle ?? `Run ${basename(run.dir)} · heatplan ${VERSION} · ${String(run.manifest.updated ?? run.manifest.created ?? '').slice(0, 10)}`;
    b.text(MARGIN, MARGIN + 13, sub, 3, { color: '#444444' });
  });
  b.line([MARGIN, MARGIN + HEADER - 2, W - MARGIN, MARGIN + HEADER - 2], { stroke: '#000000', strokeWidthMm: 0.35 });

  let legend: LegendBlock[] = [];
  b.group({ id: 'map', clip: frame, data: { scale } }, () => {
    legend = drawLayers(b, view, run, opts);
  });
  b.rect(frame.x, frame.y, frame.w, frame.h, { stroke: '#000000', strokeWidthMm: 0.4 });

  const conv = gridConvergenceDeg(run.crs, view.cx, view.cy);
  const crsLines = crsNote(run.crs, conv);
  const attribution = [...attributionLines(run.manifest, opts.cjk ?? false), `Map: heatplan ${VERSION}`];

  // shrink the panel's type until everything fits (many building uses on a small sheet)
  const colW = (panel.w - (panel.cols - 1) * 4) / panel.cols;
  let placed: { boxes: Box[]; pos: { col: number; y: number }[]; fs: number } | undefined;
  let drawnBar: ScaleBar | undefined;
  for (const fs of [1, 0.92, 0.85, 0.78, 0.72]) {
    const boxes: Box[] = legend.map((l) => legendBox(l, colW, fs));
    const furnitureH = 30 * fs;
    boxes.push({
      heightMm: furnitureH,
      draw: (bb, x, y, w) => {
        drawNorthArrow(bb, x + 6 * fs, y, 14 * fs, fs);
        drawnBar = drawScaleBar(bb, x + 18 * fs, y + 4 * fs, scale, Math.min(50, w - 24 * fs), fs).bar;
      },
    });
    boxes.push(textBox('crs-note', crsLines, colW, 2.3 * fs));
    boxes.push(textBox('attribution', ['Data sources:', ...attribution], colW, 2.3 * fs));
    const pos = flow(boxes, panel.cols, panel.h);
    if (pos) {
      placed = { boxes, pos, fs };
      break;
    }
  }
  if (!placed) {
    // last resort: smallest type, let the last boxes overflow into the last column rather than lose them
    const fs = 0.72;
    const boxes: Box[] = legend.map((l) => legendBox(l, colW, fs));
    boxes.push(textBox('crs-note', crsLines, colW, 2.3 * fs), textBox('attribution', ['Data sources:', ...attribution], colW, 2.3 * fs));
    const pos: { col: number; y: number }[] = [];
    let col = 0;
    let y = 0;
    for (const box of boxes) {
      if (y > 0 && y + box.heightMm > panel.h && col < panel.cols - 1) {
        col++;
        y = 0;
      }
      pos.push({ col, y });
      y += box.heightMm + 2;
    }
    placed = { boxes, pos, fs };
    // scale bar and north arrow go into the map frame's lower-left corner so they are never lost
    b.rect(frame.x + 2, frame.y + frame.h - 34, 70, 32, { fill: '#ffffff', fillOpacity: 0.85 });
    drawNorthArrow(b, frame.x + 8, frame.y + frame.h - 32, 12);
    drawnBar = drawScaleBar(b, frame.x + 20, frame.y + frame.h - 28, scale, 48).bar;
  }
  b.group({ id: 'legend' }, () => {
    placed!.boxes.forEach((box, i) => {
      const p = placed!.pos[i]!;
      box.draw(b, panel.x + p.col * (colW + 4), panel.y + p.y, colW);
    });
  });

  const bar = drawnBar ?? scaleBar(scale, 48);
  return {
    drawing: { widthMm: W, heightMm: H, prims: b.prims, title },
    info: { scale, scaleBar: bar, view, legend, attribution, crsNote: crsLines, fontScale: placed.fs },
  };
}

export { formatScale };
