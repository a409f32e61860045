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
