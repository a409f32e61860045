/**
 * A small synthetic run folder for the export tests (until/unless the demo run is used): every geometry is placed at
 * known coordinates in the working CRS (EPSG:6670, JGD2011 plane zone II, near Tamana) and written as WGS84 GeoJSON,
 * so tests can measure distances on the drawn sheet against ground truth.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lookupEpsg, transformer, WGS84 } from '../../engine/crs/index.js';
import { writeGeoTiff } from '../../engine/io/geotiff.js';
import type { AreasSummary, BlockProperties, DemandSummary, NetworkProperties, RouteSummary } from '../../engine/run/contract.js';

export const SYN_CRS = 'EPSG:6670';
/** Grid: 100 m cells, 8 x 6, north-west corner. */
export const SYN_GRID = { x0: -40_400, y0: -7_600, cellSize: 100, width: 8, height: 6 };
/** Two consumers exactly 300 m apart east-west (working CRS, m). */
export const SYN_CONSUMERS: [number, number][] = [
  [-40_250, -7_950],
  [-39_950, -7_950],
];
export const SYN_PLANT: [number, number] = [-40_350, -7_950];

const crs = lookupEpsg(SYN_CRS)!;
const toWgs = transformer(crs, WGS84);
const ll = (x: number, y: number): [number, number] => {
  const [lon, lat] = toWgs.forward(x, y);
  return [+lon.toFixed(9), +lat.toFixed(9)];
};
const square = (x: number, y: number, half: number): [number, number][][] => [
  [ll(x - half, y - half), ll(x + half, y - half), ll(x + half, y + half), ll(x - half, y + half), ll(x - half, y - half)],
];
const fc = (features: unknown[], properties?: Record<string, unknown>) => JSON.stringify({ type: 'FeatureCollection', ...(properties ? { properties } : {}), features });

export interface SyntheticOptions {
  /** Files to leave out (e.g. 'network.geojson'). */
  omit?: string[];
  /** manifest.inputs paths (decide the attribution). */
  inputs?: { path: string; role: string }[];
}

/** Write a synthetic run folder at `dir`. */
export async function writeSyntheticRun(dir: string, opts: SyntheticOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const omit = new Set(opts.omit ?? []);
  const put = async (name: string, text: string | Uint8Array) => {
    if (!omit.has(name)) await writeFile(join(dir, name), text);
  };
  const g = SYN_GRID;
  const n = g.width * g.height;
  const floor = new Float64Array(n);
  const heat = new Float64Array(n);
  const peak = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const col = i % g.width;
    const row = Math.floor(i / g.width);
    // densities 0 .. 700+ MWh/(ha·a) across the grid (1 ha cells), a few empty cells
    heat[i] = (row * g.width + col) % 7 === 0 ? 0 : 20 * (col + 1) * (row + 1);
    floor[i] = heat[i]! * 5;
    peak[i] = heat[i]! * 0.4;
  }
  if (!omit.has('demand.tif')) {
    await writeGeoTiff(join(dir, 'demand.tif'), {
      crs: SYN_CRS,
      ...g,
      // the contract's five bands (DEMAND_BANDS): no cooling in the synthetic town
      bands: [floor, heat, peak, new Float64Array(n), new Float64Array(n)],
      names: ['floor area', 'annual heat', 'peak', 'annual cooling', 'cooling peak'],
      units: ['m2', 'MWh/a', 'kW', 'MWh/a', 'kW'],
    });
  }
  const uses = ['office', 'commercial', 'residential_detached', 'residential_apartment', 'education', 'unknown'];
  const buildings = uses.map((use, i) => {
    const x = -40_300 + i * 110;
    const y = -7_750;
    return {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: square(x, y, 12) },
      properties: { id: `b${i}`, use, useCode: String(401 + i), floorArea_m2: 1000, floorAreaSource: 'given', heat_MWh: 100 + i, peak_kW: 50, x, y },
    };
  });
  await put('buildings.geojson', fc(buildings));
  await put(
    'blocks.geojson',
    fc([
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(-40_200, -7_800, 150) }, properties: { id: 'k1', density_MWh_per_ha_a: 120 } satisfies Partial<BlockProperties> },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(-39_900, -7_800, 150) }, properties: { id: 'k2', density_MWh_per_ha_a: 450 } satisfies Partial<BlockProperties> },
    ]),
  );
  await put(
    'areas.geojson',
    fc([{ type: 'Feature', geometry: { type: 'Polygon', coordinates: square(-40_000, -7_900, 180) }, properties: { id: 1, demand_MWh: 31000 } }]),
  );
  const [c1, c2] = SYN_CONSUMERS as [[number, number], [number, number]];
  const line = (pts: [number, number][]) => ({ type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) });
  const pt = ([x, y]: [number, number]) => ({ type: 'Point', coordinates: ll(x, y) });
  await put(
    'network.geojson',
    fc(
      [
        { type: 'Feature', geometry: line([SYN_PLANT, [c1[0], -7_980]]), properties: { kind: 'pipe', id: 'p1', DN: 80, kw_per_m: 0.5, length_m: 100 } },
        { type: 'Feature', geometry: line([[c1[0], -7_980], [c2[0], -7_980]]), properties: { kind: 'pipe', id: 'p2', DN: 40, kw_per_m: 0.12, length_m: 300 } },
        { type: 'Feature', geometry: line([c1, [c1[0], -7_980]]), properties: { kind: 'service', consumer: 'b0', length_m: 30 } },
        { type: 'Feature', geometry: pt(c1), properties: { kind: 'consumer', id: 'b0', use: 'office', heat_MWh: 100 } },
        { type: 'Feature', geometry: pt(c2), properties: { kind: 'consumer', id: 'b1', use: 'commercial', heat_MWh: 101 } },
        { type: 'Feature', geometry: pt([-39_850, -7_700]), properties: { kind: 'dropped', id: 'b5', reason: 'below-threshold' } },
        { type: 'Feature', geometry: pt(SYN_PLANT), properties: { kind: 'plant', id: 'plant1', type: 'biomass', capacity_kW: 450 } },
      ],
      { supply_C: 80, return_C: 50, minKwPerM: 0.17, minMwhPerMA: 1.5 } satisfies Partial<NetworkProperties>,
    ),
  );
  const inputs = (opts.inputs ?? [
    { path: '/data/tamana/49303425_bldg_6697_op.gml', role: 'buildings' },
    { path: '/data/roads/town.osm.pbf', role: 'roads' },
  ]).map((r) => ({ ...r, bytes: 1234, sha256: 'ab'.repeat(32) }));
  const manifest = {
    heatplan: { version: '0.1.0' },
    created: '2025-01-01T00:00:00.000Z',
    updated: '2025-01-01T00:00:00.000Z',
    crs: { code: SYN_CRS, name: crs.name, reason: 'synthetic test run <script>' },
    inputs,
    stages: ['demand', 'areas', 'route'],
    demand: {
      buildings: 6,
      dropped: { 'no-footprint': 2 },
      floorAreaSource: { given: 6 },
      floorArea_m2: 6000,
      annualHeat_MWh: 615,
      peak_kW: 300,
      cellSize_m: 100,
      warnings: { 'no-footprint': 2 },
      warningDetails: [{ code: 'no-footprint', count: 2, message: 'building without footprint <dropped>', examples: [] }],
    } satisfies Partial<DemandSummary>,
    areas: { count: 1, demand_MWh: 31000, totalDemand_MWh: 40000, cellThreshold_MWh_per_ha: 333, areaThreshold_GWh: 30, method: 'hotmaps' } satisfies Partial<AreasSummary>,
    // keys of the run-folder contract (engine/run/contract.ts); consumersDropped names a reason the planner does not use
    route: {
      consumers: 2,
      consumersDropped: { 'below-threshold': 1 } as RouteSummary['consumersDropped'],
      trench_m: 400,
      pipe_m: 800,
      thresholds: { minKwPerM: 0.17, minMwhPerMA: 1.5 },
      kwPerM: 0.3,
      seconds: 0.1,
    } satisfies Partial<RouteSummary>,
  };
  await put('manifest.json', JSON.stringify(manifest, null, 2));
}
