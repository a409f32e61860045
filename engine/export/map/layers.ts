/**
 * Map layers as drawing primitives in paper mm, and their legend entries with units.
 */
import {
  SHEET_STYLE,
  SHEET_USE_COLORS,
  classColor,
  demandDensityScale,
  hexToRgb,
  sheetPipeScale,
  sheetPotentialScale,
  sheetUseColor,
  type ClassedScale,
} from '../../style/palette.js';
import { areasCellThreshold, BLOCK_DENSITY, DEMAND_BAND, POTENTIAL_BAND, POTENTIAL_SOURCE_BANDS, routeThresholdKwPerM, type NetworkKind } from '../../run/contract.js';
import type { DrawingBuilder, PathPrim } from './model.js';
import type { ProjFeature, RunLayers, RunRaster } from './load.js';
import type { BaseLayer } from './base.js';
import { words, type Lang, type SheetWords } from './i18n.js';
import { partsBBox } from '../../geom/rings.js';
import { PLATFORM_STYLE } from './platform-style.js';

/** World (working CRS metres) to paper mm: the map frame centred on (cx, cy) at scale 1:scale. */
export interface View {
  scale: number;
  /** World centre of the frame, m. */
  cx: number;
  cy: number;
  /** Frame on paper, mm. */
  frame: { x: number; y: number; w: number; h: number };
}

/** Paper mm per ground metre. */
export const mmPerM = (v: View): number => 1000 / v.scale;

export function toPaper(v: View, x: number, y: number): [number, number] {
  const k = 1000 / v.scale;
  return [v.frame.x + v.frame.w / 2 + (x - v.cx) * k, v.frame.y + v.frame.h / 2 - (y - v.cy) * k];
}

/** One legend entry: a swatch and its label. */
export interface LegendItem {
  swatch: 'fill' | 'line' | 'point' | 'outline' | 'square' | 'ring' | 'area';
  color: string;
  label: string;
  /** Line width / point radius on paper, mm. */
  sizeMm?: number;
  opacity?: number;
}

export interface LegendBlock {
  title: string;
  /** Stable id of the block (the SVG group is `legend-<id>`), the same in every language. */
  id?: string;
  /** Unit shown after the title, e.g. 'MWh/(ha·a)'. */
  unit?: string;
  items: LegendItem[];
  note?: string;
}

/** Options of the layer drawing that come from the run (thresholds) or the user. */
export interface LayerStyleOptions {
  /** Pipe colour break, kW/m (default from the run's route summary, else 0.17). */
  pipeThresholdKwPerM?: number;
  /** Demand class break, MWh/(ha·a) (default from the run's areas summary, else 333). */
  cellThresholdMWhPerHa?: number;
  /** Language of the legend (default 'en'). */
  lang?: Lang;
  /** The base layer (roads, water) to draw under the thematic layers. */
  base?: BaseLayer;
}

/** Project flat world coordinates to paper. */
function partToPaper(v: View, part: Float64Array): Float64Array {
  const k = 1000 / v.scale;
  const ox = v.frame.x + v.frame.w / 2 - v.cx * k;
  const oy = v.frame.y + v.frame.h / 2 + v.cy * k;
  const out = new Float64Array(part.length);
  for (let i = 0; i < part.length; i += 2) {
    out[i] = ox + part[i]! * k;
    out[i + 1] = oy - part[i + 1]! * k;
  }
  return out;
}

function featurePath(v: View, f: ProjFeature, style: Omit<PathPrim, 'kind' | 'parts' | 'closed'>): PathPrim {
  return { kind: 'path', parts: f.parts.map((p) => partToPaper(v, p)), closed: f.type === 'polygon', ...style };
}

/** Pixels per paper mm for raster layers (enough for crisp cells in PDF/SVG viewers that smooth images). */
const RASTER_PX_PER_MM = 4;
const RASTER_MAX_PX = 4_000_000;

/**
 * A raster layer as an image over its grid bounds, each cell replicated to k x k pixels so that viewers which
 * interpolate images still show sharp cell edges.
 */
function rasterImage(b: DrawingBuilder, v: View, r: RunRaster, colorOf: (i: number) => string | undefined, opacity = 0.85): void {
  const cellMm = (r.cellSize * 1000) / v.scale;
  const kMax = Math.max(1, Math.floor(Math.sqrt(RASTER_MAX_PX / (r.width * r.height))));
  const k = Math.max(1, Math.min(kMax, Math.ceil(cellMm * RASTER_PX_PER_MM), 64));
  const W = r.width * k;
  const H = r.height * k;
  const rgba = new Uint8Array(W * H * 4);
  const cache = new Map<string, [number, number, number]>();
  const alpha = Math.round(opacity * 255);
  for (let row = 0; row < r.height; row++) {
    for (let col = 0; col < r.width; col++) {
      const c = colorOf(row * r.width + col);
      if (!c) continue;
      let rgb = cache.get(c);
      if (!rgb) cache.set(c, (rgb = hexToRgb(c)));
      for (let dy = 0; dy < k; dy++) {
        let p = ((row * k + dy) * W + col * k) * 4;
        for (let dx = 0; dx < k; dx++, p += 4) {
          rgba[p] = rgb[0];
          rgba[p + 1] = rgb[1];
          rgba[p + 2] = rgb[2];
          rgba[p + 3] = alpha;
        }
      }
    }
  }
  const [x, y] = toPaper(v, r.x0, r.y0);
  b.add({ kind: 'image', x, y, w: r.width * cellMm, h: r.height * cellMm, width: W, height: H, rgba });
}

function scaleLegend(s: ClassedScale, swatch: LegendItem['swatch'], note?: string, sizeMm?: number): LegendBlock {
  return { title: s.title, unit: s.unit, items: s.classes.map((c) => ({ swatch, color: c.color, label: c.label, sizeMm })), note };
}

/** The pipe threshold the run's route stage pruned with (manifest.route.thresholds.minKwPerM, kW/m), else undefined. */
export const runPipeThreshold = (run: Pick<RunLayers, 'manifest'>): number | undefined => routeThresholdKwPerM(run.manifest);

/** The cell threshold the run's areas stage used (manifest.areas.cellThreshold_MWh_per_ha, MWh/(ha·a)), else undefined. */
export const runCellThreshold = (run: Pick<RunLayers, 'manifest'>): number | undefined => areasCellThreshold(run.manifest);

function demandDensity(r: RunRaster): Float64Array {
  // demand.tif's annual heat MWh/a per cell (contract DEMAND_BANDS); density per hectare of cell
  const heat = r.bands[DEMAND_BAND.annualHeat]!;
  const ha = (r.cellSize * r.cellSize) / 10_000;
  const d = new Float64Array(heat.length);
  for (let i = 0; i < heat.length; i++) d[i] = heat[i]! / ha;
  return d;
}

/**
 * The heat source bands of potential.tif summed on the sheets: sewage, river, ground, waste heat (POTENTIAL_SOURCE_BANDS)
 * and issue 19's sea water, hot springs, biomass and transformer heat. snow_ice_kW is cold (kW of cooling): not in the
 * heat sum, named apart in the legend note.
 */
export const SHEET_HEAT_SOURCE_BANDS: readonly number[] = [
  ...POTENTIAL_SOURCE_BANDS.map((_, i) => i),
  POTENTIAL_BAND.sea_water,
  POTENTIAL_BAND.hot_spring,
  POTENTIAL_BAND.biomass,
  POTENTIAL_BAND.transformer,
];

/** The platform markers (issue 19): buildings meeting a guideline rule in force (ring) and critical facilities (dot). */
export { PLATFORM_STYLE };

/** Sum of the heat source bands of potential.tif (SHEET_HEAT_SOURCE_BANDS, those the file has), kW per cell. */
export function potentialTotal(r: Pick<RunRaster, 'width' | 'height' | 'bands'>): Float64Array {
  const out = new Float64Array(r.width * r.height);
  for (const i of SHEET_HEAT_SOURCE_BANDS) {
    const b = r.bands[i];
    if (!b) continue;
    for (let j = 0; j < out.length; j++) if (b[j]! === b[j]!) out[j] += b[j]!;
  }
  return out;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN);

/** The frame's ground box, working CRS metres, with `padMm` of paper around it. */
export function viewBox(v: View, padMm = 2): [number, number, number, number] {
  const k = v.scale / 1000;
  const hw = (v.frame.w / 2 + padMm) * k;
  const hh = (v.frame.h / 2 + padMm) * k;
  return [v.cx - hw, v.cy - hh, v.cx + hw, v.cy + hh];
}

/** Whether any vertex box of a feature's parts meets the box. */
function partsMeet(parts: readonly Float64Array[], b: [number, number, number, number]): boolean {
  const [x0, y0, x1, y1] = partsBBox(parts);
  return x0 <= b[2] && b[0] <= x1 && y0 <= b[3] && b[1] <= y1;
}

const withCount = (w: SheetWords, label: string, n: number): string => (w.lang === 'ja' ? `${label}（${n.toLocaleString('en-US')}）` : `${label} (${n.toLocaleString('en-US')})`);

/** How the run's potential stage counted each source it was given, one line per source (the sheet's method note). */
export function potentialMethodLines(run: Pick<RunLayers, 'manifest'>, w: SheetWords): string[] {
  const p = run.manifest.potential;
  if (!p) return [];
  const ja = w.lang === 'ja';
  const par = p.parameters;
  const src = p.sources;
  const reach = (m: number | undefined) => (m === undefined ? '' : ja ? `、${m.toLocaleString('en-US')} m 以内` : `, within ${m.toLocaleString('en-US')} m`);
  const lines: string[] = [];
  if (src?.sewage?.given) {
    const dT = par?.sewage?.dT_K ?? 5;
    lines.push(ja ? `下水：Q = ρ·cp·V·ΔT、ΔT ${dT} K（下水熱ポテンシャルマップ作成の手引き）${reach(src.sewage.accessM)}` : `Sewage: Q = ρ·cp·V·ΔT, ΔT ${dT} K (national sewage-heat guide)${reach(src.sewage.accessM)}`);
  }
  if (src?.river?.given) {
    const dT = String(par?.river?.dT ?? 'min(T - 2, 6) K (PlanHeat)').replace(/,?\s*METHODS\.md[^)]*/, '').replace(/T - 2/, 'T − 2');
    const flow = par?.river?.defaultFlow_m3_s;
    const temp = par?.river?.waterTemp_C;
    const t = Array.isArray(temp) ? (temp.length === 1 ? `${temp[0]}` : `${Math.min(...temp)}–${Math.max(...temp)}`) : temp != null ? String(temp) : undefined;
    lines.push(
      ja
        ? `河川：Q = ρ·cp·流量·ΔT、ΔT = ${dT}${flow != null ? `、流量 ${flow} m³/s` : ''}${t ? `、水温 ${t} °C` : ''}${reach(src.river.accessM)}`
        : `River: Q = ρ·cp·flow·ΔT, ΔT = ${dT}${flow != null ? `, flow ${flow} m³/s` : ''}${t ? `, water ${t} °C` : ''}${reach(src.river.accessM)}`,
    );
  }
  if (src?.ground?.given) {
    const g = par?.ground;
    lines.push(ja ? `地中熱：W/m × 深さ ${g?.depth_m ?? 100} m、間隔 ${g?.spacing_m ?? 10} m` : `Ground: W/m × ${g?.depth_m ?? 100} m boreholes at ${g?.spacing_m ?? 10} m spacing`);
  }
  if (src?.waste_heat?.given) lines.push(ja ? `排熱：各排熱源の kW${reach(src.waste_heat.accessM)}` : `Waste heat: the sources' stated kW${reach(src.waste_heat.accessM)}`);
  return lines;
}

/** Base-layer drawing: water (under the rasters) and roads (over them, under every thematic vector layer). */
function drawWater(b: DrawingBuilder, v: View, base: BaseLayer): boolean {
  const box = viewBox(v, 5);
  let any = false;
  b.group({ id: 'base-water' }, () => {
    const areas = base.waterAreas.filter((rings) => partsMeet(rings, box));
    if (areas.length) {
      b.add({ kind: 'path', parts: areas.flatMap((rings) => rings.map((r) => partToPaper(v, r))), closed: true, fill: SHEET_STYLE.waterFill, stroke: SHEET_STYLE.waterStroke, strokeWidthMm: 0.12, evenOdd: true });
      any = true;
    }
    for (const kind of ['coast', 'stream', 'river'] as const) {
      const lines = base.waterLines.filter((l) => l.kind === kind && partsMeet([l.part], box));
      if (!lines.length) continue;
      const width = kind === 'river' ? 0.45 : kind === 'coast' ? 0.3 : 0.25;
      b.add({ kind: 'path', parts: lines.map((l) => partToPaper(v, l.part)), closed: false, stroke: SHEET_STYLE.waterStroke, strokeWidthMm: width });
      any = true;
    }
  });
  return any;
}

function drawRoads(b: DrawingBuilder, v: View, base: BaseLayer): boolean {
  const box = viewBox(v, 5);
  const roads = base.roads.filter((p) => partsMeet([p], box));
  if (!roads.length) return false;
  b.group({ id: 'base-roads' }, () => {
    b.add({ kind: 'path', parts: roads.map((p) => partToPaper(v, p)), closed: false, stroke: SHEET_STYLE.road, strokeWidthMm: 0.25 });
  });
  return true;
}

/** Label sizes (mm on paper) and colours by kind: buildings and places dark, streets grey, water blue. */
const NAME_STYLE = {
  building: { sizeMm: 2.1, color: '#222222', bold: true },
  place: { sizeMm: 2.4, color: '#333333', bold: true },
  street: { sizeMm: 1.9, color: '#555555', bold: false },
  block: { sizeMm: 1.7, color: '#777777', bold: false },
  water: { sizeMm: 2.1, color: SHEET_STYLE.waterStroke, bold: false },
} as const;

/** Paper width of a label, mm: CJK characters a full em, others about half of one. */
export function labelWidthMm(text: string, sizeMm: number): number {
  let em = 0;
  for (const ch of text) em += /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/.test(ch) ? 1 : 0.56;
  return em * sizeMm;
}

/**
 * Place names over the map: inside the frame, larger features first (buildings by floor area, streets by length),
 * each label kept only where it overlaps no label already placed, so a dense city keeps a readable few.
 */
function drawNames(b: DrawingBuilder, v: View, base: BaseLayer): void {
  const f = v.frame;
  const placed: [number, number, number, number][] = [];
  const order = { place: 0, water: 1, building: 2, street: 3, block: 4 } as const;
  const names = [...base.names].sort((a, c) => order[a.kind] - order[c.kind] || c.weight - a.weight || a.text.localeCompare(c.text));
  const seen = new Set<string>();
  b.group({ id: 'base-names' }, () => {
    for (const n of names) {
      const st = NAME_STYLE[n.kind];
      const [x, y0] = toPaper(v, n.x, n.y);
      const y = n.kind === 'building' ? y0 - st.sizeMm * 1.4 : y0;
      const w = labelWidthMm(n.text, st.sizeMm);
      const box: [number, number, number, number] = [x - w / 2 - 0.5, y - st.sizeMm * 0.6, x + w / 2 + 0.5, y + st.sizeMm * 0.6];
      if (box[0] < f.x || box[2] > f.x + f.w || box[1] < f.y || box[3] > f.y + f.h) continue;
      if (seen.has(`${n.kind}:${n.text}`)) continue;
      if (placed.some((p) => p[0] < box[2] && box[0] < p[2] && p[1] < box[3] && box[1] < p[3])) continue;
      placed.push(box);
      seen.add(`${n.kind}:${n.text}`);
      b.text(x, y + st.sizeMm * 0.35, n.text, st.sizeMm, { anchor: 'middle', bold: st.bold, color: st.color, halo: '#ffffff', haloMm: 0.35 });
    }
  });
}

/**
 * Draw the loaded layers of `run` into `b` (inside the map frame) and return their legend blocks, in drawing order:
 * the base layer's water, rasters, the base layer's roads, then polygons, then lines and points. Only what meets the
 * frame is drawn and counted in the legend.
 */
export function drawLayers(b: DrawingBuilder, v: View, run: RunLayers, opts: LayerStyleOptions = {}): LegendBlock[] {
  const w = words(opts.lang ?? 'en');
  const legend: LegendBlock[] = [];
  const box = viewBox(v);
  const visible = (fs: ProjFeature[] | undefined) => (fs ?? []).filter((f) => partsMeet(f.parts, box));
  const base = opts.base;
  const tiles = base?.tiles;
  if (tiles) {
    // the tile image covers the frame's ground box exactly (engine/export/map.ts reads it for that box)
    const [x0, y1] = toPaper(v, tiles.box[0], tiles.box[3]);
    const [x1, y0] = toPaper(v, tiles.box[2], tiles.box[1]);
    b.group({ id: 'base-tiles' }, () => b.add({ kind: 'image', x: x0, y: y1, w: x1 - x0, h: y0 - y1, width: tiles.width, height: tiles.height, rgba: tiles.rgba }));
  }
  const water = base ? drawWater(b, v, base) : false;

  if (run.potential) {
    const tot = potentialTotal(run.potential);
    let max = 0;
    for (const x of tot) if (x > max) max = x;
    const s = sheetPotentialScale(max, w.potentialTitle);
    b.group({ id: 'layer-potential' }, () => rasterImage(b, v, run.potential!, (i) => (tot[i]! > 0 ? classColor(s, tot[i]!) : undefined)));
    const snow = run.potential.bands[POTENTIAL_BAND.snow_ice];
    let cold = 0;
    if (snow) for (const x of snow) if (x === x && x > 0) cold += x;
    const coldLine = cold > 0 ? [w.lang === 'ja' ? `雪氷熱（冷熱）は合計に含めない：${Math.round(cold).toLocaleString('en-US')} kW` : `Snow and ice (cold) not in the sum: ${Math.round(cold).toLocaleString('en-US')} kW of cooling`] : [];
    const block = scaleLegend(s, 'fill', [w.potentialWhat, ...potentialMethodLines(run, w), ...coldLine, ...(max > 0 ? [] : [w.potentialNone])].join('\n'));
    // a potential that reaches no cell has no classes to show, only why
    legend.push({ ...block, items: max > 0 ? block.items : [], unit: w.potentialUnit, id: 'potential' });
  }

  if (run.demand) {
    const cellThreshold = opts.cellThresholdMWhPerHa ?? runCellThreshold(run) ?? 333;
    const s = demandDensityScale(cellThreshold);
    const d = demandDensity(run.demand);
    b.group({ id: 'layer-demand' }, () => rasterImage(b, v, run.demand!, (i) => (d[i]! > 0 ? classColor(s, d[i]!) : undefined)));
    legend.push({ ...scaleLegend(s, 'fill', w.demandNote(run.demand.cellSize, cellThreshold)), title: w.demandTitle, unit: w.demandUnit, id: 'heat-demand-density' });
  }

  const roads = base ? drawRoads(b, v, base) : false;

  if (run.blocks) {
    const s = demandDensityScale(opts.cellThresholdMWhPerHa ?? runCellThreshold(run) ?? 333);
    const fill = !run.demand;
    b.group({ id: 'layer-blocks' }, () => {
      for (const f of visible(run.blocks)) {
        if (f.type !== 'polygon') continue;
        const c = fill ? classColor(s, num(f.props[BLOCK_DENSITY])) : undefined;
        b.add(featurePath(v, f, { stroke: SHEET_STYLE.blockStroke, strokeWidthMm: 0.15, fill: c, fillOpacity: c ? 0.8 : undefined, evenOdd: true }));
      }
    });
    if (fill) legend.push({ ...scaleLegend(s, 'fill'), title: w.blocksDensityTitle, unit: w.demandUnit, id: 'blocks-heat-demand-density' });
    else legend.push({ title: w.blocksTitle, id: 'blocks', items: [{ swatch: 'outline', color: SHEET_STYLE.blockStroke, label: w.blockOutline, sizeMm: 0.15 }] });
  }

  if (run.areas) {
    const areas = visible(run.areas).filter((f) => f.type === 'polygon');
    b.group({ id: 'layer-areas' }, () => {
      for (const f of areas) {
        b.add(featurePath(v, f, { stroke: SHEET_STYLE.areaStroke, strokeWidthMm: 0.6, fill: SHEET_STYLE.areaStroke, fillOpacity: SHEET_STYLE.areaFillOpacity, evenOdd: true }));
      }
    });
    const t = run.manifest.areas?.areaThreshold_GWh;
    legend.push({
      title: w.areasTitle,
      id: 'supply-areas',
      items: [{ swatch: 'area', color: SHEET_STYLE.areaStroke, label: w.areaItem(areas.length), opacity: SHEET_STYLE.areaFillOpacity, sizeMm: 0.6 }],
      // the blocks method has no area threshold (0): no note then
      note: t !== undefined && t > 0 ? w.areasNote(t) : undefined,
    });
  }

  if (run.buildings) {
    const present = new Map<string, number>();
    b.group({ id: 'layer-buildings' }, () => {
      for (const f of visible(run.buildings)) {
        if (f.type !== 'polygon') continue;
        const use = String(f.props.use ?? 'unknown');
        present.set(use, (present.get(use) ?? 0) + 1);
        b.add(featurePath(v, f, { fill: sheetUseColor(use), stroke: SHEET_STYLE.buildingStroke, strokeWidthMm: 0.08, evenOdd: true }));
      }
    });
    const order = Object.keys(SHEET_USE_COLORS);
    const uses = [...present.keys()].sort((a, c) => (order.indexOf(a) + 1 || 99) - (order.indexOf(c) + 1 || 99));
    legend.push({ title: w.buildingsTitle, id: 'buildings-by-use', items: uses.map((u) => ({ swatch: 'fill', color: sheetUseColor(u), label: withCount(w, w.useLabel(u), present.get(u)!) })) });
  }

  if (run.network) {
    const threshold = opts.pipeThresholdKwPerM ?? runPipeThreshold(run);
    const s = sheetPipeScale(threshold ?? 0.17);
    const net = visible(run.network);
    const by = (kind: NetworkKind) => net.filter((f) => f.props.kind === kind);
    const services = by('service');
    const pipes = by('pipe');
    const consumers = by('consumer');
    const dropped = by('dropped');
    const plants = by('plant');
    // buildings left out of the network: small grey dots under it, so a city's thousands of them stay quiet
    b.group({ id: 'layer-dropped' }, () => {
      for (const f of dropped) {
        const [x, y] = toPaper(v, f.parts[0]![0]!, f.parts[0]![1]!);
        b.add({ kind: 'circle', cx: x, cy: y, rMm: 0.3, fill: SHEET_STYLE.dropped });
      }
    });
    b.group({ id: 'layer-services' }, () => {
      for (const f of services) b.add(featurePath(v, f, { stroke: SHEET_STYLE.serviceStroke, strokeWidthMm: 0.15, dashMm: [0.6, 0.4] }));
    });
    b.group({ id: 'layer-pipes' }, () => {
      // thin pipes first so trunk lines stay on top
      const sorted = [...pipes].sort((a, c) => num(a.props.DN) - num(c.props.DN));
      const width = (f: ProjFeature) => {
        const dn = num(f.props.DN);
        return Number.isFinite(dn) ? Math.min(1.4, Math.max(0.35, 0.3 + dn / 200)) : 0.5;
      };
      // a white casing keeps pipes readable over the demand colours
      for (const f of sorted) b.add(featurePath(v, f, { stroke: '#ffffff', strokeWidthMm: width(f) + 0.5 }));
      for (const f of sorted) b.add(featurePath(v, f, { stroke: classColor(s, num(f.props.kw_per_m)) ?? '#000000', strokeWidthMm: width(f) }));
    });
    b.group({ id: 'layer-consumers' }, () => {
      for (const f of consumers) {
        const [x, y] = toPaper(v, f.parts[0]![0]!, f.parts[0]![1]!);
        b.add({ kind: 'circle', cx: x, cy: y, rMm: 0.45, fill: SHEET_STYLE.consumer });
      }
    });
    b.group({ id: 'layer-plants' }, () => {
      for (const f of plants) {
        const [x, y] = toPaper(v, f.parts[0]![0]!, f.parts[0]![1]!);
        b.rect(x - 1.6, y - 1.6, 3.2, 3.2, { fill: SHEET_STYLE.plantFill, stroke: SHEET_STYLE.plantStroke, strokeWidthMm: 0.35 });
      }
    });
    const block = scaleLegend(s, 'line', w.pipesNote(threshold), 0.8);
    block.title = w.pipesTitle;
    block.id = 'pipes-heat-supply-density';
    const extra: LegendBlock = { title: w.networkTitle, id: 'network', items: [] };
    if (services.length) extra.items.push({ swatch: 'line', color: SHEET_STYLE.serviceStroke, label: w.service, sizeMm: 0.15 });
    extra.items.push({ swatch: 'point', color: SHEET_STYLE.consumer, label: w.consumer(consumers.length), sizeMm: 0.45 });
    if (dropped.length) extra.items.push({ swatch: 'point', color: SHEET_STYLE.dropped, label: w.dropped(dropped.length), sizeMm: 0.3 });
    if (plants.length) extra.items.push({ swatch: 'square', color: SHEET_STYLE.plantFill, label: w.plant(plants.length), sizeMm: 1.6 });
    legend.push(block, extra);
  }

  if (run.platform) {
    const pl = run.platform;
    const inFrame = (p: { x: number; y: number }) => p.x >= box[0] && p.x <= box[2] && p.y >= box[1] && p.y <= box[3];
    const flagged = pl.flagged.filter(inFrame);
    const critical = pl.critical.filter(inFrame);
    b.group({ id: 'layer-platform' }, () => {
      for (const f of flagged) {
        const [x, y] = toPaper(v, f.x, f.y);
        b.add({ kind: 'circle', cx: x, cy: y, rMm: 1.3, stroke: PLATFORM_STYLE.guidelineRing, strokeWidthMm: 0.35 });
      }
      for (const f of critical) {
        const [x, y] = toPaper(v, f.x, f.y);
        b.add({ kind: 'circle', cx: x, cy: y, rMm: 0.9, fill: PLATFORM_STYLE.criticalFill, stroke: PLATFORM_STYLE.criticalStroke, strokeWidthMm: 0.25 });
      }
    });
    const ja = w.lang === 'ja';
    const inForce = pl.file.guidelines.rules.filter((r) => r.applies);
    const items: LegendItem[] = [];
    if (inForce.length)
      items.push({ swatch: 'ring', color: PLATFORM_STYLE.guidelineRing, label: withCount(w, ja ? '自治体の指針の基準を満たす建物' : 'Building meeting a municipal guideline rule', flagged.length), sizeMm: 1.3 });
    if (critical.length || pl.file.critical.facilities.length)
      items.push({ swatch: 'point', color: PLATFORM_STYLE.criticalFill, label: withCount(w, ja ? '重要施設（病院・福祉・避難所・庁舎）' : 'Critical facility (hospital, welfare, shelter, city hall)', critical.length), sizeMm: 0.9 });
    const note = inForce.length
      ? (ja ? '適用される基準：' : 'Rules in force: ') + inForce.map((r) => `${r.rule} (${r.quantity} ${r.operator} ${r.threshold.toLocaleString('en-US')} ${r.unit})`).join(', ')
      : ja
        ? 'このランの自治体に適用される基準なし（seed 000 の指針の表）'
        : "No guideline rule in force for the run's municipality (seed 000's table)";
    legend.push({ title: ja ? '地域の熱プラットフォーム' : 'Platform view', id: 'platform', items, note });
  }

  if (base?.names.length) drawNames(b, v, base);

  if (roads || water || tiles) {
    const items: LegendItem[] = [];
    if (roads) items.push({ swatch: 'line', color: SHEET_STYLE.road, label: w.roads, sizeMm: 0.25 });
    if (water) items.push({ swatch: 'fill', color: SHEET_STYLE.waterFill, label: w.water });
    if (tiles) items.push({ swatch: 'fill', color: '#dddddd', label: w.tiles(tiles.name ?? tiles.attribution) });
    legend.push({ title: w.baseTitle, id: 'base-map', items });
  }
  return legend;
}

/** Bounding box [xmin, ymin, xmax, ymax] of everything loaded, working CRS metres; undefined when empty. */
export function runExtent(run: RunLayers): [number, number, number, number] | undefined {
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  const addRaster = (r: RunRaster | undefined) => {
    if (!r) return;
    // extent of the non-empty cells, so a padded grid does not shrink the map
    for (let row = 0; row < r.height; row++) {
      for (let col = 0; col < r.width; col++) {
        let any = false;
        for (const band of r.bands) {
          const x = band[row * r.width + col]!;
          if (x === x && x !== 0) {
            any = true;
            break;
          }
        }
        if (!any) continue;
        xmin = Math.min(xmin, r.x0 + col * r.cellSize);
        xmax = Math.max(xmax, r.x0 + (col + 1) * r.cellSize);
        ymax = Math.max(ymax, r.y0 - row * r.cellSize);
        ymin = Math.min(ymin, r.y0 - (row + 1) * r.cellSize);
      }
    }
  };
  addRaster(run.demand);
  addRaster(run.potential);
  for (const fs of [run.blocks, run.areas, run.buildings, run.network]) {
    if (!fs) continue;
    for (const f of fs) {
      for (const p of f.parts) {
        for (let i = 0; i < p.length; i += 2) {
          const x = p[i]!;
          const y = p[i + 1]!;
          if (x < xmin) xmin = x;
          if (x > xmax) xmax = x;
          if (y < ymin) ymin = y;
          if (y > ymax) ymax = y;
        }
      }
    }
  }
  return xmin <= xmax ? [xmin, ymin, xmax, ymax] : undefined;
}
