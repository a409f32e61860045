/**
 * Supply areas by either method on a demand grid, with per-area potentials, coverage, trench length and linear heat
 * density, as GeoJSON (WGS84) plus the manifest summary. Library entry point of `heatplan areas` (and batch).
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import { cellAreaHa } from '../grid/grid.js';
import { polygonCoverage } from '../grid/rasterize-exact.js';
import { orientedRings } from './compute.js';
import type { Warnings } from '../util/warnings.js';
import { labelPolygons, type Ring } from './area-polygons.js';
import { BLOCK_AREA_DEFAULTS, blockAreas, type AreaUnit } from './block-areas.js';
import type { CellDemandGrid } from './demand-input.js';
import { HOTMAPS_DEFAULTS, hotmapsAreas } from './hotmaps.js';
import { PERSSON_WERNER, perssonWerner } from './persson-werner.js';

import type { AreaMethod, AreasStageSummary } from '../run/contract.js';

export type { AreaMethod } from '../run/contract.js';

/** Blocks (not cells) from blocks.geojson: polygons in the working CRS plus the WGS84 geometry to write back. */
export interface BlockInput {
  id: string;
  landM2: number;
  floorM2?: number;
  heatMWh: number;
  peakKw?: number;
  polygons: Float64Array[][];
  geometry: Polygon | MultiPolygon;
}

export interface AreasOptions {
  method?: AreaMethod;
  /** MWh/(ha·a): Hotmaps' cell threshold (default 333) or, for blocks, the land density threshold (default 700). */
  cellThresholdMWhPerHa?: number;
  /** GWh/a (default 30 for hotmaps, 0 for blocks). */
  areaThresholdGWh?: number;
  linearThresholdMWhPerM?: number;
  gapM?: number;
  plotRatio?: number;
  /** Hotmaps erosion border: 0 = scipy/Hotmaps (default). */
  borderValue?: 0 | 1;
  /** Blocks to use for the blocks method (else the grid's cells). */
  blocks?: BlockInput[];
  /** potential.tif bands on the same grid: names sewage_kW, river_kW, ground_kW, waste_heat_kW. */
  potential?: { bands: Float64Array[]; names: string[] };
  warnings?: Warnings;
  file?: string;
}

const SOURCES = ['sewage', 'river', 'ground', 'waste_heat'] as const;
/** potential.tif's other sources (issue 19, engine/potential/compute.ts OTHER_SOURCES); snow_ice is cold. */
const OTHER_AREA_SOURCES = ['sea_water', 'hot_spring', 'snow_ice', 'biomass', 'transformer'] as const;
const COLD_SOURCES = new Set<string>(['snow_ice']);

/** Areas by `opts.method` on `demand`; returns GeoJSON features (WGS84) and the summary. */
export function computeAreas(demand: CellDemandGrid, opts: AreasOptions = {}): { geojson: FeatureCollection; summary: AreasStageSummary } {
  const method = opts.method ?? 'hotmaps';
  const g = demand.grid;
  const ha = cellAreaHa(g);
  const n = g.width * g.height;
  const toWgs = transformer(parseCrs(g.crs), WGS84);
  const pot = potentialLookup(opts.potential);
  const features: Feature[] = [];
  let summary: AreasStageSummary;
  const cellProps = (cells: number[]) => {
    let heat = 0, floor = 0, peak = 0, trench = 0;
    const floorKnown = !!demand.floorM2, peakKnown = !!demand.peakKw;
    for (const i of cells) {
      const h = demand.heatMWh[i]!;
      const hh = h === h ? h : 0;
      heat += hh;
      const fa = demand.floorM2?.[i];
      if (fa !== undefined && fa === fa) floor += fa;
      const pk = demand.peakKw?.[i];
      if (pk !== undefined && pk === pk) peak += pk;
      trench += perssonWerner(g.cellSize * g.cellSize, floorKnown ? (fa === fa ? fa : 0) : undefined, hh, { plotRatio: floorKnown ? undefined : opts.plotRatio }).trenchM;
    }
    return { heat, floor: floorKnown ? floor : undefined, peak: peakKnown ? peak : undefined, trench };
  };
  if (method === 'hotmaps') {
    const density = new Float64Array(n);
    for (let i = 0; i < n; i++) density[i] = demand.heatMWh[i]! / ha;
    const cellT = opts.cellThresholdMWhPerHa ?? HOTMAPS_DEFAULTS.cellThresholdMWhPerHa;
    const areaT = opts.areaThresholdGWh ?? HOTMAPS_DEFAULTS.areaThresholdGWh;
    const r = hotmapsAreas(g, density, { cellThresholdMWhPerHa: cellT, areaThresholdGWh: areaT, borderValue: opts.borderValue, file: opts.file });
    const polys = labelPolygons(g, r.areaId, r.areas.length);
    const cellsOf: number[][] = r.areas.map(() => []);
    for (let i = 0; i < n; i++) if (r.areaId[i]) cellsOf[r.areaId[i]! - 1]!.push(i);
    for (const a of r.areas) {
      const cells = cellsOf[a.id - 1]!;
      const s = cellProps(cells);
      features.push(
        feature(polys[a.id]!, toWgs, {
          id: a.id,
          method,
          cells: a.cells,
          cellsAboveThreshold: a.cellsAboveThreshold,
          demandAboveThreshold_MWh: round(a.demandAboveThresholdMWh, 3),
          ...commonProps(s.heat, s.floor, s.peak, a.landHa * 10_000, s.trench, pot(cells)),
        }),
      );
    }
    summary = {
      method,
      count: r.areas.length,
      demand_MWh: round(r.areasDemandMWh, 3),
      totalDemand_MWh: round(r.totalDemandMWh, 3),
      cellThreshold_MWh_per_ha: cellT,
      areaThreshold_GWh: areaT,
      candidates: r.candidates,
      demandSource: demand.source,
      units: 'cells',
      cellSize_m: g.cellSize,
      thresholds: {
        cell: { value: cellT, unit: 'MWh/(ha·a), cells strictly above', source: HOTMAPS_DEFAULTS.source },
        area: { value: areaT, unit: 'GWh/a of above-threshold cells, >=', source: HOTMAPS_DEFAULTS.source },
        closing: { value: 3, unit: 'cells (3x3 square, dilation then erosion, outside = clear as scipy)', source: HOTMAPS_DEFAULTS.source },
      },
      potentials: !!opts.potential,
    };
  } else {
    const landT = (opts.cellThresholdMWhPerHa ?? BLOCK_AREA_DEFAULTS.landThresholdKWhPerM2 * 10) / 10;
    const areaT = opts.areaThresholdGWh ?? BLOCK_AREA_DEFAULTS.areaThresholdGWh;
    const linT = opts.linearThresholdMWhPerM ?? BLOCK_AREA_DEFAULTS.linearThresholdMWhPerM;
    const useBlocks = !!opts.blocks?.length;
    let units: AreaUnit[];
    if (useBlocks) units = opts.blocks!.map((b) => ({ id: b.id, landM2: b.landM2, floorM2: b.floorM2, heatMWh: b.heatMWh, peakKw: b.peakKw, polygons: b.polygons }));
    else {
      units = [];
      for (let i = 0; i < n; i++) {
        const h = demand.heatMWh[i]!;
        if (!(h > 0)) continue;
        const fa = demand.floorM2?.[i];
        units.push({ id: `r${Math.floor(i / g.width)}c${i % g.width}`, cell: i, landM2: g.cellSize * g.cellSize, heatMWh: h, floorM2: fa !== undefined && fa === fa ? fa : undefined, peakKw: demand.peakKw?.[i] });
      }
    }
    const r = blockAreas(units, { landThresholdKWhPerM2: landT, linearThresholdMWhPerM: linT, areaThresholdGWh: areaT, gapM: opts.gapM, plotRatio: opts.plotRatio, gridWidth: g.width });
    if (r.unitsWithoutFloorArea && opts.warnings) {
      opts.warnings.addMany('areas-no-floor-area', `units without floor area: plot ratio unknown, Persson & Werner width 60 m (dense city) assumed; set plotRatio (--plot-ratio) to give one`, r.unitsWithoutFloorArea);
    }
    let cellPolys: Ring[][][] = [];
    if (!useBlocks) {
      const lab = new Int32Array(n);
      units.forEach((u, k) => r.unitArea[k] && (lab[u.cell!] = r.unitArea[k]!));
      cellPolys = labelPolygons(g, lab, r.areas.length);
    }
    for (const a of r.areas) {
      const cells = useBlocks ? blockCells(opts.blocks!, a.unitIndex, g) : a.unitIndex.map((k) => units[k]!.cell!);
      const props = {
        id: a.id,
        method,
        [useBlocks ? 'blocks' : 'cells']: a.units.length,
        ...commonProps(a.heatMWh, a.floorM2, a.peakKw, a.landM2, a.distribution.trenchM, pot(cells)),
        heatSupplyAct: a.heatSupplyAct ?? null,
      };
      if (useBlocks) {
        const coords: Position[][][] = [];
        for (const k of a.unitIndex) {
          const geom = opts.blocks![k]!.geometry;
          if (geom.type === 'Polygon') coords.push(geom.coordinates);
          else coords.push(...geom.coordinates);
        }
        features.push({ type: 'Feature', properties: props, geometry: { type: 'MultiPolygon', coordinates: coords } });
      } else features.push(feature(cellPolys[a.id]!, toWgs, props));
    }
    summary = {
      method,
      count: r.areas.length,
      demand_MWh: round(r.areasDemandMWh, 3),
      totalDemand_MWh: round(useBlocks ? r.totalDemandMWh : sumFinite(demand.heatMWh), 3),
      cellThreshold_MWh_per_ha: landT * 10,
      areaThreshold_GWh: areaT,
      candidates: r.qualifying,
      demandSource: demand.source,
      units: useBlocks ? 'blocks' : 'cells',
      cellSize_m: g.cellSize,
      thresholds: {
        land: { value: landT, unit: 'kWh/(m²·a) of land, >=', source: BLOCK_AREA_DEFAULTS.sources.landThreshold },
        linear: { value: linT, unit: 'MWh/(m·a) of trench, >=', source: BLOCK_AREA_DEFAULTS.sources.linearThreshold },
        area: { value: areaT, unit: 'GWh/a per area, >=', source: areaT === 0 ? 'none (heatplan default)' : 'user option' },
        gap: { value: opts.gapM ?? BLOCK_AREA_DEFAULTS.gapM, unit: 'm between blocks that join', source: BLOCK_AREA_DEFAULTS.sources.gap },
        heatSupplyAct: { value: round(BLOCK_AREA_DEFAULTS.heatSupplyActKw, 1), unit: 'kW peak (reported, not a filter)', source: BLOCK_AREA_DEFAULTS.sources.heatSupplyAct },
      },
      potentials: !!opts.potential,
    };
  }
  const geojson: FeatureCollection = {
    type: 'FeatureCollection',
    features,
    // @ts-expect-error foreign member (RFC 7946 §6.1): the thresholds used, for readers of the file
    properties: { ...summary, trench: PERSSON_WERNER.source },
  };
  return { geojson, summary };
}

function commonProps(heat: number, floor: number | undefined, peak: number | undefined, landM2: number, trenchM: number, pots: Record<string, number> | undefined) {
  const landHa = landM2 / 10_000;
  // the other sources of issue 19 join where potential.tif carries them; snow/ice is cold and stays out of the heat kW
  const potKw = pots ? Object.keys(pots).filter((k) => !COLD_SOURCES.has(k)).reduce((s, k) => s + (pots[k]! > 0 ? pots[k]! : 0), 0) : undefined;
  const demandKw = peak ?? (heat * 1000) / 8760;
  return {
    demand_MWh: round(heat, 3),
    floorArea_m2: floor === undefined ? null : round(floor, 1),
    peak_kW: peak === undefined ? null : round(peak, 1),
    land_ha: round(landHa, 4),
    density_MWh_per_ha: landHa > 0 ? round(heat / landHa, 2) : 0,
    plotRatio: floor !== undefined && landM2 > 0 ? round(floor / landM2, 4) : null,
    trench_m: round(trenchM, 1),
    linearHeatDensity_MWh_per_m: trenchM > 0 ? round(heat / trenchM, 4) : 0,
    ...(pots ? Object.fromEntries(Object.keys(pots).map((k) => [`${k}_kW`, round(pots[k]!, 1)])) : {}),
    potential_kW: potKw === undefined ? null : round(potKw, 1),
    coverage: potKw === undefined || !(demandKw > 0) ? null : round(potKw / demandKw, 4),
    coverageBasis: peak === undefined ? 'mean load' : 'peak',
  };
}

/** Per-area potentials from potential.tif bands: flowing water and waste heat = best cell, ground = sum of cells. */
function potentialLookup(p: AreasOptions['potential']): (cells: number[]) => Record<string, number> | undefined {
  if (!p) return () => undefined;
  const band = (name: string) => p.bands[p.names.indexOf(`${name}_kW`)];
  const given = new Set(OTHER_AREA_SOURCES.filter((k) => band(k)?.some((v) => v === v)));
  return (cells) => {
    const out: Record<string, number> = {};
    for (const s of SOURCES) {
      const b = band(s);
      let v = 0;
      if (b) for (const i of cells) {
        const x = b[i]!;
        if (!(x > 0)) continue;
        if (s === 'ground') v += x;
        else if (x > v) v = x;
      }
      out[s] = v;
    }
    // issue 19's other sources, where given (a band not all NaN): the best cell, as waste heat
    for (const s of OTHER_AREA_SOURCES) {
      const b = band(s);
      if (!b || !given.has(s)) continue;
      let v = 0;
      for (const i of cells) if (b[i]! > v) v = b[i]!;
      out[s] = v;
    }
    return out;
  };
}

function blockCells(blocks: BlockInput[], idx: number[], g: CellDemandGrid['grid']): number[] {
  // cells the block polygons cover (exact coverage > 0)
  const set = new Set<number>();
  for (const k of idx)
    for (const p of blocks[k]!.polygons) {
      const { coords, ringVertex } = orientedRings(p);
      polygonCoverage(coords, ringVertex, 0, p.length, g, (i, a) => {
        if (a > 0) set.add(i);
      });
    }
  return [...set];
}

function feature(polys: Ring[][], toWgs: ReturnType<typeof transformer>, properties: Record<string, unknown>): Feature {
  const coords = polys.map((p) => p.map((r) => r.map(([x, y]) => toWgs.forward(x, y).map((v) => round(v, 7)))));
  return { type: 'Feature', properties, geometry: { type: 'MultiPolygon', coordinates: coords } };
}

function sumFinite(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! === a[i]!) s += a[i]!;
  return s;
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
