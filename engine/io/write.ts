/**
 * Writing outputs: every file the engine writes goes through these helpers, so a full disk, a missing permission, a
 * read-only file system or a file in the way becomes one OutputError (engine/errors.ts) naming the path and the cause
 * in plain words, never a stack trace, and a crash of Node on an unhandled stream 'error' event cannot happen.
 * - writeOutput: one file in one write (a buffer or a string);
 * - writeOutputAtomic: written under a temporary name beside it and renamed into place, so a reader never sees half
 *   a file and a failed write leaves the old file as it was;
 * - OutputStream / withOutputStream: a streamed file whose every write is awaited (back-pressure and errors).
 * A file this code has begun to fill is removed when the write fails (no half-written output). Files inside a run
 * folder's staging area need no more: the stage transaction (run-folder.ts) removes the staging area on failure.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, rename, rm, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { isSystemError, OutputError } from '../errors.js';

/** `e` as an OutputError naming `path` when it is a system error; anything else unchanged. */
export function outputError(e: unknown, path: string): unknown {
  return OutputError.from(e, path) ?? e;
}

/**
 * Remove a partly written regular file; never throws (the write's own error is the one to report). Anything else
 * (a device such as /dev/full, a folder) is left alone.
 */
async function removePartial(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isFile()) await rm(path, { force: true });
  } catch {
    // gone already, or not ours to remove
  }
}

/** Whether the failed call had opened (created or truncated) the file: then what is there is ours and half-written. */
const openedByUs = (e: unknown): boolean => isSystemError(e) && e.syscall !== 'open';

/** Write `data` to `path` in one go; on failure the half-written file is removed and an OutputError thrown. */
export async function writeOutput(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (e) {
    // a failure to open touched nothing (and must not remove a file that was there, e.g. a read-only one)
    if (openedByUs(e)) await removePartial(path);
    throw outputError(e, path);
  }
}

/** Rename `from` to `to`, naming `to` in the OutputError on failure. */
export async function renameOutput(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    throw outputError(e, to);
  }
}

/**
 * Write `data` to `path` through a temporary file beside it (`<path>.tmp-<pid>-<time>`) renamed into place: a reader
 * never sees half a file, and on failure the temporary file is removed, `path` is as it was and the OutputError names
 * `path`.
 */
export async function writeOutputAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await removePartial(tmp);
    throw outputError(e, path);
  }
}

/**
 * A streamed output file. `write` resolves when the stream can take more (back-pressure) and throws the OutputError
 * of any failure so far; `end` flushes and closes, throwing the same; `abort` closes and removes the file. The
 * stream's 'error' event always has a listener, so a failed write can never become an uncaught exception.
 */
export class OutputStream {
  private readonly ws: WriteStream;
  private error: unknown;
  /** Whether the file was opened (created or truncated): only then is a partial file ours to remove. */
  private opened = false;

  constructor(readonly path: string) {
    this.ws = createWriteStream(path);
    this.ws.on('open', () => {
      this.opened = true;
    });
    this.ws.on('error', (e) => {
      this.error ??= e;
    });
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    this.check();
    if (this.ws.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (e?: unknown) => {
        this.ws.off('drain', onDrain);
        this.ws.off('error', onError);
        this.ws.off('close', onClose);
        if (e === undefined) resolve();
        else reject(outputError(e, this.path));
      };
      const onDrain = () => done();
      const onError = (e: unknown) => done(e);
      const onClose = () => done(this.error ?? new Error(`output stream ${this.path} closed before the write finished`));
      this.ws.on('drain', onDrain);
      this.ws.on('error', onError);
      this.ws.on('close', onClose);
    });
    this.check();
  }

  async end(): Promise<void> {
    this.check();
    this.ws.end();
    try {
      await finished(this.ws);
    } catch (e) {
      throw outputError(this.error ?? e, this.path);
    }
    this.check();
  }

  /** Close without finishing and remove what was written. */
  async abort(): Promise<void> {
    this.ws.destroy();
    await finished(this.ws).catch(() => undefined);
    if (this.opened) await removePartial(this.path);
  }

  private check(): void {
    if (this.error !== undefined) throw outputError(this.error, this.path);
  }
}

/**
 * Stream an output file: `fn` writes through the OutputStream, which is ended when `fn` returns. On any failure (a
 * write error, or `fn` throwing) the partial file is removed and the error thrown (system errors as OutputError).
 */
export async function withOutputStream(path: string, fn: (out: OutputStream) => Promise<void>): Promise<void> {
  const out = new OutputStream(path);
  try {
    await fn(out);
    await out.end();
  } catch (e) {
    await out.abort();
    throw outputError(e, path);
  }
}

/**
 * Stream an output file into place: `fn` writes a temporary file beside `path` (withOutputStream), which is renamed
 * over `path` when it is complete. On any failure the temporary file is removed and `path` is left as it was.
 */
export async function withOutputFile(path: string, fn: (out: OutputStream) => Promise<void>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await withOutputStream(tmp, fn);
  try {
    await renameOutput(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
