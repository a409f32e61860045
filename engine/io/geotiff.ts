/**
 * GeoTIFF reading and writing for heatplan rasters (demand.tif, potential.tif, Hotmaps layers).
 *
 * Writing is done here rather than with geotiff.js's `writeArrayBuffer`, because that writer reserves a fixed
 * 1,000-byte header for all tags (GDAL_METADATA band names and the GeoKeys overflow it), has no type for the
 * GDAL_METADATA tag, interleaves the samples of every pixel and allocates a DataView per value. The file written here
 * is plain baseline TIFF: little-endian, uncompressed, band-sequential strips (PlanarConfiguration 2), one IFD, with
 * ModelPixelScale/ModelTiepoint, GeoKeys (EPSG code, PixelIsArea), GDAL_METADATA (band descriptions and units) and
 * GDAL_NODATA. Reading uses geotiff.js, so any GeoTIFF it decodes (tiled, compressed) can be read.
 */
import { readFile } from 'node:fs/promises';
import { fromArrayBuffer, type GeoTIFFImage } from 'geotiff';
import { lookupEpsg } from '../crs/index.js';
import { CrsError, InputError } from '../errors.js';
import type { Raster } from '../grid/grid.js';
import { writeOutput } from './write.js';

export interface WriteGeoTiffOptions {
  /** Value written for NaN cells and declared as GDAL_NODATA; without it NaN cells stay NaN and 'nan' is declared. */
  nodata?: number;
  /** Sample type, default 'float32' (7 significant digits; use 'float64' where sums must survive to 1e-9). */
  type?: 'float32' | 'float64';
}

// TIFF field types
const SHORT = 3, LONG = 4, ASCII = 2, DOUBLE = 12;

interface Tag {
  id: number;
  type: number;
  values: number[] | string;
}

/** Encode a raster as a GeoTIFF file in memory. */
export function encodeGeoTiff(raster: Raster, opts: WriteGeoTiffOptions = {}): Uint8Array {
  const { width, height, bands } = raster;
  const nb = bands.length;
  if (nb === 0) throw new RangeError('writeGeoTiff: raster has no bands');
  if (!(width > 0 && height > 0)) throw new RangeError(`writeGeoTiff: bad raster size ${width} x ${height}`);
  for (const [i, b] of bands.entries()) {
    if (b.length !== width * height) throw new RangeError(`writeGeoTiff: band ${i} has ${b.length} values for ${width} x ${height}`);
  }
  const f64 = opts.type === 'float64';
  const bytes = f64 ? 8 : 4;
  const rowBytes = width * bytes;
  // strips of about 256 KB: small enough for readers that load a strip at a time
  const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(262_144 / rowBytes)));
  const stripsPerBand = Math.ceil(height / rowsPerStrip);
  const dataBytes = nb * height * rowBytes;

  const nodata = opts.nodata;
  let hasNaN = false;
  if (nodata === undefined) {
    outer: for (const b of bands) for (let i = 0; i < b.length; i++) if (b[i] !== b[i]) {
      hasNaN = true;
      break outer;
    }
  }

  const crs = raster.crs;
  const epsg = /^EPSG:(\d+)$/i.exec(crs)?.[1];
  const geographic = epsg ? lookupEpsg(epsg)?.geographic === true : /\+proj=longlat/.test(crs);
  const keys: number[][] = [];
  let geoAscii = '';
  keys.push([1024, 0, 1, geographic ? 2 : 1]); // GTModelTypeGeoKey
  keys.push([1025, 0, 1, 1]); // GTRasterTypeGeoKey = PixelIsArea
  if (!epsg) {
    // not an EPSG CRS: user-defined, the proj4 text kept as citation (read back by readGeoTiff; GDAL will not know it)
    const cit = crs + '|';
    keys.push([1026, 34737, cit.length, geoAscii.length]);
    geoAscii += cit;
  }
  if (geographic) keys.push([2048, 0, 1, epsg ? Number(epsg) : 32767]); // GeographicTypeGeoKey
  else {
    keys.push([3072, 0, 1, epsg ? Number(epsg) : 32767]); // ProjectedCSTypeGeoKey
    if (!epsg) keys.push([3076, 0, 1, 9001]); // ProjLinearUnitsGeoKey = metre
  }
  keys.sort((a, b) => a[0]! - b[0]!);
  const geoKeyDir = [1, 1, 0, keys.length, ...keys.flat()];

  const meta = ['<GDALMetadata>'];
  for (let i = 0; i < nb; i++) {
    const name = raster.names[i];
    const unit = raster.units[i];
    if (name) meta.push(`  <Item name="DESCRIPTION" sample="${i}" role="description">${xmlEscape(name)}</Item>`);
    if (unit) meta.push(`  <Item name="UNITTYPE" sample="${i}" role="unittype">${xmlEscape(unit)}</Item>`);
  }
  meta.push('</GDALMetadata>');

  const stripOffsets: number[] = [];
  const stripCounts: number[] = [];
  const dataStart = 8;
  for (let b = 0; b < nb; b++) {
    for (let s = 0; s < stripsPerBand; s++) {
      const r0 = s * rowsPerStrip;
      const rows = Math.min(rowsPerStrip, height - r0);
      stripOffsets.push(dataStart + b * height * rowBytes + r0 * rowBytes);
      stripCounts.push(rows * rowBytes);
    }
  }
  const tags: Tag[] = [
    { id: 256, type: LONG, values: [width] },
    { id: 257, type: LONG, values: [height] },
    { id: 258, type: SHORT, values: new Array<number>(nb).fill(bytes * 8) },
    { id: 259, type: SHORT, values: [1] }, // no compression
    { id: 262, type: SHORT, values: [1] }, // min-is-black
    { id: 273, type: LONG, values: stripOffsets },
    { id: 277, type: SHORT, values: [nb] },
    { id: 278, type: LONG, values: [rowsPerStrip] },
    { id: 279, type: LONG, values: stripCounts },
    { id: 284, type: SHORT, values: [2] }, // band-sequential
    { id: 305, type: ASCII, values: 'heatplan' },
    ...(nb > 1 ? [{ id: 338, type: SHORT, values: new Array<number>(nb - 1).fill(0) }] : []),
    { id: 339, type: SHORT, values: new Array<number>(nb).fill(3) }, // IEEE float
    { id: 33550, type: DOUBLE, values: [raster.cellSize, raster.cellSize, 0] },
    { id: 33922, type: DOUBLE, values: [0, 0, 0, raster.x0, raster.y0, 0] },
    { id: 34735, type: SHORT, values: geoKeyDir },
    ...(geoAscii ? [{ id: 34737, type: ASCII, values: geoAscii }] : []),
    ...(meta.length > 2 ? [{ id: 42112, type: ASCII, values: meta.join('\n') }] : []),
    ...(nodata !== undefined || hasNaN ? [{ id: 42113, type: ASCII, values: nodata === undefined ? 'nan' : String(nodata) }] : []),
  ];

  // layout: header | image data | IFD | tag values
  const ifdStart = align(dataStart + dataBytes, 2);
  const ifdBytes = 2 + tags.length * 12 + 4;
  let extra = ifdStart + ifdBytes;
  const placed: { tag: Tag; count: number; size: number; offset: number }[] = [];
  for (const tag of tags) {
    const count = typeof tag.values === 'string' ? Buffer.byteLength(tag.values, 'latin1') + 1 : tag.values.length;
    const size = count * (tag.type === SHORT ? 2 : tag.type === LONG ? 4 : tag.type === DOUBLE ? 8 : 1);
    let offset = -1;
    if (size > 4) {
      extra = align(extra, tag.type === DOUBLE ? 8 : 2);
      offset = extra;
      extra += size;
    }
    placed.push({ tag, count, size, offset });
  }
  if (extra > 0xffff_ffff) throw new RangeError('writeGeoTiff: raster too large for a classic TIFF (4 GB)');
  const buf = new Uint8Array(extra);
  const dv = new DataView(buf.buffer);
  buf[0] = 0x49;
  buf[1] = 0x49; // 'II' little-endian
  dv.setUint16(2, 42, true);
  dv.setUint32(4, ifdStart, true);

  let p = dataStart;
  for (const band of bands) {
    for (let i = 0; i < band.length; i++) {
      let v = band[i]!;
      if (v !== v && nodata !== undefined) v = nodata;
      if (f64) dv.setFloat64(p, v, true);
      else dv.setFloat32(p, v, true);
      p += bytes;
    }
  }

  dv.setUint16(ifdStart, tags.length, true);
  let e = ifdStart + 2;
  for (const { tag, count, size, offset } of placed) {
    dv.setUint16(e, tag.id, true);
    dv.setUint16(e + 2, tag.type, true);
    dv.setUint32(e + 4, count, true);
    const at = size > 4 ? offset : e + 8;
    if (size > 4) dv.setUint32(e + 8, offset, true);
    writeValues(dv, buf, at, tag);
    e += 12;
  }
  dv.setUint32(e, 0, true); // no next IFD
  return buf;
}

function writeValues(dv: DataView, buf: Uint8Array, at: number, tag: Tag): void {
  if (typeof tag.values === 'string') {
    buf.set(Buffer.from(tag.values, 'latin1'), at);
    buf[at + Buffer.byteLength(tag.values, 'latin1')] = 0;
    return;
  }
  tag.values.forEach((v, i) => {
    if (tag.type === SHORT) dv.setUint16(at + 2 * i, v, true);
    else if (tag.type === LONG) dv.setUint32(at + 4 * i, v, true);
    else dv.setFloat64(at + 8 * i, v, true);
  });
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

function xmlEscape(s: string): string {
  // band names are written as latin1 TIFF ASCII: keep non-Latin-1 characters as XML character references
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
    .replace(/[^\x20-\x7e]/gu, (c) => `&#${c.codePointAt(0)};`);
}

function xmlUnescape(s: string): string {
  return s.replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Write a multi-band, north-up GeoTIFF that GDAL reads with its EPSG code, band names and units. */
export async function writeGeoTiff(path: string, raster: Raster, opts: WriteGeoTiffOptions = {}): Promise<void> {
  // a failed write (full disk, no permission) is an OutputError naming the path; the partial file is removed
  await writeOutput(path, encodeGeoTiff(raster, opts));
}

/**
 * Read a GeoTIFF (first image) into a Raster: CRS from the GeoKeys ('EPSG:N'), north-west corner and square cell
 * size from the tiepoint and pixel scale, nodata cells as NaN. Band names and units come from GDAL_METADATA where
 * present ('band 1'... and '' otherwise).
 */
export async function readGeoTiff(path: string): Promise<Raster & { nodata?: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new InputError('raster-unreadable', `cannot read raster: ${(e as Error).message}`, { file: path });
  }
  let image: GeoTIFFImage;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const tiff = await fromArrayBuffer(ab);
    image = await tiff.getImage(0);
  } catch (e) {
    throw new InputError('raster-bad-file', `not a readable GeoTIFF: ${(e as Error).message}`, { file: path });
  }
  const width = image.getWidth(), height = image.getHeight();
  const keys = image.getGeoKeys() ?? {};
  const crs = crsFromGeoKeys(keys as Record<string, unknown>);
  if (!crs) {
    throw new InputError('raster-no-crs', 'the raster has no coordinate reference system (no EPSG code in its GeoKeys)', {
      file: path,
      value: keys,
      hint: 'assign one with `gdal_edit.py -a_srs EPSG:N file.tif` or `gdal_translate -a_srs EPSG:N in.tif out.tif`',
    });
  }
  const fd = image.getFileDirectory();
  const mt = fd.getValue('ModelTransformation') as number[] | undefined;
  if (mt && (mt[1] !== 0 || mt[4] !== 0)) {
    throw new InputError('raster-rotated', 'rotated or sheared rasters are not supported', { file: path, value: mt.slice(0, 8),
      hint: 'warp it north-up first: gdalwarp in.tif out.tif' });
  }
  let resX: number, resY: number, ox: number, oy: number;
  try {
    [resX, resY] = image.getResolution() as [number, number];
    const tp = fd.getValue('ModelTiepoint') as number[] | undefined;
    if (tp && tp.length >= 6) {
      // tiepoint (i, j) -> (x, y): move to pixel (0, 0)
      ox = tp[3]! - tp[0]! * resX;
      oy = tp[4]! - tp[1]! * resY;
    } else [ox, oy] = image.getOrigin() as [number, number];
  } catch (e) {
    throw new InputError('raster-no-georef', `the raster has no georeferencing: ${(e as Error).message}`, { file: path });
  }
  if (!(Math.abs(Math.abs(resY) - resX) <= 1e-9 * resX) || !(resX > 0)) {
    throw new InputError('raster-cells-not-square', 'only square cells are supported', { file: path, value: [resX, resY],
      hint: 'resample it: gdalwarp -tr SIZE SIZE in.tif out.tif' });
  }
  if (keys.GTRasterTypeGeoKey === 2) {
    // PixelIsPoint: the tiepoint is the centre of the first pixel
    ox -= resX / 2;
    oy -= resY / 2;
  }
  const nb = image.getSamplesPerPixel();
  let data: ArrayLike<number>[];
  try {
    data = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  } catch (e) {
    throw new InputError('raster-bad-file', `cannot decode raster data: ${(e as Error).message}`, { file: path });
  }
  const nodataRaw = image.getGDALNoData();
  const nodata = nodataRaw === null || nodataRaw === undefined ? undefined : Number(nodataRaw);
  const flipRows = resY > 0; // south-up raster
  const bands: Float64Array[] = [];
  for (let b = 0; b < nb; b++) {
    const src = data[b]!;
    const out = new Float64Array(width * height);
    for (let r = 0; r < height; r++) {
      const sr = flipRows ? height - 1 - r : r;
      for (let c = 0; c < width; c++) {
        const v = src[sr * width + c]!;
        out[r * width + c] = v === nodata || (nodata !== undefined && Number.isNaN(nodata) && v !== v) ? NaN : v;
      }
    }
    bands.push(out);
  }
  const names: string[] = [], units: string[] = [];
  for (let b = 0; b < nb; b++) {
    let md: Record<string, unknown> | null = null;
    try {
      md = await image.getGDALMetadata(b);
    } catch {
      md = null;
    }
    const d = md?.DESCRIPTION, u = md?.UNITTYPE;
    names.push(typeof d === 'string' && d ? xmlUnescape(d) : `band ${b + 1}`);
    units.push(typeof u === 'string' ? xmlUnescape(u) : '');
  }
  const cellSize = resX;
  const y0 = flipRows ? oy + height * cellSize : oy;
  return { crs, x0: ox, y0, cellSize, width, height, bands, names, units, ...(nodata !== undefined ? { nodata } : {}) };
}

/** 'EPSG:N' from GeoKeys, the proj4 citation of a user-defined CRS written by heatplan, or undefined. */
function crsFromGeoKeys(keys: Record<string, unknown>): string | undefined {
  const proj = keys.ProjectedCSTypeGeoKey, geog = keys.GeographicTypeGeoKey;
  if (typeof proj === 'number' && proj > 0 && proj !== 32767) return `EPSG:${proj}`;
  const cit = keys.GTCitationGeoKey;
  if (typeof cit === 'string' && cit.startsWith('+proj=')) return cit.replace(/\|$/, '');
  if (proj === undefined && typeof geog === 'number' && geog > 0 && geog !== 32767) return `EPSG:${geog}`;
  // a user-defined projection (ProjectedCSTypeGeoKey 32767) given parameter by parameter
  return proj4FromGeoKeys(keys);
}

/**
 * proj4 string for a user-defined projected CRS in GeoKeys (as GRASS and older GDAL write them, e.g. Hotmaps' LAEA
 * rasters with ProjectedCSTypeGeoKey = 32767): transverse Mercator, Lambert conformal conic (2SP), Lambert azimuthal
 * equal area, Albers equal area, on the ellipsoid given by its keys; undefined when the keys do not say enough.
 */
export function proj4FromGeoKeys(k: Record<string, unknown>): string | undefined {
  const n = (name: string) => (typeof k[name] === 'number' ? (k[name] as number) : undefined);
  if (n('GTModelTypeGeoKey') !== 1) return undefined;
  const unit = n('ProjLinearUnitsGeoKey');
  if (unit !== undefined && unit !== 9001) {
    throw new CrsError('raster-crs-units', 'the raster\'s projection is not in metres', { value: unit, hint: 'reproject it with gdalwarp -t_srs EPSG:N' });
  }
  let ell: string;
  const a = n('GeogSemiMajorAxisGeoKey');
  const invf = n('GeogInvFlatteningGeoKey');
  const datum = n('GeogGeodeticDatumGeoKey');
  if (a && invf) ell = `+a=${a} +rf=${invf}`;
  else if (datum === 6258 || datum === 6326 || datum === 6612 || datum === 1128) ell = '+ellps=GRS80';
  else return undefined;
  // ETRS89, WGS84 and JGD2000/2011 are ITRF-tied: no datum shift at this precision (as engine/crs does)
  const towgs = datum === undefined || [6258, 6326, 6612, 1128, 6668].includes(datum) ? ' +towgs84=0,0,0,0,0,0,0' : '';
  const fe = n('ProjFalseEastingGeoKey') ?? 0;
  const fn = n('ProjFalseNorthingGeoKey') ?? 0;
  const lon0 = n('ProjNatOriginLongGeoKey') ?? n('ProjCenterLongGeoKey') ?? n('ProjFalseOriginLongGeoKey') ?? 0;
  const lat0 = n('ProjNatOriginLatGeoKey') ?? n('ProjCenterLatGeoKey') ?? n('ProjFalseOriginLatGeoKey') ?? 0;
  const base = `+x_0=${fe} +y_0=${fn} ${ell}${towgs} +units=m +no_defs`;
  switch (n('ProjCoordTransGeoKey')) {
    case 1: // transverse Mercator
      return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${n('ProjScaleAtNatOriginGeoKey') ?? 1} ${base}`;
    case 8: // Lambert conformal conic 2SP
      return `+proj=lcc +lat_1=${n('ProjStdParallel1GeoKey')} +lat_2=${n('ProjStdParallel2GeoKey')} +lat_0=${lat0} +lon_0=${lon0} ${base}`;
    case 10: // Lambert azimuthal equal area
      return `+proj=laea +lat_0=${lat0} +lon_0=${lon0} ${base}`;
    case 11: // Albers equal area
      return `+proj=aea +lat_1=${n('ProjStdParallel1GeoKey')} +lat_2=${n('ProjStdParallel2GeoKey')} +lat_0=${lat0} +lon_0=${lon0} ${base}`;
    default:
      return undefined;
  }
}

