/**
 * Coordinate reference systems: parsing user and file CRS declarations, choosing the projected working CRS
 * from the data's location, and transforming coordinates.
 */
import proj4 from 'proj4';
import { CrsError } from '../errors.js';
import { JAPAN_PLANE_ZONE_ORIGINS, lookupEpsg, romanZone, type CrsDefinition } from './definitions.js';
import { flatTransform } from './flat.js';

export { JAPAN_PLANE_ZONE_ORIGINS, lookupEpsg, knownEpsgCodes, type CrsDefinition } from './definitions.js';
export { areaOfUse, inAreaOfUse, JAPAN_PLANE_AREA, type AreaOfUse } from './definitions.js';
export { transformFlat, flatTransform, flatPath, type FlatPath, type FlatCrs } from './flat.js';

/** A CRS in use: its definition plus, for a chosen working CRS, why it was chosen. */
export interface Crs extends CrsDefinition {
  reason?: string;
}

/**
 * Parse a CRS declaration: 'EPSG:6677', a GML srsName ('http://www.opengis.net/def/crs/EPSG/0/6697',
 * 'urn:ogc:def:crs:EPSG::6697'), a proj4 string or OGC WKT (.prj contents).
 */
export function parseCrs(text: string, ctx: { file?: string } = {}): Crs {
  const s = text.trim();
  const epsg =
    /^(?:epsg:)?(\d+)$/i.exec(s) ??
    /\/def\/crs\/EPSG\/\d+\/(\d+)$/i.exec(s) ??
    /crs:EPSG:[\d.]*:(\d+)$/i.exec(s) ??
    /^http:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d+)$/i.exec(s);
  if (epsg) {
    const d = lookupEpsg(epsg[1]!);
    if (!d)
      throw new CrsError('crs-unknown', `unknown CRS EPSG:${epsg[1]}`, {
        file: ctx.file,
        value: text,
        hint: 'heatplan knows JGD2011/JGD2000/Tokyo plane zones, UTM, WGS84, ETRS89/LAEA; pass a proj4 string or a .prj',
      });
    return { ...d };
  }
  if (s.startsWith('+proj=')) return fromProj4(s, s, ctx);
  if (/^(PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS)\[/i.test(s)) return fromWkt(s, ctx);
  throw new CrsError('crs-unknown', 'cannot understand this CRS declaration', {
    file: ctx.file,
    value: text,
    hint: 'use EPSG:N, a proj4 string, or OGC WKT',
  });
}

function fromProj4(p4: string, name: string, ctx: { file?: string }): Crs {
  let geographic: boolean;
  try {
    const p = proj4.Proj(p4) as unknown as { projName?: string };
    geographic = p.projName === 'longlat';
  } catch (e) {
    throw new CrsError('crs-unknown', `proj4 cannot parse this CRS: ${(e as Error).message}`, { file: ctx.file, value: p4 });
  }
  return { code: p4, name, proj4: p4, geographic, latFirst: false };
}

/** Known names in ESRI/OGC WKT that map to EPSG codes heatplan defines (so outputs carry proper codes). */
function epsgFromWktName(wkt: string): string | undefined {
  const name = /^(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS)\["([^"]+)"/i.exec(wkt)?.[1];
  const auth = /AUTHORITY\["EPSG","?(\d+)"?\]\s*\]\s*$/i.exec(wkt)?.[1] ?? /ID\["EPSG",(\d+)\]\s*\]\s*$/i.exec(wkt)?.[1];
  if (auth && lookupEpsg(auth)) return auth;
  if (!name) return undefined;
  const n = name.replace(/[\s_]+/g, ' ').toLowerCase();
  const zone = /japan (?:plane rectangular cs|zone) ([ivx]+|\d+)/.exec(n)?.[1];
  if (zone) {
    const z = /^\d+$/.test(zone) ? Number(zone) : romanToInt(zone.toUpperCase());
    if (n.includes('jgd 2011') || n.includes('jgd2011')) return String(6668 + z);
    if (n.includes('jgd 2000') || n.includes('jgd2000')) return String(2442 + z);
    if (n.includes('tokyo')) return String(30160 + z);
  }
  const utm = /wgs 1?9?84 \/? ?utm zone (\d+)([ns])/.exec(n);
  if (utm) return String((utm[2] === 'n' ? 32600 : 32700) + Number(utm[1]));
  if (n === 'gcs wgs 1984' || n === 'wgs 84') return '4326';
  if (n === 'gcs jgd 2011' || n === 'jgd2011') return '6668';
  if (n === 'gcs jgd 2000' || n === 'jgd2000') return '4612';
  if (n === 'gcs tokyo' || n === 'tokyo') return '4301';
  return undefined;
}

function romanToInt(r: string): number {
  const v: Record<string, number> = { I: 1, V: 5, X: 10 };
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    const a = v[r[i]!]!;
    const b = i + 1 < r.length ? v[r[i + 1]!]! : 0;
    total += a < b ? -a : a;
  }
  return total;
}

function fromWkt(wkt: string, ctx: { file?: string }): Crs {
  const code = epsgFromWktName(wkt);
  if (code) return { ...lookupEpsg(code)! };
  try {
    const p = proj4.Proj(wkt) as unknown as { projName?: string };
    // A .prj's axis order is the traditional GIS one (x = lon/easting) whatever the EPSG registry says.
    return { code: 'WKT', name: /^\w+\["([^"]+)"/.exec(wkt)?.[1] ?? 'WKT', proj4: wkt, geographic: p.projName === 'longlat', latFirst: false };
  } catch (e) {
    throw new CrsError('crs-unknown', `cannot use the CRS in this .prj: ${(e as Error).message}`, { file: ctx.file, value: wkt });
  }
}

/** Bounding box in lon/lat degrees: [west, south, east, north]. */
export type LonLatBBox = [number, number, number, number];

/** Whether a lon/lat point lies in the area where Japan's plane rectangular systems apply (roughly). */
export function inJapan(lon: number, lat: number): boolean {
  return lon >= 122 && lon <= 154.5 && lat >= 20 && lat <= 46;
}

/**
 * Choose the projected working CRS for data whose lon/lat extent is `bbox`.
 * In Japan: the JGD2011 plane rectangular zone (EPSG:6669-6687). The legal assignment is by prefecture
 * (国土交通省告示第九号, 平成14年); without prefecture boundaries heatplan takes the zone whose central meridian is
 * closest to the data's centre (least scale error), restricted to the zones of that part of Japan: Hokkaido above
 * 41.4°N (XI-XIII), the main islands (I-X), the southern islands below 28°N (XIV-XIX, nearest origin).
 * This gives the legal zone for every prefecture capital but a few border areas; `--crs` overrides.
 * Elsewhere: the WGS84 UTM zone of the centre.
 */
export function chooseWorkingCrs(bbox: LonLatBBox): Crs {
  const [w, s, e, n] = bbox;
  if (![w, s, e, n].every(Number.isFinite)) {
    throw new CrsError('crs-no-extent', 'cannot choose a CRS: the data has no finite extent', { value: bbox });
  }
  const lon = (w + e) / 2;
  const lat = (s + n) / 2;
  if (inJapan(lon, lat)) {
    let candidates = JAPAN_PLANE_ZONE_ORIGINS.slice(0, 13);
    let region = 'main islands (zones I-X)';
    if (lat < 28) {
      candidates = JAPAN_PLANE_ZONE_ORIGINS.slice(13);
      region = 'southern islands (zones XIV-XIX)';
    } else if (lat > 41.4) {
      candidates = JAPAN_PLANE_ZONE_ORIGINS.slice(10, 13);
      region = 'Hokkaido (zones XI-XIII)';
    } else {
      candidates = JAPAN_PLANE_ZONE_ORIGINS.slice(0, 10);
    }
    let best = candidates[0]!;
    let bestD = Infinity;
    for (const z of candidates) {
      const d = lat < 28 ? Math.hypot(z.lon0 - lon, z.lat0 - lat) : Math.abs(z.lon0 - lon);
      if (d < bestD) {
        bestD = d;
        best = z;
      }
    }
    const d = lookupEpsg(6668 + best.zone)!;
    return {
      ...d,
      reason:
        `data centre ${lon.toFixed(4)}°E ${lat.toFixed(4)}°N is in Japan, ${region}; zone ${romanZone(best.zone)} ` +
        `(origin ${best.lat0.toFixed(4)}°N ${best.lon0.toFixed(4)}°E) has the nearest central meridian ` +
        `(${bestD.toFixed(2)}°); set crs (--crs EPSG:N) if the prefecture's legal zone differs`,
    };
  }
  const zone = Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1));
  const code = (lat >= 0 ? 32600 : 32700) + zone;
  const d = lookupEpsg(code)!;
  return { ...d, reason: `data centre ${lon.toFixed(4)}, ${lat.toFixed(4)} is outside Japan; UTM zone ${zone}${lat >= 0 ? 'N' : 'S'} of the centre` };
}

/** A point transformer between two CRSs, on traditional (x = lon/easting, y = lat/northing) axis order. */
export interface Transformer {
  forward(x: number, y: number): [number, number];
  /** Transform a flat [x0, y0, x1, y1, ...] array in place (transformFlat: proj4's results without its per-point overhead). */
  forwardFlat(xy: Float64Array | number[]): void;
  identity: boolean;
}

/** The transformer from `from` to `to`: transformFlat's compiled path (engine/crs/flat.ts), proj4's results to the bit. */
export function transformer(from: Crs, to: Crs): Transformer {
  if (from.proj4 === to.proj4) {
    return { identity: true, forward: (x, y) => [x, y], forwardFlat: () => {} };
  }
  const run = flatTransform(from, to);
  const p = new Float64Array(2);
  return {
    identity: false,
    forward(x, y) {
      p[0] = x;
      p[1] = y;
      run(p, p);
      return [p[0]!, p[1]!];
    },
    forwardFlat(xy) {
      run(xy, xy);
    },
  };
}

export const WGS84: Crs = { ...lookupEpsg(4326)! };

/** Numeric EPSG code of a CRS, or undefined for a CRS only known by proj4 string/WKT. */
export function epsgNumber(crs: Crs): number | undefined {
  const m = /^EPSG:(\d+)$/.exec(crs.code);
  return m ? Number(m[1]) : undefined;
}
