/**
 * Typed errors for heatplan. Every error about input data names the file, the record and the offending value,
 * so a planner can find and fix it; tests check errors by class name and `code`.
 */
export interface ErrorContext {
  /** File the problem was found in. */
  file?: string;
  /** 1-based line in that file, where known (configuration files). */
  line?: number;
  /** Record within the file: feature index, gml:id, OSM id, line number. */
  record?: string | number;
  /** The offending value, as found. */
  value?: unknown;
  /** How to fix it. */
  hint?: string;
}

export class HeatplanError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly record?: string | number;
  readonly value?: unknown;
  readonly hint?: string;

  constructor(code: string, message: string, ctx: ErrorContext = {}) {
    super(formatMessage(message, ctx));
    this.name = new.target.name;
    this.code = code;
    this.file = ctx.file;
    this.line = ctx.line;
    this.record = ctx.record;
    this.value = ctx.value;
    this.hint = ctx.hint;
  }
}

/** Bad input data: a broken file, a missing attribute, NaN, an empty layer. */
export class InputError extends HeatplanError {}
/** An unknown or unusable coordinate reference system. */
export class CrsError extends HeatplanError {}
/** A command line or configuration value that is wrong. */
export class UsageError extends HeatplanError {}

/**
 * The plain-words cause of a file-system error code, as OutputError says it. ENOTDIR, EEXIST and EISDIR are all
 * "something is in the way": a file where a folder is needed, or the reverse.
 */
export const FILE_SYSTEM_CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for this file system',
  EACCES: 'no permission to write',
  EPERM: 'no permission to write',
  EROFS: 'read-only file system',
  ENOTDIR: 'a file is in the way (a folder is needed there)',
  EEXIST: 'a file is in the way (it exists already)',
  EISDIR: 'a folder is in the way (a file is needed there)',
  ENOENT: 'a folder on the path does not exist',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EIO: 'the disk reported an input/output error',
  EBUSY: 'the file or folder is busy (in use by another program)',
  EXDEV: 'the file cannot be moved across file systems',
};

/** Causes said differently when a read call failed. */
const READ_CAUSES: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'no permission to read',
  EPERM: 'no permission to read',
  EIO: 'the disk reported an input/output error',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
};

/** System calls that only read: an error there is about reading, not writing. */
const READ_CALLS = new Set(['read', 'scandir', 'opendir', 'stat', 'lstat', 'fstat', 'access', 'readlink', 'realpath']);

/** A Node system error: `code` (ENOSPC), usually `path` and `syscall`. */
export interface SystemError extends Error {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
  errno?: number;
}

export function isSystemError(e: unknown): e is SystemError {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/**
 * Writing an output failed: the disk is full, no permission, a read-only file system, a file in the way. The message
 * names the path and the cause in plain words ("/runs/a/hourly.csv: cannot write: the disk is full (ENOSPC)");
 * `errno` keeps the system code. Made from the Node error by OutputError.from, wherever the engine writes
 * (engine/io/write.ts) and, for anything that still escapes, in the CLI's main().
 */
export class OutputError extends HeatplanError {
  /** The system error code (ENOSPC, EACCES, ...). */
  readonly errno: string;
  readonly path: string;

  constructor(errno: string, path: string, message: string, hint?: string) {
    super(OUTPUT_CODES[errno] ?? 'output-failed', message, { file: path, hint });
    this.errno = errno;
    this.path = path;
  }

  /**
   * The OutputError for a Node system error `e` (undefined when `e` is not one). `path` is the path to name (default:
   * the error's own; a writer that writes a temporary file names the file it was making).
   */
  static from(e: unknown, path?: string): OutputError | undefined {
    if (e instanceof OutputError) return e;
    if (!isSystemError(e)) return undefined;
    const p = finalPath(path ?? e.path ?? '(unknown path)');
    // a read call failing for want of the file or the right to read it is about reading; a full disk, a read-only
    // file system or a file in the way is about writing, whichever call met it first
    const reading = path === undefined && e.syscall !== undefined && READ_CALLS.has(e.syscall) && READ_CAUSES[e.code] !== undefined;
    const cause = (reading ? READ_CAUSES[e.code] : FILE_SYSTEM_CAUSES[e.code]) ?? e.message.replace(/^[A-Z0-9]+: /, '').replace(/, \w+( '.*')?$/, '');
    const verb = reading ? 'cannot read' : 'cannot write';
    const err = new OutputError(e.code, p, `${verb}: ${cause} (${e.code})`, OUTPUT_HINTS[e.code]);
    err.cause = e;
    return err;
  }
}

/**
 * The path a planner knows for a file written inside a run's staging folder (engine/io/run-folder.ts writes a new run
 * as RUN.heatplan-tmp-<pid>-<ms>/ and a stage into RUN/.heatplan-tmp-<pid>-<ms>/): RUN/<file>.
 */
export function finalPath(p: string): string {
  return p.replace(/[\\/]?\.heatplan-tmp-\d+-\d+(?=[\\/]|$)/, '');
}

const OUTPUT_CODES: Record<string, string> = {
  ENOSPC: 'output-disk-full',
  EDQUOT: 'output-disk-full',
  EFBIG: 'output-disk-full',
  EACCES: 'output-permission',
  EPERM: 'output-permission',
  EROFS: 'output-read-only',
  ENOTDIR: 'output-in-the-way',
  EEXIST: 'output-in-the-way',
  EISDIR: 'output-in-the-way',
};

const OUTPUT_HINTS: Record<string, string> = {
  ENOSPC: 'free some space or write the output elsewhere',
  EDQUOT: 'free some space or write the output elsewhere',
  EACCES: 'write to a folder you may write to, or change its permissions',
  EPERM: 'write to a folder you may write to, or change its permissions',
  EROFS: 'write the output to a writable disk',
  ENOTDIR: 'choose another output path, or move the file away',
  EEXIST: 'choose another output path, or move the file away',
  EISDIR: 'choose another output path, or move the folder away',
};

function formatMessage(message: string, ctx: ErrorContext): string {
  const where: string[] = [];
  if (ctx.file) where.push(ctx.line ? `${ctx.file}:${ctx.line}` : ctx.file);
  if (ctx.record !== undefined) where.push(`record ${ctx.record}`);
  let s = where.length ? `${where.join(': ')}: ${message}` : message;
  if (ctx.value !== undefined) s += ` (value: ${showValue(ctx.value)})`;
  if (ctx.hint) s += `. ${ctx.hint}`;
  return s;
}

function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 120 ? v.slice(0, 117) + '...' : v);
  if (typeof v === 'number') return String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 120 ? s.slice(0, 117) + '...' : s;
  } catch {
    return String(v);
  }
}
