/**
 * Number lists of GML (posList, pos): parsed with a hand loop over the text into a reusable Float64Array, so a city
 * of millions of vertices does not allocate one string per coordinate.
 */

/** Exact powers of ten: a double holds 10^0..10^22 exactly (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const MAX_EXACT = 2 ** 53;

/** A growable Float64Array reused from ring to ring. */
export class NumberBuffer {
  a = new Float64Array(4096);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Append the whitespace-separated numbers of `text` to `out`. A token that is not a number becomes NaN (the caller's
 * ring check then rejects the ring); it is never skipped, so the value count stays honest.
 * Values are bit-identical to Number(token): the fast path is taken only where one IEEE division or multiplication of
 * two exact values gives the correctly rounded result (mantissa < 2^53, |power| <= 22); other tokens use Number().
 */
export function parseNumberList(text: string, out: NumberBuffer): void {
  const len = text.length;
  let i = 0;
  while (i < len) {
    let c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    let neg = false;
    if (c === 45 /* - */ || c === 43 /* + */) {
      neg = c === 45;
      c = text.charCodeAt(++i);
    }
    let mant = 0, digits = 0, frac = 0, exp = 0;
    let ok = true;
    while (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      c = text.charCodeAt(++i);
    }
    if (c === 46 /* . */) {
      c = text.charCodeAt(++i);
      while (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        digits++;
        frac++;
        c = text.charCodeAt(++i);
      }
    }
    if (digits === 0) ok = false;
    if (ok && (c === 101 || c === 69) /* e E */) {
      c = text.charCodeAt(++i);
      let eneg = false;
      if (c === 45 || c === 43) {
        eneg = c === 45;
        c = text.charCodeAt(++i);
      }
      let ed = 0;
      while (c >= 48 && c <= 57) {
        exp = exp * 10 + (c - 48);
        ed++;
        c = text.charCodeAt(++i);
      }
      if (ed === 0) ok = false;
      if (eneg) exp = -exp;
    }
    // the token must end here (whitespace or end of text)
    if (i < len && !isSpace(c)) ok = false;
    const p = exp - frac;
    if (ok && digits <= 16 && mant < MAX_EXACT && p >= -22 && p <= 22) {
      const v = p < 0 ? mant / POW10[-p]! : mant * POW10[p]!;
      out.push(neg ? -v : v);
    } else {
      while (i < len && !isSpace(text.charCodeAt(i))) i++;
      const tok = text.slice(start, i);
      // Number('') and Number('0x10') are not coordinates: only decimal notation counts
      out.push(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(tok) ? Number(tok) : NaN);
    }
  }
}
