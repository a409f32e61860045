/** Connected consumers: circles whose area follows the consumer's load at the slider's hour (peak x hourly factor). */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { NetworkKind } from '../../../engine/run/contract.js';
import { memo } from './memo.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';

export function consumersLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net) return null;
  const cs = memo(net, 'consumer', () => net.features.filter((f) => f.properties?.kind === ('consumer' satisfies NetworkKind) && f.geometry?.type === 'Point'));
  if (!cs.length) return null;
  let maxPeak = 0;
  for (const f of cs) maxPeak = Math.max(maxPeak, Number(f.properties.peak_kW) || 0);
  return new ScatterplotLayer({
    id: 'consumers',
    data: cs,
    getPosition: (f: any) => f.geometry.coordinates,
    getRadius: (f: any) => 2 + 12 * Math.sqrt(maxPeak > 0 ? ((Number(f.properties.peak_kW) || 0) * ctx.hourFactor) / maxPeak : 0),
    radiusUnits: 'pixels',
    getFillColor: VIEWER_STYLE.consumer,
    getLineColor: VIEWER_STYLE.consumerStroke,
    stroked: true,
    lineWidthMinPixels: 1,
    pickable: true,
    updateTriggers: { getRadius: ctx.hourFactor },
  });
}
