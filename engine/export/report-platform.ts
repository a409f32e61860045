/**
 * The report's platform section (issue 19, seed 000's platform view): the municipal DHC guideline rules in force with
 * their guideline, office and source; buildings, blocks and areas meeting them, per rule and per area; the what-if of
 * other municipalities' rules (with --compare-guidelines); the critical facilities per area; and, once simulate ran the
 * grid outage, the hours each critical facility keeps heat (and, with CHP, power) and the heat-storage tank water m³.
 * Read from platform.json (engine/run/contract.ts PlatformFile); all text from the run is escaped.
 */
import { readFileSync } from 'node:fs';
import type { Manifest, PlatformFile, ZoneResult } from '../run/contract.js';
import { hasRunFile, runFile } from '../run/read.js';
import { escapeXml } from './map/render-svg.js';
import { fmt } from './report-summary.js';
import type { Lang } from './i18n.js';

const esc = (v: unknown): string => escapeXml(String(v));

/** platform.json of the run, or undefined when the potential stage did not write one (or it cannot be read). */
export function readPlatformFile(dir: string): PlatformFile | undefined {
  if (!hasRunFile(dir, 'platform')) return undefined;
  try {
    const p = JSON.parse(readFileSync(runFile(dir, 'platform'), 'utf8')) as PlatformFile;
    return p && typeof p === 'object' && p.guidelines && p.critical ? p : undefined;
  } catch {
    return undefined;
  }
}

const T = {
  en: {
    title: 'Platform view: municipal guidelines and critical facilities',
    intro: "Seed 000 (JHSBA, 2026): municipalities ask developments above a floor-area size to consider district heating and cooling; networks with CHP and storage keep critical facilities supplied in an outage. Rules from the guideline table",
    municipality: 'Municipality of the run',
    unknownMunicipality: 'not known from the data (no rule is in force; give --municipality)',
    rules: 'Guideline rules',
    rule: 'Rule',
    city: 'Municipality',
    guideline: 'Guideline (office)',
    kind: 'Kind',
    threshold: 'Threshold',
    inForce: 'In force',
    whatIfOnly: 'what-if only',
    notInForce: 'not in force here',
    yes: 'in force',
    source: 'Source',
    flagged: 'Buildings, blocks and areas meeting a rule in force',
    buildings: 'Buildings',
    blocks: 'Blocks',
    areas: 'Areas',
    noneInForce: 'No rule of the table is in force for this run’s municipality.',
    perArea: 'Per supply area',
    area: 'Area',
    floor: 'Floor area',
    rulesMet: 'Development rules the area meets',
    buildingsMeeting: 'Buildings inside meeting a rule',
    critical: 'Critical facilities',
    whatIf: 'What-if: other municipalities’ rules applied here (--compare-guidelines)',
    facility: 'Facility',
    role: 'Role',
    use: 'Use',
    heat: 'Annual heat',
    peak: 'Peak',
    noCritical: 'No critical facility found (use codes or a user list).',
    resilience: 'Resilience: grid outage',
    outage: (h: number, start: number) => `${h} h grid outage from hour ${start} of the year`,
    noResilience: 'No outage simulated yet (simulate writes it for a network with CHP or storage).',
    network: 'Case / network',
    chp: 'CHP',
    tank: 'Heat storage',
    water: 'Tank water (fire-fighting and daily use)',
    heatHours: 'Hours with heat',
    powerHours: 'Hours with power',
    unmet: 'Heat not supplied',
    pumped: 'Hours the network could pump',
    dash: '–',
  },
  ja: {
    title: '地域の熱プラットフォーム：自治体の指針と重要施設',
    intro: 'seed 000（日本熱供給事業協会, 2026）：自治体は一定規模以上の開発に地域冷暖房の検討を求め、CHP と蓄熱槽を持つ配管網は停電時に重要施設へ供給を続ける。指針の表',
    municipality: 'ランの自治体',
    unknownMunicipality: 'データから判明せず（適用される基準なし。--municipality で指定）',
    rules: '指針の基準',
    rule: '基準',
    city: '自治体',
    guideline: '指針（担当）',
    kind: '種類',
    threshold: 'しきい値',
    inForce: '適用',
    whatIfOnly: '比較のみ',
    notInForce: '適用外',
    yes: '適用',
    source: '出典',
    flagged: '適用される基準を満たす建物・街区・区域',
    buildings: '建物',
    blocks: '街区',
    areas: '区域',
    noneInForce: 'このランの自治体に適用される基準は表にありません。',
    perArea: '供給区域ごと',
    area: '区域',
    floor: '延床面積',
    rulesMet: '区域が満たす開発基準',
    buildingsMeeting: '基準を満たす区域内の建物',
    critical: '重要施設',
    whatIf: '比較：他自治体の基準をここに当てはめた場合（--compare-guidelines）',
    facility: '施設',
    role: '役割',
    use: '用途',
    heat: '年間熱需要',
    peak: 'ピーク',
    noCritical: '重要施設なし（用途コードまたは利用者の一覧から）。',
    resilience: 'レジリエンス：系統停電',
    outage: (h: number, start: number) => `年初から ${start} 時間目に始まる ${h} 時間の系統停電`,
    noResilience: '停電の計算はまだありません（simulate が CHP または蓄熱槽のある配管網で書きます）。',
    network: 'ケース／配管網',
    chp: 'CHP',
    tank: '蓄熱槽',
    water: '蓄熱槽の水量（消防用水・生活用水）',
    heatHours: '熱を供給できた時間',
    powerHours: '電力を供給できた時間',
    unmet: '供給できなかった熱',
    pumped: '配管網のポンプを動かせた時間',
    dash: '–',
  },
};

const td = (x: string, num = false) => `<td${num ? ' class="num"' : ''}>${x}</td>`;
const th = (x: string) => `<th>${esc(x)}</th>`;
const tbl = (cls: string, head: string[], rows: string[]) => (rows.length ? `<table class="${cls}"><thead><tr>${head.map(th).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>` : '');
const list = (xs: string[], n = 8) => esc(xs.slice(0, n).join(', ') + (xs.length > n ? `, … (${xs.length})` : ''));

/** Unique building ids of a zone's per-rule lists. */
const zoneBuildings = (z: ZoneResult, rules?: Set<string>): string[] => [...new Set(Object.entries(z.buildings ?? {}).filter(([r]) => !rules || rules.has(r)).flatMap(([, ids]) => ids))];

/** The platform section of report.html ('' when the run has no platform.json). */
export function platformSectionHtml(dir: string, m: Manifest, lang: Lang): string {
  const p = readPlatformFile(dir);
  if (!p) return '';
  const t = T[lang];
  const ja = lang === 'ja';
  const g = p.guidelines;
  const out: string[] = [`<section class="platform" id="platform"><h2>${esc(t.title)}</h2>`];
  out.push(`<p class="muted">${esc(t.intro)} <code>${esc(String(p.options?.guidelines ?? '').split('/').slice(-2).join('/'))}</code>.</p>`);
  const names = p.municipality?.names?.length ? `${p.municipality.names.join(', ')} (${p.municipality.codes.join(', ')}; ${p.municipality.how})` : t.unknownMunicipality;
  out.push(`<p>${esc(t.municipality)}: <strong>${esc(names)}</strong></p>`);
  const inForce = g.rules.filter((r) => r.applies);
  const compare = !!p.options?.compareGuidelines;
  // rules: those in force first, then the others (what-if with compare, else not in force)
  const rules = [...inForce, ...g.rules.filter((r) => !r.applies)];
  out.push(`<h3>${esc(t.rules)}</h3>`);
  out.push(
    tbl(
      'platform-rules',
      [t.rule, t.city, t.guideline, t.kind, t.threshold, t.inForce, t.source],
      rules.map(
        (r) =>
          `<tr data-rule="${esc(r.rule)}">${td(`<code>${esc(r.rule)}</code>`)}${td(esc(ja ? r.municipalityJa || r.municipality : r.municipality))}${td(`${esc(r.guideline)}${r.office ? ` <span class="muted">(${esc(r.office)})</span>` : ''}`)}${td(esc(`${r.kind}${r.use !== 'all' ? `, ${r.use}` : ''}`))}${td(`${esc(r.quantity)} ${esc(r.operator)} ${esc(fmt(r.threshold))}&nbsp;${esc(r.unit)}`, true)}${td(r.applies ? `<span class="ok">${esc(t.yes)}</span>` : `<span class="muted">${esc(compare ? t.whatIfOnly : t.notInForce)}</span>`)}${td(`<span class="muted">${esc(r.source)}</span>`)}</tr>`,
      ),
    ),
  );
  // flagged counts per rule in force
  out.push(`<h3>${esc(t.flagged)}</h3>`);
  if (!inForce.length) out.push(`<p class="muted">${esc(t.noneInForce)}</p>`);
  else {
    const c = (n: number | null | undefined) => (n === null || n === undefined ? t.dash : esc(fmt(n)));
    out.push(
      tbl(
        'platform-counts',
        [t.rule, t.buildings, t.blocks, t.areas],
        inForce.map((r) => {
          const n = g.counts[r.rule];
          return `<tr data-rule="${esc(r.rule)}">${td(`<code>${esc(r.rule)}</code>`)}${td(c(n?.buildings), true)}${td(c(n?.blocks), true)}${td(c(n?.areas), true)}</tr>`;
        }),
      ),
    );
  }
  // per area: the rules met, the buildings inside meeting one, the critical facilities
  const areas = g.areas ?? [];
  if (areas.length) {
    const byArea = p.critical.byArea ?? {};
    out.push(`<h3>${esc(t.perArea)}</h3>`);
    out.push(
      tbl(
        'platform-areas',
        [t.area, t.floor, t.rulesMet, t.buildingsMeeting, t.critical],
        areas.map((z) => {
          const ids = zoneBuildings(z);
          const crit = byArea[z.id] ?? [];
          return `<tr data-area="${esc(z.id)}">${td(esc(z.id))}${td(`${esc(fmt(z.floorArea_m2))}&nbsp;m²`, true)}${td(z.rules.length ? z.rules.map((r) => `<code>${esc(r)}</code>`).join(', ') : t.dash)}${td(ids.length ? `${esc(fmt(ids.length))}: ${list(ids)}` : t.dash)}${td(crit.length ? list(crit) : t.dash)}</tr>`;
        }),
      ),
    );
  }
  // the what-if
  if (compare) {
    const rows = Object.entries(g.counts)
      .filter(([, n]) => n.whatIf && (n.whatIf.buildings || n.whatIf.blocks || n.whatIf.areas))
      .map(([rule, n]) => `<tr data-rule="${esc(rule)}">${td(`<code>${esc(rule)}</code>`)}${td(esc(fmt(n.whatIf!.buildings)), true)}${td(esc(fmt(n.whatIf!.blocks)), true)}${td(n.whatIf!.areas === null ? t.dash : esc(fmt(n.whatIf!.areas)), true)}</tr>`);
    out.push(`<h3>${esc(t.whatIf)}</h3>`, rows.length ? tbl('platform-whatif', [t.rule, t.buildings, t.blocks, t.areas], rows) : `<p class="muted">${esc(t.dash)}</p>`);
  }
  // critical facilities
  out.push(`<h3>${esc(t.critical)}</h3>`);
  const fac = p.critical.facilities;
  out.push(
    fac.length
      ? tbl(
          'platform-critical',
          [t.facility, t.role, t.use, t.floor, t.heat, t.peak],
          fac.map((f) => `<tr data-facility="${esc(f.id)}">${td(esc(f.name ? `${f.name} (${f.id})` : f.id))}${td(esc(f.role))}${td(esc(f.use))}${td(`${esc(fmt(f.floorArea_m2))}&nbsp;m²`, true)}${td(`${esc(fmt(f.heat_MWh))}&nbsp;MWh/a`, true)}${td(`${esc(fmt(f.peak_kW))}&nbsp;kW`, true)}</tr>`),
        ) + `<p class="muted">${esc(p.critical.source)}</p>`
      : `<p class="muted">${esc(t.noCritical)}</p>`,
  );
  // resilience
  out.push(`<h3>${esc(t.resilience)}</h3>`);
  const res = p.resilience;
  if (!res) out.push(`<p class="muted">${esc(t.noResilience)}</p>`);
  else {
    const o = res.outage;
    const stock = Object.entries(o.fuelStockHours_h ?? {}).map(([k, x]) => `${k} ${x === 'unlimited' ? 'unlimited' : `${fmt(x)} h`}`);
    out.push(`<p>${esc(t.outage(o.hours, o.startHour))}${stock.length ? `; ${esc(ja ? '燃料備蓄' : 'fuel stock')}: ${esc(stock.join(', '))}` : ''}</p>`);
    for (const n of res.networks) {
      out.push(
        `<table class="figures platform-resilience" data-network="${esc(`${n.case}/${n.network}`)}"><tbody>` +
          `<tr><th>${esc(t.network)}</th><td>${esc(`${n.case} / ${n.network}`)}</td></tr>` +
          `<tr><th>${esc(t.chp)}</th><td>${esc(n.chp ? (ja ? 'あり' : 'yes') : ja ? 'なし' : 'no')}</td></tr>` +
          `<tr><th>${esc(t.tank)}</th><td class="num">${esc(fmt(n.storage.energy_kWh))}&nbsp;kWh</td></tr>` +
          `<tr><th>${esc(t.water)}</th><td class="num">${n.storage.water_m3 === null ? t.dash : `${esc(fmt(n.storage.water_m3))}&nbsp;m³`}${n.storage.dT_K !== null ? ` <span class="muted">(ΔT ${esc(fmt(n.storage.dT_K))} K)</span>` : ''}</td></tr>` +
          `<tr><th>${esc(t.pumped)}</th><td class="num">${esc(fmt(n.pumpedHours))} / ${esc(fmt(n.hours))}&nbsp;h</td></tr>` +
          '</tbody></table>',
      );
      out.push(
        tbl(
          'platform-outage',
          [t.facility, t.role, t.heatHours, t.powerHours, t.unmet],
          n.facilities.map((f) => `<tr data-facility="${esc(f.id)}">${td(esc(f.id))}${td(esc(f.role))}${td(`${esc(fmt(f.heatHours))} / ${esc(fmt(n.hours))}&nbsp;h`, true)}${td(`${esc(fmt(f.powerHours))} / ${esc(fmt(n.hours))}&nbsp;h`, true)}${td(`${esc(fmt(f.unmet_kWh))}&nbsp;kWh`, true)}</tr>`),
        ),
      );
    }
  }
  void m;
  out.push('</section>');
  return out.join('');
}
