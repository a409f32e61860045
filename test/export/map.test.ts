/**
 * Plan-sheet exports: the three formats open and read back (SVG as XML, PDF through poppler's pdftotext/pdftoppm,
 * PNG through pngjs), carry the legend, scale bar, north arrow, CRS note and attribution, and the map is at the scale
 * it states: the scale bar's drawn length times the scale equals its label, and two consumers 300 m apart on the
 * ground are 300 m apart on the sheet at that scale.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMapSheet, exportMap } from '../../engine/export/map.js';
import { findFonts } from '../../engine/export/map/fonts.js';
import { demandDensityScale } from '../../engine/style/palette.js';
import { InputError, UsageError } from '../../engine/errors.js';
import { Warnings } from '../../engine/util/warnings.js';
import { SYN_CONSUMERS, writeSyntheticRun } from './synthetic-run.js';
import { allText, byId, parseXml, readScaleBar, readScaleText, walk } from './svg-read.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-export-map-'));
const RUN = join(tmp, 'run');
const POPPLER = ['/usr/bin/pdftoppm', '/usr/local/bin/pdftoppm'].find(existsSync);
const PDFTOTEXT = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].find(existsSync);
if (!POPPLER || !PDFTOTEXT) {
  if (process.env.CI === 'true') throw new Error('pdftoppm/pdftotext (Debian poppler-utils) are required under CI');
  console.warn('\n*** SKIPPING PDF read-back tests: pdftoppm/pdftotext not found (apt-get install poppler-utils) ***\n');
}
const itPoppler = POPPLER && PDFTOTEXT ? it : it.skip;
const ALL = 'demand,blocks,areas,buildings,network';

beforeAll(async () => {
  await writeSyntheticRun(RUN);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Pixel at paper position (xMm, yMm) of a PNG rendered at dpi. */
function pixel(png: PNG, dpi: number, xMm: number, yMm: number): [number, number, number] {
  const x = Math.floor((xMm / 25.4) * dpi);
  const y = Math.floor((yMm / 25.4) * dpi);
  const i = (y * png.width + x) * 4;
  return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
}
const dark = (p: number[]) => p[0]! + p[1]! + p[2]! < 150;
const light = (p: number[]) => p[0]! + p[1]! + p[2]! > 600;

/** Check the scale bar's black/white segments on a raster rendering of the sheet. */
function checkBarPixels(png: PNG, dpi: number, bar: { x0: number; y0: number; lengthMm: number; heightMm: number }, segments: number): void {
  const seg = bar.lengthMm / segments;
  const cy = bar.y0 + bar.heightMm / 2;
  for (let i = 0; i < segments; i++) {
    const p = pixel(png, dpi, bar.x0 + (i + 0.5) * seg, cy);
    expect(i % 2 === 0 ? dark(p) : light(p), `segment ${i} at ${bar.x0 + (i + 0.5) * seg} mm: ${p}`).toBe(true);
  }
  // the bar ends where its length says: paper just past the end is white
  expect(light(pixel(png, dpi, bar.x0 + bar.lengthMm + 1.2, cy))).toBe(true);
  expect(light(pixel(png, dpi, bar.x0 - 1.2, cy))).toBe(true);
}

const variants = [
  { name: 'A4 portrait, automatic scale', opts: {} },
  { name: 'A3 landscape, automatic scale', opts: { size: 'A3' as const, landscape: true } },
  { name: 'A4 landscape at a forced 1:2,500', opts: { landscape: true, scale: 2500 } },
  { name: 'A4 portrait at a forced 1:20,000', opts: { scale: 20000 } },
];

describe('SVG plan sheet', () => {
  for (const v of variants) {
    it(`${v.name}: parses, scale bar and map distances match the stated scale`, async () => {
      const out = join(tmp, `sheet-${variants.indexOf(v)}.svg`);
      const r = await exportMap(RUN, { ...v.opts, layers: ALL, format: 'svg', out });
      const svg = parseXml(readFileSync(out, 'utf8'));
      expect(svg.name).toBe('svg');
      const [, , w, h] = svg.attrs.viewBox!.split(' ').map(Number);
      expect([w, h]).toEqual([r.widthMm, r.heightMm]);
      expect(v.opts.size === 'A3' ? [420, 297] : v.opts.landscape ? [297, 210] : [210, 297]).toEqual([w, h]);

      const scale = readScaleText(svg);
      if (v.opts.scale) expect(scale).toBe(v.opts.scale);
      expect(scale).toBe(r.scale);
      const bar = readScaleBar(svg);
      // drawn length (mm) x scale = ground length (mm) = label (m) x 1000
      expect((bar.lengthMm * scale) / 1000).toBeCloseTo(bar.labelM, 6);
      expect(bar.labelM).toBe(r.scaleBarM);
      expect(bar.lengthMm).toBeGreaterThan(10);

      // ground truth: the two consumers are 300 m apart in the working CRS
      const consumers = [...walk(byId(svg, 'layer-consumers')!)].filter((n) => n.name === 'circle');
      expect(consumers).toHaveLength(2);
      const dMm = Math.hypot(Number(consumers[1]!.attrs.cx) - Number(consumers[0]!.attrs.cx), Number(consumers[1]!.attrs.cy) - Number(consumers[0]!.attrs.cy));
      const truth = Math.hypot(SYN_CONSUMERS[1]![0] - SYN_CONSUMERS[0]![0], SYN_CONSUMERS[1]![1] - SYN_CONSUMERS[0]![1]);
      expect((dMm * scale) / 1000).toBeCloseTo(truth, 1);
    });
  }

  it('holds title, legend with units, north arrow, CRS note and attribution as text', async () => {
    const out = join(tmp, 'text.svg');
    await exportMap(RUN, { layers: ALL, out, title: 'Tamana <test> & sheet' });
    const svg = parseXml(readFileSync(out, 'utf8'));
    const text = allText(svg).join('\n');
    expect(text).toContain('Tamana <test> & sheet');
    expect(text).toMatch(/Heat demand density \[MWh\/\(ha·a\)\]/);
    for (const c of demandDensityScale(333).classes) expect(text).toContain(c.label);
    expect(text).toContain('Pipes, heat-supply density [kW/m]');
    expect(text).toContain('0.085 – 0.17');
    expect(text).toContain("break at the run's threshold 0.17 kW/m");
    expect(text).toContain('Office (1)');
    expect(text).toContain('Supply areas');
    expect(byId(svg, 'north-arrow')).toBeDefined();
    expect(allText(byId(svg, 'north-arrow')!)).toEqual(['N']);
    const oneLine = allText(svg).join(' '); // the panel wraps long notes into several <text> lines
    expect(oneLine).toMatch(/Coordinate system: JGD2011 \/ Japan Plane Rectangular CS II \(EPSG:6670\)/);
    expect(oneLine).toMatch(/grid north; true north is 0\.\d\d° east of it/);
    expect(text).toMatch(/Project PLATEAU, CC BY 4\.0/);
    expect(text).toContain('© OpenStreetMap contributors');
    expect(byId(svg, 'attribution')).toBeDefined();
  });

  it('the demand grid is drawn with the class colours of the cells', async () => {
    const { drawing } = await buildMapSheet(RUN, { layers: 'demand' });
    const img = drawing.prims.find((p) => p.kind === 'image');
    expect(img && img.kind === 'image').toBe(true);
    if (img?.kind !== 'image') return;
    // the synthetic grid is 8 x 6 cells of 100 m; cell (col 7, row 5) holds 20·8·6 = 960 MWh/ha -> last class
    const k = img.width / 8;
    expect(img.height / 6).toBe(k);
    const at = (col: number, row: number) => {
      const i = ((row * k + Math.floor(k / 2)) * img.width + col * k + Math.floor(k / 2)) * 4;
      return [img.rgba[i], img.rgba[i + 1], img.rgba[i + 2], img.rgba[i + 3]];
    };
    expect(at(7, 5).slice(0, 3)).toEqual([0xbd, 0x00, 0x26]);
    expect(at(0, 0)[3]).toBe(0); // cell 0 has no demand: transparent
    // cell (col 1, row 0): 40 MWh/ha -> first class
    expect(at(1, 0).slice(0, 3)).toEqual([0xff, 0xff, 0xb2]);
  });
});

describe('PNG plan sheet', () => {
  it('decodes at the paper size for the dpi, scale bar segments where the model puts them, legend swatch colours', async () => {
    const dpi = 150;
    const out = join(tmp, 'sheet.png');
    const r = await exportMap(RUN, { layers: ALL, out, dpi });
    const png = PNG.sync.read(readFileSync(out));
    expect(png.width).toBe(Math.round((210 / 25.4) * dpi));
    expect(png.height).toBe(Math.round((297 / 25.4) * dpi));
    const svgOut = join(tmp, 'same.svg');
    await exportMap(RUN, { layers: ALL, out: svgOut });
    const svg = parseXml(readFileSync(svgOut, 'utf8'));
    const bar = readScaleBar(svg);
    checkBarPixels(png, dpi, bar, [...walk(byId(svg, 'scalebar')!)].filter((n) => n.name === 'rect').length);
    expect(bar.labelM).toBe(r.scaleBarM);
    // the legend's last demand class swatch is drawn in its colour
    const legend = byId(svg, 'legend-heat-demand-density')!;
    const sw = [...walk(legend)].filter((n) => n.name === 'rect' && n.attrs.fill === '#bd0026')[0]!;
    const p = pixel(png, dpi, Number(sw.attrs.x) + Number(sw.attrs.width) / 2, Number(sw.attrs.y) + Number(sw.attrs.height) / 2);
    expect(p).toEqual([0xbd, 0x00, 0x26]);
  });
});

describe('PDF plan sheet', () => {
  itPoppler('pdftotext finds the legend, scale, CRS and attribution; pdftoppm renders the scale bar at its length', async () => {
    const out = join(tmp, 'sheet.pdf');
    await exportMap(RUN, { layers: ALL, out, title: 'PDF sheet' });
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync(PDFTOTEXT!, ['-layout', out, '-'], { encoding: 'utf8' });
    expect(text).toContain('PDF sheet');
    expect(text).toContain('Heat demand density');
    expect(text).toMatch(/MWh\/\(ha.a\)/);
    expect(text).toContain('kW/m');
    expect(text).toContain('Scale 1:5,000');
    expect(text).toMatch(/100 m/);
    expect(text).toContain('EPSG:6670');
    expect(text).toContain('OpenStreetMap contributors');
    expect(text).toContain('CC BY 4.0');
    if (findFonts().cjk) expect(text).toContain('国土交通省');
    else console.warn('*** no font with Japanese glyphs: attribution kept in ASCII (install fonts-ipafont-gothic) ***');

    const dpi = 100;
    execFileSync(POPPLER!, ['-r', String(dpi), '-png', '-singlefile', out, join(tmp, 'pdfpage')]);
    const png = PNG.sync.read(readFileSync(join(tmp, 'pdfpage.png')));
    expect(png.width).toBe(Math.round((210 / 25.4) * dpi));
    const svgOut = join(tmp, 'pdf-same.svg');
    await exportMap(RUN, { layers: ALL, out: svgOut });
    const svg = parseXml(readFileSync(svgOut, 'utf8'));
    const bar = readScaleBar(svg);
    checkBarPixels(png, dpi, bar, [...walk(byId(svg, 'scalebar')!)].filter((n) => n.name === 'rect').length);
  });

  itPoppler('a Japanese title is set in a CJK font when one is installed', async () => {
    if (!findFonts().cjk) {
      console.warn('*** SKIPPING Japanese title check: no CJK font (fonts-ipafont-gothic or fonts-noto-cjk) ***');
      return;
    }
    const out = join(tmp, 'ja.pdf');
    await exportMap(RUN, { out, title: '玉名市 地域熱供給 計画図' });
    const text = execFileSync(PDFTOTEXT!, [out, '-'], { encoding: 'utf8' });
    expect(text).toContain('玉名市 地域熱供給 計画図');
  });
});

describe('bad input', () => {
  it('a layer asked for whose file is missing: InputError naming the file', async () => {
    const dir = join(tmp, 'no-network');
    await writeSyntheticRun(dir, { omit: ['network.geojson'] });
    const err = await exportMap(dir, { layers: 'demand,network', format: 'svg', out: join(tmp, 'x.svg') }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.code).toBe('run-missing-file');
    expect(err.file).toBe(join(dir, 'network.geojson'));
    expect(err.message).toContain('network.geojson');
    expect(err.message).toContain('heatplan route');
    expect(existsSync(join(tmp, 'x.svg'))).toBe(false);
  });

  it('default layers whose files are missing are skipped with a counted warning', async () => {
    const dir = join(tmp, 'demand-only');
    await writeSyntheticRun(dir, { omit: ['network.geojson', 'areas.geojson'] });
    const warnings = new Warnings();
    const r = await exportMap(dir, { format: 'svg', out: join(tmp, 'partial.svg'), warnings });
    expect(r.skipped).toEqual(['areas', 'network']);
    expect(r.layers).toEqual(['demand', 'buildings']);
    expect(warnings.count('layer-skipped')).toBe(2);
    const svg = parseXml(readFileSync(join(tmp, 'partial.svg'), 'utf8'));
    expect(byId(svg, 'layer-pipes')).toBeUndefined();
    expect(byId(svg, 'scalebar')).toBeDefined();
  });

  it('no manifest, no CRS, broken GeoJSON, unknown layer or format: typed errors', async () => {
    const empty = join(tmp, 'empty');
    await writeSyntheticRun(empty, { omit: ['manifest.json'] });
    await expect(exportMap(empty, { format: 'svg', out: join(tmp, 'e.svg') })).rejects.toMatchObject({ name: 'InputError', code: 'run-missing' });

    const nocrs = join(tmp, 'nocrs');
    await writeSyntheticRun(nocrs);
    const m = JSON.parse(readFileSync(join(nocrs, 'manifest.json'), 'utf8'));
    delete m.crs;
    writeFileSync(join(nocrs, 'manifest.json'), JSON.stringify(m));
    await expect(exportMap(nocrs, { format: 'svg', out: join(tmp, 'e.svg') })).rejects.toMatchObject({ code: 'run-no-crs' });

    const broken = join(tmp, 'broken');
    await writeSyntheticRun(broken);
    writeFileSync(join(broken, 'buildings.geojson'), '{"type":"FeatureCollection","features":[');
    const e = await exportMap(broken, { format: 'svg', out: join(tmp, 'e.svg') }).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e.file).toBe(join(broken, 'buildings.geojson'));

    await expect(exportMap(RUN, { layers: 'demand,roads', format: 'svg' })).rejects.toBeInstanceOf(UsageError);
    await expect(exportMap(RUN, { out: join(tmp, 'x.jpg') })).rejects.toMatchObject({ code: 'map-format' });
    await expect(exportMap(RUN, { format: 'png', dpi: 5, out: join(tmp, 'x.png') })).rejects.toMatchObject({ code: 'map-dpi' });
  });

  it('a raster in another CRS than the run is refused', async () => {
    const dir = join(tmp, 'crs-mismatch');
    await writeSyntheticRun(dir);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.crs = { code: 'EPSG:6669', name: 'JGD2011 / Japan Plane Rectangular CS I' };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    await expect(exportMap(dir, { layers: 'demand', format: 'svg', out: join(tmp, 'e.svg') })).rejects.toMatchObject({ code: 'raster-crs-mismatch' });
  });
});

describe('attribution from the run inputs', () => {
  it('Hotmaps rasters and unknown inputs; no PLATEAU or OSM line when they were not used', async () => {
    const dir = join(tmp, 'hotmaps');
    await writeSyntheticRun(dir, { inputs: [{ path: '/d/rasters/hotmaps_heat_density_test.tif', role: 'demand-raster' }, { path: '/d/my.shp', role: 'buildings' }] });
    const { info } = await buildMapSheet(dir, { layers: 'demand' });
    expect(info.attribution.join('\n')).toContain('Hotmaps project (H2020), Apache-2.0');
    // a file of no known dataset is named with its role (was "Other data: 1 input file listed in manifest.json")
    expect(info.attribution.join('\n')).toContain('Buildings: my.shp (user data; licence not recorded in the run)');
    expect(info.attribution.join('\n')).not.toContain('Other data');
    expect(info.attribution.join('\n')).not.toMatch(/PLATEAU|OpenStreetMap/);
  });
});
