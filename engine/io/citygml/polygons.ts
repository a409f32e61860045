/**
 * Generic CityGML feature reader: streams any feature type (wtr:WaterBody, uro sewer pipes, luse:LandUse, ...) and
 * returns each feature's polygons as flat lon/lat rings, with its gml:id and simple attributes. Used for heat-source
 * potentials (rivers, sewers) where only outlines and a few attributes matter.
 */
import { basename } from 'node:path';
import type { Crs } from '../../crs/index.js';
import type { ProgressFn } from '../../util/progress.js';
import { Warnings } from '../../util/warnings.js';
import { cleanPolygon, polygonsSelfIntersect, type CleanPolygon } from './footprint.js';
import { GmlGeometryReader, LONLAT } from './gml-geometry.js';
import { detachString, streamCityGml } from './xml-stream.js';

export interface CityGmlFeature {
  /** gml:id, or `<type>#<n>` when the feature has none. */
  id: string;
  /** Local element name of the feature, e.g. 'WaterBody'. */
  type: string;
  /**
   * Leaf values outside geometry, keyed by qualified element name ('wtr:class', 'uro:rank') or, for CityGML generic
   * attributes, by their name attribute. First occurrence wins; `attributeCounts` says how often each key occurred.
   */
  attributes: Record<string, string>;
  attributeCounts: Record<string, number>;
  /** Polygons: exterior ring then holes, flat [x0, y0, ...] in the target CRS (lon/lat by default), no closing vertex. */
  polygons: CleanPolygon[];
  /** Lowest and highest z of the feature's vertices (m; NaN for 2-D data). */
  zMin: number;
  zMax: number;
}

export interface CityGmlPolygonsResult {
  features: CityGmlFeature[];
  crs: Crs;
  srsNames: string[];
  /** Polygons read and kept; vertical ones (walls: no 2-D outline, z varies) are left out and counted, others
   * rejected by cleanRing are counted in the warnings ('geometry-nan', 'geometry-too-few-points'). */
  polygonsRead: number;
  polygonsKept: number;
  polygonsVertical: number;
  seconds: number;
}

export interface CityGmlPolygonsOptions {
  /** Output CRS, lon/lat EPSG:6668 by default. */
  crs?: Crs;
  warnings?: Warnings;
  onProgress?: ProgressFn;
}

/**
 * Stream `path` (.gml or .gml.gz) and collect the features whose local element name is in `featureLocalNames`
 * (e.g. ['WaterBody']), with all their polygons, whatever LOD property holds them.
 */
export async function readCityGmlPolygons(
  path: string,
  featureLocalNames: string[],
  opts: CityGmlPolygonsOptions = {},
): Promise<CityGmlPolygonsResult> {
  const t0 = performance.now();
  const crs = opts.crs ?? LONLAT;
  const warnings = opts.warnings ?? new Warnings();
  const wanted = new Set(featureLocalNames);
  const geo = new GmlGeometryReader(crs, path);
  const features: CityGmlFeature[] = [];
  let cur: CityGmlFeature | null = null;
  let curDepth = 0;
  let polygonsRead = 0, polygonsKept = 0, polygonsVertical = 0;
  let ringsDropped = 0;
  // leaf tracking outside geometry: qualified name per depth, whether the open element has child elements, its text
  const qnames: string[] = [];
  let leafText = '';
  let leafHasChild = false;
  let genName: string | null = null;
  let genDepth = 0;
  let geomDepth = 0;

  geo.onPolygon = (p) => {
    if (!cur) return;
    polygonsRead++;
    if (!(p.zMin >= cur.zMin)) cur.zMin = p.zMin;
    if (!(p.zMax <= cur.zMax)) cur.zMax = p.zMax;
    const r = cleanPolygon(p);
    ringsDropped += r.holesDropped;
    if (r.polygon) {
      cur.polygons.push(r.polygon);
      polygonsKept++;
    } else if (r.problem === 'too-few-points' && p.zMax > p.zMin) {
      // a wall: vertical, so its 2-D outline has no area; not an error in 3-D data
      polygonsVertical++;
    } else {
      ringsDropped++;
      warnings.add(r.problem === 'nan' ? 'geometry-nan' : 'geometry-too-few-points', 'polygon left out: its exterior ring has NaN coordinates or < 3 distinct vertices', {
        file: path,
        record: cur.id,
      });
    }
  };

  opts.onProgress?.(0, 1, basename(path));
  await streamCityGml(path, {
    record: () => cur?.id,
    open(local, attrs, depth, qname) {
      qnames[depth] = qname;
      if (!cur && wanted.has(local)) {
        const gid = attrs['gml:id'];
        cur = {
          id: gid !== undefined ? detachString(gid) : `${local}#${features.length + 1}`,
          type: local,
          attributes: {},
          attributeCounts: {},
          polygons: [],
          zMin: NaN,
          zMax: NaN,
        };
        curDepth = depth;
        geo.active = true;
      } else if (cur && geomDepth === 0) {
        leafHasChild = false;
        leafText = '';
        if (isGeometry(qname)) geomDepth = depth;
        else if (genName === null && depth === curDepth + 1 && attrs.name !== undefined && /Attribute$/.test(local)) {
          // CityGML generic attribute: <gen:stringAttribute name="対照番号"><gen:value>32019</gen:value>
          genName = detachString(attrs.name);
          genDepth = depth;
        }
      }
      geo.open(local, attrs, depth);
    },
    text(t) {
      if (cur && geomDepth === 0) leafText += t;
      geo.text(t);
    },
    close(local, depth) {
      geo.close(local, depth);
      if (!cur) return;
      if (depth === curDepth) {
        features.push(cur);
        cur = null;
        geo.active = false;
        genName = null;
        return;
      }
      if (geomDepth > 0) {
        if (depth === geomDepth) {
          geomDepth = 0;
          leafHasChild = true;
          leafText = '';
        }
        return;
      }
      if (!leafHasChild) {
        const key = genName !== null && depth > genDepth ? genName : qnames[depth]!;
        const v = leafText.trim();
        if (v !== '') {
          cur.attributeCounts[key] = (cur.attributeCounts[key] ?? 0) + 1;
          if (!(key in cur.attributes)) cur.attributes[key] = detachString(v);
        }
      }
      if (depth === genDepth) genName = null;
      // the parent of this element has a child, so it is no leaf
      leafHasChild = true;
      leafText = '';
    },
  });
  if (ringsDropped > 0 && polygonsKept === 0 && polygonsRead > 0) {
    warnings.add('no-valid-polygon', 'no polygon of the requested features is valid', { file: path });
  }
  for (const f of features) {
    if (polygonsSelfIntersect(f.polygons)) {
      warnings.add('self-intersecting-polygon', 'a polygon ring crosses itself (checked in the output CRS); kept as is', { file: path, record: f.id });
    }
  }
  opts.onProgress?.(1, 1, basename(path));
  return { features, crs, srsNames: [...geo.srsNames], polygonsRead, polygonsKept, polygonsVertical, seconds: (performance.now() - t0) / 1000 };
}

/** GML geometry elements are in the gml namespace and start with a capital (gml:MultiSurface, gml:Solid, gml:Envelope). */
function isGeometry(qname: string): boolean {
  if (!qname.startsWith('gml:')) return false;
  const c = qname.charCodeAt(4);
  return c >= 65 && c <= 90;
}
