/**
 * Line features from CityGML (PLATEAU `unf` sewer pipes and other curves): every gml:LineString / LineStringSegment
 * posList inside a feature whose local name is wanted, in the working CRS. PLATEAU files are EPSG:6697, latitude
 * first, 3-D (srsDimension 3 unless the posList says otherwise); leaf elements outside geometry become properties.
 */
import { parseCrs, transformer, type Crs } from '../../crs/index.js';
import { InputError } from '../../errors.js';
import type { SourceFeature } from '../../potential/vector-input.js';
import { streamCityGml } from './xml-stream.js';

export async function readCityGmlLines(path: string, featureLocalNames: string[], working: Crs): Promise<SourceFeature[]> {
  const wanted = new Set(featureLocalNames);
  const out: SourceFeature[] = [];
  let cur: SourceFeature | null = null;
  let curDepth = 0;
  let srs = 'EPSG:6697';
  let inLine = 0;
  let capturing = false;
  let dim = 3;
  let buf = '';
  let leaf = '';
  let leafName = '';
  const toWorking = new Map<string, ReturnType<typeof transformer>>();
  const tf = (name: string) => {
    let t = toWorking.get(name);
    if (!t) toWorking.set(name, (t = transformer(parseCrs(name, { file: path }), working)));
    return t;
  };
  await streamCityGml(path, {
    record: () => cur?.id,
    open(local, attrs, depth, qname) {
      if (attrs.srsName) srs = attrs.srsName;
      if (!cur && wanted.has(local)) {
        cur = { id: attrs['gml:id'] ?? `${local}#${out.length + 1}`, props: {}, lines: [], polygons: [], points: [] };
        curDepth = depth;
        return;
      }
      if (!cur) return;
      if (local === 'LineString' || local === 'LineStringSegment') inLine = depth;
      else if (inLine && local === 'posList') {
        capturing = true;
        buf = '';
        dim = Number(attrs.srsDimension ?? 3) || 3;
      } else {
        leafName = qname;
        leaf = '';
      }
    },
    text(t) {
      if (capturing) buf += t;
      else if (cur) leaf += t;
    },
    close(local, depth) {
      if (!cur) return;
      if (capturing && local === 'posList') {
        capturing = false;
        const v = buf.trim().split(/\s+/).map(Number);
        const n = Math.floor(v.length / dim);
        if (n < 2 || v.some((x) => !Number.isFinite(x))) throw new InputError('citygml-bad-line', 'line posList is not a list of at least two positions', { file: path, record: cur.id });
        const crs = parseCrs(srs, { file: path });
        const a = new Float64Array(2 * n);
        for (let i = 0; i < n; i++) {
          // EPSG latitude-first CRSs: swap to lon, lat
          a[2 * i] = crs.latFirst ? v[i * dim + 1]! : v[i * dim]!;
          a[2 * i + 1] = crs.latFirst ? v[i * dim]! : v[i * dim + 1]!;
        }
        tf(srs).forwardFlat(a);
        cur.lines.push(a);
      } else if (depth === inLine) inLine = 0;
      else if (depth === curDepth) {
        out.push(cur);
        cur = null;
      } else if (!inLine && leafName && leafName.endsWith(local) && (leafName.length === local.length || leafName[leafName.length - local.length - 1] === ':')) {
        if (leaf.trim() && cur.props[leafName] === undefined) cur.props[leafName] = leaf.trim();
        leafName = '';
      }
    },
  });
  return out;
}
