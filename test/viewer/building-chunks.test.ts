/**
 * A city's buildings in spatial chunks (viewer/src/layers/building-chunks.ts): every footprint in exactly one chunk
 * with its own vertices and colours, the chunk's box around them, picking mapped back to the building, and the zoom
 * from which a footprint covers a pixel.
 */
import { describe, expect, it } from 'vitest';
import { chunkBuildings, CHUNKED_ABOVE_POLYGONS, medianFootprintM } from '../../viewer/src/layers/building-chunks.js';
import { buildingChunks, buildingRow, footprintZoom } from '../../viewer/src/layers/buildings.js';
import { BUILDING_ARRAYS, type Unpacked } from '../../engine/viewer/pack/format.js';
import type { BuildingsMeta } from '../../viewer/src/data.js';

/** n square footprints of `sideDeg` on a lattice from (135, 34), polygon p owned by building floor(p / 2) (two polygons each). */
function lattice(n: number, sideDeg: number): Unpacked<BuildingsMeta> {
  const per = 5;
  const pos = new Float64Array(n * per * 2);
  const starts = new Uint32Array(n + 1);
  const owner = new Uint32Array(n);
  const cols = Math.ceil(Math.sqrt(n));
  for (let p = 0; p < n; p++) {
    const x = 135 + (p % cols) * 0.001;
    const y = 34 + Math.floor(p / cols) * 0.001;
    const ring = [[x, y], [x + sideDeg, y], [x + sideDeg, y + sideDeg], [x, y + sideDeg], [x, y]];
    starts[p] = p * per;
    ring.forEach((q, j) => ((pos[2 * (p * per + j)] = q[0]!), (pos[2 * (p * per + j) + 1] = q[1]!)));
    owner[p] = Math.floor(p / 2);
  }
  starts[n] = n * per;
  let [w, s, e, nn] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < pos.length; i += 2) (w = Math.min(w, pos[i]!)), (e = Math.max(e, pos[i]!)), (s = Math.min(s, pos[i + 1]!)), (nn = Math.max(nn, pos[i + 1]!));
  return {
    meta: { file: 'x', count: Math.ceil(n / 2), polygons: n, ids: [], dictionaries: { use: ['office'] } as never, bbox: [w, s, e, nn], skipped: 0 },
    arrays: { [BUILDING_ARRAYS.positions]: pos, [BUILDING_ARRAYS.startIndices]: starts, [BUILDING_ARRAYS.owner]: owner, [BUILDING_ARRAYS.code('use')]: new Uint16Array(Math.ceil(n / 2)) },
  };
}

describe('chunkBuildings', () => {
  it('puts every footprint in exactly one chunk with its own vertices, colours and box', () => {
    const b = lattice(1000, 0.0002);
    const nv = (b.arrays[BUILDING_ARRAYS.startIndices] as Uint32Array)[1000]!;
    const colors = new Uint8Array(4 * nv);
    for (let i = 0; i < colors.length; i++) colors[i] = (i * 7) % 251;
    const chunks = chunkBuildings(b, colors, 4);
    expect(chunks.length).toBe(16);
    const seen = new Uint8Array(1000);
    const pos = b.arrays[BUILDING_ARRAYS.positions] as Float64Array;
    const starts = b.arrays[BUILDING_ARRAYS.startIndices] as Uint32Array;
    for (const c of chunks) {
      expect(c.startIndices[c.length]).toBe(c.positions.length / 2);
      for (let k = 0; k < c.length; k++) {
        const p = c.polygon[k]!;
        seen[p]!++;
        const a = starts[p]!;
        const len = starts[p + 1]! - a;
        expect(c.startIndices[k + 1]! - c.startIndices[k]!).toBe(len);
        expect(Array.from(c.positions.subarray(2 * c.startIndices[k]!, 2 * (c.startIndices[k]! + len)))).toEqual(Array.from(pos.subarray(2 * a, 2 * (a + len))));
        expect(Array.from(c.colors.subarray(4 * c.startIndices[k]!, 4 * (c.startIndices[k]! + len)))).toEqual(Array.from(colors.subarray(4 * a, 4 * (a + len))));
        for (let v = 0; v < len; v++) {
          const lon = pos[2 * (a + v)]!;
          const lat = pos[2 * (a + v) + 1]!;
          expect(lon >= c.bbox[0] && lon <= c.bbox[2] && lat >= c.bbox[1] && lat <= c.bbox[3]).toBe(true);
        }
      }
      // within a chunk, the payload's order
      for (let k = 1; k < c.length; k++) expect(c.polygon[k]!).toBeGreaterThan(c.polygon[k - 1]!);
    }
    expect(Array.from(seen).every((x) => x === 1)).toBe(true);
  });

  it('a city above the limit is chunked and picking maps a chunk index back to its building; a town is one layer', () => {
    const town = lattice(1000, 0.0002);
    expect(buildingChunks(town)).toBeNull();
    expect(buildingRow(town, 7)).toBe(3);
    const city = lattice(CHUNKED_ABOVE_POLYGONS + 1, 0.0001);
    const ch = buildingChunks(city)!;
    expect(ch.chunks.length).toBeGreaterThan(1);
    const c = ch.chunks[3]!;
    expect(buildingRow(city, 5, c.id)).toBe(Math.floor(c.polygon[5]! / 2));
  });

  it('measures the median footprint and the zoom from which it covers a pixel', () => {
    // 0.0002° squares at 34° N: 0.0002 x 111,195 m = 22.2 m north-south (the larger side), 18.4 m east-west
    const b = lattice(1000, 0.0002);
    const m = medianFootprintM(b);
    expect(m).toBeCloseTo(0.0002 * ((Math.PI / 180) * 6_371_008.8), 3);
    // a pixel at zoom z (deck.gl: the world is 512 px wide at zoom 0) is 40,075,016.686 cos(lat) / (512 2^z) m
    const z = footprintZoom(m, 34);
    expect((40_075_016.686 * Math.cos((34 * Math.PI) / 180)) / (512 * 2 ** z)).toBeCloseTo(m, 9);
  });
});
