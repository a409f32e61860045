/** Reads the container written by engine/export/view-pack.ts: views into one ArrayBuffer, no copies. */
export type TypedArray = Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array | Int32Array;

export interface Unpacked<M> {
  meta: M;
  arrays: Record<string, TypedArray>;
}

const CTORS: Record<string, new (b: ArrayBuffer, o: number, n: number) => TypedArray> = {
  Float64Array,
  Float32Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Int32Array,
};

export function unpackArrays<M>(buf: ArrayBuffer): Unpacked<M> {
  const dv = new DataView(buf);
  const magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  if (magic !== 'HPV1') throw new Error(`not a heatplan viewer buffer (magic ${JSON.stringify(magic)})`);
  const jsonLen = dv.getUint32(4, true);
  const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, jsonLen))) as {
    meta: M;
    arrays: { name: string; type: string; length: number; offset: number }[];
  };
  const base = Math.ceil((8 + jsonLen) / 8) * 8;
  const arrays: Record<string, TypedArray> = {};
  for (const e of head.arrays) {
    const C = CTORS[e.type];
    if (!C) throw new Error(`unknown array type ${e.type}`);
    arrays[e.name] = new C(buf, base + e.offset, e.length);
  }
  return { meta: head.meta, arrays };
}
