/**
 * FlatGeobuf road layers for the route stage, through the flatgeobuf package (the format's reference TypeScript
 * reader). The file is read whole (the reader runs past the end of a cut buffer quietly, so the size-prefixed
 * features are walked first: a truncated file is an error naming the feature it ends in). CRS: `sourceCrs` wins, else the header's CRS (organization EPSG + code, else
 * its WKT); a file without a CRS needs `sourceCrs`. Coordinates come as GeoJSON-like geometries, x = easting/longitude.
 */
import { readFile } from 'node:fs/promises';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import { calcTreeSize } from 'flatgeobuf/lib/mjs/packedrtree.js';
import type { HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { parseCrs, type Crs } from '../crs/index.js';
import { CrsError, InputError } from '../errors.js';
import type { VectorFeature, VectorGeometry } from './vector.js';

export interface FgbRead {
  crs: Crs;
  crsFrom: 'option' | 'fgb';
  features: VectorFeature[];
}

/** The features of a FlatGeobuf file; see the file header. */
export async function readFgb(path: string, opts: { sourceCrs?: Crs; crsOption: string }): Promise<FgbRead> {
  const bytes = new Uint8Array(await readFile(path));
  const magic = Buffer.from(bytes.subarray(0, 8));
  if (magic.subarray(0, 3).toString('latin1') !== 'fgb' || magic[3] !== 3) {
    throw new InputError('roads-fgb-corrupt', 'the .fgb file is not FlatGeobuf version 3 (magic bytes "fgb\\x03")', { file: path, value: magic.toString('hex') });
  }
  let header: HeaderMeta | undefined;
  const features: VectorFeature[] = [];
  try {
    let record = 0;
    for await (const f of deserialize(bytes, { headerMetaFn: (h) => (header = h) })) {
      record++;
      features.push({ record, id: f.id as number | undefined, properties: (f.properties ?? {}) as Record<string, unknown>, geometry: (f.geometry ?? null) as VectorGeometry | null });
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('roads-fgb-corrupt', `the FlatGeobuf file cannot be read (${(e as Error).message})`, { file: path, record: features.length + 1 });
  }
  if (header) checkLength(bytes, header, path);
  let crs = opts.sourceCrs;
  if (!crs) {
    const c = header?.crs;
    if (c && (c.org ?? 'EPSG').toUpperCase() === 'EPSG' && c.code > 0) crs = parseCrs(`EPSG:${c.code}`, { file: path });
    else if (c?.wkt) crs = parseCrs(c.wkt, { file: path });
    else throw new CrsError('crs-missing', `the FlatGeobuf file declares no CRS: pass ${opts.crsOption} EPSG:N`, { file: path });
  }
  return { crs, crsFrom: opts.sourceCrs ? 'option' : 'fgb', features };
}

/** Walk the size-prefixed features after the header and the index: each must end inside the file. */
function checkLength(bytes: Uint8Array, h: HeaderMeta, path: string): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8 + 4 + dv.getUint32(8, true);
  if (h.indexNodeSize > 0 && h.featuresCount > 0) at += calcTreeSize(h.featuresCount, h.indexNodeSize);
  let k = 0;
  while (at < bytes.length) {
    k++;
    const size = at + 4 <= bytes.length ? dv.getUint32(at, true) : Infinity;
    if (at + 4 + size > bytes.length) {
      throw new InputError('roads-fgb-corrupt', `the FlatGeobuf file is truncated: feature ${k} ends ${Number.isFinite(size) ? at + 4 + size - bytes.length : '?'} bytes past the end of the file`, { file: path, record: k });
    }
    at += 4 + size;
  }
  if (h.featuresCount > 0 && k < h.featuresCount) {
    throw new InputError('roads-fgb-corrupt', `the FlatGeobuf file is truncated: its header declares ${h.featuresCount} features, the file holds ${k}`, { file: path, record: k + 1 });
  }
}
