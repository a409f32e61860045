/**
 * Which spatial chunks of a layer in levels of detail the map shows (the network's, layers/network-lod.ts, and the
 * road graph's, layers/roads-lod.ts): a layer's chunks are drawn once the map's width spans at most `across` chunk
 * widths, and only those that meet the view. A chunk's layers have the base layer's id and '@c' + the chunk's index;
 * the Deck's layerFilter (chunkedLayerFilter) draws and picks them only then, for every base id registered.
 */
import type { Layer, Viewport } from '@deck.gl/core';
import type { ViewChunkGrid } from '../../../engine/viewer/pack/format.js';

/** Width of one chunk, degrees of longitude. */
const chunkWidthDeg = (lod: ViewChunkGrid): number => Math.max(lod.bbox[2] - lod.bbox[0], 1e-9) / lod.grid;

export const bounds = (vp: Viewport): [number, number, number, number] => (vp as unknown as { getBounds(): [number, number, number, number] }).getBounds();

/** Whether viewport `vp` shows the chunks: its width spans at most `across` chunk widths. */
export function gridDetailShown(vp: Viewport, lod: ViewChunkGrid, across: number): boolean {
  const [w, , e] = bounds(vp);
  return e - w <= across * chunkWidthDeg(lod);
}

/** The zoom from which a map `widthPx` wide shows the chunks (deck.gl: the world is 512 x 2^zoom pixels wide). */
export function gridDetailZoom(lod: ViewChunkGrid, widthPx: number, across: number): number {
  return Math.log2((widthPx * 360) / (512 * across * chunkWidthDeg(lod)));
}

export const meets = (b: readonly number[], v: readonly number[]): boolean => !(b[2]! < v[0]! || b[0]! > v[2]! || b[3]! < v[1]! || b[1]! > v[3]!);

/** Indices of the non-empty chunks that meet viewport `vp` (none while it does not show the chunks). */
export function gridChunksInView(vp: Viewport, lod: ViewChunkGrid, across: number): number[] {
  if (!gridDetailShown(vp, lod, across)) return [];
  const v = bounds(vp);
  return lod.chunks.filter((c) => meets(c.bbox, v)).map((c) => c.i);
}

/** Layer id of a chunk's layer: the base id and '@c' + the chunk's index. */
export const chunkLayerId = (base: string, i: number): string => `${base}@c${i}`;

/** The base id of a layer id and the chunk it draws (undefined: the opening payload's, or not a chunked layer). */
export function splitLayerId(id: string): { base: string; chunk?: number } {
  const m = /^(.*)@c(\d+)$/.exec(id);
  return m ? { base: m[1]!, chunk: Number(m[2]) } : { base: id };
}

/** The chunked layers by base id: their grid, `across` and the chunks' boxes by index. */
const registered = new Map<string, { lod: ViewChunkGrid; across: number; boxes: Map<number, readonly number[]> }>();
const boxesOf = new WeakMap<ViewChunkGrid, Map<number, readonly number[]>>();

/** Tell the layer filter the grid of the layers with these base ids (undefined: they are no longer chunked). */
export function registerChunked(bases: readonly string[], lod: ViewChunkGrid | undefined, across: number): void {
  if (!lod) {
    for (const b of bases) registered.delete(b);
    return;
  }
  let boxes = boxesOf.get(lod);
  if (!boxes) boxesOf.set(lod, (boxes = new Map(lod.chunks.map((c) => [c.i, c.bbox]))));
  for (const b of bases) registered.set(b, { lod, across, boxes });
}

/**
 * Deck layerFilter: a chunk's layer of a registered base id is drawn (and picked) while the view shows its chunks and
 * the chunk meets it; every other layer is left to the other filters.
 */
export function chunkedLayerFilter({ layer, viewport }: { layer: Layer; viewport: Viewport }): boolean {
  const { base, chunk } = splitLayerId(layer.id);
  if (chunk === undefined) return true;
  const r = registered.get(base);
  if (!r) return true;
  const b = r.boxes.get(chunk);
  return !!b && gridDetailShown(viewport, r.lod, r.across) && meets(b, bounds(viewport));
}

/**
 * Fetch the chunks `want` that are not loaded (`have`) nor on their way (`pending`); `onLoaded` after each one
 * arrives or fails (to redraw), `onError` with a failure. Returns the chunks asked for now.
 */
export function loadChunks<T>(
  want: readonly number[],
  have: Map<number, T>,
  pending: Set<number>,
  fetchChunk: (i: number) => Promise<T>,
  onLoaded: () => void,
  onError: (i: number, e: Error) => void,
): number[] {
  const asked = want.filter((i) => !have.has(i) && !pending.has(i));
  for (const i of asked) {
    pending.add(i);
    fetchChunk(i)
      .then((x) => void have.set(i, x))
      .catch((e: Error) => onError(i, e))
      .finally(() => {
        pending.delete(i);
        onLoaded();
      });
  }
  return asked;
}
