/**
 * The report's cost section (report.html): key figures of costs.json (capital by part, annual cost, LCOH of the
 * network and of the system, NPV, payback), the cases compared, the sensitivities (pipe cost ±30 %, discount rate
 * ±1 point), the candidate plant sites on LCOH, the cost-based pruning estimate and the cost table used with every
 * figure's source, ASSUMPTION rows marked. Empty when the run has no cost stage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CostsFile } from '../cost/run.js';
import { FILES, summaryWarned, type Manifest } from '../run/contract.js';
import type { Lang } from './i18n.js';
import { escapeXml } from './map/render-svg.js';
import { fmt } from './report-summary.js';

const esc = (v: unknown): string => escapeXml(String(v));
const L = {
  en: {
    title: 'Costs', capital: 'Capital', annual: 'Annual cost (annuity + running)', revenue: 'Heat sales', lcohN: 'LCOH, network heat', lcohS: 'LCOH, all heat (with backup heaters)',
    heatN: 'Heat from the network', heatAll: 'Heat delivered (network + backup)', npv: 'NPV', payback: 'Payback (simple / discounted)', cases: 'Cases', sens: 'Sensitivity of LCOH',
    sites: 'Candidate plant sites on LCOH', table: 'Cost table used', pruning: 'Cost-based pruning (estimate)', assumption: 'ASSUMPTION', none: 'n/a',
    overPump: 'Overstated: the pump electricity priced comes from a pump head through pipes loaded above the largest catalogue pipe (warning cost-pump-head-over-capacity); split the supply among more plants.',
  },
  ja: {
    title: '事業性（コスト）', capital: '初期投資', annual: '年間費用（年賦＋運転費）', revenue: '熱販売収入', lcohN: '熱の均等化原価（導管網の熱）', lcohS: '熱の均等化原価（個別暖房を含む全熱）',
    heatN: '導管網から供給した熱', heatAll: '供給熱量（導管網＋個別暖房）', npv: '正味現在価値', payback: '投資回収年数（単純／割引）', cases: 'ケース比較', sens: '均等化原価の感度',
    sites: 'プラント候補地の比較（均等化原価）', table: '使用した単価表', pruning: 'コスト基準の枝刈り（推計）', assumption: '仮定値', none: '—',
    overPump: '過大: 計上したポンプ電力は、管径表の最大管を超える負荷の管を通るポンプ揚程による（警告 cost-pump-head-over-capacity）。熱源を複数に分けること。',
  },
} as const;

const money = (x: number | null | undefined, cur: string, d?: number) => (typeof x === 'number' && Number.isFinite(x) ? `${esc(fmt(x, d))}&nbsp;${esc(cur)}` : '—');

/** The cost section's HTML for the run in `dir` (an empty string without costs.json). */
export function costSectionHtml(dir: string, m: Manifest, lang: Lang = 'en'): string {
  const file = join(dir, FILES.costs);
  if (!m.cost || !existsSync(file)) return '';
  let f: CostsFile;
  try {
    f = JSON.parse(readFileSync(file, 'utf8')) as CostsFile;
  } catch {
    return `<p class="missing">${esc(FILES.costs)} could not be read</p>`;
  }
  const w = L[lang];
  const s = m.cost;
  const cur = s.currency;
  const perKwh = `${cur}/kWh`;
  const row = (label: string, value: string, note = '') => `<tr><th>${esc(label)}</th><td class="num">${value}</td><td class="note">${esc(note)}</td></tr>`;
  const parts: string[] = [];
  const overPump = summaryWarned(s, 'cost-pump-head-over-capacity');
  parts.push(`<section class="kf cost"><h3>${esc(w.title)} (${esc(cur)}, ${esc(lang === 'ja' ? '価格年' : 'price year')} ${esc(s.priceYears.join(', ') || w.none)}; ${esc(lang === 'ja' ? '割引率' : 'discount rate')} ${esc(s.discountRate_pct)} %, ${esc(s.period_a)} a)</h3>${overPump ? `<p class="missing">${esc(w.overPump)}</p>` : ''}<table class="figures"><tbody>`);
  parts.push(row(w.capital, money(s.capital, cur), Object.entries(s.capitalByPart).map(([k, x]) => `${k} ${fmt(x)}`).join(', ')));
  parts.push(row(w.annual, money(s.annualCost, cur) + '/a'));
  parts.push(row(w.revenue, s.revenue === null ? esc(w.none) : money(s.revenue, cur) + '/a', s.revenue === null ? 'no heat_price row' : ''));
  parts.push(row(w.lcohN, s.lcohNetwork_per_kWh === null ? esc(w.none) : `${esc(fmt(s.lcohNetwork_per_kWh, 2))}&nbsp;${esc(perKwh)}`, f.definitions.lcohNetwork ?? ''));
  parts.push(row(w.lcohS, s.lcohSystem_per_kWh === null ? esc(w.none) : `${esc(fmt(s.lcohSystem_per_kWh, 2))}&nbsp;${esc(perKwh)}`, f.definitions.lcohSystem ?? ''));
  parts.push(row(w.heatN, `${esc(fmt(s.networkHeat_MWh))}&nbsp;MWh/a`));
  parts.push(row(w.heatAll, `${esc(fmt(s.connectedHeat_MWh))}&nbsp;MWh/a`));
  parts.push(row(w.npv, money(s.npv, cur)));
  parts.push(row(w.payback, `${s.paybackSimple_a === null ? '—' : esc(fmt(s.paybackSimple_a, 1)) + '&nbsp;a'} / ${s.paybackDiscounted_a === null ? '—' : esc(s.paybackDiscounted_a) + '&nbsp;a'}`));
  parts.push(row(lang === 'ja' ? '冷熱の均等化原価' : 'LCOC (cold)', s.lcoc_per_kWh === null ? esc(w.none) : `${esc(fmt(s.lcoc_per_kWh, 2))}&nbsp;${esc(perKwh)}`, f.networks[0]?.cases[0]?.lcocNote ?? ''));
  parts.push('</tbody></table></section>');
  if (s.cases.length > 1) {
    parts.push(`<section class="kf"><h3>${esc(w.cases)}</h3><table><thead><tr><th>case</th><th>LCOH network ${esc(perKwh)}</th><th>LCOH all heat ${esc(perKwh)}</th><th>annual cost ${esc(cur)}/a</th><th>NPV ${esc(cur)}</th></tr></thead><tbody>`);
    for (const c of s.cases) {
      parts.push(`<tr><td>${esc(c.id)}${c.name ? ` ${esc(c.name)}` : ''}</td><td class="num">${c.lcohNetwork_per_kWh === null ? '—' : esc(fmt(c.lcohNetwork_per_kWh, 2))}</td><td class="num">${c.lcohSystem_per_kWh === null ? '—' : esc(fmt(c.lcohSystem_per_kWh, 2))}</td><td class="num">${esc(fmt(c.annualCost))}</td><td class="num">${c.npv === null ? '—' : esc(fmt(c.npv))}</td></tr>`);
    }
    parts.push('</tbody></table></section>');
  }
  parts.push(`<section class="kf"><h3>${esc(w.sens)} (case ${esc(s.case)})</h3><table><thead><tr><th></th><th>LCOH network ${esc(perKwh)}</th><th>LCOH all heat ${esc(perKwh)}</th></tr></thead><tbody>`);
  for (const x of s.sensitivity) parts.push(`<tr><td>${esc(x.what)}</td><td class="num">${x.lcohNetwork_per_kWh === null ? '—' : esc(fmt(x.lcohNetwork_per_kWh, 2))}</td><td class="num">${x.lcohSystem_per_kWh === null ? '—' : esc(fmt(x.lcohSystem_per_kWh, 2))}</td></tr>`);
  parts.push('</tbody></table></section>');
  const sites = f.networks.find((n) => n.sites)?.sites;
  if (sites) {
    parts.push(`<section class="kf"><h3>${esc(w.sites)}</h3><p class="muted">${esc(sites.definition)}</p><table><thead><tr><th>plant</th><th>type</th><th>kW</th><th>consumers</th><th>MWh/a</th><th>LCOH ${esc(perKwh)}</th></tr></thead><tbody>`);
    for (const x of sites.ranked) parts.push(`<tr><td>${esc(x.plant)}</td><td>${esc(x.type)}</td><td class="num">${esc(fmt(x.capacity_kW))}</td><td class="num">${esc(x.consumers)}</td><td class="num">${esc(fmt(x.heat_MWh))}</td><td class="num">${x.lcoh === null ? '—' : esc(fmt(x.lcoh, 2))}</td></tr>`);
    parts.push('</tbody></table></section>');
  }
  const pr = f.networks.find((n) => n.costPruning)?.costPruning;
  if (pr) {
    parts.push(`<section class="kf"><h3>${esc(w.pruning)}</h3><table class="figures"><tbody>`);
    parts.push(row(lang === 'ja' ? '上限' : 'limit', `${esc(fmt(pr.limit_per_MWh))}&nbsp;${esc(cur)}/MWh`));
    parts.push(row(lang === 'ja' ? '除外する需要家' : 'consumers cut', esc(pr.cutConsumers), `${fmt(pr.cutHeat_MWh)} MWh/a`));
    parts.push(row(lang === 'ja' ? '残る需要' : 'connected demand kept', `${esc(fmt(pr.keptHeat_MWh))}&nbsp;MWh/a`));
    parts.push(row('LCOH network', pr.lcohNetworkEstimate === null ? '—' : `${esc(fmt(pr.lcohNetworkEstimate, 2))}&nbsp;${esc(perKwh)}`, pr.method));
    parts.push('</tbody></table></section>');
  }
  parts.push(`<section class="kf"><h3>${esc(w.table)}</h3><table><thead><tr><th>item</th><th>key</th><th>value</th><th>as written</th><th>source</th></tr></thead><tbody>`);
  for (const t of f.table) {
    const written = `${fmt(t.valueAsWritten)} ${t.unitAsWritten}${t.priceYear ? ` (${t.priceYear})` : ''}`;
    parts.push(`<tr${t.assumption ? ' class="assumption"' : ''}><td>${esc(t.item)}</td><td>${esc(t.key)}</td><td class="num">${esc(fmt(t.value))}&nbsp;${esc(t.unit)}</td><td>${esc(written)}</td><td>${t.assumption ? `<strong>${esc(w.assumption)}</strong> ` : ''}${esc(t.source)}${t.note ? ` (${esc(t.note)})` : ''}</td></tr>`);
  }
  parts.push('</tbody></table></section>');
  return parts.join('');
}
