/** Connected consumers: circles whose area follows the consumer's load at the slider's hour (peak x hourly factor). */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { memo } from './memo.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';
import { pointData } from './points.js';
import { netColumn } from './network.js';
import { networkParts } from './network-lod.js';
import type { NetworkData } from '../data.js';

/** Largest consumer peak over the whole network, kW: a city's from the opening payload's meta (its chunks hold parts). */
export function maxPeakKw(net: NetworkData, root: NetworkData = net): number {
  if (root.meta.lod) return root.meta.lod.maxPeakKw;
  const peak = netColumn(net, 'consumer', 'peak_kW');
  return memo(net, 'max-peak-kW', () => {
    let m = 0;
    for (let r = 0; r < peak.length; r++) m = Math.max(m, peak[r]! || 0);
    return m;
  });
}

/** The whole network's consumers, or those of every loaded chunk of a city's (network-lod.ts). */
export function consumersLayer(ctx: LayerContext): ScatterplotLayer | ScatterplotLayer[] | null {
  const parts = networkParts(ctx.data);
  if (!ctx.data.network?.meta.lod) return parts[0] ? partLayer(ctx, parts[0].net, parts[0].id) : null;
  return parts.flatMap((p) => partLayer(ctx, p.net, p.id) ?? []);
}

function partLayer(ctx: LayerContext, net: NetworkData, id: (base: string) => string): ScatterplotLayer | null {
  if (!net.meta.counts.consumer) return null;
  const peak = netColumn(net, 'consumer', 'peak_kW');
  const maxPeak = maxPeakKw(net, ctx.data.network);
  const { hourFactor } = ctx;
  return new ScatterplotLayer({
    id: id('consumers'),
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
