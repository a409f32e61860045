/**
 * buildings.geojson: every building with its footprint (WGS84) and derived values, streamed so a city of a million
 * buildings never becomes one string.
 */
import { FLOOR_AREA_RULES, USE_CATEGORIES, type BuildingTable } from '../buildings/table.js';
import { transformer, WGS84 } from '../crs/index.js';
import { coolingColumns } from '../demand/annual.js';
import { withOutputStream } from './write.js';

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10000) / 10000;

/** Write buildings.geojson; a failed write is an OutputError naming `path` and leaves no partial file. */
export async function writeBuildingsGeoJson(path: string, t: BuildingTable): Promise<void> {
  await withOutputStream(path, (out) => writeFeatures(t, (s) => out.write(s)));
}

async function writeFeatures(t: BuildingTable, write: (s: string) => Promise<void>): Promise<void> {
  const tr = transformer(t.crs, WGS84);
  const cc = coolingColumns(t);
  await write('{"type":"FeatureCollection","features":[\n');
  for (let b = 0; b < t.count; b++) {
    const polys: number[][][][] = [];
    for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
      const ring: number[][] = [];
      for (let v = t.ringVertex[r]!; v < t.ringVertex[r + 1]!; v++) {
        const [lon, lat] = tr.forward(t.coords[2 * v]!, t.coords[2 * v + 1]!);
        ring.push([Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]);
      }
      ring.push(ring[0]!);
      if (t.ringHole[r] === 0) polys.push([ring]);
      else if (polys.length) polys[polys.length - 1]!.push(ring);
    }
    const props = {
      id: t.id[b],
      file: t.fileIndex[b],
      use: USE_CATEGORIES[t.category[b]!],
      useCode: t.useCode[b],
      floorArea_m2: r2(t.floorAreaM2[b]!),
      floorAreaSource: FLOOR_AREA_RULES[t.floorAreaRule[b]!],
      storeys: Number.isNaN(t.storeysUsed[b]!) ? null : t.storeysUsed[b],
      height_m: Number.isNaN(t.heightM[b]!) ? null : r2(t.heightM[b]!),
      footprint_m2: r2(t.footprintAreaM2[b]!),
      spaceHeat_MWh: r4(t.spaceHeatMWh[b]!),
      hotWater_MWh: r4(t.hotWaterMWh[b]!),
      // the sum of the rounded parts, so that readers find heat = space heat + hot water exactly
      heat_MWh: r4(r4(t.spaceHeatMWh[b]!) + r4(t.hotWaterMWh[b]!)),
      peak_kW: r4(t.peakKw[b]!),
      cool_MWh: r4(cc.coolMWh[b]!),
      coolPeak_kW: r4(cc.coolPeakKw[b]!),
      x: r2(t.cx[b]!),
      y: r2(t.cy[b]!),
    };
    const geometry = polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
    await write((b ? ',\n' : '') + JSON.stringify({ type: 'Feature', properties: props, geometry }));
  }
  await write(`\n],"files":${JSON.stringify(t.files)}}\n`);
}
