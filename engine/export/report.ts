/**
 * report.html: a self-contained summary of a run folder a planner can hand on. Inline CSS and inline SVG only (maps
 * from the plan-sheet drawing model, charts), no external resources; every text from the run is escaped.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { featuresOfKind, FILES, manifestEntry, routeThresholdKwPerM, STAGE_KEYS, type Manifest, type WarningSummary } from '../run/contract.js';
import { hasRunFile, readBuildings, readHourly, readNetwork, readRun } from '../run/read.js';
import { staleList } from '../io/run-folder.js';
import { writeOutputAtomic } from '../io/write.js';
import { Warnings } from '../util/warnings.js';
import { VERSION } from '../version.js';
import { buildMapSheet } from './map.js';
import type { LayerName } from './map/load.js';
import { renderSvg, escapeXml } from './map/render-svg.js';
import { barChartSvg, lineChartSvg, type Bar } from './map/charts.js';
import { classIndex, pipeKwPerMScale, useColor, useLabel } from '../style/palette.js';
import { attributionLines } from './map/furniture.js';

export interface ReportOptions {
  /** Output file (default `<runDir>/report.html`). */
  out?: string;
  /** Include the small maps (default true). */
  maps?: boolean;
  warnings?: Warnings;
}

export interface ReportResult {
  file: string;
  seconds: number;
  /** Run files the report looked for and did not find. */
  missing: string[];
  maps: number;
  charts: number;
}

/** Files of a run folder the report lists (the stages' outputs; roads.geojson and the exports are not listed). */
export const RUN_FILES: string[] = [FILES.manifest, FILES.demand, FILES.blocks, FILES.buildings, FILES.potential, FILES.areas, FILES.network, FILES.sim, FILES.hourly];

/** Stages whose summaries get their own section, in pipeline order; other manifest entries follow. */
const STAGE_ORDER: readonly string[] = STAGE_KEYS;
/** Manifest entries shown in the report's head and inputs table, not as sections (manifest.scenarios gets one). */
const MANIFEST_CORE = new Set(['heatplan', 'created', 'updated', 'crs', 'inputs', 'stages', 'stale']);

const esc = (v: unknown): string => escapeXml(String(v));

function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 4;
  return v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function fmtScalar(v: unknown): string {
  if (v === null || v === undefined) return '<span class="muted">–</span>';
  if (typeof v === 'number') return `<span class="num">${esc(fmtNumber(v))}</span>`;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return esc(v);
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Any JSON value as HTML: objects as key/value tables, arrays of objects as tables, nested to `depth`. */
export function valueHtml(v: unknown, depth = 0): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '<span class="muted">none</span>';
    if (v.every((x) => !isObj(x) && !Array.isArray(x))) {
      return v.length > 24 ? `${v.slice(0, 24).map(fmtScalar).join(', ')}, … (${v.length} values)` : v.map(fmtScalar).join(', ');
    }
    if (v.every(isObj)) {
      const keys = [...new Set(v.flatMap((o) => Object.keys(o as object)))];
      const rows = v.slice(0, 100);
      return (
        `<table><thead><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr></thead><tbody>` +
        rows.map((o) => `<tr>${keys.map((k) => `<td>${depth < 3 ? valueHtml((o as Record<string, unknown>)[k], depth + 1) : esc(JSON.stringify((o as Record<string, unknown>)[k]))}</td>`).join('')}</tr>`).join('') +
        `</tbody></table>${v.length > rows.length ? `<p class="muted">${v.length - rows.length} more rows in manifest.json</p>` : ''}`
      );
    }
    return esc(JSON.stringify(v));
  }
  if (isObj(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '<span class="muted">none</span>';
    if (depth >= 3) return esc(JSON.stringify(v));
    return `<table class="kv"><tbody>${entries.map(([k, x]) => `<tr><th>${esc(k)}</th><td>${valueHtml(x, depth + 1)}</td></tr>`).join('')}</tbody></table>`;
  }
  return fmtScalar(v);
}

/**
 * Warnings of a stage summary as table rows: its warningDetails list (code, count, message, examples), or, for
 * stages that record counts only (route, sim), its warnings counts.
 */
function warningsHtml(stage: string, details: unknown, counts: unknown): string {
  const list: Partial<WarningSummary>[] = Array.isArray(details)
    ? details.filter(isObj)
    : isObj(counts)
      ? Object.entries(counts).map(([code, count]) => ({ code, count: count as number }))
      : [];
  if (list.length === 0) return '';
  const rows = list
    .map((x) => {
      const ex = Array.isArray(x.examples) ? x.examples.filter(isObj).map((e) => [e.file, e.record !== undefined ? `record ${e.record}` : '', e.message].filter(Boolean).join(': ')) : [];
      return `<tr><td>${esc(stage)}</td><td>${esc(x.code ?? '')}</td><td class="num">${fmtScalar(x.count)}</td><td>${esc(x.message ?? '')}${ex.length ? `<ul>${ex.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}</td></tr>`;
    })
    .join('');
  return rows;
}

/** Demand by use from buildings.geojson (MWh/a). */
async function demandByUse(dir: string): Promise<Bar[] | undefined> {
  if (!hasRunFile(dir, 'buildings')) return undefined;
  const fc = await readBuildings(dir);
  if (!fc.features.length) return undefined;
  const sum = new Map<string, number>();
  for (const f of fc.features) {
    const use = String(f.properties.use ?? 'unknown');
    const h = Number(f.properties.heat_MWh);
    if (Number.isFinite(h)) sum.set(use, (sum.get(use) ?? 0) + h);
  }
  if (sum.size === 0) return undefined;
  return [...sum.entries()].sort((a, b) => b[1] - a[1]).map(([use, v]) => ({ label: useLabel(use), value: v, color: useColor(use) }));
}

/** Pipe length by kW/m class from network.geojson (m of trench). */
async function pipeLengthByClass(dir: string, thresholdKwPerM: number): Promise<Bar[] | undefined> {
  const pipes = featuresOfKind(await readNetwork(dir), 'pipe');
  if (pipes.length === 0) return undefined;
  const s = pipeKwPerMScale(thresholdKwPerM);
  const len = s.classes.map(() => 0);
  for (const f of pipes) {
    const i = classIndex(s, Number(f.properties.kw_per_m));
    const l = Number(f.properties.length_m);
    if (i >= 0 && Number.isFinite(l)) len[i] += l;
  }
  return s.classes.map((c, i) => ({ label: `${c.label} kW/m`, value: len[i]!, color: c.color }));
}

/** Daily means of hourly.csv's series columns (every column but the contract's time and weather columns). */
async function hourlyDaily(dir: string): Promise<{ series: { name: string; values: Float64Array }[]; hours: number } | undefined> {
  if (!hasRunFile(dir, 'hourly')) return undefined;
  const h = await readHourly(dir);
  if (h.hours < 24) return undefined;
  const first = Math.min(48, h.hours);
  const cols = h.columns.filter((c) => c.kind !== 'time' && c.kind !== 'weather' && c.values.subarray(0, first).every(Number.isFinite));
  if (cols.length === 0) return undefined;
  const days = Math.ceil(h.hours / 24);
  const series = cols.slice(0, 7).map((c) => {
    const v = new Float64Array(days);
    const n = new Float64Array(days);
    c.values.forEach((x, i) => {
      if (Number.isFinite(x)) {
        v[Math.floor(i / 24)] += x;
        n[Math.floor(i / 24)]++;
      }
    });
    for (let d = 0; d < days; d++) v[d] = n[d]! > 0 ? v[d]! / n[d]! : NaN;
    return { name: c.name, values: v };
  });
  return { series, hours: h.hours };
}

const CSS = `
body{font-family:"DejaVu Sans",Arial,"IPAPGothic","Noto Sans CJK JP",sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4;padding:0 1em}
h1{font-size:1.6em;border-bottom:2px solid #222;padding-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.4em 0;font-size:.9em}th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top;text-align:left}
th{background:#f0f0f0;font-weight:600}table.kv>tbody>tr>th{width:14em}td.num,span.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#777}.missing{color:#b00020;font-weight:600}.ok{color:#1b7a1b}figure{margin:1em 0;border:1px solid #ccc;padding:.5em}
figcaption{font-size:.85em;color:#444}code{font-size:.9em;word-break:break-all}ul{margin:.2em 0;padding-left:1.2em}
@media print{body{margin:0;max-width:none}figure{break-inside:avoid}}
`;

/** Build the report's HTML for the run at `runDir`. */
export async function buildReportHtml(runDir: string, opts: ReportOptions = {}): Promise<{ html: string; missing: string[]; maps: number; charts: number }> {
  const dir = resolve(runDir);
  const manifest: Manifest = (await readRun(dir)).manifest;
  const warnings = opts.warnings ?? new Warnings();
  const name = basename(dir);
  const parts: string[] = [];
  const missing = RUN_FILES.filter((f) => !existsSync(join(dir, f)));
  let maps = 0;
  let charts = 0;

  parts.push(`<h1>heatplan report: ${esc(name)}</h1>`);
  parts.push(
    valueHtml({
      'Run folder': dir,
      'heatplan version (run)': manifest.heatplan?.version,
      'heatplan version (report)': VERSION,
      Created: manifest.created,
      Updated: manifest.updated,
      'Stages completed': Array.isArray(manifest.stages) ? manifest.stages.join(', ') : undefined,
      'Working CRS': manifest.crs ? `${manifest.crs.name} (${manifest.crs.code})` : undefined,
      'Why this CRS': manifest.crs?.reason,
    }),
  );

  // one line per stale stage (manifest.stale; the report being written is not stale)
  const stale = staleList(manifest, dir).filter((x) => x.stage !== 'report');
  for (const x of stale) {
    parts.push(`<p class="missing stale">stale: rerun ${esc(x.rerun.replace(/^heatplan /, ''))} (<code>${esc(x.rerun)}</code>): ${esc(x.stage)} predates the ${esc(x.since)} re-run of ${esc(x.at)}</p>`);
  }

  parts.push('<h2>Run files</h2><table><thead><tr><th>File</th><th>Status</th><th>Bytes</th></tr></thead><tbody>');
  for (const f of RUN_FILES) {
    const p = join(dir, f);
    const ok = existsSync(p);
    parts.push(`<tr><td><code>${esc(f)}</code></td><td class="${ok ? 'ok' : 'missing'}">${ok ? 'present' : 'missing'}</td><td class="num">${ok ? esc(fmtNumber(statSync(p).size)) : ''}</td></tr>`);
  }
  parts.push('</tbody></table>');
  if (missing.length) parts.push(`<p class="muted">Missing files: the stages that write them have not run on this folder (${esc(missing.join(', '))}).</p>`);

  if (opts.maps !== false) {
    const figures: { title: string; layers: LayerName[] }[] = [
      { title: 'Heat demand density, supply areas and buildings', layers: ['demand', 'areas', 'buildings'] },
      { title: 'Network: pipes by heat-supply density, consumers and plants', layers: ['areas', 'network'] },
      { title: 'Heat-source potential', layers: ['potential', 'areas'] },
    ];
    const mapHtml: string[] = [];
    for (const fig of figures) {
      const layers = fig.layers.filter((l) => hasRunFile(dir, l));
      if (!layers.includes(fig.layers[0]!)) continue;
      try {
        const { drawing } = await buildMapSheet(dir, { layers, widthMm: 270, heightMm: 180, title: fig.title, subtitle: `Run ${name}`, warnings });
        mapHtml.push(`<figure>${renderSvg(drawing, { fluid: true, idPrefix: `m${maps}-` })}<figcaption>${esc(fig.title)} (layers: ${esc(layers.join(', '))})</figcaption></figure>`);
        maps++;
      } catch (e) {
        mapHtml.push(`<p class="missing">Map "${esc(fig.title)}" could not be drawn: ${esc((e as Error).message)}</p>`);
      }
    }
    if (mapHtml.length) parts.push('<h2>Maps</h2>', ...mapHtml);
  }

  const chartHtml: string[] = [];
  // a chart whose file cannot be read is reported in the page, like a map: the rest of the report still stands
  const chart = async (title: string, make: () => Promise<string | undefined>) => {
    try {
      const svg = await make();
      if (svg === undefined) return;
      chartHtml.push(`<figure>${svg}</figure>`);
      charts++;
    } catch (e) {
      chartHtml.push(`<p class="missing">Chart "${esc(title)}" could not be drawn: ${esc((e as Error).message)}</p>`);
    }
  };
  await chart('Annual heat demand by building use', async () => {
    const byUse = await demandByUse(dir);
    return byUse && barChartSvg(byUse, { title: 'Annual heat demand by building use', unit: 'MWh/a' });
  });
  if (hasRunFile(dir, 'network')) {
    // the kW/m threshold the route stage pruned with (manifest.route.thresholds.minKwPerM), else seed 003's 0.17
    const t = routeThresholdKwPerM(manifest) ?? 0.17;
    await chart('Pipe route length by heat-supply density', async () => {
      const pipes = await pipeLengthByClass(dir, t);
      return pipes && barChartSvg(pipes, { title: `Pipe route length by heat-supply density (threshold ${t} kW/m)`, unit: 'm' });
    });
  }
  await chart('Hourly simulation', async () => {
    const hourly = await hourlyDaily(dir);
    return (
      hourly &&
      lineChartSvg(hourly.series, { title: 'Hourly simulation, daily means of hourly.csv columns', unit: 'as in hourly.csv', xLabel: `day of the year (${hourly.hours} h)` })
    );
  });
  if (chartHtml.length) parts.push('<h2>Charts</h2>', ...chartHtml);

  const stages = [...new Set([...STAGE_ORDER.filter((s) => s in manifest), ...(Array.isArray(manifest.stages) ? manifest.stages : []), ...Object.keys(manifest).filter((k) => !MANIFEST_CORE.has(k))])].filter(
    (s) => manifestEntry(manifest, s) !== undefined,
  );
  const warnRows: string[] = [];
  for (const s of stages) {
    const summary = manifestEntry(manifest, s);
    parts.push(`<h2>Stage: ${esc(s)}${stale.some((x) => x.stage === s) ? ' (stale)' : ''}</h2>`);
    if (isObj(summary)) {
      // warnings and warningDetails go to the warnings table below
      const { warnings: w, warningDetails: wd, ...rest } = summary;
      parts.push(valueHtml(rest));
      const rows = warningsHtml(s, wd, w);
      if (rows) warnRows.push(rows);
    } else parts.push(valueHtml(summary));
  }
  parts.push('<h2>Warnings and dropped records</h2>');
  parts.push(
    warnRows.length
      ? `<table><thead><tr><th>Stage</th><th>Code</th><th>Count</th><th>Reason and first examples</th></tr></thead><tbody>${warnRows.join('')}</tbody></table>`
      : '<p class="muted">No warnings recorded in the stage summaries.</p>',
  );
  for (const w of warnings.list()) parts.push(`<p class="muted">Report: ${esc(w.message)} (${w.count})</p>`);

  parts.push('<h2>Inputs</h2>');
  const inputs = Array.isArray(manifest.inputs) ? manifest.inputs : [];
  parts.push(
    inputs.length
      ? `<table><thead><tr><th>Role</th><th>Path</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>${inputs
          .map((r) => `<tr><td>${esc(r.role)}</td><td><code>${esc(r.path)}</code></td><td class="num">${fmtScalar(r.bytes)}</td><td><code>${esc(r.sha256)}</code></td></tr>`)
          .join('')}</tbody></table>`
      : '<p class="muted">No inputs recorded.</p>',
  );
  const attribution = attributionLines(manifest, true);
  parts.push('<h2>Data sources</h2>', attribution.length ? `<ul>${attribution.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : '<p class="muted">None recorded.</p>');
  parts.push(`<p class="muted">Written by heatplan ${esc(VERSION)} on ${esc(new Date().toISOString())}.</p>`);

  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>heatplan report: ${esc(name)}</title><style>${CSS}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
  return { html, missing, maps, charts };
}

/** Write `report.html` (or `opts.out`) for the run at `runDir`. */
export async function writeReport(runDir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const t0 = performance.now();
  const { html, missing, maps, charts } = await buildReportHtml(runDir, opts);
  const out = resolve(opts.out ?? join(runDir, FILES.report));
  // through a temporary file renamed into place; a failed write is an OutputError naming `out`
  await writeOutputAtomic(out, html);
  return { file: out, seconds: (performance.now() - t0) / 1000, missing, maps, charts };
}
