/**
 * Consumers cut off by the route stage (network.geojson kind 'dropped'): small grey rings, off by default. A city
 * run cuts off thousands (Osaka: 9,575); loud red rings would hide the map under them.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { VIEWER_BASE_STYLE } from '../../../engine/style/palette.js';
import { pointData } from './points.js';

export function droppedLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net?.meta.counts.dropped) return null;
  return new ScatterplotLayer({
    id: 'dropped',
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
