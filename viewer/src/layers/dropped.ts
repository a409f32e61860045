/**
 * Consumers cut off by the route stage (network.geojson kind 'dropped'): small grey rings, off by default. A city
 * run cuts off thousands (Osaka: 9,575); loud red rings would hide the map under them.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { NetworkKind } from '../../../engine/run/contract.js';
import { memo } from './memo.js';
import { VIEWER_BASE_STYLE } from '../../../engine/style/palette.js';

export function droppedLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net) return null;
  const ds = memo(net, 'dropped', () => net.features.filter((f) => f.properties?.kind === ('dropped' satisfies NetworkKind) && f.geometry?.type === 'Point'));
  if (!ds.length) return null;
  return new ScatterplotLayer({
    id: 'dropped',
    data: ds,
    getPosition: (f: any) => f.geometry.coordinates,
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
