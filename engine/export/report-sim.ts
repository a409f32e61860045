/**
 * The report's calculation sheet of the simulation (report.html; issue 12, seed 004's 任意評定): for every network of
 * the first case, each machine with its curve source and rated values, the priority rules, the conduit loss model,
 * the factor's numerator term by term and its denominators, the factors for heat, cold and combined beside 告示 265's
 * 1.36, the CHP credit range, the individual heaters, and the annual balances. The same content is sim-sheet.csv.
 * Empty when the run has no simulation (or one written before issue 12).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, type Manifest, type SimFile, type SimNetworkRecord } from '../run/contract.js';
import { CONDUIT_MODEL, PRIORITY_RULES } from '../sim/sheet-text.js';
import type { Lang } from './i18n.js';
import { escapeXml } from './map/render-svg.js';
import { fmt } from './report-summary.js';

const esc = (v: unknown): string => escapeXml(String(v));
const L = {
  en: {
    title: 'Plant and primary energy factor (calculation sheet)', machines: 'Machines', rules: 'Priority rules', conduit: 'Conduit model',
    terms: 'Numerator term by term', factors: 'Factors', individual: 'Individual heaters (not in the plant factor)', balance: 'Annual balances',
    id: 'plant', type: 'type', side: 'side', units: 'units', merit: 'merit', curves: 'curves and rated values', aux: 'auxiliaries',
    item: 'item', qty: 'quantity', factor: 'factor', pe: 'primary energy', source: 'source', sold: 'sold at the meters', chp: 'CHP credit range',
  },
  ja: {
    title: '熱源設備と一次エネルギー換算係数（計算書）', machines: '熱源機器', rules: '運転優先順位', conduit: '導管の熱損失モデル',
    terms: '分子（項目別）', factors: '換算係数', individual: '個別暖房（プラントの係数に含めない）', balance: '年間収支',
    id: '機器', type: '種類', side: '冷温', units: '台数', merit: '優先順位', curves: '特性式と定格値', aux: '補機',
    item: '項目', qty: '数量', factor: '係数', pe: '一次エネルギー', source: '出典', sold: '需要家メータでの販売熱量', chp: 'CGS 発電分控除の幅',
  },
} as const;

const num = (x: unknown, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? esc(fmt(x, d)) : '—');

function networkHtml(n: SimNetworkRecord, w: (typeof L)['en' | 'ja']): string {
  const f = n.factor!;
  const a = n.annual;
  const out: string[] = [`<h3>${esc(n.network)}${n.case && n.case !== 'network' ? ` (${esc(n.case)})` : ''}</h3>`];
  out.push(`<h4>${esc(w.machines)}</h4><table><thead><tr><th>${esc(w.id)}</th><th>${esc(w.type)}</th><th>${esc(w.side)}</th><th>${esc(w.units)}</th><th>${esc(w.merit)}</th><th>${esc(w.curves)}</th><th>${esc(w.aux)}</th></tr></thead><tbody>`);
  for (const m of n.machines ?? []) {
    out.push(`<tr><td>${esc(m.id)}</td><td>${esc(m.type)}${m.builelib ? `<br>${esc(m.builelib)}` : ''} (${esc(m.mode)})</td><td>${esc(m.side)}</td><td>${esc(m.units)}</td><td>${Number.isFinite(m.merit) && m.merit !== null ? esc(m.merit) : 'default'}</td><td>${esc(m.curveSource)}</td><td>${m.auxiliaries.map(esc).join('<br>') || '—'}</td></tr>`);
  }
  out.push('</tbody></table>');
  out.push(`<table><thead><tr><th>${esc(w.id)}</th><th>h</th><th>unit-h</th><th>out</th><th>fuel (HHV)</th><th>electricity</th><th>${esc(w.aux)}</th><th>${esc(w.pe)}</th></tr></thead><tbody>`);
  for (const p of n.plants) {
    const o = p.side === 'heat' ? `heat ${num(p.heat_MWh, 1)}` : p.side === 'both' ? `cold ${num(p.cold_MWh, 1)}, heat ${num(p.heat_MWh, 1)}` : `cold ${num(p.cold_MWh, 1)}`;
    out.push(`<tr><td>${esc(p.id)}</td><td class="num">${num(p.runningHours, 0)}</td><td class="num">${num(p.unitHours, 0)}</td><td>${o}&nbsp;MWh</td><td class="num">${num(p.fuel_MJ / 1000, 0)}&nbsp;GJ</td><td class="num">${num(p.electricity_kWh, 0)}&nbsp;kWh</td><td class="num">${num(p.auxiliary_kWh, 0)}&nbsp;kWh</td><td class="num">${num(p.primaryEnergy_GJ, 1)}&nbsp;GJ</td></tr>`);
  }
  out.push('</tbody></table>');
  out.push(`<h4>${esc(w.rules)}</h4><ol>${PRIORITY_RULES.map((r) => `<li>${esc(r)}</li>`).join('')}</ol>`);
  const q = n.parameters;
  out.push(`<h4>${esc(w.conduit)}</h4><ul>${CONDUIT_MODEL.map((r) => `<li>${esc(r)}</li>`).join('')}` +
    `<li>this network: ${num(q.pipeLength_m, 0)} m of pipe, design loss ${num(q.designLoss_kW, 1)} kW at supply/return ${num(q.supplyC, 1)}/${num(q.returnC, 1)} °C and ground ${num(q.designGroundC, 1)} °C; ` +
    `pumps: design pressure ${num(q.designPressurePa / 1000, 1)} kPa, design flow ${num(q.designFlowM3s, 4)} m³/s${q.coldDesignFlowM3s ? `; chilled water ${num(q.chilledSupplyC, 1)}/${num(q.chilledReturnC, 1)} °C, ${num((q.coldDesignPressurePa ?? 0) / 1000, 1)} kPa, ${num(q.coldDesignFlowM3s, 4)} m³/s` : ''}</li></ul>`);
  out.push(`<h4>${esc(w.terms)}</h4><p>${esc(f.definition)}; convention ${esc(f.convention)}; allocation: ${esc(f.allocationText)}</p>`);
  out.push(`<table><thead><tr><th>${esc(w.side)}</th><th>${esc(w.id)}</th><th>${esc(w.item)}</th><th>${esc(w.qty)}</th><th>${esc(w.factor)}</th><th>${esc(w.pe)}</th><th>${esc(w.source)}</th></tr></thead><tbody>`);
  for (const t of f.terms) {
    out.push(`<tr><td>${esc(t.side)}</td><td>${esc(t.plant ?? '—')}</td><td>${esc(t.item)}</td><td class="num">${num(t.quantity, 0)}&nbsp;${esc(t.unit)}</td><td class="num">${num(t.factor, 3)}&nbsp;MJ/${esc(t.unit === 'kWh' ? 'kWh' : 'MJ')}</td><td class="num">${num(t.primary_GJ, 1)}&nbsp;GJ</td><td>${esc(t.factorSource)}</td></tr>`);
  }
  out.push('</tbody></table>');
  out.push(`<h4>${esc(w.factors)}</h4><table><thead><tr><th></th><th>${esc(w.pe)}</th><th>${esc(w.sold)}</th><th>${esc(w.factor)}</th><th>COP (primary)</th></tr></thead><tbody>`);
  for (const sd of ['heat', 'cold', 'combined'] as const) {
    const x = f[sd];
    out.push(`<tr><td>${esc(sd)}</td><td class="num">${num(x.primary_GJ, 1)}&nbsp;GJ</td><td class="num">${num(x.sold_GJ, 1)}&nbsp;GJ</td><td class="num">${num(x.factor, 3)}&nbsp;kJ/kJ</td><td class="num">${num(x.copPrimary, 3)}</td></tr>`);
  }
  out.push(`<tr><td colspan="5">告示 265 default for heat bought from others: ${num(f.default, 2)} kJ/kJ</td></tr></tbody></table>`);
  if (f.chpCreditRange.length) {
    out.push(`<p>${esc(w.chp)}: ${f.chpCreditRange.map((r) => `${r.credit_MJ_per_kWh ?? 'none'} MJ/kWh: heat ${num(r.heat)}, combined ${num(r.combined)}`).map(esc).join('; ')}</p>`);
  }
  if (a.individual && a.individual.heat_MWh > 0) {
    out.push(`<h4>${esc(w.individual)}</h4><p>${num(a.individual.heat_MWh, 1)} MWh/a from ${esc(a.individual.fuel)} heaters (efficiency ${num(a.individual.efficiency, 2)}), fuel ${num(a.individual.fuel_MJ, 0)} MJ${a.individual.fuelUnits ? ` = ${num(a.individual.fuelUnits, 0)} ${esc(a.individual.fuelUnit)}` : ''}, primary energy ${num(a.individual.primaryEnergy_GJ, 1)} GJ, CO2 ${num(a.individual.co2_t, 1)} t; heatplan's variant (plant + heaters over all heat delivered): ${num(a.areaPrimaryEnergyPerHeat)} kJ/kJ</p>`);
  }
  out.push(`<h4>${esc(w.balance)}</h4><ul>` +
    `<li>heat: sold ${num(a.heatSold_MWh, 1)} + losses ${num(a.losses_MWh, 1)} + surplus ${num(a.surplus_MWh, 1)} = plants ${num(a.plantProduced_MWh, 1)} + storage out ${num(a.storageOut_MWh, 1)} − in ${num(a.storageIn_MWh, 1)} MWh/a</li>` +
    ((a.coldProduced_MWh ?? 0) > 0 || (a.coldDemand_MWh ?? 0) > 0
      ? `<li>cold: sold ${num(a.coldSold_MWh, 1)} + gains ${num(a.coldGains_MWh, 1)} = produced ${num(a.coldProduced_MWh, 1)} + storage out ${num(a.coldStorageOut_MWh, 1)} − in ${num(a.coldStorageIn_MWh, 1)} MWh/a; unmet ${num(a.coldUnmet_MWh, 1)} MWh/a in ${num(a.coldUnmetHours, 0)} h</li>`
      : '') +
    `<li>pumping ${num(a.pumping_kWh, 0)} kWh (heat)${a.coldPumping_kWh ? `, ${num(a.coldPumping_kWh, 0)} kWh (chilled water)` : ''}, auxiliaries ${num(a.auxiliary_kWh, 0)} kWh; hourly balances: ${esc(FILES.hourly)}, this sheet as CSV: ${esc(FILES.simSheet)}</li></ul>`);
  return out.join('');
}

/** The simulation's calculation-sheet section for the run in `dir` (empty without a sim.json carrying the factor terms). */
export function simSectionHtml(dir: string, m: Manifest, lang: Lang = 'en'): string {
  const file = join(dir, FILES.sim);
  if (!m.sim || !existsSync(file)) return '';
  let f: SimFile;
  try {
    f = JSON.parse(readFileSync(file, 'utf8')) as SimFile;
  } catch {
    return `<p class="missing">${esc(FILES.sim)} could not be read</p>`;
  }
  const c = f.cases?.[0];
  const nets = (c?.networks ?? []).filter((n) => n.factor);
  if (!nets.length) return '';
  const w = L[lang] ?? L.en;
  return `<section class="sim-sheet"><h2>${esc(w.title)}</h2><p>case ${esc(c!.id)}${c!.name ? ` (${esc(c!.name)})` : ''}</p>${nets.map((n) => networkHtml(n, w)).join('')}</section>`;
}
