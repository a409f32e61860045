/**
 * GML geometry inside a CityGML stream: tracks srsName / srsDimension (file default from the first srsName, scoped
 * overrides on any element) and turns gml:Polygon (Triangle, PolygonPatch) rings into flat [x0, y0, x1, y1, ...]
 * arrays in the target CRS, lon/lat for a geographic target. EPSG:6697 / 6668 / 4326 posLists are latitude first
 * and are swapped here.
 */
import { lookupEpsg, parseCrs, transformer, type Crs, type Transformer } from '../../crs/index.js';
import { notLonLat, notLonLatError } from '../../buildings/geometry.js';
import { NumberBuffer, parseNumberList } from './numbers.js';

/** One polygon as read: exterior ring (index 0) then holes, flat target-CRS x,y; z range of all its vertices. */
export interface RawPolygon {
  rings: number[][];
  zMin: number;
  zMax: number;
}

interface Srs {
  /** The srsName as written. */
  name: string;
  crs: Crs;
  tr: Transformer;
  /** Coordinates per position when srsDimension is not given. */
  dim: number;
}

const POLYGON = new Set(['Polygon', 'Triangle', 'PolygonPatch', 'Rectangle']);
const EXTERIOR = new Set(['exterior', 'outerBoundaryIs']);
const INTERIOR = new Set(['interior', 'innerBoundaryIs']);

/** PLATEAU's CRS, assumed (and counted by the caller) when a file declares none. */
export const PLATEAU_SRS = 'http://www.opengis.net/def/crs/EPSG/0/6697';

export class GmlGeometryReader {
  /** Set by the caller: parse polygons only inside geometry it wants (skipping the rest saves the number parsing). */
  active = false;
  /** Called for every polygon completed while active. */
  onPolygon: (p: RawPolygon) => void = () => {};
  /** srsName values seen in this file. */
  readonly srsNames = new Set<string>();
  /** Whether a polygon was read before any srsName was seen (PLATEAU_SRS assumed). */
  assumedSrs = false;
  /** Set by the caller: the record (gml:id) being read, named in coordinate errors. */
  record: () => string | undefined = () => undefined;

  private readonly srsCache = new Map<string, Srs>();
  private fileSrs: Srs | undefined;
  private srsStack: { depth: number; srs: Srs }[] = [];
  private dimStack: { depth: number; dim: number }[] = [];
  private polyDepth = 0;
  private ringRole: 'exterior' | 'interior' | null = null;
  private inRing = false;
  private ringDim = 0;
  private capturing = false;
  private textBuf = '';
  private readonly nums = new NumberBuffer();
  private exterior: number[] | null = null;
  private holes: number[][] = [];
  private zMin = Infinity;
  private zMax = -Infinity;

  constructor(
    private readonly target: Crs,
    private readonly file: string,
  ) {}

  open(local: string, attrs: Record<string, string>, depth: number): void {
    const srsName = attrs.srsName;
    if (srsName !== undefined) {
      const srs = this.srs(srsName);
      if (!this.fileSrs) this.fileSrs = srs;
      this.srsStack.push({ depth, srs });
    }
    const sd = attrs.srsDimension;
    if (sd !== undefined) this.dimStack.push({ depth, dim: Number(sd) });
    if (!this.active) return;
    if (POLYGON.has(local)) {
      this.polyDepth = depth;
      this.exterior = null;
      this.holes = [];
      this.zMin = Infinity;
      this.zMax = -Infinity;
    } else if (this.polyDepth > 0) {
      if (EXTERIOR.has(local)) this.ringRole = 'exterior';
      else if (INTERIOR.has(local)) this.ringRole = 'interior';
      else if (local === 'LinearRing') {
        this.inRing = true;
        this.nums.n = 0;
        this.ringDim = 0;
      } else if (this.inRing && (local === 'posList' || local === 'pos')) {
        this.capturing = true;
        this.textBuf = '';
        if (sd !== undefined) this.ringDim = Number(sd);
      }
    }
  }

  text(t: string): void {
    if (this.capturing) this.textBuf += t;
  }

  close(local: string, depth: number): void {
    if (this.active) {
      if (this.capturing && (local === 'posList' || local === 'pos')) {
        this.capturing = false;
        parseNumberList(this.textBuf, this.nums);
        this.textBuf = '';
      } else if (local === 'LinearRing' && this.inRing) {
        this.inRing = false;
        const ring = this.ring();
        if (this.ringRole === 'interior') this.holes.push(ring);
        else if (this.exterior === null) this.exterior = ring;
      } else if (depth === this.polyDepth) {
        this.polyDepth = 0;
        this.ringRole = null;
        this.onPolygon({ rings: [this.exterior ?? [], ...this.holes], zMin: this.zMin, zMax: this.zMax });
        this.exterior = null;
        this.holes = [];
      }
    } else if (depth === this.polyDepth) {
      // the caller switched off mid-polygon: forget it
      this.polyDepth = 0;
      this.inRing = false;
      this.capturing = false;
    }
    const s = this.srsStack;
    if (s.length > 0 && s[s.length - 1]!.depth === depth) s.pop();
    const d = this.dimStack;
    if (d.length > 0 && d[d.length - 1]!.depth === depth) d.pop();
  }

  /** CRS of `srsName`, with its transformer to the target (cached: PLATEAU repeats it on every geometry). */
  private srs(srsName: string): Srs {
    let s = this.srsCache.get(srsName);
    if (!s) {
      const crs = parseCrs(srsName, { file: this.file });
      // EPSG:6697 is JGD2011 + height: 3 values per position
      const dim = /(^|[^\d])6697$/.test(srsName) ? 3 : 2;
      s = { name: srsName, crs, tr: transformer(crs, this.target), dim };
      this.srsCache.set(srsName, s);
      this.srsNames.add(srsName);
    }
    return s;
  }

  private currentSrs(): Srs {
    const s = this.srsStack;
    if (s.length > 0) return s[s.length - 1]!.srs;
    if (this.fileSrs) return this.fileSrs;
    this.assumedSrs = true;
    this.fileSrs = this.srs(PLATEAU_SRS);
    return this.fileSrs;
  }

  /** Turn the buffered numbers into a flat x,y ring in the target CRS. A count that does not fit the dimension gives NaN. */
  private ring(): number[] {
    const srs = this.currentSrs();
    const d = this.dimStack;
    const dim = this.ringDim || (d.length > 0 ? d[d.length - 1]!.dim : srs.dim);
    const v = this.nums.a;
    const n = this.nums.n;
    if (!(dim >= 2) || n % dim !== 0 || n === 0) return n === 0 ? [] : [NaN, NaN, NaN, NaN, NaN, NaN];
    const nv = n / dim;
    const out = new Array<number>(2 * nv);
    const swap = srs.crs.latFirst;
    for (let i = 0, k = 0; i < n; i += dim, k += 2) {
      out[k] = swap ? v[i + 1]! : v[i]!;
      out[k + 1] = swap ? v[i]! : v[i + 1]!;
    }
    if (dim >= 3) {
      for (let i = 2; i < n; i += dim) {
        const z = v[i]!;
        if (z < this.zMin) this.zMin = z;
        if (z > this.zMax) this.zMax = z;
      }
    } else {
      if (this.zMin > 0) this.zMin = 0;
      if (this.zMax < 0) this.zMax = 0;
    }
    // a token that is not a number is NaN: the ring is counted and dropped by the caller ('geometry-nan'), and never
    // handed to proj4 (which throws on it). A number that is not a coordinate (1e999 is Infinity, a latitude of 1e15)
    // means the srsName is not the CRS of the numbers: the file cannot be read right, so it is an error.
    let junk = false;
    for (let k = 0; k < out.length; k += 2) {
      const x = out[k]!, y = out[k + 1]!;
      if (Number.isNaN(x) || Number.isNaN(y)) {
        junk = true;
        continue;
      }
      const why = !Number.isFinite(x) || !Number.isFinite(y) ? 'a coordinate is not a finite number' : srs.crs.geographic ? notLonLat(x, y) : undefined;
      if (why) throw this.notLonLat(why, srs, x, y);
    }
    if (junk) return out;
    if (!srs.tr.identity) {
      srs.tr.forwardFlat(out);
      if (this.target.geographic) {
        for (let k = 0; k < out.length; k += 2) {
          const why = notLonLat(out[k]!, out[k + 1]!);
          if (why) throw this.notLonLat(`${why} once transformed from ${srs.crs.code}`, srs, out[k]!, out[k + 1]!);
        }
      }
    }
    return out;
  }

  private notLonLat(why: string, srs: Srs, x: number, y: number) {
    const order = srs.crs.latFirst ? 'latitude first, as EPSG:6697/6668/4326 are' : 'x first';
    return notLonLatError(why, {
      file: this.file,
      record: this.record(),
      value: [x, y],
      detail: `srsName ${srs.name} is ${srs.crs.code}, ${srs.crs.geographic ? 'lon/lat' : 'projected'}, read ${order}`,
      action: "the file's srsName does not fit its coordinates",
      hint: "CityGML coordinates are in the file's srsName (--source-crs is for shapefile/GeoJSON): fix the srsName or the coordinates of the record",
    });
  }
}

/** The geographic lon/lat CRS readers produce by default (JGD2011, = WGS84 at this precision). */
export const LONLAT: Crs = { ...lookupEpsg(6668)! };
