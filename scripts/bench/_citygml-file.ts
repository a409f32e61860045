/**
 * heatplan's CityGML reader as a whole process, the counterpart of one ogr2ogr command: reads PLATEAU tiles (a folder
 * or files) and writes every building's footprint with its id as GeoJSONSeq (one feature per line, lon/lat), the
 * output ogr2ogr writes. Prints JSON: buildings. Not a benchmark itself (`_` prefix); scripts/bench/citygml.ts runs it.
 * Usage: node --import tsx scripts/bench/_citygml-file.ts OUT.geojsons TILE_OR_FOLDER...
 */
import { BuildingTableBuilder } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { readCityGmlBuildings } from '../../engine/io/citygml/buildings.js';
import { withOutputStream } from '../../engine/io/write.js';
import { Warnings } from '../../engine/util/warnings.js';

const [out, ...inputs] = process.argv.slice(2);
const b = new BuildingTableBuilder({ ...lookupEpsg(6668)! });
await readCityGmlBuildings(inputs, b, new Warnings());
const t = b.finish();
await withOutputStream(out!, async (o) => {
  let buf = '';
  for (let k = 0; k < t.count; k++) {
    const polys: number[][][][] = [];
    for (let r = t.buildingRing[k]!; r < t.buildingRing[k + 1]!; r++) {
      const ring: number[][] = [];
      for (let v = t.ringVertex[r]!; v < t.ringVertex[r + 1]!; v++) ring.push([t.coords[2 * v]!, t.coords[2 * v + 1]!]);
      ring.push(ring[0]!);
      if (t.ringHole[r] === 0) polys.push([ring]);
      else polys[polys.length - 1]?.push(ring);
    }
    buf += JSON.stringify({ type: 'Feature', properties: { gml_id: t.id[k] }, geometry: { type: 'MultiPolygon', coordinates: polys } }) + '\n';
    if (buf.length > 1 << 20) {
      await o.write(buf);
      buf = '';
    }
  }
  await o.write(buf);
});
console.log(JSON.stringify({ buildings: t.count }));
