/**
 * Buildings coloured by use: footprints as binary polygons (flat lon/lat Float64Array + start indices); colours are
 * per vertex because deck.gl expands binary polygon attributes by vertex.
 */
import { SolidPolygonLayer } from '@deck.gl/layers';
import { BUILDING_ARRAYS, type Unpacked } from '../../../engine/viewer/pack/format.js';
import type { BuildingsMeta } from '../data.js';
import type { LayerContext } from './context.js';
import { hexToRgb, SHEET_USE_COLORS, USE_PALETTE, VIEWER_BASE_STYLE, VIEWER_STYLE, type Rgba } from '../../../engine/style/palette.js';
import { memo } from './memo.js';

const colorCache = new WeakMap<object, Uint8Array>();

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

export function buildingsLayer(ctx: LayerContext): SolidPolygonLayer | null {
  const b = ctx.data.buildings;
  if (!b) return null;
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
    _normalize: false,
    _windingOrder: 'CCW',
    filled: true,
    extruded: false,
    pickable: true,
    autoHighlight: true,
    highlightColor: VIEWER_STYLE.buildingHighlight,
  });
}

/** Building row of picked polygon `index`. */
export function buildingRow(b: Unpacked<BuildingsMeta>, index: number): number {
  return (b.arrays[BUILDING_ARRAYS.owner] as Uint32Array)[index]!;
}
