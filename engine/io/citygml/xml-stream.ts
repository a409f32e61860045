/**
 * Streams one CityGML file (plain or gzipped) through saxes chunk by chunk and hands element events to a handler:
 * no document or DOM is ever held, so memory stays bounded whatever the number of tiles.
 * Element names are given as local names (prefix dropped): PLATEAU's prefixes are conventional, not guaranteed.
 */
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { HeatplanError, InputError } from '../../errors.js';

export interface XmlHandler {
  /** An element opened; `depth` is 1 for the root; `qname` is the name as written ('bldg:usage'). */
  open(local: string, attrs: Record<string, string>, depth: number, qname: string): void;
  close(local: string, depth: number): void;
  /** Character data (may come in several pieces for one text node). */
  text(t: string): void;
  /** gml:id of the feature being read, named in error messages. */
  record(): string | undefined;
}

export interface StreamStats {
  /** Uncompressed XML bytes parsed. */
  xmlBytes: number;
  /** Bytes on disk. */
  fileBytes: number;
}

const localNames = new Map<string, string>();
/** Local name of a qualified XML name, cached so the hot loop does not allocate a string per tag. */
export function localName(q: string): string {
  let l = localNames.get(q);
  if (l === undefined) {
    const i = q.indexOf(':');
    l = i < 0 ? q : q.slice(i + 1);
    if (localNames.size < 10_000) localNames.set(q, l);
  }
  return l;
}

/** Read `path` through `h`. Throws InputError for missing, empty, malformed or non-CityGML files. */
export async function streamCityGml(path: string, h: XmlHandler): Promise<StreamStats> {
  let fileBytes: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    fileBytes = st.size;
  } catch {
    throw new InputError('citygml-not-found', 'CityGML file does not exist', { file: path, hint: 'check the path' });
  }
  if (fileBytes === 0) throw new InputError('citygml-empty', 'CityGML file is empty (0 bytes)', { file: path });

  const parser = new SaxesParser({ position: true });
  let depth = 0;
  let sawRoot = false;
  parser.on('error', (e) => {
    // saxes formats "line:column: message"; keep the message and report the position separately
    const msg = e.message.replace(/^\d+:\d+: /, '');
    throw new InputError('citygml-malformed', `malformed XML at line ${parser.line}, column ${parser.column}: ${msg}`, {
      file: path,
      record: h.record(),
      hint: 'the file is truncated or not well-formed XML; download it again',
    });
  });
  parser.on('opentag', (node) => {
    depth++;
    const local = localName(node.name);
    if (!sawRoot) {
      sawRoot = true;
      if (local !== 'CityModel') {
        throw new InputError('citygml-no-citymodel', 'not a CityGML file: the root element is not CityModel', {
          file: path,
          value: node.name,
        });
      }
    }
    h.open(local, node.attributes as Record<string, string>, depth, node.name);
  });
  parser.on('closetag', (node) => {
    h.close(localName(node.name), depth);
    depth--;
  });
  parser.on('text', (t) => {
    if (depth > 0) h.text(t);
  });

  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  const gz = /\.gz$/i.test(path);
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  const decoder = new TextDecoder('utf-8');
  let xmlBytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      xmlBytes += chunk.length;
      parser.write(decoder.decode(chunk, { stream: true }));
    }
    parser.write(decoder.decode());
    if (!sawRoot) {
      throw new InputError('citygml-no-citymodel', 'not a CityGML file: no CityModel element (no XML element at all)', {
        file: path,
      });
    }
    parser.close();
  } catch (e) {
    raw.destroy();
    if (e instanceof HeatplanError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (gz && typeof err.code === 'string' && err.code.startsWith('Z_')) {
      throw new InputError('citygml-malformed', `broken gzip stream after ${xmlBytes} bytes: ${err.message}`, {
        file: path,
        record: h.record(),
        hint: 'the .gz file is truncated or corrupt; download it again',
      });
    }
    throw e;
  }
  return { xmlBytes, fileBytes };
}

/**
 * A copy of `s` that does not keep the parser's chunk alive: V8 slices substrings out of their parent string, so an id
 * kept for the table would otherwise pin a 64 KB chunk per building (the whole document, over a city).
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
