/** The report stage: report.html in a run folder (summaries, warnings, inputs, small maps and charts). */
import { bool, oneOf, path } from './fields.js';
import { defineStage } from './types.js';

export const reportFields = {
  out: path('--out', 'out', 'report file; default RUN/report.html', { help: 'output file (default: RUN/report.html)' }),
  maps: bool('--maps', true, { help: 'small maps in the report (--no-maps leaves them out: faster for very large runs)' }),
  lang: oneOf('--lang', ['en', 'ja'] as const, { default: 'en', help: 'language of headings, key figures, use names and warning titles: en or ja' }),
};

export const report = defineStage({
  name: 'report',
  command: 'report',
  description: 'write report.html in a run folder: stage summaries, warnings, inputs, small maps and charts',
  runArg: 'positional',
  fields: reportFields,
  async run(runDir, o, ctx) {
    const { writeReport } = await import('../export/report.js');
    const r = await writeReport(runDir, { out: o.out, maps: o.maps, lang: o.lang });
    if (r.missing.length) ctx.note?.(`note: run files not present: ${r.missing.join(', ')}`);
    return r;
  },
  line: (r) => `wrote ${r.file} (${r.maps} maps, ${r.charts} charts) in ${r.seconds.toFixed(2)} s`,
});
