/** Blocks: outlines, filled by demand density where the block carries one (MWh/(ha·a)). */
import { GeoJsonLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { ramp, YL_OR_RD, type Rgba } from '../colors.js';

/** The block property holding density, MWh/(ha·a): the first whose name contains 'density'. */
export function densityKey(props: Record<string, unknown> | undefined): string | undefined {
  return props ? Object.keys(props).find((k) => /density/i.test(k) && typeof props[k] === 'number') : undefined;
}

export function blocksLayer(ctx: LayerContext): GeoJsonLayer | null {
  const fc = ctx.data.blocks;
  if (!fc) return null;
  const key = densityKey(fc.features[0]?.properties);
  let max = 0;
  if (key) for (const f of fc.features) max = Math.max(max, Number(f.properties[key]) || 0);
  return new GeoJsonLayer({
    id: 'blocks',
    data: fc as never,
    stroked: true,
    filled: true,
    getFillColor: (f: any) => {
      if (!key || !max) return [200, 200, 200, 60];
      const c = ramp(YL_OR_RD, Math.sqrt((Number(f.properties[key]) || 0) / max)) as Rgba;
      return [c[0], c[1], c[2], 140];
    },
    getLineColor: [90, 90, 90, 255],
    lineWidthMinPixels: 1,
    pickable: true,
  });
}
