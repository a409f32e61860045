/** Hover text: the numbers of what is under the cursor and where they came from. */
import type { PickingInfo } from '@deck.gl/core';
import type { NetworkData, RoadsData, RunData } from './data.js';
import { buildingRow, isBuildingsLayer } from './layers/buildings.js';
import { netColumn, pathRow, pipeLoadKw } from './layers/network.js';
import { networkOfLayer } from './layers/network-lod.js';
import { roadsOfLayer } from './layers/roads-lod.js';
import { roadRow } from './layers/roads.js';
import { esc, fmt, rows } from './format.js';
import { pickedCell } from './layers/grid-image.js';
import { BUILDING_ARRAYS, GRID_ARRAYS, NETWORK_ARRAYS, ROAD_ARRAYS, type BuildingCode, type BuildingNumber, type NetworkPointKind } from '../../engine/viewer/pack/format.js';
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
  if (isBuildingsLayer(id) && data.buildings) {
    const b = data.buildings;
    const r = buildingRow(b, info.index, id);
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
  // a city's network: a chunk's layer reads its own chunk (layers/network-lod.ts)
  const { base, net } = networkOfLayer(data, id);
  if (net && (base === 'network' || base === 'network-services' || base === 'consumers' || base === 'dropped' || base === 'plants')) return networkTip(net, base, info.index, hourFactor, hour);
  // the road graph, whole or a city's chunk (layers/roads-lod.ts): the picked path's row in the packed columns
  const roads = roadsOfLayer(data, id);
  if (roads) return roadTip(roads, info.index);
  const p = (info.object as any)?.properties;
  if (!p) return null;
  if (id === 'water') return `<b>water ${esc(p.id)}</b>` + rows([['from', esc((data.water?.properties as any)?.files?.[p.file] ?? 'river input')]]);
  // blocks, areas: every numeric/text property as found
  const pairs = Object.entries(p)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .slice(0, 12)
    .map(([k, v]) => [k, typeof v === 'number' ? fmt(v, 2) : esc(v)] as [string, string]);
  return `<b>${esc(id)}</b>` + rows(pairs);
}

/** An integer of the binary network (id, DN, branch) as written in the file; '–' where the feature has none (NaN). */
const int = (x: number): string => (Number.isNaN(x) ? '–' : String(x));

/** Hover text of a road segment: roads.geojson's edge, nodes, length and component (RoadProperties), from the packed columns. */
function roadTip(r: RoadsData, index: number): string | null {
  if (index < 0 || index >= r.meta.paths) return null;
  const row = roadRow(r, index);
  const n = (col: string) => (r.arrays[ROAD_ARRAYS.number(col)] as Float32Array | Float64Array)[row]!;
  const component = n('component');
  return `<b>road edge ${esc(int(n('edge')))}</b>` + rows([
    ['from node', esc(int(n('from')))],
    ['to node', esc(int(n('to')))],
    ['length', `${fmt(n('length_m'), 2)} m`],
    ...(Number.isNaN(component) ? [] : [['component', esc(int(component))] as [string, string]]),
  ]);
}

/**
 * Hover text of a network layer: the picked path's or point's row looked up in the packed columns (GET
 * /api/network.bin), index by index.
 */
function networkTip(net: NetworkData, id: string, index: number, hourFactor: number, hour: number): string | null {
  if (id === 'network-services') {
    const r = pathRow(net, 'service', index);
    const c = (net.arrays[NETWORK_ARRAYS.serviceConsumer] as Int32Array)[r]!;
    const consumer = c >= 0 ? net.meta.ids.consumer[c] : net.meta.serviceConsumerIds[String(r)];
    const dn = netColumn(net, 'service', 'DN')[r]!;
    return `<b>service line</b>` + rows([
      ['consumer', esc(consumer ?? '–')],
      ['length', `${fmt(netColumn(net, 'service', 'length_m')[r]!)} m`],
      ...(Number.isNaN(dn) ? [] : [['DN', esc(int(dn))] as [string, string]]),
    ]);
  }
  if (id === 'network') {
    const r = pathRow(net, 'pipe', index);
    const n = (col: string) => netColumn(net, 'pipe', col)[r]!;
    const share = n('loss_share');
    const coolDn = n('cool_DN');
    const text = net.meta.pipeText;
    const idOf = (col: 'id' | 'branch') => text[col][String(r)] ?? int(n(col));
    return `<b>pipe ${esc(idOf('id'))}</b>` + rows([
      ['DN', esc(int(n('DN')))],
      ...(Number.isNaN(coolDn) ? [] : [['chilled-water DN', esc(int(coolDn))] as [string, string]]),
      ['design load', `${fmt(n('design_kW'))} kW`],
      [`load at hour ${hour}`, `${fmt(pipeLoadKw(n('design_kW'), hourFactor))} kW`],
      ['linear density', `${fmt(n('kw_per_m'), 3)} kW/m`],
      ['annual', `${fmt(n('mwh_per_m_a'), 2)} MWh/(m·a)`],
      ['heat loss', `${fmt(n('loss_W_per_m'))} W/m, ${fmt(n('loss_MWh_a'))} MWh/a`],
      ...(Number.isNaN(share) ? [] : [['loss share downstream', `${fmt(share * 100, 1)} %`] as [string, string]]),
      ['length', `${fmt(n('length_m'))} m`],
      ['velocity', `${fmt(n('velocity_m_s'), 2)} m/s`],
      ['branch', esc(idOf('branch'))],
    ]);
  }
  const kind: NetworkPointKind = id === 'consumers' ? 'consumer' : id === 'dropped' ? 'dropped' : 'plant';
  if (index < 0 || index >= net.meta.counts[kind]) return null;
  const n = (col: string) => netColumn(net, kind, col)[index]!;
  const code = (col: string): string => {
    const dict = (net.meta.dictionaries[kind] as Record<string, string[]>)[col] ?? [];
    return dict[(net.arrays[NETWORK_ARRAYS.code(kind, col)] as Uint16Array)[index]!] ?? '';
  };
  const pid = esc(net.meta.ids[kind][index] ?? '');
  if (kind === 'consumer')
    return `<b>consumer ${pid}</b>` + rows([
      ['use', esc(code('use'))],
      ['floor area', `${fmt(n('floorArea_m2'))} m²`],
      ['heat demand', `${fmt(n('heat_MWh'))} MWh/a`],
      ['peak load', `${fmt(n('peak_kW'))} kW`],
      [`load at hour ${hour}`, `${fmt((n('peak_kW') || 0) * hourFactor)} kW`],
      ['service line', `${fmt(n('service_m'))} m`],
    ]);
  if (kind === 'dropped')
    return `<b>cut off: ${pid}</b>` + rows([['use', esc(code('use'))], ['heat demand', `${fmt(n('heat_MWh'))} MWh/a`], ['peak load', `${fmt(n('peak_kW'))} kW`], ['reason', esc(code('reason'))]]);
  return `<b>plant ${pid}</b>` + rows([['type', esc(code('type'))], ['capacity', `${fmt(n('capacity_kW'))} kW`], ['fuel', esc(code('fuel') || '–')]]);
}
