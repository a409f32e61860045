/**
 * The switchable layers, each built by its own file, in the panel's order; DRAW_ORDER says which is drawn on top
 * (the base layers, water and roads, under the areas and buildings).
 */
import type { Layer } from '@deck.gl/core';
import type { LayerContext } from './context.js';
import { hasFile, type RunData } from '../data.js';
import { basemapLayer } from './basemap.js';
import { demandGridLayer } from './demand-grid.js';
import { potentialLayer } from './potential.js';
import { blocksLayer } from './blocks.js';
import { areasLayer } from './areas.js';
import { buildingsLayer } from './buildings.js';
import { roadsLayer } from './roads.js';
import { networkLayers } from './network.js';
import { consumersLayer } from './consumers.js';
import { droppedLayer } from './dropped.js';
import { plantsLayer } from './plants.js';
import { waterLayer } from './water.js';
import { platformLayers } from './platform.js';
import { FILES, type NetworkKind, type RunFileName } from '../../../engine/run/contract.js';

export interface LayerEntry {
  id: string;
  label: string;
  /** Run file it comes from (for "missing" notes); '' for none. */
  file: RunFileName | '';
  defaultOn: boolean;
  build(ctx: LayerContext): Layer | Layer[] | null;
}

/** The entries the loaded run can show (a potential entry per band). */
export function layerEntries(data: RunData): LayerEntry[] {
  // a source band that is NaN everywhere was not given to the potential stage: no entry for it
  const potentials: LayerEntry[] = (data.potential?.meta.bands ?? []).flatMap((b, i) => (b.finite === 0 ? [] : [{
    id: `potential-${i}`,
    label: `potential: ${b.name}${b.unit ? ` (${b.unit})` : ''}`,
    file: FILES.potential,
    defaultOn: false,
    build: (ctx: LayerContext) => potentialLayer(ctx, i),
  }]));
  const all: LayerEntry[] = [
    { id: 'basemap', label: 'base map tiles', file: '', defaultOn: true, build: basemapLayer },
    { id: 'demand', label: 'demand density (grid)', file: FILES.demand, defaultOn: true, build: demandGridLayer },
    ...potentials,
    { id: 'blocks', label: 'blocks', file: FILES.blocks, defaultOn: false, build: blocksLayer },
    { id: 'water', label: 'water (river input)', file: '', defaultOn: true, build: waterLayer },
    { id: 'areas', label: 'supply areas', file: FILES.areas, defaultOn: true, build: areasLayer },
    { id: 'buildings', label: 'buildings by use', file: FILES.buildings, defaultOn: true, build: buildingsLayer },
    { id: 'roads', label: 'roads (route stage graph)', file: FILES.roads, defaultOn: true, build: roadsLayer },
    { id: 'network', label: 'network (kW/m)', file: FILES.network, defaultOn: true, build: networkLayers },
    { id: 'consumers', label: 'consumers (load at hour)', file: FILES.network, defaultOn: true, build: consumersLayer },
    { id: 'dropped', label: 'consumers cut off', file: FILES.network, defaultOn: false, build: droppedLayer },
    { id: 'plants', label: 'plants', file: FILES.network, defaultOn: true, build: plantsLayer },
    { id: 'platform', label: 'guideline flags and critical facilities', file: FILES.platform, defaultOn: true, build: platformLayers },
  ];
  return all.filter((e) => {
    if (e.id === 'basemap') return !!data.tiles;
    if (e.id === 'roads') return !!data.roads;
    if (e.id === 'water') return !!data.water?.features.length;
    if (e.id === 'demand') return !!data.demand;
    // blocks.geojson is fetched when the layer is first switched on (data.ts loadBlocks): listed when the run has it
    if (e.id === 'blocks') return hasFile(data, FILES.blocks);
    if (e.id === 'areas') return !!data.areas;
    if (e.id === 'buildings') return !!data.buildings;
    if (e.id === 'platform') return !!data.platform && (data.platform.guidelines.buildings.some((b) => b.rules.length > 0) || data.platform.critical.facilities.length > 0);
    if (e.file === FILES.network) {
      const kinds: NetworkKind[] = e.id === 'network' ? ['pipe', 'service'] : e.id === 'consumers' ? ['consumer'] : [e.id === 'dropped' ? 'dropped' : 'plant'];
      // a city's network in levels of detail: what its chunks hold too (meta.lod.total)
      const counts = data.network?.meta.lod?.total ?? data.network?.meta.counts;
      return !!counts && kinds.some((k) => counts[k] > 0);
    }
    return true;
  });
}

/** Bottom to top: ids not listed (potential-N) draw where their prefix is. */
const DRAW_ORDER = ['basemap', 'demand', 'potential', 'blocks', 'water', 'roads', 'areas', 'buildings', 'network', 'consumers', 'dropped', 'plants', 'platform'];

/** Draw rank of a layer entry id. */
export function drawRank(id: string): number {
  const i = DRAW_ORDER.indexOf(id);
  return i >= 0 ? i : Math.max(0, DRAW_ORDER.indexOf(id.replace(/-\d+$/, '')));
}
