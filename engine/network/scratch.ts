/**
 * Typed arrays reused from call to call (issue 18). A city's planning allocates arrays over the tree or the graph
 * (millions of entries) in every pass of every round; V8 answers each such allocation with "external memory pressure"
 * collections, and with a million consumers' objects live a full collection takes about 0.65 s. Arrays taken from a
 * Scratch are views of buffers grown on demand and kept: a pass clears what it takes instead of allocating it.
 *
 * An array taken is valid until the same slot is taken again: a caller that keeps a result past that copies it.
 */
type Typed = Uint8Array | Uint32Array | Int32Array | Float64Array;

/** Where a function's working arrays come from: a Scratch (reused buffers) or FRESH (new arrays). */
export interface ArraySource {
  u8(slot: string, n: number, fill?: number): Uint8Array;
  u32(slot: string, n: number, fill?: number): Uint32Array;
  i32(slot: string, n: number, fill?: number): Int32Array;
  f64(slot: string, n: number, fill?: number): Float64Array;
}

/** New arrays on every call (the callers that keep what they are given). */
export const FRESH: ArraySource = {
  u8: (_, n, fill = 0) => new Uint8Array(n).fill(fill),
  u32: (_, n, fill = 0) => new Uint32Array(n).fill(fill),
  i32: (_, n, fill = 0) => new Int32Array(n).fill(fill),
  f64: (_, n, fill = 0) => new Float64Array(n).fill(fill),
};

export class Scratch implements ArraySource {
  private readonly slots = new Map<string, Typed>();

  /**
   * The slot's array of length n cleared to `fill`. A new buffer is zeros already: not written again, so that the
   * caller's own writes are the first touch of its pages (a large buffer is mapped lazily), one pass over the memory
   * instead of two, and pages it never writes are never touched. A city's first round takes several arrays of 1.5
   * million tree nodes x the load model's columns (hundreds of MB each): clearing them was about 1.2 s of the
   * pruning's CPU profile.
   */
  private take<T extends Typed>(slot: string, n: number, C: { new (n: number): T }, fill: number): T {
    const a = this.slots.get(slot) as T | undefined;
    if (a && a.length >= n && a instanceof C) return a.subarray(0, n).fill(fill) as T;
    // grown with room, so that a tree a little larger next pass does not allocate again
    const b = new C(Math.max(n, Math.ceil(n * 1.25)));
    this.slots.set(slot, b);
    const view = b.subarray(0, n) as T;
    return fill === 0 ? view : (view.fill(fill) as T);
  }

  u8(slot: string, n: number, fill = 0): Uint8Array {
    return this.take(slot, n, Uint8Array, fill);
  }
  u32(slot: string, n: number, fill = 0): Uint32Array {
    return this.take(slot, n, Uint32Array, fill);
  }
  i32(slot: string, n: number, fill = 0): Int32Array {
    return this.take(slot, n, Int32Array, fill);
  }
  f64(slot: string, n: number, fill = 0): Float64Array {
    return this.take(slot, n, Float64Array, fill);
  }
}
