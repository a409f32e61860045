/**
 * The reference tables the engine reads at run time ship in the project's datasets/ (profiles/, weather/,
 * builelib/): each is byte-identical to its source in ../shared/datasets, the climate regions map to their bundled
 * HASP files, and `heatplan demo` runs every stage, the simulation included, from a copy of the project with no
 * ../shared beside it (run under Node's permission model, so that no file under the folder that holds the project,
 * other than node_modules, can be read at all).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { readWeather } from '../../engine/io/weather.js';
import { defaultProfilesDir } from '../../engine/demand/profiles.js';
import { builelibDir, bundledProfilesDir, bundledWeatherDir, datasetsDir, projectRoot, referenceWeatherFile } from '../../engine/util/data-dir.js';
import { data, describeData } from '../helpers/data.js';

const ROOT = resolve(__dirname, '..', '..');
const DATASETS = join(ROOT, 'datasets');

/** Climate region -> reference-year HASP station file (builelib common_area.json). */
const STATIONS: Record<number, string> = {
  1: '0868195.has', // Kitami
  2: '0598195.has', // Iwamizawa
  3: '2248195.has', // Morioka
  4: '3938195.has', // Nagano
  5: '3338195.has', // Utsunomiya
  6: '6158195.has', // Okayama
  7: '7948195.has', // Miyazaki
  8: '8318195.has', // Naha
};

const BUILELIB = [
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((r) => `ac_room_heat_gain_area${r}.json`),
  'ac_heat_source_performance.json', 'ac_heat_source_operation_priority.json', 'ac_heat_source_number_control.json',
  'ac_heat_storage_type.json', 'common_room_standard_value.json', 'common_area.json', 'common_building_type_alias.json',
  'common_room_type_alias.json', 'hw_fuel_type.json', 'hw_fuel_type_alias.json', 'hw_fuel_type_to_heat_source.json',
  'hw_heat_source_type.json', 'cgs_24hours_operation.json', 'ac_operation_mode.json', 'ac_gshp_openloop.json',
  'ac_pump_number_control.json', 'ac_pump_operation_priority.json', 'LICENSE',
];

/** Bundled file (under datasets/) -> its source (under ../shared/datasets). */
const SOURCES: Record<string, string> = {
  ...Object.fromEntries(
    ['bdew_shlp_hour_factors.csv', 'bdew_shlp_sigmoid_factors.csv', 'bdew_shlp_weekday_factors.csv', 'common_room_usage_schedule.json'].map((f) => [`profiles/${f}`, `profiles/${f}`]),
  ),
  'profiles/LICENSE-builelib': 'builelib/LICENSE',
  ...Object.fromEntries([...Object.values(STATIONS), 'common_area.json'].map((f) => [`weather/${f}`, `weather/${f}`])),
  'weather/LICENSE-builelib': 'builelib/LICENSE',
  ...Object.fromEntries(BUILELIB.map((f) => [`builelib/${f}`, `builelib/${f}`])),
};
/** Bundled files written here, not copied: the demandlib licence (the MIT text with the upstream copyright line). */
const WRITTEN = ['profiles/LICENSE-demandlib'];
/**
 * Bundled files copied from the upstream repository itself because ../shared/datasets does not hold them: the national
 * calculation's calendar patterns (room schedules by day of year), builelib commit 545e30e2, MIT like the rest.
 */
const UPSTREAM: Record<string, string> = { 'builelib/common_calendar.json': 'MasatoMiyata/builelib@545e30e2e2dacf1c437db8dee517b88fd771f172 src/builelib/database/common_calendar.json' };

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

describe('bundled reference tables', () => {
  it('datasets/ holds exactly the listed runtime tables, licences and README beside the demo town', () => {
    const bundled = ['profiles', 'weather', 'builelib'].flatMap((d) => filesUnder(join(DATASETS, d))).map((f) => relative(DATASETS, f).split(sep).join('/'));
    expect(bundled.sort()).toEqual([...Object.keys(SOURCES), ...WRITTEN, ...Object.keys(UPSTREAM)].sort());
    expect(existsSync(join(DATASETS, 'README.md'))).toBe(true);
    const readme = readFileSync(join(DATASETS, 'README.md'), 'utf8');
    for (const f of [...Object.keys(SOURCES), ...WRITTEN, ...Object.keys(UPSTREAM)]) expect(readme, `datasets/README.md names ${f}`).toContain(basename(f));
    for (const [f, src] of Object.entries(UPSTREAM)) expect(readme, `datasets/README.md gives the upstream of ${f}`).toContain(src.split(' ')[0]!.split('@')[1]!.slice(0, 8));
    // the calendar: 365 days, patterns A-F of 1-3 (weekday, Saturday, Sunday/holiday) as the room schedules use them
    const cal = JSON.parse(readFileSync(join(DATASETS, 'builelib/common_calendar.json'), 'utf8')) as Record<string, unknown[]>;
    for (const k of ['A', 'B', 'C', 'D', 'E', 'F']) expect(cal[k]!.length === 365 && cal[k]!.every((v) => [1, 2, 3].includes(Number(v))), k).toBe(true);
    const lic = readFileSync(join(DATASETS, 'profiles/LICENSE-demandlib'), 'utf8');
    expect(lic).toContain('oemof/demandlib');
    expect(lic).toContain('Copyright (c) 2016-2021, oemof developer group');
    expect(lic).toContain('Permission is hereby granted, free of charge');
  });

  it('the data-dir module finds datasets/ from the sources, and the defaults point into it', () => {
    expect(projectRoot()).toBe(ROOT);
    expect(datasetsDir()).toBe(DATASETS);
    expect(bundledProfilesDir()).toBe(join(DATASETS, 'profiles'));
    expect(bundledWeatherDir()).toBe(join(DATASETS, 'weather'));
    expect(builelibDir()).toBe(join(DATASETS, 'builelib'));
    expect(defaultProfilesDir()).toBe(join(DATASETS, 'profiles'));
  });

  it('referenceWeatherFile(r) gives the region’s station file, read by the engine’s weather reader to 8,760 hours', async () => {
    for (const [r, file] of Object.entries(STATIONS)) {
      const p = referenceWeatherFile(Number(r));
      expect(p).toBe(join(DATASETS, 'weather', file));
      const w = await readWeather(p);
      expect(w.hours, file).toBe(8760);
      expect(w.airC.length, file).toBe(8760);
      expect(w.airC.every((t) => Number.isFinite(t) && t > -40 && t < 45), file).toBe(true);
    }
  });

  it('refuses a climate region outside 1-8 with an InputError', () => {
    for (const r of [0, 9, 1.5, Number.NaN]) {
      const e = (() => {
        try {
          referenceWeatherFile(r);
        } catch (x) {
          return x;
        }
      })();
      expect(e, String(r)).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('bad-climate-region');
    }
  });
});

describeData('bundled tables against ../shared/datasets', () => {
  it('every bundled file is byte-identical to its source', () => {
    for (const [mine, src] of Object.entries(SOURCES)) {
      const a = readFileSync(join(DATASETS, mine));
      const b = readFileSync(data(src));
      expect(a.length, mine).toBe(b.length);
      expect(a.equals(b), `datasets/${mine} differs from ../shared/datasets/${src}`).toBe(true);
    }
  });
});

/** Case-swapped path: tsx probes whether the file system is case-sensitive by reading it. */
const swapCase = (s: string) => s.replace(/[a-zA-Z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

/** Every path on the way down to `forbidden` that is not `forbidden` nor one of its ancestors (all readable). */
function readableAround(forbidden: string): string[] {
  const chain: string[] = [];
  for (let d = forbidden; ; d = dirname(d)) {
    chain.push(d);
    if (dirname(d) === d) break;
  }
  const out: string[] = [];
  for (let i = chain.length - 1; i >= 1; i--) {
    for (const e of readdirSync(chain[i])) {
      const p = join(chain[i], e);
      if (p === chain[i - 1]) continue;
      let dir = false;
      try {
        dir = statSync(p).isDirectory();
      } catch {
        // a dangling link or an unreadable entry: allow it as a plain path
      }
      out.push(dir ? `${p}/*` : p);
    }
  }
  return out;
}

describe('heatplan demo from the project alone (no ../shared)', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'heatplan-alone-')));
  const copy = join(base, 'heatplan');
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: join(base, 'tmp') };
  delete env.HEATPLAN_DATA;
  let sandbox: string[] = [];

  beforeAll(() => {
    // the project as a clone has it: tracked and untracked-not-ignored files; node_modules linked as an install would
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of files) {
      const src = join(ROOT, f);
      if (!existsSync(src)) continue; // deleted in the working tree
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(src, join(copy, f));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    mkdirSync(env.TMPDIR!, { recursive: true });

    // Node's permission model: nothing under the folder holding the project (../shared and the original checkout)
    // may be read, except node_modules, which the copy links to
    const flags = process.allowedNodeEnvironmentFlags;
    const permission = flags.has('--permission') ? '--permission' : flags.has('--experimental-permission') ? '--experimental-permission' : undefined;
    if (permission && flags.has('--allow-addons')) {
      sandbox = [
        permission,
        ...[...readableAround(dirname(ROOT)), `${base}/*`, `${swapCase(base)}/*`, `${realpathSync(join(ROOT, 'node_modules'))}/*`].map((p) => `--allow-fs-read=${p}`),
        `--allow-fs-write=${base}/*`,
        '--allow-child-process',
        '--allow-worker',
        '--allow-addons',
      ];
    } else console.warn('*** demo-alone test: Node permission model unavailable; only the missing ../shared is checked ***');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  /** `node bin/heatplan.mjs demo --out out/NAME` in the copy, then the run folder checked: every stage ran. */
  function demoRuns(name: string, extraEnv: NodeJS.ProcessEnv = {}): void {
    expect(existsSync(join(copy, 'datasets', 'weather', '0868195.has'))).toBe(true);
    expect(existsSync(join(base, 'shared'))).toBe(false);
    expect(existsSync(join(copy, '..', 'shared', 'datasets'))).toBe(false);
    const r = spawnSync(process.execPath, [...sandbox, 'bin/heatplan.mjs', 'demo', '--out', `out/${name}`], {
      cwd: copy, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 300_000,
    });
    const stderr = r.stderr.split('\n').filter((l) => !/SecurityWarning|ExperimentalWarning|--trace-warnings/.test(l)).join('\n');
    expect(r.status, stderr).toBe(0);
    expect(stderr).not.toMatch(/SKIPPED|error/i);

    const run = join(copy, 'out', name);
    const m = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
    expect(m.stages).toEqual(['demand', 'potential', 'areas', 'route', 'sim', 'cost']);
    expect(m.scenarios.at(-1).stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual([
      'demand:ok', 'potential:ok', 'areas:ok', 'route:ok', 'simulate:ok', 'cost:ok', 'report:ok', 'map:ok',
    ]);
    expect(existsSync(join(run, 'sim.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(run, 'sim.json'), 'utf8'))).toBeTypeOf('object');
    // every input the run recorded is a file of the copy; the weather is the bundled Kitami file
    const inputs = m.inputs as { path: string; role: string }[];
    for (const i of inputs) expect(i.path.startsWith(copy + sep), i.path).toBe(true);
    expect(inputs.some((i) => i.role === 'simulate' && i.path === join(copy, 'datasets', 'weather', '0868195.has'))).toBe(true);
  }

  it('from the TypeScript sources: every stage runs, the simulation included', () => {
    expect(existsSync(join(copy, 'dist'))).toBe(false);
    demoRuns('demo-sources', { HEATPLAN_SOURCE: '1' });
  });

  it('from the compiled build (npm run build, as `npm install` in a clone does): every stage runs', (ctx) => {
    const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    if (!pkg.scripts?.build) {
      console.warn('*** demo-alone test: package.json has no build script; the compiled CLI is not checked ***');
      ctx.skip();
    }
    // the viewer bundle is not part of the demo run
    const b = spawnSync('npm', ['run', 'build', '--', '--no-viewer'], { cwd: copy, env, encoding: 'utf8', timeout: 600_000 });
    expect(b.status, `npm run build failed:\n${b.stdout}\n${b.stderr}`).toBe(0);
    demoRuns('demo-dist', { HEATPLAN_SOURCE: '0' });
  }, 900_000);
});
