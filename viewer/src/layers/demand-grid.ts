/**
 * Demand density: demand.tif's non-empty cells as one GridCellLayer over binary attributes (cell centres, colours,
 * heights as typed arrays). An instanced cell per grid cell keeps 1,000,000 cells at one draw call, in 2D or extruded.
 */
import { GridCellLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { gridColors } from './grid-colors.js';
import { YL_OR_RD } from '../colors.js';
import { memo } from './memo.js';

/** Band shown: 1 = annual heat demand (MWh/a per cell). */
export const DEMAND_BAND = 1;
/** Height of the densest cell when extruded, m. */
export const MAX_EXTRUSION_M = 600;

export function demandGridLayer(ctx: LayerContext): GridCellLayer | null {
  const g = ctx.data.demand;
  if (!g) return null;
  const band = Math.min(DEMAND_BAND, g.meta.bands.length - 1);
  const colors = gridColors(g, band, YL_OR_RD);
  const max = g.meta.bands[band]!.max || 1;
  return new GridCellLayer({
    id: 'demand',
    data: memo(g, `demand-${band}`, () => ({
      length: g.meta.count,
      attributes: {
        getPosition: { value: g.arrays.position as Float64Array, size: 2 },
        getFillColor: { value: colors, size: 4, normalized: true },
        getElevation: { value: g.arrays[`b${band}`] as Float32Array, size: 1 },
      },
    })) as never,
    cellSize: g.meta.cellSizeM,
    offset: [0, 0],
    extruded: ctx.extruded,
    elevationScale: MAX_EXTRUSION_M / max,
    pickable: true,
    material: ctx.extruded ? undefined : false,
  });
}
