/**
 * A JSON file written piece by piece, byte for byte what `JSON.stringify(value, null, indent) + '\n'` gives, but
 * never as one string: a city's costs.json lists the marginal cost of every branch and consumer (hundreds of
 * thousands of rows, 126 MB for 255k consumers), which as one string costs its own size in memory and, past about
 * 512 MiB, is longer than V8's longest string. Containers are written member by member, long arrays (the rows) in
 * slices of one JSON.stringify call each, indented to their place. For plain data (objects, arrays, strings, numbers,
 * booleans, null; no toJSON methods), as the stages write it.
 */
import { withOutputStream, type OutputStream } from '../io/write.js';

export interface JsonStreamOptions {
  /** spaces per level, as JSON.stringify's third argument (0: compact) */
  indent?: number;
  /** arrays of at least this many elements are written in slices of `rowsFrom` elements (default 2048) */
  rowsFrom?: number;
  /** characters gathered before each write (default 1 MiB) */
  chunkChars?: number;
}

/**
 * Write `value` to `path` as JSON.stringify(value, null, indent) + '\n' gives it (through engine/io/write.ts
 * withOutputStream: a failed write leaves no file and is an OutputError naming `path`).
 */
export async function writeJsonStreamed(path: string, value: unknown, o: JsonStreamOptions = {}): Promise<void> {
  await withOutputStream(path, async (out) => {
    const w = new JsonPieces(out, o);
    await w.root(value);
    w.push('\n');
    await w.flush();
  });
}

class JsonPieces {
  private pieces: string[] = [];
  private chars = 0;
  private readonly gap: string;
  private readonly rowsFrom: number;
  private readonly chunkChars: number;

  constructor(private readonly out: OutputStream, o: JsonStreamOptions) {
    this.gap = ' '.repeat(Math.min(10, Math.max(0, Math.floor(o.indent ?? 0))));
    this.rowsFrom = Math.max(1, Math.floor(o.rowsFrom ?? 2048));
    this.chunkChars = o.chunkChars ?? 1 << 20;
  }

  push(s: string): void {
    this.pieces.push(s);
    this.chars += s.length;
  }

  async flush(): Promise<void> {
    if (!this.pieces.length) return;
    const s = this.pieces.join('');
    this.pieces = [];
    this.chars = 0;
    await this.out.write(s);
  }

  private async maybeFlush(): Promise<void> {
    if (this.chars >= this.chunkChars) await this.flush();
  }

  /** Whether JSON.stringify leaves the value out of an object (and writes null for it in an array). */
  private static omitted(v: unknown): boolean {
    return v === undefined || typeof v === 'function' || typeof v === 'symbol';
  }

  /** Write the root value. */
  async root(value: unknown): Promise<void> {
    if (JsonPieces.omitted(value)) throw new Error('writeJsonStreamed: the value has no JSON text (undefined)');
    await this.write(value, '');
  }

  /**
   * A long array at indentation `ind`, up to its closing bracket: in slices of `rowsFrom` elements, each one
   * JSON.stringify call. The slice is stringified nested in as many arrays as `ind` has levels, so that its elements
   * come out indented to their place, and the nesting is cut off the text.
   */
  private async rows(v: unknown[], ind: string): Promise<void> {
    const g = this.gap.length;
    const nl = g ? '\n' : '';
    const inner = ind + this.gap;
    const depth = g ? ind.length / g : 0;
    let openLen = 0;
    let closeLen = 0;
    for (let k = 0; k <= depth; k++) {
      openLen += 1 + nl.length + (k + 1) * g;
      closeLen += nl.length + k * g + 1;
    }
    this.push('[' + nl + inner);
    for (let i = 0; i < v.length; i += this.rowsFrom) {
      if (i) this.push(',' + nl + inner);
      const slice = v.slice(i, i + this.rowsFrom);
      let nested: unknown[] = slice;
      for (let k = 0; k < depth; k++) nested = [nested];
      const text = JSON.stringify(nested, null, this.gap);
      this.push(text.slice(openLen, text.length - closeLen));
      await this.maybeFlush();
    }
  }

  /** Write a value at indentation `ind`. */
  private async write(v: unknown, ind: string): Promise<void> {
    if (v === null || typeof v !== 'object') {
      this.push(JSON.stringify(v) as string);
      return;
    }
    const inner = ind + this.gap;
    const nl = this.gap ? '\n' : '';
    if (Array.isArray(v)) {
      if (!v.length) {
        this.push('[]');
        return;
      }
      if (v.length >= this.rowsFrom) await this.rows(v, ind);
      else {
        this.push('[' + nl + inner);
        for (let i = 0; i < v.length; i++) {
          if (i) this.push(',' + nl + inner);
          const el = v[i];
          if (JsonPieces.omitted(el)) this.push('null');
          else await this.write(el, inner);
        }
      }
      this.push(nl + ind + ']');
      await this.maybeFlush();
      return;
    }
    let first = true;
    const colon = this.gap ? ': ' : ':';
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (JsonPieces.omitted(x)) continue;
      this.push((first ? '{' + nl : ',' + nl) + inner + JSON.stringify(k) + colon);
      first = false;
      await this.write(x, inner);
    }
    this.push(first ? '{}' : nl + ind + '}');
    await this.maybeFlush();
  }
}
