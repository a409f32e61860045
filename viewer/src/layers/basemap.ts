/**
 * Optional raster base map from an XYZ tile URL (e.g. GSI tiles) or a local MBTiles file the server serves at
 * /api/tiles (offline); none by default. Past a local file's last zoom its tiles are stretched (maxZoom).
 */
import { TileLayer } from '@deck.gl/geo-layers';
import { BitmapLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';

export function basemapLayer(ctx: LayerContext): TileLayer | null {
  const t = ctx.data.tiles;
  if (!t) return null;
  return new TileLayer({
    id: 'basemap',
    // a local file's tiles come from the page's own server (/api/tiles/{z}/{x}/{y})
    data: t.url,
    minZoom: t.minZoom ?? 0,
    maxZoom: t.maxZoom ?? 18,
    tileSize: 256,
    renderSubLayers: (props: any) => {
      const [[west, south], [east, north]] = props.tile.boundingBox;
      return new BitmapLayer(props, { data: undefined, image: props.data, bounds: [west, south, east, north] });
    },
  });
}
