/** Optional raster base map from an XYZ tile URL (e.g. GSI tiles); none by default, so the viewer works offline. */
import { TileLayer } from '@deck.gl/geo-layers';
import { BitmapLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';

export function basemapLayer(ctx: LayerContext): TileLayer | null {
  const t = ctx.data.tiles;
  if (!t) return null;
  return new TileLayer({
    id: 'basemap',
    data: t.url,
    minZoom: 0,
    maxZoom: 18,
    tileSize: 256,
    renderSubLayers: (props: any) => {
      const [[west, south], [east, north]] = props.tile.boundingBox;
      return new BitmapLayer(props, { data: undefined, image: props.data, bounds: [west, south, east, north] });
    },
  });
}
