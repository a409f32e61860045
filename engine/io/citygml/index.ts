/** CityGML (PLATEAU) readers: buildings into the building table, any feature type as lon/lat polygons. */
export { readCityGmlBuildings, plateauNumber, type CityGmlReadSummary, type CityGmlReadOptions, type FootprintSource } from './buildings.js';
export { readCityGmlPolygons, type CityGmlFeature, type CityGmlPolygonsResult, type CityGmlPolygonsOptions } from './polygons.js';
export { resolveCityGmlFiles } from './files.js';
