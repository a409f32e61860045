/**
 * What a plan sheet frames, at which scale: by default the network and the supply areas (else the demand), `extent`
 * as a layer name or a lon/lat box, the scale from the standard series 1, 2.5, 5 x 10^k, and an extent outside the
 * data refused with no file written. On a real run: Helsinki (../shared/datasets/helsinki/helsinki.osm.pbf through
 * demand -> areas -> route, as test/network/end-to-end.test.ts), where the old sheet filled a third of the frame.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupEpsg, transformer, WGS84 } from '../../engine/crs/index.js';
import { buildMapSheet, exportMap } from '../../engine/export/map.js';
import { niceScales, standardScales } from '../../engine/export/map/scale.js';
import { InputError, UsageError } from '../../engine/errors.js';
import { runStage } from '../../engine/stages/index.js';
import { data, describeData } from '../helpers/data.js';
import { byId, parseXml, readMapFrame, readScaleText, walk } from './svg-read.js';
import { SYN_CONSUMERS, SYN_CRS, writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-sheet-extent-'));
const RUN = join(tmp, 'run');
beforeAll(async () => writeSyntheticRun(RUN));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const toLonLat = (x: number, y: number) => transformer(lookupEpsg(SYN_CRS)!, WGS84).forward(x, y);

describe('standard scale series', () => {
  it('1, 2.5 and 5 x 10^k: no 1:2,000, 1:20,000 or 1:200,000', () => {
    expect(standardScales(1000, 100_000)).toEqual([1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000]);
    expect(standardScales()).not.toContain(20_000);
    // the old series had them
    expect(niceScales(1000, 100_000)).toContain(20_000);
  });
});

describe('extent', () => {
  it('default: frames the network and the supply areas, at a scale of the standard series', async () => {
    const { info } = await buildMapSheet(RUN, { layers: 'demand,areas,buildings,network' });
    expect(info.framed.layers).toEqual(['network', 'areas']);
    expect(standardScales()).toContain(info.scale);
    expect(info.frameFill.linear).toBeGreaterThan(0.4);
    expect(info.frameFill.linear).toBeLessThanOrEqual(1);
  });

  it('a layer name frames that layer; the demand grid is larger than the network', async () => {
    const auto = await buildMapSheet(RUN, { layers: 'demand,areas,network' });
    const demand = await buildMapSheet(RUN, { layers: 'demand,areas,network', extent: 'demand' });
    expect(demand.info.framed.layers).toEqual(['demand']);
    const w = (b: number[]) => b[2]! - b[0]!;
    expect(w(demand.info.framed.box)).toBeGreaterThan(w(auto.info.framed.box));
    // a layer not drawn is read for its box only
    const net = await buildMapSheet(RUN, { layers: 'demand', extent: 'network' });
    expect(net.info.framed.layers).toEqual(['network']);
    expect(net.run.loaded).toEqual(['demand']);
  });

  it('a lon/lat box frames exactly that box; its centre is the map centre', async () => {
    const [c1, c2] = SYN_CONSUMERS as [[number, number], [number, number]];
    const a = toLonLat(c1[0] - 50, c1[1] - 50);
    const b = toLonLat(c2[0] + 50, c2[1] + 50);
    const out = join(tmp, 'box.svg');
    const r = await exportMap(RUN, { layers: 'demand,network', out, extent: `${a[0]},${a[1]},${b[0]},${b[1]}` });
    expect(r.framed).toEqual(['extent']);
    const svg = parseXml(readFileSync(out, 'utf8'));
    const frame = readMapFrame(svg);
    expect(Number(frame.data.scale)).toBe(readScaleText(svg));
    // the consumers are in the middle row of the frame, 300 m apart around its centre
    const circles = [...walk(byId(svg, 'layer-consumers')!)].filter((n) => n.name === 'circle');
    const mid = (Number(circles[0]!.attrs.cx) + Number(circles[1]!.attrs.cx)) / 2;
    expect(mid).toBeCloseTo(frame.x + frame.w / 2, 0);
  });

  it('an extent outside the data: a clear error, no sheet written (SVG, PNG, PDF)', async () => {
    for (const ext of ['0,0,1,1', '139.0,35.0,139.1,35.1']) {
      for (const f of ['svg', 'png', 'pdf'] as const) {
        const out = join(tmp, `outside.${f}`);
        const e = await exportMap(RUN, { out, extent: ext }).catch((x) => x);
        expect(e).toBeInstanceOf(InputError);
        expect(e.code).toBe('map-extent-outside');
        expect(e.message).toMatch(/lies outside the run's data \(lon 130\.\d+\.\.130\.\d+, lat 32\.\d+\.\.32\.\d+\); no sheet written/);
        expect(existsSync(out)).toBe(false);
      }
    }
  });

  it('a malformed extent or an empty layer: typed errors before anything is written', async () => {
    for (const bad of ['1,2,3', 'a,b,c,d', '200,0,201,1', '10,10,10,11', 'roads']) {
      await expect(exportMap(RUN, { out: join(tmp, 'bad.svg'), extent: bad })).rejects.toMatchObject({ name: 'UsageError', code: 'map-extent' });
    }
    const e = await exportMap(RUN, { out: join(tmp, 'bad.svg'), extent: [1, 2, 3] }).catch((x) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(existsSync(join(tmp, 'bad.svg'))).toBe(false);
    // a run without a network: --extent network names the missing file
    const dir = join(tmp, 'no-net');
    await writeSyntheticRun(dir, { omit: ['network.geojson'] });
    await expect(exportMap(dir, { out: join(tmp, 'nonet.svg'), extent: 'network' })).rejects.toMatchObject({ code: 'run-missing-file' });
    expect(existsSync(join(tmp, 'nonet.svg'))).toBe(false);
  });
});

describeData('extent on a real run: Helsinki demand -> areas -> route', () => {
  const run = join(tmp, 'helsinki');
  const pbf = data('helsinki/helsinki.osm.pbf');
  beforeAll(async () => {
    await runStage('demand', run, { buildings: [pbf], hdd_Kd: 4400, meanTemp_C: 6, designTemp_C: -20, cell_m: 50 });
    await runStage('areas', run, { method: 'blocks' });
    await runStage('route', run, { roads: pbf });
  }, 120_000);

  it('the default sheet frames the network: every pipe, consumer and plant inside the frame, which it fills', async () => {
    const out = join(tmp, 'helsinki.svg');
    const r = await exportMap(run, { out });
    const svg = parseXml(readFileSync(out, 'utf8'));
    const frame = readMapFrame(svg);
    expect(r.framed).toEqual(['network', 'areas']);
    expect(standardScales()).toContain(r.scale);
    expect(readScaleText(svg)).toBe(r.scale);
    // the frame fill ratio, reported (the old A4 sheet: 1:20,000, about a third of the frame)
    console.log(`Helsinki A4 portrait: 1:${r.scale.toLocaleString('en-US')}, frame fill ${(100 * r.frameFill.linear).toFixed(0)} % (linear), ${(100 * r.frameFill.area).toFixed(0)} % (area)`);
    expect(Number(frame.data['fill-linear'])).toBeCloseTo(r.frameFill.linear, 3);
    expect(r.frameFill.linear).toBeGreaterThan(0.6);
    const inside = (x: number, y: number) => x >= frame.x - 1e-6 && x <= frame.x + frame.w + 1e-6 && y >= frame.y - 1e-6 && y <= frame.y + frame.h + 1e-6;
    const consumers = [...walk(byId(svg, 'layer-consumers')!)].filter((n) => n.name === 'circle');
    const net = JSON.parse(readFileSync(join(run, 'network.geojson'), 'utf8')) as { features: { properties: { kind: string } }[] };
    expect(consumers.length).toBe(net.features.filter((f) => f.properties.kind === 'consumer').length);
    for (const c of consumers) expect(inside(Number(c.attrs.cx), Number(c.attrs.cy))).toBe(true);
    const pipes = [...walk(byId(svg, 'layer-pipes')!)].filter((n) => n.name === 'path');
    expect(pipes.length).toBeGreaterThan(10);
    for (const p of pipes) {
      for (const m of p.attrs.d!.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)) expect(inside(Number(m[1]), Number(m[2]))).toBe(true);
    }
    const plant = [...walk(byId(svg, 'layer-plants')!)].filter((n) => n.name === 'rect');
    expect(plant).toHaveLength(1);
    expect(inside(Number(plant[0]!.attrs.x), Number(plant[0]!.attrs.y))).toBe(true);
    // the base layer: the routed road graph under the network, and the extract's water
    expect(r.baseRoads).toBe(true);
    expect(byId(svg, 'base-roads')).toBeDefined();
    expect(r.baseWater).toEqual([pbf]);
    expect(byId(svg, 'base-water')).toBeDefined();
    // cut-off buildings are grey dots, never red rings
    for (const c of [...walk(byId(svg, 'layer-dropped')!)].filter((n) => n.name === 'circle')) {
      expect(c.attrs.stroke).toBeUndefined();
      expect(c.attrs.fill).toBe('#8c8c8c');
    }
  });

  it('on A3 landscape and with --no-base', async () => {
    const r = await exportMap(run, { out: join(tmp, 'helsinki-a3.svg'), size: 'A3', landscape: true, base: false });
    expect(standardScales()).toContain(r.scale);
    expect(r.frameFill.linear).toBeGreaterThan(0.4);
    expect(r.baseRoads).toBe(false);
    const svg = parseXml(readFileSync(join(tmp, 'helsinki-a3.svg'), 'utf8'));
    expect(byId(svg, 'base-roads')).toBeUndefined();
  });
});
