/** Roads: the route stage's noded road graph (roads.geojson), drawn as a quiet base layer under the buildings. */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { FeatureCollection } from '../data.js';
import { VIEWER_BASE_STYLE } from '../../../engine/style/palette.js';

export function roadFeatures(ctx: LayerContext): FeatureCollection | undefined {
  return ctx.data.roads;
}

export function roadsLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = roadFeatures(ctx);
  if (!fc) return null;
  return new GeoJsonLayer({
    id: 'roads',
    data: fc as never,
    getLineColor: VIEWER_BASE_STYLE.road,
    // about 5 m wide on the ground, never thinner than a pixel or wider than 3
    lineWidthUnits: 'meters',
    getLineWidth: 5,
    lineWidthMinPixels: 1,
    lineWidthMaxPixels: 3,
    lineCapRounded: true,
    lineJointRounded: true,
    pickable: true,
  });
}
