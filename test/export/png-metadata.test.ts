import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { withPngMetadata } from '../../engine/export/map/render-png.js';

function chunks(buf: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  for (let o = 8; o < buf.length; ) {
    const len = buf.readUInt32BE(o);
    out.push({ type: buf.toString('latin1', o + 4, o + 8), data: buf.subarray(o + 8, o + 8 + len) });
    o += 12 + len;
  }
  return out;
}

describe('PNG plan sheets carry their print resolution and title', () => {
  it('adds pHYs (pixels per metre) and an iTXt title right after IHDR, with valid CRCs', () => {
    const img = new PNG({ width: 3, height: 2 });
    img.data.fill(200);
    const png = withPngMetadata(PNG.sync.write(img), 300, '下川町 demo');
    const c = chunks(png);
    expect(c.map((x) => x.type).slice(0, 3)).toEqual(['IHDR', 'pHYs', 'iTXt']);
    const phys = c[1]!.data;
    expect(phys.readUInt32BE(0)).toBe(Math.round(300 / 0.0254)); // 11,811 px/m
    expect(phys.readUInt8(8)).toBe(1);
    expect(c[2]!.data.toString('utf8')).toContain('下川町 demo');
    // pngjs checks every chunk's CRC while decoding
    const back = PNG.sync.read(png, { checkCRC: true } as never);
    expect(back.width).toBe(3);
    expect(back.data[0]).toBe(200);
  });
});
