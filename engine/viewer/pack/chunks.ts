/**
 * The spatial grid a layer in levels of detail is chunked by (the network's and the road graph's, pack/network.ts
 * and pack/roads.ts): its side from the feature count, and the cell of a lon/lat, clamped into the grid.
 */

/** A grid of `side` x `side` chunks over `bbox`; cellOf gives chunk `cy * side + cx`, counted from the south-west. */
export interface ChunkGrid {
  side: number;
  cellOf(lon: number, lat: number): number;
}

/**
 * The chunk grid over `bbox` ([west, south, east, north], degrees) for `features` features at about `perChunk` a
 * chunk: 4 to 64 chunks a side.
 */
export function chunkGrid(bbox: readonly [number, number, number, number], features: number, perChunk: number): ChunkGrid {
  const side = Math.min(64, Math.max(4, Math.ceil(Math.sqrt(features / perChunk))));
  const [w, s, e, nn] = bbox;
  const cellOf = (lon: number, lat: number): number => {
    const cx = Math.min(side - 1, Math.max(0, Math.floor(((lon - w) / Math.max(e - w, 1e-12)) * side)));
    const cy = Math.min(side - 1, Math.max(0, Math.floor(((lat - s) / Math.max(nn - s, 1e-12)) * side)));
    return cy * side + cx;
  };
  return { side, cellOf };
}

/**
 * The lon/lat reader of a packer (pack/network.ts, pack/roads.ts): a GeoJSON position as [lon, lat], the extent `bbox`
 * grown by it; a position that is not a finite WGS84 lon/lat pair is `fail(record, value)`'s error.
 */
export function lonLatReader(bbox: [number, number, number, number], fail: (record: number, value: unknown) => Error): (c: unknown, record: number) => [number, number] {
  return (c, record) => {
    const q = c as unknown[];
    const lon = Array.isArray(q) ? q[0] : undefined;
    const lat = Array.isArray(q) ? q[1] : undefined;
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 540) throw fail(record, c);
    if (lon < bbox[0]) bbox[0] = lon;
    if (lat < bbox[1]) bbox[1] = lat;
    if (lon > bbox[2]) bbox[2] = lon;
    if (lat > bbox[3]) bbox[3] = lat;
    return [lon, lat];
  };
}
