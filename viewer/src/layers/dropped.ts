/** Consumers cut off by the heat-density check (network.geojson kind 'dropped'): hollow red rings. */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { NetworkKind } from '../../../engine/run/contract.js';
import { memo } from './memo.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';

export function droppedLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net) return null;
  const ds = memo(net, 'dropped', () => net.features.filter((f) => f.properties?.kind === ('dropped' satisfies NetworkKind) && f.geometry?.type === 'Point'));
  if (!ds.length) return null;
  return new ScatterplotLayer({
    id: 'dropped',
    data: ds,
    getPosition: (f: any) => f.geometry.coordinates,
    getRadius: 7,
    radiusUnits: 'pixels',
    filled: false,
    stroked: true,
    getLineColor: VIEWER_STYLE.dropped,
    lineWidthMinPixels: 2.5,
    pickable: true,
  });
}
