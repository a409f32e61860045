/**
 * Plan-sheet layout: title block, map frame at a nice scale, and a panel with legend, north arrow, scale bar, CRS note
 * and attribution. Landscape sheets put the panel at the right, portrait sheets below the map.
 */
import { VERSION } from '../../version.js';
import { DrawingBuilder, wrapText, type Drawing } from './model.js';
import { drawLayers, runExtent, type LayerStyleOptions, type LegendBlock, type View } from './layers.js';
import { attributionLines, crsNote, drawNorthArrow, drawScaleBar, gridConvergenceDeg } from './furniture.js';
import { chooseStandardScale, formatScale, scaleBar, type ScaleBar } from './scale.js';
import type { RunLayers } from './load.js';
import { frameBox, parseExtent, type Box } from './extent.js';
import { words } from './i18n.js';
import { KEEP_TOGETHER } from './sources.js';
import { InputError } from '../../errors.js';
import { summaryWarned } from '../../run/summaries.js';
import { basename } from 'node:path';
import { textWidthMm } from './model.js';

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
  /** What to frame (working CRS box, padded) and the box of what it holds; default: network and areas, else demand. */
  frame?: { box: Box; content: Box; framed: string[] };
  /** Figure number (図番号) at the top right, e.g. '3-2' (drawn 'Figure 3-2' / '図 3-2'). */
  figure?: string;
  /** Municipality (市区町村) under the figure number. */
  municipality?: string;
  /** A note for the plan document, drawn in the panel. */
  note?: string;
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
  /** The framed box (working CRS, m) before padding, and what it frames ('network', 'areas', 'demand', 'extent', ...). */
  framed: { box: Box; layers: string[] };
  /**
   * How well the framed box fills the map frame at the chosen scale: `linear` is the larger of its width and height
   * fractions of the frame (1 = touches two opposite edges), `area` the fraction of the frame's area it covers.
   */
  frameFill: { linear: number; area: number };
}

const MARGIN = 10;
const HEADER = 17;
const GAP = 5;

/** Layout of the panel: a list of boxes flowed top-to-bottom through columns. */
interface Box_ {
  heightMm: number;
  draw: (b: DrawingBuilder, x: number, y: number, w: number) => void;
}

function legendBox(block: LegendBlock, w: number, fs: number): Box_ {
  const t = 2.6 * fs;
  const row = t * 1.45;
  const titleLines = wrapText(block.unit ? `${block.title} [${block.unit}]` : block.title, t * 1.05, w);
  const noteLines = block.note ? block.note.split('\n').flatMap((l) => wrapText(l, t * 0.85, w)) : [];
  const height = titleLines.length * t * 1.3 + block.items.length * row + noteLines.length * t * 1.1 + t * 0.9;
  return {
    heightMm: height,
    draw(b, x, y) {
      b.group({ id: `legend-${block.id ?? block.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, () => {
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
            case 'area':
              b.rect(x, top, sw, sh, { fill: it.color, fillOpacity: Math.max(0.15, it.opacity ?? 0.15), stroke: it.color, strokeWidthMm: it.sizeMm ?? 0.6 });
              break;
            case 'outline':
              b.rect(x, top, sw, sh, { stroke: it.color, strokeWidthMm: Math.max(0.15, it.sizeMm ?? 0.2) });
              break;
            case 'line':
              b.line([x, cyy, x + sw, cyy], { stroke: it.color, strokeWidthMm: it.sizeMm ?? 0.5, dashMm: it.sizeMm !== undefined && it.sizeMm < 0.2 ? [0.6, 0.4] : undefined });
              break;
            case 'point':
              b.add({ kind: 'circle', cx: x + sw / 2, cy: cyy, rMm: Math.max(0.3, it.sizeMm ?? 0.5), fill: it.color });
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

function textBox(id: string, lines: string[], w: number, sizeMm: number, color = '#222222', keep: readonly (string | RegExp)[] = []): Box_ {
  const wrapped = lines.flatMap((l) => wrapText(l, sizeMm, w, keep));
  return {
    heightMm: wrapped.length * sizeMm * 1.3 + sizeMm * 0.6,
    draw(b, x, y) {
      b.group({ id }, () => wrapped.forEach((l, i) => b.text(x, y + (i + 1) * sizeMm * 1.3 - sizeMm * 0.25, l, sizeMm, { color })));
    },
  };
}

/** Flow boxes through `cols` columns of height `h`; returns positions or undefined if they do not fit. */
function flow(boxes: Box_[], cols: number, h: number): { col: number; y: number }[] | undefined {
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

/** The layout, scale and view a sheet of `run` takes (what buildSheet draws into), without drawing. */
export function sheetLayout(run: RunLayers, opts: SheetOptions) {
  const W = opts.widthMm;
  const H = opts.heightMm;
  const landscape = W > H;
  // two layouts: the panel at the right (one column) or below the map (three columns); landscape sheets default to
  // the first, portrait ones to the second, and a sheet takes the other when it shows the framed area at a larger scale
  const side = {
    frame: { x: MARGIN, y: MARGIN + HEADER, w: W - 2 * MARGIN - 72 - GAP, h: H - 2 * MARGIN - HEADER },
    panel: { x: W - MARGIN - 72, y: MARGIN + HEADER, w: 72, h: H - 2 * MARGIN - HEADER, cols: 1 },
  };
  const below = {
    frame: { x: MARGIN, y: MARGIN + HEADER, w: W - 2 * MARGIN, h: H - 2 * MARGIN - HEADER - 78 - GAP },
    panel: { x: MARGIN, y: H - MARGIN - 78, w: W - 2 * MARGIN, h: 78, cols: 3 },
  };
  const ext = runExtent(run);
  if (!ext) {
    throw new InputError('map-empty', 'nothing to draw: the chosen layers hold no features or non-empty cells', {
      file: run.dir,
      value: run.loaded,
    });
  }
  const framing = opts.frame ?? frameBox(run, parseExtent(undefined), ext);
  const fb = framing.box;
  // the framed box is padded already (extent.ts pad): no second margin inside the frame; where the padding alone
  // would push the sheet to the next scale of the series (x2 or x2.5), the content with a 1 % margin decides
  const cb = framing.content;
  const fit = (l: typeof side) =>
    opts.scale ??
    Math.min(
      chooseStandardScale(fb[2] - fb[0], fb[3] - fb[1], l.frame.w, l.frame.h, 0),
      chooseStandardScale(cb[2] - cb[0], cb[3] - cb[1], l.frame.w, l.frame.h, 0.01),
    );
  const [first, second] = landscape ? [side, below] : [below, side];
  // the larger scale wins; at the same scale, the layout where the padded box fits (the content clear of the edges)
  const padded = (l: typeof side) => chooseStandardScale(fb[2] - fb[0], fb[3] - fb[1], l.frame.w, l.frame.h, 0) <= fit(l);
  const layout = fit(second) < fit(first) || (fit(second) === fit(first) && padded(second) && !padded(first)) ? second : first;
  const { frame, panel } = layout;
  const scale = fit(layout);
  const view: View = { scale, cx: (fb[0] + fb[2]) / 2, cy: (fb[1] + fb[3]) / 2, frame };
  return { W, H, layout, frame, panel, scale, view, framing, ext };
}

/** Build the plan sheet of `run`'s loaded layers. */
export function buildSheet(run: RunLayers, opts: SheetOptions): { drawing: Drawing; info: SheetInfo } {
  const { W, H, frame, panel, scale, view, framing } = sheetLayout(run, opts);
  const w = words(opts.lang ?? 'en');
  const c = framing.content;
  const cwMm = ((c[2] - c[0]) * 1000) / scale;
  const chMm = ((c[3] - c[1]) * 1000) / scale;
  const frameFill = {
    linear: Math.max(Math.min(cwMm, frame.w) / frame.w, Math.min(chMm, frame.h) / frame.h),
    area: (Math.min(cwMm, frame.w) * Math.min(chMm, frame.h)) / (frame.w * frame.h),
  };
  const title = opts.title ?? w.defaultTitle(basename(run.dir));
  const b = new DrawingBuilder();

  // paper background (PNG has no transparency on paper)
  b.rect(0, 0, W, H, { fill: '#ffffff' });
  b.group({ id: 'title' }, () => {
    // figure number and municipality at the right of the title block; the title shrinks to leave room for them
    const right: { text: string; size: number; bold: boolean }[] = [];
    if (opts.figure) right.push({ text: w.figure(opts.figure), size: 5, bold: true });
    if (opts.municipality) right.push({ text: opts.municipality, size: 3.4, bold: false });
    const rightW = Math.max(0, ...right.map((r) => textWidthMm(r.text, r.size, r.bold)));
    const room = W - 2 * MARGIN - (rightW ? rightW + 6 : 0);
    const titleSize = Math.max(3.6, Math.min(6.2, (6.2 * room) / Math.max(1, textWidthMm(title, 6.2, true))));
    b.text(MARGIN, MARGIN + 7, title, titleSize, { bold: true });
    const sub = opts.subtitle ?? w.subtitle(basename(run.dir), VERSION, String(run.manifest.updated ?? run.manifest.created ?? '').slice(0, 10));
    b.text(MARGIN, MARGIN + 13, sub, 3, { color: '#444444' });
    if (opts.figure) b.group({ id: 'figure-number' }, () => b.text(W - MARGIN, MARGIN + 7, w.figure(opts.figure!), 5, { anchor: 'end', bold: true }));
    if (opts.municipality) b.group({ id: 'municipality' }, () => b.text(W - MARGIN, MARGIN + 13, opts.municipality!, 3.4, { anchor: 'end' }));
  });
  b.line([MARGIN, MARGIN + HEADER - 2, W - MARGIN, MARGIN + HEADER - 2], { stroke: '#000000', strokeWidthMm: 0.35 });

  let legend: LegendBlock[] = [];
  b.group({ id: 'map', clip: frame, data: { scale, 'fill-linear': +frameFill.linear.toFixed(4), 'fill-area': +frameFill.area.toFixed(4), framed: framing.framed.join(',') } }, () => {
    legend = drawLayers(b, view, run, opts);
  });
  b.rect(frame.x, frame.y, frame.w, frame.h, { stroke: '#000000', strokeWidthMm: 0.4 });

  const conv = gridConvergenceDeg(run.crs, view.cx, view.cy);
  const lang = opts.lang ?? 'en';
  const crsLines = crsNote(run.crs, conv, lang);
  const tileLine = opts.base?.tiles ? [w.tilesSource(opts.base.tiles.attribution, basename(opts.base.tiles.file))] : [];
  const attribution = [...attributionLines(run.manifest, opts.cjk ?? false, lang), ...tileLine, w.madeWith(VERSION)];
  const noteLines = opts.note ? [w.note(opts.note)] : [];
  // the cost stage's key figure (manifest.cost), one line
  const cs = run.manifest.cost;
  if (cs && typeof cs.lcohNetwork_per_kWh === 'number') {
    const lc = Number(cs.lcohNetwork_per_kWh.toPrecision(4)).toLocaleString('en-US');
    const cap = Math.round(cs.capital).toLocaleString('en-US');
    // the cost stage's warning that the pump electricity it priced comes from pipes over the catalogue
    const overPump = summaryWarned(cs, 'cost-pump-head-over-capacity');
    noteLines.push(lang === 'ja' ? `事業性: 熱の均等化原価 ${lc} ${cs.currency}/kWh（導管網の熱）、初期投資 ${cap} ${cs.currency}（価格年 ${cs.priceYears.join('・')}）${overPump ? '、過大（ポンプ電力が管径表の最大を超える管を通る揚程による）' : ''}` : `Costs: LCOH ${lc} ${cs.currency}/kWh (network heat), capital ${cap} ${cs.currency} (price year ${cs.priceYears.join(', ')})${overPump ? '; overstated (pump electricity from a pump head through pipes over the catalogue)' : ''}`);
  }

  // the simulate stage's key figure (issue 12): the primary energy factor of the heat (and cold) sold beside the default 1.36
  const sim = run.manifest.sim;
  if (sim && typeof sim.primaryEnergyFactor === 'number') {
    const f3 = (x: number) => Number(x.toPrecision(3)).toLocaleString('en-US');
    const def = typeof sim.defaultPrimaryEnergyFactor === 'number' ? f3(sim.defaultPrimaryEnergyFactor) : '1.36';
    const cold = typeof sim.coldPrimaryEnergyFactor === 'number' ? sim.coldPrimaryEnergyFactor : undefined;
    // the simulation's warning that the route's pump head runs through pipes over the largest catalogue pipe
    const overstated = summaryWarned(sim, 'pump-head-over-capacity');
    noteLines.push(
      lang === 'ja'
        ? `一次エネルギー換算係数：販売熱 ${f3(sim.primaryEnergyFactor)}${cold !== undefined ? `、販売冷熱 ${f3(cold)}` : ''}（既定値 ${def}、告示 265）${overstated ? '、過大（ポンプ揚程が管径表の最大を超える管を通る）' : ''}`
        : `Primary energy factor of the heat sold ${f3(sim.primaryEnergyFactor)}${cold !== undefined ? `, of the cold sold ${f3(cold)}` : ''} (default ${def}, notice 265)${overstated ? '; overstated (pump head through pipes over the catalogue)' : ''}`,
    );
  }
  // the platform view (issue 19): per area, the guideline rules it meets, its buildings meeting a rule, its critical facilities
  if (run.platform) {
    const pf = run.platform.file;
    const ja = lang === 'ja';
    const short = (xs: string[], n = 3) => xs.slice(0, n).join(', ') + (xs.length > n ? ` …(${xs.length})` : '');
    // a facility by its name, else its id when short (PLATEAU ids are 40-character UUIDs: counted only)
    const facName = new Map(pf.critical.facilities.map((f) => [f.id, f.name ?? (f.id.length <= 16 ? f.id : undefined)]));
    const critText = (ids: string[]) => {
      const named = ids.map((id) => facName.get(id)).filter((x): x is string => !!x);
      return named.length ? short(named, 2) + (named.length < ids.length ? (ja ? `ほか（計 ${ids.length}）` : ` (${ids.length} in all)`) : '') : ja ? `${ids.length} 件` : `${ids.length}`;
    };
    for (const z of (pf.guidelines.areas ?? []).slice(0, 6)) {
      const ids = [...new Set(Object.values(z.buildings ?? {}).flat())];
      const crit = pf.critical.byArea?.[z.id] ?? [];
      const parts = [
        z.rules.length ? (ja ? `基準 ${z.rules.join('・')}` : `meets ${z.rules.join(', ')}`) : ja ? '区域として満たす基準なし' : 'meets no rule as an area',
        ids.length ? (ja ? `基準を満たす建物 ${ids.length} 棟` : `${ids.length} buildings meeting a rule`) : '',
        crit.length ? (ja ? `重要施設 ${critText(crit)}` : `critical: ${critText(crit)}`) : '',
      ].filter(Boolean);
      noteLines.push(ja ? `区域 ${z.id}：${parts.join('、')}` : `Area ${z.id}: ${parts.join('; ')}`);
    }
    const res = pf.resilience;
    if (res) {
      for (const n of res.networks.slice(0, 3)) {
        const fac = n.facilities.map((f) => `${f.id} ${f.heatHours}/${n.hours} h`);
        const water = n.storage.water_m3 !== null ? (ja ? `、蓄熱槽の水 ${Math.round(n.storage.water_m3).toLocaleString('en-US')} m³` : `, tank water ${Math.round(n.storage.water_m3).toLocaleString('en-US')} m³`) : '';
        noteLines.push(ja ? `停電 ${res.outage.hours} 時間（${n.case}/${n.network}）：熱を保てた時間 ${short(fac)}${water}` : `${res.outage.hours} h outage (${n.case}/${n.network}): hours with heat ${short(fac)}${water}`);
      }
    }
  }

  // shrink the panel's type until everything fits (many building uses on a small sheet)
  const colW = (panel.w - (panel.cols - 1) * 4) / panel.cols;
  let placed: { boxes: Box_[]; pos: { col: number; y: number }[]; fs: number } | undefined;
  let drawnBar: ScaleBar | undefined;
  const textBoxes = (fs: number): Box_[] => [
    ...(noteLines.length ? [textBox('note', noteLines, colW, 2.5 * fs)] : []),
    textBox('crs-note', crsLines, colW, 2.3 * fs),
    textBox('attribution', [w.sourcesTitle, ...attribution], colW, 2.3 * fs, '#222222', KEEP_TOGETHER),
  ];
  for (const fs of [1, 0.92, 0.85, 0.78, 0.72]) {
    const boxes: Box_[] = legend.map((l) => legendBox(l, colW, fs));
    const furnitureH = 30 * fs;
    boxes.push({
      heightMm: furnitureH,
      draw: (bb, x, y, ww) => {
        drawNorthArrow(bb, x + 6 * fs, y, 14 * fs, fs);
        drawnBar = drawScaleBar(bb, x + 18 * fs, y + 4 * fs, scale, Math.min(50, ww - 24 * fs), fs, lang).bar;
      },
    });
    boxes.push(...textBoxes(fs));
    const pos = flow(boxes, panel.cols, panel.h);
    if (pos) {
      placed = { boxes, pos, fs };
      break;
    }
  }
  if (!placed) {
    // last resort: smallest type, let the last boxes overflow into the last column rather than lose them
    const fs = 0.72;
    const boxes: Box_[] = legend.map((l) => legendBox(l, colW, fs));
    boxes.push(...textBoxes(fs));
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
    drawnBar = drawScaleBar(b, frame.x + 20, frame.y + frame.h - 28, scale, 48, 1, lang).bar;
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
    info: { scale, scaleBar: bar, view, legend, attribution, crsNote: crsLines, fontScale: placed.fs, framed: { box: c, layers: framing.framed }, frameFill },
  };
}

export { formatScale };
