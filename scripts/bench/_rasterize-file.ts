/**
 * heatplan's exact rasterization as a whole process from a file, the counterpart of one gdal_rasterize command: reads
 * the footprints (GeoJSON in the projected CRS, property `value`, as scripts/bench/rasterize.ts writes them for
 * ogr2ogr), rasterizes `value` by exact coverage onto the given grid and writes a one-band GeoTIFF. Prints JSON:
 * buildings, band total, seconds of the rasterization alone. Not a benchmark itself (`_` prefix).
 * Usage: node --import tsx scripts/bench/_rasterize-file.ts IN.geojson EPSG:N CELL_M X0 Y0 WIDTH HEIGHT OUT.tif
 */
import { lookupEpsg, parseCrs } from '../../engine/crs/index.js';
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, type FlatPolygon } from '../../engine/buildings/table.js';
import { gridSum } from '../../engine/grid/grid.js';
import { rasterizeBuildings } from '../../engine/grid/rasterize-exact.js';
import { readFeatureCollection } from '../../engine/io/geojson-stream.js';
import { writeGeoTiff } from '../../engine/io/geotiff.js';

const [input, crsCode, cell, x0, y0, width, height, out] = process.argv.slice(2);
const crs = parseCrs(crsCode!);
const b = new BuildingTableBuilder({ ...(lookupEpsg(Number(crsCode!.split(':')[1])) ?? crs) });
b.beginFile(input!, 'custom');
const values: number[] = [];
await readFeatureCollection(input!, {
  map: (f, i) => {
    const ft = f as { properties: { value: number }; geometry: { type: string; coordinates: number[][][][] } };
    const polys: FlatPolygon[] = (ft.geometry.type === 'Polygon' ? [ft.geometry.coordinates as unknown as number[][][]] : ft.geometry.coordinates).map((p) => p.map((ring) => ring.flat()));
    b.add({ id: String(i) }, polys);
    values.push(ft.properties.value);
    return 0;
  },
});
const t = b.finish();
if (t.count !== values.length) throw new Error(`${input}: ${values.length} features but ${t.count} buildings read`);
computeFootprints(t);
const spec = { crs: crs.code, x0: Number(x0), y0: Number(y0), cellSize: Number(cell), width: Number(width), height: Number(height) };
const t0 = performance.now();
const band = rasterizeBuildings(t, spec, [Float64Array.from(values)])[0]!;
const seconds = (performance.now() - t0) / 1000;
await writeGeoTiff(out!, { ...spec, bands: [band], names: ['value'], units: ['m2'] });
console.log(JSON.stringify({ buildings: t.count, total: gridSum(band), seconds }));
