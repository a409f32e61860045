/** The areas stage: district-heating supply areas (Hotmaps method or heatplan's block method) into areas.geojson. */
import { bool, num, oneOf, path, U } from './fields.js';
import { defineStage } from './types.js';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

export const areasFields = {
  method: oneOf('--method', ['hotmaps', 'blocks'] as const, { default: 'hotmaps', help: 'hotmaps: Hotmaps dh_potential on cells; blocks: heatplan block/cell areas by land and linear heat density' }),
  cellThreshold_MWh_ha: num('--cell-threshold', U.MWhHa, { min: 0 }, 'cell threshold', { aliases: ['cellThreshold'], help: 'hotmaps: cell threshold (default 333); blocks: land density threshold (default 700 = 70 kWh/m², VICUS)' }),
  areaThreshold_GWh: num('--area-threshold', U.GWh, { min: 0 }, 'minimum annual demand of an area', { aliases: ['areaThreshold'], help: 'minimum annual demand of an area (default 30 for hotmaps, 0 for blocks)' }),
  demandRaster: path('--demand-raster', 'in', 'heat-density GeoTIFF in MWh/(ha·a)', { help: "heat-density GeoTIFF in MWh/(ha·a) instead of the run's demand.tif (no buildings needed)" }),
  band: num('--band', undefined, { int: true, min: 1 }, 'band of demandRaster', { default: 1, help: 'band of demandRaster' }),
  linearThreshold_MWh_m: num('--linear-threshold', U.MWhM, { min: 0 }, 'minimum linear heat density', { aliases: ['linearThreshold'], help: 'blocks: minimum linear heat density (default 1.2 MWh/(m·a), VICUS)' }),
  gap_m: num('--gap', U.m, { min: 0 }, 'join distance', { aliases: ['gap'], help: 'blocks: blocks closer than this join one area (default 30 m, assumption)' }),
  plotRatio: num('--plot-ratio', undefined, { positive: true }, 'floor area / land area', { help: 'plot ratio to assume where floor area is unknown (default: P&W width 60 m)' }),
  keepEdge: bool('--keep-edge', false, { help: 'hotmaps: keep raster-edge cells (Hotmaps/scipy erode them away)' }),
};

export const areas = defineStage({
  name: 'areas',
  command: 'areas',
  description: "find district-heating supply areas (writes areas.geojson and the manifest's areas summary)",
  runArg: 'run',
  manifestKey: 'areas',
  fields: areasFields,
  async run(runDir, o) {
    const { runAreas } = await import('../potential/areas-stage.js');
    return runAreas({
      run: runDir,
      method: o.method ?? 'hotmaps',
      cellThresholdMWhPerHa: o.cellThreshold_MWh_ha,
      areaThresholdGWh: o.areaThreshold_GWh,
      demandRaster: o.demandRaster,
      band: o.band,
      linearThresholdMWhPerM: o.linearThreshold_MWh_m,
      gapM: o.gap_m,
      plotRatio: o.plotRatio,
      keepEdge: o.keepEdge,
    });
  },
  line: (r) =>
    `${r.count} areas (${r.method}), ${fmt(r.demand_MWh)} of ${fmt(r.totalDemand_MWh)} MWh/a inside ` +
    `(cell threshold ${r.cellThreshold_MWh_per_ha} MWh/ha, area threshold ${r.areaThreshold_GWh} GWh/a)`,
});
