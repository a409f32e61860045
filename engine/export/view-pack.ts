/**
 * A compact binary container for the viewer: typed arrays that deck.gl takes as attributes without copying.
 * Layout: 'HPV1', uint32 (LE) JSON length, JSON { meta, arrays: [{ name, type, length, offset }] }, zero padding to
 * 8 bytes, then each array at its 8-byte-aligned offset (relative to the data section). viewer/src/binary.ts reads it.
 */
export type PackedArray = Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array | Int32Array;

const TYPES = ['Float64Array', 'Float32Array', 'Uint32Array', 'Uint16Array', 'Uint8Array', 'Int32Array'] as const;

/** Pack named typed arrays and a JSON-able meta object into one buffer. */
export function packArrays(meta: unknown, arrays: Record<string, PackedArray>): Buffer {
  const entries: { name: string; type: string; length: number; offset: number }[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    const type = a.constructor.name;
    if (!(TYPES as readonly string[]).includes(type)) throw new TypeError(`view-pack: unsupported array type ${type} for ${name}`);
    entries.push({ name, type, length: a.length, offset });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const json = Buffer.from(JSON.stringify({ meta, arrays: entries }), 'utf8');
  const headLen = Math.ceil((8 + json.length) / 8) * 8;
  const out = Buffer.alloc(headLen + offset);
  out.write('HPV1', 0, 'latin1');
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  for (const e of entries) {
    const a = arrays[e.name]!;
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, headLen + e.offset);
  }
  return out;
}
