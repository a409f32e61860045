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

/** The network's levels of detail, or undefined for a network drawn whole. */
export const lodOf = (data: RunData): ViewNetworkLod | undefined => data.network?.meta.lod;

/** Width of one chunk, degrees of longitude. */
const chunkWidthDeg = (lod: ViewNetworkLod): number => Math.max(lod.bbox[2] - lod.bbox[0], 1e-9) / lod.grid;

const bounds = (vp: Viewport): [number, number, number, number] => (vp as unknown as { getBounds(): [number, number, number, number] }).getBounds();

/** Whether viewport `vp` shows the chunks: its width spans at most NETWORK_DETAIL_CHUNKS_ACROSS chunk widths. */
export function detailShown(vp: Viewport, lod: ViewNetworkLod): boolean {
  const [w, , e] = bounds(vp);
  return e - w <= NETWORK_DETAIL_CHUNKS_ACROSS * chunkWidthDeg(lod);
}

/** The zoom from which a map `widthPx` wide shows the chunks (deck.gl: the world is 512 x 2^zoom pixels wide). */
export function detailZoom(lod: ViewNetworkLod, widthPx: number): number {
  return Math.log2((widthPx * 360) / (512 * NETWORK_DETAIL_CHUNKS_ACROSS * chunkWidthDeg(lod)));
}

const meets = (b: readonly number[], v: readonly number[]): boolean => !(b[2]! < v[0]! || b[0]! > v[2]! || b[3]! < v[1]! || b[1]! > v[3]!);

/** Indices of the non-empty chunks that meet viewport `vp` (none while it does not show the chunks). */
export function chunksInView(vp: Viewport, lod: ViewNetworkLod): number[] {
  if (!detailShown(vp, lod)) return [];
  const v = bounds(vp);
  return lod.chunks.filter((c) => meets(c.bbox, v)).map((c) => c.i);
}

/** Layer id of a chunk's layer: the base id and '@c' + the chunk's index. */
export const chunkLayerId = (base: string, i: number): string => `${base}@c${i}`;

/** The base id of a layer id and the chunk it draws (undefined: the opening payload's, or not a network layer). */
export function splitLayerId(id: string): { base: string; chunk?: number } {
  const m = /^(.*)@c(\d+)$/.exec(id);
  return m ? { base: m[1]!, chunk: Number(m[2]) } : { base: id };
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

/** The chunks' boxes by index (set when the network loads; read by the layer filter). */
const boxes = new WeakMap<ViewNetworkLod, Map<number, readonly number[]>>();
let current: ViewNetworkLod | undefined;

/** Tell the layer filter which network's chunks it is filtering. */
export function registerLod(lod: ViewNetworkLod | undefined): void {
  current = lod;
  if (lod && !boxes.has(lod)) boxes.set(lod, new Map(lod.chunks.map((c) => [c.i, c.bbox])));
}

/** Deck layerFilter: a chunk's layer is drawn (and picked) while the view shows the chunks and the chunk meets it. */
export function networkChunkFilter({ layer, viewport }: { layer: Layer; viewport: Viewport }): boolean {
  const { chunk } = splitLayerId(layer.id);
  if (chunk === undefined || !current) return true;
  const b = boxes.get(current)?.get(chunk);
  return !!b && detailShown(viewport, current) && meets(b, bounds(viewport));
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
  const want = chunksInView(vp, lod).filter((i) => !data.networkChunks.has(i) && !pending.has(i));
  for (const i of want) {
    pending.add(i);
    fetchChunk(i)
      .then((net) => void data.networkChunks.set(i, net))
      .catch((e: Error) => void data.errors.push({ file: `network chunk ${i}`, message: e.message }))
      .finally(() => {
        pending.delete(i);
        onLoaded();
      });
  }
  return want;
}
