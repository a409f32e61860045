/**
 * buildings.fgb and network.fgb against their GeoJSON twins on the demo town (issue 18): demand, route and simulate run
 * once reading GeoJSON (--geojson always, each .fgb moved aside after its stage, as in a run of heatplan before issue
 * 18) and once without the twins (--geojson never: every later stage reads the .fgb); every stage summary, sim.json
 * and hourly.csv are the same. Every property of every feature of each .fgb
 * equals the twin's; GDAL reads both files; a route re-run without the twin removes the older network.geojson.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { readFgbLayer } from '../../engine/io/fgb.js';
import { readFeatureCollection } from '../../engine/io/geojson-stream.js';
import { readRunConsumers } from '../../engine/network/stage.js';
import { demoSteps, KITAMI_WEATHER, simulateSkipReason } from '../../engine/pipeline/demo.js';
import { parseCrs } from '../../engine/crs/index.js';
import { FILES, type Manifest } from '../../engine/run/contract.js';
import { readBuildings, readNetwork, runFile } from '../../engine/run/read.js';
import { Warnings } from '../../engine/util/warnings.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-fgb-twin-'));
const TWIN = join(tmp, 'twin');
const BARE = join(tmp, 'bare');
const WEATHER = resolve(KITAMI_WEATHER);
const SKIP_SIM = simulateSkipReason(WEATHER);
const hasOgr = spawnSync('ogrinfo', ['--version']).status === 0;

/** The demo's demand, route and simulate steps into `out`, with --geojson `mode` on demand and route. */
const steps = (out: string, mode: string) =>
  demoSteps(out, SKIP_SIM ? undefined : WEATHER)
    .filter((s) => ['demand', 'route', 'simulate'].includes(s[0]!))
    .map((s) => (s[0] === 'simulate' ? s : [...s, '--geojson', mode]));

/** Where the twin run's .fgb files are moved after their stage: the next stage reads the GeoJSON. */
const aside = (f: string) => join(TWIN, `${f}.aside`);

beforeAll(async () => {
  if (SKIP_SIM) console.warn(`*** fgb twin test: ${SKIP_SIM}; simulate not compared ***`);
  for (const st of steps(BARE, 'never')) expect(await main([...st, '--quiet']), st.join(' ')).toBe(0);
  for (const st of steps(TWIN, 'always')) {
    expect(await main([...st, '--quiet']), st.join(' ')).toBe(0);
    for (const f of [FILES.buildingsFgb, FILES.networkFgb]) if (existsSync(join(TWIN, f))) renameSync(join(TWIN, f), aside(f));
  }
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, FILES.manifest), 'utf8')) as Manifest;
/** A stage summary without its timings and the layers record (which says whether the twin was written). */
const summary = (dir: string, key: string): unknown =>
  JSON.parse(JSON.stringify((manifest(dir) as unknown as Record<string, unknown>)[key], (k, v) => (k === 'layers' || /^(timings?|seconds|elapsed_s|wall_s|ms)$/i.test(k) ? undefined : v)));

describe('FlatGeobuf layers of the demo run', () => {
  it('writes .fgb always and the GeoJSON twin only when asked, and says so in the manifest', () => {
    for (const f of [FILES.buildings, FILES.network]) expect(existsSync(join(TWIN, f)), f).toBe(true);
    for (const f of [FILES.buildingsFgb, FILES.networkFgb]) expect(existsSync(aside(f)), f).toBe(true);
    expect(runFile(TWIN, 'buildings')).toBe(join(TWIN, FILES.buildings));
    expect(existsSync(join(BARE, FILES.buildingsFgb))).toBe(true);
    expect(existsSync(join(BARE, FILES.networkFgb))).toBe(true);
    expect(existsSync(join(BARE, FILES.buildings))).toBe(false);
    expect(existsSync(join(BARE, FILES.network))).toBe(false);
    expect(manifest(BARE).demand!.layers).toEqual({ buildings: { fgb: 'buildings.fgb', features: 205, geojson: null, geojsonReason: '--geojson never' } });
    expect(manifest(TWIN).route!.layers!.network.geojson).toBe('network.geojson');
    expect(runFile(BARE, 'buildings')).toBe(join(BARE, FILES.buildingsFgb));
  });

  it('every stage gives the same numbers from the .fgb as from the .geojson', () => {
    // the twin run's simulation read network.geojson, the other's network.fgb: their warnings name the file read
    const simText = (dir: string) => readFileSync(join(dir, FILES.sim), 'utf8');
    if (!SKIP_SIM) {
      expect(simText(TWIN)).toContain('"network.geojson"');
      expect(simText(TWIN)).not.toContain('"network.fgb"');
      expect(simText(BARE)).toContain('"network.fgb"');
    }
    for (const key of ['demand', 'route', ...(SKIP_SIM ? [] : ['sim'])]) {
      expect(summary(TWIN, key), key).toBeDefined();
      expect(summary(BARE, key), key).toEqual(summary(TWIN, key));
    }
    expect(manifest(BARE).route!.layers!.network.features).toBe(manifest(TWIN).route!.layers!.network.features);
    if (!SKIP_SIM) {
      expect(simText(BARE).replaceAll('"network.fgb"', '"network.geojson"')).toBe(simText(TWIN));
      expect(readFileSync(join(BARE, FILES.hourly), 'utf8')).toBe(readFileSync(join(TWIN, FILES.hourly), 'utf8'));
    }
  });

  it('every property of every feature of each .fgb equals its GeoJSON twin (and both runs wrote the same .fgb)', async () => {
    for (const [fgb, geojson] of [[FILES.buildingsFgb, FILES.buildings], [FILES.networkFgb, FILES.network]] as const) {
      const a = await readFgbLayer(aside(fgb));
      const b = await readFeatureCollection(join(TWIN, geojson));
      expect(a.features.length, fgb).toBe(b.features!.length);
      a.features.forEach((f, i) => {
        const g = b.features![i] as { properties: Record<string, unknown>; geometry: unknown };
        expect(Object.keys(f.properties), `${fgb} feature ${i} keys`).toEqual(Object.keys(g.properties));
        for (const k of Object.keys(g.properties)) expect(f.properties[k], `${fgb} feature ${i} ${k}`).toStrictEqual(g.properties[k]);
        expect(f.geometry, `${fgb} feature ${i} geometry`).toStrictEqual(g.geometry);
      });
      // the collection's other members (files, properties) and the whole text as JSON.stringify writes it
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(readFileSync(join(BARE, fgb)).equals(readFileSync(aside(fgb))), `${fgb} of both runs`).toBe(true);
    }
    // the typed readers give the same collections from either file
    expect(JSON.stringify(await readBuildings(BARE))).toBe(JSON.stringify(await readBuildings(TWIN)));
    expect(JSON.stringify(await readNetwork(BARE))).toBe(JSON.stringify(await readNetwork(TWIN)));
    const crs = parseCrs(manifest(TWIN).crs!.code);
    expect(await readRunConsumers(BARE, crs, new Warnings())).toEqual(await readRunConsumers(TWIN, crs, new Warnings()));
  });

  it.skipIf(!hasOgr)('GDAL reads buildings.fgb and network.fgb: count, geometry type, EPSG:4326', () => {
    const b = execFileSync('ogrinfo', ['-so', '-al', join(BARE, FILES.buildingsFgb)], { encoding: 'utf8' });
    expect(b).toMatch(/Geometry: Multi Polygon/);
    expect(b).toMatch(/Feature Count: 205\n/);
    expect(b).toMatch(/ID\["EPSG",4326\]\]/);
    expect(b).toMatch(/floorArea_m2: Real/);
    expect(b).toMatch(/file: Integer /);
    const n = execFileSync('ogrinfo', ['-so', '-al', join(BARE, FILES.networkFgb)], { encoding: 'utf8' });
    expect(n).toMatch(/Geometry: Unknown \(any\)/);
    expect(n).toMatch(new RegExp(`Feature Count: ${manifest(BARE).route!.layers!.network.features}\\n`));
    expect(n).toMatch(/ID\["EPSG",4326\]\]/);
  });

  it('a GeoJSON twin changed after its .fgb is the file readers take (the newer data)', async () => {
    const dir = mkdtempSync(join(tmp, 'edit-'));
    for (const f of [FILES.buildings, FILES.manifest]) writeFileSync(join(dir, f), readFileSync(join(TWIN, f)));
    writeFileSync(join(dir, FILES.buildingsFgb), readFileSync(aside(FILES.buildingsFgb)));
    expect(runFile(dir, 'buildings')).toBe(join(dir, FILES.buildingsFgb));
    const fc = JSON.parse(readFileSync(join(dir, FILES.buildings), 'utf8'));
    fc.features = fc.features.slice(0, 3);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(dir, FILES.buildings), JSON.stringify(fc));
    expect(runFile(dir, 'buildings')).toBe(join(dir, FILES.buildings));
    expect((await readBuildings(dir)).features).toHaveLength(3);
  });

  it('a route re-run without the twin removes the run\'s older network.geojson', async () => {
    expect(existsSync(join(TWIN, FILES.networkFgb))).toBe(false);
    const route = steps(TWIN, 'never').find((s) => s[0] === 'route')!;
    expect(await main([...route, '--quiet'])).toBe(0);
    expect(existsSync(join(TWIN, FILES.network))).toBe(false);
    expect(existsSync(join(TWIN, FILES.networkFgb))).toBe(true);
    expect(manifest(TWIN).route!.layers!.network.geojson).toBeNull();
  });
});
