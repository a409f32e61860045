/**
 * The route's consumers in columns (engine/network/consumer-table.ts) give back what the object form held: every
 * record's properties with their values and in their own key order, whatever the mix of types, and the planner's
 * inputs derived as the stage derived them (Number(...), || 0, 'unknown').
 */
import { describe, expect, it } from 'vitest';
import { ConsumerTable, PropColumns } from '../../engine/network/consumer-table.js';
import { seededRandom } from '../../engine/util/random.js';

describe('PropColumns', () => {
  it('gives back every record as it was: values, types and key order, on 2,000 random records', () => {
    const r = seededRandom(7);
    const keys = ['use', 'floorArea_m2', 'storeys', 'name', 'flag', 'note', 'spaceHeat_MWh', 'cool_MWh'];
    const value = (): unknown => {
      const k = Math.floor(r() * 9);
      if (k < 3) return Math.round(r() * 1e6) / 100;
      if (k === 3) return -0;
      if (k < 6) return ['residential', 'office', 'shop', ''][Math.floor(r() * 4)];
      if (k === 6) return null;
      if (k === 7) return r() < 0.5;
      return { nested: [1, 'a'] };
    };
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < 2000; i++) {
      const rec: Record<string, unknown> = {};
      // a random subset of the keys in a random order
      const order = [...keys].sort(() => r() - 0.5).filter(() => r() < 0.7);
      for (const k of order) rec[k] = value();
      records.push(rec);
    }
    const p = new PropColumns();
    for (const rec of records) p.add(rec);
    records.forEach((rec, i) => {
      const back = p.get(i);
      expect(Object.keys(back)).toEqual(Object.keys(rec));
      for (const k of Object.keys(rec)) expect(Object.is(back[k], rec[k]) || JSON.stringify(back[k]) === JSON.stringify(rec[k])).toBe(true);
      expect(p.prop(i, 'use')).toEqual(rec.use);
      expect(p.prop(i, 'absent')).toBeUndefined();
    });
  });

  it('runs of rows with one key list, a prefix of it, the same keys in another order and no keys, each row its own', () => {
    const lists = [['use', 'storeys', 'name'], ['use', 'storeys'], ['storeys', 'use', 'name'], [], ['use', 'storeys', 'name', 'flag']];
    const records: Record<string, unknown>[] = [];
    // runs of 1 to 4 rows of each list in turn, twice over: a row's schema is often the row before's, sometimes not
    for (let pass = 0; pass < 2; pass++)
      lists.forEach((keys, li) => {
        for (let j = 0; j <= (li + pass) % 4; j++) records.push(Object.fromEntries(keys.map((k, ki) => [k, ki === 0 ? `v${li}-${j}` : li * 10 + j])));
      });
    const p = new PropColumns();
    for (const rec of records) p.add(rec);
    records.forEach((rec, i) => expect(Object.entries(p.get(i))).toEqual(Object.entries(rec)));
  });
});

describe('ConsumerTable', () => {
  it('derives the planner inputs as the object form did and its rows read the columns', () => {
    const t = new ConsumerTable();
    const given = [
      { id: 'a', x: 1.5, y: -2.25, heatMWh: 10, peakKw: 5, props: { use: 'office', spaceHeat_MWh: 8, hotWater_MWh: 2, cool_MWh: 3, coolPeak_kW: 1.5, floorArea_m2: 100 } },
      { id: 'b', x: NaN, y: NaN, heatMWh: 0, peakKw: 0, props: { use: 7, spaceHeat_MWh: null, cool_MWh: 'x' } },
      { id: 'c', x: 3, y: 4, heatMWh: 1, peakKw: 2, props: {} },
    ];
    for (const g of given) t.add(g);
    const rows = t.done().rows();
    expect(rows.length).toBe(3);
    given.forEach((g, i) => {
      const row = rows[i]!;
      expect(row.id).toBe(g.id);
      expect(Object.is(row.x, g.x)).toBe(true);
      expect(Object.is(row.y, g.y)).toBe(true);
      expect(row.heatMWh).toBe(g.heatMWh);
      expect(row.peakKw).toBe(g.peakKw);
      const p = g.props as Record<string, unknown>;
      expect(Object.is(row.spaceHeatMWh, Number(p.spaceHeat_MWh))).toBe(true);
      expect(Object.is(row.hotWaterMWh, Number(p.hotWater_MWh))).toBe(true);
      expect(row.coolMWh).toBe(Number(p.cool_MWh) || 0);
      expect(row.coolPeakKw).toBe(Number(p.coolPeak_kW) || 0);
      expect(row.use).toBe(typeof p.use === 'string' ? p.use : 'unknown');
      expect(row.props).toEqual(g.props);
    });
    expect(t.uses()).toEqual(new Set(['office', 'unknown']));
  });

  it('grows its columns past their first capacity', () => {
    const t = new ConsumerTable();
    for (let i = 0; i < 5000; i++) t.add({ id: `b${i}`, x: i, y: -i, heatMWh: i / 10, peakKw: i / 20, props: { use: i % 3 ? 'office' : 'residential', floorArea_m2: i } });
    const rows = t.done().rows();
    expect(rows.length).toBe(5000);
    for (const i of [0, 1023, 1024, 2047, 2048, 4999]) {
      expect(rows[i]!.x).toBe(i);
      expect(rows[i]!.heatMWh).toBe(i / 10);
      expect(rows[i]!.props).toEqual({ use: i % 3 ? 'office' : 'residential', floorArea_m2: i });
    }
  });
});
