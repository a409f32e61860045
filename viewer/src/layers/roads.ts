/** Road graph: the route stage's noded road graph, roads.geojson. */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { FeatureCollection } from '../data.js';
import { VIEWER_STYLE } from '../../../engine/style/palette.js';

export function roadFeatures(ctx: LayerContext): FeatureCollection | undefined {
  return ctx.data.roads;
}

export function roadsLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = roadFeatures(ctx);
  if (!fc) return null;
  return new GeoJsonLayer({
    id: 'roads',
    data: fc as never,
    getLineColor: VIEWER_STYLE.road,
    lineWidthMinPixels: 1.5,
    pickable: true,
  });
}
