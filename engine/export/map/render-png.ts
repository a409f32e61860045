/**
 * PNG back end (@napi-rs/canvas, Skia): the drawing at `dpi`, user space scaled to millimetres. The PNG carries its
 * resolution (pHYs) so it prints at paper size.
 */
import { crc32 } from 'node:zlib';
import { createCanvas, GlobalFonts, ImageData } from '@napi-rs/canvas';
import type { Drawing, Style } from './model.js';
import { findFonts } from './fonts.js';

let fontsRegistered = false;
let families = 'sans-serif';

function registerFonts(): void {
  if (fontsRegistered) return;
  fontsRegistered = true;
  const f = findFonts();
  const list: string[] = [];
  if (f.sans && GlobalFonts.registerFromPath(f.sans.path, 'HeatplanSans')) list.push('HeatplanSans');
  if (f.sansBold && f.sansBold.path !== f.sans?.path) GlobalFonts.registerFromPath(f.sansBold.path, 'HeatplanSans');
  if (f.cjk && GlobalFonts.registerFromPath(f.cjk.path, 'HeatplanCJK')) list.push('HeatplanCJK');
  list.push('sans-serif');
  families = list.join(', ');
}

/** Pixel size of a drawing at `dpi`. */
export function pixelSize(d: Drawing, dpi: number): { width: number; height: number } {
  return { width: Math.round((d.widthMm / 25.4) * dpi), height: Math.round((d.heightMm / 25.4) * dpi) };
}

/** Render a drawing to PNG bytes at `dpi` (pixels per inch). */
export async function renderPng(d: Drawing, dpi = 300): Promise<Buffer> {
  registerFonts();
  const { width, height } = pixelSize(d, dpi);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const pxPerMm = dpi / 25.4;
  ctx.scale(pxPerMm, pxPerMm);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';

  const paint = (s: Style, closedFill: boolean): void => {
    if (closedFill && s.fill !== undefined) {
      ctx.globalAlpha = s.fillOpacity ?? 1;
      ctx.fillStyle = s.fill;
      ctx.fill(s.evenOdd ? 'evenodd' : 'nonzero');
    }
    if (s.stroke !== undefined) {
      ctx.globalAlpha = s.strokeOpacity ?? 1;
      ctx.strokeStyle = s.stroke;
      ctx.lineWidth = s.strokeWidthMm ?? 0.25;
      ctx.setLineDash(s.dashMm ?? []);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  };

  for (const p of d.prims) {
    switch (p.kind) {
      case 'group':
        ctx.save();
        if (p.clip) {
          ctx.beginPath();
          ctx.rect(p.clip.x, p.clip.y, p.clip.w, p.clip.h);
          ctx.clip();
        }
        break;
      case 'end':
        ctx.restore();
        break;
      case 'rect':
        ctx.beginPath();
        ctx.rect(p.x, p.y, p.w, p.h);
        paint(p, true);
        break;
      case 'circle':
        ctx.beginPath();
        ctx.arc(p.cx, p.cy, p.rMm, 0, 2 * Math.PI);
        paint(p, true);
        break;
      case 'path':
        ctx.beginPath();
        for (const part of p.parts) {
          if (part.length < 4) continue;
          ctx.moveTo(part[0]!, part[1]!);
          for (let i = 2; i < part.length; i += 2) ctx.lineTo(part[i]!, part[i + 1]!);
          if (p.closed) ctx.closePath();
        }
        paint(p, p.closed);
        break;
      case 'text':
        ctx.font = `${p.bold ? 'bold ' : ''}${p.sizeMm}px ${families}`;
        ctx.fillStyle = p.color ?? '#000000';
        ctx.textAlign = p.anchor === 'middle' ? 'center' : p.anchor === 'end' ? 'right' : 'left';
        ctx.textBaseline = 'alphabetic';
        if (p.halo) {
          ctx.save();
          ctx.strokeStyle = p.halo;
          ctx.lineWidth = 2 * (p.haloMm ?? 0);
          ctx.lineJoin = 'round';
          ctx.strokeText(p.text, p.x, p.y);
          ctx.restore();
        }
        ctx.fillText(p.text, p.x, p.y);
        break;
      case 'image': {
        const img = createCanvas(p.width, p.height);
        const ictx = img.getContext('2d');
        ictx.putImageData(new ImageData(new Uint8ClampedArray(p.rgba.buffer, p.rgba.byteOffset, p.rgba.byteLength), p.width, p.height), 0, 0);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(img, p.x, p.y, p.w, p.h);
        ctx.imageSmoothingEnabled = true;
        break;
      }
    }
  }
  return withPngMetadata(await canvas.encode('png'), dpi, d.title);
}

/** One PNG chunk: length, type, data, CRC-32 of type + data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Add the print resolution (pHYs, pixels per metre) and the sheet title (iTXt, UTF-8) after the IHDR chunk, so that
 * image and layout programs place the sheet at its paper size.
 */
export function withPngMetadata(png: Buffer, dpi: number, title?: string): Buffer {
  const ihdrEnd = 8 + 8 + 13 + 4; // signature + IHDR (length, type, 13 bytes of data, CRC)
  const ppm = Math.round(dpi / 0.0254);
  const phys = Buffer.alloc(9);
  phys.writeUInt32BE(ppm, 0);
  phys.writeUInt32BE(ppm, 4);
  phys.writeUInt8(1, 8); // unit: metre
  const chunks = [pngChunk('pHYs', phys)];
  // iTXt: keyword, NUL, compression flag 0, method 0, language tag NUL, translated keyword NUL, UTF-8 text
  if (title) chunks.push(pngChunk('iTXt', Buffer.concat([Buffer.from('Title\0\0\0\0\0', 'latin1'), Buffer.from(title, 'utf8')])));
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}
