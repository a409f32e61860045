/**
 * What a plan sheet frames. By default the network and the supply areas (what a plan is about; a network without
 * supply areas with the demand around it), else the demand cells, else everything drawn; `extent` names a layer to frame instead, or a lon/lat box.
 */
import { InputError } from '../../errors.js';
import { transformer, WGS84, type Crs } from '../../crs/index.js';
import type { ProjFeature, RunLayers, RunRaster } from './load.js';
import { runExtent } from './layers.js';

export type Box = [number, number, number, number];

export { EXTENT_LAYERS, parseExtent, type ExtentLayer, type ExtentSpec } from './extent-spec.js';
import { EXTENT_LAYERS, type ExtentLayer, type ExtentSpec } from './extent-spec.js';
import { partsBBox } from '../../geom/rings.js';

function grow(b: Box | undefined, parts: readonly Float64Array[]): Box | undefined {
  const p = partsBBox(parts);
  const [x0, y0, x1, y1]: Box = b ? [Math.min(b[0], p[0]), Math.min(b[1], p[1]), Math.max(b[2], p[2]), Math.max(b[3], p[3])] : p;
  return x0 <= x1 ? [x0, y0, x1, y1] : b;
}

const featuresBox = (fs: ProjFeature[] | undefined, keep: (f: ProjFeature) => boolean = () => true): Box | undefined =>
  (fs ?? []).filter(keep).reduce<Box | undefined>((b, f) => grow(b, f.parts), undefined);

/** Box of a raster's cells with a non-zero value in any band. */
function rasterBox(r: RunRaster | undefined): Box | undefined {
  if (!r) return undefined;
  let c0 = Infinity;
  let c1 = -Infinity;
  let r0 = Infinity;
  let r1 = -Infinity;
  for (let row = 0; row < r.height; row++) {
    for (let col = 0; col < r.width; col++) {
      const i = row * r.width + col;
      if (!r.bands.some((b) => b[i]! === b[i]! && b[i]! !== 0)) continue;
      if (col < c0) c0 = col;
      if (col > c1) c1 = col;
      if (row < r0) r0 = row;
      if (row > r1) r1 = row;
    }
  }
  if (!(c0 <= c1)) return undefined;
  return [r.x0 + c0 * r.cellSize, r.y0 - (r1 + 1) * r.cellSize, r.x0 + (c1 + 1) * r.cellSize, r.y0 - r0 * r.cellSize];
}

const union = (a: Box | undefined, b: Box | undefined): Box | undefined =>
  !a ? b : !b ? a : [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];

/**
 * The box of one named layer of `run`, working CRS metres; undefined when the layer holds nothing. The network's box
 * holds its pipes, service lines, consumers and plants, not the buildings it left out.
 */
export function layerBox(run: RunLayers, layer: Exclude<ExtentLayer, 'auto'>): Box | undefined {
  switch (layer) {
    case 'all':
      return runExtent(run);
    case 'network':
      return featuresBox(run.network, (f) => f.props.kind !== 'dropped');
    case 'areas':
      return featuresBox(run.areas);
    case 'buildings':
      return featuresBox(run.buildings);
    case 'blocks':
      return featuresBox(run.blocks);
    case 'demand':
      return rasterBox(run.demand);
    case 'potential':
      return rasterBox(run.potential);
  }
}

/**
 * The default frame: what the plan delineates, the supply areas and the network. Where the run has no supply area
 * (none qualified, or no areas stage) the network is framed with the demand it was planned on, so a network of a few
 * buildings is shown in its town rather than alone at 1:1,000. Without a network: the areas, else the demand cells,
 * else the buildings, else everything.
 */
export function autoBox(run: RunLayers): { box: Box | undefined; framed: string[] } {
  const net = layerBox(run, 'network');
  const areas = layerBox(run, 'areas');
  if (net && !areas) {
    const demand = layerBox(run, 'demand') ?? layerBox(run, 'buildings');
    if (demand) return { box: union(net, demand), framed: ['network', run.demand ? 'demand' : 'buildings'] };
  }
  if (net || areas) return { box: union(net, areas), framed: [...(net ? ['network'] : []), ...(areas ? ['areas'] : [])] };
  for (const l of ['demand', 'buildings'] as const) {
    const b = layerBox(run, l);
    if (b) return { box: b, framed: [l] };
  }
  return { box: runExtent(run), framed: ['all'] };
}

/** A lon/lat box as a working-CRS box: its edges sampled, so the projected box holds the whole lon/lat box. */
export function lonLatToWorking(box: Box, crs: Crs): Box {
  const tr = transformer(WGS84, crs);
  const pts: number[] = [];
  const N = 16;
  for (let i = 0; i <= N; i++) {
    const f = i / N;
    const lon = box[0] + f * (box[2] - box[0]);
    const lat = box[1] + f * (box[3] - box[1]);
    pts.push(lon, box[1], lon, box[3], box[0], lat, box[2], lat);
  }
  const a = Float64Array.from(pts);
  tr.forwardFlat(a);
  return grow(undefined, [a])!;
}

/** A working-CRS box as lon/lat, for messages: 'lon 24.93..24.96, lat 60.16..60.17'. */
export function describeBox(box: Box, crs: Crs): string {
  const tr = transformer(crs, WGS84);
  const a = Float64Array.from([box[0], box[1], box[2], box[1], box[2], box[3], box[0], box[3]]);
  tr.forwardFlat(a);
  const lons = [a[0]!, a[2]!, a[4]!, a[6]!];
  const lats = [a[1]!, a[3]!, a[5]!, a[7]!];
  const f = (v: number) => v.toFixed(4);
  return `lon ${f(Math.min(...lons))}..${f(Math.max(...lons))}, lat ${f(Math.min(...lats))}..${f(Math.max(...lats))}`;
}

/** Grow a box by `frac` of its size on each side, at least `minM` metres. */
export function pad(b: Box, frac = 0.03, minM = 20): Box {
  const dx = Math.max((b[2] - b[0]) * frac, minM);
  const dy = Math.max((b[3] - b[1]) * frac, minM);
  return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy];
}

/**
 * The box a sheet frames for `spec`: a named layer's (padded), or the lon/lat box. An extent that does not meet the
 * run's data, or a layer that holds nothing, is an InputError ('map-extent-outside', 'map-extent-empty'): no sheet.
 * `data` is the box of everything the sheet draws.
 */
export function frameBox(run: RunLayers, spec: ExtentSpec, data: Box): { box: Box; content: Box; framed: string[] } {
  if (spec.kind === 'lonlat') {
    const box = lonLatToWorking(spec.box, run.crs);
    if (!(box[0] < data[2] && data[0] < box[2] && box[1] < data[3] && data[1] < box[3])) {
      throw new InputError(
        'map-extent-outside',
        `extent ${spec.box.join(',')} lies outside the run's data (${describeBox(data, run.crs)}); no sheet written`,
        { file: run.dir, value: spec.box.join(','), hint: `give an extent that overlaps the data, or leave --extent out to frame the network and supply areas` },
      );
    }
    return { box, content: box, framed: ['extent'] };
  }
  const r = spec.layer === 'auto' ? autoBox(run) : { box: layerBox(run, spec.layer), framed: [spec.layer] };
  if (!r.box) {
    throw new InputError('map-extent-empty', `extent "${spec.layer}": the layer holds nothing to frame; no sheet written`, {
      file: run.dir,
      value: spec.layer,
      hint: `choose another layer (${EXTENT_LAYERS.join(', ')}) or give lon1,lat1,lon2,lat2`,
    });
  }
  return { box: pad(r.box), content: r.box, framed: r.framed };
}
