/**
 * Potential layers on the demand grid and the per-cell overlay.
 * Each source band holds the heat (kW) a consumer in the cell could draw from that source within the source's access
 * distance: sewage and river take the best (largest) reachable extraction point, waste heat adds the reachable plants,
 * ground heat is the cell's own ground. Bands are potentials, not an allocation: neighbouring cells may name the same
 * source, so the manifest's totals are counted per source (each sewer network's largest pipe flow, each river,
 * each plant, the sum of ground cells), never as a sum of the bands of flowing-water sources.
 */
import { orientRing } from '../geom/rings.js';
import { cellAreaHa, type GridSpec } from '../grid/grid.js';
import { polygonCoverage } from '../grid/rasterize-exact.js';
import { ringsAsLines, samplePolylines, spreadWithinReach } from './reach.js';
import { SEWAGE_DEFAULTS, type SewagePipe } from './sewage.js';
import { RIVER_DEFAULTS, type RiverSource } from './river.js';
import { WASTE_HEAT_DEFAULTS, type WasteHeatSource } from './waste-heat.js';
import { POTENTIAL_BANDS, type PotentialStageSummary, type SourceName, type SourceSummary } from '../run/contract.js';
import { SEA_WATER_DEFAULTS, type SeaWaterSource } from './sea-water.js';
import { HOT_SPRING_DEFAULTS, type HotSpringSource } from './hot-spring.js';
import { SNOW_ICE_DEFAULTS, type SnowIceSource } from './snow-ice.js';
import { BIOMASS_DEFAULTS, type BiomassSource } from './biomass.js';
import { TRANSFORMER_DEFAULTS, type TransformerSource } from './transformer-heat.js';

export { SOURCE_NAMES, type SourceName, type SourceSummary } from '../run/contract.js';

export const OVERLAY_DEFAULTS = {
  /** MWh/(ha·a): Hotmaps' cell threshold (METHODS.md §4), the density from which a cell is network-suitable. */
  densityThresholdMWhPerHa: 333,
  /** Coverage (potential kW / demand kW) from which the sources within reach are said to cover a cell's demand. */
  fullCoverage: 1,
};

export interface PotentialInputs {
  sewage?: SewagePipe[];
  river?: RiverSource[];
  /** kW per cell (already on the grid), NaN = no data. */
  groundKw?: Float64Array;
  groundMWhA?: Float64Array;
  wasteHeat?: WasteHeatSource[];
  /** Seed 000's other unused sources (issue 19): bands after suitability in potential.tif. */
  seaWater?: SeaWaterSource[];
  hotSpring?: HotSpringSource[];
  snowIce?: SnowIceSource[];
  biomass?: BiomassSource[];
  transformer?: TransformerSource[];
}

/** The other sources (seed 000), in potential.tif band order after suitability; `cold`: a cooling source, outside heat coverage. */
export const OTHER_SOURCES = [
  { name: 'sea_water', band: 'sea_water_kW', cold: false },
  { name: 'hot_spring', band: 'hot_spring_kW', cold: false },
  { name: 'snow_ice', band: 'snow_ice_kW', cold: true },
  { name: 'biomass', band: 'biomass_kW', cold: false },
  { name: 'transformer', band: 'transformer_kW', cold: false },
] as const;
export type OtherSourceName = (typeof OTHER_SOURCES)[number]['name'];

export interface PotentialOptions {
  sewageAccessM?: number;
  riverAccessM?: number;
  wasteHeatAccessM?: number;
  densityThresholdMWhPerHa?: number;
  seaAccessM?: number;
  hotSpringAccessM?: number;
  snowAccessM?: number;
  biomassHaulM?: number;
  transformerAccessM?: number;
}

export interface CellDemand {
  /** MWh/a per cell. */
  heatMWh: ArrayLike<number>;
  /** Design peak kW per cell; without it demand kW = MWh/a x 1000 / 8760 (the mean load). */
  peakKw?: ArrayLike<number>;
}

export interface PotentialResult {
  /** Source bands (kW; NaN = source not given), then coverage (ratio), then suitability class (0..4). */
  bands: Float64Array[];
  names: string[];
  units: string[];
  summary: PotentialStageSummary & { otherSources: Record<OtherSourceName, SourceSummary & { cold: boolean; band: string }> };
}

export const SUITABILITY_CLASSES = [
  '0 no demand in the cell',
  '1 heat density below the threshold: individual supply',
  '2 dense enough for a network, no heat source within reach',
  '3 dense enough, sources within reach cover part of the demand (0 < coverage < 1)',
  '4 dense enough, sources within reach cover the demand (coverage >= 1)',
];

/** Potential bands and overlay on `grid` (the demand grid). */
export function computePotentials(grid: GridSpec, demand: CellDemand, inputs: PotentialInputs, opts: PotentialOptions = {}): PotentialResult {
  const n = grid.width * grid.height;
  const step = grid.cellSize / 4;
  const mk = (given: boolean) => (given ? new Float64Array(n) : new Float64Array(n).fill(NaN));
  const sources = {} as Record<SourceName, SourceSummary>;
  // sewage
  const sewage = mk(!!inputs.sewage);
  const sewageAccess = opts.sewageAccessM ?? SEWAGE_DEFAULTS.accessM;
  if (inputs.sewage) {
    const bestByNet = new Map<number, { kw: number; mwh: number }>();
    for (const p of inputs.sewage) {
      spreadWithinReach(grid, samplePolylines(p.lines, step), p.kw, sewageAccess, sewage, 'max');
      const b = bestByNet.get(p.network);
      if (!b || p.kw > b.kw) bestByNet.set(p.network, { kw: p.kw, mwh: p.mwhA });
    }
    let kw = 0, mwh = 0;
    for (const b of bestByNet.values()) {
      kw += b.kw;
      mwh += b.mwh;
    }
    sources.sewage = { given: true, kw, mwhA: mwh, cellsCovered: 0, accessM: sewageAccess, items: inputs.sewage.length };
  } else sources.sewage = { given: false, kw: 0, mwhA: 0, cellsCovered: 0, items: 0 };
  // river
  const river = mk(!!inputs.river);
  const riverAccess = opts.riverAccessM ?? RIVER_DEFAULTS.accessM;
  if (inputs.river) {
    let kw = 0, mwh = 0;
    for (const r of inputs.river) {
      const lines = [...r.lines, ...ringsAsLines(r.polygons)];
      spreadWithinReach(grid, samplePolylines(lines, step), r.kw, riverAccess, river, 'max');
      // cells on the water itself
      for (const poly of r.polygons) {
        const { coords, ringVertex } = orientedRings(poly);
        polygonCoverage(coords, ringVertex, 0, poly.length, grid, (i, a) => {
          if (a > 0 && r.kw > river[i]!) river[i] = r.kw;
        });
      }
      kw += r.kw;
      mwh += r.mwhA;
    }
    sources.river = { given: true, kw, mwhA: mwh, cellsCovered: 0, accessM: riverAccess, items: inputs.river.length };
  } else sources.river = { given: false, kw: 0, mwhA: 0, cellsCovered: 0, items: 0 };
  // ground
  const ground = mk(!!inputs.groundKw);
  if (inputs.groundKw) {
    let kw = 0, mwh = 0;
    for (let i = 0; i < n; i++) {
      const v = inputs.groundKw[i]!;
      ground[i] = v;
      if (v === v) {
        kw += v;
        const m = inputs.groundMWhA?.[i];
        if (m !== undefined && m === m) mwh += m;
      }
    }
    sources.ground = { given: true, kw, mwhA: mwh, cellsCovered: 0, items: n };
  } else sources.ground = { given: false, kw: 0, mwhA: 0, cellsCovered: 0, items: 0 };
  // waste heat
  const waste = mk(!!inputs.wasteHeat);
  const wasteAccess = opts.wasteHeatAccessM ?? WASTE_HEAT_DEFAULTS.accessM;
  if (inputs.wasteHeat) {
    let kw = 0, mwh = 0;
    for (const w of inputs.wasteHeat) {
      spreadWithinReach(grid, [w.x, w.y], w.kw, wasteAccess, waste, 'sum');
      kw += w.kw;
      mwh += w.mwhA;
    }
    sources.waste_heat = { given: true, kw, mwhA: mwh, cellsCovered: 0, accessM: wasteAccess, items: inputs.wasteHeat.length };
  } else sources.waste_heat = { given: false, kw: 0, mwhA: 0, cellsCovered: 0, items: 0 };

  // seed 000's other sources: sea water along the coast (best intake within reach), point sources and forests (sum)
  const other = {} as Record<OtherSourceName, SourceSummary & { cold: boolean; band: string }>;
  const otherBands = {} as Record<OtherSourceName, Float64Array>;
  const spec = (name: OtherSourceName) => OTHER_SOURCES.find((o) => o.name === name)!;
  const none = (name: OtherSourceName) => (other[name] = { given: false, kw: 0, mwhA: 0, cellsCovered: 0, items: 0, cold: spec(name).cold, band: spec(name).band });
  const seaBand = (otherBands.sea_water = mk(!!inputs.seaWater));
  if (inputs.seaWater) {
    const access = opts.seaAccessM ?? SEA_WATER_DEFAULTS.accessM;
    let kw = 0, mwh = 0;
    for (const r of inputs.seaWater) {
      spreadWithinReach(grid, samplePolylines([...r.lines, ...ringsAsLines(r.polygons)], step), r.kw, access, seaBand, 'max');
      kw += r.kw;
      mwh += r.mwhA;
    }
    other.sea_water = { given: true, kw, mwhA: mwh, cellsCovered: 0, accessM: access, items: inputs.seaWater.length, cold: false, band: 'sea_water_kW' };
  } else none('sea_water');
  const points: [OtherSourceName, { x: number; y: number; kw: number; mwhA: number }[] | undefined, number][] = [
    ['hot_spring', inputs.hotSpring, opts.hotSpringAccessM ?? HOT_SPRING_DEFAULTS.accessM],
    ['snow_ice', inputs.snowIce, opts.snowAccessM ?? SNOW_ICE_DEFAULTS.accessM],
    ['biomass', inputs.biomass, opts.biomassHaulM ?? BIOMASS_DEFAULTS.haulM],
    ['transformer', inputs.transformer, opts.transformerAccessM ?? TRANSFORMER_DEFAULTS.accessM],
  ];
  for (const [name, list, access] of points) {
    const band = (otherBands[name] = mk(!!list));
    if (!list) {
      none(name);
      continue;
    }
    let kw = 0, mwh = 0;
    for (const p of list) {
      spreadWithinReach(grid, [p.x, p.y], p.kw, access, band, 'sum');
      kw += p.kw;
      mwh += p.mwhA;
    }
    other[name] = { given: true, kw, mwhA: mwh, cellsCovered: 0, accessM: access, items: list.length, cold: spec(name).cold, band: spec(name).band };
  }

  // overlay
  const bandsBySource: [SourceName, Float64Array][] = [
    ['sewage', sewage],
    ['river', river],
    ['ground', ground],
    ['waste_heat', waste],
  ];
  // heat sources among the others join the coverage; snow/ice (cold) is counted for its cells only
  const otherHeat = OTHER_SOURCES.filter((o) => !o.cold).map((o) => [o.name, otherBands[o.name]] as const);
  const otherCold = OTHER_SOURCES.filter((o) => o.cold).map((o) => [o.name, otherBands[o.name]] as const);
  const coverage = new Float64Array(n).fill(NaN);
  const klass = new Float64Array(n);
  const densT = opts.densityThresholdMWhPerHa ?? OVERLAY_DEFAULTS.densityThresholdMWhPerHa;
  const ha = cellAreaHa(grid);
  const counts: Record<string, number> = { '0': 0, '1': 0, '2': 0, '3': 0, '4': 0 };
  let covered = 0;
  let withDemand = 0;
  for (let i = 0; i < n; i++) {
    const mwh = demand.heatMWh[i]!;
    const dkw = demand.peakKw ? demand.peakKw[i]! : (mwh * 1000) / 8760;
    if (!(mwh > 0) || !(dkw > 0)) {
      counts['0']++;
      continue;
    }
    withDemand++;
    let pot = 0;
    let any = false;
    for (const [name, b] of bandsBySource) {
      const v = b[i]!;
      if (v > 0) {
        pot += v;
        any = true;
        sources[name].cellsCovered++;
      }
    }
    for (const [name, b] of otherHeat) {
      const v = b[i]!;
      if (v > 0) {
        pot += v;
        any = true;
        other[name].cellsCovered++;
      }
    }
    for (const [name, b] of otherCold) if (b[i]! > 0) other[name].cellsCovered++;
    if (any) covered++;
    const cov = pot / dkw;
    coverage[i] = cov;
    let c: number;
    if (mwh / ha < densT) c = 1;
    else if (!(cov > 0)) c = 2;
    else if (cov < OVERLAY_DEFAULTS.fullCoverage) c = 3;
    else c = 4;
    klass[i] = c;
    counts[String(c)]++;
  }
  return {
    bands: [sewage, river, ground, waste, coverage, klass, ...OTHER_SOURCES.map((o) => otherBands[o.name])],
    names: POTENTIAL_BANDS.map((b) => b.name),
    units: POTENTIAL_BANDS.map((b) => b.unit),
    summary: {
      sources,
      otherSources: other,
      cellsCovered: covered,
      cellsWithDemand: withDemand,
      demandKwBasis: demand.peakKw ? 'peak' : 'mean',
      suitability: {
        rules: [
          ...SUITABILITY_CLASSES,
          `heat density = annual demand / cell land area; threshold ${densT} MWh/(ha·a)`,
          `coverage = sum of the source bands (kW within reach) / cell demand kW (${demand.peakKw ? 'design peak, demand.tif band 3' : 'mean load = MWh/a x 1000 / 8760'})`,
          ...(OTHER_SOURCES.some((o) => other[o.name].given) ? ['the heat bands of the other sources (sea water, hot springs, biomass, transformer heat) join the coverage; snow/ice is cold (kW of cooling) and does not'] : []),
        ],
        counts,
        densityThresholdMWhPerHa: densT,
        source: 'density threshold: Hotmaps dh_potential cell threshold (METHODS.md §4); classes: heatplan',
      },
    },
  };
}

/** Flat coords + ring offsets with the exterior counter-clockwise and holes clockwise, for polygonCoverage. */
export function orientedRings(poly: Float64Array[]): { coords: Float64Array; ringVertex: Int32Array } {
  let total = 0;
  for (const r of poly) total += r.length;
  const coords = new Float64Array(total);
  const ringVertex = new Int32Array(poly.length + 1);
  let o = 0;
  poly.forEach((r, k) => {
    ringVertex[k] = o / 2;
    coords.set(r, o);
    orientRing(coords, o / 2, (o + r.length) / 2, k === 0);
    o += r.length;
  });
  ringVertex[poly.length] = o / 2;
  return { coords, ringVertex };
}
