/**
 * engine/io/geojson-stream.ts: the streamed reader gives what JSON.parse gives (any chunk size, values split across
 * chunks, strings with structural characters, escapes and multi-byte characters), the writer the bytes of
 * JSON.stringify(fc) + '\n', and bad files fail with an InputError naming the file and the feature.
 */
import { constants } from 'node:buffer';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeatureCollection, writeFeatureCollection } from '../../engine/io/geojson-stream.js';
import { seededRandom } from '../../engine/util/random.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-geojson-stream-'));

/** A collection with the awkward cases: members before and after features, strings full of JSON syntax. */
function sample(n: number, seed = 1): Record<string, unknown> & { features: unknown[] } {
  const r = seededRandom(seed);
  const features: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const ring = Array.from({ length: 4 + Math.floor(r() * 5) }, () => [135 + r(), 34 + r()]);
    ring.push(ring[0]!);
    features.push({
      type: 'Feature',
      properties: {
        id: `b${i}`,
        name: ['plain', 'brace } ] { [', 'quote \\" and \\\\', '大阪 ビル', 'tab\tnl\n', '"', '\\'][i % 7],
        n: i % 3 ? r() * 1e6 : -0.5e-7,
        ok: i % 2 === 0,
        none: null,
        list: [1, [2, [3]], { a: '}' }],
      },
      geometry: i % 5 === 4 ? null : { type: 'Polygon', coordinates: [ring] },
    });
  }
  return { type: 'FeatureCollection', properties: { crs: 'EPSG:6674', note: '{"features":[]}' }, features, files: ['a.gml', 'ü.gml'], count: n };
}

describe('readFeatureCollection', () => {
  it('gives JSON.parse of the file for every chunk size, features mapped one by one', async () => {
    const fc = sample(15);
    const p = join(tmp, 'sample.geojson');
    // pretty-printed (whitespace everywhere) and compact
    for (const text of [JSON.stringify(fc, null, 2), JSON.stringify(fc), '\ufeff' + JSON.stringify(fc) + '\n\n']) {
      writeFileSync(p, text);
      const want = JSON.parse(text.replace(/^\ufeff/, ''));
      for (const chunkBytes of [1, 2, 3, 7, 64, 1000, 1 << 20]) {
        expect(await readFeatureCollection(p, { chunkBytes })).toEqual(want);
      }
      const ids = await readFeatureCollection(p, { chunkBytes: 5, map: (f, i) => `${i}:${(f as { properties: { id: string } }).properties.id}` });
      expect(ids.features).toEqual(want.features.map((f: { properties: { id: string } }, i: number) => `${i}:${f.properties.id}`));
      expect(ids.files).toEqual(want.files);
    }
  });

  it('reads empty and missing features, and members that are numbers at the end', async () => {
    const p = join(tmp, 'small.geojson');
    for (const text of ['{}', '{"type":"FeatureCollection","features":[]}', '{ "features" : [ ] , "n" : 12.5e3 }', '{"features":[{"a":1}],"x":true}', '{"type":"Feature"}']) {
      writeFileSync(p, text);
      for (const chunkBytes of [1, 4, 100]) expect(await readFeatureCollection(p, { chunkBytes })).toEqual(JSON.parse(text));
    }
  });

  it('fails on broken files with the file, the feature index and the byte', async () => {
    const p = join(tmp, 'bad.geojson');
    const cases: [string, RegExp, number | undefined][] = [
      ['', /empty/, undefined],
      ['[1,2]', /not a JSON object/, undefined],
      ['{"type":"FeatureCollection","features":[', /ends inside the features array after 0 features/, 0],
      ['{"type":"FeatureCollection","features":[{"a":1},{"b":', /ends inside the features array after 1 features/, 1],
      ['{"features":[{"a":1},{"b":2,}]}', /feature 1/, 1],
      ['{"features":[{"a":1},]}', /feature 1/, 1],
      ['{"features":[{"a":1} {"b":2}]}', /expected "," or "]" after a feature, found "\{" at byte 21/, 1],
      ['{"type" "x"}', /expected ":"/, undefined],
      ['{"type":"x"} x', /text after the end/, undefined],
      ['{type:1}', /member name must be a string/, undefined],
    ];
    for (const [text, message, record] of cases) {
      writeFileSync(p, text);
      for (const chunkBytes of [1, 3, 1 << 20]) {
        const e = await readFeatureCollection(p, { chunkBytes, code: 'x-bad', hint: 'rerun it' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(e, text).toMatchObject({ name: 'InputError', code: 'x-bad', file: p, record, hint: 'rerun it' });
        expect((e as Error).message, text).toMatch(message);
      }
    }
    await expect(readFeatureCollection(join(tmp, 'none.geojson'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('writeFeatureCollection', () => {
  it('writes the bytes of JSON.stringify(fc) + newline, from arrays and iterables, and reads them back', async () => {
    const fc = sample(200, 3);
    const p = join(tmp, 'out.geojson');
    for (const chunkBytes of [1, 100, 1 << 20]) {
      await writeFeatureCollection(p, { ...fc, skipped: undefined }, { chunkBytes });
      expect(readFileSync(p, 'utf8')).toBe(JSON.stringify(fc) + '\n');
    }
    function* gen() {
      yield* fc.features;
    }
    await writeFeatureCollection(p, { type: 'FeatureCollection', features: gen() });
    expect(readFileSync(p, 'utf8')).toBe(JSON.stringify({ type: 'FeatureCollection', features: fc.features }) + '\n');
    expect(await readFeatureCollection(p, { chunkBytes: 17 })).toEqual({ type: 'FeatureCollection', features: fc.features });
    // no temporary file is left beside it
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('leaves no file and the old one as it was when the features cannot be written', async () => {
    const p = join(tmp, 'kept.geojson');
    writeFileSync(p, 'old');
    function* failing() {
      yield { type: 'Feature', properties: {}, geometry: null };
      throw new Error('builder failed');
    }
    await expect(writeFeatureCollection(p, { type: 'FeatureCollection', features: failing() })).rejects.toThrow('builder failed');
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(tmp).filter((f) => f.startsWith('kept.geojson.tmp'))).toEqual([]);
    const q = join(tmp, 'no-such-folder', 'x.geojson');
    await expect(writeFeatureCollection(q, { features: [] })).rejects.toMatchObject({ name: 'OutputError' });
    expect(existsSync(q)).toBe(false);
  });
});

describe('a collection longer than the longest string', () => {
  it('is written and read back feature by feature', async () => {
    // 520 features of 1 MiB each: more bytes than V8's longest string (buffer.constants.MAX_STRING_LENGTH)
    const p = join(tmp, 'huge.geojson');
    const filler = 'x'.repeat(1 << 20);
    const count = Math.ceil(constants.MAX_STRING_LENGTH / (1 << 20)) + 8;
    function* features() {
      for (let i = 0; i < count; i++) yield { type: 'Feature', properties: { id: i, filler }, geometry: { type: 'Point', coordinates: [135 + i * 1e-4, 34.5] } };
    }
    await writeFeatureCollection(p, { type: 'FeatureCollection', properties: { n: count }, features: features() });
    expect(statSync(p).size).toBeGreaterThan(constants.MAX_STRING_LENGTH);
    const fc = await readFeatureCollection(p, {
      map: (f, i) => {
        const ft = f as { properties: { id: number; filler: string }; geometry: { coordinates: number[] } };
        return ft.properties.id === i && ft.properties.filler.length === filler.length ? ft.geometry.coordinates[0]! : NaN;
      },
    });
    expect(fc.properties).toEqual({ n: count });
    expect(fc.features).toHaveLength(count);
    expect(fc.features!.every((x, i) => x === 135 + i * 1e-4)).toBe(true);
    rmSync(p);
  }, 120_000);
});
