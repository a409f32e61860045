/**
 * The robustness corpus (issue 17): bad inputs and faults, generated from the real datasets (../shared/datasets, via
 * test/helpers/data.ts) and the demo town (datasets/demo) into a temp folder, each run as a real `heatplan` command.
 *
 * `buildCorpus(ctx)` writes every bad input under `ctx.root/cases/<id>/` and returns one record per case:
 *   { id, kind, what, argv, setup?, expect: 'error' | 'ok-with-warning', runDirs, names, detail?, warning? }
 * - 'error': exit code non-zero and not 70, stderr names the file / option / key (`names`) and, where there is one,
 *   the record or value (`detail`), no stack trace, every folder of `runDirs` absent (if it was), byte-identical to
 *   before, or complete; no staging leftovers beside it.
 * - 'ok-with-warning': exit 0 and the warning counted in the manifest (`warning`: a numeric path in manifest.json).
 * `buildFaults(ctx)` returns the SIGKILL sequences (demand on the Osaka tiles, `heatplan run demo.yaml` over an
 * existing run, a small batch, route and simulate on the demo run): kill after a delay or when a line appears on
 * stderr, check the folder after every kill, then a second run must succeed.
 *
 * Cases that read ../shared/datasets have `needsData`; cases that start from a copy of the demo run have `needsBase`
 * (the harness makes that run once, with `baseScenario`, into `ctx.base`). Random bytes come from
 * engine/util/random.ts with fixed seeds, so the corpus is the same on every run.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../engine/util/random.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'heatplan.mjs');
const DEMO = join(ROOT, 'datasets', 'demo');
const WEATHER = join(ROOT, 'datasets', 'weather', '0868195.has');
const VECTOR = join(ROOT, 'test', 'fixtures', 'vector');

export type Kind =
  | 'truncated'
  | 'corrupted'
  | 'wrong-crs'
  | 'out-of-range'
  | 'huge-values'
  | 'empty-layer'
  | 'missing-attribute'
  | 'wrong-type'
  | 'weather'
  | 'scenario'
  | 'batch'
  | 'option'
  | 'out-path'
  | 'not-a-run';

export interface CorpusCase {
  id: string;
  kind: Kind;
  what: string;
  /** Arguments after `heatplan`. */
  argv: string[];
  /** Prepares the folders the case starts from (after the corpus is built, before the "before" snapshot). */
  setup?: () => void;
  expect: 'error' | 'ok-with-warning';
  /** Folders checked before and after: absent (when they were), byte-identical, or complete. */
  runDirs: string[];
  /** stderr must contain each of these: the file (base name), the option or the key; a list means any one of them. */
  names: (string | string[])[];
  /** The record or value, where there is one: every pattern must match stderr. */
  detail?: RegExp[];
  /** The exit code the README documents, where it does (2 for a wrong option or scenario key). */
  code?: number;
  /** ok-with-warning: manifest.json of `run` must hold a number >= min at `path`. */
  warning?: { run: string; path: string[]; min: number };
  needsData?: boolean;
  needsBase?: boolean;
  timeoutMs?: number;
}

/** When to kill: after a delay, when a line appears on stderr; or `finish`: let it run, it must succeed. */
export type Trigger = { afterMs: number } | { line: RegExp; label: string } | { finish: true };

export interface FaultCase {
  id: string;
  what: string;
  /** The command killed (arguments after `heatplan`). */
  argv: string[];
  /** The folder checked after every kill. */
  runDir: string;
  /** 'run': one run folder; 'batch': a batch output folder (each area's run folder checked). */
  layout: 'run' | 'batch';
  /** The stages a complete run folder lists (run layout); batch areas may list any prefix (per-stage checkpoints). */
  stages: string[];
  /** Files a complete run must hold besides the stages' (report.html, map.png of `heatplan run`). */
  extraFiles?: string[];
  /** Batch layout: the areas and their stages. */
  areas?: { name: string; stages: string[] }[];
  setup?: () => void;
  kills: Trigger[];
  /** The second run (default: argv). */
  again?: string[];
  needsData?: boolean;
  needsBase?: boolean;
}

export interface CorpusContext {
  /** Temp folder the corpus is written to. */
  root: string;
  /** Where the harness writes the demo run (`baseScenario`) that `needsBase` cases copy. */
  base: string;
  /** Absolute path of a file of the real datasets (test/helpers/data.ts `data`). */
  data: (rel: string) => string;
  haveData: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// byte and text helpers

const read = (p: string) => readFileSync(p);
const readText = (p: string) => readFileSync(p, 'utf8');
/** The first `frac` of the bytes. */
export const cut = (b: Buffer, frac: number): Buffer => b.subarray(0, Math.floor(b.length * frac));
/** A copy with `n` seeded random bytes written over the middle. */
export function corrupt(b: Buffer, seed: number, n: number, at = 0.5): Buffer {
  const out = Buffer.from(b);
  const rnd = seededRandom(seed);
  const start = Math.floor(out.length * at);
  for (let i = 0; i < n && start + i < out.length; i++) out[start + i] = Math.floor(rnd() * 256);
  return out;
}

type Fc = { type: 'FeatureCollection'; features: { type: 'Feature'; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } | null }[]; [k: string]: unknown };
const demoFc = (name = 'buildings'): Fc => JSON.parse(readText(join(DEMO, `${name}.geojson`))) as Fc;
const ring0 = (f: Fc['features'][number]) => (f.geometry!.coordinates as number[][][])[0]!;

/** The demo demand command on `buildings` into `out` (the options of datasets/demo/demo.yaml). */
export const demoDemand = (buildings: string, out: string, extra: string[] = []): string[] => [
  'demand', '--buildings', buildings, '--out', out, '--scheme', 'plateau', '--use-column', 'usage', '--storeys-column', 'storeys',
  '--floor-area-column', 'floorArea', '--height-column', 'height', '--id-column', 'id', '--climate-region', '1', '--cell', '50', '--quiet', ...extra,
];

/**
 * The demo pipeline without report and map (faster): the run every `needsBase` case starts from. Written to
 * `ctx.root/base.yaml`; the harness runs `heatplan run base.yaml --out ctx.base`.
 */
export function baseScenario(ctx: CorpusContext): string {
  const f = join(ctx.root, 'base.yaml');
  const d = (n: string) => join(DEMO, n);
  writeFileSync(
    f,
    `name: robustness base run (demo town)
out: ${ctx.base}
demand: { buildings: ${d('buildings.geojson')}, scheme: plateau, useColumn: usage, storeysColumn: storeys, floorAreaColumn: floorArea, heightColumn: height, idColumn: id, blocks: ${d('blocks.geojson')}, climateRegion: 1, cell_m: 50 }
potential: { sewers: ${d('sewers.geojson')}, rivers: ${d('river.geojson')}, wasteHeat: ${d('waste-heat.geojson')} }
areas: { method: hotmaps, areaThreshold_GWh: 5 }
route: { roads: ${d('roads.geojson')}, plants: ${d('plants.geojson')}, minKwPerM: 0.17, minMwhPerM: 1.5 }
simulate: { weather: ${WEATHER}, scenario: ${d('scenario.yaml')} }
`,
  );
  return f;
}

/** Copy the base run to `to` (a fresh folder the case may damage). */
const copyBase = (ctx: CorpusContext, to: string) => () => cpSync(ctx.base, to, { recursive: true });

/** Copy a shapefile's parts (.shp .shx .dbf .prj .cpg) under a new base name, leaving out or replacing some. */
function copyShapefile(src: string, dir: string, name: string, change: Partial<Record<'shp' | 'shx' | 'dbf' | 'prj' | 'cpg', Buffer | string | null>> = {}): string {
  for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg'] as const) {
    const to = join(dir, `${name}.${ext}`);
    const c = change[ext];
    if (c === null) continue;
    if (c !== undefined) writeFileSync(to, c);
    else copyFileSync(`${src}.${ext}`, to);
  }
  return join(dir, `${name}.shp`);
}

/** A PLATEAU CityGML text with latitude and longitude swapped in every coordinate triple. */
function swapLatLon(xml: string): string {
  const swap = (s: string) => {
    const v = s.trim().split(/\s+/);
    const out: string[] = [];
    for (let i = 0; i + 2 < v.length; i += 3) out.push(v[i + 1]!, v[i]!, v[i + 2]!);
    return out.join(' ');
  };
  return xml
    .replace(/(<gml:posList[^>]*>)([^<]*)(<\/gml:posList>)/g, (_, a: string, b: string, c: string) => a + swap(b) + c)
    .replace(/(<gml:(?:lower|upper)Corner>)([^<]*)(<\/gml:(?:lower|upper)Corner>)/g, (_, a: string, b: string, c: string) => a + swap(b) + c);
}

// ---------------------------------------------------------------------------------------------------------------
// the corpus

export function buildCorpus(ctx: CorpusContext): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const dirOf = (id: string) => {
    const d = join(ctx.root, 'cases', id);
    mkdirSync(d, { recursive: true });
    return d;
  };
  /** Add a case; `make(dir)` writes its inputs and returns the record (without id). */
  const add = (id: string, make: (dir: string) => Omit<CorpusCase, 'id'> | undefined, o: { needsData?: boolean } = {}) => {
    if (o.needsData && !ctx.haveData) return;
    const c = make(dirOf(id));
    if (c) cases.push({ id, ...c, needsData: o.needsData ?? c.needsData });
  };
  const D = ctx.data;
  const geo = (dir: string, name: string, fc: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof fc === 'string' ? fc : JSON.stringify(fc));
    return p;
  };
  const err = (kind: Kind, what: string, argv: string[], runDirs: string[], names: (string | string[])[], more: Partial<CorpusCase> = {}): Omit<CorpusCase, 'id'> => ({
    kind, what, argv, runDirs, names, expect: 'error', ...more,
  });
  const warn = (kind: Kind, what: string, argv: string[], run: string, path: string[], min: number, more: Partial<CorpusCase> = {}): Omit<CorpusCase, 'id'> => ({
    kind, what, argv, runDirs: [run], names: [], expect: 'ok-with-warning', warning: { run, path, min }, ...more,
  });
  const tamana = () => D('tamana/49303425_bldg_6697_op.gml');
  /** datasets/demo/demo.yaml with its paths made absolute (so a copy elsewhere reads the demo files). */
  const demoYaml = () => readText(join(DEMO, 'demo.yaml')).replace(/^(\s+\w+: )([\w./-]+\.(?:geojson|yaml|has|csv))/gm, (_, k: string, p: string) => k + resolve(DEMO, p));
  const SURVEY = join(VECTOR, 'survey_sjis');

  // ----- truncated files --------------------------------------------------------------------------------------
  add('gml-cut', (dir) => {
    const xml = readText(tamana());
    // cut inside the 100th building's footprint, in the middle of a posList
    const b = [...xml.matchAll(/<bldg:Building gml:id=/g)][99]!.index!;
    const p = geo(dir, 'tamana-cut.gml', xml.slice(0, xml.indexOf('<gml:posList>', b) + 60));
    const out = join(dir, 'out');
    return err('truncated', 'PLATEAU CityGML cut in the middle of a building', ['demand', '--buildings', p, '--out', out], [out], ['tamana-cut.gml'], { detail: [/line \d+/] });
  }, { needsData: true });

  add('gml-gz-cut', (dir) => {
    // a folder of three Osaka tiles, one of them (.gml.gz) cut in half
    const tiles = join(dir, 'tiles');
    mkdirSync(tiles);
    for (const t of ['51357309', '51357341']) symlinkSync(D(`osaka/${t}_bldg_6697_op.gml.gz`), join(tiles, `${t}_bldg_6697_op.gml.gz`));
    writeFileSync(join(tiles, '51357326_bldg_6697_op.gml.gz'), cut(read(D('osaka/51357326_bldg_6697_op.gml.gz')), 0.5));
    const out = join(dir, 'out');
    return err('truncated', 'a folder of Osaka tiles, one .gml.gz cut in half', ['demand', '--buildings', tiles, '--out', out], [out], ['51357326_bldg_6697_op.gml.gz']);
  }, { needsData: true });

  add('geojson-cut', (dir) => {
    const text = readText(join(DEMO, 'buildings.geojson'));
    const k = text.indexOf('"demo-100"');
    const p = geo(dir, 'buildings-cut.geojson', text.slice(0, k + 80));
    const out = join(dir, 'out');
    // a cut has no record or value to name, but the message must say the file ends early
    return err('truncated', 'demo buildings GeoJSON cut in the middle of feature 100', demoDemand(p, out), [out], ['buildings-cut.geojson'], {
      detail: [/end of (JSON|the file|input)|truncated|cut short|ends (early|before)/i],
    });
  });

  add('pbf-cut', (dir) => {
    const p = join(dir, 'helsinki-cut.osm.pbf');
    writeFileSync(p, cut(read(D('helsinki/helsinki.osm.pbf')), 0.6));
    const out = join(dir, 'out');
    return err('truncated', 'OSM PBF (Helsinki) cut in the middle of a block', ['demand', '--buildings', p, '--out', out, '--hdd', '4400'], [out], ['helsinki-cut.osm.pbf'], { detail: [/block \d+/] });
  }, { needsData: true });

  add('shp-no-dbf', (dir) => {
    const p = copyShapefile(SURVEY, dir, 'survey', { dbf: null });
    const out = join(dir, 'out');
    return err('truncated', 'shapefile without its .dbf', ['demand', '--buildings', p, '--out', out], [out], ['survey'], { detail: [/\.dbf/] });
  });

  add('shp-dbf-cut', (dir) => {
    const dbf = read(`${SURVEY}.dbf`);
    const p = copyShapefile(SURVEY, dir, 'survey', { dbf: dbf.subarray(0, dbf.length - 200) });
    const out = join(dir, 'out');
    const cols = ['--use-column', 'YOTO_CD', '--scheme', 'plateau', '--floor-area-column', 'NOBE', '--storeys-column', 'KAISU'];
    return err('truncated', 'shapefile whose .dbf is cut in the middle of record 4 (of 4 its header declares)', ['demand', '--buildings', p, '--out', out, ...cols], [out], ['survey'], { detail: [/\.dbf/, /record 4\b/] });
  });

  add('shp-no-shx', (dir) => {
    // the .shp is cut too: without the index the reader cannot know where records end; it must not guess silently
    const shp = read(`${SURVEY}.shp`);
    const p = copyShapefile(SURVEY, dir, 'survey', { shx: null, shp: shp.subarray(0, shp.length - 100) });
    const out = join(dir, 'out');
    return err('truncated', 'shapefile without .shx and with its .shp cut in the last record', ['demand', '--buildings', p, '--out', out], [out], ['survey'], { detail: [/record \d+/] });
  });

  add('shp-shx-cut', (dir) => {
    const shx = read(`${SURVEY}.shx`);
    const shp = read(`${SURVEY}.shp`);
    const p = copyShapefile(SURVEY, dir, 'survey', { shx: shx.subarray(0, 116), shp: shp.subarray(0, shp.length - 100) });
    const out = join(dir, 'out');
    return err('truncated', 'shapefile with .shx cut after 2 records and .shp cut in the last record', ['demand', '--buildings', p, '--out', out], [out], ['survey'], { detail: [/record \d+/] });
  });

  add('shp-cut', (dir) => {
    const shp = read(`${SURVEY}.shp`);
    const p = copyShapefile(SURVEY, dir, 'survey', { shp: shp.subarray(0, Math.floor(shp.length * 0.6)) });
    const out = join(dir, 'out');
    return err('truncated', 'shapefile whose .shp is cut in the middle of a record', ['demand', '--buildings', p, '--out', out], [out], ['survey.shp'], { detail: [/record \d+/] });
  });

  add('tif-cut-demand-raster', (dir) => {
    const p = join(dir, 'heat-density-cut.tif');
    writeFileSync(p, cut(read(D('rasters/hotmaps_heat_density_test.tif')), 0.5));
    const out = join(dir, 'out');
    return err('truncated', 'Hotmaps heat-density GeoTIFF cut in half, as --demand-raster', ['areas', '--run', out, '--demand-raster', p], [out], ['heat-density-cut.tif']);
  }, { needsData: true });

  add('tif-cut-ground', (dir) => {
    const p = join(dir, 'conductivity-cut.tif');
    writeFileSync(p, cut(read(D('rasters/hotmaps_ground_conductivity.tif')), 0.5));
    const run = join(dir, 'run');
    return {
      ...err('truncated', 'ground conductivity GeoTIFF cut in half, as potential --ground', ['potential', '--run', run, '--ground', p, '--ground-kind', 'conductivity'], [run], ['conductivity-cut.tif']),
      setup: copyBase(ctx, run), needsBase: true,
    };
  }, { needsData: true });

  add('run-demand-tif-cut', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('truncated', "a run whose demand.tif is cut in half (areas reads it)", ['areas', '--run', run], [run], ['demand.tif']),
      setup: () => {
        copyBase(ctx, run)();
        const t = join(run, 'demand.tif');
        writeFileSync(t, cut(read(t), 0.5));
      },
      needsBase: true,
    };
  });

  add('has-cut', (dir) => {
    const lines = readText(WEATHER).split('\n');
    const p = geo(dir, 'kitami-cut.has', lines.slice(0, Math.floor(lines.length / 2)).join('\n'));
    const run = join(dir, 'run');
    return { ...err('truncated', 'HASP weather cut at mid-year', ['simulate', '--run', run, '--weather', p], [run], ['kitami-cut.has'], { detail: [/\d/] }), setup: copyBase(ctx, run), needsBase: true };
  });

  add('roads-cut', (dir) => {
    const text = readText(join(DEMO, 'roads.geojson'));
    const p = geo(dir, 'roads-cut.geojson', text.slice(0, Math.floor(text.length / 2)));
    const run = join(dir, 'run');
    return {
      ...err('truncated', 'roads GeoJSON cut in half', ['route', '--run', run, '--roads', p, '--plants', join(DEMO, 'plants.geojson')], [run], ['roads-cut.geojson'], {
        detail: [/record|line|position|offset|byte|feature/i],
      }),
      setup: copyBase(ctx, run),
      needsBase: true,
    };
  });

  // ----- corrupted bytes (seeded) ----------------------------------------------------------------------------------
  add('gml-corrupt', (dir) => {
    const p = join(dir, 'tamana-corrupt.gml');
    writeFileSync(p, corrupt(read(tamana()), 17, 256));
    const out = join(dir, 'out');
    return err('corrupted', '256 random bytes in the middle of a PLATEAU CityGML', ['demand', '--buildings', p, '--out', out], [out], ['tamana-corrupt.gml'], { detail: [/line \d+/] });
  }, { needsData: true });

  add('gml-gz-corrupt', (dir) => {
    const p = join(dir, '51357326_bldg_6697_op.gml.gz');
    writeFileSync(p, corrupt(read(D('osaka/51357326_bldg_6697_op.gml.gz')), 18, 64));
    const out = join(dir, 'out');
    return err('corrupted', '64 random bytes in the middle of an Osaka .gml.gz', ['demand', '--buildings', p, '--out', out], [out], ['51357326_bldg_6697_op.gml.gz']);
  }, { needsData: true });

  add('pbf-corrupt', (dir) => {
    const p = join(dir, 'helsinki-corrupt.osm.pbf');
    writeFileSync(p, corrupt(read(D('helsinki/helsinki.osm.pbf')), 19, 64));
    const out = join(dir, 'out');
    return err('corrupted', '64 random bytes in the middle of an OSM PBF', ['demand', '--buildings', p, '--out', out, '--hdd', '4400'], [out], ['helsinki-corrupt.osm.pbf'], { detail: [/block \d+/] });
  }, { needsData: true });

  add('geojson-corrupt', (dir) => {
    const p = join(dir, 'buildings-corrupt.geojson');
    writeFileSync(p, corrupt(read(join(DEMO, 'buildings.geojson')), 20, 32));
    const out = join(dir, 'out');
    // where: a position, line or record, or the bad text quoted
    return err('corrupted', '32 random bytes in the middle of the demo buildings GeoJSON', demoDemand(p, out), [out], ['buildings-corrupt.geojson'], {
      detail: [/position \d+|line \d+|column \d+|record \d+|byte \d+|\.\.\."|"\.\.\./],
    });
  });

  add('shp-corrupt', (dir) => {
    // random bytes over the header of record 2 (its content length and shape type)
    const shp = Buffer.from(read(`${SURVEY}.shp`));
    const rnd = seededRandom(21);
    const rec2 = 100 + 8 + shp.readInt32BE(104) * 2;
    for (let i = 0; i < 12; i++) shp[rec2 + i] = Math.floor(rnd() * 256);
    const p = copyShapefile(SURVEY, dir, 'survey', { shp, shx: null });
    const out = join(dir, 'out');
    return err('corrupted', 'random bytes over the header of record 2 of a .shp (no .shx)', ['demand', '--buildings', p, '--out', out], [out], ['survey.shp'], { detail: [/record \d+/] });
  });

  add('tif-corrupt', (dir) => {
    const p = join(dir, 'conductivity-corrupt.tif');
    // the first 256 bytes: the header and first IFD entries
    writeFileSync(p, corrupt(read(D('rasters/hotmaps_ground_conductivity.tif')), 22, 200, 0.0001));
    const run = join(dir, 'run');
    return {
      ...err('corrupted', 'random bytes over the IFD of a GeoTIFF, as potential --ground', ['potential', '--run', run, '--ground', p, '--ground-kind', 'conductivity'], [run], ['conductivity-corrupt.tif']),
      setup: copyBase(ctx, run), needsBase: true,
    };
  }, { needsData: true });

  add('has-corrupt', (dir) => {
    const p = join(dir, 'kitami-corrupt.has');
    // over the temperature line (the first of a day's 7) of day 183
    const text = read(WEATHER);
    const lines = text.toString('latin1').split('\n');
    const at = lines.slice(0, 182 * 7).reduce((n, l) => n + l.length + 1, 0) + 10;
    writeFileSync(p, corrupt(text, 23, 40, at / text.length));
    const run = join(dir, 'run');
    return { ...err('corrupted', '40 random bytes over the temperatures of 1 July in a HASP weather file', ['simulate', '--run', run, '--weather', p], [run], ['kitami-corrupt.has'], { detail: [/line \d+|hour \d+|day \d+/] }), setup: copyBase(ctx, run), needsBase: true };
  });

  add('yaml-corrupt', (dir) => {
    const p = join(dir, 'demo-corrupt.yaml');
    writeFileSync(p, corrupt(Buffer.from(demoYaml()), 24, 24, 0.45));
    const out = join(dir, 'out');
    return err('corrupted', '24 random bytes in the middle of a scenario YAML', ['run', p, '--out', out], [out], ['demo-corrupt.yaml'], { detail: [/line \d+|:\d+/] });
  });

  add('manifest-corrupt', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('corrupted', 'a run whose manifest.json has random bytes in the middle (route reads it)', ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson')], [run], ['manifest.json']),
      setup: () => {
        copyBase(ctx, run)();
        const m = join(run, 'manifest.json');
        writeFileSync(m, corrupt(read(m), 25, 16));
      },
      needsBase: true,
    };
  });

  add('network-corrupt', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('corrupted', 'a run whose network.geojson has random bytes in the middle (simulate reads it)', ['simulate', '--run', run, '--weather', WEATHER], [run], ['network.geojson']),
      setup: () => {
        copyBase(ctx, run)();
        const m = join(run, 'network.geojson');
        writeFileSync(m, corrupt(read(m), 26, 16));
      },
      needsBase: true,
    };
  });

  // ----- wrong CRS ------------------------------------------------------------------------------------------------
  add('geojson-metres-no-crs', (dir) => {
    const p = geo(dir, 'survey-metres.geojson', readText(join(VECTOR, 'src6677.geojson')));
    const out = join(dir, 'out');
    return err('wrong-crs', 'GeoJSON in JGD2011 zone IX metres without a crs member', ['demand', '--buildings', p, '--out', out], [out], ['survey-metres.geojson'], { detail: [/record 1\b/, /-6000|-35370/] });
  });

  add('shp-prj-other-zone', (dir) => {
    // zone IX metres declared as UTM 54N: south of the equator and west of the zone, far outside its area of use
    const prj = 'PROJCS["WGS_1984_UTM_Zone_54N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",141.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    const p = copyShapefile(SURVEY, dir, 'survey', { prj });
    const out = join(dir, 'out');
    // --hdd: so that "outside Japan, give degree days" does not stop it first
    return err('wrong-crs', 'shapefile in zone IX whose .prj says UTM zone 54N (coordinates south of the equator, outside the zone)', ['demand', '--buildings', p, '--out', out, '--hdd', '3000'], [out], ['survey'], {
      detail: [/prj|EPSG:32654|UTM/i],
    });
  });

  add('shp-prj-geographic', (dir) => {
    const prj = 'GEOGCS["GCS_JGD_2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
    const p = copyShapefile(SURVEY, dir, 'survey', { prj });
    const out = join(dir, 'out');
    return err('wrong-crs', 'shapefile in metres whose .prj says JGD2011 lon/lat', ['demand', '--buildings', p, '--out', out], [out], ['survey'], { detail: [/record \d+/] });
  });

  add('plateau-lat-lon-swapped', (dir) => {
    const p = geo(dir, 'tamana-swapped.gml', swapLatLon(readText(tamana())));
    const out = join(dir, 'out');
    return err('wrong-crs', 'PLATEAU CityGML with longitude first (lat 130.5)', ['demand', '--buildings', p, '--out', out], [out], ['tamana-swapped.gml'], { detail: [/130\.5/] });
  }, { needsData: true });

  add('crs-geographic-working', (dir) => {
    const out = join(dir, 'out');
    return err('wrong-crs', 'a geographic working CRS (--crs EPSG:4326)', demoDemand(join(DEMO, 'buildings.geojson'), out, ['--crs', 'EPSG:4326']), [out], ['--crs'], { detail: [/4326/] });
  });

  add('roads-metres-no-crs', (dir) => {
    const fc = demoFc('roads');
    for (const f of fc.features) f.geometry!.coordinates = (f.geometry!.coordinates as number[][]).map(([x, y]) => [(x! - 142.6) * 80000 + 20000, (y! - 44) * 111000]);
    const p = geo(dir, 'roads-metres.geojson', fc);
    const run = join(dir, 'run');
    return {
      ...err('wrong-crs', 'roads in metres without a crs member', ['route', '--run', run, '--roads', p, '--plants', join(DEMO, 'plants.geojson')], [run], ['roads-metres.geojson'], { detail: [/record 1\b/] }),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  // ----- out-of-range coordinates ------------------------------------------------------------------------------------
  const oneBad = (id: string, what: string, edit: (f: Fc['features'][number]) => void, detail: RegExp[], o: { text?: (s: string) => string } = {}) =>
    add(id, (dir) => {
      const fc = demoFc();
      edit(fc.features[10]!);
      let s = JSON.stringify(fc);
      if (o.text) s = o.text(s);
      const p = geo(dir, `${id}.geojson`, s);
      const out = join(dir, 'out');
      return err('out-of-range', what, demoDemand(p, out), [out], [`${id}.geojson`], { detail });
    });
  oneBad('lat-95', 'one building (record 11) at latitude 95', (f) => {
    const r = ring0(f);
    r[0]![1] = 95;
    r[r.length - 1]![1] = 95;
  }, [/record 11\b/, /95/]);
  oneBad('lon-400', 'one building (record 11) at longitude 400', (f) => {
    const r = ring0(f);
    r[1]![0] = 400;
  }, [/record 11\b/, /400/]);
  oneBad('coord-1e15', 'one building (record 11) with a coordinate of 1e15', (f) => {
    const r = ring0(f);
    r[2]![0] = 1e15;
  }, [/record 11\b/, /1e\+?15|1000000000000000/]);

  add('projected-1e15', (dir) => {
    const fc = JSON.parse(readText(join(VECTOR, 'src6677.geojson'))) as Fc;
    fc.crs = { type: 'name', properties: { name: 'EPSG:6677' } };
    ring0(fc.features[1]!)[1]![0] = 1e15;
    const p = geo(dir, 'survey-1e15.geojson', fc);
    const out = join(dir, 'out');
    return err('out-of-range', 'zone IX GeoJSON (with crs) with one easting of 1e15 m', ['demand', '--buildings', p, '--out', out], [out], ['survey-1e15.geojson'], { detail: [/record 2\b/] });
  });

  add('nan-strings', (dir) => {
    const fc = demoFc();
    const r = ring0(fc.features[10]!) as unknown as unknown[][];
    r[1] = ['NaN', 'Infinity'];
    const p = geo(dir, 'nan-strings.geojson', fc);
    const out = join(dir, 'out');
    return warn('out-of-range', 'one building with "NaN"/"Infinity" strings as a vertex: dropped and counted (README: NaN is a drop reason)', demoDemand(p, out), out, ['demand', 'dropped', 'nan'], 1);
  });

  add('huge-number-infinity', (dir) => {
    const fc = demoFc();
    ring0(fc.features[10]!)[1]![0] = -999.5; // placeholder replaced by 1e400 (JSON.parse reads it as Infinity)
    const p = geo(dir, 'huge-number.geojson', JSON.stringify(fc).replace('-999.5', '1e400'));
    const out = join(dir, 'out');
    return err('out-of-range', 'one building (record 11) with a coordinate 1e400 (parsed as Infinity)', demoDemand(p, out), [out], ['huge-number.geojson'], { detail: [/record 11\b/, /Infinity|1e\+?400/] });
  });

  add('all-infinite', (dir) => {
    const fc = demoFc();
    for (const f of fc.features) ring0(f)[1]![0] = -999.5;
    const p = geo(dir, 'all-infinite.geojson', JSON.stringify(fc).replaceAll('-999.5', '1e400'));
    const out = join(dir, 'out');
    return err('out-of-range', 'every building with a coordinate 1e400: nothing usable left', demoDemand(p, out), [out], ['all-infinite.geojson']);
  });

  const plantCase = (id: string, what: string, plant: string, detail: RegExp[]) =>
    add(id, (dir) => {
      const run = join(dir, 'run');
      return { ...err('out-of-range', what, ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plant', plant], [run], ['--plant'], { detail }), setup: copyBase(ctx, run), needsBase: true };
    });
  plantCase('plant-lat-95', 'route --plant at latitude 95', '142.63,95,700,biomass_boiler', [/95/]);
  plantCase('plant-lon-400', 'route --plant at longitude 400', '400,44.3,700,biomass_boiler', [/400/]);

  add('plants-file-1e15', (dir) => {
    const fc = demoFc('plants');
    (fc.features[0]!.geometry!.coordinates as number[])[0] = 1e15;
    const p = geo(dir, 'plants-1e15.geojson', fc);
    const run = join(dir, 'run');
    return {
      ...err('out-of-range', 'a plants file whose point has longitude 1e15', ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', p], [run], ['plants-1e15.geojson'], { detail: [/record 1\b/] }),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  // ----- huge values ------------------------------------------------------------------------------------------------
  add('floor-area-1e30', (dir) => {
    const fc = demoFc();
    fc.features[10]!.properties.floorArea = 1e30;
    const p = geo(dir, 'floor-area-1e30.geojson', fc);
    const out = join(dir, 'out');
    // one implausible attribute in a city drops that value (counted, naming file, demo-11 and 1e+30: test/buildings/floor-area-bounds.test.ts), as a missing one does
    return warn('huge-values', 'one building (record 11, demo-11) with floor area 1e30 m²: value dropped (above footprint x 163 storeys), counted', demoDemand(p, out), out, ['demand', 'warnings', 'floor-area-implausible'], 1);
  });

  add('storeys-1e9', (dir) => {
    const fc = demoFc();
    fc.features[10]!.properties.storeys = 1e9;
    const p = geo(dir, 'storeys-1e9.geojson', fc);
    const out = join(dir, 'out');
    return warn('huge-values', 'one building (record 11, demo-11) with 1e9 storeys: value dropped (above 163, Burj Khalifa), counted', demoDemand(p, out), out, ['demand', 'warnings', 'storeys-implausible'], 1);
  });

  add('cell-0.01', (dir) => {
    const out = join(dir, 'out');
    return err('huge-values', '--cell 0.01 on the demo town: a grid of about 1e10 cells', demoDemand(join(DEMO, 'buildings.geojson'), out).map((a) => (a === '50' ? '0.01' : a)), [out], ['--cell'], { detail: [/0\.01/] });
  });

  add('sewer-flow-1e300', (dir) => {
    const fc = demoFc('sewers');
    fc.features[0]!.properties.flow_m3_day = 1e300;
    const p = geo(dir, 'sewers-1e300.geojson', fc);
    const run = join(dir, 'run');
    return {
      ...err('huge-values', 'a sewer with a flow of 1e300 m³/day', ['potential', '--run', run, '--sewers', p], [run], ['sewers-1e300.geojson'], { detail: [/record 1\b/, /1e\+?300/] }),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  // ----- empty layers -----------------------------------------------------------------------------------------------
  add('fc-empty', (dir) => {
    const p = geo(dir, 'empty.geojson', { type: 'FeatureCollection', features: [] });
    const out = join(dir, 'out');
    return err('empty-layer', 'a FeatureCollection with no features as buildings', ['demand', '--buildings', p, '--out', out], [out], ['empty.geojson']);
  });

  add('gml-no-buildings', (dir) => {
    const p = join(dir, '523965_dem_6697_05_op.gml');
    copyFileSync(D('yokosuka/523965_dem_6697_05_op.gml'), p);
    const out = join(dir, 'out');
    return err('empty-layer', 'a CityGML with no buildings (PLATEAU terrain TIN) as buildings', ['demand', '--buildings', p, '--out', out], [out], ['523965_dem_6697_05_op.gml']);
  }, { needsData: true });

  add('blocks-empty', (dir) => {
    const p = geo(dir, 'blocks-empty.geojson', { type: 'FeatureCollection', features: [] });
    const out = join(dir, 'out');
    return err('empty-layer', 'an empty blocks layer', demoDemand(join(DEMO, 'buildings.geojson'), out, ['--blocks', p]), [out], ['blocks-empty.geojson']);
  });

  add('roads-empty', (dir) => {
    const p = geo(dir, 'roads-empty.geojson', { type: 'FeatureCollection', features: [] });
    const run = join(dir, 'run');
    return { ...err('empty-layer', 'an empty roads layer', ['route', '--run', run, '--roads', p, '--plants', join(DEMO, 'plants.geojson')], [run], ['roads-empty.geojson']), setup: copyBase(ctx, run), needsBase: true };
  });

  add('roads-far', (dir) => {
    const fc = demoFc('roads');
    for (const f of fc.features) f.geometry!.coordinates = (f.geometry!.coordinates as number[][]).map(([x, y]) => [x! + 0.1, y!]);
    const p = geo(dir, 'roads-far.geojson', fc);
    const run = join(dir, 'run');
    return {
      ...err('empty-layer', 'roads 8 km east of the buildings (none within --max-service)', ['route', '--run', run, '--roads', p, '--plant', '142.7389533,44.3020249,700,biomass_boiler'], [run], ['roads-far.geojson']),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  add('roads-disconnected', (dir) => {
    // the plant sits on a road 600 m east of the town that does not meet the town's roads
    const fc = demoFc('roads');
    fc.features.push({ type: 'Feature', properties: { highway: 'residential' }, geometry: { type: 'LineString', coordinates: [[142.646, 44.302], [142.647, 44.302]] } });
    const p = geo(dir, 'roads-disconnected.geojson', fc);
    const run = join(dir, 'run');
    return {
      ...err('empty-layer', "a disconnected road graph: the plant's component reaches no building", ['route', '--run', run, '--roads', p, '--plant', '142.6465,44.3021,700,biomass_boiler'], [run], [['roads-disconnected.geojson', '--plant']]),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  add('roads-partly-disconnected', (dir) => {
    // a short road just west of building demo-1, not joined to the others: demo-1 taps it and cannot be reached
    const fc = demoFc('roads');
    fc.features.push({ type: 'Feature', properties: { highway: 'service' }, geometry: { type: 'LineString', coordinates: [[142.62876, 44.29979], [142.62876, 44.29992]] } });
    const p = geo(dir, 'roads-island.geojson', fc);
    const run = join(dir, 'run');
    return {
      ...warn('empty-layer', 'a road island next to one building: that consumer is unreachable, counted', ['route', '--run', run, '--roads', p, '--plants', join(DEMO, 'plants.geojson'), '--min-kw-per-m', '0', '--min-mwh-per-m', '0', '--quiet'], run, ['route', 'consumersDropped', 'unreachable'], 1),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  add('sewers-empty', (dir) => {
    const p = geo(dir, 'sewers-empty.geojson', { type: 'FeatureCollection', features: [] });
    const run = join(dir, 'run');
    return { ...err('empty-layer', 'an empty sewer layer as the only source', ['potential', '--run', run, '--sewers', p], [run], ['sewers-empty.geojson']), setup: copyBase(ctx, run), needsBase: true };
  });

  add('buildings-all-lines', (dir) => {
    const fc = demoFc('roads');
    const p = geo(dir, 'lines-as-buildings.geojson', fc);
    const out = join(dir, 'out');
    return err('empty-layer', 'a buildings file holding only LineStrings (the roads)', ['demand', '--buildings', p, '--out', out], [out], ['lines-as-buildings.geojson']);
  });

  // ----- missing attributes -----------------------------------------------------------------------------------------
  add('usage-missing', (dir) => {
    const fc = demoFc();
    let n = 0;
    for (const f of fc.features.slice(0, 40)) if (f.properties.usage != null) (delete f.properties.usage, n++);
    const p = geo(dir, 'no-usage.geojson', fc);
    const out = join(dir, 'out');
    return warn('missing-attribute', `${n} more buildings without usage: counted as use-missing`, demoDemand(p, out), out, ['demand', 'warnings', 'use-missing'], n + 4);
  });

  add('no-heights', (dir) => {
    const fc = demoFc();
    for (const f of fc.features) for (const k of ['storeys', 'height', 'floorArea']) delete f.properties[k];
    const p = geo(dir, 'no-heights.geojson', fc);
    const out = join(dir, 'out');
    const argv = ['demand', '--buildings', p, '--out', out, '--scheme', 'plateau', '--use-column', 'usage', '--id-column', 'id', '--climate-region', '1', '--cell', '50', '--quiet'];
    return warn('missing-attribute', 'no storeys, heights or floor areas at all: footprint x default storeys, counted', argv, out, ['demand', 'warnings', 'floor-area-default'], 205);
  });

  add('column-missing', (dir) => {
    const fc = demoFc();
    for (const f of fc.features) delete f.properties.height;
    const p = geo(dir, 'no-height-column.geojson', fc);
    const out = join(dir, 'out');
    return err('missing-attribute', '--height-column height names a column no feature has', demoDemand(p, out), [out], ['no-height-column.geojson'], { detail: [/'height'|"height"/] });
  });

  add('sewers-no-flow', (dir) => {
    const fc = demoFc('sewers');
    for (const f of fc.features) delete f.properties.flow_m3_day;
    const p = geo(dir, 'sewers-no-flow.geojson', fc);
    const run = join(dir, 'run');
    return { ...err('missing-attribute', 'sewers without any flow attribute and no --sewage-points', ['potential', '--run', run, '--sewers', p], [run], ['sewers-no-flow.geojson']), setup: copyBase(ctx, run), needsBase: true };
  });

  add('waste-heat-no-kw', (dir) => {
    const fc = demoFc('waste-heat');
    delete fc.features[0]!.properties.heat_kW;
    const p = geo(dir, 'waste-heat-no-kw.geojson', fc);
    const run = join(dir, 'run');
    return { ...warn('missing-attribute', 'a waste-heat point without its heat output: left out, counted', ['potential', '--run', run, '--waste-heat', p, '--quiet'], run, ['potential', 'warnings', 'waste-heat-no-kw'], 1), setup: copyBase(ctx, run), needsBase: true };
  });

  // ----- wrong types ------------------------------------------------------------------------------------------------
  add('storeys-words', (dir) => {
    const fc = demoFc();
    for (const f of fc.features.slice(0, 10)) f.properties.storeys = 'two';
    const p = geo(dir, 'storeys-words.geojson', fc);
    const out = join(dir, 'out');
    return warn('wrong-type', 'storeys "two" on 10 buildings: left unknown, counted', demoDemand(p, out), out, ['demand', 'warnings', 'bad-storeys'], 10);
  });

  add('floor-area-object', (dir) => {
    const fc = demoFc();
    for (const f of fc.features.slice(0, 5)) f.properties.floorArea = { value: 120 };
    const p = geo(dir, 'floor-area-object.geojson', fc);
    const out = join(dir, 'out');
    return warn('wrong-type', 'floor area given as an object on 5 buildings: left unknown, counted', demoDemand(p, out), out, ['demand', 'warnings', 'bad-floor-area'], 5);
  });

  add('coords-strings', (dir) => {
    const fc = demoFc();
    for (const f of fc.features) f.geometry!.coordinates = (f.geometry!.coordinates as number[][][]).map((r) => r.map((c) => c.map(String)));
    const p = geo(dir, 'coords-strings.geojson', fc);
    const out = join(dir, 'out');
    return err('wrong-type', 'every coordinate written as a string ("142.62")', demoDemand(p, out), [out], ['coords-strings.geojson']);
  });

  add('plant-capacity-word', (dir) => {
    const fc = demoFc('plants');
    fc.features[0]!.properties.capacity_kW = 'big';
    const p = geo(dir, 'plants-word.geojson', fc);
    const run = join(dir, 'run');
    return {
      ...err('wrong-type', 'a plant whose capacity_kW is "big"', ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', p], [run], ['plants-word.geojson'], { detail: [/big/] }),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  add('scenario-wrong-type', (dir) => {
    const p = join(dir, 'wrong-type.yaml');
    writeFileSync(p, `out: run\ndemand:\n  buildings: ${join(DEMO, 'buildings.geojson')}\n  climateRegion: one\n  includeBasement: "yes"\n`);
    const out = join(dir, 'run');
    return err('wrong-type', 'scenario with climateRegion: one and includeBasement: "yes"', ['run', p], [out], ['wrong-type.yaml', 'climateRegion'], { detail: [/:4\b|line 4/, /one/], code: 2 });
  });

  add('weather-words', (dir) => {
    const lines = readText(D('weather/demandlib_example_data.csv')).split('\n');
    lines[101] = '101,warm';
    const p = geo(dir, 'weather-words.csv', lines.join('\n'));
    const run = join(dir, 'run');
    return { ...err('wrong-type', 'a CSV weather file with "warm" as a temperature', ['simulate', '--run', run, '--weather', p], [run], ['weather-words.csv'], { detail: [/line 102/, /warm/] }), setup: copyBase(ctx, run), needsBase: true };
  }, { needsData: true });

  // ----- weather ----------------------------------------------------------------------------------------------------
  add('weather-8759', (dir) => {
    const lines = readText(D('weather/demandlib_example_data.csv')).trimEnd().split('\n');
    const p = geo(dir, 'weather-8759.csv', lines.slice(0, -1).join('\n') + '\n');
    const run = join(dir, 'run');
    return { ...err('weather', 'a weather file with 8,759 hours', ['simulate', '--run', run, '--weather', p], [run], ['weather-8759.csv'], { detail: [/8,?759/] }), setup: copyBase(ctx, run), needsBase: true };
  }, { needsData: true });

  add('weather-999', (dir) => {
    const lines = readText(D('weather/demandlib_example_data.csv')).split('\n');
    lines[2001] = '2001,999';
    const p = geo(dir, 'weather-999.csv', lines.join('\n'));
    const run = join(dir, 'run');
    return { ...err('weather', 'a weather file with 999 °C in hour 2000', ['simulate', '--run', run, '--weather', p], [run], ['weather-999.csv'], { detail: [/999/] }), setup: copyBase(ctx, run), needsBase: true };
  }, { needsData: true });

  add('weather-gap', (dir) => {
    const lines = readText(D('weather/demandlib_example_data.csv')).split('\n');
    for (let i = 3001; i < 3031; i++) lines[i] = `${i},`;
    const p = geo(dir, 'weather-gap.csv', lines.join('\n'));
    const run = join(dir, 'run');
    return { ...err('weather', 'a weather file with 30 empty hours in a row', ['simulate', '--run', run, '--weather', p], [run], ['weather-gap.csv'], { detail: [/30/] }), setup: copyBase(ctx, run), needsBase: true };
  }, { needsData: true });

  add('weather-not-weather', (dir) => {
    const run = join(dir, 'run');
    const p = join(dir, 'roads.geojson');
    copyFileSync(join(DEMO, 'roads.geojson'), p);
    return { ...err('weather', 'a GeoJSON file as the weather', ['simulate', '--run', run, '--weather', p], [run], ['roads.geojson']), setup: copyBase(ctx, run), needsBase: true };
  });

  // ----- scenario YAML ----------------------------------------------------------------------------------------------
  add('scenario-unknown-key', (dir) => {
    const p = join(dir, 'unknown-key.yaml');
    writeFileSync(p, demoYaml().replace('cell_m: 50', 'cellsize_m: 50'));
    const out = join(dir, 'out');
    return err('scenario', 'scenario with demand.cellsize_m (unknown key)', ['run', p, '--out', out], [out], ['unknown-key.yaml', 'cellsize_m'], { detail: [/cell_m/], code: 2 });
  });

  add('scenario-wrong-value', (dir) => {
    const p = join(dir, 'wrong-value.yaml');
    writeFileSync(p, demoYaml().replace('minKwPerM: 0.17', 'minKwPerM: -0.17'));
    const out = join(dir, 'out');
    return err('scenario', 'scenario with route.minKwPerM: -0.17', ['run', p, '--out', out], [out], ['wrong-value.yaml', 'minKwPerM'], { detail: [/-0\.17/], code: 2 });
  });

  add('scenario-wrong-unit', (dir) => {
    const p = join(dir, 'wrong-unit.yaml');
    writeFileSync(p, demoYaml().replace('cell_m: 50', 'cell_m: "50m"'));
    const out = join(dir, 'out');
    return err('scenario', 'scenario with demand.cell_m: "50m"', ['run', p, '--out', out], [out], ['wrong-unit.yaml', 'cell_m'], { detail: [/50m/], code: 2 });
  });

  add('scenario-yaml-syntax', (dir) => {
    const p = join(dir, 'syntax.yaml');
    writeFileSync(p, demoYaml().replace('areas:\n', 'areas: [\n'));
    const out = join(dir, 'out');
    return err('scenario', 'scenario with an unclosed [ (YAML syntax error)', ['run', p, '--out', out], [out], ['syntax.yaml'], { detail: [/line \d+|:\d+/] });
  });

  add('scenario-missing-file', (dir) => {
    const p = join(dir, 'missing-file.yaml');
    writeFileSync(p, demoYaml().replace(resolve(DEMO, 'blocks.geojson'), 'no-such-blocks.geojson'));
    const out = join(dir, 'out');
    return err('scenario', 'scenario naming a blocks file that does not exist', ['run', p, '--out', out], [out], ['no-such-blocks.geojson']);
  });

  add('scenario-over-existing-fails', (dir) => {
    // a valid scenario whose route stage fails, over an existing run: the run must stay as it was
    const p = join(dir, 'route-fails.yaml');
    const empty = geo(dir, 'roads-empty.geojson', { type: 'FeatureCollection', features: [] });
    writeFileSync(p, demoYaml().replace(resolve(DEMO, 'roads.geojson'), empty).replace(/^map:[\s\S]*$/m, '').replace('report: true', ''));
    const run = join(dir, 'run');
    return { ...err('scenario', 'heatplan run over an existing run, failing in route: the old run must stay', ['run', p, '--out', run], [run], ['roads-empty.geojson']), setup: copyBase(ctx, run), needsBase: true };
  });

  add('sim-cases-unknown-consumer', (dir) => {
    const p = join(dir, 'cases.yaml');
    writeFileSync(p, readText(join(DEMO, 'scenario.yaml')).replace('attachTo: demo-79', 'attachTo: demo-9999'));
    const run = join(dir, 'run');
    return { ...err('scenario', 'simulation cases attaching a greenhouse to a consumer that does not exist', ['simulate', '--run', run, '--weather', WEATHER, '--scenario', p], [run], ['cases.yaml'], { detail: [/demo-9999/] }), setup: copyBase(ctx, run), needsBase: true };
  });

  add('sim-cases-wrong-unit', (dir) => {
    const p = join(dir, 'cases-unit.yaml');
    writeFileSync(p, readText(join(DEMO, 'scenario.yaml')).replace('area_m2: 240', 'area_m2: "240 m2"'));
    const run = join(dir, 'run');
    return { ...err('scenario', 'simulation cases with area_m2: "240 m2"', ['simulate', '--run', run, '--weather', WEATHER, '--scenario', p], [run], ['cases-unit.yaml'], { detail: [/area_m2/] }), setup: copyBase(ctx, run), needsBase: true };
  });

  // ----- batch YAML -------------------------------------------------------------------------------------------------
  const batchCase = (id: string, what: string, yaml: string, names: string[], detail?: RegExp[], areaDirs: string[] = []) =>
    add(id, (dir) => {
      const p = join(dir, `${id}.yaml`);
      writeFileSync(p, yaml);
      const out = join(dir, 'out');
      return err('batch', what, ['batch', p, '--out', out, '--workers', '1'], areaDirs.length ? areaDirs.map((a) => join(out, a)) : [out], names, { detail });
    });
  const B = join(DEMO, 'buildings.geojson');
  batchCase('batch-bad-name', 'batch area named "../evil"', `stages: [demand]\nareas:\n  - name: ../evil\n    buildings: ${B}\n`, ['batch-bad-name.yaml'], [/areas\[0\]\.name/, /:3\b|line 3/]);
  batchCase('batch-unknown-option', 'batch area with demand.hddd', `stages: [demand]\nareas:\n  - name: town\n    buildings: ${B}\n    demand: { hddd: 3000 }\n`, ['batch-unknown-option.yaml', 'hddd'], [/areas\[0\]/, /hdd_Kd/]);
  batchCase('batch-bad-value', 'batch area with demand.cell_m: -100', `stages: [demand]\nareas:\n  - name: town\n    buildings: ${B}\n    demand: { cell_m: -100 }\n`, ['batch-bad-value.yaml', 'cell_m'], [/-100/]);
  batchCase('batch-duplicate', 'two batch areas with the same name', `stages: [demand]\nareas:\n  - { name: town, buildings: ${B} }\n  - { name: town, buildings: ${B} }\n`, ['batch-duplicate.yaml', 'town'], [/areas\[1\]/]);
  batchCase('batch-missing-buildings', 'a batch area whose buildings file does not exist (the other area runs)', `stages: [demand]\nareas:\n  - { name: good, buildings: ${B}, demand: { climateRegion: 1, cell_m: 50 } }\n  - { name: harbour, buildings: ${join(DEMO, 'no-such.geojson')} }\n`, ['no-such.geojson', 'harbour'], undefined, ['harbour']);
  batchCase('batch-no-areas', 'a batch file with an empty area list', `stages: [demand]\nareas: []\n`, ['batch-no-areas.yaml'], [/record areas\b|\bareas:/]);

  // ----- bad option values ------------------------------------------------------------------------------------------
  const opt = (id: string, what: string, argvOf: (dir: string, out: string) => string[], names: string[], detail: RegExp[], more: Partial<CorpusCase> = {}) =>
    add(id, (dir) => {
      const out = join(dir, 'out');
      return err('option', what, argvOf(dir, out), [out], names, { detail, code: 2, ...more });
    });
  const demand = (extra: string[]) => (_: string, out: string) => ['demand', '--buildings', B, '--out', out, ...extra];
  opt('opt-cell-negative', 'demand --cell -5', demand(['--cell', '-5']), ['--cell'], [/-5/]);
  opt('opt-cell-nan', 'demand --cell NaN', demand(['--cell', 'NaN']), ['--cell'], [/NaN/]);
  opt('opt-cell-word', 'demand --cell ten', demand(['--cell', 'ten']), ['--cell'], [/ten/]);
  opt('opt-climate-region-9', 'demand --climate-region 9', demand(['--climate-region', '9']), ['--climate-region'], [/9/]);
  opt('opt-hdd-negative', 'demand --hdd -100', demand(['--hdd', '-100']), ['--hdd'], [/-100/]);
  opt('opt-design-temp-hot', 'demand --design-temp 25', demand(['--design-temp', '25']), ['--design-temp'], [/25/]);
  opt('opt-crs-word', 'demand --crs tokyo', demand(['--crs', 'tokyo']), ['--crs'], [/tokyo/], { code: undefined });
  opt('opt-unknown', 'demand --cellsize 50 (unknown option)', demand(['--cellsize', '50']), ['--cellsize'], []);
  const onRun = (id: string, what: string, argvOf: (run: string) => string[], names: string[], detail: RegExp[], more: Partial<CorpusCase> = {}) =>
    add(id, (dir) => {
      const run = join(dir, 'run');
      return { ...err('option', what, argvOf(run), [run], names, { detail, code: 2, ...more }), setup: copyBase(ctx, run), needsBase: true };
    });
  const route = (extra: string[]) => (run: string) => ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson'), ...extra];
  onRun('opt-route-kw-negative', 'route --min-kw-per-m -1', route(['--min-kw-per-m', '-1']), ['--min-kw-per-m'], [/-1/]);
  onRun('opt-route-supply-below-return', 'route --supply 40 --return 50', route(['--supply', '40', '--return', '50']), ['--supply', '--return'], [/40/]);
  onRun('opt-route-plant-words', 'route --plant somewhere', (run) => ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plant', 'somewhere'], ['--plant'], [/somewhere/]);
  onRun('opt-sim-factor-word', 'simulate --electricity-factor abc', (run) => ['simulate', '--run', run, '--weather', WEATHER, '--electricity-factor', 'abc'], ['--electricity-factor'], [/abc/]);
  onRun('opt-potential-no-source', 'potential with no source', (run) => ['potential', '--run', run], ['--sewers'], []);
  onRun('opt-areas-method', 'areas --method magic', (run) => ['areas', '--run', run, '--method', 'magic'], ['--method'], [/magic/]);
  onRun('opt-map-format', 'export-map --format gif', (run) => ['export-map', run, '--format', 'gif'], ['--format'], [/gif/]);
  onRun('opt-view-port', 'view --port abc (must not start a server)', (run) => ['view', run, '--port', 'abc', '--no-open'], ['--port'], [/abc/], { timeoutMs: 20_000 });
  const batchOpt = (id: string, what: string, extra: string[], names: string[], detail: RegExp[]) =>
    add(id, (dir) => {
      const p = join(dir, 'batch.yaml');
      writeFileSync(p, `stages: [demand]\nareas:\n  - { name: town, buildings: ${B}, demand: { climateRegion: 1, cell_m: 50 } }\n`);
      const out = join(dir, 'out');
      return err('option', what, ['batch', p, '--out', out, ...extra], [out], names, { detail, code: 2 });
    });
  batchOpt('opt-batch-workers-0', 'batch --workers 0', ['--workers', '0'], ['--workers'], [/\b0\b/]);
  batchOpt('opt-batch-memory-nan', 'batch --worker-memory NaN', ['--worker-memory', 'NaN'], ['--worker-memory'], [/NaN/]);

  // ----- an out path that is an existing file, or cannot be written -------------------------------------------------
  add('out-is-file-demand', (dir) => {
    const f = geo(dir, 'existing.txt', 'not a run folder\n');
    return err('out-path', 'demand --out an existing file', demoDemand(B, f), [f], ['existing.txt']);
  });
  add('out-is-file-run', (dir) => {
    const f = geo(dir, 'existing.txt', 'not a run folder\n');
    return err('out-path', 'run demo.yaml --out an existing file', ['run', join(DEMO, 'demo.yaml'), '--out', f], [f], ['existing.txt']);
  });
  add('out-is-file-batch', (dir) => {
    const p = join(dir, 'batch.yaml');
    writeFileSync(p, `stages: [demand]\nareas:\n  - { name: town, buildings: ${B}, demand: { climateRegion: 1, cell_m: 50 } }\n`);
    const f = geo(dir, 'existing.txt', 'not a batch folder\n');
    return err('out-path', 'batch --out an existing file', ['batch', p, '--out', f], [f], ['existing.txt']);
  });
  add('out-not-a-dir', (dir) => {
    const f = geo(dir, 'existing.txt', 'a file\n');
    const out = join(f, 'run');
    return err('out-path', 'demand --out below an existing file (ENOTDIR)', demoDemand(B, out), [f], ['existing.txt']);
  });
  add('out-non-run-folder', (dir) => {
    const out = join(dir, 'my-photos');
    mkdirSync(out);
    writeFileSync(join(out, 'holiday.jpg'), 'jpeg bytes');
    return err('out-path', 'demand --out a folder that holds other files (not a run)', demoDemand(B, out), [out], ['my-photos']);
  });
  add('out-non-run-folder-run', (dir) => {
    const out = join(dir, 'my-photos');
    mkdirSync(out);
    writeFileSync(join(out, 'holiday.jpg'), 'jpeg bytes');
    return err('out-path', 'run demo.yaml --out a folder that holds other files (not a run)', ['run', join(DEMO, 'demo.yaml'), '--out', out], [out], ['my-photos']);
  });
  add('report-out-unwritable', (dir) => {
    const run = join(dir, 'run');
    return { ...err('out-path', 'report --out /dev/null/report.html (cannot be created)', ['report', run, '--out', '/dev/null/report.html', '--no-maps'], [run], ['/dev/null/report.html']), setup: copyBase(ctx, run), needsBase: true };
  });
  add('map-out-is-dir', (dir) => {
    const run = join(dir, 'run');
    const d = join(dir, 'sheet-folder');
    mkdirSync(d);
    return { ...err('out-path', 'export-map --out an existing folder', ['export-map', run, '--format', 'svg', '--out', d], [run, d], ['sheet-folder']), setup: copyBase(ctx, run), needsBase: true };
  });
  add('route-export-graph-unwritable', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('out-path', 'route --export-graph /dev/null/edges.csv', ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson'), '--export-graph', '/dev/null/edges.csv'], [run], ['/dev/null/edges.csv']),
      setup: copyBase(ctx, run), needsBase: true,
    };
  });

  // ----- a run folder that is not a run -----------------------------------------------------------------------------
  add('run-empty-dir', (dir) => {
    const run = join(dir, 'no-manifest-here');
    mkdirSync(run);
    return err('not-a-run', 'route --run an empty folder', ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson')], [run], ['no-manifest-here'], { detail: [/manifest/] });
  });
  add('run-missing-dir', (dir) => {
    const run = join(dir, 'does-not-exist');
    return err('not-a-run', 'simulate --run a folder that does not exist', ['simulate', '--run', run, '--weather', WEATHER], [run], ['does-not-exist']);
  });
  add('run-is-file', (dir) => {
    const f = geo(dir, 'notes.txt', 'hello\n');
    return err('not-a-run', 'potential --run a file', ['potential', '--run', f, '--sewers', join(DEMO, 'sewers.geojson')], [f], ['notes.txt']);
  });
  add('run-other-files', (dir) => {
    const run = join(dir, 'my-downloads');
    mkdirSync(run);
    copyFileSync(join(DEMO, 'roads.geojson'), join(run, 'roads.geojson'));
    return err('not-a-run', 'report on a folder of other files', ['report', run], [run], ['my-downloads'], { detail: [/manifest/] });
  });
  add('run-map-not-run', (dir) => {
    const run = join(dir, 'my-downloads');
    mkdirSync(run);
    writeFileSync(join(run, 'readme.txt'), 'x');
    return err('not-a-run', 'export-map on a folder that is not a run', ['export-map', run, '--format', 'svg'], [run], ['my-downloads']);
  });
  add('run-view-not-run', (dir) => {
    const run = join(dir, 'my-downloads');
    mkdirSync(run);
    writeFileSync(join(run, 'readme.txt'), 'x');
    return err('not-a-run', 'view a folder that is not a run (must not serve it)', ['view', run, '--no-open', '--port', '0'], [run], ['my-downloads'], { timeoutMs: 10_000 });
  });
  add('run-manifest-no-stages', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('not-a-run', 'a run whose manifest.json is {} (areas reads it)', ['areas', '--run', run], [run], ['manifest.json']),
      setup: () => {
        copyBase(ctx, run)();
        writeFileSync(join(run, 'manifest.json'), '{}\n');
      },
      needsBase: true,
    };
  });
  add('run-no-demand-tif', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('not-a-run', 'a run without demand.tif (potential needs it)', ['potential', '--run', run, '--sewers', join(DEMO, 'sewers.geojson')], [run], ['demand.tif']),
      setup: () => {
        copyBase(ctx, run)();
        rmFile(join(run, 'demand.tif'));
      },
      needsBase: true,
    };
  });
  add('run-no-network', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('not-a-run', 'a run without network.fgb or network.geojson (simulate needs one)', ['simulate', '--run', run, '--weather', WEATHER], [run], ['network.geojson']),
      setup: () => {
        copyBase(ctx, run)();
        rmFile(join(run, 'network.geojson'));
        // the binary twin too (issue 18): with either, simulate has its network
        if (existsSync(join(run, 'network.fgb'))) rmFile(join(run, 'network.fgb'));
      },
      needsBase: true,
    };
  });
  add('run-buildings-not-geojson', (dir) => {
    const run = join(dir, 'run');
    return {
      ...err('not-a-run', 'a run whose buildings.geojson is an HTML page (route reads it)', ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson')], [run], ['buildings.geojson']),
      setup: () => {
        copyBase(ctx, run)();
        writeFileSync(join(run, 'buildings.geojson'), '<html><body>502 Bad Gateway</body></html>\n');
      },
      needsBase: true,
    };
  });

  return cases;
}

const rmFile = (p: string) => unlinkSync(p);

// ---------------------------------------------------------------------------------------------------------------
// faults: SIGKILL at several moments

export function buildFaults(ctx: CorpusContext): FaultCase[] {
  const out: FaultCase[] = [];
  const dir = (id: string) => {
    const d = join(ctx.root, 'faults', id);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const ALL = ['demand', 'potential', 'areas', 'route', 'sim'];

  if (ctx.haveData) {
    const d = dir('demand-osaka');
    const run = join(d, 'osaka');
    out.push({
      id: 'kill-demand-osaka',
      what: 'heatplan demand on the 68 Osaka tiles, killed at 1/2 s (new folder), run to the end, then killed at 1.5/3 s over the finished run',
      argv: ['demand', '--buildings', ctx.data('osaka'), '--out', run],
      runDir: run,
      layout: 'run',
      stages: ['demand'],
      kills: [{ afterMs: 1000 }, { afterMs: 2000 }, { finish: true }, { afterMs: 1500 }, { afterMs: 3000 }],
      needsData: true,
    });
  }

  {
    const d = dir('run-demo');
    const run = join(d, 'demo');
    out.push({
      id: 'kill-run-demo',
      what: 'heatplan run datasets/demo/demo.yaml over an existing run, killed at 0.5/1.8 s and when the demand, route, simulate and map lines appear',
      argv: ['run', join(DEMO, 'demo.yaml'), '--out', run],
      runDir: run,
      layout: 'run',
      stages: ALL,
      extraFiles: ['report.html', 'map.png'],
      setup: () => cpSync(ctx.base, run, { recursive: true }),
      kills: [
        { afterMs: 500 },
        { line: /heatplan run: demand\s/, label: 'when the demand line appears' },
        { line: /heatplan run: route\s/, label: 'when the route line appears' },
        { line: /heatplan run: simulate\s/, label: 'when the simulate line appears' },
        { line: /heatplan run: map\s/, label: 'when the map line appears (the swap)' },
        { afterMs: 1800 },
      ],
      needsBase: true,
    });
  }

  {
    const d = dir('batch');
    const file = join(d, 'small.yaml');
    const areas: { name: string; stages: string[] }[] = [{ name: 'demo', stages: ['demand', 'areas', 'route', 'sim'] }];
    let yaml = `stages: [demand, areas, route, simulate]
areas:
  - name: demo
    buildings: ${join(DEMO, 'buildings.geojson')}
    roads: ${join(DEMO, 'roads.geojson')}
    plants: ${join(DEMO, 'plants.geojson')}
    weather: ${WEATHER}
    demand: { scheme: plateau, useColumn: usage, storeysColumn: storeys, floorAreaColumn: floorArea, heightColumn: height, idColumn: id, climateRegion: 1, cell_m: 50 }
    areas: { areaThreshold_GWh: 5 }
`;
    if (ctx.haveData) {
      yaml += `  - name: yokosuka\n    buildings: ${ctx.data('yokosuka/52397519_bldg_6697_op.gml')}\n  - name: tamana\n    buildings: ${ctx.data('tamana/49303425_bldg_6697_op.gml')}\n`;
      areas.push({ name: 'yokosuka', stages: ['demand', 'areas'] }, { name: 'tamana', stages: ['demand', 'areas'] });
    }
    writeFileSync(file, yaml);
    const bout = join(d, 'out');
    out.push({
      id: 'kill-batch',
      what: 'heatplan batch of a small batch file (demo town through simulate, two PLATEAU tiles), killed at 1.2/2.2/3.2 s and when the first area finishes',
      argv: ['batch', file, '--out', bout, '--workers', '2'],
      runDir: bout,
      layout: 'batch',
      stages: [],
      areas,
      kills: [{ afterMs: 1200 }, { afterMs: 2200 }, { line: /batch \[1\/\d+\]/, label: 'when the first area is reported' }, { afterMs: 3200 }],
      again: ['batch', file, '--out', bout, '--workers', '2', '--resume'],
    });
  }

  {
    const d = dir('route');
    const run = join(d, 'demo');
    out.push({
      id: 'kill-route',
      what: 'heatplan route on the demo run, killed at 0.3/0.5/0.6/0.7 s and when its summary line appears',
      argv: ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson'), '--min-kw-per-m', '0.1'],
      runDir: run,
      layout: 'run',
      stages: ALL,
      setup: () => cpSync(ctx.base, run, { recursive: true }),
      kills: [{ afterMs: 300 }, { afterMs: 500 }, { afterMs: 600 }, { afterMs: 700 }, { line: /heatplan route:/, label: 'when its summary line appears' }],
      needsBase: true,
    });
  }

  {
    const d = dir('simulate');
    const run = join(d, 'demo');
    out.push({
      id: 'kill-simulate',
      what: 'heatplan simulate on the demo run, killed at 0.3/0.6/0.8/1.0 s and when its summary line appears',
      argv: ['simulate', '--run', run, '--weather', WEATHER, '--scenario', join(DEMO, 'scenario.yaml')],
      runDir: run,
      layout: 'run',
      stages: ALL,
      setup: () => cpSync(ctx.base, run, { recursive: true }),
      kills: [{ afterMs: 300 }, { afterMs: 600 }, { afterMs: 800 }, { afterMs: 1000 }, { line: /heatplan simulate:/, label: 'when its summary line appears' }],
      needsBase: true,
    });
  }
  {
    // what a SIGKILL during a lock takeover leaves (seen in the kill sequences above): the dead holder's lock and the
    // takeover guard file; the next command must take the lock over, not report the run as in use
    const d = dir('stale-lock');
    const run = join(d, 'demo');
    out.push({
      id: 'stale-lock-and-guard',
      what: 'a run left with a dead process\'s lock and a fresh takeover guard (a kill during a lock takeover): route must run',
      argv: ['route', '--run', run, '--roads', join(DEMO, 'roads.geojson'), '--plants', join(DEMO, 'plants.geojson')],
      runDir: run,
      layout: 'run',
      stages: ALL,
      setup: () => {
        cpSync(ctx.base, run, { recursive: true });
        const dead = spawnSync(process.execPath, ['-e', '0']).pid;
        const lock = { pid: dead, host: hostname(), command: 'node heatplan route', since: new Date(Date.now() - 60_000).toISOString(), start: 1, thread: 0 };
        writeFileSync(`${run}.heatplan-lock`, JSON.stringify(lock) + '\n');
        writeFileSync(`${run}.heatplan-lock.takeover`, '');
      },
      kills: [],
      needsBase: true,
    });
  }
  return out;
}
