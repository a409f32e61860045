/**
 * The run's summary for the panel: the key figures of every stage that ran first (demand, potentials, areas,
 * network, simulation and its cases, warnings), then every number of the manifest and sim.json, stage by stage, in
 * folded sections (nothing cut off: a city run's demand parameters alone are more than 60 rows).
 */
import type { RunData } from './data.js';
import { esc, fmt } from './format.js';
import { MANIFEST_CORE_KEYS, manifestEntry, type Manifest } from '../../engine/run/contract.js';

type Row = [string, string];
const num = (v: unknown, unit = '', digits = 1): string => (typeof v === 'number' && Number.isFinite(v) ? `${fmt(v, digits)}${unit ? ` ${esc(unit)}` : ''}` : '–');
const pct = (a: unknown, b: unknown): string => (typeof a === 'number' && typeof b === 'number' && b > 0 ? ` (${fmt((100 * a) / b, 1)} %)` : '');
const obj = (v: unknown): Record<string, any> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined);
const sumValues = (v: unknown): number => Object.values(obj(v) ?? {}).reduce((s: number, x) => s + (typeof x === 'number' ? x : 0), 0);

function table(rows: Row[], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('')}</table>`;
}

/** The figures a planner looks for first, per stage that ran. */
export function keyFigures(data: RunData): { title: string; rows: Row[] }[] {
  const m = (data.status.manifest ?? {}) as Partial<Manifest> & Record<string, any>;
  const out: { title: string; rows: Row[] }[] = [];
  const d = obj(m.demand);
  if (d)
    out.push({
      title: 'Heat demand',
      rows: [
        ['buildings', num(d.buildings, '', 0)],
        ['floor area', num(d.floorArea_m2, 'm²', 0)],
        ['annual heat demand', num(d.annualHeat_MWh, 'MWh/a', 0)],
        ['space heat / hot water', `${num(d.spaceHeat_MWh, '', 0)} / ${num(d.hotWater_MWh, 'MWh/a', 0)}`],
        ['design peak', num(d.peak_kW, 'kW', 0)],
        ['grid', d.grid ? `${num(d.cellSize_m, 'm', 0)} cells, ${num(obj(d.grid)?.cellsWithDemand, '', 0)} with demand` : '–'],
      ],
    });
  const p = obj(m.potential);
  if (p) {
    const rows: Row[] = [];
    for (const [k, v] of Object.entries(obj(p.sources) ?? {})) if (obj(v)?.given) rows.push([`${k.replace(/_/g, ' ')} potential`, `${num(v.kw, 'kW', 0)} in ${num(v.cellsCovered, '', 0)} cells`]);
    rows.push(['cells with a source within reach', `${num(p.cellsCovered, '', 0)} of ${num(p.cellsWithDemand, '', 0)}`]);
    const counts = obj(obj(p.suitability)?.counts);
    if (counts) rows.push(['suitability classes 0-4', Object.values(counts).map((c) => num(c, '', 0)).join(' / ')]);
    out.push({ title: 'Heat-source potentials (extractable heat)', rows });
  }
  const a = obj(m.areas);
  if (a)
    out.push({
      title: 'Supply areas',
      rows: [
        ['areas', `${num(a.count, '', 0)} (${esc(a.method ?? '')})`],
        ['demand in the areas', `${num(a.demand_MWh, 'MWh/a', 0)}${pct(a.demand_MWh, a.totalDemand_MWh)}`],
        ['cell threshold', num(a.cellThreshold_MWh_per_ha, 'MWh/(ha·a)', 0)],
        ['area threshold', num(a.areaThreshold_GWh, 'GWh/a', 1)],
      ],
    });
  const r = obj(m.route);
  if (r) {
    const dropped = obj(r.consumersDropped) ?? {};
    out.push({
      title: 'Network',
      rows: [
        ['consumers connected', num(r.consumers, '', 0)],
        ['consumers cut off', `${num(sumValues(dropped), '', 0)}${Object.keys(dropped).length ? ` (${Object.entries(dropped).map(([k, v]) => `${esc(k)} ${num(v, '', 0)}`).join(', ')})` : ''}`],
        ['connected demand', num(r.connectedDemand_MWh, 'MWh/a', 0)],
        ['trench length', num(r.trench_m, 'm', 0)],
        ["seed 003's kW/m (plant output / (2 x route length))", num(r.seedKwPerM, 'kW/m', 3)],
        ['design kW/m (heatplan variant: design load / (2 x route length))', num(r.designKwPerM ?? r.kwPerM, 'kW/m', 3)],
        ['annual heat per trench metre', num(r.mwhPerMA, 'MWh/(m·a)', 2)],
        ['thresholds', `${num(obj(r.thresholds)?.minKwPerM, 'kW/m', 2)}, ${num(obj(r.thresholds)?.minMwhPerMA, 'MWh/(m·a)', 2)}${typeof obj(r.thresholds)?.maxLossShare === 'number' ? `, loss share ≤ ${fmt(100 * obj(r.thresholds)!.maxLossShare, 1)} %` : ''}`],
        ['pruned by', esc((Array.isArray(obj(r.thresholds)?.pruneBy) ? obj(r.thresholds)!.pruneBy : ['design-kw-per-m']).join(', '))],
        ['heat loss (service pipes included)', `${num(r.loss_MWh_a, 'MWh/a', 0)}${typeof r.lossShare === 'number' ? ` (${fmt(100 * r.lossShare, 1)} %)` : ''}${typeof r.lossShareMains === 'number' ? `; mains only ${fmt(100 * r.lossShareMains, 1)} %` : ''}`],
        ['plants', Array.isArray(r.plants) ? r.plants.map((x: any) => `${esc(x.id)} ${x.capacity_kW ? num(x.capacity_kW, 'kW', 0) : '(location only)'}`).join(', ') : '–'],
      ],
    });
  }
  const s = obj(m.sim) ?? obj(obj(data.sim)?.summary);
  if (s) {
    const rows: Row[] = [
      ['case', esc(s.case ?? '–')],
      ['heat delivered', num(s.heatDelivered_MWh, 'MWh/a', 0)],
      ['heat produced', num(s.produced_MWh, 'MWh/a', 0)],
      ['network losses', `${num(s.losses_MWh, 'MWh/a', 0)}${pct(s.losses_MWh, s.produced_MWh)}`],
      ['surplus', num(s.surplus_MWh, 'MWh/a', 0)],
      ['backup heat', `${num(s.backup_MWh, 'MWh/a', 0)} in ${num(s.backupHours, 'h', 0)}`],
      ['unmet', num(s.unmetHours, 'h', 0)],
      ['primary energy', `${num(s.primaryEnergy_GJ, 'GJ/a', 0)}, factor ${num(s.primaryEnergyFactor, '', 2)}`],
      ['CO₂', num(s.co2_t, 't/a', 0)],
    ];
    out.push({ title: 'Simulation', rows });
    const cases = Array.isArray(s.cases) ? (s.cases as any[]) : [];
    if (cases.length > 1)
      out.push({
        title: 'Cases against case 0',
        rows: cases.map((c) => [
          `${c.id}${c.name ? `: ${c.name}` : ''}`,
          `surplus ${num(c.surplus_MJ_per_day, 'MJ/day', 0)} (${c.surplusChangePct >= 0 ? '+' : ''}${num(c.surplusChangePct, '%', 1)}); backup fuel ${num(c.backupFuel_MJ_per_day, 'MJ/day', 0)} (${c.backupFuelChange_MJ_per_day >= 0 ? '+' : ''}${num(c.backupFuelChange_MJ_per_day, 'MJ/day', 0)})`,
        ]),
      });
  }
  const pf = data.platform;
  if (pf) {
    const inForce = pf.guidelines.rules.filter((r) => r.applies);
    const rows: Row[] = [
      ['municipality', pf.municipality.names.length ? esc(pf.municipality.names.join(', ')) : 'not known (no rule in force)'],
      ...inForce.map((r): Row => {
        const n = pf.guidelines.counts[r.rule];
        return [`${r.rule} (${r.quantity} ${r.operator} ${fmt(r.threshold, 0)} ${r.unit})`, `${num(n?.buildings, '', 0)} buildings, ${num(n?.blocks, '', 0)} blocks, ${n?.areas === null ? '–' : num(n?.areas, '', 0)} areas; ${esc(r.guideline)}`];
      }),
      ...(pf.guidelines.areas ?? []).map((z): Row => [`area ${z.id}`, `${z.rules.length ? esc(z.rules.join(', ')) : 'no rule as an area'}; ${new Set(Object.values(z.buildings ?? {}).flat()).size} buildings meeting a rule; critical: ${esc((pf.critical.byArea?.[z.id] ?? []).join(', ') || '–')}`]),
      ['critical facilities', pf.critical.facilities.length ? esc(pf.critical.facilities.map((f) => `${f.name ?? f.id} (${f.role})`).join(', ')) : '–'],
    ];
    const res = pf.resilience;
    if (res)
      for (const n of res.networks)
        rows.push([
          `${res.outage.hours} h outage, ${n.case}/${n.network}`,
          `${n.facilities.map((f) => `${esc(f.id)} heat ${fmt(f.heatHours, 0)} h, power ${fmt(f.powerHours, 0)} h`).join('; ') || 'no critical facility on it'}; tank ${num(n.storage.energy_kWh, 'kWh', 0)}, water ${num(n.storage.water_m3, 'm³', 0)}`,
        ]);
    out.push({ title: 'Platform view: municipal guidelines and critical facilities', rows });
  }
  const warn: Row[] = [];
  for (const k of stageKeys(m)) {
    const w = obj(obj(m[k])?.warnings);
    for (const [c, n] of Object.entries(w ?? {})) warn.push([`${k}: ${c}`, num(n, '', 0)]);
  }
  if (warn.length) out.push({ title: 'Warnings (code and count)', rows: warn });
  return out;
}

/** Manifest keys holding a stage's summary, in the order of manifest.stages, then any others. */
function stageKeys(m: Record<string, any>): string[] {
  const stages: string[] = Array.isArray(m.stages) ? m.stages.filter((s: unknown) => typeof s === 'string') : [];
  const rest = Object.keys(m).filter((k) => !(MANIFEST_CORE_KEYS as readonly string[]).includes(k) && !stages.includes(k) && k !== 'stale' && obj(m[k]));
  return [...stages.filter((s) => obj(m[s])), ...rest];
}

/** Every leaf of `v` as 'a.b.c' rows: numbers formatted, short lists joined, long ones counted. */
function flat(prefix: string, v: unknown, out: Row[], depth = 0): void {
  if (typeof v === 'number') out.push([prefix, fmt(v, 2)]);
  else if (typeof v === 'string' || typeof v === 'boolean') out.push([prefix, esc(v)]);
  else if (v === null) out.push([prefix, '–']);
  else if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) {
      const shown = v.slice(0, 24).map((x) => (typeof x === 'number' ? fmt(x, 2) : esc(x)));
      out.push([prefix, `${shown.join(', ')}${v.length > 24 ? `, … (${v.length} items)` : ''}`]);
    } else if (depth < 6) v.slice(0, 50).forEach((x, i) => flat(`${prefix}[${i}]`, x, out, depth + 1));
    else out.push([prefix, `${v.length} items`]);
  } else if (v && typeof v === 'object') {
    if (depth >= 6) return void out.push([prefix, '…']);
    for (const [k, x] of Object.entries(v)) flat(prefix ? `${prefix}.${k}` : k, x, out, depth + 1);
  }
}

export function summaryHtml(data: RunData): string {
  const m = (data.status.manifest ?? {}) as Record<string, any>;
  const parts: string[] = [];
  const head: Row[] = [];
  const crs = m.crs;
  if (crs) head.push(['CRS', esc(`${crs.code} ${crs.name ?? ''}`)]);
  const stages: string[] = Array.isArray(m.stages) ? m.stages : [];
  if (stages.length) head.push(['stages', esc(stages.join(', '))]);
  for (const s of data.status.stale ?? []) head.push([`stale: ${s.stage}`, `older than the ${esc(s.since)} re-run; run <code>${esc(s.rerun)}</code>`]);
  if (data.status.manifestError) head.push(['manifest', `<span class="missing">${esc(data.status.manifestError)}</span>`]);
  parts.push(table(head));
  for (const g of keyFigures(data)) parts.push(`<h3>${esc(g.title)}</h3>${table(g.rows, 'key')}`);
  // every number, stage by stage
  const all: string[] = [];
  for (const k of stageKeys(m)) {
    const rows: Row[] = [];
    flat(k, manifestEntry(m as Manifest, k), rows);
    all.push(`<details data-stage="${esc(k)}"><summary>${esc(k)} (${rows.length})</summary>${table(rows)}</details>`);
  }
  if (data.sim) {
    const rows: Row[] = [];
    flat('sim.json', { weather: (data.sim as any).weather, cases: (data.sim as any).cases, warnings: (data.sim as any).warnings }, rows);
    all.push(`<details data-stage="sim.json"><summary>sim.json (${rows.length})</summary>${table(rows)}</details>`);
  }
  if (Array.isArray(m.inputs) && m.inputs.length) {
    const rows: Row[] = m.inputs.map((i: any) => [String(i.role ?? ''), `${esc(i.path)} (${fmt(i.bytes, 0)} bytes)`]);
    all.push(`<details data-stage="inputs"><summary>input files (${rows.length})</summary>${table(rows)}</details>`);
  }
  if (all.length) parts.push(`<h3>All figures</h3>${all.join('')}`);
  return parts.join('');
}
