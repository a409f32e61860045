/**
 * heatplan's supply areas: built from blocks (the land between roads, from the demand stage) or, without blocks,
 * from grid cells, with thresholds on what a network's cost and losses depend on.
 *  1. A unit (block or cell) qualifies when its land heat density >= the land threshold (VICUS: > 70 kWh per m² of
 *     land per year) and its linear heat density by Persson & Werner (demand / estimated trench length) >= the
 *     linear threshold (VICUS supply areas: >= 1.2 MWh/(m·a)).
 *  2. Qualifying units join into one area when they touch or lie within `gapM` of each other (blocks: across a
 *     street; cells: 8-neighbours).
 *  3. An area is kept when its annual demand >= the area threshold (default 0: the linear density already carries
 *     the network economics; set e.g. 30 GWh/a to mimic Hotmaps' size criterion).
 * Each area reports demand, floor and land area, plot ratio, trench length, linear heat density, P&W diameter and
 * distribution capital, and whether its peak reaches the Heat Supply Act's 21 GJ/h scope (METHODS.md §7).
 */
import Flatbush from 'flatbush';
import { pointInRing, polygonsBBox } from '../geom/rings.js';
import { PERSSON_WERNER, perssonWerner, type DistributionEstimate } from './persson-werner.js';

export const BLOCK_AREA_DEFAULTS = {
  /** kWh/(m²·a) of land; VICUS supply-area criterion (METHODS.md §4). = 700 MWh/(ha·a). */
  landThresholdKWhPerM2: 70,
  /** MWh/(m·a); VICUS supply-area criterion (METHODS.md §4). */
  linearThresholdMWhPerM: 1.2,
  /** GWh/a; none by default (see module doc). */
  areaThresholdGWh: 0,
  /** m between blocks that still join (a street's width); assumption, no source in METHODS.md. */
  gapM: 30,
  /** kW: Heat Supply Act scope, 21 GJ/h (METHODS.md §7) = 21e6 kJ / 3600 s. */
  heatSupplyActKw: 21e6 / 3600,
  sources: {
    landThreshold: 'VICUS: supply areas > 70 kWh per m² of land per year (METHODS.md §4)',
    linearThreshold: 'VICUS: supply areas >= 1.2 MWh/(m·a) (METHODS.md §4)',
    trench: 'Persson & Werner effective width (METHODS.md §4)',
    heatSupplyAct: 'Heat Supply Act scope >= 21 GJ/h (METHODS.md §7)',
    gap: 'assumption: blocks within 30 m (one street) join',
  },
};

export interface AreaUnit {
  id: string;
  landM2: number;
  /** Floor area, m²; undefined when unknown (then w = 60 m, P&W's dense-city width, is assumed). */
  floorM2?: number;
  heatMWh: number;
  peakKw?: number;
  /** Polygons (rings flat, working CRS) for block units; none for cell units. */
  polygons?: Float64Array[][];
  /** Grid cell index for cell units. */
  cell?: number;
}

export interface BlockAreaOptions {
  landThresholdKWhPerM2?: number;
  linearThresholdMWhPerM?: number;
  areaThresholdGWh?: number;
  gapM?: number;
  /** Plot ratio to assume where floor area is unknown. */
  plotRatio?: number;
  /** Grid width, for cell units (8-neighbour adjacency). */
  gridWidth?: number;
}

export interface BlockArea {
  id: number;
  units: string[];
  unitIndex: number[];
  heatMWh: number;
  floorM2: number | undefined;
  landM2: number;
  peakKw: number | undefined;
  landDensityKWhPerM2: number;
  distribution: DistributionEstimate;
  heatSupplyAct: boolean | undefined;
}

export interface BlockAreasResult {
  areas: BlockArea[];
  /** Area id per unit (0 = none). */
  unitArea: Int32Array;
  qualifying: number;
  totalDemandMWh: number;
  areasDemandMWh: number;
  unitsWithoutFloorArea: number;
}

/** Per-unit test, then joining and the area threshold (see module doc). */
export function blockAreas(units: AreaUnit[], opts: BlockAreaOptions = {}): BlockAreasResult {
  const landT = opts.landThresholdKWhPerM2 ?? BLOCK_AREA_DEFAULTS.landThresholdKWhPerM2;
  const linT = opts.linearThresholdMWhPerM ?? BLOCK_AREA_DEFAULTS.linearThresholdMWhPerM;
  const areaT = opts.areaThresholdGWh ?? BLOCK_AREA_DEFAULTS.areaThresholdGWh;
  const gap = opts.gapM ?? BLOCK_AREA_DEFAULTS.gapM;
  const n = units.length;
  const ok = new Uint8Array(n);
  let total = 0;
  let noFloor = 0;
  units.forEach((u, i) => {
    if (u.heatMWh > 0) total += u.heatMWh;
    if (u.floorM2 === undefined && opts.plotRatio === undefined) noFloor++;
    if (!(u.landM2 > 0) || !(u.heatMWh > 0)) return;
    const landD = (u.heatMWh * 1000) / u.landM2;
    const pw = perssonWerner(u.landM2, u.floorM2, u.heatMWh, { plotRatio: u.floorM2 === undefined ? opts.plotRatio : undefined });
    if (landD >= landT && pw.linearHeatDensityMWhPerM >= linT) ok[i] = 1;
  });
  // join qualifying units: union-find over neighbour pairs
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const join = (a: number, b: number) => {
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const cellUnits = units.length > 0 && units[0]!.cell !== undefined;
  if (cellUnits) {
    const w = opts.gridWidth!;
    const byCell = new Map<number, number>();
    units.forEach((u, i) => ok[i] && byCell.set(u.cell!, i));
    for (const [cell, i] of byCell) {
      const c = cell % w;
      for (const d of [1, w - 1, w, w + 1]) {
        const j = byCell.get(cell + d);
        if (j === undefined) continue;
        const cj = (cell + d) % w;
        if (Math.abs(cj - c) <= 1) join(i, j);
      }
    }
  } else {
    const idx: number[] = [];
    units.forEach((_, i) => ok[i] && units[i]!.polygons?.length && idx.push(i));
    if (idx.length > 1) {
      const fb = new Flatbush(idx.length);
      const boxes = idx.map((i) => polygonsBBox(units[i]!.polygons!));
      for (const b of boxes) fb.add(b[0] - gap, b[1] - gap, b[2] + gap, b[3] + gap);
      fb.finish();
      idx.forEach((i, k) => {
        const b = boxes[k]!;
        for (const m of fb.search(b[0], b[1], b[2], b[3])) {
          const j = idx[m]!;
          if (j <= i || find(i) === find(j)) continue;
          if (polygonsDistance(units[i]!.polygons!, units[j]!.polygons!, gap) <= gap) join(i, j);
        }
      });
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!ok[i]) continue;
    const r = find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(i);
  }
  const areas: BlockArea[] = [];
  const unitArea = new Int32Array(n);
  let inside = 0;
  for (const g of [...groups.values()].sort((a, b) => a[0]! - b[0]!)) {
    let heat = 0, land = 0, floor = 0, peak = 0, trench = 0;
    let floorKnown = true, peakKnown = true;
    for (const i of g) {
      const u = units[i]!;
      heat += u.heatMWh;
      land += u.landM2;
      if (u.floorM2 === undefined) floorKnown = false;
      else floor += u.floorM2;
      if (u.peakKw === undefined) peakKnown = false;
      else peak += u.peakKw;
      trench += perssonWerner(u.landM2, u.floorM2, u.heatMWh, { plotRatio: u.floorM2 === undefined ? opts.plotRatio : undefined }).trenchM;
    }
    if (!(heat >= areaT * 1000)) continue;
    // area-level estimate from the summed trench of its units (each block's own plot ratio)
    const pw = perssonWerner(land, floorKnown ? floor : undefined, heat, { plotRatio: floorKnown ? undefined : opts.plotRatio });
    const gjPerM = (heat / trench) * 3.6;
    const d = gjPerM < 1.5 ? 0.02 : 0.0486 * Math.log(gjPerM) + 0.0007;
    const distribution: DistributionEstimate = {
      plotRatio: pw.plotRatio,
      effectiveWidthM: land / trench,
      trenchM: trench,
      linearHeatDensityMWhPerM: heat / trench,
      diameterM: d,
      capitalEur: trench * (PERSSON_WERNER.c1EurPerM + PERSSON_WERNER.c2EurPerM2 * d),
    };
    const id = areas.length + 1;
    for (const i of g) unitArea[i] = id;
    inside += heat;
    areas.push({
      id,
      units: g.map((i) => units[i]!.id),
      unitIndex: g,
      heatMWh: heat,
      floorM2: floorKnown ? floor : undefined,
      landM2: land,
      peakKw: peakKnown ? peak : undefined,
      landDensityKWhPerM2: (heat * 1000) / land,
      distribution,
      heatSupplyAct: peakKnown ? peak >= BLOCK_AREA_DEFAULTS.heatSupplyActKw : undefined,
    });
  }
  return { areas, unitArea, qualifying: ok.reduce((s, v) => s + v, 0), totalDemandMWh: total, areasDemandMWh: inside, unitsWithoutFloorArea: noFloor };
}

/** Smallest distance between the exterior rings of two polygon sets (0 when they overlap), m; stops early at <= stop. */
export function polygonsDistance(a: Float64Array[][], b: Float64Array[][], stop = 0): number {
  let best = Infinity;
  for (const pa of a)
    for (const pb of b) {
      const ra = pa[0]!, rb = pb[0]!;
      if (pointInRing(ra[0]!, ra[1]!, rb) || pointInRing(rb[0]!, rb[1]!, ra)) return 0;
      const na = ra.length / 2, nb = rb.length / 2;
      for (let i = 0; i < na; i++) {
        const i2 = (i + 1) % na;
        for (let j = 0; j < nb; j++) {
          const j2 = (j + 1) % nb;
          const d = segSeg(ra[2 * i]!, ra[2 * i + 1]!, ra[2 * i2]!, ra[2 * i2 + 1]!, rb[2 * j]!, rb[2 * j + 1]!, rb[2 * j2]!, rb[2 * j2 + 1]!);
          if (d < best) {
            best = d;
            if (best <= stop) return best;
          }
        }
      }
    }
  return best;
}

function ptSeg(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}

function segSeg(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): number {
  const o = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => (qx - px) * (ry - py) - (qy - py) * (rx - px);
  const d1 = o(ax, ay, bx, by, cx, cy), d2 = o(ax, ay, bx, by, dx, dy), d3 = o(cx, cy, dx, dy, ax, ay), d4 = o(cx, cy, dx, dy, bx, by);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(ptSeg(ax, ay, cx, cy, dx, dy), ptSeg(bx, by, cx, cy, dx, dy), ptSeg(cx, cy, ax, ay, bx, by), ptSeg(dx, dy, ax, ay, bx, by));
}
