/**
 * Reads the layers of a run folder for drawing: rasters as grids in the working CRS, GeoJSON (WGS84) projected into
 * the working CRS. Missing files of layers asked for explicitly are errors naming the file; of default layers, a
 * counted warning.
 */
import { existsSync } from 'node:fs';
import { InputError, UsageError } from '../../errors.js';
import { parseCrs, transformer, WGS84, type Crs } from '../../crs/index.js';
import { FILES, FILE_WRITER, type Manifest, type NetworkProperties, type PlatformFile } from '../../run/contract.js';
import { readFileSync } from 'node:fs';
import { readAreas, readBlocks, readBuildings, readDemand, readNetwork, readPotential, readRun, runFile } from '../../run/read.js';
import type { Warnings } from '../../util/warnings.js';

export const LAYER_NAMES = ['demand', 'potential', 'blocks', 'areas', 'buildings', 'network'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

/** The run file each layer is drawn from (each layer is named after its file's role in engine/run/contract.ts FILES). */
export const LAYER_FILES: Record<LayerName, string> = {
  demand: FILES.demand,
  potential: FILES.potential,
  blocks: FILES.blocks,
  areas: FILES.areas,
  buildings: FILES.buildings,
  network: FILES.network,
};

/** Layers drawn when --layers is not given (potential and blocks only on request: they hide the demand grid). */
export const DEFAULT_LAYERS: LayerName[] = ['demand', 'areas', 'buildings', 'network'];

/** Parse and check a --layers list ('demand,buildings'). */
export function parseLayers(spec: string | string[]): LayerName[] {
  const names = (Array.isArray(spec) ? spec : spec.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('layers-empty', 'no layers given', { hint: `choose from ${LAYER_NAMES.join(', ')}` });
  const out: LayerName[] = [];
  for (const n of names) {
    if (!(LAYER_NAMES as readonly string[]).includes(n)) {
      throw new UsageError('layers-unknown', `unknown layer "${n}"`, { value: n, hint: `choose from ${LAYER_NAMES.join(', ')}` });
    }
    if (!out.includes(n as LayerName)) out.push(n as LayerName);
  }
  return out;
}

/** A raster in the working CRS (GeoTIFF north-up: x0/y0 north-west corner). */
export interface RunRaster {
  file: string;
  x0: number;
  y0: number;
  cellSize: number;
  width: number;
  height: number;
  bands: Float64Array[];
  names: string[];
}

/** A feature projected into the working CRS: parts are rings (polygons) or lines, flat [x, y, ...] metres. */
export interface ProjFeature {
  type: 'polygon' | 'line' | 'point';
  parts: Float64Array[];
  props: Record<string, unknown>;
}

export interface RunLayers {
  dir: string;
  manifest: Manifest;
  crs: Crs;
  demand?: RunRaster;
  potential?: RunRaster;
  blocks?: ProjFeature[];
  areas?: ProjFeature[];
  buildings?: ProjFeature[];
  network?: ProjFeature[];
  /** Top-level properties of network.geojson (temperatures, thresholds). */
  networkProps?: Partial<NetworkProperties>;
  /**
   * platform.json (issue 19), read when the run has it and the buildings or areas layer is drawn: buildings meeting a
   * municipal guideline rule in force and the critical facilities, projected; the file for the sheet's notes.
   */
  platform?: { file: PlatformFile; flagged: { x: number; y: number; id: string; rules: string[] }[]; critical: { x: number; y: number; id: string; role: string }[] };
  /** Layers asked for (or defaulted) that were loaded, in drawing order. */
  loaded: LayerName[];
  /** Layers skipped because their file is missing (defaults only). */
  skipped: { layer: LayerName; file: string }[];
}

/** The run's working CRS from manifest.crs. */
export function runCrs(manifest: Manifest, dir: string): Crs {
  const code = manifest.crs?.code;
  const file = runFile(dir, 'manifest');
  if (!code) {
    throw new InputError('run-no-crs', 'manifest.json has no working CRS (crs.code)', {
      file,
      hint: 'the run was not written by heatplan demand; rerun it',
    });
  }
  const crs = parseCrs(code, { file });
  if (crs.geographic) {
    throw new InputError('run-crs-geographic', 'the run\'s working CRS is geographic; plan sheets need a projected CRS', {
      file,
      value: code,
    });
  }
  return { ...crs, name: manifest.crs?.name || crs.name };
}

/**
 * Load the run's manifest and the files of `layers`. `explicit` layers whose file is missing throw an InputError
 * naming the file; others are skipped with a warning.
 */
export async function loadRunLayers(dir: string, layers: LayerName[], explicit: boolean, warnings: Warnings): Promise<RunLayers> {
  const { manifest } = await readRun(dir);
  const crs = runCrs(manifest, dir);
  const toWork = transformer(WGS84, crs);
  const run: RunLayers = { dir, manifest, crs, loaded: [], skipped: [] };
  for (const layer of LAYER_NAMES) {
    if (!layers.includes(layer)) continue;
    const file = runFile(dir, layer);
    if (!existsSync(file)) {
      if (explicit) {
        throw new InputError('run-missing-file', `layer "${layer}" needs ${LAYER_FILES[layer]}, which the run folder does not have`, {
          file,
          hint: `run \`${FILE_WRITER[layer]}\` on this run first, or leave "${layer}" out of --layers`,
        });
      }
      warnings.add('layer-skipped', 'default layer skipped: its file is missing from the run folder', { file, message: `${layer}: ${LAYER_FILES[layer]} missing` });
      run.skipped.push({ layer, file });
      continue;
    }
    switch (layer) {
      case 'demand':
        run.demand = rasterOf(await readDemand(dir, { crs: crs.code }));
        break;
      case 'potential':
        run.potential = rasterOf(await readPotential(dir, { crs: crs.code }));
        break;
      case 'blocks':
        run.blocks = projectFeatures(await readBlocks(dir), file, toWork, warnings);
        break;
      case 'areas':
        run.areas = projectFeatures(await readAreas(dir), file, toWork, warnings);
        break;
      case 'buildings':
        run.buildings = projectFeatures(await readBuildings(dir), file, toWork, warnings);
        break;
      case 'network': {
        const fc = await readNetwork(dir);
        run.network = projectFeatures(fc, file, toWork, warnings);
        run.networkProps = fc.properties ?? {};
        break;
      }
    }
    run.loaded.push(layer);
  }
  if ((run.buildings || run.areas) && existsSync(runFile(dir, 'platform'))) {
    const file = runFile(dir, 'platform');
    let pf: PlatformFile | undefined;
    try {
      pf = JSON.parse(readFileSync(file, 'utf8')) as PlatformFile;
    } catch (e) {
      warnings.add('platform-unreadable', 'platform.json could not be read: guideline flags and critical facilities not drawn', { file, message: (e as Error).message });
    }
    if (pf?.guidelines && pf.critical) {
      const at = (lon: number, lat: number): [number, number] | undefined => {
        if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
        const [x, y] = toWork.forward(lon, lat);
        return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : undefined;
      };
      const flagged = pf.guidelines.buildings.flatMap((b) => {
        const xy = b.rules.length ? at(b.lon, b.lat) : undefined;
        return xy ? [{ x: xy[0], y: xy[1], id: b.id, rules: b.rules }] : [];
      });
      const critical = pf.critical.facilities.flatMap((f) => {
        const xy = at(f.lon, f.lat);
        return xy ? [{ x: xy[0], y: xy[1], id: f.id, role: f.role }] : [];
      });
      run.platform = { file: pf, flagged, critical };
    }
  }
  return run;
}

function rasterOf(r: { file: string; x0: number; y0: number; cellSize: number; width: number; height: number; bands: Float64Array[]; names: string[] }): RunRaster {
  return { file: r.file, x0: r.x0, y0: r.y0, cellSize: r.cellSize, width: r.width, height: r.height, bands: r.bands, names: r.names };
}

/** Project every geometry of a run's WGS84 feature collection (read by engine/run/read.ts) into the working CRS. */
export function projectFeatures(
  fc: { features: readonly { geometry: unknown; properties: object | null }[] },
  file: string,
  toWork: ReturnType<typeof transformer>,
  warnings: Warnings,
): ProjFeature[] {
  const out: ProjFeature[] = [];
  fc.features.forEach((f, i) => {
    const feat = f as { geometry?: { type: string; coordinates: unknown } | null; properties?: Record<string, unknown> | null };
    const props = (feat?.properties ?? {}) as Record<string, unknown>;
    const g = feat?.geometry;
    if (!g) {
      warnings.add('feature-no-geometry', 'feature without geometry not drawn', { file, record: i });
      return;
    }
    const proj = (ring: unknown): Float64Array | undefined => {
      if (!Array.isArray(ring) || ring.length === 0) return undefined;
      const a = new Float64Array(ring.length * 2);
      for (let k = 0; k < ring.length; k++) {
        const p = ring[k] as number[];
        a[2 * k] = p[0]!;
        a[2 * k + 1] = p[1]!;
      }
      toWork.forwardFlat(a);
      for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k]!)) return undefined;
      return a;
    };
    const c = g.coordinates as unknown[];
    let type: ProjFeature['type'];
    let raw: unknown[];
    switch (g.type) {
      case 'Polygon':
        type = 'polygon';
        raw = c;
        break;
      case 'MultiPolygon':
        type = 'polygon';
        raw = (c as unknown[][]).flat(1);
        break;
      case 'LineString':
        type = 'line';
        raw = [c];
        break;
      case 'MultiLineString':
        type = 'line';
        raw = c;
        break;
      case 'Point':
        type = 'point';
        raw = [[c]];
        break;
      case 'MultiPoint':
        type = 'point';
        raw = (c as unknown[]).map((p) => [p]);
        break;
      default:
        warnings.add('feature-geometry-type', 'feature with an unsupported geometry type not drawn', { file, record: i, message: g.type });
        return;
    }
    const parts: Float64Array[] = [];
    for (const r of raw) {
      const a = proj(r);
      if (a) parts.push(a);
    }
    if (parts.length === 0) {
      warnings.add('feature-bad-coordinates', 'feature with empty or non-finite coordinates not drawn', { file, record: i });
      return;
    }
    if (type === 'point' && parts.length > 1) {
      for (const p of parts) out.push({ type, parts: [p], props });
    } else out.push({ type, parts, props });
  });
  return out;
}
