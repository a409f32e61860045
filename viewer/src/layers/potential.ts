/** Heat-source potentials: one switchable image layer per band of potential.tif (kW per cell, coverage, suitability class). */
import type { LayerContext } from './context.js';
import { gridBitmapLayer } from './grid-image.js';
import { potentialPaint } from './scales.js';

export function potentialLayer(ctx: LayerContext, band: number): ReturnType<typeof gridBitmapLayer> | null {
  const g = ctx.data.potential;
  if (!g || band >= g.meta.bands.length) return null;
  return gridBitmapLayer(`potential-${band}`, g, band, potentialPaint(ctx.data, band), 200);
}
