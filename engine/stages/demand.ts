/** The demand stage: buildings -> demand grid (demand.tif), blocks, building table, into a new run folder. */
import { UsageError } from '../errors.js';
import { GEOJSON_TWIN_MAX_FEATURES, GEOJSON_TWIN_MODES } from '../run/contract.js';
import { DEFAULT_MAX_CELLS } from '../grid/grid.js';
import { bool, crs, num, oneOf, path, required, str, U } from './fields.js';
import { defineStage } from './types.js';
import type { PeakConsistency } from '../run/summaries.js';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

/** One terminal line: hourly-profile peak / design peak per use on the weather in use (1.00 = consistent). */
function peakLine(p: PeakConsistency): string {
  const parts = Object.entries(p.byUse)
    .filter(([, v]) => v.spaceHeatRatio !== null || v.coolingRatio !== null)
    .map(([u, v]) => `${u} ${v.spaceHeatRatio === null ? '-' : v.spaceHeatRatio.toFixed(2)}/${v.coolingRatio === null ? '-' : v.coolingRatio.toFixed(2)}`);
  return `profile peak / design peak (heat/cold) on ${p.weather.split('/').pop()}: ${parts.join(', ')}`;
}

export const demandFields = {
  buildings: required(path('--buildings', 'in', 'PLATEAU CityGML .gml/.gml.gz or folder of tiles, OSM .pbf, .shp or .geojson', {
    list: true,
    help: 'PLATEAU CityGML (.gml, .gml.gz, a folder of tiles, or a PLATEAU city download as published: the .zip, the city folder or its udx/), OSM .pbf, .shp or .geojson',
  })),
  crs: crs('--crs', { help: 'projected working CRS (default: JGD2011 plane zone in Japan, UTM elsewhere)' }),
  cell_m: num('--cell', U.m, { positive: true }, 'grid cell size', { default: 100, aliases: ['cell'], help: 'grid cell size in metres' }),
  blocks: path('--blocks', 'in', 'block polygons, GeoJSON or shapefile', { help: 'block polygons (GeoJSON or shapefile) to aggregate to; default: grid cells' }),
  useColumn: str('--use-column', 'a column name', { placeholder: 'name', help: 'shapefile/GeoJSON column holding the use code' }),
  floorAreaColumn: str('--floor-area-column', 'a column name', { placeholder: 'name', help: 'shapefile/GeoJSON column holding total floor area (m²)' }),
  storeysColumn: str('--storeys-column', 'a column name', { placeholder: 'name', help: 'shapefile/GeoJSON column holding storeys above ground' }),
  heightColumn: str('--height-column', 'a column name', { placeholder: 'name', help: 'shapefile/GeoJSON column holding building height (m)' }),
  idColumn: str('--id-column', 'a column name', { placeholder: 'name', help: 'shapefile/GeoJSON column holding the building id' }),
  scheme: str('--scheme', 'a use-code scheme name (plateau, osm, custom, ...)', { placeholder: 'name', default: 'custom', help: 'use-code scheme of shapefile/GeoJSON codes in the use mapping table' }),
  useMapping: path('--use-mapping', 'in', 'use mapping CSV scheme,code,category', { list: true, repeat: true, help: 'extra use mapping table (scheme,code,category); overrides the defaults' }),
  encoding: str('--encoding', 'a character encoding name such as shift_jis', { placeholder: 'name', help: 'character encoding of .dbf files without .cpg (e.g. shift_jis)' }),
  sourceCrs: crs('--source-crs', { help: 'CRS of shapefile/GeoJSON inputs that declare none' }),
  intensity: path('--intensity', 'in', 'demand intensity CSV', { help: 'demand intensity table (see engine/demand/intensity.csv)' }),
  climateTable: path('--climate-table', 'in', 'climate region CSV', { help: 'climate region table (see engine/demand/climate-regions.csv)' }),
  climateRegion: num('--climate-region', undefined, { int: true, min: 1, max: 8 }, 'Japanese climate region', { help: 'Japanese climate region 1-8 (default: nearest reference city)' }),
  weather: path('--weather', 'in', 'weather file: HASP .has, CSV or EPW', { help: 'weather file (HASP .has, CSV, EPW): degree days, mean and design temperature from it where --hdd, --mean-temp, --design-temp are not given' }),
  hdd_Kd: num('--hdd', U.Kd, { min: 0 }, 'heating degree days, base 18 °C', { aliases: ['hdd'], help: 'heating degree days base 18 °C (required outside Japan unless --weather is given)' }),
  meanTemp_C: num('--mean-temp', U.C, {}, 'annual mean outdoor temperature', { aliases: ['meanTemp'], help: 'annual mean outdoor temperature °C (mains water temperature)' }),
  designTemp_C: num('--design-temp', U.C, {}, 'design outdoor temperature', { aliases: ['designTemp'], help: 'design outdoor temperature °C (peaks)' }),
  hddScaling: oneOf('--hdd-scaling', ['linear', 'sqrt'] as const, { default: 'linear', help: 'how space-heating intensity scales with degree days' }),
  storeyHeight_m: num('--storey-height', U.m, { positive: true }, 'storey height for storeys from measured height', { help: 'storey height in metres for every use when storeys come from measured height (default: by use, intensity table storeyHeight_m)' }),
  heightOffset_m: num('--height-offset', U.m, { min: 0 }, 'height offset of the storey rule', { help: 'offset in metres of storeys = 1 + floor((height - offset) / storey height) for every use (default: by use; 4.89 with 4.2 m storeys is the PLATEAU sewage-heat tool rule)' }),
  residentialHotWater: oneOf('--residential-hot-water', ['per-dwelling', 'per-m2'] as const, { default: 'per-dwelling', help: 'residential hot water per dwelling and person (MoE household statistics, issue 11) or per m² of floor area (heatplan 0.1)' }),
  personsPerDwelling: num('--persons-per-dwelling', undefined, { positive: true }, 'persons per dwelling', { help: 'residential hot water: persons per dwelling (default: intensity table, 2.2 from the 2020 census)' }),
  m2PerDwelling: num('--m2-per-dwelling', undefined, { positive: true }, 'floor area per dwelling in m²', { help: 'residential hot water: floor area per dwelling of apartment blocks, m² (default: intensity table, 92 m² from the 2018 housing survey)' }),
  hotWaterPerPerson_L_day: num('--hot-water-per-person', undefined, { min: 0 }, 'hot water per person in litres a day at 43 °C', { help: 'residential hot water, L per person and day at 43 °C (default: intensity table, 92.8 from the MoE FY2022 household statistics)' }),
  hotWaterPerDwelling_L_day: num('--hot-water-per-dwelling', undefined, { min: 0 }, 'hot water per dwelling in litres a day at 43 °C', { help: 'residential hot water, L per dwelling and day at 43 °C (replaces persons x litres per person)' }),
  municipalityRegions: path('--municipality-regions', 'in', 'CSV code,region,source', { help: 'climate region by municipality (CSV code,region,source: the 告示783 table, 5-digit municipality codes); the data\'s uro:city codes then choose the region instead of the nearest reference city' }),
  intensityRegion: num('--intensity-region', undefined, { int: true, min: 1, max: 8 }, 'Japanese climate region', { help: "outside Japan: the Japanese climate region 1-8 whose room-load heating and cooling intensities stand in for the site (space heat scaled by the degree-day ratio); default none: cooling not given" }),
  includeBasement: bool('--include-basement', false, { help: 'count storeys below ground in floor area' }),
  maxCells: num('--max-cells', undefined, { int: true, positive: true }, 'largest grid, in cells', { default: DEFAULT_MAX_CELLS, help: 'largest demand grid in cells (width x height), refused before it is allocated; the default is sized in engine/grid/grid.ts' }),
  geojson: oneOf('--geojson', GEOJSON_TWIN_MODES, { default: 'auto', help: 'buildings.geojson beside buildings.fgb (the run\'s own form, always written): auto = while the layer has at most --geojson-max-features features, always, never' }),
  geojsonMaxFeatures: num('--geojson-max-features', undefined, { int: true, positive: true }, 'features', { default: GEOJSON_TWIN_MAX_FEATURES, help: 'largest layer of which --geojson auto writes buildings.geojson: a size policy, not a physical figure (100,000 features are about 56 MiB of buildings.geojson, a ninth of V8\'s longest string, so tools reading GeoJSON as one string open it; engine/run/contract.ts)' }),
  force: bool('--force', false, { help: 'replace an existing run that holds more than a demand stage (its potential, areas, network, simulation, report, maps and any other files are removed); without it that is refused, listing them' }),
};

export const demand = defineStage({
  name: 'demand',
  command: 'demand',
  description: 'map building heat demand onto a grid and blocks (writes demand.tif, blocks.geojson, buildings.fgb, buildings.geojson for small runs, manifest.json)',
  runArg: 'out',
  manifestKey: 'demand',
  fields: demandFields,
  check(o) {
    // heating degree days are counted below 18 °C (METHODS.md §2): a design or mean outdoor temperature at or above
    // that base leaves nothing to heat; the design temperature is the coldest of the two
    if (o.designTemp_C !== undefined && o.designTemp_C >= 18) {
      throw new UsageError('demand-design-temp', `designTemp_C (--design-temp) ${o.designTemp_C} °C is not below the heating base of 18 °C: give the design (coldest) outdoor temperature`, { value: o.designTemp_C });
    }
    if (o.designTemp_C !== undefined && o.meanTemp_C !== undefined && o.designTemp_C > o.meanTemp_C) {
      throw new UsageError('demand-design-temp', `designTemp_C ${o.designTemp_C} °C is above meanTemp_C ${o.meanTemp_C} °C: the design temperature is the coldest hours' value`, { value: o.designTemp_C });
    }
  },
  async run(runDir, o, ctx) {
    const { runDemand } = await import('../demand/stage.js');
    return runDemand(runDir, o, ctx);
  },
  line: (s) =>
    `${fmt(s.buildings)} buildings, ${fmt(s.floorArea_m2)} m² floor area, ${fmt(s.annualHeat_MWh)} MWh/a, peak ${fmt(s.peak_kW)} kW; ` +
    (s.cooling ? `cooling ${fmt(s.cooling.cooling_MWh)} MWh/a, peak ${fmt(s.cooling.coolingPeak_kW)} kW; ` : '') +
    `grid ${s.grid.width}x${s.grid.height} cells of ${s.cellSize_m} m in ${s.crs}`,
  details: (s) => [
    `CRS: ${s.crsReason}`,
    ...(s.parameters.climateReason ? [`climate: region ${String(s.parameters.climateRegion)} (${String(s.parameters.climateCity)}): ${String(s.parameters.climateReason)}`] : []),
    `floor area from: ${JSON.stringify(s.floorAreaSource)}`,
    ...(s.byUse.unknown?.buildings
      ? [`unknown use: ${fmt(s.byUse.unknown.buildings)} buildings, ${fmt(s.byUse.unknown.floorArea_m2)} m² (${((100 * s.byUse.unknown.floorArea_m2) / Math.max(1, s.floorArea_m2)).toFixed(1)} % of floor area), ${fmt(s.byUse.unknown.annualHeat_MWh)} MWh/a at the unknown row's intensity (engine/demand/intensity.csv)`]
      : []),
    ...(s.cooling?.notGiven.length ? [`cooling not given in the intensity table for: ${s.cooling.notGiven.join(', ')} (0, not estimated)`] : []),
    ...(s.peakConsistency ? [peakLine(s.peakConsistency)] : []),
    ...(Object.keys(s.warnings).length ? [`warnings: ${JSON.stringify(s.warnings)}`] : []),
  ],
});
