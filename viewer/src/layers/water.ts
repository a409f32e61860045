/**
 * Water: the water bodies and waterways of the run's river input (the potential stage's `rivers` file, served as
 * WGS84 GeoJSON by the viewer server's /api/water.geojson), filled light blue with a darker outline.
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { VIEWER_BASE_STYLE } from '../../../engine/style/palette.js';

export function waterLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = ctx.data.water;
  if (!fc?.features.length) return null;
  return new GeoJsonLayer({
    id: 'water',
    data: fc as never,
    filled: true,
    // PLATEAU water bodies are triangulated surfaces: outlines would draw the triangles
    stroked: false,
    getFillColor: VIEWER_BASE_STYLE.waterFill,
    getLineColor: VIEWER_BASE_STYLE.waterLine,
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    lineWidthMinPixels: 1,
    pickable: true,
  });
}
