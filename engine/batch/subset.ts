/** Building tables cut to a subset of buildings (a tile's owned buildings), copying the flat columns once. */
import type { BuildingTable } from '../buildings/table.js';

const PER_BUILDING = [
  'fileIndex', 'category', 'storeysAbove', 'storeysBelow', 'heightM', 'givenFloorAreaM2', 'givenFootprintAreaM2',
  'footprintAreaM2', 'cx', 'cy', 'floorAreaM2', 'floorAreaRule', 'storeysUsed', 'spaceHeatMWh', 'hotWaterMWh', 'heatMWh', 'peakKw',
] as const;

/** The buildings `keep` (ascending indices into `t`), with their rings and vertices. */
export function subsetTable(t: BuildingTable, keep: Uint32Array): BuildingTable {
  const n = keep.length;
  let rings = 0, verts = 0;
  for (let k = 0; k < n; k++) {
    const b = keep[k]!;
    const r0 = t.buildingRing[b]!, r1 = t.buildingRing[b + 1]!;
    rings += r1 - r0;
    verts += t.ringVertex[r1]! - t.ringVertex[r0]!;
  }
  const out = { ...t, count: n } as BuildingTable;
  for (const key of PER_BUILDING) {
    const src = t[key] as Float64Array;
    const dst = new (src.constructor as Float64ArrayConstructor)(n);
    for (let k = 0; k < n; k++) dst[k] = src[keep[k]!]!;
    (out as unknown as Record<string, unknown>)[key] = dst;
  }
  out.id = Array.from(keep, (b) => t.id[b]!);
  out.useCode = Array.from(keep, (b) => t.useCode[b]!);
  out.buildingRing = new Uint32Array(n + 1);
  out.ringVertex = new Uint32Array(rings + 1);
  out.ringHole = new Uint8Array(rings);
  out.coords = new Float64Array(2 * verts);
  let ro = 0, vo = 0;
  for (let k = 0; k < n; k++) {
    const b = keep[k]!;
    out.buildingRing[k] = ro;
    for (let r = t.buildingRing[b]!; r < t.buildingRing[b + 1]!; r++) {
      out.ringVertex[ro] = vo;
      out.ringHole[ro] = t.ringHole[r]!;
      const v0 = t.ringVertex[r]!, v1 = t.ringVertex[r + 1]!;
      out.coords.set(t.coords.subarray(2 * v0, 2 * v1), 2 * vo);
      vo += v1 - v0;
      ro++;
    }
  }
  out.buildingRing[n] = ro;
  out.ringVertex[ro] = vo;
  return out;
}
