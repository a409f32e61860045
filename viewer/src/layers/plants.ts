/** Plants: large dark circles sized by capacity. */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';
import { pointData } from './points.js';

export function plantsLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net?.meta.counts.plant) return null;
  return new ScatterplotLayer({
    id: 'plants',
    data: pointData(net, 'plant') as never,
    getRadius: 10,
    radiusUnits: 'pixels',
    getFillColor: VIEWER_STYLE.plantFill,
    getLineColor: VIEWER_STYLE.plantStroke,
    stroked: true,
    lineWidthMinPixels: 3,
    pickable: true,
  });
}
