/**
 * The extent of a run GeoJSON file's geometry, read feature by feature (engine/io/geojson-stream.ts) and none kept: the
 * viewer frames the run with it without loading the file (blocks.geojson is fetched only when its layer is switched
 * on, and is 95 MB at a city).
 */
import { InputError } from '../../errors.js';
import { readFeatureCollection } from '../../io/geojson-stream.js';
import { CONTRACT_VERSION } from '../../run/contract.js';
import type { ViewExtent } from './format.js';

export type { ViewExtent } from './format.js';

/**
 * The extent of every coordinate of `file`'s features (a position is an array whose first two members are numbers, as
 * the viewer has always read them). Throws an InputError naming the file, the feature and the value for a feature that
 * is not a GeoJSON Feature or a position that is not a finite lon/lat pair.
 */
export async function readViewExtent(file: string): Promise<ViewExtent> {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const hint = `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun the stage that wrote it`;
  let features = 0;
  const doc = await readFeatureCollection<null>(file, {
    code: 'view-bad-geojson',
    hint,
    map: (f, i) => {
      const ft = f as { type?: unknown; geometry?: { coordinates?: unknown } | null } | null;
      if (!ft || typeof ft !== 'object' || ft.type !== 'Feature') throw new InputError('view-bad-geojson', 'not a GeoJSON Feature', { file, record: i, value: ft?.type, hint });
      features++;
      const walk = (c: unknown): void => {
        if (!Array.isArray(c)) return;
        if (typeof c[0] === 'number') {
          const [lon, lat] = c as number[];
          if (!Number.isFinite(lon) || typeof lat !== 'number' || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon!) > 540) {
            throw new InputError('view-bad-geojson', 'coordinate is not a lon/lat pair of finite numbers (WGS84)', { file, record: i, value: c, hint });
          }
          if (lon! < b[0]) b[0] = lon!;
          if (lat < b[1]) b[1] = lat;
          if (lon! > b[2]) b[2] = lon!;
          if (lat > b[3]) b[3] = lat;
          return;
        }
        for (const x of c) walk(x);
      };
      walk(ft.geometry?.coordinates);
      return null;
    },
  });
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new InputError('view-bad-geojson', 'not a GeoJSON FeatureCollection', { file, value: doc.type, hint });
  return { file, features, bbox: Number.isFinite(b[0]) ? b : null };
}
