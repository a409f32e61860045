/**
 * The network: pipes coloured by linear heat density (kW/m) with the threshold as the colour break, width by the load
 * at the slider's hour (design load x hourly demand factor); service lines thin grey.
 */
import { PathLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { Feature } from '../data.js';
import { pipeColor, VIEWER_STYLE } from '../../../engine/style/palette.js';
import type { NetworkKind } from '../../../engine/run/contract.js';
import { memo } from './memo.js';

export const pipes = (ctx: LayerContext): Feature[] => ctx.data.network?.features.filter((f) => f.properties?.kind === ('pipe' satisfies NetworkKind) && f.geometry) ?? [];
const services = (ctx: LayerContext): Feature[] => ctx.data.network?.features.filter((f) => f.properties?.kind === ('service' satisfies NetworkKind) && f.geometry) ?? [];

/** Paths of a LineString or MultiLineString. */
function paths(f: Feature): number[][][] {
  const g = f.geometry!;
  return g.type === 'MultiLineString' ? g.coordinates : [g.coordinates];
}

/** Pipe load at the slider's hour, kW: the pipe's diversified design load (design_kW) x the hour's demand factor. */
export const pipeLoadKw = (f: Feature, hourFactor: number): number => (Number(f.properties.design_kW) || 0) * hourFactor;

export function networkLayers(ctx: LayerContext): PathLayer[] {
  const net = ctx.data.network;
  if (!net) return [];
  const { rows, svc, maxLoad } = memo(net, 'network', () => {
    const ps = pipes(ctx);
    // one path per LineString part; `pipe` keeps the feature for picking and colour
    const rows = ps.flatMap((f) => paths(f).map((path) => ({ path, pipe: f })));
    let maxLoad = 0;
    for (const f of ps) maxLoad = Math.max(maxLoad, Number(f.properties.design_kW) || 0);
    const svc = services(ctx).flatMap((f) => paths(f).map((path) => ({ path, pipe: f })));
    return { rows, svc, maxLoad };
  });
  if (!rows.length && !svc.length) return [];
  return [
    new PathLayer({
      id: 'network-services',
      data: svc,
      getPath: (d: any) => d.path,
      getColor: VIEWER_STYLE.service,
      getWidth: 1,
      widthUnits: 'pixels',
      pickable: true,
    }),
    new PathLayer({
      id: 'network',
      data: rows,
      getPath: (d: any) => d.path,
      getColor: (d: any) => pipeColor(Number(d.pipe.properties.kw_per_m), ctx.thresholdKwPerM),
      getWidth: (d: any) => 1.5 + 7 * Math.sqrt(maxLoad > 0 ? pipeLoadKw(d.pipe, ctx.hourFactor) / maxLoad : 0),
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      pickable: true,
      updateTriggers: { getWidth: ctx.hourFactor, getColor: ctx.thresholdKwPerM },
    }),
  ];
}
