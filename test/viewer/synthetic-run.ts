/**
 * A small synthetic run folder for the viewer's tests and benchmark: a demand grid, buildings, blocks, a supply area,
 * potentials, roads, a network with consumers, one cut-off consumer and a plant, a simulation summary and an hourly
 * series. Every number is made up here and known to the tests (seeded; nothing random is unseeded).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import proj4 from 'proj4';
import { writeArrayBuffer } from 'geotiff';
import { lookupEpsg } from '../../engine/crs/index.js';
import { seededRandom } from '../../engine/util/random.js';
import type { BlockProperties, DemandSummary, NetworkProperties, PotentialSummary } from '../../engine/run/contract.js';

export const SYN_EPSG = 6670; // JGD2011 plane zone II (Kyushu)
/** North-west corner of the grid in EPSG:6670 metres (near Tamana, Kumamoto). */
export const SYN_X0 = -42_000;
export const SYN_Y0 = -7_000;

export interface SyntheticOptions {
  /** Grid columns and rows; default 10 x 8. */
  width?: number;
  height?: number;
  /** Cell size, m; default 100. */
  cellSizeM?: number;
  /** Buildings on a regular lattice; default 12. */
  buildings?: number;
  /** Files to leave out (to test a run that misses some). */
  omit?: string[];
  seed?: number;
  /** Every grid cell non-empty (for the 1,000,000-cell benchmark); default false. */
  denseGrid?: boolean;
}

export interface SyntheticRun {
  dir: string;
  width: number;
  height: number;
  cellSizeM: number;
  /** Demand band values (MWh/a) row-major. */
  heat: Float32Array;
  /** The first building: id, floor area, centroid lon/lat. */
  firstBuilding: { id: string; floorArea_m2: number; lon: number; lat: number };
  hours: number;
}

const rng = seededRandom;

/** Write a north-up Float32 GeoTIFF, pixel-interleaved bands, in EPSG:epsg. */
export async function writeTestTiff(path: string, bands: Float32Array[], width: number, height: number, x0: number, y0: number, cellSizeM: number, epsg: number): Promise<void> {
  const nb = bands.length;
  const inter = new Float32Array(width * height * nb);
  for (let i = 0; i < width * height; i++) for (let b = 0; b < nb; b++) inter[i * nb + b] = bands[b]![i]!;
  const buf = await writeArrayBuffer(inter, {
    width,
    height,
    SamplesPerPixel: nb,
    BitsPerSample: Array(nb).fill(32),
    SampleFormat: Array(nb).fill(3),
    PhotometricInterpretation: 1,
    ExtraSamples: nb > 1 ? Array(nb - 1).fill(0) : undefined,
    ModelPixelScale: [cellSizeM, cellSizeM, 0],
    ModelTiepoint: [0, 0, 0, x0, y0, 0],
    GTModelTypeGeoKey: 1,
    GTRasterTypeGeoKey: 1,
    ProjectedCSTypeGeoKey: epsg,
  } as never);
  await writeFile(path, Buffer.from(buf as ArrayBuffer));
}

/** Write the synthetic run into `dir` (created). */
export async function writeSyntheticRun(dir: string, opts: SyntheticOptions = {}): Promise<SyntheticRun> {
  const width = opts.width ?? 10;
  const height = opts.height ?? 8;
  const cs = opts.cellSizeM ?? 100;
  const nBuild = opts.buildings ?? 12;
  const omit = new Set(opts.omit ?? []);
  const rand = rng(opts.seed ?? 1);
  await mkdir(dir, { recursive: true });
  const def = lookupEpsg(SYN_EPSG)!;
  const toLL = proj4(def.proj4, 'EPSG:4326');
  const ll = (x: number, y: number): [number, number] => toLL.forward([x, y]) as [number, number];
  const put = async (name: string, body: string | Buffer) => {
    if (!omit.has(name)) await writeFile(join(dir, name), body);
  };

  // demand grid: a hot spot in the middle, decaying outwards; a few empty cells
  const n = width * height;
  const floor = new Float32Array(n);
  const heat = new Float32Array(n);
  const peak = new Float32Array(n);
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const d = Math.hypot(c - width / 2, r - height / 2);
      const h = !opts.denseGrid && d > Math.max(width, height) * 0.45 ? 0 : Math.round(800 / (1 + d) + rand() * 50);
      heat[i] = h;
      floor[i] = h * 5;
      peak[i] = h * 0.45;
    }
  if (!omit.has('demand.tif')) await writeTestTiff(join(dir, 'demand.tif'), [floor, heat, peak], width, height, SYN_X0, SYN_Y0, cs, SYN_EPSG);
  const sewage = new Float32Array(n).map((_, i) => (i % width < 3 ? 200 : 0));
  const coverage = new Float32Array(n).map((_, i) => (heat[i]! > 0 ? Math.min(1, sewage[i]! / (peak[i]! || 1)) : 0));
  if (!omit.has('potential.tif')) await writeTestTiff(join(dir, 'potential.tif'), [sewage, coverage], width, height, SYN_X0, SYN_Y0, cs, SYN_EPSG);

  // buildings: 30 m x 20 m boxes (metres in the working CRS) on a lattice inside the grid
  const uses = ['detached house', 'office', 'retail', 'apartment'];
  const sources = ['given', 'storeys', 'height', 'default'];
  const feats: object[] = [];
  const cols = Math.ceil(Math.sqrt(nBuild));
  const stepX = (width * cs) / (cols + 1);
  const stepY = (height * cs) / (Math.ceil(nBuild / cols) + 1);
  let first: SyntheticRun['firstBuilding'] | undefined;
  const consumers: { id: string; x: number; y: number; heat: number; peak: number; use: string; floor: number }[] = [];
  for (let b = 0; b < nBuild; b++) {
    const cx = SYN_X0 + stepX * ((b % cols) + 1);
    const cy = SYN_Y0 - stepY * (Math.floor(b / cols) + 1);
    const w = b === 0 ? 60 : 30;
    const h = b === 0 ? 40 : 20;
    const ring = [
      [cx - w / 2, cy - h / 2],
      [cx + w / 2, cy - h / 2],
      [cx + w / 2, cy + h / 2],
      [cx - w / 2, cy + h / 2],
      [cx - w / 2, cy - h / 2],
    ].map(([x, y]) => ll(x!, y!));
    const storeys = 1 + (b % 5);
    const floorArea = w * h * storeys;
    const heatMWh = Math.round(floorArea * 0.15 * 10) / 10;
    const use = uses[b % uses.length]!;
    const id = `bldg-${b}`;
    const [lon, lat] = ll(cx, cy);
    if (b === 0) first = { id, floorArea_m2: floorArea, lon, lat };
    feats.push({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: {
        id,
        use,
        useCode: String(411 + (b % 4)),
        floorArea_m2: floorArea,
        floorAreaSource: sources[b % sources.length],
        storeys,
        footprint_m2: w * h,
        spaceHeat_MWh: heatMWh * 0.8,
        hotWater_MWh: heatMWh * 0.2,
        heat_MWh: heatMWh,
        peak_kW: Math.round(heatMWh * 0.45 * 10) / 10,
        x: cx,
        y: cy,
      },
    });
    consumers.push({ id, x: cx, y: cy, heat: heatMWh, peak: heatMWh * 0.45, use, floor: floorArea });
  }
  await put('buildings.geojson', JSON.stringify({ type: 'FeatureCollection', features: feats }));

  const box = (xa: number, ya: number, xb: number, yb: number) => [
    [ll(xa, ya), ll(xb, ya), ll(xb, yb), ll(xa, yb), ll(xa, ya)],
  ];
  const X1 = SYN_X0 + width * cs;
  const Y1 = SYN_Y0 - height * cs;
  const xm = (SYN_X0 + X1) / 2;
  await put(
    'blocks.geojson',
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: box(SYN_X0, Y1, xm, SYN_Y0) }, properties: { id: 'B1', land_ha: 40, heat_MWh: 5000, density_MWh_per_ha_a: 125 } satisfies Partial<BlockProperties> },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: box(xm, Y1, X1, SYN_Y0) }, properties: { id: 'B2', land_ha: 40, heat_MWh: 9000, density_MWh_per_ha_a: 225 } satisfies Partial<BlockProperties> },
      ],
    }),
  );
  await put(
    'areas.geojson',
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: box(SYN_X0 + 2 * cs, Y1 + 2 * cs, X1 - 2 * cs, SYN_Y0 - 2 * cs) },
          properties: { id: 'A1', heat_MWh: 9000, potential_kW: 1200, threshold_MWh_ha: 333 },
        },
      ],
    }),
  );
  // roads: a horizontal and a vertical street through the middle
  const ym = (SYN_Y0 + Y1) / 2;
  await put(
    'roads.geojson',
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [ll(SYN_X0, ym), ll(X1, ym)] }, properties: { id: 'r1', length_m: width * cs } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [ll(xm, SYN_Y0), ll(xm, Y1)] }, properties: { id: 'r2', length_m: height * cs } },
      ],
    }),
  );
  // network: the plant at the west end of the main street, one pipe per consumer column, services to consumers
  const plant = { x: SYN_X0 + cs / 2, y: ym };
  const net: object[] = [];
  const kept = consumers.slice(0, Math.max(1, consumers.length - 1));
  const dropped = consumers[consumers.length - 1]!;
  const totalPeak = kept.reduce((s, c) => s + c.peak, 0);
  net.push({
    type: 'Feature',
    geometry: { type: 'LineString', coordinates: [ll(plant.x, plant.y), ll(xm, ym)] },
    properties: { kind: 'pipe', id: 'p0', from: 'plant', to: 'j1', length_m: xm - plant.x, peak_kW: totalPeak, design_kW: totalPeak, DN: 125, velocity_m_s: 1.1, kw_per_m: totalPeak / (2 * (xm - plant.x)), mwh_per_m_a: 2.3, loss_W_per_m: 22, loss_MWh_a: 80, branch: 'b0' },
  });
  kept.forEach((c, k) => {
    net.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [ll(xm, ym), ll(c.x, ym), ll(c.x, c.y)] },
      properties: { kind: 'pipe', id: `p${k + 1}`, from: 'j1', to: c.id, length_m: Math.abs(c.x - xm) + Math.abs(c.y - ym), peak_kW: c.peak, design_kW: c.peak, DN: 32, velocity_m_s: 0.6, kw_per_m: k % 3 === 0 ? 0.1 : 0.4, mwh_per_m_a: k % 3 === 0 ? 0.9 : 3.5, loss_W_per_m: 12, loss_MWh_a: 3, branch: `b${k + 1}` },
    });
    net.push({ type: 'Feature', geometry: { type: 'Point', coordinates: ll(c.x, c.y) }, properties: { kind: 'consumer', id: c.id, use: c.use, heat_MWh: c.heat, spaceHeat_MWh: c.heat * 0.8, hotWater_MWh: c.heat * 0.2, peak_kW: c.peak, floorArea_m2: c.floor, service_m: 5, branch: `b${k + 1}` } });
  });
  net.push({ type: 'Feature', geometry: { type: 'Point', coordinates: ll(dropped.x, dropped.y) }, properties: { kind: 'dropped', id: dropped.id, use: dropped.use, heat_MWh: dropped.heat, peak_kW: dropped.peak, reason: 'branch below 0.17 kW/m' } });
  net.push({ type: 'Feature', geometry: { type: 'Point', coordinates: ll(plant.x, plant.y) }, properties: { kind: 'plant', id: 'plant-1', type: 'boiler', capacity_kW: Math.ceil(totalPeak), fuel: 'wood chips' } });
  await put('network.geojson', JSON.stringify({ type: 'FeatureCollection', properties: { supply_C: 80, return_C: 50, minKwPerM: 0.17, minMwhPerMA: 1.5 } satisfies Partial<NetworkProperties>, features: net }));

  // hourly series: winter-peaked demand, a constant plant, surplus and backup from the difference
  const hours = 8760;
  const lines = ['hour,demand_kW,losses_kW,plant-1_kW,surplus_kW,backup_kW'];
  const cap = totalPeak * 0.6;
  for (let t = 0; t < hours; t++) {
    const season = 0.55 + 0.45 * Math.cos((2 * Math.PI * t) / hours);
    const daily = 0.8 + 0.2 * Math.sin((2 * Math.PI * (t % 24)) / 24);
    const d = totalPeak * season * daily * 0.8;
    const loss = 20;
    const need = d + loss;
    const out = Math.min(cap, need);
    lines.push(`${t},${d.toFixed(2)},${loss.toFixed(2)},${cap.toFixed(2)},${Math.max(0, cap - need).toFixed(2)},${Math.max(0, need - out).toFixed(2)}`);
  }
  await put('hourly.csv', lines.join('\n') + '\n');
  await put('sim.json', JSON.stringify({ hours, demand_MWh: 1234.5, losses_MWh: 175.2, backup_MWh: 210.4, surplus_MWh: 98.1, plants: [{ id: 'plant-1', output_MWh: 1100 }] }, null, 2));
  const manifest = {
    heatplan: { version: 'test' },
    created: '2025-01-01T00:00:00.000Z',
    updated: '2025-01-01T00:00:00.000Z',
    crs: { code: `EPSG:${SYN_EPSG}`, name: 'JGD2011 / Japan Plane Rectangular CS II', reason: 'synthetic test run' },
    inputs: [],
    stages: ['demand', 'potential', 'route', 'simulate'],
    // stage summaries with keys of the run-folder contract (engine/run/contract.ts)
    demand: { buildings: nBuild, annualHeat_MWh: Array.from(heat).reduce((a, b) => a + b, 0), cellSize_m: cs } satisfies Partial<DemandSummary>,
    potential: { bands: ['1: sewage_kW (kW)', '2: coverage (ratio)'] } satisfies Partial<PotentialSummary>,
  };
  await put('manifest.json', JSON.stringify(manifest, null, 2));
  return { dir, width, height, cellSizeM: cs, heat, firstBuilding: first!, hours };
}
