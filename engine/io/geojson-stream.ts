/**
 * GeoJSON FeatureCollections read and written feature by feature, so that a city's buildings.geojson or
 * network.geojson (over a million features, more than V8's longest string of about 512 MiB) never becomes one string.
 * - readFeatureCollection: scans the file's bytes in chunks, parses each feature on its own (JSON.parse of its slice)
 *   and the collection's other members (type, properties, files, ...) as they come; the result has the shape
 *   JSON.parse would give, with `features` optionally mapped feature by feature (keep only what is needed).
 * - writeFeatureCollection: the bytes JSON.stringify(fc) + '\n' would give, written in chunks through a temporary file
 *   renamed into place (engine/io/write.ts: a failed write leaves no partial file and names the path).
 * A FlatGeobuf file given to readFeatureCollection (a run's buildings.fgb or network.fgb) is read with engine/io/fgb.ts
 * into the same collection as its GeoJSON twin.
 * The scanner works on UTF-8 bytes: the structural characters it looks for ({ } [ ] " \ , :) are ASCII and never occur
 * inside a multi-byte sequence.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { readFgbLayer } from './fgb.js';
import { withOutputFile } from './write.js';

/** Whether the file begins with FlatGeobuf's magic bytes ("fgb", 3). */
async function isFlatGeobuf(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b[0] === 0x66 && b[1] === 0x67 && b[2] === 0x62 && b[3] === 0x03;
  } finally {
    await fh.close();
  }
}

/** What readFeatureCollection returns: the collection's members as parsed, `features` mapped. */
export type StreamedCollection<T> = Record<string, unknown> & { features?: T[] };

export interface ReadFeaturesOptions<T> {
  /** Called for each feature (as JSON.parse gives it) with its index; its result is kept in `features`. */
  map?: (feature: unknown, index: number) => T;
  /** Error code of a malformed file (default 'geojson-bad'). */
  code?: string;
  /** Hint of the error of a malformed file. */
  hint?: string;
  /** Bytes per read (default 4 MiB). */
  chunkBytes?: number;
}

// byte values of the structural characters
const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d, COMMA = 0x2c, COLON = 0x3a;
const BOM = [0xef, 0xbb, 0xbf];
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const enum S {
  Start,
  KeyOrEnd,
  Key,
  Colon,
  ValueStart,
  Value,
  MemberEnd,
  ElementOrEnd,
  Element,
  ElementEnd,
  Done,
}

/** Where a value being captured is going: a member key, a member value, or an element of `features`. */
const enum Into {
  Key,
  Member,
  Feature,
}

/** Where the scan of a nested value stands at a chunk's end. */
interface NestState {
  depth: number;
  inString: boolean;
  /** the chunk ended on an odd run of backslashes inside a string: the next byte is escaped */
  escaped: boolean;
}

/**
 * Scan an object, array or string value from `i`: the index after its end, or -1 when it runs past the chunk (`st`
 * then holds where it stands). Strings are skipped with Buffer.indexOf (native), a quote after an odd run of
 * backslashes being escaped; the state lives in locals in the loop (closure variables would be memory stores).
 */
function scanNested(buf: Buffer, i: number, st: NestState): number {
  const n = buf.length;
  let depth = st.depth;
  let inString = st.inString;
  if (st.escaped) {
    st.escaped = false;
    i++;
  }
  while (i < n) {
    if (inString) {
      const q = buf.indexOf(QUOTE, i);
      if (q < 0) {
        let bs = 0;
        for (let k = n - 1; k >= i && buf[k] === BACKSLASH; k--) bs++;
        st.escaped = (bs & 1) === 1;
        break;
      }
      let bs = 0;
      for (let k = q - 1; k >= i && buf[k] === BACKSLASH; k--) bs++;
      i = q + 1;
      if ((bs & 1) === 1) continue;
      inString = false;
      if (depth === 0) {
        st.inString = false;
        st.depth = 0;
        return i; // a string value
      }
      continue;
    }
    const c = buf[i]!;
    i++;
    if (c === QUOTE) inString = true;
    else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) {
        st.depth = 0;
        st.inString = false;
        return i;
      }
    }
  }
  st.depth = depth;
  st.inString = inString;
  return -1;
}

const SEP_COMPACT = Buffer.from('},{');
const SEP_LINES = Buffer.from('},\n{');

/**
 * End (after the "}") of the last "},{" or "},\n{" of `buf` after `i`, or -1: the features from i up to there are
 * parsed with one JSON.parse, much faster than scanning them byte by byte. The split is only a guess (the text could be
 * inside a string or a nested object); it is right exactly when "[" + text + "]" parses: JSON's grammar is
 * deterministic, so a prefix of the features array that parses as a list of values ends on a boundary between features.
 */
function batchEnd(buf: Buffer, i: number): number {
  const a = buf.lastIndexOf(SEP_COMPACT), b = buf.lastIndexOf(SEP_LINES);
  const at = Math.max(a, b);
  return at > i ? at + 1 : -1;
}

/**
 * Read a GeoJSON file (any JSON object whose `features` member is an array) feature by feature. Throws an InputError
 * (`code`, default 'geojson-bad') naming the file, the feature index as record and the byte offset, when the file is
 * not valid JSON or its top level is not an object; whether it is a FeatureCollection is for the caller to check.
 * File-system errors are thrown as they are (ENOENT etc.).
 */
export async function readFeatureCollection<T = unknown>(path: string, opts: ReadFeaturesOptions<T> = {}): Promise<StreamedCollection<T>> {
  // a run's FlatGeobuf layer (buildings.fgb, network.fgb: engine/run/read.ts runFile gives it where the run has it)
  // is read as the GeoJSON twin it stands for: the same members and features
  if (await isFlatGeobuf(path)) return (await readFgbLayer(path, { map: opts.map as ((f: unknown, i: number) => T) | undefined, code: opts.code, hint: opts.hint })) as StreamedCollection<T>;
  const map = opts.map;
  const doc: StreamedCollection<T> = {};
  let features: T[] | undefined;
  let state: S = S.Start;
  let key = '';
  // the value being captured: pieces of earlier chunks, start in the current chunk, nesting and string state
  let pieces: Buffer[] = [];
  let start = -1;
  let into: Into = Into.Key;
  const nest: NestState = { depth: 0, inString: false, escaped: false };
  /** 0 = object, array or string (nesting counted), 2 = number or literal */
  let shape = 0;
  let offset = 0; // file offset of the current chunk's first byte
  const fail = (message: string, record?: number, value?: unknown): InputError =>
    new InputError(opts.code ?? 'geojson-bad', message, { file: path, record, value, hint: opts.hint });
  const where = (i: number) => `byte ${offset + i}`;
  const snippet = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

  const finish = (buf: Buffer, end: number): void => {
    let text: string;
    if (pieces.length) {
      pieces.push(buf.subarray(0, end));
      text = Buffer.concat(pieces).toString('utf8');
      pieces = [];
    } else text = buf.toString('utf8', start, end);
    start = -1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (into === Into.Feature) throw fail(`not valid JSON: feature ${features!.length}: ${(e as Error).message}`, features!.length, snippet(text));
      throw fail(`not valid JSON: ${into === Into.Key ? 'member name' : `member "${key}"`}: ${(e as Error).message}`, undefined, snippet(text));
    }
    if (into === Into.Key) {
      key = value as string;
      state = S.Colon;
    } else if (into === Into.Member) {
      doc[key] = value;
      state = S.MemberEnd;
    } else {
      const i = features!.length;
      features!.push(map ? map(value, i) : (value as T));
      state = S.ElementEnd;
    }
  };

  const begin = (c: number, i: number, to: Into): void => {
    into = to;
    start = i;
    nest.depth = 0;
    nest.inString = false;
    nest.escaped = false;
    shape = c === LBRACE || c === LBRACKET || c === QUOTE ? 0 : 2;
    if (to === Into.Key && c !== QUOTE) throw fail(`not valid JSON: a member name must be a string, found "${String.fromCharCode(c)}" at ${where(i)}`);
  };

  /** Scan the captured value from i on; returns the index after its end, or -1 if it runs past the chunk. */
  const scan = (buf: Buffer, i: number): number => {
    const n = buf.length;
    if (shape === 2) {
      for (; i < n; i++) {
        const c = buf[i]!;
        if (isSpace(c) || c === COMMA || c === RBRACE || c === RBRACKET) return i;
      }
      return -1;
    }
    return scanNested(buf, i, nest);
  };

  const unexpected = (c: number, i: number, expected: string): InputError =>
    fail(`not valid JSON: expected ${expected}, found "${String.fromCharCode(c)}" at ${where(i)}`, features && state !== S.MemberEnd ? features.length : undefined);

  const stream = createReadStream(path, { highWaterMark: opts.chunkBytes ?? 4 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = chunk;
    const n = buf.length;
    let i = 0;
    if (start >= 0) start = 0; // a value continued from the previous chunk
    while (i < n) {
      if (state === S.Key || state === S.Value || state === S.Element) {
        const end = scan(buf, i);
        if (end < 0) {
          pieces.push(buf.subarray(start));
          i = n;
          break;
        }
        finish(buf, end);
        i = end;
        continue;
      }
      const c = buf[i]!;
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (state as S) {
        case S.Start:
          // a UTF-8 byte order mark (EF BB BF) before the object
          if (offset + i < 3 && c === BOM[offset + i]) {
            i++;
            break;
          }
          if (c !== LBRACE) throw fail(`not valid JSON or not a JSON object: found "${String.fromCharCode(c)}" at ${where(i)}`);
          state = S.KeyOrEnd;
          i++;
          break;
        case S.KeyOrEnd:
          if (c === RBRACE) {
            state = S.Done;
            i++;
            break;
          }
          begin(c, i, Into.Key);
          state = S.Key;
          break;
        case S.Colon:
          if (c !== COLON) throw unexpected(c, i, '":"');
          state = S.ValueStart;
          i++;
          break;
        case S.ValueStart:
          // the features array is opened, any other member value captured whole
          if (key === 'features' && c === LBRACKET) {
            features = [];
            doc.features = features;
            state = S.ElementOrEnd;
            i++;
            break;
          }
          begin(c, i, Into.Member);
          state = S.Value;
          break;
        case S.MemberEnd:
          if (c === COMMA) state = S.KeyOrEnd;
          else if (c === RBRACE) state = S.Done;
          else throw unexpected(c, i, '"," or "}"');
          i++;
          break;
        case S.ElementOrEnd:
          if (c === RBRACKET && features!.length === 0) {
            state = S.MemberEnd;
            i++;
            break;
          }
          if (c === LBRACE) {
            // many features at once where the chunk holds them whole (see batchEnd)
            const end = batchEnd(buf, i);
            if (end > i) {
              const text = buf.toString('utf8', i, end);
              let batch: unknown[] | undefined;
              try {
                batch = JSON.parse(`[${text}]`) as unknown[];
              } catch {
                // not whole features after all (or a broken one): feature by feature from here, for the exact error
              }
              if (batch) {
                for (const f of batch) features!.push(map ? map(f, features!.length) : (f as T));
                i = end;
                state = S.ElementEnd;
                break;
              }
            }
          }
          begin(c, i, Into.Feature);
          state = S.Element;
          break;
        case S.ElementEnd:
          // after a comma a feature must follow ("[a,]" is not JSON: the "]" is captured and fails to parse)
          if (c === COMMA) state = S.ElementOrEnd;
          else if (c === RBRACKET) state = S.MemberEnd;
          else throw unexpected(c, i, '"," or "]" after a feature');
          i++;
          break;
        case S.Done:
          throw fail(`not valid JSON: text after the end of the object at ${where(i)}`);
        default:
          i++;
      }
    }
    offset += n;
  }
  if (state !== S.Done) {
    const st = state as S;
    const inFeatures = st === S.ElementOrEnd || st === S.Element || st === S.ElementEnd;
    throw fail(
      state === S.Start
        ? 'not valid JSON: the file is empty'
        : `not valid JSON: the file ends ${inFeatures ? `inside the features array after ${features!.length} features` : 'before the end of the object'} (${offset} bytes)`,
      inFeatures ? features!.length : undefined,
    );
  }
  return doc;
}

/** Members of a FeatureCollection to write: `features` streamed, every other member as JSON.stringify writes it. */
export type WritableCollection = { features: Iterable<unknown> } & Record<string, unknown>;

export interface WriteFeaturesOptions {
  /** Bytes gathered before each write (default 1 MiB). */
  chunkBytes?: number;
}

/**
 * Write `fc` to `path` as JSON.stringify(fc) + '\n' would (same bytes, members in their order, undefined members left
 * out), one feature at a time, through a temporary file renamed into place. A failed write is an OutputError naming
 * `path` and leaves no file behind (and `path` as it was).
 */
export async function writeFeatureCollection(path: string, fc: WritableCollection, opts: WriteFeaturesOptions = {}): Promise<void> {
  const limit = opts.chunkBytes ?? 1 << 20;
  await withOutputFile(path, async (out) => {
    let buf = '';
    const put = async (s: string): Promise<void> => {
      buf += s;
      if (buf.length >= limit) {
        const b = buf;
        buf = '';
        await out.write(b);
      }
    };
    await put('{');
    let first = true;
    for (const k of Object.keys(fc)) {
      const v = fc[k];
      if (k === 'features') {
        await put(`${first ? '' : ','}"features":[`);
        let i = 0;
        for (const f of v as Iterable<unknown>) await put((i++ ? ',' : '') + (JSON.stringify(f) ?? 'null'));
        await put(']');
        first = false;
        continue;
      }
      const s = JSON.stringify(v);
      if (s === undefined) continue; // undefined and functions: left out, as JSON.stringify does
      await put(`${first ? '' : ','}${JSON.stringify(k)}:${s}`);
      first = false;
    }
    await put('}\n');
    if (buf) await out.write(buf);
  });
}
