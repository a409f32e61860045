/**
 * Plan-sheet map exports of a run folder: one drawing model, three back ends (SVG, PDF, PNG). No browser: a batch
 * runner calls `exportMap` in-process for each map.
 */
import { extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeOutputAtomic } from '../io/write.js';
import { Warnings } from '../util/warnings.js';
import { DEFAULT_LAYERS, loadRunLayers, parseLayers, type LayerName, type RunLayers } from './map/load.js';
import { buildSheet, type SheetInfo } from './map/sheet.js';
import { paperSize, type PaperName } from './map/scale.js';
import { findFonts } from './map/fonts.js';
import { renderSvg } from './map/render-svg.js';
import { renderPdf } from './map/render-pdf.js';
import { renderPng } from './map/render-png.js';
import type { Drawing } from './map/model.js';
import { mapFile } from '../run/contract.js';

export { LAYER_NAMES, LAYER_FILES, DEFAULT_LAYERS, parseLayers, type LayerName } from './map/load.js';
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
  /** Force the scale denominator (1:scale); default the smallest of 1, 2, 2.5, 5 x 10^k that fits. */
  scale?: number;
  /** Pipe colour break, kW/m (default: the run's route threshold, else 0.17). */
  pipeThresholdKwPerM?: number;
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
}

/** Load a run and lay out its plan sheet (no rendering): the drawing model and the sheet's facts. */
export async function buildMapSheet(
  runDir: string,
  options: Omit<MapOptions, 'out' | 'format' | 'dpi'> & { widthMm?: number; heightMm?: number; subtitle?: string } = {},
): Promise<{ drawing: Drawing; info: SheetInfo; run: RunLayers; warnings: Warnings }> {
  checkOptions(options);
  const warnings = options.warnings ?? new Warnings();
  const explicit = options.layers !== undefined;
  const layers = explicit ? parseLayers(options.layers!) : DEFAULT_LAYERS;
  const run = await loadRunLayers(resolve(runDir), layers, explicit, warnings);
  const paper =
    options.widthMm !== undefined && options.heightMm !== undefined
      ? { widthMm: options.widthMm, heightMm: options.heightMm }
      : paperSize(options.size ?? 'A4', options.landscape ?? false);
  const { drawing, info } = buildSheet(run, {
    ...paper,
    title: options.title,
    subtitle: options.subtitle,
    scale: options.scale,
    cjk: findFonts().cjk !== undefined,
    pipeThresholdKwPerM: options.pipeThresholdKwPerM,
  });
  return { drawing, info, run, warnings };
}

/** Render a drawing in `format`. */
export async function renderDrawing(drawing: Drawing, format: MapFormat, dpi = 300): Promise<Buffer> {
  if (format === 'svg') return Buffer.from(renderSvg(drawing), 'utf8');
  if (format === 'pdf') return (await renderPdf(drawing)).bytes;
  return renderPng(drawing, dpi);
}

/** Export one plan sheet of the run at `runDir` to a PNG, PDF or SVG file. */
export async function exportMap(runDir: string, options: MapOptions = {}): Promise<MapResult> {
  const t0 = performance.now();
  const format = resolveFormat(options.format, options.out);
  const out = resolve(options.out ?? join(runDir, mapFile(format)));
  const { drawing, info, run, warnings } = await buildMapSheet(runDir, options);
  const bytes = await renderDrawing(drawing, format, options.dpi ?? 300);
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
    warnings,
  };
}
