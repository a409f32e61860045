/**
 * Map layers as drawing primitives in paper mm, and their legend entries with units.
 */
import {
  STYLE,
  classColor,
  demandDensityScale,
  hexToRgb,
  pipeKwPerMScale,
  potentialScale,
  useColor,
  useLabel,
  USE_COLORS,
  type ClassedScale,
} from '../../style/palette.js';
import { areasCellThreshold, BLOCK_DENSITY, DEMAND_BAND, POTENTIAL_SOURCE_BANDS, routeThresholdKwPerM, type NetworkKind } from '../../run/contract.js';
import type { DrawingBuilder, PathPrim } from './model.js';
import type { ProjFeature, RunLayers, RunRaster } from './load.js';

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
  swatch: 'fill' | 'line' | 'point' | 'outline' | 'square' | 'ring';
  color: string;
  label: string;
  /** Line width / point radius on paper, mm. */
  sizeMm?: number;
  opacity?: number;
}

export interface LegendBlock {
  title: string;
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

/** Sum of the source bands of potential.tif (contract POTENTIAL_SOURCE_BANDS, the first four), kW per cell. */
function potentialTotal(r: RunRaster): Float64Array {
  const out = new Float64Array(r.width * r.height);
  for (let i = 0; i < POTENTIAL_SOURCE_BANDS.length; i++) {
    const b = r.bands[i]!;
    for (let j = 0; j < out.length; j++) if (b[j]! === b[j]!) out[j] += b[j]!;
  }
  return out;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN);

/**
 * Draw the loaded layers of `run` into `b` (inside the map frame) and return their legend blocks, in drawing order:
 * rasters first, then polygons, then lines and points.
 */
export function drawLayers(b: DrawingBuilder, v: View, run: RunLayers, opts: LayerStyleOptions = {}): LegendBlock[] {
  const legend: LegendBlock[] = [];
  if (run.potential) {
    const tot = potentialTotal(run.potential);
    let max = 0;
    for (const x of tot) if (x > max) max = x;
    const s = potentialScale(max);
    b.group({ id: 'layer-potential' }, () => rasterImage(b, v, run.potential!, (i) => (tot[i]! > 0 ? classColor(s, tot[i]!) : undefined)));
    legend.push(scaleLegend(s, 'fill', 'All heat sources together'));
  }

  if (run.demand) {
    const cellThreshold = opts.cellThresholdMWhPerHa ?? runCellThreshold(run) ?? 333;
    const s = demandDensityScale(cellThreshold);
    const d = demandDensity(run.demand);
    b.group({ id: 'layer-demand' }, () => rasterImage(b, v, run.demand!, (i) => (d[i]! > 0 ? classColor(s, d[i]!) : undefined)));
    legend.push(scaleLegend(s, 'fill', `${run.demand.cellSize} m cells; ${Math.round(cellThreshold)} = supply-area cell threshold`));
  }

  if (run.blocks) {
    const s = demandDensityScale(opts.cellThresholdMWhPerHa ?? runCellThreshold(run) ?? 333);
    const fill = !run.demand;
    b.group({ id: 'layer-blocks' }, () => {
      for (const f of run.blocks!) {
        if (f.type !== 'polygon') continue;
        const c = fill ? classColor(s, num(f.props[BLOCK_DENSITY])) : undefined;
        b.add(featurePath(v, f, { stroke: STYLE.blockStroke, strokeWidthMm: 0.15, fill: c, fillOpacity: c ? 0.8 : undefined, evenOdd: true }));
      }
    });
    if (fill) legend.push({ ...scaleLegend(s, 'fill'), title: 'Blocks, heat demand density' });
    else legend.push({ title: 'Blocks', items: [{ swatch: 'outline', color: STYLE.blockStroke, label: 'Block outline', sizeMm: 0.15 }] });
  }

  if (run.areas) {
    b.group({ id: 'layer-areas' }, () => {
      for (const f of run.areas!) {
        if (f.type !== 'polygon') continue;
        b.add(
          featurePath(v, f, {
            stroke: STYLE.areaStroke,
            strokeWidthMm: 0.6,
            fill: STYLE.areaFill,
            fillOpacity: STYLE.areaFillOpacity,
            evenOdd: true,
          }),
        );
      }
    });
    const t = run.manifest.areas?.areaThreshold_GWh;
    legend.push({
      title: 'Supply areas',
      items: [{ swatch: 'fill', color: STYLE.areaStroke, label: `Candidate DH area (${run.areas.length})`, opacity: 0.35 }],
      note: t !== undefined ? `areas with ≥ ${t} GWh/a` : undefined,
    });
  }

  if (run.buildings) {
    const present = new Map<string, number>();
    b.group({ id: 'layer-buildings' }, () => {
      for (const f of run.buildings!) {
        if (f.type !== 'polygon') continue;
        const use = String(f.props.use ?? 'unknown');
        present.set(use, (present.get(use) ?? 0) + 1);
        b.add(featurePath(v, f, { fill: useColor(use), stroke: STYLE.buildingStroke, strokeWidthMm: 0.08, evenOdd: true }));
      }
    });
    const order = Object.keys(USE_COLORS);
    const uses = [...present.keys()].sort((a, c) => (order.indexOf(a) + 1 || 99) - (order.indexOf(c) + 1 || 99));
    legend.push({ title: 'Buildings by use', items: uses.map((u) => ({ swatch: 'fill', color: useColor(u), label: `${useLabel(u)} (${present.get(u)})` })) });
  }

  if (run.network) {
    const threshold = opts.pipeThresholdKwPerM ?? runPipeThreshold(run);
    const s = pipeKwPerMScale(threshold ?? 0.17);
    const by = (kind: NetworkKind) => run.network!.filter((f) => f.props.kind === kind);
    const services = by('service');
    const pipes = by('pipe');
    const consumers = by('consumer');
    const dropped = by('dropped');
    const plants = by('plant');
    b.group({ id: 'layer-services' }, () => {
      for (const f of services) b.add(featurePath(v, f, { stroke: STYLE.serviceStroke, strokeWidthMm: 0.15, dashMm: [0.6, 0.4] }));
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
        b.add({ kind: 'circle', cx: x, cy: y, rMm: 0.45, fill: STYLE.consumer });
      }
    });
    b.group({ id: 'layer-dropped' }, () => {
      for (const f of dropped) {
        const [x, y] = toPaper(v, f.parts[0]![0]!, f.parts[0]![1]!);
        b.add({ kind: 'circle', cx: x, cy: y, rMm: 0.7, stroke: STYLE.dropped, strokeWidthMm: 0.3, fill: '#ffffff' });
      }
    });
    b.group({ id: 'layer-plants' }, () => {
      for (const f of plants) {
        const [x, y] = toPaper(v, f.parts[0]![0]!, f.parts[0]![1]!);
        b.rect(x - 1.6, y - 1.6, 3.2, 3.2, { fill: STYLE.plantFill, stroke: STYLE.plantStroke, strokeWidthMm: 0.35 });
      }
    });
    const block = scaleLegend(
      s,
      'line',
      threshold !== undefined ? `break at the run's threshold ${threshold} kW/m` : 'break at 0.17 kW/m (default; the run states none)',
      0.8,
    );
    block.title = 'Pipes, heat-supply density';
    const extra: LegendBlock = { title: 'Network', items: [] };
    if (services.length) extra.items.push({ swatch: 'line', color: STYLE.serviceStroke, label: 'Service connection', sizeMm: 0.15 });
    extra.items.push({ swatch: 'point', color: STYLE.consumer, label: `Connected building (${consumers.length})`, sizeMm: 0.45 });
    if (dropped.length) extra.items.push({ swatch: 'ring', color: STYLE.dropped, label: `Building cut off (${dropped.length})`, sizeMm: 0.7 });
    if (plants.length) extra.items.push({ swatch: 'square', color: STYLE.plantFill, label: `Heat plant (${plants.length})`, sizeMm: 1.6 });
    legend.push(block, extra);
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
