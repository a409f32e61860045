/** Plants: large dark circles sized by capacity. */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { memo } from './memo.js';

export function plantsLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net) return null;
  const ps = memo(net, 'plant', () => net.features.filter((f) => f.properties?.kind === 'plant' && f.geometry?.type === 'Point'));
  if (!ps.length) return null;
  return new ScatterplotLayer({
    id: 'plants',
    data: ps,
    getPosition: (f: any) => f.geometry.coordinates,
    getRadius: 10,
    radiusUnits: 'pixels',
    getFillColor: [40, 40, 40, 255],
    getLineColor: [255, 215, 0, 255],
    stroked: true,
    lineWidthMinPixels: 3,
    pickable: true,
  });
}
