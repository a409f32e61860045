/**
 * Consumers cut off by the route stage (network.geojson kind 'dropped'): small grey rings, off by default. A city
 * run cuts off thousands (Osaka: 9,575); loud red rings would hide the map under them.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { VIEWER_BASE_STYLE } from '../../../engine/style/palette.js';
import { pointData } from './points.js';
import { networkParts } from './network-lod.js';
import type { NetworkData } from '../data.js';

/** The whole network's cut-off consumers, or those of every loaded chunk of a city's (network-lod.ts). */
export function droppedLayer(ctx: LayerContext): ScatterplotLayer | ScatterplotLayer[] | null {
  const parts = networkParts(ctx.data);
  if (!ctx.data.network?.meta.lod) return parts[0] ? partLayer(parts[0].net, parts[0].id) : null;
  return parts.flatMap((p) => partLayer(p.net, p.id) ?? []);
}

function partLayer(net: NetworkData, id: (base: string) => string): ScatterplotLayer | null {
  if (!net.meta.counts.dropped) return null;
  return new ScatterplotLayer({
    id: id('dropped'),
    data: pointData(net, 'dropped') as never,
    getRadius: 3.5,
    radiusUnits: 'pixels',
    filled: false,
    stroked: true,
    getLineColor: VIEWER_BASE_STYLE.droppedQuiet,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    lineWidthMinPixels: 1,
    pickable: true,
  });
}
