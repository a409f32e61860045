/**
 * `heatplan export-map DIR`: a plan sheet (PNG, PDF or SVG) of a run folder, drawn without a browser.
 */
import type { Command } from 'commander';
import { exportMap, LAYER_NAMES, parseLayers } from '../export/map.js';
import { UsageError } from '../errors.js';
import { Warnings } from '../util/warnings.js';
import { info } from '../util/progress.js';
import { parseInteger, parsePositive, printJson } from './common.js';

export function register(program: Command): void {
  program
    .command('export-map')
    .description('export a plan sheet of a run folder: title, legend with units, scale bar, north arrow, CRS note, attribution')
    .argument('<dir>', 'run folder')
    .option('--layers <list>', `comma-separated layers (${LAYER_NAMES.join(', ')}); default demand,areas,buildings,network, skipping missing files`)
    .option('--format <fmt>', 'png, pdf or svg (default: from --out, else pdf)')
    .option('--out <file>', 'output file (default: DIR/map.<format>)')
    .option('--title <text>', 'sheet title (default: "Heat planning map: <run name>")')
    .option('--size <paper>', 'paper size A4 or A3', 'A4')
    .option('--landscape', 'landscape orientation (legend at the right)', false)
    .option('--dpi <n>', 'PNG resolution, pixels per inch', parseInteger('--dpi', 50, 1200), 300)
    .option('--scale <n>', 'scale denominator, e.g. 5000 for 1:5,000 (default: the smallest 1/2/2.5/5 x 10^k that fits)', parsePositive('--scale'))
    .option('--pipe-threshold <kW/m>', "pipe colour break (default: the run's route threshold, else 0.17)", parsePositive('--pipe-threshold'))
    .option('--json', 'print the export facts as JSON on stdout', false)
    .option('--quiet', 'no messages on stderr', false)
    .action(async (dir: string, opts) => {
      const size = String(opts.size).toUpperCase();
      if (size !== 'A4' && size !== 'A3') throw new UsageError('map-size', `unknown paper size "${opts.size}"`, { value: opts.size, hint: 'use A4 or A3' });
      const warnings = new Warnings();
      const r = await exportMap(dir, {
        layers: opts.layers !== undefined ? parseLayers(opts.layers) : undefined,
        format: opts.format,
        out: opts.out,
        title: opts.title,
        size,
        landscape: opts.landscape,
        dpi: opts.dpi,
        scale: opts.scale,
        pipeThresholdKwPerM: opts.pipeThreshold,
        warnings,
      });
      for (const w of warnings.list()) {
        for (const ex of w.examples) info(`heatplan export-map: warning: ${ex.message}${ex.file ? ` (${ex.file}${ex.record !== undefined ? `: record ${ex.record}` : ''})` : ''}`, opts.quiet);
        if (w.count > w.examples.length) info(`heatplan export-map: warning: ${w.message} (${w.count} in all)`, opts.quiet);
      }
      if (!r.cjkFont && r.format !== 'svg') {
        info('heatplan export-map: note: no font with Japanese glyphs found (install fonts-ipafont-gothic or fonts-noto-cjk); attribution kept in ASCII', opts.quiet);
      }
      info(
        `heatplan export-map: wrote ${r.file} (${r.format}, ${r.widthMm}x${r.heightMm} mm, 1:${r.scale.toLocaleString('en-US')}, ` +
          `layers ${r.layers.join(',') || 'none'}) in ${r.seconds.toFixed(2)} s`,
        opts.quiet,
      );
      if (opts.json) {
        const { warnings: w, ...rest } = r;
        printJson({ ...rest, warnings: w.list() });
      }
    });
}
