/** Connected consumers: circles whose area follows the consumer's load at the slider's hour (peak x hourly factor). */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { memo } from './memo.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';
import { pointData } from './points.js';
import { netColumn } from './network.js';

export function consumersLayer(ctx: LayerContext): ScatterplotLayer | null {
  const net = ctx.data.network;
  if (!net?.meta.counts.consumer) return null;
  const peak = netColumn(net, 'consumer', 'peak_kW');
  const maxPeak = memo(net, 'max-peak-kW', () => {
    let m = 0;
    for (let r = 0; r < peak.length; r++) m = Math.max(m, peak[r]! || 0);
    return m;
  });
  const { hourFactor } = ctx;
  return new ScatterplotLayer({
    id: 'consumers',
    data: pointData(net, 'consumer') as never,
    getRadius: (_: unknown, { index }: { index: number }) => 2 + 12 * Math.sqrt(maxPeak > 0 ? ((peak[index]! || 0) * hourFactor) / maxPeak : 0),
    radiusUnits: 'pixels',
    getFillColor: VIEWER_STYLE.consumer,
    getLineColor: VIEWER_STYLE.consumerStroke,
    stroked: true,
    lineWidthMinPixels: 1,
    pickable: true,
    updateTriggers: { getRadius: hourFactor },
  });
}
