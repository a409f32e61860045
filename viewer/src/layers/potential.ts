/** Heat-source potentials: one switchable image layer per band of potential.tif (kW per cell, or coverage ratio). */
import type { LayerContext } from './context.js';
import { BLUES } from '../../../engine/style/palette.js';
import { gridBitmapLayer } from './grid-image.js';

export function potentialLayer(ctx: LayerContext, band: number): ReturnType<typeof gridBitmapLayer> | null {
  const g = ctx.data.potential;
  if (!g || band >= g.meta.bands.length) return null;
  return gridBitmapLayer(`potential-${band}`, g, band, BLUES, 200);
}
