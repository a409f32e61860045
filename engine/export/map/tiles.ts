/**
 * A local raster tile file under a plan sheet (offline: nothing is fetched). MBTiles 1.3 of PNG/JPEG/WebP tiles,
 * opened by engine/export/map/mbtiles.ts (sql.js, as the GeoPackage roads are). The tiles are Web Mercator (EPSG:3857); the
 * sheet is in the run's working CRS, so the image is resampled: each output pixel's centre is projected to lon/lat and
 * takes the nearest tile pixel at the zoom whose resolution is the first at or finer than the output's.
 *
 * Refused, each an InputError naming the file and no sheet written: a file that is missing ('map-tiles-not-found'),
 * not SQLite or without a tiles table ('map-tiles-corrupt'), vector tiles ('map-tiles-vector': pbf/mvt are not
 * drawn), tiles that do not decode ('map-tiles-corrupt', naming the tile), PMTiles ('map-tiles-pmtiles': no reader),
 * a file none of whose tiles meets the sheet ('map-tiles-outside'). A file without an attribution in its metadata
 * needs `tilesAttribution` (the sheet must credit its tiles): 'map-tiles-attribution'.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { openMbtiles } from './mbtiles.js';
import { transformer, WGS84, type Crs } from '../../crs/index.js';
import { InputError } from '../../errors.js';

export interface TileImage {
  /** RGBA of the output raster, `width` x `height`, row-major from the north-west corner. */
  rgba: Uint8Array;
  width: number;
  height: number;
  /** Working-CRS box the raster covers [x0, y0, x1, y1], m. */
  box: [number, number, number, number];
  zoom: number;
  tilesRead: number;
  file: string;
  attribution: string;
  /** The metadata name of the tile set, when given. */
  name?: string;
}

const EARTH = 6378137;
/** Web Mercator ground resolution at the equator of zoom 0 with 256-px tiles, m/px. */
const RES0 = (2 * Math.PI * EARTH) / 256;

/**
 * The tiles of `path` resampled onto `box` (working CRS) at `width` x `height` pixels. `attribution` is used when
 * the file's metadata has none.
 */
export async function readTileImage(path: string, crs: Crs, box: [number, number, number, number], width: number, height: number, attribution?: string): Promise<TileImage> {
  const mb = await openMbtiles(path, 'map-tiles', attribution);
  const [zmin, zmax] = [mb.minZoom, mb.maxZoom];
  try {
    // output pixel centres -> lon/lat
    const n = width * height;
    const ll = new Float64Array(2 * n);
    const px = (box[2] - box[0]) / width;
    const py = (box[3] - box[1]) / height;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const i = 2 * (r * width + c);
        ll[i] = box[0] + (c + 0.5) * px;
        ll[i + 1] = box[3] - (r + 0.5) * py;
      }
    }
    transformer(crs, WGS84).forwardFlat(ll);
    let lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
    for (let i = 0; i < ll.length; i += 2) {
      lon0 = Math.min(lon0, ll[i]!);
      lon1 = Math.max(lon1, ll[i]!);
      lat0 = Math.min(lat0, ll[i + 1]!);
      lat1 = Math.max(lat1, ll[i + 1]!);
    }
    // the first zoom at least as fine as the output, within the file's zooms
    const need = Math.min(px, py) * Math.cos((((lat0 + lat1) / 2) * Math.PI) / 180);
    let zoom = zmin;
    while (zoom < zmax && RES0 / 2 ** zoom > need) zoom++;
    const N = 2 ** zoom;
    const mx = (lon: number) => ((lon + 180) / 360) * N * 256;
    const my = (lat: number) => {
      const s = Math.sin((Math.max(-85.05113, Math.min(85.05113, lat)) * Math.PI) / 180);
      return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * N * 256;
    };
    const tx0 = Math.max(0, Math.floor(mx(lon0) / 256));
    const tx1 = Math.min(N - 1, Math.floor(mx(lon1) / 256));
    const ty0 = Math.max(0, Math.floor(my(lat1) / 256));
    const ty1 = Math.min(N - 1, Math.floor(my(lat0) / 256));
    const tw = tx1 - tx0 + 1;
    const th = ty1 - ty0 + 1;
    if (tw * th > 4096) throw new InputError('map-tiles-corrupt', `the sheet would need ${tw * th} tiles at zoom ${zoom}; the file's zoom levels do not suit the sheet's scale`, { file: path, value: { zoom, zmin, zmax } });
    const mosaic = createCanvas(tw * 256, th * 256);
    const ctx = mosaic.getContext('2d');
    let tilesRead = 0;
    for (const { x, y, data } of mb.tiles(zoom, tx0, tx1, ty0, ty1)) {
      let img;
      try {
        img = await loadImage(Buffer.from(data));
      } catch (e) {
        throw new InputError('map-tiles-corrupt', `tile z${zoom}/${x}/${y} does not decode as an image (${(e as Error).message}); no sheet written`, { file: path, record: `z${zoom}/${x}/${y}` });
      }
      ctx.drawImage(img, (x - tx0) * 256, (y - ty0) * 256, 256, 256);
      tilesRead++;
    }
    if (tilesRead === 0) {
      throw new InputError('map-tiles-outside', `no tile of the file meets the sheet (zoom ${zoom}, lon ${lon0.toFixed(4)}..${lon1.toFixed(4)}, lat ${lat0.toFixed(4)}..${lat1.toFixed(4)}); no sheet written`, {
        file: path,
        hint: 'give a tile file that covers the map, or another extent',
      });
    }
    const src = ctx.getImageData(0, 0, tw * 256, th * 256).data;
    const W = tw * 256;
    const rgba = new Uint8Array(4 * n);
    for (let k = 0; k < n; k++) {
      const sx = Math.floor(mx(ll[2 * k]!)) - tx0 * 256;
      const sy = Math.floor(my(ll[2 * k + 1]!)) - ty0 * 256;
      if (sx < 0 || sy < 0 || sx >= W || sy >= th * 256) continue;
      const s = 4 * (sy * W + sx);
      rgba[4 * k] = src[s]!;
      rgba[4 * k + 1] = src[s + 1]!;
      rgba[4 * k + 2] = src[s + 2]!;
      rgba[4 * k + 3] = src[s + 3]!;
    }
    return { rgba, width, height, box, zoom, tilesRead, file: path, attribution: mb.attribution, name: mb.name };
  } finally {
    mb.close();
  }
}
