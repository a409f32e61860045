/**
 * Counted warnings: nothing is dropped silently. Each warning has a code (the reason), a count, and the first few
 * examples with file and record so a planner can look them up.
 */
import type { WarningExample, WarningSummary } from '../run/summaries.js';

export type { WarningExample, WarningSummary } from '../run/summaries.js';

export class Warnings {
  private readonly byCode = new Map<string, WarningSummary>();
  constructor(private readonly maxExamples = 5) {}

  /** Count one occurrence of `code`; `message` describes the reason in general terms. */
  add(code: string, message: string, example?: Omit<WarningExample, 'message'> & { message?: string }): void {
    let w = this.byCode.get(code);
    if (!w) {
      w = { code, count: 0, message, examples: [] };
      this.byCode.set(code, w);
    }
    w.count++;
    if (example && w.examples.length < this.maxExamples) {
      w.examples.push({ file: example.file, record: example.record, message: example.message ?? message });
    }
  }

  /** Count `n` occurrences at once. */
  addMany(code: string, message: string, n: number): void {
    if (n <= 0) return;
    let w = this.byCode.get(code);
    if (!w) {
      w = { code, count: 0, message, examples: [] };
      this.byCode.set(code, w);
    }
    w.count += n;
  }

  merge(other: Warnings): void {
    this.mergeList(other.list());
  }

  /** Merge warnings listed by another Warnings' list() (one posted by a worker thread), as merge() does. */
  mergeList(list: readonly WarningSummary[]): void {
    for (const w of list) {
      const mine = this.byCode.get(w.code);
      if (!mine) this.byCode.set(w.code, { ...w, examples: [...w.examples] });
      else {
        mine.count += w.count;
        for (const e of w.examples) if (mine.examples.length < this.maxExamples) mine.examples.push(e);
      }
    }
  }

  count(code?: string): number {
    if (code !== undefined) return this.byCode.get(code)?.count ?? 0;
    let n = 0;
    for (const w of this.byCode.values()) n += w.count;
    return n;
  }

  /** Counts by code, e.g. for a manifest's `dropped` field. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, w] of this.byCode) out[k] = w.count;
    return out;
  }

  list(): WarningSummary[] {
    return [...this.byCode.values()];
  }
}
