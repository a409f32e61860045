/**
 * The batch benchmarks' synthetic city: copies of the Osaka tiles (../shared/datasets/osaka) side by side as GeoJSON
 * files, and a batch file running demand + areas on them as one tiled area. Not a benchmark itself (`_` prefix).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableBBox } from '../../engine/buildings/geometry.js';
import { readBuildingInputs } from '../../engine/io/buildings-input.js';
import { Warnings } from '../../engine/util/warnings.js';

export interface SyntheticCity {
  dir: string;
  files: string[];
  copies: number;
  /** Buildings per copy. */
  perCopy: number;
  /** The batch file's text (stages demand and areas, one tiled area "city"). */
  yaml: string;
}

/** At least `target` buildings in copies of the Osaka tiles, written under a new temp folder named with `prefix`. */
export async function syntheticCity(data: string, target: number, tileM: number, prefix: string): Promise<SyntheticCity> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const t = await readBuildingInputs([join(data, 'osaka')], new Warnings());
  const [w, s, e, n] = tableBBox(t);
  const copies = Math.ceil(target / t.count);
  const cols = Math.ceil(Math.sqrt(copies));
  const dLon = (e - w) * 1.05, dLat = (n - s) * 1.05;
  const files: string[] = [];
  const num = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
  for (let k = 0; k < copies; k++) {
    const ox = (k % cols) * dLon, oy = Math.floor(k / cols) * dLat;
    const lines: string[] = [];
    for (let b = 0; b < t.count; b++) {
      const polys: number[][][][] = [];
      for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
        const ring: number[][] = [];
        for (let v = t.ringVertex[r]!; v < t.ringVertex[r + 1]!; v++) ring.push([t.coords[2 * v]! + ox, t.coords[2 * v + 1]! + oy]);
        ring.push(ring[0]!);
        if (t.ringHole[r] === 0) polys.push([ring]);
        else polys[polys.length - 1]?.push(ring);
      }
      const props = { id: `${k}:${t.id[b]}`, usage: t.useCode[b], storeys: num(t.storeysAbove[b]!), height: num(t.heightM[b]!), floor: num(t.givenFloorAreaM2[b]!) };
      lines.push(JSON.stringify({ type: 'Feature', properties: props, geometry: { type: 'MultiPolygon', coordinates: polys } }));
    }
    const f = join(dir, `copy-${String(k).padStart(3, '0')}.geojson`);
    writeFileSync(f, `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`);
    files.push(f);
  }
  const demand = `{ scheme: plateau, useColumn: usage, storeysColumn: storeys, heightColumn: height, floorAreaColumn: floor, idColumn: id, crs: "EPSG:6674", climateRegion: 6 }`;
  const yaml = `stages: [demand, areas]\nareas:\n  - name: city\n    tiles: { size: ${tileM} }\n    demand: ${demand}\n    buildings:\n${files.map((f) => `      - ${f}`).join('\n')}\n`;
  return { dir, files, copies, perCopy: t.count, yaml };
}
