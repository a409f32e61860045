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

// ---------------------------------------------------------------------------------------------------------------
// viewer: classed scales, base layers and chart series (additions for real runs)

/** A class of a viewer scale: values in [min, max) get `color` (RGBA 0-255). */
export interface RgbaClass {
  min: number;
  max: number;
  color: Rgba;
  label: string;
}

/** The classes of a plan-sheet scale as RGBA (alpha 0-255), for the viewer's layers and legend. */
export function rgbaClasses(scale: ClassedScale, alpha = 255): RgbaClass[] {
  return scale.classes.map((c) => {
    const [r, g, b] = hexToRgb(c.color);
    return { min: c.min, max: c.max, color: [r, g, b, alpha] as Rgba, label: c.label };
  });
}

/** Index of the class holding `v` (first class below it, last above it); -1 for NaN. */
export function rgbaClassIndex(classes: readonly RgbaClass[], v: number): number {
  if (!(v === v)) return -1;
  for (let i = 0; i < classes.length - 1; i++) if (v < classes[i]!.max) return i;
  return classes.length - 1;
}

/**
 * The viewer's default demand-density classes, MWh/(ha·a): the plan sheets' fixed classes (demandDensityScale: 50,
 * 150, the run's cell threshold, default Hotmaps' 333, and 700), the same on every run, so a dense city is not
 * washed out by its densest cell and two runs compare by colour.
 */
export function viewerDemandClasses(cellThresholdMWhPerHa = 333, alpha = 255): RgbaClass[] {
  return rgbaClasses(demandDensityScale(cellThresholdMWhPerHa), alpha);
}

/**
 * potential.tif's suitability band (engine/potential: classes 0-4) with the viewer's colours and legend labels.
 * Class 0 (no demand in the cell) is not drawn.
 */
export const SUITABILITY_CLASSES: readonly { value: number; color: Rgba; label: string }[] = [
  { value: 0, color: [0, 0, 0, 0], label: 'no demand in the cell' },
  { value: 1, color: [189, 189, 189, 255], label: 'below the density threshold: individual supply' },
  { value: 2, color: [253, 174, 97, 255], label: 'dense enough, no heat source within reach' },
  { value: 3, color: [116, 173, 209, 255], label: 'dense enough, sources within reach cover part of the demand' },
  { value: 4, color: [33, 102, 172, 255], label: 'dense enough, sources within reach cover the demand' },
];

/** Colours of the plants' stacked areas in the hourly chart: none of them green (surplus) or red (backup). */
export const PLANT_SERIES_COLORS: readonly string[] = ['#4e79a7', '#b07aa1', '#9c755f', '#76b7b2', '#edc948', '#bab0ac', '#86bcb6', '#8cd17d'];

/** Fixed colours of the viewer's base layers and of its quiet cut-off consumers, RGBA 0-255. */
export const VIEWER_BASE_STYLE = {
  /** Water bodies (fill) and waterways (lines) of the run's river input. */
  waterFill: [116, 169, 207, 220] as Rgba,
  waterLine: [66, 146, 198, 255] as Rgba,
  /** The route stage's road graph drawn as a base layer. */
  road: [165, 165, 165, 170] as Rgba,
  /** Consumers cut off by the route stage: small grey rings that do not hide the map. */
  droppedQuiet: [105, 105, 105, 170] as Rgba,
  /** Buildings whose use is not known. */
  unknownUse: [205, 205, 205, 255] as Rgba,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// plan sheets: colours chosen so that no two legend colours of a sheet collide (engine/export/map)
//
// A sheet draws building footprints filled by use over the demand-density cells (DEMAND_COLORS, YlOrRd), pipes with
// a white casing over both, supply-area outlines, plants, consumers and a base layer of roads and water. The colours
// below were chosen so that every legend colour differs from every use fill and every demand class by at least
// SHEET_MIN_DELTA_E (CIEDE2000), and the use fills and demand classes from each other (test/export/colours.test.ts).
// The use fills avoid the yellow-orange-red hues of the demand ramp, the purple/blue of the pipes, the dark green of
// the supply areas and the greys of roads, service lines and cut-off consumers. USE_COLORS (above) stays as it was
// for the report's charts.

/**
 * Smallest CIEDE2000 difference between two colours a sheet's legend shows: 12, about five times the just-noticeable
 * difference of ~2.3 (Sharma & Bala 2002). Small marks on a map (building footprints of a few mm, 0.5 mm dots, thin
 * lines) need much larger differences than side-by-side patches to be told apart (Szafir 2017, "Modeling color
 * difference for visualization design": 4-5x the patch JND for small marks); the classes of the demand ramp itself
 * are 16-22 apart.
 */
export const SHEET_MIN_DELTA_E = 12;

/** Building use fills of plan sheets (categories of engine/buildings/table.ts USE_CATEGORIES). */
export const SHEET_USE_COLORS: Record<string, string> = {
  office: '#6969b4',
  commercial: '#c35a87',
  lodging: '#ff9696',
  residential_detached: '#ffd2b4',
  residential_apartment: '#96695a',
  education: '#2ca25f',
  medical_welfare: '#48d1cc',
  public_office: '#007878',
  factory_warehouse: '#87690f',
  greenhouse: '#a5f0b4',
  unheated: '#96a55a',
  /** unknown use: white fill with the building outline (nothing is claimed about it) */
  unknown: '#ffffff',
};

/** A sheet's fill for a use category; categories outside the table get the 'unknown' fill. */
export function sheetUseColor(use: string): string {
  return SHEET_USE_COLORS[use] ?? SHEET_USE_COLORS.unknown!;
}

/**
 * Pipe classes of plan sheets: purple below the kW/m threshold (dark below half of it), blue at or above it (dark
 * from twice the threshold). Not red/orange: those are the demand ramp's colours on the same sheet.
 */
export const SHEET_PIPE_COLORS = ['#762a83', '#c2a5cf', '#4393c3', '#053061'];

/** pipeKwPerMScale's breaks in the sheet's pipe colours. */
export function sheetPipeScale(thresholdKwPerM = 0.17): ClassedScale {
  const t = thresholdKwPerM;
  return { title: 'Pipes, heat-supply density', unit: 'kW/m', classes: classesFromBreaks([t / 2, t, 2 * t], SHEET_PIPE_COLORS) };
}

/**
 * Potential classes of plan sheets (an orchid ramp, CIELAB hue 328°): apart from every use fill drawn over it and
 * from the demand ramp it alternates with; the pipes drawn on top keep their white casing. Not the viewer's blues:
 * on a sheet those are the pipes' and the water's colours.
 */
export const SHEET_POTENTIAL_COLORS = ['#fae1f8', '#dcafd8', '#b980b6', '#935790', '#6a3168'];

/** potentialScale's classes in the sheet's potential colours. */
export function sheetPotentialScale(maxKw: number, title = 'Extractable heat of the sources'): ClassedScale {
  const s = potentialScale(maxKw, title);
  return { ...s, classes: s.classes.map((c, i) => ({ ...c, color: SHEET_POTENTIAL_COLORS[i]! })) };
}

/** Fixed colours of plan sheets' point, line and outline symbols and of the base layer. */
export const SHEET_STYLE = {
  areaStroke: '#00441b',
  areaFillOpacity: 0.08,
  blockStroke: '#555555',
  serviceStroke: '#555555',
  consumer: '#222222',
  /** cut-off consumers: small grey dots, drawn under the network */
  dropped: '#8c8c8c',
  /** plants: a magenta square with a black outline, apart from every fill and dot of the sheet */
  plantFill: '#ff00ff',
  plantStroke: '#000000',
  buildingStroke: '#333333',
  /** base layer: the routed road graph, thin and light */
  road: '#bdbdbd',
  waterFill: '#c0dcf5',
  waterStroke: '#6baed6',
} as const;

/** CIELAB (D65) of an sRGB '#rrggbb' colour. */
export function hexToLab(hex: string): [number, number, number] {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = hexToRgb(hex).map(lin) as [number, number, number];
  const x = (r * 0.4124564 + g * 0.3575761 + b * 0.1804375) / 0.95047;
  const y = r * 0.2126729 + g * 0.7151522 + b * 0.072175;
  const z = (r * 0.0193339 + g * 0.119192 + b * 0.9503041) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu & Dalal 2005; kL = kC = kH = 1). */
export function deltaE2000(lab1: readonly number[], lab2: readonly number[]): number {
  const [L1, a1, b1] = lab1 as [number, number, number];
  const [L2, a2, b2] = lab2 as [number, number, number];
  const rad = Math.PI / 180;
  const C1 = Math.hypot(a1, b1);
  const C2 = Math.hypot(a2, b2);
  const Cm = (C1 + C2) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cm ** 7 / (Cm ** 7 + 25 ** 7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1);
  const C2p = Math.hypot(a2p, b2);
  const hue = (b: number, a: number) => {
    if (a === 0 && b === 0) return 0;
    const h = Math.atan2(b, a) / rad;
    return h < 0 ? h + 360 : h;
  };
  const h1p = hue(b1, a1p);
  const h2p = hue(b2, a2p);
  const dL = L2 - L1;
  const dC = C2p - C1p;
  let dh = 0;
  if (C1p * C2p !== 0) {
    dh = h2p - h1p;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(C1p * C2p) * Math.sin((dh * rad) / 2);
  const Lm = (L1 + L2) / 2;
  const Cmp = (C1p + C2p) / 2;
  let hm = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) > 180) hm = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
    else hm = (h1p + h2p) / 2;
  }
  const T = 1 - 0.17 * Math.cos((hm - 30) * rad) + 0.24 * Math.cos(2 * hm * rad) + 0.32 * Math.cos((3 * hm + 6) * rad) - 0.2 * Math.cos((4 * hm - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hm - 275) / 25) ** 2));
  const RC = 2 * Math.sqrt(Cmp ** 7 / (Cmp ** 7 + 25 ** 7));
  const SL = 1 + (0.015 * (Lm - 50) ** 2) / Math.sqrt(20 + (Lm - 50) ** 2);
  const SC = 1 + 0.045 * Cmp;
  const SH = 1 + 0.015 * Cmp * T;
  const RT = -Math.sin(2 * dTheta * rad) * RC;
  return Math.sqrt((dL / SL) ** 2 + (dC / SC) ** 2 + (dH / SH) ** 2 + RT * (dC / SC) * (dH / SH));
}

/** CIEDE2000 difference of two '#rrggbb' colours. */
export const colourDistance = (a: string, b: string): number => deltaE2000(hexToLab(a), hexToLab(b));
