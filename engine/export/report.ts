/**
 * report.html: a self-contained summary of a run folder a planner can hand on. Inline CSS and inline SVG only (maps
 * from the plan-sheet drawing model, charts), no external resources; every text from the run is escaped.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { featuresOfKind, FILES, manifestEntry, routeThresholdKwPerM, STAGE_KEYS, type Manifest } from '../run/contract.js';
import { hasRunFile, readBuildings, readNetwork, readRun } from '../run/read.js';
import { staleList } from '../io/run-folder.js';
import { writeOutputAtomic } from '../io/write.js';
import { Warnings } from '../util/warnings.js';
import { VERSION } from '../version.js';
import { buildMapSheet } from './map.js';
import type { LayerName } from './map/load.js';
import { renderSvg, escapeXml } from './map/render-svg.js';
import { barChartSvg, type Bar } from './map/charts.js';
import { classIndex, pipeKwPerMScale, useColor, useLabel } from '../style/palette.js';
import { attributionLines } from './map/furniture.js';
import { useName, words, type Lang } from './i18n.js';
import { collectWarnings, hourlyChartsSvg, keyFiguresHtml, warningsTableHtml } from './report-summary.js';
import { costSectionHtml } from './report-cost.js';
import { simSectionHtml } from './report-sim.js';
import { platformSectionHtml } from './report-platform.js';

export interface ReportOptions {
  /** Output file (default `<runDir>/report.html`). */
  out?: string;
  /** Include the small maps (default true). */
  maps?: boolean;
  warnings?: Warnings;
  /** Language of the headings, key figures, use names and warning titles (default 'en'). */
  lang?: Lang;
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
export const RUN_FILES: string[] = [FILES.manifest, FILES.demand, FILES.blocks, FILES.buildingsFgb, FILES.buildings, FILES.potential, FILES.areas, FILES.networkFgb, FILES.network, FILES.sim, FILES.hourly];

/** The other form of a large vector layer (buildings.fgb <-> buildings.geojson): one of the two is enough (issue 18). */
const LAYER_TWIN: Record<string, string> = { [FILES.buildingsFgb]: FILES.buildings, [FILES.buildings]: FILES.buildingsFgb, [FILES.networkFgb]: FILES.network, [FILES.network]: FILES.networkFgb };

/** Stages whose summaries get their own section, in pipeline order; other manifest entries follow. */
const STAGE_ORDER: readonly string[] = STAGE_KEYS;
/** Manifest entries shown in the report's head and inputs table, not as sections (manifest.scenarios gets one). */
const MANIFEST_CORE = new Set(['heatplan', 'created', 'updated', 'crs', 'inputs', 'stages', 'stale']);

const esc = (v: unknown): string => escapeXml(String(v));

/**
 * SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) as a Date, when set and valid. The report
 * names no other time: the same run gives the same bytes (the run's and its stages' times are in manifest.json).
 */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const v = env.SOURCE_DATE_EPOCH?.trim();
  if (!v || !/^\d+$/.test(v)) return undefined;
  const d = new Date(Number(v) * 1000);
  return Number.isFinite(d.getTime()) ? d : undefined;
}

/** Manifest keys that hold wall-clock times or durations: in manifest.json only, not in the report. */
const TIME_KEYS = new Set(['created', 'updated', 'finished', 'started', 'seconds']);

/**
 * A manifest value as the report shows it: without times and durations, and with the run folder's absolute path
 * replaced by the run's name (so the same run gives the same report wherever it lies).
 */
function reportValue(v: unknown, dir: string, name: string): unknown {
  if (typeof v === 'string') return v.includes(dir) ? v.split(dir).join(name) : v;
  if (Array.isArray(v)) return v.map((x) => reportValue(x, dir, name));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !TIME_KEYS.has(k)).map(([k, x]) => [k, reportValue(x, dir, name)]));
  return v;
}

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

const isScalar = (v: unknown): boolean => !isObj(v) && !Array.isArray(v);

/**
 * An object of flat records (intensities by use, counts by use and rule) as one table, records as rows or, when
 * they have more fields than there are records, as columns: a page where a key/value table of JSON strings took
 * one page per record. Text fields longer than a short label (sources, notes) are left to manifest.json and named
 * under the table. Undefined when the shape does not fit (at most 14 columns).
 */
function gridHtml(entries: [string, unknown][]): string | undefined {
  if (entries.length < 2 || !entries.every(([, x]) => isObj(x) && Object.values(x).every(isScalar))) return undefined;
  const all = [...new Set(entries.flatMap(([, x]) => Object.keys(x as object)))];
  const long = all.filter((f) => entries.some(([, x]) => typeof (x as Record<string, unknown>)[f] === 'string' && String((x as Record<string, unknown>)[f]).length > 40));
  const fields = all.filter((f) => !long.includes(f));
  if (fields.length === 0) return undefined;
  const byRecord = fields.length <= entries.length;
  const cols = byRecord ? fields : entries.map(([k]) => k);
  if (cols.length > 14) return undefined;
  const rows = byRecord ? entries.map(([k]) => k) : fields;
  const cell = (r: string, c: string) => fmtScalar(((byRecord ? v0(entries, r) : v0(entries, c)) as Record<string, unknown>)[byRecord ? c : r]);
  return (
    `<table class="grid"><thead><tr><th></th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr><th>${esc(r)}</th>${cols.map((c) => `<td>${cell(r, c)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>' +
    (long.length ? `<p class="muted">text fields in manifest.json: ${long.map(esc).join(', ')}</p>` : '')
  );
}
const v0 = (entries: [string, unknown][], k: string): unknown => entries.find(([e]) => e === k)?.[1] ?? {};

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
    const grid = gridHtml(entries);
    if (grid) return grid;
    if (depth >= 3) return esc(JSON.stringify(v));
    // a table of records takes the row's whole width under its key, not the value column beside it
    return `<table class="kv"><tbody>${entries
      .map(([k, x]) => {
        const g = isObj(x) ? gridHtml(Object.entries(x)) : undefined;
        return g ? `<tr><th colspan="2">${esc(k)}</th></tr><tr><td colspan="2">${g}</td></tr>` : `<tr><th>${esc(k)}</th><td>${valueHtml(x, depth + 1)}</td></tr>`;
      })
      .join('')}</tbody></table>`;
  }
  return fmtScalar(v);
}

/** Demand by use from buildings.geojson (MWh/a). */
async function demandByUse(dir: string, lang: Lang = 'en'): Promise<Bar[] | undefined> {
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
  return [...sum.entries()].sort((a, b) => b[1] - a[1]).map(([use, v]) => ({ label: lang === 'en' ? useLabel(use) : useName(use, lang), value: v, color: useColor(use) }));
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

const CSS = `
body{font-family:"DejaVu Sans",Arial,"IPAPGothic","Noto Sans CJK JP",sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4;padding:0 1em}
h1{font-size:1.6em;border-bottom:2px solid #222;padding-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.4em 0;font-size:.9em}th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top;text-align:left}
th{background:#f0f0f0;font-weight:600}table.kv>tbody>tr>th{width:14em}td.num,span.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#777}.missing{color:#b00020;font-weight:600}.ok{color:#1b7a1b}figure{margin:1em 0;border:1px solid #ccc;padding:.5em}
figcaption{font-size:.85em;color:#444}code{font-size:.9em;word-break:break-all}ul{margin:.2em 0;padding-left:1.2em}
h3{font-size:1em;margin:.2em 0}.kf-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:.6em 1.2em;align-items:start}
.kf{break-inside:avoid}table.figures{width:100%}table.figures th{width:48%;font-weight:normal;background:#f7f7f7}table.figures td.note{color:#555;font-size:.92em}
table.checks th{width:auto}table.warnings{width:100%}table.warnings td:nth-child(4){word-break:break-word}ul.examples{font-size:.88em;color:#444}
figure svg{max-width:100%;height:auto}.detail{margin-top:2.5em;border-top:3px double #999}.detail h2{font-size:1.1em}.detail table{font-size:.82em}
td,th{overflow-wrap:anywhere}td.num,table.warnings td:first-child,table.warnings th{white-space:nowrap;overflow-wrap:normal}p.meta{color:#444;margin:.2em 0 .8em}
@page{size:A4 portrait;margin:14mm 12mm 15mm 12mm;@bottom-right{content:counter(page) " / " counter(pages);font-size:8pt;color:#666}}
@media print{body{margin:0;padding:0;max-width:none;font-size:9pt}h1{font-size:15pt;margin-top:0}h2{font-size:12pt;break-after:avoid}h3{break-after:avoid}
figure{break-inside:avoid;margin:.5em 0;padding:.2em}figure svg{max-height:205mm}figure.map svg{height:112mm}tr{break-inside:avoid}thead{display:table-header-group}
.kf-grid{display:block}.kf{margin-bottom:.5em}.detail{break-before:page;border-top:none;margin-top:0}table{font-size:8.5pt}.detail table{font-size:7.5pt}}
`;

/** Build the report's HTML for the run at `runDir`. */
export async function buildReportHtml(runDir: string, opts: ReportOptions = {}): Promise<{ html: string; missing: string[]; maps: number; charts: number }> {
  const dir = resolve(runDir);
  const manifest: Manifest = (await readRun(dir)).manifest;
  const warnings = opts.warnings ?? new Warnings();
  const lang: Lang = opts.lang ?? 'en';
  const w = words(lang);
  const name = basename(dir);
  const parts: string[] = [];
  const missing = RUN_FILES.filter((f) => !existsSync(join(dir, f)) && !(LAYER_TWIN[f] && existsSync(join(dir, LAYER_TWIN[f]!))));
  let maps = 0;
  let charts = 0;

  parts.push(`<h1>${esc(w.reportTitle)}: ${esc(name)}</h1>`);
  const ja = lang === 'ja';
  const crsText = manifest.crs ? `${manifest.crs.name} (${manifest.crs.code})` : undefined;
  parts.push(
    `<p class="meta">${[`${ja ? 'ランフォルダ' : 'Run folder'} <code>${esc(name)}</code>`, Array.isArray(manifest.stages) && manifest.stages.length ? `${ja ? '段階' : 'stages'}: ${esc(manifest.stages.join(', '))}` : '', crsText ? esc(crsText) : ''].filter(Boolean).join(' · ')}</p>`,
  );
  const metaTable =
    valueHtml({
      [ja ? 'ランフォルダ' : 'Run folder']: name,
      [ja ? 'heatplan 版（ラン）' : 'heatplan version (run)']: manifest.heatplan?.version,
      [ja ? 'heatplan 版（報告書）' : 'heatplan version (report)']: VERSION,
      [ja ? '実行した段階' : 'Stages completed']: Array.isArray(manifest.stages) ? manifest.stages.join(', ') : undefined,
      [ja ? '座標参照系' : 'Working CRS']: manifest.crs ? `${manifest.crs.name} (${manifest.crs.code})` : undefined,
      [ja ? '座標参照系の選定理由' : 'Why this CRS']: manifest.crs?.reason,
    });

  // one line per stale stage (manifest.stale; the report being written is not stale)
  const stale = staleList(manifest, dir).filter((x) => x.stage !== 'report');
  for (const x of stale) {
    parts.push(`<p class="missing stale">stale: rerun ${esc(x.rerun.replace(/^heatplan /, ''))} (<code>${esc(x.rerun)}</code>): ${esc(x.stage)} predates the ${esc(x.since)} re-run of ${esc(x.at)}</p>`);
  }

  // key figures first, then every warning, then maps and charts, then the detail
  parts.push(keyFiguresHtml(manifest, lang), simSectionHtml(dir, manifest, lang), costSectionHtml(dir, manifest, lang), platformSectionHtml(dir, manifest, lang));
  const warningsAt = parts.push('') - 1;

  const detail: string[] = [metaTable, `<h2>${esc(w.runFiles)}</h2><table><thead><tr><th>${esc(w.file)}</th><th>${esc(w.status)}</th><th>${esc(w.bytes)}</th></tr></thead><tbody>`];
  for (const f of RUN_FILES) {
    const p = join(dir, f);
    const ok = existsSync(p);
    // manifest.json's size varies with its times and paths: not shown, so the same run gives the same report
    const size = ok && f !== FILES.manifest ? esc(fmtNumber(statSync(p).size)) : '';
    detail.push(`<tr><td><code>${esc(f)}</code></td><td class="${ok ? 'ok' : 'missing'}">${ok ? (ja ? esc(w.present) : 'present') : ja ? esc(w.missing) : 'missing'}</td><td class="num">${size}</td></tr>`);
  }
  detail.push('</tbody></table>');
  if (missing.length) detail.push(`<p class="muted">Missing files: the stages that write them have not run on this folder (${esc(missing.join(', '))}).</p>`);

  if (opts.maps !== false) {
    const figures: { title: string; layers: LayerName[] }[] = [
      { title: w.mapDemand, layers: ['demand', 'areas', 'buildings'] },
      { title: w.mapNetwork, layers: ['areas', 'network'] },
      { title: w.mapPotential, layers: ['potential', 'areas'] },
    ];
    const mapHtml: string[] = [];
    for (const fig of figures) {
      const layers = fig.layers.filter((l) => hasRunFile(dir, l));
      if (!layers.includes(fig.layers[0]!)) continue;
      try {
        const { drawing } = await buildMapSheet(dir, { layers, widthMm: 270, heightMm: 180, title: fig.title, subtitle: `Run ${name}`, warnings });
        mapHtml.push(`<figure class="map">${renderSvg(drawing, { fluid: true, idPrefix: `m${maps}-` })}<figcaption>${esc(fig.title)} (layers: ${esc(layers.join(', '))})</figcaption></figure>`);
        maps++;
      } catch (e) {
        mapHtml.push(`<p class="missing">Map "${esc(fig.title)}" could not be drawn: ${esc((e as Error).message)}</p>`);
      }
    }
    if (mapHtml.length) parts.push(`<h2 class="maps">${esc(w.maps)}</h2>`, ...mapHtml);
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
  await chart(w.chartUse, async () => {
    const byUse = await demandByUse(dir, lang);
    return byUse && barChartSvg(byUse, { title: w.chartUse, unit: 'MWh/a' });
  });
  if (hasRunFile(dir, 'network')) {
    // the kW/m threshold the route stage pruned with (manifest.route.thresholds.minKwPerM), else seed 003's 0.17
    const t = routeThresholdKwPerM(manifest) ?? 0.17;
    await chart(w.chartPipes, async () => {
      const pipes = await pipeLengthByClass(dir, t);
      return pipes && barChartSvg(pipes, { title: `${w.chartPipes} (${ja ? '基準' : 'threshold'} ${t} kW/m)`, unit: 'm' });
    });
  }
  // one quantity per axis: the kW series on one chart, outdoor temperature (°C) on its own
  let hourly: string[] = [];
  await chart(w.chartHourly, async () => {
    hourly = await hourlyChartsSvg(dir, lang);
    return hourly[0];
  });
  if (hourly[1]) {
    chartHtml.push(`<figure>${hourly[1]}</figure>`);
    charts++;
  }
  if (chartHtml.length) parts.push(`<h2>${esc(w.charts)}</h2>`, ...chartHtml);

  const stages = [...new Set([...STAGE_ORDER.filter((s) => s in manifest), ...(Array.isArray(manifest.stages) ? manifest.stages : []), ...Object.keys(manifest).filter((k) => !MANIFEST_CORE.has(k))])].filter(
    (s) => manifestEntry(manifest, s) !== undefined,
  );
  for (const s of stages) {
    const summary = reportValue(manifestEntry(manifest, s), dir, name);
    detail.push(`<h2>Stage: ${esc(s)}${stale.some((x) => x.stage === s) ? ' (stale)' : ''}</h2>`);
    if (isObj(summary)) {
      // warnings and warningDetails are in the warnings table at the front
      const { warnings: _w, warningDetails: _wd, ...rest } = summary;
      detail.push(valueHtml(rest));
    } else detail.push(valueHtml(summary));
  }
  // every warning, at the front after the key figures (the report's own, e.g. a map that could not be drawn, below it)
  const warnRows = await collectWarnings(dir, manifest, stages);
  parts[warningsAt] = warningsTableHtml(warnRows, lang, warnings.list().map((x) => `<p class="muted">Report: ${esc(x.message)} (${x.count})</p>`));

  detail.push(`<h2>${esc(w.inputs)}</h2>`);
  const inputs = Array.isArray(manifest.inputs) ? manifest.inputs : [];
  detail.push(
    inputs.length
      ? `<table><thead><tr><th>Role</th><th>Path</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>${inputs
          .map((r) => `<tr><td>${esc(r.role)}</td><td><code>${esc(r.path)}</code></td><td class="num">${fmtScalar(r.bytes)}</td><td><code>${esc(r.sha256)}</code></td></tr>`)
          .join('')}</tbody></table>`
      : '<p class="muted">No inputs recorded.</p>',
  );
  const attribution = attributionLines(manifest, true);
  detail.push(`<h2>${esc(w.sources)}</h2>`, attribution.length ? `<ul>${attribution.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>` : '<p class="muted">None recorded.</p>');
  parts.push(`<div class="detail"><h2 id="detail">${esc(w.detail)}</h2>`, ...detail, '</div>');
  // no clock time: the same run gives the same bytes (SOURCE_DATE_EPOCH, when set, dates the report)
  const written = sourceDateEpoch();
  parts.push(`<p class="muted">Written by heatplan ${esc(VERSION)}${written ? ` on ${esc(written.toISOString())}` : ''} from the run's manifest.json (times of the run and its stages are there).</p>`);

  const html = `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
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
