/**
 * Bad CityGML input: truncated and malformed files (copies of Tamana 49303425_bldg_6697_op.gml cut in a temp dir),
 * truncated gzip, empty files, non-CityGML XML, missing paths, folders without tiles.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { BuildingTableBuilder } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';
import { readCityGmlBuildings } from '../../engine/io/citygml/buildings.js';
import { readCityGmlPolygons } from '../../engine/io/citygml/polygons.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-citygml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const readAll = (paths: string[]) => readCityGmlBuildings(paths, new BuildingTableBuilder({ ...lookupEpsg(6668)! }), new Warnings());

async function caught(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describeData('truncated and malformed copies of a real file', () => {
  const xml = readFileSync(data('tamana/49303425_bldg_6697_op.gml'), 'utf8');
  // cut inside the 10th building, in the middle of a posList
  const starts = [...xml.matchAll(/<bldg:Building gml:id="([^"]+)"/g)];
  const tenth = starts[9]!;
  const cutAt = xml.indexOf('<gml:posList>', tenth.index!) + 40;
  const cut = xml.slice(0, cutAt);
  const lines = cut.split('\n').length;

  it('a file cut mid-building: InputError naming the file, the line and the building', async () => {
    const p = join(tmp, 'truncated.gml');
    writeFileSync(p, cut);
    const e = await caught(readAll([p]));
    expect(e.code).toBe('citygml-malformed');
    expect(e.file).toBe(p);
    expect(e.record).toBe(tenth[1]);
    expect(e.message).toContain(p);
    expect(e.message).toContain(`line ${lines},`);
    expect(e.message).toContain(tenth[1]!);
  });

  it('the same cut, gzipped whole and as a cut gzip stream', async () => {
    const gz = join(tmp, 'truncated.gml.gz');
    writeFileSync(gz, gzipSync(Buffer.from(cut)));
    const e1 = await caught(readAll([gz]));
    expect(e1.code).toBe('citygml-malformed');
    expect(e1.message).toContain(`line ${lines},`);

    const whole = gzipSync(Buffer.from(xml));
    const gz2 = join(tmp, 'cut-stream.gml.gz');
    writeFileSync(gz2, whole.subarray(0, whole.length >> 1));
    const e2 = await caught(readAll([gz2]));
    expect(e2.code).toBe('citygml-malformed');
    expect(e2.file).toBe(gz2);
    expect(e2.message).toMatch(/gzip/);
  });

  it('a mismatched end tag: the line it is on', async () => {
    const at = xml.indexOf('</bldg:measuredHeight>', tenth.index!);
    const bad = xml.slice(0, at) + '</bldg:measuredHeigth>' + xml.slice(at + '</bldg:measuredHeight>'.length);
    const p = join(tmp, 'mismatch.gml');
    writeFileSync(p, bad);
    const e = await caught(readAll([p]));
    expect(e.code).toBe('citygml-malformed');
    expect(e.message).toContain(`line ${xml.slice(0, at).split('\n').length},`);
    expect(e.record).toBe(tenth[1]);
  });

  it('the generic polygon reader reports the same way', async () => {
    const p = join(tmp, 'truncated2.gml');
    writeFileSync(p, cut);
    const e = await caught(readCityGmlPolygons(p, ['Building']));
    expect(e.code).toBe('citygml-malformed');
    expect(e.record).toBe(tenth[1]);
  });
});

describe('files that are not CityGML, paths that do not exist', () => {
  it('an empty file', async () => {
    const p = join(tmp, 'empty.gml');
    writeFileSync(p, '');
    const e = await caught(readAll([p]));
    expect(e.code).toBe('citygml-empty');
    expect(e.file).toBe(p);
  });

  it('a file with only whitespace or an XML declaration', async () => {
    const p = join(tmp, 'blank.gml');
    writeFileSync(p, '<?xml version="1.0" encoding="UTF-8"?>\n  \n');
    const e = await caught(readAll([p]));
    expect(e.code).toBe('citygml-no-citymodel');
  });

  it('well-formed XML without a CityModel', async () => {
    const p = join(tmp, 'other.gml');
    writeFileSync(p, '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>');
    const e = await caught(readAll([p]));
    expect(e.code).toBe('citygml-no-citymodel');
    expect(e.value).toBe('kml');
  });

  it('a missing path', async () => {
    const e = await caught(readAll([join(tmp, 'nope.gml')]));
    expect(e.code).toBe('citygml-not-found');
    expect(e.file).toBe(join(tmp, 'nope.gml'));
  });

  it('a folder with no .gml / .gml.gz', async () => {
    const d = join(tmp, 'no-gml');
    mkdirSync(d);
    writeFileSync(join(d, 'readme.txt'), 'nothing here');
    const e = await caught(readAll([d]));
    expect(e.code).toBe('citygml-no-files');
    expect(e.file).toBe(d);
  });

  it('a CityModel with no buildings reads as zero buildings, not an error', async () => {
    const p = join(tmp, 'nobldg.gml');
    writeFileSync(p, '<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0"></core:CityModel>');
    const s = await readAll([p]);
    expect(s.buildings).toBe(0);
    expect(s.files).toBe(1);
  });

  it('a tile list (.txt) and a folder give the same files, sorted, without duplicates', async () => {
    const d = join(tmp, 'tiles');
    mkdirSync(d);
    const one = '<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0"></core:CityModel>';
    writeFileSync(join(d, 'b.gml'), one);
    writeFileSync(join(d, 'a.gml.gz'), gzipSync(Buffer.from(one)));
    writeFileSync(join(tmp, 'list.txt'), '# tiles\ntiles/b.gml\ntiles/a.gml.gz\n');
    const s1 = await readAll([d]);
    const s2 = await readAll([join(tmp, 'list.txt'), join(d, 'b.gml')]);
    expect(s1.files).toBe(2);
    expect(s2.files).toBe(2);
  });
});
