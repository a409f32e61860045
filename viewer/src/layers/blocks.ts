/** Blocks: outlines, filled by the blocks' demand density (MWh/(ha·a)). */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { ramp, VIEWER_STYLE, YL_OR_RD, type Rgba } from '../../../engine/style/palette.js';
import { BLOCK_DENSITY } from '../../../engine/run/contract.js';

export function blocksLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = ctx.data.blocks;
  if (!fc) return null;
  // blocks.geojson's density property (contract BLOCK_DENSITY), MWh/(ha·a)
  let max = 0;
  for (const f of fc.features) max = Math.max(max, Number(f.properties[BLOCK_DENSITY]) || 0);
  return new GeoJsonLayer({
    id: 'blocks',
    data: fc as never,
    stroked: true,
    filled: true,
    getFillColor: (f: any) => {
      if (!max) return VIEWER_STYLE.blockEmpty;
      const c = ramp(YL_OR_RD, Math.sqrt((Number(f.properties[BLOCK_DENSITY]) || 0) / max)) as Rgba;
      return [c[0], c[1], c[2], VIEWER_STYLE.blockFillAlpha];
    },
    getLineColor: VIEWER_STYLE.blockStroke,
    lineWidthMinPixels: 1,
    pickable: true,
  });
}
