/**
 * The colours of heatplan: the classed scales and fixed styles of the plan-sheet exports (engine/export/map, the
 * report) and the ramps and palettes of the deck.gl viewer (viewer/src), in one module. No Node imports: viewer/
 * imports this file.
 *
 * Class breaks that are planning thresholds come from METHODS.md section 4 (333 MWh/(ha·a) Hotmaps cell threshold,
 * 0.17 kW/m seed 003 / C.A.R.M.E.N.); the other breaks are display classes only (an assumption, documented here):
 * they make a map readable, they are not criteria.
 */

// ---------------------------------------------------------------------------------------------------------------
// plan sheets and report: classed scales, hex colours

/** An RGB colour, 0-255 per channel. */
export type Rgb = [number, number, number];

/** One class of a classed colour scale: values in [min, max) get `color`. */
export interface ColorClass {
  min: number;
  max: number;
  color: string;
  label: string;
}

/** A classed scale with its title and unit, as a legend shows it. */
export interface ClassedScale {
  title: string;
  unit: string;
  classes: ColorClass[];
}

/** '#rrggbb' to [r, g, b]. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** Index of the class holding `value` (first class for values below it, last for values above); -1 for NaN. */
export function classIndex(scale: ClassedScale, value: number): number {
  if (!(value === value)) return -1;
  const c = scale.classes;
  for (let i = 0; i < c.length - 1; i++) if (value < c[i]!.max) return i;
  return c.length - 1;
}

/** Colour of `value` in `scale`, or undefined for NaN. */
export function classColor(scale: ClassedScale, value: number): string | undefined {
  const i = classIndex(scale, value);
  return i < 0 ? undefined : scale.classes[i]!.color;
}

/** Format a class bound for a legend: 3 significant digits, thousands separated. */
export function formatBound(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(a)));
  const s = v.toFixed(digits);
  const [int, frac] = s.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac !== undefined ? `${grouped}.${frac.replace(/0+$/, '')}`.replace(/\.$/, '') : grouped;
}

function classesFromBreaks(breaks: number[], colors: string[]): ColorClass[] {
  if (colors.length !== breaks.length + 1) throw new Error('need one colour more than breaks');
  const out: ColorClass[] = [];
  for (let i = 0; i <= breaks.length; i++) {
    const min = i === 0 ? -Infinity : breaks[i - 1]!;
    const max = i === breaks.length ? Infinity : breaks[i]!;
    const label =
      i === 0 ? `< ${formatBound(max)}` : i === breaks.length ? `≥ ${formatBound(min)}` : `${formatBound(min)} – ${formatBound(max)}`;
    out.push({ min, max, color: colors[i]!, label });
  }
  return out;
}

/** ColorBrewer YlOrRd, 5 classes. */
export const DEMAND_COLORS = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];

/**
 * Heat demand density classes, MWh/(ha·a). Breaks: 50 and 150 (display classes, assumption), the area method's cell
 * threshold (default 333, Hotmaps), 700 (VICUS supply-area guide 70 kWh per m² of land per year).
 */
export function demandDensityScale(cellThresholdMWhPerHa = 333): ClassedScale {
  const t = cellThresholdMWhPerHa;
  const breaks = [50, 150, t, 700].sort((a, b) => a - b).filter((b, i, a) => i === 0 || b > a[i - 1]!);
  const colors = breaks.length === 4 ? DEMAND_COLORS : DEMAND_COLORS.slice(DEMAND_COLORS.length - breaks.length - 1);
  return { title: 'Heat demand density', unit: 'MWh/(ha·a)', classes: classesFromBreaks(breaks, colors) };
}

/** Pipe classes by linear heat density, red below the threshold, blue above. */
export const PIPE_COLORS = ['#d7191c', '#fdae61', '#abd9e9', '#2c7bb6'];

/**
 * Pipes by kW per metre of pipe (seed 003 convention). The threshold (default 0.17 kW/m) is the colour break between
 * warm and cool colours; half and twice the threshold are display breaks (assumption).
 */
export function pipeKwPerMScale(thresholdKwPerM = 0.17): ClassedScale {
  const t = thresholdKwPerM;
  return { title: 'Pipes, heat-supply density', unit: 'kW/m', classes: classesFromBreaks([t / 2, t, 2 * t], PIPE_COLORS) };
}

/** ColorBrewer Blues, 5 classes. */
export const POTENTIAL_COLORS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];

/** A 1-2-5 number at or above `v`. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/** Potential heat available per cell (kW), five equal classes up to a nice maximum of the data. */
export function potentialScale(maxKw: number, title = 'Heat-source potential'): ClassedScale {
  const top = niceCeil(maxKw > 0 ? maxKw : 1);
  const step = top / 5;
  return { title, unit: 'kW per cell', classes: classesFromBreaks([1, 2, 3, 4].map((k) => k * step), POTENTIAL_COLORS) };
}

/** Building use category colours (categories of engine/buildings/table.ts USE_CATEGORIES). */
export const USE_COLORS: Record<string, string> = {
  office: '#1f78b4',
  commercial: '#e31a1c',
  lodging: '#ff7f00',
  residential_detached: '#fdbf6f',
  residential_apartment: '#b15928',
  education: '#33a02c',
  medical_welfare: '#fb9a99',
  public_office: '#6a3d9a',
  factory_warehouse: '#7f7f7f',
  greenhouse: '#b2df8a',
  unknown: '#d9d9d9',
};

/** Readable label of a use category. */
export function useLabel(use: string): string {
  const s = use.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Colour of a use category; categories outside the table get the 'unknown' grey. */
export function useColor(use: string): string {
  return USE_COLORS[use] ?? USE_COLORS.unknown!;
}

/** Fixed colours of point and outline layers. */
export const STYLE = {
  areaStroke: '#6a3d9a',
  areaFill: '#6a3d9a',
  areaFillOpacity: 0.12,
  blockStroke: '#555555',
  serviceStroke: '#555555',
  consumer: '#222222',
  dropped: '#e31a1c',
  plantFill: '#ffd700',
  plantStroke: '#000000',
  buildingStroke: '#333333',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// viewer: continuous ramps and palettes, RGBA 0-255 (shared by the layers, the legend and the hourly chart)

export type Rgba = [number, number, number, number];

/** Yellow-orange-red (ColorBrewer YlOrRd, 7 classes) for demand density and potentials. */
export const YL_OR_RD: Rgba[] = [
  [255, 255, 178, 255],
  [254, 217, 118, 255],
  [254, 178, 76, 255],
  [253, 141, 60, 255],
  [252, 78, 42, 255],
  [227, 26, 28, 255],
  [177, 0, 38, 255],
];
/** Blues (ColorBrewer) for potentials. */
export const BLUES: Rgba[] = [
  [222, 235, 247, 255],
  [158, 202, 225, 255],
  [107, 174, 214, 255],
  [49, 130, 189, 255],
  [8, 81, 156, 255],
];

/** Colour of t in [0, 1] along a ramp (linear between stops). */
export function ramp(stops: Rgba[], t: number, out: Rgba | Uint8Array = [0, 0, 0, 255], o = 0): Rgba | Uint8Array {
  const x = Math.min(1, Math.max(0, t === t ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  for (let k = 0; k < 4; k++) out[o + k] = Math.round(a[k]! + (b[k]! - a[k]!) * f);
  return out;
}

/** CSS gradient of a ramp, for the legend. */
export function cssGradient(stops: Rgba[]): string {
  return `linear-gradient(to right, ${stops.map((c) => `rgb(${c[0]},${c[1]},${c[2]})`).join(', ')})`;
}

/** Qualitative palette for building uses (ColorBrewer Set2 + Dark2). */
export const USE_PALETTE: Rgba[] = [
  [102, 194, 165, 255],
  [252, 141, 98, 255],
  [141, 160, 203, 255],
  [231, 138, 195, 255],
  [166, 216, 84, 255],
  [255, 217, 47, 255],
  [229, 196, 148, 255],
  [27, 158, 119, 255],
  [217, 95, 2, 255],
  [117, 112, 179, 255],
  [231, 41, 138, 255],
  [102, 166, 30, 255],
];

/** Pipes: below the kW/m threshold red, at or above it blue getting darker up to 4x the threshold. */
export const BELOW_THRESHOLD: Rgba = [215, 48, 39, 255];
export const ABOVE_THRESHOLD: Rgba[] = [
  [145, 191, 219, 255],
  [69, 117, 180, 255],
  [49, 54, 149, 255],
];

export function pipeColor(kwPerM: number, thresholdKwPerM: number): Rgba {
  if (!(kwPerM >= thresholdKwPerM)) return BELOW_THRESHOLD;
  return ramp(ABOVE_THRESHOLD, (kwPerM - thresholdKwPerM) / (3 * thresholdKwPerM)) as Rgba;
}

export const css = (c: Rgba): string => `rgb(${c[0]},${c[1]},${c[2]})`;

/** Fixed colours of the viewer's point, line and outline layers (and their legend swatches), RGBA 0-255. */
export const VIEWER_STYLE = {
  /** Supply areas: outline; the fill takes `areaFillAlpha`. */
  area: [118, 42, 131, 255] as Rgba,
  areaFillAlpha: 40,
  blockStroke: [90, 90, 90, 255] as Rgba,
  /** Blocks without a density. */
  blockEmpty: [200, 200, 200, 60] as Rgba,
  blockFillAlpha: 140,
  buildingHighlight: [0, 0, 0, 90] as Rgba,
  consumer: [241, 105, 19, 230] as Rgba,
  consumerStroke: [255, 255, 255, 255] as Rgba,
  dropped: [200, 0, 0, 255] as Rgba,
  plantFill: [40, 40, 40, 255] as Rgba,
  plantStroke: [255, 215, 0, 255] as Rgba,
  road: [130, 130, 130, 255] as Rgba,
  service: [110, 110, 110, 200] as Rgba,
} as const;

/** Line colours of the viewer's hourly chart (CSS). */
export const SERIES_COLORS = { demand: '#000', surplus: '#1a9850', backup: '#d73027', losses: '#888' };
