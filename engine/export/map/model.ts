/**
 * The drawing model of a plan sheet: a flat list of primitives in paper millimetres (origin top-left, y down),
 * rendered unchanged by the SVG, PDF and PNG back ends. Groups carry an id so tests and readers can find the
 * scale bar, legend, north arrow and attribution in every format.
 */

export interface Style {
  /** '#rrggbb' or undefined for none. */
  fill?: string;
  fillOpacity?: number;
  stroke?: string;
  strokeOpacity?: number;
  /** Stroke width, mm on paper. */
  strokeWidthMm?: number;
  /** Dash pattern, mm. */
  dashMm?: number[];
  /** Fill rule for polygons with holes. */
  evenOdd?: boolean;
}

/** A path of one or more rings/lines; coordinates as flat [x0, y0, x1, y1, ...] in mm. */
export interface PathPrim extends Style {
  kind: 'path';
  parts: Float64Array[];
  closed: boolean;
}

export interface RectPrim extends Style {
  kind: 'rect';
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface CirclePrim extends Style {
  kind: 'circle';
  cx: number;
  cy: number;
  rMm: number;
}

export interface TextPrim {
  kind: 'text';
  x: number;
  /** Baseline y, mm. */
  y: number;
  text: string;
  /** Font size (em height), mm. */
  sizeMm: number;
  anchor: 'start' | 'middle' | 'end';
  bold?: boolean;
  color?: string;
  /** A halo drawn under the glyphs (labels over the map): its colour; width `haloMm`. */
  halo?: string;
  haloMm?: number;
}

/** An RGBA raster stretched over a mm rectangle, drawn without smoothing (grid cells stay crisp). */
export interface ImagePrim {
  kind: 'image';
  x: number;
  y: number;
  w: number;
  h: number;
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Start of a group; everything until the matching group-end belongs to it. `clip` clips its content to a rectangle. */
export interface GroupStart {
  kind: 'group';
  id?: string;
  /** Extra machine-readable facts written as data-* attributes in SVG (scale, bar length). */
  data?: Record<string, string | number>;
  clip?: { x: number; y: number; w: number; h: number };
}

export interface GroupEnd {
  kind: 'end';
}

export type Prim = PathPrim | RectPrim | CirclePrim | TextPrim | ImagePrim | GroupStart | GroupEnd;

/** A sheet: paper size in mm and its primitives in drawing order. */
export interface Drawing {
  widthMm: number;
  heightMm: number;
  prims: Prim[];
  /** Title for document metadata. */
  title: string;
}

/** Collects primitives; `group(id, fn)` keeps groups balanced. */
export class DrawingBuilder {
  readonly prims: Prim[] = [];

  add(p: Prim): void {
    this.prims.push(p);
  }

  group(opts: Omit<GroupStart, 'kind'>, fn: () => void): void {
    this.prims.push({ kind: 'group', ...opts });
    try {
      fn();
    } finally {
      this.prims.push({ kind: 'end' });
    }
  }

  rect(x: number, y: number, w: number, h: number, style: Style): void {
    this.prims.push({ kind: 'rect', x, y, w, h, ...style });
  }

  line(coords: number[], style: Style): void {
    this.prims.push({ kind: 'path', parts: [Float64Array.from(coords)], closed: false, ...style });
  }

  text(x: number, y: number, text: string, sizeMm: number, opts: { anchor?: TextPrim['anchor']; bold?: boolean; color?: string; halo?: string; haloMm?: number } = {}): void {
    const halo = opts.halo ? { halo: opts.halo, haloMm: opts.haloMm ?? sizeMm * 0.25 } : {};
    this.prims.push({ kind: 'text', x, y, text, sizeMm, anchor: opts.anchor ?? 'start', bold: opts.bold, color: opts.color, ...halo });
  }
}

/** Points per mm (PDF user space). */
export const PT_PER_MM = 72 / 25.4;

/** Whether a string needs a font with Japanese/CJK glyphs. */
export function needsCjk(s: string): boolean {
  return /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]/.test(s);
}

/**
 * Approximate advance width of `text` in mm at `sizeMm` (DejaVu Sans-like metrics; CJK full width). Used for
 * layout only (legend column widths, wrapping); the back ends draw with real font metrics.
 */
export function textWidthMm(text: string, sizeMm: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (needsCjk(ch)) em += 1;
    else if (ch === ' ') em += 0.32;
    else if ('il.,:;|!\'’`'.includes(ch)) em += 0.3;
    else if ('frtj()[]-'.includes(ch)) em += 0.4;
    else if ('mwMW%@'.includes(ch)) em += 0.9;
    else if (c >= 65 && c <= 90) em += 0.7;
    else if (c >= 48 && c <= 57) em += 0.64;
    else em += 0.6;
  }
  return em * sizeMm * (bold ? 1.08 : 1);
}

/** Characters a line must not start with (Japanese line-breaking rules, 禁則): closing brackets and punctuation. */
const NO_LINE_START = new Set([...'、。，．・：；？！）」』】〕〉》ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ,.:;)]}%']);

/**
 * Split `text` into lines no wider than `maxMm`: at spaces, and between Japanese characters (which have no spaces
 * between words), never before closing punctuation.
 */
export function wrapText(text: string, sizeMm: number, maxMm: number, keep: readonly (string | RegExp)[] = []): string[] {
  // phrases in `keep` (licence names: "CC BY 4.0", counts: "（68ファイル）") are not broken: they become one token,
  // their spaces glued until the end
  const GLUE = '\u0001';
  const OPEN = '\u0002';
  const CLOSE = '\u0003';
  const mark = (m: string) => OPEN + m.replace(/ /g, GLUE) + CLOSE;
  for (const k of keep) {
    if (typeof k === 'string') text = text.split(k).join(mark(k));
    else text = text.replace(new RegExp(k.source, k.flags.includes('g') ? k.flags : k.flags + 'g'), mark);
  }
  // tokens: a Latin word with the space before it, one CJK character, or one kept phrase
  const tokens: { t: string; space: boolean }[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let first = true;
    let latin = '';
    let kept = false;
    const flush = () => {
      if (latin) tokens.push({ t: latin, space: first && tokens.length > 0 }), (first = false), (latin = '');
    };
    for (const ch of word) {
      if (ch === OPEN) {
        flush();
        kept = true;
      } else if (ch === CLOSE) {
        flush();
        kept = false;
      } else if (!kept && needsCjk(ch)) {
        flush();
        tokens.push({ t: ch, space: first && tokens.length > 0 });
        first = false;
      } else latin += ch;
    }
    flush();
  }
  const lines: string[] = [];
  let cur = '';
  for (const { t, space } of tokens) {
    const next = cur ? `${cur}${space ? ' ' : ''}${t}` : t;
    if (cur && textWidthMm(next, sizeMm) > maxMm && !NO_LINE_START.has(t.charAt(0))) {
      lines.push(cur);
      cur = t;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return keep.length ? lines.map((l) => l.replace(/\u0001/g, ' ')) : lines;
}
