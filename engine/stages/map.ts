/** The map stage: a plan sheet (PNG, PDF or SVG) of a run folder, drawn without a browser. */
import { bool, num, oneOf, path, str, U, words } from './fields.js';
import { defineStage } from './types.js';
import { parseExtent } from '../export/map/extent-spec.js';

/** The layers a sheet can draw (= LAYER_NAMES of engine/export/map/load.ts, pinned by a test). */
export const MAP_LAYERS = ['demand', 'potential', 'blocks', 'areas', 'buildings', 'network'] as const;

export const mapFields = {
  layers: words('--layers', 'layer names', { help: `comma-separated layers (${MAP_LAYERS.join(', ')}); default demand,areas,buildings,network, skipping missing files` }),
  format: oneOf('--format', ['png', 'pdf', 'svg'] as const, { help: 'png, pdf or svg (default: from out, else pdf)' }),
  out: path('--out', 'out', 'map file; default RUN/map.FORMAT', { help: 'output file (default: RUN/map.<format>)' }),
  title: str('--title', 'a title text', { help: 'sheet title (default: "Heat planning map: <run name>")' }),
  size: oneOf('--size', ['A4', 'A3'] as const, { default: 'A4', upper: true, help: 'paper size A4 or A3' }),
  landscape: bool('--landscape', false, { help: 'landscape orientation (legend at the right)' }),
  dpi: num('--dpi', 'pixels per inch', { int: true, min: 50, max: 1200 }, undefined, { default: 300, help: 'PNG resolution, pixels per inch' }),
  scale: num('--scale', undefined, { positive: true }, 'scale denominator, 5000 for 1:5,000', { help: 'scale denominator, e.g. 5000 for 1:5,000 (default: the smallest of the standard series 1, 2.5, 5 x 10^k that fits)' }),
  pipeThreshold_kW_m: num('--pipe-threshold', U.kWM, { positive: true }, 'pipe colour break', { aliases: ['pipeThreshold'], help: "pipe colour break (default: the run's route threshold, else 0.17)" }),
  lang: oneOf('--lang', ['ja', 'en'] as const, { default: 'en', help: 'language of every label, legend, unit, use name, note and source line (ja: a font with Japanese glyphs is needed for PNG/PDF)' }),
  extent: str('--extent', 'lon1,lat1,lon2,lat2 (degrees) or a layer name', {
    placeholder: 'lon1,lat1,lon2,lat2|layer',
    help: 'what the map frames: a lon/lat box west,south,east,north, or network, areas, demand, buildings, blocks, potential, all (default auto: the network and supply areas, else the demand); outside the data is an error',
  }),
  note: str('--note', 'a note text', { help: 'a note for the plan document, drawn in the panel (注記)' }),
  figure: str('--figure', 'a figure number', { placeholder: 'number', help: 'figure number at the top right, e.g. 3-2 (図番号)' }),
  municipality: str('--municipality', 'a municipality name', { placeholder: 'name', help: 'municipality drawn under the figure number, e.g. 玉名市' }),
  base: bool('--base', true, { help: 'the base layer under the map: the routed roads (roads.geojson) and water from the run\'s river and OSM inputs (--no-base leaves it out)' }),
  tiles: path('--tiles', 'in', 'a local MBTiles file of raster tiles', { help: 'a local MBTiles file of raster tiles (PNG/JPEG/WebP, Web Mercator) drawn under the map; nothing is fetched' }),
  tilesAttribution: str('--tiles-attribution', 'a credit text', { placeholder: 'text', help: 'credit line of the tiles where the MBTiles metadata names none, e.g. 地理院タイル' }),
};

export const map = defineStage({
  name: 'map',
  command: 'export-map',
  description: 'export a plan sheet of a run folder: title, legend with units, scale bar, north arrow, CRS note, attribution',
  runArg: 'positional',
  fields: mapFields,
  check(o) {
    if (o.extent !== undefined) parseExtent(o.extent);
  },
  async run(runDir, o, ctx) {
    const [{ exportMap, parseLayers }, { Warnings }] = await Promise.all([import('../export/map.js'), import('../util/warnings.js')]);
    const warnings = new Warnings();
    const r = await exportMap(runDir, {
      layers: o.layers !== undefined ? parseLayers(o.layers) : undefined,
      format: o.format,
      out: o.out,
      title: o.title,
      size: o.size,
      landscape: o.landscape,
      dpi: o.dpi,
      scale: o.scale,
      pipeThresholdKwPerM: o.pipeThreshold_kW_m,
      lang: o.lang,
      extent: o.extent,
      note: o.note,
      figure: o.figure,
      municipality: o.municipality,
      base: o.base,
      tiles: o.tiles,
      tilesAttribution: o.tilesAttribution,
      warnings,
    });
    for (const w of warnings.list()) {
      for (const ex of w.examples) ctx.note?.(`warning: ${ex.message}${ex.file ? ` (${ex.file}${ex.record !== undefined ? `: record ${ex.record}` : ''})` : ''}`);
      if (w.count > w.examples.length) ctx.note?.(`warning: ${w.message} (${w.count} in all)`);
    }
    if (!r.cjkFont && r.format !== 'svg') ctx.note?.('note: no font with Japanese glyphs found (install fonts-ipafont-gothic or fonts-noto-cjk); attribution kept in ASCII');
    const { warnings: w, ...rest } = r;
    return { ...rest, warnings: w.list() };
  },
  line: (r) =>
    `wrote ${r.file} (${r.format}, ${r.widthMm}x${r.heightMm} mm, 1:${r.scale.toLocaleString('en-US')}, layers ${r.layers.join(',') || 'none'}; ` +
    `frames ${r.framed.join('+')}, fills ${Math.round(100 * r.frameFill.linear)} % of the frame) in ${r.seconds.toFixed(2)} s`,
});
