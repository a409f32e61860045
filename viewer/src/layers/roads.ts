/** Road graph: roads.geojson, or network.geojson features of kind 'road' where the route stage put them there. */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import type { FeatureCollection } from '../data.js';
import { memo } from './memo.js';

export function roadFeatures(ctx: LayerContext): FeatureCollection | undefined {
  if (ctx.data.roads) return ctx.data.roads;
  const net = ctx.data.network;
  if (!net) return undefined;
  return memo(net, 'roads', () => {
    const roads = net.features.filter((f) => f.properties?.kind === 'road');
    return roads.length ? ({ type: 'FeatureCollection', features: roads } as FeatureCollection) : undefined;
  });
}

export function roadsLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = roadFeatures(ctx);
  if (!fc) return null;
  return new GeoJsonLayer({
    id: 'roads',
    data: fc as never,
    getLineColor: [130, 130, 130, 255],
    lineWidthMinPixels: 1.5,
    pickable: true,
  });
}
