/**
 * FlatGeobuf layers of the run folder (engine/io/fgb.ts): hand-made features read back exactly as their GeoJSON twin's
 * JSON.parse gives them (key order, nulls, mixed geometry, json columns), at any read chunk size; GDAL's ogrinfo reads
 * the written file (count, geometry type, EPSG code); a cut or damaged file is an InputError naming the file and the
 * feature; a failed write leaves no file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { inferLayout, readFgbLayer, SHAPE_COLUMN, writeFgb, type FgbWritableFeature } from '../../engine/io/fgb.js';
import { readFeatureCollection } from '../../engine/io/geojson-stream.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-fgb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hasOgr = spawnSync('ogrinfo', ['--version']).status === 0;
if (!hasOgr) console.warn('*** fgb test: ogrinfo (gdal-bin) not installed: the GDAL checks are skipped ***');

/** A network-like layer: lines and points, per-kind keys, nulls, undefined, NaN, -0, nested values, mixed types. */
function mixedFeatures() {
  return [
    { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.1234567, 34.7654321], [135.2, 34.25], [135.3, 34.3]] }, properties: { kind: 'pipe', id: 0, length_m: 12.5, DN: 65, twin: true, plant: undefined, loss_share: 0.01234 } },
    { type: 'Feature', geometry: { type: 'LineString', coordinates: [[135.1, 34.1], [135.11, 34.12]] }, properties: { kind: 'pipe', id: 1, length_m: 3, DN: 25, loss_share: -0 } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [135.1, 34.1] }, properties: { kind: 'consumer', id: 'b-1', use: '事務所', storeys: null, heat_MWh: 3, x: NaN, tags: { a: [1, 2], b: null }, mixed: 'x' } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [-0.5, -89.9] }, properties: { kind: 'plant', id: 'p', capacity_kW: null, fuel: null, suggested: false, mixed: 3, big: 3e9 } },
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.2, 0.2], [0.5, 0.2], [0.5, 0.5], [0.2, 0.2]]] }, properties: { kind: 'area', id: 7, mixed: [1, 'two'] } },
    { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]]]] }, properties: { kind: 'area', id: 8, mixed: 3 } },
    { type: 'Feature', geometry: null, properties: null },
  ];
}

const members = (props: unknown) => ({ type: 'FeatureCollection', properties: props, features: null, files: ['a.gml', 'b.gml'] });

async function writeMixed(path: string) {
  const features = mixedFeatures();
  const fc = { type: 'FeatureCollection', properties: { crs: 'EPSG:6674', supply_C: 70, weather: null }, features, files: ['a.gml', 'b.gml'] };
  await writeFgb(path, features as FgbWritableFeature[], features.length, inferLayout(features as FgbWritableFeature[]), {
    epsg: 4326,
    name: 'network',
    members: members(fc.properties),
    featureOrder: ['type', 'geometry', 'properties'],
  });
  return fc;
}

describe('FlatGeobuf round trip', () => {
  it('gives back what JSON.parse gives of the GeoJSON twin: keys in order, nulls, numbers, nested values, geometry', async () => {
    const path = join(tmp, 'mixed.fgb');
    const fc = await writeMixed(path);
    const twin = JSON.parse(JSON.stringify(fc));
    // null properties read back as {} (a feature without properties)
    twin.features[6].properties = {};
    const back = await readFgbLayer(path);
    expect(JSON.stringify(back)).toBe(JSON.stringify(twin));
    // -0 is written as 0, NaN as null, undefined left out, as JSON does
    expect(Object.is((back.features[1]!.properties as { loss_share: number }).loss_share, 0)).toBe(true);
    expect(back.features[2]!.properties.x).toBeNull();
    expect('plant' in back.features[0]!.properties).toBe(false);
    expect(back.info).toMatchObject({ geometryType: 'Unknown', featuresCount: 7, epsg: 4326 });
  });

  it('types columns from their values', () => {
    const layout = inferLayout(mixedFeatures() as FgbWritableFeature[]);
    const type = Object.fromEntries(layout.columns.map((c) => [c.name, c.type]));
    expect(type).toMatchObject({ kind: 'string', id: 'json', length_m: 'double', DN: 'int', twin: 'bool', storeys: 'string', tags: 'json', mixed: 'json', capacity_kW: 'string', suggested: 'bool', big: 'double', loss_share: 'double' });
    expect(layout.geometryType).toBe('Unknown');
    expect(layout.shapes).toHaveLength(6);
    expect(inferLayout([{ geometry: { type: 'Point', coordinates: [0, 0] }, properties: { a: 1 } }]).geometryType).toBe('Point');
  });

  it('reads the same at every chunk size (features across chunk ends, float64 vectors kept aligned)', async () => {
    const path = join(tmp, 'mixed.fgb');
    const whole = JSON.stringify(await readFgbLayer(path));
    for (const chunkBytes of [64, 100, 257, 1000]) expect(JSON.stringify(await readFgbLayer(path, { chunkBytes })), `chunk ${chunkBytes}`).toBe(whole);
  });

  it('maps features as they are read (keep only what is needed)', async () => {
    const ids = await readFgbLayer(join(tmp, 'mixed.fgb'), { map: (f, i) => `${i}:${String(f.properties.id)}` });
    expect(ids.features).toEqual(['0:0', '1:1', '2:b-1', '3:p', '4:7', '5:8', '6:undefined']);
    expect(ids.files).toEqual(['a.gml', 'b.gml']);
  });

  it('readFeatureCollection reads a FlatGeobuf file as its GeoJSON twin (readers handed a run\'s .fgb path)', async () => {
    const path = join(tmp, 'mixed.fgb');
    const seen: number[] = [];
    const a = await readFeatureCollection(path, { map: (f, i) => (seen.push(i), f) });
    expect(JSON.stringify(a)).toBe(JSON.stringify(await readFgbLayer(path)));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const cut = join(tmp, 'cut-sniff.fgb');
    writeFileSync(cut, readFileSync(path).subarray(0, readFileSync(path).length - 5));
    await expect(readFeatureCollection(cut, { code: 'network-bad-json' })).rejects.toMatchObject({ name: 'InputError', code: 'network-bad-json', file: cut, record: 6 });
  });

  it.skipIf(!hasOgr)('is read by GDAL: feature count, geometry type, EPSG:4326, typed fields, values', async () => {
    const path = join(tmp, 'mixed.fgb');
    const info = execFileSync('ogrinfo', ['-so', '-al', path], { encoding: 'utf8' });
    expect(info).toMatch(/Layer name: network/);
    expect(info).toMatch(/Geometry: Unknown \(any\)/);
    expect(info).toMatch(/Feature Count: 7/);
    expect(info).toMatch(/ID\["EPSG",4326\]\]/);
    expect(info).toMatch(/length_m: Real/);
    expect(info).toMatch(/DN: Integer /);
    expect(info).toMatch(/twin: Integer\(Boolean\)/);
    expect(info).toMatch(new RegExp(`${SHAPE_COLUMN}: Integer`));
    const all = execFileSync('ogrinfo', ['-al', '-q', path], { encoding: 'utf8' });
    expect(all).toMatch(/use \(String\) = 事務所/);
    expect(all).toMatch(/LINESTRING \(135\.1234567 34\.7654321,135\.2 34\.25,135\.3 34\.3\)/);
    expect(all).toMatch(/MULTIPOLYGON \(\(\(0 0,1 0,1 1,0 0\)\),\(\(2 2,3 2,3 3,2 2\)\)\)/);
  });
});

describe('FlatGeobuf robustness', () => {
  const expectInputError = async (p: Promise<unknown>, code: string, record: unknown, message: RegExp) => {
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe(code);
    expect((e as InputError).record).toBe(record);
    expect((e as Error).message).toMatch(message);
    return e as InputError;
  };

  it('a file cut inside a feature is an InputError naming the file and the feature', async () => {
    const src = join(tmp, 'mixed.fgb');
    const cut = join(tmp, 'cut.fgb');
    const bytes = readFileSync(src);
    // every cut after the header: the error names a feature index, never a stack from the flatbuffers reader
    const headerEnd = 12 + bytes.readUInt32LE(8);
    let last = -1;
    for (let n = headerEnd + 1; n < bytes.length; n += 7) {
      writeFileSync(cut, bytes.subarray(0, n));
      const e = await readFgbLayer(cut, { code: 'run-bad-file' }).then(() => undefined, (x: unknown) => x);
      expect(e, `cut at ${n}`).toBeInstanceOf(InputError);
      expect((e as InputError).file).toBe(cut);
      expect((e as InputError).code).toBe('run-bad-file');
      expect(typeof (e as InputError).record, `cut at ${n}`).toBe('number');
      expect((e as InputError).record as number).toBeGreaterThanOrEqual(last);
      last = (e as InputError).record as number;
    }
    expect(last).toBe(6);
    // a cut exactly between features: the header's count says features are missing
    const first = headerEnd + 4 + bytes.readUInt32LE(headerEnd);
    writeFileSync(cut, bytes.subarray(0, first));
    await expectInputError(readFgbLayer(cut), 'fgb-bad', 1, /header declares 7 features, the file holds 1/);
  });

  it('a cut header, wrong magic bytes or garbage are InputErrors', async () => {
    const src = readFileSync(join(tmp, 'mixed.fgb'));
    const bad = join(tmp, 'bad.fgb');
    writeFileSync(bad, src.subarray(0, 40));
    await expectInputError(readFgbLayer(bad), 'fgb-bad', 'header', /cut short inside its header/);
    writeFileSync(bad, Buffer.from('{"type":"FeatureCollection","features":[]}'));
    await expectInputError(readFgbLayer(bad), 'fgb-bad', 'header', /not a FlatGeobuf 3 file/);
    writeFileSync(bad, Buffer.alloc(0));
    await expectInputError(readFgbLayer(bad), 'fgb-bad', 'header', /not a FlatGeobuf file/);
  });

  it('damaged feature bytes: read, or an InputError naming the feature (never another error; the format has no checksum)', async () => {
    const src = readFileSync(join(tmp, 'mixed.fgb'));
    const headerEnd = 12 + src.readUInt32LE(8);
    const bad = join(tmp, 'damaged.fgb');
    // a feature's length prefix pointing past the end of the file
    const b1 = Buffer.from(src);
    b1.writeUInt32LE(0x7fffffff, headerEnd);
    writeFileSync(bad, b1);
    await expectInputError(readFgbLayer(bad), 'fgb-bad', 0, /feature 0 ends \d+ bytes past the end/);
    // every byte of the features overwritten in turn: a read either succeeds or throws an InputError with a feature
    let errors = 0;
    for (let at = headerEnd + 4; at < src.length; at += 3) {
      const b = Buffer.from(src);
      b[at] = b[at]! ^ 0xff;
      writeFileSync(bad, b);
      const e = await readFgbLayer(bad).then(() => undefined, (x: unknown) => x);
      if (e === undefined) continue;
      errors++;
      expect(e, `byte ${at}`).toBeInstanceOf(InputError);
      expect(typeof (e as InputError).record, `byte ${at}`).toBe('number');
    }
    expect(errors).toBeGreaterThan(0);
  });

  it('a failed write leaves no file and no temporary file; an existing file stays as it was', async () => {
    const dir = mkdtempSync(join(tmp, 'w-'));
    const path = join(dir, 'layer.fgb');
    const features = mixedFeatures() as FgbWritableFeature[];
    const layout = inferLayout(features);
    function* failing() {
      yield features[0]!;
      throw new Error('killed');
    }
    await expect(writeFgb(path, failing(), 2, layout, { epsg: 4326, name: 'x' })).rejects.toThrow(/killed/);
    expect(readdirSync(dir)).toEqual([]);
    // a count that does not match is refused before the rename
    await expect(writeFgb(path, features, features.length + 1, layout, { epsg: 4326, name: 'x' })).rejects.toThrow(/declared/);
    expect(readdirSync(dir)).toEqual([]);
    await writeFgb(path, features, features.length, layout, { epsg: 4326, name: 'x' });
    const size = statSync(path).size;
    await expect(writeFgb(path, failing(), 2, layout, { epsg: 4326, name: 'x' })).rejects.toThrow(/killed/);
    expect(readdirSync(dir)).toEqual(['layer.fgb']);
    expect(statSync(path).size).toBe(size);
    // a property that is not of the layout is a programming error, not a corrupt file
    await expect(writeFgb(path, [{ geometry: null, properties: { nope: 1 } }], 1, layout, { epsg: 4326, name: 'x' })).rejects.toThrow(/not a column/);
    expect(statSync(path).size).toBe(size);
  });
});
