/**
 * Plan-sheet map exports of a run folder: one drawing model, three back ends (SVG, PDF, PNG). No browser: a batch
 * runner calls `exportMap` in-process for each map.
 */
import { extname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { writeOutputAtomic } from '../io/write.js';
import { Warnings } from '../util/warnings.js';
import { DEFAULT_LAYERS, loadRunLayers, parseLayers, type LayerName, type RunLayers } from './map/load.js';
import { buildSheet, sheetLayout, type SheetInfo } from './map/sheet.js';
import { readTileImage } from './map/tiles.js';
import { paperSize, type PaperName } from './map/scale.js';
import { findFonts } from './map/fonts.js';
import { renderSvg } from './map/render-svg.js';
import { renderPdf } from './map/render-pdf.js';
import { renderPng } from './map/render-png.js';
import type { Drawing } from './map/model.js';
import { mapFile } from '../run/contract.js';
import { runExtent } from './map/layers.js';
import { frameBox, parseExtent, type ExtentSpec } from './map/extent.js';
import { loadBaseLayer } from './map/base.js';
import type { Lang } from './map/i18n.js';

export { LAYER_NAMES, LAYER_FILES, DEFAULT_LAYERS, parseLayers, type LayerName } from './map/load.js';
export { EXTENT_LAYERS, parseExtent, type ExtentSpec } from './map/extent.js';
export type { Lang } from './map/i18n.js';
export type { Drawing } from './map/model.js';
export type { SheetInfo } from './map/sheet.js';

export type MapFormat = 'png' | 'pdf' | 'svg';

export interface MapOptions {
  /** Layers to draw; missing files are errors. Default: demand, areas, buildings, network, skipping missing ones. */
  layers?: LayerName[] | string;
  /** Output format; default from `out`'s extension, else 'pdf'. */
  format?: MapFormat;
  /** Output file; default `<runDir>/map.<format>`. */
  out?: string;
  title?: string;
  /** Paper size (default A4). */
  size?: PaperName;
  landscape?: boolean;
  /** PNG resolution, pixels per inch (default 300). */
  dpi?: number;
  /** Force the scale denominator (1:scale); default the smallest of the standard series 1, 2.5, 5 x 10^k that fits. */
  scale?: number;
  /** Pipe colour break, kW/m (default: the run's route threshold, else 0.17). */
  pipeThresholdKwPerM?: number;
  /** Language of every label, legend, unit, use name, note and source line (default 'en'). */
  lang?: Lang;
  /**
   * What the map frames: a lon/lat box 'lon1,lat1,lon2,lat2' (or four numbers), or a layer name (EXTENT_LAYERS:
   * 'network', 'areas', 'demand', ...). Default 'auto': the network and supply areas, else the demand cells.
   */
  extent?: string | readonly number[];
  /** Note for the plan document, drawn in the panel. */
  note?: string;
  /** Figure number (図番号), drawn at the top right. */
  figure?: string;
  /** Municipality, drawn under the figure number. */
  municipality?: string;
  /** Draw the base layer (the routed roads, water from the run's inputs); default true. */
  base?: boolean;
  /** A local MBTiles file of raster tiles drawn under the map (engine/export/map/tiles.ts); nothing is fetched. */
  tiles?: string;
  /** Credit line of the tiles where the MBTiles metadata has no attribution. */
  tilesAttribution?: string;
  /** Counted warnings (skipped layers, undrawable features) are added here. */
  warnings?: Warnings;
}

export interface MapResult {
  file: string;
  format: MapFormat;
  /** Wall time of the export (load, layout, render, write), s. */
  seconds: number;
  scale: number;
  /** Scale bar ground length, m, and its drawn length, mm. */
  scaleBarM: number;
  scaleBarMm: number;
  layers: LayerName[];
  skipped: LayerName[];
  widthMm: number;
  heightMm: number;
  /** Whether a font with Japanese glyphs was found (PDF/PNG text in Japanese). */
  cjkFont: boolean;
  lang: Lang;
  /** What the frame holds ('network', 'areas', 'demand', 'extent', ...) and how well it fills the frame (SheetInfo). */
  framed: string[];
  frameFill: { linear: number; area: number };
  /** Files the base layer's water was drawn from, and whether the routed roads were drawn. */
  baseWater: string[];
  baseRoads: boolean;
  warnings: Warnings;
}

export function resolveFormat(format: string | undefined, out: string | undefined): MapFormat {
  const f = (format ?? (out ? extname(out).slice(1) : '') ?? '').toLowerCase() || 'pdf';
  if (f !== 'png' && f !== 'pdf' && f !== 'svg') {
    throw new UsageError('map-format', `unknown map format "${f}"`, { value: f, hint: 'use --format png, pdf or svg (or an --out file ending in one)' });
  }
  return f;
}

function checkOptions(o: MapOptions): void {
  if (o.size !== undefined && o.size !== 'A4' && o.size !== 'A3') throw new UsageError('map-size', `unknown paper size "${o.size}"`, { value: o.size, hint: 'use A4 or A3' });
  if (o.dpi !== undefined && !(Number.isFinite(o.dpi) && o.dpi >= 50 && o.dpi <= 1200)) {
    throw new UsageError('map-dpi', 'dpi must be a number from 50 to 1200', { value: o.dpi });
  }
  if (o.scale !== undefined && !(Number.isFinite(o.scale) && o.scale >= 100)) throw new UsageError('map-scale', 'scale must be a denominator >= 100 (e.g. 5000 for 1:5,000)', { value: o.scale });
  if (o.lang !== undefined && o.lang !== 'ja' && o.lang !== 'en') throw new UsageError('map-lang', `unknown language "${String(o.lang)}"`, { value: o.lang, hint: 'use ja or en' });
  parseExtent(o.extent);
}

/** Japanese text on a PNG or PDF sheet needs a font with Japanese glyphs: without one it would print as boxes. */
function checkFont(format: MapFormat, lang: Lang | undefined): void {
  if (lang === 'ja' && format !== 'svg' && !findFonts().cjk) {
    throw new UsageError('map-no-cjk-font', `a Japanese ${format.toUpperCase()} sheet needs a font with Japanese glyphs, and none was found; no sheet written`, {
      value: lang,
      hint: 'install fonts-ipafont-gothic or fonts-noto-cjk, or set HEATPLAN_CJK_FONT to a .ttf/.otf with Japanese glyphs; or use --format svg or --lang en',
    });
  }
}

/** Load a run and lay out its plan sheet (no rendering): the drawing model and the sheet's facts. */
export async function buildMapSheet(
  runDir: string,
  options: Omit<MapOptions, 'out' | 'format' | 'dpi'> & { widthMm?: number; heightMm?: number; subtitle?: string } = {},
): Promise<{ drawing: Drawing; info: SheetInfo; run: RunLayers; warnings: Warnings; base: { water: string[]; roads: boolean } }> {
  checkOptions(options);
  const warnings = options.warnings ?? new Warnings();
  const explicit = options.layers !== undefined;
  const layers = explicit ? parseLayers(options.layers!) : DEFAULT_LAYERS;
  const run = await loadRunLayers(resolve(runDir), layers, explicit, warnings);
  const data = runExtent(run);
  if (!data) {
    throw new InputError('map-empty', 'nothing to draw: the chosen layers hold no features or non-empty cells', { file: run.dir, value: run.loaded });
  }
  // the frame: what `extent` names (a layer not drawn is read for its box only), else the network and supply areas
  const spec: ExtentSpec = parseExtent(options.extent);
  let framing;
  if (spec.kind === 'layer' && spec.layer !== 'auto' && spec.layer !== 'all' && !run.loaded.includes(spec.layer)) {
    const other = await loadRunLayers(run.dir, [spec.layer], true, new Warnings());
    framing = frameBox(other, spec, data);
  } else framing = frameBox(run, spec, data);
  // the base layer is read for the framed box and a margin around it (the frame's aspect can show more)
  const fbw = framing.box[2] - framing.box[0];
  const fbh = framing.box[3] - framing.box[1];
  const m = Math.max(fbw, fbh) * 1.5;
  const base = options.base === false ? undefined : await loadBaseLayer(run, [framing.box[0] - m, framing.box[1] - m, framing.box[2] + m, framing.box[3] + m], warnings);
  const paper =
    options.widthMm !== undefined && options.heightMm !== undefined
      ? { widthMm: options.widthMm, heightMm: options.heightMm }
      : paperSize(options.size ?? 'A4', options.landscape ?? false);
  let sheetBase = base;
  if (options.tiles !== undefined) {
    // the tile image is resampled for the frame's ground box, at about 4 px per paper mm (at most 4 Mpx)
    const { view, frame } = sheetLayout(run, { ...paper, scale: options.scale, frame: framing });
    const k = view.scale / 1000;
    const box: [number, number, number, number] = [view.cx - (frame.w / 2) * k, view.cy - (frame.h / 2) * k, view.cx + (frame.w / 2) * k, view.cy + (frame.h / 2) * k];
    const ppm = Math.min(4, Math.sqrt(4_000_000 / (frame.w * frame.h)));
    const tiles = await readTileImage(resolve(options.tiles), run.crs, box, Math.round(frame.w * ppm), Math.round(frame.h * ppm), options.tilesAttribution);
    sheetBase = { ...(base ?? { roads: [], waterAreas: [], waterLines: [], waterFiles: [], names: [], nameFiles: [] }), tiles };
  }
  const { drawing, info } = buildSheet(run, {
    ...paper,
    title: options.title,
    subtitle: options.subtitle,
    scale: options.scale,
    cjk: findFonts().cjk !== undefined,
    pipeThresholdKwPerM: options.pipeThresholdKwPerM,
    lang: options.lang,
    frame: framing,
    base: sheetBase,
    figure: options.figure,
    municipality: options.municipality,
    note: options.note,
  });
  return { drawing, info, run, warnings, base: { water: base?.waterFiles ?? [], roads: (base?.roads.length ?? 0) > 0 } };
}

/** Render a drawing in `format`. */
export async function renderDrawing(drawing: Drawing, format: MapFormat, dpi = 300, date?: string): Promise<Buffer> {
  if (format === 'svg') return Buffer.from(renderSvg(drawing), 'utf8');
  // the PDF is dated by the run (or SOURCE_DATE_EPOCH), never the clock: the same run gives the same bytes
  if (format === 'pdf') return (await renderPdf(drawing, { date })).bytes;
  return renderPng(drawing, dpi);
}

/** Export one plan sheet of the run at `runDir` to a PNG, PDF or SVG file. */
export async function exportMap(runDir: string, options: MapOptions = {}): Promise<MapResult> {
  const t0 = performance.now();
  const format = resolveFormat(options.format, options.out);
  const out = resolve(options.out ?? join(runDir, mapFile(format)));
  checkOptions(options);
  checkFont(format, options.lang);
  const { drawing, info, run, warnings, base } = await buildMapSheet(runDir, options);
  const bytes = await renderDrawing(drawing, format, options.dpi ?? 300, run.manifest.updated);
  // write then rename: a reader never sees half a file; a failed write is an OutputError naming `out`
  await writeOutputAtomic(out, bytes);
  return {
    file: out,
    format,
    seconds: (performance.now() - t0) / 1000,
    scale: info.scale,
    scaleBarM: info.scaleBar.lengthM,
    scaleBarMm: info.scaleBar.lengthMm,
    layers: run.loaded,
    skipped: run.skipped.map((s) => s.layer),
    widthMm: drawing.widthMm,
    heightMm: drawing.heightMm,
    cjkFont: findFonts().cjk !== undefined,
    lang: options.lang ?? 'en',
    framed: info.framed.layers,
    frameFill: info.frameFill,
    baseWater: base.water,
    baseRoads: base.roads,
    warnings,
  };
}
