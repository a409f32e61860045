/**
 * SVG back end: user units are paper millimetres (viewBox = paper size), text stays text, rasters are embedded
 * as PNG data URLs drawn without smoothing.
 */
import { PNG } from 'pngjs';
import type { Drawing, Prim, Style } from './model.js';

/** Escape text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const f = (v: number): string => {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
};

function styleAttrs(s: Style, defaultFill: string | 'none'): string {
  const a: string[] = [];
  a.push(`fill="${s.fill ?? defaultFill}"`);
  if (s.fill && s.fillOpacity !== undefined && s.fillOpacity < 1) a.push(`fill-opacity="${f(s.fillOpacity)}"`);
  if (s.evenOdd) a.push('fill-rule="evenodd"');
  if (s.stroke) {
    a.push(`stroke="${s.stroke}"`, `stroke-width="${f(s.strokeWidthMm ?? 0.25)}"`, 'stroke-linejoin="round"', 'stroke-linecap="round"');
    if (s.strokeOpacity !== undefined && s.strokeOpacity < 1) a.push(`stroke-opacity="${f(s.strokeOpacity)}"`);
    if (s.dashMm?.length) a.push(`stroke-dasharray="${s.dashMm.map(f).join(' ')}"`);
  }
  return a.join(' ');
}

/** PNG bytes of an RGBA buffer. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}

export interface SvgOptions {
  /** Write width/height as 100% (for inline use in HTML) instead of paper mm. */
  fluid?: boolean;
  /** Prefix for ids, so several drawings can share one HTML page. */
  idPrefix?: string;
}

/** Render a drawing to an SVG document string. */
export function renderSvg(d: Drawing, opts: SvgOptions = {}): string {
  const pre = opts.idPrefix ?? '';
  const out: string[] = [];
  const size = opts.fluid ? 'width="100%"' : `width="${f(d.widthMm)}mm" height="${f(d.heightMm)}mm"`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" ${size} viewBox="0 0 ${f(d.widthMm)} ${f(d.heightMm)}" ` +
      `font-family="'DejaVu Sans', 'Liberation Sans', Arial, 'IPAPGothic', 'IPAGothic', 'Noto Sans CJK JP', sans-serif">`,
  );
  out.push(`<title>${escapeXml(d.title)}</title>`);
  let clipN = 0;
  for (const p of d.prims) out.push(prim(p));
  out.push('</svg>\n');
  return out.join('\n');

  function prim(p: Prim): string {
    switch (p.kind) {
      case 'group': {
        const attrs: string[] = [];
        if (p.id) attrs.push(`id="${escapeXml(pre + p.id)}"`);
        for (const [k, v] of Object.entries(p.data ?? {})) attrs.push(`data-${k}="${escapeXml(String(v))}"`);
        let defs = '';
        if (p.clip) {
          const id = `${pre}clip${clipN++}`;
          defs = `<clipPath id="${id}"><rect x="${f(p.clip.x)}" y="${f(p.clip.y)}" width="${f(p.clip.w)}" height="${f(p.clip.h)}"/></clipPath>\n`;
          attrs.push(`clip-path="url(#${id})"`);
        }
        return `${defs}<g ${attrs.join(' ')}>`;
      }
      case 'end':
        return '</g>';
      case 'rect':
        return `<rect x="${f(p.x)}" y="${f(p.y)}" width="${f(p.w)}" height="${f(p.h)}" ${styleAttrs(p, 'none')}/>`;
      case 'circle':
        return `<circle cx="${f(p.cx)}" cy="${f(p.cy)}" r="${f(p.rMm)}" ${styleAttrs(p, 'none')}/>`;
      case 'path': {
        const d: string[] = [];
        for (const part of p.parts) {
          if (part.length < 2) continue;
          d.push(`M${f(part[0]!)} ${f(part[1]!)}`);
          for (let i = 2; i < part.length; i += 2) d.push(`L${f(part[i]!)} ${f(part[i + 1]!)}`);
          if (p.closed) d.push('Z');
        }
        return `<path d="${d.join('')}" ${styleAttrs(p, 'none')}/>`;
      }
      case 'text': {
        const attrs = [`x="${f(p.x)}"`, `y="${f(p.y)}"`, `font-size="${f(p.sizeMm)}"`];
        if (p.anchor !== 'start') attrs.push(`text-anchor="${p.anchor}"`);
        if (p.bold) attrs.push('font-weight="bold"');
        if (p.color && p.color !== '#000000') attrs.push(`fill="${p.color}"`);
        // the halo under the glyphs: stroke painted first
        if (p.halo) attrs.push(`stroke="${p.halo}" stroke-width="${f(2 * (p.haloMm ?? 0))}" stroke-linejoin="round" paint-order="stroke"`);
        return `<text ${attrs.join(' ')}>${escapeXml(p.text)}</text>`;
      }
      case 'image': {
        const b64 = encodePng(p.width, p.height, p.rgba).toString('base64');
        return (
          `<image x="${f(p.x)}" y="${f(p.y)}" width="${f(p.w)}" height="${f(p.h)}" preserveAspectRatio="none" ` +
          `style="image-rendering:pixelated;image-rendering:crisp-edges" href="data:image/png;base64,${b64}"/>`
        );
      }
    }
  }
}
