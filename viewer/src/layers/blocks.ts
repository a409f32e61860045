/** Blocks: outlines, filled by the blocks' demand density (MWh/(ha·a)) in the demand grid's scale. */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { ramp, rgbaClassIndex, VIEWER_STYLE, YL_OR_RD, type Rgba } from '../../../engine/style/palette.js';
import { BLOCK_DENSITY } from '../../../engine/run/contract.js';
import { demandClasses } from './scales.js';

export function blocksLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = ctx.data.blocks;
  if (!fc) return null;
  // blocks.geojson's density property (contract BLOCK_DENSITY), MWh/(ha·a)
  let max = 0;
  for (const f of fc.features) max = Math.max(max, Number(f.properties[BLOCK_DENSITY]) || 0);
  const classes = demandClasses(ctx.data);
  return new GeoJsonLayer({
    id: 'blocks',
    data: fc as never,
    stroked: true,
    filled: true,
    getFillColor: (f: any) => {
      const v = Number(f.properties[BLOCK_DENSITY]) || 0;
      if (!max || !(v > 0)) return VIEWER_STYLE.blockEmpty;
      const c = ctx.demandScale === 'sqrt' ? (ramp(YL_OR_RD, Math.sqrt(v / max)) as Rgba) : classes[rgbaClassIndex(classes, v)]!.color;
      return [c[0], c[1], c[2], VIEWER_STYLE.blockFillAlpha];
    },
    getLineColor: VIEWER_STYLE.blockStroke,
    lineWidthMinPixels: 1,
    pickable: true,
    updateTriggers: { getFillColor: ctx.demandScale },
  });
}
