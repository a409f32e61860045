/** Positional reads of an open file. */
import type { FileHandle } from 'node:fs/promises';

/** `len` bytes of `fh` from byte `pos`, or fewer at the end of the file (the caller checks the length it got). */
export async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === len ? buf : buf.subarray(0, got);
}
