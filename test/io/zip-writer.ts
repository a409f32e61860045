/**
 * A small zip writer for tests, written from PKWARE APPNOTE.TXT 6.3 (4.3.7 local header, 4.3.9 data descriptor,
 * 4.3.12 central directory header, 4.3.14-16 ZIP64 end records, 4.5.3 ZIP64 extra field): entries deflated with
 * zlib's deflateRaw or stored, optionally with data descriptors (sizes after the data, as streaming zip tools write)
 * or as ZIP64 (every size and offset in the ZIP64 extra field, as archives over 4 GB have them).
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../engine/io/zip.js';

export interface ZipInput {
  /** Name in the archive; a trailing '/' makes a folder entry. */
  name: string;
  data?: Buffer;
  /** 8 deflate (default), 0 stored. */
  method?: 0 | 8;
}

export interface ZipOptions {
  descriptor?: boolean;
  zip64?: boolean;
}

export function makeZip(inputs: ZipInput[], o: ZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  for (const e of inputs) {
    const dir = e.name.endsWith('/');
    const data = dir ? Buffer.alloc(0) : (e.data ?? Buffer.alloc(0));
    const method = dir ? 0 : (e.method ?? 8);
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const name = Buffer.from(e.name, 'utf8');
    const flags = 0x800 | (o.descriptor ? 0x8 : 0);
    const at = offset;
    // local header
    const localExtra = o.zip64 ? zip64Field([data.length, body.length]) : Buffer.alloc(0);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(o.zip64 ? 45 : 20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(0, 10); // time
    lh.writeUInt16LE(0x5a21, 12); // date 2025-01-01
    lh.writeUInt32LE(o.descriptor ? 0 : crc, 14);
    lh.writeUInt32LE(o.zip64 ? 0xffffffff : o.descriptor ? 0 : body.length, 18);
    lh.writeUInt32LE(o.zip64 ? 0xffffffff : o.descriptor ? 0 : data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(localExtra.length, 28);
    push(Buffer.concat([lh, name, localExtra, body]));
    if (o.descriptor) {
      const d = Buffer.alloc(o.zip64 ? 24 : 16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      if (o.zip64) {
        d.writeBigUInt64LE(BigInt(body.length), 8);
        d.writeBigUInt64LE(BigInt(data.length), 16);
      } else {
        d.writeUInt32LE(body.length, 8);
        d.writeUInt32LE(data.length, 12);
      }
      push(d);
    }
    // central directory header
    const cdExtra = o.zip64 ? zip64Field([data.length, body.length, at]) : Buffer.alloc(0);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    ch.writeUInt16LE(o.zip64 ? 45 : 20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt16LE(0, 12);
    ch.writeUInt16LE(0x5a21, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(o.zip64 ? 0xffffffff : body.length, 20);
    ch.writeUInt32LE(o.zip64 ? 0xffffffff : data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt16LE(cdExtra.length, 30);
    ch.writeUInt16LE(0, 32); // comment
    ch.writeUInt16LE(0, 34); // disk
    ch.writeUInt16LE(0, 36);
    ch.writeUInt32LE(((dir ? 0o40755 : 0o100644) << 16) >>> 0, 38);
    ch.writeUInt32LE(o.zip64 ? 0xffffffff : at, 42);
    central.push(Buffer.concat([ch, name, cdExtra]));
  }
  const cd = Buffer.concat(central);
  const cdOffset = offset;
  push(cd);
  const n = inputs.length;
  if (o.zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeUInt32LE(0, 16);
    rec.writeUInt32LE(0, 20);
    rec.writeBigUInt64LE(BigInt(n), 24);
    rec.writeBigUInt64LE(BigInt(n), 32);
    rec.writeBigUInt64LE(BigInt(cd.length), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const recAt = offset;
    push(rec);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeUInt32LE(0, 4);
    loc.writeBigUInt64LE(BigInt(recAt), 8);
    loc.writeUInt32LE(1, 16);
    push(loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(o.zip64 ? 0xffff : n, 8);
  eocd.writeUInt16LE(o.zip64 ? 0xffff : n, 10);
  eocd.writeUInt32LE(o.zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(o.zip64 ? 0xffffffff : cdOffset, 16);
  eocd.writeUInt16LE(0, 20);
  push(eocd);
  return Buffer.concat(parts);
}

/** The ZIP64 extended information extra field with 64-bit `values` (uncompressed, compressed size, offset). */
function zip64Field(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}
