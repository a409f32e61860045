/**
 * Roads: the route stage's noded road graph (roads.geojson), drawn as a quiet base layer under the buildings, from the
 * server's binary road graph (GET /api/roads.bin, engine/viewer/pack/roads.ts): flat lon/lat paths with start indices
 * as deck.gl binary attributes, one PathLayer for the opening payload and one per loaded chunk of a city's graph
 * (layers/roads-lod.ts). Width and colour are those the GeoJsonLayer drew them with before (the demo renders
 * pixel-identical).
 */
import { PathLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { RoadsData } from '../data.js';
import { ROAD_ARRAYS } from '../../../engine/viewer/pack/format.js';
import { VIEWER_BASE_STYLE } from '../../../engine/style/palette.js';
import { memo } from './memo.js';
import { roadParts } from './roads-lod.js';

/** deck.gl binary path data of a road graph part (memoised: the same object keeps the GPU buffers). */
function pathData(r: RoadsData): { length: number; startIndices: Uint32Array; attributes: { getPath: { value: Float64Array; size: 2 } } } {
  return memo(r, 'paths', () => ({
    length: r.meta.paths,
    startIndices: r.arrays[ROAD_ARRAYS.startIndices] as Uint32Array,
    attributes: { getPath: { value: r.arrays[ROAD_ARRAYS.positions] as Float64Array, size: 2 as const } },
  }));
}

/** The feature row of drawn path `index` of a road graph part. */
export const roadRow = (r: RoadsData, index: number): number => (r.arrays[ROAD_ARRAYS.owner] as Uint32Array)[index]!;

export function roadsLayer(ctx: LayerContext): PathLayer[] | null {
  if (!ctx.data.roads) return null;
  return roadParts(ctx.data)
    .filter((p) => p.roads.meta.paths > 0)
    .map(
      (p) =>
        new PathLayer({
          id: p.id,
          data: pathData(p.roads) as never,
          _pathType: 'open',
          getColor: VIEWER_BASE_STYLE.road,
          // about 5 m wide on the ground, never thinner than a pixel or wider than 3
          widthUnits: 'meters',
          getWidth: 5,
          widthMinPixels: 1,
          widthMaxPixels: 3,
          capRounded: true,
          jointRounded: true,
          pickable: true,
        }),
    );
}
