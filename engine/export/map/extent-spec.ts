/**
 * The `extent` option of plan sheets, parsed without reading anything (the map stage checks it before it runs):
 * a layer name or a lon/lat box. engine/export/map/extent.ts turns it into the frame.
 */
import { UsageError } from '../../errors.js';

type Box = [number, number, number, number];

/** Layers an extent can be named after ('auto': network and areas, else demand; 'all': everything loaded). */
export const EXTENT_LAYERS = ['auto', 'all', 'network', 'areas', 'demand', 'buildings', 'blocks', 'potential'] as const;
export type ExtentLayer = (typeof EXTENT_LAYERS)[number];

export type ExtentSpec = { kind: 'layer'; layer: ExtentLayer } | { kind: 'lonlat'; box: Box };

const HINT = `give --extent lon1,lat1,lon2,lat2 (degrees WGS84, west,south,east,north) or one of ${EXTENT_LAYERS.join(', ')}`;

/** Parse an extent option: 'network', '139.70,35.65,139.72,35.67' or [139.70, 35.65, 139.72, 35.67]. */
export function parseExtent(spec: string | readonly number[] | undefined): ExtentSpec {
  if (spec === undefined) return { kind: 'layer', layer: 'auto' };
  if (typeof spec === 'string' && (EXTENT_LAYERS as readonly string[]).includes(spec.trim().toLowerCase())) {
    return { kind: 'layer', layer: spec.trim().toLowerCase() as ExtentLayer };
  }
  const parts = typeof spec === 'string' ? spec.split(',').map((s) => s.trim()) : spec.map(String);
  const n = parts.map((p) => (p === '' ? NaN : Number(p)));
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x))) {
    throw new UsageError('map-extent', `extent "${String(spec)}" is neither a layer name nor four numbers`, { value: spec, hint: HINT });
  }
  const [a, b, c, d] = n as [number, number, number, number];
  const box: Box = [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
  if (box[0] < -180 || box[2] > 180 || box[1] < -90 || box[3] > 90) {
    throw new UsageError('map-extent', `extent ${String(spec)} is not in degrees: longitudes must lie in -180..180 and latitudes in -90..90 (lon1,lat1,lon2,lat2)`, { value: spec, hint: HINT });
  }
  if (box[0] === box[2] || box[1] === box[3]) {
    throw new UsageError('map-extent', `extent ${String(spec)} has no width or no height`, { value: spec, hint: HINT });
  }
  return { kind: 'lonlat', box };
}

