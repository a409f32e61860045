/** Plants: large dark circles sized by capacity. */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { NetworkKind } from '../../../engine/run/contract.js';
import { memo } from './memo.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';

export function plantsLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net) return null;
  const ps = memo(net, 'plant', () => net.features.filter((f) => f.properties?.kind === ('plant' satisfies NetworkKind) && f.geometry?.type === 'Point'));
  if (!ps.length) return null;
  return new ScatterplotLayer({
    id: 'plants',
    data: ps,
    getPosition: (f: any) => f.geometry.coordinates,
    getRadius: 10,
    radiusUnits: 'pixels',
    getFillColor: VIEWER_STYLE.plantFill,
    getLineColor: VIEWER_STYLE.plantStroke,
    stroked: true,
    lineWidthMinPixels: 3,
    pickable: true,
  });
}
