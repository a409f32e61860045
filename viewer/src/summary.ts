/** The run's summary for the panel: stages, CRS, the manifest's per-stage numbers and sim.json's totals. */
import type { RunData } from './data.js';
import { esc, fmt } from './format.js';

function flat(prefix: string, v: unknown, out: [string, string][], depth = 0): void {
  if (out.length > 60) return;
  if (typeof v === 'number') out.push([prefix, fmt(v, 2)]);
  else if (typeof v === 'string' || typeof v === 'boolean') out.push([prefix, esc(v)]);
  else if (v && typeof v === 'object' && !Array.isArray(v) && depth < 2)
    for (const [k, x] of Object.entries(v)) flat(prefix ? `${prefix}.${k}` : k, x, out, depth + 1);
}

export function summaryHtml(data: RunData): string {
  const m = data.status.manifest ?? {};
  const pairs: [string, string][] = [];
  const crs = (m as any).crs;
  if (crs) pairs.push(['CRS', esc(`${crs.code} ${crs.name ?? ''}`)]);
  const stages: string[] = Array.isArray((m as any).stages) ? (m as any).stages : [];
  if (stages.length) pairs.push(['stages', esc(stages.join(', '))]);
  for (const s of stages) flat(s, (m as any)[s], pairs);
  if (data.sim) flat('sim', data.sim, pairs);
  if (data.status.manifestError) pairs.push(['manifest', `<span class="missing">${esc(data.status.manifestError)}</span>`]);
  return `<table>${pairs.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('')}</table>`;
}
