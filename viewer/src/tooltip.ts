/** Hover text: the numbers of what is under the cursor and where they came from. */
import type { PickingInfo } from '@deck.gl/core';
import type { RunData } from './data.js';
import { buildingRow } from './layers/buildings.js';
import { pipeLoadKw } from './layers/network.js';
import { esc, fmt, rows } from './format.js';
import { pickedCell } from './layers/grid-image.js';
import { BUILDING_ARRAYS, GRID_ARRAYS, type BuildingCode, type BuildingNumber } from '../../engine/viewer/pack/format.js';
import { DEMAND_BAND, FILES } from '../../engine/run/contract.js';
import { DEMAND_3D_ID } from './layers/demand-grid.js';
import { isSuitabilityBand, suitabilityLabels } from './layers/scales.js';

/** How floorAreaSource values were derived (engine/buildings floor-area rules). */
export const FLOOR_AREA_RULES: Record<string, string> = {
  given: 'given in the source data',
  storeys: 'footprint × storeys',
  height: 'footprint × storeys estimated from height',
  default: 'footprint × default storeys for the use (assumption)',
};

export function describe(info: PickingInfo, data: RunData, hourFactor: number, hour: number): string | null {
  const layerId = info.layer?.id ?? '';
  // the extruded grid is the same data as the flat one
  const id = layerId === DEMAND_3D_ID ? 'demand' : layerId;
  const isGrid = id === 'demand' || id.startsWith('potential-');
  if (info.index < 0 && !isGrid) return null;
  if (id === 'buildings' && data.buildings) {
    const b = data.buildings;
    const r = buildingRow(b, info.index);
    const n = (k: BuildingNumber) => (b.arrays[BUILDING_ARRAYS.number(k)] as Float32Array)[r];
    const c = (k: BuildingCode) => b.meta.dictionaries[k][(b.arrays[BUILDING_ARRAYS.code(k)] as Uint16Array)[r]!] ?? '';
    const src = c('floorAreaSource');
    return `<b>building ${esc(b.meta.ids[r])}</b>` + rows([
      ['use', `${esc(c('use'))} (code ${esc(c('useCode') || '–')})`],
      ['floor area', `${fmt(n('floorArea_m2'))} m²`],
      ['floor area from', esc(FLOOR_AREA_RULES[src] ?? src)],
      ['storeys', fmt(n('storeys'))],
      ['footprint', `${fmt(n('footprint_m2'))} m²`],
      ['space heat', `${fmt(n('spaceHeat_MWh'))} MWh/a`],
      ['hot water', `${fmt(n('hotWater_MWh'))} MWh/a`],
      ['heat demand', `${fmt(n('heat_MWh'))} MWh/a`],
      ['peak load', `${fmt(n('peak_kW'))} kW`],
    ]);
  }
  if ((id === 'demand' || id.startsWith('potential-')) && (id === 'demand' ? data.demand : data.potential)) {
    const g = (id === 'demand' ? data.demand : data.potential)!;
    // a BitmapLayer pick gives the image pixel; a GridCellLayer pick the shipped cell's index
    const k = (info as { bitmap?: unknown }).bitmap ? pickedCell(g, info as never) : info.index;
    if (k < 0) return null;
    const cell = (g.arrays[GRID_ARRAYS.cell] as Uint32Array)[k]!;
    const col = cell % g.meta.width;
    const row = (cell - col) / g.meta.width;
    const ha = (g.meta.cellSizeM * g.meta.cellSizeM) / 10_000;
    const suit = id === 'demand' ? [] : suitabilityLabels(data);
    const pairs: [string, string][] = g.meta.bands.map((bd, j) => {
      const v = (g.arrays[GRID_ARRAYS.band(j)] as Float32Array)[k]!;
      if (id !== 'demand' && isSuitabilityBand(data, j)) return [bd.name, `${fmt(v, 0)}: ${esc(suit.find((c) => c.value === Math.round(v))?.label ?? '')}`];
      return [bd.name, `${fmt(v)} ${esc(bd.unit)}`];
    });
    if (id === 'demand' && g.meta.bands.length > 1) pairs.push(['density', `${fmt((g.arrays[GRID_ARRAYS.band(DEMAND_BAND.annualHeat)] as Float32Array)[k]! / ha)} MWh/(ha·a)`]);
    pairs.push(['cell', `col ${col}, row ${row} (${g.meta.cellSizeM} m, ${esc(g.meta.crs)})`]);
    return `<b>${id === 'demand' ? FILES.demand : FILES.potential} cell</b>` + rows(pairs);
  }
  if (id === 'platform-guideline' && info.object) {
    const o = info.object as any;
    return `<b>guideline: building ${esc(o.id)}</b>` + rows([['floor area', `${fmt(o.floorArea_m2)} m²`], ['rules met', esc(o.rules.join(', '))]]);
  }
  if (id === 'platform-critical' && info.object) {
    const o = info.object as any;
    const res = data.platform?.resilience?.networks.flatMap((n) => n.facilities.filter((f) => f.id === o.id).map((f) => `${esc(n.case)}/${esc(n.network)}: heat ${fmt(f.heatHours, 0)} h, power ${fmt(f.powerHours, 0)} h of ${fmt(n.hours, 0)} h`)) ?? [];
    return `<b>critical facility ${esc(o.name ? `${o.name} (${o.id})` : o.id)}</b>` + rows([['role', esc(o.role)], ...(res.length ? [['outage', res.join('<br>')] as [string, string]] : [])]);
  }
  const p = (info.object as any)?.pipe?.properties ?? (info.object as any)?.properties;
  if (!p) return null;
  if (id === 'network' || id === 'network-services') {
    if (p.kind === 'service') return `<b>service line</b>` + rows([['consumer', esc(p.consumer)], ['length', `${fmt(p.length_m)} m`]]);
    return `<b>pipe ${esc(p.id)}</b>` + rows([
      ['DN', esc(p.DN)],
      ['design load', `${fmt(p.design_kW)} kW`],
      [`load at hour ${hour}`, `${fmt(pipeLoadKw({ properties: p } as any, hourFactor))} kW`],
      ['linear density', `${fmt(p.kw_per_m, 3)} kW/m`],
      ['annual', `${fmt(p.mwh_per_m_a, 2)} MWh/(m·a)`],
      ['heat loss', `${fmt(p.loss_W_per_m)} W/m, ${fmt(p.loss_MWh_a)} MWh/a`],
      ['length', `${fmt(p.length_m)} m`],
      ['velocity', `${fmt(p.velocity_m_s, 2)} m/s`],
      ['branch', esc(p.branch ?? '–')],
    ]);
  }
  if (id === 'consumers')
    return `<b>consumer ${esc(p.id)}</b>` + rows([
      ['use', esc(p.use)],
      ['floor area', `${fmt(p.floorArea_m2)} m²`],
      ['heat demand', `${fmt(p.heat_MWh)} MWh/a`],
      ['peak load', `${fmt(p.peak_kW)} kW`],
      [`load at hour ${hour}`, `${fmt((Number(p.peak_kW) || 0) * hourFactor)} kW`],
      ['service line', `${fmt(p.service_m)} m`],
    ]);
  if (id === 'dropped')
    return `<b>cut off: ${esc(p.id)}</b>` + rows([['use', esc(p.use)], ['heat demand', `${fmt(p.heat_MWh)} MWh/a`], ['peak load', `${fmt(p.peak_kW)} kW`], ['reason', esc(p.reason)]]);
  if (id === 'plants')
    return `<b>plant ${esc(p.id)}</b>` + rows([['type', esc(p.type)], ['capacity', `${fmt(p.capacity_kW)} kW`], ['fuel', esc(p.fuel ?? '–')]]);
  if (id === 'water') return `<b>water ${esc(p.id)}</b>` + rows([['from', esc((data.water?.properties as any)?.files?.[p.file] ?? 'river input')]]);
  // blocks, areas, roads: every numeric/text property as found
  const pairs = Object.entries(p)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .slice(0, 12)
    .map(([k, v]) => [k, typeof v === 'number' ? fmt(v, 2) : esc(v)] as [string, string]);
  return `<b>${esc(id)}</b>` + rows(pairs);
}
