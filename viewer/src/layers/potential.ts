/** Heat-source potentials: one switchable GridCellLayer per band of potential.tif (kW per cell, or coverage ratio). */
import { GridCellLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { gridColors } from './grid-colors.js';
import { BLUES } from '../colors.js';
import { memo } from './memo.js';

export function potentialLayer(ctx: LayerContext, band: number): GridCellLayer | null {
  const g = ctx.data.potential;
  if (!g || band >= g.meta.bands.length) return null;
  return new GridCellLayer({
    id: `potential-${band}`,
    data: memo(g, `potential-${band}`, () => ({
      length: g.meta.count,
      attributes: {
        getPosition: { value: g.arrays.position as Float64Array, size: 2 },
        getFillColor: { value: gridColors(g, band, BLUES, 200), size: 4, normalized: true },
      },
    })) as never,
    cellSize: g.meta.cellSizeM,
    offset: [0, 0],
    extruded: false,
    pickable: true,
  });
}
