/** Candidate supply areas: thick purple outlines over a light fill. */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';

export function areasLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = ctx.data.areas;
  if (!fc) return null;
  return new GeoJsonLayer({
    id: 'areas',
    data: fc as never,
    stroked: true,
    filled: true,
    getFillColor: [VIEWER_STYLE.area[0], VIEWER_STYLE.area[1], VIEWER_STYLE.area[2], VIEWER_STYLE.areaFillAlpha],
    getLineColor: VIEWER_STYLE.area,
    lineWidthMinPixels: 3,
    pickable: true,
  });
}
