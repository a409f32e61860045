/** Consumers cut off by the heat-density check (network.geojson kind 'dropped'): hollow red rings. */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { memo } from './memo.js';

export function droppedLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net) return null;
  const ds = memo(net, 'dropped', () => net.features.filter((f) => f.properties?.kind === 'dropped' && f.geometry?.type === 'Point'));
  if (!ds.length) return null;
  return new ScatterplotLayer({
    id: 'dropped',
    data: ds,
    getPosition: (f: any) => f.geometry.coordinates,
    getRadius: 7,
    radiusUnits: 'pixels',
    filled: false,
    stroked: true,
    getLineColor: [200, 0, 0, 255],
    lineWidthMinPixels: 2.5,
    pickable: true,
  });
}
