import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { scanOsmPbf, scanOsmPbfWithStats, type OsmScan } from '../../engine/io/osm-pbf.js';
import { data, describeData } from '../helpers/data.js';
import { HAVE_OGR, ogrOsmLayer } from './osm-gdal.js';

const HELSINKI = data('helsinki/helsinki.osm.pbf');
const tmp = mkdtempSync(join(tmpdir(), 'heatplan-osm-pbf-'));

describeData('scanOsmPbf on Helsinki', () => {
  let roads: OsmScan;
  let passes = 0;
  beforeAll(async () => {
    const r = await scanOsmPbfWithStats(HELSINKI, { keepWay: (t) => t.highway !== undefined });
    roads = r.scan;
    passes = r.stats.passes;
  });

  it('keeps only the ways asked for, and the nodes they use', () => {
    expect(roads.ways.length).toBeGreaterThan(1000);
    expect(roads.relations).toEqual([]);
    expect(passes).toBe(2); // no relation members to fetch
    const used = new Set<number>();
    for (const w of roads.ways) {
      expect(w.tags.highway).toBeDefined();
      for (const r of w.refs) used.add(r);
    }
    for (const id of roads.nodes.keys()) expect(used.has(id)).toBe(true);
    // an extract cuts ways at its edge: a few nodes are missing, most are there
    // (this extract is clipped tightly: 11% of the road nodes are outside it)
    expect(roads.nodes.size).toBeGreaterThan(0.85 * used.size);
    const [w, s, e, n] = roads.bbox!;
    expect(w).toBeGreaterThan(24.9);
    expect(e).toBeLessThan(25.0);
    expect(s).toBeGreaterThan(60.1);
    expect(n).toBeLessThan(60.2);
  });

  it.skipIf(!HAVE_OGR)('reads the same highway ways and coordinates as GDAL', () => {
    const lines = ogrOsmLayer(HELSINKI, 'lines', 'highway IS NOT NULL');
    const areas = ogrOsmLayer(HELSINKI, 'multipolygons', `osm_way_id IS NOT NULL AND other_tags LIKE '%"highway"=>%'`);
    const byId = new Map(roads.ways.map((w) => [w.id, w]));
    const gdalIds = new Set<number>();
    let checked = 0;
    for (const f of lines) {
      const id = Number(f.properties.osm_id);
      gdalIds.add(id);
      const w = byId.get(id);
      expect(w, `way ${id}`).toBeDefined();
      if (!f.geometry || !w!.refs.every((r) => roads.nodes.has(r))) continue;
      const coords = f.geometry.coordinates as [number, number][];
      expect(coords.length).toBe(w!.refs.length);
      for (let i = 0; i < coords.length; i++) {
        const p = roads.nodes.get(w!.refs[i]!)!;
        expect(Math.abs(p[0] - coords[i]![0])).toBeLessThan(1e-9);
        expect(Math.abs(p[1] - coords[i]![1])).toBeLessThan(1e-9);
      }
      checked++;
    }
    for (const f of areas) gdalIds.add(Number(f.properties.osm_way_id));
    expect(checked).toBeGreaterThan(0.9 * lines.length);
    // GDAL leaves out ways with fewer than 2 nodes inside the extract (but keeps closed ones with 1, as a point-polygon)
    const usable = roads.ways.filter((w) => {
      const inside = w.refs.filter((r) => roads.nodes.has(r)).length;
      return inside >= 2 || (inside === 1 && w.refs[0] === w.refs[w.refs.length - 1]);
    });
    expect(usable.length).toBe(gdalIds.size);
    for (const w of usable) expect(gdalIds.has(w.id)).toBe(true);
  });

  it('keeps the member ways of kept relations, even untagged ones', async () => {
    const scan = await scanOsmPbf(HELSINKI, {
      keepWay: () => false,
      keepRelation: (t) => t.type === 'multipolygon' && t.building !== undefined,
    });
    expect(scan.relations.length).toBeGreaterThan(10);
    const ways = new Set(scan.ways.map((w) => w.id));
    const all = await scanOsmPbf(HELSINKI, { keepWay: () => true });
    const inFile = new Set(all.ways.map((w) => w.id));
    let members = 0;
    for (const r of scan.relations) {
      expect(r.tags.building).toBeDefined();
      for (const m of r.members) {
        expect(['node', 'way', 'relation']).toContain(m.type);
        if (m.type !== 'way') continue;
        members++;
        // every member way that exists in the file is returned
        expect(ways.has(m.ref)).toBe(inFile.has(m.ref));
      }
    }
    expect(members).toBeGreaterThan(scan.relations.length);
    expect(scan.ways.some((w) => Object.keys(w.tags).length === 0)).toBe(true);
    // and the nodes of those ways
    for (const w of scan.ways) for (const r of w.refs) if (all.nodes.has(r)) expect(scan.nodes.get(r)).toEqual(all.nodes.get(r));
  });
});

describe('scanOsmPbf errors', () => {
  const keepWay = () => true;
  const code = async (p: Promise<unknown>): Promise<InputError> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error('expected an InputError');
  };

  it('missing file', async () => {
    const e = await code(scanOsmPbf(join(tmp, 'nope.osm.pbf'), { keepWay }));
    expect(e.code).toBe('file-not-found');
    expect(e.file).toContain('nope.osm.pbf');
  });

  it('not a PBF (an .osm XML file, an empty file)', async () => {
    const xml = join(tmp, 'x.osm');
    writeFileSync(xml, '<?xml version="1.0"?><osm version="0.6"></osm>');
    const e = await code(scanOsmPbf(xml, { keepWay }));
    expect(e.code).toBe('pbf-not-pbf');
    expect(String(e.record)).toContain('block 0');
    const empty = join(tmp, 'empty.osm.pbf');
    writeFileSync(empty, '');
    expect((await code(scanOsmPbf(empty, { keepWay }))).code).toBe('pbf-not-pbf');
  });

  describeData('broken copies of a real file', () => {
    it('truncated PBF names the block and byte offset', async () => {
      const buf = readFileSync(HELSINKI);
      const cut = join(tmp, 'cut.osm.pbf');
      writeFileSync(cut, buf.subarray(0, Math.floor(buf.length * 0.6)));
      const e = await code(scanOsmPbf(cut, { keepWay }));
      expect(e.code).toBe('pbf-truncated');
      expect(String(e.record)).toMatch(/^block \d+ \(byte \d+\)$/);
      expect(e.message).toContain('cut.osm.pbf');
      // cut inside the 4-byte length prefix of a block, too
      const off = Number(/byte (\d+)/.exec(String(e.record))![1]);
      writeFileSync(cut, buf.subarray(0, off + 2));
      expect((await code(scanOsmPbf(cut, { keepWay }))).code).toBe('pbf-truncated');
    });

    it('corrupt compressed data is pbf-corrupt with its block', async () => {
      const buf = Buffer.from(readFileSync(HELSINKI));
      // overwrite the middle of the second block's zlib stream
      const h0 = buf.readUInt32BE(0);
      const second = 4 + h0 + blobSize(buf, 4, h0);
      const h1 = buf.readUInt32BE(second);
      const start = second + 4 + h1 + 20;
      for (let i = start; i < start + 200; i++) buf[i] = (buf[i]! * 31 + 7) & 0xff;
      const bad = join(tmp, 'bad.osm.pbf');
      writeFileSync(bad, buf);
      const e = await code(scanOsmPbf(bad, { keepWay }));
      expect(e.code).toBe('pbf-corrupt');
      expect(String(e.record)).toBe(`block 1 (byte ${second})`);
    });
  });
});

/** datasize (field 3) of a BlobHeader, read by hand (independent of the reader under test). */
function blobSize(buf: Buffer, start: number, len: number): number {
  let p = start;
  const varint = () => {
    let v = 0, shift = 0, b: number;
    do {
      b = buf[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  while (p < start + len) {
    const key = varint();
    if ((key >> 3) === 3 && (key & 7) === 0) return varint();
    if ((key & 7) === 2) {
      const n = varint();
      p += n;
    }
    else varint();
  }
  throw new Error('no datasize');
}
