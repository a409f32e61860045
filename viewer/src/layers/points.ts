/** The network's point kinds (consumers, cut-off consumers, plants) as deck.gl binary data: one lon/lat per point. */
import type { NetworkData } from '../data.js';
import { NETWORK_ARRAYS, type NetworkPointKind } from '../../../engine/viewer/pack/format.js';
import { memo } from './memo.js';

/** deck.gl binary point data of a kind (memoised: the same object keeps the GPU buffers). */
export function pointData(net: NetworkData, kind: NetworkPointKind): { length: number; attributes: { getPosition: { value: Float64Array; size: 2 } } } {
  return memo(net, `points-${kind}`, () => ({
    length: net.meta.counts[kind],
    attributes: { getPosition: { value: net.arrays[NETWORK_ARRAYS.point(kind)] as Float64Array, size: 2 as const } },
  }));
}
