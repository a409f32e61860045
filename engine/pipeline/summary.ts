/** One line of key figures per finished stage, read from the run folder's manifest (the stages' own summaries). */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Manifest } from '../io/run-folder.js';
import { displayPath } from './load.js';
import type { Step } from './plan.js';

const n0 = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '?');
const n2 = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '?');
type Rec = Record<string, any>;

export function stageLine(step: Step, manifest: Manifest | undefined, out: string): string {
  const m = (manifest ?? {}) as Rec;
  switch (step.stage) {
    case 'demand': {
      const d: Rec = m.demand ?? {};
      return `${n0(d.buildings)} buildings, ${n0(d.floorArea_m2)} m² floor area, ${n0(d.annualHeat_MWh)} MWh/a, peak ${n0(d.peak_kW)} kW; ${d.grid?.width ?? '?'}x${d.grid?.height ?? '?'} cells of ${n0(d.cellSize_m)} m in ${d.crs ?? m.crs?.code ?? '?'}`;
    }
    case 'potential': {
      const p: Rec = m.potential ?? {};
      const src = Object.entries((p.kwBySource ?? {}) as Record<string, number | null>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k} ${n0(v)} kW`)
        .join(', ');
      return `${src || 'no source'}; ${n0(p.cellsCovered)} of ${n0(p.cellsWithDemand)} demand cells within reach of a source`;
    }
    case 'areas': {
      const a: Rec = m.areas ?? {};
      return `${n0(a.count)} area(s) (${a.method ?? '?'}), ${n0(a.demand_MWh)} of ${n0(a.totalDemand_MWh)} MWh/a inside`;
    }
    case 'route': {
      const r: Rec = m.route ?? {};
      return `${n0(r.consumers)} consumers, ${n0(r.connectedDemand_MWh)} MWh/a connected; trench ${n0(r.trench_m)} m, ${n2(r.kwPerM)} kW/m, ${n2(r.mwhPerMA)} MWh/(m·a), loss share ${n2(100 * r.lossShare)} %`;
    }
    case 'simulate': {
      const s: Rec = m.sim ?? {};
      const cases = Array.isArray(s.cases) ? `; ${s.cases.length} case(s)` : '';
      return `delivered ${n0(s.heatDelivered_MWh)} MWh, losses ${n0(s.losses_MWh)} MWh, surplus ${n0(s.surplus_MWh)} MWh, backup ${n0(s.backup_MWh)} MWh, PE factor ${n2(s.primaryEnergyFactor)}${cases}`;
    }
    case 'report':
    case 'map': {
      const file = outputFile(step, out);
      return file && existsSync(file) ? `wrote ${displayPath(file)} (${n0(statSync(file).size / 1024)} KiB)` : 'done';
    }
  }
}

/** The file a report or map step wrote: its --out, else the command's default in the run folder. */
function outputFile(step: Step, out: string): string | undefined {
  const i = step.argv.indexOf('--out');
  if (i >= 0) return resolve(step.argv[i + 1]!);
  if (step.stage === 'report') return join(out, 'report.html');
  const f = step.argv.indexOf('--format');
  const fmt = f >= 0 ? step.argv[f + 1] : 'pdf';
  return join(out, `map.${fmt}`);
}
