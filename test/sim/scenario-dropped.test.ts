/**
 * A scenario names buildings by id; the route stage may cut some of them (the demo's east housing and the merged civic
 * building with the loss-share pruning). Removing or scaling a cut building changes nothing and is a counted warning;
 * an id that is neither connected nor cut stays an error naming the file, the record and the id.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { weatherFromArray } from '../../engine/io/weather.js';
import type { SimNetwork } from '../../engine/sim/network-input.js';
import { applyCase, parseScenario } from '../../engine/sim/scenario.js';
import { Warnings } from '../../engine/util/warnings.js';

const net: SimNetwork = {
  id: 'network', file: 'network.geojson', plants: [], pipes: [],
  consumers: [{ id: 'a', use: 'office', spaceHeatMWh: 10, hotWaterMWh: 1, peakKw: 5 }],
  droppedIds: ['cut-1'],
};
const weather = weatherFromArray(new Float64Array(8760).fill(5));

describe('scenario ids of buildings the route stage cut', () => {
  it('removeConsumers and scaleDemand of a cut building: nothing changes, one warning each', () => {
    const s = parseScenario('cases:\n  - id: "0"\n  - id: "1"\n    removeConsumers: [cut-1]\n    scaleDemand:\n      - { id: cut-1, factor: 0 }\n      - { id: a, factor: 2 }\n', 's.yaml');
    const w = new Warnings();
    const out = applyCase(s, s.cases[1]!, net, [], weather, 's.yaml', undefined, w);
    expect(out.network.consumers.map((c) => c.id)).toEqual(['a']);
    expect(out.network.consumers[0]!.spaceHeatMWh).toBe(20);
    expect(w.counts()['scenario-consumer-not-connected']).toBe(2);
  });
  it('an id that is neither connected nor cut is an error naming it', () => {
    const s = parseScenario('cases:\n  - id: "0"\n    removeConsumers: [typo-1]\n', 's.yaml');
    let e: unknown;
    try {
      applyCase(s, s.cases[0]!, net, [], weather, 's.yaml', undefined, new Warnings());
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toContain('typo-1');
    expect((e as InputError).message).toContain('s.yaml');
  });
});
