/**
 * Demand density. 2D: the band as one image on the raster's footprint (grid-image.ts; constant cost per frame at any
 * cell count). Extruded: the non-empty cells as one GridCellLayer over binary attributes (centres, colours, heights as
 * typed arrays, no objects); its per-frame cost grows with the cell count (see the README's figures). The two are
 * different layer classes, so they have different ids: deck.gl matches layers by id and would hand the image layer's
 * state to the cell layer (which then draws nothing).
 */
import { GridCellLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { gridColors } from './grid-colors.js';
import { memo } from './memo.js';
import { GRID_ARRAYS } from '../../../engine/viewer/pack/format.js';
import { DEMAND_BAND } from '../../../engine/run/contract.js';
import { gridBitmapLayer } from './grid-image.js';
import { demandPaint } from './scales.js';

/** Band shown: demand.tif's annual heat demand (MWh/a per cell). */
export const DEMAND_BAND_SHOWN = DEMAND_BAND.annualHeat;
/** Height of the densest cell when extruded, m. */
export const MAX_EXTRUSION_M = 600;
/** Layer id of the extruded grid (the flat one is 'demand'). */
export const DEMAND_3D_ID = 'demand-3d';

export function demandGridLayer(ctx: LayerContext): GridCellLayer | ReturnType<typeof gridBitmapLayer> | null {
  const g = ctx.data.demand;
  if (!g) return null;
  const band = Math.min(DEMAND_BAND_SHOWN, g.meta.bands.length - 1);
  const paint = demandPaint(ctx.data, band, ctx.demandScale);
  if (!ctx.extruded) return gridBitmapLayer('demand', g, band, paint, 220);
  const colors = gridColors(g, band, paint, 235);
  const max = g.meta.bands[band]!.max || 1;
  return new GridCellLayer({
    id: DEMAND_3D_ID,
    data: memo(g, `demand-3d-${band}-${paint.key}`, () => ({
      length: g.meta.count,
      attributes: {
        getPosition: { value: g.arrays[GRID_ARRAYS.position] as Float64Array, size: 2 },
        getFillColor: { value: colors, size: 4, normalized: true },
        getElevation: { value: g.arrays[GRID_ARRAYS.band(band)] as Float32Array, size: 1 },
      },
    })) as never,
    cellSize: g.meta.cellSizeM,
    offset: [0, 0],
    extruded: true,
    elevationScale: MAX_EXTRUSION_M / max,
    // mostly ambient light: the columns keep their class colours, the sides only a little darker than the tops
    material: { ambient: 0.75, diffuse: 0.35, shininess: 8, specularColor: [30, 30, 30] },
    pickable: true,
  });
}
