/**
 * The network: pipes coloured by linear heat density (kW/m) with the threshold as the colour break, width by the load
 * at the slider's hour (design load x hourly demand factor); service lines thin grey. Both are drawn from the server's
 * binary network (GET /api/network.bin, engine/viewer/pack/network.ts): flat lon/lat paths with start indices as
 * deck.gl binary attributes, colour and width looked up in the pipe columns by path index (no object per pipe).
 */
import { PathLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { NetworkData } from '../data.js';
import { pipeColor, VIEWER_STYLE } from '../../../engine/style/palette.js';
import { NETWORK_ARRAYS, type NetworkLineKind } from '../../../engine/viewer/pack/format.js';
import { memo } from './memo.js';
import { networkParts } from './network-lod.js';

/** A numeric column of a network kind (NaN where the feature has no such property). */
export const netColumn = (net: NetworkData, kind: Parameters<typeof NETWORK_ARRAYS.number>[0], col: string): Float32Array | Float64Array =>
  net.arrays[NETWORK_ARRAYS.number(kind, col)] as Float32Array | Float64Array;

/** The feature row (pipe or service line) of drawn path `index`. */
export const pathRow = (net: NetworkData, kind: NetworkLineKind, index: number): number => (net.arrays[NETWORK_ARRAYS.owner(kind)] as Uint32Array)[index]!;

/** Pipe load at the slider's hour, kW: the pipe's diversified design load (design_kW) x the hour's demand factor. */
export const pipeLoadKw = (designKw: number, hourFactor: number): number => (designKw || 0) * hourFactor;

/** deck.gl binary path data of a line kind (memoised: the same object keeps the GPU buffers). */
function pathData(net: NetworkData, kind: NetworkLineKind): { length: number; startIndices: Uint32Array; attributes: { getPath: { value: Float64Array; size: 2 } } } {
  return memo(net, `paths-${kind}`, () => ({
    length: net.meta.paths[kind],
    startIndices: net.arrays[NETWORK_ARRAYS.startIndices(kind)] as Uint32Array,
    attributes: { getPath: { value: net.arrays[NETWORK_ARRAYS.positions(kind)] as Float64Array, size: 2 as const } },
  }));
}

/** Largest pipe design load over the whole network, kW: a city's from the opening payload's meta (its chunks hold parts). */
export function maxDesignKw(net: NetworkData, root: NetworkData = net): number {
  const lod = root.meta.lod;
  if (lod) return lod.maxDesignKw;
  const designKw = netColumn(net, 'pipe', 'design_kW');
  return memo(net, 'max-design-kW', () => {
    let m = 0;
    for (let r = 0; r < designKw.length; r++) m = Math.max(m, designKw[r]! || 0);
    return m;
  });
}

/** The pipes and service lines: the whole network's, or a city's mains and every loaded chunk's (network-lod.ts). */
export function networkLayers(ctx: LayerContext): PathLayer[] {
  return networkParts(ctx.data).flatMap((p) => partLayers(ctx, p.net, p.id));
}

function partLayers(ctx: LayerContext, net: NetworkData, id: (base: string) => string): PathLayer[] {
  const { pipe: nPipe, service: nSvc } = net.meta.paths;
  if (!nPipe && !nSvc) return [];
  const owner = net.arrays[NETWORK_ARRAYS.owner('pipe')] as Uint32Array;
  const designKw = netColumn(net, 'pipe', 'design_kW');
  const kwPerM = netColumn(net, 'pipe', 'kw_per_m');
  const maxLoad = maxDesignKw(net, ctx.data.network);
  const { hourFactor, thresholdKwPerM } = ctx;
  return [
    new PathLayer({
      id: id('network-services'),
      data: pathData(net, 'service') as never,
      _pathType: 'open',
      getColor: VIEWER_STYLE.service,
      getWidth: 1,
      widthUnits: 'pixels',
      pickable: true,
    }),
    new PathLayer({
      id: id('network'),
      data: pathData(net, 'pipe') as never,
      _pathType: 'open',
      getColor: (_: unknown, { index }: { index: number }) => pipeColor(kwPerM[owner[index]!]!, thresholdKwPerM),
      getWidth: (_: unknown, { index }: { index: number }) => 1.5 + 7 * Math.sqrt(maxLoad > 0 ? pipeLoadKw(designKw[owner[index]!]!, hourFactor) / maxLoad : 0),
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      pickable: true,
      updateTriggers: { getWidth: hourFactor, getColor: thresholdKwPerM },
    }),
  ];
}
