/** The export stage: GIS and spreadsheet outputs of a run folder (GeoPackage with QGIS styles, CSV, MWh/ha raster). */
import { oneOf, path } from './fields.js';
import { defineStage } from './types.js';

export const exportFields = {
  out: path('--out', 'out', 'export folder; default RUN/export', { help: 'output folder (default: RUN/export); an earlier export there is replaced' }),
  lang: oneOf('--lang', ['en', 'ja'] as const, { default: 'en', help: 'language of use names, class labels and README.txt: en or ja' }),
};

export const exportStage = defineStage({
  name: 'export',
  command: 'export',
  description:
    'export a run folder for GIS and spreadsheets: heatplan.gpkg (one layer per kind, QGIS styles), buildings/pipes/areas CSV (UTF-8 with BOM), heat density in MWh/ha',
  runArg: 'positional',
  fields: exportFields,
  async run(runDir, o, ctx) {
    const [{ exportRun }, { Warnings }] = await Promise.all([import('../export/gis.js'), import('../util/warnings.js')]);
    const warnings = new Warnings();
    const r = await exportRun(runDir, { out: o.out, lang: o.lang, warnings });
    for (const w of warnings.list()) ctx.note?.(`warning: ${w.message} (${w.count})`);
    return { ...r, warnings: warnings.list() };
  },
  line: (r) =>
    `wrote ${r.dir} (${r.layers.map((l) => `${l.name} ${l.features}`).join(', ') || 'no layers'}; ${r.csv.map((c) => c.file).join(', ') || 'no CSV'}${r.heatDensity ? '; heat density MWh/ha' : ''}) in ${r.seconds.toFixed(2)} s`,
});
