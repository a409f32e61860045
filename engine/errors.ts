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
