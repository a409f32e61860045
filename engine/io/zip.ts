/**
 * Reading a zip archive in place, entry by entry, with Node's built-ins only: the central directory (the index at the
 * end of the file, ZIP64 included) is read once, and an entry's bytes are streamed from the file on demand (inflated
 * with zlib's raw inflate, or copied), so an archive of several GB is never held in memory; a few kB of index per
 * entry is. Format: PKWARE APPNOTE.TXT 6.3 (sections 4.3 and 4.4); stored (0) and deflated (8) entries are read,
 * other methods, encryption and split archives are refused naming the entry.
 *
 * A file cut short (an interrupted download) has lost its central directory: `openZip` then walks the local headers
 * from the start and names the entry that is cut off (ZipError 'zip-truncated'). Corrupt data is found when the entry
 * is read (CRC-32 and size are checked against the directory): InputError 'zip-entry-corrupt' naming the entry.
 *
 * Entry names are shown as `<zip path>!/<entry name>` (entryPath), the form messages, warnings and the manifest use.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { HeatplanError, InputError } from '../errors.js';
import { readAt } from './read-at.js';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A central directory larger than this is not believed (it would be several million entries). */
const MAX_CENTRAL_BYTES = 1 << 30;

export interface ZipEntry {
  /** Name inside the archive, '/'-separated (a trailing '/' for folders). */
  name: string;
  isDirectory: boolean;
  /** Compression method: 0 stored, 8 deflated (others are refused when read). */
  method: number;
  /** General-purpose flags (bit 0 encrypted, bit 3 sizes in a data descriptor, bit 11 UTF-8 name). */
  flags: number;
  crc32: number;
  compressedSize: number;
  /** Uncompressed size in bytes. */
  size: number;
  /** Offset of the entry's local header in the file. */
  localHeaderOffset: number;
}

export interface ZipArchive {
  path: string;
  /** Size of the zip file in bytes. */
  bytes: number;
  /** Every entry, in central-directory order. */
  entries: ZipEntry[];
}

/** `<zip path>!/<entry name>`: how an entry is named in messages, warnings and the manifest. */
export const entryPath = (zip: string, name: string): string => `${zip}!/${name}`;

const u16 = (b: Buffer, o: number) => b.readUInt16LE(o);
const u32 = (b: Buffer, o: number) => b.readUInt32LE(o);
function u64(b: Buffer, o: number, zip: string): number {
  const v = b.readBigUInt64LE(o);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(zip, `a ZIP64 size or offset (${v}) is larger than any file`);
  return Number(v);
}

const corrupt = (zip: string, what: string, record?: string): InputError =>
  new InputError('zip-corrupt', `the zip file is damaged: ${what}`, { file: zip, record, hint: 'download it again (`unzip -t` tests a zip)' });

const utf8 = new TextDecoder('utf-8', { fatal: true });
let sjis: TextDecoder | undefined;
/**
 * An entry name: UTF-8 when flagged (bit 11) or when it decodes as UTF-8, else Shift_JIS (CP932, what Japanese Windows
 * zip tools write), else Latin-1. Backslashes (some Windows tools) become '/'.
 */
function decodeName(raw: Buffer, flags: number): string {
  let s: string | undefined;
  if (flags & 0x800) s = raw.toString('utf8');
  else {
    try {
      s = utf8.decode(raw);
    } catch {
      try {
        sjis ??= new TextDecoder('shift_jis', { fatal: true });
        s = sjis.decode(raw);
      } catch {
        s = raw.toString('latin1');
      }
    }
  }
  return s.replace(/\\/g, '/');
}

/** The Info-ZIP Unicode path extra field (0x7075), which overrides a header name in a legacy code page. */
function unicodePath(extra: Buffer): string | undefined {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = u16(extra, i);
    const len = u16(extra, i + 2);
    if (id === 0x7075 && len >= 5 && i + 4 + len <= extra.length && extra[i + 4] === 1) {
      return extra.subarray(i + 9, i + 4 + len).toString('utf8').replace(/\\/g, '/');
    }
    i += 4 + len;
  }
  return undefined;
}

/** The ZIP64 extended information extra field (0x0001): the 64-bit values of the fields set to 0xFFFFFFFF. */
function zip64Extra(extra: Buffer, want: { size: boolean; csize: boolean; offset: boolean }, zip: string, name: string): { size?: number; csize?: number; offset?: number } {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = u16(extra, i);
    const len = u16(extra, i + 2);
    if (id === 0x0001) {
      let p = i + 4;
      const end = p + len;
      const out: { size?: number; csize?: number; offset?: number } = {};
      for (const k of ['size', 'csize', 'offset'] as const) {
        if (!want[k]) continue;
        if (p + 8 > end) throw corrupt(zip, 'a ZIP64 extra field is shorter than its entry needs', name);
        out[k] = u64(extra, p, zip);
        p += 8;
      }
      return out;
    }
    i += 4 + len;
  }
  if (want.size || want.csize || want.offset) throw corrupt(zip, 'an entry has 0xFFFFFFFF sizes but no ZIP64 extra field', name);
  return {};
}

/**
 * Open `path` as a zip archive: find the end-of-central-directory record (and its ZIP64 form), read the central
 * directory into entries. No entry data is read. A file that is not a zip, is cut short or damaged is an InputError
 * naming the file (and, for a cut-off file, the entry where it ends).
 */
export async function openZip(path: string): Promise<ZipArchive> {
  let bytes: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a file');
    bytes = st.size;
  } catch {
    throw new InputError('file-missing', 'zip file does not exist', { file: path });
  }
  const fh = await open(path, 'r');
  try {
    if (bytes < EOCD_SIZE) return await notZipOrTruncated(fh, path, bytes);
    const tailLen = Math.min(bytes, EOCD_SIZE + MAX_COMMENT);
    const tail = await readAt(fh, bytes - tailLen, tailLen);
    // the record whose comment reaches exactly to the end of the file; failing that, the last signature found
    let at = -1;
    let loose = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
      if (u32(tail, i) !== SIG_EOCD) continue;
      if (i + EOCD_SIZE + u16(tail, i + 20) === tail.length) {
        at = i;
        break;
      }
      if (loose < 0 && i + EOCD_SIZE + u16(tail, i + 20) <= tail.length) loose = i;
    }
    if (at < 0) at = loose;
    if (at < 0) return await notZipOrTruncated(fh, path, bytes);
    const eocdPos = bytes - tailLen + at;
    const disk = u16(tail, at + 4);
    const cdDisk = u16(tail, at + 6);
    let count = u16(tail, at + 10);
    let cdSize = u32(tail, at + 12);
    let cdOffset = u32(tail, at + 16);
    let cdEnd = eocdPos;
    // ZIP64: a locator just before the record points at the ZIP64 end-of-central-directory record
    if (eocdPos >= 20) {
      const loc = await readAt(fh, eocdPos - 20, 20);
      if (loc.length === 20 && u32(loc, 0) === SIG_ZIP64_LOCATOR) {
        const recPos = u64(loc, 8, path);
        const rec = await readAt(fh, recPos, 56);
        if (rec.length < 56 || u32(rec, 0) !== SIG_ZIP64_EOCD) throw corrupt(path, 'the ZIP64 end-of-central-directory record is missing where its locator points');
        if (u32(rec, 16) !== 0 || u32(rec, 20) !== 0) throw splitZip(path);
        count = u64(rec, 32, path);
        cdSize = u64(rec, 40, path);
        cdOffset = u64(rec, 48, path);
        cdEnd = recPos;
      }
    }
    if (disk !== 0 || cdDisk !== 0) throw splitZip(path);
    if (cdSize > MAX_CENTRAL_BYTES) throw corrupt(path, `its central directory claims ${cdSize} bytes`);
    if (cdOffset + cdSize > cdEnd) {
      // the directory does not fit before its end record: the start of the file is missing, or it was cut and patched
      throw corrupt(path, `the central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at byte ${cdEnd}`);
    }
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries = parseCentral(cd, count, path);
    for (const e of entries) {
      if (e.localHeaderOffset + 30 > cdOffset) throw corrupt(path, `entry's local header offset ${e.localHeaderOffset} lies in or past the central directory`, e.name);
    }
    return { path, bytes, entries };
  } finally {
    await fh.close();
  }
}

const splitZip = (path: string) =>
  new InputError('zip-split', 'the zip is one part of a split (multi-volume) archive; heatplan reads single-file zips', {
    file: path,
    hint: 'join the parts first (`zip -s 0 split.zip --out whole.zip`) or unzip them and pass the folder',
  });

function parseCentral(cd: Buffer, count: number, zip: string): ZipEntry[] {
  const out: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length) {
    if (u32(cd, p) !== SIG_CENTRAL) break;
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc32 = u32(cd, p + 16);
    let csize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    const diskStart = u16(cd, p + 34);
    let offset = u32(cd, p + 42);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length) throw corrupt(zip, `central directory entry ${out.length + 1} runs past the directory`);
    const rawName = cd.subarray(p + 46, p + 46 + nameLen);
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    const name = unicodePath(extra) ?? decodeName(rawName, flags);
    const big = zip64Extra(extra, { size: size === 0xffffffff, csize: csize === 0xffffffff, offset: offset === 0xffffffff }, zip, name);
    size = big.size ?? size;
    csize = big.csize ?? csize;
    offset = big.offset ?? offset;
    if (diskStart !== 0 && diskStart !== 0xffff) throw splitZip(zip);
    out.push({ name, isDirectory: name.endsWith('/'), method, flags, crc32, compressedSize: csize, size, localHeaderOffset: offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  // the 16-bit count wraps for archives of 65,536 entries or more that are not written as ZIP64
  if (out.length !== count && out.length % 0x10000 !== count) {
    throw corrupt(zip, `its central directory lists ${out.length} entries where ${count} are announced`);
  }
  return out;
}

/**
 * No end-of-central-directory record: say whether the file is no zip at all (an HTML error page saved as .zip) or a
 * zip cut short, walking its local headers to name the entry where it ends.
 */
async function notZipOrTruncated(fh: FileHandle, zip: string, bytes: number): Promise<never> {
  const head = await readAt(fh, 0, Math.min(bytes, 64));
  if (head.length < 4 || u32(head, 0) !== SIG_LOCAL) {
    const shown = head.toString('latin1').replace(/[^\x20-\x7e]/g, '.').slice(0, 40);
    throw new InputError('zip-not-zip', bytes === 0 ? 'the zip file is empty (0 bytes)' : `not a zip file (it starts with "${shown}")`, {
      file: zip,
      hint: 'download it again: a failed download can save an error page under the .zip name',
    });
  }
  const scan = await walkLocalHeaders(fh, zip, bytes);
  const whole = scan.complete.length;
  if (scan.cut !== undefined) {
    throw new InputError(
      'zip-truncated',
      `the zip file is cut off (an incomplete download?): entry "${scan.cut}" ends past the end of the file at byte ${bytes}; ` +
        `${whole} entr${whole === 1 ? 'y' : 'ies'} before it ${whole === 1 ? 'is' : 'are'} whole, and the index at the end of the zip is missing`,
      { file: zip, record: scan.cut, hint: 'download the zip again (`unzip -t` tests a zip)' },
    );
  }
  const last = scan.complete[whole - 1];
  throw new InputError(
    'zip-truncated',
    `the zip file is cut off (an incomplete download?): its central directory, the index at the end, is ${scan.centralStarted ? 'cut short' : 'missing'}` +
      (last !== undefined ? `; the last whole entry is "${last}" (${whole} entr${whole === 1 ? 'y' : 'ies'})` : ''),
    { file: zip, record: last, hint: 'download the zip again (`unzip -t` tests a zip)' },
  );
}

/** Local headers from the start of a zip without a usable central directory: whole entries and the one cut off. */
async function walkLocalHeaders(fh: FileHandle, zip: string, bytes: number): Promise<{ complete: string[]; cut?: string; centralStarted: boolean }> {
  const complete: string[] = [];
  let pos = 0;
  while (pos + 4 <= bytes) {
    const h = await readAt(fh, pos, 30);
    const sig = h.length >= 4 ? u32(h, 0) : 0;
    if (sig === SIG_CENTRAL || sig === SIG_ZIP64_EOCD || sig === SIG_EOCD) return { complete, centralStarted: true };
    if (sig !== SIG_LOCAL) break;
    if (h.length < 30) return { complete, cut: `(the header of entry ${complete.length + 1})`, centralStarted: false };
    const flags = u16(h, 6);
    let csize = u32(h, 18);
    let size = u32(h, 22);
    const nameLen = u16(h, 26);
    const extraLen = u16(h, 28);
    const ne = await readAt(fh, pos + 30, nameLen + extraLen);
    if (ne.length < nameLen + extraLen) return { complete, cut: ne.length >= nameLen ? decodeName(ne.subarray(0, nameLen), flags) : `(the header of entry ${complete.length + 1})`, centralStarted: false };
    const name = decodeName(ne.subarray(0, nameLen), flags);
    const extra = ne.subarray(nameLen);
    if (csize === 0xffffffff || size === 0xffffffff) {
      const big = zip64Extra(extra, { size: size === 0xffffffff, csize: csize === 0xffffffff, offset: false }, zip, name);
      csize = big.csize ?? csize;
      size = big.size ?? size;
    }
    const dataStart = pos + 30 + nameLen + extraLen;
    let next: number;
    if (flags & 0x8 && csize === 0) {
      // sizes follow the data in a descriptor: the next signature found is taken as the end of this entry's data
      const found = await findSignature(fh, dataStart, bytes);
      if (found === undefined) return { complete, cut: name, centralStarted: false };
      next = found.sig === SIG_DESCRIPTOR ? found.at + 16 : found.at;
    } else {
      next = dataStart + csize;
      if (flags & 0x8) {
        const d = await readAt(fh, next, 4);
        next += d.length === 4 && u32(d, 0) === SIG_DESCRIPTOR ? 16 : 12;
      }
      if (next > bytes) return { complete, cut: name, centralStarted: false };
    }
    complete.push(name);
    pos = next;
  }
  return { complete, centralStarted: false };
}

/** The first local-header, descriptor or central-directory signature at or after `from`, read in 1 MB pieces. */
async function findSignature(fh: FileHandle, from: number, bytes: number): Promise<{ at: number; sig: number } | undefined> {
  const want = new Set([SIG_LOCAL, SIG_DESCRIPTOR, SIG_CENTRAL]);
  for (let pos = from; pos < bytes; pos += (1 << 20) - 3) {
    const b = await readAt(fh, pos, Math.min(1 << 20, bytes - pos));
    for (let i = 0; i + 4 <= b.length; i++) {
      if (b[i] !== 0x50 || b[i + 1] !== 0x4b) continue;
      const s = u32(b, i);
      if (want.has(s)) return { at: pos + i, sig: s };
    }
    if (b.length < 4) break;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// entry data

const METHODS: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'xz', 98: 'PPMd' };

function checkReadable(zip: ZipArchive, e: ZipEntry): void {
  if (e.flags & 0x1) {
    throw new InputError('zip-encrypted', 'the zip entry is encrypted (password-protected); heatplan reads unencrypted zips', { file: entryPath(zip.path, e.name), hint: 'unzip it with its password and pass the folder' });
  }
  if (e.method !== 0 && e.method !== 8) {
    throw new InputError('zip-method', `the zip entry is compressed with ${METHODS[e.method] ?? `method ${e.method}`}; heatplan reads stored and deflated entries`, {
      file: entryPath(zip.path, e.name),
      hint: 'unzip it with a tool that knows the method (7-Zip) and pass the folder',
    });
  }
}

/** Where an entry's compressed bytes start (after its local header), checked against the file's size. */
export async function entryDataStart(zip: ZipArchive, e: ZipEntry): Promise<number> {
  const fh = await open(zip.path, 'r');
  try {
    const h = await readAt(fh, e.localHeaderOffset, 30);
    if (h.length < 30 || u32(h, 0) !== SIG_LOCAL) throw corrupt(zip.path, `no local header at byte ${e.localHeaderOffset}`, e.name);
    const start = e.localHeaderOffset + 30 + u16(h, 26) + u16(h, 28);
    if (start + e.compressedSize > zip.bytes) {
      throw new InputError('zip-truncated', `the zip entry's data ends past the end of the file (byte ${start + e.compressedSize} of ${zip.bytes})`, {
        file: entryPath(zip.path, e.name),
        hint: 'download the zip again (`unzip -t` tests a zip)',
      });
    }
    return start;
  } finally {
    await fh.close();
  }
}

/** The compressed bytes of entry `e`, streamed from the file (64 kB pieces). */
async function* rawChunks(zip: ZipArchive, e: ZipEntry): AsyncGenerator<Buffer> {
  const start = await entryDataStart(zip, e);
  if (e.compressedSize === 0) return;
  const s = createReadStream(zip.path, { start, end: start + e.compressedSize - 1, highWaterMark: 1 << 16 });
  let got = 0;
  try {
    for await (const c of s as AsyncIterable<Buffer>) {
      got += c.length;
      yield c;
    }
  } finally {
    s.destroy();
  }
  if (got !== e.compressedSize) {
    throw new InputError('zip-truncated', `the zip entry's data is cut off after ${got} of ${e.compressedSize} bytes`, { file: entryPath(zip.path, e.name), hint: 'download the zip again' });
  }
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the zip and gzip one) of `b` continuing from `crc`: zlib's where Node has it (20.15+), else a table. */
export function crc32(b: Uint8Array, crc = 0): number {
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  if (native) return native(b, crc);
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The uncompressed bytes of entry `e`, streamed: inflated piece by piece (raw deflate) or copied, the CRC-32 and size
 * checked at the end against the central directory. Breaking out of the loop early releases the file.
 */
export async function* readEntry(zip: ZipArchive, e: ZipEntry): AsyncGenerator<Buffer> {
  checkReadable(zip, e);
  const name = entryPath(zip.path, e.name);
  let crc = 0;
  let n = 0;
  const check = (c: Buffer) => {
    crc = crc32(c, crc);
    n += c.length;
  };
  if (e.method === 0) {
    for await (const c of rawChunks(zip, e)) {
      check(c);
      yield c;
    }
  } else {
    const src = Readable.from(rawChunks(zip, e), { objectMode: false });
    const inflate = src.pipe(zlib.createInflateRaw());
    src.on('error', (err) => inflate.destroy(err));
    try {
      for await (const c of inflate as AsyncIterable<Buffer>) {
        check(c);
        yield c;
      }
    } catch (err) {
      if (err instanceof HeatplanError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? '';
      throw new InputError('zip-entry-corrupt', `the zip entry's compressed data is broken after ${n} bytes (${(err as Error).message}${code ? `, ${code}` : ''})`, {
        file: name,
        hint: 'download the zip again (`unzip -t` tests a zip)',
      });
    } finally {
      inflate.destroy();
      src.destroy();
    }
  }
  if (n !== e.size || crc !== e.crc32) {
    throw new InputError('zip-entry-corrupt', n !== e.size ? `the zip entry holds ${n} bytes where its directory says ${e.size}` : 'the zip entry fails its CRC-32 check: its data is damaged', {
      file: name,
      hint: 'download the zip again (`unzip -t` tests a zip)',
    });
  }
}

/**
 * Copy entry `e` into folder `dir` as a file that heatplan's streaming readers take: a deflated entry becomes a gzip
 * file (its compressed bytes unchanged between a gzip header and a trailer of the entry's CRC-32 and size, RFC 1952,
 * so nothing is inflated here and the reader's gunzip checks the data), a stored entry or one gzipped itself
 * (tile.gml.gz) is copied out inflated, its CRC-32 checked. Returns the file's path: the entry's base name, plus '.gz'
 * when wrapped in gzip.
 */
export async function extractEntryForStreaming(zip: ZipArchive, e: ZipEntry, dir: string): Promise<string> {
  checkReadable(zip, e);
  const safe = basename(e.name).replace(/[^\w.\-]/g, '_') || 'entry';
  // an entry that is gzipped itself (tile.gml.gz) is inflated once to its gzip bytes: readers unwrap one gzip layer
  const gz = e.method === 8 && !/\.gz$/i.test(safe);
  const dest = `${dir}/${safe}${gz ? '.gz' : ''}`;
  async function* bytes(): AsyncGenerator<Buffer> {
    if (gz) {
      // ID1 ID2 CM=8 FLG=0 MTIME=0 XFL=0 OS=255 (unknown)
      yield Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
      yield* rawChunks(zip, e);
      const t = Buffer.alloc(8);
      t.writeUInt32LE(e.crc32 >>> 0, 0);
      t.writeUInt32LE(e.size % 0x100000000, 4);
      yield t;
    } else yield* readEntry(zip, e);
  }
  await pipeline(Readable.from(bytes(), { objectMode: false }), createWriteStream(dest));
  return dest;
}
