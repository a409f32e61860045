/** The route stage: candidate pipe network on the road graph with heat-density pruning, into network.geojson. */
import { UsageError } from '../errors.js';
import { DEFAULT_SIZING } from '../network/sizing.js';
import { bool, crs, num, oneOf, path, plantList, required, supplyAboveReturn, U, words, yesNo } from './fields.js';
import { defineStage } from './types.js';

export const routeFields = {
  roads: required(path('--roads', 'in', 'roads: OSM .pbf, .shp or .geojson lines', { help: 'roads: OSM .pbf (highway=*), .shp or .geojson centre lines (GeoPackage/FlatGeobuf: convert with ogr2ogr; README "Roads for a Japanese town")' })),
  plant: plantList('--plant', { help: 'plant position lon,lat[,capacity_kW[,type]] (repeat for several)' }),
  plants: path('--plants', 'in', 'GeoJSON points with capacity_kW, type, fuel', { help: 'GeoJSON points with capacity_kW, type, fuel' }),
  minKwPerM: num('--min-kw-per-m', U.kWM, { min: 0 }, 'design output / (2 x route length); 0 = off', { default: 0.17, help: 'seed 003 threshold: design output / (2 x route length); 0 = off' }),
  minMwhPerM: num('--min-mwh-per-m', U.MWhM, { min: 0 }, 'annual heat per metre of trench; 0 = off', { default: 1.5, help: 'annual heat per metre of trench; 0 = off' }),
  supply_C: num('--supply', U.C, {}, 'supply temperature', { default: DEFAULT_SIZING.supplyC, aliases: ['supply'], help: 'supply temperature °C (assumption)' }),
  return_C: num('--return', U.C, {}, 'return temperature', { default: DEFAULT_SIZING.returnC, aliases: ['return'], help: 'return temperature °C (assumption)' }),
  ground_C: num('--ground', U.C, {}, 'ground temperature', { default: DEFAULT_SIZING.groundC, aliases: ['ground'], help: 'ground temperature °C' }),
  maxPaPerM: num('--max-pa-per-m', U.PaM, { positive: true }, 'pressure-drop limit', { default: DEFAULT_SIZING.maxPaPerM, help: 'pressure-drop limit for sizing' }),
  maxService_m: num('--max-service', U.m, { positive: true }, undefined, { default: 150, aliases: ['maxService'], help: 'consumers farther from a road are dropped' }),
  consumers: oneOf('--consumers', ['buildings', 'blocks'] as const, { default: 'buildings', help: 'one consumer per building, or per block/grid cell of blocks.geojson for coarse city-wide runs' }),
  plantFromPotential: bool('--plant-from-potential', false, { help: 'place the plant at the cell of potential.tif with the most available heat (a sewage/river/ground heat pump or waste heat)' }),
  maxPlantDistance_m: num('--max-plant-distance', U.m, { positive: true }, undefined, { default: 1000, aliases: ['maxPlantDistance'], help: 'a plant farther from a road is an error' }),
  roadClasses: words('--road-classes', 'highway=* classes', { help: 'only these highway=* classes carry pipes (comma list)' }),
  excludeRoadClasses: words('--exclude-road-classes', 'highway=* classes', { help: 'highway=* classes that do not carry pipes (comma list; default motorway, trunk, steps, ...)' }),
  roadsCrs: crs('--roads-crs', { help: 'CRS of a roads shapefile/GeoJSON that declares none' }),
  snap_m: num('--snap', U.m, { positive: true }, 'vertex join distance', { default: 0.5, aliases: ['snap'], help: 'vertices closer than this are joined (lines without node ids)' }),
  crossings: yesNo('--crossings', { help: 'node roads where they cross on one layer (default: yes for SHP/GeoJSON, no for OSM)' }),
  improve: bool('--improve', true, { help: 'the key-path exchange after Mehlhorn (--no-improve skips it)' }),
  exportGraph: path('--export-graph', 'out', 'CSV of the noded road graph', { help: 'write the noded road graph with consumer taps as CSV (from,to,length_m,x1,y1,x2,y2)' }),
  exportTerminals: path('--export-terminals', 'out', 'CSV of plant and consumer node ids', { help: 'write the plant and consumer node ids of that graph (CSV node,kind)' }),
};

export const route = defineStage({
  name: 'route',
  command: 'route',
  description: 'pipe network on the road graph: Steiner tree from the plant(s) to the consumers, heat-density pruning, DN sizing, losses (writes network.geojson)',
  runArg: 'run',
  manifestKey: 'route',
  fields: routeFields,
  check(o) {
    const why = supplyAboveReturn(o.supply_C, o.return_C, ['--supply', '--return']);
    if (why) throw new UsageError('route-temperatures', why, { value: `${o.supply_C}/${o.return_C}` });
  },
  async run(runDir, o, ctx) {
    const { runRoute } = await import('../network/run.js');
    return runRoute(runDir, o, ctx);
  },
  line: (s) =>
    `${s.consumers} consumers connected (${s.connectedDemand_MWh.toFixed(0)} MWh/a), dropped ${JSON.stringify(s.consumersDropped)}; ` +
    `trench ${s.trench_m.toFixed(0)} m, ${s.kwPerM.toFixed(3)} kW/m, ${s.mwhPerMA.toFixed(2)} MWh/(m·a), loss share ${(100 * s.lossShare).toFixed(1)} %; ` +
    `plant ${s.plantSource}, output ${s.plantOutput_kW.toFixed(0)} kW; ${s.seconds.toFixed(1)} s`,
});
