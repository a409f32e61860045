/**
 * A city's network in levels of detail (engine/viewer/pack/network.ts networkLevels): the opening payload
 * (GET /api/network.bin) holds the mains and the plants, drawn at every zoom; the other pipes, the service lines, the
 * consumers and the cut-off consumers are in spatial chunks of a grid over the network (GET /api/network/chunk/N.bin),
 * fetched for the chunks in view once the map's width spans at most NETWORK_DETAIL_CHUNKS_ACROSS chunk widths, and
 * drawn (and picked) only then and only in view. A loaded chunk is kept (its GPU buffers too). Every chunk has the
 * layout of the whole network, so the same layer factories and tooltips read it; its layers' ids end in '@c' + the
 * chunk's index. A network below the payload's threshold has no `lod` and is drawn whole, as before.
 */
import type { Layer, Viewport } from '@deck.gl/core';
import { NETWORK_DETAIL_CHUNKS_ACROSS, type ViewNetworkLod } from '../../../engine/viewer/pack/format.js';
import type { NetworkData, RunData } from '../data.js';
import { chunkedLayerFilter, chunkLayerId, gridChunksInView, gridDetailShown, gridDetailZoom, loadChunks, registerChunked, splitLayerId } from './chunk-view.js';

export { chunkLayerId, splitLayerId } from './chunk-view.js';

/** The network's levels of detail, or undefined for a network drawn whole. */
export const lodOf = (data: RunData): ViewNetworkLod | undefined => data.network?.meta.lod;

/** Whether viewport `vp` shows the chunks: its width spans at most NETWORK_DETAIL_CHUNKS_ACROSS chunk widths. */
export function detailShown(vp: Viewport, lod: ViewNetworkLod): boolean {
  return gridDetailShown(vp, lod, NETWORK_DETAIL_CHUNKS_ACROSS);
}

/** The zoom from which a map `widthPx` wide shows the chunks (deck.gl: the world is 512 x 2^zoom pixels wide). */
export function detailZoom(lod: ViewNetworkLod, widthPx: number): number {
  return gridDetailZoom(lod, widthPx, NETWORK_DETAIL_CHUNKS_ACROSS);
}

/** Indices of the non-empty chunks that meet viewport `vp` (none while it does not show the chunks). */
export function chunksInView(vp: Viewport, lod: ViewNetworkLod): number[] {
  return gridChunksInView(vp, lod, NETWORK_DETAIL_CHUNKS_ACROSS);
}

/** The network data a network layer draws: the opening payload's, or its chunk's. */
export function networkOfLayer(data: RunData, id: string): { base: string; net: NetworkData | undefined } {
  const { base, chunk } = splitLayerId(id);
  return { base, net: chunk === undefined ? data.network : data.networkChunks.get(chunk) };
}

/** The parts of the network to draw layers for: the opening payload, then every loaded chunk with its layer-id suffix. */
export function networkParts(data: RunData): { net: NetworkData; id: (base: string) => string }[] {
  if (!data.network) return [];
  const out: { net: NetworkData; id: (base: string) => string }[] = [{ net: data.network, id: (b) => b }];
  for (const [i, net] of [...data.networkChunks].sort((a, b) => a[0] - b[0])) out.push({ net, id: (b) => chunkLayerId(b, i) });
  return out;
}

/** The base ids of the network's layers (a chunk's layers add '@c' + its index). */
export const NETWORK_LAYER_BASES = ['network', 'network-services', 'consumers', 'dropped', 'plants'] as const;

/** Tell the layer filter which network's chunks it is filtering. */
export function registerLod(lod: ViewNetworkLod | undefined): void {
  registerChunked(NETWORK_LAYER_BASES, lod, NETWORK_DETAIL_CHUNKS_ACROSS);
}

/** Deck layerFilter: a chunk's layer is drawn (and picked) while the view shows the chunks and the chunk meets it. */
export function networkChunkFilter(a: { layer: Layer; viewport: Viewport }): boolean {
  return !(NETWORK_LAYER_BASES as readonly string[]).includes(splitLayerId(a.layer.id).base) || chunkedLayerFilter(a);
}

/**
 * Fetch the chunks in view that are not loaded yet, a few at a time; `onLoaded` after each one arrives (to redraw).
 * Chunks asked for and still on their way are not asked for again; a chunk that fails is recorded in data.errors.
 */
export function loadChunksInView(
  data: RunData,
  vp: Viewport,
  fetchChunk: (i: number) => Promise<NetworkData>,
  onLoaded: () => void,
  pending: Set<number>,
): number[] {
  const lod = lodOf(data);
  if (!lod) return [];
  return loadChunks(chunksInView(vp, lod), data.networkChunks, pending, fetchChunk, onLoaded, (i, e) => void data.errors.push({ file: `network chunk ${i}`, message: e.message }));
}
