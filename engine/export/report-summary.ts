/**
 * The front of report.html: the key figures of a run (demand, supply areas, potentials, network and its checks in
 * both heat-density conventions, simulation and primary energy factor, costs when a run has them) and every warning
 * the stages recorded, with its count and first examples; and the hourly charts, one quantity per axis (kW series
 * on one chart, outdoor temperature in °C on its own). All text from the run is escaped.
 */
import { basename } from 'node:path';
import { featuresOfKind, summaryWarned, type Manifest, type WarningExample, type WarningSummary } from '../run/contract.js';
import { hasRunFile, readHourly, readNetwork, readSim } from '../run/read.js';
import { lineChartSvg } from './map/charts.js';
import { escapeXml } from './map/render-svg.js';
import { dropReasonTitle, useName, warningTitle, words, type Lang } from './i18n.js';

const esc = (v: unknown): string => escapeXml(String(v));
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A number for people: thousands grouped, 3-4 significant digits. */
export function fmt(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const d = digits ?? (a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 1 : a >= 1 ? 2 : a === 0 ? 0 : 3);
  return v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

const pct = (v: number): string => `${fmt(v * 100, 1)} %`;

interface Row {
  label: string;
  value: string;
  note?: string;
}

function table(title: string, rows: Row[], cls = 'kf'): string {
  if (!rows.length) return '';
  return (
    `<section class="${cls}"><h3>${esc(title)}</h3><table class="figures"><tbody>` +
    rows.map((r) => `<tr><th>${esc(r.label)}</th><td class="num">${r.value}</td><td class="note">${r.note ? esc(r.note) : ''}</td></tr>`).join('') +
    '</tbody></table></section>'
  );
}

const v = (x: number, unit: string, digits?: number): string => `${esc(fmt(x, digits))}${unit ? `&nbsp;${esc(unit)}` : ''}`;

const SOURCE_NAMES: Record<string, { en: string; ja: string }> = {
  sewage: { en: 'Sewage', ja: '下水熱' },
  river: { en: 'River water', ja: '河川水熱' },
  ground: { en: 'Ground', ja: '地中熱' },
  waste_heat: { en: 'Waste heat', ja: '排熱' },
};
const sourceName = (k: string, lang: Lang): string => SOURCE_NAMES[k]?.[lang] ?? k;

/** The key figures section (undefined rows are left out; a stage that has not run is named as such). */
export function keyFiguresHtml(m: Manifest, lang: Lang): string {
  const w = words(lang);
  const parts: string[] = [];
  const d = m.demand;
  if (d) {
    const rows: Row[] = [];
    if (isNum(d.buildings)) rows.push({ label: w.buildings, value: v(d.buildings, '') });
    if (isNum(d.floorArea_m2)) rows.push({ label: w.floorArea, value: v(d.floorArea_m2, 'm²') });
    if (isNum(d.annualHeat_MWh)) rows.push({ label: w.annualHeat, value: v(d.annualHeat_MWh, 'MWh/a') });
    if (isNum(d.spaceHeat_MWh)) rows.push({ label: w.spaceHeat, value: v(d.spaceHeat_MWh, 'MWh/a') });
    if (isNum(d.hotWater_MWh)) rows.push({ label: w.hotWater, value: v(d.hotWater_MWh, 'MWh/a') });
    if (isNum(d.peak_kW)) rows.push({ label: w.peak, value: v(d.peak_kW, 'kW') });
    if (d.grid && isNum(d.cellSize_m))
      rows.push({ label: w.grid, value: `${esc(d.grid.width)} × ${esc(d.grid.height)} × ${esc(d.cellSize_m)}&nbsp;m`, note: `${fmt(d.grid.cellsWithDemand)} ${w.cellsWithDemand}; ${d.crs ?? ''}` });
    if (isObj(d.floorAreaSource)) {
      const src = Object.entries(d.floorAreaSource)
        .filter(([, n]) => isNum(n) && n > 0)
        .map(([k, n]) => `${w.floorAreaSources[k] ?? k} ${fmt(n as number)}`);
      if (src.length) rows.push({ label: w.floorAreaFrom, value: '', note: src.join(', ') });
    }
    const p = d.parameters as Record<string, unknown> | undefined;
    if (p && (p.climateRegion !== undefined || p.climateCity !== undefined))
      rows.push({ label: w.climate, value: '', note: [p.climateRegion !== undefined ? (lang === 'ja' ? `${p.climateRegion} 地域` : `region ${p.climateRegion}`) : '', p.climateCity ?? '', isNum(p.hdd18_Kd) ? `HDD18 ${fmt(p.hdd18_Kd)} Kd` : ''].filter(Boolean).join(', ') });
    parts.push(table(w.demand, rows));
    // by use, largest first
    if (isObj(d.byUse)) {
      const uses = Object.entries(d.byUse).filter(([, u]) => isObj(u) && isNum(u.annualHeat_MWh)).sort((a, b) => b[1].annualHeat_MWh - a[1].annualHeat_MWh);
      if (uses.length)
        parts.push(
          table(
            lang === 'ja' ? '用途別' : 'By building use',
            uses.map(([k, u]) => ({ label: useName(k, lang), value: v(u.annualHeat_MWh, 'MWh/a'), note: `${fmt(u.buildings)} ${lang === 'ja' ? '棟' : 'buildings'}, ${fmt(u.floorArea_m2)} m²` })),
          ),
        );
    }
  } else parts.push(table(w.demand, [{ label: w.demand, value: esc(w.notRun) }]));

  const p = m.potential;
  if (p && isObj(p.sources)) {
    const rows: Row[] = [];
    for (const [k, s] of Object.entries(p.sources)) {
      if (!isObj(s) || s.given !== true) continue;
      rows.push({ label: sourceName(k, lang), value: v(Number(s.kw), 'kW'), note: `${w.sourceKw}; ${fmt(Number(s.cellsCovered))} ${w.cellsCovered}` });
    }
    parts.push(table(w.potential, rows));
  }

  const a = m.areas;
  if (a) {
    const rows: Row[] = [{ label: w.areaCount, value: v(a.count, ''), note: `${w.method}: ${a.method}` }];
    if (isNum(a.demand_MWh)) rows.push({ label: w.areaDemand, value: v(a.demand_MWh, 'MWh/a'), note: isNum(a.totalDemand_MWh) && a.totalDemand_MWh > 0 ? (lang === 'ja' ? `${w.areaShare} ${pct(a.demand_MWh / a.totalDemand_MWh)}` : `${pct(a.demand_MWh / a.totalDemand_MWh)} ${w.areaShare}`) : undefined });
    if (isNum(a.cellThreshold_MWh_per_ha)) rows.push({ label: w.cellThreshold, value: v(a.cellThreshold_MWh_per_ha, 'MWh/(ha·a)') });
    if (isNum(a.areaThreshold_GWh)) rows.push({ label: w.areaThreshold, value: v(a.areaThreshold_GWh, 'GWh/a') });
    parts.push(table(w.areas, rows));
  }

  const r = m.route;
  if (r) {
    const dropped = isObj(r.consumersDropped) ? Object.values(r.consumersDropped).reduce((s: number, n) => s + (isNum(n) ? n : 0), 0) : 0;
    const rows: Row[] = [
      { label: w.consumers, value: v(r.consumers, '') },
      { label: w.consumersDropped, value: v(dropped, ''), note: isObj(r.consumersDropped) ? Object.entries(r.consumersDropped).map(([k, n]) => `${dropReasonTitle(k, lang)} (${k}) ${fmt(Number(n))}`).join('; ') : undefined },
      { label: w.trench, value: v(r.trench_m, 'm') },
      { label: w.pipe, value: v(r.pipe_m, 'm') },
      { label: w.service, value: v(r.service_m, 'm') },
      { label: w.connectedDemand, value: v(r.connectedDemand_MWh, 'MWh/a') },
      { label: w.plantOutput, value: v(r.plantOutput_kW, 'kW') },
    ].filter((x) => !x.value.startsWith('undefined') && !x.value.startsWith('NaN'));
    parts.push(table(w.network, rows));
    // the checks, each figure named for what it is, with the one(s) the route stage pruned by (thresholds.pruneBy)
    parts.push(networkChecksHtml(r, lang));
  }

  const s = m.sim;
  if (s) {
    const rows: Row[] = [];
    if (isNum(s.heatDelivered_MWh)) rows.push({ label: w.delivered, value: v(s.heatDelivered_MWh, 'MWh/a') });
    if (isNum(s.produced_MWh)) rows.push({ label: w.produced, value: v(s.produced_MWh, 'MWh/a') });
    if (isNum(s.losses_MWh)) rows.push({ label: w.losses, value: v(s.losses_MWh, 'MWh/a'), note: isNum(s.produced_MWh) && s.produced_MWh > 0 ? pct(s.losses_MWh / s.produced_MWh) : undefined });
    if (isNum(s.surplus_MWh)) rows.push({ label: w.surplus, value: v(s.surplus_MWh, 'MWh/a') });
    if (isNum(s.backup_MWh)) rows.push({ label: w.backup, value: v(s.backup_MWh, 'MWh/a'), note: isNum(s.backupHours) ? `${fmt(s.backupHours)} h` : undefined });
    // the route's pump head through pipes over the catalogue: the pump electricity in these figures is not a real pump's
    const overstated = summaryWarned(s, 'pump-head-over-capacity') ? w.overstatedByPumpHead : undefined;
    const withNote = (a: string | undefined): string | undefined => (overstated ? (a ? `${a}; ${overstated}` : overstated) : a);
    if (isNum(s.primaryEnergyFactor)) rows.push({ label: w.peFactor, value: v(s.primaryEnergyFactor, '', 3), note: withNote(isNum(s.defaultPrimaryEnergyFactor) ? `${w.peFactorDefault} ${fmt(s.defaultPrimaryEnergyFactor, 3)}` : undefined) });
    if (isNum(s.copPrimary)) rows.push({ label: w.copPrimary, value: v(s.copPrimary, '', 3), note: withNote(undefined) });
    if (isNum(s.co2_t)) rows.push({ label: w.co2, value: v(s.co2_t, 't/a'), note: withNote(undefined) });
    if (isNum(s.unmetHours)) rows.push({ label: w.unmetHours, value: v(s.unmetHours, 'h') });
    parts.push(table(w.simulation, rows));
    if (Array.isArray(s.cases) && s.cases.length > 1)
      parts.push(
        table(
          w.cases,
          s.cases.slice(1).map((c) => ({
            label: `${c.id}${c.name ? `: ${c.name}` : ''}`,
            value: `${esc(fmt(c.surplusChangePct, 1))}&nbsp;%`,
            note: `${lang === 'ja' ? '余剰熱の変化' : 'surplus change'}; ${lang === 'ja' ? 'バックアップ燃料' : 'backup fuel'} ${fmt(c.backupFuelChange_MJ_per_day)} MJ/day`,
          })),
        ),
      );
  }

  // costs: a future stage's summary (manifest.costs); shown as recorded
  const costs = (m as unknown as Record<string, unknown>).costs;
  if (isObj(costs)) {
    const rows = Object.entries(costs)
      .filter(([, x]) => isNum(x))
      .map(([k, x]) => ({ label: k, value: v(x as number, '') }));
    parts.push(table(w.costs, rows));
  }
  const notRun = (['demand', 'potential', 'areas', 'route', 'sim'] as const).filter((k) => m[k] === undefined);
  const tail = notRun.length ? `<p class="muted not-run">${esc(w.notRun)}: ${esc(notRun.join(', '))}</p>` : '';
  return `<h2 id="key-figures">${esc(w.keyFigures)}</h2><div class="kf-grid">${parts.join('')}</div>${tail}`;
}

/** The route stage's pruning criteria (manifest.route.thresholds.pruneBy); runs before issue 13 pruned by design kW/m. */
export function routePruneBy(r: NonNullable<Manifest['route']>): string[] {
  const p = r.thresholds?.pruneBy;
  return Array.isArray(p) ? p.map(String) : ['design-kw-per-m'];
}

/**
 * The network check table: seed 003's own kW/m (plant output / (2 x route length)) against its threshold, beside it
 * heatplan's design variant, MWh/(m·a) and the loss share with service pipes (mains only in the note), each named
 * for what it is, with a column saying which the network was pruned by.
 */
export function networkChecksHtml(r: NonNullable<Manifest['route']>, lang: Lang): string {
  const w = words(lang);
  const t = r.thresholds ?? { minKwPerM: NaN, minMwhPerMA: NaN };
  const by = routePruneBy(r);
  const ok = (b: boolean | undefined) => (b === undefined ? '–' : `<span class="${b ? 'ok' : 'missing'}">${esc(b ? w.pass : w.fail)}</span>`);
  const prunes = (c: string) => (by.includes(c) ? `<strong class="prunes">${esc(w.prunesYes)}</strong>` : `<span class="muted">${esc(w.prunesNo)}</span>`);
  const rows: { id: string; label: string; val: string; th: string; res: boolean | undefined; prune: string; note?: string }[] = [];
  const kwT = isNum(t.minKwPerM) && t.minKwPerM > 0 ? t.minKwPerM : undefined;
  if (isNum(r.seedKwPerM))
    rows.push({ id: 'seed-kw-per-m', label: w.kwPerMCheck, val: v(r.seedKwPerM, 'kW/m', 3), th: kwT ? `≥ ${v(kwT, 'kW/m', 3)}` : '–', res: kwT ? r.seedKwPerM >= kwT : undefined, prune: prunes('seed-kw-per-m'), note: isNum(r.seedPlantOutput_kW) ? `${fmt(r.seedPlantOutput_kW)} kW (${r.seedOutputBasis ?? ''})` : undefined });
  const design = isNum(r.designKwPerM) ? r.designKwPerM : r.kwPerM;
  if (isNum(design))
    rows.push({ id: 'design-kw-per-m', label: w.designKwPerMCheck, val: v(design, 'kW/m', 3), th: kwT ? `≥ ${v(kwT, 'kW/m', 3)}` : '–', res: kwT ? design >= kwT : undefined, prune: prunes('design-kw-per-m'), note: r.loads });
  if (isNum(r.mwhPerMA)) {
    const mt = isNum(t.minMwhPerMA) && t.minMwhPerMA > 0 ? t.minMwhPerMA : undefined;
    rows.push({ id: 'mwh-per-m', label: w.mwhPerMCheck, val: v(r.mwhPerMA, 'MWh/(m·a)', 2), th: mt ? `≥ ${v(mt, 'MWh/(m·a)', 2)}` : '–', res: mt ? r.mwhPerMA >= mt : undefined, prune: prunes('mwh-per-m') });
  }
  if (isNum(r.lossShare)) {
    const lt = isNum(t.maxLossShare) ? t.maxLossShare : 0.1;
    rows.push({ id: 'loss-share', label: w.lossCheck, val: esc(pct(r.lossShare)), th: `≤ ${esc(pct(lt))}`, res: r.lossShare <= lt, prune: prunes('loss-share'), note: isNum(r.lossShareMains) ? `${w.lossMains} ${pct(r.lossShareMains)}` : undefined });
  }
  if (r.marginalCost && isNum(r.marginalCost.worstBranch_per_MWh))
    rows.push({ id: 'marginal-cost', label: lang === 'ja' ? '枝の限界費用（接続熱量 MWh あたり、最大）' : 'Marginal cost per connected MWh, worst kept branch', val: v(r.marginalCost.worstBranch_per_MWh, `${r.marginalCost.currency}/MWh`), th: `≤ ${v(r.marginalCost.limit_per_MWh, `${r.marginalCost.currency}/MWh`)}`, res: r.marginalCost.worstBranch_per_MWh <= r.marginalCost.limit_per_MWh, prune: prunes('marginal-cost') });
  if (isNum(r.overCapacityPipes)) rows.push({ id: 'over-capacity', label: w.overCapacity, val: v(r.overCapacityPipes, ''), th: '0', res: r.overCapacityPipes === 0, prune: '' });
  if (!rows.length) return '';
  return (
    `<section class="kf network-checks"><h3>${esc(w.network)}: ${esc(w.checks)}</h3><table class="figures checks"><thead><tr><th>${esc(w.check)}</th><th>${esc(w.value)}</th><th>${esc(w.threshold)}</th><th>${esc(w.result)}</th><th>${esc(w.prunes)}</th></tr></thead><tbody>` +
    rows.map((x) => `<tr data-check="${esc(x.id)}"><th>${esc(x.label)}${x.note ? `<br><span class="muted">${esc(x.note)}</span>` : ''}</th><td class="num">${x.val}</td><td class="num">${x.th}</td><td>${ok(x.res)}</td><td>${x.prune}</td></tr>`).join('') +
    '</tbody></table></section>'
  );
}

// ---------------------------------------------------------------------------------------------------------------
// warnings

export interface WarningRow {
  stage: string;
  code: string;
  count: number;
  message: string;
  examples: WarningExample[];
}

const EXAMPLES = 5;

/**
 * Every warning of the run: each stage summary's warningDetails (or its counts, for stages that record counts only),
 * sim.json's warning list in place of the sim counts, and for the route stage's dropped consumers
 * (`consumer-<reason>`) examples from network.geojson.
 */
export async function collectWarnings(dir: string, m: Manifest, stages: string[]): Promise<WarningRow[]> {
  const out: WarningRow[] = [];
  let simList: WarningSummary[] | undefined;
  if (m.sim && hasRunFile(dir, 'sim')) simList = await readSim(dir).then((s) => (Array.isArray(s.warnings) ? s.warnings : undefined)).catch(() => undefined);
  let dropped: Map<string, WarningExample[]> | undefined;
  const droppedExamples = async (reason: string): Promise<WarningExample[]> => {
    if (!dropped) {
      dropped = new Map();
      if (hasRunFile(dir, 'network')) {
        try {
          const fc = await readNetwork(dir);
          featuresOfKind(fc, 'dropped').forEach((f) => {
            const p = f.properties;
            const list = dropped!.get(p.reason) ?? [];
            if (list.length < EXAMPLES) list.push({ file: 'network.geojson', record: String(p.id), message: [p.use, p.detail].filter(Boolean).join(': ') || p.reason });
            dropped!.set(p.reason, list);
          });
        } catch {
          // no examples: the counts stand
        }
      }
    }
    return dropped.get(reason) ?? [];
  };
  for (const s of stages) {
    const sum = (m as unknown as Record<string, unknown>)[s];
    if (!isObj(sum)) continue;
    const details = s === 'sim' && simList ? simList : sum.warningDetails;
    if (Array.isArray(details)) {
      for (const x of details.filter(isObj)) {
        out.push({
          stage: s,
          code: String(x.code ?? ''),
          count: Number(x.count ?? 0),
          message: String(x.message ?? ''),
          examples: Array.isArray(x.examples) ? (x.examples.filter(isObj) as unknown as WarningExample[]) : [],
        });
      }
    } else if (isObj(sum.warnings)) {
      for (const [code, count] of Object.entries(sum.warnings)) {
        const reason = code.startsWith('consumer-') ? code.slice('consumer-'.length) : undefined;
        const examples = s === 'route' && reason ? await droppedExamples(reason) : [];
        out.push({ stage: s, code, count: Number(count), message: '', examples });
      }
    }
  }
  return out;
}

/** The warnings table (rows as the existing report wrote them: stage, code, count, reason with examples). */
export function warningsTableHtml(rows: WarningRow[], lang: Lang, extra: string[] = []): string {
  const w = words(lang);
  const head = `<h2 id="warnings">${esc(w.warnings)}</h2>`;
  if (!rows.length) return `${head}<p class="muted">${esc(w.noWarnings)}</p>${extra.join('')}`;
  const body = rows
    .map((x) => {
      const reason = x.code.startsWith('consumer-') ? x.code.slice('consumer-'.length) : x.code;
      const title = warningTitle(x.code, lang) ?? warningTitle(reason, lang);
      const ex = x.examples.slice(0, EXAMPLES).map((e) => [e.file ? basename(String(e.file)) : '', e.record !== undefined ? (typeof e.record === 'number' ? `record ${e.record}` : String(e.record)) : '', e.message && e.message !== x.message ? e.message : ''].filter(Boolean).join(': '));
      const more = x.count - Math.min(x.examples.length, EXAMPLES);
      const list = ex.length ? `<ul class="examples">${ex.map((e) => `<li>${esc(e)}</li>`).join('')}${more > 0 ? `<li class="muted">${esc(w.examplesMore(more))}</li>` : ''}</ul>` : '';
      const text = [title ? `<strong>${esc(title)}</strong>` : '', x.message ? esc(x.message) : ''].filter(Boolean).join('<br>');
      return `<tr><td>${esc(x.stage)}</td><td>${esc(x.code)}</td><td class="num"><span class="num">${esc(fmt(x.count))}</span></td><td>${text}${list}</td></tr>`;
    })
    .join('');
  return `${head}<p class="muted">${esc(w.warningsIntro)}</p><table class="warnings"><thead><tr><th>${esc(w.stage)}</th><th>${esc(w.code)}</th><th>${esc(w.count)}</th><th>${esc(w.what)}</th></tr></thead><tbody>${body}</tbody></table>${extra.join('')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// hourly charts: one quantity per axis

/** The hourly.csv series of the first case and network shown in the kW chart, in this order. */
const KW_SERIES = ['demand_kW', 'delivered_kW', 'produced_kW', 'backup_kW', 'surplus_kW', 'losses_kW'];

function daily(values: Float64Array): Float64Array {
  const days = Math.ceil(values.length / 24);
  const sum = new Float64Array(days);
  const n = new Float64Array(days);
  values.forEach((x, i) => {
    if (Number.isFinite(x)) {
      sum[Math.floor(i / 24)] += x;
      n[Math.floor(i / 24)]++;
    }
  });
  for (let d = 0; d < days; d++) sum[d] = n[d]! > 0 ? sum[d]! / n[d]! : NaN;
  return sum;
}

/**
 * The hourly charts: daily means of the kW columns (the first case's and network's series when there are several;
 * plant columns included), and outdoor air temperature on its own chart in °C. Hour-of-day and other time columns
 * are never plotted as values.
 */
export async function hourlyChartsSvg(dir: string, lang: Lang): Promise<string[]> {
  if (!hasRunFile(dir, 'hourly')) return [];
  const w = words(lang);
  const h = await readHourly(dir);
  if (h.hours < 24) return [];
  const first = Math.min(48, h.hours);
  const usable = h.columns.filter((c) => c.values.subarray(0, first).every(Number.isFinite));
  const kw = usable.filter((c) => (c.kind === 'series' || c.kind === 'plant' || c.kind === 'other') && c.name.endsWith('_kW'));
  // the first scope (case / network prefix) only
  const scope = (c: (typeof kw)[number]) => ('scopes' in c ? c.scopes.join(':') : '');
  const firstScope = kw.length ? scope(kw[0]!) : '';
  const mine = kw.filter((c) => scope(c) === firstScope);
  const ordered = [
    ...KW_SERIES.flatMap((s) => mine.filter((c) => c.kind === 'series' && c.series === s)),
    ...mine.filter((c) => c.kind === 'plant'),
    ...mine.filter((c) => c.kind === 'other'),
  ];
  // series that are zero all year say nothing
  const shown = ordered.filter((c) => c.values.some((x) => x !== 0)).slice(0, 7);
  const out: string[] = [];
  const xLabel = `${w.dayOfYear} (${h.hours} h)`;
  if (shown.length) {
    const several = firstScope !== '' && kw.some((c) => scope(c) !== firstScope);
    const title = several ? `${w.chartHourly} — ${lang === 'ja' ? 'ケース/配管網' : 'case/network'} ${firstScope}` : w.chartHourly;
    out.push(lineChartSvg(shown.map((c) => ({ name: c.name, values: daily(c.values) })), { title, unit: 'kW', xLabel }));
  }
  const air = usable.find((c) => c.name === 'air_C');
  if (air) out.push(lineChartSvg([{ name: 'air_C', values: daily(air.values) }], { title: w.chartAir, unit: '°C', xLabel }));
  return out;
}
