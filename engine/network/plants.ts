/**
 * Plants of the route stage: read from a plants file (GeoJSON or shapefile points, through openVector), or, when
 * none is given, suggested: the road node that minimises the demand-weighted network distance to the consumers (a
 * network 1-median). Exact evaluation needs one Dijkstra per candidate, so the candidates are the `candidates` road
 * nodes nearest (straight line) to the demand-weighted geometric median (Weiszfeld iteration) of the consumers; each
 * is evaluated exactly and the best is taken.
 */
import Flatbush from 'flatbush';
import { transformer, type Crs } from '../crs/index.js';
import { InputError } from '../errors.js';
import { readVector } from '../io/vector.js';
import type { CsrGraph } from './csr.js';
import { Router } from './dijkstra.js';
import type { PlantInput } from './plan.js';

/**
 * Plants from a file of points with properties id, capacity_kW, type, fuel, in the working CRS `crs`. The file's CRS
 * follows openVector's rule (a GeoJSON `crs` member, else WGS84). Errors are InputError 'plants-bad-file' naming the
 * 0-based feature.
 */
export async function readPlantsFile(path: string, crs: Crs): Promise<PlantInput[]> {
  const { file, features } = await readVector(path, { what: 'plants', codes: { invalid: 'plants-bad-file', format: 'plants-bad-file', notFound: 'plants-bad-file' } });
  if (features.length === 0) throw new InputError('plants-bad-file', 'plants file must be a GeoJSON FeatureCollection of points', { file: path });
  const tr = transformer(file.crs, crs);
  return features.map((f) => {
    const i = f.record - 1;
    const c = f.geometry?.coordinates as number[] | undefined;
    if (f.geometry?.type !== 'Point' || !Array.isArray(c) || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
      throw new InputError('plants-bad-file', 'plant feature must be a Point', { file: path, record: i, value: f.geometry?.type });
    }
    const p = f.properties;
    const cap = p.capacity_kW === undefined || p.capacity_kW === null ? undefined : Number(p.capacity_kW);
    if (cap !== undefined && !(cap > 0)) throw new InputError('plants-bad-file', 'capacity_kW must be a positive number', { file: path, record: i, value: p.capacity_kW });
    const [x, y] = tr.forward(c[0]!, c[1]!);
    return { id: String(p.id ?? `plant-${i + 1}`), x, y, capacityKw: cap, type: p.type ? String(p.type) : undefined, fuel: p.fuel ? String(p.fuel) : undefined };
  });
}

export interface PlantSuggestion {
  node: number;
  /** sum over consumers of heat x network distance, MWh·m/a */
  weightedDistance: number;
  /** candidates evaluated */
  evaluated: number;
}

/** Demand-weighted geometric median of points (Weiszfeld). */
export function weightedMedian(xs: ArrayLike<number>, ys: ArrayLike<number>, w: ArrayLike<number>, iterations = 100): [number, number] {
  let sw = 0, mx = 0, my = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += w[i]!;
    mx += w[i]! * xs[i]!;
    my += w[i]! * ys[i]!;
  }
  mx /= sw;
  my /= sw;
  for (let it = 0; it < iterations; it++) {
    let nx = 0, ny = 0, den = 0;
    for (let i = 0; i < xs.length; i++) {
      const d = Math.max(1e-6, Math.hypot(xs[i]! - mx, ys[i]! - my));
      nx += (w[i]! * xs[i]!) / d;
      ny += (w[i]! * ys[i]!) / d;
      den += w[i]! / d;
    }
    const dx = nx / den - mx, dy = ny / den - my;
    mx += dx;
    my += dy;
    if (Math.hypot(dx, dy) < 0.01) break;
  }
  return [mx, my];
}

/**
 * Suggest a plant node among the nodes with `allowed[v] = 1` (the chosen component), for consumers at `nodes` with
 * weights `heat` (MWh/a).
 */
export function suggestPlant(
  g: CsrGraph,
  nodes: ArrayLike<number>,
  heat: ArrayLike<number>,
  allowed: Uint8Array,
  opts: { candidates?: number; router?: Router } = {},
): PlantSuggestion {
  const xs = Array.from(nodes, (v) => g.x[v]!);
  const ys = Array.from(nodes, (v) => g.y[v]!);
  const [mx, my] = weightedMedian(xs, ys, heat);
  const ids: number[] = [];
  for (let v = 0; v < g.nodeCount; v++) if (allowed[v]) ids.push(v);
  const idx = new Flatbush(Math.max(1, ids.length));
  for (const v of ids) idx.add(g.x[v]!, g.y[v]!, g.x[v]!, g.y[v]!);
  if (ids.length === 0) idx.add(mx, my, mx, my);
  idx.finish();
  const cands = idx.neighbors(mx, my, opts.candidates ?? 16).map((i) => ids[i]!);
  const router = opts.router ?? new Router(g);
  let best: PlantSuggestion = { node: -1, weightedDistance: Infinity, evaluated: 0 };
  for (const c of cands) {
    router.run([c]);
    let s = 0;
    for (let i = 0; i < nodes.length; i++) s += heat[i]! * router.dist[nodes[i]!]!;
    best.evaluated++;
    if (s < best.weightedDistance) best = { node: c, weightedDistance: s, evaluated: best.evaluated };
  }
  return best;
}
