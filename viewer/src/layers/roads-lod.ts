/**
 * A city's road graph in levels of detail (engine/viewer/pack/roads.ts roadLevels): the opening payload
 * (GET /api/roads.bin) holds every segment of at least meta.lod.minLengthM metres, drawn at every zoom; the others are
 * in spatial chunks of a grid over the graph (GET /api/roads/chunk/N.bin), fetched for the chunks in view once the
 * map's width spans at most ROADS_DETAIL_CHUNKS_ACROSS chunk widths, and drawn (and picked) only then and only in view,
 * as the network's chunks (layers/chunk-view.ts). A graph below ROADS_LOD_ABOVE segments has no `lod` and is drawn
 * whole.
 */
import type { Viewport } from '@deck.gl/core';
import { ROADS_DETAIL_CHUNKS_ACROSS, type ViewRoadsLod } from '../../../engine/viewer/pack/format.js';
import type { RoadsData, RunData } from '../data.js';
import { chunkLayerId, gridChunksInView, gridDetailShown, gridDetailZoom, loadChunks, registerChunked, splitLayerId } from './chunk-view.js';

/** The id of the roads layer (a chunk's: '@c' + its index). */
export const ROADS_LAYER = 'roads';

/** The road graph's levels of detail, or undefined for a graph drawn whole. */
export const roadsLodOf = (data: RunData): ViewRoadsLod | undefined => data.roads?.meta.lod;

/** Whether viewport `vp` shows the road chunks. */
export const roadsDetailShown = (vp: Viewport, lod: ViewRoadsLod): boolean => gridDetailShown(vp, lod, ROADS_DETAIL_CHUNKS_ACROSS);

/** The zoom from which a map `widthPx` wide shows the road chunks. */
export const roadsDetailZoom = (lod: ViewRoadsLod, widthPx: number): number => gridDetailZoom(lod, widthPx, ROADS_DETAIL_CHUNKS_ACROSS);

/** Indices of the non-empty road chunks that meet viewport `vp` (none while it does not show them). */
export const roadChunksInView = (vp: Viewport, lod: ViewRoadsLod): number[] => gridChunksInView(vp, lod, ROADS_DETAIL_CHUNKS_ACROSS);

/** Tell the layer filter (chunk-view.ts chunkedLayerFilter) the road graph's chunks. */
export function registerRoadsLod(lod: ViewRoadsLod | undefined): void {
  registerChunked([ROADS_LAYER], lod, ROADS_DETAIL_CHUNKS_ACROSS);
}

/** The parts of the road graph to draw: the opening payload, then every loaded chunk with its layer id. */
export function roadParts(data: RunData): { roads: RoadsData; id: string }[] {
  if (!data.roads) return [];
  const out = [{ roads: data.roads, id: ROADS_LAYER }];
  for (const [i, roads] of [...data.roadChunks].sort((a, b) => a[0] - b[0])) out.push({ roads, id: chunkLayerId(ROADS_LAYER, i) });
  return out;
}

/** The road graph data a roads layer draws (undefined: not a roads layer, or a chunk not loaded). */
export function roadsOfLayer(data: RunData, id: string): RoadsData | undefined {
  const { base, chunk } = splitLayerId(id);
  if (base !== ROADS_LAYER) return undefined;
  return chunk === undefined ? data.roads : data.roadChunks.get(chunk);
}

/** Fetch the road chunks in view that are not loaded nor on their way; `onLoaded` after each (to redraw). */
export function loadRoadChunksInView(data: RunData, vp: Viewport, fetchChunk: (i: number) => Promise<RoadsData>, onLoaded: () => void, pending: Set<number>): number[] {
  const lod = roadsLodOf(data);
  if (!lod) return [];
  return loadChunks(roadChunksInView(vp, lod), data.roadChunks, pending, fetchChunk, onLoaded, (i, e) => void data.errors.push({ file: `road graph chunk ${i}`, message: e.message }));
}
