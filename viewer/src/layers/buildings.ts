/**
 * Buildings coloured by use: footprints as binary polygons (flat lon/lat Float64Array + start indices); colours are
 * per vertex because deck.gl expands binary polygon attributes by vertex. A city's are drawn in spatial chunks
 * (building-chunks.ts).
 */
import { SolidPolygonLayer } from '@deck.gl/layers';
import { BUILDING_ARRAYS, type Unpacked } from '../../../engine/viewer/pack/format.js';
import type { BuildingsMeta } from '../data.js';
import type { LayerContext } from './context.js';
import { hexToRgb, SHEET_USE_COLORS, USE_PALETTE, VIEWER_BASE_STYLE, VIEWER_STYLE, type Rgba } from '../../../engine/style/palette.js';
import { memo } from './memo.js';
import { chunkBuildings, CHUNKED_ABOVE_POLYGONS, medianFootprintM, registerChunk, type BuildingChunk } from './building-chunks.js';

const colorCache = new WeakMap<object, Uint8Array>();

/** How footprints are drawn and picked, one layer or one per chunk. */
const FOOTPRINTS = {
  _normalize: false,
  _windingOrder: 'CCW',
  filled: true,
  extruded: false,
  pickable: true,
  autoHighlight: true,
  highlightColor: VIEWER_STYLE.buildingHighlight,
} as const;

/**
 * Colour of use i of the buildings' use dictionary: the plan sheets' fill of a use category (SHEET_USE_COLORS, chosen
 * apart from the demand classes drawn under the buildings), light grey for buildings whose use is not known (the
 * sheets' white would vanish on the map's background), the qualitative palette by position for uses outside the
 * category table.
 */
export function useRgba(uses: readonly string[], i: number): Rgba {
  const u = uses[i] ?? '';
  if (u === '' || u === 'unknown') return VIEWER_BASE_STYLE.unknownUse;
  const hex = SHEET_USE_COLORS[u];
  if (hex) return [...hexToRgb(hex), 255] as Rgba;
  return USE_PALETTE[i % USE_PALETTE.length]!;
}

function vertexColors(b: Unpacked<BuildingsMeta>): Uint8Array {
  const hit = colorCache.get(b);
  if (hit) return hit;
  const starts = b.arrays[BUILDING_ARRAYS.startIndices] as Uint32Array;
  const owner = b.arrays[BUILDING_ARRAYS.owner] as Uint32Array;
  const use = b.arrays[BUILDING_ARRAYS.code('use')] as Uint16Array;
  const out = new Uint8Array(starts[starts.length - 1]! * 4);
  const uses = b.meta.dictionaries.use;
  const colors = uses.map((_, i) => useRgba(uses, i));
  for (let p = 0; p + 1 < starts.length; p++) {
    const c = colors[use[owner[p]!]!] ?? USE_PALETTE[0]!;
    for (let v = starts[p]!; v < starts[p + 1]!; v++) out.set(c, v * 4);
  }
  colorCache.set(b, out);
  return out;
}

/** The chunks of a city's buildings (building-chunks.ts), or null for a run drawn as one layer. */
export function buildingChunks(b: Unpacked<BuildingsMeta>): { chunks: BuildingChunk[]; byId: Map<string, BuildingChunk>; footprintM: number } | null {
  if (b.meta.polygons <= CHUNKED_ABOVE_POLYGONS) return null;
  return memo(b, 'chunks', () => {
    const chunks = chunkBuildings(b, vertexColors(b));
    const footprintM = medianFootprintM(b);
    for (const c of chunks) registerChunk(c.id, c.bbox, footprintM);
    return { chunks, byId: new Map(chunks.map((c) => [c.id, c])), footprintM };
  });
}

/** Zoom (deck.gl's: the world is 512 px wide at zoom 0) from which a footprint of `m` metres covers one pixel at latitude `lat`. */
export function footprintZoom(m: number, lat: number): number {
  return Math.log2((40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * m));
}

export function buildingsLayer(ctx: LayerContext): SolidPolygonLayer | SolidPolygonLayer[] | null {
  const b = ctx.data.buildings;
  if (!b) return null;
  const chunked = buildingChunks(b);
  if (chunked) {
    return chunked.chunks.map(
      (c) =>
        new SolidPolygonLayer({
          id: c.id,
          data: memo(c, 'data', () => ({
            length: c.length,
            startIndices: c.startIndices,
            attributes: { getPolygon: { value: c.positions, size: 2 }, getFillColor: { value: c.colors, size: 4, normalized: true } },
          })) as never,
          ...FOOTPRINTS,
        }),
    );
  }
  return new SolidPolygonLayer({
    id: 'buildings',
    data: memo(b, 'buildings', () => ({
      length: b.meta.polygons,
      startIndices: b.arrays[BUILDING_ARRAYS.startIndices] as Uint32Array,
      attributes: {
        getPolygon: { value: b.arrays[BUILDING_ARRAYS.positions] as Float64Array, size: 2 },
        getFillColor: { value: vertexColors(b), size: 4, normalized: true },
      },
    })) as never,
    ...FOOTPRINTS,
  });
}

/** Whether layer `id` draws buildings (the one layer, or a chunk of a city's). */
export const isBuildingsLayer = (id: string): boolean => id === 'buildings' || /^buildings-\d+$/.test(id);

/** Building row of picked polygon `index` of layer `layerId` (a chunk's index is its own: mapped to the payload's). */
export function buildingRow(b: Unpacked<BuildingsMeta>, index: number, layerId = 'buildings'): number {
  const polygon = layerId === 'buildings' ? index : (buildingChunks(b)?.byId.get(layerId)?.polygon[index] ?? -1);
  return (b.arrays[BUILDING_ARRAYS.owner] as Uint32Array)[polygon]!;
}
