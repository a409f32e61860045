/** Colour scales of the viewer, shared by the layers and the legend. RGBA 0-255. */
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
