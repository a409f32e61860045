/** Legend with units for the visible layers. */
import type { RunData } from './data.js';
import { ABOVE_THRESHOLD, BELOW_THRESHOLD, BLUES, css, cssGradient, useLabel, VIEWER_BASE_STYLE, VIEWER_STYLE, YL_OR_RD } from '../../engine/style/palette.js';
import { buildingChunks, footprintZoom, useRgba } from './layers/buildings.js';
import { esc, fmt } from './format.js';
import { PLATFORM_STYLE } from '../../engine/export/map/platform-style.js';
import type { DemandScale } from './layers/context.js';
import { cellHa, demandClasses, isSuitabilityBand, suitabilityLabels } from './layers/scales.js';

const swatch = (c: readonly number[]) => `<span class="swatch" style="background:rgb(${c[0]},${c[1]},${c[2]})"></span>`;

/** What the map shows of a city's network in levels of detail (main.ts): whether the view shows the chunks, and how many are loaded. */
export interface LodView {
  /** The view's width spans few enough chunks to draw them (layers/network-lod.ts detailShown). */
  shown: boolean;
  /** The zoom from which they are drawn at the map's width. */
  detailZoom: number;
  zoom: number;
  loaded: number;
  pending: number;
}

/** The legend's note on a city's network in levels of detail: what is drawn at every zoom, what from which zoom, and now. */
export function lodHtml(data: RunData, view: LodView | undefined): string {
  const lod = data.network?.meta.lod;
  if (!lod) return '';
  const t = lod.total;
  const n = (x: number) => fmt(x, 0);
  const rest: string[] = [];
  if (t.pipe > lod.mains) rest.push(`the other ${n(t.pipe - lod.mains)} pipes`);
  if (t.service) rest.push(`${n(t.service)} service lines`);
  if (t.consumer) rest.push(`${n(t.consumer)} consumers`);
  if (t.dropped) rest.push(`${n(t.dropped)} cut-off consumers`);
  const list = rest.length > 1 ? `${rest.slice(0, -1).join(', ')} and ${rest.at(-1)}` : (rest[0] ?? 'nothing else');
  const mains = t.pipe > lod.mains ? `the ${n(lod.mains)} pipes of the largest design load (≥ ${fmt(lod.mainsMinKw / 1000, 1)} MW)` : `all ${n(t.pipe)} pipes`;
  const { z, now } = lodWhen(view, lod.chunks.length);
  return `<div class="legend-row" data-legend="network-lod">network of ${n(t.pipe + t.service + t.consumer + t.dropped + t.plant)} features in levels of detail: ${mains} and the plants at every zoom; ${list}${z}, in view only.${now}</div>`;
}

/** A level-of-detail note's "from zoom Z" and its "At zoom Z: ..." sentence for the current view (network and roads alike). */
function lodWhen(view: LodView | undefined, chunks: number): { z: string; now: string } {
  const n = (x: number) => fmt(x, 0);
  const z = view ? ` from zoom ${fmt(Math.ceil(view.detailZoom * 10) / 10, 1)}` : ' when zoomed in';
  const now = !view
    ? ''
    : view.shown
      ? ` At zoom ${fmt(view.zoom, 1)}: drawn in view (${n(view.loaded)} of ${n(chunks)} areas loaded${view.pending ? `, ${n(view.pending)} loading` : ''}).`
      : ` At zoom ${fmt(view.zoom, 1)}: not drawn; zoom in to see them.`;
  return { z, now };
}

/** The legend's note on a city's road graph in levels of detail: what is drawn at every zoom, what from which zoom, and now. */
export function roadsLodHtml(data: RunData, view: LodView | undefined): string {
  const lod = data.roads?.meta.lod;
  if (!lod) return '';
  const n = (x: number) => fmt(x, 0);
  const always =
    lod.minLengthM === null || lod.overview === 0
      ? 'no segment is long enough to draw at every zoom'
      : `the ${n(lod.overview)} segments of ${fmt(lod.minLengthM, 0)} m or longer at every zoom`;
  const { z, now } = lodWhen(view, lod.chunks.length);
  const rest = lod.overview === 0 ? `all ${n(lod.total)}` : `the other ${n(lod.total - lod.overview)}`;
  return `<div class="legend-row" data-legend="roads-lod">road graph of ${n(lod.total)} segments in levels of detail: ${always}; ${rest}${z}, in view only.${now}</div>`;
}

export function legendHtml(data: RunData, visible: Record<string, boolean>, thresholdKwPerM: number, demandScale: DemandScale = 'classes', lodView?: LodView, roadsView?: LodView): string {
  const out: string[] = [];
  if (visible.demand && data.demand) {
    const g = data.demand.meta;
    const b = g.bands[Math.min(1, g.bands.length - 1)]!;
    if (demandScale === 'sqrt') {
      out.push(
        `<div>demand density, MWh/(ha·a) (${g.cellSizeM} m cells; colour ∝ √value)</div><div class="legend-row">0 <div class="ramp" style="background:${cssGradient(YL_OR_RD)}"></div> ${fmt(b.max / cellHa(g.cellSizeM))}</div>`,
      );
    } else {
      out.push(
        `<div>demand density, MWh/(ha·a) (${g.cellSizeM} m cells; fixed classes)</div><div class="classes" data-legend="demand">` +
          demandClasses(data)
            .map((c) => `<div class="legend-row">${swatch(c.color)} ${esc(c.label)}</div>`)
            .join('') +
          '</div>',
      );
    }
  }
  for (const [k, on] of Object.entries(visible)) {
    const m = /^potential-(\d+)$/.exec(k);
    if (!on || !m || !data.potential) continue;
    const i = Number(m[1]);
    const b = data.potential.meta.bands[i]!;
    if (isSuitabilityBand(data, i)) {
      out.push(
        `<div>suitability for district heating (potential.tif band ${i + 1})</div><div class="classes" data-legend="suitability">` +
          suitabilityLabels(data)
            .filter((c) => c.value > 0)
            .map((c) => `<div class="legend-row">${swatch(c.color)} ${c.value}: ${esc(c.label)}${c.count !== undefined ? ` (${fmt(c.count, 0)} cells)` : ''}</div>`)
            .join('') +
          '</div>',
      );
    } else {
      out.push(`<div>potential ${esc(b.name)}, ${esc(b.unit || 'per cell')} (colour ∝ √value)</div><div class="legend-row">0 <div class="ramp" style="background:${cssGradient(BLUES)}"></div> ${fmt(b.max)}</div>`);
    }
  }
  if (visible.water && data.water) out.push(`<div class="legend-row">${swatch(VIEWER_BASE_STYLE.waterFill)} water (river input of the potential stage)</div>`);
  if (visible.roads && data.roads) {
    out.push(`<div class="legend-row"><span class="swatch line" style="background:${css(VIEWER_BASE_STYLE.road)}"></span> roads (the route stage's road graph)</div>`);
    if (data.roads.meta.lod) out.push(roadsLodHtml(data, roadsView));
  }
  if (visible.buildings && data.buildings) {
    const uses = data.buildings.meta.dictionaries.use;
    out.push(`<div>buildings by use</div>` + uses.map((u, i) => `<div class="legend-row">${swatch(useRgba(uses, i))} ${esc(u ? useLabel(u) : '(none)')}</div>`).join(''));
    const chunked = buildingChunks(data.buildings);
    if (chunked) {
      const b = data.buildings.meta.bbox;
      const z = footprintZoom(chunked.footprintM, (b[1] + b[3]) / 2);
      out.push(
        `<div class="legend-row" data-legend="building-lod">${fmt(data.buildings.meta.count, 0)} buildings: footprints drawn from zoom ${fmt(Math.ceil(z * 10) / 10, 1)} (where a median footprint, ${fmt(chunked.footprintM)} m, covers a pixel), in view only; the demand grid shows them below</div>`,
      );
    }
  }
  if (visible.network && data.network) {
    out.push(
      `<div>pipes: linear heat density, kW/m (threshold ${fmt(thresholdKwPerM, 3)} kW/m); width = load at the hour</div>` +
        `<div class="legend-row">${swatch(BELOW_THRESHOLD)} below ${fmt(thresholdKwPerM, 3)} kW/m</div>` +
        `<div class="legend-row">${fmt(thresholdKwPerM, 3)} <div class="ramp" style="background:${cssGradient(ABOVE_THRESHOLD)}"></div> ≥ ${fmt(4 * thresholdKwPerM, 2)} kW/m</div>`,
    );
  }
  if ((visible.network || visible.consumers || visible.dropped) && data.network?.meta.lod) out.push(lodHtml(data, lodView));
  if (visible.consumers) out.push(`<div class="legend-row">${swatch(VIEWER_STYLE.consumer)} consumer (area ∝ load at the hour, kW)</div>`);
  if (visible.dropped) out.push(`<div class="legend-row"><span class="swatch ring" style="border-color:${css(VIEWER_BASE_STYLE.droppedQuiet)}"></span> consumer cut off by the route stage</div>`);
  if (visible.plants) out.push(`<div class="legend-row">${swatch(VIEWER_STYLE.plantFill)} plant</div>`);
  if (visible.platform && data.platform) {
    const inForce = data.platform.guidelines.rules.filter((r) => r.applies).map((r) => r.rule);
    out.push(
      `<div data-legend="platform">platform view (platform.json)</div>` +
        (inForce.length ? `<div class="legend-row"><span class="swatch ring" style="border-color:${PLATFORM_STYLE.guidelineRing}"></span> building meeting a municipal guideline rule (${esc(inForce.join(', '))})</div>` : '') +
        `<div class="legend-row"><span class="swatch" style="background:${PLATFORM_STYLE.criticalFill};outline:1px solid #000"></span> critical facility (hospital, welfare, shelter, city hall)</div>`,
    );
  }
  if (visible.areas) out.push(`<div class="legend-row">${swatch(VIEWER_STYLE.area)} supply area</div>`);
  return out.join('') || '<div>no layer shown</div>';
}
