/**
 * Paper sizes, map scales and scale bars. A map at scale 1:S shows S mm of ground per mm of paper, so a ground
 * length of L metres is drawn L·1000/S mm long.
 */

export type PaperName = 'A4' | 'A3';

/** ISO 216 sizes in mm, portrait (width, height). */
export const PAPER_MM: Record<PaperName, [number, number]> = { A4: [210, 297], A3: [297, 420] };

export function paperSize(name: PaperName, landscape: boolean): { widthMm: number; heightMm: number } {
  const [w, h] = PAPER_MM[name];
  return landscape ? { widthMm: h, heightMm: w } : { widthMm: w, heightMm: h };
}

/** Scale denominators a plan uses: 1, 2, 2.5, 5 x 10^k (1:500, 1:1,000, 1:2,500, 1:5,000, 1:10,000, ...). */
export function niceScales(minDenominator = 100, maxDenominator = 1e8): number[] {
  const out: number[] = [];
  for (let p = 1; p <= maxDenominator; p *= 10) {
    for (const m of [1, 2, 2.5, 5]) {
      const s = m * p;
      if (s >= minDenominator && s <= maxDenominator) out.push(s);
    }
  }
  return out;
}

/**
 * The smallest nice scale denominator at which a ground extent of `extentWM` x `extentHM` metres fits a frame of
 * `frameWMm` x `frameHMm` mm, keeping `marginFrac` of the frame free on each side.
 */
export function chooseScale(extentWM: number, extentHM: number, frameWMm: number, frameHMm: number, marginFrac = 0.02): number {
  const usableW = frameWMm * (1 - 2 * marginFrac);
  const usableH = frameHMm * (1 - 2 * marginFrac);
  const need = Math.max((Math.max(extentWM, 1) * 1000) / usableW, (Math.max(extentHM, 1) * 1000) / usableH);
  for (const s of niceScales()) if (s >= need) return s;
  return need;
}

/**
 * The standard series of plan scales: 1, 2.5 and 5 x 10^k (1:1,000, 1:2,500, 1:5,000, 1:10,000, 1:25,000, 1:50,000,
 * 1:100,000, ...), the scales of Japanese urban planning maps (都市計画図 1:2,500, 1:10,000; 地形図 1:25,000,
 * 1:50,000) and of European plan sheets alike.
 */
export function standardScales(minDenominator = 100, maxDenominator = 1e8): number[] {
  const out: number[] = [];
  for (let p = 1; p <= maxDenominator; p *= 10) {
    for (const m of [1, 2.5, 5]) {
      const s = m * p;
      if (s >= minDenominator && s <= maxDenominator) out.push(s);
    }
  }
  return out;
}

/** The smallest scale of the standard series at which the extent fits the frame (as chooseScale, other series). */
export function chooseStandardScale(extentWM: number, extentHM: number, frameWMm: number, frameHMm: number, marginFrac = 0.02): number {
  const usableW = frameWMm * (1 - 2 * marginFrac);
  const usableH = frameHMm * (1 - 2 * marginFrac);
  const need = Math.max((Math.max(extentWM, 1) * 1000) / usableW, (Math.max(extentHM, 1) * 1000) / usableH);
  for (const s of standardScales()) if (s >= need * (1 - 1e-12)) return s;
  return need;
}

/** A scale bar: total ground length, its subdivisions, and the drawn length on paper. */
export interface ScaleBar {
  /** Ground length of the whole bar, m. */
  lengthM: number;
  /** Number of alternating segments. */
  segments: number;
  /** Drawn length on paper, mm (= lengthM·1000/scale). */
  lengthMm: number;
  /** Unit shown in the label: metres below 1 km. */
  unit: 'm' | 'km';
}

/**
 * A scale bar of a round length (1, 2, 5 x 10^k m) whose drawn length is as long as possible but not more than
 * `maxMm` on paper at scale 1:`scale`.
 */
export function scaleBar(scale: number, maxMm = 50): ScaleBar {
  const maxM = (maxMm * scale) / 1000;
  let lengthM = 1;
  for (let p = Math.pow(10, Math.floor(Math.log10(maxM))); p >= 1e-3; p /= 10) {
    const m = [5, 2, 1].find((k) => k * p <= maxM * (1 + 1e-9));
    if (m) {
      lengthM = m * p;
      break;
    }
  }
  const first = Number(String(lengthM).replace(/[^1-9]/g, '').charAt(0));
  const segments = first === 5 ? 5 : first === 2 ? 4 : 5;
  return { lengthM, segments, lengthMm: (lengthM * 1000) / scale, unit: lengthM >= 1000 ? 'km' : 'm' };
}

/** Label for a ground distance in the bar's unit: 250 -> '250', 1500 with unit km -> '1.5'. */
export function formatDistance(m: number, unit: 'm' | 'km'): string {
  const v = unit === 'km' ? m / 1000 : m;
  return Number(v.toPrecision(6)).toString();
}

/** '1:10,000' */
export function formatScale(scale: number): string {
  return `1:${Math.round(scale).toLocaleString('en-US')}`;
}
