/**
 * proj4 definitions heatplan knows by EPSG code. JGD2011 and JGD2000 are tied to ITRF and treated as identical to
 * WGS84 (towgs84 = 0), which is what GDAL/PROJ do at this precision (< 1 m).
 */
import proj4 from 'proj4';

/** Origins of Japan's 19 plane rectangular coordinate systems (平面直角座標系), zones I..XIX, as lat/lon degrees. */
export const JAPAN_PLANE_ZONE_ORIGINS: ReadonlyArray<{ zone: number; lat0: number; lon0: number }> = [
  { zone: 1, lat0: 33, lon0: 129.5 },
  { zone: 2, lat0: 33, lon0: 131 },
  { zone: 3, lat0: 36, lon0: 132 + 10 / 60 },
  { zone: 4, lat0: 33, lon0: 133.5 },
  { zone: 5, lat0: 36, lon0: 134 + 20 / 60 },
  { zone: 6, lat0: 36, lon0: 136 },
  { zone: 7, lat0: 36, lon0: 137 + 10 / 60 },
  { zone: 8, lat0: 36, lon0: 138.5 },
  { zone: 9, lat0: 36, lon0: 139 + 50 / 60 },
  { zone: 10, lat0: 40, lon0: 140 + 50 / 60 },
  { zone: 11, lat0: 44, lon0: 140.25 },
  { zone: 12, lat0: 44, lon0: 142.25 },
  { zone: 13, lat0: 44, lon0: 144.25 },
  { zone: 14, lat0: 26, lon0: 142 },
  { zone: 15, lat0: 26, lon0: 127.5 },
  { zone: 16, lat0: 26, lon0: 124 },
  { zone: 17, lat0: 26, lon0: 131 },
  { zone: 18, lat0: 20, lon0: 136 },
  { zone: 19, lat0: 26, lon0: 154 },
];

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX'];
export const romanZone = (zone: number): string => ROMAN[zone - 1] ?? String(zone);

export interface CrsDefinition {
  /** 'EPSG:6677' */
  code: string;
  name: string;
  proj4: string;
  geographic: boolean;
  /**
   * True where the EPSG axis order puts latitude/northing first (EPSG:4326, 6668, 6697, and Japan's plane rectangular
   * systems, whose X axis points north): readers of GML, which follows the EPSG order, must swap. Shapefile .prj and
   * GeoTIFF use the traditional x = east order whatever EPSG says.
   */
  latFirst: boolean;
}

const DEFS = new Map<string, CrsDefinition>();

function def(epsg: number, name: string, p4: string, geographic: boolean, latFirst = geographic): void {
  const code = `EPSG:${epsg}`;
  DEFS.set(code, { code, name, proj4: p4, geographic, latFirst });
}

const GRS80_ITRF = '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0';
def(4326, 'WGS 84', '+proj=longlat +datum=WGS84 +no_defs', true);
def(6668, 'JGD2011', `+proj=longlat ${GRS80_ITRF} +no_defs`, true);
def(6697, 'JGD2011 + JGD2011 (vertical) height', `+proj=longlat ${GRS80_ITRF} +no_defs`, true);
def(4612, 'JGD2000', `+proj=longlat ${GRS80_ITRF} +no_defs`, true);
def(4301, 'Tokyo', '+proj=longlat +ellps=bessel +towgs84=-146.414,507.337,680.507,0,0,0,0 +no_defs', true);
def(4258, 'ETRS89', `+proj=longlat ${GRS80_ITRF} +no_defs`, true);
def(3857, 'WGS 84 / Pseudo-Mercator', '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs', false);
def(3035, 'ETRS89-extended / LAEA Europe', `+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 ${GRS80_ITRF} +units=m +no_defs`, false);
for (const z of JAPAN_PLANE_ZONE_ORIGINS) {
  const tm = `+proj=tmerc +lat_0=${z.lat0} +lon_0=${z.lon0} +k=0.9999 +x_0=0 +y_0=0`;
  // EPSG order of the plane systems is X (northing), Y (easting)
  def(6668 + z.zone, `JGD2011 / Japan Plane Rectangular CS ${romanZone(z.zone)}`, `${tm} ${GRS80_ITRF} +units=m +no_defs`, false, true);
  def(2442 + z.zone, `JGD2000 / Japan Plane Rectangular CS ${romanZone(z.zone)}`, `${tm} ${GRS80_ITRF} +units=m +no_defs`, false, true);
  def(30160 + z.zone, `Tokyo / Japan Plane Rectangular CS ${romanZone(z.zone)}`, `${tm} +ellps=bessel +towgs84=-146.414,507.337,680.507,0,0,0,0 +units=m +no_defs`, false, true);
}
for (let zone = 1; zone <= 60; zone++) {
  def(32600 + zone, `WGS 84 / UTM zone ${zone}N`, `+proj=utm +zone=${zone} +datum=WGS84 +units=m +no_defs`, false);
  def(32700 + zone, `WGS 84 / UTM zone ${zone}S`, `+proj=utm +zone=${zone} +south +datum=WGS84 +units=m +no_defs`, false);
}
for (let zone = 28; zone <= 38; zone++) {
  def(25800 + zone, `ETRS89 / UTM zone ${zone}N`, `+proj=utm +zone=${zone} ${GRS80_ITRF} +units=m +no_defs`, false);
}
for (const d of DEFS.values()) proj4.defs(d.code, d.proj4);

/**
 * Area of use of a projected CRS heatplan defines, in lon/lat degrees, derived from its definition (not an EPSG
 * table): where data in that CRS can lie. Only CRSs whose definition fixes an area are listed.
 *  - UTM zone z (WGS 84 32601-32660 N, 32701-32760 S; ETRS89 25828-25838 N): the zone's 6° band, west edge
 *    -180 + 6 (z - 1), and its hemisphere (N: 0..84°N, S: 80°S..0, the UTM grid's latitude limits; the N and S
 *    variants differ only by the false northing that makes the other hemisphere's northings negative). As EPSG
 *    gives it: 32654 is "between 138°E and 144°E, northern hemisphere between equator and 84°N".
 *  - Japan's plane rectangular systems (JGD2011 6669-6687, JGD2000 2443-2461, Tokyo 30161-30179): legally assigned
 *    by prefecture (国土交通省告示第九号), boundaries heatplan does not have; their area is Japan, the extent
 *    `inJapan` (engine/crs/index.ts) uses for "the plane systems apply": 122-154.5°E, 20-46°N (Yonaguni to
 *    Minamitorishima, Okinotorishima to Etorofu).
 * `lonSlack` is how far outside the west/east edges data may still legitimately lie (degrees): a UTM zone is often
 * kept for a city across a zone boundary, so half a zone (3°); 0 for the Japan extent, which has its margin.
 */
export interface AreaOfUse {
  west: number;
  south: number;
  east: number;
  north: number;
  lonSlack: number;
  /** The area in words, for messages. */
  text: string;
}

/** The plane rectangular systems' area: the same numbers as inJapan (engine/crs/index.ts). */
export const JAPAN_PLANE_AREA: AreaOfUse = { west: 122, south: 20, east: 154.5, north: 46, lonSlack: 0, text: 'Japan (122-154.5°E, 20-46°N)' };

const AREAS = new Map<string, AreaOfUse>();
for (const z of JAPAN_PLANE_ZONE_ORIGINS) for (const base of [6668, 2442, 30160]) AREAS.set(`EPSG:${base + z.zone}`, JAPAN_PLANE_AREA);
const utmArea = (zone: number, north: boolean): AreaOfUse => {
  const west = -180 + 6 * (zone - 1);
  const lon = (x: number) => `${Math.abs(x)}°${x < 0 ? 'W' : 'E'}`;
  return {
    west, east: west + 6, south: north ? 0 : -80, north: north ? 84 : 0, lonSlack: 3,
    text: `UTM zone ${zone}${north ? 'N' : 'S'}: ${lon(west)}-${lon(west + 6)}, ${north ? 'northern hemisphere (0-84°N)' : 'southern hemisphere (80°S-0)'}`,
  };
};
for (let zone = 1; zone <= 60; zone++) {
  AREAS.set(`EPSG:${32600 + zone}`, utmArea(zone, true));
  AREAS.set(`EPSG:${32700 + zone}`, utmArea(zone, false));
}
for (let zone = 28; zone <= 38; zone++) AREAS.set(`EPSG:${25800 + zone}`, utmArea(zone, true));

/** The area of use of CRS `code` ('EPSG:32654'), or undefined where the definition fixes none (see AreaOfUse). */
export function areaOfUse(code: string): AreaOfUse | undefined {
  return AREAS.get(code);
}

/** Whether lon/lat lies in `a` (west/east widened by its lonSlack). */
export function inAreaOfUse(a: AreaOfUse, lon: number, lat: number): boolean {
  if (!(lat >= a.south && lat <= a.north)) return false;
  // across the antimeridian too (zone 1's slack reaches 177°E)
  return [lon, lon - 360, lon + 360].some((x) => x >= a.west - a.lonSlack && x <= a.east + a.lonSlack);
}

/** The definition for an EPSG code ('EPSG:6677', 'epsg:6677' or 6677), or undefined if heatplan does not know it. */
export function lookupEpsg(code: string | number): CrsDefinition | undefined {
  const m = /^(?:epsg:)?(\d+)$/i.exec(String(code).trim());
  if (!m) return undefined;
  return DEFS.get(`EPSG:${Number(m[1])}`);
}

export function knownEpsgCodes(): string[] {
  return [...DEFS.keys()];
}
