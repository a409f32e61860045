/** A small XML tree reader for the SVG tests (saxes), and measurements of the sheet read back from the SVG. */
import { SaxesParser } from 'saxes';

export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

/** Parse XML into a tree; throws on malformed XML. */
export function parseXml(xml: string): XNode {
  const parser = new SaxesParser();
  const root: XNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XNode[] = [root];
  parser.on('opentag', (t) => {
    const n: XNode = { name: t.name, attrs: t.attributes as Record<string, string>, children: [], text: '' };
    stack[stack.length - 1]!.children.push(n);
    stack.push(n);
  });
  parser.on('text', (t) => {
    stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
  return root.children[0]!;
}

export function* walk(n: XNode): Generator<XNode> {
  yield n;
  for (const c of n.children) yield* walk(c);
}

export function byId(root: XNode, id: string): XNode | undefined {
  for (const n of walk(root)) if (n.attrs.id === id) return n;
  return undefined;
}

export function allText(root: XNode): string[] {
  const out: string[] = [];
  for (const n of walk(root)) if (n.name === 'text') out.push(n.text);
  return out;
}

/** The scale bar as drawn: its extent in mm from its rectangles, and its end label in metres. */
export function readScaleBar(root: XNode): { lengthMm: number; labelM: number; x0: number; y0: number; heightMm: number } {
  const g = byId(root, 'scalebar');
  if (!g) throw new Error('no scale bar group');
  const rects = [...walk(g)].filter((n) => n.name === 'rect');
  const x0 = Math.min(...rects.map((r) => Number(r.attrs.x)));
  const x1 = Math.max(...rects.map((r) => Number(r.attrs.x) + Number(r.attrs.width)));
  const texts = [...walk(g)].filter((n) => n.name === 'text').map((t) => t.text);
  const last = texts.find((t) => /\s(k?m)$/.test(t));
  if (!last) throw new Error(`no unit label in scale bar: ${texts.join(' | ')}`);
  const m = /^([\d.]+)\s(k?m)$/.exec(last)!;
  return {
    lengthMm: x1 - x0,
    labelM: Number(m[1]) * (m[2] === 'km' ? 1000 : 1),
    x0,
    y0: Number(rects[0]!.attrs.y),
    heightMm: Number(rects[0]!.attrs.height),
  };
}

/** The denominator of the 'Scale 1:N' text on the sheet. */
export function readScaleText(root: XNode): number {
  const t = allText(root).find((s) => /^Scale 1:[\d,]+$/.test(s));
  if (!t) throw new Error('no "Scale 1:N" text');
  return Number(t.slice('Scale 1:'.length).replace(/,/g, ''));
}

/** The denominator of the sheet's scale text in either language ('Scale 1:N' or '縮尺 1:N'). */
export function readScaleTextAnyLang(root: XNode): number {
  const t = allText(root).find((s) => /^(Scale|縮尺) 1:[\d,]+$/.test(s));
  if (!t) throw new Error('no "Scale 1:N" or "縮尺 1:N" text');
  return Number(t.replace(/^(Scale|縮尺) 1:/, '').replace(/,/g, ''));
}

/** The map frame's clip rectangle (mm) and the facts the map group carries (scale, fill ratios, what it frames). */
export function readMapFrame(root: XNode): { x: number; y: number; w: number; h: number; data: Record<string, string> } {
  const g = byId(root, 'map');
  if (!g) throw new Error('no map group');
  const clipId = /url\(#([^)]+)\)/.exec(g.attrs['clip-path'] ?? '')?.[1];
  const clip = clipId ? [...walk(root)].find((n) => n.name === 'clipPath' && n.attrs.id === clipId) : undefined;
  const r = clip?.children.find((n) => n.name === 'rect');
  if (!r) throw new Error('no clip rectangle of the map frame');
  const data = Object.fromEntries(Object.entries(g.attrs).filter(([k]) => k.startsWith('data-')).map(([k, v]) => [k.slice(5), v]));
  return { x: Number(r.attrs.x), y: Number(r.attrs.y), w: Number(r.attrs.width), h: Number(r.attrs.height), data };
}

/**
 * Lines of a wrapped text box joined back into one text: with a space between Latin words, without one where either
 * side of the break is Japanese (the sheet breaks Japanese between characters; a space before a break is dropped).
 */
export function joinLines(lines: string[]): string {
  const cjk = (c: string | undefined) => c !== undefined && /[\u2E80-\u9FFF\uFF00-\uFFEF\u3000-\u303F]/.test(c);
  return lines.reduce((acc, l) => (acc === '' ? l : cjk(acc.at(-1)) || cjk(l[0]) ? acc + l : `${acc} ${l}`), '');
}
