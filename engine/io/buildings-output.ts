/**
 * buildings.geojson: every building with its footprint (WGS84) and derived values, streamed so a city of a million
 * buildings never becomes one string.
 */
import { rm } from 'node:fs/promises';
import { FLOOR_AREA_RULES, USE_CATEGORIES, type BuildingTable } from '../buildings/table.js';
import { transformer, WGS84 } from '../crs/index.js';
import { coolingColumns } from '../demand/annual.js';
import { renameOutput, withOutputStream } from './write.js';

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10000) / 10000;

/**
 * Write buildings.geojson, feature by feature in chunks of about 1 MiB, through a temporary file renamed into place;
 * a failed write is an OutputError naming `path` and leaves no partial file.
 */
export async function writeBuildingsGeoJson(path: string, t: BuildingTable): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await withOutputStream(tmp, (out) => writeFeatures(t, (s) => out.write(s)));
  try {
    await renameOutput(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** A finite number as JSON writes it (String(x) is JSON's number form), else null. */
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

async function writeFeatures(t: BuildingTable, write: (s: string) => Promise<void>): Promise<void> {
  const tr = transformer(t.crs, WGS84);
  const cc = coolingColumns(t);
  let buf = '{"type":"FeatureCollection","features":[\n';
  // one building's vertices projected at once, into a buffer that grows to the largest building
  let xy = new Float64Array(2 * 64);
  for (let b = 0; b < t.count; b++) {
    const v0 = t.ringVertex[t.buildingRing[b]!]!, v1 = t.ringVertex[t.buildingRing[b + 1]!]!;
    if (2 * (v1 - v0) > xy.length) xy = new Float64Array(2 * (v1 - v0) * 2);
    const pts = xy.subarray(0, 2 * (v1 - v0));
    pts.set(t.coords.subarray(2 * v0, 2 * v1));
    tr.forwardFlat(pts);
    // the geometry as JSON.stringify would write it: [[[lon,lat],...]] per polygon, holes after their outer ring
    let polys = 0;
    let g = '';
    for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
      const hole = t.ringHole[r] !== 0;
      if (hole && polys === 0) continue; // a hole without an outer ring is left out
      let ring = '[';
      const first = t.ringVertex[r]! - v0;
      for (let v = first; v < t.ringVertex[r + 1]! - v0; v++) ring += `${v > first ? ',' : ''}[${num(Math.round(pts[2 * v]! * 1e7) / 1e7)},${num(Math.round(pts[2 * v + 1]! * 1e7) / 1e7)}]`;
      ring += `,[${num(Math.round(pts[2 * first]! * 1e7) / 1e7)},${num(Math.round(pts[2 * first + 1]! * 1e7) / 1e7)}]]`;
      if (hole) g += `,${ring}`;
      else g += `${polys++ ? ']' : ''}${polys > 1 ? ',' : ''}[${ring}`;
    }
    if (polys) g += ']';
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
    const geometry = polys === 1 ? `{"type":"Polygon","coordinates":${g}}` : `{"type":"MultiPolygon","coordinates":[${g}]}`;
    buf += `${b ? ',\n' : ''}{"type":"Feature","properties":${JSON.stringify(props)},"geometry":${geometry}}`;
    if (buf.length >= 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf + `\n],"files":${JSON.stringify(t.files)}}\n`);
}
