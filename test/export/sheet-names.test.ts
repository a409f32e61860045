/**
 * Place names on a plan sheet: PLATEAU building names (gml:name of bldg:Building, matched to buildings.geojson by
 * gml:id, from .gml and .gml.gz files and from the tiles inside a PLATEAU city zip) at the building, with XML entities decoded; labels never overlap (of two long
 * names on neighbouring buildings one is drawn); names outside the frame are not drawn; OSM street names one per
 * street at the middle of its longest way (lineMiddle, by hand).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMapSheet } from '../../engine/export/map.js';
import { labelWidthMm } from '../../engine/export/map/layers.js';
import type { TextPrim } from '../../engine/export/map/model.js';
import { lineMiddle, plateauBuildingNames, streetNames } from '../../engine/export/map/names.js';
import { Warnings } from '../../engine/util/warnings.js';
import { makeZip } from '../io/zip-writer.js';
import { writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-sheet-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LONG3 = '熊本県玉名市中央地区複合施設管理棟北側別館第一号棟増築部分';
const LONG4 = '熊本県玉名市中央地区複合施設管理棟南側別館第二号棟増築部分';
const building = (id: string, name?: string) =>
  `<core:cityObjectMember><bldg:Building gml:id="${id}">${name ? `<gml:name>${name}</gml:name>` : ''}<bldg:usage codeSpace="x">401</bldg:usage>` +
  `<bldg:lod0RoofEdge><gml:MultiSurface/></bldg:lod0RoofEdge></bldg:Building></core:cityObjectMember>`;
const gml = (members: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml">${members}</core:CityModel>`;

let RUN: string;
beforeAll(async () => {
  const a = join(tmp, '52350301_bldg_6697_op.gml');
  const b = join(tmp, '52350302_bldg_6697_op.gml.gz');
  writeFileSync(a, gml(building('b0', '玉名市役所') + building('b1', 'A&amp;B 商店') + building('b2')));
  writeFileSync(b, gzipSync(gml(building('b3', LONG3) + building('b4', LONG4) + building('b9', '図の外の建物'))));
  RUN = join(tmp, 'run');
  await writeSyntheticRun(RUN, { inputs: [{ path: a, role: 'buildings' }, { path: b, role: 'buildings' }] });
});

describe('place names', () => {
  it('reads gml:name by gml:id from .gml and .gml.gz, entities decoded, unnamed buildings left out', async () => {
    const names = await plateauBuildingNames([join(tmp, '52350301_bldg_6697_op.gml'), join(tmp, '52350302_bldg_6697_op.gml.gz')]);
    expect([...names.entries()]).toEqual([
      ['b0', '玉名市役所'],
      ['b1', 'A&B 商店'],
      ['b3', LONG3],
      ['b4', LONG4],
      ['b9', '図の外の建物'],
    ]);
  });

  it('draws the names at their buildings, never two overlapping, only inside the frame', async () => {
    const { drawing, info } = await buildMapSheet(RUN, { layers: 'buildings,network', lang: 'ja' });
    const start = drawing.prims.findIndex((p) => p.kind === 'group' && p.id === 'base-names');
    expect(start).toBeGreaterThan(-1);
    const labels: TextPrim[] = [];
    for (let i = start + 1; drawing.prims[i]!.kind !== 'end'; i++) labels.push(drawing.prims[i] as TextPrim);
    const texts = labels.map((l) => l.text);
    expect(texts).toContain('玉名市役所');
    expect(texts).toContain('A&B 商店');
    // b3 and b4 stand 110 m apart: their 60 mm labels would overlap at any scale of the sheet, so one is drawn
    expect(texts.filter((t) => t === LONG3 || t === LONG4)).toHaveLength(1);
    // b9 is not in buildings.geojson: no anchor, not drawn
    expect(texts).not.toContain('図の外の建物');
    const boxes = labels.map((l) => {
      const w = labelWidthMm(l.text, l.sizeMm);
      return [l.x - w / 2, l.y - l.sizeMm, l.x + w / 2, l.y + 0.2 * l.sizeMm] as const;
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        expect(a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3], `${texts[i]} / ${texts[j]}`).toBe(false);
      }
    }
    const f = info.view.frame;
    for (const [x0, y0, x1, y1] of boxes) expect(x0 >= f.x && x1 <= f.x + f.w && y0 >= f.y && y1 <= f.y + f.h).toBe(true);
    // every label has a white halo
    expect(labels.every((l) => l.halo === '#ffffff')).toBe(true);
    // the label of b0 sits just north of b0's centroid (x -40,300): the same paper x as the centroid
    const b0 = labels.find((l) => l.text === '玉名市役所')!;
    const k = 1000 / info.view.scale;
    expect(b0.x).toBeCloseTo(f.x + f.w / 2 + (-40_300 - info.view.cx) * k, 6);
  });

  it('names from the tiles inside a PLATEAU city zip (manifest paths zip!/entry), no missing-file warning', async () => {
    const zip = join(tmp, '43206_tamana-shi_city_2024_citygml_1_op.zip');
    const entry = '43206_tamana-shi_city_2024_citygml_1_op/udx/bldg/52350301_bldg_6697_op.gml';
    writeFileSync(zip, makeZip([{ name: entry, data: Buffer.from(gml(building('b0', '玉名市民会館'))) }]));
    const run = join(tmp, 'zip-run');
    // the demand stage records a zip's tile twice over (the zip and each entry); the entry twice must not matter
    await writeSyntheticRun(run, { inputs: [{ path: zip, role: 'buildings' }, { path: `${zip}!/${entry}`, role: 'buildings' }, { path: `${zip}!/${entry}`, role: 'buildings' }] });
    const warnings = new Warnings();
    const { drawing } = await buildMapSheet(run, { layers: 'buildings', warnings });
    expect(drawing.prims.some((p) => p.kind === 'text' && p.text === '玉名市民会館')).toBe(true);
    expect(warnings.list().map((w) => w.code)).not.toContain('base-names-missing');
  });

  it('--no-base draws no names', async () => {
    const { drawing } = await buildMapSheet(RUN, { layers: 'buildings', base: false });
    expect(drawing.prims.some((p) => p.kind === 'group' && p.id === 'base-names')).toBe(false);
  });

  it('street names: one per street, at the middle (by length) of its longest way', () => {
    // an L-shaped way: 300 m east then 100 m north; its middle is 200 m along, on the first leg
    const l = Float64Array.from([0, 0, 300, 0, 300, 100]);
    expect(lineMiddle(l)).toEqual({ x: 200, y: 0, length: 400 });
    const names = streetNames([
      { name: 'Mannerheimintie', part: Float64Array.from([0, 0, 0, 50]) },
      { name: 'Mannerheimintie', part: l },
      { name: 'Aleksanterinkatu', part: Float64Array.from([10, 10, 30, 10]) },
    ]);
    expect(names).toEqual([
      { x: 200, y: 0, text: 'Mannerheimintie', kind: 'street', weight: 400 },
      { x: 20, y: 10, text: 'Aleksanterinkatu', kind: 'street', weight: 20 },
    ]);
  });
});
