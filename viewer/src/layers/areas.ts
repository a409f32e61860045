/** Candidate supply areas: thick purple outlines over a light fill. */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';

export const AREA_COLOR: [number, number, number] = [118, 42, 131];

export function areasLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = ctx.data.areas;
  if (!fc) return null;
  return new GeoJsonLayer({
    id: 'areas',
    data: fc as never,
    stroked: true,
    filled: true,
    getFillColor: [...AREA_COLOR, 40],
    getLineColor: [...AREA_COLOR, 255],
    lineWidthMinPixels: 3,
    pickable: true,
  });
}
